"""Price-responsive batteries of the demonstration's transactive battery case.

Many price-taking batteries bidding into a retail market clear at prices that flatten
the substation's net load: they discharge where the load (and so the price) is highest
and recharge where it is lowest.  :func:`fleet_schedule` computes that outcome for a
DSO's whole battery fleet, day by day: it lowers each day's highest loads to a common
level with the fleet's energy and power, raises the lowest loads to refill it with the
round-trip losses, and then steps through the year with those two levels as thresholds,
keeping the state of charge within the fleet's energy.  Each customer's battery follows the fleet in proportion to its
power rating.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


def _level(load: FloatArray, power: float, energy: FloatArray, dt: float, top: bool) -> FloatArray:
    """Per-day level L such that the clipped area beyond L holds ``energy`` (bisection over days)."""
    lo = load.min(axis=1).copy()
    hi = load.max(axis=1).copy()
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        gap = load - mid[:, None] if top else mid[:, None] - load
        area = np.minimum(np.clip(gap, 0.0, None), power).sum(axis=1) * dt
        too_much = area > energy
        if top:
            lo = np.where(too_much, mid, lo)
            hi = np.where(too_much, hi, mid)
        else:
            hi = np.where(too_much, mid, hi)
            lo = np.where(too_much, lo, mid)
    return np.asarray(0.5 * (lo + hi), dtype=np.float64)


def fleet_schedule(
    load_mw: FloatArray, power_mw: float, energy_mwh: float, efficiency_frac: float, steps_per_day: int, offset_steps: int
) -> FloatArray:
    """Battery fleet power [MW] per interval (positive charging, negative discharging).

    Parameters
    ----------
    load_mw : the DSO's net load without batteries, one value per interval (whole days). [MW]
    power_mw : the fleet's power rating (charging and discharging). [MW]
    energy_mwh : the fleet's usable energy. [MWh]
    efficiency_frac : round-trip efficiency, all counted as losses on charging. [frac]
    steps_per_day : intervals per day (288 for 5 minutes).
    offset_steps : first interval of the first daily window; windows start after the
        evening peak (22:00) so that each day's recharge comes before its peak.  The
        intervals before the first and after the last whole window are left idle.

    Notes
    -----
    For each day, the discharge level is the load above which the fleet's energy, spent at
    up to its power, flattens the day's top; the charge level is the load below which a
    whole fleet's energy plus losses could be recharged in the day's other intervals.  The
    fleet then steps through the year from full,
    discharging above the day's discharge level and charging below its charge level as far
    as its state of charge allows; the peak is cut wherever the fleet holds the energy.
    """
    n = len(load_mw)
    if power_mw <= 0 or energy_mwh <= 0:
        return np.zeros(n)
    dt = 24.0 / steps_per_day
    count = (n - offset_steps) // steps_per_day
    days = load_mw[offset_steps : offset_steps + count * steps_per_day].reshape(count, steps_per_day)
    top = _level(days, power_mw, np.full(len(days), energy_mwh), dt, top=True)
    discharge = np.minimum(np.clip(days - top[:, None], 0.0, None), power_mw)
    free = np.where(discharge > 0, days.max(), days)
    bottom = _level(free, power_mw, np.full(len(days), energy_mwh / efficiency_frac), dt, top=False)
    high = np.full(n, np.inf)
    low = np.full(n, -np.inf)
    high[offset_steps : offset_steps + count * steps_per_day] = np.repeat(top, steps_per_day)
    low[offset_steps : offset_steps + count * steps_per_day] = np.repeat(bottom, steps_per_day)
    return _threshold_policy(load_mw, high, low, power_mw, energy_mwh, efficiency_frac, dt)


def _threshold_policy(
    load: FloatArray, top: FloatArray, bottom: FloatArray, power: float, energy: float, efficiency: float, dt: float
) -> FloatArray:
    """Step through the year from a full fleet: discharge above ``top``, charge below ``bottom``, within storage."""
    out = np.zeros(len(load))
    stored = energy
    for i, (value, high, low) in enumerate(zip(load.tolist(), top.tolist(), bottom.tolist(), strict=True)):
        if value > high:
            flow = -min(power, value - high, stored / dt)
        elif value < low:
            flow = min(power, low - value, (energy - stored) / (efficiency * dt))
        else:
            continue
        stored += flow * (efficiency if flow > 0 else 1.0) * dt
        out[i] = flow
    return out


def state_of_charge(schedule_mw: FloatArray, energy_mwh: float, efficiency_frac: float, dt_hours: float) -> FloatArray:
    """Stored energy after each interval [MWh], starting full (for checks and charts)."""
    stored = np.where(schedule_mw > 0, schedule_mw * efficiency_frac, schedule_mw) * dt_hours
    return np.asarray(energy_mwh + np.cumsum(stored), dtype=np.float64)
