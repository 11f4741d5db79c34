"""Bad input gets a clear error naming the file, row and column (a corpus of broken files)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from dsot import accf
from dsot.params import ParameterError, data_dir, load_parameters, load_published

DATA = data_dir()


def broken(tmp_path: Path, relative: str, edit: Callable[[str], str]) -> Path:
    """A copy of data/ with one file edited."""
    root = tmp_path / "data"
    shutil.copytree(DATA, root)
    path = root / relative
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    return root


def replace_line(number: int, old: str, new: str) -> Callable[[str], str]:
    def edit(text: str) -> str:
        lines = text.split("\n")
        assert old in lines[number - 1], lines[number - 1]
        lines[number - 1] = lines[number - 1].replace(old, new, 1)
        return "\n".join(lines)

    return edit


INSTRUMENTS = "parameters/finance_instruments.csv"
CASES = [
    # (id, file, edit, loader, expected message)
    (
        "non-number",
        INSTRUMENTS,
        replace_line(2, "2.64", "2.6x"),
        "finance_instruments",
        r"finance_instruments\.csv, row 1 \(line 2\), column 'value': '2\.6x' is not a number",
    ),
    (
        "nan",
        INSTRUMENTS,
        replace_line(2, "2.64", "nan"),
        "finance_instruments",
        r"row 1 \(line 2\), column 'value': 'nan' is not a finite number",
    ),
    (
        "wrong-unit",
        INSTRUMENTS,
        replace_line(2, ",pct,", ",frac,"),
        "finance_instruments",
        r"row 1 \(line 2\), column 'unit': 'interest_rate' must be in 'pct', found 'frac'",
    ),
    (
        "unknown-unit",
        INSTRUMENTS,
        replace_line(2, ",pct,", ",percent,"),
        "finance_instruments",
        r"column 'unit': 'interest_rate' must be in 'pct', found 'percent'",
    ),
    (
        "out-of-range",
        INSTRUMENTS,
        replace_line(2, "2.64", "264"),
        "finance_instruments",
        r"row 1 \(line 2\), column 'value': 264 pct is outside \[0, 100\] for 'interest_rate'",
    ),
    (
        "negative",
        INSTRUMENTS,
        replace_line(3, ",10,", ",-10,"),
        "finance_instruments",
        r"row 2 \(line 3\), column 'value': -10 yr is outside \[0, 100\] for 'debt_term'",
    ),
    (
        "unknown-parameter",
        INSTRUMENTS,
        replace_line(2, "interest_rate", "interest_rat"),
        "finance_instruments",
        r"row 1 \(line 2\), column 'parameter': 'interest_rat' is not declared in data/symbols\.csv",
    ),
    (
        "bad-report-ref",
        INSTRUMENTS,
        replace_line(2, ",T28,", ",Table 28,"),
        "finance_instruments",
        r"row 1 \(line 2\), column 'report_ref': 'Table 28' is not a report reference",
    ),
    (
        "empty-source",
        INSTRUMENTS,
        replace_line(2, "PNNL-32170-4 Table 28 (rates as of 7 April 2020)", " "),
        "finance_instruments",
        r"row 1 \(line 2\), column 'source': empty",
    ),
    (
        "bool-not-0-1",
        INSTRUMENTS,
        replace_line(44, ",1,bool,", ",2,bool,"),
        "finance_instruments",
        r"row 43 \(line 44\), column 'value': '2' is not 0 or 1",
    ),
    (
        "duplicate",
        INSTRUMENTS,
        lambda t: t + t.split("\n")[1] + "\n",
        "finance_instruments",
        r"finance_instruments\.csv, rows \[1, 58\]: duplicated \(parameter, instrument\)",
    ),
    (
        "missing-column",
        INSTRUMENTS,
        lambda t: t.replace("report_ref,", "ref,", 1),
        "finance_instruments",
        r"finance_instruments\.csv: missing column\(s\) 'report_ref'",
    ),
    (
        "unreadable",
        INSTRUMENTS,
        lambda t: 'parameter,"instrument\n' + t,
        "finance_instruments",
        r"finance_instruments\.csv: (not a readable CSV file|missing column)",
    ),
    (
        "text-value",
        "parameters/accf_conventions.csv",
        replace_line(2, "straight_line", "straightline"),
        "accf_conventions",
        r"accf_conventions\.csv, row 1 \(line 2\), column 'value': 'straightline' is not one of straight_line, macrs",
    ),
    (
        "parameter-set",
        "parameters/accf_conventions.csv",
        replace_line(2, ",printed,", ",draft,"),
        "accf_conventions",
        r"accf_conventions\.csv, row 1 \(line 2\), column 'parameter_set': 'draft' is not printed, study or all",
    ),
]


@pytest.mark.parametrize(("relative", "edit", "name", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_broken_parameter_file_is_rejected_with_its_location(tmp_path: Path, relative, edit, name, message):
    root = broken(tmp_path, relative, edit)
    with pytest.raises(ParameterError, match=message):
        load_parameters(name, "printed", data=root)


def test_missing_file(tmp_path: Path):
    root = broken(tmp_path, INSTRUMENTS, lambda t: t)
    (root / INSTRUMENTS).unlink()
    with pytest.raises(ParameterError, match=r"finance_instruments\.csv: file not found"):
        accf.load_accf_inputs("study", data=root)


def test_shares_must_sum_to_one(tmp_path: Path):
    root = broken(tmp_path, "parameters/accf_customer_instruments.csv", replace_line(3, ",50,pct,", ",55,pct,"))
    with pytest.raises(
        ParameterError, match=r"accf_customer_instruments\.csv, rows \[2, 3\], column 'value': shares for .* sum to 105%"
    ):
        accf.load_accf_inputs("study", data=root)


def test_unknown_instrument_reference(tmp_path: Path):
    root = broken(tmp_path, "parameters/accf_grid_ownership.csv", replace_line(2, "Corporate bonds", "Corporate bond"))
    with pytest.raises(
        ParameterError, match=r"accf_grid_ownership\.csv, row 1, column 'instrument': 'Corporate bond' is not defined"
    ):
        accf.load_accf_inputs("study", data=root)


def test_missing_parameter_of_an_instrument(tmp_path: Path):
    root = broken(
        tmp_path, INSTRUMENTS, lambda t: "\n".join(line for line in t.split("\n") if not line.startswith("debt_term,Auto loan"))
    )
    with pytest.raises(ParameterError, match=r"no row for parameter 'debt_term' \(instrument='Auto loan'\)"):
        accf.load_accf_inputs("study", data=root)


def test_unknown_parameter_set():
    with pytest.raises(ParameterError, match="unknown parameter set 'draft'"):
        load_parameters("finance_instruments", "draft")  # type: ignore[arg-type]


def test_published_precision_must_match_the_printed_decimals(tmp_path: Path):
    root = broken(tmp_path, "published/table_31_accf.csv", replace_line(2, ",11.45,pct,2,", ",11.45,pct,3,"))
    with pytest.raises(
        ParameterError,
        match=r"table_31_accf\.csv, row 1 \(line 2\), column 'precision': '11\.45' is printed with 2 decimals, not 3",
    ):
        load_published("table_31_accf", data=root)


def test_published_value_must_be_a_number(tmp_path: Path):
    root = broken(tmp_path, "published/table_31_accf.csv", replace_line(2, ",11.45,", ",11.4S,"))
    with pytest.raises(ParameterError, match=r"row 1 \(line 2\), column 'value': '11\.4S' is not a number"):
        load_published("table_31_accf", data=root)


def test_data_directory_must_exist(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("DSOT_DATA_DIR", str(tmp_path))
    with pytest.raises(ParameterError, match="no data directory"):
        data_dir()


def test_loaded_values_are_converted_to_fractions():
    frame = load_parameters("finance_instruments")
    rate = frame[(frame["parameter"] == "interest_rate") & (frame["instrument"] == "Utility bonds")]["value"].iloc[0]
    assert rate == pytest.approx(0.03)
    conventions = load_parameters("accf_conventions", "printed")
    assert set(conventions["parameter_set"]) == {"printed"}
