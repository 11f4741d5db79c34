"""Audit rows for tables of inputs the model reads: Tables 14, 17, 28, 29, 30 and 32-36.

Each printed input is compared with the value the code actually uses, as loaded from
``data/parameters`` through :func:`dsot.params.load_parameters` (via the section's loader).
An input that equals the printed value at the printed precision is ``reproduced`` with
cause ``input``: the transcription is checked, nothing is computed.  The few derived
cells (Table 14's nighttime block, Table 17's group rows, the executives' transactive
factors and Table 29's debt-and-cash share) are computed the way the model computes them.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from functools import cache

import pandas as pd

from dsot import accf, labor
from dsot import wholesale as ws
from dsot.audit import AuditRow, Cause, compared, differs_cause, matches_printed, other_reading, reading_cause
from dsot.cfs import dso as cfs
from dsot.params import ParameterSet, data_version, load_parameters, load_published, parameter_value
from dsot.vocab import TimeBlock

Version = tuple[str, tuple[tuple[str, int, int], ...]]


@cache
def _accf_cached(parameter_set: ParameterSet, _version: Version) -> accf.AccfInputs:
    return accf.load_accf_inputs(parameter_set)


@cache
def _labor_cached(parameter_set: ParameterSet, _version: Version) -> labor.LaborInputs:
    return labor.load_labor_inputs(parameter_set)


@cache
def _parameters_cached(name: str, parameter_set: ParameterSet, _version: Version) -> pd.DataFrame:
    return load_parameters(name, parameter_set)


def _parameters(name: str, parameter_set: ParameterSet) -> pd.DataFrame:
    """``data/parameters/<name>.csv`` as :func:`dsot.params.load_parameters` loads it (cached per data version)."""
    return _parameters_cached(name, parameter_set, data_version())


def _accf(parameter_set: ParameterSet) -> accf.AccfInputs:
    return _accf_cached(parameter_set, data_version())


def _labor(parameter_set: ParameterSet) -> labor.LaborInputs:
    return _labor_cached(parameter_set, data_version())


def _input_row(
    ref: str,
    row: str,
    column: str,
    rec: pd.Series,
    values: tuple[float | None, float | None],
    parameter_set: ParameterSet,
    source: str,
) -> AuditRow:
    """A printed input against the value the model loads, ``values`` = (this set's, other set's).

    ``None`` means the model has no such input: the row is ``not-computable``.
    """
    value, other = values
    documented, precision = rec["documented"], int(rec["precision"])
    if value is None:
        return AuditRow(
            ref, row, column, str(documented), "", precision, "not-computable", "missing-input",
            f"the model has no such input ({source}); the printed value is not used",
        )  # fmt: skip
    other_ok = other is not None and matches_printed(other, documented, precision)
    explanation = source
    if not other_ok:
        explanation += f"; the {other_reading(parameter_set)} set uses {'nothing' if other is None else f'{other:g}'}"
    if not matches_printed(value, documented, precision):
        explanation += f"; the model uses {value:g} where the report prints {documented}: the data and the table disagree"
    return compared(
        ref, row, column, documented, precision, value,
        cause_if_reproduced="input" if other_ok else reading_cause(other, documented, precision),
        cause_if_differs=differs_cause(other, documented, precision, "input"),
        explanation=explanation,
    )  # fmt: skip


# --- Table 14: wholesale bilateral contract time blocks ------------------------------------------

T14_BLOCKS: dict[tuple[str, str], str] = {
    ("Weekday", "Daytime"): "weekday-daytime",
    ("Weekday", "Evening"): "weekday-evening",
    ("Weekday", "Nighttime"): "nighttime",
    ("Weekend", "Daytime"): "weekend-daytime",
    ("Weekend", "Nighttime"): "nighttime",
}
"""Table 14's (day of week, time block) -> the model's time block."""


def block_bounds(block_hours: dict[TimeBlock, tuple[int, int]]) -> dict[tuple[str, str], tuple[int, int]]:
    """First clock hour and the hour after the last of each Table 14 block, as the model assigns hours.

    The hours of a Monday and a Saturday are labelled by :func:`dsot.wholesale.time_blocks`;
    a block's run may wrap past midnight (nighttime, 8 p.m. to 5 a.m.).

    Examples
    --------
    >>> hours = {"weekday-daytime": (5, 16), "weekday-evening": (16, 20), "weekend-daytime": (5, 20)}
    >>> block_bounds(hours)[("Weekday", "Nighttime")]
    (20, 5)
    """
    days = {"Weekday": "2016-01-04", "Weekend": "2016-01-09"}  # a Monday and a Saturday
    bounds: dict[tuple[str, str], tuple[int, int]] = {}
    for day, date in days.items():
        index = pd.date_range(date, periods=24, freq="h", tz="UTC")
        labels = ws.time_blocks(index, block_hours).tolist()
        for (printed_day, printed_block), block in T14_BLOCKS.items():
            if printed_day != day:
                continue
            starts = [h for h in range(24) if labels[h] == block and labels[h - 1] != block]
            ends = [h for h in range(24) if labels[h] != block and labels[h - 1] == block]
            if len(starts) == 1 and len(ends) == 1:
                bounds[(day, printed_block)] = (starts[0], ends[0])
    return bounds


def table14(parameter_set: ParameterSet) -> Iterator[AuditRow]:
    """Table 14: start and end hours of the bilateral contract time blocks."""
    ours = block_bounds(ws.load_wholesale_parameters(parameter_set).block_hours)
    theirs = block_bounds(ws.load_wholesale_parameters(other_reading(parameter_set)).block_hours)
    for _, rec in load_published("table_14_time_blocks").iterrows():
        key = (str(rec["day_of_week"]), str(rec["time_block"]))
        column = "Starts at (hour)" if rec["bound"] == "start" else "Ends at (hour)"
        position = 0 if rec["bound"] == "start" else 1
        value = float(ours[key][position]) if key in ours else None
        other = float(theirs[key][position]) if key in theirs else None
        row = f"{key[0]} / {key[1]}"
        if key[1] != "Nighttime":
            yield _input_row(
                "T14", row, column, rec, (value, other), parameter_set,
                "block_start_hour/block_end_hour in data/parameters/wholesale.csv (an hour belongs to a block when it "
                "starts in [start, end)), as dsot.wholesale.time_blocks assigns the hours",
            )  # fmt: skip
            continue
        explanation = (
            "nighttime has no rows of its own: it is every hour the other blocks of the day leave "
            "(dsot.wholesale.time_blocks), so this checks that Table 14's blocks tile the day"
        )
        if value is None:
            yield AuditRow(
                "T14", row, column, str(rec["documented"]), "", int(rec["precision"]), "differs", "inconsistent-tables",
                f"{explanation}; the hours left to nighttime do not form one run",
            )  # fmt: skip
            continue
        yield compared(
            "T14", row, column, rec["documented"], int(rec["precision"]), value,
            cause_if_reproduced=reading_cause(other, rec["documented"], int(rec["precision"])),
            cause_if_differs=differs_cause(other, rec["documented"], int(rec["precision"]), "inconsistent-tables"),
            explanation=explanation,
        )  # fmt: skip


# --- Table 17: DSO employees model ---------------------------------------------------------------

T17_COLUMNS = {
    "constant": "Constant a",
    "per_1000_customers": "Per 1K Cust. b",
    "per_root_1000_customers": "(Per 1K Cust.)^1/2 c",
    "per_substation": "Per Sub. d",
    "team_factor": "TEAM Factor",
    "transactive_factor": "Transactive Factor",
}
"""Table 17's column labels by published ``coefficient``."""

