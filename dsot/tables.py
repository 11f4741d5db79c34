"""great-tables builders for the book.  They format; they never compute.

Every builder takes a data frame produced by the package and a stable ``table_id``
(used as the HTML id, so pages and tests can find the table).
"""

from __future__ import annotations

import pandas as pd
from great_tables import GT, md

STATUS_MARK = {"reproduced": "reproduced", "differs": "differs", "not-computable": "not computable"}


def _gt(frame: pd.DataFrame, table_id: str, title: str | None, subtitle: str | None = None, **kwargs: str) -> GT:
    """A striped table with a fixed HTML id; the title is omitted when the chapter captions it."""
    gt = GT(frame, id=table_id, **kwargs).opt_row_striping()
    return gt if title is None else gt.tab_header(title=title, subtitle=subtitle)


def _shown(value: object, unit: str) -> str:
    if unit == "pct":
        return f"{100 * float(value):.2f}"  # type: ignore[arg-type]
    if unit == "bool":
        return "yes" if value == 1.0 else "no"
    return str(value) if isinstance(value, str) else f"{value:g}"


def parameter_table(frame: pd.DataFrame, dims: list[str], table_id: str, title: str | None = None) -> GT:
    """A parameter file shown as printed: one row per dimension value, one column per parameter.

    ``frame`` is :func:`dsot.params.load_parameters` output.  Percent values are shown in
    percent; the units are in the column labels; sources and report references are
    listed in a note.
    """
    units = frame.drop_duplicates("parameter").set_index("parameter")["unit"]
    shown = frame.assign(shown=[_shown(v, u) for v, u in zip(frame["value"], frame["unit"], strict=True)])
    wide = shown.pivot(index=dims, columns="parameter", values="shown").reindex(columns=list(units.index))
    order = shown.drop_duplicates(dims)[dims]
    wide = wide.loc[pd.MultiIndex.from_frame(order) if len(dims) > 1 else order[dims[0]]].reset_index().fillna("")
    plain = {"pct": " (%)", "frac": "", "bool": "", "-": "", "ratio": "", "id": "", "count": ""}
    labels = {p: p.replace("_", " ").capitalize() + plain.get(u, f" ({u})") for p, u in units.items()}
    labels.update({d: d.replace("_", " ").capitalize() for d in dims})
    sources = "; ".join(dict.fromkeys(f"{s} [{r}]" for s, r in zip(frame["source"], frame["report_ref"], strict=True)))
    return (
        _gt(wide, table_id, title)
        .cols_label(cases=labels)
        .tab_source_note(md(f"Sources: {sources}. Loaded from `data/parameters/`."))
    )


def comparison_table(comparison: pd.DataFrame, table_id: str, title: str | None, note: str | None = None) -> GT:
    """Printed values beside the study reading and the printed reading (:func:`dsot.audit.comparison`)."""
    shown = comparison.assign(status=comparison["status"].map(STATUS_MARK))
    gt = (
        _gt(shown[["row", "column", "documented", "study", "printed", "status"]], table_id, title)
        .cols_label(
            cases={
                "row": "Row",
                "column": "Column",
                "documented": "Printed in the report",
                "study": "Study reading",
                "printed": "Printed reading",
                "status": "Status (study reading)",
            }
        )
        .tab_spanner("Computed by dsot", columns=["study", "printed"])
    )
    return gt.tab_source_note(md(note)) if note else gt


def customer_check_table(check: pd.DataFrame, key: str, table_id: str, title: str | None) -> GT:
    """Table 3 or 4 beside the range Tables 31-35 allow (:func:`dsot.accf.customer_accf_check`)."""
    shown = check.assign(
        published=100 * check["published_frac"],
        low=100 * check["min_frac"],
        high=100 * check["max_frac"],
        fitted=100 * check["fitted_frac"],
        inside=check["inside"].map({True: "inside", False: "outside"}),
    )
    return (
        _gt(
            shown[[key, "asset", "published", "low", "high", "inside", "fitted", "residual_pp"]],
            table_id,
            title,
            groupname_col=key,
        )
        .fmt_number(columns=["published", "low", "high", "fitted"], decimals=2)
        .fmt_number(columns=["residual_pp"], decimals=2, force_sign=True)
        .cols_label(
            cases={
                "asset": "Asset",
                "published": "Printed ACCF (%)",
                "low": "Lowest (%)",
                "high": "Highest (%)",
                "inside": "Printed value",
                "fitted": "Best fit (%)",
                "residual_pp": "Fit residual (pp)",
            }
        )
        .tab_spanner("Range for any shares", columns=["low", "high"])
        .tab_source_note(
            md(
                "Range: the four corner mixes of owner (business) vs renter (public) and new vs retrofit, "
                "with the Table 31 ACCFs including sales tax. Best fit: one pair of shares per customer type, "
                "fitted to all its assets; it is not a reproduction."
            )
        )
    )


