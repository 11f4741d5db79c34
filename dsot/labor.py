r"""DSO labor: the team line-management algorithm (Appendix C) and the employee-ratio model (Appendix D).

Appendix C builds a team's management layers on top of its base-level workers
(Eqs. 221-226, Table 39); Appendix D fits the number of utility employees per 1000
customers to the scope of a utility (Eq. 227, Tables 40-41, Figure 14).  Section 3.3.2's
labour and workspace model (Eqs. 16-18, Tables 17-20) and Appendix D's control totals
(Eq. 228, Table 42) build on both.  Head counts are full-time equivalents (FTE); ratios
are dimensionless; costs are in $/yr or $K/yr as named.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from dsot.params import ParameterSet, load_parameters, parameter_text, parameter_value
from dsot.registry import equation
from dsot.vocab import DSOType

# --- Appendix C: team line management ---------------------------------------------------------


@equation(221, section="C")
def next_layer_headcount(headcount_below: float, max_direct_reports: float, rounding: str = "ceiling") -> float:
    r"""Head count of the next management layer, :math:`FTE_N`.

    Eq. (221): $$FTE_N = FTE_{N-1} / MaxDirectReports_N$$

    Parameters
    ----------
    headcount_below : :math:`FTE_{N-1}`. [FTE]
    max_direct_reports : :math:`MaxDirectReports_N` (Table 39). [-]
    rounding : ``"none"`` as printed, or ``"ceiling"`` (whole managers, as Table 39 shows
        38, 5 and 1 where the ratio gives 37.5, 4.75 and 0.83). [-]

    Returns
    -------
    :math:`FTE_N` [FTE]

    Examples
    --------
    >>> next_layer_headcount(300, 8), next_layer_headcount(300, 8, "none")
    (38, 37.5)
    """
    if max_direct_reports <= 0:
        raise ValueError("max_direct_reports must be positive")
    ratio = headcount_below / max_direct_reports
    if rounding == "ceiling":
        return math.ceil(round(ratio, 9))
    if rounding == "none":
        return ratio
    raise ValueError(f"unknown rounding {rounding!r} (use 'none' or 'ceiling')")


@equation(222, section="C")
def fte_ratio(headcount: float, headcount_below: float) -> float:
    r"""FTE ratio of a layer to the layer below, :math:`FteRatio_N`.

    Eq. (222): $$FteRatio_N = FTE_N / FTE_{N-1}$$

    Examples
    --------
    >>> fte_ratio(300, 2400)
    0.125
    """
    return headcount / headcount_below


@equation(223, section="C")
def cumulative_fte_ratio(headcounts: list[float]) -> float:
    r"""Team size up to a level over the base level, :math:`FteRatioCum_N`.

    Eq. (223): $$FteRatioCum_N = \frac{1}{FTE_1}\sum_{n=1}^{N} FTE_n$$

    Parameters
    ----------
    headcounts : :math:`FTE_1 \ldots FTE_N`. [FTE]

    Returns
    -------
    :math:`FteRatioCum_N` [-]

    Examples
    --------
    >>> cumulative_fte_ratio([24000, 2400])
    1.1
    """
    return sum(headcounts) / headcounts[0]


@equation(224, section="C")
def salary_escalation_ratio(escalation_factor: float, level: int) -> float:
    r"""Salary of level :math:`N` over the level below it, :math:`SalaryEscRatio_N`.

    Eq. (224): $$SalaryEscRatio_N = SalaryEscFactor^{N-1}$$

    Parameters
    ----------
    escalation_factor : :math:`SalaryEscFactor` (1.3, Appendix C). [-]
    level : :math:`N`, 1 for the base level. [-]

    Returns
    -------
    :math:`SalaryEscRatio_N` [-] (1 for the base level)

    Examples
    --------
    >>> round(salary_escalation_ratio(1.3, 3), 4)
    1.69
    """
    return float(escalation_factor ** (level - 1))


@equation(225, section="C")
def salary_ratio_to_base(escalation_ratio: float, previous_ratio_to_base: float) -> float:
    r"""Salary of level :math:`N` over the base level, computed recursively.

    Eq. (225): $$SalaryEscRatio_{N\,\text{to}\,1} = SalaryEscRatio_N\;SalaryEscRatio_{N-1\,\text{to}\,1}$$

    Examples
    --------
    >>> round(salary_ratio_to_base(1.69, 1.3), 3)
    2.197
    """
    return escalation_ratio * previous_ratio_to_base


@equation(226, section="C")
def cumulative_cost_ratio(headcounts: list[float], salary_ratios_to_base: list[float]) -> float:
    r"""Team cost up to a level over the cost of its base level, :math:`CostRatio_N`.

    Eq. (226): $$CostRatio_N = \frac{1}{FTE_1}\sum_{n=1}^{N} FTE_n\,SalaryEscRatio_{n\,\text{to}\,1}$$

    Examples
    --------
    >>> cumulative_cost_ratio([100, 10], [1.0, 1.3])
    1.13
    """
    return sum(h * s for h, s in zip(headcounts, salary_ratios_to_base, strict=True)) / headcounts[0]


@dataclass(frozen=True)
class TeamRules:
    """Appendix C's calibration (Table 39)."""

    max_direct_reports: dict[int, float]
    min_direct_reports: dict[int, float]
    salary_escalation_factor: float
    rounding: str


