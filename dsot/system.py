"""The system view: every stakeholder's CFS of a case, the cash flows between them, and the system cost.

Section 2.2 of the report: customers pay for the whole power system, through their
bills to the DSOs and their own investments in flexible assets and PV; the DSOs pay for
generation (energy, capacity, ancillary services), transmission and the ISO.  Figure 3
shows these flows, left to right, down to *terminal expenses* (annualized capital,
labour, maintenance and operations, workspace, fuel and variable O&M, startups).

:func:`system_view` gathers the CFSs of one case (customers: Section 5, DSOs: Section 3
and 4, generators, transmission owner and ISO: Section 6); :func:`cash_flows` turns them
into the flows of Figure 3, where every node balances; :func:`system_cost` is the total
annual cost of the power system (customers' bills plus their asset costs, Section 2.2),
and :func:`cost_shares` the shares that Section 1.3 quotes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from dsot import customers as cust
from dsot.cases.reader import Case
from dsot.cfs import bulk
from dsot.cfs.dso import cfs_lines
from dsot.params import ParameterSet, load_parameters, load_published, parameter_value
from dsot.sankey import check_flows
from dsot.valuation import Valuation

INCOME = "Customer income"
DSOS = "DSOs"
MARKET = "Wholesale market"
TRANSMISSION = "Transmission owner"
ISO = "ISO"
CAPITAL = "Capital (annualized)"
LABOUR = "Labour, maintenance and operations"
WORKSPACE = "Workspace"
FUEL = "Fuel and variable O&M"
STARTUP = "Generator startups"
TAXES = "Taxes"
TERMINALS = (CAPITAL, LABOUR, WORKSPACE, FUEL, STARTUP, TAXES)
"""Terminal expenses of Figure 3 (the downstream boundary of the study)."""

CLASS_NODES = {"residential": "Residential customers", "commercial": "Commercial customers", "industrial": "Industrial customers"}
TECHNOLOGY_NODES = {
    "coal": "Coal",
    "natural_gas_combined_cycle": "Natural gas (combined cycle)",
    "natural_gas_combustion_turbine": "Natural gas (combustion turbine)",
    "nuclear": "Nuclear",
    "wind": "Wind",
    "solar": "Solar",
}

DSO_TERMINAL_LINES = {
    "capital_expenses": CAPITAL,
    "om_materials": LABOUR,
    "om_labor": LABOUR,
    "market_operations": LABOUR,
    "ami_customer_network_operations": LABOUR,
    "dms_operations": LABOUR,
    "retail_operations": LABOUR,
    "administration": LABOUR,
    "workspace": WORKSPACE,
}
"""DSO CFS lines paid to terminal expenses."""
DSO_WHOLESALE_LINES = {
    "day_ahead_energy": "Wholesale energy",
    "real_time_energy": "Wholesale energy",
    "bilateral_energy": "Wholesale energy",
    "peak_capacity": "Capacity",
    "iso_reserves": "Ancillary services",
    "iso_losses": "Losses",
}
"""DSO CFS lines paid into the wholesale market (flow category)."""
DSO_OTHER_LINES = {"transmission_access": (TRANSMISSION, "Transmission access"), "iso_fees": (ISO, "ISO fees")}
GENERATOR_REVENUE_LINES = {
    "energy_sales": "Wholesale energy",
    "capacity_sales": "Capacity",
    "ancillary_service_sales": "Ancillary services",
}
GENERATOR_ALLOCATION = {
    "capital_expenses": CAPITAL,
    "fixed_costs": LABOUR,
    "fuel_and_variable_om": FUEL,
    "startup_costs": STARTUP,
}
"""Where the generators' revenue goes (Section 6.1: fixed costs include profit)."""


@dataclass(frozen=True)
class SystemView:
    """Every stakeholder's CFS of one case under one parameter set [$K/yr unless noted]."""

    case_id: str
    kind: str
    parameter_set: ParameterSet
    customers: pd.DataFrame
    """:func:`dsot.customers.customer_cfs`: one row per simulated customer and industrial lump [USD/yr]."""
    dsos: pd.DataFrame
    """The valuation's DSO statements (:attr:`dsot.valuation.Valuation.statements`)."""
    generators: pd.DataFrame
    """:func:`dsot.cfs.bulk.generator_cfs`: one row per generator."""
    transmission_owner: pd.DataFrame
    """:func:`dsot.cfs.bulk.transmission_owner_cfs` (Table 26 form)."""
    iso: pd.DataFrame
    """:func:`dsot.cfs.bulk.iso_cfs` (Table 27 form)."""


