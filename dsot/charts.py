"""altair chart builders for the book.  They draw; they never compute.

Charts are rendered as static SVG (vl-convert), so pages work offline and the PDF
gets vector graphics.  Call :func:`use_static_renderer` once per chapter.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from dsot.audit import STATUSES as AUDIT_STATUSES
from dsot.audit.overview import KINDS as AUDIT_KINDS

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


AREA_ORDER = ["fully developed", "greenfield", "undeveloped"]
AREA_COLORS = ["#8c564b", "#2ca02c", "#e7cba9"]


def service_territory_chart(shares: pd.DataFrame, title: str) -> alt.FacetChart:
    """Figure 7 drawn from the model: each DSO's territory as a developed core, a greenfield ring and undeveloped land.

    Ring radii are the square roots of the cumulative land shares (so areas are to scale);
    ``shares`` is :func:`dsot.dso_capital.service_area_shares`.
    """
    rows = []
    for dso_type, group in shares.groupby("dso_type", sort=False):
        cumulative = 0.0
        for area in AREA_ORDER:
            share = float(group.loc[group["area"] == area, "land_share_frac"].iloc[0])
            peak = float(group.loc[group["area"] == area, "peak_share_frac"].iloc[0])
            rows.append(
                {
                    "dso_type": dso_type,
                    "area": area,
                    "inner": cumulative**0.5,
                    "outer": (cumulative + share) ** 0.5,
                    "land share (%)": round(100 * share, 2),
                    "peak share (%)": round(100 * peak, 2),
                }
            )
            cumulative += share
    frame = pd.DataFrame(rows)
    return (
        alt.Chart(frame)
        .mark_arc(theta=0, theta2=6.2832)
        .encode(
            radius=alt.Radius("outer:Q", scale=alt.Scale(type="linear", domain=[0, 1], range=[0, 90]), title=None),
            radius2="inner:Q",
            color=alt.Color(
                "area:N", sort=AREA_ORDER, scale=alt.Scale(domain=AREA_ORDER, range=AREA_COLORS), title="Service area"
            ),
            tooltip=["dso_type:N", "area:N", "land share (%):Q", "peak share (%):Q"],
        )
        .properties(width=190, height=190)
        .facet(column=alt.Column("dso_type:N", title=None, sort=["rural", "suburban", "urban"]), title=title)
    )


def lifecycle_chart(lifecycle: pd.DataFrame, title: str, transactive: bool) -> alt.LayerChart:
    """Figures 10-13: peak demand and capacity over a substation lifecycle, per unit of design capacity."""
    series = {"bau_peak_pu": "BAU (counterfactual) peak", "capacity_pu": "Capacity"}
    if transactive:
        series["net_peak_pu"] = "Net peak (transactive)"
    long = lifecycle.melt(id_vars=["year"], value_vars=list(series), var_name="series", value_name="pu")
    long["series"] = long["series"].map(series)
    base = alt.Chart(long).encode(
        x=alt.X("year:Q", title="Years since construction or last upgrade"),
        y=alt.Y("pu:Q", title="Per unit of design capacity"),
        color=alt.Color("series:N", title=None, legend=alt.Legend(orient="bottom")),
    )
    peaks = base.transform_filter(alt.datum.series != "Capacity").mark_line(strokeWidth=2)
    capacity = base.transform_filter(alt.datum.series == "Capacity").mark_line(interpolate="step-after", strokeDash=[6, 3])
    return alt.layer(peaks, capacity, title=title).properties(width=460, height=240)


def fleet_savings_chart(savings: pd.DataFrame, title: str) -> alt.Chart:
    """Annualized substation fleet cost savings versus fractional peak reduction, by DSO type."""
    shown = savings.assign(
        reduction_pct=100 * savings["reduction_frac"],
        savings_musd=savings["savings_kusd_per_yr"] / 1000.0,
        savings_pct=100 * savings["savings_frac"],
    )
    return (
        alt.Chart(shown, title=title)
        .mark_line(point=True)
        .encode(
            x=alt.X("reduction_pct:Q", title="Peak reduction (% of BAU peak)"),
            y=alt.Y("savings_pct:Q", title="Fleet cost saving (% of BAU)"),
            color=alt.Color("dso_type:N", title="DSO type", sort=["rural", "suburban", "urban"]),
            tooltip=[
                "dso_type:N",
                alt.Tooltip("reduction_pct:Q", format=".1f"),
                alt.Tooltip("savings_musd:Q", format=".2f", title="$M/yr"),
                alt.Tooltip("savings_pct:Q", format=".2f"),
            ],
        )
        .properties(width=460, height=260)
    )


def predicted_vs_actual_chart(actual: pd.Series, predicted: pd.Series, title: str) -> alt.LayerChart:
    """Figure 14: predicted against actual employee ratios, with the line of equality."""
    frame = pd.DataFrame({"utility": actual.index, "actual": actual.to_numpy(), "predicted": predicted.to_numpy()})
    top = float(max(frame["actual"].max(), frame["predicted"].max())) * 1.1
    scale = alt.Scale(domain=[0, top])
    points = (
        alt.Chart(frame)
        .mark_point(filled=True, size=60)
        .encode(
            x=alt.X("actual:Q", title="Actual employees per 1000 customers", scale=scale),
            y=alt.Y("predicted:Q", title="Predicted employees per 1000 customers", scale=scale),
            tooltip=["utility:N", alt.Tooltip("actual:Q", format=".2f"), alt.Tooltip("predicted:Q", format=".2f")],
        )
    )
    line = (
        alt.Chart(pd.DataFrame({"x": [0.0, top], "y": [0.0, top]}))
        .mark_line(strokeDash=[4, 4], color="gray")
        .encode(x="x:Q", y="y:Q")
    )
    return alt.layer(line, points, title=title).properties(width=320, height=320)


def relative_expenses_chart(shares_pct: pd.Series, labels: pd.Series, title: str) -> alt.Chart:
    """Figure 9: each BAU expense line as a share of all of a DSO's expenses (%)."""
    frame = pd.DataFrame({"line": labels.reindex(shares_pct.index).to_numpy(), "share_pct": shares_pct.to_numpy()})
    return (
        alt.Chart(frame, title=title)
        .mark_bar()
        .encode(
            x=alt.X("share_pct:Q", title="Share of annual expenses (%)"),
            y=alt.Y("line:N", title=None, sort=None),
            tooltip=["line:N", alt.Tooltip("share_pct:Q", format=".1f")],
        )
        .properties(width=420, height=300)
    )


