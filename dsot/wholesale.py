r"""Section 3.3.1 of PNNL-32170-4: a DSO's wholesale purchases.

Energy bought through bilateral contracts, in the day-ahead market and in the real-time
market (Eqs. 8-11, Tables 14-15), the capacity reservation (Eq. 12), transmission access
and ISO fees (Eqs. 13-14), ancillary-service reserves (Eq. 15, Table 16) and
transmission losses (Section 3.3.1.7).

Units: prices in USD/MWh, energies in MWh, powers in MW, capacity prices in USD/kW-yr;
every annual cost is in $K/yr (USD/MWh x MWh / 1000, and USD/kW-yr x MW = $K/yr).

Time series are pandas Series on a tz-aware :class:`~pandas.DatetimeIndex` whose
timestamps mark the *start* of each hour (hourly series) or of each 5-minute interval
(5-minute series); the time zone is the local prevailing time of the DSO's node (for
the study's ERCOT system, ``"US/Central"``).  An hourly energy in MWh equals the hour's
mean power in MW.  Nothing assumes 8,760 hours: the study year 2016 is a leap year of
8,784 hours and 105,408 five-minute intervals, and the sums run over whatever is given.

``data/parameters/wholesale.csv`` holds two parameter sets: ``printed`` follows the
report's text and equations, ``study`` what produced its published numbers (Table 21),
as established by running the original implementation (TESP dsot).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar, get_args

import numpy as np
import numpy.typing as npt
import pandas as pd

from dsot.params import ParameterError, ParameterSet, load_parameters, parameter_text, parameter_value
from dsot.registry import equation
from dsot.vocab import (
    CONTRACT_BLOCKS,
    TIME_BLOCKS,
    BilateralPriceReading,
    BilateralQuantityBasis,
    ContractBlock,
    RealTimeReading,
    SensitivityPlacement,
    TimeBlock,
    TransmissionPeakCredit,
)

WEEKEND_BLOCKS: tuple[TimeBlock, ...] = ("weekend-daytime",)
"""Table 14 blocks that apply on Saturdays and Sundays; the others apply Monday to Friday."""

HOUR = pd.Timedelta(hours=1)
FIVE_MINUTES = pd.Timedelta(minutes=5)
INTERVALS_PER_HOUR = 12

# --- Validation helpers --------------------------------------------------------------------------


def _local_index(index: object, name: str) -> pd.DatetimeIndex:
    if not isinstance(index, pd.DatetimeIndex):
        raise ValueError(f"{name} must be indexed by a pandas DatetimeIndex (got {type(index).__name__})")
    if index.tz is None:
        raise ValueError(
            f"{name} has a tz-naive index; localize it to the local prevailing time zone of the DSO's node, "
            "e.g. index.tz_localize('US/Central') or index.tz_localize('UTC').tz_convert('US/Central')"
        )
    return index


def _check_regular(index: pd.DatetimeIndex, step: pd.Timedelta, name: str) -> None:
    if len(index) == 0:
        raise ValueError(f"{name} is empty")
    gaps = np.flatnonzero(np.asarray((index[1:] - index[:-1]) != step))
    if gaps.size:
        i = int(gaps[0])
        raise ValueError(f"{name} is not a regular series of {step} steps: {index[i]} is followed by {index[i + 1]}")


def _series_index(values: object, name: str) -> pd.DatetimeIndex:
    if not isinstance(values, pd.Series):
        raise ValueError(f"{name} must be a pandas Series on a tz-aware DatetimeIndex (got {type(values).__name__})")
    return _local_index(values.index, name)


def _aligned(**named: npt.ArrayLike) -> list[npt.NDArray[np.float64]]:
    """Equal-length finite 1-D float arrays; Series must share one index."""
    indexes = {k: v.index for k, v in named.items() if isinstance(v, pd.Series)}
    first = next(iter(indexes.items()), None)
    for key, index in indexes.items():
        if first is not None and not index.equals(first[1]):
            raise ValueError(f"{key} and {first[0]} are not on the same index")
    arrays = [np.asarray(v, dtype=np.float64) for v in named.values()]
    names = list(named)
    for key, array in zip(names, arrays, strict=True):
        if array.ndim != 1:
            raise ValueError(f"{key} must be one-dimensional (got shape {array.shape})")
        if array.shape != arrays[0].shape:
            raise ValueError(f"{key} has {array.size} values but {names[0]} has {arrays[0].size}")
        if not np.isfinite(array).all():
            raise ValueError(f"{key} contains NaN or infinite values")
    return arrays


def _five_minute_by_hour(
    cleared_mwh: pd.Series, **five_minute: pd.Series
) -> tuple[pd.DatetimeIndex, list[npt.NDArray[np.float64]]]:
    """Check that 5-minute series fill the hours of an hourly series; return (hours, n x 12 arrays)."""
    hours = _series_index(cleared_mwh, "cleared_mwh")
    _check_regular(hours, HOUR, "cleared_mwh")
    names = list(five_minute)
    intervals = _series_index(five_minute[names[0]], names[0])
    for key in names[1:]:
        if not _series_index(five_minute[key], key).equals(intervals):
            raise ValueError(f"{key} and {names[0]} must share one 5-minute index")
    _check_regular(intervals, FIVE_MINUTES, names[0])
    expected = INTERVALS_PER_HOUR * len(hours)
    if len(intervals) != expected:
        raise ValueError(
            f"{names[0]} has {len(intervals)} 5-minute intervals for the {len(hours)} hours of cleared_mwh; "
            f"each hour needs exactly {INTERVALS_PER_HOUR} (expected {expected})"
        )
    if intervals[0] != hours[0]:
        raise ValueError(
            f"the first 5-minute interval starts at {intervals[0]} but the first hour at {hours[0]}; "
            "label both series by the start of each interval and hour"
        )
    arrays = _aligned(**{k: v.to_numpy() for k, v in five_minute.items()})
    return hours, [a.reshape(len(hours), INTERVALS_PER_HOUR) for a in arrays]


_L = TypeVar("_L", bound=str)


def _literal(value: str, allowed: tuple[_L, ...], name: str) -> _L:
    for option in allowed:
        if value == option:
            return option
    raise ValueError(f"{name} must be one of {', '.join(allowed)} (got {value!r})")


# --- Tables 14 and 15: time blocks ---------------------------------------------------------------


def _block_table(block_hours: Mapping[TimeBlock, tuple[int, int]]) -> npt.NDArray[np.str_]:
    """Block of each clock hour, row 0 for weekdays and row 1 for weekends."""
    table = np.full((2, 24), "nighttime", dtype="<U32")
    for block, (start, end) in block_hours.items():
        if block == "nighttime":
            raise ValueError("nighttime is the remainder of each day; give no hours for it")
        if not 0 <= start < end <= 24:
            raise ValueError(f"hours of {block} must satisfy 0 <= start < end <= 24 (got {start}-{end})")
        row = table[1 if block in WEEKEND_BLOCKS else 0]
        if (row[start:end] != "nighttime").any():
            raise ValueError(f"{block} ({start}-{end} h) overlaps another block of its day type")
        row[start:end] = block
    return table


def time_blocks(index: pd.DatetimeIndex, block_hours: Mapping[TimeBlock, tuple[int, int]], tz: str | None = None) -> pd.Series:
    r"""Table 14 time block of each hour.

    An hour belongs to a block when its local clock hour :math:`c` satisfies
    :math:`start \le c < end`; weekday blocks apply Monday to Friday, weekend blocks on
    Saturday and Sunday, and every other hour is ``nighttime``.

    Parameters
    ----------
    index : tz-aware hourly timestamps, each the start of its hour. [-]
    block_hours : (start, end) local clock hour of ``weekday-daytime``,
        ``weekday-evening`` and ``weekend-daytime`` (Table 14; :func:`load_wholesale_parameters`). [h]
    tz : time zone of the node's local prevailing time; ``None`` keeps the index's own. [-]

    Returns
    -------
    Block name of each hour, on ``index`` [-]

    Notes
    -----
    The report names no holidays, so none are treated as weekend days.  Clock hours are
    read in local prevailing time, so the hour skipped and the hour repeated at the
    daylight-saving changes (both at night in the U.S.) fall in ``nighttime``.

    Examples
    --------
    >>> hours = {"weekday-daytime": (5, 16), "weekday-evening": (16, 20), "weekend-daytime": (5, 20)}
    >>> idx = pd.DatetimeIndex(["2016-01-04 04:00", "2016-01-04 05:00", "2016-01-04 16:00", "2016-01-09 19:00"])
    >>> time_blocks(idx.tz_localize("US/Central"), hours).tolist()
    ['nighttime', 'weekday-daytime', 'weekday-evening', 'weekend-daytime']
    """
    local = _local_index(index, "index")
    if tz is not None:
        local = local.tz_convert(tz)
    weekend = np.asarray(local.day_of_week >= 5, dtype=np.intp)
    labels = _block_table(block_hours)[weekend, np.asarray(local.hour, dtype=np.intp)]
    return pd.Series(labels, index=index, name="time_block", dtype=object)


def contract_blocks(time_block: pd.Series, contract_of: Mapping[TimeBlock, ContractBlock]) -> pd.Series:
    """Table 15 contract block of each hour, from its Table 14 time block.

    Parameters
    ----------
    time_block : Table 14 block of each hour (:func:`time_blocks`). [-]
    contract_of : contract block of each time block (Table 15). [-]

    Returns
    -------
    Contract block of each hour, on the index of ``time_block`` [-]

    Examples
    --------
    >>> contract = {"weekday-daytime": "weekday-daytime", "weekday-evening": "evening-and-weekend-daytime",
    ...             "weekend-daytime": "evening-and-weekend-daytime", "nighttime": "nighttime"}
    >>> contract_blocks(pd.Series(["weekday-evening", "nighttime"]), contract).tolist()
    ['evening-and-weekend-daytime', 'nighttime']
    """
    missing = sorted(set(time_block) - set(contract_of))
    if missing:
        raise ValueError(f"no contract block given for time block(s) {', '.join(missing)}")
    return time_block.map(dict(contract_of)).astype(object).rename("contract_block")


# --- Table 15: bilateral contract prices and quantities --------------------------------------------


def bilateral_block_prices_usd_per_mwh(
    lmp_da_usd_per_mwh: pd.Series,
    consumption_mwh: pd.Series,
    contract_block: pd.Series,
    reading: BilateralPriceReading,
) -> pd.Series:
    r"""Bilateral contract price of each block, :math:`P_{bi,b}` (Table 15).

    Printed reading (``consumption_weighted``, Section 3.3.1.1):
    $$P_{bi,b} = \frac{\sum_{h \in b} LMP_{da}(h)\,Q(h)}{\sum_{h \in b} Q(h)}$$
    Study reading (``simple_mean``): $$P_{bi,b} = \frac{1}{N_b} \sum_{h \in b} LMP_{da}(h)$$

    Parameters
    ----------
    lmp_da_usd_per_mwh : :math:`LMP_{da}(h)`, hourly day-ahead price. [USD/MWh]
    consumption_mwh : :math:`Q(h)`, hourly consumption weighting the printed reading. [MWh]
    contract_block : block of each hour (:func:`contract_blocks`). [-]
    reading : ``consumption_weighted`` or ``simple_mean`` (``bilateral_price_reading``). [-]

    Returns
    -------
    :math:`P_{bi,b}` by block [USD/MWh]

    Notes
    -----
    Deviation from report: the study priced each block at the simple mean of the hourly
    day-ahead prices, not the consumption-weighted mean the text describes
    (study-implementation-facts.md).

    Examples
    --------
    >>> blocks = pd.Series(["nighttime", "nighttime"])
    >>> bilateral_block_prices_usd_per_mwh(pd.Series([20.0, 40.0]), pd.Series([3.0, 1.0]), blocks,
    ...                                    "consumption_weighted").tolist()  # (60 + 40) / 4
    [25.0]
    """
    price, weight = _aligned(lmp_da_usd_per_mwh=lmp_da_usd_per_mwh, consumption_mwh=consumption_mwh)
    if not contract_block.index.equals(lmp_da_usd_per_mwh.index):
        raise ValueError("contract_block and lmp_da_usd_per_mwh are not on the same index")
    codes, names = pd.factorize(contract_block)
    if reading == "simple_mean":
        numerator, denominator = np.bincount(codes, weights=price), np.bincount(codes, weights=np.ones_like(price))
    elif reading == "consumption_weighted":
        numerator, denominator = np.bincount(codes, weights=price * weight), np.bincount(codes, weights=weight)
        if (denominator <= 0).any():
            raise ValueError("a block has no positive consumption to weight its price with")
    else:
        raise ValueError(f"unknown bilateral price reading {reading!r}")
    out = pd.Series(numerator / denominator, index=pd.Index(names))
    return out.rename("bilateral_price_usd_per_mwh").rename_axis("contract_block")


def bilateral_block_power_mw(hourly_load_mwh: pd.Series, contract_block: pd.Series) -> pd.Series:
    r"""Bilateral contract quantity of each block: constant power over the block's hours.

    Section 3.3.1.1: $$\bar{Q}_{bi,b} = \min_{h \in b} Q(h)$$ the annual minimum of the
    hourly load in the block, so the contract never exceeds the load.

    Parameters
    ----------
    hourly_load_mwh : :math:`Q(h)`: the delivered load including distribution losses
        (printed) or the day-ahead cleared quantity (study; ``bilateral_quantity_basis``). [MWh]
    contract_block : block of each hour (:func:`contract_blocks`). [-]

    Returns
    -------
    :math:`\bar{Q}_{bi,b}` by block [MW]

    Notes
    -----
    An hourly energy in MWh equals the hour's mean power in MW.  The minimum is not
    floored at zero; a block whose net load turns negative would sell back.

    Examples
    --------
    >>> bilateral_block_power_mw(pd.Series([3.0, 1.0, 2.0]), pd.Series(["a", "a", "b"])).to_dict()
    {'a': 1.0, 'b': 2.0}
    """
    if not contract_block.index.equals(hourly_load_mwh.index):
        raise ValueError("contract_block and hourly_load_mwh are not on the same index")
    (load,) = _aligned(hourly_load_mwh=hourly_load_mwh)
    codes, names = pd.factorize(contract_block)
    lowest = np.full(len(names), np.inf)
    np.minimum.at(lowest, codes, load)
    minimum = pd.Series(lowest, index=pd.Index(names))
    return minimum.rename("bilateral_power_mw").rename_axis("contract_block")


def hourly_from_blocks(contract_block: pd.Series, by_block: pd.Series | Mapping[str, float]) -> pd.Series:
    r"""Spread per-block values over the hours: :math:`Q_{bi}(h)` or :math:`P_{bi}(h)`.

    A block power of :math:`\bar{Q}_{bi,b}` MW held for one hour is :math:`Q_{bi}(h)` MWh.

    Parameters
    ----------
    contract_block : block of each hour. [-]
    by_block : value of each block (:func:`bilateral_block_power_mw` [MW] or
        :func:`bilateral_block_prices_usd_per_mwh` [USD/MWh]).

    Returns
    -------
    Value of each hour, on the index of ``contract_block`` [MWh per hour, or USD/MWh]

    Examples
    --------
    >>> hourly_from_blocks(pd.Series(["a", "b", "a"]), {"a": 1.0, "b": 2.0}).tolist()
    [1.0, 2.0, 1.0]
    """
    values = dict(by_block)
    missing = sorted(set(contract_block) - set(values))
    if missing:
        raise ValueError(f"no value given for block(s) {', '.join(map(str, missing))}")
    return contract_block.map(values).astype(np.float64)


def hourly_energy_mwh(delivered_mwh: pd.Series) -> pd.Series:
    r"""Hourly energy from a 5-minute series: :math:`\sum_{i=1}^{12} Q_{dso}(i)`.

    Parameters
    ----------
    delivered_mwh : :math:`Q_{dso}(i)`, energy of each 5-minute interval, starting on an hour. [MWh]

    Returns
    -------
    Energy of each hour, indexed by the start of the hour [MWh]

    Examples
    --------
    >>> idx = pd.date_range("2016-01-01", periods=24, freq="5min", tz="US/Central")
    >>> hourly_energy_mwh(pd.Series(1.0, index=idx)).tolist()
    [12.0, 12.0]
    """
    index = _series_index(delivered_mwh, "delivered_mwh")
    _check_regular(index, FIVE_MINUTES, "delivered_mwh")
    if len(index) % INTERVALS_PER_HOUR:
        raise ValueError(f"delivered_mwh has {len(index)} 5-minute intervals, not a whole number of hours of 12")
    (values,) = _aligned(delivered_mwh=delivered_mwh)
    sums = values.reshape(-1, INTERVALS_PER_HOUR).sum(axis=1)
    return pd.Series(sums, index=index[::INTERVALS_PER_HOUR], name="energy_mwh")


# --- Eqs. 8-11: energy ---------------------------------------------------------------------------


@equation(9, section="3.3.1.1")
def bilateral_energy_cost_kusd(bilateral_mwh: npt.ArrayLike, bilateral_price_usd_per_mwh: npt.ArrayLike) -> float:
    r"""Annual cost of energy bought by bilateral contract, :math:`CostEnergy_{bi}`.

    Eq. (9): $$CostEnergy_{bi} = \sum_{h=1}^{8760} Q_{bi}(h)\,P_{bi}(h)$$

    Parameters
    ----------
    bilateral_mwh : :math:`Q_{bi}(h)`, hourly contract energy (:func:`hourly_from_blocks`). [MWh]
    bilateral_price_usd_per_mwh : :math:`P_{bi}(h)`, hourly contract price. [USD/MWh]

    Returns
    -------
    :math:`CostEnergy_{bi}` [$K/yr]

    Notes
    -----
    The printed upper limit 8,760 is a common year's hours; the sum runs over every hour
    given (8,784 in the study year 2016).

    Examples
    --------
    >>> bilateral_energy_cost_kusd([1.0, 1.0, 2.0, 2.0], [25.0, 25.0, 20.0, 20.0])  # 130 $
    0.13
    """
    q, p = _aligned(bilateral_mwh=bilateral_mwh, bilateral_price_usd_per_mwh=bilateral_price_usd_per_mwh)
    return float(np.dot(q, p)) / 1000.0


@equation(10, section="3.3.1.2")
def day_ahead_energy_cost_kusd(
    lmp_da_usd_per_mwh: npt.ArrayLike, cleared_mwh: npt.ArrayLike, bilateral_mwh: npt.ArrayLike
) -> float:
    r"""Annual cost of energy bought in the day-ahead market, :math:`CostEnergy_{da}`.

    Eq. (10): $$CostEnergy_{da} = \sum_{h=1}^{8760} LMP_{da}(h)\,(Q_{clear}(h) - Q_{bi}(h))$$

    Parameters
    ----------
    lmp_da_usd_per_mwh : :math:`LMP_{da}(h)`, day-ahead price at the DSO's node. [USD/MWh]
    cleared_mwh : :math:`Q_{clear}(h)`, energy cleared day-ahead, bilateral energy
        included (footnote 12). [MWh]
    bilateral_mwh : :math:`Q_{bi}(h)`. [MWh]

    Returns
    -------
    :math:`CostEnergy_{da}` [$K/yr]

    Examples
    --------
    >>> day_ahead_energy_cost_kusd([20.0, 40.0], [3.0, 1.0], [1.0, 1.0])  # 20 x 2 + 40 x 0 = 40 $
    0.04
    """
    lmp, cleared, bilateral = _aligned(
        lmp_da_usd_per_mwh=lmp_da_usd_per_mwh, cleared_mwh=cleared_mwh, bilateral_mwh=bilateral_mwh
    )
    return float(np.dot(lmp, cleared - bilateral)) / 1000.0


@equation(11, section="3.3.1.2")
def real_time_energy_cost_kusd(
    lmp_rt_usd_per_mwh: pd.Series,
    delivered_mwh: pd.Series,
    cleared_mwh: pd.Series,
    reading: RealTimeReading = "five_minute",
) -> float:
    r"""Annual cost of energy bought (or sold) in the real-time market, :math:`CostEnergy_{rt}`.

    Eq. (11): $$CostEnergy_{rt} = \sum_{h=1}^{8760} \sum_{i=1}^{12} LMP_{rt}(i)\left[Q_{dso}(i) - \frac{Q_{clear}(h)}{12}\right]$$

    Study reading (``hourly_mean_drop_dec31``):
    $$\sum_{h \notin \text{31 Dec}} \overline{LMP}_{rt}(h)\left[\sum_{i=1}^{12} Q_{dso}(i) - Q_{clear}(h)\right],
    \quad \overline{LMP}_{rt}(h) = \frac{1}{12}\sum_{i=1}^{12} LMP_{rt}(i)$$

    Parameters
    ----------
    lmp_rt_usd_per_mwh : :math:`LMP_{rt}(i)`, 5-minute real-time price at the DSO's node. [USD/MWh]
    delivered_mwh : :math:`Q_{dso}(i)`, bulk-system energy delivered in each 5-minute
        interval (metered on the substation's high-voltage side). [MWh]
    cleared_mwh : :math:`Q_{clear}(h)`, hourly day-ahead cleared energy, bilateral energy included. [MWh]
    reading : ``five_minute`` (printed) or ``hourly_mean_drop_dec31`` (study; ``real_time_reading``). [-]

    Returns
    -------
    :math:`CostEnergy_{rt}` [$K/yr]; negative when the DSO sells back more than it buys.

    Notes
    -----
    The printed where-list also lists :math:`Q_{bi}(h)` although the equation does not
    use it: by footnote 12, :math:`Q_{clear}(h)` already includes the bilateral energy,
    so subtracting it again would count it twice.  The where-list's "day-ahead market"
    for :math:`CostEnergy_{rt}` is a copy error.

    Deviation from report (study reading): the original implementation (TESP dsot)
    multiplied hourly means of the 5-minute price and power and left out the hours of
    31 December (local date).  That drops the covariance of price and imbalance within
    each hour, and with it the real-time energy of one day.

    The 5-minute series must fill the hours of ``cleared_mwh`` exactly: same start, 5-minute
    steps, 12 intervals per hour.

    Examples
    --------
    >>> hours = pd.date_range("2016-01-01", periods=1, freq="h", tz="US/Central")
    >>> idx = pd.date_range(hours[0], periods=12, freq="5min")
    >>> lmp, delivered = pd.Series(10.0, index=idx), pd.Series(0.5, index=idx)
    >>> real_time_energy_cost_kusd(lmp, delivered, pd.Series(5.0, index=hours))  # 10 x (6 - 5) = 10 $
    0.01
    """
    hours, (lmp, delivered) = _five_minute_by_hour(
        cleared_mwh, lmp_rt_usd_per_mwh=lmp_rt_usd_per_mwh, delivered_mwh=delivered_mwh
    )
    (cleared,) = _aligned(cleared_mwh=cleared_mwh)
    if reading == "five_minute":
        return float(np.sum(lmp * (delivered - cleared[:, None] / INTERVALS_PER_HOUR))) / 1000.0
    if reading == "hourly_mean_drop_dec31":
        keep = ~np.asarray((hours.month == 12) & (hours.day == 31))
        hourly = lmp.mean(axis=1) * (delivered.sum(axis=1) - cleared)
        return float(np.sum(hourly[keep])) / 1000.0
    raise ValueError(f"unknown real-time reading {reading!r}")


@equation(8, section="3.3.1")
def wholesale_energy_cost_kusd(bilateral_kusd: float, day_ahead_kusd: float, real_time_kusd: float) -> float:
    r"""Total annual cost of wholesale energy purchases, :math:`CostEnergy_{whls}`.

    Eq. (8): $$CostEnergy_{whls} = CostEnergy_{bi} + CostEnergy_{da} + CostEnergy_{rt}$$

    Parameters
    ----------
    bilateral_kusd : :math:`CostEnergy_{bi}` (Eq. 9). [$K/yr]
    day_ahead_kusd : :math:`CostEnergy_{da}` (Eq. 10). [$K/yr]
    real_time_kusd : :math:`CostEnergy_{rt}` (Eq. 11). [$K/yr]

    Returns
    -------
    :math:`CostEnergy_{whls}` [$K/yr]

    Examples
    --------
    Table 21, DSO #1 BAU: 1,634,977 + 1,640,813 - 173,643 = 3,102,147 $K:

    >>> wholesale_energy_cost_kusd(1_634_977, 1_640_813, -173_643)
    3102147.0
    """
    return float(bilateral_kusd + day_ahead_kusd + real_time_kusd)


def energy_purchases_mwh(bilateral_mwh: pd.Series, cleared_mwh: pd.Series, delivered_mwh: pd.Series) -> dict[str, float]:
    r"""Energy bought bilaterally, day-ahead and in real time: the quantities priced by Eqs. 9-11.

    $$E_{bi} = \sum_h Q_{bi}(h),\quad E_{da} = \sum_h (Q_{clear}(h) - Q_{bi}(h)),\quad
    E_{rt} = \sum_h \sum_i \left[Q_{dso}(i) - \frac{Q_{clear}(h)}{12}\right]$$
    and their total, which equals the delivered energy :math:`\sum_h \sum_i Q_{dso}(i)`.

    Parameters
    ----------
    bilateral_mwh : :math:`Q_{bi}(h)`. [MWh]
    cleared_mwh : :math:`Q_{clear}(h)`. [MWh]
    delivered_mwh : :math:`Q_{dso}(i)`, 5-minute. [MWh]

    Returns
    -------
    ``bilateral``, ``day_ahead``, ``real_time`` and ``total`` [MWh]

    Examples
    --------
    >>> hours = pd.date_range("2016-01-01", periods=1, freq="h", tz="US/Central")
    >>> idx = pd.date_range(hours[0], periods=12, freq="5min")
    >>> energy_purchases_mwh(pd.Series(2.0, index=hours), pd.Series(5.0, index=hours), pd.Series(0.5, index=idx))
    {'bilateral': 2.0, 'day_ahead': 3.0, 'real_time': 1.0, 'total': 6.0}
    """
    _, (delivered,) = _five_minute_by_hour(cleared_mwh, delivered_mwh=delivered_mwh)
    cleared, bilateral = _aligned(cleared_mwh=cleared_mwh, bilateral_mwh=bilateral_mwh)
    parts = {
        "bilateral": float(bilateral.sum()),
        "day_ahead": float((cleared - bilateral).sum()),
        "real_time": float(delivered.sum() - cleared.sum()),  # = sum of Q_dso(i) - Q_clear(h)/12
    }
    return {**parts, "total": sum(parts.values())}


# --- Eq. 12: capacity ----------------------------------------------------------------------------


@equation(12, section="3.3.1.3")
def capacity_cost_kusd(
    capacity_price_usd_per_kw_yr: float,
    peak_mw: float,
    peak_bau_mw: float,
    installed_reserve_margin_ratio: float,
    sensitivity_factor: float,
    placement: SensitivityPlacement,
) -> float:
    r"""A DSO's annual cost of capacity reservation, :math:`CostCapacity_A`.

    Eq. (12) as printed (``whole_product``):
    $$CostCapacity_A = C_w \bar{P}_{max}\,IRM\,SF\left(1 - \frac{\bar{P}_{max-BAU} - \bar{P}_{max}}{\bar{P}_{max-BAU}}\right)$$
    As the text describes it and the study computed it (``reduction_only``):
    $$CostCapacity_A = C_w \bar{P}_{max}\,IRM\left(1 - SF\,\frac{\bar{P}_{max-BAU} - \bar{P}_{max}}{\bar{P}_{max-BAU}}\right)$$

    Parameters
    ----------
    capacity_price_usd_per_kw_yr : :math:`C_w`, capacity market clearing price ($75/kW-yr). [USD/kW-yr]
    peak_mw : :math:`\bar{P}_{max}`, the case's annual maximum 5-minute mean power. [MW]
    peak_bau_mw : :math:`\bar{P}_{max-BAU}`, the same for the BAU case. [MW]
    installed_reserve_margin_ratio : :math:`IRM` (115% = 1.15). [ratio]
    sensitivity_factor : :math:`SF`, price-quantity sensitivity (5). [ratio]
    placement : what :math:`SF` multiplies (``capacity_sensitivity_placement``). [-]

    Returns
    -------
    :math:`CostCapacity_A` [$K/yr] (USD/kW-yr x MW = $K/yr)

    Notes
    -----
    Deviation from report: as typeset, :math:`SF` multiplies the whole product, so a BAU
    case would pay five times :math:`C_w \bar{P}_{max} IRM`; the text ("a 1% reduction in
    required capacity reduces the cleared capacity market price by 5%") and Table 21
    (-42.2% for a 7.5% peak cut) put it on the relative reduction only.  The where-list
    prints :math:`C_w` as $75/MW-yr; the text's $75/kW-yr reproduces Table 21.  The
    report gives no floor: with ``reduction_only`` the cost turns negative for peak cuts
    beyond :math:`1/SF` (20%), and none is applied here.

    Examples
    --------
    DSO #1 BAU (study-implementation-facts.md): 75 x 24,382.8 MW x 1.15 (Table 21 prints 2,103,002):

    >>> capacity_cost_kusd(75.0, 24_382.8, 24_382.8, 1.15, 5.0, "reduction_only")
    2103016.5
    """
    if peak_bau_mw <= 0 or peak_mw < 0:
        raise ValueError(f"peaks must be non-negative and the BAU peak positive (got {peak_mw}, {peak_bau_mw})")
    reduction_frac = (peak_bau_mw - peak_mw) / peak_bau_mw
    if placement == "whole_product":
        factor = sensitivity_factor * (1.0 - reduction_frac)
    elif placement == "reduction_only":
        factor = 1.0 - sensitivity_factor * reduction_frac
    else:
        raise ValueError(f"unknown sensitivity placement {placement!r}")
    return float(capacity_price_usd_per_kw_yr * peak_mw * installed_reserve_margin_ratio * factor)


# --- Eqs. 13-15: fees and reserves ------------------------------------------------------------------


def _energy_mwh(delivered_mwh: npt.ArrayLike) -> float:
    energy = np.asarray(delivered_mwh, dtype=np.float64)
    if not np.isfinite(energy).all():
        raise ValueError("delivered_mwh contains NaN or infinite values")
    return float(energy.sum())


@equation(13, section="3.3.1.4")
def transmission_access_fee_kusd(rate_usd_per_mwh: float, delivered_mwh: npt.ArrayLike) -> float:
    r"""A DSO's annual transmission access fee, :math:`TransFee_A`.

    Eq. (13): $$TransFee_A = \bar{P}_t \sum_{h=1}^{8760} \sum_{i=1}^{12} Q_{dso}(i)$$

    Parameters
    ----------
    rate_usd_per_mwh : :math:`\bar{P}_t`, postage stamp rate ($12.30/MWh printed, $12.38/MWh study). [USD/MWh]
    delivered_mwh : :math:`Q_{dso}(i)`, the 5-minute deliveries or their annual total. [MWh]

    Returns
    -------
    :math:`TransFee_A` [$K/yr]

    Notes
    -----
    Deviation from report: Table 21 was computed at $12.38/MWh on the energy purchased.
    Its battery column further subtracts the transmission capital avoided by the case's
    peak reduction, :func:`transmission_peak_credit_kusd`; :func:`transmission_line_item_kusd`
    composes the two.

    Examples
    --------
    DSO #1 BAU, 103.406 TWh (study-implementation-facts.md; Table 21 prints 1,280,164):

    >>> round(transmission_access_fee_kusd(12.38, 103.406e6))
    1280166
    """
    return rate_usd_per_mwh * _energy_mwh(delivered_mwh) / 1000.0


def transmission_peak_credit_kusd(
    peak_reduction_mw: float, transmission_capital_usd_per_kw: float, accf_transmission_frac: float
) -> float:
    r"""Study-only credit against the transmission fee for a case's peak reduction.

    $$Credit = (\bar{P}_{max-BAU} - \bar{P}_{max})\,TransCap_{kW}\,ACCF_{trans}$$
    No equation of the report holds this term; Table 21's battery column fits
    :math:`TransFee_A - Credit` (study-implementation-facts.md), with
    :math:`TransCap_{kW}` = $169/kW (Section 6.2) and :math:`ACCF_{trans}` = 8.25% (Table 2).

    Parameters
    ----------
    peak_reduction_mw : :math:`\bar{P}_{max-BAU} - \bar{P}_{max}`. [MW]
    transmission_capital_usd_per_kw : transmission capital per kW of peak. [USD/kW]
    accf_transmission_frac : :math:`ACCF_{trans}`. [1/yr]

    Returns
    -------
    Credit [$K/yr] (MW x USD/kW = $K)

    Examples
    --------
    >>> round(transmission_peak_credit_kusd(1_000.0, 169.0, 0.0825), 1)
    13942.5
    """
    return peak_reduction_mw * transmission_capital_usd_per_kw * accf_transmission_frac


def transmission_line_item_kusd(
    rate_usd_per_mwh: float,
    delivered_mwh: npt.ArrayLike,
    peak_reduction_mw: float,
    transmission_capital_usd_per_kw: float,
    accf_transmission_frac: float,
    peak_credit: TransmissionPeakCredit,
) -> float:
    """Table 21's "Transmission Access Fees": Eq. 13, less the study's peak credit when it applies.

    Parameters
    ----------
    rate_usd_per_mwh, delivered_mwh : as for :func:`transmission_access_fee_kusd`.
    peak_reduction_mw, transmission_capital_usd_per_kw, accf_transmission_frac : as for
        :func:`transmission_peak_credit_kusd`.
    peak_credit : ``none`` (printed) or ``peak_reduction_capital`` (study; ``transmission_peak_credit``). [-]

    Returns
    -------
    Transmission access fees [$K/yr]

    Examples
    --------
    >>> transmission_line_item_kusd(10.0, 1_000.0, 100.0, 169.0, 0.0825, "none")
    10.0
    """
    fee = transmission_access_fee_kusd(rate_usd_per_mwh, delivered_mwh)
    if peak_credit == "none":
        return fee
    if peak_credit == "peak_reduction_capital":
        return fee - transmission_peak_credit_kusd(peak_reduction_mw, transmission_capital_usd_per_kw, accf_transmission_frac)
    raise ValueError(f"unknown transmission peak credit {peak_credit!r}")


@equation(14, section="3.3.1.5")
def iso_fee_kusd(rate_usd_per_mwh: float, delivered_mwh: npt.ArrayLike) -> float:
    r"""A DSO's annual ISO fee, :math:`IsoFee_A`.

    Eq. (14): $$IsoFee_A = \bar{P}_I \sum_{h=1}^{8760} \sum_{i=1}^{12} Q_{dso}(i)$$

    Parameters
    ----------
    rate_usd_per_mwh : :math:`\bar{P}_I`, ISO fee ($0.555/MWh in the MR BAU case, Section 6.3). [USD/MWh]
    delivered_mwh : :math:`Q_{dso}(i)`, the 5-minute deliveries or their annual total. [MWh]

    Returns
    -------
    :math:`IsoFee_A` [$K/yr]

    Notes
    -----
    Section 6.3 adjusts the fee in transactive cases to keep the ISO's revenue; Table 21's
    battery column fits $0.555/MWh on the case's 95.34 TWh, i.e. no adjustment
    (study-implementation-facts.md).

    Examples
    --------
    DSO #1 BAU, 103.406 TWh (Table 21 prints 57,390):

    >>> round(iso_fee_kusd(0.555, 103.406e6))
    57390
    """
    return rate_usd_per_mwh * _energy_mwh(delivered_mwh) / 1000.0


def regulation_price_usd_per_mwh(up_usd_per_mwh: float, down_usd_per_mwh: float) -> float:
    r"""Average regulation price of Table 16, :math:`\bar{P}_{reg}`: the mean of up and down.

    Parameters
    ----------
    up_usd_per_mwh, down_usd_per_mwh : regulation up and down prices (Table 16). [USD/MWh]

    Returns
    -------
    :math:`\bar{P}_{reg}` [USD/MWh]

    Notes
    -----
    (8.20 + 6.47) / 2 = 7.335; Table 16 prints 7.34, and the study used 7.34: it
    reproduces Table 21's reserves (224,887 $K) where 7.335 gives 224,882 $K.

    Examples
    --------
    >>> round(regulation_price_usd_per_mwh(8.20, 6.47), 4)
    7.335
    """
    return (up_usd_per_mwh + down_usd_per_mwh) / 2.0


def reserve_rate_usd_per_mwh(
    regulation_frac: float,
    regulation_price_usd_per_mwh: float,
    spinning_frac: float,
    spinning_price_usd_per_mwh: float,
    nonspinning_frac: float,
    nonspinning_price_usd_per_mwh: float,
) -> float:
    r"""Reserve cost per MWh delivered: the bracket of Eq. 15.

    $$f_{reg}\bar{P}_{reg} + f_{spin}\bar{P}_{spin} + f_{nspin}\bar{P}_{nspin}$$

    Parameters
    ----------
    regulation_frac, spinning_frac, nonspinning_frac : :math:`f`, requirement per MWh delivered. [frac]
    regulation_price_usd_per_mwh, spinning_price_usd_per_mwh, nonspinning_price_usd_per_mwh :
        :math:`\bar{P}` (Table 16). [USD/MWh]

    Returns
    -------
    Rate [USD/MWh]

    Examples
    --------
    Printed 1%/5%/5% and study 1%/14%/14% with Table 16's prices:

    >>> round(reserve_rate_usd_per_mwh(0.01, 7.34, 0.05, 11.10, 0.05, 3.91), 4)
    0.8239
    >>> round(reserve_rate_usd_per_mwh(0.01, 7.34, 0.14, 11.10, 0.14, 3.91), 4)
    2.1748
    """
    return (
        regulation_frac * regulation_price_usd_per_mwh
        + spinning_frac * spinning_price_usd_per_mwh
        + nonspinning_frac * nonspinning_price_usd_per_mwh
    )


@equation(15, section="3.3.1.6")
def reserve_cost_kusd(reserve_rate_usd_per_mwh: float, delivered_mwh: npt.ArrayLike) -> float:
    r"""A DSO's annual share of ancillary-service reservation payments, :math:`CostReserve_A`.

    Eq. (15): $$CostReserve_A = (f_{reg}\bar{P}_{reg} + f_{spin}\bar{P}_{spin} + f_{nspin}\bar{P}_{nspin})
    \sum_{h=1}^{8760} \sum_{i=1}^{12} Q_{dso}(i)$$

    Parameters
    ----------
    reserve_rate_usd_per_mwh : the bracket, :func:`reserve_rate_usd_per_mwh`. [USD/MWh]
    delivered_mwh : :math:`Q_{dso}(i)`, the 5-minute deliveries or their annual total. [MWh]

    Returns
    -------
    :math:`CostReserve_A` [$K/yr]

    Notes
    -----
    Deviation from report: the where-list gives :math:`f_{spin} = f_{nspin}` = 5%
    (0.8239 $/MWh); Table 21 was computed with 14% each (an up-reserve of 15% of energy
    less the 1% regulation; 2.1748 $/MWh), per study-implementation-facts.md.

    Examples
    --------
    DSO #1 BAU, 103.406 TWh at 2.1748 $/MWh (Table 21 prints 224,887):

    >>> round(reserve_cost_kusd(2.1748, 103.406e6))
    224887
    """
    return reserve_rate_usd_per_mwh * _energy_mwh(delivered_mwh) / 1000.0


def transmission_losses_cost_kusd() -> float:
    """A DSO's annual cost of transmission losses: zero (Section 3.3.1.7).

    Returns
    -------
    0.0 [$K/yr]

    Notes
    -----
    The report does not compute transmission losses ("generally small, in the range of
    1%-3%"); the CFS line "ISO Losses" is assigned zero pending a future model, as in
    Table 21.  Distribution losses are inside :math:`Q_{dso}` (metered at the substation's
    high-voltage side), so they are paid for through Eqs. 9-15.

    Examples
    --------
    >>> transmission_losses_cost_kusd()
    0.0
    """
    return 0.0


# --- Inputs ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WholesaleParameters:
    """Inputs of Section 3.3.1 for one parameter set (``data/parameters/wholesale.csv``)."""

    parameter_set: ParameterSet
    block_hours: dict[TimeBlock, tuple[int, int]]
    """(start, end) local clock hour of each Table 14 block except nighttime."""
    contract_of: dict[TimeBlock, ContractBlock]
    """Table 15 contract block of each Table 14 time block."""
    bilateral_price_reading: BilateralPriceReading
    bilateral_quantity_basis: BilateralQuantityBasis
    real_time_reading: RealTimeReading
    capacity_price_usd_per_kw_yr: float
    installed_reserve_margin_ratio: float
    capacity_sensitivity_factor: float
    capacity_sensitivity_placement: SensitivityPlacement
    transmission_rate_usd_per_mwh: float
    transmission_peak_credit: TransmissionPeakCredit
    transmission_capital_usd_per_kw: float
    accf_transmission_frac: float
    iso_fee_usd_per_mwh: float
    regulation_price_usd_per_mwh: float
    regulation_up_price_usd_per_mwh: float
    regulation_down_price_usd_per_mwh: float
    spinning_price_usd_per_mwh: float
    nonspinning_price_usd_per_mwh: float
    regulation_frac: float
    spinning_frac: float
    nonspinning_frac: float

    @property
    def reserve_rate_usd_per_mwh(self) -> float:
        """The bracket of Eq. 15 for these parameters."""
        return reserve_rate_usd_per_mwh(
            self.regulation_frac,
            self.regulation_price_usd_per_mwh,
            self.spinning_frac,
            self.spinning_price_usd_per_mwh,
            self.nonspinning_frac,
            self.nonspinning_price_usd_per_mwh,
        )


def _clock_hour(frame: pd.DataFrame, parameter: str, block: str) -> int:
    value = parameter_value(frame, parameter, time_block=block, service="all")
    if not value.is_integer():
        raise ParameterError(f"data/parameters/wholesale.csv: {parameter} of {block} must be a whole hour (got {value:g})")
    return int(value)


def load_wholesale_parameters(parameter_set: ParameterSet = "study", data: Path | None = None) -> WholesaleParameters:
    """Load the Section 3.3.1 inputs of one parameter set.

    Examples
    --------
    >>> p = load_wholesale_parameters("study")
    >>> p.block_hours["weekday-evening"], p.transmission_rate_usd_per_mwh, round(p.reserve_rate_usd_per_mwh, 4)
    ((16, 20), 12.38, 2.1748)
    """
    frame = load_parameters("wholesale", parameter_set, data)

    def number(name: str, service: str = "all") -> float:
        return parameter_value(frame, name, time_block="all", service=service)

    def text(name: str) -> str:
        return parameter_text(frame, name, time_block="all", service="all")

    blocks: list[TimeBlock] = [b for b in TIME_BLOCKS if b != "nighttime"]
    block_hours: dict[TimeBlock, tuple[int, int]] = {
        b: (_clock_hour(frame, "block_start_hour", b), _clock_hour(frame, "block_end_hour", b)) for b in blocks
    }
    _block_table(block_hours)  # rejects overlapping or out-of-range blocks
    contract_of = {
        b: _literal(parameter_text(frame, "contract_block", time_block=b, service="all"), CONTRACT_BLOCKS, "contract_block")
        for b in TIME_BLOCKS
    }
    return WholesaleParameters(
        parameter_set=parameter_set,
        block_hours=block_hours,
        contract_of=contract_of,
        bilateral_price_reading=_literal(text("bilateral_price_reading"), get_args(BilateralPriceReading), "reading"),
        bilateral_quantity_basis=_literal(text("bilateral_quantity_basis"), get_args(BilateralQuantityBasis), "basis"),
        real_time_reading=_literal(text("real_time_reading"), get_args(RealTimeReading), "reading"),
        capacity_price_usd_per_kw_yr=number("capacity_price"),
        installed_reserve_margin_ratio=number("installed_reserve_margin"),
        capacity_sensitivity_factor=number("capacity_sensitivity_factor"),
        capacity_sensitivity_placement=_literal(
            text("capacity_sensitivity_placement"), get_args(SensitivityPlacement), "placement"
        ),
        transmission_rate_usd_per_mwh=number("transmission_rate"),
        transmission_peak_credit=_literal(text("transmission_peak_credit"), get_args(TransmissionPeakCredit), "credit"),
        transmission_capital_usd_per_kw=number("transmission_capital_cost"),
        accf_transmission_frac=number("transmission_accf"),
        iso_fee_usd_per_mwh=number("iso_fee_rate"),
        regulation_price_usd_per_mwh=number("reserve_price", "regulation"),
        regulation_up_price_usd_per_mwh=number("reserve_price", "regulation_up"),
        regulation_down_price_usd_per_mwh=number("reserve_price", "regulation_down"),
        spinning_price_usd_per_mwh=number("reserve_price", "spinning"),
        nonspinning_price_usd_per_mwh=number("reserve_price", "nonspinning"),
        regulation_frac=number("reserve_fraction", "regulation"),
        spinning_frac=number("reserve_fraction", "spinning"),
        nonspinning_frac=number("reserve_fraction", "nonspinning"),
    )


def bilateral_schedule(
    lmp_da_usd_per_mwh: pd.Series, cleared_mwh: pd.Series, hourly_load_mwh: pd.Series, params: WholesaleParameters
) -> pd.DataFrame:
    """Hourly bilateral contract energy and price (Tables 14-15, Section 3.3.1.1) under one parameter set.

    Parameters
    ----------
    lmp_da_usd_per_mwh : :math:`LMP_{da}(h)`. [USD/MWh]
    cleared_mwh : :math:`Q_{clear}(h)`, the study's quantity basis. [MWh]
    hourly_load_mwh : delivered load of each hour incl. distribution losses
        (:func:`hourly_energy_mwh`), the printed quantity basis and price weight. [MWh]
    params : :func:`load_wholesale_parameters`.

    Returns
    -------
    Columns ``time_block``, ``contract_block``, ``bilateral_mwh`` [MWh] and
    ``bilateral_price_usd_per_mwh`` [USD/MWh], on the hourly index

    Notes
    -----
    The hourly index is read in its own time zone, which must be the node's local
    prevailing time (convert it first, e.g. ``tz_convert("US/Central")``).
    """
    _aligned(lmp_da_usd_per_mwh=lmp_da_usd_per_mwh, cleared_mwh=cleared_mwh, hourly_load_mwh=hourly_load_mwh)
    blocks = time_blocks(_series_index(cleared_mwh, "cleared_mwh"), params.block_hours)
    contract = contract_blocks(blocks, params.contract_of)
    basis = cleared_mwh if params.bilateral_quantity_basis == "day_ahead_cleared" else hourly_load_mwh
    power = bilateral_block_power_mw(basis, contract)
    prices = bilateral_block_prices_usd_per_mwh(lmp_da_usd_per_mwh, hourly_load_mwh, contract, params.bilateral_price_reading)
    return pd.DataFrame(
        {
            "time_block": blocks,
            "contract_block": contract,
            "bilateral_mwh": hourly_from_blocks(contract, power),
            "bilateral_price_usd_per_mwh": hourly_from_blocks(contract, prices),
        }
    )
