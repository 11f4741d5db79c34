"""The audit summarised: by report section and table, by cause, and linked to the chapters of the book.

``data/published/audit_chapters.csv`` maps every report item of the audit (``ref``: T21,
S3.2.1, F9, ...) to the report section it is printed in, the chapter and anchor (a
``#| label:`` of a table or figure cell, or a ``{#sec-...}`` heading id) where the book
discusses it, and the data file its printed values are transcribed in
(``source_of_truth``, relative to ``data/``).  The functions here only regroup
:func:`dsot.audit.audit` rows; they compute nothing new.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd

from dsot.audit import STATUSES, cause_labels, is_internal, ref_order
from dsot.params import data_dir, read_csv_strict

KINDS = ("printed value", "internal check")
"""Kinds of audit row: a printed value checked against the code, or the report checked against itself."""

CHAPTER_COLUMNS = ("ref", "section", "section_title", "chapter", "anchor", "source_of_truth")


@cache
def _chapters_cached(path: Path, _mtime_ns: int) -> pd.DataFrame:
    frame = read_csv_strict(path, CHAPTER_COLUMNS).reset_index(drop=True)
    duplicated = frame["ref"][frame["ref"].duplicated()]
    if not duplicated.empty:
        raise ValueError(f"{path}: report item {duplicated.iloc[0]!r} listed twice")
    return frame


def chapter_links(data: Path | None = None) -> pd.DataFrame:
    """Report item -> report section, chapter, anchor and source of truth (``data/published/audit_chapters.csv``)."""
    path = (data or data_dir()) / "published" / "audit_chapters.csv"
    return _chapters_cached(path, path.stat().st_mtime_ns if path.exists() else 0).copy()


def chapter_link(ref: str, data: Path | None = None) -> str:
    """The chapter and anchor discussing a report item, as a relative link.

    >>> chapter_link("T21")
    '03-dso-expenses.ipynb#tbl-opex-table21'
    """
    links = chapter_links(data).set_index("ref")
    if ref not in links.index:
        raise KeyError(f"report item {ref!r} has no chapter in data/published/audit_chapters.csv")
    return f"{links.at[ref, 'chapter']}#{links.at[ref, 'anchor']}"


def section_order(section: str) -> tuple[int, int, str]:
    """Sort key of a report section: numbered sections first, then the appendices.

    >>> sorted(["A.2", "3.4", "D", "1.3", "7"], key=section_order)
    ['1.3', '3.4', '7', 'A.2', 'D']
    """
    head = section.split(".")[0]
    return (0, int(head), section) if head.isdigit() else (1, 0, section)


def annotated(frame: pd.DataFrame) -> pd.DataFrame:
    """Audit rows with their kind, report section, section title, chapter link and cause label."""
    links = chapter_links().set_index("ref")
    missing = sorted(set(frame["ref"]) - set(links.index))
    if missing:
        raise KeyError(f"report items without a chapter in data/published/audit_chapters.csv: {missing}")
    labels = cause_labels().set_index("cause")["label"].to_dict()
    return frame.assign(
        kind=[KINDS[1] if internal else KINDS[0] for internal in is_internal(frame)],
        section=frame["ref"].map(links["section"]),
        section_title=frame["ref"].map(links["section_title"]),
        link=[f"{links.at[r, 'chapter']}#{links.at[r, 'anchor']}" for r in frame["ref"]],
        cause_label=frame["cause"].map(labels).fillna(""),
    )


def _counts(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    counts = frame.groupby([*keys, "status"]).size().unstack(fill_value=0)
    counts = counts.reindex(columns=list(STATUSES), fill_value=0)
    counts["total"] = counts.sum(axis=1)
    return counts.reset_index().rename_axis(columns=None)


def status_counts(frame: pd.DataFrame, by: str = "section") -> pd.DataFrame:
    """Rows by status, per report ``section`` or per report item (``ref``), printed values and internal checks apart.

    Columns: the key (``section`` with ``section_title``, or ``ref`` with ``section``),
    kind, reproduced, differs, not-computable, total; in report order.
    """
    if by not in ("section", "ref"):
        raise ValueError(f"by must be 'section' or 'ref', not {by!r}")
    rows = annotated(frame)
    keys = ["section", "section_title", "kind"] if by == "section" else ["ref", "section", "kind"]
    counts = _counts(rows, keys)
    order = section_order if by == "section" else ref_order
    counts = counts.assign(_order=counts[by].map(order), _kind=counts["kind"].map(KINDS.index))
    return counts.sort_values(["_order", "_kind"]).drop(columns=["_order", "_kind"]).reset_index(drop=True)


def cause_counts(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows by cause (with its label and the category of issue #8) and status, the whole vocabulary listed.

    Columns: cause, label, issue_category, reproduced, differs, not-computable, total;
    the first row counts the rows with no cause (reproduced with nothing to explain).
    """
    vocabulary = cause_labels()
    counts = _counts(frame, ["cause"]).set_index("cause")
    none = pd.DataFrame([{"cause": "", "label": "(none)", "issue_category": "", "description": ""}])
    table = pd.concat([none, vocabulary], ignore_index=True).set_index("cause")
    table = table.join(counts, how="left").fillna({s: 0 for s in (*STATUSES, "total")})
    for column in (*STATUSES, "total"):
        table[column] = table[column].astype(int)
    return table.drop(columns="description").reset_index()