def load_week_chart(week: pd.DataFrame, title: str) -> alt.Chart:
    """Hourly load of a DSO in two cases and their difference (:func:`dsot.cases.summary.peak_week`)."""
    return (
        alt.Chart(week, title=title)
        .mark_line()
        .encode(
            x=alt.X("timestamp:T", title="Local time"),
            y=alt.Y("value_mw:Q", title="Delivered load (MW)"),
            color=alt.Color("series:N", title=None, legend=alt.Legend(orient="bottom")),
            strokeDash=alt.StrokeDash("series:N", legend=None),
        )
        .properties(width=620, height=280)
    )


def price_week_chart(week: pd.DataFrame, title: str) -> alt.Chart:
    """Day-ahead and real-time prices over a week (:func:`dsot.cases.summary.price_week`), symmetric-log scale."""
    return (
        alt.Chart(week, title=title)
        .mark_line()
        .encode(
            x=alt.X("timestamp:T", title="Local time"),
            y=alt.Y("price_usd_per_mwh:Q", title="LMP (USD/MWh, symmetric log scale)", scale=alt.Scale(type="symlog")),
            color=alt.Color("series:N", title=None, legend=alt.Legend(orient="bottom")),
        )
        .properties(width=620, height=240)
    )


def price_duration_chart(curves: pd.DataFrame, title: str) -> alt.Chart:
    """Price duration curves (:func:`dsot.cases.summary.price_duration`), log scale from 10 USD/MWh."""
    return (
        alt.Chart(curves, title=title)
        .mark_line()
        .encode(
            x=alt.X(
                "hours_exceeded_pct:Q",
                title="Share of intervals with a higher price (%, log scale)",
                scale=alt.Scale(type="log", domainMin=0.1),
            ),
            y=alt.Y("price_usd_per_mwh:Q", title="LMP (USD/MWh, log scale)", scale=alt.Scale(type="log", domainMin=10)),
            color=alt.Color("case:N", title=None, legend=alt.Legend(orient="bottom")),
            strokeDash=alt.StrokeDash("market:N", title=None),
        )
        .properties(width=620, height=260)
    )


GROUP_ORDER = ["transactive, responding", "transactive, not responding", "stayed on the fixed rate", "industrial (fixed rate)"]


