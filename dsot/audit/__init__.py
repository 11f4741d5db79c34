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

Producers (one module per report section or appendix, in this package) return lists of
:class:`AuditRow`; :data:`PRODUCERS` lists them in report order.
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
from dsot.params import ParameterSet, data_version

Status = Literal["reproduced", "differs", "not-computable"]
STATUSES: tuple[Status, ...] = get_args(Status)

Cause = Literal[
    "",
    "study-reading",
    "printed-reading",
    "missing-input",
    "inconsistent-tables",
    "typo",
    "rounding",
    "input",
    "unexplained",
]
CAUSES: tuple[Cause, ...] = get_args(Cause)
"""Why a row needed explaining: ``study-reading`` (reproduced only with the study's
reading of an equation), ``printed-reading`` (the printed equations give another value),
``missing-input`` (an input is not published), ``inconsistent-tables`` (published tables
contradict each other), ``typo``, ``rounding`` (an input or total is printed rounded),
``input`` (the printed number is a model input, checked to be the value the code uses)
and ``unexplained`` (no documented reading reproduces it; the explanation gives the
investigation)."""

AUDIT_COLUMNS = ("ref", "row", "column", "documented", "reproduced", "precision", "status", "cause", "explanation")


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
    cause_if_differs: Cause = "printed-reading",
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


def reading_cause(parameter_set: ParameterSet, other_value: float | None, documented: Decimal, precision: int) -> Cause:
    """Cause of a reproduced row: empty if the other reading reproduces it too, else this reading's name.

    >>> reading_cause("study", 9.8, Decimal("9.72"), 2)
    'study-reading'
    >>> reading_cause("study", 9.7204, Decimal("9.72"), 2)
    ''
    """
    if other_value is not None and not math.isnan(other_value) and matches_printed(other_value, documented, precision):
        return ""
    return "study-reading" if parameter_set == "study" else "printed-reading"


Producer = Callable[[ParameterSet], Iterable[AuditRow]]


def _producers() -> list[Producer]:
    from dsot.audit import appendices_c_d, appendix_a, inputs, section_3_2, section_3_3, section_5, section_6

    return [
        appendix_a.table2,
        appendix_a.table3,
        appendix_a.table4,
        section_3_2.table6,
        section_3_2.table7,
        section_3_2.table8,
        section_3_2.table9,
        section_3_2.table10,
        section_3_2.table11_12,
        section_3_2.table13,
        inputs.table14,
        section_3_3.table15,
        section_3_3.table16,
        inputs.table17,
        section_3_3.table17_42,
        section_3_3.table18_20,
        section_3_3.table21,
        section_5.table23,
        section_6.table25,
        inputs.table28,
        inputs.table29,
        appendix_a.table30,
        appendix_a.table31,
        inputs.table32,
        inputs.table33,
        inputs.table34,
        inputs.table35,
        inputs.table36,
        section_3_2.table37,
        appendices_c_d.table39,
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


@cache
def _audit(parameter_set: ParameterSet, _version: tuple[str, tuple[tuple[str, int, int], ...]]) -> pd.DataFrame:
    rows = [asdict(r) for producer in _producers() for r in producer(parameter_set)]
    frame = pd.DataFrame(rows, columns=list(AUDIT_COLUMNS))
    bad_status = frame[~frame["status"].isin(STATUSES)]
    if len(bad_status):
        raise ValueError(f"audit row with unknown status: {bad_status.iloc[0].to_dict()}")
    return frame


def write_audit(path: str | Path, parameter_set: ParameterSet = "study") -> pd.DataFrame:
    """Write the audit CSV atomically and return it."""
    frame = audit(parameter_set)
    atomic_write_csv(frame, path)
    return frame


def comparison(*refs: str) -> pd.DataFrame:
    """Printed values of report items beside both readings: the study's and the printed one.

    Columns: row, column, documented, study, printed, status (of the study reading),
    cause, explanation.
    """
    study, printed = audit("study"), audit("printed")
    mine = study[study["ref"].isin(refs)].reset_index(drop=True)
    theirs = printed[printed["ref"].isin(refs)].reset_index(drop=True)
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


def summary(frame: pd.DataFrame) -> pd.DataFrame:
    """Counts of audit rows by report item (rows) and status (columns), in report order."""
    counts = frame.groupby(["ref", "status"]).size().unstack(fill_value=0)
    counts = counts.reindex(columns=[s for s in STATUSES if s in counts.columns])
    order = sorted(counts.index, key=lambda ref: (ref[0], int("".join(c for c in ref if c.isdigit()) or 0)))
    return counts.loc[order].reset_index().rename_axis(columns=None)