EXECUTIVES = {
    "Chief Executive Officer (CEO)": "CEO",
    "Chief Financial Officer (CFO)": "CFO",
    "Chief Information Officer (CIO)": "CIO",
}
"""Table 17's executive rows -> executive names of :func:`dsot.labor.executives`."""

TEAM_FIELDS = {
    "constant": "constant",
    "per_1000_customers": "per_1000_customers",
    "per_root_1000_customers": "per_root_1000_customers",
    "per_substation": "per_substation",
    "team_factor": "team_factor",
    "transactive_factor": "transactive_factor_frac",
}
"""Published ``coefficient`` -> field of :class:`dsot.labor.Team`."""


def _group_members(inputs: labor.LaborInputs, group: str) -> list[labor.Team]:
    if group == "Utility Total":
        return [t for t in inputs.teams if not t.transactive_only]
    key = next(k for k, v in labor.GROUP_LABELS.items() if v == group)
    return [t for t in inputs.teams if t.group == key and not t.transactive_only]


def implied_group_team_factor(inputs: labor.LaborInputs, group: str, customers: float) -> float:
    """TeamFactor that makes Eq. (16) on a Table 17 group row give the sum of its teams' head counts.

    The group's coefficients are Eq. (228)'s sums, which already carry each team's
    TeamFactor; the printed 1.00 says the group row applies none of its own.
    """
    coefficients = labor.group_coefficients(inputs).loc[group]
    members = _group_members(inputs, group)
    teams = sum(
        labor.team_headcount(customers, 0.0, t.constant, t.per_1000_customers, t.per_root_1000_customers, 0.0, t.team_factor)
        for t in members
    )
    thousands = customers / 1000.0
    variable = coefficients["per_1000_customers"] * thousands + coefficients["per_root_1000_customers"] * math.sqrt(thousands)
    return float((teams - coefficients["constant"]) / variable)


