"""Section 4.1 bills (Eqs. 19-24, 26-29): hand-checkable values, net metering, properties."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dsot import bills

# Study parameters (Section 4.3.1): $10/month, $15/kW, tiers at 2,000 and 10,000 kWh, cuts of 0.04 and 0.03 $/kWh.
TIERS = {"tier2_cut_usd_per_kwh": 0.04, "tier3_cut_usd_per_kwh": 0.03, "tier1_max_kwh": 2_000.0, "tier2_max_kwh": 10_000.0}


@pytest.mark.equation(20, 21, 22)
@pytest.mark.parametrize(
    ("energy_kwh", "expected_usd"),
    [
        (500.0, 60.0),  # tier 1 only: 0.12 x 500
        (2_000.0, 240.0),  # the tier-1 boundary
        (3_000.0, 320.0),  # 240 + 0.08 x 1,000
        (12_000.0, 980.0),  # 240 + 0.08 x 8,000 + 0.05 x 2,000
        (-300.0, -36.0),  # net metering: a net exporter is credited at the tier-1 price
    ],
    ids=["tier1", "boundary", "tier2", "tier3", "net-export"],
)
def test_fixed_energy_charge_by_tier(energy_kwh, expected_usd):
    assert bills.fixed_energy_charge_usd(energy_kwh, 0.12, **TIERS) == pytest.approx(expected_usd)
    assert bills.tier2_price_usd_per_kwh(0.12, 0.04) == pytest.approx(0.08)
    assert bills.tier3_price_usd_per_kwh(0.12, 0.04, 0.03) == pytest.approx(0.05)


@pytest.mark.equation(20)
def test_fixed_energy_charge_is_vectorized():
    energy = np.array([500.0, 3_000.0, 12_000.0])
    np.testing.assert_allclose(bills.fixed_energy_charge_usd(energy, 0.12, **TIERS), [60.0, 320.0, 980.0])


@pytest.mark.equation(20)
@given(st.floats(-5_000, 50_000), st.floats(0.0, 5_000), st.floats(0.07, 0.5))  # tier-3 price >= 0
def test_energy_charge_is_continuous_and_increasing_with_marginal_price_of_the_tier(energy, extra, price):
    low = bills.fixed_energy_charge_usd(energy, price, **TIERS)
    high = bills.fixed_energy_charge_usd(energy + extra, price, **TIERS)
    assert high >= low - 1e-9
    assert high - low <= price * extra + 1e-6  # no tier charges more than the tier-1 price
    assert high - low >= (price - 0.07) * extra - 1e-6  # nor less than the tier-3 price


@pytest.mark.equation(20)
@given(st.floats(-1_000, 1_999), st.floats(0.01, 1.0))
def test_energy_charge_is_linear_within_tier_one(energy, price):
    assert bills.fixed_energy_charge_usd(energy, price, **TIERS) == pytest.approx(price * energy, abs=1e-9)


@pytest.mark.equation(23, 24)
def test_fixed_bill_of_a_commercial_customer():
    energy = bills.fixed_energy_charge_usd(12_000.0, 0.12, **TIERS)
    demand = bills.demand_charge_usd(40.0, 15.0)
    assert bills.fixed_bill_usd(energy, demand, 10.0) == pytest.approx(980.0 + 600.0 + 10.0)


@pytest.mark.equation(26, 27, 28, 29)
def test_transactive_bill_components():
    # 100 $ of day-ahead purchases at LMP, 50 $ of consumption at real-time LMP of which 45 $ were bought day ahead
    day_ahead = bills.day_ahead_charge_usd(1.04, 100.0)
    real_time = bills.real_time_charge_usd(1.04, 50.0, 45.0)
    distribution = bills.distribution_charge_usd(500.0, 0.05, 0.002)
    assert (day_ahead, real_time, distribution) == pytest.approx((104.0, 5.2, 24.0))
    assert bills.transactive_bill_usd(day_ahead, real_time, distribution, 10.0) == pytest.approx(143.2)


@pytest.mark.equation(27)
def test_real_time_charge_is_zero_when_the_day_ahead_purchase_matches_consumption():
    assert bills.real_time_charge_usd(1.04, 80.0, 80.0) == 0.0


@pytest.mark.equation(28)
@given(st.floats(-1e4, 1e4), st.floats(0, 0.2), st.floats(0, 0.05))
def test_distribution_charge_is_linear_in_consumption(energy, price, rebate):
    assert bills.distribution_charge_usd(2 * energy, price, rebate) == pytest.approx(
        2 * bills.distribution_charge_usd(energy, price, rebate), abs=1e-9
    )


@pytest.mark.equation(20, 23, 24)
def test_fixed_bills_from_engine_statistics_follow_class_and_reading(tmp_path):
    import pandas as pd

    from dsot import engine
    from dsot.cases import examples, read_case, write_case

    path = write_case(tmp_path / "tiny", examples.tiny_metadata("bau"), examples.tiny_tables("bau"), examples.tiny_arrays("bau"))
    case = read_case(path)
    stats = engine.case_statistics(case)
    classes = case.table("customers").set_index("customer")["customer_class"]
    printed = bills.fixed_bills(stats, classes, bills.load_fixed_tariff(0.12, "printed"))
    study = bills.fixed_bills(stats, classes, bills.load_fixed_tariff(0.12, "study"))
    # residential customers (101, 201) pay no demand charge; the commercial one (102) does, at $15/kW
    assert printed.loc[[101, 201], "demand_charge_usd"].eq(0).all()
    assert printed.loc[102, "demand_charge_usd"].iloc[0] == pytest.approx(15 * stats.loc[102, "demand_block_kw"].iloc[0])
    assert study.loc[102, "demand_charge_usd"].iloc[0] == pytest.approx(15 * stats.loc[102, "demand_rolling_kw"].iloc[0])
    # a rolling 15-minute window can only find a higher peak than clock-aligned blocks
    assert (stats["demand_rolling_kw"] >= stats["demand_block_kw"] - 1e-12).all()
    expected = 0.12 * stats["energy_kwh"] + printed["demand_charge_usd"] + 10.0  # all below 2,000 kWh: tier 1 only
    pd.testing.assert_series_equal(printed["bill_usd"], expected, check_names=False)
