"""Section 4.3.2.2 and Appendix F: the retail multiplier A (Eqs. 45-51, 229-244).

Hand-checkable examples for every equation (each expected value is worked out in the
comment beside it), the derivation's identities as hypothesis properties (Eq. 234 =
Eq. 241; Eq. 243 with Eq. 45's A = Eq. 241), the DSO without a bilateral contract,
invalid input, and the small generated eight-node case (3 customers per DSO).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import dsot  # noqa: F401  (fills the registry)
from dsot import retail_multiplier as rm
from dsot.cases import read_case
from dsot.cases.eight_node import make_eight_node
from dsot.cases.summary import energy_sold_mwh
from dsot.registry import registrations

# Round inputs for hand checks: Ftloss 2%, Fdloss 5%, P_T 12, P_I 0.5, f_reg 1% at 7,
# f_spin 5% at 11, f_nspin 5% at 4 (USD/MWh).
PARAMS = rm.RetailMultiplierParameters(
    transmission_loss_frac=0.02,
    distribution_loss_frac=0.05,
    transmission_rate_usd_per_mwh=12.0,
    iso_fee_usd_per_mwh=0.5,
    regulation_frac=0.01,
    regulation_price_usd_per_mwh=7.0,
    spinning_frac=0.05,
    spinning_price_usd_per_mwh=11.0,
    nonspinning_frac=0.05,
    nonspinning_price_usd_per_mwh=4.0,
)
# Two hours: LMP 20 and 40 USD/MWh, 300 and 100 MWh supplied, 100 MWh on contract in hour 1 at 22 USD/MWh.
LMP = np.array([20.0, 40.0])
SUPPLY = np.array([300.0, 100.0])
BILATERAL = np.array([100.0, 0.0])
BILATERAL_PRICE = np.array([22.0, 22.0])


def averages() -> rm.AnnualAverages:
    return rm.annual_averages(LMP, SUPPLY, BILATERAL, BILATERAL_PRICE)


# --- Eqs. 229-232 ----------------------------------------------------------------------------------


@pytest.mark.equation(229)
def test_customer_demand_with_a_weight_per_customer():
    # hour 1: 50 + 100 x 0.001 + 300 x 0.002 = 50.7; hour 2: 50 + 100 x 0.003 + 300 x 0 = 50.3
    demand = rm.customer_demand_mwh(50.0, [[0.001, 0.002], [0.003, 0.0]], [100.0, 300.0])
    np.testing.assert_allclose(demand, [50.7, 50.3])


@pytest.mark.equation(229)
def test_customer_demand_with_one_weighting_factor_and_hourly_industry():
    # [10 + 2 x (1 + 2), 20 + 2 x (3 + 4)] = [16, 34]
    np.testing.assert_allclose(rm.customer_demand_mwh([10.0, 20.0], [[1.0, 2.0], [3.0, 4.0]], 2.0), [16.0, 34.0])
    # a 1-D array is one customer: [1 + 3 x 2, 1 + 3 x 4] = [7, 13]
    np.testing.assert_allclose(rm.customer_demand_mwh(1.0, [2.0, 4.0], 3.0), [7.0, 13.0])


@pytest.mark.equation(229)
def test_customer_demand_nets_exports():
    # net metering: a customer exporting 1 MWh in hour 2 lowers the demand (5 + 1 x (2 - 1) = 6 is hour 1's)
    np.testing.assert_allclose(rm.customer_demand_mwh(5.0, [[2.0, -1.0], [-1.0, -1.0]], 1.0), [6.0, 3.0])


@pytest.mark.equation(229)
@pytest.mark.parametrize(
    ("industrial", "customers", "weights", "match"),
    [
        (0.0, [[1.0, 2.0]], [-1.0, 1.0], "weighting_factor must not be negative"),
        (0.0, [[1.0, np.nan]], 1.0, "customer_mwh contains NaN"),
        (np.inf, [[1.0, 2.0]], 1.0, "industrial_mwh contains NaN or infinite"),
        (0.0, [[1.0, 2.0]], [1.0, 1.0, 1.0], "one value or one per customer"),
        ([1.0, 2.0, 3.0], [[1.0, 2.0]], 1.0, "one value or one per hour"),
        (0.0, [[[1.0]]], 1.0, "shape \\(hours, customers\\)"),
    ],
    ids=["negative-weight", "nan-customer", "infinite-industry", "weights-shape", "industry-shape", "3-d"],
)
def test_customer_demand_rejects_bad_input(industrial, customers, weights, match):
    with pytest.raises(ValueError, match=match):
        rm.customer_demand_mwh(industrial, customers, weights)


@pytest.mark.equation(230, 231)
def test_dso_supply_adds_distribution_losses():
    # Eq. 231, annual 5%: 100 x 1.05, 200 x 1.05; Eq. 230, hourly 4% and 6%: 104, 212
    np.testing.assert_allclose(rm.dso_supply_mwh([100.0, 200.0], 0.05), [105.0, 210.0])
    np.testing.assert_allclose(rm.dso_supply_mwh([100.0, 200.0], [0.04, 0.06]), [104.0, 212.0])


@pytest.mark.equation(230)
def test_dso_supply_rejects_negative_or_misshaped_losses():
    with pytest.raises(ValueError, match="distribution_loss_frac must not be negative"):
        rm.dso_supply_mwh([100.0], -0.01)
    with pytest.raises(ValueError, match="one value or one per hour"):
        rm.dso_supply_mwh([100.0, 200.0], [0.05, 0.05, 0.05])


@pytest.mark.equation(232)
def test_dso_supply_from_loads_composes_229_and_231():
    # Eq. 229 gives [16, 34]; x 1.05 = [16.8, 35.7]
    supply = rm.dso_supply_from_loads_mwh([10.0, 20.0], [[1.0, 2.0], [3.0, 4.0]], 2.0, 0.05)
    np.testing.assert_allclose(supply, [16.8, 35.7])
    demand = rm.customer_demand_mwh([10.0, 20.0], [[1.0, 2.0], [3.0, 4.0]], 2.0)
    np.testing.assert_allclose(supply, rm.dso_supply_mwh(demand, 0.05))


# --- Eqs. 46-51 = 235-240 --------------------------------------------------------------------------


@pytest.mark.equation(46, 235, 47, 236, 48, 237)
def test_annual_quantities_and_bilateral_share():
    assert rm.annual_dso_energy_mwh(SUPPLY) == 400.0  # 300 + 100
    assert rm.annual_bilateral_energy_mwh(BILATERAL) == 100.0  # 100 + 0
    assert rm.bilateral_share_frac(100.0, 400.0) == 0.25  # 100 / 400


@pytest.mark.equation(49, 238, 50, 239, 51, 240)
def test_weighted_average_prices():
    # (20 x 300 + 40 x 100) / 400 = 25; contract (22 x 100) / 100 = 22; displaced (20 x 100) / 100 = 20
    assert rm.annual_mean_lmp_usd_per_mwh(LMP, SUPPLY) == 25.0
    assert rm.annual_mean_bilateral_price_usd_per_mwh(BILATERAL_PRICE, BILATERAL) == 22.0
    assert rm.annual_mean_displaced_lmp_usd_per_mwh(LMP, BILATERAL) == 20.0
    # a price weighted by energy, not a simple mean: (30 x 100 + 24 x 200) / 300 = 26
    assert rm.annual_mean_bilateral_price_usd_per_mwh([30.0, 24.0], [100.0, 200.0]) == 26.0


@pytest.mark.equation(46, 47, 48, 49, 50, 51)
def test_annual_averages_collects_eqs_46_to_51():
    a = averages()
    assert (a.dso_energy_mwh, a.bilateral_energy_mwh, a.bilateral_share_frac) == (400.0, 100.0, 0.25)
    assert (a.lmp_usd_per_mwh, a.bilateral_price_usd_per_mwh, a.bilateral_lmp_usd_per_mwh) == (25.0, 22.0, 20.0)
    assert a.has_contract


@pytest.mark.equation(46, 47, 48, 49, 50, 51)
def test_series_inputs_must_share_an_index():
    hours = pd.date_range("2016-08-11", periods=2, freq="h", tz="US/Central")
    lmp = pd.Series(LMP, index=hours)
    assert rm.annual_mean_lmp_usd_per_mwh(lmp, pd.Series(SUPPLY, index=hours)) == 25.0
    with pytest.raises(ValueError, match="not on the same index"):
        rm.annual_mean_lmp_usd_per_mwh(lmp, pd.Series(SUPPLY, index=hours + pd.Timedelta(hours=1)))


@pytest.mark.equation(46, 47, 48, 49, 50, 51)
@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: rm.annual_dso_energy_mwh([100.0, -1.0]), "dso_supply_mwh must not be negative"),
        (lambda: rm.annual_bilateral_energy_mwh([np.nan]), "bilateral_mwh contains NaN"),
        (lambda: rm.bilateral_share_frac(10.0, 0.0), "dso_energy_mwh must be a positive"),
        (lambda: rm.bilateral_share_frac(-1.0, 10.0), "bilateral_energy_mwh must not be negative"),
        (lambda: rm.annual_mean_lmp_usd_per_mwh([20.0], [0.0]), "annual energy supplied .* must be a positive"),
        (lambda: rm.annual_mean_lmp_usd_per_mwh([20.0, np.inf], [1.0, 1.0]), "lmp_usd_per_mwh contains NaN"),
        (lambda: rm.annual_mean_lmp_usd_per_mwh([20.0, 30.0], [1.0]), "has 1 values but lmp_usd_per_mwh has 2"),
        (lambda: rm.annual_mean_bilateral_price_usd_per_mwh([20.0], [-5.0]), "bilateral_mwh must not be negative"),
        (lambda: rm.annual_dso_energy_mwh([[1.0, 2.0]]), "one-dimensional"),
    ],
    ids=[
        "negative-supply",
        "nan-bilateral",
        "zero-supply",
        "negative-contract",
        "no-energy",
        "infinite-lmp",
        "lengths",
        "neg-q",
        "2-d",
    ],
)
def test_annual_quantities_reject_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()


# --- Eqs. 233-234, 241 -----------------------------------------------------------------------------


@pytest.mark.equation(233)
def test_wholesale_energy_cost_is_the_sum_of_seven_components():
    # 1000 + 20 + 400 + 18 + 2 + 15 + 5 = 1460
    assert rm.wholesale_energy_cost_usd(1000.0, 20.0, 400.0, 18.0, 2.0, 15.0, 5.0) == 1460.0
    with pytest.raises(ValueError, match="NaN"):
        rm.wholesale_energy_cost_usd(np.nan, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)


@pytest.mark.equation(234, 233)
def test_wholesale_energy_cost_lines_by_hand():
    lines = rm.wholesale_energy_cost_lines_usd(LMP, SUPPLY, BILATERAL, BILATERAL_PRICE, PARAMS)
    expected = {
        "wholesale_market": 8000.0,  # 20 x (300 - 100) + 40 x 100
        "bilateral_contract": 2200.0,  # 22 x 100
        "transmission_losses": 200.0,  # 0.02 x (20 x 300 + 40 x 100)
        "transmission_access": 4800.0,  # 12 x 400
        "iso_fee": 200.0,  # 0.5 x 400
        "regulation": 28.0,  # 0.01 x 7 x 400
        "spinning_reserve": 220.0,  # 0.05 x 11 x 400
        "nonspinning_reserve": 80.0,  # 0.05 x 4 x 400
    }
    assert list(lines.index) == list(rm.COST_LINES)
    for key, value in expected.items():
        assert lines[key] == pytest.approx(value, rel=1e-12), key
    # Eq. 233: the purchase cost is the market and contract lines together
    total = rm.wholesale_energy_cost_usd(lines.iloc[0] + lines.iloc[1], *lines.iloc[2:])
    assert total == pytest.approx(15728.0, rel=1e-12)


@pytest.mark.equation(241)
def test_factored_cost_by_hand():
    # (25 - 0.25 x 20 + 0.25 x 22 + 0.02 x 25 + 12 + 0.5 + 0.07 + 0.55 + 0.2) x 400 = 39.32 x 400 = 15728
    assert rm.wholesale_energy_cost_from_averages_usd(averages(), PARAMS) == pytest.approx(15728.0, rel=1e-12)


@st.composite
def hourly_year(draw: st.DrawFn, max_hours: int = 48) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Random hourly LMP (may be negative), supply, contract energy (may be zero) and contract price."""
    n = draw(st.integers(1, max_hours))
    prices = st.floats(-50.0, 3000.0, allow_nan=False, allow_infinity=False)
    energies = st.floats(0.0, 1e5, allow_nan=False, allow_infinity=False)
    lmp = np.array(draw(st.lists(prices, min_size=n, max_size=n)))
    supply = np.array(draw(st.lists(energies, min_size=n, max_size=n))) + 1.0  # Qdso_A > 0
    share = np.array(draw(st.lists(st.floats(0.0, 1.0), min_size=n, max_size=n)))
    bilateral = share * supply * draw(st.sampled_from([0.0, 1.0]))  # with and without a contract
    price = np.array(draw(st.lists(prices, min_size=n, max_size=n)))
    return lmp, supply, bilateral, price


