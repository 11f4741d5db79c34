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


# --- Section 3.3.2 and Table 42 ---------------------------------------------------------------


@pytest.fixture(scope="module")
def labor_study() -> labor.LaborInputs:
    return labor.load_labor_inputs("study")


@pytest.mark.equation(16)
def test_team_headcount():
    # Linemen of DSO #1: 2 + 0.935 x 3843.475 - 1.597 x sqrt(3843.475) = 3496.642 (by hand).
    assert labor.team_headcount(3843475, 0, 2.0, 0.935, -1.597, 0.0) == pytest.approx(3496.6419, abs=1e-4)
    # As printed, the TeamFactor multiplies all but the constant.
    assert labor.team_headcount(1_000_000, 10, 1.0, 0.1, 0.0, 1.0, 1.11) == pytest.approx(1 + (100 + 10) * 1.11)


@pytest.mark.equation(17)
def test_team_cost():
    # 10 people x 1.2 x 30 $/hr x 2080 hr / 0.7 = 1,069,714.29 $/yr (by hand).
    assert labor.team_cost(10, 1.2, 30.0, 2080, 0.7) == pytest.approx(1_069_714.2857, abs=1e-3)
    with pytest.raises(ValueError, match="positive"):
        labor.team_cost(1, 1, 1, 1, 0)


@pytest.mark.equation(18)
def test_workspace_cost():
    # 10 linemen x 600 sqft x 5 $ + (30 - 10) x 200 sqft x 20 $ = 30,000 + 80,000.
    assert labor.workspace_cost(10, 30, 600, 200, 5.0, 20.0) == 110_000.0


@pytest.mark.equation(228)
def test_table42_control_totals(labor_study: labor.LaborInputs):
    t42 = labor.table42(labor_study)
    assert t42.at["Utility Total", "per_1000_customers"] == pytest.approx(2.836, abs=5e-4)
    assert t42.at["Utility Total", "per_root_1000_customers"] == pytest.approx(0.0, abs=5e-4)
    for total in ("Engineering Control Total", "Retail Control Total"):
        assert t42.at[total, "per_root_1000_customers"] == pytest.approx(0.0, abs=1e-12)
    shares = t42["share_frac"].dropna()
    assert shares.sum() == pytest.approx(1.0)
    assert round(100 * shares.iloc[0]) == 43 and round(100 * shares.iloc[1]) == 57  # the printed 43% / 57%


def test_team_costs_of_dso1(labor_study: labor.LaborInputs):
    # Table 21 BAU lines ($K/yr) with DSO #1's 3,843,475 customers (urban), study set.
    teams = labor.team_labor(labor_study, "urban", 3843475, 346.6).set_index("team")["cost_kusd_per_yr"]
    expected = {"linemen": 335_513, "customer_service": 258_887, "billing": 22_390, "metering": 31_430, "ami_network": 12_488}
    for team, value in expected.items():
        assert teams[team] == pytest.approx(value, abs=1.0), team


def test_executives_and_workspace(labor_study: labor.LaborInputs):
    teams = labor.team_labor(labor_study, "urban", 3843475, 346.6)
    execs = labor.executives(labor_study, teams).set_index("executive")
    # The CEO sits one level above the COO (top of the 5-level linemen team): 13.786 x 1.3^5 = 51.19.
    assert execs.at["CEO", "leads"] == "linemen"
    assert execs.at["CEO", "salary_ratio"] == pytest.approx(51.1859, abs=1e-4)
    # study-implementation-facts.md: legal and HR leaders counted again, about 1.26 M$.
    again = execs[execs["leads"].isin(["legal", "human_resources"]) & execs.index.str.contains("again")]
    assert again["cost_kusd_per_yr"].sum() == pytest.approx(1263.5, abs=0.1)
    space = labor.workspace(labor_study, "urban", teams, execs)
    assert space["cost_kusd_per_yr"] == pytest.approx(72_128, abs=1.0)  # Table 21 BAU workspace


def test_printed_reading_has_no_double_count():
    printed = labor.load_labor_inputs("printed")
    teams = labor.team_labor(printed, "urban", 3843475, 346.6)
    assert set(teams["cost_ratio"]) == {1.0}
    assert not labor.executives(printed, teams)["executive"].str.contains("again").any()
