"""Simulated customers of the demonstration case and their weather-driven loads.

Each DSO gets a sample of residential and commercial customers (the industrial class is
a constant lump, as in the study).  A customer's load is split into a *base* part
(occupancy and appliances, with an EV charger for some homes) and a *weather* part
(cooling above and heating below a balance temperature), both with the customer's own
5-minute variability; rooftop PV output is subtracted for PV owners (net metering).  The
calibration scales the two parts of every customer of a DSO by the same two factors, so
the DSO's energy and peak match their targets while every customer keeps its shape.
Each customer's random stream is keyed by (seed, DSO, customer), so the loads do not
depend on how customers are batched.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

FloatArray = npt.NDArray[np.float64]

COMMERCIAL_MIX: dict[str, tuple[float, str]] = {
    "Office, Large": (0.04, "office"),
    "Office, Medium/ Small": (0.22, "office"),
    "Warehouse and Storage": (0.12, "office"),
    "Big Box Retail": (0.06, "retail"),
    "Strip Retail": (0.16, "retail"),
    "Education": (0.08, "office"),
    "Food Service": (0.09, "retail"),
    "Food Sales": (0.05, "retail"),
    "Lodging": (0.04, "always"),
    "Healthcare, Inpatient": (0.02, "always"),
    "Low Occupancy": (0.12, "office"),
}
"""Commercial building types (Table 4) with assumed shares and their occupancy schedule."""

RESIDENTIAL_MIX: dict[str, float] = {"Single-Family": 0.70, "Multifamily": 0.24, "Manufactured": 0.06}
"""Residential customer types (Table 3) with assumed shares."""


@dataclass(frozen=True)
class LoadParameters:
    """The customer-load assumptions of ``data/parameters/eight_node.csv`` (loaded units)."""

    base_kw: float
    base_kw_per_ksqft: float
    unoccupied_frac: float
    cooling_kw_per_c: float
    cooling_kw_per_ksqft_c: float
    heating_kw_per_c: float
    heating_kw_per_ksqft_c: float
    cooling_balance_c: float
    heating_balance_c: float
    noise_frac: float
    ev_charging_kw: float


def _residential_profile(hour: FloatArray, weekend: npt.NDArray[np.bool_]) -> FloatArray:
    morning = np.exp(-0.5 * ((hour - np.where(weekend, 9.0, 7.5)) / 1.5) ** 2)
    evening = np.exp(-0.5 * ((hour - 19.5) / 2.5) ** 2)
    return np.asarray(0.55 + 0.35 * morning + 0.75 * evening, dtype=np.float64)


def _occupancy(hour: FloatArray, weekend: npt.NDArray[np.bool_], schedule: str, unoccupied: float) -> FloatArray:
    if schedule == "always":
        return np.asarray(0.8 + 0.2 * ((hour >= 7) & (hour < 21)), dtype=np.float64)
    if schedule == "retail":
        open_ = (hour >= 9) & (hour < 21)
    else:
        open_ = (hour >= 7) & (hour < 19) & ~weekend
    return np.where(open_, 1.0, unoccupied)


def population(
    dso: int, n_customers: int, residential_frac: float, rng: np.random.Generator, floor_median: dict[str, float]
) -> pd.DataFrame:
    """The sampled customers of one DSO: id, class, building type and floor area (assets come later)."""
    n_res = min(max(round(n_customers * residential_frac), 1), n_customers - 1)
    res_types = rng.choice(list(RESIDENTIAL_MIX), size=n_res, p=np.array(list(RESIDENTIAL_MIX.values())))
    shares = np.array([s for s, _ in COMMERCIAL_MIX.values()])
    com_types = rng.choice(list(COMMERCIAL_MIX), size=n_customers - n_res, p=shares / shares.sum())
    classes = ["residential"] * n_res + ["commercial"] * (n_customers - n_res)
    spread = np.where(np.array(classes) == "residential", 0.3, 0.8)
    median = np.array([floor_median[c] for c in classes])
    return pd.DataFrame(
        {
            "customer": dso * 100_000 + np.arange(1, n_customers + 1),
            "dso": dso,
            "customer_class": classes,
            "building_type": np.concatenate([res_types, com_types]),
            "floor_area_sqft": np.round(median * np.exp(spread * rng.standard_normal(n_customers)), -1),
        }
    )


def customer_components(
    customer: pd.Series,
    temperature_c: FloatArray,
    hour: FloatArray,
    weekend: npt.NDArray[np.bool_],
    params: LoadParameters,
    seed: int,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """One customer's expected (base, weather) load in kW on the 5-minute grid and its relative noise.

    The customer's load before calibration is ``(base + weather) * (1 + noise)``; the
    noise is made to cancel in the DSO's total by :func:`diversified_noise`.
    """
    rng = np.random.default_rng([seed, int(customer["dso"]), int(customer["customer"])])
    noise = np.exp(params.noise_frac * rng.standard_normal(len(hour)) - 0.5 * params.noise_frac**2) - 1.0
    cooling = np.clip(temperature_c - params.cooling_balance_c, 0.0, None)
    heating = np.clip(params.heating_balance_c - temperature_c, 0.0, None)
    size = float(customer["floor_area_sqft"]) / 1000.0
    heat_mult = float(customer["heating_multiplier"])
    if customer["customer_class"] == "residential":
        scale = np.exp(0.25 * rng.standard_normal())
        base = params.base_kw * scale * _residential_profile(hour, weekend)
        if customer["ev_charger_kw"] > 0:
            base = base + np.where((hour >= 20) | (hour < 1), params.ev_charging_kw, 0.0)
        weather = (params.cooling_kw_per_c * cooling + params.heating_kw_per_c * heat_mult * heating) * size / 1.9
    else:
        schedule = COMMERCIAL_MIX[str(customer["building_type"])][1]
        occupied = _occupancy(hour, weekend, schedule, params.unoccupied_frac)
        base = params.base_kw_per_ksqft * size * occupied
        active = np.where(occupied >= 1.0, 1.0, 0.5)
        weather = (params.cooling_kw_per_ksqft_c * cooling + params.heating_kw_per_ksqft_c * heat_mult * heating) * size * active
    return np.asarray(base, dtype=np.float64), np.asarray(weather, dtype=np.float64), np.asarray(noise, dtype=np.float64)


@dataclass
class NoiseSums:
    """Weighted sums over a DSO's customers that make their noise cancel in the total (pass 1)."""

    bb: FloatArray
    bw: FloatArray
    ww: FloatArray
    bn: FloatArray
    wn: FloatArray

    @classmethod
    def zeros(cls, n: int) -> NoiseSums:
        """Empty sums for ``n`` intervals."""
        return cls(*(np.zeros(n) for _ in range(5)))

    def add(self, weight: float, base: FloatArray, weather: FloatArray, noise: FloatArray) -> None:
        """Accumulate one customer."""
        self.bb += weight * base * base
        self.bw += weight * base * weather
        self.ww += weight * weather * weather
        self.bn += weight * base * noise
        self.wn += weight * weather * noise

    def coefficients(self) -> tuple[FloatArray, FloatArray]:
        """Per-interval (alpha, beta) of the projection removed from every customer's noise."""
        det = self.bb * self.ww - self.bw**2
        safe = np.abs(det) > 1e-12 * np.maximum(self.bb * self.ww, 1e-300)
        alpha = np.where(
            safe, (self.bn * self.ww - self.wn * self.bw) / np.where(safe, det, 1.0), self.bn / np.maximum(self.bb, 1e-300)
        )
        beta = np.where(safe, (self.wn * self.bb - self.bn * self.bw) / np.where(safe, det, 1.0), 0.0)
        return alpha, beta