@cache
def _executive_increase_cached(parameter_set: ParameterSet, _version: Version) -> dict[str, tuple[float, str]]:
    inputs = _labor(parameter_set)
    case = cfs.load_case("DSO #1", "bau")
    frames = []
    for transactive in (False, True):
        teams = labor.team_labor(inputs, case.dso_type, case.customers, 0.0, transactive)
        frames.append(labor.executives(inputs, teams).set_index("executive"))
    bau, trans = frames
    return {
        name: (float(trans.at[name, "cost_kusd_per_yr"] / bau.at[name, "cost_kusd_per_yr"] - 1.0), str(trans.at[name, "leads"]))
        for name in ("CEO", "CFO", "CIO")
    }


def executive_transactive_increase(parameter_set: ParameterSet) -> dict[str, tuple[float, str]]:
    """Relative increase of the CEO's, CFO's and CIO's cost in a transactive case, for DSO #1, and the team each sits above.

    The model has no transactive factor of its own for an executive: it prices each one
    level above the team it leads, at that team's wage with the team's transactive
    increase (:func:`dsot.labor.executives`).  No team an executive leads has a
    per-substation coefficient, so the substation count (zero here) does not matter.
    """
    return _executive_increase_cached(parameter_set, data_version())


def _t17_group_row(rec: pd.Series, parameter_set: ParameterSet) -> AuditRow:
    group, coefficient = str(rec["row"]), str(rec["coefficient"])
    documented, precision = rec["documented"], int(rec["precision"])
    if coefficient == "team_factor":
        customers = cfs.load_case("DSO #1", "bau").customers
        value = implied_group_team_factor(_labor(parameter_set), group, customers)
        other = implied_group_team_factor(_labor(other_reading(parameter_set)), group, customers)
        explanation = (
            "the group's coefficients are Eq. (228) sums that already include each team's TeamFactor, so Eq. (16) "
            f"on the group row matches the sum of its teams' head counts (at DSO #1's {customers:,.0f} customers) "
            f"only with the factor computed here, {value:.4f}"
        )
    else:
        value = float(labor.group_coefficients(_labor(parameter_set)).at[group, coefficient])
        other = float(labor.group_coefficients(_labor(other_reading(parameter_set))).at[group, coefficient])
        explanation = (
            "Eq. (228) over the group's BAU teams (transactive-only teams left out), each coefficient times the "
            "team's TeamFactor; constants summed as they are; the utility total is the sum of the three groups"
        )
    row = compared(
        "T17", group, T17_COLUMNS[coefficient], documented, precision, value,
        cause_if_reproduced=reading_cause(other, documented, precision),
        cause_if_differs=differs_cause(other, documented, precision, "inconsistent-tables"),
        explanation=explanation,
    )  # fmt: skip
    if row.cause == "inconsistent-tables":
        why = "the printed group row does not follow from the printed team rows under either reading"
        return AuditRow(**{**row.__dict__, "explanation": f"{explanation}; {why}"})
    return row