def load_team_rules(parameter_set: ParameterSet = "study", data: Path | None = None) -> TeamRules:
    """Table 39's direct-report limits, the salary escalation factor and the rounding reading."""
    frame = load_parameters("teams", parameter_set, data)
    levels = frame[frame["parameter"] == "max_direct_reports"]["level"].astype(int)
    return TeamRules(
        max_direct_reports={lvl: parameter_value(frame, "max_direct_reports", level=str(lvl)) for lvl in levels},
        min_direct_reports={lvl: parameter_value(frame, "min_direct_reports", level=str(lvl)) for lvl in levels},
        salary_escalation_factor=parameter_value(frame, "salary_escalation_factor", level="all"),
        rounding=parameter_text(frame, "headcount_rounding", level="all"),
    )


def team_structure(base_fte: float, rules: TeamRules) -> pd.DataFrame:
    """A team's layers (Table 39): head counts and FTE, salary and cost ratios by level.

    Layers are added while the layer below holds at least the level's minimum of direct
    reports; levels beyond the last one of Table 39 reuse its limits.

    Returns
    -------
    One row per level: level, fte, fte_ratio, fte_ratio_cum, salary_ratio,
    salary_ratio_to_base, cost_ratio_cum.
    """
    if base_fte <= 0:
        raise ValueError("base_fte must be positive")
    last = max(rules.max_direct_reports)
    ftes, salaries = [float(base_fte)], [1.0]
    rows = [
        {
            "level": 1,
            "fte": float(base_fte),
            "fte_ratio": np.nan,
            "fte_ratio_cum": 1.0,
            "salary_ratio": np.nan,
            "salary_ratio_to_base": 1.0,
            "cost_ratio_cum": 1.0,
        }
    ]
    level = 2
    while ftes[-1] >= rules.min_direct_reports[min(level, last)] and ftes[-1] > 1:
        fte = next_layer_headcount(ftes[-1], rules.max_direct_reports[min(level, last)], rules.rounding)
        escalation = salary_escalation_ratio(rules.salary_escalation_factor, level)
        salaries.append(salary_ratio_to_base(escalation, salaries[-1]))
        ratio = fte_ratio(fte, ftes[-1])
        ftes.append(fte)
        rows.append(
            {
                "level": level,
                "fte": fte,
                "fte_ratio": ratio,
                "fte_ratio_cum": cumulative_fte_ratio(ftes),
                "salary_ratio": escalation,
                "salary_ratio_to_base": salaries[-1],
                "cost_ratio_cum": cumulative_cost_ratio(ftes, salaries),
            }
        )
        level += 1
    return pd.DataFrame(rows)


