"""The demonstration eight-node case: a synthetic, calibrated stand-in for the study's simulation.

The study's simulation outputs are not published.  This generator builds a year (2016,
8,784 hours, 105,408 five-minute intervals) for the eight DSOs of the study's eight-node
case (types, ownership, customers, class mixes, weighting factors, average loads and
rooftop PV from the facts file), in two cases that share their customers and weather:

* **BAU**: every customer on a fixed-price rate, no flexible assets responding;
* **transactive batteries**: 90% of customers on transactive rates, batteries at some
  of them responding to retail prices (:mod:`dsot.cases.batteries`), a retail market
  with substation congestion prices and customers' day-ahead purchases.

Calibration (every target is in ``data/parameters/eight_node.csv`` with its source):

1. DSO #1's weather sensitivity and load scale so that its BAU energy sold and 5-minute
   peak at the bulk supply point equal the values back-solved from Table 21, and the
   distribution losses so that energy purchased does too;
2. the other DSOs' common weather sensitivity so that the system's coincident peak is
   ERCOT's 2016 record (their energies follow their average loads);
3. the gas price so that DSO #1's mean day-ahead LMP equals Table 15's hour-weighted mean;
4. the DSOs' day-ahead over-purchase so that DSO #1's real-time share of wholesale energy
   cost is Table 21's;
5. the battery size so that DSO #1's peak falls by the report's 7.5%.

Everything is deterministic: every random stream is keyed by the seed, so the same seed
and size give byte-identical files.  All outputs are labelled synthetic.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from dsot.cases import batteries, loads, market, weather
from dsot.cases.metadata import CaseKind, CaseMetadata, DSOInfo, RetailMarket
from dsot.cases.writer import Chunk, write_case
from dsot.params import load_parameters, load_published, parameter_text, parameter_value
from dsot.vocab import CONTRACT_BLOCKS

FloatArray = npt.NDArray[np.float64]
GENERATOR_VERSION = "2"
"""Bumped whenever the generator's output changes for the same inputs (invalidates caches)."""
YEAR = 2016
TIMEZONE = "US/Central"
STEPS_PER_HOUR = 12
DT_HOURS = 1.0 / STEPS_PER_HOUR
CHUNK_CUSTOMERS = 64
KIND_LABELS: dict[CaseKind, str] = {"bau": "BAU", "transactive-batteries": "transactive batteries"}
CASE_NAMES: dict[CaseKind, str] = {"bau": "eight-node-mr-bau", "transactive-batteries": "eight-node-mr-batteries"}


# --- inputs ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Inputs:
    """Everything the generator reads from ``data/parameters/eight_node*.csv``."""

    general: pd.DataFrame
    dsos: pd.DataFrame
    fleet: pd.DataFrame

    def value(self, parameter: str, item: str = "all") -> float:
        """A numeric assumption or target (loaded units: percent as a fraction)."""
        return parameter_value(self.general, parameter, item=item)

    def dso_value(self, parameter: str, dso: int) -> float:
        """A numeric per-DSO parameter."""
        return parameter_value(self.dsos, parameter, dso=f"DSO #{dso}")

    def dso_text(self, parameter: str, dso: int) -> str:
        """A text per-DSO parameter."""
        return parameter_text(self.dsos, parameter, dso=f"DSO #{dso}")

    @property
    def dso_ids(self) -> list[int]:
        """DSO ids, ascending."""
        return sorted(int(d.removeprefix("DSO #")) for d in self.dsos["dso"].unique())


def load_inputs(data: Path | None = None) -> Inputs:
    """Load the generator's parameter files."""
    fleet = load_parameters("eight_node_fleet", data=data).pivot(index="technology", columns="parameter", values="value")
    return Inputs(load_parameters("eight_node", data=data), load_parameters("eight_node_dsos", data=data), fleet)


# --- time ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Calendar:
    """The case year's grids in local time."""

    fives: pd.DatetimeIndex
    hours: pd.DatetimeIndex
    days: pd.DatetimeIndex

    @classmethod
    def of_year(cls, year: int = YEAR, tz: str = TIMEZONE) -> Calendar:
        """The 5-minute, hourly and daily grids of ``year``."""
        start = pd.Timestamp(f"{year}-01-01", tz=tz)
        end = pd.Timestamp(f"{year + 1}-01-01", tz=tz)
        fives = pd.date_range(start, end, freq="5min", inclusive="left")
        hours = pd.date_range(start, end, freq="h", inclusive="left")
        days = pd.date_range(f"{year}-01-01", f"{year}-12-31", freq="D").tz_localize(tz)
        return cls(fives, hours, days)

    @property
    def hour_of_day(self) -> FloatArray:
        """Local clock hour (with minutes) of each 5-minute interval."""
        return np.asarray(self.fives.hour + self.fives.minute / 60.0, dtype=np.float64)

    @property
    def weekend(self) -> npt.NDArray[np.bool_]:
        """Saturday or Sunday, per 5-minute interval."""
        return np.asarray(self.fives.day_of_week >= 5, dtype=bool)

    def hourly(self, five_minute: FloatArray) -> FloatArray:
        """Hourly means of a 5-minute series (or of each row of a 2-D array's last axis)."""
        return np.asarray(five_minute.reshape(*five_minute.shape[:-1], -1, STEPS_PER_HOUR).mean(axis=-1), dtype=np.float64)


def _rng(seed: int, *key: int) -> np.random.Generator:
    return np.random.default_rng([seed, *key])