def _t17_executive_row(rec: pd.Series, parameter_set: ParameterSet) -> AuditRow:
    name = EXECUTIVES[str(rec["row"])]
    documented, precision = rec["documented"], int(rec["precision"])
    if rec["coefficient"] == "constant":  # only the CEO prints one
        constants = (_labor(parameter_set).team("ceo").constant, _labor(other_reading(parameter_set)).team("ceo").constant)
        return _input_row(
            "T17", str(rec["row"]), T17_COLUMNS["constant"], rec, constants, parameter_set,
            "team_constant of the ceo team in data/parameters/labor_teams.csv (a single leader counted in "
            "administration)",
        )  # fmt: skip
    value, led = executive_transactive_increase(parameter_set)[name]
    other = executive_transactive_increase(other_reading(parameter_set))[name][0]
    factor = next(t.transactive_factor_frac for t in _labor(parameter_set).teams if led in (t.team, t.pool))
    explanation = (
        f"the model has no transactive factor for the {name}: it prices the {name} one management level above the "
        f"best paid of the teams it leads ({', '.join(_labor(parameter_set).teams_of('executive_leads', name))}) at "
        f"that team's wage including the team's transactive increase (dsot.labor.executives); in a transactive case "
        f"DSO #1's {name} sits above {led} (transactive factor {factor:.2f}) and costs {100 * value:.1f}% more"
    )
    cause: Cause = "missing-input"
    if not matches_printed(value, documented, precision):
        explanation += (
            f"; the report prints {documented} but does not say how the CFO and CIO are priced (footnote 2's "
            "'See discussion below' gives no rule, footnote 3 is not defined)"
        )
    return compared(
        "T17", str(rec["row"]), T17_COLUMNS["transactive_factor"], documented, precision, value,
        cause_if_reproduced=reading_cause(other, documented, precision),
        cause_if_differs=differs_cause(other, documented, precision, cause),
        explanation=explanation,
    )  # fmt: skip


def _t17_team_row(rec: pd.Series, parameter_set: ParameterSet) -> AuditRow:
    label, coefficient = str(rec["row"]), str(rec["coefficient"])
    ours = next(t for t in _labor(parameter_set).teams if t.label == label)
    theirs = next(t for t in _labor(other_reading(parameter_set)).teams if t.label == label)
    field = TEAM_FIELDS[coefficient]
    parameter = {"transactive_factor": "transactive_factor", "team_factor": "team_factor"}.get(coefficient, f"team_{coefficient}")
    source = f"{parameter} of the {ours.team} team in data/parameters/labor_teams.csv"
    if coefficient == "team_factor" and _labor(parameter_set).convention("headcount_rule") == "line_management":
        source += " (used by Eq. 228's group rows; this set's head counts take line management from Appendix C instead)"
    values = (float(getattr(ours, field)), float(getattr(theirs, field)))
    return _input_row("T17", label, T17_COLUMNS[coefficient], rec, values, parameter_set, source)


