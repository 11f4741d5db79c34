"""Every report item of the audit links to the chapter that discusses it, at an anchor that exists there."""

from __future__ import annotations

import re

import pytest

from dsot.audit import audit
from dsot.audit.overview import chapter_link, chapter_links, open_rows
from dsot.equations import project_root
from dsot.params import data_dir

ROOT = project_root()
LINKS = chapter_links()
REFS = sorted(set(audit("study")["ref"]) | set(audit("printed")["ref"]))


def anchors(text: str) -> set[str]:
    """Cell labels (``#| label: x``) and heading ids (``{#sec-x}``) of a chapter file."""
    labels = re.findall(r"#\|\s*label:\s*([\w-]+)", text)
    ids = re.findall(r"\{#([\w-]+)[^}]*\}", text)
    return set(labels) | set(ids)


def test_every_report_item_of_the_audit_has_a_chapter():
    assert set(REFS) <= set(LINKS["ref"]), sorted(set(REFS) - set(LINKS["ref"]))


def test_no_chapter_link_is_left_over():
    assert set(LINKS["ref"]) <= set(REFS), sorted(set(LINKS["ref"]) - set(REFS))


@pytest.mark.parametrize("rec", list(LINKS.itertuples()), ids=list(LINKS["ref"]))
def test_the_chapter_exists_and_holds_the_anchor(rec):
    path = ROOT / "chapters" / rec.chapter
    assert path.is_file(), path
    assert rec.anchor in anchors(path.read_text(encoding="utf-8")), f"{rec.anchor} not in {rec.chapter}"


@pytest.mark.parametrize("rec", list(LINKS.itertuples()), ids=list(LINKS["ref"]))
def test_the_source_of_truth_exists(rec):
    for relative in rec.source_of_truth.split(";"):
        assert (data_dir() / relative).is_file(), relative


def test_sections_are_report_sections():
    assert LINKS["section"].str.fullmatch(r"\d(\.\d)*|[A-F](\.\d)*").all()
    assert (LINKS["section_title"].str.len() > 3).all()


def test_chapter_link_and_open_rows_link_to_the_chapter():
    assert chapter_link("T21") == "03-dso-expenses.ipynb#tbl-opex-table21"
    assert chapter_link("F9") == "03-dso-expenses.ipynb#fig-opex-relative-expenses"
    with pytest.raises(KeyError, match="T99"):
        chapter_link("T99")
    shown = open_rows(audit("study"))
    assert shown["Item"].str.fullmatch(r"\[[TSF][\d.]+\]\([\w-]+\.ipynb#[\w-]+\)").all()
    assert not shown["Explanation"].str.contains(r"(?<!\\)\|").any()
