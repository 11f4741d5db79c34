"""Writing a case directory: deterministic bytes, atomic replacement.

:func:`write_case` writes ``case.yaml`` and every table with fixed Parquet options and
no writer-dependent metadata, so the same inputs give byte-identical files.  The whole
directory is assembled next to its destination and moved into place at the end; an
interrupted write leaves the old case (or nothing), never half a case.

Array tables (customer interval data) are written from an iterable of
``(customer ids, values[customers, intervals])`` chunks, one part file per chunk (one row
group per customer inside it), so a generator never holds every customer in memory.  :func:`arrays_from_long` turns the
long layout that meter-data exports use (customer, timestamp, kWh) into such chunks.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import yaml

from dsot.cases.metadata import CaseMetadata
from dsot.cases.schema import METADATA_FILE, CaseError, TableSpec, case_tables

Chunk = tuple[npt.NDArray[np.int64], npt.NDArray[np.floating[Any]]]

PARQUET_OPTIONS: dict[str, Any] = {
    "compression": "zstd",
    "compression_level": 3,
    "use_dictionary": True,
    "write_statistics": True,
    "data_page_size": 1 << 20,
}
ARRAY_OPTIONS: dict[str, Any] = {
    "compression": "lz4",
    "use_dictionary": ["customer"],
    "write_statistics": ["customer"],
    "data_page_size": 1 << 20,
}
"""Array tables: LZ4 (decodes several times faster than zstd) and key statistics, which give
each row group's customer without decoding the key column."""


def _arrow_type(dtype: str, timezone: str) -> pa.DataType:
    return {
        "timestamp": pa.timestamp("us", tz=timezone),
        "int": pa.int64(),
        "float": pa.float64(),
        "string": pa.string(),
        "bool": pa.bool_(),
    }[dtype]


def table_from_frame(frame: pd.DataFrame, spec: TableSpec, timezone: str) -> pa.Table:
    """An Arrow table with exactly the spec's columns, in order, at the format's types."""
    arrays = []
    for column in spec.columns:
        if column.name not in frame:
            raise CaseError(spec.path, column.name, (), "required column is missing from the frame to write")
        values = frame[column.name]
        arrow_type = _arrow_type(column.dtype, timezone)
        if column.dtype == "timestamp":
            values = pd.DatetimeIndex(values).tz_convert(timezone)
        arrays.append(pa.array(values, type=arrow_type, from_pandas=False))
    return pa.Table.from_arrays(arrays, names=[c.name for c in spec.columns])


def _write_parquet(table: pa.Table, path: Path, options: Mapping[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table.replace_schema_metadata(None), path, **options)


def array_table(ids: npt.NDArray[np.int64], values: npt.NDArray[np.floating[Any]], spec: TableSpec) -> pa.Table:
    """One part of an array table: customer-major rows (``key``, value), each customer's values contiguous."""
    matrix = np.ascontiguousarray(values)
    if matrix.ndim != 2 or matrix.shape[0] != len(ids):
        raise ValueError(f"{spec.name}: values must be customers x intervals (got {matrix.shape} for {len(ids)} ids)")
    schema = pa.schema(
        [
            pa.field(spec.key, pa.int64(), nullable=False),
            pa.field(spec.value_column.name, pa.from_numpy_dtype(matrix.dtype), nullable=False),
        ]
    )
    keys = pa.array(np.repeat(np.asarray(ids, dtype=np.int64), matrix.shape[1]))
    return pa.Table.from_arrays([keys, pa.array(matrix.reshape(-1))], schema=schema)


def write_array_part(ids: npt.NDArray[np.int64], values: npt.NDArray[np.floating[Any]], spec: TableSpec, path: Path) -> None:
    """Write one part file with one row group per customer (the streaming fast path)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(array_table(ids, values, spec), path, row_group_size=max(values.shape[1], 1), **ARRAY_OPTIONS)


def _replace_dir(staging: Path, target: Path) -> None:
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{os.getpid()}")
        os.replace(target, old)
    os.replace(staging, target)
    if old is not None:
        shutil.rmtree(old)


def write_case(
    path: str | Path,
    metadata: CaseMetadata,
    tables: Mapping[str, pd.DataFrame],
    arrays: Mapping[str, Iterable[Chunk]],
) -> Path:
    """Write a case directory atomically and deterministically.

    Parameters
    ----------
    path : destination directory (replaced if it exists).
    metadata : the case metadata, written as ``case.yaml``.
    tables : long and static tables by name (``system_hourly``, ``customers``, ...), as data frames.
    arrays : array tables by name (``customer_energy``, ``customer_day_ahead``), as iterables of
        ``(ids, values[customers, intervals])``; each chunk becomes one ``part-NNNNN.parquet``.

    Returns
    -------
    The case directory.
    """
    target = Path(path).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    specs = case_tables()
    unknown = sorted((set(tables) | set(arrays)) - set(specs))
    if unknown:
        raise ValueError(f"unknown case table {unknown[0]!r}; the format has {', '.join(specs)}")
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    umask = os.umask(0)
    os.umask(umask)
    staging.chmod(0o777 & ~umask)
    try:
        text = yaml.safe_dump(metadata.to_yaml_dict(), sort_keys=False, allow_unicode=True, width=100)
        (staging / METADATA_FILE).write_text(text, encoding="utf-8", newline="\n")
        for name, frame in tables.items():
            spec = specs[name]
            _write_parquet(table_from_frame(frame, spec, metadata.timezone), staging / spec.path, PARQUET_OPTIONS)
        for name, chunks in arrays.items():
            spec = specs[name]
            for number, (ids, values) in enumerate(chunks):
                write_array_part(ids, values, spec, staging / spec.path / f"part-{number:05d}.parquet")
        _replace_dir(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def arrays_from_long(
    frame: pd.DataFrame, value: str, grid: pd.DatetimeIndex, key: str = "customer", chunk_rows: int = 256
) -> list[Chunk]:
    """Turn long interval data (``key``, ``timestamp``, ``value``) into array chunks on ``grid``.

    Every customer must have exactly one row per interval of ``grid``; otherwise the first
    missing or duplicated interval raises :class:`CaseError`.
    """
    if frame["timestamp"].dt.tz is None:
        raise CaseError("(long frame)", "timestamp", (), "tz-naive timestamps; localize them to the case's time zone")
    ordered = frame.sort_values([key, "timestamp"], kind="stable")
    position = grid.get_indexer(pd.DatetimeIndex(ordered["timestamp"]).tz_convert(grid.tz))
    if (position < 0).any():
        i = int(np.flatnonzero(position < 0)[0])
        raise CaseError("(long frame)", "timestamp", (int(ordered.index[i]),), "timestamp outside the case period grid")
    ids, counts = np.unique(ordered[key].to_numpy(dtype=np.int64), return_counts=True)
    bad = counts != len(grid)
    if bad.any():
        raise CaseError(
            "(long frame)", "timestamp", (), f"customer {ids[bad][0]} has {counts[bad][0]} rows for {len(grid)} intervals"
        )
    values = np.full((len(ids), len(grid)), np.nan)
    rows = np.repeat(np.arange(len(ids)), len(grid))
    values[rows, position] = ordered[value].to_numpy(dtype=np.float64)
    if np.isnan(values).any():
        raise CaseError("(long frame)", "timestamp", (), "duplicated intervals: some intervals have no value")
    return [(ids[i : i + chunk_rows], values[i : i + chunk_rows]) for i in range(0, len(ids), chunk_rows)]