def table17(parameter_set: ParameterSet) -> Iterator[AuditRow]:
    """Table 17: the team coefficients (inputs), the group rows (Eq. 228) and the executives."""
    groups = {*labor.GROUP_LABELS.values(), "Utility Total"}
    for _, rec in load_published("table_17_employees_model").iterrows():
        if rec["row"] in groups:
            yield _t17_group_row(rec, parameter_set)
        elif rec["row"] in EXECUTIVES:
            yield _t17_executive_row(rec, parameter_set)
        else:
            yield _t17_team_row(rec, parameter_set)


# --- Tables 28 and 29: financial instruments and investors ---------------------------------------

T28_COLUMNS = {
    "interest_rate": ("Interest rate (%)", "interest_rate_frac", 100.0),
    "debt_term": ("Debt term (yr)", "debt_term_yr", 1.0),
    "cash_fraction": ("Cash capitalization fraction (%)", "cash_fraction_frac", 100.0),
}
"""Table 28's quantities: label, field of :class:`dsot.accf.Instrument`, factor to printed units."""


def table28(parameter_set: ParameterSet) -> Iterator[AuditRow]:
    """Table 28: interest rates, debt terms and cash fractions of the financial instruments."""
    ours, theirs = _accf(parameter_set).instruments, _accf(other_reading(parameter_set)).instruments
    for _, rec in load_published("table_28_financial_instruments").iterrows():
        label, field, factor = T28_COLUMNS[str(rec["quantity"])]
        name = str(rec["instrument"])
        values = (factor * float(getattr(ours[name], field)), factor * float(getattr(theirs[name], field)))
        source = f"{rec['quantity']} of {name} in data/parameters/finance_instruments.csv, as dsot.accf.load_accf_inputs reads it"
        yield _input_row("T28", name, label, rec, values, parameter_set, source)


T29_COLUMNS = {
    "uses_equity": "Uses equity financing (TRUE = 1)",
    "equity_share": "Equity (%)",
    "debt_and_cash_share": "Debt + Cash (%)",
    "equity_return": "Equity rate on investment (%)",
}
"""Table 29's column labels by published ``quantity``."""


def _t29_value(parameter_set: ParameterSet, investor: str, quantity: str) -> float:
    used = _accf(parameter_set).investors[investor]
    if quantity == "uses_equity":
        return parameter_value(_parameters("investors", parameter_set), "uses_equity", investor=investor)
    if quantity == "equity_share":
        return 100.0 * used.equity_share_frac
    if quantity == "debt_and_cash_share":
        return 100.0 * (1.0 - used.equity_share_frac)
    return 100.0 * used.equity_return_frac


def table29(parameter_set: ParameterSet) -> Iterator[AuditRow]:
    """Table 29: which investors use equity, their capitalization ratios and equity return."""
    other_set = other_reading(parameter_set)
    for _, rec in load_published("table_29_investor_capitalization").iterrows():
        investor, quantity = str(rec["investor"]), str(rec["quantity"])
        values = (_t29_value(parameter_set, investor, quantity), _t29_value(other_set, investor, quantity))
        source = {
            "uses_equity": "uses_equity flag in data/parameters/investors.csv (gates E/V and k_roi in dsot.accf)",
            "equity_share": "E/V the Appendix A procedure uses (investors.csv, zero where uses_equity is FALSE)",
            "debt_and_cash_share": "derived as 1 - E/V, split between debt and cash by the instrument's cash fraction "
            "(dsot.accf.financing_for, Eq. 77); investors.csv's debt_and_cash_share row is not read",
            "equity_return": "k_roi the Appendix A procedure uses (investors.csv, zero where uses_equity is FALSE)",
        }[quantity]
        if quantity == "debt_and_cash_share":
            read = parameter_value(_parameters("investors", parameter_set), quantity, investor=investor)
            source += f" (it holds {100 * read:g}%)"
        yield _input_row("T29", investor, T29_COLUMNS[quantity], rec, values, parameter_set, source)


# --- Tables 32-35: customer financing mixes ------------------------------------------------------


