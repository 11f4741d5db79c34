r"""Section 4 on a case: every DSO's revenue requirement, rates, customer bills and revenues.

One pass of the engine (:func:`dsot.engine.case_statistics`) gives each simulated
customer's monthly sums; everything here derives from them without rereading interval
data:

1. each DSO's revenue requirement (Eq. 42) from its cash-flow statement
   (:mod:`dsot.cfs.dso`), whose case inputs - peak, energy bought and sold, the
   energy-market lines - come from the case itself;
2. BAU: the tier-1 price of the declining block rate (Eq. 43);
3. transactive: the retail multiplier (Eq. 45 or the study's constant), the congestion
   rebate of every substation and month (Eqs. 58-61), the distribution price (Eq. 57),
   and the non-participants' fixed rate (Section 4.3.2.1);
4. every customer's monthly bill (Eqs. 20-29, 44) and each DSO's revenues (Eqs. 30-41).

The industrial class is a lump per DSO (Section 4.2): here it is one row per DSO and
month standing for the DSO's industrial customers (``customer`` = minus the DSO id), each
drawing an equal share of the lump at a constant rate.  It is on the fixed-price rate in
every case (it is not simulated, so it cannot respond); in a transactive case it pays the
non-participants' fixed rate.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from dsot import bills, engine, ratemaking
from dsot import revenues as rev
from dsot.cases import summary
from dsot.cases.reader import Case
from dsot.cfs import dso as cfs
from dsot.params import ParameterError, ParameterSet, load_parameters, parameter_text, parameter_value
from dsot.wholesale import WholesaleParameters

Progress = Callable[[str], None]
RetailMultiplierMethod = Literal["derived", "constant"]

BILL_COMPONENTS = (
    "energy_charge_usd",
    "demand_charge_usd",
    "connection_charge_usd",
    "day_ahead_charge_usd",
    "real_time_charge_usd",
    "congestion_charge_usd",
    "distribution_charge_usd",
)
"""Monthly bill components: fixed-price (Eqs. 20, 23, connection) and transactive (Eqs. 26-28,
Eq. 44's congestion term); ``distribution_charge_usd`` is net of the congestion rebate (Eq. 28)."""


@dataclass(frozen=True)
class RateDesign:
    """The rate design inputs of Section 4.3 for one parameter set (``data/parameters/rates.csv``)."""

    parameter_set: ParameterSet
    fixed: bills.FixedTariff
    """The declining block rate with a zero tier-1 price (ratemaking sets it)."""
    retail_multiplier_method: RetailMultiplierMethod
    retail_multiplier: float
    congestion_rebate: bool


def load_rate_design(parameter_set: ParameterSet = "study", data: Path | None = None) -> RateDesign:
    """Load the rate design of a parameter set."""
    frame = load_parameters("rates", parameter_set, data)
    method = parameter_text(frame, "retail_multiplier_method")
    rebate = parameter_text(frame, "congestion_rebate")
    if method not in ("derived", "constant"):
        raise ParameterError(f"data/parameters/rates.csv: retail_multiplier_method must be derived or constant (got {method!r})")
    if rebate not in ("applied", "not_applied"):
        raise ParameterError(f"data/parameters/rates.csv: congestion_rebate must be applied or not_applied (got {rebate!r})")
    return RateDesign(
        parameter_set=parameter_set,
        fixed=bills.load_fixed_tariff(0.0, parameter_set, data),
        retail_multiplier_method=method,  # type: ignore[arg-type]
        retail_multiplier=parameter_value(frame, "retail_multiplier"),
        congestion_rebate=rebate == "applied",
    )


# --- the customers' table of the valuation: simulated customers plus industrial lumps -----------


def customer_months(case: Case, statistics: pd.DataFrame) -> pd.DataFrame:
    """The engine's statistics joined with each customer's DSO, substation, class and weight, plus industrial rows.

    Industrial rows: per DSO and month, ``weight`` = the DSO's industrial customers, and
    each one's energy, 15-minute demand and LMP-weighted energy an equal share of the
    constant industrial lump (``industrial_load_mw`` in case.yaml).
    """
    customers = case.table("customers").set_index("customer")
    info = customers[["dso", "substation", "customer_class", "building_type", "rate_plan", "participating", "weight_customers"]]
    frame = statistics.join(info.rename(columns={"weight_customers": "weight"}), on="customer")
    industrial = _industrial_months(case)
    out = pd.concat([frame.reset_index(), industrial], ignore_index=True)
    out["industrial"] = out["customer_class"] == "industrial"
    return out


def _industrial_months(case: Case) -> pd.DataFrame:
    prices, _ = engine.prices_from_case(case)
    intervals = np.bincount(prices.month_of_interval, minlength=len(prices.months))
    rows = []
    for row, dso_id in enumerate(case.metadata.dso_ids):
        dso = case.metadata.dso(dso_id)
        count = dso.customers.get("industrial", 0)
        if dso.industrial_load_mw == 0:
            continue
        if count == 0:
            raise ValueError(
                f"case.yaml of {case.metadata.case_id}: DSO {dso_id} has an industrial load of {dso.industrial_load_mw} MW "
                "but no industrial customers to bill it to (customers: industrial)"
            )
        kw = dso.industrial_load_mw * 1000.0 / count  # one industrial customer's constant load
        kwh_per_interval = kw / engine.INTERVALS_PER_HOUR
        lmp = np.bincount(prices.month_of_interval, weights=prices.lmp_rt_usd_per_mwh[row], minlength=len(prices.months))
        for m, month in enumerate(prices.months):
            rows.append(
                {
                    "customer": -dso_id,
                    "month": month,
                    "energy_kwh": kwh_per_interval * intervals[m],
                    "demand_block_kw": kw,
                    "demand_rolling_kw": kw,
                    "rt_lmp_usd": kwh_per_interval * lmp[m] / 1000.0,
                    "dso": dso_id,
                    "substation": "",
                    "customer_class": "industrial",
                    "building_type": "Industrial",
                    "rate_plan": "fixed",
                    "participating": False,
                    "weight": float(count),
                }
            )
    frame = pd.DataFrame(rows)
    for field in (*engine.ENERGY_FIELDS, *engine.DAY_AHEAD_FIELDS):
        if field not in frame:
            frame[field] = 0.0
    return frame


# --- revenue requirement -------------------------------------------------------------------------


def dso_case_inputs(case: Case, dso: int, months: pd.DataFrame, params: WholesaleParameters) -> cfs.DSOCase:
    """What the DSO's CFS needs, computed from the case (peak, energy bought and sold, energy-market lines)."""
    info = case.metadata.dso(dso)
    series = summary.dso_series(case, dso)
    energy = summary.wholesale_energy_costs_kusd(
        series["lmp_da"], series["cleared"], series["lmp_rt"], series["delivered"], params
    )
    mine = months[months["dso"] == dso]
    total = sum(info.customers.values())
    return cfs.DSOCase(
        dso=f"DSO #{dso}",
        case=case.metadata.kind,
        dso_type=info.type,
        customers=float(total),
        peak_mw=float(series["delivered"].max()) * 12.0,
        energy_purchased_mwh=float(series["delivered"].sum()),
        energy_sold_mwh=float((mine["weight"] * mine["energy_kwh"]).sum()) / 1000.0,
        day_ahead_energy_kusd=energy["day_ahead_kusd"],
        real_time_energy_kusd=energy["real_time_kusd"],
        bilateral_energy_kusd=energy["bilateral_kusd"],
        class_shares_frac={k: v / total for k, v in info.customers.items()},
    )


def revenue_requirements(
    case: Case, months: pd.DataFrame, parameter_set: ParameterSet, bau: Case | None = None, bau_months: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Each DSO's capital and operating expenses and revenue requirement (Eq. 42) [USD/yr].

    A transactive case needs its BAU case (``bau``, ``bau_months``): the capacity and
    transmission lines and the substation fleet depend on the BAU peak (Eqs. 12-13, App. B).
    """
    return _requirements_and_statements(case, months, parameter_set, bau, bau_months)[0]


def _requirements_and_statements(
    case: Case, months: pd.DataFrame, parameter_set: ParameterSet, bau: Case | None, bau_months: pd.DataFrame | None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    inputs = cfs.load_cfs_inputs(parameter_set)
    params = inputs.wholesale
    rows, statements = [], []
    for dso in case.metadata.dso_ids:
        this = dso_case_inputs(case, dso, months, params)
        base = None
        if this.transactive:
            if bau is None or bau_months is None:
                raise ValueError(
                    f"case {case.metadata.case_id} is transactive: its BAU case is needed for the revenue requirement"
                )
            base = dso_case_inputs(bau, dso, bau_months, params)
        full = cfs.dso_cfs(inputs, this, base)
        statements.append(full.assign(dso=dso))
        statement = full.set_index("line")["cash_flow_kusd_per_yr"]
        capex, opex = float(statement["capital_expenses"]) * 1e3, float(statement["operating_expenses"]) * 1e3
        rows.append(
            {
                "dso": dso,
                "capital_expenses_usd": capex,
                "operating_expenses_usd": opex,
                "requirement_usd": ratemaking.revenue_requirement_usd(capex, opex),
                "peak_mw": this.peak_mw,
                "energy_purchased_mwh": this.energy_purchased_mwh,
                "energy_sold_mwh": this.energy_sold_mwh,
            }
        )
    return pd.DataFrame(rows).set_index("dso"), pd.concat(statements, ignore_index=True)


# --- ratemaking and bills ----------------------------------------------------------------------


def _fixed_bills(rows: pd.DataFrame, tariff: bills.FixedTariff) -> pd.DataFrame:
    stats = rows.set_index(["customer", "month"])
    classes = rows.drop_duplicates("customer").set_index("customer")["customer_class"]
    return bills.fixed_bills(stats, classes, tariff).reset_index(drop=True).set_axis(rows.index)


def solve_tier1_price(rows: pd.DataFrame, tariff: bills.FixedTariff, requirement_usd: float) -> float:
    """The tier-1 price (Eq. 43) at which ``rows``' fixed-price bills collect ``requirement_usd``."""
    guess = replace(tariff, tier1_price_usd_per_kwh=0.0)
    at_guess = rev.annual_revenue_usd(rows["weight"], _fixed_bills(rows, guess)["bill_usd"])
    energy = rev.weighted_total(rows["weight"], rows["energy_kwh"])
    return ratemaking.tier1_price_usd_per_kwh(0.0, at_guess, requirement_usd, energy)


def _fixed_components(rows: pd.DataFrame, tariff: bills.FixedTariff) -> pd.DataFrame:
    fixed = _fixed_bills(rows, tariff)
    out = pd.DataFrame(0.0, index=rows.index, columns=list(BILL_COMPONENTS))
    out[["energy_charge_usd", "demand_charge_usd", "connection_charge_usd"]] = fixed[
        ["energy_charge_usd", "demand_charge_usd", "connection_charge_usd"]
    ].to_numpy()
    return out


@dataclass(frozen=True)
class TransactiveTerms:
    """A transactive DSO's rate terms and its customers' congestion and rebates."""

    retail_multiplier: float
    distribution_price_usd_per_kwh: float
    congestion_usd: pd.Series
    rebate_usd_per_kwh: pd.Series
    rebates: pd.DataFrame
    """Per substation and month: congestion revenue (Eq. 58), transactive energy and rebate (Eq. 61)."""


def transactive_terms(
    rows: pd.DataFrame, requirement_usd: float, design: RateDesign, retail_multiplier: float, market: tuple[float, float]
) -> TransactiveTerms:
    r"""Rebates (Eqs. 58-61) and the distribution price (Eq. 57) of one DSO.

    ``rows`` are the DSO's customer-months (industrial included); ``market`` is the
    (A, P_dist) with which the simulated retail market formed its prices, against which
    the congestion price is measured (Eqs. 59-60).

    The distribution price solves Eq. 57 with Section 4.3.2.1 substituted for
    :math:`RevFixSales_A`: non-participants must pay what they would pay on the transactive
    rate, :math:`X_{np} + P_{dist} Q_{np}`, so
    :math:`P_{dist} = (RevReq_A - X_{trx} - X_{np}) / (Q_{trx} + Q_{np})` where :math:`X` are
    the terms of Eq. 44 other than :math:`P_{dist}` (energy at :math:`A\,LMP`, congestion,
    rebate, connection charges), weighted.
    """
    congestion = ratemaking.customer_congestion_usd(rows, *market).where(~rows["industrial"], 0.0)
    trx = rows["rate_plan"] == "transactive"
    weighted = pd.DataFrame(
        {
            "substation": rows["substation"],
            "month": rows["month"],
            "congestion_usd": rows["weight"] * congestion,
            "energy_kwh": rows["weight"] * rows["energy_kwh"],
        }
    )[trx & ~rows["industrial"]]
    per_sub = weighted.groupby(["substation", "month"], observed=True)[["congestion_usd", "energy_kwh"]].sum()
    per_sub = per_sub.rename(columns={"congestion_usd": "congestion_revenue_usd", "energy_kwh": "transactive_energy_kwh"})
    per_sub["rebate_usd_per_kwh"] = (
        ratemaking.congestion_rebate_usd_per_kwh(
            per_sub["congestion_revenue_usd"].to_numpy(), per_sub["transactive_energy_kwh"].to_numpy()
        )
        if design.congestion_rebate
        else 0.0
    )
    key = pd.MultiIndex.from_arrays([rows["substation"], rows["month"]])
    rebate = pd.Series(per_sub["rebate_usd_per_kwh"].reindex(key).fillna(0.0).to_numpy(), index=rows.index)
    lmp_usd = rows["da_lmp_usd"] + rows["rt_lmp_usd"] - rows["da_rt_lmp_usd"]
    other = retail_multiplier * lmp_usd + congestion - rebate * rows["energy_kwh"] + design.fixed.connection_charge_usd
    price = (requirement_usd - rev.annual_revenue_usd(rows["weight"], other)) / rev.weighted_total(
        rows["weight"], rows["energy_kwh"]
    )
    return TransactiveTerms(retail_multiplier, price, congestion, rebate, per_sub.reset_index())


def _transactive_components(rows: pd.DataFrame, terms: TransactiveTerms, connection: float) -> pd.DataFrame:
    a = terms.retail_multiplier
    out = pd.DataFrame(0.0, index=rows.index, columns=list(BILL_COMPONENTS))
    out["day_ahead_charge_usd"] = bills.day_ahead_charge_usd(a, rows["da_lmp_usd"].to_numpy())
    out["real_time_charge_usd"] = bills.real_time_charge_usd(a, rows["rt_lmp_usd"].to_numpy(), rows["da_rt_lmp_usd"].to_numpy())
    out["congestion_charge_usd"] = terms.congestion_usd.loc[rows.index].to_numpy()
    out["distribution_charge_usd"] = bills.distribution_charge_usd(
        rows["energy_kwh"].to_numpy(), terms.distribution_price_usd_per_kwh, terms.rebate_usd_per_kwh.loc[rows.index].to_numpy()
    )
    out["connection_charge_usd"] = connection
    return out


@dataclass(frozen=True)
class Valuation:
    """Section 4 results of one case under one parameter set."""

    case_id: str
    kind: str
    parameter_set: ParameterSet
    rates: pd.DataFrame
    """One row per DSO: requirement, rate terms, revenue lines (Eqs. 30-41) and the balance."""
    bills: pd.DataFrame
    """One row per customer and month (industrial lumps included): class, plan, weight, energy and bill components."""
    rebates: pd.DataFrame
    """Per DSO, substation and month: congestion revenue, transactive energy and rebate (empty for BAU)."""
    statements: pd.DataFrame
    """Each DSO's CFS (Table 5 form, Table 21 lines; columns of :func:`dsot.cfs.dso_cfs` plus ``dso``),
    revenue lines taken from the customers' bills."""


def value_case(
    case: Case,
    parameter_set: ParameterSet = "study",
    bau: Case | None = None,
    statistics: pd.DataFrame | None = None,
    bau_statistics: pd.DataFrame | None = None,
    progress: Progress | None = None,
) -> Valuation:
    """Rates, bills and revenues of every DSO of a case (Section 4).

    Parameters
    ----------
    case : a validated case (:func:`dsot.cases.read_case`).
    parameter_set : ``printed`` or ``study``.
    bau : the BAU case of a transactive case (same DSOs), for its revenue requirement.
    statistics, bau_statistics : the engine's statistics when already computed.
    progress : called with a short message as each stage starts.
    """
    say = progress or (lambda _message: None)
    design = load_rate_design(parameter_set)
    say("customer statistics (one pass over interval data)")
    stats = engine.case_statistics(case) if statistics is None else statistics
    months = customer_months(case, stats)
    bau_months = None
    if case.metadata.transactive:
        if bau is None:
            raise ValueError(f"case {case.metadata.case_id} is transactive: pass its BAU case (bau=...)")
        say("BAU statistics")
        bau_months = customer_months(bau, engine.case_statistics(bau) if bau_statistics is None else bau_statistics)
    say("revenue requirements (DSO cash-flow statements)")
    requirement, statements = _requirements_and_statements(case, months, parameter_set, bau, bau_months)
    parts, rate_rows, rebate_frames = [], [], []
    for dso in case.metadata.dso_ids:
        say(f"ratemaking and bills, DSO {dso}")
        rows = months[months["dso"] == dso]
        needed = float(requirement.at[dso, "requirement_usd"])
        row: dict[str, object] = {"dso": dso}
        fixed_rows = rows[rows["rate_plan"] == "fixed"]
        components = pd.DataFrame(0.0, index=rows.index, columns=list(BILL_COMPONENTS))
        if not case.metadata.transactive:
            price = solve_tier1_price(rows, design.fixed, needed)
            components = _fixed_components(rows, replace(design.fixed, tier1_price_usd_per_kwh=price))
            row.update(tier1_price_usd_per_kwh=price, retail_multiplier=np.nan, distribution_price_usd_per_kwh=np.nan)
        else:
            market = case.metadata.retail_market
            assert market is not None  # validated: transactive cases have one
            a = _retail_multiplier(case, dso, design)
            terms = transactive_terms(rows, needed, design, a, (market.multiplier, market.distribution_price_usd_per_kwh))
            trx_rows = rows[rows["rate_plan"] == "transactive"]
            components.loc[trx_rows.index] = _transactive_components(trx_rows, terms, design.fixed.connection_charge_usd)
            # Section 4.3.2.1: non-participants pay, on a fixed rate, what the transactive rate would collect from them.
            as_if = _transactive_components(
                fixed_rows.assign(da_lmp_usd=0.0, da_rt_lmp_usd=0.0), terms, design.fixed.connection_charge_usd
            )
            np_requirement = rev.annual_revenue_usd(fixed_rows["weight"], as_if.sum(axis=1))
            price = solve_tier1_price(fixed_rows, design.fixed, np_requirement) if len(fixed_rows) else np.nan
            if len(fixed_rows):
                components.loc[fixed_rows.index] = _fixed_components(
                    fixed_rows, replace(design.fixed, tier1_price_usd_per_kwh=price)
                )
            q_trx = ratemaking.transactive_energy_kwh(trx_rows["weight"], trx_rows["energy_kwh"])
            row.update(
                tier1_price_usd_per_kwh=price,
                retail_multiplier=a,
                distribution_price_usd_per_kwh=terms.distribution_price_usd_per_kwh,
                distribution_price_proxy_usd_per_kwh=market.distribution_price_usd_per_kwh,
                proxy_revenue_gap_usd=ratemaking.proxy_revenue_gap_usd(
                    market.distribution_price_usd_per_kwh, terms.distribution_price_usd_per_kwh, q_trx
                ),
                nonparticipant_requirement_usd=np_requirement,
            )
            rebate_frames.append(terms.rebates.assign(dso=dso))
        row.update(_revenue_lines(rows, components, needed))
        rate_rows.append(row)
        parts.append(pd.concat([rows, components], axis=1))
    frame = pd.concat(parts, ignore_index=True)
    frame["bill_usd"] = frame[list(BILL_COMPONENTS)].sum(axis=1)
    rates = requirement.join(pd.DataFrame(rate_rows).set_index("dso")).reset_index()
    rebates = pd.concat(rebate_frames, ignore_index=True) if rebate_frames else pd.DataFrame()
    statements = _with_revenue_lines(statements, rates)
    return Valuation(case.metadata.case_id, case.metadata.kind, parameter_set, rates, frame, rebates, statements)


REVENUE_LINES = {
    "fixed_price_energy_charges": "fixed_energy_revenue_usd",
    "demand_charges": "demand_charge_revenue_usd",
    "fixed_price_connect_charges": "fixed_connection_revenue_usd",
    "fixed_price_sales": "fixed_sales_usd",
    "day_ahead_energy_charges": "day_ahead_revenue_usd",
    "real_time_energy_charges": "real_time_revenue_usd",
    "distribution_charges": "distribution_revenue_usd",
    "transactive_connect_charges": "transactive_connection_revenue_usd",
    "congestion_charges": "congestion_revenue_usd",
    "transactive_sales": "transactive_sales_usd",
    "retail_sales": "retail_sales_usd",
    "revenues": "retail_sales_usd",
    "balance": "balance_usd",
}
"""DSO CFS revenue line -> the valuation's revenue column (Eqs. 30-41) that fills it."""


def _with_revenue_lines(statements: pd.DataFrame, rates: pd.DataFrame) -> pd.DataFrame:
    """The DSO CFSs with their revenue lines replaced by what the bills collect [kUSD/yr]."""
    by_dso = rates.set_index("dso")
    values = [
        by_dso.at[dso, REVENUE_LINES[line]] / 1e3 if line in REVENUE_LINES else value
        for dso, line, value in zip(statements["dso"], statements["line"], statements["cash_flow_kusd_per_yr"], strict=True)
    ]
    return statements.assign(cash_flow_kusd_per_yr=values)


def _retail_multiplier(case: Case, dso: int, design: RateDesign) -> float:
    if design.retail_multiplier_method == "constant":
        return design.retail_multiplier
    from dsot.retail_multiplier import retail_multiplier_for

    return retail_multiplier_for(case, dso, design.parameter_set)


def _revenue_lines(rows: pd.DataFrame, components: pd.DataFrame, requirement_usd: float) -> dict[str, float]:
    """Eqs. 30-41 of one DSO from its customer-months' bill components [USD/yr]."""
    w = rows["weight"]
    fixed = rows["rate_plan"] == "fixed"
    trx = ~fixed

    def total(column: str, mask: pd.Series) -> float:
        return rev.annual_revenue_usd(w[mask], components.loc[mask, column])

    fix_energy, fix_demand, fix_connect = (
        total(c, fixed) for c in ("energy_charge_usd", "demand_charge_usd", "connection_charge_usd")
    )
    da, rt, dist, trx_connect, congestion = (
        total(c, trx)
        for c in (
            "day_ahead_charge_usd",
            "real_time_charge_usd",
            "distribution_charge_usd",
            "connection_charge_usd",
            "congestion_charge_usd",
        )
    )
    fixed_sales = rev.fixed_sales_usd(fix_energy, fix_demand, fix_connect)
    trx_sales = rev.transactive_sales_usd(da, rt, dist, trx_connect, congestion)
    retail = rev.retail_sales_usd(fixed_sales, trx_sales)
    fixed_energy = rev.weighted_total(w[fixed], rows.loc[fixed, "energy_kwh"])
    trx_energy = rev.weighted_total(w[trx], rows.loc[trx, "energy_kwh"])
    return {
        "fixed_energy_revenue_usd": fix_energy,
        "demand_charge_revenue_usd": fix_demand,
        "fixed_connection_revenue_usd": fix_connect,
        "fixed_sales_usd": fixed_sales,
        "day_ahead_revenue_usd": da,
        "real_time_revenue_usd": rt,
        "congestion_revenue_usd": congestion,
        "distribution_revenue_usd": dist,
        "transactive_connection_revenue_usd": trx_connect,
        "transactive_sales_usd": trx_sales,
        "retail_sales_usd": retail,
        "balance_usd": retail - requirement_usd,
        "fixed_energy_kwh": fixed_energy,
        "transactive_energy_kwh": trx_energy,
        "fixed_blended_usd_per_kwh": rev.blended_average_cost_usd_per_kwh(fixed_sales, fixed_energy) if fixed_energy else np.nan,
        "transactive_blended_usd_per_kwh": rev.blended_average_cost_usd_per_kwh(trx_sales, trx_energy) if trx_energy else np.nan,
    }


def annual_bills(valuation: Valuation) -> pd.DataFrame:
    """Each customer's annual consumption and bill components (sums of the 12 months, Section 4.1)."""
    keys = [
        "customer",
        "dso",
        "substation",
        "customer_class",
        "building_type",
        "rate_plan",
        "participating",
        "weight",
        "industrial",
    ]
    values = ["energy_kwh", *BILL_COMPONENTS, "bill_usd"]
    return valuation.bills.groupby(keys, observed=True, sort=True)[values].sum().reset_index()


def bills_by_class(valuation: Valuation) -> pd.DataFrame:
    """Weighted annual bills by DSO, class and rate plan: customers, energy, revenue and average bill."""
    annual = annual_bills(valuation)
    weighted = annual.assign(
        customers=annual["weight"],
        energy_kwh=annual["weight"] * annual["energy_kwh"],
        revenue_usd=annual["weight"] * annual["bill_usd"],
    )
    out = weighted.groupby(["dso", "customer_class", "rate_plan"], observed=True)[
        ["customers", "energy_kwh", "revenue_usd"]
    ].sum()
    out["average_bill_usd"] = out["revenue_usd"] / out["customers"]
    out["average_price_usd_per_kwh"] = out["revenue_usd"] / out["energy_kwh"]
    return out.reset_index()


__all__ = [
    "BILL_COMPONENTS",
    "RateDesign",
    "TransactiveTerms",
    "Valuation",
    "annual_bills",
    "bills_by_class",
    "customer_months",
    "dso_case_inputs",
    "load_rate_design",
    "revenue_requirements",
    "solve_tier1_price",
    "transactive_terms",
    "value_case",
]


VALUATION_FILES = {
    "rates.csv": "one row per DSO: revenue requirement (Eq. 42) and rate terms (Eqs. 43, 45, 57)",
    "dso_revenues.csv": "one row per DSO: revenue lines (Eqs. 30-41), retail sales and balance against the requirement",
    "bills_by_class.csv": "weighted annual bills by DSO, customer class and rate plan",
    "bills_by_customer.parquet": "each simulated customer's (and industrial lump's) annual energy and bill components",
    "bills_by_customer_month.parquet": "each customer's monthly energy and bill components",
    "congestion_rebates.csv": "per DSO, substation and month: congestion revenue (Eq. 58), transactive energy, rebate (Eq. 61)",
}
"""What :func:`write_valuation` writes; the columns are stable."""

RATE_COLUMNS = (
    "dso",
    "requirement_usd",
    "capital_expenses_usd",
    "operating_expenses_usd",
    "tier1_price_usd_per_kwh",
    "retail_multiplier",
    "distribution_price_usd_per_kwh",
    "distribution_price_proxy_usd_per_kwh",
    "proxy_revenue_gap_usd",
    "nonparticipant_requirement_usd",
    "peak_mw",
    "energy_purchased_mwh",
    "energy_sold_mwh",
)
REVENUE_COLUMNS = (
    "dso",
    "fixed_energy_revenue_usd",
    "demand_charge_revenue_usd",
    "fixed_connection_revenue_usd",
    "fixed_sales_usd",
    "day_ahead_revenue_usd",
    "real_time_revenue_usd",
    "congestion_revenue_usd",
    "distribution_revenue_usd",
    "transactive_connection_revenue_usd",
    "transactive_sales_usd",
    "retail_sales_usd",
    "requirement_usd",
    "balance_usd",
    "fixed_energy_kwh",
    "transactive_energy_kwh",
    "fixed_blended_usd_per_kwh",
    "transactive_blended_usd_per_kwh",
)


def write_valuation(valuation: Valuation, out: Path) -> list[Path]:
    """Write a valuation's outputs to ``out`` (each file atomically; see :data:`VALUATION_FILES`)."""
    from dsot.io import atomic_write_csv, atomic_write_parquet

    rates = valuation.rates.reindex(columns=list(RATE_COLUMNS))
    head = {"case_id": valuation.case_id, "kind": valuation.kind, "parameter_set": valuation.parameter_set}
    monthly = valuation.bills.assign(month=valuation.bills["month"].astype(str))
    rebates = valuation.rebates
    if not rebates.empty:
        rebates = rebates.assign(month=rebates["month"].astype(str))[
            ["dso", "substation", "month", "congestion_revenue_usd", "transactive_energy_kwh", "rebate_usd_per_kwh"]
        ]
    else:
        rebates = pd.DataFrame(
            columns=["dso", "substation", "month", "congestion_revenue_usd", "transactive_energy_kwh", "rebate_usd_per_kwh"]
        )
    return [
        atomic_write_csv(rates.assign(**head), out / "rates.csv"),
        atomic_write_csv(valuation.rates.reindex(columns=list(REVENUE_COLUMNS)).assign(**head), out / "dso_revenues.csv"),
        atomic_write_csv(bills_by_class(valuation).assign(**head), out / "bills_by_class.csv"),
        atomic_write_parquet(annual_bills(valuation), out / "bills_by_customer.parquet"),
        atomic_write_parquet(monthly, out / "bills_by_customer_month.parquet"),
        atomic_write_csv(rebates.assign(**head), out / "congestion_rebates.csv"),
    ]


def class_totals(valuations: dict[str, Valuation]) -> pd.DataFrame:
    """Weighted annual totals by case, class and rate plan over all DSOs, in book units.

    Columns: case (the dict key), customer_class, rate_plan, customers_k (thousands),
    energy_twh, revenue_musd, average_bill (USD per customer-year) and cents (per kWh).
    """
    frame = pd.concat([bills_by_class(v).assign(case=k) for k, v in valuations.items()])
    totals = frame.groupby(["case", "customer_class", "rate_plan"], as_index=False)[
        ["customers", "energy_kwh", "revenue_usd"]
    ].sum()
    return pd.DataFrame(
        {
            "case": totals["case"],
            "customer_class": totals["customer_class"],
            "rate_plan": totals["rate_plan"],
            "customers_k": totals["customers"] / 1e3,
            "energy_twh": totals["energy_kwh"] / 1e9,
            "revenue_musd": totals["revenue_usd"] / 1e6,
            "average_bill": totals["revenue_usd"] / totals["customers"],
            "cents": totals["revenue_usd"] / totals["energy_kwh"] * 100,
        }
    )


def rebate_rows(valuation: Valuation, dso: int) -> pd.DataFrame:
    """One DSO's monthly congestion revenue ($K), transactive energy (GWh) and rebate (mills/kWh), for tables."""
    r = valuation.rebates[valuation.rebates["dso"] == dso]
    return pd.DataFrame(
        {
            "substation": r["substation"],
            "month": r["month"].astype(str),
            "congestion_revenue_kusd": r["congestion_revenue_usd"] / 1e3,
            "transactive_energy_gwh": r["transactive_energy_kwh"] / 1e6,
            "rebate_mills": r["rebate_usd_per_kwh"] * 1e3,
        }
    )


def monthly_class_bills(valuation: Valuation) -> pd.DataFrame:
    """Average monthly bill per real customer by class and rate plan (weighted), for charts."""
    b = valuation.bills
    weighted = b.assign(revenue=b["weight"] * b["bill_usd"], energy=b["weight"] * b["energy_kwh"])
    out = weighted.groupby(["customer_class", "rate_plan", "month"], observed=True)[["revenue", "energy", "weight"]].sum()
    out["average_bill_usd"] = out["revenue"] / out["weight"]
    out["average_energy_kwh"] = out["energy"] / out["weight"]
    out = out.reset_index()
    return out.assign(case=valuation.kind, month=out["month"].dt.to_timestamp())[
        ["case", "customer_class", "rate_plan", "month", "average_bill_usd", "average_energy_kwh"]
    ]


def rates_summary(bau: Valuation, transactive: Valuation) -> pd.DataFrame:
    """Per DSO: requirement and rates of the BAU and transactive cases side by side."""
    a = bau.rates.set_index("dso")
    b = transactive.rates.set_index("dso")
    return pd.DataFrame(
        {
            "bau_requirement_musd": a["requirement_usd"] / 1e6,
            "bau_tier1_cents": a["tier1_price_usd_per_kwh"] * 100,
            "bau_blended_cents": a["fixed_blended_usd_per_kwh"] * 100,
            "trx_requirement_musd": b["requirement_usd"] / 1e6,
            "requirement_change_pct": (b["requirement_usd"] / a["requirement_usd"] - 1) * 100,
            "retail_multiplier": b["retail_multiplier"],
            "distribution_cents": b["distribution_price_usd_per_kwh"] * 100,
            "proxy_cents": b["distribution_price_proxy_usd_per_kwh"] * 100,
            "nonparticipant_tier1_cents": b["tier1_price_usd_per_kwh"] * 100,
            "trx_blended_cents": b["transactive_blended_usd_per_kwh"] * 100,
        }
    ).reset_index()


def revenue_lines_musd(valuation: Valuation) -> pd.DataFrame:
    """Per DSO: the revenue lines of Eqs. 30-41 and the balance, in $M/yr (balance in USD)."""
    columns = [c for c in REVENUE_COLUMNS if c.endswith("_usd") and c != "balance_usd"]
    out = valuation.rates.set_index("dso")[columns] / 1e6
    out["balance_usd"] = valuation.rates.set_index("dso")["balance_usd"]
    return out.reset_index()