def system_view(
    case: Case,
    valuation: Valuation,
    parameter_set: ParameterSet = "study",
    bau: Case | None = None,
    bau_valuation: Valuation | None = None,
) -> SystemView:
    """All stakeholders' CFSs of a case.

    Parameters
    ----------
    case, valuation : the case and its :func:`dsot.valuation.value_case` (same parameter set).
    parameter_set : ``printed`` or ``study`` (for Sections 5 and 6).
    bau, bau_valuation : the BAU case and its valuation, needed for a transactive case.
    """
    if valuation.parameter_set != parameter_set:
        raise ValueError(f"the valuation uses the {valuation.parameter_set} parameter set, not {parameter_set}")
    if case.metadata.transactive and (bau is None or bau_valuation is None):
        raise ValueError(f"case {case.metadata.case_id} is transactive: pass its BAU case and valuation")
    return SystemView(
        case_id=case.metadata.case_id,
        kind=case.metadata.kind,
        parameter_set=parameter_set,
        customers=cust.customer_cfs(case, valuation, parameter_set, bau=bau_valuation),
        dsos=valuation.statements,
        generators=bulk.generator_cfs(case, valuation, parameter_set),
        transmission_owner=bulk.transmission_owner_cfs(case, valuation, parameter_set, bau=bau),
        iso=bulk.iso_cfs(case, valuation, parameter_set, bau=bau),
    )


def _line(statement: pd.DataFrame, line: str) -> float:
    return float(statement.loc[statement["line"] == line, "cash_flow_kusd_per_yr"].sum())


BALANCE_KUSD = 1e-3
"""Surpluses within $1 (the revenue-balance invariant of Section 4) are not drawn."""


def _settle(flows: list[dict[str, object]], node: str, surplus: float) -> None:
    """Close a node: a surplus leaves to its own terminal, a shortfall enters from its own source."""
    if surplus > BALANCE_KUSD:
        flows.append({"source": node, "target": f"{node}: surplus", "value": surplus, "category": "Surplus or shortfall"})
    elif surplus < -BALANCE_KUSD:
        flows.append({"source": f"{node}: shortfall", "target": node, "value": -surplus, "category": "Surplus or shortfall"})


def _check_dso_lines() -> None:
    """Every DSO expense line at the level paid out must map to exactly one destination."""
    lines = cfs_lines()
    paid = set(DSO_TERMINAL_LINES) | set(DSO_WHOLESALE_LINES) | set(DSO_OTHER_LINES)
    operating = set(lines.loc[lines["parent"] == "operating_expenses", "line"]) - {"wholesale_energy", "other_wholesale"}
    wholesale = set(lines.loc[lines["parent"].isin(["wholesale_energy", "other_wholesale"]), "line"])
    expected = {"capital_expenses"} | operating | wholesale
    if paid != expected:
        raise ValueError(
            f"data/cfs/dso_lines.csv: the system view pays {sorted(paid - expected)} that are not expense lines "
            f"and misses {sorted(expected - paid)}"
        )


def _customer_flows(view: SystemView) -> list[dict[str, object]]:
    """Income to each customer class; the class's bills to the DSOs, asset costs to capital, taxes."""
    flows: list[dict[str, object]] = []
    weighted = view.customers[["E", "C", "T"]].mul(view.customers["weight"], axis=0) / 1e3
    for customer_class, row in weighted.groupby(view.customers["customer_class"], sort=False).sum().iterrows():
        node = CLASS_NODES.get(str(customer_class), f"{str(customer_class).capitalize()} customers")
        taxes = float(row["T"])
        flows += [
            {"source": INCOME, "target": node, "value": float(row["E"] + row["C"] + max(taxes, 0.0)), "category": "Income"},
            {"source": node, "target": DSOS, "value": float(row["E"]), "category": "Retail bills"},
            {"source": node, "target": CAPITAL, "value": float(row["C"]), "category": CAPITAL},
        ]
        if taxes > 0:
            flows.append({"source": node, "target": TAXES, "value": taxes, "category": TAXES})
        elif taxes < 0:  # a lower tax (the bill rose): the saving pays part of the outlay
            flows.append({"source": "Tax savings", "target": node, "value": -taxes, "category": TAXES})
    return flows


