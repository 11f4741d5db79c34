"""Sankey diagrams: a deterministic layout of flows between staged nodes, and its altair drawing.

Figure 3 of the report is a Sankey diagram: quantities flow from left to right, what
enters a node's left side is its revenue and what leaves its right side its expenses.
:func:`layout` places the nodes in columns (their ``stage``), sizes each node by the
larger of its inflow and outflow, stacks flows on each side in a fixed order, and
returns polygons; :func:`sankey_chart` only draws them.  No network, no JavaScript: the
chart renders as static SVG like the rest of the book.
"""

from __future__ import annotations

from dataclasses import dataclass

import altair as alt
import numpy as np
import pandas as pd

FLOW_COLUMNS = ("source", "target", "value", "category")
"""Columns of a flow table: source and target node names, a non-negative value and a category (colour)."""


@dataclass(frozen=True)
class SankeyLayout:
    """Node rectangles, link bands and the units of a laid-out Sankey diagram."""

    nodes: pd.DataFrame
    """One row per node: node, stage, x0, x1, y0, y1, inflow, outflow, value, label."""
    links: pd.DataFrame
    """One row per sampled point of each link band: link, source, target, category, value, x, y_top, y_bottom."""
    unit: str


def check_flows(flows: pd.DataFrame) -> pd.DataFrame:
    """Validate a flow table: required columns, finite non-negative values, no self-loops."""
    missing = [c for c in FLOW_COLUMNS if c not in flows.columns]
    if missing:
        raise ValueError(f"flow table lacks columns {missing}; it needs {list(FLOW_COLUMNS)}")
    values = pd.to_numeric(flows["value"], errors="coerce")
    bad = flows.index[~np.isfinite(values) | (values < 0)]
    if len(bad):
        row = bad[0]
        raise ValueError(
            f"flow row {row} ({flows.at[row, 'source']} -> {flows.at[row, 'target']}), column 'value': "
            f"{flows.at[row, 'value']!r} is not a finite non-negative number"
        )
    loops = flows.index[flows["source"] == flows["target"]]
    if len(loops):
        raise ValueError(f"flow row {loops[0]}: {flows.at[loops[0], 'source']!r} flows to itself")
    return flows


def node_balances(flows: pd.DataFrame) -> pd.DataFrame:
    """Inflow, outflow and their difference for every node (sources have no inflow, sinks no outflow)."""
    check_flows(flows)
    inflow = flows.groupby("target", sort=False)["value"].sum()
    outflow = flows.groupby("source", sort=False)["value"].sum()
    names = list(dict.fromkeys([*flows["source"], *flows["target"]]))
    frame = pd.DataFrame({"node": names})
    frame["inflow"] = frame["node"].map(inflow).fillna(0.0)
    frame["outflow"] = frame["node"].map(outflow).fillna(0.0)
    frame["net"] = frame["inflow"] - frame["outflow"]
    frame["role"] = np.select([frame["inflow"].eq(0), frame["outflow"].eq(0)], ["source", "sink"], default="intermediate")
    return frame


def stages(flows: pd.DataFrame) -> pd.Series:
    """Each node's column.

    An intermediate node's column is the length of the longest path reaching it from a
    source; every sink (terminal expense) is in the last column; a source sits just left
    of the nearest node it feeds.  So every flow runs left to right.
    """
    check_flows(flows)
    names = list(dict.fromkeys([*flows["source"], *flows["target"]]))
    stage = dict.fromkeys(names, 0)
    for _ in range(len(names) + 1):
        changed = False
        for source, target in zip(flows["source"], flows["target"], strict=True):
            if stage[target] < stage[source] + 1:
                stage[target] = stage[source] + 1
                changed = True
        if not changed:
            break
    else:
        raise ValueError("the flows contain a cycle; a Sankey diagram needs flows that run one way")
    last = max(stage.values())
    sinks = set(flows["target"]) - set(flows["source"])
    sources = set(flows["source"]) - set(flows["target"])
    for name in sinks:
        stage[name] = last
    for name in sources:
        stage[name] = min(stage[t] for t in flows.loc[flows["source"] == name, "target"]) - 1
    return pd.Series(stage, name="stage")


