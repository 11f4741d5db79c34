"""The report's conceptual diagrams (Figures 2, 4, 5 and 6), drawn from data.

The report prints these figures as pictures only.  Their reconstructions live in
``data/diagrams/`` (``diagrams.csv``, ``nodes.csv`` and ``edges.csv``, described in its
README): one row per box and one row per value exchange, each exchange tied to the
cash-flow statement (CFS) line that carries it where there is one.  This module loads and
checks those files, lays the boxes out where the data gives no coordinates, routes the
arrows and draws everything with altair as a static chart (SVG in HTML and PDF, no
JavaScript).  It draws; it computes nothing about the valuation.

Notation follows the e3-value models of Section 2.1: stakeholders (actors) are gray
rectangles holding a white value activity; the "DSO+T Analysis" boundary is a black
rectangle; value exchanges are arrows labelled with the value object, money solid and
non-monetary objects dashed and marked ``[NM]``.

Coordinates are pixels from the top-left corner of the drawing, ``x`` to the right and
``y`` down; a box is given by its top-left corner, width and height.
"""

from __future__ import annotations

import math
import re
import textwrap
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

import altair as alt
import pandas as pd

from dsot.params import REPORT_REF, ParameterError, _where, data_dir, read_csv_strict

NODE_KINDS: tuple[str, ...] = ("boundary", "group", "actor", "external", "activity", "value", "metric")
"""Box kinds: the analysis boundary, a plain frame, an actor inside the analysis, an actor
outside it, a value activity, an economic value analyzed and a primary metric."""

CONTAINER_KINDS: tuple[str, ...] = ("boundary", "group", "actor", "external")
"""Kinds that may hold other boxes (the ``group`` column of their members)."""

BASES: tuple[str, ...] = ("cfs", "text", "inferred")
"""Where an exchange comes from: a CFS line, the report's prose, or this reconstruction."""

STAKEHOLDERS: tuple[str, ...] = ("customer", "dso", "generator", "transmission", "iso")
"""Stakeholders with a CFS (Tables 1/22, 5/21, 24, 26 and 27), prefixes of ``cfs_line``."""

DIAGRAM_COLUMNS = ("diagram", "figure", "title", "section", "report_ref", "label_width")
NODE_COLUMNS = ("diagram", "node", "label", "kind", "group", "x", "y", "width", "height")
EDGE_COLUMNS = (
    "diagram",
    "source",
    "target",
    "value_object",
    "monetary",
    "cfs_line",
    "report_ref",
    "basis",
    "lane",
    "label_side",
    "label_width",
)
GEOMETRY = ("x", "y", "width", "height")
LABEL_SIDES = ("left", "right", "above", "below")
"""Label placements an exchange may ask for (else: right of a lone vertical arrow, above a
lone horizontal one, outside a pair)."""

IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*$")
CFS_SYMBOL = re.compile(r"^[A-Z][0-9]{0,2}[a-z]?$")

EDGE_FONT_PX = 10.0
NODE_FONT_PX = 11.0
LINE_HEIGHT_PX = 12.5
CHAR_WIDTH_EM = 0.56
"""Average glyph width of a sans-serif font, for wrapping labels (slightly generous)."""

PAD_PX = 8.0
GAP_PX = 6.0
PAIR_SPACING_PX = 16.0
STAGGER_FRAC = 0.35
"""Height of a left-hand label along its arrow (0 top, 1 bottom); right-hand labels mirror it."""
MARGIN_PX = 6.0
ACTIVITY_MIN_PX = 28.0
"""Least height of a value activity laid out in an actor (it sits under the actor's name)."""
GRID_CELL_PX = (170.0, 70.0, 50.0)
"""Width, height and gap of the grid used for top-level boxes without coordinates."""

MONEY_COLOR = "#1f4e79"
NON_MONETARY_COLOR = "#6b6b6b"
BOX_STYLES: dict[str, dict[str, Any]] = {
    "boundary": {"fillOpacity": 0.0, "stroke": "#000000", "strokeWidth": 1.6},
    "group": {"fill": "#fbfbfb", "stroke": "#595959", "strokeWidth": 1.0, "strokeDash": [6, 3]},
    "actor": {"fill": "#d0d0d0", "stroke": "#4d4d4d", "strokeWidth": 1.0},
    "external": {"fill": "#eeeeee", "stroke": "#8c8c8c", "strokeWidth": 1.0},
    "activity": {"fill": "#ffffff", "stroke": "#4d4d4d", "strokeWidth": 1.0, "cornerRadius": 7},
    "value": {"fill": "#e6eef8", "stroke": "#5b7fa6", "strokeWidth": 1.0},
    "metric": {"fill": "#fff2cc", "stroke": "#a67c1a", "strokeWidth": 1.0},
}
ARROW_HEAD = "M0,0L0.55,1.7L-0.55,1.7Z"
"""A triangle with its tip at the symbol's origin, pointing up before rotation."""


class DiagramError(ParameterError):
    """A diagram file is malformed; the message names the file, row and column."""


