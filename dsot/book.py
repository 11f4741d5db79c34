"""Helpers that chapters call to show equations and their provenance.

A chapter displays report equations with :func:`show_equations` (which also records
that the chapter cites them, see :func:`dsot.equations.equation_chapters`) and ends
with :func:`equation_map`, the equation -> function -> tests table for its equations.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from dsot.equations import catalog, display_math, equation_index


class Markdown:
    """Markdown that Jupyter, nbconvert and Quarto display (a ``text/markdown`` output)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def _repr_markdown_(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return self.text


def show_equations(*numbers: int) -> Markdown:
    """Display report equations as printed, numbered as in the report, with their titles.

    The equations come from the catalog (``data/equations.csv``); where the catalog notes
    a printing or conversion problem, the note follows the equation.

    >>> print(show_equations(92).text.splitlines()[0])
    **Eq. (92)** Effective combined income tax rate
    """
    blocks = []
    table = catalog()
    for n in numbers:
        block = f"**Eq. ({n})** {table.at[n, 'title']}\n\n{display_math(n)}"
        if table.at[n, "note"]:
            block += f"\n\n> *Note on the printed equation:* {table.at[n, 'note']}"
        blocks.append(block)
    return Markdown("\n\n".join(blocks))


def equation_map(numbers: Iterable[int]) -> pd.DataFrame:
    """Equation -> function -> tests for the given equations (a chapter's closing table)."""
    wanted = set(numbers)
    index = equation_index()
    table = catalog()
    out = index[index["equation"].isin(wanted)].copy()
    out.insert(1, "title", [table.at[n, "title"] for n in out["equation"]])
    out["tests"] = out["tests"].str.split().str.len().fillna(0).astype(int)
    return out.drop(columns=["chapters"]).rename(columns={"tests": "tests (count)"})
