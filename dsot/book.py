"""Helpers that chapters call to show equations and their provenance.

A chapter displays report equations with :func:`show_equations` (which also records
that the chapter cites them, see :func:`dsot.equations.equation_chapters`) and ends
with :func:`equation_map`, the equation -> function -> tests table for its equations,
and :func:`provenance_note`, what produced its numbers.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from dsot.equations import catalog, display_math, equation_index
from dsot.params import ParameterSet
from dsot.registry import functions_for

API_PAGE = "api-reference.ipynb"
"""The chapter documenting every registered function (links are relative to ``chapters/``)."""


def api_anchor(function: str) -> str:
    """The anchor of a function's entry on the API reference page.

    >>> api_anchor("dsot.finance.loan_principal_frac")
    'api-dsot-finance-loan_principal_frac'
    """
    return "api-" + function.replace(".", "-")


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
        code = functions_for(n)
        if code:
            block += "\n\nCode: " + ", ".join(f"[`{name}`]({API_PAGE}#{api_anchor(name)})" for name in code)
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


def _short_commit(commit: str) -> str:
    """The first 12 hex digits of a commit, keeping a ``-dirty`` suffix."""
    head, dirty, _ = commit.partition("-dirty")
    return head[:12] + dirty


def provenance_note(parameter_set: ParameterSet, case: Any = None) -> Markdown:
    """A chapter's closing line: package version, commit, parameter set and hash, case and data hash, date.

    See :mod:`dsot.provenance` for the fields; ``case`` is the :class:`dsot.cases.Case`
    the chapter's results come from, if any.
    """
    from dsot.provenance import provenance, provenance_rows

    fields = dict(provenance_rows(provenance(parameter_set, case)))
    case_text = f"case `{fields['case_id']}` (data `{fields['case_hash']}`)" if fields["case_id"] else "no case data"
    return Markdown(
        f'::: {{.callout-note appearance="minimal"}}\n'
        f"**Provenance.** dsot {fields['dsot_version']}, commit `{_short_commit(fields['git_commit'])}`; "
        f"parameter set **{fields['parameter_set']}** (hash `{fields['parameter_hash']}`, overrides: {fields['overrides']}); "
        f"{case_text}; {fields['date']} ({fields['date_source']}).\n:::"
    )