def _secant(f: Callable[[float], float], x0: float, x1: float, tolerance: float = 1e-10, iterations: int = 30) -> float:
    """Root of a smooth, nearly linear function by the secant method, from two starting points."""
    f0, f1 = f(x0), f(x1)
    for _ in range(iterations):
        if f1 == f0:
            break
        x0, x1, f0 = x1, x1 - f1 * (x1 - x0) / (f1 - f0), f1
        f1 = f(x1)
        if abs(f1) < tolerance:
            return x1
    if abs(f1) > 1e-6:
        raise ValueError(f"calibration did not converge: residual {f1:g} at {x1:g}")
    return x1


def _bisect(f: Callable[[float], float], lo: float, hi: float, iterations: int = 60) -> float:
    """Root of an increasing function on [lo, hi] (the bracket must hold it)."""
    f_lo, f_hi = f(lo), f(hi)
    if not f_lo <= 0 <= f_hi:
        raise ValueError(f"calibration target out of reach: f({lo:g}) = {f_lo:g}, f({hi:g}) = {f_hi:g}")
    for _ in range(iterations):
        mid = 0.5 * (lo + hi)
        if f(mid) > 0:
            hi = mid
        else:
            lo = mid
    return 0.5 * (lo + hi)


# --- customers and weather -------------------------------------------------------------------


@dataclass
class Node:
    """One DSO: its customers, weather and (after calibration) its load in both cases."""

    dso: int
    customers: pd.DataFrame
    temperature_c: FloatArray
    pv_per_kw: FloatArray
    wind_cf: FloatArray
    industrial_mw: float
    base_mw: FloatArray = field(default_factory=lambda: np.zeros(0))
    weather_mw: FloatArray = field(default_factory=lambda: np.zeros(0))
    pv_mw: FloatArray = field(default_factory=lambda: np.zeros(0))
    scale: float = 1.0
    weather_factor: float = 1.0
    battery_mw: FloatArray = field(default_factory=lambda: np.zeros(0))
    noise_alpha: FloatArray = field(default_factory=lambda: np.zeros(0))
    noise_beta: FloatArray = field(default_factory=lambda: np.zeros(0))

    def metered_mw(self, weather_factor: float | None = None, scale: float | None = None) -> FloatArray:
        """Customers' net load plus the industrial lump [MW] (BAU, no batteries)."""
        k = self.weather_factor if weather_factor is None else weather_factor
        s = self.scale if scale is None else scale
        return s * (self.base_mw + k * self.weather_mw) - self.pv_mw + self.industrial_mw

    def scale_for_energy(self, energy_mwh: float, weather_factor: float) -> float:
        """The load scale that makes the year's metered energy equal ``energy_mwh``."""
        fixed = (self.industrial_mw - self.pv_mw).sum() * DT_HOURS
        return float((energy_mwh - fixed) / ((self.base_mw + weather_factor * self.weather_mw).sum() * DT_HOURS))


def _load_parameters(inputs: Inputs) -> loads.LoadParameters:
    v = inputs.value
    return loads.LoadParameters(
        base_kw=v("base_load", "residential"),
        base_kw_per_ksqft=v("base_load_density", "commercial"),
        unoccupied_frac=v("unoccupied_fraction", "commercial"),
        cooling_kw_per_c=v("cooling_slope", "residential"),
        cooling_kw_per_ksqft_c=v("cooling_slope_density", "commercial"),
        heating_kw_per_c=v("heating_slope", "residential"),
        heating_kw_per_ksqft_c=v("heating_slope_density", "commercial"),
        cooling_balance_c=v("cooling_balance_temperature"),
        heating_balance_c=v("heating_balance_temperature"),
        noise_frac=v("customer_noise"),
        ev_charging_kw=v("ev_charging_load", "residential"),
    )


def _class_counts(inputs: Inputs, dso: int) -> dict[str, int]:
    total = inputs.dso_value("customers", dso)
    return {c: round(total * inputs.dso_value(f"{c}_share", dso)) for c in ("residential", "commercial", "industrial")}


def _exact_share(
    rng: np.random.Generator, eligible: npt.NDArray[np.bool_], share: float, minimum: int = 1
) -> npt.NDArray[np.bool_]:
    """Pick round(share x eligible) of the eligible customers at random (at least ``minimum`` when share > 0)."""
    candidates = np.flatnonzero(eligible)
    count = min(len(candidates), max(round(share * len(candidates)), minimum if share > 0 else 0))
    chosen = np.zeros(len(eligible), dtype=bool)
    chosen[rng.choice(candidates, size=count, replace=False)] = True
    return chosen


