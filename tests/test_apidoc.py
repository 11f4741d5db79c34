"""The API reference page documents every registered function, and equation displays link to it."""

from __future__ import annotations

import re
import subprocess

import pytest

import dsot  # noqa: F401  (fills the registry)
from dsot import apidoc
from dsot.book import API_PAGE, api_anchor, show_equations
from dsot.equations import project_root
from dsot.registry import registrations


@pytest.fixture(scope="module")
def reference() -> str:
    return apidoc.api_reference().text


def test_every_registered_function_has_an_entry(reference):
    anchors = set(re.findall(r"\{#(api-[^}]+)\}", reference))
    assert anchors == {api_anchor(reg.function) for reg in registrations()}


def test_equation_displays_link_to_existing_entries(reference):
    text = show_equations(112, 135, 53).text
    links = re.findall(r"\]\(([^)#]+)#([^)]+)\)", text)
    assert {page for page, _ in links} == {API_PAGE}
    assert all(f"{{#{anchor}}}" in reference for _, anchor in links)
    assert (project_root() / "chapters" / API_PAGE).exists()


def test_docstring_conversion_escapes_currency_and_keeps_math():
    text = apidoc.docstring_markdown("Fee ($0.555/MWh) [$K/yr], :math:`k_d`.\n\nEq. (1): $$a = b$$")
    assert "(\\$0.555/MWh) [\\$K/yr], $k_d$." in text and "$$a = b$$" in text


def test_reference_converts_with_pandoc_without_math_errors(reference):
    pypandoc = pytest.importorskip("pypandoc")
    done = subprocess.run(
        [pypandoc.get_pandoc_path(), "--from", "markdown", "--to", "html", "--mathml"],
        input=reference,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "Could not convert TeX math" not in done.stderr, done.stderr[:2000]
    assert done.stdout.count('id="api-') == len({reg.function for reg in registrations()})