@dataclass(frozen=True)
class Box:
    """A rectangle in drawing pixels: left, top, right and bottom edges."""

    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def cx(self) -> float:
        """Horizontal centre."""
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        """Vertical centre."""
        return (self.y0 + self.y1) / 2

    def contains(self, other: Box) -> bool:
        """Whether ``other`` lies inside this box (edges may touch)."""
        return self.x0 <= other.x0 and self.y0 <= other.y0 and other.x1 <= self.x1 and other.y1 <= self.y1


@dataclass(frozen=True)
class Diagram:
    """One figure: its metadata, boxes (``nodes``) and value exchanges (``edges``).

    ``nodes`` and ``edges`` keep the files' row numbers as their index (row ``i`` is on
    line ``i + 1``), so later checks can still name the offending row.
    """

    name: str
    figure: int
    title: str
    section: str
    label_width_px: float
    nodes: pd.DataFrame
    edges: pd.DataFrame
    nodes_path: Path
    edges_path: Path


# --- loading and validation -------------------------------------------------------------


def diagrams_dir(data: Path | None = None) -> Path:
    """The ``data/diagrams/`` directory."""
    return (data or data_dir()) / "diagrams"


def _fail(path: Path, row: int | None, column: str | None, message: str) -> DiagramError:
    return DiagramError(f"{_where(path, row, column)}: {message}")


def _read(path: Path, columns: tuple[str, ...]) -> pd.DataFrame:
    """A CSV file read as text, with its required columns (rows numbered from 1)."""
    try:
        return read_csv_strict(path, columns)
    except ParameterError as exc:
        raise DiagramError(str(exc)) from exc


def _identifier(path: Path, row: int, column: str, text: str) -> str:
    if not IDENTIFIER.match(text):
        raise _fail(path, row, column, f"{text!r} is not an identifier (lower case letters, digits and '_')")
    return text


def _optional_number(path: Path, row: int, column: str, text: str, positive: bool = False) -> float:
    """A number, or NaN for a blank cell."""
    if not text.strip():
        return math.nan
    try:
        value = float(text)
    except ValueError:
        raise _fail(path, row, column, f"{text!r} is not a number") from None
    if not math.isfinite(value) or (positive and value <= 0):
        raise _fail(path, row, column, f"{text!r} is not a {'positive' if positive else 'finite'} number")
    return value


def _report_ref(path: Path, row: int, text: str) -> str:
    if not REPORT_REF.match(text):
        raise _fail(path, row, "report_ref", f"{text!r} is not a report reference such as F4, T21, S2.1 or p12")
    return text


def _read_diagram_table(path: Path) -> pd.DataFrame:
    frame = _read(path, DIAGRAM_COLUMNS)
    for row, rec in frame.iterrows():
        assert isinstance(row, int)
        _identifier(path, row, "diagram", rec["diagram"])
        _report_ref(path, row, rec["report_ref"])
        if not rec["figure"].isdigit():
            raise _fail(path, row, "figure", f"{rec['figure']!r} is not a figure number")
        if math.isnan(_optional_number(path, row, "label_width", rec["label_width"], positive=True)):
            raise _fail(path, row, "label_width", "empty")
    duplicated = frame["diagram"][frame["diagram"].duplicated()]
    if not duplicated.empty:
        raise _fail(path, int(duplicated.index[0]), "diagram", f"{duplicated.iloc[0]!r} appears twice")
    return frame


def _node_geometry(path: Path, row: int, rec: pd.Series) -> dict[str, float]:
    values = {c: _optional_number(path, row, c, rec[c], positive=c in ("width", "height")) for c in GEOMETRY}
    given = [c for c in GEOMETRY if not math.isnan(values[c])]
    if given and len(given) < len(GEOMETRY):
        missing = next(c for c in GEOMETRY if c not in given)
        raise _fail(path, row, missing, "empty: give x, y, width and height together, or none of them")
    return values


def _read_nodes(path: Path, diagrams: set[str]) -> pd.DataFrame:
    frame = _read(path, NODE_COLUMNS)
    geometry = []
    for row, rec in frame.iterrows():
        assert isinstance(row, int)
        if rec["diagram"] not in diagrams:
            raise _fail(path, row, "diagram", f"unknown diagram {rec['diagram']!r} (not in diagrams.csv)")
        _identifier(path, row, "node", rec["node"])
        if rec["kind"] not in NODE_KINDS:
            raise _fail(path, row, "kind", f"{rec['kind']!r} is not one of {', '.join(NODE_KINDS)}")
        if not rec["label"].strip():
            raise _fail(path, row, "label", "empty")
        geometry.append(_node_geometry(path, row, rec))
    duplicated = frame[frame.duplicated(["diagram", "node"])]
    if not duplicated.empty:
        row = int(duplicated.index[0])
        raise _fail(path, row, "node", f"{frame.at[row, 'node']!r} appears twice in diagram {frame.at[row, 'diagram']!r}")
    for column in GEOMETRY:
        frame[column] = [g[column] for g in geometry]
    _check_groups(path, frame)
    return frame