def _dso_flows(dso: pd.Series) -> list[dict[str, object]]:
    """The DSOs' expenses (their CFS lines summed over DSOs) to terminal expenses and bulk stakeholders."""
    flows: list[dict[str, object]] = [
        {"source": DSOS, "target": terminal, "value": float(dso[line]), "category": terminal}
        for line, terminal in DSO_TERMINAL_LINES.items()
    ]
    flows += [
        {"source": DSOS, "target": MARKET, "value": float(dso[line]), "category": category}
        for line, category in DSO_WHOLESALE_LINES.items()
    ]
    flows += [
        {"source": DSOS, "target": target, "value": float(dso[line]), "category": category}
        for line, (target, category) in DSO_OTHER_LINES.items()
    ]
    _settle(flows, DSOS, float(dso["revenues"] - dso["capital_expenses"] - dso["operating_expenses"]))
    return flows


def _generation_flows(view: SystemView, dso: pd.Series) -> list[dict[str, object]]:
    """The market's payments to each technology and each technology's revenue to its costs (Section 6.1)."""
    gens = view.generators.assign(node=view.generators["technology"].map(TECHNOLOGY_NODES).fillna(view.generators["technology"]))
    flows: list[dict[str, object]] = [
        {"source": MARKET, "target": node, "value": float(group[line].sum()), "category": category}
        for node, group in gens.groupby("node", sort=False)
        for line, category in GENERATOR_REVENUE_LINES.items()
    ]
    market_in = sum(float(dso[line]) for line in DSO_WHOLESALE_LINES)
    _settle(flows, MARKET, market_in - float(gens[list(GENERATOR_REVENUE_LINES)].to_numpy().sum()))
    allocation = bulk.generator_revenue_allocation(gens, by="node")
    flows += [
        {"source": row["node"], "target": terminal, "value": float(row[line]), "category": terminal}
        for _, row in allocation.iterrows()
        for line, terminal in GENERATOR_ALLOCATION.items()
    ]
    return flows


def _owner_flows(view: SystemView) -> list[dict[str, object]]:
    """The transmission owner's and the ISO's expenses (Tables 26 and 27)."""
    to = view.transmission_owner
    flows: list[dict[str, object]] = [
        {"source": TRANSMISSION, "target": CAPITAL, "value": _line(to, "capital_expenses"), "category": CAPITAL},
        {"source": TRANSMISSION, "target": LABOUR, "value": _line(to, "operating_expenses"), "category": LABOUR},
    ]
    _settle(flows, TRANSMISSION, _line(to, "balance"))
    flows.append({"source": ISO, "target": LABOUR, "value": _line(view.iso, "expenses"), "category": LABOUR})
    _settle(flows, ISO, _line(view.iso, "balance"))
    return flows


def cash_flows(view: SystemView) -> pd.DataFrame:
    """The flows of Figure 3 for one case [$K/yr]: source, target, value, category.

    Customers' income pays their bills, their asset costs and any tax increase; the DSOs'
    expenses go to terminal expenses, the wholesale market, the transmission owner and
    the ISO; the market pays the generators (energy at real-time LMPs, capacity and
    ancillary services), and the generators' revenue goes to their costs in proportion
    (profit counted with fixed costs, Section 6.1).  What a node receives beyond what it
    pays (or the reverse) is shown as its surplus (or shortfall), so every intermediate
    node balances exactly.
    """
    _check_dso_lines()
    dso = view.dsos.groupby("line", sort=False)["cash_flow_kusd_per_yr"].sum()
    flows = [*_customer_flows(view), *_dso_flows(dso), *_generation_flows(view, dso), *_owner_flows(view)]
    # one flow per pair and category (day-ahead, real-time and bilateral energy net to one payment)
    frame = pd.DataFrame(flows, columns=["source", "target", "value", "category"])
    frame = frame.groupby(["source", "target", "category"], sort=False, as_index=False)["value"].sum()
    frame = frame[["source", "target", "value", "category"]]
    return check_flows(frame[frame["value"] != 0].reset_index(drop=True))


