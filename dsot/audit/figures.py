"""altair chart of the audit: status counts per report section.  It draws; the counts come from :mod:`dsot.audit.overview`."""

from __future__ import annotations

import altair as alt
import pandas as pd

from dsot.audit import STATUSES
from dsot.audit.overview import KINDS

STATUS_COLOURS = {"reproduced": "#4c9a5f", "differs": "#d98c2b", "not-computable": "#8c8c8c"}


def status_chart(counts: pd.DataFrame, title: str) -> alt.FacetChart:
    """Stacked bars of audit rows by status, one bar per report section, printed values and internal checks side by side.

    ``counts`` is :func:`dsot.audit.overview.status_long` output (section, kind, status, rows).
    """
    order = list(dict.fromkeys(counts["section"]))
    return (
        alt.Chart(counts)
        .mark_bar()
        .encode(
            y=alt.Y("section:N", title=None, sort=order, axis=alt.Axis(labelLimit=320)),
            x=alt.X("sum(rows):Q", title="Audit rows"),
            color=alt.Color(
                "status:N",
                title="Status",
                sort=list(STATUSES),
                scale=alt.Scale(domain=list(STATUS_COLOURS), range=list(STATUS_COLOURS.values())),
                legend=alt.Legend(orient="bottom"),
            ),
            order=alt.Order("status_rank:Q"),
            tooltip=["section:N", "kind:N", "status:N", alt.Tooltip("rows:Q", title="Rows")],
        )
        .transform_calculate(
            status_rank=f"indexof({list(STATUSES)!r}, datum.status)",
        )
        .properties(width=260, height=alt.Step(18))
        .facet(column=alt.Column("kind:N", title=None, sort=list(KINDS)), title=title)
        .resolve_scale(x="independent")
    )
