"""The DSO cash-flow statement (Table 5 form, Table 19 labour, Table 21 for DSO #1).

A CFS is tidy data: one row per line item with its parent, its level of detail (1
category, 2 subcategory, 3 element, 4 sub-element) and its annual cash flow in $K/yr.
The tree lives in ``data/cfs/dso_lines.csv``; leaves are computed by the functions of
Sections 3.2-3.3 and every parent is the sum of its children.  Revenues equal the
revenue requirement (Section 4.3), so the balance is zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from dsot import dso_capital as dc
from dsot import labor as lab
from dsot import wholesale as ws
from dsot.params import ParameterError, ParameterSet, data_dir, load_parameters, parameter_text, parameter_value, read_csv_strict
from dsot.vocab import DSO_TYPES, DSOType

IT_LINES = {
    "Distribution management system": "dms_software",
    "Outage management system": "oms_software",
    "Customer information system": "cis_software",
    "Billing system": "billing_software",
    "Transactive retail markets": "retail_market_software",
    "Retail market hardware": "retail_market_hardware",
    "Day-ahead network": "distribution_automation_network",
}
"""Capital IT systems (Tables 11-12) and the CFS line that carries each; the AMI network
splits into ``ami_network`` and its transactive adder, ``der_network``."""

EXPENSES = ("capital_expenses", "operating_expenses")


@dataclass(frozen=True)
class DSOCase:
    """What a DSO's CFS needs from a simulated case (``data/parameters/dso_cases.csv``)."""

    dso: str
    case: str
    dso_type: DSOType
    customers: float
    peak_mw: float
    energy_purchased_mwh: float
    energy_sold_mwh: float
    day_ahead_energy_kusd: float
    real_time_energy_kusd: float
    bilateral_energy_kusd: float
    class_shares_frac: dict[str, float] | None = None
    """Residential, commercial and industrial shares of customers (meters, Eqs. 5-6); None uses DSO #1's."""

    @property
    def transactive(self) -> bool:
        """Whether the case runs the transactive retail market."""
        return self.case != "bau"


def load_case(dso: str = "DSO #1", case: str = "bau", data: Path | None = None) -> DSOCase:
    """A DSO's case scalars: customers, peak, energy bought and sold, and the energy-market lines."""
    frame = load_parameters("dso_cases", "study", data)
    frame = frame[(frame["dso"] == dso) & frame["case"].isin([case, "all"])]
    if frame.empty or case not in set(frame["case"]):
        raise ParameterError(f"data/parameters/dso_cases.csv: no rows for {dso!r}, case {case!r}")

    def value(name: str) -> float:
        return parameter_value(frame, name)

    dso_type = parameter_text(frame, "dso_type")
    if dso_type not in DSO_TYPES:
        raise ParameterError(f"data/parameters/dso_cases.csv: unknown DSO type {dso_type!r}")
    return DSOCase(
        dso=dso,
        case=case,
        dso_type=next(t for t in DSO_TYPES if t == dso_type),
        customers=value("customers"),
        peak_mw=value("peak_demand"),
        energy_purchased_mwh=value("energy_purchased") * 1e6,
        energy_sold_mwh=value("energy_sold") * 1e6,
        day_ahead_energy_kusd=value("day_ahead_energy_cost"),
        real_time_energy_kusd=value("real_time_energy_cost"),
        bilateral_energy_kusd=value("bilateral_energy_cost"),
    )


