"""Synthetic weather for the demonstration case: temperature, clear-sky solar and wind.

Nothing here is measured: the series are built from a few documented parameters
(``data/parameters/eight_node*.csv``) and a seeded random generator, so the same seed
gives the same year.  Temperature has a seasonal and a daily cycle, persistent noise, a
heat wave centred on the system peak day and a winter cold snap; solar output follows
the sun's elevation at the case latitude, thinned by daily cloudiness; wind is
persistent noise around a seasonal and a daily (night-peaking) cycle.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

FloatArray = npt.NDArray[np.float64]


def ar1(rng: np.random.Generator, n: int, persistence: float, sigma: float) -> FloatArray:
    """A stationary AR(1) series of length ``n`` with marginal standard deviation ``sigma``."""
    shocks = rng.standard_normal(n) * sigma * np.sqrt(1.0 - persistence**2)
    out = np.empty(n)
    out[0] = rng.standard_normal() * sigma
    for i in range(1, n):  # n is 8,784 hours: a plain loop is fast enough and exact
        out[i] = persistence * out[i - 1] + shocks[i]
    return out


def _day_of_year(index: pd.DatetimeIndex) -> FloatArray:
    return np.asarray(index.day_of_year - 1 + index.hour / 24.0 + index.minute / 1440.0, dtype=np.float64)


def temperature_c(
    hours: pd.DatetimeIndex,
    rng: np.random.Generator,
    mean_c: float,
    seasonal_amplitude_c: float,
    diurnal_amplitude_c: float,
    noise_c: float,
    persistence: float,
    events: list[tuple[pd.Timestamp, float, float]],
) -> FloatArray:
    """Hourly dry-bulb temperature [degC] on local ``hours``.

    The seasonal cycle peaks on 25 July and the daily cycle at 16:00 local time; each
    event ``(centre, amplitude_c, width_days)`` adds a Gaussian bump (a heat wave or,
    with a negative amplitude, a cold snap).
    """
    doy = _day_of_year(hours)
    hour = np.asarray(hours.hour, dtype=np.float64)
    temp = mean_c + seasonal_amplitude_c * np.cos(2 * np.pi * (doy - 206) / 366.0)
    temp = temp + diurnal_amplitude_c * np.cos(2 * np.pi * (hour - 16) / 24.0)
    temp = temp + ar1(rng, len(hours), persistence, noise_c)
    days = np.asarray((hours - hours[0]) / pd.Timedelta(days=1), dtype=np.float64)
    for centre, amplitude_c, width_days in events:
        offset = (centre - hours[0]) / pd.Timedelta(days=1)
        temp = temp + amplitude_c * np.exp(-0.5 * ((days - offset) / width_days) ** 2)
    return np.asarray(temp, dtype=np.float64)


def solar_elevation_sin(index: pd.DatetimeIndex, latitude_deg: float, longitude_deg: float = -97.0) -> FloatArray:
    """Sine of the sun's elevation at the midpoint of each interval (a textbook approximation)."""
    utc = index.tz_convert("UTC")
    doy = _day_of_year(utc)
    declination = np.radians(23.45) * np.sin(2 * np.pi * (284 + doy) / 365.0)
    solar_hour = (doy % 1.0) * 24.0 + longitude_deg / 15.0
    hour_angle = np.radians(15.0 * (solar_hour - 12.0))
    lat = np.radians(latitude_deg)
    value = np.sin(lat) * np.sin(declination) + np.cos(lat) * np.cos(declination) * np.cos(hour_angle)
    return np.asarray(np.clip(value, 0.0, None), dtype=np.float64)


def pv_output_per_kw(index: pd.DatetimeIndex, rng: np.random.Generator, latitude_deg: float, derate_frac: float) -> FloatArray:
    """AC output per kW of PV nameplate [kW/kW] on ``index``: clear sky times a daily clearness."""
    days = np.asarray((index.normalize() - index[0].normalize()) / pd.Timedelta(days=1), dtype=np.int64)
    clearness = rng.beta(5.0, 1.6, size=int(days.max()) + 1)
    ghi = 1000.0 * solar_elevation_sin(index, latitude_deg) ** 1.15
    return np.asarray(derate_frac * ghi / 1000.0 * clearness[days], dtype=np.float64)


def wind_capacity_factor(hours: pd.DatetimeIndex, rng: np.random.Generator) -> FloatArray:
    """Hourly wind capacity factor [frac]: spring-high, summer-low, night-peaking, persistent."""
    doy = _day_of_year(hours)
    hour = np.asarray(hours.hour, dtype=np.float64)
    mean = 0.36 + 0.08 * np.cos(2 * np.pi * (doy - 100) / 366.0) + 0.08 * np.cos(2 * np.pi * (hour - 2) / 24.0)
    return np.asarray(np.clip(mean + ar1(rng, len(hours), 0.95, 0.18), 0.0, 0.95), dtype=np.float64)


def to_five_minutes(hourly: FloatArray) -> FloatArray:
    """Linear interpolation of an hourly series (values at each hour's midpoint) to 12 intervals per hour."""
    n = len(hourly)
    fine = (np.arange(12 * n) + 0.5) / 12.0 - 0.5
    return np.asarray(np.interp(fine, np.arange(n), hourly), dtype=np.float64)
