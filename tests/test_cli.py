"""The command line: stable CSV contracts, atomic output and the fallback renderer."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pandas as pd
import pytest
from typer.testing import CliRunner

from dsot.audit import AUDIT_COLUMNS
from dsot.audit import audit as audit_rows
from dsot.cli import app
from dsot.equations import INDEX_COLUMNS
from dsot.params import DIFFERENCE_COLUMNS, parameter_differences
from dsot.render import book_chapters, render_fallback

runner = CliRunner()


def test_audit_writes_the_contract_columns(tmp_path: Path):
    out = tmp_path / "audit.csv"
    result = runner.invoke(app, ["audit", "--out", str(out)])
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert tuple(frame.columns) == AUDIT_COLUMNS
    assert len(frame) == len(audit_rows("study"))
    assert not list(tmp_path.glob(".*.tmp"))  # written atomically, no temporary left


def test_audit_is_deterministic(tmp_path: Path):
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    for out in (first, second):
        assert runner.invoke(app, ["audit", "--out", str(out), "--parameter-set", "printed"]).exit_code == 0
    assert first.read_bytes() == second.read_bytes()


def test_audit_rejects_an_unknown_parameter_set(tmp_path: Path):
    result = runner.invoke(app, ["audit", "--out", str(tmp_path / "x.csv"), "--parameter-set", "draft"])
    assert result.exit_code == 2
    assert "use one of printed, study" in result.output


def test_equations_writes_one_row_per_equation(tmp_path: Path):
    out = tmp_path / "eq.csv"
    assert runner.invoke(app, ["equations", "--out", str(out)]).exit_code == 0
    frame = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert tuple(frame.columns) == INDEX_COLUMNS
    assert frame["equation"].astype(int).tolist() == list(range(1, 245))
    appendix = frame[frame["equation"].astype(int).between(77, 149)]
    assert (appendix["chapters"] != "").all()


def test_parameter_sets_lists_every_difference_with_its_sources(tmp_path: Path):
    out = tmp_path / "sets.csv"
    result = runner.invoke(app, ["parameter-sets", "--out", str(out)])
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert tuple(frame.columns) == DIFFERENCE_COLUMNS
    assert (frame["printed"] != frame["study"]).all()
    assert ((frame["printed_source"] != "") | (frame["study_source"] != "")).all()
    reserves = frame[(frame["parameter"] == "reserve_fraction") & frame["key"].str.contains("service=spinning")]
    assert reserves[["printed", "study"]].values.tolist() == [["5", "14"]]  # the facts file's Eq. 15 row


def test_parameter_differences_see_a_new_difference(tmp_path: Path):
    import shutil

    data = tmp_path / "data"
    shutil.copytree(Path(__file__).resolve().parents[1] / "data", data)
    before = parameter_differences(data)
    rates = data / "parameters" / "rates.csv"
    text = rates.read_text(encoding="utf-8")
    rates.write_text(text.replace("multiplier_method,study,constant", "multiplier_method,study,derived"), encoding="utf-8")
    after = parameter_differences(data)
    assert len(after) == len(before) - 1
    assert "retail_multiplier_method" not in set(after["parameter"])


def test_report_pdf_without_quarto_fails_clearly(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr("dsot.render.quarto_executable", lambda: None)
    result = runner.invoke(app, ["report", "--to", "pdf"])
    assert result.exit_code == 2
    assert "needs Quarto" in result.output


def _tiny_book(root: Path, failing: bool = False) -> None:
    (root / "chapters").mkdir(parents=True)
    (root / "_quarto.yml").write_text(
        "project:\n  type: book\nbook:\n  chapters:\n    - index.qmd\n    - part: Part one\n      chapters:\n"
        "        - chapters/one.ipynb\n  appendices:\n    - chapters/two.qmd\n",
        encoding="utf-8",
    )
    (root / "index.qmd").write_text("# Preface {.unnumbered}\n\nSee [one](chapters/one.ipynb) [@key2020].\n", encoding="utf-8")
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [
        nbformat.v4.new_markdown_cell("# 1 One\n\n$$k_e = k_{roi} \\qquad (78)$$"),
        nbformat.v4.new_code_cell(
            '#| tbl-cap: "A caption"\nprint(1 / 0)' if failing else '#| tbl-cap: "A caption"\nprint(6 * 7)'
        ),
    ]
    nbformat.write(nb, root / "chapters" / "one.ipynb")
    (root / "chapters" / "two.qmd").write_text("# Appendix B\n\n::: {.callout-note}\nLater.\n:::\n", encoding="utf-8")


def test_fallback_executes_chapters_and_writes_offline_html(tmp_path: Path):
    _tiny_book(tmp_path)
    assert [c.title for c in book_chapters(tmp_path)] == ["Preface", "1 One", "Appendix B"]
    failures = render_fallback(tmp_path, tmp_path / "_book")
    assert failures == {}
    page = (tmp_path / "_book" / "one.html").read_text(encoding="utf-8")
    assert "42" in page and "<math" in page and "Table: A caption" in page
    assert "(key2020)" in (tmp_path / "_book" / "index.html").read_text(encoding="utf-8")  # no bibliography: the key
    assert "mathjax" not in page.lower()
    index = (tmp_path / "_book" / "index.html").read_text(encoding="utf-8")
    assert "Part one" in index and "fallback renderer" in index
    preface = (tmp_path / "_book" / "index.html").exists() and (tmp_path / "_book" / "one.html").exists()
    assert preface


def test_fallback_reports_a_failing_chapter(tmp_path: Path):
    _tiny_book(tmp_path, failing=True)
    failures = render_fallback(tmp_path, tmp_path / "_book")
    assert list(failures) == ["one.ipynb"]
    assert "ZeroDivisionError" in failures["one.ipynb"]
    assert "failed to build" in (tmp_path / "_book" / "index.html").read_text(encoding="utf-8")


def test_changing_an_assumption_regenerates_the_audit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    # The README's workflow: edit a parameter CSV, rerun `dsot audit`, see what no longer agrees.
    import shutil

    from dsot.params import data_dir

    data = tmp_path / "data"
    shutil.copytree(data_dir(), data)
    path = data / "parameters" / "finance_instruments.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace("interest_rate,Utility bonds,3.00,", "interest_rate,Utility bonds,4.00,")
    )
    monkeypatch.setenv("DSOT_DATA_DIR", str(data))
    out = tmp_path / "audit.csv"
    assert runner.invoke(app, ["audit", "--out", str(out)]).exit_code == 0
    frame = pd.read_csv(out, dtype=str, keep_default_na=False)
    t31 = frame[(frame["ref"] == "T31") & ~frame["column"].str.startswith("internal check: ")]
    changed = t31[t31["status"] == "differs"]
    assert set(changed["row"]) == {
        "Investor owned / Investor owned / Utility bonds / 20 yr",
        "Investor owned / Investor owned / Utility bonds / 10 yr",
    }
    assert (pd.to_numeric(changed["reproduced"]) > pd.to_numeric(changed["documented"])).all()
    monkeypatch.delenv("DSOT_DATA_DIR")
    assert runner.invoke(app, ["audit", "--out", str(out)]).exit_code == 0  # back to the repository's data
    again = pd.read_csv(out, dtype=str, keep_default_na=False).query("ref == 'T31'")
    assert (again.loc[~again["column"].str.startswith("internal check: "), "status"] == "reproduced").all()


def test_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path):
    from dsot.io import atomic_write_parquet

    target = tmp_path / "out.parquet"
    atomic_write_parquet(pd.DataFrame({"b": [1.5]}), target)
    before = target.read_bytes()
    with pytest.raises(Exception, match=r"Conversion failed|object"):  # pyarrow cannot store mixed objects
        atomic_write_parquet(pd.DataFrame({"b": [1.5, object()]}), target)
    assert target.read_bytes() == before
    assert pd.read_parquet(target)["b"].tolist() == [1.5]
    assert target.stat().st_mode & 0o044  # readable like any file the user writes (mkstemp alone gives 0600)
    assert not list(tmp_path.glob(".*.tmp"))


def test_report_params_choose_the_set_every_chapter_runs_with(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from dsot.params import BOOK_SET_VARIABLE

    _tiny_book(tmp_path)
    notebook = nbformat.read(tmp_path / "chapters" / "one.ipynb", as_version=4)
    reads_the_set = "from dsot.params import book_parameter_set\nprint('set:', book_parameter_set())"
    notebook.cells.append(nbformat.v4.new_code_cell(reads_the_set))
    nbformat.write(notebook, tmp_path / "chapters" / "one.ipynb")
    monkeypatch.setenv(BOOK_SET_VARIABLE, "study")  # restored after the test; the command sets it for the kernels
    monkeypatch.setattr("dsot.cli._root", lambda: tmp_path)
    monkeypatch.setattr("dsot.cli._prepare_default_case", lambda: None)
    monkeypatch.setattr("dsot.cli._book_provenance", lambda book: (book / "provenance.json").write_text("{}"))
    result = runner.invoke(app, ["report", "--fallback", "--params", "printed", "--out", str(tmp_path / "_book")])
    assert result.exit_code == 0, result.output
    assert "set: printed" in (tmp_path / "_book" / "one.html").read_text(encoding="utf-8")
    assert (tmp_path / "_book" / "provenance.json").exists()
    assert runner.invoke(app, ["report", "--fallback", "--params", "typeset"]).exit_code == 2
