"""The audit covers every numeric table of the report, and the tables of inputs are transcribed faithfully.

Tables 14, 17, 28, 29, 30 (all but its effective rate) and 32-36 are (mostly) inputs: each printed cell is compared with
the value the model loads from ``data/parameters`` (dsot.audit.inputs).  The tolerance is
the printed precision, through :func:`dsot.audit.matches_printed`.
"""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from dsot.audit import audit, inputs, is_internal, matches_printed
from dsot.params import data_dir, load_published

COVERED_TABLES = [2, 3, 4, *range(6, 19), 20, 21, 23, 25, *range(28, 38), *range(39, 43)]
"""Report tables with numeric cells that the audit must cover."""

INPUT_TABLES = ["T14", "T17", "T28", "T29", "T30", "T32", "T33", "T34", "T35", "T36"]

STUDY = audit("study")
INPUT_ROWS = STUDY[STUDY["ref"].isin(INPUT_TABLES) & ~is_internal(STUDY) & (STUDY["column"] != "Effective income tax (%)")]
CIO = ("T17", "Chief Information Officer (CIO)", "Transactive Factor")
EXPECTED = INPUT_ROWS[~((INPUT_ROWS["ref"] == CIO[0]) & (INPUT_ROWS["row"] == CIO[1]) & (INPUT_ROWS["column"] == CIO[2]))]


def _ids(frame: pd.DataFrame) -> list[str]:
    return [f"{r.ref}-{r.row}-{r.column}".replace(" ", "") for r in frame.itertuples()]


@pytest.mark.parametrize("table", COVERED_TABLES, ids=[f"T{n}" for n in COVERED_TABLES])
@pytest.mark.parametrize("parameter_set", ["study", "printed"])
def test_every_numeric_table_has_audit_rows(table: int, parameter_set: str):
    frame = audit(parameter_set)  # type: ignore[arg-type]
    assert (frame["ref"] == f"T{table}").any(), f"Table {table} has no audit row"


@pytest.mark.parametrize("parameter_set", ["study", "printed"])
def test_open_rows_give_a_cause_and_an_explanation(parameter_set: str):
    frame = audit(parameter_set)  # type: ignore[arg-type]
    open_rows = frame[frame["status"] != "reproduced"]
    assert (open_rows["cause"].str.strip() != "").all()
    assert (open_rows["explanation"].str.strip() != "").all()


def test_input_tables_have_one_row_per_printed_cell():
    counts = INPUT_ROWS.groupby("ref").size().to_dict()
    # Table 17: 4 group rows x 5 columns, the CEO (2), CFO and CIO (1 each), 26 teams x 6 columns.
    # Table 30: 9 investors x 3 cells (sales-tax flag and rate, pays income tax), 5 taxpayers x 4 (deductions, rates).
    assert counts == {
        "T14": 10, "T17": 180, "T28": 42, "T29": 36, "T30": 47, "T32": 18, "T33": 18, "T34": 12, "T35": 12, "T36": 20
    }  # fmt: skip


@pytest.mark.parametrize("row", list(EXPECTED.itertuples()), ids=_ids(EXPECTED))
def test_printed_inputs_are_the_values_the_model_uses(row):
    # Every cell of Tables 14, 17, 28, 29, 30 and 32-36 but the CIO's transactive factor.
    assert row.status == "reproduced", row.explanation
    assert matches_printed(float(row.reproduced), Decimal(row.documented), row.precision)
    assert row.cause in ("input", ""), row.cause


def test_computed_cells_are_not_labelled_inputs():
    derived = INPUT_ROWS[INPUT_ROWS["cause"] == ""]
    nighttime = derived[derived["ref"] == "T14"]
    assert set(nighttime["row"]) == {"Weekday / Nighttime", "Weekend / Nighttime"}
    groups = derived[derived["ref"] == "T17"]
    assert set(groups["row"]) == {
        "Utility Total",
        "Administration and Business Labor",
        "Engineering Operations Labor (incl. COO)",
        "Retail Operations Labor (incl. CRO)",
        "Chief Executive Officer (CEO)",
        "Chief Financial Officer (CFO)",
    }