params_strategy = st.builds(
    rm.RetailMultiplierParameters,
    *[st.floats(0.0, 0.3)] * 2,
    *[st.floats(0.0, 50.0)] * 2,
    *[st.floats(0.0, 0.3), st.floats(0.0, 50.0)] * 3,
)


@pytest.mark.equation(234, 241, 235, 236, 237, 238, 239, 240)
@given(hourly_year(), params_strategy)
def test_hourly_cost_equals_the_factored_form(year, params):
    # Appendix F: substituting Eqs. 235-240 into Eq. 234 and factoring out Qdso_A gives Eq. 241.
    lmp, supply, bilateral, price = year
    lines = rm.wholesale_energy_cost_lines_usd(lmp, supply, bilateral, price, params)
    a = rm.annual_averages(lmp, supply, bilateral, price)
    scale = float(np.abs(lmp) @ supply + np.abs(price) @ bilateral + 60.0 * supply.sum())
    assert rm.wholesale_energy_cost_from_averages_usd(a, params) == pytest.approx(lines.sum(), rel=1e-9, abs=1e-9 * scale)


@pytest.mark.equation(242, 243, 231)
@given(hourly_year(), st.floats(0.0, 3.0), st.floats(0.0, 0.3))
def test_recovered_cost_from_averages_equals_the_hourly_sum(year, multiplier, loss):
    # Eq. 243: with Qdmd_h = Qdso_h / (1 + Fdloss_A) (Eq. 231), A sum LMP_h Qdmd_h = A LMP_A Qdso_A / (1 + Fdloss_A).
    lmp, supply, bilateral, price = year
    demand = supply / (1.0 + loss)
    hourly = rm.recovered_wholesale_energy_cost_usd(multiplier, lmp, demand)
    a = rm.annual_averages(lmp, supply, bilateral, price)
    scale = multiplier * float(np.abs(lmp) @ supply)
    assert rm.recovered_wholesale_energy_cost_from_averages_usd(multiplier, a, loss) == pytest.approx(
        hourly, abs=1e-9 * scale + 1e-12
    )