def bill_change_chart(changes: pd.DataFrame, title: str) -> alt.LayerChart:
    """Each customer's annual bill change, transactive vs BAU (:func:`dsot.policies.bill_changes`), by group.

    One point per simulated customer (spread vertically by a fixed function of its id, so
    the drawing is the same on every run), a tick at each group's weighted mean.
    """
    jitter = (changes["customer"].abs() * 2654435761 % 1000) / 1000 * 14 - 7
    shown = changes.assign(dso=changes["dso"].map(lambda d: f"DSO {d}"), jitter=jitter)
    points = (
        alt.Chart(shown)
        .mark_point(filled=True, size=28, opacity=0.55)
        .encode(
            x=alt.X("change_pct:Q", title="Annual bill change, transactive vs BAU (%)"),
            y=alt.Y("group:N", title=None, sort=GROUP_ORDER, axis=alt.Axis(labelLimit=260)),
            yOffset=alt.YOffset("jitter:Q"),
            color=alt.Color("customer_class:N", title="Class", legend=alt.Legend(orient="bottom")),
            tooltip=["dso:N", "customer:Q", "customer_class:N", "building_type:N", alt.Tooltip("change_pct:Q", format=".1f")],
        )
    )
    means = (
        alt.Chart(shown)
        .transform_calculate(before="datum.weight * datum.bau_bill_usd", after="datum.weight * datum.transactive_bill_usd")
        .transform_aggregate(before="sum(before)", after="sum(after)", groupby=["group"])
        .transform_calculate(mean_pct="(datum.after / datum.before - 1) * 100")
        .mark_tick(color="black", thickness=3, size=26)
        .encode(x="mean_pct:Q", y=alt.Y("group:N", sort=GROUP_ORDER))
    )
    rule = alt.Chart(pd.DataFrame({"zero": [0.0]})).mark_rule(strokeDash=[4, 3], color="gray").encode(x="zero:Q")
    return alt.layer(rule, points, means, title=title).properties(width=560, height=220)


def monthly_bills_chart(monthly: pd.DataFrame, title: str) -> alt.Chart:
    """Average monthly bill per customer by class, BAU and transactive (:func:`dsot.valuation.monthly_class_bills`)."""
    shown = monthly.assign(series=monthly["case"] + ", " + monthly["rate_plan"])
    return (
        alt.Chart(shown, title=title)
        .mark_line(point=True)
        .encode(
            x=alt.X("month:T", title="Month of 2016", axis=alt.Axis(format="%b")),
            y=alt.Y("average_bill_usd:Q", title="Average monthly bill per customer (USD)"),
            color=alt.Color("series:N", title="Case, rate plan", legend=alt.Legend(orient="bottom", columns=2)),
            facet=alt.Facet("customer_class:N", title=None, columns=3),
            tooltip=["series:N", "month:T", alt.Tooltip("average_bill_usd:Q", format=",.0f")],
        )
        .properties(width=200, height=180)
        .resolve_scale(y="independent")
    )


def generator_costs_revenues_chart(bars: pd.DataFrame, title: str) -> alt.FacetChart:
    """Generator costs beside revenues by technology, stacked by line item, one panel per case.

    ``bars`` is :func:`dsot.cfs.bulk.cost_revenue_by_technology` output (M$/yr).
    """
    items = list(dict.fromkeys(bars["item"]))
    return (
        alt.Chart(bars)
        .mark_bar()
        .encode(
            x=alt.X("technology:N", title=None, sort=None, axis=alt.Axis(labelAngle=-30, labelLimit=220)),
            xOffset=alt.XOffset("side:N", sort=["Costs", "Revenues"]),
            y=alt.Y("sum(value_musd_per_yr):Q", title="Annual amount (M$/yr); left bar costs, right bar revenues"),
            color=alt.Color("item:N", title="Line item", sort=items, legend=alt.Legend(orient="bottom", columns=4)),
            order=alt.Order("order:Q"),
            tooltip=["case:N", "technology:N", "side:N", "item:N", alt.Tooltip("value_musd_per_yr:Q", format=",.0f")],
        )
        .transform_calculate(order=f"indexof({items!r}, datum.item)")
        .properties(width=300, height=240)
        .facet(column=alt.Column("case:N", title=None, sort=None), title=title)
    )


def customer_asset_cost_chart(costs: pd.DataFrame, value: str, value_title: str, title: str) -> alt.Chart:
    """Customer asset costs by building type, stacked by asset (Section 5.1).

    ``costs`` is :func:`dsot.customers.asset_costs_by` output keyed by ``building_type``
    (or any frame with building_type, asset and the ``value`` column).
    """
    shown = costs[costs[value].fillna(0.0) != 0.0]
    return (
        alt.Chart(shown, title=title)
        .mark_bar()
        .encode(
            x=alt.X(f"sum({value}):Q", title=value_title),
            y=alt.Y("building_type:N", title=None, sort="-x", axis=alt.Axis(labelLimit=220)),
            color=alt.Color("asset:N", title="Asset", legend=alt.Legend(orient="bottom", columns=3)),
            tooltip=["building_type:N", "asset:N", alt.Tooltip(f"{value}:Q", format=",.1f")],
        )
        .properties(width=420, height=260)
    )