def _mix(parameter_set: ParameterSet, occupant: str, asset: str, construction: str) -> dict[str, float]:
    frame = _accf(parameter_set).customer_instruments
    part = frame[(frame["occupant"] == occupant) & (frame["asset"] == asset) & (frame["construction"] == construction)]
    return {str(i): 100.0 * float(s) for i, s in zip(part["instrument"], part["share_frac"], strict=True)}


def _asset_life(parameter_set: ParameterSet, occupant: str, asset: str) -> float:
    frame = _parameters("accf_customer_instruments", parameter_set)
    return parameter_value(frame, "asset_life", occupant=occupant, asset=asset, construction="", instrument="")


def _share_row(ref: str, rec: pd.Series, parameter_set: ParameterSet) -> AuditRow:
    occupant, asset, construction = str(rec["occupant"]), str(rec["asset"]), str(rec["construction"])
    default, alternative = str(rec["instrument"]), str(rec["alternative"])
    ours = _mix(parameter_set, occupant, asset, construction)
    theirs = _mix(other_reading(parameter_set), occupant, asset, construction)
    column = f"{construction.capitalize()} instrument share (%): {default}"
    source = (
        f"share of {default} in the {construction} mix of data/parameters/accf_customer_instruments.csv "
        f"(dsot.accf.customer_corner_accfs weights Table 31's {occupant} ACCFs with it)"
    )
    row = _input_row(ref, asset, column, rec, (ours.get(default, 0.0), theirs.get(default, 0.0)), parameter_set, source)
    expected = {default, alternative} if default != alternative else {default}
    if set(ours) != expected:
        found = ", ".join(f"{i} {s:g}%" for i, s in ours.items()) or "no rows"
        return AuditRow(
            ref, asset, column, str(rec["documented"]), row.reproduced, int(rec["precision"]), "differs", "input",
            f"{source}; the model's mix is {found}, but the table gives {default} and the alternative {alternative}",
        )  # fmt: skip
    if default != alternative and row.status == "reproduced":
        rest = ours[alternative]
        return AuditRow(
            **{**row.__dict__, "explanation": f"{source}; the remaining {rest:g}% uses the alternative, {alternative}"}
        )
    return row


def _customer_table(ref: str, name: str, parameter_set: ParameterSet) -> Iterator[AuditRow]:
    for _, rec in load_published(name).iterrows():
        if rec["quantity"] == "share":
            yield _share_row(ref, rec, parameter_set)
            continue
        occupant, asset = str(rec["occupant"]), str(rec["asset"])
        values = (_asset_life(parameter_set, occupant, asset), _asset_life(other_reading(parameter_set), occupant, asset))
        lives = _accf(parameter_set).owner_instruments
        used = sorted(set(lives[lives["nominal_owner"] == occupant]["asset_life_yr"]))
        source = (
            f"asset_life of {asset} in data/parameters/accf_customer_instruments.csv; the ACCFs it is financed with "
            f"are Table 31's {occupant} rows, of {', '.join(str(v) for v in used)}-year assets"
        )
        yield _input_row(ref, asset, "Asset life (yr)", rec, values, parameter_set, source)


def table32(parameter_set: ParameterSet) -> Iterator[AuditRow]:
    """Table 32: instruments for homeowner-occupied buildings (new and retrofit shares)."""
    return _customer_table("T32", "table_32_homeowner_instruments", parameter_set)


def table33(parameter_set: ParameterSet) -> Iterator[AuditRow]:
    """Table 33: instruments for renter-occupied buildings (the landlord's financing)."""
    return _customer_table("T33", "table_33_renter_instruments", parameter_set)


def table34(parameter_set: ParameterSet) -> Iterator[AuditRow]:
    """Table 34: instruments for business-occupied commercial buildings."""
    return _customer_table("T34", "table_34_business_instruments", parameter_set)


def table35(parameter_set: ParameterSet) -> Iterator[AuditRow]:
    """Table 35: instruments for public/nonprofit-occupied commercial buildings."""
    return _customer_table("T35", "table_35_public_instruments", parameter_set)


