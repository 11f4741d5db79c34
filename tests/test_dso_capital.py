"""Section 3.2: substation fleet cost, feeders, meters and IT systems (Eqs. 1-7, Tables 6-13)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dsot import dso_capital as dc
from dsot.vocab import DSO_TYPES


@pytest.fixture(scope="module")
def study() -> dc.CapitalInputs:
    return dc.load_capital_inputs("study")


@pytest.mark.equation(1, 2)
def test_fleet_cost_equations():
    # Eq. 2: 0.2 x 186 + 0.8 x 109 = 124.4 $/kVA (urban, Table 7 rounded).
    assert dc.existing_capacity_cost(0.2, 186.0, 109.0) == pytest.approx(124.4)
    # Eq. 1: (1000 x 124.4 + 20 x 109 + 10 x 186) = 128,440 $K, x 8.74% = 11,225.656 $K/yr (by hand).
    assert dc.substation_fleet_cost(1000.0, 124.4, 20.0, 109.0, 10.0, 186.0, 0.0874) == pytest.approx(11225.656)
    with pytest.raises(ValueError, match="f_new"):
        dc.existing_capacity_cost(1.2, 1.0, 1.0)


@pytest.mark.equation(3)
def test_eq3_and_study_counts(study: dc.CapitalInputs):
    run = dc.load_capital_inputs("study", calibration="table21")
    fleet = dc.fleet_with_counts(run, "urban", 24382.8)
    # study-implementation-facts.md: 346.6 substations behind Table 21 (8, 40, 90 MW, 0.6% density ratio).
    assert fleet.at["total", "substations"] == pytest.approx(346.6, abs=0.05)
    # With Table 9's calibration (0.625%, 2/20/20 MW) the same peak gives far more substations.
    assert dc.fleet_with_counts(study, "urban", 24382.8).at["total", "substations"] > 1000
    printed = dc.load_capital_inputs("printed")
    eq3 = dc.fleet_with_counts(printed, "urban", 25304.0)
    cap = eq3.at["total", "capacity_mva"] + eq3.at["total", "build_mva_per_yr"]
    assert eq3.at["total", "substations"] == pytest.approx(cap / 150.0)  # Table 7 urban capacity


@pytest.mark.equation(4)
def test_feeder_cost():
    # 200 $/kVA x 1000 MVA x 10% x 1.03 = 20,600 $K/yr.
    assert dc.feeder_cost(200.0, 900.0, 0.9, 0.1, 0.01, 0.02) == pytest.approx(20600.0)


@pytest.mark.equation(5, 6)
def test_meters():
    assert dc.meter_count(1000, 0.01, 0.5, 0.02) == pytest.approx(1020.0)  # 1 + 1% + 50% x 2%
    assert dc.meter_cost(1000, {"residential": 170.0}, {"residential": 1.0}, 0.1) == pytest.approx(17000.0)


@pytest.mark.equation(7)
def test_it_cost_model():
    # Table 11, DSO #1: distribution management system, $50,000 + $25,000 x 1,442 = $36,100K.
    assert dc.it_system_capital_cost(50_000, 0, 0, 25_000, 3_843_475, 1442) == pytest.approx(36_100_000)
    # Table 12: urban AMI network, $119,894 per 1000 customers -> $460,810K (printed).
    assert round(dc.it_system_capital_cost(0, 119_894, 0, 0, 3_843_475, 0) / 1000) == 460_810
    # Square-root variant (study) differs only in the c term.
    assert dc.it_system_capital_cost(0, 0, 1.0, 0, 4_000_000, 0, root_degree=2) == pytest.approx(4000**0.5)
    low, high = dc.substations_consistent_with(36_110, 50_000, 0, 0, 25_000, 3_843_475, 3)
    assert (low, high) == pytest.approx((1442.38, 1442.42))


def test_table7_capacities_and_costs(study: dc.CapitalInputs):
    t7 = dc.table7(study).set_index(["dso_type", "design"])
    assert t7.at[("urban", "new"), "capacity_mva"] == pytest.approx(150.0)  # 90 MW x 1.5 / 0.9
    assert t7.at[("suburban", "upgrade"), "capacity_mva"] == pytest.approx(10 * 1.5 / 0.9)  # one 10 MW feeder
    assert t7.at[("rural", "upgrade"), "substation_cost_kusd"] == pytest.approx(9953 - 8346)


def test_table13_network_column(study: dc.CapitalInputs):
    t13 = dc.table13(study).set_index("utility")
    assert t13.at["Pacific Gas & Electric", "network_kusd"] == pytest.approx(599_470.0)  # printed, exactly


def test_capital_expenses_lines(study: dc.CapitalInputs):
    customers, subs = dc.dso_example(study)
    shares = dc.dso_class_shares(study)
    bau = dc.capital_expenses(study, "urban", 25304.0, customers, subs, shares).set_index("line")
    trx = dc.capital_expenses(study, "urban", 25304.0, customers, subs, shares, 0.075, transactive=True).set_index("line")
    assert "Transactive retail markets" not in bau.index and "Transactive retail markets" in trx.index
    assert trx.at["Substations", "cost_kusd_per_yr"] < bau.at["Substations", "cost_kusd_per_yr"]
    assert trx.at["Feeders and circuits", "cost_kusd_per_yr"] == bau.at["Feeders and circuits", "cost_kusd_per_yr"]
    assert trx.at["Billing system", "cost_kusd_per_yr"] == pytest.approx(1.25 * bau.at["Billing system", "cost_kusd_per_yr"])


def test_readings_differ_where_documented(study: dc.CapitalInputs):
    printed = dc.load_capital_inputs("printed")
    assert printed.fleet["urban"].density_ratio_frac == pytest.approx(0.0063)
    assert study.fleet["urban"].density_ratio_frac == pytest.approx(0.00625)  # Table 37 homes and acres
    assert (printed.it_root_degree, study.it_root_degree) == (3.0, 2.0)


def test_zero_reduction_reproduces_bau_exactly(study: dc.CapitalInputs):
    for dso_type in DSO_TYPES:
        peak = dc.example_peak(study, dso_type)
        assert dc.fleet_cost(study, dso_type, peak, 0.0) == dc.fleet_cost(study, dso_type, peak)


INPUTS = dc.load_capital_inputs("study")


@given(st.sampled_from(DSO_TYPES), st.lists(st.floats(0.0, 0.3), min_size=2, max_size=2))
@settings(max_examples=40)
def test_transactive_fleet_cost_is_non_increasing_in_peak_reduction(dso_type, pair):
    low, high = sorted(pair)
    peak = dc.example_peak(INPUTS, dso_type)
    assert dc.fleet_cost(INPUTS, dso_type, peak, high) <= dc.fleet_cost(INPUTS, dso_type, peak, low) * (1 + 1e-12)


def test_savings_curve(study: dc.CapitalInputs):
    curve = dc.fleet_cost_savings(study, [0.0, 0.05, 0.15])
    assert (curve[curve["reduction_frac"] == 0.0]["savings_kusd_per_yr"] == 0.0).all()
    assert (curve.groupby("dso_type")["savings_frac"].apply(lambda s: s.is_monotonic_increasing)).all()
    shares = dc.service_area_shares(study)
    assert shares.groupby("dso_type")["land_share_frac"].sum().tolist() == pytest.approx([1.0, 1.0, 1.0])
