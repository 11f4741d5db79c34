"""Tier 2: values printed in the report, row by row (data/published/*.csv).

The tolerance is the printed precision (half a unit of the last printed digit), through
:func:`dsot.audit.matches_printed`; nothing is widened per row.
"""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest

from dsot.audit import AUDIT_COLUMNS, CAUSES, STATUSES, audit, matches_printed


@pytest.fixture(scope="module")
def study() -> pd.DataFrame:
    return audit("study")


@pytest.fixture(scope="module")
def printed() -> pd.DataFrame:
    return audit("printed")


def _ids(frame: pd.DataFrame) -> list[str]:
    return [f"{r.ref}-{r.row}-{r.column}".replace(" ", "") for r in frame.itertuples()]


STUDY = audit("study")
REPRODUCIBLE = STUDY[STUDY["ref"].isin(["T2", "T30", "T31"])]
NOT_COMPUTABLE = STUDY[STUDY["ref"].isin(["T3", "T4"])]


@pytest.mark.equation(92, 135, 138, 148)
@pytest.mark.parametrize("row", list(REPRODUCIBLE.itertuples()), ids=_ids(REPRODUCIBLE))
def test_printed_accf_and_tax_values_are_reproduced(row):
    # Table 31 (58 values), Table 2 (10 ACCFs, 5 tax rates) and Table 30 (effective tax): study reading.
    assert row.status == "reproduced", row.explanation
    assert matches_printed(float(row.reproduced), Decimal(row.documented), row.precision)


@pytest.mark.parametrize("row", list(NOT_COMPUTABLE.itertuples()), ids=_ids(NOT_COMPUTABLE))
def test_customer_accfs_are_not_computable_and_say_why(row):
    # Tables 3-4 need owner/renter and new/retrofit shares that the report does not publish.
    assert row.status == "not-computable"
    assert row.cause in ("missing-input", "inconsistent-tables")
    assert "not published" in row.explanation and "%" in row.explanation
    assert row.reproduced == ""


def test_audit_counts_meet_the_acceptance_bar(study: pd.DataFrame):
    t31 = study[study["ref"] == "T31"]
    assert len(t31) == 58 and (t31["status"] == "reproduced").sum() >= 54
    t2 = study[study["ref"] == "T2"]
    assert len(t2) == 15 and (t2["status"] == "reproduced").all()
    assert len(study[study["ref"] == "T3"]) == 18 and len(study[study["ref"] == "T4"]) == 44


def test_every_row_is_well_formed(study: pd.DataFrame, printed: pd.DataFrame):
    for frame in (study, printed):
        assert tuple(frame.columns) == AUDIT_COLUMNS
        assert frame["status"].isin(STATUSES).all()
        assert frame["cause"].isin(CAUSES).all()
        open_rows = frame[frame["status"] != "reproduced"]
        assert (open_rows["cause"] != "").all() and (open_rows["explanation"].str.len() > 40).all()


def test_printed_reading_differences_are_explained(printed: pd.DataFrame):
    differs = printed[printed["status"] == "differs"]
    assert len(differs) == 53  # 38 of Table 31 and all 15 of Table 2
    assert (differs["cause"] == "printed-reading").all()
    assert differs["explanation"].str.contains("study reading gives").all()


def test_rows_needing_the_study_reading_are_flagged(study: pd.DataFrame, printed: pd.DataFrame):
    flagged = study[study["cause"] == "study-reading"].set_index(["ref", "row", "column"]).index
    differing = printed[printed["status"] == "differs"].set_index(["ref", "row", "column"]).index
    assert set(flagged) == set(differing)