# --- Appendix D: employee ratio ------------------------------------------------------------------


@equation(227, section="D")
def employee_ratio(retail: float, gas_ratio: float, constant: float, retail_coefficient: float, gas_coefficient: float) -> float:
    r"""Utility employees per 1000 electricity customers.

    Eq. (227): $$EmployeeRatio = b + m_1\,Retail + m_2\,GasRatio$$

    Parameters
    ----------
    retail : 1 if the utility keeps its retail functions, else 0 (Table 40). [-]
    gas_ratio : gas customers over total customers (Table 40). [frac]
    constant, retail_coefficient, gas_coefficient : :math:`b, m_1, m_2` (Table 41). [employees per 1000 customers]

    Returns
    -------
    Employees per 1000 electricity customers [-]

    Examples
    --------
    An electricity-only DSO with retail functions (Table 41: 1.21 + 1.63):

    >>> round(employee_ratio(1, 0.0, 1.21, 1.63, 3.50), 2)
    2.84
    """
    return constant + retail_coefficient * retail + gas_coefficient * gas_ratio


def utility_employees(data: Path | None = None) -> pd.DataFrame:
    """Table 40 with its derived columns: total customers and employees per 1000 electricity customers."""
    frame = load_parameters("utility_employees", "study", data)
    wide = frame.pivot_table(index="utility", columns="parameter", values="value", aggfunc="first")
    wide = wide.reindex(list(dict.fromkeys(frame["utility"])))
    wide["total_customers"] = wide["electricity_customers"] + wide["gas_customers"]
    wide["employees_per_1000"] = wide["employees"] / wide["electricity_customers"] * 1000.0
    return wide.reset_index()


@dataclass(frozen=True)
class RegressionResult:
    """An ordinary least squares fit of Eq. (227) (Table 41)."""

    coefficients: pd.Series
    std_errors: pd.Series
    t_statistics: pd.Series
    r_squared: float
    std_error_of_estimate: float
    predicted: pd.Series
    actual: pd.Series


def fit_employee_ratio(ratios: pd.Series, retail: pd.Series, gas_ratio: pd.Series) -> RegressionResult:
    """Ordinary least squares fit of Eq. (227) to utilities' employee ratios (Appendix D, Table 41).

    Parameters
    ----------
    ratios : employees per 1000 electricity customers. [-]
    retail, gas_ratio : the regressors of Eq. (227). [-]
    """
    design = np.column_stack([np.ones(len(ratios)), retail.to_numpy(float), gas_ratio.to_numpy(float)])
    y = ratios.to_numpy(float)
    beta, *_ = np.linalg.lstsq(design, y, rcond=None)
    residuals = y - design @ beta
    dof = len(y) - design.shape[1]
    variance = float(residuals @ residuals) / dof
    covariance = variance * np.linalg.inv(design.T @ design)
    names = ["Constant", "Retail", "GasRatio"]
    se = np.sqrt(np.diag(covariance))
    return RegressionResult(
        coefficients=pd.Series(beta, index=names),
        std_errors=pd.Series(se, index=names),
        t_statistics=pd.Series(beta / se, index=names),
        r_squared=1.0 - float(residuals @ residuals) / float(((y - y.mean()) ** 2).sum()),
        std_error_of_estimate=math.sqrt(variance),
        predicted=pd.Series(design @ beta, index=ratios.index),
        actual=ratios,
    )


def employee_regression(parameter_set: ParameterSet = "study", data: Path | None = None) -> RegressionResult:
    """Table 41: Eq. (227) fitted to Table 40, on the ratios the parameter set's reading uses.

    ``printed`` reading: employees / electricity customers from the table's counts;
    ``study`` reading: the table's printed (rounded) ratio column.
    """
    table = utility_employees(data).set_index("utility")
    source = parameter_text(load_parameters("employee_model", parameter_set, data), "employee_ratio_source")
    ratios = table["employee_ratio_printed"] if source == "printed" else table["employees_per_1000"]
    return fit_employee_ratio(ratios, table["retail_electricity"], table["gas_ratio"])


