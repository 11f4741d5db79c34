"""Throughput benchmark of the statistics engine (``dsot bench``; never a timed unit test).

Each run measures customer-years per second at 5-minute resolution (105,408 intervals,
the 2016 year) for N customers, in one of two modes, and prints one JSON line:

* ``memory``: a resident batch of customers' float32 interval data is passed through the
  engine's map step N / batch times (the data are in memory; the buffer is reused, so
  memory does not grow with N);
* ``streaming``: the same data read from Parquet part files in the case format
  (``customer_energy/part-*.parquet``), batch by batch, then mapped.  The part files are
  links to one written part, so the operating system's page cache holds them: the figure
  is decode-and-compute throughput, not disk throughput.

Each run executes in a fresh process, so ``peak_rss_mb`` is the run's own peak.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numba
import numpy as np
import pandas as pd

from dsot import engine

INTERVALS = 105_408
HOURS = INTERVALS // 12
BATCH = 256


def _prices(seed: int = 0) -> engine.Prices:
    rng = np.random.default_rng(seed)
    fives = pd.date_range("2016-01-01", periods=INTERVALS, freq="5min", tz="US/Central")
    months = fives.tz_localize(None).to_period("M")
    unique = pd.PeriodIndex(months.unique())
    hours = fives[::12].tz_localize(None).to_period("M")
    return engine.Prices(
        lmp_rt_usd_per_mwh=20 + 20 * rng.random((8, INTERVALS)),
        price_rt_usd_per_kwh=0.05 + 0.05 * rng.random((8, INTERVALS)),
        lmp_da_usd_per_mwh=20 + 20 * rng.random((8, HOURS)),
        price_da_usd_per_kwh=0.05 + 0.05 * rng.random((8, HOURS)),
        month_of_interval=np.asarray(unique.get_indexer(months), dtype=np.int64),
        month_of_hour=np.asarray(unique.get_indexer(hours), dtype=np.int64),
        months=unique,
    )


def _batch(rng: np.random.Generator, size: int) -> np.ndarray:
    return (0.1 + rng.random((size, INTERVALS), dtype=np.float32)).astype(np.float32)


def run(mode: str, customers: int, batch: int = BATCH) -> dict[str, Any]:
    """One benchmark run in this process; returns its JSON record."""
    rng = np.random.default_rng(1)
    prices = _prices()
    values = _batch(rng, batch)
    rows = (np.arange(batch) % 8).astype(np.int64)
    warm = values[:2].copy()
    engine.energy_statistics(warm, rows[:2], rows[:2], prices)  # compile outside the clock,
    warm.setflags(write=False)
    engine.energy_statistics(warm, rows[:2], rows[:2], prices)  # also for read-only arrays (Arrow's)
    with tempfile.TemporaryDirectory() as tmp:
        if mode == "streaming":
            from dsot.cases.schema import case_tables
            from dsot.cases.writer import write_array_part

            folder = Path(tmp) / "customer_energy"
            first = folder / "part-00000.parquet"
            write_array_part(np.arange(batch), values, case_tables()["customer_energy"], first)
            for i in range(1, -(-customers // batch)):
                os.link(first, folder / f"part-{i:05d}.parquet")
            del values
        start = time.perf_counter()
        done = 0
        if mode == "memory":
            while done < customers:
                engine.energy_statistics(values, rows, rows, prices)
                done += batch
        elif mode == "streaming":
            from dsot.cases.reader import iter_part

            for part in sorted(folder.glob("part-*.parquet")):
                for ids, data in iter_part(part, "customer", "energy_kwh", INTERVALS, batch):
                    engine.energy_statistics(data, rows[: len(ids)], rows[: len(ids)], prices)
                    done += len(ids)
        else:
            raise ValueError(f"unknown mode {mode!r}; use memory or streaming")
        seconds = time.perf_counter() - start
    return {
        "mode": mode,
        "customers": done,
        "intervals": INTERVALS,
        "batch": batch,
        "seconds": round(seconds, 3),
        "customer_years_per_s": round(done / seconds, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "threads": numba.get_num_threads(),
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "numba": numba.__version__,
    }


def run_in_subprocess(mode: str, customers: int, batch: int = BATCH) -> dict[str, Any]:
    """:func:`run` in a fresh interpreter, so that the peak RSS is the run's own."""
    code = f"import json, dsot.bench as b; print(json.dumps(b.run({mode!r}, {customers}, {batch})))"
    done = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result
