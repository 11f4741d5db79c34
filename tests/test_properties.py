"""Tier 3: hypothesis properties of the Appendix A mathematics."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dsot import accf
from dsot import finance as fin

rates = st.floats(min_value=0.0005, max_value=0.25, allow_nan=False)
years = st.integers(min_value=1, max_value=40)
flows = st.lists(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False), min_size=0, max_size=30)

CONVENTIONS = accf.AccfConventions(
    parameter_set="printed",
    depreciation_method="straight_line",
    present_value_rate="equity_or_investor_rate",
    revenue_gross_up="equity_only",
    table2_income_tax_rate="federal",
    discount_rate_floor_frac=0.0,
    om_fraction=0.0,
    other_taxes_fraction=0.0,
    insurance_fraction=0.0,
    om_escalation_rate_frac=0.0,
)


def untaxed_debt(rate: float, term: int, bonds: bool) -> accf.Financing:
    return accf.Financing(
        equity_share_frac=0.0,
        debt_share_frac=1.0,
        cash_share_frac=0.0,
        equity_return_frac=0.0,
        debt_rate_frac=rate,
        debt_term_yr=term,
        uses_bonds=bonds,
        income_tax_rate_frac=0.0,
        deducts_interest=False,
    )


@pytest.mark.equation(86, 87)
@given(flows, flows, st.floats(min_value=-100, max_value=100), rates)
def test_present_value_is_linear(x, y, a, r):
    n = min(len(x), len(y))
    x, y = np.array(x[:n]), np.array(y[:n])
    assert fin.present_value(x + y, r) == pytest.approx(fin.present_value(x, r) + fin.present_value(y, r), abs=1e-3)
    assert fin.present_value(a * x, r) == pytest.approx(a * fin.present_value(x, r), abs=1e-3)


@pytest.mark.equation(96)
@given(rates, years)
def test_sff_is_crf_minus_rate(r, n):
    assert fin.sinking_fund_factor(r, n) == pytest.approx(fin.capital_recovery_factor(r, n) - r, abs=1e-12)


@pytest.mark.equation(148)
@given(rates, years, years, st.booleans())
@settings(max_examples=60)
def test_untaxed_debt_only_accf_is_the_capital_recovery_factor(rate, life, term, bonds):
    # Appendix A.1: without tax and equity, discounting at the debt's own rate, the ACCF is CRF_{k_d,N}.
    result = accf.accf_for_financing(untaxed_debt(rate, term, bonds), life, CONVENTIONS)
    assert result.accf_frac == pytest.approx(fin.capital_recovery_factor(rate, life), rel=1e-9)


@pytest.mark.equation(122, 148)
@given(rates, years, years, st.booleans())
@settings(max_examples=60)
def test_levelized_payments_repay_the_investment_at_the_investors_rate(rate, life, term, bonds):
    result = accf.accf_for_financing(untaxed_debt(rate, term, bonds), life, CONVENTIONS)
    assert fin.present_value_uniform(result.accf_frac, result.rates.present_value, life) == pytest.approx(1.0, rel=1e-9)


@given(st.lists(rates, min_size=2, max_size=2, unique=True), years, st.booleans())
@settings(max_examples=60)
def test_accf_rises_with_the_interest_rate(pair, life, bonds):
    low, high = sorted(pair)
    a = accf.accf_for_financing(untaxed_debt(low, life, bonds), life, CONVENTIONS).accf_frac
    b = accf.accf_for_financing(untaxed_debt(high, life, bonds), life, CONVENTIONS).accf_frac
    assert a < b


@given(rates, st.lists(st.integers(min_value=1, max_value=40), min_size=2, max_size=2, unique=True))
@settings(max_examples=60)
def test_accf_falls_with_the_lifetime(rate, pair):
    short, long = sorted(pair)
    a = accf.accf_for_financing(untaxed_debt(rate, short, False), short, CONVENTIONS).accf_frac
    b = accf.accf_for_financing(untaxed_debt(rate, long, False), long, CONVENTIONS).accf_frac
    assert a > b


@pytest.mark.equation(110, 111, 112)
@given(rates, years)
def test_loan_principal_is_repaid_exactly(rate, term):
    assert float(fin.loan_principal_frac(rate, term, 1.0).sum()) == pytest.approx(1.0, abs=1e-9)
    np.testing.assert_allclose(
        fin.loan_interest_frac(rate, term, 1.0) + fin.loan_principal_frac(rate, term, 1.0), fin.loan_payment_fraction(rate, term)
    )


@pytest.mark.equation(118)
@given(st.sampled_from([3, 5, 7, 10, 15, 20]))
def test_macrs_schedules_sum_to_one_and_beat_straight_line(period):
    schedule = fin.macrs_depreciation_frac(period)
    assert schedule.sum() == pytest.approx(1.0)
    assert fin.depreciation_factor(schedule, 0.08) > fin.depreciation_factor(fin.straight_line_depreciation_frac(period), 0.08)


@given(
    st.lists(st.floats(min_value=0.01, max_value=1.0), min_size=1, max_size=6),
    st.lists(st.floats(0.0, 0.2), min_size=6, max_size=6),
)
def test_population_weights_give_a_convex_combination(weights, values):
    import pandas as pd

    w = pd.Series(weights) / sum(weights)
    v = pd.Series(values[: len(weights)])
    average = accf.population_weighted(v, w)
    assert v.min() - 1e-12 <= average <= v.max() + 1e-12
