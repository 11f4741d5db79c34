"""ACCF assembly (Appendix A.1.4-A.1.5) and the Appendix A.2 tables."""

from __future__ import annotations

import numpy as np
import pytest

from dsot import accf
from dsot import finance as fin


@pytest.fixture(scope="module")
def study() -> accf.AccfInputs:
    return accf.load_accf_inputs("study")


@pytest.fixture(scope="module")
def printed() -> accf.AccfInputs:
    return accf.load_accf_inputs("printed")


def pro_forma_pv_ebit(f: accf.Financing, rate: float, sinking_rate: float, depreciation: np.ndarray, life: int) -> float:
    """Independent oracle: year-by-year EBIT_t (Eq. 100) from explicit cash flows, discounted (Eq. 84)."""
    years = max(life, f.debt_term_yr, depreciation.size)
    interest = np.zeros(years)
    principal = np.zeros(years)
    if f.uses_bonds:
        interest[: f.debt_term_yr] = f.debt_rate_frac * f.debt_share_frac
        principal[: f.debt_term_yr] = f.debt_share_frac * fin.sinking_fund_factor(sinking_rate, f.debt_term_yr)
    else:
        balance = f.debt_share_frac
        payment = f.debt_share_frac * fin.capital_recovery_factor(f.debt_rate_frac, f.debt_term_yr)
        for t in range(f.debt_term_yr):
            interest[t] = f.debt_rate_frac * balance
            principal[t] = payment - interest[t]
            balance -= principal[t]
    dep = np.zeros(years)
    dep[: depreciation.size] = depreciation
    t = np.arange(1, years + 1)
    om = np.where(t <= life, f.om_fraction * (1 + f.om_escalation_rate_frac) ** t, 0.0)
    fixed = np.where(t <= life, f.other_taxes_fraction + f.insurance_fraction, 0.0)
    tax = f.income_tax_rate_frac
    ebit = principal + (interest - f.interest_tax_rate_frac * interest) + (1 - tax) * (om + fixed) - tax * dep
    return f.cash_share_frac + float(np.sum(ebit / (1 + rate) ** t))


def make_financing(**overrides: object) -> accf.Financing:
    base = {
        "equity_share_frac": 0.45,
        "debt_share_frac": 0.55,
        "cash_share_frac": 0.0,
        "equity_return_frac": 0.115,
        "debt_rate_frac": 0.03,
        "debt_term_yr": 20,
        "uses_bonds": True,
        "income_tax_rate_frac": 0.279836,
        "deducts_interest": True,
    }
    return accf.Financing(**{**base, **overrides})  # type: ignore[arg-type]


@pytest.mark.equation(97, 98, 136, 137, 138)
@pytest.mark.parametrize(
    "overrides",
    [
        {},  # investor-owned utility, utility bonds (Tables 28-29)
        {"uses_bonds": False, "debt_rate_frac": 0.0264},  # third party, lease as a loan
        {"equity_share_frac": 0.0, "debt_share_frac": 0.8, "cash_share_frac": 0.2, "uses_bonds": False, "debt_rate_frac": 0.038},
        {
            "debt_term_yr": 10,
            "om_fraction": 0.02,
            "om_escalation_rate_frac": 0.017,
            "other_taxes_fraction": 0.01,
            "insurance_fraction": 0.004,
        },
    ],
    ids=["iou-bonds", "third-party-loan", "renter-mortgage-with-cash", "bonds-with-om"],
)
def test_closed_form_ebit_matches_year_by_year_pro_forma(overrides: dict[str, object]):
    f = make_financing(**overrides)
    schedule = fin.macrs_depreciation_frac(20)
    closed = sum(accf.ebit_terms(f, 0.115, 0.0636, schedule, 20).values())
    assert closed == pytest.approx(pro_forma_pv_ebit(f, 0.115, 0.0636, schedule, 20), rel=1e-12)


@pytest.mark.equation(137)
def test_bond_and_loan_terms_are_exclusive():
    bonds = accf.ebit_terms(make_financing(), 0.1, 0.06, fin.macrs_depreciation_frac(20), 20)
    loan = accf.ebit_terms(make_financing(uses_bonds=False), 0.1, 0.06, fin.macrs_depreciation_frac(20), 20)
    assert bonds["interest payments on loan"] == 0.0 and bonds["retiring debt principal on loan"] == 0.0
    assert loan["interest payments on bonds"] == 0.0 and loan["retiring debt principal on bonds"] == 0.0