def _check_groups(path: Path, nodes: pd.DataFrame) -> None:
    """Every ``group`` names a container of the same diagram, and groups do not nest in a cycle."""
    kinds = {(d, n): k for d, n, k in zip(nodes["diagram"], nodes["node"], nodes["kind"], strict=True)}
    parents = {(d, n): g for d, n, g in zip(nodes["diagram"], nodes["node"], nodes["group"], strict=True)}
    for row, rec in nodes.iterrows():
        assert isinstance(row, int)
        group = rec["group"]
        if not group:
            continue
        kind = kinds.get((rec["diagram"], group))
        if kind is None:
            raise _fail(path, row, "group", f"no node {group!r} in diagram {rec['diagram']!r}")
        if kind not in CONTAINER_KINDS:
            raise _fail(path, row, "group", f"{group!r} is a {kind}, which cannot hold other boxes")
        seen = {rec["node"]}
        while group:
            if group in seen:
                raise _fail(path, row, "group", f"groups of {rec['node']!r} form a cycle")
            seen.add(group)
            group = parents[(rec["diagram"], group)]


def _check_cfs_line(path: Path, row: int, text: str, dso_lines: set[str]) -> None:
    """``cfs_line``: ``stakeholder:line`` references joined by ';' (DSO lines must exist)."""
    for reference in filter(None, text.split(";")):
        stakeholder, _, line = reference.partition(":")
        if stakeholder not in STAKEHOLDERS:
            raise _fail(path, row, "cfs_line", f"{reference!r}: the stakeholder must be one of {', '.join(STAKEHOLDERS)}")
        if stakeholder == "dso" and line not in dso_lines:
            raise _fail(path, row, "cfs_line", f"{reference!r}: no line {line!r} in data/cfs/dso_lines.csv")
        if stakeholder != "dso" and not CFS_SYMBOL.match(line):
            raise _fail(path, row, "cfs_line", f"{reference!r}: {line!r} is not a CFS symbol such as E2a or R1")


def _check_edge(path: Path, row: int, rec: pd.Series, nodes: set[tuple[str, str]], dso_lines: set[str]) -> None:
    for column in ("source", "target"):
        if (rec["diagram"], rec[column]) not in nodes:
            raise _fail(path, row, column, f"no node {rec[column]!r} in diagram {rec['diagram']!r} (data/diagrams/nodes.csv)")
    if rec["source"] == rec["target"]:
        raise _fail(path, row, "target", f"an exchange from {rec['source']!r} to itself")
    if not rec["value_object"].strip():
        raise _fail(path, row, "value_object", "empty")
    if rec["monetary"] not in ("yes", "no"):
        raise _fail(path, row, "monetary", f"{rec['monetary']!r} is not 'yes' or 'no'")
    if rec["basis"] not in BASES:
        raise _fail(path, row, "basis", f"{rec['basis']!r} is not one of {', '.join(BASES)}")
    if rec["basis"] == "cfs" and not rec["cfs_line"]:
        raise _fail(path, row, "cfs_line", "empty, but the basis is 'cfs'")
    _report_ref(path, row, rec["report_ref"])
    _check_cfs_line(path, row, rec["cfs_line"], dso_lines)
    _optional_number(path, row, "lane", rec["lane"])
    if rec["label_side"] and rec["label_side"] not in LABEL_SIDES:
        raise _fail(path, row, "label_side", f"{rec['label_side']!r} is not one of {', '.join(LABEL_SIDES)} (or empty)")
    _optional_number(path, row, "label_width", rec["label_width"], positive=True)


def _read_edges(path: Path, nodes: pd.DataFrame, dso_lines: set[str]) -> pd.DataFrame:
    frame = _read(path, EDGE_COLUMNS)
    known = set(zip(nodes["diagram"], nodes["node"], strict=True))
    for row, rec in frame.iterrows():
        assert isinstance(row, int)
        _check_edge(path, row, rec, known, dso_lines)
    frame["monetary"] = frame["monetary"] == "yes"
    for column in ("lane", "label_width"):
        frame[column] = [math.nan if not t.strip() else float(t) for t in frame[column]]
    return frame


def _dso_line_ids(data: Path | None) -> set[str]:
    from dsot.cfs.dso import cfs_lines  # the DSO line tree, checked where it is defined

    return set(cfs_lines(data)["line"])


def load_diagrams(data: Path | None = None) -> dict[str, Diagram]:
    """Load and check ``data/diagrams/``: every diagram, its boxes and its value exchanges.

    Raises :class:`DiagramError` naming the file, row and column of the first defect:
    an unknown diagram, kind or group, a box with part of its geometry, an exchange whose
    endpoint is missing, a ``monetary`` flag other than yes/no, a report reference or CFS
    line that does not exist.
    """
    folder = diagrams_dir(data)
    table = _read_diagram_table(folder / "diagrams.csv")
    nodes_path, edges_path = folder / "nodes.csv", folder / "edges.csv"
    nodes = _read_nodes(nodes_path, set(table["diagram"]))
    edges = _read_edges(edges_path, nodes, _dso_line_ids(data))
    loaded = {}
    for rec in table.itertuples():
        name = str(rec.diagram)
        loaded[name] = Diagram(
            name=name,
            figure=int(rec.figure),
            title=str(rec.title),
            section=str(rec.section),
            label_width_px=float(rec.label_width),
            nodes=nodes[nodes["diagram"] == name].drop(columns="diagram"),
            edges=edges[edges["diagram"] == name].drop(columns="diagram"),
            nodes_path=nodes_path,
            edges_path=edges_path,
        )
    return loaded


