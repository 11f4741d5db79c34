"""The equation catalog (``data/equations.csv``) and the equation index.

The catalog holds every numbered equation (1)-(244) of PNNL-32170-4: its section, a
title, its kind (``defining``, ``identity``, ``derivation`` or ``restatement``), the
issue that implements it, its LaTeX as printed (text-conversion artefacts repaired) and
notes on anything garbled or inconsistent.

The index joins the catalog with three sources of evidence:

* the functions registered with :func:`dsot.registry.equation`;
* the tests marked ``@pytest.mark.equation(N, ...)`` under ``tests/``;
* the chapters that display the equation with ``show_equations(...)``.
"""

from __future__ import annotations

import ast
import json
import re
from collections import defaultdict
from functools import cache
from pathlib import Path

import pandas as pd

from dsot.params import ParameterError, data_dir, read_csv_strict
from dsot.registry import FIRST_EQUATION, LAST_EQUATION, registrations

KINDS = ("defining", "identity", "derivation", "restatement")
CATALOG_COLUMNS = ("equation", "section", "title", "kind", "restates", "latex", "issue", "note")
INDEX_COLUMNS = ("equation", "function", "tests", "chapters", "note")


def catalog(data: Path | None = None) -> pd.DataFrame:
    """The validated equation catalog, indexed by equation number."""
    path = (data or data_dir()) / "equations.csv"
    return _catalog(path, path.stat().st_mtime_ns if path.exists() else 0)


@cache
def _catalog(path: Path, _mtime_ns: int) -> pd.DataFrame:
    frame = read_csv_strict(path, CATALOG_COLUMNS)
    numbers = pd.to_numeric(frame["equation"], errors="coerce")
    expected = list(range(FIRST_EQUATION, LAST_EQUATION + 1))
    if numbers.tolist() != expected:
        bad = next((i for i, (n, e) in enumerate(zip(numbers, expected, strict=False), 1) if n != e), len(frame) + 1)
        raise ParameterError(f"{path}, row {bad}, column 'equation': equations must be {FIRST_EQUATION}-{LAST_EQUATION} in order")
    bad_kind = frame.index[~frame["kind"].isin(KINDS)]
    if len(bad_kind):
        raise ParameterError(f"{path}, row {bad_kind[0]}, column 'kind': {frame.at[bad_kind[0], 'kind']!r} is not one of {KINDS}")
    for row, rec in frame.iterrows():
        if (rec["kind"] == "restatement") != (rec["restates"] != ""):
            raise ParameterError(f"{path}, row {row}, column 'restates': required for restatements only")
        if "\\tag" in rec["latex"] or not rec["latex"].strip():
            raise ParameterError(f"{path}, row {row}, column 'latex': empty or numbered with \\tag")
    return frame.assign(equation=numbers.astype(int)).set_index("equation")


def equation_latex(number: int, data: Path | None = None) -> str:
    """The LaTeX of one equation (without its number)."""
    return str(catalog(data).at[number, "latex"])


def display_math(number: int, data: Path | None = None) -> str:
    r"""Markdown display math for one equation, numbered as in the report.

    The number is typeset inside the display (``\qquad(N)``) rather than with
    ``\tag``, which pandoc's MathML writer drops.

    >>> display_math(94)[:20]
    '$$CRF_{r,n} = \\begin'
    """
    return f"$${equation_latex(number, data)} \\qquad ({number})$$"


def project_root() -> Path:
    """The repository root (the parent of ``data/``)."""
    return data_dir().parent


def _marker_numbers(decorator: ast.expr) -> list[int]:
    if not (isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute) and decorator.func.attr == "equation"):
        return []
    return [a.value for a in decorator.args if isinstance(a, ast.Constant) and isinstance(a.value, int)]