def _customers(inputs: Inputs, dso: int, n: int, seed: int) -> pd.DataFrame:
    """The simulated customers of one DSO with weights, owners and assets (both cases)."""
    rng = _rng(seed, 10, dso)
    counts = _class_counts(inputs, dso)
    share = counts["residential"] / (counts["residential"] + counts["commercial"])
    medians = {"residential": inputs.value("floor_area", "residential"), "commercial": inputs.value("floor_area", "commercial")}
    frame = loads.population(dso, n, share, rng, medians)
    residential = (frame["customer_class"] == "residential").to_numpy()
    n_res = int(residential.sum())
    frame["weight_customers"] = np.where(residential, counts["residential"] / n_res, counts["commercial"] / (n - n_res))
    frame["substation"] = f"{dso}-1"
    owner = rng.random(n)
    frame["owner_type"] = np.where(
        residential,
        np.where(owner < inputs.value("homeowner_share", "residential"), "Homeowner", "Home renter"),
        np.where(owner < inputs.value("business_share", "commercial"), "Business", "Public/nonprofit"),
    )
    frame["construction"] = np.where(rng.random(n) < inputs.value("new_construction_share"), "new", "retrofit")
    ev = inputs.value("ev_charger_power", "residential")
    frame["ev_charger_kw"] = np.where(residential & (rng.random(n) < inputs.value("ev_owner_share", "residential")), ev, 0.0)
    pv_owner = rng.random(n) < inputs.value("pv_owner_share")
    pv_owner[np.argmax(frame["floor_area_sqft"].to_numpy())] = True  # at least one owner carries the DSO's PV
    raw = np.where(pv_owner, frame["floor_area_sqft"].to_numpy() / 1000.0, 0.0)
    pv_kw = raw * inputs.dso_value("rooftop_pv", dso) * 1000.0 / float((raw * frame["weight_customers"]).sum())
    frame["pv_kw"] = np.round(pv_kw, 3)
    transactive = _exact_share(rng, np.ones(n, dtype=bool), inputs.value("transactive_rate_share"))
    owners = inputs.value("battery_owner_share")
    battery = _exact_share(rng, transactive & residential, owners) | _exact_share(
        rng, transactive & ~residential, owners, minimum=0
    )
    frame["rate_plan_trx"] = np.where(transactive, "transactive", "fixed")
    frame["battery_base_kw"] = np.where(
        battery,
        np.where(
            residential,
            inputs.value("battery_power", "residential"),
            inputs.value("battery_power_density", "commercial") * frame["floor_area_sqft"] / 1000.0,
        ),
        0.0,
    )
    frame["heating_multiplier"] = inputs.dso_value("heating_multiplier", dso)
    return frame


def _weather(inputs: Inputs, calendar: Calendar, dso: int, seed: int, system_wind: FloatArray) -> dict[str, FloatArray]:
    events = [
        (
            pd.Timestamp(parameter_text(inputs.general, "heat_wave_day", item="system"), tz=TIMEZONE) + pd.Timedelta(hours=17),
            inputs.value("heat_wave_amplitude", "system"),
            inputs.value("heat_wave_days", "system"),
        ),
        (
            pd.Timestamp(parameter_text(inputs.general, "cold_snap_day", item="system"), tz=TIMEZONE) + pd.Timedelta(hours=7),
            inputs.value("cold_snap_amplitude", "system"),
            inputs.value("cold_snap_days", "system"),
        ),
    ]
    temperature = weather.temperature_c(
        calendar.hours,
        _rng(seed, 20, dso),
        inputs.dso_value("mean_temperature", dso),
        inputs.dso_value("seasonal_temperature_amplitude", dso),
        inputs.dso_value("diurnal_temperature_amplitude", dso),
        inputs.value("weather_noise", "system"),
        inputs.value("weather_persistence", "system"),
        events,
    )
    pv = weather.pv_output_per_kw(
        calendar.fives, _rng(seed, 21, dso), inputs.value("latitude", "system"), inputs.value("pv_derate")
    )
    local = weather.ar1(_rng(seed, 22, dso), len(calendar.hours), 0.9, inputs.value("local_wind_noise", "system"))
    return {
        "temperature": weather.to_five_minutes(temperature),
        "pv": pv,
        "wind": np.clip(system_wind + local, 0.0, 0.95),
    }


def _iter_components(
    node: Node, calendar: Calendar, params: loads.LoadParameters, seed: int
) -> Iterator[tuple[int, FloatArray, FloatArray, FloatArray]]:
    hour, weekend = calendar.hour_of_day, calendar.weekend
    for position, (_, customer) in enumerate(node.customers.iterrows()):
        base, heat, noise = loads.customer_components(customer, node.temperature_c, hour, weekend, params, seed)
        yield position, base, heat, noise


def _aggregate(node: Node, calendar: Calendar, params: loads.LoadParameters, seed: int) -> None:
    """Pass 1: the DSO's weighted base, weather and PV loads [MW] before calibration."""
    weights = node.customers["weight_customers"].to_numpy() / 1000.0
    base = np.zeros(len(calendar.fives))
    heat = np.zeros(len(calendar.fives))
    sums = loads.NoiseSums.zeros(len(calendar.fives))
    for position, b, w, eta in _iter_components(node, calendar, params, seed):
        base += weights[position] * b
        heat += weights[position] * w
        sums.add(float(weights[position]), b, w, eta)
    node.base_mw, node.weather_mw = base, heat
    node.noise_alpha, node.noise_beta = sums.coefficients()
    node.pv_mw = float((node.customers["pv_kw"] * node.customers["weight_customers"]).sum()) / 1000.0 * node.pv_per_kw


# --- calibration of loads --------------------------------------------------------------------


@dataclass
class Calibration:
    """The calibrated knobs, recorded in each case's ``case.yaml`` (``generator:`` block)."""

    loss_frac: float = 0.0
    weather_factor_dso1: float = 1.0
    weather_factor_others: float = 1.0
    gas_price_usd_per_mmbtu: float = 0.0
    day_ahead_bias_frac: float = 0.0
    battery_sizing: float = 1.0
    losses: dict[int, tuple[float, float]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, float]:
        """Scalars for ``case.yaml``."""
        return {
            "distribution_loss_frac": round(self.loss_frac, 8),
            "weather_factor_dso1": round(self.weather_factor_dso1, 8),
            "weather_factor_other_dsos": round(self.weather_factor_others, 8),
            "gas_price_usd_per_mmbtu": round(self.gas_price_usd_per_mmbtu, 6),
            "day_ahead_bias_frac": round(self.day_ahead_bias_frac, 8),
            "battery_sizing_factor": round(self.battery_sizing, 8),
        }