def cfs_lines(data: Path | None = None) -> pd.DataFrame:
    """The DSO CFS line tree (Tables 5, 19 and 21), checked: unique lines, known parents, levels 1-4."""
    path = (data or data_dir()) / "cfs" / "dso_lines.csv"
    frame = read_csv_strict(path, ("line", "label", "level", "parent", "report_ref"))
    frame["level"] = frame["level"].astype(int)
    duplicated = frame["line"][frame["line"].duplicated()]
    if not duplicated.empty:
        raise ParameterError(f"{path}: line {duplicated.iloc[0]!r} appears twice")
    level = dict(zip(frame["line"], frame["level"], strict=True))
    for row, rec in frame.iterrows():
        parent = rec["parent"]
        expected = 1 if not parent else level.get(parent, -1) + 1
        if parent and parent not in level:
            raise ParameterError(f"{path}, row {row}, column 'parent': unknown line {parent!r}")
        if rec["level"] != expected or not 1 <= rec["level"] <= 4:
            raise ParameterError(f"{path}, row {row}, column 'level': {rec['level']} (expected {expected}, at most 4)")
    return frame


@dataclass(frozen=True)
class CFSInputs:
    """Everything a DSO CFS needs besides the case: Sections 3.2-3.3 inputs of one parameter set."""

    parameter_set: ParameterSet
    capital: dc.CapitalInputs
    labor: lab.LaborInputs
    wholesale: ws.WholesaleParameters
    om_materials_usd_per_kwh: float


def load_cfs_inputs(parameter_set: ParameterSet = "study", data: Path | None = None) -> CFSInputs:
    """Load the CFS inputs; capital uses the calibration of the run behind Table 21."""
    return CFSInputs(
        parameter_set=parameter_set,
        capital=dc.load_capital_inputs(parameter_set, data, calibration="table21"),
        labor=lab.load_labor_inputs(parameter_set, data),
        wholesale=ws.load_wholesale_parameters(parameter_set, data),
        om_materials_usd_per_kwh=parameter_value(load_parameters("dso_operations", parameter_set, data), "om_materials_rate"),
    )


def _capital_leaves(inputs: CFSInputs, case: DSOCase, bau: DSOCase) -> tuple[dict[str, float], float]:
    """Capital lines (Section 3.2) and the case's substation count."""
    cap = inputs.capital
    reduction = 1.0 - case.peak_mw / bau.peak_mw
    fleet = dc.fleet_with_counts(cap, case.dso_type, bau.peak_mw, reduction)
    substations = float(fleet.at["total", "substations"])
    lines = dc.capital_expenses(
        cap,
        case.dso_type,
        bau.peak_mw,
        case.customers,
        substations,
        case.class_shares_frac or dc.dso_class_shares(cap),
        reduction,
        case.transactive,
    ).set_index("line")["cost_kusd_per_yr"]
    out = {line: 0.0 for line in (*IT_LINES.values(), "ami_network", "der_network")}  # absent items cost nothing
    out.update({"substations": lines["Substations"], "feeders": lines["Feeders and circuits"], "meters": lines["Meters"]})
    for system in cap.it_systems:
        if system.name not in lines.index or system.dso_type not in ("all", case.dso_type):
            continue
        cost = float(lines[system.name])
        if system.name == "AMI/Customer network":  # Table 21 shows the transactive adder as the DER network
            adder = system.transactive_adder_frac if case.transactive else 0.0
            out["ami_network"] = cost / (1.0 + adder)
            out["der_network"] = cost - out["ami_network"]
        else:
            out[IT_LINES[system.name]] = cost
    return out, substations


def _wholesale_leaves(inputs: CFSInputs, case: DSOCase, bau: DSOCase) -> dict[str, float]:
    """Wholesale lines (Section 3.3.1, Eqs. 8-15): energy-market lines are the case's documented inputs."""
    w = inputs.wholesale
    energy = np.array([case.energy_purchased_mwh])
    return {
        "peak_capacity": ws.capacity_cost_kusd(
            w.capacity_price_usd_per_kw_yr,
            case.peak_mw,
            bau.peak_mw,
            w.installed_reserve_margin_ratio,
            w.capacity_sensitivity_factor,
            w.capacity_sensitivity_placement,
        ),
        "transmission_access": ws.transmission_line_item_kusd(
            w.transmission_rate_usd_per_mwh,
            energy,
            bau.peak_mw - case.peak_mw,
            w.transmission_capital_usd_per_kw,
            w.accf_transmission_frac,
            w.transmission_peak_credit,
        ),
        "day_ahead_energy": case.day_ahead_energy_kusd,
        "real_time_energy": case.real_time_energy_kusd,
        "bilateral_energy": case.bilateral_energy_kusd,
        "iso_reserves": ws.reserve_cost_kusd(w.reserve_rate_usd_per_mwh, energy),
        "iso_losses": ws.transmission_losses_cost_kusd(),
        "iso_fees": ws.iso_fee_kusd(w.iso_fee_usd_per_mwh, energy),
    }