def equation_tests(root: Path | None = None) -> dict[int, list[str]]:
    """Test ids per equation, from ``@pytest.mark.equation(...)`` markers under ``tests/``."""
    base = root or project_root()
    found: dict[int, list[str]] = defaultdict(list)
    for path in sorted((base / "tests").glob("**/test_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                class_numbers = [n for d in node.decorator_list for n in _marker_numbers(d)]
                for item in node.body:
                    if isinstance(item, ast.FunctionDef) and item.name.startswith("test"):
                        own = [n for d in item.decorator_list for n in _marker_numbers(d)]
                        for n in class_numbers + own:
                            found[n].append(f"{path.relative_to(base).as_posix()}::{node.name}::{item.name}")
            elif isinstance(node, ast.FunctionDef) and node.name.startswith("test") and node.col_offset == 0:
                for n in (n for d in node.decorator_list for n in _marker_numbers(d)):
                    found[n].append(f"{path.relative_to(base).as_posix()}::{node.name}")
    return {n: sorted(set(ids)) for n, ids in found.items()}


_SHOW = re.compile(r"show_equations\(([^)]*)\)")


def _cited_numbers(arguments: str) -> list[int]:
    numbers: list[int] = []
    for part in arguments.split(","):
        part = part.strip()
        spans = re.fullmatch(r"\*range\((\d+),\s*(\d+)\)", part)
        if spans:
            numbers.extend(range(int(spans.group(1)), int(spans.group(2))))
        elif part.isdigit():
            numbers.append(int(part))
    return numbers


def equation_chapters(root: Path | None = None) -> dict[int, list[str]]:
    """Chapters that display each equation with ``show_equations(...)`` in a code cell."""
    base = root or project_root()
    found: dict[int, list[str]] = defaultdict(list)
    for path in sorted((base / "chapters").glob("*.ipynb")):
        notebook = json.loads(path.read_text(encoding="utf-8"))
        for cell in notebook.get("cells", []):
            if cell.get("cell_type") != "code":
                continue
            source = "".join(cell.get("source", []))
            for match in _SHOW.finditer(source):
                for n in _cited_numbers(match.group(1)):
                    found[n].append(path.relative_to(base).as_posix())
    return {n: sorted(set(paths)) for n, paths in found.items()}


STATUSES = ("implemented", "derivation step", "alias of Eq.")
"""How an equation stands, the first words of its index note: computed by a function,
a step of a derivation (or an identity checked by tests) with no quantity of its own, or
a restatement of an earlier equation under a new number."""


def _note(rec: pd.Series, functions: list[str]) -> str:
    """The index note: the equation's status (one of :data:`STATUSES`), then what kind it is."""
    if rec["kind"] == "restatement":
        return f"alias of Eq. {rec['restates']}"
    if functions:
        return "implemented; identity" if rec["kind"] == "identity" else "implemented"
    if rec["kind"] == "derivation":
        return "derivation step, no quantity of its own"
    if rec["kind"] == "identity":
        return "derivation step; identity, checked by tests"
    return f"planned in issue #{rec['issue']}"


def equation_index(root: Path | None = None) -> pd.DataFrame:
    """One row per report equation: implementing function(s), tests, chapters and a note."""
    functions: dict[int, list[str]] = defaultdict(list)
    for reg in registrations():
        functions[reg.equation].append(reg.function)
    tests = equation_tests(root)
    chapters = equation_chapters(root)
    rows = []
    for number, rec in catalog().iterrows():
        assert isinstance(number, int)
        funcs = sorted(set(functions.get(number, [])))
        rows.append(
            {
                "equation": number,
                "function": " ".join(funcs),
                "tests": " ".join(tests.get(number, [])),
                "chapters": " ".join(chapters.get(number, [])),
                "note": _note(rec, funcs),
            }
        )
    return pd.DataFrame(rows, columns=list(INDEX_COLUMNS))


def index_summary(index: pd.DataFrame) -> pd.DataFrame:
    """Equations per planned issue and kind, and how many have a function, tests and a chapter."""
    table = catalog()
    joined = index.assign(
        issue=[f"#{table.at[n, 'issue']}" for n in index["equation"]],
        kind=[table.at[n, "kind"] for n in index["equation"]],
        has_function=index["function"] != "",
        has_tests=index["tests"] != "",
        has_chapter=index["chapters"] != "",
    )
    return (
        joined.groupby(["issue", "kind"], sort=True)
        .agg(
            equations=("equation", "size"),
            with_function=("has_function", "sum"),
            with_tests=("has_tests", "sum"),
            in_a_chapter=("has_chapter", "sum"),
        )
        .reset_index()
    )


def equation_status(index: pd.DataFrame) -> pd.Series:
    """Each equation's status, the part of its note before any qualifier (one of :data:`STATUSES`)."""
    pattern = "^(" + "|".join(re.escape(status) for status in STATUSES) + ")"
    return index["note"].str.extract(pattern, expand=False).fillna("missing").rename("status")


def status_counts(index: pd.DataFrame) -> pd.DataFrame:
    """How many equations are implemented, derivation steps and aliases (and how many have a test and a chapter)."""
    joined = index.assign(status=equation_status(index), tested=index["tests"] != "", shown=index["chapters"] != "")
    counts = joined.groupby("status", sort=False).agg(
        equations=("equation", "size"), with_tests=("tested", "sum"), in_a_chapter=("shown", "sum")
    )
    order = [s for s in (*STATUSES, "missing") if s in counts.index]
    return counts.loc[order].reset_index()