# --- Section 3.3.2: DSO labour and workspace ----------------------------------------------------


@equation(16, section="3.3.2.1")
def team_headcount(
    customers: float,
    substations: float,
    constant: float,
    per_1000_customers: float,
    per_root_1000_customers: float,
    per_substation: float,
    team_factor: float = 1.0,
) -> float:
    r"""Employees of a DSO team, :math:`NoEmployees_t`.

    Eq. (16): $$NoEmployees_t = a_t + \left(b_t \frac{N_{cust}}{1000} + c_t \sqrt{\frac{N_{cust}}{1000}}
    + d_t N_{sub}\right) TeamFactor_t$$

    Parameters
    ----------
    customers : :math:`N_{cust}`, the DSO's customers. [count]
    substations : :math:`N_{sub}`, the DSO's substations. [count]
    constant, per_1000_customers, per_root_1000_customers, per_substation : :math:`a_t, b_t, c_t, d_t` (Table 17). [FTE]
    team_factor : :math:`TeamFactor_t` (Table 17, 1.11): gives all employees including
        managers, as printed; 1 gives the base-level employees, which the study then
        manages with Appendix C. [-]

    Returns
    -------
    :math:`NoEmployees_t` [FTE]

    Notes
    -----
    The where-list calls :math:`NoEmployees_t` the base-level employees although the
    equation multiplies by the TeamFactor; with ``team_factor=1`` both agree.

    Examples
    --------
    Linemen of DSO #1 (Table 17: a = 2, b = 0.935, c = -1.597; 3,843,475 customers):

    >>> round(team_headcount(3843475, 346.6, 2.0, 0.935, -1.597, 0.0), 2)
    3496.64
    """
    thousands = customers / 1000.0
    variable = per_1000_customers * thousands + per_root_1000_customers * math.sqrt(thousands) + per_substation * substations
    return constant + variable * team_factor


@equation(17, section="3.3.2.1")
def team_cost(
    headcount: float, cost_ratio: float, hourly_wage_usd: float, hours_per_year: float, compensation_ratio_frac: float
) -> float:
    r"""Annual fully burdened labour cost of a team, :math:`TeamCost_t`, in $/yr.

    Eq. (17), with the wage the printed equation leaves out:
    $$TeamCost_t = NoEmployees_t\,CostRatio_t\,Wage_t\,HrYr / CompRatio$$

    Parameters
    ----------
    headcount : :math:`NoEmployees_t` (Eq. 16). [FTE]
    cost_ratio : pay of the whole team over that of ``headcount`` at the team's wage:
        1 when ``headcount`` already holds every employee (as printed, TeamFactor applied
        in Eq. 16), or Appendix C's :math:`CostRatio_N` (Eq. 226) for base-level employees,
        which pays managers more (the study). [-]
    hourly_wage_usd : the team's unburdened wage (Table 18). [$/hr]
    hours_per_year : :math:`HrYr` (2,080). [hr/yr]
    compensation_ratio_frac : :math:`CompRatio` (70%). [frac]

    Returns
    -------
    :math:`TeamCost_t` [$/yr]

    Notes
    -----
    As printed, Eq. (17) multiplies base employees by the TeamFactor, hours and 1/CompRatio
    and has no wage; Section 3.3.2.1's text says the cost is wage x 2,080 / 70%.

    Examples
    --------
    >>> round(team_cost(100, 1.0, 35.0, 2080, 0.7))
    10400000
    """
    if compensation_ratio_frac <= 0:
        raise ValueError("compensation_ratio_frac must be positive")
    return headcount * cost_ratio * hourly_wage_usd * hours_per_year / compensation_ratio_frac


