"""Loading and validating the parameter and published-value files under ``data/``.

Parameters are long-format CSV files, ``data/parameters/<topic>.csv``, with the columns
``parameter``, any number of dimension columns (``instrument``, ``investor``, ...),
``value``, ``unit``, ``source``, ``report_ref`` and ``note``.  An optional
``parameter_set`` column holds ``printed`` (the report as printed), ``study`` (what
produced the published numbers) or ``all``.  Every parameter must be declared in
``data/symbols.csv`` with its unit and admissible range.

Values printed in the report that the code must reproduce live in
``data/published/*.csv`` with the columns ``ref``, key columns, ``value`` (exactly as
printed), ``unit`` and ``precision`` (printed decimals).

Any defect stops the load with a :class:`ParameterError` naming the file, the row and
the column; nothing is coerced silently.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Literal, get_args

import pandas as pd

ParameterSet = Literal["printed", "study"]
PARAMETER_SETS: tuple[ParameterSet, ...] = get_args(ParameterSet)
BOOK_SET_VARIABLE = "DSOT_PARAMETER_SET"
"""Environment variable naming the parameter set the whole book is built with."""

UNITS: dict[str, float | None] = {
    "pct": 0.01,  # stored as printed, in percent; loaded as a fraction
    "frac": 1.0,
    "ratio": 1.0,
    "yr": 1.0,
    "bool": 1.0,
    "count": 1.0,
    "id": 1.0,
    "kW": 1.0,
    "MW": 1.0,
    "MVA": 1.0,
    "MVA/yr": 1.0,
    "pct/yr": 0.01,
    "count/yr": 1.0,
    "MW/mi2": 1.0,
    "kV": 1.0,
    "acre": 1.0,
    "acre/mi2": 1.0,
    "USD": 1.0,
    "kUSD": 1.0,
    "kUSD/yr": 1.0,
    "USD/yr": 1.0,
    "USD/acre": 1.0,
    "USD/kVA": 1.0,
    "USD/1000 customers": 1.0,
    "USD/substation": 1.0,
    "USD/customer": 1.0,
    "USD/MWh": 1.0,
    "USD/kWh": 1.0,
    "USD/kW": 1.0,
    "USD/kW-yr": 1.0,
    "USD/hr": 1.0,
    "USD/sqft-yr": 1.0,
    "hr/yr": 1.0,
    "sqft": 1.0,
    "MWh": 1.0,
    "TWh": 1.0,
    "kWh": 1.0,
    "hr": 1.0,
    "deg": 1.0,
    "degC": 1.0,
    "kW/degC": 1.0,
    "kW/ksqft": 1.0,
    "kW/ksqft-degC": 1.0,
    "USD/MMBtu": 1.0,
    "MMBtu/MWh": 1.0,
    "USD/MW": 1.0,
    "USD/month": 1.0,
    "USD/kW-month": 1.0,
    "-": None,  # text value (a named convention)
}
"""Unit vocabulary: unit -> factor to the loaded value (``None`` for text values)."""

PARAMETER_COLUMNS = ("parameter", "value", "unit", "source", "report_ref", "note")
PUBLISHED_COLUMNS = ("ref", "value", "unit", "precision")
REPORT_REF = re.compile(
    r"^(T\d{1,2}|F\d{1,2}|EQ\d{1,3}|S[A-F0-9][0-9.]*|p\d+)(;(T\d{1,2}|F\d{1,2}|EQ\d{1,3}|S[A-F0-9][0-9.]*|p\d+))*$"
)


class ParameterError(ValueError):
    """A data file is malformed; the message names the file, row and column."""


@dataclass(frozen=True)
class ParameterSpec:
    """Declaration of one parameter in ``data/symbols.csv``."""

    parameter: str
    symbol: str
    unit: str
    minimum: float | None
    maximum: float | None
    allowed: tuple[str, ...]
    description: str


def data_dir() -> Path:
    """The ``data/`` directory: ``$DSOT_DATA_DIR`` if set, else the repository's."""
    configured = os.environ.get("DSOT_DATA_DIR")
    path = Path(configured) if configured else Path(__file__).resolve().parents[1] / "data"
    if not (path / "symbols.csv").is_file():
        raise ParameterError(
            f"no data directory at {path} (expected symbols.csv there); "
            "install dsot from a clone with `pip install -e .` or set DSOT_DATA_DIR"
        )
    return path


def book_parameter_set() -> ParameterSet:
    """The parameter set the book's chapters compute their headline results with.

    ``$DSOT_PARAMETER_SET`` (set by ``dsot report --params``), else ``study``, the set that
    produced the published numbers. Chapters that compare the two readings show both.

    >>> book_parameter_set() in PARAMETER_SETS
    True
    """
    value = os.environ.get(BOOK_SET_VARIABLE, "").strip() or "study"
    if value not in PARAMETER_SETS:
        raise ParameterError(f"${BOOK_SET_VARIABLE}={value!r}: use one of {', '.join(PARAMETER_SETS)}")
    return value