def delivered_mw(metered: FloatArray, losses: tuple[float, float]) -> FloatArray:
    """Power at the bulk supply point: metered load plus distribution losses ``c0 + c2 load^2`` [MW]."""
    c0, c2 = losses
    return np.asarray(metered + c0 + c2 * np.square(metered), dtype=np.float64)


def _energy_target_mwh(inputs: Inputs, dso: int, hours: int) -> float:
    if dso == 1:
        return inputs.value("target_energy_sold", "DSO #1") * 1e6
    return inputs.dso_value("average_load", dso) * hours


def _set_load(node: Node, weather_factor: float, energy_mwh: float) -> FloatArray:
    """Set a node's weather factor and the scale that meets its energy; return its metered load [MW]."""
    node.weather_factor = weather_factor
    node.scale = node.scale_for_energy(energy_mwh, weather_factor)
    return node.metered_mw()


def calibrate_loads(nodes: dict[int, Node], inputs: Inputs, calibration: Calibration, hours: int) -> None:
    """Steps 1-2: DSO #1's energy and peak, then the system peak with the other DSOs' common factor."""
    sold = inputs.value("target_energy_sold", "DSO #1")
    calibration.loss_frac = inputs.value("target_energy_purchased", "DSO #1") / sold - 1.0
    core = inputs.value("core_loss_share")

    def peak_of(node: Node, k: float) -> FloatArray:
        metered = _set_load(node, k, _energy_target_mwh(inputs, node.dso, hours))
        calibration.losses[node.dso] = loads.loss_coefficients(metered, calibration.loss_frac, core)
        return delivered_mw(metered, calibration.losses[node.dso])

    target = inputs.value("target_peak_demand", "DSO #1")
    calibration.weather_factor_dso1 = _bisect(lambda k: float(peak_of(nodes[1], k).max()) - target, 0.0, 40.0)
    first = peak_of(nodes[1], calibration.weather_factor_dso1)
    system_target = inputs.value("target_system_peak", "system")

    def system_peak(k: float) -> float:
        total = first.copy()
        for dso, node in nodes.items():
            if dso != 1:
                total += peak_of(node, k)
        return float(total.max()) - system_target

    calibration.weather_factor_others = _bisect(system_peak, 0.0, 40.0)
    system_peak(calibration.weather_factor_others)


# --- the wholesale market --------------------------------------------------------------------


@dataclass
class MarketResult:
    """Both markets of one case."""

    cleared_mwh: dict[int, FloatArray]
    day_ahead: market.Dispatch
    real_time: market.Dispatch
    node_factor: dict[int, float]

    def lmp_da(self, dso: int) -> FloatArray:
        """Day-ahead LMP at a DSO's node [USD/MWh]."""
        return self.day_ahead.price_usd_per_mwh * self.node_factor[dso]

    def lmp_rt(self, dso: int) -> FloatArray:
        """Real-time LMP at a DSO's node [USD/MWh]."""
        return self.real_time.price_usd_per_mwh * self.node_factor[dso]


def system_fleet(inputs: Inputs, gas_price: float) -> market.Fleet:
    """The generator fleet at a gas price [USD/MMBtu]."""
    fuels = {
        "gas_price": gas_price,
        "coal_price": inputs.value("coal_price", "system"),
        "nuclear_fuel_cost": inputs.value("nuclear_fuel_cost", "system"),
    }
    wind = {d: inputs.dso_value("wind_capacity", d) for d in inputs.dso_ids}
    spread = inputs.value("incremental_cost_spread", "system")
    return market.build_fleet(inputs.fleet, fuels, wind, inputs.dso_ids, spread)


def _renewables(fleet: market.Fleet, nodes: dict[int, Node]) -> FloatArray:
    """Available renewable output per 5-minute interval and renewable unit [MW]."""
    units = fleet.units.loc[~fleet.thermal]
    columns = []
    for _, unit in units.iterrows():
        node = nodes[int(unit["dso"])]
        if unit["technology"] == "wind":
            shape = weather.to_five_minutes(node.wind_cf)
        else:
            shape = node.pv_per_kw
        columns.append(unit["capacity_mw"] * shape)
    return np.column_stack(columns)


def _scarcity(inputs: Inputs) -> dict[str, float]:
    return {
        "cap_usd_per_mwh": inputs.value("scarcity_price_cap", "system"),
        "reserve_scale_mw": inputs.value("scarcity_reserve_scale", "system"),
        "minimum_reserve_mw": inputs.value("minimum_reserve", "system"),
    }


def _total(series: dict[int, FloatArray]) -> FloatArray:
    """Sum of the DSOs' series."""
    return np.asarray(np.sum(np.vstack(list(series.values())), axis=0), dtype=np.float64)


def _forecasts(inputs: Inputs, calendar: Calendar, delivered: dict[int, FloatArray], seed: int) -> dict[int, FloatArray]:
    """Each DSO's hourly day-ahead load forecast [MW]: the actual hourly mean with a persistent error."""
    sigma = inputs.value("day_ahead_forecast_error", "system")
    return {
        dso: calendar.hourly(series) * (1.0 + weather.ar1(_rng(seed, 30, dso), len(calendar.hours), 0.9, sigma))
        for dso, series in delivered.items()
    }


