"""Provenance: every output file and chapter says which code, inputs, case and date produced it."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from dsot import overrides as ov
from dsot import provenance as prov
from dsot.book import provenance_note
from dsot.cli import app
from dsot.params import BOOK_SET_VARIABLE, ParameterError, book_parameter_set


def test_record_has_every_field_in_order_and_is_stable():
    first = prov.provenance("study")
    assert list(json.loads(prov.provenance_json(first))) == list(prov.PROVENANCE_FIELDS)
    assert prov.provenance_json(prov.provenance("study")) == prov.provenance_json(first)
    assert first["parameter_set"] == "study" and first["overrides"] == []
    assert len(first["parameter_hash"]) == prov.HASH_DIGITS


def test_parameter_hash_tells_the_sets_and_an_override_apart():
    study, printed = prov.parameter_hash("study"), prov.parameter_hash("printed")
    assert study != printed
    with ov.overridden_data([ov.Override("capacity_price", "91")]) as data:
        assert prov.parameter_hash("study") != study
        record = prov.provenance("study")
    assert record["overrides"][0]["name"] == "capacity_price"
    assert data is not None and prov.parameter_hash("study") == study  # back on the shipped data


def test_source_date_epoch_fixes_the_date(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert prov.build_date() == ("2023-11-14", "SOURCE_DATE_EPOCH")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(ValueError, match="SOURCE_DATE_EPOCH"):
        prov.build_date()


def test_directory_hash_follows_content(tmp_path: Path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.csv").write_text("1\n")
    before = prov.directory_hash(tmp_path / "a")
    (tmp_path / "a" / "x.csv").write_text("2\n")
    assert prov.directory_hash(tmp_path / "a") != before


def test_sidecar_name():
    assert prov.sidecar_path(Path("out/audit.csv")) == Path("out/audit.provenance.json")


def test_cli_outputs_carry_a_sidecar(tmp_path: Path):
    result = CliRunner().invoke(app, ["parameter-sets", "--out", str(tmp_path / "sets.csv")])
    assert result.exit_code == 0, result.output
    record = json.loads((tmp_path / "sets.provenance.json").read_text())
    assert record["dsot_version"] and record["git_commit"]


def test_chapter_note_names_the_set_and_the_hash():
    text = provenance_note("printed").text
    assert "parameter set **printed**" in text and prov.parameter_hash("printed") in text


def test_book_parameter_set_comes_from_the_environment(monkeypatch):
    monkeypatch.delenv(BOOK_SET_VARIABLE, raising=False)
    assert book_parameter_set() == "study"
    monkeypatch.setenv(BOOK_SET_VARIABLE, "printed")
    assert book_parameter_set() == "printed"
    monkeypatch.setenv(BOOK_SET_VARIABLE, "typeset")
    with pytest.raises(ParameterError, match="use one of printed, study"):
        book_parameter_set()


def test_provenance_rows_read_as_a_sheet():
    frame = pd.DataFrame(prov.provenance_rows(prov.provenance("study")), columns=["field", "value"])
    assert frame["field"].tolist() == list(prov.PROVENANCE_FIELDS)
    assert frame.set_index("field").at["overrides", "value"] == "none"


def test_chapter_note_keeps_the_dirty_flag():
    from dsot.book import _short_commit

    assert _short_commit("e8ca117a015ade78f25908934f5f7d59a08b16f4-dirty") == "e8ca117a015a-dirty"
    assert _short_commit("unknown") == "unknown"
