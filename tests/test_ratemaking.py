"""Sections 4.2-4.3: revenue lines (Eqs. 30-41) and ratemaking (Eqs. 42-61) by hand and by property."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dsot import bills, ratemaking
from dsot import revenues as rev
from dsot import valuation as val

TARIFF = bills.FixedTariff(
    tier1_price_usd_per_kwh=0.0,
    tier2_cut_usd_per_kwh=0.04,
    tier3_cut_usd_per_kwh=0.03,
    tier1_max_kwh=2_000.0,
    tier2_max_kwh=10_000.0,
    demand_price_usd_per_kw=15.0,
    connection_charge_usd=10.0,
    demand_reading="block",
)


# --- Section 4.2: revenues ----------------------------------------------------------------------


@pytest.mark.equation(30, 31, 32, 35, 36, 37, 38)
def test_annual_revenue_is_the_weighted_sum_of_monthly_components():
    # two simulated customers standing for 100 and 50 real ones, two months each
    weights = np.array([100.0, 100.0, 50.0, 50.0])
    charges = np.array([80.0, 90.0, 1_000.0, 1_100.0])
    assert rev.annual_revenue_usd(weights, charges) == pytest.approx(100 * 170 + 50 * 2_100)
    assert rev.annual_revenue_usd(3.0, charges) == pytest.approx(3 * charges.sum())  # one WF_dso, as printed


@pytest.mark.equation(30)
@pytest.mark.parametrize(
    ("weights", "charges", "message"),
    [([1.0, 2.0], [1.0], "do not match"), ([1.0, -2.0], [1.0, 2.0], "negative"), ([1.0, np.nan], [1.0, 2.0], "finite")],
    ids=["shape", "negative-weight", "nan"],
)
def test_annual_revenue_rejects_bad_input(weights, charges, message):
    with pytest.raises(ValueError, match=message):
        rev.annual_revenue_usd(weights, charges)


@pytest.mark.equation(33, 39, 41)
def test_sales_add_up():
    fixed = rev.fixed_sales_usd(700.0, 200.0, 100.0)
    trx = rev.transactive_sales_usd(500.0, -25.0, 400.0, 100.0, congestion_usd=25.0)
    assert (fixed, trx) == (1_000.0, 1_000.0)
    assert rev.retail_sales_usd(fixed, trx) == 2_000.0


@pytest.mark.equation(34, 40)
def test_blended_average_cost_of_table_21_bau():
    # 10,550,683 $K over 96.448 TWh (study-implementation-facts.md): 10.94 cents/kWh
    assert rev.blended_average_cost_usd_per_kwh(10_550_683e3, 96.448e9) == pytest.approx(0.10939, abs=5e-6)
    with pytest.raises(ValueError, match="nonzero"):
        rev.blended_average_cost_usd_per_kwh(1.0, 0.0)


# --- Section 4.3: ratemaking -------------------------------------------------------------------


@pytest.mark.equation(42)
def test_revenue_requirement_is_capital_plus_operating_expenses():
    # Table 21 BAU: capital 1,004,240 + operating 9,546,443 = revenues 10,550,683 ($K)
    assert ratemaking.revenue_requirement_usd(1_004_240.0, 9_546_443.0) == 10_550_683.0


@pytest.mark.equation(43)
def test_tier1_price_is_exact_in_one_step_from_any_guess():
    energy = np.array([500.0, 3_000.0, 12_000.0])  # one customer in each tier
    weights = np.array([10.0, 5.0, 2.0])
    requirement = 25_000.0

    def revenue(price: float) -> float:
        charge = bills.fixed_energy_charge_usd(energy, price, 0.04, 0.03, 2_000.0, 10_000.0)
        return float(np.sum(weights * (charge + 10.0)))

    for guess in (0.0, 0.05, 0.3):
        price = ratemaking.tier1_price_usd_per_kwh(guess, revenue(guess), requirement, float(np.sum(weights * energy)))
        assert revenue(price) == pytest.approx(requirement, abs=1e-6)


@pytest.mark.equation(43)
def test_printed_denominator_without_the_industrial_lump_needs_iteration():
    """Eq. 43 sums the simulated customers' energy only; with an industrial lump one step falls short."""
    sim_energy, industrial_energy = 1_000.0, 1_000.0  # kWh, all in tier 1

    def revenue(price: float) -> float:
        return price * (sim_energy + industrial_energy)

    one_step = ratemaking.tier1_price_usd_per_kwh(0.0, revenue(0.0), 100.0, sim_energy)
    assert revenue(one_step) == pytest.approx(200.0)  # twice the requirement
    exact = ratemaking.tier1_price_usd_per_kwh(0.0, revenue(0.0), 100.0, sim_energy + industrial_energy)
    assert revenue(exact) == pytest.approx(100.0)


