"""The conceptual diagrams (Figures 2, 4, 5 and 6): data checks, layout, drawing, errors.

Expected counts come from data/diagrams/ itself (they pin the reconstruction, so an edit
that drops or adds an exchange is noticed); the CFS coverage tests compare the diagrams
with the report's CFS forms (Tables 1, 5 and 21 via data/cfs/dso_lines.csv).
"""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
import vl_convert

from dsot import diagrams
from dsot.cfs.dso import cfs_lines
from dsot.params import data_dir

DATA = data_dir()
NAMES = ["metrics", "system", "dso", "customer"]


@pytest.fixture(scope="module")
def loaded() -> dict[str, diagrams.Diagram]:
    return diagrams.load_diagrams()


# --- the data ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "figure", "boxes", "exchanges", "money", "arrows"),
    [
        # counted from data/diagrams/*.csv when the reconstruction was written
        ("metrics", 2, 22, 3, 3, 3),
        ("system", 4, 15, 32, 26, 17),
        ("dso", 5, 12, 46, 38, 18),
        ("customer", 6, 12, 24, 12, 20),
    ],
)
def test_each_figure_has_its_boxes_and_exchanges(name, figure, boxes, exchanges, money, arrows):
    summary = diagrams.diagram_summary().set_index("diagram")
    assert summary.loc[name, ["figure", "boxes", "exchanges", "money", "arrows"]].tolist() == [
        figure,
        boxes,
        exchanges,
        money,
        arrows,
    ]


def test_every_exchange_joins_two_boxes_of_its_own_figure():
    # read the raw files, independently of the loader's own check
    nodes = pd.read_csv(DATA / "diagrams" / "nodes.csv", dtype=str, keep_default_na=False)
    edges = pd.read_csv(DATA / "diagrams" / "edges.csv", dtype=str, keep_default_na=False)
    known = set(zip(nodes["diagram"], nodes["node"], strict=True))
    for column in ("source", "target"):
        missing = [(d, n) for d, n in zip(edges["diagram"], edges[column], strict=True) if (d, n) not in known]
        assert not missing, f"{column}s without a box: {missing}"
    assert set(edges["diagram"]) == set(NAMES)


def test_non_monetary_exchanges_carry_no_cfs_line_and_cfs_exchanges_are_money(loaded):
    # Section 2.1: "[NM]" values "do not appear within the CFS"
    for diagram in loaded.values():
        edges = diagram.edges
        assert (edges.loc[~edges["monetary"], "cfs_line"] == "").all(), diagram.name
        assert edges.loc[edges["basis"] == "cfs", "monetary"].all(), diagram.name


def test_the_system_figure_draws_the_dso_t_analysis_boundary_around_the_primary_stakeholders(loaded):
    # Section 2.1: a black rectangle labelled "DSO+T Analysis" separates the stakeholders
    # considered in the analysis from those that are not
    diagram = loaded["system"]
    nodes = diagram.nodes.set_index("node")
    boundary = nodes.index[nodes["kind"] == "boundary"].tolist()
    assert boundary == ["analysis"] and nodes.at["analysis", "label"] == "DSO+T Analysis"
    boxes = diagrams.layout(diagram)
    inside = {"customers", "dso", "generator", "iso", "transmission"}
    assert set(nodes.index[nodes["group"] == "analysis"]) == inside
    for node in nodes.index:
        if nodes.at[node, "kind"] == "external":
            box, frame = boxes[node], boxes["analysis"]
            assert box.y1 < frame.y0 or box.y0 > frame.y1 or box.x1 < frame.x0 or box.x0 > frame.x1, node
        elif node in inside:
            assert boxes["analysis"].contains(boxes[node]), node


def test_boundary_crossing_exchanges_are_expenses_or_income_of_primary_stakeholders(loaded):
    # Section 2.1: flows crossing the boundary appear on their source actor's CFS
    diagram = loaded["system"]
    kinds = diagram.nodes.set_index("node")["kind"]
    crossing = diagram.edges[
        (kinds[diagram.edges["source"]].to_numpy() == "external") != (kinds[diagram.edges["target"]].to_numpy() == "external")
    ]
    money = crossing[crossing["monetary"]]
    assert (money["cfs_line"] != "").all()


