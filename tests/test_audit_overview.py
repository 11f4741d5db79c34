"""The audit summarised by section, table and cause; the new rows (Table 30's inputs, Section 1.3's shares)."""

from __future__ import annotations

import pytest

from dsot.audit import CAUSES, STATUSES, audit, is_internal
from dsot.audit.overview import (
    KINDS,
    annotated,
    cause_counts,
    kind_status_counts,
    open_cause_counts,
    open_rows,
    reproduced_by_variant,
    status_counts,
    status_long,
)

STUDY = audit("study")


@pytest.mark.parametrize("by", ["section", "ref"])
def test_status_counts_add_up_to_the_audit(by: str):
    counts = status_counts(STUDY, by)
    assert counts["total"].sum() == len(STUDY)
    assert (counts[list(STATUSES)].sum(axis=1) == counts["total"]).all()
    assert set(counts["kind"]) == set(KINDS)
    assert not counts.duplicated([by, "kind"]).any()


def test_status_counts_are_in_report_order():
    sections = list(dict.fromkeys(status_counts(STUDY, "section")["section"]))
    assert sections[0] == "1.3" and sections.index("3.4") < sections.index("7") < sections.index("A.2")
    refs = list(dict.fromkeys(status_counts(STUDY, "ref")["ref"]))
    assert refs.index("T2") < refs.index("T9") < refs.index("T21") < refs.index("T42")


def test_status_counts_rejects_an_unknown_key():
    with pytest.raises(ValueError, match="section"):
        status_counts(STUDY, "chapter")


def test_cause_counts_list_the_vocabulary_with_labels():
    counts = cause_counts(STUDY)
    assert list(counts["cause"]) == list(CAUSES)
    assert counts["total"].sum() == len(STUDY)
    assert counts.set_index("cause").at["", "reproduced"] == counts.set_index("cause").at["", "total"]
    assert (counts["label"] != "").all()


def test_kind_and_open_cause_counts():
    kinds = kind_status_counts(STUDY)
    assert sum(kinds.values()) == len(STUDY)
    assert kinds["internal check / reproduced"] == int((is_internal(STUDY) & (STUDY["status"] == "reproduced")).sum())
    assert sum(open_cause_counts(STUDY).values()) == int((STUDY["status"] != "reproduced").sum())
    assert "" not in open_cause_counts(STUDY)


def test_open_rows_list_every_open_row_of_a_kind():
    for kind in KINDS:
        rows = annotated(STUDY)
        expected = int(((rows["kind"] == kind) & (rows["status"] != "reproduced")).sum())
        assert len(open_rows(STUDY, kind)) == expected
    assert not open_rows(STUDY)["Column"].str.startswith("internal check").any()


def test_status_long_sums_to_the_audit_and_drops_empty_bars():
    long = status_long(STUDY)
    assert long["rows"].sum() == len(STUDY) and (long["rows"] > 0).all()
    assert long["section"].iloc[0].startswith("1.3 ")
    assert long["section"].str.startswith("Appendix D").any()


def test_rows_reproduced_by_variant_are_printed_values():
    rows = reproduced_by_variant(STUDY)
    assert len(rows) > 0 and (rows["status"] == "reproduced").all()
    assert not is_internal(rows).any()


def test_table30_every_printed_cell_is_audited():
    t30 = STUDY[(STUDY["ref"] == "T30") & ~is_internal(STUDY)]
    # 5 effective rates (Eq. 92) and 47 input cells: 9 investors x 3 (sales tax flag, sales tax, pays income tax)
    # and 5 income-tax payers x 4 (interest and bill deductions, federal and state rates).
    assert len(t30) == 52 and (t30["status"] == "reproduced").all()
    inputs = t30[t30["column"] != "Effective income tax (%)"]
    assert len(inputs) == 47 and (inputs["cause"] == "input").all()


def test_section_1_3_shares_are_not_computable_and_say_what_table21_shows():
    shares = STUDY[STUDY["ref"].isin(["S1.3", "S7"])]
    assert len(shares) == 5
    assert (shares["status"] == "not-computable").all() and (shares["cause"] == "missing-input").all()
    ancillary = shares.set_index("row").at["ancillary_services_share_about", "explanation"]
    assert "Table 21: 2.1%" in ancillary  # reserves 224,887 / 10,550,683 $K
    wholesale = shares.set_index("row").at["wholesale_energy_share_below", "explanation"]
    assert "Table 21: 32.5%" in wholesale  # 3,102,147 / 9,546,443 $K of operating expenses
