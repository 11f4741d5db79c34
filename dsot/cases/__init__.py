"""Case data: the on-disk format of simulation results, its validation and the demonstration case.

A case directory holds ``case.yaml`` (what the case is) and Parquet tables (what the
simulation produced); :func:`read_case` validates it, :func:`write_case` writes one.
The schema lives in ``data/cases/tables.csv`` and ``data/cases/columns.csv`` and is
documented in ``data/cases/README.md`` and the book.
"""

from dsot.cases.metadata import CaseMetadata, DSOInfo, RetailMarket, parse_metadata
from dsot.cases.reader import Case, read_case
from dsot.cases.schema import FORMAT, CaseError, case_tables
from dsot.cases.writer import arrays_from_long, write_case

__all__ = [
    "FORMAT",
    "Case",
    "CaseError",
    "CaseMetadata",
    "DSOInfo",
    "RetailMarket",
    "arrays_from_long",
    "case_tables",
    "parse_metadata",
    "read_case",
    "write_case",
]