def clear_day_ahead(
    inputs: Inputs, calendar: Calendar, forecasts: dict[int, FloatArray], renewables: FloatArray, gas_price: float, seed: int
) -> market.Dispatch:
    """The day-ahead market on the hourly load and renewable forecasts."""
    error = weather.ar1(_rng(seed, 31), len(calendar.hours), 0.9, inputs.value("renewable_forecast_error", "system"))
    renew_hourly = calendar.hourly(renewables.T).T * (1.0 + error)[:, None]
    return market.clear(system_fleet(inputs, gas_price), _total(forecasts), np.clip(renew_hourly, 0.0, None), **_scarcity(inputs))


def clear_markets(
    inputs: Inputs,
    calendar: Calendar,
    delivered: dict[int, FloatArray],
    renewables: FloatArray,
    gas_price: float,
    bias: float,
    seed: int,
) -> MarketResult:
    """Day-ahead on hourly forecasts, real-time on 5-minute actuals.

    Each DSO's cleared quantity is its forecast x (1 + bias): the over-purchase is settled
    financially, like a virtual demand bid, and does not change the day-ahead commitment.
    """
    forecasts = _forecasts(inputs, calendar, delivered, seed)
    day_ahead = clear_day_ahead(inputs, calendar, forecasts, renewables, gas_price, seed)
    real_time = market.clear(system_fleet(inputs, gas_price), _total(delivered), renewables, **_scarcity(inputs))
    if real_time.unserved_mw.any():
        i = int(np.flatnonzero(real_time.unserved_mw)[0])
        raise ValueError(
            f"the fleet cannot serve the real-time load at {calendar.fives[i]}: add capacity in eight_node_fleet.csv"
        )
    cleared = {dso: forecast * (1.0 + bias) for dso, forecast in forecasts.items()}
    factors = {d: inputs.dso_value("node_price_factor", d) for d in delivered}
    return MarketResult(cleared, day_ahead, real_time, factors)


def _series(values: FloatArray, index: pd.DatetimeIndex) -> pd.Series:
    return pd.Series(values, index=index)


def _dso1_costs(result: MarketResult, delivered_mw_1: FloatArray, calendar: Calendar) -> dict[str, float]:
    from dsot.cases.summary import wholesale_energy_costs_kusd
    from dsot.wholesale import load_wholesale_parameters

    return wholesale_energy_costs_kusd(
        _series(result.lmp_da(1), calendar.hours),
        _series(result.cleared_mwh[1], calendar.hours),
        _series(result.lmp_rt(1), calendar.fives),
        _series(delivered_mw_1 * DT_HOURS, calendar.fives),
        load_wholesale_parameters("study"),
    )


def table15_prices() -> dict[str, float]:
    """Table 15 (DSO #1 MR-BAU): bilateral block prices as printed [USD/MWh]."""
    frame = load_published("table_15_bilateral_prices")
    return {str(r.contract_block): float(r.documented) for r in frame.itertuples()}


def table15_mean_target(calendar: Calendar) -> float:
    """Table 15's block prices weighted by the hours of each block in the case year [USD/MWh]."""
    from dsot.wholesale import contract_blocks, load_wholesale_parameters, time_blocks

    params = load_wholesale_parameters("study")
    contract = contract_blocks(time_blocks(calendar.hours, params.block_hours), params.contract_of)
    hours = contract.value_counts()
    prices = table15_prices()
    return float(sum(prices[b] * hours.get(b, 0) for b in CONTRACT_BLOCKS) / hours.sum())


def calibrate_market(
    inputs: Inputs,
    calendar: Calendar,
    delivered: dict[int, FloatArray],
    renewables: FloatArray,
    calibration: Calibration,
    seed: int,
) -> MarketResult:
    """Steps 3-4: gas price for Table 15's mean price, day-ahead bias for Table 21's real-time share."""
    price_target = table15_mean_target(calendar)
    share_target = inputs.value("target_real_time_share", "DSO #1")
    forecasts = _forecasts(inputs, calendar, delivered, seed)
    factor = inputs.dso_value("node_price_factor", 1)

    def mean_price(gas: float) -> float:
        dispatch = clear_day_ahead(inputs, calendar, forecasts, renewables, gas, seed)
        return float(dispatch.price_usd_per_mwh.mean()) * factor - price_target

    gas = _secant(mean_price, inputs.value("gas_price", "system"), 1.1 * inputs.value("gas_price", "system"))

    def share(bias: float) -> float:
        result = clear_markets(inputs, calendar, delivered, renewables, gas, bias, seed)
        costs = _dso1_costs(result, delivered[1], calendar)
        total = costs["bilateral_kusd"] + costs["day_ahead_kusd"] + costs["real_time_kusd"]
        return costs["real_time_kusd"] / total - share_target

    bias = _secant(share, inputs.value("day_ahead_bias"), 0.5 * inputs.value("day_ahead_bias"))
    calibration.gas_price_usd_per_mmbtu, calibration.day_ahead_bias_frac = gas, bias
    return clear_markets(inputs, calendar, delivered, renewables, gas, bias, seed)


# --- the transactive battery case ------------------------------------------------------------


def _fleet_ratings(node: Node, sizing: float, duration_h: float) -> tuple[float, float]:
    """The DSO's battery fleet power [MW] and energy [MWh] at a sizing factor."""
    power = float((node.customers["battery_base_kw"] * node.customers["weight_customers"]).sum()) * sizing / 1000.0
    return power, power * duration_h


def battery_schedules(nodes: dict[int, Node], inputs: Inputs, sizing: float) -> dict[int, FloatArray]:
    """Each DSO's battery fleet power [MW] (positive charging) at a sizing factor."""
    duration = inputs.value("battery_duration")
    efficiency = inputs.value("battery_efficiency")
    out = {}
    for dso, node in nodes.items():
        power, energy = _fleet_ratings(node, sizing, duration)
        out[dso] = batteries.fleet_schedule(
            node.metered_mw(), power, energy, efficiency, 24 * STEPS_PER_HOUR, 22 * STEPS_PER_HOUR
        )
    return out