def _where(path: Path, row: int | None = None, column: str | None = None) -> str:
    text = _display(path)
    if row is not None:
        text += f", row {row} (line {row + 1})"
    if column is not None:
        text += f", column '{column}'"
    return text


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def read_csv_strict(path: Path, required: tuple[str, ...]) -> pd.DataFrame:
    """Read a CSV as text, checking that it exists, parses and has the required columns.

    Rows are numbered from 1 after the header (row ``i`` is on line ``i + 1``).
    """
    if not path.is_file():
        raise ParameterError(f"{_display(path)}: file not found")
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False)
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise ParameterError(f"{_display(path)}: not a readable CSV file ({exc})") from exc
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise ParameterError(f"{_display(path)}: missing column(s) {', '.join(repr(c) for c in missing)}")
    if frame.columns.duplicated().any():
        raise ParameterError(f"{_display(path)}: duplicated column names")
    frame.index = pd.RangeIndex(1, len(frame) + 1)
    return frame


def data_version(data: Path | None = None) -> tuple[str, tuple[tuple[str, int, int], ...]]:
    """A fingerprint of the data directory (paths, modification times, sizes).

    Caches key on it, so an edited CSV or another ``DSOT_DATA_DIR`` is never served from
    a stale cache, in a long-running kernel as in the command line.
    """
    root = data or data_dir()
    files = sorted(root.rglob("*.csv"))
    return str(root), tuple((str(p.relative_to(root)), p.stat().st_mtime_ns, p.stat().st_size) for p in files)


def _symbols(path: Path) -> dict[str, ParameterSpec]:
    return _symbols_cached(path, path.stat().st_mtime_ns if path.exists() else 0)


@cache
def _symbols_cached(path: Path, _mtime_ns: int) -> dict[str, ParameterSpec]:
    frame = read_csv_strict(path, ("parameter", "symbol", "unit", "min", "max", "allowed", "description"))
    specs: dict[str, ParameterSpec] = {}
    for row, rec in frame.iterrows():
        assert isinstance(row, int)
        if rec["unit"] not in UNITS:
            raise ParameterError(f"{_where(path, row, 'unit')}: unknown unit {rec['unit']!r}")
        if rec["parameter"] in specs:
            raise ParameterError(f"{_where(path, row, 'parameter')}: {rec['parameter']!r} declared twice")
        bounds = [None if rec[c] == "" else _number(path, row, c, rec[c]) for c in ("min", "max")]
        specs[rec["parameter"]] = ParameterSpec(
            parameter=rec["parameter"],
            symbol=rec["symbol"],
            unit=rec["unit"],
            minimum=bounds[0],
            maximum=bounds[1],
            allowed=tuple(a for a in rec["allowed"].split("|") if a),
            description=rec["description"],
        )
    return specs


def parameter_specs(data: Path | None = None) -> dict[str, ParameterSpec]:
    """The parameter dictionary, ``data/symbols.csv``."""
    return _symbols((data or data_dir()) / "symbols.csv")


