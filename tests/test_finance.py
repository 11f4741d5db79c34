"""Tier 1: Appendix A.1 equations with hand-checkable inputs.

Each expected value says where it comes from: a closed form worked by hand, a textbook
identity, or a number printed in the report.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from dsot import finance as fin


@pytest.mark.equation(77, 90)
def test_capital_shares_sum_to_one():
    # Table 29 investor-owned: 45% equity, no cash -> 55% debt (Table 29 "Debt + Cash").
    assert fin.debt_share_frac(0.45, 0.0) == pytest.approx(0.55)
    # Table 28 commercial mortgage: 20% cash -> 80% debt.
    assert fin.debt_share_frac(0.0, 0.2) == pytest.approx(0.8)
    with pytest.raises(ValueError, match="exceed the whole investment"):
        fin.debt_share_frac(0.7, 0.5)
    with pytest.raises(ValueError, match=r"within \[0, 1\]"):
        fin.debt_share_frac(-0.1, 0.0)


@pytest.mark.equation(78)
def test_cost_of_equity_with_and_without_equity():
    # Eq. 78 first case: k_e = k_roi = 11.5% (Table 29).
    assert fin.cost_of_equity(0.115, 0.03, 0.45, 0.55) == 0.115
    # Second case: no equity, k_e = k_d D/V = 3.9% x 0.9 (residential mortgage, Table 28).
    assert fin.cost_of_equity(0.0, 0.039, 0.0, 0.9) == pytest.approx(0.0351)


@pytest.mark.equation(79)
def test_wacc():
    # 11.5% x 0.45 + 3% x 0.55 = 5.175% + 1.65% = 6.825% (by hand).
    assert fin.weighted_average_cost_of_capital(0.115, 0.03, 0.45, 0.55) == pytest.approx(0.06825)


@pytest.mark.equation(80)
def test_after_tax_wacc():
    # 5.175% + (1 - 0.279836) x 1.65% = 6.36327% (by hand; T_i from Eq. 92).
    assert fin.after_tax_wacc(0.115, 0.03, 0.45, 0.55, 0.279836) == pytest.approx(0.0636327, abs=1e-7)
    # Untaxed investor: k* is the pre-tax debt cost.
    assert fin.after_tax_wacc(0.0, 0.05, 0.0, 1.0, 0.0) == pytest.approx(0.05)


@pytest.mark.equation(81, 82)
def test_discount_rate_bounds_follow_eq_80_form():
    # A.2: consumer credit capped at 6% for an untaxed homeowner -> k*_up = 6%.
    assert fin.after_tax_discount_rate_bound(0.0, 0.06, 0.0, 1.0, 0.0) == pytest.approx(0.06)
    # Taxed, no equity: (1 - 0.25) x 8% = 6%.
    assert fin.after_tax_discount_rate_bound(0.0, 0.08, 0.0, 1.0, 0.25) == pytest.approx(0.06)


@pytest.mark.equation(83)
def test_investor_discount_rate_is_clamped():
    assert fin.investor_discount_rate(0.18, 0.06, 0.0) == 0.06  # cap binds (A.2, consumer credit)
    assert fin.investor_discount_rate(0.04, 0.06, 0.0) == 0.04  # inside the bounds
    assert fin.investor_discount_rate(-0.01, None, 0.0) == 0.0  # floor binds
    assert fin.investor_discount_rate(0.07, None, None) == 0.07  # unbounded


@pytest.mark.equation(84)
def test_present_value_of_series():
    # 100 at the end of year 1 and 2 at 10%: 90.909 + 82.645 = 173.554 (by hand).
    assert fin.present_value([100.0, 100.0], 0.10) == pytest.approx(173.5537, abs=1e-4)
    with pytest.raises(ValueError, match="greater than -1"):
        fin.present_value([1.0], -1.0)


@pytest.mark.equation(85, 95)
def test_present_value_uniform_matches_annuity_formula():
    # Eq. 85 annuity factor at 5% over 20 years: (1 - 1.05**-20) / 0.05 = 12.46221.
    assert fin.present_value_uniform(1.0, 0.05, 20) == pytest.approx(12.462210, abs=1e-6)
    assert fin.present_value_uniform(1.0, 0.05, 20) == pytest.approx(1.0 / fin.capital_recovery_factor(0.05, 20))
    assert fin.present_value_uniform(3.0, 0.0, 4) == 12.0
    assert fin.present_value_uniform(3.0, 0.05, 0) == 0.0


@pytest.mark.equation(88, 89, 123, 124)
def test_escalating_series_uses_effective_rate():
    # r' = 1.07 / 1.02 - 1 = 4.9020% (Eq. 89).
    assert fin.escalation_adjusted_rate(0.07, 0.02) == pytest.approx(0.0490196, abs=1e-7)
    # Eq. 88 against an explicit series X_t = X_0 (1+g)^t.
    explicit = fin.present_value([100.0 * 1.02**t for t in range(1, 11)], 0.07)
    assert fin.present_value_escalating(100.0, 0.07, 0.02, 10) == pytest.approx(explicit)


@pytest.mark.equation(91)
def test_income_tax_on_net_revenue():
    assert fin.income_tax(100.0, 40.0, 0.25) == 15.0
    assert fin.income_tax(10.0, 40.0, 0.25) == -7.5  # a tax saving


@pytest.mark.equation(92)
def test_effective_tax_rate_reproduces_table_30():
    # Table 30: 21% federal, 8.84% state, 27.98% effective (printed to 0.01 pp).
    assert round(100 * fin.effective_income_tax_rate(0.21, 0.0884), 2) == 27.98


@pytest.mark.equation(93)
def test_sinking_fund_factor_special_cases():
    # 5%, 20 years: 0.05 / (1.05**20 - 1) = 0.0302426 (by hand).
    assert fin.sinking_fund_factor(0.05, 20) == pytest.approx(0.0302426, abs=1e-7)
    assert fin.sinking_fund_factor(0.0, 4) == 0.25
    assert fin.sinking_fund_factor(0.05, 0) == 1.0
    with pytest.raises(ValueError, match="whole number of years"):
        fin.sinking_fund_factor(0.05, 2.5)


@pytest.mark.equation(94)
def test_capital_recovery_factor_special_cases():
    # 5%, 20 years: 0.05 / (1 - 1.05**-20) = 0.0802426 (by hand).
    assert fin.capital_recovery_factor(0.05, 20) == pytest.approx(0.0802426, abs=1e-7)
    # Table 31 homeowner cash: CRF at 0% over 20 years = 5.00%.
    assert fin.capital_recovery_factor(0.0, 20) == 0.05
    assert fin.capital_recovery_factor(0.05, 0) == 1.0


@pytest.mark.equation(96)
def test_sff_equals_crf_minus_rate():
    for rate, years in [(0.03, 20), (0.115, 10), (0.0076, 10)]:
        assert fin.sinking_fund_factor(rate, years) == pytest.approx(fin.capital_recovery_factor(rate, years) - rate)


@pytest.mark.equation(99)
def test_tax_deductible_expenses_sum():
    assert fin.tax_deductible_expenses(1.0, 2.0, 3.0, 4.0, 5.0, 6.0) == 21.0


@pytest.mark.equation(100)
def test_ebit_nets_tax_benefits():
    # 10 + 0 + (1 - 0.25) 4 - 0.25 x 5 = 11.75 (by hand).
    assert fin.expenses_before_income_tax(10.0, 0.0, 4.0, 5.0, 0.25) == 11.75


@pytest.mark.equation(101, 129)
def test_required_revenue_grosses_up_for_tax():
    assert fin.present_value_required_revenue(45.0, 30.0, 0.25) == pytest.approx(100.0)
    with pytest.raises(ValueError, match="below 1"):
        fin.present_value_required_revenue(1.0, 1.0, 1.0)


@pytest.mark.equation(102, 103, 104)
def test_bond_interest_and_sinking_fund():
    # Table 29/28 investor-owned utility: 3% x 55% = 1.65% of CI per year.
    assert fin.bond_interest_frac(0.03, 0.55) == pytest.approx(0.0165)
    assert fin.bond_sinking_fund_frac(0.05, 20, 1.0) == pytest.approx(fin.sinking_fund_factor(0.05, 20))
    # At r = k the sinking fund is worth the principal discounted over the term: 1.05**-20.
    assert fin.present_value_bond_principal_frac(0.05, 0.05, 20, 1.0) == pytest.approx(1.05**-20)


@pytest.mark.equation(105, 106, 107)
def test_loan_payment_fraction_and_payment():
    # Consumer credit, 18% for 1 year: pay back 1.18 (Table 28).
    assert fin.loan_payment_fraction(0.18, 1) == pytest.approx(1.18)
    # Home loan, 6% for 5 years on 1000: 237.40 (standard amortization table).
    assert fin.loan_payment(0.06, 5, 1.0, 1000.0) == pytest.approx(237.3964, abs=1e-4)
    assert fin.loan_payment_fraction(0.0, 4) == 0.25  # k_d = 0 -> 1/N_d
    assert fin.loan_payment_fraction(0.05, 0) == 1.0
    # Eq. 105: the payments' present value at k_d is the loan.
    assert fin.present_value_uniform(fin.loan_payment_fraction(0.06, 5), 0.06, 5) == pytest.approx(1.0)


@pytest.mark.equation(108, 109, 110, 111, 112)
def test_loan_schedule_splits_payment_into_interest_and_principal():
    interest = fin.loan_interest_frac(0.10, 2, 1.0)
    principal = fin.loan_principal_frac(0.10, 2, 1.0)
    payment = fin.loan_payment_fraction(0.10, 2)  # 0.576190 (by hand)
    assert payment == pytest.approx(0.5761905, abs=1e-7)
    np.testing.assert_allclose(interest + principal, payment)  # Eq. 108
    np.testing.assert_allclose(fin.loan_remaining_principal_frac(0.10, 2), [1.0, 1.0 - (payment - 0.10)])
    assert principal.sum() == pytest.approx(1.0)  # the principal is repaid


@pytest.mark.equation(113, 114, 115)
def test_remaining_principal_factor_and_loan_present_values():
    # One-year loan at 10%, discounted at 10%: interest 0.1 / 1.1 = 0.090909.
    assert fin.remaining_principal_factor(0.10, 0.10, 1) == pytest.approx(0.0909091, abs=1e-7)
    assert fin.remaining_principal_factor(0.05, 0.05, 0) == 0.0
    # Discounted at the loan rate, interest plus principal are worth the loan (Eqs. 114 + 115).
    total = fin.present_value_loan_interest_frac(0.06, 0.06, 5, 0.8) + fin.present_value_loan_principal_frac(0.06, 0.06, 5, 0.8)
    assert total == pytest.approx(0.8)


@pytest.mark.equation(116)
def test_cash_is_paid_in_year_zero():
    assert fin.present_value_cash_frac(0.2) == 0.2


@pytest.mark.equation(117)
def test_straight_line_depreciation():
    assert fin.straight_line_depreciation_frac(4).tolist() == [0.25] * 4
    assert fin.straight_line_depreciation_frac(0).size == 0


def declining_balance_rule(period: int) -> np.ndarray:
    """Oracle: the GDS rule behind IRS Table A-1 (declining balance, switch to straight line, half-year)."""
    rate = (2.0 if period <= 10 else 1.5) / period
    basis, out = 1.0, []
    for year in range(period + 1):
        part = 0.5 if year == 0 else 1.0
        life_left = period - year + (0.5 if year else 0.0)
        deduction = basis if year == period else max(basis * rate * part, basis * part / life_left)
        out.append(deduction)
        basis -= deduction
    return np.array(out)


@pytest.mark.parametrize("period", [3, 5, 7, 10, 15, 20])
def test_macrs_table_follows_the_irs_rule(period):
    # IRS Publication 946 Table A-1 rounds each rate and adjusts one year so a column sums to 100%;
    # the transcription must match the rule within that rounding (0.01 pp, 0.001 pp for 20-year).
    table = 100 * fin.macrs_depreciation_frac(period)
    rule = 100 * declining_balance_rule(period)
    step = 0.001 if period == 20 else 0.01
    assert np.max(np.abs(table - rule)) <= step + 1e-9
    assert table.sum() == pytest.approx(100.0, abs=step * 2)
    with pytest.raises(ValueError, match="no MACRS recovery period of 12"):
        fin.macrs_depreciation_frac(12)


@pytest.mark.equation(118, 119)
def test_depreciation_factor():
    assert fin.depreciation_factor(fin.straight_line_depreciation_frac(20), 0.0) == pytest.approx(1.0)
    # Straight line over 2 years at 10%: 0.5/1.1 + 0.5/1.21 = 0.867769 (by hand).
    assert fin.depreciation_factor([0.5, 0.5], 0.10) == pytest.approx(0.8677686, abs=1e-7)
    # Front-loaded MACRS is worth more than straight line at a positive rate.
    assert fin.depreciation_factor(fin.macrs_depreciation_frac(20), 0.115) > fin.depreciation_factor(
        fin.straight_line_depreciation_frac(20), 0.115
    )


@pytest.mark.equation(120, 121)
def test_other_taxes_and_insurance_are_fractions_of_investment():
    assert fin.other_taxes_frac(0.01) == 0.01
    assert fin.insurance_frac(0.005) == 0.005


@pytest.mark.equation(122, 130)
def test_levelized_amount_inverts_present_value():
    assert fin.levelized_annual_amount(fin.present_value_uniform(7.0, 0.04, 15), 0.04, 15) == pytest.approx(7.0)


@pytest.mark.equation(125)
def test_om_fraction():
    assert fin.om_fraction(10.0, 20.0, 0.0, 1000.0) == pytest.approx(0.03)
    with pytest.raises(ValueError, match="positive"):
        fin.om_fraction(1.0, 1.0, 1.0, 0.0)


@pytest.mark.equation(127, 128, 143, 144)
def test_equity_earnings_and_principal_return():
    assert fin.stock_earnings_frac(0.115, 0.45) == pytest.approx(0.05175)  # Table 29
    assert fin.equity_principal_return_frac(0.0, 20, 0.45) == pytest.approx(0.0225)


@pytest.mark.equation(132, 133, 134)
def test_equity_cash_flows_are_worth_equity_at_its_rate():
    # PV at k_e of (k_e + SFF_{k_e,N}) E/V over N years = E/V, which turns Eq. 133 into Eq. 134.
    ke, n, e = 0.115, 20, 0.45
    pv = fin.present_value_uniform(fin.stock_earnings_frac(ke, e) + fin.equity_principal_return_frac(ke, n, e), ke, n)
    assert pv == pytest.approx(e)


@pytest.mark.equation(135)
def test_revenue_requirement():
    # Cash purchase, untaxed, zero rate, 20 years: CRF = 5% (Table 31 homeowner cash).
    assert fin.revenue_requirement_frac(0.05, 0.0, 1.0, 0.0) == 0.05
    # Equity-financed: CRF x (E/V + PV EBIT) / (1 - T).
    assert fin.revenue_requirement_frac(0.1, 0.45, 0.3, 0.25) == pytest.approx(0.1 * 0.75 / 0.75)
    assert math.isfinite(fin.revenue_requirement_frac(0.1, 0.0, 1.0, 0.5))