def terminal_expenses_chart(by_case: dict[str, pd.DataFrame], title: str) -> alt.Chart:
    """Stacked bars of terminal expenses by stakeholder, one bar group per case (:func:`dsot.system.terminal_by_stakeholder`)."""
    frame = pd.concat([f.assign(case=case) for case, f in by_case.items()], ignore_index=True)
    frame = frame.assign(value_musd=frame["value"] / 1e3)
    return (
        alt.Chart(frame, title=title)
        .mark_bar()
        .encode(
            y=alt.Y("terminal:N", title=None, sort=None, axis=alt.Axis(labelLimit=260)),
            x=alt.X("sum(value_musd):Q", title="$M/yr"),
            color=alt.Color("stakeholder:N", title="Paid by", legend=alt.Legend(orient="bottom")),
            row=alt.Row("case:N", title=None, sort=list(by_case)),
            tooltip=["case:N", "terminal:N", "stakeholder:N", alt.Tooltip("value_musd:Q", format=",.0f", title="$M/yr")],
        )
        .properties(width=440)
    )


TORNADO_LEVELS = ["low", "high"]
TORNADO_COLORS = ["#4c78a8", "#e45756"]


def tornado_chart(rows: pd.DataFrame, title: str, x_title: str) -> alt.LayerChart:
    """Tornado chart of one output (:func:`dsot.sensitivity.tornado_rows`).

    One bar per factor and level from the factor's base result to its result at the low
    and at the high level, factors in the order given (widest swing on top); each bar
    end is labelled with the level's headline input value.  ``x_title`` names the
    change and its unit (the rows' ``*_change`` columns).
    """
    order = rows["label"].tolist()
    long = pd.concat(
        [
            rows.assign(
                level=level,
                change=rows[f"{level}_change"],
                setting=rows[f"{level}_value"].map(lambda v: "" if pd.isna(v) else format(v, ",.10g")),
            )
            for level in TORNADO_LEVELS
        ],
        ignore_index=True,
    )
    y = alt.Y("label:N", title=None, sort=order, axis=alt.Axis(labelLimit=300))
    bars = (
        alt.Chart(long)
        .mark_bar(opacity=0.85)
        .encode(
            x=alt.X("change:Q", title=x_title, scale=alt.Scale(padding=80), axis=alt.Axis(tickCount=6)),
            y=y,
            color=alt.Color(
                "level:N",
                title="Level",
                sort=TORNADO_LEVELS,
                scale=alt.Scale(domain=TORNADO_LEVELS, range=TORNADO_COLORS),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=["label:N", "level:N", "setting:N", alt.Tooltip("change:Q", format=",.0f")],
        )
    )
    right = (
        bars.transform_filter("datum.change >= 0")
        .mark_text(align="left", dx=4)
        .encode(text="setting:N", color=alt.value("black"))
    )
    left = (
        bars.transform_filter("datum.change < 0")
        .mark_text(align="right", dx=-4)
        .encode(text="setting:N", color=alt.value("black"))
    )
    rule = alt.Chart(pd.DataFrame({"zero": [0.0]})).mark_rule(color="gray").encode(x="zero:Q")
    return alt.layer(bars, left, right, rule, title=title).properties(width=460, height=40 * max(len(order), 1))


# --- the reproducibility audit ------------------------------------------------------------------

AUDIT_STATUS_COLOURS = {"reproduced": "#4c9a5f", "differs": "#d98c2b", "not-computable": "#8c8c8c"}


def audit_status_chart(counts: pd.DataFrame, title: str) -> alt.FacetChart:
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
                sort=list(AUDIT_STATUSES),
                scale=alt.Scale(domain=list(AUDIT_STATUS_COLOURS), range=list(AUDIT_STATUS_COLOURS.values())),
                legend=alt.Legend(orient="bottom"),
            ),
            order=alt.Order("status_rank:Q"),
            tooltip=["section:N", "kind:N", "status:N", alt.Tooltip("rows:Q", title="Rows")],
        )
        .transform_calculate(
            status_rank=f"indexof({list(AUDIT_STATUSES)!r}, datum.status)",
        )
        .properties(width=260, height=alt.Step(18))
        .facet(column=alt.Column("kind:N", title=None, sort=list(AUDIT_KINDS)), title=title)
        .resolve_scale(x="independent")
    )
