"""Chapter linter: the book's structure, labels, captions, alt text and stable ids."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
import yaml

from dsot.equations import project_root
from dsot.render import book_chapters

ROOT = project_root()
NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))


def options(source: str) -> dict[str, str]:
    return {m.group(1): m.group(2).strip().strip('"') for m in re.finditer(r"^#\|\s*([\w-]+):\s*(.*)$", source, flags=re.M)}


def test_quarto_book_lists_every_chapter_once():
    config = yaml.safe_load((ROOT / "_quarto.yml").read_text(encoding="utf-8"))
    assert config["project"]["type"] == "book"
    assert config["format"]["html"]["html-math-method"] == "mathml"
    assert config["format"]["typst"]["toc"] is True  # the PDF opens with a table of contents
    listed = [c.path for c in book_chapters(ROOT)]
    assert len(listed) == len(set(listed))
    on_disk = {p for p in (ROOT / "chapters").iterdir() if p.suffix in (".ipynb", ".qmd")}
    assert on_disk == set(listed) - {ROOT / "index.qmd"}


FIGURE_CALL = re.compile(r"\b(charts\.(?!use_static_renderer)\w+|diagrams\.diagram_chart|sankey\.sankey_chart)\(")
"""Calls that draw a figure: chart builders, the value activity diagrams and the Sankey diagrams."""


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_tables_and_figures_are_labelled_captioned_and_described(path: Path):
    notebook = nbformat.read(path, as_version=4)
    labels = []
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        opts = options(cell.source)
        label = opts.get("label", "")
        produces_table = "tables." in cell.source
        produces_figure = bool(FIGURE_CALL.search(cell.source))
        if produces_table:
            assert label.startswith("tbl-") and opts.get("tbl-cap"), f"table cell without tbl- label and caption:\n{cell.source}"
            if "markdown" not in cell.source:  # great-tables output: its HTML id is the label
                assert f'"{label}"' in cell.source, f"GT id must equal the label {label}"
        if produces_figure:
            assert label.startswith("fig-") and opts.get("fig-cap") and opts.get("fig-alt"), (
                f"figure without label, caption, alt:\n{cell.source}"
            )
        if label:
            labels.append(label)
    assert len(labels) == len(set(labels)), "duplicate labels"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_chapter_cells_stay_short_and_outputs_are_committed(path: Path):
    notebook = nbformat.read(path, as_version=4)
    code = [c for c in notebook.cells if c.cell_type == "code"]
    renders = re.compile(r"\b(tables|charts|diagrams|sankey)\.\w+\(|show_equations\(|print\(")
    rendering = [c for c in code if renders.search(c.source) and "import " not in c.source]
    assert rendering and all(c.get("outputs") for c in rendering), (
        "execute the chapter (dsot execute-chapters) and commit its outputs"
    )
    for cell in code:
        body = [line for line in cell.source.splitlines() if line.strip() and not line.startswith("#|")]
        assert len(body) <= 25, f"cell of {len(body)} lines: computations belong in dsot, not in chapters\n{cell.source}"
        assert not re.search(r"^\s*(def|class) ", cell.source, flags=re.M), "no functions in chapters: put them in dsot"
    checks = [c for c in code if "NBVAL_CHECK_OUTPUT" in c.source]
    assert checks, "every computational chapter needs a check cell (# NBVAL_CHECK_OUTPUT)"


def test_labels_are_unique_across_the_book():
    seen: dict[str, str] = {}
    for path in NOTEBOOKS:
        for cell in nbformat.read(path, as_version=4).cells:
            label = options(cell.source).get("label") if cell.cell_type == "code" else None
            if label:
                assert label not in seen, f"{label} in {path.name} and {seen[label]}"
                seen[label] = path.name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_chapter_ends_with_its_provenance(path: Path):
    notebook = nbformat.read(path, as_version=4)
    last = [c for c in notebook.cells if c.cell_type == "code"][-1]
    assert "provenance_note(" in last.source, f"{path.name}: the last code cell must show book.provenance_note(...)"
    setup = next(c for c in notebook.cells if c.cell_type == "code")
    assert "book_parameter_set" in setup.source, f"{path.name}: the setup cell must read the book's parameter set"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_committed_outputs_are_deterministic(path: Path):
    # Object reprs with memory addresses change on every run; dsot execute-chapters drops them.
    assert not re.search(r" at 0x[0-9a-f]{6,}", path.read_text(encoding="utf-8"))


def test_plain_text_fallbacks_are_dropped_only_beside_rich_outputs():
    from dsot.render import drop_plain_text_fallbacks

    nb = nbformat.v4.new_notebook()
    rich = nbformat.v4.new_output("execute_result", data={"text/html": "<b>x</b>", "text/plain": "<GT at 0x7f00deadbeef>"})
    plain = nbformat.v4.new_output("execute_result", data={"text/plain": "42"})
    nb.cells = [nbformat.v4.new_code_cell("x", outputs=[rich, plain])]
    outputs = drop_plain_text_fallbacks(nb).cells[0].outputs
    assert outputs[0]["data"] == {"text/html": "<b>x</b>"}
    assert outputs[1]["data"] == {"text/plain": "42"}