def load_diagram(name: str, data: Path | None = None) -> Diagram:
    """One diagram by its id (``metrics``, ``system``, ``dso`` or ``customer``)."""
    loaded = load_diagrams(data)
    if name not in loaded:
        raise DiagramError(f"{diagrams_dir(data) / 'diagrams.csv'}: no diagram {name!r}; known: {', '.join(loaded)}")
    return loaded[name]


# --- layout -------------------------------------------------------------------------------


def wrap(text: str, width_px: float, font_px: float = EDGE_FONT_PX) -> list[str]:
    """Break a label into lines that fit ``width_px`` (estimated glyph widths, never mid-word).

    >>> wrap("Transmission access fees", 80)
    ['Transmission', 'access fees']
    """
    chars = max(4, int(width_px / (CHAR_WIDTH_EM * font_px)))
    return textwrap.wrap(text, width=chars, break_long_words=False, break_on_hyphens=False) or [text]


def _title_height(label: str, width_px: float) -> float:
    return len(wrap(label, width_px - 2 * PAD_PX, NODE_FONT_PX)) * LINE_HEIGHT_PX + PAD_PX


def _stack(container: Box, title_px: float, count: int) -> list[Box]:
    """Split a container's inner area into ``count`` equal boxes: a row if it is wide, else a column."""
    inner = Box(container.x0 + PAD_PX, container.y0 + title_px + PAD_PX / 2, container.x1 - PAD_PX, container.y1 - PAD_PX)
    across = (container.x1 - container.x0) >= 1.5 * (container.y1 - container.y0)
    span = (inner.x1 - inner.x0) if across else (inner.y1 - inner.y0)
    size = (span - GAP_PX * (count - 1)) / count
    boxes = []
    for i in range(count):
        start = (inner.x0 if across else inner.y0) + i * (size + GAP_PX)
        if across:
            boxes.append(Box(start, inner.y0, start + size, inner.y1))
        else:
            boxes.append(Box(inner.x0, start, inner.x1, start + size))
    return boxes


def _bounding(container_label: str, members: list[Box]) -> Box:
    """A frame around its members, with room for its title above them."""
    x0, x1 = min(b.x0 for b in members) - 2 * PAD_PX, max(b.x1 for b in members) + 2 * PAD_PX
    title = _title_height(container_label, x1 - x0)
    return Box(x0, min(b.y0 for b in members) - PAD_PX - title, x1, max(b.y1 for b in members) + 2 * PAD_PX)