def test_the_cio_transactive_factor_is_explained():
    # Table 17 prints 0.00; the model prices the CIO above AMI network labour, whose cost rises 25%.
    row = STUDY[(STUDY["ref"] == CIO[0]) & (STUDY["row"] == CIO[1]) & (STUDY["column"] == CIO[2])].iloc[0]
    assert row.status == "differs" and row.cause == "missing-input"
    assert float(row.reproduced) == pytest.approx(0.25)
    assert "ami_network" in row.explanation and "footnote" in row.explanation


def test_table14_blocks_tile_the_day():
    hours = {"weekday-daytime": (5, 16), "weekday-evening": (16, 20), "weekend-daytime": (5, 20)}
    bounds = inputs.block_bounds(hours)  # type: ignore[arg-type]
    assert bounds == {
        ("Weekday", "Daytime"): (5, 16),
        ("Weekday", "Evening"): (16, 20),
        ("Weekday", "Nighttime"): (20, 5),
        ("Weekend", "Daytime"): (5, 20),
        ("Weekend", "Nighttime"): (20, 5),
    }


def _printed(name: str) -> pd.DataFrame:
    frame = load_published(name)
    return frame.assign(number=frame["documented"].map(float))


def test_printed_ownership_shares_sum_to_100():
    # Table 36: each owner type's shares over the four investors.
    totals = _printed("table_36_grid_ownership").groupby(["asset_owner", "utility_type"])["number"].sum()
    assert (totals == 100).all(), totals


def test_printed_capitalization_ratios_sum_to_100_and_match_the_equity_flag():
    # Table 29: equity + (debt + cash) = 100%, and only equity-financed investors have equity.
    wide = _printed("table_29_investor_capitalization").pivot(index="investor", columns="quantity", values="number")
    assert ((wide["equity_share"] + wide["debt_and_cash_share"]) == 100).all()
    assert ((wide["uses_equity"] == 1) == (wide["equity_share"] > 0)).all()
    assert ((wide["uses_equity"] == 1) == (wide["equity_return"] > 0)).all()


@pytest.mark.parametrize("name", ["homeowner", "renter", "business", "public"])
def test_printed_default_instrument_shares_are_shares(name: str):
    # Tables 32-35: the default instrument's share leaves the rest to the alternative.
    table = {"homeowner": 32, "renter": 33, "business": 34, "public": 35}[name]
    shares = _printed(f"table_{table}_{name}_instruments").query("quantity == 'share'")["number"]
    assert shares.between(0, 100).all()


def test_printed_table17_group_rows_add_up_to_the_utility_total():
    frame = _printed("table_17_employees_model")
    groups = [
        "Administration and Business Labor",
        "Engineering Operations Labor (incl. COO)",
        "Retail Operations Labor (incl. CRO)",
    ]
    for coefficient in ("constant", "per_1000_customers", "per_root_1000_customers", "per_substation"):
        part = frame[frame["coefficient"] == coefficient].set_index("row")["number"]
        assert part[groups].sum() == pytest.approx(part["Utility Total"], abs=1e-9), coefficient


def test_a_changed_input_shows_up_as_a_difference(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    data = tmp_path / "data"
    shutil.copytree(data_dir(), data)
    path = data / "parameters" / "accf_grid_ownership.csv"
    text = path.read_text(encoding="utf-8")
    text = text.replace(
        "Distribution utility,Urban,Investor owned,Utility bonds,75,",
        "Distribution utility,Urban,Investor owned,Utility bonds,70,",
    )
    text = text.replace(
        "Distribution utility,Urban,Municipal,Municipal bonds,25,", "Distribution utility,Urban,Municipal,Municipal bonds,30,"
    )
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("DSOT_DATA_DIR", str(data))
    rows = [r for r in inputs.table36("study") if r.status != "reproduced"]
    assert [(r.row, r.column, r.reproduced) for r in rows] == [
        ("Distribution utility / Urban", "Investor owned (Utility bonds) (%)", "70.000"),
        ("Distribution utility / Urban", "Municipal (Municipal bonds) (%)", "30.000"),
    ]
    assert all(r.cause == "input" and "the data and the table disagree" in r.explanation for r in rows)
