"""altair chart builders for the book.  They draw; they never compute.

Charts are rendered as static SVG (vl-convert), so pages work offline and the PDF
gets vector graphics.  Call :func:`use_static_renderer` once per chapter.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

SOURCE_ORDER = ["Printed in the report", "Study reading", "Printed reading"]


def use_static_renderer() -> None:
    """Render altair charts as inline SVG (no JavaScript, no network)."""
    alt.renderers.enable("svg")


def comparison_chart(comparison: pd.DataFrame, title: str, value_label: str) -> alt.Chart:
    """Dot plot of printed values against both computed readings (:func:`dsot.audit.comparison`)."""
    long = comparison.assign(item=comparison["row"] + " | " + comparison["column"]).melt(
        id_vars=["item"], value_vars=["documented", "study", "printed"], var_name="source", value_name="value"
    )
    long = long.assign(
        value=pd.to_numeric(long["value"], errors="coerce"),
        source=long["source"].map({"documented": SOURCE_ORDER[0], "study": SOURCE_ORDER[1], "printed": SOURCE_ORDER[2]}),
    ).dropna(subset=["value"])
    return (
        alt.Chart(long, title=title)
        .mark_point(filled=True, size=45, opacity=0.8)
        .encode(
            x=alt.X("value:Q", title=value_label, scale=alt.Scale(zero=False)),
            y=alt.Y("item:N", title=None, sort=None, axis=alt.Axis(labelLimit=420)),
            color=alt.Color("source:N", title=None, sort=SOURCE_ORDER, legend=alt.Legend(orient="top")),
            shape=alt.Shape("source:N", title=None, sort=SOURCE_ORDER),
            tooltip=["item:N", "source:N", alt.Tooltip("value:Q", format=".3f")],
        )
        .properties(width=360)
    )


def interest_rate_chart(sensitivity: pd.DataFrame, title: str) -> alt.Chart:
    """ACCF versus debt interest rate by investor (:func:`dsot.accf.interest_rate_sensitivity`)."""
    shown = sensitivity.assign(rate_pct=100 * sensitivity["interest_rate_frac"], accf_pct=100 * sensitivity["accf_frac"])
    return (
        alt.Chart(shown, title=title)
        .mark_line(strokeWidth=2)
        .encode(
            x=alt.X("rate_pct:Q", title="Interest rate on debt, k_d (%/yr)"),
            y=alt.Y("accf_pct:Q", title="ACCF (%/yr)", scale=alt.Scale(zero=False)),
            color=alt.Color("label:N", title="Investor (instrument)"),
            tooltip=["label:N", alt.Tooltip("rate_pct:Q", format=".2f"), alt.Tooltip("accf_pct:Q", format=".2f")],
        )
        .properties(width=460, height=280)
    )


def schedule_chart(schedules: pd.DataFrame, title: str) -> alt.Chart:
    """Annual depreciation schedules (columns: year, method, deduction_frac)."""
    shown = schedules.assign(deduction_pct=100 * schedules["deduction_frac"])
    return (
        alt.Chart(shown, title=title)
        .mark_line(point=True)
        .encode(
            x=alt.X("year:O", title="Year"),
            y=alt.Y("deduction_pct:Q", title="Depreciation (% of first cost)"),
            color=alt.Color("method:N", title="Method"),
        )
        .properties(width=460, height=240)
    )