def diversified_noise(
    noise: FloatArray, base: FloatArray, weather: FloatArray, alpha: FloatArray, beta: FloatArray
) -> FloatArray:
    """A customer's noise with its projection on (base, weather) removed.

    With the DSO's (alpha, beta), the weighted sums of ``base * noise`` and ``weather * noise``
    over all customers are zero in every interval, so the DSO's total load is the sum of the
    customers' expected loads for any calibration of base and weather, while each customer
    keeps its own variability: a thousand-fold weighted sample then behaves like the
    diversified population it stands for.
    """
    return np.asarray(noise - alpha * base - beta * weather, dtype=np.float64)


def loss_coefficients(metered_mw: FloatArray, loss_frac: float, core_share_frac: float) -> tuple[float, float]:
    """Coefficients (no-load MW, MW per MW squared) of distribution losses calibrated on a BAU load.

    Losses per interval are ``c0 + c2 * load**2``; over ``metered_mw`` they add up to
    ``loss_frac`` of the metered energy, ``core_share_frac`` of it in the constant part.
    """
    total = float(metered_mw.sum())
    c0 = loss_frac * core_share_frac * total / len(metered_mw)
    c2 = loss_frac * (1 - core_share_frac) * total / float(np.square(metered_mw).sum())
    return c0, c2