@pytest.mark.equation(242, 243)
def test_recovered_cost_by_hand():
    # Eq. 242: 1.5 x (20 x 100 + 40 x 50) = 6000; Eq. 243: 1.05 x 25 x 400 / 1.05 = 10000
    assert rm.recovered_wholesale_energy_cost_usd(1.5, [20.0, 40.0], [100.0, 50.0]) == pytest.approx(6000.0)
    assert rm.recovered_wholesale_energy_cost_from_averages_usd(1.05, averages(), 0.05) == pytest.approx(10000.0)
    with pytest.raises(ValueError, match="retail_multiplier must not be negative"):
        rm.recovered_wholesale_energy_cost_usd(-1.0, [20.0], [1.0])


# --- Eq. 45 = 244 ----------------------------------------------------------------------------------


@pytest.mark.equation(45, 244)
def test_retail_multiplier_by_hand():
    terms = rm.retail_multiplier_terms(averages(), PARAMS)
    expected = [
        1.0,  # energy
        -0.2,  # -0.25 x 20 / 25
        0.22,  # +0.25 x 22 / 25
        0.02,  # Ftloss
        0.48,  # 12 / 25
        0.02,  # 0.5 / 25
        0.0028,  # 0.01 x 7 / 25
        0.022,  # 0.05 x 11 / 25
        0.008,  # 0.05 x 4 / 25
        1.5728,  # the bracket: 39.32 / 25
        1.05,  # 1 + Fdloss
        1.65144,  # 1.5728 x 1.05
    ]
    assert list(terms.index) == [*rm.TERMS, *rm.RESULTS]
    np.testing.assert_allclose(terms.to_numpy(), expected, rtol=1e-12)
    assert rm.retail_multiplier(averages(), PARAMS) == pytest.approx(1.65144, rel=1e-12)