@pytest.mark.equation(44, 29, 25)
@given(
    a=st.floats(0.8, 1.3),
    da_lmp=st.floats(0.0, 200.0),
    rt_lmp=st.floats(-50.0, 200.0),
    da_rt=st.floats(0.0, 200.0),
    congestion=st.floats(0.0, 20.0),
    price=st.floats(0.0, 0.2),
    rebate=st.floats(0.0, 0.01),
    energy=st.floats(-500.0, 5_000.0),
)
def test_structure_of_eq_44_equals_the_billing_of_eq_29_plus_congestion(
    a, da_lmp, rt_lmp, da_rt, congestion, price, rebate, energy
):
    billed = bills.transactive_bill_usd(
        bills.day_ahead_charge_usd(a, da_lmp),
        bills.real_time_charge_usd(a, rt_lmp, da_rt),
        bills.distribution_charge_usd(energy, price, rebate),
        10.0,
    )
    structure = ratemaking.transactive_bill_structure_usd(a, da_lmp + rt_lmp - da_rt, congestion, price, rebate, energy, 10.0)
    assert structure == pytest.approx(billed + congestion, abs=1e-6)
    by_component = bills.bill_by_cost_component_usd(
        a * (da_lmp + rt_lmp - da_rt), congestion, bills.distribution_charge_usd(energy, price, rebate), 10.0
    )
    assert by_component == pytest.approx(structure, abs=1e-6)


@pytest.mark.equation(52, 57, 55)
def test_distribution_price_closes_the_requirement():
    weights, energy = np.array([100.0, 200.0]), np.array([3_000.0, 1_000.0])
    q_trx = ratemaking.transactive_energy_kwh(weights, energy)
    assert q_trx == 500_000.0
    price = ratemaking.distribution_price_usd_per_kwh(100_000.0, 20_000.0, 30_000.0, -1_000.0, 3_000.0, q_trx)
    assert price == pytest.approx(48_000.0 / 500_000.0)
    # Eq. 52: what the transactive customers then pay is the requirement less fixed sales
    trx_sales = rev.transactive_sales_usd(30_000.0, -1_000.0, price * q_trx, 3_000.0)
    assert trx_sales == pytest.approx(ratemaking.transactive_revenue_required_usd(100_000.0, 20_000.0))
    with pytest.raises(ValueError, match="nonzero"):
        ratemaking.distribution_price_usd_per_kwh(1.0, 0.0, 0.0, 0.0, 0.0, 0.0)


@pytest.mark.equation(59, 60)
def test_congestion_price_is_zero_at_the_uncongested_price():
    lmp = np.array([20.0, 35.0, 9_000.0])
    uncongested = 1.04 * lmp / 1000 + 0.035
    np.testing.assert_allclose(ratemaking.congestion_price_usd_per_kwh(uncongested, 1.04, lmp, 0.035), 0.0, atol=1e-12)
    assert ratemaking.congestion_price_usd_per_kwh(0.2, 1.0, 100.0, 0.05) == pytest.approx(0.05)


def _statistics(rng: np.random.Generator, customers: int, months: int = 2) -> pd.DataFrame:
    """Random monthly statistics with a known congestion price of 0.01 $/kWh in every interval."""
    index = pd.MultiIndex.from_product([range(1, customers + 1), pd.period_range("2016-01", periods=months, freq="M")])
    index = index.set_names(["customer", "month"])
    n = len(index)
    energy = rng.uniform(100, 3_000, n)
    da = energy * rng.uniform(0, 1, n)
    lmp_mean, a, p_dist, dcp = 0.03, 1.04, 0.035, 0.01
    return pd.DataFrame(
        {
            "energy_kwh": energy,
            "demand_block_kw": energy / 300,
            "demand_rolling_kw": energy / 290,
            "rt_lmp_usd": energy * lmp_mean,
            "rt_price_usd": energy * (a * lmp_mean + p_dist + dcp),
            "da_kwh": da,
            "da_lmp_usd": da * lmp_mean,
            "da_price_usd": da * (a * lmp_mean + p_dist + dcp),
            "da_rt_lmp_usd": da * lmp_mean,
            "da_rt_price_usd": da * (a * lmp_mean + p_dist + dcp),
        },
        index=index,
    )


@pytest.mark.equation(58, 59, 60)
def test_customer_congestion_from_statistics_is_the_congestion_price_times_energy():
    stats = _statistics(np.random.default_rng(1), 4)
    congestion = ratemaking.customer_congestion_usd(stats, 1.04, 0.035)
    np.testing.assert_allclose(congestion, 0.01 * stats["energy_kwh"], rtol=1e-9)
    assert ratemaking.congestion_revenue_usd(np.full(len(stats), 2.0), congestion) == pytest.approx(
        0.02 * stats["energy_kwh"].sum()
    )


@pytest.mark.equation(61)
def test_congestion_rebate_per_kwh_and_its_edge_cases():
    np.testing.assert_allclose(
        ratemaking.congestion_rebate_usd_per_kwh(np.array([200.0, 0.0]), np.array([1e5, 0.0])), [0.002, 0.0]
    )
    with pytest.raises(ValueError, match="without transactive energy"):
        ratemaking.congestion_rebate_usd_per_kwh(5.0, 0.0)


