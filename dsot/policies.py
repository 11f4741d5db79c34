"""Appendix E of PNNL-32170-4: the eight presumed rate-design policies, each checked numerically.

Each policy is tied to the place where the ratemaking honours it (a function of
:mod:`dsot.ratemaking` or :mod:`dsot.valuation`) and to a number computed from a BAU and a
transactive valuation of the same customers: what the policy asks, what the case gives,
and whether it holds.  Policies that are design choices rather than outcomes (2, 8) are
checked by recomputing what the design promises.

A policy can fail: Appendix E states hypotheses the study set out to test (Policy 1
"is a fundamental reason for conducting the study"), and which of them the demonstration
case satisfies is a result, reported as such.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dsot import ratemaking
from dsot.valuation import Valuation, annual_bills

POLICIES = {
    1: "Adoption of DSO+T benefits consumers on average",
    2: "Dynamic rates and retail markets, not pay-for-performance",
    3: "Revenues recover the DSO's costs",
    4: "Revenue neutrality: migrants who do not respond pay no more than in BAU",
    5: "Customers who stay on fixed rates pay no more than in BAU",
    6: "Savings in proportion to the value of the response",
    7: "A more accurate representation of DSO costs across customers",
    8: "The same rate design at every substation",
}
"""Appendix E's policies in the report's order (short titles)."""

CHECK_COLUMNS = ("policy", "title", "dso", "metric", "value", "unit", "criterion", "holds", "honoured_by")


def bill_changes(bau: Valuation, transactive: Valuation) -> pd.DataFrame:
    """Each customer's annual bill in BAU and in the transactive case, and the change.

    Customers are matched by id (the demonstration cases share their customers); the
    industrial lumps by DSO.  Columns: customer, dso, customer_class, building_type,
    rate_plan, participating, weight, bau_bill_usd, transactive_bill_usd, change_usd,
    change_pct, and the BAU energy (kWh).
    """
    before = annual_bills(bau).set_index("customer")
    after = annual_bills(transactive).set_index("customer")
    missing = after.index.difference(before.index)
    if len(missing):
        raise ValueError(f"customers {list(missing[:5])} of {transactive.case_id} are not in {bau.case_id}")
    out = after[["dso", "customer_class", "building_type", "rate_plan", "participating", "weight", "industrial"]].copy()
    out["bau_energy_kwh"] = before.loc[out.index, "energy_kwh"]
    out["bau_bill_usd"] = before.loc[out.index, "bill_usd"]
    out["transactive_bill_usd"] = after["bill_usd"]
    out["change_usd"] = out["transactive_bill_usd"] - out["bau_bill_usd"]
    out["change_pct"] = out["change_usd"] / out["bau_bill_usd"].abs() * 100.0
    out["group"] = np.select(
        [out["industrial"], out["rate_plan"] == "fixed", out["participating"]],
        ["industrial (fixed rate)", "stayed on the fixed rate", "transactive, responding"],
        "transactive, not responding",
    )
    return out.reset_index()


def _weighted_change_pct(frame: pd.DataFrame) -> float:
    before = float((frame["weight"] * frame["bau_bill_usd"]).sum())
    after = float((frame["weight"] * frame["transactive_bill_usd"]).sum())
    return (after / before - 1.0) * 100.0 if before else float("nan")


def _row(
    policy: int, dso: object, metric: str, value: float, unit: str, criterion: str, holds: bool | None, by: str
) -> dict[str, object]:
    return {
        "policy": policy,
        "title": POLICIES[policy],
        "dso": dso,
        "metric": metric,
        "value": value,
        "unit": unit,
        "criterion": criterion,
        "holds": holds,
        "honoured_by": by,
    }


def _pearson(x: pd.Series, y: pd.Series, w: pd.Series) -> float:
    """Weighted correlation of two columns."""
    if len(x) < 3:
        return float("nan")
    mx, my = np.average(x, weights=w), np.average(y, weights=w)
    cov = np.average((x - mx) * (y - my), weights=w)
    sx, sy = np.sqrt(np.average((x - mx) ** 2, weights=w)), np.sqrt(np.average((y - my) ** 2, weights=w))
    return float(cov / (sx * sy)) if sx and sy else float("nan")


def policy_checks(bau: Valuation, transactive: Valuation, tolerance_usd: float = 1.0) -> pd.DataFrame:
    """Every policy of Appendix E checked per DSO (columns :data:`CHECK_COLUMNS`).

    ``holds`` is True or False for an outcome, and None where the demonstration case cannot
    test the policy (a group of customers the case does not have); ``metric`` says
    what was measured.
    """
    changes = bill_changes(bau, transactive)
    rates = transactive.rates.set_index("dso")
    base = bau.rates.set_index("dso")
    rows = []
    for dso in rates.index:
        mine = changes[changes["dso"] == dso]
        # 1: lower total cost to consumers (bills only: the customers' asset costs are Section 5)
        change = (rates.at[dso, "retail_sales_usd"] / base.at[dso, "retail_sales_usd"] - 1.0) * 100.0
        rows.append(
            _row(
                1,
                dso,
                "change in total retail bills, transactive vs BAU",
                change,
                "%",
                "< 0",
                change < 0,
                "dsot.valuation.value_case",
            )
        )
        # 2: every transactive bill is the rate applied to meter data and prices (no baseline)
        trx = transactive.bills[(transactive.bills["dso"] == dso) & (transactive.bills["rate_plan"] == "transactive")]
        structure = ratemaking.transactive_bill_structure_usd(
            rates.at[dso, "retail_multiplier"],
            trx["da_lmp_usd"] + trx["rt_lmp_usd"] - trx["da_rt_lmp_usd"],
            trx["congestion_charge_usd"],
            rates.at[dso, "distribution_price_usd_per_kwh"],
            (rates.at[dso, "distribution_price_usd_per_kwh"] - trx["distribution_charge_usd"] / trx["energy_kwh"]).where(
                trx["energy_kwh"] != 0, 0.0
            ),
            trx["energy_kwh"],
            trx["connection_charge_usd"],
        )
        gap = float(np.max(np.abs(structure - trx["bill_usd"]))) if len(trx) else 0.0
        rows.append(
            _row(
                2,
                dso,
                "largest difference between a bill and Eq. 44 applied to its meter data",
                gap,
                "USD",
                "< 0.01",
                gap < 0.01,
                "dsot.ratemaking.transactive_bill_structure_usd",
            )
        )
        # 3: revenues equal the requirement in both cases
        worst = max(abs(rates.at[dso, "balance_usd"]), abs(base.at[dso, "balance_usd"]))
        rows.append(
            _row(
                3,
                dso,
                "largest |revenue - requirement|, BAU and transactive",
                worst,
                "USD",
                f"<= {tolerance_usd:g}",
                worst <= tolerance_usd,
                "dsot.ratemaking.tier1_price_usd_per_kwh; dsot.ratemaking.distribution_price_usd_per_kwh",
            )
        )
        # 4: migrants who do not respond pay no more than in BAU (in aggregate)
        passive = mine[mine["group"] == "transactive, not responding"]
        value = _weighted_change_pct(passive)
        rows.append(
            _row(
                4,
                dso,
                "bill change of transactive customers without responsive assets",
                value,
                "%",
                "<= 0",
                bool(value <= 0) if len(passive) else None,
                "dsot.valuation.transactive_terms",
            )
        )
        # 5: those who stay on a fixed rate pay no more than in BAU (industrial lump included)
        stayed = mine[mine["rate_plan"] == "fixed"]
        value = _weighted_change_pct(stayed)
        rows.append(
            _row(
                5,
                dso,
                "bill change of customers on the fixed rate (industrial included)",
                value,
                "%",
                "<= 0",
                bool(value <= 0) if len(stayed) else None,
                "dsot.valuation.value_case (Section 4.3.2.1)",
            )
        )
        # 6: responding customers save more than those who do not respond
        responding = mine[mine["group"] == "transactive, responding"]
        value = _weighted_change_pct(responding) - _weighted_change_pct(passive)
        rows.append(
            _row(
                6,
                dso,
                "bill change of responding minus non-responding transactive customers",
                value,
                "percentage points",
                "< 0",
                bool(value < 0) if len(responding) and len(passive) else None,
                "dsot.ratemaking.transactive_bill_structure_usd",
            )
        )
        # 7: transactive customers' energy charges per kWh follow their cost to serve more closely than BAU's
        fit_bau, fit_trx = (_cost_fit(v, mine.loc[mine["rate_plan"] == "transactive", "customer"]) for v in (bau, transactive))
        rows.append(
            _row(
                7,
                dso,
                "gain in correlation of energy charges per kWh with LMP-weighted cost per kWh (transactive minus BAU)",
                fit_trx - fit_bau,
                "correlation",
                "> 0",
                bool(fit_trx > fit_bau) if np.isfinite(fit_trx - fit_bau) else None,
                "dsot.bills.day_ahead_charge_usd; dsot.bills.real_time_charge_usd",
            )
        )
        # 8: one design per DSO; each substation's congestion revenue goes back to its customers
        reb = transactive.rebates[transactive.rebates["dso"] == dso]
        returned = reb["rebate_usd_per_kwh"] * reb["transactive_energy_kwh"]
        gap = float(np.max(np.abs(returned - reb["congestion_revenue_usd"]))) if len(reb) else float("nan")
        substations = reb["substation"].nunique()
        rows.append(
            _row(
                8,
                dso,
                f"largest |rebates - congestion revenue| of a substation-month ({substations} substation(s))",
                gap,
                "USD",
                f"<= {tolerance_usd:g}",
                bool(gap <= tolerance_usd) if substations else None,
                "dsot.ratemaking.congestion_rebate_usd_per_kwh",
            )
        )
    return pd.DataFrame(rows, columns=list(CHECK_COLUMNS))


def _cost_fit(valuation: Valuation, customers: pd.Series) -> float:
    """Weighted correlation, across ``customers``, of their energy charges per kWh and their LMP cost per kWh.

    Energy charges are the bill less the connection charge; the cost to serve is the
    customer's consumption priced at the real-time LMP of its node (``rt_lmp_usd``).
    """
    annual = annual_bills(valuation).set_index("customer").loc[customers]
    totals = valuation.bills[valuation.bills["customer"].isin(customers)].groupby("customer")["rt_lmp_usd"].sum()
    keep = annual["energy_kwh"] > 0
    annual = annual[keep]
    charges = (annual["bill_usd"] - annual["connection_charge_usd"]) / annual["energy_kwh"]
    cost = totals.reindex(annual.index) / annual["energy_kwh"]
    return _pearson(charges, cost, annual["weight"])


def policy_summary(checks: pd.DataFrame) -> pd.DataFrame:
    """Per policy: in how many DSOs it holds, fails or cannot be tested."""
    status = checks["holds"].map({True: "holds", False: "fails"}).fillna("not testable")
    out = pd.crosstab([checks["policy"], checks["title"]], status).reindex(
        columns=["holds", "fails", "not testable"], fill_value=0
    )
    return out.reset_index()


def changes_by(changes: pd.DataFrame, column: str) -> pd.DataFrame:
    """Weighted average annual bills and their change by a customer attribute (e.g. ``building_type``)."""
    weighted = changes.assign(
        before=changes["weight"] * changes["bau_bill_usd"], after=changes["weight"] * changes["transactive_bill_usd"]
    )
    out = weighted.groupby(column, observed=True)[["weight", "before", "after"]].sum()
    return pd.DataFrame(
        {
            "customers": out["weight"],
            "bau_bill": out["before"] / out["weight"],
            "transactive_bill": out["after"] / out["weight"],
            "change_pct": (out["after"] / out["before"] - 1.0) * 100.0,
        }
    ).reset_index()


def policy_detail(checks: pd.DataFrame, policy: int) -> pd.DataFrame:
    """One policy's rows of :func:`policy_checks`, with ``holds`` as yes / no / not testable (for tables)."""
    frame = checks[checks["policy"] == policy][["dso", "metric", "value", "unit", "criterion", "holds"]]
    return frame.assign(holds=frame["holds"].map({True: "yes", False: "no"}).fillna("not testable"))
