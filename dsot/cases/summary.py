"""Summaries of a case used to calibrate and to check it: energies, peaks, wholesale costs.

These functions read series that a case holds (or that the generator is about to write)
and apply the package's Section 3.3.1 functions to them, so the calibration targets are
met by the same code the valuation uses.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dsot import wholesale
from dsot.cases.reader import Case
from dsot.params import load_published
from dsot.wholesale import WholesaleParameters


def wholesale_energy_costs_kusd(
    lmp_da_usd_per_mwh: pd.Series,
    cleared_mwh: pd.Series,
    lmp_rt_usd_per_mwh: pd.Series,
    delivered_mwh: pd.Series,
    params: WholesaleParameters,
) -> dict[str, float]:
    """A DSO's bilateral, day-ahead and real-time energy costs (Eqs. 9-11) [$K/yr] and bilateral energy [MWh].

    Parameters
    ----------
    lmp_da_usd_per_mwh, cleared_mwh : hourly day-ahead price [USD/MWh] and cleared energy [MWh].
    lmp_rt_usd_per_mwh, delivered_mwh : 5-minute real-time price [USD/MWh] and delivered energy [MWh].
    params : the wholesale parameter set (its readings of Eqs. 9-11 and Table 15).
    """
    hourly_load = wholesale.hourly_energy_mwh(delivered_mwh)
    schedule = wholesale.bilateral_schedule(lmp_da_usd_per_mwh, cleared_mwh, hourly_load, params)
    bilateral = wholesale.bilateral_energy_cost_kusd(schedule["bilateral_mwh"], schedule["bilateral_price_usd_per_mwh"])
    day_ahead = wholesale.day_ahead_energy_cost_kusd(lmp_da_usd_per_mwh, cleared_mwh, schedule["bilateral_mwh"])
    real_time = wholesale.real_time_energy_cost_kusd(lmp_rt_usd_per_mwh, delivered_mwh, cleared_mwh, params.real_time_reading)
    return {
        "bilateral_kusd": bilateral,
        "day_ahead_kusd": day_ahead,
        "real_time_kusd": real_time,
        "bilateral_mwh": float(schedule["bilateral_mwh"].sum()),
    }


def block_prices_usd_per_mwh(lmp_da_usd_per_mwh: pd.Series, delivered_mwh: pd.Series, params: WholesaleParameters) -> pd.Series:
    """Table 15's bilateral block prices of a DSO under the parameter set's reading [USD/MWh]."""
    hourly_load = wholesale.hourly_energy_mwh(delivered_mwh)
    blocks = wholesale.time_blocks(pd.DatetimeIndex(lmp_da_usd_per_mwh.index), params.block_hours)
    contract = wholesale.contract_blocks(blocks, params.contract_of)
    return wholesale.bilateral_block_prices_usd_per_mwh(lmp_da_usd_per_mwh, hourly_load, contract, params.bilateral_price_reading)


def dso_series(case: Case, dso: int) -> dict[str, pd.Series]:
    """A DSO's wholesale series from a case.

    Day-ahead LMP [USD/MWh] and cleared energy [MWh] (hourly); real-time LMP [USD/MWh]
    and delivered energy [MWh] (5-minute).
    """
    return {
        "lmp_da": case.series("system_hourly", "da_lmp_usd_per_mwh", dso),
        "cleared": case.series("system_hourly", "da_cleared_mwh", dso),
        "lmp_rt": case.series("system_5min", "rt_lmp_usd_per_mwh", dso),
        "delivered": case.series("system_5min", "delivered_mwh", dso),
    }


def energy_sold_mwh(case: Case) -> pd.Series:
    """Metered energy per DSO [MWh]: weighted simulated customers (streamed) plus the industrial lump."""
    customers = case.table("customers").set_index("customer")
    totals: dict[int, float] = {d: 0.0 for d in case.metadata.dso_ids}
    for ids, values in case.iter_arrays("customer_energy"):
        rows = customers.loc[ids]
        weighted = values.astype(np.float64).sum(axis=1) * rows["weight_customers"].to_numpy() / 1000.0
        for dso, total in pd.Series(weighted).groupby(rows["dso"].to_numpy()).sum().items():
            totals[int(dso)] += float(total)
    hours = (case.metadata.end - case.metadata.start) / pd.Timedelta(hours=1)
    for dso in case.metadata.dsos:
        totals[dso.id] += dso.industrial_load_mw * hours
    return pd.Series(totals, name="energy_sold_mwh")


def wholesale_lines_kusd(case: Case, dso: int, params: WholesaleParameters, peak_bau_mw: float | None = None) -> pd.Series:
    """A DSO's wholesale cost lines from a case (Eqs. 8-15) [$K/yr] under one parameter set.

    ``peak_bau_mw`` is the BAU case's peak for the capacity and transmission terms of a
    transactive case (default: this case's own peak).
    """
    s = dso_series(case, dso)
    peak = float(s["delivered"].max()) * 12.0
    bau_peak = peak if peak_bau_mw is None else peak_bau_mw
    energy = wholesale_energy_costs_kusd(s["lmp_da"], s["cleared"], s["lmp_rt"], s["delivered"], params)
    lines = {
        "bilateral": energy["bilateral_kusd"],
        "day_ahead": energy["day_ahead_kusd"],
        "real_time": energy["real_time_kusd"],
        "capacity": wholesale.capacity_cost_kusd(
            params.capacity_price_usd_per_kw_yr,
            peak,
            bau_peak,
            params.installed_reserve_margin_ratio,
            params.capacity_sensitivity_factor,
            params.capacity_sensitivity_placement,
        ),
        "transmission": wholesale.transmission_line_item_kusd(
            params.transmission_rate_usd_per_mwh,
            s["delivered"].to_numpy(),
            bau_peak - peak,
            params.transmission_capital_usd_per_kw,
            params.accf_transmission_frac,
            params.transmission_peak_credit,
        ),
        "iso_fee": wholesale.iso_fee_kusd(params.iso_fee_usd_per_mwh, s["delivered"].to_numpy()),
        "reserves": wholesale.reserve_cost_kusd(params.reserve_rate_usd_per_mwh, s["delivered"].to_numpy()),
    }
    return pd.Series(lines, name=f"DSO {dso}")


def _row(quantity: str, target: float, achieved: float, unit: str, role: str, source: str) -> dict[str, object]:
    gap = (achieved / target - 1.0) * 100.0 if target else float("nan")
    return {
        "quantity": quantity,
        "target": target,
        "achieved": achieved,
        "unit": unit,
        "gap_pct": gap,
        "role": role,
        "source": source,
    }


def calibration_report(bau: Case, battery: Case, parameter_set: str = "study") -> pd.DataFrame:
    """Targets of the demonstration case beside what the written cases achieve.

    ``role`` is ``calibrated`` (a knob was solved to meet it), ``emerges`` (not targeted:
    it follows from the model) or ``check``.  Every achieved value is recomputed from the
    case files with the package's own functions, not taken from the generator.
    """
    from dsot.cases.eight_node import Calendar, load_inputs, table15_mean_target, table15_prices
    from dsot.wholesale import load_wholesale_parameters

    inputs = load_inputs()
    params = load_wholesale_parameters(parameter_set)  # type: ignore[arg-type]
    s1 = dso_series(bau, 1)
    peak = float(s1["delivered"].max()) * 12.0
    sold = energy_sold_mwh(bau)
    system = bau.table("system_5min").groupby("timestamp")["delivered_mwh"].sum() * 12.0
    lines = wholesale_lines_kusd(bau, 1, params)
    energy_cost = lines[["bilateral", "day_ahead", "real_time"]].sum()
    trx_peak = float(battery.series("system_5min", "delivered_mwh", 1).max()) * 12.0
    blocks = block_prices_usd_per_mwh(s1["lmp_da"], s1["delivered"], params)
    facts = "study-implementation-facts.md (back-solved from Table 21)"
    rows = [
        _row(
            "DSO #1 BAU peak at the bulk supply point",
            inputs.value("target_peak_demand", "DSO #1"),
            peak,
            "MW",
            "calibrated",
            facts,
        ),
        _row(
            "DSO #1 energy purchased",
            inputs.value("target_energy_purchased", "DSO #1"),
            s1["delivered"].sum() / 1e6,
            "TWh",
            "calibrated",
            facts,
        ),
        _row("DSO #1 energy sold", inputs.value("target_energy_sold", "DSO #1"), sold[1] / 1e6, "TWh", "calibrated", facts),
        _row(
            "System coincident peak",
            inputs.value("target_system_peak", "system"),
            float(system.max()),
            "MW",
            "calibrated",
            "ERCOT 2016 record",
        ),
        _row(
            "DSO #1 mean day-ahead LMP",
            table15_mean_target(Calendar.of_year()),
            float(s1["lmp_da"].mean()),
            "USD/MWh",
            "calibrated",
            "Table 15, hour-weighted",
        ),
        _row(
            "DSO #1 real-time share of energy cost",
            inputs.value("target_real_time_share", "DSO #1") * 100,
            lines["real_time"] / energy_cost * 100,
            "pct",
            "calibrated",
            "Table 21",
        ),
        _row(
            "DSO #1 battery-case peak reduction",
            inputs.value("target_peak_reduction", "DSO #1") * 100,
            (1 - trx_peak / peak) * 100,
            "pct",
            "calibrated",
            "Section 3.4.2",
        ),
    ]
    rows += [
        _row(f"Bilateral price, {block}", price, float(blocks[block]), "USD/MWh", "emerges", "Table 15")
        for block, price in table15_prices().items()
    ]
    t21 = load_published("table_21_dso1_cfs").query("case == 'bau'").set_index("line")["documented"].astype(float)
    published_energy = t21[["bilateral_energy", "day_ahead_energy", "real_time_energy"]].sum()
    rows += [
        _row(
            f"DSO #1 {name.replace('_', '-')} share of energy cost",
            t21[f"{name}_energy"] / published_energy * 100,
            lines[name] / energy_cost * 100,
            "pct",
            "emerges",
            "Table 21",
        )
        for name in ("bilateral", "day_ahead")
    ]
    shares = pd.DataFrame({d: wholesale_lines_kusd(bau, d, params) for d in bau.metadata.dso_ids}).T
    total = shares.sum(axis=1)
    mean_share = {
        "energy": (shares[["bilateral", "day_ahead", "real_time"]].sum(axis=1) / total).mean(),
        "capacity": (shares["capacity"] / total).mean(),
        "transmission": (shares["transmission"] / total).mean(),
        "other": (shares[["iso_fee", "reserves"]].sum(axis=1) / total).mean(),
    }
    prose = load_published("section_3_4_scalars").set_index("quantity")["documented"].astype(float)
    rows += [
        _row(
            f"Eight-DSO mean {name} share of wholesale cost",
            prose[f"wholesale_{name}_share_pct"],
            share * 100,
            "pct",
            "emerges",
            "Section 3.4.1",
        )
        for name, share in mean_share.items()
    ]
    return pd.DataFrame(rows)


def peak_week(bau: Case, battery: Case, dso: int, days_before: int = 3, days_after: int = 4) -> pd.DataFrame:
    """Hourly delivered load [MW] of a DSO around its BAU peak, in both cases, and the battery response.

    Columns: ``timestamp`` (local hour), ``series`` and ``value_mw``.
    """
    base = bau.series("system_5min", "delivered_mwh", dso)
    trx = battery.series("system_5min", "delivered_mwh", dso)
    peak_day = base.idxmax().normalize()
    window = (base.index >= peak_day - pd.Timedelta(days=days_before)) & (base.index < peak_day + pd.Timedelta(days=days_after))
    hourly = pd.DataFrame({"BAU": base[window], "Transactive batteries": trx[window]}).resample("h").sum()
    hourly["Battery case minus BAU"] = hourly["Transactive batteries"] - hourly["BAU"]
    frame = hourly.rename_axis("timestamp").reset_index().melt(id_vars="timestamp", var_name="series", value_name="value_mw")
    frame["timestamp"] = frame["timestamp"].dt.tz_localize(None)  # local clock time for the chart
    return frame


def price_week(case: Case, dso: int, around: pd.Timestamp, days_before: int = 3, days_after: int = 4) -> pd.DataFrame:
    """Day-ahead and hourly-mean real-time LMPs [USD/MWh] of a DSO in the week around ``around``."""
    start = around.normalize() - pd.Timedelta(days=days_before)
    end = around.normalize() + pd.Timedelta(days=days_after)
    da = case.series("system_hourly", "da_lmp_usd_per_mwh", dso)
    rt = case.series("system_5min", "rt_lmp_usd_per_mwh", dso).resample("h").mean()
    frame = pd.DataFrame({"Day-ahead": da, "Real-time (hourly mean)": rt}).loc[start : end - pd.Timedelta(hours=1)]
    frame = (
        frame.rename_axis("timestamp").reset_index().melt(id_vars="timestamp", var_name="series", value_name="price_usd_per_mwh")
    )
    frame["timestamp"] = frame["timestamp"].dt.tz_localize(None)
    return frame


def price_duration(cases: dict[str, Case], dso: int, points: int = 200) -> pd.DataFrame:
    """Price duration curves of a DSO's day-ahead and real-time LMPs.

    Sampled at ``points`` quantiles spaced logarithmically from 0.1% to 100% of the
    intervals, so that the scarcity tail is visible.

    Columns: ``case``, ``market``, ``hours_exceeded_pct`` and ``price_usd_per_mwh``.
    """
    share = np.geomspace(0.1, 100.0, points)
    rows = []
    for label, case in cases.items():
        series = {
            "Day-ahead": case.series("system_hourly", "da_lmp_usd_per_mwh", dso),
            "Real-time": case.series("system_5min", "rt_lmp_usd_per_mwh", dso),
        }
        for market, prices in series.items():
            values = np.quantile(prices.to_numpy(), 1.0 - share / 100.0)
            rows.append(pd.DataFrame({"case": label, "market": market, "hours_exceeded_pct": share, "price_usd_per_mwh": values}))
    return pd.concat(rows, ignore_index=True)


def dso_frame(case: Case) -> pd.DataFrame:
    """The DSOs of a case (``case.yaml``) with their simulated customers and peak load."""
    customers = case.table("customers")
    deliveries = case.table("system_5min").groupby("dso")["delivered_mwh"]
    peaks, energies = deliveries.max(), deliveries.sum()
    rows = []
    for dso in case.metadata.dsos:
        rows.append(
            {
                "dso": dso.id,
                "name": dso.name,
                "type": dso.type,
                "ownership": dso.ownership,
                "customers": dso.total_customers,
                "residential_pct": 100 * dso.customers["residential"] / dso.total_customers,
                "weighting_factor": dso.weighting_factor,
                "simulated": int((customers["dso"] == dso.id).sum()),
                "industrial_mw": dso.industrial_load_mw,
                "peak_mw": float(peaks[dso.id]) * 12.0,
                "energy_twh": float(energies[dso.id]) / 1e6,
            }
        )
    return pd.DataFrame(rows)


def schema_frame() -> pd.DataFrame:
    """Every column of the case format: table, column, type, unit, range, allowed values, reference, description."""
    from dsot.cases.schema import case_tables

    rows = []
    for table in case_tables().values():
        for column in table.columns:
            bounds = "" if np.isinf(column.minimum) and np.isinf(column.maximum) else f"[{column.minimum:g}, {column.maximum:g}]"
            rows.append(
                {
                    "table": table.path,
                    "column": column.name,
                    "type": column.dtype,
                    "unit": column.unit,
                    "range": bounds.replace("inf", "∞"),
                    "references": column.references,
                    "description": column.description + (f" (one of: {', '.join(column.allowed)})" if column.allowed else ""),
                }
            )
    return pd.DataFrame(rows)