@equation(18, section="3.3.2.2")
def workspace_cost(
    linemen: float,
    employees: float,
    sqft_per_lineman: float,
    sqft_per_office_worker: float,
    industrial_rent_usd_per_sqft: float,
    office_rent_usd_per_sqft: float,
) -> float:
    r"""Annual workspace cost of a DSO, :math:`WorkspaceCost`, in $/yr.

    Eq. (18): $$WorkspaceCost = NoEmployees_{linemen} SqftLinemen\,CostIndustrialSqft
    + \sum_t NoEmployees_t SqftOffice\,CostOfficeSqft - NoEmployees_{linemen} SqftOffice\,CostOfficeSqft$$

    Parameters
    ----------
    linemen : base-level linemen. [FTE]
    employees : :math:`\sum_t NoEmployees_t`, everyone with workspace, linemen included. [FTE]
    sqft_per_lineman : :math:`SqftLinemen` (600). [sqft]
    sqft_per_office_worker : :math:`SqftOffice` (200). [sqft]
    industrial_rent_usd_per_sqft, office_rent_usd_per_sqft : Table 20. [$/sqft-yr]

    Returns
    -------
    :math:`WorkspaceCost` [$/yr]

    Examples
    --------
    >>> workspace_cost(10, 30, 600, 200, 5.0, 20.0)
    110000.0
    """
    industrial = linemen * sqft_per_lineman * industrial_rent_usd_per_sqft
    return industrial + (employees - linemen) * sqft_per_office_worker * office_rent_usd_per_sqft


@equation(228, section="D")
def aggregated_coefficient(coefficients: list[float], team_factors: list[float]) -> float:
    r"""A Table 17 coefficient aggregated over sub-teams, :math:`AggregatedCoefficient_i`.

    Eq. (228): $$AggregatedCoefficient_i = \sum_{t=1}^{T} Coefficient_i(t)\,TeamFactor_t$$

    Appendix D applies it to the per-customer, per-root and per-substation columns; the
    constants (single leaders) are summed as they are.

    Examples
    --------
    Billing and customer service per 1000 customers (Table 17: 0.100 and 1.330, x 1.11):

    >>> round(aggregated_coefficient([0.1, 1.33], [1.11, 1.11]), 4)
    1.5873
    """
    return sum(c * f for c, f in zip(coefficients, team_factors, strict=True))


@dataclass(frozen=True)
class Team:
    """One row of Table 17."""

    team: str
    label: str
    group: str
    constant: float
    per_1000_customers: float
    per_root_1000_customers: float
    per_substation: float
    team_factor: float
    transactive_factor_frac: float
    transactive_only: bool
    wage_category: str | None
    cfs_line: str | None
    pool: str


@dataclass(frozen=True)
class LaborInputs:
    """Inputs of Section 3.3.2 for one parameter set: Tables 17, 18 and 20 and the conventions."""

    parameter_set: ParameterSet
    teams: tuple[Team, ...]
    wages: pd.DataFrame
    rents: pd.DataFrame
    scalars: pd.DataFrame
    rules: TeamRules

    def team(self, name: str) -> Team:
        """The Table 17 row of a team."""
        for t in self.teams:
            if t.team == name:
                return t
        raise KeyError(f"no team {name!r} in data/parameters/labor_teams.csv")

    def wage(self, category: str, dso_type: str) -> float:
        """Table 18: unburdened hourly wage of a labour category, in $/hr."""
        return parameter_value(self.wages, "hourly_wage", category=category, dso_type=dso_type)

    def convention(self, name: str, executive: str = "all") -> str:
        """A text convention of ``data/parameters/labor.csv``."""
        return parameter_text(self.scalars, name, executive=executive)

    def teams_of(self, name: str, executive: str = "all") -> list[str]:
        """A ';'-joined list of teams from a convention (empty for ``none``)."""
        value = self.convention(name, executive)
        return [] if value == "none" else value.split(";")

    def scalar(self, name: str) -> float:
        """A numeric scalar of ``data/parameters/labor.csv`` (loaded units)."""
        return parameter_value(self.scalars, name, executive="all")

    def rent(self, kind: str, dso_type: str) -> float:
        """Table 20: annual rent of ``office`` or ``industrial`` space, in $/sqft-yr."""
        return parameter_value(self.rents, f"{kind}_rent", dso_type=dso_type)


