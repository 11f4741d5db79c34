"""Appendix B.6: exponential growth helpers (Eqs. 207-220)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dsot import growth

rates = st.floats(min_value=-0.5, max_value=3.0, allow_nan=False).filter(lambda g: abs(g) > 1e-6)
years = st.floats(min_value=0.1, max_value=40.0)
values = st.floats(min_value=1e-3, max_value=1e6)


@pytest.mark.equation(207, 151, 215, 217)
def test_exponential_value():
    # 100 x 1.02**20 = 148.5947 (by hand).
    assert growth.exponential_value(100.0, 0.02, 20) == pytest.approx(148.594740, abs=1e-6)
    with pytest.raises(ValueError, match="greater than -1"):
        growth.exponential_value(1.0, -1.0, 1)


@pytest.mark.equation(208, 209, 210, 211, 212, 213)
def test_exponential_sum_is_the_integral():
    # Closed form (Eq. 213) against a fine midpoint sum of the integral (Eq. 208).
    n = 200_000
    step = 10.0 / n
    numeric = sum(1.05 ** ((i + 0.5) * step) for i in range(n)) * step
    assert growth.exponential_sum(1.0, 0.05, 10) == pytest.approx(numeric, rel=1e-9)
    assert growth.exponential_sum(3.0, 0.0, 4) == 12.0


@pytest.mark.equation(214)
def test_exponential_average():
    assert growth.exponential_average(1.0, 0.05, 10) == pytest.approx(growth.exponential_sum(1.0, 0.05, 10) / 10)
    with pytest.raises(ValueError, match="positive"):
        growth.exponential_average(1.0, 0.05, 0)


@pytest.mark.equation(216)
def test_years_to_grow():
    # Doubling at 7.2%/yr takes 9.97 years (rule of 72, exact ln 2 / ln 1.072).
    assert growth.years_to_grow(1.0, 2.0, 0.072) == pytest.approx(math.log(2) / math.log(1.072))
    with pytest.raises(ValueError, match="never reaches"):
        growth.years_to_grow(1.0, 2.0, 0.0)
    with pytest.raises(ValueError, match="positive"):
        growth.years_to_grow(0.0, 2.0, 0.1)


@pytest.mark.equation(218)
def test_growth_rate_to_reach():
    # Table 37 / Eq. 186: from 0.625% to 100% of developed density in 4 years: 160**0.25 - 1.
    assert growth.growth_rate_to_reach(0.00625, 1.0, 4) == pytest.approx(160**0.25 - 1)


@pytest.mark.equation(219, 220)
def test_average_and_sum_between_endpoints():
    assert growth.exponential_average_between(1.0, math.e) == pytest.approx(math.e - 1)
    assert growth.exponential_average_between(2.0, 2.0) == 2.0
    assert growth.exponential_sum_between(1.0, 1.05**10, 10) == pytest.approx(growth.exponential_sum(1.0, 0.05, 10))


@given(values, rates, years)
def test_endpoint_forms_agree_with_rate_forms(a0, g, y):
    # Eqs. 219-220 equal Eqs. 213-214 when the end value is A0 (1+g)^y (B.6.4).
    end = growth.exponential_value(a0, g, y)
    assert growth.exponential_average_between(a0, end) == pytest.approx(growth.exponential_average(a0, g, y), rel=1e-9)


@given(values, rates, years)
def test_years_and_rate_invert_growth(a0, g, y):
    end = growth.exponential_value(a0, g, y)
    assert growth.years_to_grow(a0, end, g) == pytest.approx(y, rel=1e-7, abs=1e-9)
    assert growth.growth_rate_to_reach(a0, end, y) == pytest.approx(g, rel=1e-7, abs=1e-9)


@given(values, values)
def test_logarithmic_mean_lies_between_the_endpoints(a, b):
    mean = growth.exponential_average_between(a, b)
    assert min(a, b) * (1 - 1e-12) <= mean <= max(a, b) * (1 + 1e-12)
