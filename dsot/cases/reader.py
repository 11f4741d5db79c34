"""Reading and validating a case directory.

:func:`read_case` checks everything before any number leaves it: the metadata, that
every table the case kind needs is present, each table's columns (names with units,
Arrow types), values (no nulls, no NaN, ranges, vocabularies), timestamps (time-zone
aware, on the case's grid, complete, sorted, not duplicated), uniqueness of keys and
referential integrity (customer -> DSO and substation, output -> generator, prices ->
substation).  The first defect raises :class:`~dsot.cases.schema.CaseError` naming the
file, the column and the first offending rows (0-based); nothing is coerced.

Customer interval data (``customer_energy``, ``customer_day_ahead``) are read in
bounded-memory batches, both to validate and to compute (:meth:`Case.iter_arrays`).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import yaml

from dsot.cases.metadata import CaseMetadata, parse_metadata
from dsot.cases.schema import METADATA_FILE, UNIT_SUFFIXES, CaseError, ColumnSpec, TableSpec, case_tables, unit_suffix
from dsot.vocab import COMMERCIAL_BUILDING_TYPES, COMMERCIAL_OCCUPANTS, RESIDENTIAL_CUSTOMER_TYPES, RESIDENTIAL_OCCUPANTS

BATCH_ROWS = 64
"""Customers per batch when validating or streaming array tables (27 MB of float32 for a year)."""

WEIGHT_TOLERANCE = 0.01
"""Allowed relative gap between the customers' summed weights and case.yaml's customer counts."""


def _rows(mask: Any, offset: int = 0, step: int = 1) -> tuple[int, ...]:
    """The first five true positions of ``mask`` as row indexes (``step`` rows per position, from ``offset``)."""
    return tuple(int(i) * step + offset for i in np.flatnonzero(mask)[:5])


def _py(value: Any) -> Any:
    """A numpy scalar as the Python value, so that messages read ``3``, not ``np.int64(3)``."""
    return value.item() if isinstance(value, np.generic) else value


# --- column checks ---------------------------------------------------------------------------


def _type_ok(dtype: str, arrow: pa.DataType) -> bool:
    if dtype == "timestamp":
        return bool(pa.types.is_timestamp(arrow))
    if dtype == "int":
        return bool(pa.types.is_integer(arrow))
    if dtype == "float":
        return bool(pa.types.is_float32(arrow) or pa.types.is_float64(arrow))
    if dtype == "bool":
        return bool(pa.types.is_boolean(arrow))
    if dtype == "string":
        return bool(
            pa.types.is_string(arrow)
            or pa.types.is_large_string(arrow)
            or (pa.types.is_dictionary(arrow) and pa.types.is_string(arrow.value_type))
        )
    raise AssertionError(dtype)


_TYPE_WORDS = {
    "timestamp": "a time-zone-aware timestamp",
    "int": "an integer",
    "float": "a floating-point number (float32 or float64)",
    "bool": "a boolean",
    "string": "a string",
}


def _stem(name: str) -> str:
    suffix = unit_suffix(name)
    return name[: -len(suffix) - 1] if suffix else name


def check_columns(file: str, schema: pa.Schema, spec: TableSpec) -> None:
    """Check a table's column names (with their units) and Arrow types against the format."""
    names = list(schema.names)
    expected = [c.name for c in spec.columns]
    for column in spec.columns:
        if column.name in names:
            continue
        stems = [n for n in names if _stem(n) == _stem(column.name) and n not in expected]
        if stems:
            found = unit_suffix(stems[0])
            unit = UNIT_SUFFIXES.get(found or "", found)
            raise CaseError(
                file,
                stems[0],
                (),
                f"wrong unit: the column is in {unit} but the format stores {column.unit} as {column.name!r}; "
                "convert the values and rename the column",
            )
        raise CaseError(file, column.name, (), f"required column is missing (the table has {', '.join(names) or 'no columns'})")
    extra = [n for n in names if n not in expected]
    if extra:
        raise CaseError(file, extra[0], (), f"unknown column; {spec.name} has exactly {', '.join(expected)}")
    for column in spec.columns:
        arrow = schema.field(column.name).type
        if not _type_ok(column.dtype, arrow):
            raise CaseError(file, column.name, (), f"wrong type {arrow}; the format requires {_TYPE_WORDS[column.dtype]}")
        if column.dtype == "timestamp" and arrow.tz is None:
            raise CaseError(
                file,
                column.name,
                (),
                "tz-naive timestamps; store time-zone-aware timestamps (e.g. pandas tz_localize('US/Central', "
                "ambiguous=..., nonexistent=...) or UTC) so that daylight-saving hours are unambiguous",
            )