def frame_table(
    frame: pd.DataFrame, table_id: str, title: str | None, labels: dict[str, str], decimals: dict[str, int] | None = None
) -> GT:
    """A plain table with column labels and fixed decimals per numeric column (labels of absent columns are ignored)."""
    gt = _gt(frame, table_id, title).cols_label(cases={k: v for k, v in labels.items() if k in frame.columns})
    for column, places in (decimals or {}).items():
        gt = gt.fmt_number(columns=[column], decimals=places)
    return gt


def equation_map_table(frame: pd.DataFrame, table_id: str, title: str | None = "Equations of this chapter") -> GT:
    """Equation -> function -> tests for a chapter (:func:`dsot.book.equation_map`)."""
    shown = frame.assign(function=frame["function"].str.replace("dsot.", "", regex=False))
    return _gt(shown, table_id, title).cols_label(
        cases={"equation": "Eq.", "title": "Quantity", "function": "Function (dsot.…)", "tests (count)": "Tests", "note": "Note"}
    )


def audit_summary_table(summary: pd.DataFrame, table_id: str) -> GT:
    """Counts of audit rows by table and status."""
    return _gt(summary, table_id, "Audit summary", "Printed numbers checked, by table and status (study reading)").cols_label(
        cases={"ref": "Report item"}
    )


def audit_rows_table(rows: pd.DataFrame, table_id: str, title: str | None) -> GT:
    """Audit rows with their cause and explanation."""
    columns = ["ref", "row", "column", "documented", "reproduced", "status", "cause", "explanation"]
    return _gt(rows[columns], table_id, title).cols_label(
        cases={
            "ref": "Item",
            "row": "Row",
            "column": "Column",
            "documented": "Printed",
            "reproduced": "Computed",
            "status": "Status",
            "cause": "Cause",
            "explanation": "Explanation",
        }
    )


def markdown_table(frame: pd.DataFrame) -> str:
    """A data frame as a Markdown pipe table (cells may hold $math$), for tables of formulas."""
    header = "| " + " | ".join(str(c) for c in frame.columns) + " |"
    rule = "|" + "|".join("---" for _ in frame.columns) + "|"
    body = ["| " + " | ".join(str(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join([header, rule, *body])


def table38_markdown(values: pd.DataFrame, formulas: dict[tuple[str, str], tuple[str, str, str, str]], decimals: int = 3) -> str:
    """Table 38 as a Markdown table: each cell the closed form, its equation number and its value."""
    fleets = ("brownfield_bau", "brownfield_transactive", "greenfield_bau", "greenfield_transactive")
    rows = []
    for rec in values.itertuples(index=False):
        cells = []
        for i, fleet in enumerate(fleets):
            formula = formulas[(rec.characteristic, rec.statistic)][i]
            eq = getattr(rec, f"{fleet}_equation")
            cells.append(f"${formula}$ {'(' + eq + ') ' if eq else ''}= {getattr(rec, fleet):.{decimals}f}")
        rows.append(
            {
                "Fleet characteristic": rec.characteristic,
                "": rec.statistic,
                "Brownfield, BAU": cells[0],
                "Brownfield, transactive": cells[1],
                "Greenfield, BAU": cells[2],
                "Greenfield, transactive": cells[3],
            }
        )
    return markdown_table(pd.DataFrame(rows))


def cfs_table(frame: pd.DataFrame, table_id: str, title: str | None, labels: dict[str, str]) -> GT:
    """A cash-flow statement with its lines indented by level of detail; numbers in $K/yr."""
    shown = frame.assign(label=_indented(frame))
    columns = [c for c in labels if c != "label"]
    gt = _gt(shown[["label", *columns]], table_id, title).cols_label(cases=labels)
    return gt.fmt_number(columns=columns, decimals=0).sub_missing(columns=columns, missing_text="–")


def _indented(lines: pd.DataFrame) -> list[str]:
    """CFS line labels indented by their level of detail (an em space per level below the first)."""
    return [("\u2003" * (int(level) - 1)) + str(label) for level, label in zip(lines["level"], lines["label"], strict=True)]


def form_table(lines: pd.DataFrame, table_id: str, title: str | None, max_level: int) -> GT:
    """The form of a CFS (Tables 1 and 5): its lines down to ``max_level``, indented, with their symbols."""
    shown = lines[lines["level"] <= max_level]
    shown = pd.DataFrame({"label": _indented(shown), "line": shown["line"], "level": shown["level"]})
    return _gt(shown, table_id, title).cols_label(label="Category / line / element", line="Symbol", level="Level")