def _markdown_cell(value: object) -> str:
    """Text safe inside a Markdown table cell: pipes and dollars escaped, no line breaks."""
    return str(value).replace("\\", "\\\\").replace("|", "\\|").replace("$", "\\$").replace("\n", " ")


def open_rows(frame: pd.DataFrame, kind: str = KINDS[0]) -> pd.DataFrame:
    """Rows of one kind that are not reproduced, as Markdown-ready text with a link to the chapter of each.

    Columns: Item (a link to the chapter and anchor), Row, Column, Printed, Computed,
    Status, Cause (its label), Explanation.
    """
    rows = annotated(frame)
    rows = rows[(rows["kind"] == kind) & (rows["status"] != "reproduced")]
    shown = pd.DataFrame(
        {
            "Item": [f"[{r}]({link})" for r, link in zip(rows["ref"], rows["link"], strict=True)],
            "Row": rows["row"].map(_markdown_cell),
            "Column": rows["column"].str.removeprefix("internal check: ").map(_markdown_cell),
            "Printed": rows["documented"].map(_markdown_cell),
            "Computed": rows["reproduced"].map(_markdown_cell),
            "Status": rows["status"],
            "Cause": rows["cause_label"].map(_markdown_cell),
            "Explanation": rows["explanation"].map(_markdown_cell),
        }
    )
    return shown.reset_index(drop=True)


def status_long(frame: pd.DataFrame) -> pd.DataFrame:
    """Counts by section, kind and status in long form (for a chart): section, kind, status, rows."""
    counts = status_counts(frame, "section")
    heading = ["Appendix " + s if s.isalpha() else s for s in counts["section"]]
    counts = counts.assign(section=[f"{h} {t}" for h, t in zip(heading, counts["section_title"], strict=True)])
    counts = counts.assign(_order=range(len(counts)))
    long = counts.melt(id_vars=["section", "kind", "_order"], value_vars=list(STATUSES), var_name="status", value_name="rows")
    long = long.assign(_status=long["status"].map(STATUSES.index)).sort_values(["_order", "_status"])
    return long[long["rows"] > 0].drop(columns=["_order", "_status"]).reset_index(drop=True)


def reproduced_by_variant(frame: pd.DataFrame) -> pd.DataFrame:
    """Printed values reproduced by this parameter set's variant (or its older parameters) but not by the other set's."""
    own = frame[~is_internal(frame)]
    return own[(own["status"] == "reproduced") & own["cause"].isin(["printed-vs-implemented", "older-parameter-set"])]


def kind_status_counts(frame: pd.DataFrame) -> dict[str, int]:
    """Row counts keyed ``"kind / status"`` (for a compact, deterministic check).

    >>> from dsot.audit import audit
    >>> sum(kind_status_counts(audit("study")).values()) == len(audit("study"))
    True
    """
    counts = annotated(frame).groupby(["kind", "status"]).size()
    return {f"{kind} / {status}": int(n) for (kind, status), n in sorted(counts.items())}


def open_cause_counts(frame: pd.DataFrame) -> dict[str, int]:
    """Causes of the rows that are not reproduced, with their counts, in alphabetical order."""
    counts = frame.loc[frame["status"] != "reproduced", "cause"].value_counts().sort_index()
    return {str(cause): int(n) for cause, n in counts.items()}