@pytest.mark.equation(140, 141, 142, 145, 146, 147, 148)
@pytest.mark.parametrize(
    ("investor", "instrument", "life"),
    [
        ("Investor owned", "Utility bonds", 20),
        ("Business", "Business loan", 20),
        ("Homeowner", "Cash", 20),
        ("Third party", "Third-party lease", 20),
    ],
)
def test_levelized_items_balance_and_give_the_accf(study: accf.AccfInputs, investor: str, instrument: str, life: int):
    result = accf.accf(study, investor, instrument, life)
    items = result.items
    equity = accf.equity_cash_flow_levelized(items)
    # Eq. 142: total equity cash flow = balancing account + stock earnings + equity principal.
    assert equity == pytest.approx(items.balancing_account + items.stock_earnings + items.equity_principal, abs=1e-15)
    # Eq. 147 with O&M zero: CAP_A = REV_A, and Eq. 148 divides by CI_0 = 1.
    assert accf.capital_cost_levelized(items) == pytest.approx(items.revenue)
    assert result.accf_frac == pytest.approx(items.revenue)


@pytest.mark.equation(148, 149)
def test_accf_and_levelized_capital_cost():
    assert accf.annualized_capital_cost_factor(972.0, 10_000.0) == pytest.approx(0.0972)
    assert accf.levelized_capital_cost(0.0874, 1_000_000.0) == pytest.approx(87_400.0)
    with pytest.raises(ValueError, match="positive"):
        accf.annualized_capital_cost_factor(1.0, 0.0)


@pytest.mark.equation(147)
def test_cash_purchase_has_a_capital_cost(study: accf.AccfInputs):
    # Eq. 147 as printed omits CSH_A and would give 0; Table 31 prints 5.00% for homeowner cash.
    assert accf.accf(study, "Homeowner", "Cash", 20).accf_frac == pytest.approx(0.05)


def test_financing_for_splits_capital_by_table_29_and_cash_fraction(study: accf.AccfInputs):
    f = accf.financing_for(study.investors["Home renter"], study.instruments["Mortgage, com."], study.conventions)
    assert (f.equity_share_frac, f.debt_share_frac, f.cash_share_frac) == pytest.approx((0.0, 0.8, 0.2))
    assert f.income_tax_rate_frac == pytest.approx(0.279836)
    g = accf.financing_for(study.investors["Investor owned"], study.instruments["Utility bonds"], study.conventions)
    assert (g.equity_share_frac, g.debt_share_frac) == pytest.approx((0.45, 0.55))


@pytest.mark.equation(83)
def test_consumer_credit_cap_sets_the_discount_rate(study: accf.AccfInputs):
    rates = accf.accf(study, "Homeowner", "Consumer credit", 20).rates
    assert rates.after_tax_wacc == pytest.approx(0.18)
    assert rates.investor == pytest.approx(0.06)
    assert rates.present_value == pytest.approx(0.06)


def test_readings_differ_only_where_they_should(study: accf.AccfInputs, printed: accf.AccfInputs):
    # Untaxed investors without equity discounting at their own rate: identical readings.
    for investor, instrument in [("Municipal", "Municipal bonds"), ("Homeowner", "Home loan"), ("Homeowner", "Cash")]:
        assert accf.accf(study, investor, instrument, 20).accf_frac == pytest.approx(
            accf.accf(printed, investor, instrument, 20).accf_frac
        )
    # Straight-line depreciation is worth less than MACRS, so the printed reading costs more for a utility.
    assert (
        accf.accf(printed, "Investor owned", "Utility bonds", 20).accf_frac
        > accf.accf(study, "Investor owned", "Utility bonds", 20).accf_frac
    )


def test_table31_has_every_row_and_sales_tax_only_for_taxed_investors(study: accf.AccfInputs):
    t31 = accf.table31(study)
    assert len(t31) == 29
    taxed = t31["investor"].isin(["Homeowner", "Home renter", "Business"])
    np.testing.assert_allclose(t31.loc[taxed, "accf_with_sales_tax_frac"], 1.0891 * t31.loc[taxed, "accf_frac"])
    np.testing.assert_allclose(t31.loc[~taxed, "accf_with_sales_tax_frac"], t31.loc[~taxed, "accf_frac"])


