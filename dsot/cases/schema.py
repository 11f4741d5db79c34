"""The case format's schema, read from ``data/cases/tables.csv`` and ``data/cases/columns.csv``.

The schema is data (as PUDL keeps its field metadata): every table of a case directory,
its layout, time step and key, and every column with its type, unit, admissible range,
vocabulary and the table it refers to.  The reader, the writer, the generator and the
documentation all take it from here.

Column names carry their unit as a suffix (``da_lmp_usd_per_mwh``, ``delivered_mwh``);
:data:`UNIT_SUFFIXES` maps each suffix to the unit written in ``columns.csv``, so a
column holding the right quantity in the wrong unit is recognised and named as such.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

from dsot.params import data_dir

Layout = Literal["long", "static", "array"]
Dtype = Literal["timestamp", "int", "float", "string", "bool"]
RequiredWhen = Literal["always", "transactive"]

FORMAT = "dsot-case/1"
"""Value of ``format`` in ``case.yaml`` for this version of the format."""

METADATA_FILE = "case.yaml"

UNIT_SUFFIXES: dict[str, str] = {
    "usd_per_mwh": "USD/MWh",
    "usd_per_kwh": "USD/kWh",
    "mwh": "MWh",
    "kwh": "kWh",
    "gwh": "GWh",
    "mw": "MW",
    "kw": "kW",
    "usd": "USD",
    "sqft": "sqft",
    "count": "count",
    "customers": "count",
}
"""Column-name unit suffixes, longest first when matched (``usd_per_mwh`` before ``mwh``)."""

STEP_MINUTES: dict[str, int] = {"5min": 5, "1h": 60, "1d": 1440}


class CaseError(ValueError):
    """A defect in a case directory, located by file, column and rows.

    Attributes
    ----------
    file : path of the offending file, relative to the case directory (``case.yaml`` for metadata).
    column : offending column or metadata key ("" when the whole file is at fault).
    rows : 0-based row indexes of the first offending rows (empty when not row-specific).
    problem : what is wrong, and how to fix it.
    """

    def __init__(self, file: str, column: str, rows: tuple[int, ...], problem: str) -> None:
        self.file, self.column, self.rows, self.problem = file, column, rows, problem
        where = file
        if column:
            where += f", column {column!r}"
        if rows:
            shown = ", ".join(str(r) for r in rows[:5])
            where += f", row{'s' if len(rows) > 1 else ''} {shown}"
        super().__init__(f"{where}: {problem}")


@dataclass(frozen=True)
class ColumnSpec:
    """One column of a case table (a row of ``columns.csv``)."""

    table: str
    name: str
    dtype: Dtype
    unit: str
    minimum: float
    maximum: float
    allowed: tuple[str, ...]
    references: str
    description: str


@dataclass(frozen=True)
class TableSpec:
    """One table of a case directory (a row of ``tables.csv``) with its columns."""

    name: str
    path: str
    layout: Layout
    time_step: str
    key: str
    required_when: RequiredWhen
    description: str
    columns: tuple[ColumnSpec, ...]

    @property
    def step_minutes(self) -> int | None:
        """Minutes between consecutive timestamps (``None`` for static tables)."""
        return STEP_MINUTES.get(self.time_step)

    def column(self, name: str) -> ColumnSpec:
        """The spec of column ``name``."""
        for spec in self.columns:
            if spec.name == name:
                return spec
        raise KeyError(f"{self.name} has no column {name!r}")

    @property
    def value_column(self) -> ColumnSpec:
        """The value column of an array table (the column that is not the key)."""
        return next(c for c in self.columns if c.name != self.key)

    def required(self, transactive: bool) -> bool:
        """Whether a case of this kind must contain the table."""
        return self.required_when == "always" or transactive


def unit_suffix(column: str) -> str | None:
    """The unit suffix of a column name (``'mwh'`` for ``delivered_mwh``), or ``None``."""
    for suffix in sorted(UNIT_SUFFIXES, key=len, reverse=True):
        if column.endswith("_" + suffix):
            return suffix
    return None


def _bound(text: str, default: float) -> float:
    return float(text) if text.strip() else default


@cache
def _load(directory: Path) -> dict[str, TableSpec]:
    with (directory / "columns.csv").open(newline="", encoding="utf-8") as handle:
        column_rows = list(csv.DictReader(handle))
    with (directory / "tables.csv").open(newline="", encoding="utf-8") as handle:
        table_rows = list(csv.DictReader(handle))
    tables: dict[str, TableSpec] = {}
    for row in table_rows:
        columns = tuple(
            ColumnSpec(
                table=c["table"],
                name=c["column"],
                dtype=c["dtype"],  # type: ignore[arg-type]
                unit=c["unit"],
                minimum=_bound(c["min"], -math.inf),
                maximum=_bound(c["max"], math.inf),
                allowed=tuple(c["allowed"].split("|")) if c["allowed"] else (),
                references=c["references"],
                description=c["description"],
            )
            for c in column_rows
            if c["table"] == row["table"]
        )
        tables[row["table"]] = TableSpec(
            name=row["table"],
            path=row["path"],
            layout=row["layout"],  # type: ignore[arg-type]
            time_step=row["time_step"],
            key=row["key"],
            required_when=row["required_when"],  # type: ignore[arg-type]
            description=row["description"],
            columns=columns,
        )
    return tables


def case_tables(data: Path | None = None) -> dict[str, TableSpec]:
    """Every table of the case format, in the order of ``data/cases/tables.csv``."""
    return _load((data or data_dir()) / "cases")