def layout(
    flows: pd.DataFrame,
    unit: str,
    *,
    width: float = 1.0,
    node_width: float = 0.018,
    gap: float = 0.04,
    samples: int = 24,
) -> SankeyLayout:
    """Lay out a Sankey diagram on a unit square (x right, y down; heights proportional to value).

    Parameters
    ----------
    flows : source, target, value, category; zero flows are dropped.  Nodes keep the order
        of their first appearance in each stage; flows leave and enter in table order.
    unit : the unit of ``value`` (for labels), e.g. ``"$M/yr"``.
    width, node_width : diagram width and node bar width in layout units.
    gap : vertical space between nodes of a stage, as a fraction of the diagram height.
    samples : points per link band (the bands are smooth S-curves).
    """
    flows = check_flows(flows)
    flows = flows[flows["value"] > 0].reset_index(drop=True)
    stage = stages(flows)
    balances = node_balances(flows).set_index("node")
    size = balances[["inflow", "outflow"]].max(axis=1)
    n_stages = int(stage.max()) + 1
    per_stage = [[n for n in stage.index if stage[n] == s] for s in range(n_stages)]
    # one scale for all stages: the fullest stage (values plus gaps) fills the height
    scale = min((1.0 - gap * (len(names) - 1)) / float(size[names].sum()) for names in per_stage)
    if scale <= 0:
        raise ValueError(f"gap {gap} leaves no height for the nodes; use a smaller gap")
    rows = []
    for s, names in enumerate(per_stage):
        x0 = 0.0 if n_stages == 1 else s * (width - node_width) / (n_stages - 1)
        y = 0.0
        for name in names:
            height = float(size[name]) * scale
            rows.append(
                {
                    "node": name,
                    "stage": s,
                    "x0": x0,
                    "x1": x0 + node_width,
                    "y0": y,
                    "y1": y + height,
                    "inflow": float(balances.at[name, "inflow"]),
                    "outflow": float(balances.at[name, "outflow"]),
                    "value": float(size[name]),
                }
            )
            y += height + gap
    nodes = pd.DataFrame(rows).set_index("node")
    # flows leave each node in the order of their targets' heights and enter in the order
    # of their sources' heights, which keeps bands from crossing needlessly
    thickness = flows["value"].to_numpy(dtype=float) * scale
    top_out = _stacked(flows["source"], nodes["y0"].reindex(flows["target"]).to_numpy(), thickness, nodes["y0"])
    top_in = _stacked(flows["target"], nodes["y0"].reindex(flows["source"]).to_numpy(), thickness, nodes["y0"])
    t = np.linspace(0.0, 1.0, samples)
    ease = t * t * (3.0 - 2.0 * t)
    bands = []
    for k, flow in flows.iterrows():
        xa, xb = float(nodes.at[flow["source"], "x1"]), float(nodes.at[flow["target"], "x0"])
        top = top_out[k] + (top_in[k] - top_out[k]) * ease
        bands.append(
            pd.DataFrame(
                {
                    "link": k,
                    "source": flow["source"],
                    "target": flow["target"],
                    "category": flow["category"],
                    "value": float(flow["value"]),
                    "x": xa + (xb - xa) * t,
                    "y_top": top,
                    "y_bottom": top + thickness[k],
                }
            )
        )
    nodes = nodes.reset_index()
    nodes["label"] = [f"{n}\n{v:,.0f}" for n, v in zip(nodes["node"], nodes["value"], strict=True)]
    return SankeyLayout(nodes, pd.concat(bands, ignore_index=True), unit)


def _stacked(node: pd.Series, other_end: np.ndarray, thickness: np.ndarray, node_top: pd.Series) -> np.ndarray:
    """Top of each flow's band at ``node``: bands stacked from the node's top, ordered by ``other_end``."""
    names = node.to_numpy()
    order = np.lexsort((np.arange(len(names)), other_end, names))
    tops = np.empty(len(names))
    cursor = node_top.to_dict()
    for k in order:
        name = names[k]
        tops[k] = cursor[name]
        cursor[name] += thickness[k]
    return tops


def sankey_chart(diagram: SankeyLayout, title: str, width: int = 680, height: int = 520) -> alt.LayerChart:
    """Draw a :class:`SankeyLayout`: link bands coloured by category, node bars and labels."""
    x = alt.Scale(domain=[0, 1.22], nice=False)
    y = alt.Scale(domain=[0, 1], reverse=True, nice=False)
    bands = (
        alt.Chart(diagram.links)
        .mark_area(opacity=0.45, interpolate="monotone", stroke=None)
        .encode(
            x=alt.X("x:Q", scale=x, axis=None),
            y=alt.Y("y_top:Q", scale=y, axis=None, stack=None),
            y2="y_bottom:Q",
            color=alt.Color(
                "category:N", title="Flow", scale=alt.Scale(scheme="tableau20"), legend=alt.Legend(orient="bottom", columns=3)
            ),
            detail="link:N",
            tooltip=["source:N", "target:N", "category:N", alt.Tooltip("value:Q", format=",.0f", title=diagram.unit)],
        )
    )
    bars = (
        alt.Chart(diagram.nodes)
        .mark_rect(color="#444444")
        .encode(x=alt.X("x0:Q", scale=x, axis=None), x2="x1:Q", y=alt.Y("y0:Q", scale=y, axis=None), y2="y1:Q")
    )
    labels = (
        alt.Chart(diagram.nodes.assign(ym=(diagram.nodes["y0"] + diagram.nodes["y1"]) / 2, xl=diagram.nodes["x1"] + 0.004))
        .mark_text(align="left", baseline="middle", fontSize=9, dx=2, lineBreak="\n")
        .encode(x=alt.X("xl:Q", scale=x, axis=None), y=alt.Y("ym:Q", scale=y, axis=None), text="label:N")
    )
    return alt.layer(bands, bars, labels, title=alt.Title(title, subtitle=f"Values in {diagram.unit}")).properties(
        width=width, height=height
    )