def system_cost(view: SystemView) -> pd.DataFrame:
    """The total annual cost of the power system (Section 2.2) [$K/yr].

    Rows: retail bills (E), customers' capital and installation costs (C: flexible
    assets and PV), their tax increase (T), and the total E + C + T, which also equals
    the sum of all terminal expenses and surpluses of :func:`cash_flows`.
    """
    return customers_system_cost(view.customers)


def customers_system_cost(customers: pd.DataFrame) -> pd.DataFrame:
    """:func:`system_cost` from the customers' statements alone (customers pay for the whole system) [$K/yr].

    ``customers`` is :func:`dsot.customers.customer_cfs` output (USD/yr per customer,
    with its ``weight``); the other stakeholders' statements do not enter the total.
    """
    weighted = customers[["E", "C", "C1", "C2", "T"]].mul(customers["weight"], axis=0).sum() / 1e3
    rows = [
        ("retail_bills", "Customers' electricity bills (E)", float(weighted["E"])),
        ("flexible_assets", "Flexible assets (C1)", float(weighted["C1"])),
        ("pv_systems", "Rooftop PV systems (C2)", float(weighted["C2"])),
        ("taxes", "Tax increase from reduced bill deductions (T)", float(weighted["T"])),
        ("total", "Total annual cost of the power system", float(weighted["E"] + weighted["C"] + weighted["T"])),
    ]
    return pd.DataFrame(rows, columns=["item", "label", "cost_kusd_per_yr"])


def compare_costs(bau: pd.DataFrame, other: pd.DataFrame) -> pd.DataFrame:
    """Two :func:`system_cost` tables side by side with the change in $K/yr and percent."""
    out = bau[["item", "label"]].assign(
        bau_kusd_per_yr=bau["cost_kusd_per_yr"].to_numpy(), case_kusd_per_yr=other["cost_kusd_per_yr"].to_numpy()
    )
    out["change_kusd_per_yr"] = out["case_kusd_per_yr"] - out["bau_kusd_per_yr"]
    base = out["bau_kusd_per_yr"].where(out["bau_kusd_per_yr"] != 0)
    out["change_pct"] = 100 * out["change_kusd_per_yr"] / base
    return out


def terminal_expenses(flows: pd.DataFrame) -> pd.Series:
    """What each sink of the flows receives [$K/yr] (terminal expenses and any surpluses)."""
    sinks = set(flows["target"]) - set(flows["source"])
    return flows[flows["target"].isin(sinks)].groupby("target", sort=False)["value"].sum()


def load_national_scale(parameter_set: ParameterSet = "study", data: Path | None = None) -> float:
    """The national annual cost of the power system used for the extrapolation [$K/yr]."""
    frame = load_parameters("system", parameter_set, data)
    return parameter_value(frame, "national_power_system_cost")


def national_change_kusd(change_pct: float, national_cost_kusd: float) -> float:
    r"""Section 2.2's extrapolation: the study's percent change in total annual system cost applied nationally [$K/yr].

    .. math:: \Delta C_{nation} = \frac{\Delta C_{study}}{C_{study}} C_{nation}

    Parameters
    ----------
    change_pct : percent change of the total annual cost of the power system, case versus BAU. [%]
    national_cost_kusd : the nation's total annual cost of the power system. [$K/yr]
    """
    if not np.isfinite(change_pct) or not np.isfinite(national_cost_kusd) or national_cost_kusd < 0:
        raise ValueError(f"need a finite change and a non-negative national cost (got {change_pct}, {national_cost_kusd})")
    return change_pct / 100 * national_cost_kusd