def _nulls(file: str, name: str, array: pa.Array | pa.ChunkedArray, offset: int = 0) -> None:
    if array.null_count:
        mask = np.asarray(array.is_null().to_numpy(zero_copy_only=False))
        raise CaseError(file, name, _rows(mask, offset), "missing value (null); every cell must be filled")


def check_values(file: str, column: ColumnSpec, values: npt.NDArray[Any], offset: int = 0) -> None:
    """Finite values inside the column's range and vocabulary (``offset``: row index of ``values[0]``)."""
    if column.dtype in ("float", "int"):
        numbers = np.asarray(values, dtype=np.float64)
        bad = ~np.isfinite(numbers)
        if bad.any():
            rows = _rows(bad, offset)
            raise CaseError(file, column.name, rows, "NaN or infinite value; every value must be a finite number")
        low = numbers < column.minimum
        high = numbers > column.maximum
        for mask, word, bound in ((low, "below", column.minimum), (high, "above", column.maximum)):
            if mask.any():
                first = float(numbers.reshape(-1)[np.flatnonzero(mask.reshape(-1))[0]])
                rows = _rows(mask, offset)
                sign = " (negative values are not allowed)" if bound == 0 else ""
                raise CaseError(file, column.name, rows, f"value {first:g} {column.unit} is {word} {bound:g}{sign}")
    if column.allowed:
        bad = ~np.isin(values, column.allowed)
        if bad.any():
            first = _py(values[np.flatnonzero(bad)[0]])
            raise CaseError(
                file, column.name, _rows(bad, offset), f"unknown value {first!r}; allowed: {', '.join(column.allowed)}"
            )


def check_unique(file: str, name: str, values: npt.NDArray[Any], step: int = 1) -> None:
    """No value of the key column appears twice.

    Parameters
    ----------
    file, name : the file and key column, for the error.
    values : the key values, one per row (or one per block of ``step`` rows).
    step : rows per value; an array table's customer block is reported by its first row.
    """
    order = np.argsort(values, kind="stable")
    ranked = values[order]
    dup = np.flatnonzero(ranked[1:] == ranked[:-1])
    if dup.size:
        first = _py(ranked[dup[0]])
        raise CaseError(file, name, _rows(values == first, step=step), f"{name} {first!r} appears more than once")


def check_references(file: str, name: str, values: npt.NDArray[Any], known: Any, what: str, step: int = 1) -> None:
    """Every value refers to a known id of ``what``.

    Parameters
    ----------
    file, name : the file and column, for the error.
    values : the referring values, one per row (or one per block of ``step`` rows).
    known : the known ids; ``what`` names where they come from.
    step : rows per value; an array table's customer block is reported by its first row.
    """
    bad = ~np.isin(values, np.asarray(list(known)))
    if bad.any():
        first = _py(values[np.flatnonzero(bad)[0]])
        raise CaseError(file, name, _rows(bad, step=step), f"unknown {name} {first!r}: not in {what}")