def load_labor_inputs(parameter_set: ParameterSet = "study", data: Path | None = None) -> LaborInputs:
    """Load Tables 17, 18 and 20 and the labour conventions for one parameter set."""
    frame = load_parameters("labor_teams", parameter_set, data)

    def text(parameter: str, team: str) -> str | None:
        hit = frame[(frame["parameter"] == parameter) & (frame["team"] == team)]
        return str(hit["value"].iloc[0]) if len(hit) else None

    teams = []
    for name in dict.fromkeys(frame["team"]):

        def value(parameter: str, team: str = str(name)) -> float:
            return parameter_value(frame, parameter, team=team)

        teams.append(
            Team(
                team=str(name),
                label=str(text("team_label", str(name))),
                group=str(text("team_group", str(name))),
                constant=value("team_constant"),
                per_1000_customers=value("team_per_1000_customers"),
                per_root_1000_customers=value("team_per_root_1000_customers"),
                per_substation=value("team_per_substation"),
                team_factor=value("team_factor"),
                transactive_factor_frac=value("transactive_factor"),
                transactive_only=value("transactive_only") == 1.0,
                wage_category=text("wage_category", str(name)),
                cfs_line=text("cfs_line", str(name)),
                pool=text("line_management_pool", str(name)) or str(name),
            )
        )
    return LaborInputs(
        parameter_set=parameter_set,
        teams=tuple(teams),
        wages=load_parameters("labor_wages", parameter_set, data),
        rents=load_parameters("workspace", parameter_set, data),
        scalars=load_parameters("labor", parameter_set, data),
        rules=load_team_rules(parameter_set, data),
    )


def _structure(base_fte: float, rules: TeamRules) -> pd.DataFrame:
    """Appendix C's layers of a team; an empty team has none."""
    if base_fte <= 0:
        return pd.DataFrame({"level": [1], "fte": [0.0], "salary_ratio_to_base": [1.0], "cost_ratio_cum": [1.0]})
    return team_structure(base_fte, rules)


def _pool_headcount(members: list[Team], customers: float, substations: float, team_factor: float) -> float:
    return sum(
        team_headcount(
            customers, substations, m.constant, m.per_1000_customers, m.per_root_1000_customers, m.per_substation, team_factor
        )
        for m in members
    )


def _pools(inputs: LaborInputs) -> dict[str, list[Team]]:
    """Priced teams grouped by shared line management (Table 17 rows with a Table 18 wage)."""
    pools: dict[str, list[Team]] = {}
    for t in inputs.teams:
        if t.wage_category is not None:
            pools.setdefault(t.pool, []).append(t)
    return pools


