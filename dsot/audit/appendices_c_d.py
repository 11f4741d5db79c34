"""Audit rows for Appendices C and D: Tables 39, 40 and 41."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from dsot import labor
from dsot.audit import AuditRow, compared, differs_cause, other_reading, reading_cause
from dsot.params import ParameterSet, load_parameters, load_published, parameter_value

T39_COLUMNS = {
    "fte": ("fte", "FTE"),
    "fte_ratio": ("fte_ratio", "FTE ratio to previous level"),
    "fte_ratio_cum": ("fte_ratio_cum", "FTE ratio to level 1, cum."),
    "salary_ratio": ("salary_ratio", "Salary escalation ratio to previous level"),
    "salary_ratio_to_base": ("salary_ratio_to_base", "Salary escalation ratio to level 1"),
    "cost_ratio_cum": ("cost_ratio_cum", "Cost ratio to level 1, cum."),
}


def _team(parameter_set: ParameterSet) -> dict[str, dict[str, float]]:
    rules = labor.load_team_rules(parameter_set)
    base = parameter_value(load_parameters("teams", parameter_set), "team_base_fte", level="example")
    team = labor.team_structure(base, rules).set_index("level")
    values = {str(level): {c: float(row[c]) for c in team.columns} for level, row in team.iterrows()}
    values["total"] = {
        "fte": float(team["fte"].sum()),
        "fte_ratio_cum": float(team["fte_ratio_cum"].iloc[-1]),
        "cost_ratio_cum": float(team["cost_ratio_cum"].iloc[-1]),
    }
    return values


def table39(parameter_set: ParameterSet) -> Iterator[AuditRow]:
    """Table 39: the calibration team of 24,000 base-level employees (Eqs. 221-226)."""
    ours, theirs = _team(parameter_set), _team(other_reading(parameter_set))
    rules = labor.load_team_rules(parameter_set)
    for rec in load_published("table_39_teams").itertuples():
        column, label = T39_COLUMNS[rec.quantity]
        value = ours.get(rec.level, {}).get(column, np.nan)
        other = theirs.get(rec.level, {}).get(column, np.nan)
        rounding = "up at each layer" if rules.rounding == "ceiling" else "not at all (Eq. 221 as printed)"
        gives = "no such level" if np.isnan(other) else f"{other:.{rec.precision + 3}f}"
        explanation = (
            f"Eqs. (221)-(226) with head counts rounded {rounding}; {other_reading(parameter_set)} reading gives {gives}"
        )
        if np.isnan(value):
            yield AuditRow(
                "T39",
                f"level {rec.level}",
                label,
                str(rec.documented),
                "",
                rec.precision,
                "differs",
                "printed-vs-implemented",
                f"this reading forms no level {rec.level}: {explanation}",
            )
            continue
        yield compared(
            "T39",
            f"level {rec.level}",
            label,
            rec.documented,
            rec.precision,
            value,
            cause_if_reproduced=reading_cause(other, rec.documented, rec.precision),
            cause_if_differs=differs_cause(other, rec.documented, rec.precision, "printed-vs-implemented"),
            explanation=explanation,
        )


def table40(parameter_set: ParameterSet) -> Iterator[AuditRow]:
    """Table 40: total customers and employees per 1000 electricity customers."""
    table = labor.utility_employees().set_index("utility")
    for rec in load_published("table_40_utility_employees").itertuples():
        value = float(table.at[rec.utility, rec.quantity])
        if rec.quantity == "total_customers":
            label, how = "Customers, total", "electricity + gas customers"
        else:
            label, how = "Employees per 1000 electricity customers", "employees / electricity customers x 1000"
        yield compared(
            "T40",
            rec.utility,
            label,
            rec.documented,
            rec.precision,
            value,
            cause_if_differs="typo",
            explanation=how
            + ("; the printed ratio does not follow from the printed counts" if rec.quantity != "total_customers" else ""),
        )


def table41(parameter_set: ParameterSet) -> Iterator[AuditRow]:
    """Table 41: the employee-ratio regression (Eq. 227) refitted by ordinary least squares."""
    fit, other = labor.employee_regression(parameter_set), labor.employee_regression(other_reading(parameter_set))

    def value(result: labor.RegressionResult, variable: str, quantity: str) -> float:
        if quantity == "r_squared":
            return result.r_squared
        if quantity == "std_error_of_estimate":
            return result.std_error_of_estimate
        series = {"coefficient": result.coefficients, "std_error": result.std_errors, "t_statistic": result.t_statistics}[
            quantity
        ]
        return float(series[variable])

    source = (
        "the printed (two-decimal) ratio column"
        if parameter_set == "study"
        else "ratios computed from the employee and customer counts"
    )
    for rec in load_published("table_41_employee_regression").itertuples():
        ours, theirs = value(fit, rec.variable, rec.quantity), value(other, rec.variable, rec.quantity)
        yield compared(
            "T41",
            rec.variable,
            rec.quantity.replace("_", " "),
            rec.documented,
            rec.precision,
            ours,
            cause_if_reproduced=reading_cause(theirs, rec.documented, rec.precision),
            cause_if_differs=differs_cause(theirs, rec.documented, rec.precision, "rounding"),
            explanation=f"ordinary least squares of Eq. (227) on Table 40, fitted to {source}; "
            f"{other_reading(parameter_set)} reading gives {theirs:.{rec.precision + 3}f}. A last-digit difference means "
            "the study fitted ratios rounded differently from those printed; the coefficients agree to the printed precision",
        )