def test_the_dso_figure_unbundles_the_dso_into_three_entities(loaded):
    # Section 1.2: distribution owner/operator, market operator and load-serving entity
    nodes = loaded["dso"].nodes.set_index("node")
    assert set(nodes.index[nodes["group"] == "dso"]) == {"lse", "market_operator", "distribution_operator"}
    assert nodes.at["dso", "kind"] == "group"


def _covered(line: str, shown: set[str], children: dict[str, list[str]]) -> bool:
    """A CFS line is shown by the diagram, or all of its children are."""
    return line in shown or (bool(children.get(line)) and all(_covered(c, shown, children) for c in children[line]))


@pytest.mark.parametrize("name", ["system", "dso"])
def test_dso_cfs_lines_are_each_shown_once(loaded, name):
    lines = cfs_lines()
    children: dict[str, list[str]] = {}
    for line, parent in zip(lines["line"], lines["parent"], strict=True):
        children.setdefault(parent, []).append(line)
    refs = diagrams.cfs_references(loaded[name])
    shown = refs.loc[refs["stakeholder"] == "dso", "line"].tolist()
    assert len(shown) == len(set(shown)), "a DSO line drawn twice"
    parents = dict(zip(lines["line"], lines["parent"], strict=True))
    for line in shown:  # never a line together with one of its ancestors
        ancestor = parents[line]
        while ancestor:
            assert ancestor not in shown, (line, ancestor)
            ancestor = parents[ancestor]
    for category in ("capital_expenses", "operating_expenses", "revenues"):
        assert _covered(category, set(shown), children), category


def test_the_system_figure_shows_subcategories_and_the_dso_figure_elements(loaded):
    # Section 2.1: Figure 4 shows the Subcategory lines of the CFS, Figures 5 and 6 the Element lines
    levels = cfs_lines().set_index("line")["level"]
    system = diagrams.cfs_references(loaded["system"])
    dso = diagrams.cfs_references(loaded["dso"])
    expenses = system[(system["stakeholder"] == "dso") & ~system["line"].str.endswith("_sales")]
    assert set(levels[expenses["line"]]) == {2}
    assert set(levels[dso.loc[dso["stakeholder"] == "dso", "line"]]) <= {2, 3, 4}
    assert {"substations", "feeders", "meters", "ami_network", "der_network"} <= set(dso["line"])


def test_the_customer_figure_shows_every_table_1_element_of_a_transactive_participant(loaded):
    refs = diagrams.cfs_references(loaded["customer"])
    customer = set(refs.loc[refs["stakeholder"] == "customer", "line"])
    expected = {"E2a", "E2b", "E2c", "E2d", "C1a", "C1b", "C1c", "C1d", "C1e", "C2", "R1", "T1"}
    assert customer == expected


# --- layout and arrows ------------------------------------------------------------------


def _ancestors(nodes: pd.DataFrame, node: str) -> set[str]:
    groups = dict(zip(nodes["node"], nodes["group"], strict=True))
    found = set()
    while groups[node]:
        node = groups[node]
        found.add(node)
    return found


@pytest.mark.parametrize("name", NAMES)
def test_arrows_cross_no_other_box(loaded, name):
    diagram = loaded[name]
    boxes = diagrams.layout(diagram)
    nodes = diagram.nodes
    kinds = dict(zip(nodes["node"], nodes["kind"], strict=True))
    for arrow in diagrams.arrows(diagram, boxes):
        allowed = {arrow.source, arrow.target} | _ancestors(nodes, arrow.source) | _ancestors(nodes, arrow.target)
        for node, box in boxes.items():
            if node in allowed or kinds[node] in ("boundary", "group"):
                continue
            for t in (i / 40 for i in range(1, 40)):
                x, y = arrow.x0 + t * (arrow.x1 - arrow.x0), arrow.y0 + t * (arrow.y1 - arrow.y0)
                assert not (box.x0 < x < box.x1 and box.y0 < y < box.y1), f"{arrow.source}->{arrow.target} crosses {node}"


