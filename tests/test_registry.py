"""Every equation has code, a test and a chapter (for the issues implemented so far)."""

from __future__ import annotations

import subprocess

import pytest

import dsot  # noqa: F401  (fills the registry)
from dsot.equations import STATUSES, catalog, equation_chapters, equation_index, equation_tests
from dsot.registry import equation, registrations

IMPLEMENTED_ISSUES = {"2", "3", "4", "6", "7"}
"""Issues whose equations must be complete; later issues add theirs."""


@pytest.fixture(scope="module")
def index():
    return equation_index().set_index("equation")


def implemented(kind: str | None = None) -> list[int]:
    table = catalog()
    rows = table[table["issue"].isin(IMPLEMENTED_ISSUES)]
    return [int(n) for n in (rows if kind is None else rows[rows["kind"] == kind]).index]


@pytest.mark.parametrize("number", implemented("defining"))
def test_defining_equation_has_function_tests_and_chapter(index, number):
    row = index.loc[number]
    assert row["function"], f"Eq. {number} has no function"
    assert row["tests"], f"Eq. {number} has no test marked @pytest.mark.equation({number})"
    assert row["chapters"], f"Eq. {number} is shown by no chapter"


@pytest.mark.parametrize("number", implemented())
def test_every_equation_of_the_issue_is_shown_and_explained(index, number):
    row = index.loc[number]
    assert row["chapters"], f"Eq. {number} is shown by no chapter"
    assert row["note"].startswith(STATUSES), row["note"]


def test_identities_are_tested():
    tested = equation_tests()
    missing = [n for n in implemented("identity") if n not in tested]
    assert missing == [], f"identities without a test: {missing}"


def test_no_equation_has_two_functions():
    by_number: dict[int, set[str]] = {}
    for reg in registrations():
        by_number.setdefault(reg.equation, set()).add(reg.function)
    assert {n: f for n, f in by_number.items() if len(f) > 1} == {}


def test_registered_functions_cite_their_equations_in_docstrings():
    import importlib

    for reg in registrations():
        module, _, name = reg.function.rpartition(".")
        doc = getattr(importlib.import_module(module), name).__doc__ or ""
        assert f"({reg.equation})" in doc or f"Eq. {reg.equation}" in doc or f"Eqs. ({reg.equation}" in doc, reg


def test_equation_decorator_rejects_unknown_numbers():
    with pytest.raises(ValueError, match="outside 1-244"):
        equation(245, section="X")


def test_index_covers_every_equation(index):
    assert list(index.index) == list(range(1, 245))
    table = catalog()
    later = [
        n
        for n in range(1, 245)
        if table.at[n, "issue"] not in IMPLEMENTED_ISSUES and table.at[n, "kind"] == "defining" and not index.at[n, "function"]
    ]
    assert index.loc[later, "note"].str.contains("planned in issue").all()
    assert not index.loc[implemented(), "note"].str.contains("planned").any()


def test_every_equation_has_a_status(index):
    statuses = index["note"].str.extract(f"^({'|'.join(STATUSES)})", expand=False)
    assert statuses.notna().all(), index.loc[statuses.isna(), "note"].to_dict()
    assert (index.loc[statuses == "implemented", "function"] != "").all()
    assert (statuses[index["function"] == ""] != "implemented").all()
    table = catalog()
    aliases = index[statuses == "alias of Eq."]
    assert all(f"Eq. {table.at[n, 'restates']}" in aliases.at[n, "note"] for n in aliases.index)


def test_status_counts_add_up(index):
    from dsot.equations import status_counts

    counts = status_counts(index.reset_index()).set_index("status")
    assert counts["equations"].sum() == 244 and "missing" not in counts.index
    assert counts.at["implemented", "with_tests"] == counts.at["implemented", "equations"]


def test_every_registered_function_has_a_test_and_a_chapter(index):
    for reg in registrations():
        assert index.at[reg.equation, "tests"], f"{reg.function} (Eq. {reg.equation}) has no test"
        assert index.at[reg.equation, "chapters"], f"{reg.function} (Eq. {reg.equation}) is cited by no chapter"


def test_chapter_citations_are_found():
    cited = equation_chapters()
    assert "chapters/a-capital-costs.ipynb" in cited[135]


def test_every_catalog_equation_renders_with_pandoc_mathml(tmp_path):
    # Quarto turns TeX into MathML with pandoc (texmath); an equation it cannot read would show as raw TeX.
    pypandoc = pytest.importorskip("pypandoc")
    table = catalog()
    source = "\n\n".join(f"$${latex}$$" for latex in table["latex"])
    result = subprocess.run(
        [pypandoc.get_pandoc_path(), "--from", "markdown", "--to", "html", "--mathml"],
        input=source,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "Could not convert TeX math" not in result.stderr, result.stderr[:2000]
    assert result.stdout.count("<math") == len(table)