# --- property tests of the ratemaking on random customers and tariffs ------------------------------


def _rows(stats: pd.DataFrame, rng: np.random.Generator, transactive_share: float) -> pd.DataFrame:
    rows = stats.reset_index()
    customers = rows["customer"].unique()
    plan = pd.Series(np.where(rng.random(len(customers)) < transactive_share, "transactive", "fixed"), index=customers)
    klass = pd.Series(np.where(rng.random(len(customers)) < 0.8, "residential", "commercial"), index=customers)
    weight = pd.Series(rng.uniform(1, 1_000, len(customers)), index=customers)
    rows["rate_plan"] = rows["customer"].map(plan)
    rows["customer_class"] = rows["customer"].map(klass)
    rows["weight"] = rows["customer"].map(weight)
    rows["substation"] = np.where(rows["customer"] % 2 == 0, "s-1", "s-2")
    rows["industrial"] = False
    return rows


@pytest.mark.equation(43, 30, 31, 32)
@given(
    seed=st.integers(0, 10_000),
    customers=st.integers(1, 12),
    requirement=st.floats(1e3, 1e8),
    demand_price=st.floats(0.0, 30.0),
    connection=st.floats(0.0, 40.0),
    reading=st.sampled_from(["block", "rolling"]),
)
def test_fixed_rate_recovers_any_requirement(seed, customers, requirement, demand_price, connection, reading):
    rng = np.random.default_rng(seed)
    rows = _rows(_statistics(rng, customers), rng, 0.0)
    tariff = replace(TARIFF, demand_price_usd_per_kw=demand_price, connection_charge_usd=connection, demand_reading=reading)
    price = val.solve_tier1_price(rows, tariff, requirement)
    billed = val._fixed_bills(rows, replace(tariff, tier1_price_usd_per_kwh=price))["bill_usd"]
    assert rev.annual_revenue_usd(rows["weight"], billed) == pytest.approx(requirement, rel=1e-9, abs=1e-6)


@pytest.mark.equation(57, 58, 61)
@given(seed=st.integers(0, 10_000), customers=st.integers(2, 12), share=st.floats(0.3, 1.0), rebate=st.booleans())
def test_transactive_rate_recovers_the_requirement_and_rebates_return_congestion(seed, customers, share, rebate):
    rng = np.random.default_rng(seed)
    rows = _rows(_statistics(rng, customers), rng, share)
    if not (rows["rate_plan"] == "transactive").any():
        return
    design = val.RateDesign("printed", TARIFF, "constant", 1.04, rebate)
    requirement = 2.0 * rev.annual_revenue_usd(rows["weight"], rows["energy_kwh"]) * 0.1
    terms = val.transactive_terms(rows, requirement, design, 1.04, (1.04, 0.035))
    trx = rows["rate_plan"] == "transactive"
    components = val._transactive_components(rows, terms, TARIFF.connection_charge_usd)
    # Section 4.3.2.1: everyone on the transactive rate pays exactly the requirement
    assert rev.annual_revenue_usd(rows["weight"], components.sum(axis=1)) == pytest.approx(requirement, rel=1e-9)
    # Eqs. 58-61: rebates return each substation-month's congestion revenue to its transactive customers
    returned = (
        (rows["weight"] * terms.rebate_usd_per_kwh * rows["energy_kwh"])[trx].groupby([rows["substation"], rows["month"]]).sum()
    )
    collected = terms.rebates.set_index(["substation", "month"])["congestion_revenue_usd"]
    if rebate:
        pd.testing.assert_series_equal(returned.sort_index(), collected.sort_index(), check_names=False, rtol=1e-9)
    else:
        assert (terms.rebate_usd_per_kwh == 0).all()


@pytest.mark.equation(26, 27, 28)
@given(seed=st.integers(0, 1_000), factor=st.floats(0.1, 10.0))
def test_energy_terms_are_linear_in_consumption(seed, factor):
    rng = np.random.default_rng(seed)
    rows = _rows(_statistics(rng, 3), rng, 1.0)
    design = val.RateDesign("printed", TARIFF, "constant", 1.04, True)
    terms = val.transactive_terms(rows, 1e6, design, 1.04, (1.04, 0.035))
    scaled_rows = rows.copy()
    energy_fields = [
        "energy_kwh",
        "rt_lmp_usd",
        "rt_price_usd",
        "da_kwh",
        "da_lmp_usd",
        "da_price_usd",
        "da_rt_lmp_usd",
        "da_rt_price_usd",
    ]
    scaled_rows[energy_fields] = rows[energy_fields] * factor
    fixed_terms = replace(terms, congestion_usd=terms.congestion_usd * factor)
    base = val._transactive_components(rows, terms, 0.0)
    scaled = val._transactive_components(scaled_rows, fixed_terms, 0.0)
    pd.testing.assert_frame_equal(scaled, base * factor, rtol=1e-9)


def test_proxy_gap_is_the_price_difference_times_transactive_energy():
    assert ratemaking.proxy_revenue_gap_usd(0.035, 0.065, 1e9) == pytest.approx(-3e7)