def calibrate_batteries(nodes: dict[int, Node], inputs: Inputs, calibration: Calibration) -> None:
    """Step 5: the battery sizing factor that cuts DSO #1's peak by the report's 7.5%."""
    node = nodes[1]
    bau_peak = float(delivered_mw(node.metered_mw(), calibration.losses[1]).max())
    target = inputs.value("target_peak_reduction", "DSO #1")
    duration = inputs.value("battery_duration")
    efficiency = inputs.value("battery_efficiency")

    def reduction(sizing: float) -> float:
        power, energy = _fleet_ratings(node, sizing, duration)
        schedule = batteries.fleet_schedule(
            node.metered_mw(), power, energy, efficiency, 24 * STEPS_PER_HOUR, 22 * STEPS_PER_HOUR
        )
        peak = float(delivered_mw(node.metered_mw() + schedule, calibration.losses[1]).max())
        return (1.0 - peak / bau_peak) - target

    # too large a fleet makes new peaks when it recharges: bracket the first crossing from below
    high = 0.01
    while reduction(high) < 0:
        high *= 1.5
        if high > 10:
            raise ValueError("no battery size reaches the target peak reduction")
    calibration.battery_sizing = _bisect(reduction, 0.0, high, iterations=30)
    for dso, schedule in battery_schedules(nodes, inputs, calibration.battery_sizing).items():
        nodes[dso].battery_mw = schedule


