r"""Section 4's heavy pass: per-customer, per-month sufficient statistics of interval data.

Every bill (Eqs. 19-29), every revenue (Eqs. 30-41) and all of the ratemaking
(Eqs. 42-61) need only a few sums and maxima of each customer's interval data per
month.  This module computes them in **one pass** over the data, as a *map* over
batches of customers (each batch independent, so a distributed engine could run the
batches elsewhere) followed by a *reduce* that stacks the per-customer results.  Nothing
downstream rereads interval data, and memory is bounded by the batch, not by the number
of customers.

Statistics of customer :math:`c` in month :math:`m` (all intervals :math:`i` and hours
:math:`h` of the month; :math:`Q` = 5-minute net metered energy, :math:`Q_{da}` = hourly
day-ahead purchase, :math:`LMP` in USD/MWh at the customer's DSO node, :math:`P` retail
clearing price in USD/kWh at its substation):

==================== ================================================================= ======
field                definition                                                        unit
==================== ================================================================= ======
``energy_kwh``       :math:`\sum_i Q(i)` (Eq. 19)                                      kWh
``demand_block_kw``  :math:`\max_f 4\sum_{i \in f} Q(i)`, clock-aligned 15-min blocks f kW
                     (Eq. 23 as printed)
``demand_rolling_kw``:math:`\max_i 4\,(Q(i) + Q(i-1) + Q(i-2))`, a rolling 15-minute   kW
                     mean (the study's reading of Eq. 23)
``rt_lmp_usd``       :math:`\sum_i Q(i)\,LMP_{rt}(i)/1000`                             USD
``rt_price_usd``     :math:`\sum_i Q(i)\,P_{rt}(i)`                                    USD
``da_kwh``           :math:`\sum_h Q_{da}(h)`                                          kWh
``da_lmp_usd``       :math:`\sum_h Q_{da}(h)\,LMP_{da}(h)/1000`                        USD
``da_price_usd``     :math:`\sum_h Q_{da}(h)\,P_{da}(h)`                               USD
``da_rt_lmp_usd``    :math:`\sum_h \frac{Q_{da}(h)}{12}\sum_{i \in h} LMP_{rt}(i)/1000`   USD
``da_rt_price_usd``  :math:`\sum_h \frac{Q_{da}(h)}{12}\sum_{i \in h} P_{rt}(i)`          USD
==================== ================================================================= ======

The energy statistics need only a customer's meter data and the prices; the day-ahead
statistics only its day-ahead purchases and the prices; the two passes are independent
and joined by customer id.  With them, for any retail multiplier :math:`A` and
distribution price :math:`P_{dist}`: Eq. 26 is :math:`A` ``da_lmp_usd``; Eq. 27 is
:math:`A` (``rt_lmp_usd`` - ``da_rt_lmp_usd``); Eq. 28 is ``energy_kwh``
:math:`(P_{dist} - \Delta P_m)`; and Eq. 58's congestion sums follow from the price
fields (Eqs. 59-60).

The kernel is compiled with numba and runs over the customers of a batch in parallel;
:func:`reference_statistics` is a plain numpy version for tests.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import numba
import numpy as np
import numpy.typing as npt
import pandas as pd
from llvmlite import ir as llvm_ir
from numba.core import types
from numba.extending import intrinsic

from dsot.cases.reader import Case
from dsot.registry import equation

FloatArray = npt.NDArray[np.float64]

ENERGY_FIELDS = ("energy_kwh", "demand_block_kw", "demand_rolling_kw", "rt_lmp_usd", "rt_price_usd")
DAY_AHEAD_FIELDS = ("da_kwh", "da_lmp_usd", "da_price_usd", "da_rt_lmp_usd", "da_rt_price_usd")
INTERVALS_PER_HOUR = 12
INTERVALS_PER_BLOCK = 3
LOWEST = 1e300
"""Magnitude of the finite start value of running maxima (the fast-math kernel assumes finite values;
validated cases hold only finite numbers)."""
INT64_LOWEST = -(2**63) + 1
"""Start value of the integer running maximum in :func:`_max_of_sums`."""


@dataclass(frozen=True)
class Prices:
    """Prices on the case grid, one row per DSO node (LMPs) or substation (retail prices).

    ``lmp_rt`` and ``price_rt`` are 5-minute (rows x intervals), ``lmp_da`` and ``price_da``
    hourly (rows x hours); a BAU case has zero retail prices.  ``month_of_interval`` and
    ``month_of_hour`` give each interval's and hour's local month (0-based within the case).
    """

    lmp_rt_usd_per_mwh: FloatArray
    price_rt_usd_per_kwh: FloatArray
    lmp_da_usd_per_mwh: FloatArray
    price_da_usd_per_kwh: FloatArray
    month_of_interval: npt.NDArray[np.int64]
    month_of_hour: npt.NDArray[np.int64]
    months: pd.PeriodIndex

    @property
    def month_bounds(self) -> npt.NDArray[np.int64]:
        """First interval of each month, and the number of intervals at the end."""
        starts = np.flatnonzero(np.r_[True, np.diff(self.month_of_interval) != 0])
        return np.asarray(np.r_[starts, len(self.month_of_interval)], dtype=np.int64)

    @property
    def hourly_mean_lmp_rt(self) -> FloatArray:
        """Hourly means of the 5-minute LMPs (rows x hours)."""
        rows, n = self.lmp_rt_usd_per_mwh.shape
        return np.asarray(self.lmp_rt_usd_per_mwh.reshape(rows, n // INTERVALS_PER_HOUR, -1).mean(axis=2))

    @property
    def hourly_mean_price_rt(self) -> FloatArray:
        """Hourly means of the 5-minute retail prices (rows x hours)."""
        rows, n = self.price_rt_usd_per_kwh.shape
        return np.asarray(self.price_rt_usd_per_kwh.reshape(rows, n // INTERVALS_PER_HOUR, -1).mean(axis=2))


@intrinsic
def _bits(typingctx, x):  # type: ignore[no-untyped-def]  # pragma: no cover
    """The IEEE-754 bits of a float64 as an int64 (a bit cast, no conversion)."""
    if x != types.float64:
        return None

    def codegen(context, builder, signature, args):  # type: ignore[no-untyped-def]
        return builder.bitcast(args[0], llvm_ir.IntType(64))

    return types.int64(types.float64), codegen


@intrinsic
def _from_bits(typingctx, x):  # type: ignore[no-untyped-def]  # pragma: no cover
    """The float64 whose IEEE-754 bits are the int64 ``x`` (inverse of :func:`_bits`)."""
    if x != types.int64:
        return None

    def codegen(context, builder, signature, args):  # type: ignore[no-untyped-def]
        return builder.bitcast(args[0], llvm_ir.DoubleType())

    return types.float64(types.int64), codegen


@numba.njit(fastmath=True, cache=True, inline="always")
def _max_of_sums(q, start, step):  # type: ignore[no-untyped-def]  # pragma: no cover
    """Largest 15-minute sum ``q[t] + q[t+1] + q[t+2]`` for t = start, start + step, ... (in float64).

    LLVM does not vectorize a floating-point maximum here, but it does an integer one.
    Non-negative doubles order like their bits read as int64, and every negative double
    reads as a negative int64: so when the largest bit pattern is non-negative it is the
    largest sum.  Otherwise every sum is negative (a month of net export), and the loop is
    repeated with float comparisons.
    """
    count = (q.shape[0] - 2 - start + step - 1) // step
    top = INT64_LOWEST
    for j in range(count):
        t = start + j * step
        k = _bits(np.float64(q[t]) + np.float64(q[t + 1]) + np.float64(q[t + 2]))
        top = k if k > top else top
    if top >= 0:
        return _from_bits(top)
    best = -LOWEST
    for j in range(count):
        t = start + j * step
        best = max(best, np.float64(q[t]) + np.float64(q[t + 1]) + np.float64(q[t + 2]))
    return best


@numba.njit(parallel=True, cache=True, fastmath=True)
def _energy_kernel(energy, bounds, dso_row, sub_row, lmp_rt, price_rt, use_price, chunks, out):  # type: ignore[no-untyped-def]  # pragma: no cover
    """Month-outer loop within each thread's customers, so a month of prices stays in cache.

    Loops run over slices from index 0 (numba then drops its negative-index checks and
    LLVM vectorizes the sums); maxima go through :func:`_max_of_sums`.
    """
    customers = energy.shape[0]
    n_months = len(bounds) - 1
    size = (customers + chunks - 1) // chunks
    for k in numba.prange(chunks):
        lo = k * size
        hi = min(customers, lo + size)
        for m in range(n_months):
            a = bounds[m]
            b = bounds[m + 1]
            for c in range(lo, hi):
                q = energy[c, a:b]
                lmp = lmp_rt[dso_row[c], a:b]
                total = 0.0
                lmp_sum = 0.0
                for t in range(q.shape[0]):
                    x = np.float64(q[t])
                    total += x
                    lmp_sum += x * lmp[t]
                price_sum = 0.0
                if use_price:
                    price = price_rt[sub_row[c], a:b]
                    for t in range(q.shape[0]):
                        price_sum += np.float64(q[t]) * price[t]
                # the rolling sums ending at the month's first two intervals reach into the
                # previous month (zeros before the first interval of the data)
                p1 = np.float64(energy[c, a - 1]) if a >= 1 else 0.0
                p2 = np.float64(energy[c, a - 2]) if a >= 2 else 0.0
                q0 = np.float64(q[0])
                first = max(q0 + p1 + p2, np.float64(q[1]) + q0 + p1)
                out[c, m, 0] = total
                out[c, m, 1] = 4.0 * _max_of_sums(q, 0, INTERVALS_PER_BLOCK)
                out[c, m, 2] = 4.0 * max(first, _max_of_sums(q, 0, 1))
                out[c, m, 3] = lmp_sum / 1000.0
                out[c, m, 4] = price_sum


@numba.njit(parallel=True, cache=True, fastmath=False)
def _day_ahead_kernel(day_ahead, months, dso_row, sub_row, lmp_da, price_da, lmp_rt_mean, price_rt_mean, out):  # type: ignore[no-untyped-def]  # pragma: no cover
    customers, hours = day_ahead.shape
    for c in numba.prange(customers):
        g = dso_row[c]
        s = sub_row[c]
        for h in range(hours):
            q = np.float64(day_ahead[c, h])
            m = months[h]
            out[c, m, 0] += q
            out[c, m, 1] += q * lmp_da[g, h] / 1000.0
            out[c, m, 2] += q * price_da[s, h]
            out[c, m, 3] += q * lmp_rt_mean[g, h] / 1000.0
            out[c, m, 4] += q * price_rt_mean[s, h]


@equation(19, section="4.1.1")
def energy_statistics(
    energy_kwh: npt.NDArray[np.floating], dso_row: npt.NDArray[np.int64], sub_row: npt.NDArray[np.int64], prices: Prices
) -> FloatArray:
    r"""Map step for meter data: customers x months x :data:`ENERGY_FIELDS`.

    Its ``energy_kwh`` field is Eq. (19), the month's consumption
    $$Q_{cust_m} = \sum_{d=1}^{D_m}\sum_{h=1}^{24}\sum_{f=1}^{4} Q_{cust_{m,d,h,f}}$$
    (summed over 5-minute intervals, which make up the 15-minute ones); its demand
    fields are the maxima of Eq. (23).

    Parameters
    ----------
    energy_kwh : 5-minute net metered energy, customers x intervals (float32 or float64). [kWh]
    dso_row, sub_row : each customer's row in the LMP and retail-price arrays of ``prices``.
    prices : the case's prices and month indexes.
    """
    if energy_kwh.shape[1] != len(prices.month_of_interval):
        raise ValueError(f"{energy_kwh.shape[1]} intervals per customer; the prices have {len(prices.month_of_interval)}")
    bounds = prices.month_bounds
    if np.any(bounds % INTERVALS_PER_BLOCK):
        raise ValueError("months must start on 15-minute block boundaries (the case starts on the hour)")
    out = np.zeros((energy_kwh.shape[0], len(prices.months), len(ENERGY_FIELDS)))
    _energy_kernel(
        np.ascontiguousarray(energy_kwh),
        bounds,
        dso_row,
        sub_row,
        prices.lmp_rt_usd_per_mwh,
        prices.price_rt_usd_per_kwh,
        bool(np.any(prices.price_rt_usd_per_kwh)),
        numba.get_num_threads(),
        out,
    )
    return out


def day_ahead_statistics(
    day_ahead_kwh: npt.NDArray[np.floating], dso_row: npt.NDArray[np.int64], sub_row: npt.NDArray[np.int64], prices: Prices
) -> FloatArray:
    """Map step for day-ahead purchases: customers x months x :data:`DAY_AHEAD_FIELDS`."""
    out = np.zeros((day_ahead_kwh.shape[0], len(prices.months), len(DAY_AHEAD_FIELDS)))
    _day_ahead_kernel(
        np.ascontiguousarray(day_ahead_kwh),
        prices.month_of_hour,
        dso_row,
        sub_row,
        prices.lmp_da_usd_per_mwh,
        prices.price_da_usd_per_kwh,
        prices.hourly_mean_lmp_rt,
        prices.hourly_mean_price_rt,
        out,
    )
    return out


def reduce_statistics(
    batches: Iterable[tuple[npt.NDArray[np.int64], FloatArray]], fields: tuple[str, ...], months: pd.PeriodIndex
) -> pd.DataFrame:
    """Reduce step: stack per-batch results into a frame indexed by (customer, month)."""
    ids: list[npt.NDArray[np.int64]] = []
    values: list[FloatArray] = []
    for batch_ids, stats in batches:
        ids.append(np.repeat(batch_ids, len(months)))
        values.append(stats.reshape(-1, len(fields)))
    if not ids:
        return pd.DataFrame(columns=list(fields), index=pd.MultiIndex.from_arrays([[], []], names=["customer", "month"]))
    customer = np.concatenate(ids)
    month = np.tile(np.arange(len(months)), len(customer) // len(months))
    index = pd.MultiIndex.from_arrays([customer, months[month]], names=["customer", "month"])
    return pd.DataFrame(np.concatenate(values), index=index, columns=list(fields)).sort_index()


def map_batches(
    batches: Iterable[tuple[npt.NDArray[np.int64], npt.NDArray[np.floating]]],
    rows: pd.DataFrame,
    prices: Prices,
    day_ahead: bool = False,
) -> Iterator[tuple[npt.NDArray[np.int64], FloatArray]]:
    """Map every batch of (customer ids, values) to its statistics.

    ``rows`` maps each customer id (index) to its ``dso_row`` and ``sub_row`` in ``prices``.
    """
    kernel = day_ahead_statistics if day_ahead else energy_statistics
    for ids, values in batches:
        where = rows.loc[ids]
        yield ids, kernel(values, where["dso_row"].to_numpy(np.int64), where["sub_row"].to_numpy(np.int64), prices)


# --- a plain reference implementation (for tests) ---------------------------------------------


def reference_statistics(
    energy_kwh: FloatArray, day_ahead_kwh: FloatArray | None, dso_row: int, sub_row: int, prices: Prices
) -> pd.DataFrame:
    """The statistics of one customer computed the obvious way with pandas (months x fields)."""
    q = pd.Series(np.asarray(energy_kwh, dtype=np.float64))
    month = pd.Series(prices.month_of_interval)
    block = q.groupby(np.arange(len(q)) // INTERVALS_PER_BLOCK).transform("sum") * 4
    rolling = q.rolling(INTERVALS_PER_BLOCK, min_periods=1).sum() * 4
    frame = pd.DataFrame(
        {
            "energy_kwh": q,
            "demand_block_kw": block,
            "demand_rolling_kw": rolling,
            "rt_lmp_usd": q * prices.lmp_rt_usd_per_mwh[dso_row] / 1000,
            "rt_price_usd": q * prices.price_rt_usd_per_kwh[sub_row],
        }
    )
    out = frame.groupby(month).agg(
        {"energy_kwh": "sum", "demand_block_kw": "max", "demand_rolling_kw": "max", "rt_lmp_usd": "sum", "rt_price_usd": "sum"}
    )
    qda = pd.Series(np.zeros(len(prices.month_of_hour)) if day_ahead_kwh is None else np.asarray(day_ahead_kwh, dtype=np.float64))
    hourly = (
        pd.DataFrame(
            {
                "da_kwh": qda,
                "da_lmp_usd": qda * prices.lmp_da_usd_per_mwh[dso_row] / 1000,
                "da_price_usd": qda * prices.price_da_usd_per_kwh[sub_row],
                "da_rt_lmp_usd": qda * prices.hourly_mean_lmp_rt[dso_row] / 1000,
                "da_rt_price_usd": qda * prices.hourly_mean_price_rt[sub_row],
            }
        )
        .groupby(pd.Series(prices.month_of_hour))
        .sum()
    )
    return out.join(hourly).set_axis(prices.months[out.index])


# --- from a case -------------------------------------------------------------------------------


def prices_from_case(case: Case) -> tuple[Prices, pd.DataFrame]:
    """The case's prices on its grid and each customer's price rows (``dso_row``, ``sub_row``)."""
    meta = case.metadata
    dsos = list(meta.dso_ids)
    subs = list(meta.substations)
    fives, hours = meta.grid(5), meta.grid(60)

    def matrix(table: str, column: str, keys: Sequence[object], length: int) -> FloatArray:
        if not case.has(table):
            return np.zeros((len(keys), length))
        frame = case.table(table)
        key = case.specs[table].key
        return np.vstack([frame.loc[frame[key] == k, column].to_numpy(np.float64) for k in keys])

    months = fives.tz_localize(None).to_period("M")
    unique = pd.PeriodIndex(months.unique())
    prices = Prices(
        lmp_rt_usd_per_mwh=matrix("system_5min", "rt_lmp_usd_per_mwh", dsos, len(fives)),
        price_rt_usd_per_kwh=matrix("retail_5min", "rt_price_usd_per_kwh", subs, len(fives)),
        lmp_da_usd_per_mwh=matrix("system_hourly", "da_lmp_usd_per_mwh", dsos, len(hours)),
        price_da_usd_per_kwh=matrix("retail_hourly", "da_price_usd_per_kwh", subs, len(hours)),
        month_of_interval=np.asarray(unique.get_indexer(months), dtype=np.int64),
        month_of_hour=np.asarray(unique.get_indexer(hours.tz_localize(None).to_period("M")), dtype=np.int64),
        months=unique,
    )
    customers = case.table("customers").set_index("customer")
    rows = pd.DataFrame(
        {
            "dso_row": customers["dso"].map({d: i for i, d in enumerate(dsos)}),
            "sub_row": customers["substation"].map({s: i for i, s in enumerate(subs)}),
        },
        index=customers.index,
    )
    return prices, rows


def case_statistics(case: Case, batch_rows: int = 256) -> pd.DataFrame:
    """All customers' monthly statistics of a case, streamed from its Parquet files.

    Returns a frame indexed by (customer, month) with :data:`ENERGY_FIELDS` and
    :data:`DAY_AHEAD_FIELDS` (zero for customers without day-ahead purchases).
    """
    prices, rows = prices_from_case(case)
    energy = reduce_statistics(
        map_batches(case.iter_arrays("customer_energy", batch_rows), rows, prices), ENERGY_FIELDS, prices.months
    )
    if case.has("customer_day_ahead"):
        day_ahead = reduce_statistics(
            map_batches(case.iter_arrays("customer_day_ahead", batch_rows), rows, prices, day_ahead=True),
            DAY_AHEAD_FIELDS,
            prices.months,
        )
    else:
        day_ahead = pd.DataFrame(columns=list(DAY_AHEAD_FIELDS), index=energy.index[:0], dtype=float)
    return energy.join(day_ahead, how="left").fillna(0.0)