def _number(path: Path, row: int, column: str, text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ParameterError(f"{_where(path, row, column)}: {text!r} is not a number") from None
    if not math.isfinite(value):
        raise ParameterError(f"{_where(path, row, column)}: {text!r} is not a finite number")
    return value


def _text_value(path: Path, row: int, rec: pd.Series, spec: ParameterSpec) -> str:
    """A text value: one of the declared ``allowed`` values, or any non-empty text if none are declared."""
    if not spec.allowed:  # free text, such as a label
        if not rec["value"].strip():
            raise ParameterError(f"{_where(path, row, 'value')}: empty")
    elif rec["value"] not in spec.allowed:
        raise ParameterError(f"{_where(path, row, 'value')}: {rec['value']!r} is not one of {', '.join(spec.allowed)}")
    return str(rec["value"])


def _check_row(path: Path, row: int, rec: pd.Series, specs: dict[str, ParameterSpec]) -> float | str:
    name = rec["parameter"]
    spec = specs.get(name)
    if spec is None:
        raise ParameterError(f"{_where(path, row, 'parameter')}: {name!r} is not declared in data/symbols.csv")
    if rec["unit"] != spec.unit:
        raise ParameterError(f"{_where(path, row, 'unit')}: {name!r} must be in {spec.unit!r}, found {rec['unit']!r}")
    for column in ("source", "report_ref"):
        if not rec[column].strip():
            raise ParameterError(f"{_where(path, row, column)}: empty")
    if not REPORT_REF.match(rec["report_ref"]):
        raise ParameterError(
            f"{_where(path, row, 'report_ref')}: {rec['report_ref']!r} is not a report reference "
            "such as T28, EQ83, SA.2 or p27 (several joined by ';')"
        )
    if spec.unit == "-":
        return _text_value(path, row, rec, spec)
    value = _number(path, row, "value", rec["value"])
    if spec.unit == "bool" and value not in (0.0, 1.0):
        raise ParameterError(f"{_where(path, row, 'value')}: {rec['value']!r} is not 0 or 1")
    if (spec.minimum is not None and value < spec.minimum) or (spec.maximum is not None and value > spec.maximum):
        raise ParameterError(
            f"{_where(path, row, 'value')}: {value:g} {spec.unit} is outside [{spec.minimum:g}, {spec.maximum:g}] for {name!r}"
        )
    factor = UNITS[spec.unit]
    assert factor is not None
    return value * factor


def load_parameters(name: str, parameter_set: ParameterSet = "study", data: Path | None = None) -> pd.DataFrame:
    """Load and validate ``data/parameters/<name>.csv``.

    Returns the rows of ``parameter_set`` (and those marked ``all``), with ``value``
    converted to loaded units: percent becomes a fraction, ``bool`` becomes 0.0/1.0,
    text conventions stay strings.  The ``row`` column keeps the file's row number.
    """
    if parameter_set not in PARAMETER_SETS:
        raise ParameterError(f"unknown parameter set {parameter_set!r}; use one of {', '.join(PARAMETER_SETS)}")
    root = data or data_dir()
    path = root / "parameters" / f"{name}.csv"
    frame = read_csv_strict(path, PARAMETER_COLUMNS)
    specs = parameter_specs(root)
    values: list[float | str] = []
    for row, rec in frame.iterrows():
        assert isinstance(row, int)
        values.append(_check_row(path, row, rec, specs))
    dims = [c for c in frame.columns if c not in PARAMETER_COLUMNS]
    if "parameter_set" in frame.columns:
        bad = frame.index[~frame["parameter_set"].isin([*PARAMETER_SETS, "all"])]
        if len(bad):
            raise ParameterError(
                f"{_where(path, int(bad[0]), 'parameter_set')}: "
                f"{frame.at[bad[0], 'parameter_set']!r} is not printed, study or all"
            )
    keys = ["parameter", *dims]
    duplicated = frame.duplicated(keys, keep=False)
    if duplicated.any():
        rows = [int(r) for r in frame.index[duplicated]]
        raise ParameterError(f"{_display(path)}, rows {rows}: duplicated ({', '.join(keys)})")
    out = frame.assign(value=values, row=frame.index)
    if "parameter_set" in out.columns:
        out = out[out["parameter_set"].isin([parameter_set, "all"])]
    out.attrs["path"] = path
    return out.reset_index(drop=True)


def parameter_row(frame: pd.DataFrame, parameter: str, **dims: str) -> pd.Series:
    """The single row of ``frame`` for ``parameter`` and the given dimension values."""
    mask = frame["parameter"] == parameter
    for column, value in dims.items():
        mask &= frame[column] == value
    hits = frame[mask]
    if len(hits) != 1:
        where = ", ".join(f"{k}={v!r}" for k, v in dims.items())
        path = frame.attrs.get("path", "parameter file")
        state = "no row" if hits.empty else f"{len(hits)} rows"
        raise ParameterError(f"{_display(Path(path))}: {state} for parameter {parameter!r} ({where})")
    return hits.iloc[0]


def parameter_value(frame: pd.DataFrame, parameter: str, **dims: str) -> float:
    """A numeric parameter value (loaded units) from a frame returned by :func:`load_parameters`."""
    value = parameter_row(frame, parameter, **dims)["value"]
    if isinstance(value, str):
        raise ParameterError(f"parameter {parameter!r} is text, not a number")
    return float(value)


def parameter_text(frame: pd.DataFrame, parameter: str, **dims: str) -> str:
    """A text (convention) parameter value."""
    return str(parameter_row(frame, parameter, **dims)["value"])


def load_published(name: str, data: Path | None = None) -> pd.DataFrame:
    """Load ``data/published/<name>.csv``: values exactly as printed in the report.

    Adds ``documented`` (a :class:`~decimal.Decimal` of the printed value) and checks that
    ``precision`` matches the decimals actually printed.
    """
    path = (data or data_dir()) / "published" / f"{name}.csv"
    frame = read_csv_strict(path, PUBLISHED_COLUMNS)
    documented: list[Decimal] = []
    for row, rec in frame.iterrows():
        assert isinstance(row, int)
        try:
            number = Decimal(rec["value"].replace(",", ""))
        except InvalidOperation:
            raise ParameterError(f"{_where(path, row, 'value')}: {rec['value']!r} is not a number") from None
        if rec["unit"] not in UNITS:
            raise ParameterError(f"{_where(path, row, 'unit')}: unknown unit {rec['unit']!r}")
        if not rec["precision"].isdigit():
            raise ParameterError(f"{_where(path, row, 'precision')}: {rec['precision']!r} is not a count of decimals")
        exponent = number.as_tuple().exponent
        assert isinstance(exponent, int)
        if max(0, -exponent) != int(rec["precision"]):
            raise ParameterError(
                f"{_where(path, row, 'precision')}: {rec['value']!r} is printed with "
                f"{max(0, -exponent)} decimals, not {rec['precision']}"
            )
        documented.append(number)
    return frame.assign(documented=documented, precision=frame["precision"].astype(int)).reset_index(drop=True)


def parameter_sets(name: str, data: Path | None = None) -> pd.DataFrame:
    """A parameter file with its ``printed`` and ``study`` values side by side, as written in the file.

    Columns: parameter, the file's dimension columns, printed, study, unit, source, report_ref.
    """
    frames = []
    raw = read_csv_strict((data or data_dir()) / "parameters" / f"{name}.csv", PARAMETER_COLUMNS)
    for parameter_set in PARAMETER_SETS:
        frame = load_parameters(name, parameter_set, data)
        frame = frame.assign(value=raw.loc[frame["row"], "value"].to_numpy(), parameter_set=parameter_set)
        frames.append(frame)
    both = pd.concat(frames, ignore_index=True)
    dims = [c for c in both.columns if c not in (*PARAMETER_COLUMNS, "row", "parameter_set")]
    wide = both.pivot_table(index=["parameter", *dims], columns="parameter_set", values="value", aggfunc="first", sort=False)
    meta = both.drop_duplicates(["parameter", *dims]).set_index(["parameter", *dims])[["unit", "source", "report_ref"]]
    return wide.join(meta).reset_index()[["parameter", *dims, *PARAMETER_SETS, "unit", "source", "report_ref"]]


DIFFERENCE_COLUMNS = (
    "file",
    "parameter",
    "key",
    "printed",
    "study",
    "unit",
    "printed_source",
    "study_source",
    "report_ref",
    "note",
)


def parameter_differences(data: Path | None = None) -> pd.DataFrame:
    """Every input on which the ``printed`` and ``study`` parameter sets differ, across all parameter files.

    An input differs when a file gives it a ``printed`` and a ``study`` row with different
    values (or units), or a row in only one of the two sets.  The table is generated
    from ``data/parameters/*.csv`` as written, so it cannot drift from what the model uses.

    Returns
    -------
    Columns of :data:`DIFFERENCE_COLUMNS`: the file name, the parameter, its key (the
    file's dimension columns as ``name=value``), both values as written, the unit, each
    set's source, the report reference and the study row's note (else the printed row's).
    """
    rows = []
    for path in sorted(((data or data_dir()) / "parameters").glob("*.csv")):
        raw = read_csv_strict(path, PARAMETER_COLUMNS)
        if "parameter_set" not in raw.columns:
            continue
        dims = [c for c in raw.columns if c not in (*PARAMETER_COLUMNS, "parameter_set")]
        split = raw[raw["parameter_set"].isin(PARAMETER_SETS)]
        for (parameter, *key), group in split.groupby(["parameter", *dims], sort=False, dropna=False):
            sets = group.set_index("parameter_set")
            printed = sets.loc["printed"] if "printed" in sets.index else None
            study = sets.loc["study"] if "study" in sets.index else None
            same = printed is not None and study is not None and _same_value(printed, study)
            if same:
                continue
            either = study if study is not None else printed
            assert either is not None
            rows.append(
                {
                    "file": path.name,
                    "parameter": parameter,
                    "key": ", ".join(f"{d}={v}" for d, v in zip(dims, key, strict=True) if v),
                    "printed": printed["value"] if printed is not None else "(not in this set)",
                    "study": study["value"] if study is not None else "(not in this set)",
                    "unit": either["unit"],
                    "printed_source": printed["source"] if printed is not None else "",
                    "study_source": study["source"] if study is not None else "",
                    "report_ref": either["report_ref"],
                    "note": either["note"],
                }
            )
    return pd.DataFrame(rows, columns=list(DIFFERENCE_COLUMNS))


def _same_value(printed: pd.Series, study: pd.Series) -> bool:
    """Whether two parameter rows give the same value in the same unit (numbers compared as numbers)."""
    if printed["unit"] != study["unit"]:
        return False
    try:
        return float(printed["value"].replace(",", "")) == float(study["value"].replace(",", ""))
    except ValueError:
        return bool(printed["value"] == study["value"])