def retail_prices(
    inputs: Inputs, calendar: Calendar, result: MarketResult, delivered: dict[int, FloatArray]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Retail day-ahead and real-time clearing prices per substation [USD/kWh], congestion included.

    Uncongested price: A x LMP / 1000 + P_dist (the simulation's proxy); the congestion
    price grows with the substation's load beyond its rating (a quantile of its load).
    """
    a = inputs.value("retail_multiplier")
    p_dist = inputs.value("distribution_price_proxy")
    quantile = inputs.value("congestion_rating_quantile")
    slope = inputs.value("congestion_price_slope")
    hourly_rows, five_rows = [], []
    for dso, load in delivered.items():
        rating = float(np.quantile(load, quantile))
        congestion_rt = slope * np.clip(load / rating - 1.0, 0.0, None)
        congestion_da = slope * np.clip(calendar.hourly(load) / rating - 1.0, 0.0, None)
        sub = f"{dso}-1"
        hourly_rows.append(
            pd.DataFrame(
                {
                    "timestamp": calendar.hours,
                    "substation": sub,
                    "da_price_usd_per_kwh": a * result.lmp_da(dso) / 1000 + p_dist + congestion_da,
                }
            )
        )
        five_rows.append(
            pd.DataFrame(
                {
                    "timestamp": calendar.fives,
                    "substation": sub,
                    "rt_price_usd_per_kwh": a * result.lmp_rt(dso) / 1000 + p_dist + congestion_rt,
                }
            )
        )
    return pd.concat(hourly_rows, ignore_index=True), pd.concat(five_rows, ignore_index=True)


# --- tables ----------------------------------------------------------------------------------


def system_tables(
    calendar: Calendar, result: MarketResult, delivered: dict[int, FloatArray]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``system_hourly`` and ``system_5min`` rows for every DSO."""
    hourly = [
        pd.DataFrame(
            {
                "timestamp": calendar.hours,
                "dso": dso,
                "da_lmp_usd_per_mwh": result.lmp_da(dso),
                "da_cleared_mwh": result.cleared_mwh[dso],
            }
        )
        for dso in sorted(delivered)
    ]
    fives = [
        pd.DataFrame(
            {
                "timestamp": calendar.fives,
                "dso": dso,
                "rt_lmp_usd_per_mwh": result.lmp_rt(dso),
                "delivered_mwh": delivered[dso] * DT_HOURS,
            }
        )
        for dso in sorted(delivered)
    ]
    return pd.concat(hourly, ignore_index=True), pd.concat(fives, ignore_index=True)


def _tile(index: pd.DatetimeIndex, times: int) -> pd.DatetimeIndex:
    """``index`` repeated ``times`` times, kept as tz-aware datetimes (no per-element objects)."""
    utc = np.tile(index.tz_convert("UTC").as_unit("ns").asi8, times)
    return pd.DatetimeIndex(pd.to_datetime(utc, unit="ns", utc=True)).tz_convert(index.tz)


def generator_tables(
    calendar: Calendar, fleet: market.Fleet, result: MarketResult, threshold_frac: float
) -> dict[str, pd.DataFrame]:
    """``generators``, ``generator_5min`` and ``generator_daily``.

    A start is an hour in which a unit's day-ahead output rises above ``threshold_frac`` of
    its capacity after an hour below it (Eq. 70's NumStarts).
    """
    units = fleet.units
    n_units, n_fives = len(units), len(calendar.fives)
    output = pd.DataFrame(
        {
            "timestamp": _tile(calendar.fives, n_units),
            "generator": np.repeat(units["generator"].to_numpy(), n_fives),
            "output_mw": result.real_time.output_mw.T.reshape(-1),
        }
    )
    committed = result.day_ahead.output_mw > threshold_frac * units["capacity_mw"].to_numpy()[None, :]
    # local dates, so that the 23- and 25-hour DST days count as one day each
    day_of_hour = np.asarray(
        pd.Index(calendar.hours.date).map({d.date(): i for i, d in enumerate(calendar.days)}), dtype=np.int64
    )
    starts = market.daily_starts(committed, day_of_hour, len(calendar.days))
    daily = pd.DataFrame(
        {
            "timestamp": _tile(calendar.days, n_units),
            "generator": np.repeat(units["generator"].to_numpy(), len(calendar.days)),
            "starts_count": starts.T.reshape(-1),
        }
    )
    return {"generators": units, "generator_5min": output, "generator_daily": daily}


def customer_table(node: Node, kind: CaseKind, sizing: float, duration_h: float) -> pd.DataFrame:
    """The ``customers`` rows of one DSO in a case."""
    frame = node.customers
    transactive = kind != "bau"
    battery_kw = frame["battery_base_kw"].to_numpy() * sizing if kind == "transactive-batteries" else np.zeros(len(frame))
    return pd.DataFrame(
        {
            "customer": frame["customer"],
            "dso": frame["dso"],
            "substation": frame["substation"],
            "customer_class": frame["customer_class"],
            "building_type": frame["building_type"],
            "owner_type": frame["owner_type"],
            "construction": frame["construction"],
            "rate_plan": frame["rate_plan_trx"] if transactive else "fixed",
            "participating": battery_kw > 0,
            "weight_customers": frame["weight_customers"],
            "floor_area_sqft": frame["floor_area_sqft"],
            "pv_kw": frame["pv_kw"],
            "battery_kw": np.round(battery_kw, 4),
            "battery_kwh": np.round(battery_kw * duration_h, 4) if kind == "transactive-batteries" else 0.0,
            "ev_charger_kw": frame["ev_charger_kw"],
            "smart_thermostat": False,
            "smart_water_heater": False,
        }
    )


def customer_energy_chunks(
    node: Node, calendar: Calendar, params: loads.LoadParameters, seed: int, with_batteries: bool, customers: pd.DataFrame
) -> Iterator[Chunk]:
    """Pass 2: each customer's net metered energy per 5-minute interval [kWh], float32, in chunks."""
    ids = customers["customer"].to_numpy(dtype=np.int64)
    pv_kw = customers["pv_kw"].to_numpy()
    battery_kw = customers["battery_kw"].to_numpy()
    fleet_kw = float((battery_kw * customers["weight_customers"]).sum())
    buffer: list[FloatArray] = []
    start = 0
    for position, base, heat, eta in _iter_components(node, calendar, params, seed):
        factor = 1.0 + loads.diversified_noise(eta, base, heat, node.noise_alpha, node.noise_beta)
        power_kw = node.scale * (base + node.weather_factor * heat) * factor - pv_kw[position] * node.pv_per_kw
        if with_batteries and battery_kw[position] > 0:
            power_kw = power_kw + node.battery_mw * 1000.0 * battery_kw[position] / fleet_kw
        buffer.append(power_kw * DT_HOURS)
        if len(buffer) == CHUNK_CUSTOMERS or position == len(ids) - 1:
            yield ids[start : position + 1], np.asarray(buffer, dtype=np.float32)
            start, buffer = position + 1, []


def day_ahead_chunks(energy: Iterator[Chunk], transactive_ids: set[int], seed: int, error_frac: float) -> Iterator[Chunk]:
    """Transactive customers' hourly day-ahead purchases [kWh]: their hourly energy with a forecast error."""
    for ids, values in energy:
        keep = np.array([int(i) in transactive_ids for i in ids])
        if not keep.any():
            continue
        hourly = values[keep].astype(np.float64).reshape(int(keep.sum()), -1, STEPS_PER_HOUR).sum(axis=2)
        errors = np.vstack([_rng(seed, 40, int(i)).normal(0.0, error_frac, hourly.shape[1]) for i in ids[keep]])
        yield ids[keep], np.asarray(hourly * (1.0 + errors), dtype=np.float32)


# --- the whole case --------------------------------------------------------------------------


@dataclass
class EightNode:
    """The generated demonstration: calibrated nodes, both markets and the calibration."""

    inputs: Inputs
    calendar: Calendar
    nodes: dict[int, Node]
    calibration: Calibration
    fleet: market.Fleet
    bau: MarketResult
    battery: MarketResult
    delivered_bau: dict[int, FloatArray]
    delivered_battery: dict[int, FloatArray]
    customers_per_dso: int
    seed: int


def build(customers_per_dso: int | None = None, seed: int | None = None, data: Path | None = None) -> EightNode:
    """Generate and calibrate the demonstration case in memory (customer intervals are produced when written)."""
    inputs = load_inputs(data)
    n = int(customers_per_dso or inputs.value("customers_per_dso"))
    seed = int(inputs.value("seed") if seed is None else seed)
    if n < 2:
        raise ValueError(f"customers_per_dso must be at least 2 (one residential, one commercial), got {n}")
    calendar = Calendar.of_year()
    params = _load_parameters(inputs)
    system_wind = weather.wind_capacity_factor(calendar.hours, _rng(seed, 23))
    nodes: dict[int, Node] = {}
    for dso in inputs.dso_ids:
        climate = _weather(inputs, calendar, dso, seed, system_wind)
        energy = _energy_target_mwh(inputs, dso, len(calendar.hours))
        industrial = inputs.value("industrial_load_share") * energy / len(calendar.hours)
        node = Node(dso, _customers(inputs, dso, n, seed), climate["temperature"], climate["pv"], climate["wind"], industrial)
        _aggregate(node, calendar, params, seed)
        nodes[dso] = node
    calibration = Calibration()
    calibrate_loads(nodes, inputs, calibration, len(calendar.hours))
    delivered_bau = {d: delivered_mw(node.metered_mw(), calibration.losses[d]) for d, node in nodes.items()}
    fleet_probe = system_fleet(inputs, inputs.value("gas_price", "system"))
    renewables = _renewables(fleet_probe, nodes)
    bau = calibrate_market(inputs, calendar, delivered_bau, renewables, calibration, seed)
    calibrate_batteries(nodes, inputs, calibration)
    delivered_battery = {d: delivered_mw(node.metered_mw() + node.battery_mw, calibration.losses[d]) for d, node in nodes.items()}
    battery = clear_markets(
        inputs,
        calendar,
        delivered_battery,
        renewables,
        calibration.gas_price_usd_per_mmbtu,
        calibration.day_ahead_bias_frac,
        seed,
    )
    fleet = system_fleet(inputs, calibration.gas_price_usd_per_mmbtu)
    return EightNode(inputs, calendar, nodes, calibration, fleet, bau, battery, delivered_bau, delivered_battery, n, seed)


def metadata(model: EightNode, kind: CaseKind) -> CaseMetadata:
    """``case.yaml`` of one case of the demonstration."""
    inputs = model.inputs
    dsos = tuple(
        DSOInfo(
            id=dso,
            name=inputs.dso_text("dso_name", dso),
            type=inputs.dso_text("dso_type", dso),  # type: ignore[arg-type]
            ownership=inputs.dso_text("dso_ownership", dso),  # type: ignore[arg-type]
            customers=_class_counts(inputs, dso),
            weighting_factor=inputs.dso_value("weighting_factor", dso),
            industrial_load_mw=round(model.nodes[dso].industrial_mw, 6),
            substations=(f"{dso}-1",),
        )
        for dso in inputs.dso_ids
    )
    retail = None
    if kind != "bau":
        retail = RetailMarket(inputs.value("retail_multiplier"), inputs.value("distribution_price_proxy"))
    calendar = model.calendar
    return CaseMetadata(
        case_id=CASE_NAMES[kind],
        title=f"Eight-node demonstration case, moderate renewables, {KIND_LABELS[kind]} (SYNTHETIC)",
        scenario="MR",
        kind=kind,
        year=YEAR,
        timezone=TIMEZONE,
        start=calendar.fives[0],
        end=calendar.fives[-1] + pd.Timedelta(minutes=5),
        interval_minutes=5,
        synthetic=True,
        provenance=(
            "SYNTHETIC: generated by dsot.cases.eight_node (no simulation results of the DSO+T study are used). "
            "DSO facts from study-implementation-facts.md; loads, weather, fleet and batteries from the assumptions in "
            "data/parameters/eight_node*.csv; calibrated to Table 21's back-solved DSO #1 scalars, Table 15 "
            "and ERCOT's 2016 peak."
        ),
        dsos=dsos,
        retail_market=retail,
        extra={
            "generator": {
                "name": "eight-node",
                "version": GENERATOR_VERSION,
                "seed": model.seed,
                "customers_per_dso": model.customers_per_dso,
                "calibration": model.calibration.as_dict(),
            }
        },
    )


def write(model: EightNode, out_dir: str | Path, kind: CaseKind) -> Path:
    """Write one case of the demonstration to ``out_dir/<case name>``."""
    trx = kind == "transactive-batteries"
    result = model.battery if trx else model.bau
    delivered = model.delivered_battery if trx else model.delivered_bau
    hourly, fives = system_tables(model.calendar, result, delivered)
    tables = {
        "system_hourly": hourly,
        "system_5min": fives,
        **generator_tables(model.calendar, model.fleet, result, model.inputs.value("commitment_threshold", "system")),
    }
    duration = model.inputs.value("battery_duration")
    customers = {d: customer_table(node, kind, model.calibration.battery_sizing, duration) for d, node in model.nodes.items()}
    tables["customers"] = pd.concat(customers.values(), ignore_index=True)
    params = _load_parameters(model.inputs)

    def energy() -> Iterator[Chunk]:
        for dso, node in model.nodes.items():
            yield from customer_energy_chunks(node, model.calendar, params, model.seed, trx, customers[dso])

    arrays: dict[str, Any] = {"customer_energy": energy()}
    if trx:
        retail_hourly, retail_5min = retail_prices(model.inputs, model.calendar, result, delivered)
        tables["retail_hourly"], tables["retail_5min"] = retail_hourly, retail_5min
        frame = tables["customers"]
        ids = set(frame.loc[frame["rate_plan"] == "transactive", "customer"].astype(int))
        error = model.inputs.value("customer_forecast_error")
        arrays["customer_day_ahead"] = day_ahead_chunks(energy(), ids, model.seed, error)
    return write_case(Path(out_dir) / CASE_NAMES[kind], metadata(model, kind), tables, arrays)


def make_eight_node(
    out_dir: str | Path, customers_per_dso: int | None = None, seed: int | None = None, data: Path | None = None
) -> dict[CaseKind, Path]:
    """Generate, calibrate and write both demonstration cases (BAU and transactive batteries).

    Parameters
    ----------
    out_dir : directory receiving ``eight-node-mr-bau/`` and ``eight-node-mr-batteries/``.
    customers_per_dso : simulated customers per DSO (default ``customers_per_dso`` in eight_node.csv).
    seed : random seed (default ``seed`` in eight_node.csv); the same seed gives byte-identical files.
    data : alternative ``data/`` directory.

    Returns
    -------
    The two case directories by kind.
    """
    model = build(customers_per_dso, seed, data)
    return {kind: write(model, out_dir, kind) for kind in CASE_NAMES}