@pytest.mark.equation(45)
def test_retail_multiplier_with_the_printed_inputs():
    # LMP_A 30, Fbi 0.5, Pbi 29, LMPbi 28 and the report's 2% / 5% losses, 12.30 and 0.555 USD/MWh fees,
    # 1% / 5% / 5% reserves at 7.34 / 11.10 / 3.91 USD/MWh:
    # (1 + 0.02 + (0.5 x (29 - 28) + 12.30 + 0.555 + 0.8239) / 30) x 1.05 = (1.02 + 14.1789 / 30) x 1.05 = 1.49263 x 1.05
    printed = rm.load_retail_multiplier_parameters("printed")
    a = rm.AnnualAverages(1e6, 5e5, 0.5, 30.0, 29.0, 28.0)
    assert rm.retail_multiplier(a, printed) == pytest.approx(1.5672615, rel=1e-12)


@pytest.mark.equation(45, 241, 243)
@given(hourly_year(), params_strategy)
def test_a_of_eq_45_makes_the_rate_recover_the_wholesale_cost(year, params):
    # The defining property: Eq. 243 with Eq. 45's A equals Eq. 241.
    lmp, supply, bilateral, price = year
    a = rm.annual_averages(lmp, supply, bilateral, price)
    assume(a.lmp_usd_per_mwh > 1.0)  # Eq. 45 divides by LMP_A
    multiplier = rm.retail_multiplier(a, params)
    cost = rm.wholesale_energy_cost_from_averages_usd(a, params)
    recovered = rm.recovered_wholesale_energy_cost_from_averages_usd(multiplier, a, params.distribution_loss_frac)
    scale = float(np.abs(lmp) @ supply + np.abs(price) @ bilateral + 60.0 * supply.sum())
    assert recovered == pytest.approx(cost, rel=1e-9, abs=1e-9 * scale)


