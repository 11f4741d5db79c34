"""The reproducibility audit: every printed number checked, one row each.

``dsot audit --out FILE.csv`` writes the rows of :func:`audit` with the columns of
:data:`AUDIT_COLUMNS`.  A row's ``status`` is

``reproduced``
    the computed value rounds to the printed value at the printed precision;
``differs``
    it does not, and ``cause``/``explanation`` say why and give the closest reading;
``not-computable``
    the report does not document what the value needs; ``explanation`` says what is
    missing and what the documented inputs do imply.

Every row that is not reproduced has a cause from :data:`CAUSES`, whose labels and
descriptions are in ``data/published/audit_causes.csv`` (:func:`cause_labels`).  Rows
whose ``column`` starts with :data:`INTERNAL_CHECK` check the report against itself (a
printed total against the sum of its printed parts, a printed percentage against its
printed numerator and denominator): :mod:`dsot.audit.consistency`.

Producers (one module per report section or appendix, in this package) return lists of
:class:`AuditRow`; ``_producers()`` lists them in report order.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Literal, get_args

import pandas as pd

from dsot.io import atomic_write_csv
from dsot.params import ParameterSet, data_dir, data_version, read_csv_strict

Status = Literal["reproduced", "differs", "not-computable"]
STATUSES: tuple[Status, ...] = get_args(Status)

Cause = Literal[
    "",
    "input",
    "printed-vs-implemented",
    "older-parameter-set",
    "missing-input",
    "inconsistent-tables",
    "typo",
    "rounding",
    "text-export",
]
CAUSES: tuple[Cause, ...] = get_args(Cause)
"""Why a row needed explaining (labels and descriptions: ``data/published/audit_causes.csv``).

