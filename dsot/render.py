"""Building the book: Quarto when it is installed, else a documented fallback.

``dsot report`` calls :func:`render`.  With ``quarto`` on ``PATH`` it runs
``quarto render`` (HTML and/or the Typst PDF).  Without it, the fallback

1. reads the chapter list from ``_quarto.yml``;
2. executes every chapter notebook with nbclient in this Python environment;
3. converts it to HTML with nbconvert, typesetting math as MathML (latex2mathml) so
   that pages read offline, and adds a navigation line;
4. writes ``_book/<chapter>.html`` and ``_book/index.html`` atomically.

It fails (non-zero exit in the CLI) if any chapter fails to execute, after trying all.
"""

from __future__ import annotations

import html
import multiprocessing
import os
import re
import shutil
import subprocess
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml

from dsot.io import atomic_write_text

Target = Literal["html", "pdf", "all"]

FALLBACK_NOTICE = (
    "Quarto was not found on PATH, so this book was built by dsot's fallback renderer: "
    "chapters executed with nbclient and converted with nbconvert (HTML only). "
    "Install Quarto (conda env create -f environment.yml) for the full book and the PDF."
)


@dataclass(frozen=True)
class Chapter:
    """One entry of the book's chapter list."""

    path: Path
    part: str
    title: str


class RenderError(RuntimeError):
    """A chapter failed to execute or convert, or the book definition is invalid."""


def quarto_executable() -> str | None:
    """Path of the ``quarto`` executable, or ``None`` if it is not installed."""
    return shutil.which("quarto")