def check_time_grid(
    file: str, key_name: str, keys: npt.NDArray[Any], stamps_ns: npt.NDArray[np.int64], grid: pd.DatetimeIndex, expected: Any
) -> None:
    """Rows sorted by (key, timestamp), each key holding every interval of ``grid`` exactly once.

    ``stamps_ns`` are UTC nanoseconds; ``expected`` the key values that must all be present.
    """
    grid_ns = grid.asi8 if grid.unit == "ns" else grid.as_unit("ns").asi8
    step_min = (int(grid_ns[1] - grid_ns[0]) if len(grid_ns) > 1 else 0) // 60_000_000_000
    local = grid.tz
    on_grid = np.isin(stamps_ns, grid_ns)
    if not on_grid.all():
        i = int(np.flatnonzero(~on_grid)[0])
        stamp = pd.Timestamp(int(stamps_ns[i]), tz="UTC").tz_convert(local)
        raise CaseError(
            file,
            "timestamp",
            (i,),
            f"{stamp} is not an interval start of the case period {grid[0]} to {grid[-1]} (step {step_min} min)",
        )
    same_key = keys[1:] == keys[:-1]
    delta = stamps_ns[1:] - stamps_ns[:-1]
    dup = same_key & (delta == 0)
    if dup.any():
        i = int(np.flatnonzero(dup)[0])
        stamp = pd.Timestamp(int(stamps_ns[i]), tz="UTC").tz_convert(local)
        raise CaseError(file, "timestamp", (i, i + 1), f"duplicated interval {stamp} for {key_name} {_py(keys[i])!r}")
    back = (same_key & (delta < 0)) | (~same_key & (keys[1:] < keys[:-1]))
    if back.any():
        i = int(np.flatnonzero(back)[0])
        raise CaseError(
            file,
            "timestamp" if same_key[i] else key_name,
            (i, i + 1),
            f"rows are not sorted by {key_name} then timestamp (row {i + 1} comes before row {i})",
        )
    present = set(np.unique(keys).tolist())
    absent = sorted(set(expected) - present)
    if absent:
        raise CaseError(file, key_name, (), f"no rows for {key_name} {absent[0]!r}")
    bounds = np.flatnonzero(np.r_[True, ~same_key, True])
    for lo, hi in itertools.pairwise(bounds):
        if hi - lo != len(grid_ns):
            got = stamps_ns[lo:hi]
            missing = np.setdiff1d(grid_ns, got, assume_unique=True)
            stamp = pd.Timestamp(int(missing[0]), tz="UTC").tz_convert(local)
            position = int(np.searchsorted(got, missing[0])) + int(lo)
            raise CaseError(
                file,
                "timestamp",
                (position,),
                f"missing interval {stamp} for {key_name} {_py(keys[lo])!r} ({hi - lo} of {len(grid_ns)} intervals present)",
            )


# --- streaming array tables --------------------------------------------------------------------


def _block_ids(handle: pq.ParquetFile, key: str, width: int) -> list[int] | None:
    """Customer ids from the ``key`` column's row-group statistics when each row group is one customer block."""
    meta = handle.metadata
    column = meta.schema.names.index(key)
    ids = []
    for i in range(meta.num_row_groups):
        group = meta.row_group(i)
        stats = group.column(column).statistics
        if group.num_rows != width or stats is None or not stats.has_min_max or stats.min != stats.max:
            return None
        ids.append(int(stats.min))
    return ids


def iter_part(
    path: Path, key: str, value: str, width: int, batch_rows: int = BATCH_ROWS
) -> Iterator[tuple[npt.NDArray[np.int64], npt.NDArray[Any]]]:
    """Stream one part file of a (validated) array table in batches of ``batch_rows`` customers.

    Fast path: with one row group per customer, ids come from the row-group statistics
    and only the value column is decoded; otherwise both columns are read in batches of
    whole customers.
    """
    handle = pq.ParquetFile(path, memory_map=True)
    ids = _block_ids(handle, key, width)
    if ids is not None:
        for start in range(0, len(ids), batch_rows):
            groups = list(range(start, min(len(ids), start + batch_rows)))
            column = handle.read_row_groups(groups, columns=[value]).column(0)
            flat = column.chunk(0).to_numpy() if column.num_chunks == 1 else np.concatenate([c.to_numpy() for c in column.chunks])
            yield np.asarray(ids[start : start + len(groups)], dtype=np.int64), flat.reshape(len(groups), width)
        return
    for batch in handle.iter_batches(batch_size=width * batch_rows, columns=[key, value]):
        keys = np.asarray(batch.column(0).to_numpy(zero_copy_only=False), dtype=np.int64)
        yield keys[::width].copy(), batch.column(1).to_numpy(zero_copy_only=False).reshape(-1, width)


# --- the case object -------------------------------------------------------------------------