# --- Table 36: grid ownership shares -------------------------------------------------------------


def _ownership(parameter_set: ParameterSet) -> pd.Series:
    frame = _accf(parameter_set).grid_ownership
    return 100.0 * frame.set_index(["asset_owner", "utility_type", "investor", "instrument"])["share_frac"]


def _get(shares: pd.Series, key: tuple[str, str, str, str]) -> float | None:
    return float(shares[key]) if key in shares.index else None


def table36(parameter_set: ParameterSet) -> Iterator[AuditRow]:
    """Table 36: ownership shares of grid assets by investor (and the instrument each uses)."""
    ours, theirs = _ownership(parameter_set), _ownership(other_reading(parameter_set))
    for _, rec in load_published("table_36_grid_ownership").iterrows():
        key = (str(rec["asset_owner"]), str(rec["utility_type"]), str(rec["investor"]), str(rec["instrument"]))
        values = (_get(ours, key), _get(theirs, key))
        source = (
            "ownership share in data/parameters/accf_grid_ownership.csv; Table 2's grid ACCFs weight the Table 31 "
            f"{key[2]} ACCF ({key[3]}) with it"
        )
        yield _input_row("T36", f"{key[0]} / {key[1]}", f"{key[2]} ({key[3]}) (%)", rec, values, parameter_set, source)


# --- Table 30: investor taxation -------------------------------------------------------------------

T30_COLUMNS = {
    "taxed_on_capital": "Sales tax: taxed on capital investments (TRUE = 1)",
    "sales_tax": "Sales tax: average (%)",
    "pays_income_tax": "Pays income tax (TRUE = 1)",
    "deducts_interest": "Deducts interest on debt (TRUE = 1)",
    "deducts_electric_bill": "Deducts the electric bill (TRUE = 1)",
    "federal_income_tax": "Income tax bracket: federal (%)",
    "state_income_tax": "Income tax bracket: state (%)",
}
"""Table 30's columns other than the effective rate (audited by :func:`dsot.audit.appendix_a.table30`)."""

T30_USE = {
    "taxed_on_capital": "gates the sales tax in the 'with sales tax' ACCFs of Table 31",
    "sales_tax": "multiplies the ACCF of a taxed investor (Table 31's 'with sales tax' column)",
    "pays_income_tax": "gates T_i, the income-tax rate of Eq. (92)",
    "deducts_interest": "gates the interest deduction in the ACCF (dsot.accf.Financing.interest_tax_rate_frac)",
    "deducts_electric_bill": "transcribed but not read: a customer's bill deduction uses Table 23's rates (Section 5.3)",
    "federal_income_tax": "tau_f of Eq. (92)",
    "state_income_tax": "tau_s of Eq. (92)",
}
"""How the model uses each printed input of Table 30."""


def _t30_value(parameter_set: ParameterSet, investor: str, quantity: str) -> float | None:
    frame = _parameters("investors", parameter_set)
    rows = frame[(frame["parameter"] == quantity) & (frame["investor"] == investor)]
    if rows.empty:
        return None
    return float(rows["value"].iloc[0]) * (100.0 if rows["unit"].iloc[0] == "pct" else 1.0)


def table30(parameter_set: ParameterSet) -> Iterator[AuditRow]:
    """Table 30: sales-tax, income-tax and deduction inputs of each investor (every printed cell but the effective rate)."""
    other_set = other_reading(parameter_set)
    for _, rec in load_published("table_30_investor_taxation").iterrows():
        investor, quantity = str(rec["investor"]), str(rec["quantity"])
        values = (_t30_value(parameter_set, investor, quantity), _t30_value(other_set, investor, quantity))
        source = f"{quantity} of {investor} in data/parameters/investors.csv ({T30_USE[quantity]})"
        yield _input_row("T30", investor, T30_COLUMNS[quantity], rec, values, parameter_set, source)