def _grid(boxes: dict[str, Box], names: list[str]) -> dict[str, Box]:
    """Top-level boxes without coordinates: a grid below everything already placed."""
    width, height, gap = GRID_CELL_PX
    columns = max(1, math.ceil(math.sqrt(len(names))))
    top = max((b.y1 for b in boxes.values()), default=-gap) + gap
    return {
        name: Box(
            (i % columns) * (width + gap),
            top + (i // columns) * (height + gap),
            (i % columns) * (width + gap) + width,
            top + (i // columns) * (height + gap) + height,
        )
        for i, name in enumerate(names)
    }


def _fit_activity(space: Box, label: str) -> Box:
    """A value activity at the top of the space it was given, as tall as its label needs."""
    lines = len(wrap(label, space.x1 - space.x0 - PAD_PX, NODE_FONT_PX))
    return Box(space.x0, space.y0, space.x1, min(space.y1, space.y0 + max(ACTIVITY_MIN_PX, lines * LINE_HEIGHT_PX + PAD_PX)))


def _place_members(nodes: pd.DataFrame, boxes: dict[str, Box], members: dict[str, list[str]]) -> bool:
    """One pass: stack unplaced members in placed containers; frame placed members. True if anything moved."""
    changed = False
    labels = dict(zip(nodes["node"], nodes["label"], strict=True))
    kinds = dict(zip(nodes["node"], nodes["kind"], strict=True))
    for container, names in members.items():
        unplaced = [n for n in names if n not in boxes]
        if container in boxes and unplaced:
            box = boxes[container]
            stacked = _stack(box, _title_height(labels[container], box.x1 - box.x0), len(unplaced))
            for name, child in zip(unplaced, stacked, strict=True):
                boxes[name] = _fit_activity(child, labels[name]) if kinds[name] == "activity" else child
            changed = True
        elif container not in boxes and names and not unplaced:
            boxes[container] = _bounding(labels[container], [boxes[n] for n in names])
            changed = True
    return changed


def layout(diagram: Diagram) -> dict[str, Box]:
    """Every box of a diagram, in drawing pixels.

    Boxes with coordinates keep them.  A container without coordinates frames its
    members; a container with coordinates shares its inner area among the members that
    have none (side by side if it is wide, stacked if not).  Top-level boxes without
    coordinates go on a grid below the others.  The result depends on the data alone.
    """
    nodes = diagram.nodes
    boxes = {
        rec.node: Box(rec.x, rec.y, rec.x + rec.width, rec.y + rec.height) for rec in nodes.itertuples() if not math.isnan(rec.x)
    }
    members: dict[str, list[str]] = {n: [] for n in nodes["node"]}
    for node, group in zip(nodes["node"], nodes["group"], strict=True):
        if group:
            members[group].append(node)
    loose = [n for n, g in zip(nodes["node"], nodes["group"], strict=True) if not g and n not in boxes and not members[n]]
    boxes.update(_grid(boxes, loose))
    while _place_members(nodes, boxes, members):
        pass
    for row, node in zip(nodes.index, nodes["node"], strict=True):
        if node not in boxes:
            raise _fail(diagram.nodes_path, int(row), "x", f"cannot place {node!r}: give its x, y, width and height")
    return boxes


# --- arrows -------------------------------------------------------------------------------

Side = Literal["left", "right", "pair_left", "pair_right", "above", "below", "centre"]
"""Where an arrow's label goes: left or right of a vertical arrow, left (higher) or right
(lower) of the two arrows of a vertical pair, above or below a horizontal arrow, or
centred on a slanted one."""


@dataclass(frozen=True)
class Arrow:
    """One drawn arrow: the value exchanges that share source, target and kind (money or not)."""

    source: str
    target: str
    monetary: bool
    lines: tuple[str, ...]
    x0: float
    y0: float
    x1: float
    y1: float
    side: Side
    free: tuple[float, float] = (0.0, 1.0)
    """The stretch of the arrow (as fractions of its length) outside boxes that hold only
    one of its ends, such as the actor around a value activity or the analysis boundary:
    labels go there, clear of those boxes' edges."""

    def point(self, t: float) -> tuple[float, float]:
        """The point a fraction ``t`` of the way from the tail to the head."""
        return self.x0 + t * (self.x1 - self.x0), self.y0 + t * (self.y1 - self.y0)

    @property
    def angle_deg(self) -> float:
        """Direction of travel, clockwise from straight up (the rotation of the arrowhead)."""
        return math.degrees(math.atan2(self.x1 - self.x0, -(self.y1 - self.y0))) % 360


@dataclass
class _Bundle:
    """The exchanges one arrow carries, with the drawing hints their rows give."""

    source: str
    target: str
    monetary: bool
    row: int
    objects: list[str] = field(default_factory=list)
    lane: float = math.nan
    label_widths: list[float] = field(default_factory=list)
    label_side: str = ""
    label_side_row: int = 0

    def label(self, default_width_px: float) -> tuple[str, ...]:
        """Label lines: one value object per line for up to three, else a wrapped list."""
        width = max(self.label_widths, default=default_width_px)
        tag = "" if self.monetary else " [NM]"
        if len(self.objects) <= 3:
            return tuple(line for vo in self.objects for line in wrap(vo + tag, width))
        listed = [self.objects[0], *(_lower_first(vo) for vo in self.objects[1:])]
        return tuple(wrap(", ".join(listed) + tag, width))


def _lower_first(text: str) -> str:
    """Lower-case a list item's first letter unless it starts an acronym ("Feeders" but "AMI network").

    >>> _lower_first("Linemen labor"), _lower_first("O&M materials")
    ('linemen labor', 'O&M materials')
    """
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def _bundles(edges: pd.DataFrame) -> list[_Bundle]:
    """Exchanges grouped into arrows (same source, target and kind), in the order of their first row."""
    bundles: dict[tuple[str, str, bool], _Bundle] = {}
    for row, rec in edges.iterrows():
        key = (rec["source"], rec["target"], bool(rec["monetary"]))
        bundle = bundles.setdefault(key, _Bundle(*key, row=int(row)))
        bundle.objects.append(rec["value_object"])
        if math.isnan(bundle.lane):
            bundle.lane = rec["lane"]
        if not math.isnan(rec["label_width"]):
            bundle.label_widths.append(rec["label_width"])
        if rec["label_side"] and not bundle.label_side:
            bundle.label_side, bundle.label_side_row = rec["label_side"], int(row)
    return list(bundles.values())


def _offsets(count: int, span: float) -> list[float]:
    """Positions of ``count`` parallel arrows around their corridor's centre line."""
    if count == 1:
        return [0.0]
    pitch = PAIR_SPACING_PX if count == 2 else max(PAIR_SPACING_PX, span / count)
    return [(i - (count - 1) / 2) * pitch for i in range(count)]


REQUESTED_SIDES: dict[str, Side] = {"left": "left", "right": "right", "above": "above", "below": "below"}


def _side(bundle: _Bundle, index: int, count: int, vertical: bool, path: Path) -> Side:
    """The label side a row asks for, else: outside a pair, right of a vertical arrow, above a horizontal one."""
    if bundle.label_side:
        allowed = ("left", "right") if vertical else ("above", "below")
        if bundle.label_side not in allowed:
            direction = "vertical" if vertical else "horizontal"
            raise _fail(path, bundle.label_side_row, "label_side", f"{bundle.label_side!r} does not suit a {direction} arrow")
        return REQUESTED_SIDES[bundle.label_side]
    if count == 2:
        return ("pair_left", "pair_right")[index] if vertical else ("above", "below")[index]
    return "right" if vertical else "above"


def _clip(box: Box, x: float, y: float, dx: float, dy: float) -> tuple[float, float]:
    """Where the ray from (x, y), near the box's centre, in direction (dx, dy) leaves the box."""
    scale = min(
        (box.x1 - box.cx) / abs(dx) if dx else math.inf,
        (box.y1 - box.cy) / abs(dy) if dy else math.inf,
    )
    return x + dx * scale, y + dy * scale


def _pair_arrows(a: Box, b: Box, bundles: list[_Bundle], diagram: Diagram) -> list[Arrow]:
    """Arrows between two boxes ``a`` and ``b``: straight and parallel in the gap between them."""
    ox0, ox1 = max(a.x0, b.x0), min(a.x1, b.x1)
    oy0, oy1 = max(a.y0, b.y0), min(a.y1, b.y1)
    if ox1 > ox0 and (a.y1 <= b.y0 or b.y1 <= a.y0):
        return _straight(a, b, bundles, (ox0, ox1), True, diagram)
    if oy1 > oy0 and (a.x1 <= b.x0 or b.x1 <= a.x0):
        return _straight(a, b, bundles, (oy0, oy1), False, diagram)
    if ox1 > ox0 and oy1 > oy0:
        raise _fail(diagram.edges_path, bundles[0].row, "target", "the two boxes overlap, so no arrow can join them")
    return _diagonal(a, b, bundles, diagram.label_width_px)


def _straight(
    a: Box, b: Box, bundles: list[_Bundle], shared: tuple[float, float], vertical: bool, diagram: Diagram
) -> list[Arrow]:
    """Vertical (horizontal) arrows through the range two boxes share, centred on it or on a ``lane``."""
    with_lane = [bundle for bundle in bundles if not math.isnan(bundle.lane)]
    centre = with_lane[0].lane if with_lane else (shared[0] + shared[1]) / 2
    if not shared[0] <= centre <= shared[1]:
        raise _fail(
            diagram.edges_path,
            with_lane[0].row,
            "lane",
            f"{centre:g} is outside the range the boxes share, {shared[0]:g}-{shared[1]:g}",
        )
    drawn = []
    for index, (bundle, offset) in enumerate(zip(bundles, _offsets(len(bundles), shared[1] - shared[0]), strict=True)):
        source, target = (a, b) if bundle.source == bundles[0].source else (b, a)
        at = centre + offset
        if vertical:
            ys = (source.y1, target.y0) if source.y1 <= target.y0 else (source.y0, target.y1)
            ends = (at, ys[0], at, ys[1])
        else:
            xs = (source.x1, target.x0) if source.x1 <= target.x0 else (source.x0, target.x1)
            ends = (xs[0], at, xs[1], at)
        side = _side(bundle, index, len(bundles), vertical, diagram.edges_path)
        drawn.append(Arrow(bundle.source, bundle.target, bundle.monetary, bundle.label(diagram.label_width_px), *ends, side))
    return drawn


def _diagonal(a: Box, b: Box, bundles: list[_Bundle], label_width_px: float) -> list[Arrow]:
    """Slanted arrows between box centres, clipped at the box edges, side by side."""
    dx, dy = b.cx - a.cx, b.cy - a.cy
    norm = math.hypot(dx, dy)
    nx, ny = -dy / norm, dx / norm
    drawn = []
    for bundle, offset in zip(bundles, _offsets(len(bundles), PAIR_SPACING_PX * len(bundles)), strict=True):
        start = _clip(a, a.cx + nx * offset, a.cy + ny * offset, dx, dy)
        end = _clip(b, b.cx + nx * offset, b.cy + ny * offset, -dx, -dy)
        ends = (*start, *end) if bundle.source == bundles[0].source else (*end, *start)
        drawn.append(Arrow(bundle.source, bundle.target, bundle.monetary, bundle.label(label_width_px), *ends, "centre"))
    return drawn


def arrows(diagram: Diagram, boxes: dict[str, Box] | None = None) -> list[Arrow]:
    """The arrows of a diagram: one per source, target and kind, parallel where two boxes trade.

    Two boxes that share a horizontal (vertical) range are joined by vertical
    (horizontal) arrows through the middle of that range, or through ``lane`` where the
    data gives one; other pairs by slanted arrows between their centres.
    """
    boxes = boxes or layout(diagram)
    pairs: dict[frozenset[str], list[_Bundle]] = {}
    for bundle in _bundles(diagram.edges):
        pairs.setdefault(frozenset((bundle.source, bundle.target)), []).append(bundle)
    drawn: list[Arrow] = []
    for bundles in pairs.values():
        drawn += _pair_arrows(boxes[bundles[0].source], boxes[bundles[0].target], bundles, diagram)
    holders = _holders(diagram.nodes)
    return [_with_free_stretch(arrow, boxes, holders) for arrow in drawn]


def _holders(nodes: pd.DataFrame) -> dict[str, set[str]]:
    """For each box, the boxes it sits in (its group, that group's group, ...)."""
    groups = dict(zip(nodes["node"], nodes["group"], strict=True))
    found: dict[str, set[str]] = {}
    for node in groups:
        found[node], group = set(), groups[node]
        while group:
            found[node].add(group)
            group = groups[group]
    return found


def _exit_fraction(box: Box, x0: float, y0: float, x1: float, y1: float) -> float:
    """How far (0-1) along the segment from (x0, y0), which lies in ``box``, it leaves the box."""
    limits = []
    for start, delta, low, high in ((x0, x1 - x0, box.x0, box.x1), (y0, y1 - y0, box.y0, box.y1)):
        if delta > 0:
            limits.append((high - start) / delta)
        elif delta < 0:
            limits.append((low - start) / delta)
    return min([1.0, *limits])


def _with_free_stretch(arrow: Arrow, boxes: dict[str, Box], holders: dict[str, set[str]]) -> Arrow:
    """The arrow, with the stretch of it that lies outside boxes holding only one of its ends."""
    tail_only = holders[arrow.source] - holders[arrow.target]
    head_only = holders[arrow.target] - holders[arrow.source]
    start = max([0.0, *(_exit_fraction(boxes[h], arrow.x0, arrow.y0, arrow.x1, arrow.y1) for h in tail_only)])
    end = min([1.0, *(1 - _exit_fraction(boxes[h], arrow.x1, arrow.y1, arrow.x0, arrow.y0) for h in head_only)])
    return replace(arrow, free=(start, end)) if start < end else arrow


# --- drawing ------------------------------------------------------------------------------


def _label_block(arrow: Arrow) -> dict[str, Any]:
    """Anchor, alignment and top edge of an arrow's label."""
    height = len(arrow.lines) * LINE_HEIGHT_PX
    (ax, ay), (bx, by) = arrow.point(arrow.free[0]), arrow.point(arrow.free[1])
    mx, my = (ax + bx) / 2, (ay + by) / 2
    top, length = min(ay, by), abs(by - ay)
    # a pair's labels sit at different heights, so that neighbouring pairs' labels do not meet
    placements: dict[Side, tuple[float, float, str]] = {
        "pair_left": (mx - 5, top + STAGGER_FRAC * length - height / 2, "right"),
        "pair_right": (mx + 5, top + (1 - STAGGER_FRAC) * length - height / 2, "left"),
        "left": (mx - 5, my - height / 2, "right"),
        "right": (mx + 5, my - height / 2, "left"),
        "above": (mx, my - 4 - height, "center"),
        "below": (mx, my + 4, "center"),
        "centre": (mx, my - height / 2, "center"),
    }
    x, y, align = placements[arrow.side]
    return {"x": x, "y": y, "align": align}


def _text_extent(x: float, y: float, lines: list[str] | tuple[str, ...], align: str, font_px: float) -> Box:
    width = max(len(line) for line in lines) * CHAR_WIDTH_EM * font_px
    left = {"left": x, "center": x - width / 2, "right": x - width}[align]
    return Box(left, y, left + width, y + len(lines) * LINE_HEIGHT_PX)


def _node_labels(diagram: Diagram, boxes: dict[str, Box]) -> pd.DataFrame:
    """Box labels: frames at top left, containers at top centre, other boxes centred."""
    holds = set(diagram.nodes["group"])
    rows = []
    for rec in diagram.nodes.itertuples():
        box = boxes[rec.node]
        inset = PAD_PX if rec.kind == "activity" else 2 * PAD_PX
        lines = wrap(rec.label, box.x1 - box.x0 - inset, NODE_FONT_PX)
        height = len(lines) * LINE_HEIGHT_PX
        if rec.kind in ("boundary", "group"):
            x, y, align = box.x0 + PAD_PX, box.y0 + PAD_PX / 2, "left"
        elif rec.node in holds:
            x, y, align = box.cx, box.y0 + PAD_PX / 2, "center"
        else:
            x, y, align = box.cx, box.cy - height / 2, "center"
        bold = rec.kind in CONTAINER_KINDS
        rows.append({"x": x, "y": y, "text": "\n".join(lines), "align": align, "weight": "bold" if bold else "normal"})
    return pd.DataFrame(rows)


def _scales(width: float, height: float) -> tuple[alt.Scale, alt.Scale]:
    return (
        alt.Scale(domain=[0, width], nice=False, zero=False),
        alt.Scale(domain=[0, height], nice=False, zero=False, reverse=True),
    )


def _box_layer(frame: pd.DataFrame, kind: str, sx: alt.Scale, sy: alt.Scale) -> alt.Chart:
    return (
        alt.Chart(frame)
        .mark_rect(**BOX_STYLES[kind])
        .encode(x=alt.X("x0:Q", scale=sx, axis=None), x2="x1:Q", y=alt.Y("y0:Q", scale=sy, axis=None), y2="y1:Q")
    )


def _text_layer(frame: pd.DataFrame, sx: alt.Scale, sy: alt.Scale, font_px: float, **mark: Any) -> alt.Chart:
    return (
        alt.Chart(frame)
        .mark_text(lineBreak="\n", baseline="top", fontSize=font_px, lineHeight=LINE_HEIGHT_PX, **mark)
        .encode(x=alt.X("x:Q", scale=sx, axis=None), y=alt.Y("y:Q", scale=sy, axis=None), text="text:N")
    )


def _arrow_layers(frame: pd.DataFrame, monetary: bool, sx: alt.Scale, sy: alt.Scale) -> list[alt.Chart]:
    color = MONEY_COLOR if monetary else NON_MONETARY_COLOR
    dash = {} if monetary else {"strokeDash": [5, 3]}
    shafts = (
        alt.Chart(frame)
        .mark_rule(color=color, strokeWidth=1.3, **dash)
        .encode(x=alt.X("x0:Q", scale=sx, axis=None), y=alt.Y("y0:Q", scale=sy, axis=None), x2="x1:Q", y2="y1:Q")
    )
    heads = (
        alt.Chart(frame)
        .mark_point(shape=ARROW_HEAD, filled=True, size=64, opacity=1.0, color=color)
        .encode(
            x=alt.X("x1:Q", scale=sx, axis=None), y=alt.Y("y1:Q", scale=sy, axis=None), angle=alt.Angle("angle:Q", scale=None)
        )
    )
    return [shafts, heads]


def _arrow_frames(drawn: list[Arrow]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Arrow geometry and arrow labels as tables (coordinates rounded to 0.1 px)."""
    shafts, labels = [], []
    for arrow in drawn:
        ends = {k: round(v, 1) for k, v in zip(("x0", "y0", "x1", "y1"), (arrow.x0, arrow.y0, arrow.x1, arrow.y1), strict=True)}
        shafts.append({**ends, "angle": round(arrow.angle_deg, 2), "monetary": arrow.monetary})
        block = _label_block(arrow)
        labels.append({**block, "text": "\n".join(arrow.lines), "monetary": arrow.monetary, "lines": arrow.lines})
    return pd.DataFrame(shafts), pd.DataFrame(labels)


def _extent(boxes: dict[str, Box], labels: pd.DataFrame) -> tuple[float, float]:
    """Drawing width and height: every box and (estimated) label, plus a margin."""
    right = max(b.x1 for b in boxes.values())
    bottom = max(b.y1 for b in boxes.values())
    for rec in labels.itertuples():
        box = _text_extent(rec.x, rec.y, rec.lines, rec.align, EDGE_FONT_PX)
        right, bottom = max(right, box.x1), max(bottom, box.y1)
    return math.ceil(right + MARGIN_PX), math.ceil(bottom + MARGIN_PX)


def diagram_chart(name: str, title: str | None = None, data: Path | None = None) -> alt.LayerChart:
    """Draw one diagram as a layered altair chart (boxes, arrows, labels), at one pixel per unit.

    >>> chart = diagram_chart("system")
    >>> chart.to_dict()["width"] > 600
    True
    """
    diagram = load_diagram(name, data)
    boxes = layout(diagram)
    shafts, arrow_labels = _arrow_frames(arrows(diagram, boxes))
    width, height = _extent(boxes, arrow_labels)
    sx, sy = _scales(width, height)
    node_frame = pd.DataFrame([{"kind": rec.kind, **vars(boxes[rec.node])} for rec in diagram.nodes.itertuples()]).round(1)
    layers: list[alt.Chart] = []
    for kind in NODE_KINDS:
        chosen = node_frame[node_frame["kind"] == kind]
        if not chosen.empty:
            layers.append(_box_layer(chosen, kind, sx, sy))
    for monetary in (True, False):
        chosen = shafts[shafts["monetary"] == monetary]
        if not chosen.empty:
            layers += _arrow_layers(chosen, monetary, sx, sy)
    node_text = _node_labels(diagram, boxes).round(1)
    for (align, weight), chosen in node_text.groupby(["align", "weight"], sort=True):
        layers.append(_text_layer(chosen, sx, sy, NODE_FONT_PX, align=align, fontWeight=weight, color="#1a1a1a"))
    arrow_text = arrow_labels.drop(columns="lines").round(1)
    for (align, monetary), chosen in arrow_text.groupby(["align", "monetary"], sort=True):
        color = MONEY_COLOR if monetary else NON_MONETARY_COLOR
        layers.append(_text_layer(chosen, sx, sy, EDGE_FONT_PX, align=align, color=color))
    chart = alt.layer(*layers).properties(width=width, height=height)
    if title:
        chart = chart.properties(title=title)
    return chart.configure_view(strokeWidth=0)


# --- summaries ----------------------------------------------------------------------------


def diagram_summary(data: Path | None = None) -> pd.DataFrame:
    """Per diagram: figure number, boxes by kind, value exchanges (money and not) and arrows drawn."""
    rows = []
    for diagram in load_diagrams(data).values():
        kinds = diagram.nodes["kind"].value_counts()
        rows.append(
            {
                "figure": diagram.figure,
                "diagram": diagram.name,
                "boxes": len(diagram.nodes),
                "actors": int(kinds.get("actor", 0) + kinds.get("external", 0)),
                "exchanges": len(diagram.edges),
                "money": int(diagram.edges["monetary"].sum()),
                "non_monetary": int((~diagram.edges["monetary"]).sum()),
                "arrows": len(arrows(diagram)),
            }
        )
    return pd.DataFrame(rows).sort_values("figure", kind="stable").reset_index(drop=True)


def cfs_references(diagram: Diagram) -> pd.DataFrame:
    """One row per CFS line an exchange carries: stakeholder, line, source, target, value object."""
    rows = [
        {
            "stakeholder": ref.partition(":")[0],
            "line": ref.partition(":")[2],
            **{k: rec[k] for k in ("source", "target", "value_object")},
        }
        for _, rec in diagram.edges.iterrows()
        for ref in filter(None, rec["cfs_line"].split(";"))
    ]
    return pd.DataFrame(rows, columns=["stakeholder", "line", "source", "target", "value_object"])