@dataclass
class Case:
    """A validated case directory; tables are read on demand and cached."""

    path: Path
    metadata: CaseMetadata
    _tables: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)

    @property
    def specs(self) -> dict[str, TableSpec]:
        """The format's table specifications."""
        return case_tables()

    def has(self, table: str) -> bool:
        """Whether the case directory holds ``table``."""
        return (self.path / self.specs[table].path).exists()

    def table(self, name: str) -> pd.DataFrame:
        """A long or static table as a data frame (timestamps in the case's time zone)."""
        if name not in self._tables:
            spec = self.specs[name]
            if spec.layout == "array":
                raise ValueError(f"{name} holds arrays; stream it with iter_arrays({name!r})")
            frame = pq.read_table(self.path / spec.path).to_pandas()
            if "timestamp" in frame:
                frame["timestamp"] = frame["timestamp"].dt.tz_convert(self.metadata.timezone)
            self._tables[name] = frame
        return self._tables[name]

    def series(self, table: str, column: str, key: object) -> pd.Series:
        """One key's column of a long table (e.g. DSO 1's ``da_lmp_usd_per_mwh``) on its time index."""
        spec = self.specs[table]
        frame = self.table(table)
        rows = frame[frame[spec.key] == key]
        return pd.Series(rows[column].to_numpy(dtype=np.float64), index=pd.DatetimeIndex(rows["timestamp"]), name=column)

    def parts(self, table: str) -> list[Path]:
        """The part files of an array table, in name order."""
        return sorted((self.path / self.specs[table].path).glob("part-*.parquet"))

    def iter_arrays(self, table: str, batch_rows: int = BATCH_ROWS) -> Iterator[tuple[npt.NDArray[np.int64], npt.NDArray[Any]]]:
        """Stream an array table: ``(customer ids, values[customers, intervals])`` per batch, in file order."""
        spec = self.specs[table]
        width = self.metadata.periods(spec.step_minutes or 5)
        for part in self.parts(table):
            yield from iter_part(part, spec.key, spec.value_column.name, width, batch_rows)


# --- reading ---------------------------------------------------------------------------------