def _labor_leaves(inputs: CFSInputs, case: DSOCase, substations: float) -> dict[str, float]:
    """Labour, executives and workspace (Section 3.3.2, Eqs. 16-18)."""
    teams = lab.team_labor(inputs.labor, case.dso_type, case.customers, substations, case.transactive)
    execs = lab.executives(inputs.labor, teams)
    out: dict[str, float] = teams.groupby("cfs_line")["cost_kusd_per_yr"].sum().to_dict()
    out.update(dict(zip(execs["cfs_line"], execs["cost_kusd_per_yr"], strict=True)))
    out["workspace"] = lab.workspace(inputs.labor, case.dso_type, teams, execs)["cost_kusd_per_yr"]
    return out


def expense_leaves(inputs: CFSInputs, case: DSOCase, bau: DSOCase | None = None) -> dict[str, float]:
    """Every leaf expense line of a DSO's CFS, in $K/yr (``bau`` is the case itself for BAU)."""
    bau = bau or case
    capital, substations = _capital_leaves(inputs, case, bau)
    return {
        **capital,
        **_wholesale_leaves(inputs, case, bau),
        "om_materials": inputs.om_materials_usd_per_kwh * case.energy_sold_mwh,  # $/kWh x MWh = $K
        **_labor_leaves(inputs, case, substations),
    }


OPTIONAL_LINES = ("legal_leader_again", "human_resources_leader_again")
"""Leaf lines only the study set fills (its double-counted leaders); zero otherwise."""


def _rollup(lines: pd.DataFrame, leaves: dict[str, float]) -> pd.Series:
    """Sum leaves up the tree; a line with children is the sum of its children."""
    values = pd.Series(np.nan, index=lines["line"])
    children = lines.groupby("parent")["line"].apply(list).to_dict()
    for line in reversed(lines["line"].tolist()):
        kids = children.get(line)
        if kids:
            values[line] = values[kids].sum(min_count=len(kids))
        elif line in leaves:
            values[line] = leaves[line]
        else:
            values[line] = 0.0
    return values


def dso_cfs(inputs: CFSInputs, case: DSOCase, bau: DSOCase | None = None, data: Path | None = None) -> pd.DataFrame:
    """A DSO's CFS at all four levels of detail (Table 5 form, Table 21 lines).

    Expenses come from :func:`expense_leaves`; revenues equal the revenue requirement
    (capital plus operating expenses) so the balance is zero.  How revenues split between
    fixed-price and transactive sales needs customer bills (Section 4), so in a
    transactive case those lines are left empty (NaN); in BAU every customer is on the
    fixed-price rate.

    Columns: line, label, level, parent, cash_flow_kusd_per_yr.
    """
    lines = cfs_lines(data)
    leaves = expense_leaves(inputs, case, bau)
    unknown = set(leaves) - set(lines["line"])
    missing = set(expense_leaves_lines(lines)) - set(leaves) - set(OPTIONAL_LINES)
    if unknown or missing:
        raise ValueError(f"CFS lines without a value: {sorted(missing)}; values without a line: {sorted(unknown)}")
    expenses = lines[lines["line"].isin(expense_subtree(lines))]
    values = _rollup(expenses, leaves)
    requirement = float(values[list(EXPENSES)].sum())
    revenue = {"revenues": requirement, "retail_sales": requirement}
    if not case.transactive:
        revenue.update({"fixed_price_sales": requirement, "transactive_sales": 0.0})
        revenue.update({line: 0.0 for line in lines.loc[lines["parent"] == "transactive_sales", "line"]})
    revenue["balance"] = revenue["revenues"] - requirement
    frame = lines.assign(cash_flow_kusd_per_yr=lines["line"].map({**values.to_dict(), **revenue}))
    return frame.reset_index(drop=True)


