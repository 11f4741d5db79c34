"""The book's API reference: every function registered for a report equation, from its docstring.

The reference is generated when the book is built (chapter ``api-reference.ipynb``), so it
cannot drift from the code. Each entry has the anchor :func:`dsot.book.api_anchor`, which
the equation displays of the chapters link to. Docstrings are numpydoc with Sphinx roles;
:func:`docstring_markdown` turns them into Markdown that Quarto and the fallback render.
"""

from __future__ import annotations

import importlib
import inspect
import re
from collections import defaultdict

from dsot.book import Markdown, api_anchor
from dsot.registry import registrations

_ROLE = re.compile(r":(func|class|data|mod|attr|meth|obj|exc):`~?([^`]+)`")
_MATH = re.compile(r":math:`([^`]+)`")
_LITERAL = re.compile(r"``([^`]+)``")
_SECTIONS = ("Parameters", "Returns", "Yields", "Raises", "Notes", "Examples", "See Also", "References")


_DISPLAY = re.compile(r"(\$\$.*?\$\$)", flags=re.S)


def _currency(text: str) -> str:
    """Escape dollar signs outside ``$$...$$``: in docstrings they are currency, inline math is ``:math:``."""
    return "".join(part if i % 2 else part.replace("$", "\\$") for i, part in enumerate(_DISPLAY.split(text)))


def _inline(text: str) -> str:
    text = _MATH.sub(lambda m: f"${m.group(1).strip()}$", text)
    text = _ROLE.sub(lambda m: f"`{m.group(2)}`", text)
    return _LITERAL.sub(lambda m: f"`{m.group(1)}`", text)


def _split_sections(doc: str) -> list[tuple[str, list[str]]]:
    lines = inspect.cleandoc(doc).splitlines()
    sections: list[tuple[str, list[str]]] = [("", [])]
    i = 0
    while i < len(lines):
        line = lines[i]
        underline = lines[i + 1] if i + 1 < len(lines) else ""
        if line.strip() in _SECTIONS and underline.strip() and set(underline.strip()) == {"-"}:
            sections.append((line.strip(), []))
            i += 2
            continue
        sections[-1][1].append(line)
        i += 1
    return sections


def _items(lines: list[str]) -> list[str]:
    """``name : description`` entries (continuations indented) as a bullet list."""
    items: list[str] = []
    for line in lines:
        if not line.strip():
            continue
        if line.startswith((" ", "\t")) and items:
            items[-1] += " " + _inline(line.strip())
        elif " : " in line:
            name, _, text = line.partition(" : ")
            items.append(f"- `{name.strip()}`: {_inline(text.strip())}")
        else:
            items.append(f"- {_inline(line.strip())}")
    return items


def docstring_markdown(doc: str | None) -> str:
    r"""A numpydoc docstring as Markdown: roles become code or math, sections become lists.

    >>> print(docstring_markdown('''Rate, :math:`k_d`.
    ...
    ... Parameters
    ... ----------
    ... k_d : :math:`k_d`. [1/yr]
    ...     Cost of debt.
    ... '''))
    Rate, $k_d$.
    <BLANKLINE>
    **Parameters**
    <BLANKLINE>
    - `k_d`: $k_d$. [1/yr] Cost of debt.
    """
    if not doc:
        return "*(no docstring)*"
    doc = _currency(doc)
    blocks: list[str] = []
    for title, lines in _split_sections(doc):
        body = "\n".join(lines).strip("\n")
        if not body.strip():
            continue
        if title == "":
            blocks.append(_inline(body))
        elif title == "Examples":
            code = "\n".join(line for line in lines if line.strip()).strip("\n")
            blocks.append(f"**{title}**\n\n```python\n{code}\n```")
        elif title in ("Parameters", "Raises", "Yields", "See Also"):
            blocks.append(f"**{title}**\n\n" + "\n".join(_items(lines)))
        else:
            blocks.append(f"**{title}**\n\n" + _inline(inspect.cleandoc(body)))
    return "\n\n".join(blocks)


def documented_functions() -> dict[str, list[tuple[str, list[int]]]]:
    """Registered functions by module, each with the equation numbers it implements (aliases included)."""
    equations: dict[str, list[int]] = defaultdict(list)
    for reg in registrations():
        equations[reg.function].append(reg.equation)
    modules: dict[str, list[tuple[str, list[int]]]] = defaultdict(list)
    for function in sorted(equations, key=lambda f: (f.rpartition(".")[0], min(equations[f]))):
        modules[function.rpartition(".")[0]].append((function, sorted(set(equations[function]))))
    return dict(sorted(modules.items()))


def _resolve(function: str) -> object:
    module, _, name = function.rpartition(".")
    target: object = importlib.import_module(module)
    for part in name.split("."):
        target = getattr(target, part)
    return target


def _entry(function: str, numbers: list[int]) -> str:
    target = _resolve(function)
    try:
        signature = f"{function.rpartition('.')[2]}{inspect.signature(target)}"  # type: ignore[arg-type]
    except (TypeError, ValueError):
        signature = function.rpartition(".")[2]
    equations = ", ".join(f"({n})" for n in numbers)
    return (
        f"### `{function}` {{#{api_anchor(function)}}}\n\n"
        f"Equations {equations}\n\n```python\n{signature}\n```\n\n{docstring_markdown(inspect.getdoc(target))}"
    )


def api_reference() -> Markdown:
    """The API reference as Markdown: one section per module, one entry per registered function."""
    parts = []
    for module, functions in documented_functions().items():
        summary = (inspect.getdoc(importlib.import_module(module)) or "").split("\n\n")[0]
        parts.append(f"## `{module}`\n\n{_inline(summary)}")
        parts.extend(_entry(function, numbers) for function, numbers in functions)
    return Markdown("\n\n".join(parts))
