"""The ``dsot`` command line: build the book, write the audit and the equation index.

The CSV formats written by ``audit`` and ``equations`` are stable contracts for
reviewers and scripts: their columns are :data:`dsot.audit.AUDIT_COLUMNS` and
:data:`dsot.equations.INDEX_COLUMNS`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

import dsot
from dsot.params import PARAMETER_SETS, ParameterError, ParameterSet

app = typer.Typer(
    help="DSO+T valuation methodology (PNNL-32170-4): book, audit and equation index.", no_args_is_help=True, add_completion=False
)
console = Console(stderr=True)

OutOption = Annotated[Path, typer.Option("--out", help="CSV file to write (replaced atomically).")]
SetOption = Annotated[str, typer.Option("--parameter-set", help=f"Reading of the report: {' or '.join(PARAMETER_SETS)}.")]


SetValues = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        help="Override an input: name=value, name=value unit or name[key=value,...]=value (repeatable).",
    ),
]
OverridesFile = Annotated[
    Path | None, typer.Option("--overrides", help="YAML file of input overrides (see dsot.overrides); applied before --set.")
]


def _overrides(sets: list[str] | None, file: Path | None) -> list[Any]:
    """Parse ``--overrides`` and ``--set``; a bad one ends the command with exit status 2 and the reason."""
    from dsot.overrides import load_overrides, parse_set

    try:
        return [*(load_overrides(file) if file is not None else []), *(parse_set(text) for text in sets or [])]
    except ParameterError as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc


@contextmanager
def _overridden(overrides: list[Any]) -> Iterator[None]:
    """Run the block on the data with the overrides applied (unknown names or wrong units: exit 2)."""
    from dsot.overrides import OverrideError, overridden_data

    try:
        with overridden_data(overrides) as path:
            if path is not None:
                console.print(f"inputs overridden ({len(overrides)}): data copied to {path}")
            yield
    except OverrideError as exc:  # raised while applying them, before the block runs
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc


def _parameter_set(value: str) -> ParameterSet:
    if value not in PARAMETER_SETS:
        raise typer.BadParameter(f"use one of {', '.join(PARAMETER_SETS)}", param_hint="--parameter-set")
    return value


def _sidecar(out: Path, parameter_set: ParameterSet | None) -> None:
    """Write the provenance of the output file ``out`` beside it (``<stem>.provenance.json``)."""
    from dsot.provenance import provenance, sidecar_path, write_provenance

    write_provenance(sidecar_path(out), provenance(parameter_set or "study"))


def _root() -> Path:
    from dsot.equations import project_root

    return project_root()


@app.command()
def audit(out: OutOption, parameter_set: SetOption = "study") -> None:
    """Check every printed number the package can compute and write the audit CSV."""
    from dsot.audit import write_audit

    try:
        frame = write_audit(out, _parameter_set(parameter_set))
        _sidecar(out, _parameter_set(parameter_set))
    except ParameterError as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc
    counts = frame["status"].value_counts().to_dict()
    console.print(f"wrote {len(frame)} rows to {out}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))


@app.command()
def equations(out: OutOption) -> None:
    """Write the equation index: every report equation with its function, tests and chapters."""
    from dsot.equations import equation_index
    from dsot.io import atomic_write_csv

    try:
        frame = equation_index(_root())
    except ParameterError as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc
    atomic_write_csv(frame, out)
    _sidecar(out, None)
    implemented = int((frame["function"] != "").sum())
    console.print(f"wrote {len(frame)} equations to {out}: {implemented} with a function")


@app.command("parameter-sets")
def parameter_sets_command(out: OutOption) -> None:
    """Write every input on which the printed and study parameter sets differ, with both sources."""
    from dsot.io import atomic_write_csv
    from dsot.params import parameter_differences

    try:
        frame = parameter_differences()
    except ParameterError as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc
    atomic_write_csv(frame, out)
    _sidecar(out, None)
    console.print(f"wrote {len(frame)} differences between the printed and study parameter sets to {out}")


def _prepare_default_case() -> None:
    """Generate the demonstration case once, before chapters that use it run in parallel."""
    from dsot.cases.cache import default_case_dir

    with console.status("preparing the demonstration case (synthetic; generated once, then cached)"):
        path = default_case_dir()
    console.print(f"demonstration case: {path}")


@app.command()
def report(
    to: Annotated[str, typer.Option("--to", help="html, pdf or all (pdf needs Quarto).")] = "html",
    fallback: Annotated[bool, typer.Option("--fallback", help="Use the fallback even if Quarto is installed.")] = False,
    out: Annotated[Path, typer.Option("--out", help="Output directory of the fallback.")] = Path("_book"),
    customers_per_dso: Annotated[
        int | None, typer.Option("--customers-per-dso", help="Size of the demonstration case the chapters use (default 20).")
    ] = None,
    params: Annotated[
        str,
        typer.Option("--params", "--parameter-set", help=f"Parameter set of the whole book: {' or '.join(PARAMETER_SETS)}."),
    ] = "study",
    sets: SetValues = None,
    overrides_file: OverridesFile = None,
) -> None:
    """Build the book: Quarto when installed, else execute the chapters and write HTML.

    ``--params`` chooses the reading of the report every chapter computes its headline
    results with (chapters comparing the two readings show both). With ``--set`` or
    ``--overrides`` every chapter runs on the overridden inputs.
    """
    from dsot.params import BOOK_SET_VARIABLE

    os.environ[BOOK_SET_VARIABLE] = _parameter_set(params)  # read by the chapters' kernels
    with _overridden(_overrides(sets, overrides_file)):
        _report(to, fallback, out, customers_per_dso)


def _report(to: str, fallback: bool, out: Path, customers_per_dso: int | None) -> None:
    """The work of :func:`report`, on the data ``DSOT_DATA_DIR`` points at."""
    from dsot.render import quarto_executable, render_with_quarto

    if to not in ("html", "pdf", "all"):
        raise typer.BadParameter("use html, pdf or all", param_hint="--to")
    root = _root()
    if customers_per_dso is not None:
        from dsot.cases.cache import SIZE_VARIABLE

        if customers_per_dso < 2:
            raise typer.BadParameter("at least 2 (one residential, one commercial)", param_hint="--customers-per-dso")
        os.environ[SIZE_VARIABLE] = str(customers_per_dso)  # read by the chapters' kernels
    quarto = None if fallback else quarto_executable()
    if quarto:
        _prepare_default_case()
        status = render_with_quarto(root, to, quarto)  # type: ignore[arg-type]
        if status == 0:
            _book_provenance(root / "_book")
        raise typer.Exit(status)
    if to != "html":
        console.print(
            "[red]error:[/red] the PDF needs Quarto, which is not on PATH; use --to html or install Quarto (environment.yml)"
        )
        raise typer.Exit(2)
    console.print("Quarto not found: using the fallback renderer (nbclient + nbconvert, HTML only).")
    _report_fallback(root, out if out.is_absolute() else root / out)


def _report_fallback(root: Path, target: Path) -> None:
    """Execute every chapter and write the HTML pages to ``target`` (exit 1 if a chapter fails)."""
    from dsot.render import Chapter, RenderError, book_chapters, render_fallback

    try:
        chapters = book_chapters(root)
    except RenderError as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc
    _prepare_default_case()
    with Progress(TextColumn("{task.description:<45}"), BarColumn(), TimeElapsedColumn(), console=console) as progress:
        task = progress.add_task("executing chapters", total=len(chapters))
        done: list[Chapter] = []

        def step(chapter: Chapter) -> None:
            done.append(chapter)
            progress.update(task, completed=len(done), description=f"executed {chapter.path.name}")

        failures = render_fallback(root, target, progress=step)
        progress.update(task, completed=len(chapters), description="done")
    for name, error in failures.items():
        console.print(f"[red]failed:[/red] {name}: {error}")
    if failures:
        raise typer.Exit(1)
    _book_provenance(target)
    console.print(f"wrote the book to {target / 'index.html'} ({len(chapters)} chapters)")


def _book_provenance(book: Path) -> None:
    """Record what the book was built from in ``provenance.json`` beside its pages (case: the demonstration)."""
    from dsot.cases.cache import default_case
    from dsot.params import book_parameter_set
    from dsot.provenance import provenance, write_provenance

    write_provenance(book / "provenance.json", provenance(book_parameter_set(), default_case()))


@app.command("execute-chapters")
def execute_chapters(
    paths: Annotated[list[Path] | None, typer.Argument(help="Chapter notebooks (default: all in _quarto.yml).")] = None,
) -> None:
    """Re-execute chapter notebooks and save their outputs (what nbval checks)."""
    from nbclient.exceptions import CellExecutionError

    from dsot.render import book_chapters, execute_in_place

    notebooks = paths or [c.path for c in book_chapters(_root()) if c.path.suffix == ".ipynb"]
    for path in notebooks:
        console.print(f"executing {path}")
        try:
            execute_in_place(path)
        except CellExecutionError as exc:
            console.print(f"[red]failed:[/red] {path}: {str(exc).strip().splitlines()[-1]}")
            raise typer.Exit(1) from exc


case_app = typer.Typer(help="Case data: make the demonstration case, check a case directory.", no_args_is_help=True)
app.add_typer(case_app, name="case")


@case_app.command("make")
def case_make(
    name: Annotated[str, typer.Argument(help="Which case to make (only eight-node).")] = "eight-node",
    out: Annotated[Path, typer.Option("--out", help="Directory receiving the BAU and battery cases.")] = Path("cases"),
    customers_per_dso: Annotated[int | None, typer.Option("--customers-per-dso", help="Simulated customers per DSO.")] = None,
    seed: Annotated[int | None, typer.Option("--seed", help="Random seed; the same seed gives identical files.")] = None,
) -> None:
    """Generate the synthetic eight-node demonstration (BAU and transactive batteries)."""
    from dsot.cases.eight_node import make_eight_node

    if name != "eight-node":
        raise typer.BadParameter("the only demonstration case is eight-node", param_hint="NAME")
    with console.status("generating and calibrating the eight-node case (synthetic)"):
        paths = make_eight_node(out, customers_per_dso, seed)
    for kind, path in paths.items():
        console.print(f"wrote {kind} case to {path}")


@case_app.command("check")
def case_check(path: Annotated[Path, typer.Argument(help="A case directory (holding case.yaml).")]) -> None:
    """Validate a case directory; print its summary or the first defect (file, column, rows)."""
    from dsot.cases import CaseError, read_case

    try:
        case = read_case(path)
    except CaseError as exc:
        console.print(f"[red]invalid case:[/red] {exc}")
        raise typer.Exit(2) from exc
    meta = case.metadata
    customers = len(case.table("customers"))
    label = " (SYNTHETIC)" if meta.synthetic else ""
    typer.echo(f"{meta.case_id}{label}: {meta.kind}, {meta.scenario}, {len(meta.dsos)} DSOs, {customers} customers, valid")


@app.command()
def bench(
    customers: Annotated[str, typer.Option("--customers", help="Comma-separated customer counts.")] = "1000,5000,20000",
    modes: Annotated[str, typer.Option("--modes", help="memory, streaming or both (comma-separated).")] = "memory,streaming",
) -> None:
    """Engine throughput: customer-years per second at 5-minute resolution, one JSON line per run."""
    import json

    from dsot.bench import run_in_subprocess

    sizes = [int(n) for n in customers.split(",") if n.strip()]
    for mode in [m.strip() for m in modes.split(",") if m.strip()]:
        if mode not in ("memory", "streaming"):
            raise typer.BadParameter("use memory and/or streaming", param_hint="--modes")
        for size in sizes:
            typer.echo(json.dumps(run_in_subprocess(mode, size)))


@app.command()
def valuation(
    case_dir: Annotated[Path, typer.Argument(help="A case directory (holding case.yaml).")],
    out: Annotated[
        Path,
        typer.Option(
            "--out", help="Directory receiving rates, bills, revenues and every stakeholder's CFS (files replaced atomically)."
        ),
    ],
    bau: Annotated[
        Path | None, typer.Option("--bau", help="The BAU case of a transactive case (needed for its revenue requirement).")
    ] = None,
    parameter_set: SetOption = "study",
    sets: SetValues = None,
    overrides_file: OverridesFile = None,
) -> None:
    """A case's valuation: rates, bills and revenues (Section 4) and every stakeholder's CFS (Sections 3, 5, 6).

    Writes the Section 4 files, each stakeholder's cash-flow statement at every level of
    detail, the system's cash flows (Figure 3) and total cost, and one Excel workbook.
    Inputs can be overridden (``--set``, ``--overrides``); the outputs then follow them.
    """
    chosen = _parameter_set(parameter_set)
    with _overridden(_overrides(sets, overrides_file)):
        _valuation(case_dir, out, bau, chosen)


def _valuation(case_dir: Path, out: Path, bau: Path | None, chosen: ParameterSet) -> None:
    """The work of :func:`valuation`, on the data ``DSOT_DATA_DIR`` points at."""
    from dsot import engine
    from dsot.cases import CaseError, read_case
    from dsot.provenance import provenance
    from dsot.system import SYSTEM_FILES, system_view, write_system
    from dsot.valuation import VALUATION_FILES, value_case, write_valuation

    try:
        case = read_case(case_dir)
        base = read_case(bau) if bau is not None else None
    except CaseError as exc:
        console.print(f"[red]invalid case:[/red] {exc}")
        raise typer.Exit(2) from exc
    if case.metadata.transactive and base is None:
        console.print(f"[red]error:[/red] {case.metadata.case_id} is a transactive case: give its BAU case with --bau DIR")
        raise typer.Exit(2)
    if base is not None and (base.metadata.kind != "bau" or base.metadata.dso_ids != case.metadata.dso_ids):
        console.print(f"[red]error:[/red] --bau {bau} must be a BAU case with the same DSOs as {case_dir}")
        raise typer.Exit(2)
    dsos = len(case.metadata.dso_ids)
    stages = 5 + (2 + dsos if base is not None else 0) + dsos
    with Progress(TextColumn("{task.description:<50}"), BarColumn(), TimeElapsedColumn(), console=console) as progress:
        task = progress.add_task("valuation", total=stages)

        def step(message: str) -> None:
            progress.update(task, advance=1, description=message)

        try:
            base_stats = engine.case_statistics(base) if base is not None else None
            base_result = (
                value_case(base, chosen, statistics=base_stats, progress=lambda m: step(f"BAU: {m}"))
                if base is not None
                else None
            )
            result = value_case(case, chosen, bau=base, bau_statistics=base_stats, progress=step)
            progress.update(task, description="writing outputs")
            paths = write_valuation(result, out)
            step("stakeholders' cash-flow statements")
            view = system_view(case, result, chosen, bau=base, bau_valuation=base_result)
            step("system flows and workbook")
            paths += write_system(view, out, provenance(chosen, case))
        except ParameterError as exc:
            console.print(f"[red]error:[/red] {exc}")
            raise typer.Exit(2) from exc
        progress.update(task, completed=stages, description="done")
    worst = float(result.rates["balance_usd"].abs().max())
    console.print(
        f"{case.metadata.case_id} ({chosen}): revenue - requirement at most {worst:.2e} USD over {len(result.rates)} DSOs"
    )
    described = {**VALUATION_FILES, **SYSTEM_FILES}
    for path in paths:
        console.print(f"wrote {path}: {described[path.name]}")


@app.command()
def version() -> None:
    """Print the package version."""
    typer.echo(dsot.__version__)
