"""Appendix C (team line management, Eqs. 221-226) and Appendix D (employee ratio, Eq. 227)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dsot import labor
from dsot.audit import audit

STUDY_RULES = labor.load_team_rules("study")


@pytest.mark.equation(221)
def test_next_layer_headcount():
    assert labor.next_layer_headcount(24_000, 10) == 2_400  # Table 39, level 2
    assert labor.next_layer_headcount(300, 8) == 38  # 37.5 rounded up (Table 39, level 4)
    assert labor.next_layer_headcount(300, 8, "none") == 37.5  # Eq. 221 as printed
    with pytest.raises(ValueError, match="unknown rounding"):
        labor.next_layer_headcount(10, 2, "floor")


@pytest.mark.equation(222, 223)
def test_fte_ratios():
    assert labor.fte_ratio(300, 2400) == 0.125  # printed 0.13
    assert labor.cumulative_fte_ratio([24_000, 2_400, 300]) == pytest.approx(1.1125)  # printed 1.11


@pytest.mark.equation(224, 225, 226)
def test_salary_and_cost_ratios():
    assert labor.salary_escalation_ratio(1.3, 1) == 1.0
    assert labor.salary_escalation_ratio(1.3, 6) == pytest.approx(1.3**5)  # 3.71 (Table 39)
    assert labor.salary_ratio_to_base(1.69, 1.3) == pytest.approx(2.197)  # 2.20 (Table 39)
    assert labor.cumulative_cost_ratio([100, 10], [1.0, 1.3]) == pytest.approx(1.13)


def test_table39_calibration_team():
    team = labor.team_structure(24_000, STUDY_RULES)
    # study-implementation-facts.md: TEAM(24000) gives 26,744 people, cost ratio 1.1701, leader ratio 51.19, 6 levels.
    assert team["fte"].tolist() == [24_000, 2_400, 300, 38, 5, 1]
    assert team["fte"].sum() == 26_744
    assert team["cost_ratio_cum"].iloc[-1] == pytest.approx(1.1701, abs=5e-5)
    assert team["salary_ratio_to_base"].iloc[-1] == pytest.approx(51.19, abs=5e-3)


def test_small_teams_have_no_managers_below_the_minimum():
    team = labor.team_structure(4, STUDY_RULES)
    assert team["level"].tolist() == [1]
    assert labor.team_structure(12, STUDY_RULES)["fte"].tolist() == [12, 2]
    with pytest.raises(ValueError, match="positive"):
        labor.team_structure(0, STUDY_RULES)


@given(st.integers(min_value=1, max_value=200_000))
def test_team_ratios_are_at_least_one_and_cost_exceeds_head_count(base):
    team = labor.team_structure(base, STUDY_RULES)
    assert (team["fte_ratio_cum"] >= 1).all() and team["cost_ratio_cum"].is_monotonic_increasing
    assert team["cost_ratio_cum"].iloc[-1] >= team["fte_ratio_cum"].iloc[-1] - 1e-12


@pytest.mark.equation(227)
def test_employee_ratio_and_regression():
    assert labor.employee_ratio(1, 0.0, 1.21, 1.63, 3.50) == pytest.approx(2.84)
    fit = labor.employee_regression("study")
    # Table 41: b = 1.21, m1 = 1.63, m2 = 3.50, r2 = 0.84, standard error of estimate 0.38.
    assert fit.coefficients.round(2).tolist() == [1.21, 1.63, 3.50]
    assert round(fit.r_squared, 2) == 0.84 and round(fit.std_error_of_estimate, 2) == 0.38
    assert fit.predicted.sum() == pytest.approx(fit.actual.sum())  # OLS with a constant


def test_table40_derived_columns():
    table = labor.utility_employees().set_index("utility")
    assert table.at["CenterPoint Energy", "total_customers"] == 5_842_684
    assert table.at["Bailey County Electric Co-op", "employees_per_1000"] == pytest.approx(5 / 1.8)  # printed 2.83


def test_appendix_c_d_audit_rows():
    rows = audit("study")
    assert (rows[rows["ref"] == "T39"]["status"] == "reproduced").all()
    t40 = rows[(rows["ref"] == "T40") & (rows["status"] != "reproduced")]
    assert t40["row"].tolist() == ["Bailey County Electric Co-op"]
    t41 = rows[rows["ref"] == "T41"]
    assert (t41[t41["column"] == "coefficient"]["status"] == "reproduced").all()