def _entries(items: list[Any], part: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for item in items:
        if isinstance(item, str):
            out.append((item, part))
        elif isinstance(item, dict) and "part" in item:
            out.extend(_entries(item.get("chapters", []), str(item["part"])))
        elif isinstance(item, dict) and "href" in item:
            out.append((str(item["href"]), part))
        else:
            raise RenderError(f"_quarto.yml: cannot read book entry {item!r}")
    return out


def book_chapters(root: Path) -> list[Chapter]:
    """Chapters and appendices of ``_quarto.yml`` in book order, with their parts and titles."""
    config_path = root / "_quarto.yml"
    config = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    book = config.get("book", {})
    entries = _entries(book.get("chapters", []), "") + _entries(book.get("appendices", []), "Appendices")
    chapters = []
    for name, part in entries:
        path = root / name
        if not path.is_file():
            raise RenderError(f"_quarto.yml lists {name}, which does not exist")
        chapters.append(Chapter(path=path, part=part, title=chapter_title(path)))
    return chapters


def chapter_title(path: Path) -> str:
    """The first level-1 heading (or ``title:`` front matter) of a chapter."""
    import nbformat

    if path.suffix == ".ipynb":
        notebook = nbformat.read(path, as_version=4)
        text = "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
    else:
        text = path.read_text(encoding="utf-8")
    front = re.search(r"^---\n(.*?)\n---", text, flags=re.S)
    if front:
        meta = yaml.safe_load(front.group(1)) or {}
        if "title" in meta:
            return str(meta["title"])
    heading = re.search(r"^# (.+?)(\s*\{[^}]*\})?\s*$", text, flags=re.M)
    return heading.group(1).strip() if heading else path.stem


# --- Quarto ----------------------------------------------------------------------------


def render_with_quarto(root: Path, to: Target, quarto: str) -> int:
    """Run ``quarto render`` for the requested formats; returns Quarto's exit code."""
    formats = {"html": ["html"], "pdf": ["typst"], "all": ["html", "typst"]}[to]
    for fmt in formats:
        code = subprocess.call([quarto, "render", "--to", fmt], cwd=root)
        if code != 0:
            return code
    return 0


# --- Fallback ---------------------------------------------------------------------------

_DISPLAY = re.compile(r"\$\$(.+?)\$\$", flags=re.S)
_INLINE = re.compile(r"(?<![\\$])\$(?=\S)([^$\n]+?)(?<=\S)(?<!\\)\$(?!\d)")


def math_to_mathml(markdown: str) -> str:
    r"""Replace ``$$...$$`` and ``$...$`` TeX in Markdown with MathML elements.

    Escaped dollars (``\$``) are left alone; TeX that latex2mathml cannot read is kept.

    >>> math_to_mathml(r"cost \$5 and $k_e$")[:24]
    'cost \\$5 and <math xmlns'
    """
    from latex2mathml.converter import convert

    def replace(match: re.Match[str], display: str) -> str:
        try:
            return str(convert(match.group(1).strip(), display=display))
        except Exception:
            return match.group(0)

    text = _DISPLAY.sub(lambda m: replace(m, "block"), markdown)
    return _INLINE.sub(lambda m: replace(m, "inline"), text)


def _kernel_manager() -> Any:
    """A kernel manager whose ``python3`` kernel is this Python environment's ipykernel."""
    from ipykernel.kernelspec import RESOURCES, get_kernel_dict
    from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
    from jupyter_client.manager import KernelManager

    class CurrentEnvironment(KernelSpecManager):
        def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
            return KernelSpec(resource_dir=RESOURCES, **get_kernel_dict())

    return KernelManager(kernel_name="python3", kernel_spec_manager=CurrentEnvironment())


def execute_notebook(path: Path, timeout_s: int = 1200) -> Any:
    """Execute a chapter notebook in this environment and return it (not written)."""
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        km=_kernel_manager(),
        timeout=timeout_s,
        record_timing=False,
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    return notebook


RICH_MIMETYPES = ("text/html", "image/svg+xml", "image/png")


def drop_plain_text_fallbacks(notebook: Any) -> Any:
    """Remove ``text/plain`` where a rich representation exists.

    The plain-text repr of a great-tables table or an altair chart is an object dump with
    memory addresses; keeping it would make every re-execution change the committed
    notebook.  HTML, SVG and PNG outputs are deterministic.
    """
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "text/plain" in data and any(m in data for m in RICH_MIMETYPES):
                del data["text/plain"]
    return notebook


def execute_in_place(path: Path) -> None:
    """Execute a chapter and save it with its outputs (the outputs nbval compares)."""
    import nbformat

    notebook = drop_plain_text_fallbacks(execute_notebook(path))
    atomic_write_text(path, nbformat.writes(notebook) + "\n")


_FENCE = re.compile(r"^:::.*$", flags=re.M)
_HEADING_ATTRIBUTES = re.compile(r"^(#+ .*?)\s*\{([#.][^}]*)\}\s*$", flags=re.M)
_HEADING_ID = re.compile(r"#([\w:.-]+)")
_CHAPTER_LINK = re.compile(r"\]\(([^)#\s]+)\.(?:ipynb|qmd)(#[^)]*)?\)")
_CITATION = re.compile(r"\[@([\w:-]+)\]|(?<![\w@])@(?!(?:tbl|fig|sec|eq)-)([a-z][\w:-]*\d{4}[\w-]*)")
_CAPTION = re.compile(r"^#\|\s*(tbl|fig)-cap:\s*\"?(.*?)\"?\s*$", flags=re.M)


def citation_labels(bibliography: Path) -> dict[str, tuple[str, str]]:
    """Author label and year of each BibTeX entry: ``{"pratt2022valuation": ("Pratt et al.", "2022")}``."""
    labels: dict[str, tuple[str, str]] = {}
    text = bibliography.read_text(encoding="utf-8")
    for entry in re.finditer(r"@\w+\{([^,\s]+),(.*?)\n\}", text, flags=re.S):
        body = entry.group(2)
        author = re.search(r"author\s*=\s*\{(.*?)\},?\s*\n", body, flags=re.S)
        year = re.search(r"year\s*=\s*\{?(\d{4})", body)
        if not author or not year:
            continue
        surnames = [name.split(",")[0].strip(" {}") for name in author.group(1).split(" and ")]
        label = (
            surnames[0]
            if len(surnames) == 1
            else f"{surnames[0]} and {surnames[1]}"
            if len(surnames) == 2
            else f"{surnames[0]} et al."
        )
        labels[entry.group(1).strip()] = (label, year.group(1))
    return labels


def _cite(match: re.Match[str], citations: dict[str, tuple[str, str]]) -> str:
    key = match.group(1) or match.group(2)
    if key not in citations:
        return f"({key})" if match.group(1) else key
    label, year = citations[key]
    return f"({label} {year})" if match.group(1) else f"{label} ({year})"


def _heading_anchor(match: re.Match[str]) -> str:
    found = _HEADING_ID.match(match.group(2))
    return f'{match.group(1)} <a id="{found.group(1)}"></a>' if found else match.group(1)


def plain_markdown(markdown: str, citations: dict[str, tuple[str, str]] | None = None) -> str:
    r"""Quarto Markdown made readable by nbconvert (the fallback renderer).

    Div fences are dropped, a heading's id becomes an anchor (so links to it work) and its
    other attributes are dropped, links to chapters point at their HTML pages, citations
    become author-year text (their keys if not in ``citations``) and math becomes MathML.

    >>> plain_markdown("## A.1 Procedure {#sec-a1}\n::: {.callout-note}\nsee [A](a.ipynb#x) [@doe2020]\n:::")
    '## A.1 Procedure <a id="sec-a1"></a>\n\nsee [A](a.html#x) (doe2020)\n'
    """
    text = _HEADING_ATTRIBUTES.sub(_heading_anchor, markdown)
    text = _FENCE.sub("", text)
    text = _CHAPTER_LINK.sub(lambda m: f"]({m.group(1)}.html{m.group(2) or ''})", text)
    text = _CITATION.sub(lambda m: _cite(m, citations or {}), text)
    return math_to_mathml(text)


def _for_fallback(notebook: Any, citations: dict[str, tuple[str, str]]) -> Any:
    """Apply :func:`plain_markdown` everywhere and show table and figure captions."""
    import nbformat

    cells = []
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            cell.source = plain_markdown(cell.source, citations)
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "text/markdown" in data:
                data["text/markdown"] = plain_markdown(data["text/markdown"], citations)
        cells.append(cell)
        if cell.cell_type == "code":
            for kind, caption in _CAPTION.findall(cell.source):
                label = "Table" if kind == "tbl" else "Figure"
                cells.append(nbformat.v4.new_markdown_cell(f"*{label}: {plain_markdown(caption, citations)}*"))
    notebook.cells = cells
    return notebook


def _navigation(chapters: list[Chapter], i: int) -> str:
    links = ['<a href="index.html">Contents</a>']
    if i > 0:
        links.append(f'<a href="{chapters[i - 1].path.stem}.html">&larr; {html.escape(chapters[i - 1].title)}</a>')
    if i + 1 < len(chapters):
        links.append(f'<a href="{chapters[i + 1].path.stem}.html">{html.escape(chapters[i + 1].title)} &rarr;</a>')
    return '<nav class="dsot-nav" style="font-family:sans-serif;margin:1em 0">' + " &middot; ".join(links) + "</nav>"


def _page(notebook: Any, nav: str) -> str:
    from nbconvert import HTMLExporter

    body, _ = HTMLExporter(template_name="lab").from_notebook_node(notebook)
    body = re.sub(r"<script[^>]*mathjax[^>]*>.*?</script>|<!--[^>]*mathjax[^>]*-->", "", body, flags=re.S | re.I)
    return re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + nav, body, count=1)


