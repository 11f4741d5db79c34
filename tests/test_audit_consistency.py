"""Internal checks: the report's printed totals, differences and shares against their printed parts.

Expected values are sums of numbers printed in the report (Tables 2, 9, 17, 21, 23, 29,
30, 31, 36, 39, 41 and 42), worked out by hand here.
"""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest

from dsot.audit import INTERNAL_CHECK, audit, comparison, is_internal, summary
from dsot.audit.consistency import check_row, half_unit, linear_range, relation_range

STUDY = audit("study")
PRINTED = audit("printed")
INTERNAL = STUDY[is_internal(STUDY)]


def _check(ref: str, row: str, relation: str) -> pd.Series:
    found = INTERNAL[(INTERNAL["ref"] == ref) & (INTERNAL["row"] == row) & (INTERNAL["column"] == INTERNAL_CHECK + relation)]
    assert len(found) == 1, (ref, row, relation)
    return found.iloc[0]


def test_check_row_decides_reproduced_rounding_and_inconsistent():
    parts = [(Decimal("74"), 0), (Decimal("29"), 0), (Decimal("1321"), 0)]
    assert check_row("T9", "r", "x", (Decimal("1424"), 0), linear_range(parts, [1, 1, 1]), "f").status == "reproduced"
    rounding = check_row("T9", "r", "x", (Decimal("1425"), 0), linear_range(parts, [1, 1, 1]), "f")
    assert (rounding.status, rounding.cause) == ("differs", "rounding")
    wrong = check_row("T9", "r", "x", (Decimal("1427"), 0), linear_range(parts, [1, 1, 1]), "f")
    assert (wrong.status, wrong.cause) == ("differs", "inconsistent-tables")
    assert wrong.column == INTERNAL_CHECK + "x" and wrong.reproduced == "1424.000"


def test_relation_range_covers_the_rounding_of_each_part():
    value, low, high = relation_range(lambda d, b: 100 * d / b, [(Decimal("-17"), 0), (Decimal("419"), 0)])
    assert value == pytest.approx(-4.05728, abs=1e-5)
    assert (low, high) == pytest.approx((100 * -17.5 / 418.5, 100 * -16.5 / 419.5))
    assert half_unit(0) == 0.5


def test_internal_checks_do_not_depend_on_the_parameter_set():
    assert INTERNAL.reset_index(drop=True).equals(PRINTED[is_internal(PRINTED)].reset_index(drop=True))


def test_internal_checks_say_why_when_they_fail():
    failing = INTERNAL[INTERNAL["status"] != "reproduced"]
    assert set(failing["status"]) == {"differs"}
    assert set(failing["cause"]) == {"rounding", "inconsistent-tables"}
    assert failing["explanation"].str.contains("from the printed parts").all()


def test_the_inconsistencies_beyond_rounding():
    beyond = INTERNAL[INTERNAL["cause"] == "inconsistent-tables"]
    assert sorted(zip(beyond["ref"], beyond["row"], strict=True)) == [
        ("T2", "Distribution utility / Rural"),
        ("T2", "Distribution utility / Suburban"),
        ("T2", "Distribution utility / Urban"),
        ("T2", "Generation owner / Blended average"),
        ("T2", "Transmission utility / Total system"),
        ("T21", "Balance"),
    ]


def test_table21_battery_column_does_not_balance():
    # Revenues 9,117,542 - capital 1,002,640 - operating 8,123,838 = -8,936 $K; printed balance 0.
    rec = _check("T21", "Balance", "Batteries ($K/yr) = Revenues - Capital Expenses - Operating Expenses")
    assert (rec.documented, rec.reproduced, rec.cause) == ("0", "-8936.000", "inconsistent-tables")
    bau = _check("T21", "Balance", "BAU ($K/yr) = Revenues - Capital Expenses - Operating Expenses")
    assert (bau.reproduced, bau.status) == ("0.000", "reproduced")


def test_table21_sums_of_sub_lines():
    # BAU operating expenses: 2,103,002 + 1,280,164 + 3,102,147 + 282,277 + 1,928,952 + 390,130 + 0 + 19,580
    # + 13,834 + 281,277 + 72,951 + 72,128 = 9,546,442; printed 9,546,443 (rounding of twelve lines).
    operating = _check("T21", "Operating Expenses", "BAU ($K/yr) = sum of its printed sub-lines")
    assert (operating.documented, operating.reproduced, operating.cause) == ("9546443", "9546442.000", "rounding")
    capital = _check("T21", "Capital Expenses", "BAU ($K/yr) = sum of its printed sub-lines")
    assert (capital.reproduced, capital.status) == ("1004240.000", "reproduced")  # 936,942 + 67,298
    cyber = _check("T21", "Cybersecurity labor (AMI)", "Difference ($K/yr) = Batteries - BAU")
    assert (cyber.documented, cyber.reproduced, cyber.cause) == ("355", "354.000", "rounding")  # 7,446 - 7,092