``input`` (the printed number is a model input, checked to be the value the code reads),
``printed-vs-implemented`` (the printed equation or parameter and the variant that
produced the published number differ), ``older-parameter-set`` (the number comes from an
older parameter set than the one behind Table 21), ``missing-input`` (an input the value
needs is not published: an undocumented input), ``inconsistent-tables`` (the report
contradicts itself: a sum that does not add, a balance that is not zero, a claim a table
contradicts), ``typo`` (a report typo), ``rounding`` (printed inputs or parts are rounded)
and ``text-export`` (an artefact of the PDF-to-text conversion of the report)."""

AUDIT_COLUMNS = ("ref", "row", "column", "documented", "reproduced", "precision", "status", "cause", "explanation")

INTERNAL_CHECK = "internal check: "
"""Prefix of the ``column`` of a row that checks the report against itself (:mod:`dsot.audit.consistency`)."""


@dataclass(frozen=True)
class AuditRow:
    """One printed number and how the code compares with it."""

    ref: str
    row: str
    column: str
    documented: str
    reproduced: str
    precision: int
    status: Status
    cause: Cause
    explanation: str


def matches_printed(value: float, documented: Decimal, precision: int) -> bool:
    """True when ``value`` rounds to the printed ``documented`` at ``precision`` decimals.

    The tolerance is half a unit of the last printed digit, nothing more:

    >>> matches_printed(9.7204, Decimal("9.72"), 2)
    True
    >>> matches_printed(9.7251, Decimal("9.72"), 2)
    False
    """
    half_unit = Decimal(5) * Decimal(10) ** -(precision + 1)
    # Round away binary noise first: (8.20 + 6.47) / 2 is 7.334999... in floating point.
    return abs(Decimal(repr(round(float(value), 10))) - documented) <= half_unit


def format_reproduced(value: float | None, precision: int) -> str:
    """A computed value shown with three more decimals than printed (empty if none)."""
    return "" if value is None else f"{value:.{precision + 3}f}"


def compared(
    ref: str,
    row: str,
    column: str,
    documented: Decimal,
    precision: int,
    value: float,
    *,
    cause_if_reproduced: Cause = "",
    cause_if_differs: Cause,
    explanation: str,
) -> AuditRow:
    """An audit row for a value the code computes, with its status decided here."""
    ok = matches_printed(value, documented, precision)
    return AuditRow(
        ref=ref,
        row=row,
        column=column,
        documented=str(documented),
        reproduced=format_reproduced(value, precision),
        precision=precision,
        status="reproduced" if ok else "differs",
        cause=cause_if_reproduced if ok else cause_if_differs,
        explanation=explanation,
    )


def other_reading(parameter_set: ParameterSet) -> ParameterSet:
    """The other parameter set: ``printed`` for ``study`` and the reverse."""
    return "printed" if parameter_set == "study" else "study"


def _other_matches(other_value: float | None, documented: Decimal, precision: int) -> bool:
    return other_value is not None and not math.isnan(other_value) and matches_printed(other_value, documented, precision)


def reading_cause(other_value: float | None, documented: Decimal, precision: int) -> Cause:
    """Cause of a reproduced row: empty if the other parameter set reproduces it too.

    Otherwise only this set's variant of an equation or parameter gives the printed
    number: ``printed-vs-implemented``.

    >>> reading_cause(9.8, Decimal("9.72"), 2)
    'printed-vs-implemented'
    >>> reading_cause(9.7204, Decimal("9.72"), 2)
    ''
    """
    return "" if _other_matches(other_value, documented, precision) else "printed-vs-implemented"


def differs_cause(other_value: float | None, documented: Decimal, precision: int, otherwise: Cause) -> Cause:
    """Cause of a row that differs: ``printed-vs-implemented`` if the other parameter set reproduces it.

    >>> differs_cause(9.7204, Decimal("9.72"), 2, "rounding")
    'printed-vs-implemented'
    >>> differs_cause(None, Decimal("9.72"), 2, "rounding")
    'rounding'
    """
    return "printed-vs-implemented" if _other_matches(other_value, documented, precision) else otherwise


@cache
def _cause_labels_cached(path: Path, _mtime_ns: int) -> pd.DataFrame:
    frame = read_csv_strict(path, ("cause", "label", "issue_category", "description"))
    return frame.reset_index(drop=True)


def cause_labels(data: Path | None = None) -> pd.DataFrame:
    """The cause vocabulary with a human label and description per cause (``data/published/audit_causes.csv``).

    Columns: cause, label, issue_category (the category of issue #8 it stands for) and
    description; one row per non-empty entry of :data:`CAUSES`, in that order.
    """
    path = (data or data_dir()) / "published" / "audit_causes.csv"
    frame = _cause_labels_cached(path, path.stat().st_mtime_ns if path.exists() else 0)
    expected = [c for c in CAUSES if c]
    if list(frame["cause"]) != expected:
        raise ValueError(f"{path}: causes {list(frame['cause'])} do not match the vocabulary {expected}")
    return frame.copy()


def is_internal(frame: pd.DataFrame) -> pd.Series:
    """Rows that check the report against itself (their ``column`` starts with :data:`INTERNAL_CHECK`)."""
    return frame["column"].str.startswith(INTERNAL_CHECK)


Producer = Callable[[ParameterSet], Iterable[AuditRow]]


def _producers() -> list[Producer]:
    from dsot.audit import (
        appendices_c_d,
        appendix_a,
        consistency,
        inputs,
        section_1_3,
        section_3_2,
        section_3_3,
        section_5,
        section_6,
    )

    return [
        section_1_3.shares,
        appendix_a.table2,
        consistency.table2,
        appendix_a.table3,
        appendix_a.table4,
        section_3_2.table6,
        section_3_2.table7,
        section_3_2.table8,
        section_3_2.table9,
        consistency.table9,
        section_3_2.table10,
        section_3_2.table11_12,
        section_3_2.table13,
        consistency.table13,
        inputs.table14,
        section_3_3.table15,
        section_3_3.table16,
        inputs.table17,
        consistency.table17,
        section_3_3.table17_42,
        consistency.table42,
        section_3_3.table18_20,
        section_3_3.table21,
        consistency.table21,
        section_5.table23,
        consistency.table23,
        section_6.table25,
        inputs.table28,
        inputs.table29,
        consistency.table29,
        appendix_a.table30,
        inputs.table30,
        appendix_a.table31,
        consistency.table31,
        inputs.table32,
        inputs.table33,
        inputs.table34,
        inputs.table35,
        inputs.table36,
        consistency.table36,
        section_3_2.table37,
        appendices_c_d.table39,
        consistency.table39,
        appendices_c_d.table40,
        appendices_c_d.table41,
        section_3_2.scalars,
        section_3_3.prose,
    ]


def audit(parameter_set: ParameterSet = "study") -> pd.DataFrame:
    """All audit rows for one parameter set, in report order of their producers.

    Cached on the data directory's fingerprint (:func:`dsot.params.data_version`), so an
    edited CSV is always recomputed; callers get their own copy.
    """
    return _audit(parameter_set, data_version()).copy()


def check_rows(frame: pd.DataFrame) -> None:
    """Raise ``ValueError`` on a row with an unknown status or cause, or an open row left unexplained."""
    bad_status = frame[~frame["status"].isin(STATUSES)]
    if len(bad_status):
        raise ValueError(f"audit row with unknown status: {bad_status.iloc[0].to_dict()}")
    bad_cause = frame[~frame["cause"].isin(CAUSES)]
    if len(bad_cause):
        raise ValueError(f"audit row with a cause outside the vocabulary: {bad_cause.iloc[0].to_dict()}")
    open_rows = frame[frame["status"] != "reproduced"]
    unexplained = open_rows[(open_rows["cause"] == "") | (open_rows["explanation"].str.strip() == "")]
    if len(unexplained):
        raise ValueError(f"audit row not reproduced without a cause or an explanation: {unexplained.iloc[0].to_dict()}")


@cache
def _audit(parameter_set: ParameterSet, _version: tuple[str, tuple[tuple[str, int, int], ...]]) -> pd.DataFrame:
    rows = [asdict(r) for producer in _producers() for r in producer(parameter_set)]
    frame = pd.DataFrame(rows, columns=list(AUDIT_COLUMNS))
    check_rows(frame)
    return frame


def write_audit(path: str | Path, parameter_set: ParameterSet = "study") -> pd.DataFrame:
    """Write the audit CSV atomically and return it."""
    frame = audit(parameter_set)
    atomic_write_csv(frame, path)
    return frame


def comparison(*refs: str) -> pd.DataFrame:
    """Printed values of report items beside both readings: the study's and the printed one.

    Internal checks (:func:`is_internal`) are left out: they compare printed numbers
    with each other, not with the code.  Columns: row, column, documented, study,
    printed, status (of the study reading), printed_status, cause, explanation.
    """
    study, printed = audit("study"), audit("printed")
    mine = study[study["ref"].isin(refs) & ~is_internal(study)].reset_index(drop=True)
    theirs = printed[printed["ref"].isin(refs) & ~is_internal(printed)].reset_index(drop=True)
    return pd.DataFrame(
        {
            "row": mine["row"],
            "column": mine["column"],
            "documented": mine["documented"],
            "study": mine["reproduced"],
            "printed": theirs["reproduced"],
            "status": mine["status"],
            "printed_status": theirs["status"],
            "cause": mine["cause"],
            "explanation": mine["explanation"],
        }
    )


def ref_order(ref: str) -> tuple[str, int, str]:
    """Sort key of a report item: kind (F, S, T), then number, then the rest.

    >>> sorted(["T21", "T3", "S3.4", "F9"], key=ref_order)
    ['F9', 'S3.4', 'T3', 'T21']
    """
    digits = "".join(c for c in ref.split(".")[0] if c.isdigit())
    return ref[0], int(digits or 0), ref


def summary(frame: pd.DataFrame) -> pd.DataFrame:
    """Counts of the printed values checked against the code, by report item (rows) and status (columns).

    Internal checks (:func:`is_internal`) are counted separately, by
    :func:`dsot.audit.overview.status_counts`.
    """
    own = frame[~is_internal(frame)]
    counts = own.groupby(["ref", "status"]).size().unstack(fill_value=0)
    counts = counts.reindex(columns=[s for s in STATUSES if s in counts.columns])
    order = sorted(counts.index, key=ref_order)
    return counts.loc[order].reset_index().rename_axis(columns=None)