@pytest.mark.equation(244, 45)
def test_eq_244_restates_eq_45():
    regs = {(r.equation, r.alias): r.function for r in registrations() if r.equation in (45, 244)}
    assert regs == {
        (45, False): "dsot.retail_multiplier.retail_multiplier",
        (244, True): "dsot.retail_multiplier.retail_multiplier",
    }
    # Eq. 244 written out term by term, as printed in Appendix F, for the hand example:
    a, p = averages(), PARAMS
    lmp = a.lmp_usd_per_mwh
    eq_244 = (
        1
        - a.bilateral_share_frac * a.bilateral_lmp_usd_per_mwh / lmp
        + a.bilateral_share_frac * a.bilateral_price_usd_per_mwh / lmp
        + p.transmission_loss_frac
        + p.transmission_rate_usd_per_mwh / lmp
        + p.iso_fee_usd_per_mwh / lmp
        + p.regulation_frac * p.regulation_price_usd_per_mwh / lmp
        + p.spinning_frac * p.spinning_price_usd_per_mwh / lmp
        + p.nonspinning_frac * p.nonspinning_price_usd_per_mwh / lmp
    ) * (1 + p.distribution_loss_frac)
    assert rm.retail_multiplier(a, p) == pytest.approx(eq_244, rel=1e-12)