def cost_shares(view: SystemView, flows: pd.DataFrame | None = None, data: Path | None = None) -> pd.DataFrame:
    """The shares of the system's annualized cost that Sections 1.3 and 7 quote, for this case.

    Shares are of the total annual cost of the power system (:func:`system_cost`): capital
    is the terminal *Capital* node (customers' assets, DSO, generation and transmission
    capital), labour and operations the *Labour, maintenance and operations* node
    (including generator fixed costs and profit, Section 6.1), wholesale energy the DSOs'
    day-ahead, real-time and bilateral purchases, fuel the generators' fuel and variable
    O&M (startups apart), ancillary services the DSOs' reserve payments.

    Returns
    -------
    Columns quantity, report (the statement), documented_pct, bound (``about`` or
    ``below``), computed_pct and holds (``below``: computed under the bound; ``about``:
    within ``share_about_tolerance`` of ``data/parameters/system.csv``).
    """
    flows = cash_flows(view) if flows is None else flows
    terminal = terminal_expenses(flows)
    total = float(system_cost(view).set_index("item").at["total", "cost_kusd_per_yr"])
    dso = view.dsos.groupby("line", sort=False)["cash_flow_kusd_per_yr"].sum()
    computed = {
        "capital_share": terminal.get(CAPITAL, 0.0),
        "labour_operations_share": terminal.get(LABOUR, 0.0),
        "wholesale_energy_share": float(dso["wholesale_energy"]),
        "fuel_variable_om_share": terminal.get(FUEL, 0.0),
        "ancillary_services_share": float(dso["iso_reserves"]),
    }
    tolerance_pp = 100 * parameter_value(load_parameters("system", view.parameter_set, data), "share_about_tolerance")
    rows = []
    for _, claim in load_published("section_1_3_shares", data).iterrows():
        name, bound = str(claim["quantity"]).rsplit("_", 1)
        documented = float(claim["documented"])
        got = 100 * float(computed[name]) / total
        holds = got < documented if bound == "below" else abs(got - documented) <= tolerance_pp
        rows.append(
            {
                "quantity": name,
                "report": claim["note"],
                "documented_pct": documented,
                "bound": bound,
                "computed_pct": got,
                "holds": bool(holds),
            }
        )
    return pd.DataFrame(rows)


# --- output files -----------------------------------------------------------------------------

SYSTEM_FILES = {
    "dso_cfs.csv": "each DSO's CFS at four levels of detail (Table 5 form, Table 21 lines) [$K/yr]",
    "customer_cfs.parquet": "each simulated customer's (and industrial lump's) CFS, Table 22 lines [USD/yr]",
    "customer_cfs_by_group.csv": "Table 22 weighted totals for the case and by class, building type and participation [$K/yr]",
    "generator_cfs.csv": "each generator's CFS, Table 24 lines [$K/yr]",
    "generator_cfs_by_technology.csv": "Table 24 totals by technology and for the fleet [$K/yr]",
    "transmission_owner_cfs.csv": "the transmission owner's CFS (Table 26) [$K/yr]",
    "iso_cfs.csv": "the ISO's CFS (Table 27) [$K/yr]",
    "system_flows.csv": "the cash flows of Figure 3 (source, target, value, category) [$K/yr]",
    "system_cost.csv": "the total annual cost of the power system: bills, customers' asset costs, taxes [$K/yr]",
    "stakeholders.xlsx": "one workbook, a sheet per stakeholder (CFS at every level) plus the flows and the system cost",
    "provenance.json": "what produced these files: dsot version, commit, parameter set and hash, case and data hash, date",
}
"""What :func:`write_system` writes; the columns are stable."""

CUSTOMER_GROUPS = ("customer_class", "building_type", "participating")


def customer_totals_by_group(view: SystemView) -> pd.DataFrame:
    """Table 22 totals for the whole case and by each of :data:`CUSTOMER_GROUPS` (long form).

    Columns: grouping (``all`` or the key column), group, line, label, level, parent,
    cash_flow_kusd_per_yr.
    """
    blocks = [cust.customer_cfs_totals(view.customers).assign(grouping="all", group="all")]
    for key in CUSTOMER_GROUPS:
        totals = cust.customer_cfs_totals(view.customers, key)
        blocks.append(totals.rename(columns={key: "group"}).assign(grouping=key, group=lambda f: f["group"].astype(str)))
    frame = pd.concat(blocks, ignore_index=True)
    return frame[["grouping", "group", "line", "label", "level", "parent", "cash_flow_kusd_per_yr"]]