def expense_subtree(lines: pd.DataFrame) -> list[str]:
    """Lines under (and including) capital and operating expenses."""
    keep, frontier = set(EXPENSES), list(EXPENSES)
    while frontier:
        kids = lines.loc[lines["parent"].isin(frontier), "line"].tolist()
        keep.update(kids)
        frontier = kids
    return [line for line in lines["line"] if line in keep]


def expense_leaves_lines(lines: pd.DataFrame) -> list[str]:
    """Expense lines without children (the ones :func:`expense_leaves` must fill)."""
    sub = expense_subtree(lines)
    parents = set(lines["parent"])
    return [line for line in sub if line not in parents]


def at_level(cfs: pd.DataFrame, level: int) -> pd.DataFrame:
    """The CFS at a level of detail: 1 (categories) to 4 (sub-elements)."""
    if level not in (1, 2, 3, 4):
        raise ValueError("level must be 1, 2, 3 or 4")
    return cfs[cfs["level"] <= level].reset_index(drop=True)


def compare(bau: pd.DataFrame, other: pd.DataFrame) -> pd.DataFrame:
    """BAU beside another case: difference ($K/yr) and percent difference, as Table 21 shows them.

    The percent difference is relative to BAU; a line that is zero in BAU and not in the
    case shows 100% (Table 21's convention), and 0% when both are zero.
    """
    a = bau.set_index("line")["cash_flow_kusd_per_yr"]
    b = other.set_index("line")["cash_flow_kusd_per_yr"].reindex(a.index)
    diff = b - a
    pct = pd.Series(np.where(a != 0, diff / a.where(a != 0) * 100.0, np.where(b != 0, 100.0, 0.0)), index=a.index)
    pct[diff.isna()] = np.nan
    out = bau[["line", "label", "level", "parent"]].copy()
    out["bau_kusd_per_yr"] = a.to_numpy()
    out["case_kusd_per_yr"] = b.to_numpy()
    out["difference_kusd_per_yr"] = diff.to_numpy()
    out["difference_pct"] = pct.to_numpy()
    return out


def table21(parameter_set: ParameterSet = "study", data: Path | None = None) -> pd.DataFrame:
    """Table 21: DSO #1's CFS, BAU beside the transactive battery case (moderate renewables)."""
    inputs = load_cfs_inputs(parameter_set, data)
    bau = load_case("DSO #1", "bau", data)
    battery = load_case("DSO #1", "battery", data)
    return compare(dso_cfs(inputs, bau, data=data), dso_cfs(inputs, battery, bau, data=data))


def table21_beside_published(data: Path | None = None) -> pd.DataFrame:
    """Table 21 as published beside the study and printed parameter sets' CFSs ($K/yr).

    Columns: line, label, level, published_bau, study_bau, printed_bau, published_battery,
    study_battery, printed_battery.
    """
    from dsot.params import load_published

    published = load_published("table_21_dso1_cfs", data)
    published = published.pivot_table(index="line", columns="case", values="documented", aggfunc="first")
    frames = {ps: table21(ps, data).set_index("line") for ps in ("study", "printed")}
    out = frames["study"][["label", "level"]].copy()
    for case, column in (("bau", "bau_kusd_per_yr"), ("battery", "case_kusd_per_yr")):
        out[f"published_{case}"] = published[case].reindex(out.index).astype(float)
        for ps, frame in frames.items():
            out[f"{ps}_{case}"] = frame[column]
    return out.reset_index()