def test_table2_weights_sum_to_one_and_taxes_follow_the_convention(study: accf.AccfInputs, printed: accf.AccfInputs):
    t2 = accf.table2(study).set_index(["utility_type", "asset_type"])
    # Urban DSO: 75% investor-owned x 21% federal = 15.75% (Table 2).
    assert t2.at[("Urban", "Distribution infrastructure"), "income_tax_frac"] == pytest.approx(0.1575)
    t2p = accf.table2(printed).set_index(["utility_type", "asset_type"])
    assert t2p.at[("Urban", "Distribution infrastructure"), "income_tax_frac"] == pytest.approx(0.75 * 0.279836)
    with pytest.raises(ValueError, match="shares sum to"):
        accf.population_weighted(t2["accf_frac"].iloc[:2], t2["income_tax_frac"].iloc[:2])


def test_customer_bounds_bracket_every_corner(study: accf.AccfInputs):
    corners = accf.customer_corner_accfs(study)
    bounds = accf.customer_accf_bounds(study)
    res = bounds[bounds["sector"] == "residential"].set_index("asset")
    thermostat = corners[
        (corners["asset"] == "Smart thermostat marginal") & corners["occupant"].isin(["Homeowner", "Home renter"])
    ]
    assert res.at["Smart thermostat marginal", "min_frac"] == pytest.approx(thermostat["accf_frac"].min())
    assert res.at["Smart thermostat marginal", "max_frac"] == pytest.approx(thermostat["accf_frac"].max())
    # Homeowner retrofit thermostat: 25% consumer credit (10.57%) + 75% cash (5.45%), Tables 31-32.
    homeowner_retrofit = thermostat[(thermostat["occupant"] == "Homeowner") & (thermostat["construction"] == "retrofit")]
    assert float(homeowner_retrofit["accf_frac"].iloc[0]) == pytest.approx(0.25 * 0.1057021 + 0.75 * 0.054455, abs=1e-6)


def test_interest_rate_sensitivity_is_monotone(study: accf.AccfInputs):
    frame = accf.interest_rate_sensitivity(study, [("b", "Business", "Business loan")], np.linspace(0.0, 0.1, 11), 20)
    assert frame["accf_frac"].is_monotonic_increasing


def test_example_tables_have_expected_shape(study: accf.AccfInputs):
    cases = [("IOU", "Investor owned", "Utility bonds", 20)]
    assert list(accf.rates_table(study, cases).columns) == [
        "case",
        "cost_of_equity",
        "after_tax_wacc",
        "investor_rate",
        "present_value_rate",
    ]
    ebit = accf.ebit_table(study, cases)
    assert ebit["IOU"].iloc[-1] == pytest.approx(ebit["IOU"].iloc[:-1].sum())
    items = accf.levelized_items_table(study, cases).set_index("item")
    assert items.at["CAP_A = ACCF (Eqs. 147-148)", "IOU"] == pytest.approx(0.0972, abs=5e-5)
    schedule = accf.loan_schedule(0.06, 5)
    assert schedule["principal"].sum() == pytest.approx(1.0)
    assert set(accf.depreciation_schedules(20)["method"]) == {"Straight line (Eq. 117)", "MACRS, half-year convention"}


def test_grid_accf_lookup(study: accf.AccfInputs):
    assert accf.grid_accf(study, "Distribution utility", "Rural", "Controls and software") == pytest.approx(0.1059, abs=5e-5)
    with pytest.raises(KeyError, match="no Table 2 row"):
        accf.grid_accf(study, "Distribution utility", "Exurban", "Distribution infrastructure")


def test_customer_accfs_are_the_printed_tables_as_fractions():
    table = accf.customer_accfs()
    assert len(table) == 18 + 44
    single_family = table[(table["customer_type"] == "Single-Family") & (table["asset"] == "Smart thermostat marginal")]
    assert float(single_family["accf_frac"].iloc[0]) == pytest.approx(0.0823)  # Table 3
    assert set(table["report_ref"]) == {"T3", "T4"}