def stakeholder_sheets(view: SystemView, flows: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The workbook's sheets: each stakeholder's CFS at every level of detail, the flows and the system cost."""
    customers = cust.customer_cfs_wide(view.customers, "customer_class")
    customers.insert(4, "all customers", cust.customer_cfs_totals(view.customers)["cash_flow_kusd_per_yr"].to_numpy())
    dsos = bulk.statements_side_by_side({f"DSO {dso}": statement for dso, statement in view.dsos.groupby("dso", sort=True)})
    return {
        "Customers by class": customers,
        "Customers": view.customers,
        "DSOs": dsos,
        "Generators by technology": bulk.generator_cfs_wide(view.generators, "technology"),
        "Generators": view.generators,
        "Transmission owner": view.transmission_owner,
        "ISO": view.iso,
        "System flows": flows,
        "System cost": system_cost(view),
    }


def write_system(view: SystemView, out: Path, provenance: dict[str, object] | None = None) -> list[Path]:
    """Write every stakeholder's CFS, the flows and the system cost to ``out`` (see :data:`SYSTEM_FILES`).

    With a ``provenance`` record (:func:`dsot.provenance.provenance`) the workbook gets a
    "Provenance" sheet and the record is written to ``provenance.json``.
    """
    from dsot.io import atomic_write_csv, atomic_write_parquet, atomic_write_xlsx
    from dsot.provenance import provenance_rows, write_provenance

    head = {"case_id": view.case_id, "kind": view.kind, "parameter_set": view.parameter_set}
    flows = cash_flows(view)
    technology = bulk.generator_cfs_totals(view.generators, "technology")
    fleet = bulk.generator_cfs_totals(view.generators).assign(technology="all")
    sheets = stakeholder_sheets(view, flows)
    if provenance is not None:
        sheets["Provenance"] = pd.DataFrame(provenance_rows(provenance), columns=["field", "value"])
    written = [
        atomic_write_csv(view.dsos.assign(**head), out / "dso_cfs.csv"),
        atomic_write_parquet(view.customers, out / "customer_cfs.parquet"),
        atomic_write_csv(customer_totals_by_group(view).assign(**head), out / "customer_cfs_by_group.csv"),
        atomic_write_csv(view.generators.assign(**head), out / "generator_cfs.csv"),
        atomic_write_csv(
            pd.concat([technology, fleet], ignore_index=True).assign(**head), out / "generator_cfs_by_technology.csv"
        ),
        atomic_write_csv(view.transmission_owner.assign(**head), out / "transmission_owner_cfs.csv"),
        atomic_write_csv(view.iso.assign(**head), out / "iso_cfs.csv"),
        atomic_write_csv(flows.assign(**head), out / "system_flows.csv"),
        atomic_write_csv(system_cost(view).assign(**head), out / "system_cost.csv"),
        atomic_write_xlsx(sheets, out / "stakeholders.xlsx"),
    ]
    if provenance is not None:
        written.append(write_provenance(out / "provenance.json", provenance))
    return written


def stakeholder_of(node: str) -> str:
    """The stakeholder a node of :func:`cash_flows` belongs to (for grouping terminal expenses)."""
    if node in CLASS_NODES.values() or node in (INCOME, "Tax savings"):
        return "Customers"
    if node in TECHNOLOGY_NODES.values():
        return "Generators"
    for prefix, name in ((DSOS, "DSOs"), (MARKET, "Wholesale market"), (TRANSMISSION, TRANSMISSION), (ISO, ISO)):
        if node == prefix or node.startswith(f"{prefix}:"):
            return name
    return node


def terminal_by_stakeholder(flows: pd.DataFrame) -> pd.DataFrame:
    """Terminal expenses by the stakeholder paying them [$K/yr]: stakeholder, terminal, value, share_pct (of all)."""
    terminal = set(TERMINALS)
    paid = flows[flows["target"].isin(terminal)]
    frame = (
        paid.assign(stakeholder=paid["source"].map(stakeholder_of))
        .groupby(["stakeholder", "target"], sort=False, as_index=False)["value"]
        .sum()
        .rename(columns={"target": "terminal"})
    )
    frame["share_pct"] = 100 * frame["value"] / frame["value"].sum()
    return frame
