r"""DSO labor: the team line-management algorithm (Appendix C) and the employee-ratio model (Appendix D).

Appendix C builds a team's management layers on top of its base-level workers
(Eqs. 221-226, Table 39); Appendix D fits the number of utility employees per 1000
customers to the scope of a utility (Eq. 227, Tables 40-41, Figure 14).  The labor
model of Section 3.3.2 (Eqs. 16-18, Tables 17-20, Eq. 228, Table 42) is planned in
issue #4.  Head counts are full-time equivalents (FTE); ratios are dimensionless.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from dsot.params import ParameterSet, load_parameters, parameter_text, parameter_value
from dsot.registry import equation

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