def team_labor(
    inputs: LaborInputs, dso_type: DSOType, customers: float, substations: float, transactive: bool = False
) -> pd.DataFrame:
    """Every priced team of a DSO (Eqs. 16-17, Tables 17-18): head counts, pay ratios and cost.

    Teams that share line management (the study's accounting and economics pools) are
    managed and priced as one pool, whose row carries the pool's name.  Teams that exist
    only in transactive cases are empty otherwise.  Transactive increases (Table 17)
    multiply the cost, and the head count that needs workspace.

    Columns: team, label, group, cfs_line, base_fte, fte, levels, top_salary_ratio,
    cost_ratio, hourly_wage_usd, transactive_increase_frac, cost_kusd_per_yr.
    """
    rule = inputs.convention("headcount_rule")
    hours, comp = inputs.scalar("hours_per_year"), inputs.scalar("compensation_ratio")
    rows = []
    for pool, members in _pools(inputs).items():
        wages = {inputs.wage(str(m.wage_category), dso_type) for m in members}
        if len(wages) != 1:
            raise ValueError(f"pooled team {pool!r} mixes wages {sorted(wages)}")
        wage = wages.pop()
        active = [m for m in members if transactive or not m.transactive_only]
        base = _pool_headcount(active, customers, substations, 1.0)
        increase = members[0].transactive_factor_frac if transactive else 0.0
        if rule == "line_management":
            layers = _structure(base, inputs.rules)
            heads, fte, cost_ratio = base, float(layers["fte"].sum()), float(layers["cost_ratio_cum"].iloc[-1])
            levels, top = len(layers), float(layers["salary_ratio_to_base"].iloc[-1])
        else:
            heads = _pool_headcount(active, customers, substations, members[0].team_factor)
            fte, cost_ratio, levels, top = heads, 1.0, 1, 1.0
        rows.append(
            {
                "team": pool,
                "label": members[0].label if len(members) == 1 else pool.replace("_", " ").capitalize(),
                "group": members[0].group,
                "cfs_line": members[0].cfs_line,
                "base_fte": base,
                "fte": fte * (1.0 + increase),
                "levels": levels,
                "top_salary_ratio": top,
                "cost_ratio": cost_ratio,
                "hourly_wage_usd": wage,
                "transactive_increase_frac": increase,
                "cost_kusd_per_yr": team_cost(heads, cost_ratio, wage, hours, comp) * (1.0 + increase) / 1000.0,
            }
        )
    return pd.DataFrame(rows)


def _annual_pay_kusd(salary_ratio: float, wage_usd: float, inputs: LaborInputs) -> float:
    return team_cost(1.0, salary_ratio, wage_usd, inputs.scalar("hours_per_year"), inputs.scalar("compensation_ratio")) / 1000.0


def executives(inputs: LaborInputs, teams: pd.DataFrame) -> pd.DataFrame:
    """The CEO, CFO and CIO (Table 17) and any leaders the parameter set counts twice, in $K/yr.

    An executive sits one management level above the top of the team it leads
    (``executive_leads`` in ``data/parameters/labor.csv``): the salary ratio of Eq. (224) for
    that level times the top layer's ratio, at the team's wage (with its transactive
    increase).  The CEO sits above the best paid of the COO, CRO, CLO and CHO.

    Columns: executive, cfs_line, leads, level, salary_ratio, cost_kusd_per_yr.
    """
    by_team = teams.set_index("team")
    escalation = inputs.rules.salary_escalation_factor

    def over(team: str) -> dict[str, float | str]:
        row = by_team.loc[team]
        level = int(row["levels"]) + 1
        ratio = float(row["top_salary_ratio"]) * salary_escalation_ratio(escalation, level)
        wage = float(row["hourly_wage_usd"]) * (1.0 + float(row["transactive_increase_frac"]))
        return {"leads": team, "level": level, "salary_ratio": ratio, "cost_kusd_per_yr": _annual_pay_kusd(ratio, wage, inputs)}

    rows = []
    for name in ("CEO", "CFO", "CIO"):
        led = [t for t in inputs.teams_of("executive_leads", name) if float(by_team.at[t, "base_fte"]) > 0]
        best = max((over(t) for t in led), key=lambda r: float(r["cost_kusd_per_yr"]))
        rows.append({"executive": name, "cfs_line": name.lower(), **best})
    for team in inputs.teams_of("double_counted_leaders"):
        row = by_team.loc[team]
        wage = float(row["hourly_wage_usd"]) * (1.0 + float(row["transactive_increase_frac"]))
        ratio = float(row["top_salary_ratio"])
        rows.append(
            {
                "executive": f"{team} leader (again)",
                "cfs_line": f"{team}_leader_again",
                "leads": team,
                "level": int(row["levels"]),
                "salary_ratio": ratio,
                "cost_kusd_per_yr": _annual_pay_kusd(ratio, wage, inputs),
            }
        )
    return pd.DataFrame(rows)