def _markdown_notebook(path: Path) -> Any:
    import nbformat

    text = re.sub(r"^---\n.*?\n---\n", "", path.read_text(encoding="utf-8"), count=1, flags=re.S)
    notebook = nbformat.v4.new_notebook()
    notebook.cells.append(nbformat.v4.new_markdown_cell(text))
    return notebook


def _contents(chapters: list[Chapter], failures: dict[str, str]) -> str:
    items, part = [], None
    for chapter in chapters:
        if chapter.path.stem == "index":
            continue
        if chapter.part != part:
            if part is not None:
                items.append("</ul>")
            part = chapter.part
            items.append(f"<h2>{html.escape(part)}</h2><ul>" if part else "<ul>")
        state = " (failed to build)" if chapter.path.name in failures else ""
        items.append(f'<li><a href="{chapter.path.stem}.html">{html.escape(chapter.title)}</a>{state}</li>')
    items.append("</ul>")
    return (
        '<section class="dsot-contents" style="font-family:sans-serif;max-width:50em;margin:2em auto">'
        f'<p style="background:#fff3cd;padding:0.5em">{html.escape(FALLBACK_NOTICE)}</p>'
        "<h1>Contents</h1>" + "".join(items) + "</section>"
    )


def _index_page(chapters: list[Chapter], failures: dict[str, str], preface: str | None) -> str:
    """The book's front page: the rendered preface (``index.qmd``) followed by the contents."""
    contents = _contents(chapters, failures)
    if preface is not None and "</body>" in preface:
        return preface.replace("</body>", contents + "</body>", 1)
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        "<title>DSO+T valuation methodology, reproduced</title></head><body>" + contents + "</body></html>\n"
    )


def _execute_chapter(path: Path) -> tuple[Any, str | None]:
    """Run one chapter (in a worker process): the executed notebook, or the error line."""
    try:
        notebook = execute_notebook(path) if path.suffix == ".ipynb" else _markdown_notebook(path)
    except Exception as exc:  # report every failing chapter, then fail
        message = str(exc).strip().splitlines()
        return None, f"{type(exc).__name__}: {message[-1] if message else ''}"
    return notebook, None


def render_fallback(root: Path, out_dir: Path, progress: Any = None, workers: int | None = None) -> dict[str, str]:
    """Execute and convert every chapter to ``out_dir``; returns failures (chapter -> error).

    Chapters run in ``workers`` processes (default: the machine's cores, at most 4), each
    with its own kernel; pages are assembled in book order once all have run.
    """
    chapters = book_chapters(root)
    config = yaml.safe_load((root / "_quarto.yml").read_text(encoding="utf-8"))
    bibliography = root / str(config.get("bibliography", ""))
    citations = citation_labels(bibliography) if bibliography.is_file() else {}
    failures: dict[str, str] = {}
    preface: str | None = None
    count = workers or min(os.cpu_count() or 1, 4)
    with ProcessPoolExecutor(max_workers=count, mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = {pool.submit(_execute_chapter, chapter.path): chapter for chapter in chapters}
        results: dict[Path, tuple[Any, str | None]] = {}
        for future in as_completed(futures):
            chapter = futures[future]
            results[chapter.path] = future.result()
            if progress is not None:
                progress(chapter)
    for i, chapter in enumerate(chapters):
        notebook, error = results[chapter.path]
        if error is not None:
            failures[chapter.path.name] = error
            continue
        page = _page(_for_fallback(notebook, citations), _navigation(chapters, i))
        if chapter.path.stem == "index":
            preface = page
        else:
            atomic_write_text(out_dir / f"{chapter.path.stem}.html", page)
    atomic_write_text(out_dir / "index.html", _index_page(chapters, failures, preface))
    return failures