def _load_metadata(path: Path) -> CaseMetadata:
    file = path / METADATA_FILE
    if not path.is_dir():
        raise CaseError(str(path), "", (), "no such case directory")
    if not file.is_file():
        raise CaseError(METADATA_FILE, "", (), f"missing: a case directory needs {METADATA_FILE} (in {path})")
    try:
        raw = yaml.safe_load(file.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise CaseError(METADATA_FILE, "", (), f"not valid YAML: {exc}") from exc
    return parse_metadata(raw)


def _read_table(case: Case, spec: TableSpec) -> pa.Table:
    file = case.path / spec.path
    try:
        schema = pq.read_schema(file)
    except (OSError, pa.ArrowInvalid) as exc:
        raise CaseError(spec.path, "", (), f"not a readable Parquet file ({exc})") from exc
    check_columns(spec.path, schema, spec)
    return pq.read_table(file)


def _column_numpy(table: pa.Table, spec: ColumnSpec, file: str) -> npt.NDArray[Any]:
    column = table.column(spec.name)
    _nulls(file, spec.name, column)
    if spec.dtype == "timestamp":
        utc = column.cast(pa.timestamp("ns", tz="UTC"))
        return np.asarray(utc.cast(pa.int64()).to_numpy(), dtype=np.int64)
    if spec.dtype == "string" and pa.types.is_dictionary(column.type):
        column = column.cast(pa.string())
    return np.asarray(column.to_numpy(zero_copy_only=False))


def _known_keys(case: Case, spec: ColumnSpec) -> tuple[Any, str]:
    meta = case.metadata
    if spec.references == "dsos":
        return meta.dso_ids, f"the DSOs of {METADATA_FILE}"
    if spec.references == "substations":
        return tuple(meta.substations), f"the substations of {METADATA_FILE}"
    if spec.references == "generators":
        return tuple(case.table("generators")["generator"]), "generators.parquet"
    if spec.references == "customers":
        return tuple(case.table("customers")["customer"]), "customers.parquet"
    raise AssertionError(spec.references)


def _validate_long(case: Case, spec: TableSpec) -> None:
    table = _read_table(case, spec)
    columns = {c.name: _column_numpy(table, c, spec.path) for c in spec.columns}
    for column in spec.columns:
        if column.dtype != "timestamp":
            check_values(spec.path, column, columns[column.name])
        if column.references:
            known, what = _known_keys(case, column)
            check_references(spec.path, column.name, columns[column.name], known, what)
    if spec.layout == "static":
        check_unique(spec.path, spec.key, columns[spec.key])
        return
    step = spec.step_minutes
    assert step is not None
    known, _ = _known_keys(case, spec.column(spec.key))
    grid = case.metadata.grid(step)
    check_time_grid(spec.path, spec.key, columns[spec.key], columns["timestamp"], grid, known)


def _validate_customers(case: Case) -> None:
    file = case.specs["customers"].path
    frame = case.table("customers")
    substations = case.metadata.substations
    own = np.array([substations.get(s, -1) for s in frame["substation"]])
    bad = own != frame["dso"].to_numpy()
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        sub, dso = frame["substation"].to_numpy()[i], frame["dso"].to_numpy()[i]
        raise CaseError(file, "substation", _rows(bad), f"substation {sub!r} does not belong to DSO {dso}")
    classes = frame["customer_class"].to_numpy()
    residential = classes == "residential"
    pairs = (
        ("building_type", RESIDENTIAL_CUSTOMER_TYPES, COMMERCIAL_BUILDING_TYPES),
        ("owner_type", RESIDENTIAL_OCCUPANTS, COMMERCIAL_OCCUPANTS),
    )
    for column, res_values, com_values in pairs:
        values = frame[column].to_numpy()
        bad = np.where(residential, ~np.isin(values, res_values), ~np.isin(values, com_values))
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise CaseError(
                file,
                column,
                _rows(bad),
                f"{values[i]!r} is not a {frame['customer_class'].to_numpy()[i]} {column.replace('_', ' ')}",
            )
    battery = (frame["battery_kw"].to_numpy() > 0) != (frame["battery_kwh"].to_numpy() > 0)
    if battery.any():
        raise CaseError(file, "battery_kwh", _rows(battery), "battery_kw and battery_kwh must be both zero or both positive")
    transactive = frame["rate_plan"].to_numpy() == "transactive"
    if not case.metadata.transactive and transactive.any():
        raise CaseError(file, "rate_plan", _rows(transactive), "a BAU case has only fixed-price customers")
    orphan = frame["participating"].to_numpy() & ~transactive
    if orphan.any():
        raise CaseError(file, "participating", _rows(orphan), "only transactive-rate customers can participate")
    _check_weights(case, frame)


def _check_weights(case: Case, frame: pd.DataFrame) -> None:
    sums = frame.groupby(["dso", "customer_class"])["weight_customers"].sum()
    for dso in case.metadata.dsos:
        for klass in ("residential", "commercial"):
            target = dso.customers[klass]
            got = float(sums.get((dso.id, klass), 0.0))
            if target == 0 and got == 0:
                continue
            if target == 0 or abs(got / target - 1) > WEIGHT_TOLERANCE:
                rows = _rows(((frame["dso"] == dso.id) & (frame["customer_class"] == klass)).to_numpy())
                raise CaseError(
                    case.specs["customers"].path,
                    "weight_customers",
                    rows,
                    f"DSO {dso.id}'s {klass} weights sum to {got:,.1f} customers but {METADATA_FILE} counts {target:,} "
                    f"(tolerance {WEIGHT_TOLERANCE:.0%})",
                )


def _validate_part(file: str, handle: pq.ParquetFile, spec: TableSpec, width: int) -> npt.NDArray[np.int64]:
    """Check one part file of an array table; return its customer ids in row order.

    The rows must be customer-major: each customer's ``width`` values contiguous, in time
    order, and no more.  Batches of whole customers are read and checked (nulls, NaN,
    ranges) in turn.
    """
    value = spec.value_column
    check_columns(file, handle.schema_arrow, spec)
    rows = handle.metadata.num_rows
    seen: list[npt.NDArray[np.int64]] = [np.empty(0, dtype=np.int64)]
    offset = 0
    for batch in handle.iter_batches(batch_size=width * BATCH_ROWS, columns=[spec.key, value.name]):
        key_array, values = batch.column(0), batch.column(1)
        _nulls(file, spec.key, key_array, offset)
        _nulls(file, value.name, values, offset)
        keys = np.asarray(key_array.to_numpy(zero_copy_only=False), dtype=np.int64)
        seen.append(_check_blocks(file, spec.key, keys, seen[-1][-1:], offset, width, rows))
        check_values(file, value, values.to_numpy(zero_copy_only=False), offset)
        offset += len(keys)
    return np.concatenate(seen)


def _check_blocks(
    file: str, key: str, keys: npt.NDArray[np.int64], previous: npt.NDArray[np.int64], offset: int, width: int, rows: int
) -> npt.NDArray[np.int64]:
    """Check that one batch of ``key`` values forms whole blocks of ``width`` rows, one block per customer.

    Parameters
    ----------
    file, key : the part file and its key column, for the error.
    keys : the batch's key values; the batch starts at row ``offset``, on a block boundary.
    previous : the id of the block just before the batch (empty for the first batch).
    width : rows per customer (intervals of the case period); ``rows``: rows in the file.

    Returns
    -------
    The batch's customer ids, one per block.

    Raises
    ------
    CaseError
        At the first row where a customer's block is cut short, runs on past ``width`` rows,
        or (at the end of the file) is incomplete.
    """
    firsts = keys[::width]
    whole = len(keys) // width * width
    inside = keys[:whole].reshape(-1, width) != firsts[: whole // width, None]
    chained = np.concatenate([previous, firsts])
    again = np.flatnonzero(chained[1:] == chained[:-1]) + 1 - len(previous)
    if not inside.any() and not again.size and whole == len(keys):
        return firsts
    changed = np.flatnonzero(np.r_[inside.reshape(-1), keys[whole:] != keys[whole : whole + 1]])
    change = int(changed[0]) if changed.size else len(keys)
    repeat = int(again[0]) * width if again.size else len(keys)
    if change < repeat:
        start = change // width * width
        raise CaseError(
            file,
            key,
            (offset + change,),
            f"{key} {_py(keys[start])!r} has {change - start} of its {width} values before {key} "
            f"{_py(keys[change])!r} starts: each {key} needs {width} consecutive rows, one per interval of the case period",
        )
    if repeat < len(keys):
        raise CaseError(
            file,
            key,
            (offset + repeat,),
            f"{key} {_py(keys[repeat])!r} has more than {width} consecutive rows: each {key} needs exactly {width}, "
            "one per interval of the case period",
        )
    raise CaseError(
        file,
        key,
        (offset + whole,),
        f"{rows} rows are not whole blocks of {width} (one per interval of the case period): "
        f"{key} {_py(keys[whole])!r} has {len(keys) - whole} values",
    )


def _validate_array(case: Case, spec: TableSpec, required_ids: npt.NDArray[np.int64]) -> None:
    """Check every part of an array table; it holds each of ``required_ids`` exactly once and no other customer.

    Rows are located in the part file that holds them (0-based within the part); a customer
    is located by the first row of its block.
    """
    parts = case.parts(spec.name)
    if not parts:
        raise CaseError(spec.path, "", (), "no part-*.parquet files in the directory")
    width = case.metadata.periods(spec.step_minutes or 5)
    customers = set(case.table("customers")["customer"])
    earlier = np.empty(0, dtype=np.int64)
    for part in parts:
        file = f"{spec.path}/{part.name}"
        ids = _validate_part(file, pq.ParquetFile(part), spec, width)
        check_unique(file, spec.key, ids, step=width)
        again = np.isin(ids, earlier)
        if again.any():
            first = _py(ids[again][0])
            raise CaseError(file, spec.key, _rows(again, step=width), f"{spec.key} {first!r} is also in an earlier part file")
        check_references(file, spec.key, ids, customers, "customers.parquet", step=width)
        unexpected = ~np.isin(ids, required_ids)
        if unexpected.any():  # only for customer_day_ahead: a customer on the fixed rate
            raise CaseError(
                file,
                spec.key,
                _rows(unexpected, step=width),
                f"customer {_py(ids[unexpected][0])!r} is not on the transactive rate (customers.parquet); "
                f"{spec.name} holds transactive-rate customers only",
            )
        earlier = np.concatenate([earlier, ids])
    absent = np.setdiff1d(required_ids, earlier)
    if absent.size:
        raise CaseError(spec.path, spec.key, (), f"no {spec.value_column.name} for customer {int(absent[0])} (customers.parquet)")


def read_case(path: str | Path) -> Case:
    """Open and fully validate a case directory.

    Parameters
    ----------
    path : the case directory (holding ``case.yaml``).

    Returns
    -------
    The validated :class:`Case`.

    Raises
    ------
    CaseError
        On the first defect, naming the file, the column and the first offending rows.
    """
    root = Path(path)
    case = Case(root, _load_metadata(root))
    for spec in case.specs.values():
        present = (root / spec.path).exists()
        if not present and spec.required(case.metadata.transactive):
            raise CaseError(spec.path, "", (), f"missing: a {case.metadata.kind} case needs {spec.name} ({spec.description})")
        if present and not spec.required(case.metadata.transactive):
            raise CaseError(spec.path, "", (), f"a {case.metadata.kind} case has no {spec.name}; remove it or change kind")
    for name in ("generators", "customers", "system_hourly", "system_5min", "generator_5min", "generator_daily"):
        _validate_long(case, case.specs[name])
    _validate_customers(case)
    customers = case.table("customers")
    _validate_array(case, case.specs["customer_energy"], customers["customer"].to_numpy(dtype=np.int64))
    if case.metadata.transactive:
        for name in ("retail_hourly", "retail_5min"):
            _validate_long(case, case.specs[name])
        trx = customers.loc[customers["rate_plan"] == "transactive", "customer"].to_numpy(dtype=np.int64)
        _validate_array(case, case.specs["customer_day_ahead"], trx)
    return case