@pytest.mark.parametrize("name", NAMES)
def test_arrows_run_from_the_source_edge_to_the_target_edge(loaded, name):
    diagram = loaded[name]
    boxes = diagrams.layout(diagram)
    for arrow in diagrams.arrows(diagram, boxes):
        source, target = boxes[arrow.source], boxes[arrow.target]
        for box, (x, y) in ((source, (arrow.x0, arrow.y0)), (target, (arrow.x1, arrow.y1))):
            on_edge = (x in (box.x0, box.x1) and box.y0 <= y <= box.y1) or (y in (box.y0, box.y1) and box.x0 <= x <= box.x1)
            assert on_edge, (arrow.source, arrow.target)


@pytest.mark.parametrize("name", NAMES)
def test_arrow_labels_do_not_overlap_each_other_or_boxes(loaded, name):
    # estimated text extents (generous glyph widths), shrunk by 1 px to allow touching;
    # a label may lie inside the boxes that hold its arrow's ends, not on any other box
    diagram = loaded[name]
    boxes = diagrams.layout(diagram)
    solid = {n for n, k in zip(diagram.nodes["node"], diagram.nodes["kind"], strict=True) if k not in ("boundary", "group")}
    labels = []
    for arrow in diagrams.arrows(diagram, boxes):
        block = diagrams._label_block(arrow)
        e = diagrams._text_extent(block["x"], block["y"], arrow.lines, block["align"], diagrams.EDGE_FONT_PX)
        extent = diagrams.Box(e.x0 + 1, e.y0 + 1, e.x1 - 1, e.y1 - 1)
        labels.append((f"{arrow.source}->{arrow.target}", extent))
        holders = _ancestors(diagram.nodes, arrow.source) | _ancestors(diagram.nodes, arrow.target)
        for node in solid - holders:
            box = boxes[node]
            assert extent.x1 <= box.x0 or box.x1 <= extent.x0 or extent.y1 <= box.y0 or box.y1 <= extent.y0, (arrow, node)
    for (a, ea), (b, eb) in itertools.combinations(labels, 2):
        assert ea.x1 <= eb.x0 or eb.x1 <= ea.x0 or ea.y1 <= eb.y0 or eb.y1 <= ea.y0, f"labels of {a} and {b} overlap"


def test_arrowhead_angles_follow_the_direction_of_travel():
    def arrow(x0, y0, x1, y1):
        return diagrams.Arrow("a", "b", True, ("x",), x0, y0, x1, y1, "right")

    assert arrow(0, 0, 0, 10).angle_deg == pytest.approx(180)  # down the page
    assert arrow(0, 10, 0, 0).angle_deg == pytest.approx(0)  # up
    assert arrow(0, 0, 10, 0).angle_deg == pytest.approx(90)  # right
    assert arrow(10, 0, 0, 0).angle_deg == pytest.approx(270)  # left


def test_wrap_never_breaks_words_and_respects_the_width():
    lines = diagrams.wrap("Distribution automation network, DMS software, OMS software", 100)
    assert " ".join(lines) == "Distribution automation network, DMS software, OMS software"
    assert all(len(line) <= 100 / (diagrams.CHAR_WIDTH_EM * diagrams.EDGE_FONT_PX) for line in lines)


# --- a small diagram for the layout rules ---------------------------------------------------


def small_data(tmp_path: Path, nodes: str, edges: str) -> Path:
    root = tmp_path / "data"
    (root / "diagrams").mkdir(parents=True)
    shutil.copytree(DATA / "cfs", root / "cfs")
    (root / "diagrams" / "diagrams.csv").write_text(
        "diagram,figure,title,section,report_ref,label_width\ntiny,9,Tiny,2.1,F4,100\n", encoding="utf-8"
    )
    (root / "diagrams" / "nodes.csv").write_text("diagram,node,label,kind,group,x,y,width,height\n" + nodes, encoding="utf-8")
    header = "diagram,source,target,value_object,monetary,cfs_line,report_ref,basis,lane,label_side,label_width\n"
    (root / "diagrams" / "edges.csv").write_text(header + edges, encoding="utf-8")
    return root


TINY_NODES = """tiny,frame,Analysis,boundary,,,,,
tiny,a,Actor A,actor,frame,0,100,200,120
tiny,a1,First,activity,a,,,,
tiny,a2,Second,activity,a,,,,
tiny,b,Actor B,actor,frame,300,100,120,120
tiny,c,Loose,external,,,,,
"""
TINY_EDGES = """tiny,a,b,Payment,yes,dso:feeders,T21,cfs,,,
tiny,b,a,Service,no,,S2.1,text,,,
"""


