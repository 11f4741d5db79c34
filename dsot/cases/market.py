"""A merit-order wholesale market for the demonstration case.

The generator fleet is built from the Table 25 technologies (plus combustion turbines
for peaking duty) in ``data/parameters/eight_node_fleet.csv``.  Each thermal unit has a
linear incremental cost between its cost at minimum and at full loading, so the fleet's
supply curve is piecewise linear and the economic dispatch that meets a load is found
exactly by inverting it: every unit runs where its incremental cost equals the system
energy price.  Wind and solar are offered at zero and curtailed only when they exceed
the load.  A scarcity adder (an operating-reserve demand curve) raises the price as the
headroom between available capacity and load shrinks, up to the offer cap.

The same dispatch clears the day-ahead market on hourly forecasts and the real-time
market on 5-minute actual loads, so prices and generator outputs are mutually consistent
and the generators' real-time output equals the DSOs' delivered energy in every interval
(Section 3.3.1.7: no transmission losses).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

FloatArray = npt.NDArray[np.float64]
THERMAL = ("nuclear", "coal", "natural_gas_combined_cycle", "natural_gas_combustion_turbine")
FUEL_OF = {"coal": "coal_price", "natural_gas_combined_cycle": "gas_price", "natural_gas_combustion_turbine": "gas_price"}


@dataclass(frozen=True)
class Fleet:
    """Generating units: a frame with one row per unit (``generators.parquet`` columns) and cost curves."""

    units: pd.DataFrame
    cost_low: FloatArray
    """Incremental cost at zero output, thermal units. [USD/MWh]"""
    cost_high: FloatArray
    """Incremental cost at full output, thermal units. [USD/MWh]"""

    @property
    def thermal(self) -> npt.NDArray[np.bool_]:
        """Mask of thermal units (in ``units`` order)."""
        return np.asarray(self.units["technology"].isin(THERMAL).to_numpy(), dtype=bool)

    @property
    def thermal_capacity_mw(self) -> FloatArray:
        """Capacities of the thermal units [MW]."""
        return np.asarray(self.units.loc[self.thermal, "capacity_mw"].to_numpy(), dtype=np.float64)


def build_fleet(
    blocks: pd.DataFrame, fuel_prices: dict[str, float], wind_mw_by_dso: dict[int, float], dso_ids: list[int], spread_frac: float
) -> Fleet:
    """The fleet: technology blocks of equal units, heat rates spread evenly from best to worst.

    ``blocks`` has one row per technology with units, unit_capacity_mw, heat_rate_min/max
    (thermal fossil units), variable_om_usd_per_mwh and start_cost_usd_per_mw; units are
    assigned to DSO nodes in turn. ``fuel_prices`` maps gas_price, coal_price [USD/MMBtu]
    and nuclear_fuel_cost [USD/MWh]. Each thermal unit's incremental cost runs from
    (1 - ``spread_frac``) to (1 + ``spread_frac``) x its average cost over its loading range.
    """
    rows: list[dict[str, object]] = []
    low: list[float] = []
    high: list[float] = []
    for tech, block in blocks.iterrows():
        count = int(block["units"])
        for i in range(count):
            share = i / max(count - 1, 1)
            if tech == "nuclear":
                average = fuel_prices["nuclear_fuel_cost"] + block["variable_om"]
            elif tech in FUEL_OF:
                rate = block["heat_rate_min"] + share * (block["heat_rate_max"] - block["heat_rate_min"])
                average = rate * fuel_prices[FUEL_OF[tech]] + block["variable_om"]
            else:
                average = 0.0
            if tech in THERMAL:
                low.append(average * (1 - spread_frac))
                high.append(average * (1 + spread_frac))
            rows.append(
                {
                    "name": f"{tech.replace('_', ' ')} {i + 1}",
                    "dso": dso_ids[(len(rows)) % len(dso_ids)],
                    "technology": tech,
                    "capacity_mw": float(block["unit_capacity"]),
                    "variable_cost_usd_per_mwh": float(average),
                    "cost_per_start_usd": float(block["start_cost"] * block["unit_capacity"]),
                }
            )
    for dso in dso_ids:
        rows.append(
            {
                "name": f"wind farm DSO {dso}",
                "dso": dso,
                "technology": "wind",
                "capacity_mw": float(wind_mw_by_dso[dso]),
                "variable_cost_usd_per_mwh": 0.0,
                "cost_per_start_usd": 0.0,
            }
        )
    units = pd.DataFrame(rows)
    units.insert(0, "generator", np.arange(1, len(units) + 1))
    return Fleet(units, np.asarray(low), np.asarray(high))


@dataclass(frozen=True)
class Dispatch:
    """The result of clearing one market over a series of intervals."""

    price_usd_per_mwh: FloatArray
    """System energy price including the scarcity adder."""
    output_mw: FloatArray
    """Unit outputs, intervals x units (``Fleet.units`` order)."""
    scarcity_adder_usd_per_mwh: FloatArray
    unserved_mw: FloatArray
    """Load the fleet could not serve (priced at the cap); zero in a consistent real-time market."""


def _supply_curve(fleet: Fleet) -> tuple[FloatArray, FloatArray]:
    """Breakpoints of the thermal supply curve: (price, cumulative MW), piecewise linear between them."""
    prices = np.unique(np.concatenate([fleet.cost_low, fleet.cost_high]))
    supply = thermal_output(fleet, prices).sum(axis=1)
    return prices, supply


def thermal_output(fleet: Fleet, price: FloatArray) -> FloatArray:
    """Output of each thermal unit at each energy price [MW], intervals x thermal units."""
    loading = (price[:, None] - fleet.cost_low[None, :]) / (fleet.cost_high - fleet.cost_low)[None, :]
    return np.clip(loading, 0.0, 1.0) * fleet.thermal_capacity_mw[None, :]


def clear(
    fleet: Fleet,
    load_mw: FloatArray,
    renewable_available_mw: FloatArray,
    cap_usd_per_mwh: float,
    reserve_scale_mw: float,
    minimum_reserve_mw: float,
) -> Dispatch:
    """Economic dispatch of ``load_mw`` (intervals) with renewables available per unit (intervals x renewables).

    Load beyond everything the fleet can produce is reported as unserved and priced at the cap.
    """
    prices, supply = _supply_curve(fleet)
    renewable_total = renewable_available_mw.sum(axis=1)
    thermal_need = load_mw - renewable_total
    unserved = np.clip(thermal_need - supply[-1], 0.0, None)
    energy_price = np.interp(np.clip(thermal_need, 0.0, supply[-1]), supply, prices)
    curtail = thermal_need < 0
    energy_price = np.where(curtail, -1.0, energy_price)
    thermal = thermal_output(fleet, energy_price)
    thermal[curtail] = 0.0
    used = np.where(curtail, load_mw / np.where(renewable_total > 0, renewable_total, 1.0), 1.0)
    renewables = renewable_available_mw * used[:, None]
    headroom = supply[-1] + renewable_total - load_mw
    adder = np.minimum(cap_usd_per_mwh * np.exp(-(headroom - minimum_reserve_mw) / reserve_scale_mw), cap_usd_per_mwh)
    output = np.zeros((len(load_mw), len(fleet.units)))
    output[:, fleet.thermal] = thermal
    output[:, ~fleet.thermal] = renewables
    price = np.where(unserved > 0, cap_usd_per_mwh, np.minimum(energy_price + adder, cap_usd_per_mwh))
    return Dispatch(price, output, adder, unserved)


def daily_starts(committed: npt.NDArray[np.bool_], day_of_hour: npt.NDArray[np.int64], days: int) -> npt.NDArray[np.int64]:
    """Starts per unit and day from an hourly commitment (hours x units): off-to-on transitions."""
    previous = np.vstack([committed[:1], committed[:-1]])
    starts = (committed & ~previous).astype(np.int64)
    out = np.zeros((days, committed.shape[1]), dtype=np.int64)
    np.add.at(out, day_of_hour, starts)
    return out