def test_table21_checks_cover_every_printed_difference():
    t21 = INTERNAL[INTERNAL["ref"] == "T21"]
    differences = t21[t21["column"] == INTERNAL_CHECK + "Difference ($K/yr) = Batteries - BAU"]
    assert len(differences) == 62  # every line printed with both cases and a difference
    percentages = t21[t21["column"] == INTERNAL_CHECK + "Difference (%) = Difference / BAU"]
    assert len(percentages) == 47  # lines whose BAU value is not zero


def test_table9_totals_and_percentages():
    rural = _check("T9", "rural / total", "Existing capacity (MVA) = sum over service areas")
    assert (rural.documented, rural.reproduced, rural.cause) == ("1425", "1424.000", "rounding")  # 74 + 29 + 1,321
    urban = _check("T9", "urban / total", "Annual construction (MVA/yr) = sum over service areas")
    assert (urban.reproduced, urban.status) == ("1253.3000", "reproduced")  # 0.5 + 421.0 + 831.8
    greenfield = _check("T9", "urban / greenfield", "Annual construction (%/yr) = MVA/yr / existing capacity")
    assert (greenfield.reproduced, greenfield.cause) == ("50.4192", "rounding")  # 100 x 421.0 / 835


def test_table2_tax_rates_are_the_federal_rate_not_table30s_effective_rate():
    # Generation owners: 60% corporate x 27.98% = 16.788% with Table 30's effective rate; 60% x 21% = 12.60% printed.
    rec = _check(
        "T2", "Generation owner / Blended average", "Effective income tax rate (%) = Table 36 shares x Table 30 effective rates"
    )
    assert (rec.documented, rec.reproduced, rec.cause) == ("12.60", "16.78800", "inconsistent-tables")
    assert "give 12.600%, the printed value" in rec.explanation


def test_table2_accfs_follow_from_tables_31_and_36():
    # Generation owners, 20-year generator: 60% x 11.45 + 25% x 5.80 + 15% x 5.41 = 9.1315; printed 9.13.
    accfs = INTERNAL[(INTERNAL["ref"] == "T2") & INTERNAL["column"].str.contains("ACCF")]
    assert len(accfs) == 10 and (accfs["status"] == "reproduced").all()
    rec = _check("T2", "Generation owner / Blended average / Generator / 20 yr", "ACCF (%) = Table 36 shares x Table 31 ACCFs")
    assert rec.reproduced == "9.13150"


def test_tables_17_and_42_control_totals():
    total = _check("T17", "Utility Total", "Per 1K Cust. b = sum of the three labour groups")
    assert (total.reproduced, total.status) == ("2.836000", "reproduced")  # 0.072 + 1.177 + 1.587
    engineering = _check(
        "T42", "Engineering Control Total", "per_1000_customers = engineering share of administration + engineering labour"
    )
    assert (engineering.reproduced, engineering.cause) == ("1.208000", "rounding")  # 0.031 + 1.177; printed 1.207
    share = _check("T42", "Retail share of administration (%)", "57% = m1 / (b + m1) of Table 41")
    assert (share.reproduced, share.status) == ("57.394", "reproduced")  # 100 x 1.63 / 2.84
    b = _check("T42", "Table 41 coefficient b", "b = control total per 1K customers of Table 42")
    assert (b.documented, b.status) == ("1.21", "reproduced")  # Table 42's 1.207


@pytest.mark.parametrize(("ref", "count"), [("T23", 11), ("T29", 9), ("T36", 5), ("T13", 2), ("T39", 1), ("T17", 4)])
def test_shares_and_simple_totals_add_up(ref: str, count: int):
    rows = INTERNAL[INTERNAL["ref"] == ref]
    assert len(rows) == count and (rows["status"] == "reproduced").all()


def test_table31_sales_tax_columns_follow_table30():
    # with = without x (1 + sales tax of the investor): 8.91% for homeowners, renters and businesses, else 0.
    rows = INTERNAL[INTERNAL["ref"] == "T31"]
    assert len(rows) == 29
    assert set(rows.loc[rows["status"] != "reproduced", "cause"]) == {"rounding"}
    cash = _check(
        "T31", "Homeowner / Homeowner / Cash / 20 yr", "ACCF with sales tax (%) = ACCF without x (1 + Table 30 sales tax)"
    )
    assert (cash.reproduced, cash.documented) == ("5.44550", "5.45")  # 5.00 x 1.0891


def test_comparison_and_summary_leave_internal_checks_out():
    assert not comparison("T21", "T9")["column"].str.startswith(INTERNAL_CHECK).any()
    counts = summary(STUDY).set_index("ref")
    own = STUDY[~is_internal(STUDY)]
    assert counts.loc["T21"].sum() == (own["ref"] == "T21").sum()