def workspace(inputs: LaborInputs, dso_type: DSOType, teams: pd.DataFrame, execs: pd.DataFrame) -> dict[str, float]:
    """A DSO's workspace (Eq. 18, Table 20): linemen, office workers and annual cost ($K/yr).

    Base-level linemen get industrial space; everyone else with workspace, executives
    included, gets office space.  Teams in ``workspace_excluded_teams`` are left out.
    """
    linemen = float(teams.set_index("team").at["linemen", "base_fte"])
    counted = teams[~teams["team"].isin(inputs.teams_of("workspace_excluded_teams"))]
    employees = float(counted["fte"].sum()) + float((execs["cfs_line"].isin(["ceo", "cfo", "cio"])).sum())
    cost = workspace_cost(
        linemen,
        employees,
        parameter_value(inputs.rents, "sqft_per_lineman", dso_type="all"),
        parameter_value(inputs.rents, "sqft_per_office_worker", dso_type="all"),
        inputs.rent("industrial", dso_type),
        inputs.rent("office", dso_type),
    )
    return {"linemen": linemen, "office_workers": employees - linemen, "cost_kusd_per_yr": cost / 1000.0}


COEFFICIENTS = ("constant", "per_1000_customers", "per_root_1000_customers", "per_substation")
GROUP_LABELS = {
    "administration": "Administration and Business Labor",
    "engineering": "Engineering Operations Labor (incl. COO)",
    "retail": "Retail Operations Labor (incl. CRO)",
}


def group_coefficients(inputs: LaborInputs) -> pd.DataFrame:
    """Table 17's group rows: Eq. (228) over each group's BAU teams, and the utility total.

    Constants (single leaders and minimum teams) are summed as they are; the other
    coefficients are multiplied by each team's TeamFactor (Table 17) before summing.
    Rows: the three groups and ``Utility Total``; columns :data:`COEFFICIENTS`.
    """
    rows = {}
    for group, label in GROUP_LABELS.items():
        members = [t for t in inputs.teams if t.group == group and not t.transactive_only]
        factors = [t.team_factor for t in members]
        rows[label] = {
            "constant": sum(t.constant for t in members),
            "per_1000_customers": aggregated_coefficient([t.per_1000_customers for t in members], factors),
            "per_root_1000_customers": aggregated_coefficient([t.per_root_1000_customers for t in members], factors),
            "per_substation": aggregated_coefficient([t.per_substation for t in members], factors),
        }
    frame = pd.DataFrame.from_dict(rows, orient="index")
    frame.loc["Utility Total"] = frame.sum()
    return frame


def table42(inputs: LaborInputs) -> pd.DataFrame:
    """Table 42: the team models aggregated to Appendix D's control totals (Eq. 228).

    Administration is shared between engineering and retail operations so that each
    control total has no square-root term, as a regression linear in customers requires:
    engineering bears :math:`-c_{eng}/c_{admin}` of it (printed "43%"), retail the rest
    ("57%").  Rows as printed; columns :data:`COEFFICIENTS` and ``share_frac``.
    """
    groups = group_coefficients(inputs)
    admin = groups.loc[GROUP_LABELS["administration"]]
    eng, retail = groups.loc[GROUP_LABELS["engineering"]], groups.loc[GROUP_LABELS["retail"]]
    share_eng = -float(eng["per_root_1000_customers"]) / float(admin["per_root_1000_customers"])
    rows = {
        "Utility Total": groups.loc["Utility Total"],
        GROUP_LABELS["administration"]: admin,
        GROUP_LABELS["engineering"]: eng,
        GROUP_LABELS["retail"]: retail,
        "Engineering Control Total": eng + share_eng * admin,
        "Engineering Ops. Share of Admin and Business": share_eng * admin,
        "Retail Control Total": retail + (1.0 - share_eng) * admin,
        "Retail Operations Share of Admin and Business": (1.0 - share_eng) * admin,
    }
    frame = pd.DataFrame(rows).T
    frame["share_frac"] = np.nan
    frame.loc["Engineering Ops. Share of Admin and Business", "share_frac"] = share_eng
    frame.loc["Retail Operations Share of Admin and Business", "share_frac"] = 1.0 - share_eng
    return frame