def test_layout_frames_members_stacks_activities_and_grids_loose_boxes(tmp_path):
    diagram = diagrams.load_diagram("tiny", small_data(tmp_path, TINY_NODES, TINY_EDGES))
    boxes = diagrams.layout(diagram)
    # the frame is drawn around its members, with room for its title above them
    assert boxes["frame"].x0 < 0 and boxes["frame"].x1 > 420 and boxes["frame"].y0 < 100 - diagrams.LINE_HEIGHT_PX
    # a wide actor places its activities side by side under its name; they only take the height they need
    a1, a2 = boxes["a1"], boxes["a2"]
    assert a1.x1 < a2.x0 and a1.y0 == a2.y0 > 100 and a1.y1 < 220 and boxes["a"].contains(a1)
    # a loose top-level box goes below everything else
    assert boxes["c"].y0 > 220
    # arrows of the pair run side by side between A and B, money first
    first, second = diagrams.arrows(diagram, boxes)
    assert (first.x0, first.x1) == (200, 300) and (second.x0, second.x1) == (300, 200)
    assert first.y0 < second.y0 and first.side == "above" and second.side == "below"


def test_charts_serialize_to_svg_and_the_same_data_draw_the_same_svg():
    for name in NAMES:
        chart = diagrams.diagram_chart(name)
        spec = chart.to_dict()
        assert spec["width"] <= 720, name  # the book's column is about 700 px wide
        svg = vl_convert.vegalite_to_svg(spec)
        assert (svg.startswith("<svg") and "[NM]" in svg) or name == "metrics"
        assert svg == vl_convert.vegalite_to_svg(diagrams.diagram_chart(name).to_dict()), name
    assert "DSO+T Analysis" in vl_convert.vegalite_to_svg(diagrams.diagram_chart("system").to_dict())


def test_a_title_is_optional():
    assert diagrams.diagram_chart("metrics", title="Figure 2").to_dict()["title"] == "Figure 2"


# --- errors name the file, the row and the column ----------------------------------------


def broken(tmp_path: Path, relative: str, edit: Callable[[str], str]) -> Path:
    """A copy of data/diagrams and data/cfs with one file edited."""
    root = tmp_path / "data"
    for folder in ("diagrams", "cfs"):
        shutil.copytree(DATA / folder, root / folder)
    path = root / relative
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    return root


def replace_first(old: str, new: str) -> Callable[[str], str]:
    def edit(text: str) -> str:
        assert old in text, old
        return text.replace(old, new, 1)

    return edit