@pytest.mark.equation(45, 50, 51, 241)
def test_without_a_bilateral_contract_the_bilateral_terms_vanish():
    no_contract = rm.annual_averages(LMP, SUPPLY, [0.0, 0.0], BILATERAL_PRICE)
    assert no_contract.bilateral_share_frac == 0.0 and not no_contract.has_contract
    assert math.isnan(no_contract.bilateral_price_usd_per_mwh) and math.isnan(no_contract.bilateral_lmp_usd_per_mwh)
    terms = rm.retail_multiplier_terms(no_contract, PARAMS)
    assert terms["bilateral_displaced"] == 0.0 and terms["bilateral_contract"] == 0.0
    # (1 + 0.02 + (12 + 0.5 + 0.07 + 0.55 + 0.2) / 25) x 1.05 = 1.5528 x 1.05 = 1.63044
    assert rm.retail_multiplier(no_contract, PARAMS) == pytest.approx(1.63044, rel=1e-12)
    # Eq. 241 = Eq. 234 with Qbi = 0: (25 + 0.5 + 13.32) x 400 = 15528
    lines = rm.wholesale_energy_cost_lines_usd(LMP, SUPPLY, [0.0, 0.0], BILATERAL_PRICE, PARAMS)
    assert rm.wholesale_energy_cost_from_averages_usd(no_contract, PARAMS) == pytest.approx(lines.sum()) == pytest.approx(15528.0)


@pytest.mark.equation(45)
@pytest.mark.parametrize(
    ("averages_", "match"),
    [
        (rm.AnnualAverages(400.0, 0.0, 0.0, 0.0, math.nan, math.nan), "LMP_A .* must be a positive"),
        (rm.AnnualAverages(400.0, 0.0, 0.0, -3.0, math.nan, math.nan), "LMP_A .* must be a positive"),
        (rm.AnnualAverages(0.0, 0.0, 0.0, 25.0, math.nan, math.nan), "Qdso_A .* must be a positive"),
        (rm.AnnualAverages(400.0, 100.0, 0.25, 25.0, math.nan, 20.0), "Pbi_A .* contains NaN"),
        (rm.AnnualAverages(400.0, 100.0, -0.25, 25.0, 22.0, 20.0), "Fbi_A .* must not be negative"),
        (rm.AnnualAverages(400.0, 100.0, 0.25, math.inf, 22.0, 20.0), "LMP_A .* contains NaN or infinite"),
    ],
    ids=["zero-lmp", "negative-lmp", "no-energy", "contract-without-price", "negative-share", "infinite-lmp"],
)
def test_retail_multiplier_rejects_bad_averages(averages_, match):
    with pytest.raises(ValueError, match=match):
        rm.retail_multiplier(averages_, PARAMS)


@pytest.mark.equation(45)
def test_parameters_reject_negative_or_non_finite_values():
    with pytest.raises(ValueError, match="spinning_frac must not be negative"):
        rm.RetailMultiplierParameters(0.02, 0.05, 12.0, 0.5, 0.01, 7.0, -0.05, 11.0, 0.05, 4.0)
    with pytest.raises(ValueError, match="iso_fee_usd_per_mwh contains NaN"):
        rm.RetailMultiplierParameters(0.02, 0.05, 12.0, math.nan, 0.01, 7.0, 0.05, 11.0, 0.05, 4.0)


@pytest.mark.equation(45, 234)
@pytest.mark.parametrize(
    ("parameter_set", "spinning", "transmission"),
    [("printed", 0.05, 12.30), ("study", 0.14, 12.38)],  # Eq. 15 where-list / original implementation; Section 3.3.1.4 / Table 21
)
def test_parameters_load_from_rates_and_wholesale(parameter_set, spinning, transmission):
    p = rm.load_retail_multiplier_parameters(parameter_set)
    assert (p.transmission_loss_frac, p.distribution_loss_frac) == (0.02, 0.05)  # Eq. 45 where-list: 2% and 5%
    assert (p.regulation_frac, p.spinning_frac, p.nonspinning_frac) == pytest.approx((0.01, spinning, spinning))
    assert p.transmission_rate_usd_per_mwh == transmission and p.iso_fee_usd_per_mwh == 0.555


@pytest.mark.equation(45)
def test_terms_add_up_to_the_bracket_and_multiply_to_a():
    terms = rm.retail_multiplier_terms(averages(), PARAMS)
    assert terms[list(rm.TERMS)].sum() == pytest.approx(terms["bracket"], rel=1e-12)
    assert terms["bracket"] * terms["distribution_loss_factor"] == pytest.approx(terms["retail_multiplier"], rel=1e-12)
    assert set(rm.TERM_NAMES) == set(rm.TERM_SYMBOLS) == {*rm.TERMS, *rm.RESULTS}