EDGES = "diagrams/edges.csv"
NODES = "diagrams/nodes.csv"
ERRORS = [
    # (id, file, edit, expected message); rows count from 1 after the header
    (
        "unknown-target",
        EDGES,
        replace_first("metrics,customers,dso,Electricity bills", "metrics,customers,nowhere,Electricity bills"),
        r"edges\.csv, row 1 \(line 2\), column 'target': no node 'nowhere' in diagram 'metrics'",
    ),
    (
        "unknown-source",
        EDGES,
        replace_first("system,income,customers", "system,salary,customers"),
        r"edges\.csv, row \d+ \(line \d+\), column 'source': no node 'salary' in diagram 'system'",
    ),
    (
        "monetary-flag",
        EDGES,
        replace_first("Electricity bills,yes", "Electricity bills,true"),
        r"edges\.csv, row 1 \(line 2\), column 'monetary': 'true' is not 'yes' or 'no'",
    ),
    (
        "unknown-dso-line",
        EDGES,
        replace_first("dso:retail_sales", "dso:retail_salez"),
        r"row 1 \(line 2\), column 'cfs_line': 'dso:retail_salez': no line 'retail_salez' in data/cfs/dso_lines\.csv",
    ),
    (
        "unknown-stakeholder",
        EDGES,
        replace_first("customer:E;", "consumer:E;"),
        r"row 1 \(line 2\), column 'cfs_line': 'consumer:E': the stakeholder must be one of",
    ),
    (
        "report-ref",
        EDGES,
        replace_first("T1;T5,cfs", "Table 1,cfs"),
        r"row 1 \(line 2\), column 'report_ref': 'Table 1' is not a report reference",
    ),
    (
        "basis",
        EDGES,
        replace_first("T1;T5,cfs", "T1;T5,guess"),
        r"row 1 \(line 2\), column 'basis': 'guess' is not one of cfs, text, inferred",
    ),
    (
        "lane",
        EDGES,
        replace_first("T5,cfs,372,", "T5,cfs,abc,"),
        r"edges\.csv, row \d+ \(line \d+\), column 'lane': 'abc' is not a number",
    ),
    (
        "missing-column",
        EDGES,
        replace_first("diagram,source,target,value_object", "diagram,source,goal,value_object"),
        r"edges\.csv: missing column\(s\) 'target'",
    ),
    (
        "partial-geometry",
        NODES,
        replace_first("metrics,customers,Customers,actor,,0,140,175,330", "metrics,customers,Customers,actor,,0,140,175,"),
        r"nodes\.csv, row \d+ \(line \d+\), column 'height': empty: give x, y, width and height together",
    ),
    (
        "unknown-kind",
        NODES,
        replace_first("metrics,customers,Customers,actor,", "metrics,customers,Customers,person,"),
        r"nodes\.csv, row \d+ \(line \d+\), column 'kind': 'person' is not one of",
    ),
    (
        "unknown-group",
        NODES,
        replace_first(
            "metrics,customer_bill,Electricity bill ($E),value,customers",
            "metrics,customer_bill,Electricity bill ($E),value,clients",
        ),
        r"nodes\.csv, row \d+ \(line \d+\), column 'group': no node 'clients' in diagram 'metrics'",
    ),
    (
        "group-of-a-leaf",
        NODES,
        replace_first(
            "metrics,customer_capital,Capital and installation costs of flexible assets and PV ($C),value,customers",
            "metrics,customer_capital,Capital and installation costs of flexible assets and PV ($C),value,customer_bill",
        ),
        r"column 'group': 'customer_bill' is a value, which cannot hold other boxes",
    ),
    (
        "duplicate-node",
        NODES,
        replace_first("metrics,dso,Distribution", "metrics,customers,Distribution"),
        r"nodes\.csv, row \d+ \(line \d+\), column 'node': 'customers' appears twice in diagram 'metrics'",
    ),
    (
        "unknown-diagram",
        NODES,
        replace_first("metrics,customers,Customers", "figure_2,customers,Customers"),
        r"column 'diagram': unknown diagram 'figure_2' \(not in diagrams\.csv\)",
    ),
]


@pytest.mark.parametrize(("file", "edit", "message"), [e[1:] for e in ERRORS], ids=[e[0] for e in ERRORS])
def test_bad_diagram_data_is_reported_with_file_row_and_column(tmp_path, file, edit, message):
    root = broken(tmp_path, file, edit)
    with pytest.raises(diagrams.DiagramError, match=message):
        diagrams.load_diagrams(root)


def test_a_lane_outside_the_shared_range_is_reported_when_drawing(tmp_path):
    root = broken(tmp_path, EDGES, lambda t: t.replace("T5,cfs,372,", "T5,cfs,900,"))
    with pytest.raises(diagrams.DiagramError, match=r"edges\.csv, row \d+ \(line \d+\), column 'lane': 900 is outside the range"):
        diagrams.diagram_chart("system", data=root)


def test_a_label_side_that_does_not_suit_the_arrow_is_reported(tmp_path):
    root = small_data(tmp_path, TINY_NODES, TINY_EDGES.replace("cfs,,,", "cfs,,left,"))
    with pytest.raises(
        diagrams.DiagramError, match=r"row 1 \(line 2\), column 'label_side': 'left' does not suit a horizontal arrow"
    ):
        diagrams.diagram_chart("tiny", data=root)


def test_an_exchange_between_a_box_and_its_container_is_reported(tmp_path):
    root = small_data(tmp_path, TINY_NODES, TINY_EDGES + "tiny,a1,a,Inside,no,,S2.1,text,,,\n")
    with pytest.raises(diagrams.DiagramError, match=r"row 3 \(line 4\), column 'target': the two boxes overlap"):
        diagrams.diagram_chart("tiny", data=root)


def test_an_unknown_diagram_is_reported(tmp_path):
    with pytest.raises(diagrams.DiagramError, match=r"no diagram 'figure_9'; known: metrics, system, dso, customer"):
        diagrams.load_diagram("figure_9")