# --- The small generated eight-node case -------------------------------------------------------------


@pytest.fixture(scope="module")
def bau(tmp_path_factory: pytest.TempPathFactory):
    paths = make_eight_node(tmp_path_factory.mktemp("eight"), 3, 7)
    return read_case(Path(paths["bau"]))


@pytest.mark.equation(45, 46, 47, 48, 49, 50, 51)
def test_demonstration_case_multiplier_is_plausible(bau):
    for dso in bau.metadata.dso_ids:
        terms = rm.dso_retail_multiplier_terms(bau, dso, "printed")
        a = float(terms["retail_multiplier"])
        # Transmission access alone adds 12.30 / LMP_A (about 0.4 at 30 USD/MWh); losses 2% and 5%.
        assert math.isfinite(a) and 1.3 < a < 2.0, (dso, a)
        assert terms[list(rm.TERMS)].sum() == pytest.approx(terms["bracket"])
        assert 0.0 < terms["bilateral_contract"] < 1.0


@pytest.mark.equation(45)
def test_retail_multiplier_for_follows_the_rate_parameters(bau):
    assert rm.retail_multiplier_for(bau, 1, "study") == 1.04  # rates.csv: constant (original implementation)
    derived = float(rm.dso_retail_multiplier_terms(bau, 1, "printed")["retail_multiplier"])
    assert rm.retail_multiplier_for(bau, 1, "printed") == derived  # rates.csv: derived (Eq. 45)


@pytest.mark.equation(229, 234, 241, 242, 243)
def test_demonstration_case_cost_recovery(bau):
    recovery = rm.wholesale_cost_recovery_kusd(bau, 1, "printed").set_index("equations")
    shares = recovery["share_of_cost_frac"].to_numpy()
    np.testing.assert_allclose(shares[:3], 1.0, rtol=1e-9)  # Eq. 241 = Eq. 234 = Eq. 243 with Eq. 45's A
    # The case's distribution losses are 103.406 / 96.448 - 1 = 7.2%, above Eq. 45's 5%: metered demand is smaller.
    assert 0.95 < shares[3] < 1.0
    assert shares[4] == pytest.approx(shares[3] * 1.04 / recovery["multiplier"].iloc[3])


@pytest.mark.equation(229)
def test_case_demand_matches_the_metered_energy_sold(bau):
    demand = rm.dso_customer_demand_mwh(bau, 2)
    assert len(demand) == bau.metadata.periods(60) and str(demand.index.tz) == bau.metadata.timezone
    assert demand.sum() == pytest.approx(energy_sold_mwh(bau)[2], rel=1e-9)


@pytest.mark.equation(45, 234, 241)
def test_demonstration_case_terms_by_parameter_set(bau):
    terms = rm.terms_by_parameter_set(bau, 1).set_index("column")
    # The same LMP_A in both sets: the reserve terms scale with the fractions, 14% / 5% = 2.8 (Eq. 15 where-list, study).
    assert terms.at["f_spin P_spin / LMP", "study"] / terms.at["f_spin P_spin / LMP", "printed"] == pytest.approx(2.8)
    assert terms.at["1", "printed"] == terms.at["1", "study"] == 1.0
    # Study reading of Table 15: a constant block quantity at the block's simple-mean price costs what it displaces.
    assert terms.at["+Fbi Pbi / LMP", "study"] == pytest.approx(-terms.at["-Fbi LMPbi / LMP", "study"], rel=1e-9)
    lines = rm.dso_cost_lines_kusd(bau, 1, "printed")
    per_mwh = lines["usd_per_mwh"].to_numpy()
    assert per_mwh[:-1].sum() == pytest.approx(per_mwh[-1]) and per_mwh[3] == pytest.approx(12.30)  # P_T per MWh


def test_inputs_table_lists_both_sets():
    inputs = rm.retail_multiplier_inputs().set_index(["parameter", "service"])
    assert inputs.at[("retail_multiplier_method", "all"), "printed"] == "derived"
    assert inputs.at[("retail_multiplier_method", "all"), "study"] == "constant"
    assert inputs.at[("reserve_fraction", "spinning"), "study"] == "14"
    assert len(inputs) == 12
