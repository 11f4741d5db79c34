"""Section 6: the generator owners', transmission owner's and ISO's cash-flow statements.

Tier 1 pins every equation (67-76) on a hand-computed example; tier 3 checks the money
flows between statements on the demonstration case (what the DSOs pay arrives at the
bulk stakeholders, to the last dollar) and hypothesis properties of the proration and
the revenue allocation.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dsot.accf import printed_grid_accf
from dsot.cases.cache import default_case
from dsot.cfs import bulk
from dsot.params import ParameterError, data_dir, load_published
from dsot.valuation import value_case

EXACT = 1e-12
"""Relative tolerance for amounts that must sum exactly (floating-point rounding only)."""


# --- Tier 1: the equations on hand-computed examples -------------------------------------------------


@pytest.mark.equation(67)
def test_generator_capital_expense_is_overnight_cost_times_capacity_times_accf():
    # 1,000 MW of combined cycle at Table 25's 978 $/kW = 978,000 $K; x 9.13% (Table 2) = 89,291.4 $K/yr.
    cost = bulk.generator_capital_cost_kusd(978.0, 1000.0)
    assert float(cost) == 978_000.0
    assert float(bulk.generator_capital_expense_kusd(cost, 0.0913)) == pytest.approx(89_291.4, abs=1e-9)
    # vectorized over generators: 500 MW of wind at 1,877 $/kW -> 938,500 $K x 9.13% = 85,685.05 $K/yr
    both = bulk.generator_capital_expense_kusd(bulk.generator_capital_cost_kusd([978.0, 1877.0], [1000.0, 500.0]), 0.0913)
    assert both.tolist() == pytest.approx([89_291.4, 85_685.05])
    with pytest.raises(ValueError, match="fraction"):
        bulk.generator_capital_expense_kusd(cost, 9.13)


@pytest.mark.equation(68)
def test_production_cost_is_variable_plus_startup():
    # 2.5 $K of energy cost (Eq. 69 example) plus 30 $K of starts (Eq. 70 example).
    assert bulk.generator_production_cost_kusd([2.5, 0.0], [30.0, 4.0]).tolist() == [32.5, 4.0]


@pytest.mark.equation(69)
def test_variable_cost_sums_five_minute_energy_times_c1():
    # Generator 1: 100 MW for 6 intervals and 40 MW for 6 -> 50 + 20 = 70 MWh at 25 $/MWh = 1,750 $.
    # Generator 2: 12 MW all hour -> 12 MWh at 10 $/MWh = 120 $.
    output = np.array([[100.0] * 6 + [40.0] * 6, [12.0] * 12])
    assert bulk.generator_variable_cost_kusd(output, [25.0, 10.0]).tolist() == pytest.approx([1.75, 0.12])
    assert bulk.generator_energy_mwh(output).tolist() == [70.0, 12.0]
    with pytest.raises(ValueError, match="1 values for 2 generators"):
        bulk.generator_variable_cost_kusd(output, [25.0])
    with pytest.raises(ValueError, match="2-dimensional"):
        bulk.generator_variable_cost_kusd([100.0] * 12, [25.0])


@pytest.mark.equation(70)
def test_startup_cost_sums_daily_starts_times_cost_per_start():
    # 1 + 2 + 0 starts at 10,000 $ = 30 $K; 1 start at 4,000 $ = 4 $K.
    starts = [[1, 2, 0], [0, 0, 1]]
    assert bulk.generator_startup_cost_kusd(starts, [10_000.0, 4_000.0]).tolist() == [30.0, 4.0]
    with pytest.raises(ValueError, match="negative"):
        bulk.generator_startup_cost_kusd([[-1]], [1.0])


@pytest.mark.equation(71)
def test_energy_revenue_prices_each_interval_at_the_node_lmp():
    # 100 MW for an hour, 6 intervals at 20 $/MWh and 6 at 40: 50 MWh x 20 + 50 MWh x 40 = 3,000 $.
    # A second generator at another node, 60 MW at -5 $/MWh (negative prices are paid by the seller): -300 $.
    lmp_by_node = [[20.0] * 6 + [40.0] * 6, [-5.0] * 12]
    prices = bulk.node_prices(lmp_by_node, [1, 2], [1, 2])
    revenue = bulk.generator_energy_revenue_kusd([[100.0] * 12, [60.0] * 12], prices)
    assert revenue.tolist() == pytest.approx([3.0, -0.3])
    with pytest.raises(ValueError, match="no price series for generator node"):
        bulk.node_prices(lmp_by_node, [1, 2], [3])
    with pytest.raises(ValueError, match="shape"):
        bulk.generator_energy_revenue_kusd([[1.0] * 12], [[1.0] * 11])


@pytest.mark.equation(72)
def test_transmission_capital_expense_is_capital_cost_times_accf():
    # Study: 169 $/kW x 71,000 MW = 11,999,000 $K; x 8.25% (Table 2) = 989,917.5 $K/yr.
    cost = bulk.transmission_capital_cost_kusd("per_kw_of_peak", 16.6e9, 169.0, 71_000.0)
    assert cost == 11_999_000.0
    assert bulk.transmission_capital_expense_kusd(cost, 0.0825) == pytest.approx(989_917.5)
    # Printed: the stated $16.6 billion x 8.25% = 1,369,500 $K/yr, whatever the peak.
    total = bulk.transmission_capital_cost_kusd("system_total", 16.6e9, 169.0, 1.0)
    assert bulk.transmission_capital_expense_kusd(total, 0.0825) == pytest.approx(1_369_500.0)
    with pytest.raises(ValueError, match="unknown transmission capital basis"):
        bulk.transmission_capital_cost_kusd("per_mile", 1.0, 1.0, 1.0)  # type: ignore[arg-type]


@pytest.mark.equation(73)
def test_transmission_revenue_is_the_postage_stamp_rate_on_all_dsos_energy():
    # 12.38 $/MWh x (60 + 40) TWh = 1,238,000 $K/yr.
    assert bulk.transmission_owner_revenue_kusd(12.38, [60e6, 40e6]) == pytest.approx(1_238_000.0)


@pytest.mark.equation(74)
def test_transmission_operating_expense_is_revenue_less_capital():
    # Examples of Eqs. 72-73: 1,238,000 - 989,917.5 = 248,082.5 $K/yr.
    assert bulk.transmission_operating_expense_kusd(1_238_000.0, 989_917.5) == 248_082.5


@pytest.mark.equation(75)
def test_iso_costs_are_the_reference_fee_revenue_raised_by_f_hr():
    # (1 + 25%) x 0.555 $/MWh x 400 TWh = 277,500 $K/yr; moderate renewables: 222,000 $K/yr.
    assert bulk.iso_costs_kusd(0.555, 400e6, 0.25) == pytest.approx(277_500.0)
    assert bulk.iso_costs_kusd(0.555, 400e6, 0.0) == pytest.approx(222_000.0)
    with pytest.raises(ValueError, match="negative"):
        bulk.iso_costs_kusd(0.555, 400e6, -0.1)


@pytest.mark.equation(76)
def test_iso_fee_is_resolved_from_the_costs():
    # 277,500 $K over 380 TWh: 0.730263 $/MWh recovers the costs; the printed form divides by 1.25 again: 0.584211.
    recovering = bulk.iso_fee_rate_usd_per_mwh(277_500.0, 380e6, 0.25, "cost_recovery")
    printed = bulk.iso_fee_rate_usd_per_mwh(277_500.0, 380e6, 0.25, "as_printed")
    assert recovering == pytest.approx(0.7302631578947368)
    assert printed == pytest.approx(0.5842105263157894)
    assert recovering * 380e6 / 1000.0 == pytest.approx(277_500.0)
    # moderate renewables: both readings give the MR BAU fee back on the BAU energy
    assert bulk.iso_fee_rate_usd_per_mwh(222_000.0, 400e6, 0.0, "as_printed") == pytest.approx(0.555)
    with pytest.raises(ValueError, match="positive"):
        bulk.iso_fee_rate_usd_per_mwh(1.0, 0.0, 0.0, "cost_recovery")
    with pytest.raises(ValueError, match="unknown ISO fee reading"):
        bulk.iso_fee_rate_usd_per_mwh(1.0, 1.0, 0.0, "other")  # type: ignore[arg-type]


def test_proration_and_capacity_credits():
    # 100 $K over weights 1:3:0; capacity credit 0.13 turns 100 MW of wind into 13 MW.
    assert bulk.prorated_kusd(100.0, [1.0, 3.0, 0.0]).tolist() == [25.0, 75.0, 0.0]
    assert bulk.capacity_weights_mw([100.0, 100.0, 100.0], [1.0, 0.13, 0.38]).tolist() == [100.0, 13.0, 38.0]
    assert bulk.prorated_kusd(0.0, [0.0, 0.0]).tolist() == [0.0, 0.0]
    with pytest.raises(ValueError, match="no recipient has a positive weight"):
        bulk.prorated_kusd(5.0, [0.0, 0.0])
    with pytest.raises(ValueError, match="negative"):
        bulk.prorated_kusd(5.0, [1.0, -1.0])


def test_revenue_allocation_follows_section_6_1():
    # Costs 60 (capital), 20 (fixed), 20 (fuel), 0 (startup).  Revenue 50 < 100: half of each cost.
    # Revenue 130 > 100: each cost in full and the 30 of profit to fixed costs.
    costs = [[60.0, 20.0, 20.0, 0.0], [60.0, 20.0, 20.0, 0.0], [0.0, 0.0, 0.0, 0.0]]
    out = bulk.revenue_allocation_kusd([50.0, 130.0, 7.0], costs, 1)
    assert out.tolist() == [[30.0, 10.0, 10.0, 0.0], [60.0, 50.0, 20.0, 0.0], [0.0, 7.0, 0.0, 0.0]]
    with pytest.raises(ValueError, match="negative"):
        bulk.revenue_allocation_kusd([1.0], [[-1.0, 0.0]], 1)


# --- inputs and their errors ---------------------------------------------------------------------------


def test_inputs_follow_table_2_table_25_and_section_6():
    params = bulk.load_bulk_parameters("study")
    assert params.generation_accf_frac == pytest.approx(printed_grid_accf("Generation owner", "Blended average", "Generator"))
    assert params.technologies["wind"].capacity_credit_frac == 0.13
    assert params.technologies["solar"].capacity_credit_frac == 0.38
    assert not params.technologies["wind"].ancillary_service_eligible
    assert params.technologies["coal"].ancillary_service_eligible
    assert params.iso_cost_increase_frac == {"MR": 0.0, "HR": 0.25}
    assert (params.transmission_capital_usd_per_kw, params.accf_transmission_frac) == (169.0, pytest.approx(0.0825))
    assert params.iso_reference_fee_usd_per_mwh == 0.555
    printed = bulk.load_bulk_parameters("printed")
    assert (printed.transmission_capital_basis, printed.iso_fee_reading) == ("system_total", "as_printed")
    assert (params.transmission_capital_basis, params.iso_fee_reading) == ("per_kw_of_peak", "cost_recovery")


def test_table25_is_transcribed_at_the_printed_precision():
    # Every printed value of Table 25 is the value the generator CFS uses (audit status "reproduced").
    from dsot.audit import audit

    rows = audit("study")
    rows = rows[rows["ref"] == "T25"]
    assert len(rows) == len(load_published("table_25_generation_costs")) == 15
    assert (rows["status"] == "reproduced").all(), rows[rows["status"] != "reproduced"].to_string()
    shown = bulk.table25(bulk.load_bulk_parameters("study")).set_index("technology")
    assert shown.at["coal", "overnight_capital_cost_usd_per_kw"] == 3636.0
    assert shown.at["nuclear", "fixed_om_usd_per_kw_yr"] == 100.28


def test_a_technology_without_table25_costs_is_named_with_its_file_row_and_column():
    generators = pd.DataFrame({"generator": [1, 2], "technology": ["coal", "geothermal"]})
    where = r"generation\.csv, column 'technology'.*'geothermal'.*generator 2.*row 1, column 'technology'"
    with pytest.raises(ParameterError, match=where):
        bulk.technology_inputs(bulk.load_bulk_parameters("study"), generators)


def _copy_data(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    shutil.copytree(data_dir(), root)
    return root


def test_a_missing_table25_value_stops_the_load(tmp_path: Path):
    root = _copy_data(tmp_path)
    path = root / "parameters" / "generation.csv"
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("fixed_om_cost,wind,")]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ParameterError, match=r"generation\.csv: no row for parameter 'fixed_om_cost' \(technology='wind'"):
        bulk.load_bulk_parameters("study", data=root)


def test_a_malformed_table25_value_is_located(tmp_path: Path):
    root = _copy_data(tmp_path)
    path = root / "parameters" / "generation.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("coal,all,all,3636,", "coal,all,all,3.6k,"), encoding="utf-8")
    with pytest.raises(ParameterError, match=r"generation\.csv, row 7 \(line 8\), column 'value': '3\.6k' is not a number"):
        bulk.load_bulk_parameters("study", data=root)


@pytest.mark.parametrize("stakeholder", ["generator", "transmission_owner", "iso"])
def test_line_trees_are_well_formed(stakeholder):
    lines = bulk.statement_lines(stakeholder)
    assert {"revenues", "balance"} <= set(lines["line"])
    assert lines["level"].between(1, 4).all()


def test_a_broken_line_tree_is_located(tmp_path: Path):
    root = _copy_data(tmp_path)
    path = root / "cfs" / "iso_lines.csv"
    text = path.read_text(encoding="utf-8").replace("revenues,Revenue (ISO fees),1,", "revenues,Revenue (ISO fees),1,fees")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ParameterError, match=r"iso_lines\.csv, row 2, column 'parent': 'fees' is not a line listed above"):
        bulk.statement_lines("iso", data=root)


# --- Tier 3: the demonstration case -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cases():
    return {"bau": default_case("bau"), "battery": default_case("transactive-batteries")}


@pytest.fixture(scope="module")
def valuations(cases):
    return {
        "bau": value_case(cases["bau"], "study"),
        "battery": value_case(cases["battery"], "study", bau=cases["bau"]),
    }


@pytest.fixture(scope="module")
def generators(cases, valuations):
    return {kind: bulk.generator_cfs(cases[kind], valuations[kind]) for kind in cases}


def _dso_total(valuation, line: str) -> float:
    rows = valuation.statements
    return float(rows.loc[rows["line"] == line, "cash_flow_kusd_per_yr"].sum())


@pytest.mark.parametrize("kind", ["bau", "battery"])
def test_capacity_and_ancillary_payments_arrive_in_full(generators, valuations, kind):
    frame, valuation = generators[kind], valuations[kind]
    assert frame["capacity_sales"].sum() == pytest.approx(_dso_total(valuation, "peak_capacity"), rel=EXACT)
    assert frame["ancillary_service_sales"].sum() == pytest.approx(_dso_total(valuation, "iso_reserves"), rel=EXACT)


@pytest.mark.parametrize("kind", ["bau", "battery"])
def test_capacity_follows_credited_nameplate_and_ancillary_follows_energy(generators, kind):
    frame = generators[kind]
    per_mw = frame["capacity_sales"] / frame["capacity_mw"]
    coal = per_mw[frame["technology"] == "coal"].iloc[0]
    credit = frame["technology"].map({"wind": 0.13, "solar": 0.38}).fillna(1.0)
    assert (per_mw / credit).to_numpy() == pytest.approx(coal, rel=1e-12)
    renewable = frame["technology"].isin(["wind", "solar"])
    assert (frame.loc[renewable, "ancillary_service_sales"] == 0.0).all()
    thermal = frame[~renewable & (frame["energy_mwh"] > 0)]
    per_mwh = thermal["ancillary_service_sales"] / thermal["energy_mwh"]
    assert per_mwh.to_numpy() == pytest.approx(per_mwh.iloc[0], rel=1e-12)


@pytest.mark.equation(69, 70, 71)
def test_generator_lines_match_a_direct_computation_from_the_case(cases, generators):
    # One coal and one combined-cycle unit, recomputed from the long tables with pandas joins.
    case, frame = cases["bau"], generators["bau"].set_index("generator")
    out = case.table("generator_5min")
    prices = case.table("system_5min")[["timestamp", "dso", "rt_lmp_usd_per_mwh"]]
    starts = case.table("generator_daily")
    info = case.table("generators").set_index("generator")
    for technology in ("coal", "natural_gas_combined_cycle"):
        g = int(info.index[info["technology"] == technology][-1])
        mine = out[out["generator"] == g].merge(prices[prices["dso"] == info.at[g, "dso"]], on="timestamp")
        energy = (mine["output_mw"] / 12).sum()
        assert frame.at[g, "energy_mwh"] == pytest.approx(energy)
        assert frame.at[g, "fuel_and_variable_om"] == pytest.approx(energy * info.at[g, "variable_cost_usd_per_mwh"] / 1000)
        assert frame.at[g, "energy_sales"] == pytest.approx((mine["output_mw"] / 12 * mine["rt_lmp_usd_per_mwh"]).sum() / 1000)
        count = starts.loc[starts["generator"] == g, "starts_count"].sum()
        assert frame.at[g, "startup_costs"] == pytest.approx(count * info.at[g, "cost_per_start_usd"] / 1000)


@pytest.mark.equation(67, 68)
@pytest.mark.parametrize("kind", ["bau", "battery"])
def test_generator_statements_add_up(generators, kind):
    f = generators[kind]
    assert f["variable_costs"].to_numpy() == pytest.approx((f["fuel_and_variable_om"] + f["startup_costs"]).to_numpy())
    assert f["operating_expenses"].to_numpy() == pytest.approx((f["fixed_costs"] + f["variable_costs"]).to_numpy())
    revenue = f["energy_sales"] + f["ancillary_service_sales"] + f["capacity_sales"]
    assert f["revenues"].to_numpy() == pytest.approx(revenue.to_numpy())
    balance = f["revenues"] - f["capital_expenses"] - f["operating_expenses"]
    assert f["balance"].to_numpy() == pytest.approx(balance.to_numpy())
    nuclear = f[f["technology"] == "nuclear"].iloc[0]
    assert nuclear["capital_expenses"] == pytest.approx(5945.0 * nuclear["capacity_mw"] * 0.0913)
    assert nuclear["fixed_costs"] == pytest.approx(100.28 * nuclear["capacity_mw"])
    assert list(f.columns[:6]) == list(bulk.GENERATOR_KEYS)


def test_totals_by_technology_add_up_to_the_fleet(generators):
    frame = generators["bau"]
    fleet = bulk.generator_cfs_totals(frame).set_index("line")["cash_flow_kusd_per_yr"]
    by_tech = bulk.generator_cfs_totals(frame, by="technology")
    assert set(by_tech["technology"]) == set(frame["technology"])
    summed = by_tech.groupby("line", sort=False)["cash_flow_kusd_per_yr"].sum()
    assert summed.loc[fleet.index].to_numpy() == pytest.approx(fleet.to_numpy())
    wide = bulk.generator_cfs_wide(frame).set_index("line")
    assert wide["total"].to_numpy() == pytest.approx(fleet.loc[wide.index].to_numpy())


@pytest.mark.parametrize("by", ["technology", None])
def test_revenue_allocation_conserves_revenue(generators, by):
    frame = generators["bau"]
    allocation = bulk.generator_revenue_allocation(frame, by=by)
    flows = allocation[list(bulk.COST_LINES)].sum(axis=1)
    assert flows.to_numpy() == pytest.approx(allocation["revenues"].to_numpy(), rel=EXACT)
    assert allocation["revenues"].sum() == pytest.approx(frame["revenues"].sum(), rel=EXACT)
    assert (allocation["profit"] <= allocation["fixed_costs"] + 1e-9).all()


def test_chart_data_covers_every_leaf(generators):
    bars = bulk.cost_revenue_by_technology({"BAU": generators["bau"]})
    costs = bars.loc[bars["side"] == "Costs", "value_musd_per_yr"].sum()
    f = generators["bau"]
    assert costs * 1000 == pytest.approx((f["capital_expenses"] + f["operating_expenses"]).sum())


@pytest.mark.equation(72, 73, 74)
def test_transmission_owner_collects_the_dsos_fees_and_balances_in_bau(cases, valuations):
    bau = bulk.transmission_owner_cfs(cases["bau"], valuations["bau"]).set_index("line")["cash_flow_kusd_per_yr"]
    assert bau["revenues"] == pytest.approx(_dso_total(valuations["bau"], "transmission_access"), rel=EXACT)
    rate = bulk.load_bulk_parameters("study").transmission_rate_usd_per_mwh
    assert bau["revenues"] == pytest.approx(bulk.transmission_owner_revenue_kusd(rate, bulk.delivered_energy_mwh(cases["bau"])))
    assert bau["capital_expenses"] == pytest.approx(169.0 * bulk.system_peak_mw(cases["bau"]) * 0.0825)
    assert bau["balance"] == pytest.approx(0.0, abs=1e-6)
    assert bau["total_expenses"] == pytest.approx(bau["capital_expenses"] + bau["operating_expenses"])


@pytest.mark.equation(72, 74)
def test_transmission_owner_keeps_bau_operating_expenses_in_a_transactive_case(cases, valuations):
    bau = bulk.transmission_owner_cfs(cases["bau"], valuations["bau"]).set_index("line")["cash_flow_kusd_per_yr"]
    trx = bulk.transmission_owner_cfs(cases["battery"], valuations["battery"], bau=cases["bau"])
    trx = trx.set_index("line")["cash_flow_kusd_per_yr"]
    assert trx["operating_expenses"] == pytest.approx(bau["operating_expenses"])
    assert trx["revenues"] == pytest.approx(_dso_total(valuations["battery"], "transmission_access"), rel=EXACT)
    assert trx["capital_expenses"] == pytest.approx(169.0 * bulk.system_peak_mw(cases["battery"]) * 0.0825)
    assert trx["balance"] == pytest.approx(trx["revenues"] - trx["capital_expenses"] - trx["operating_expenses"])
    with pytest.raises(ValueError, match="pass its BAU case"):
        bulk.transmission_owner_cfs(cases["battery"], valuations["battery"])
    with pytest.raises(ValueError, match="the valuation is of case"):
        bulk.transmission_owner_cfs(cases["bau"], valuations["battery"])


@pytest.mark.equation(14, 75, 76)
def test_iso_expenses_stay_at_bau_and_the_resolved_fee_recovers_them(cases, valuations):
    bau = bulk.iso_cfs(cases["bau"], valuations["bau"]).set_index("line")["cash_flow_kusd_per_yr"]
    trx = bulk.iso_cfs(cases["battery"], valuations["battery"], bau=cases["bau"]).set_index("line")["cash_flow_kusd_per_yr"]
    energy = bulk.delivered_energy_mwh(cases["bau"])
    assert bau["expenses"] == pytest.approx(0.555 * energy / 1000.0)
    assert bau["revenues"] == pytest.approx(_dso_total(valuations["bau"], "iso_fees"), rel=EXACT)
    assert bau["balance"] == pytest.approx(0.0, abs=1e-6)
    assert trx["expenses"] == pytest.approx(bau["expenses"])
    assert trx["revenues"] == pytest.approx(_dso_total(valuations["battery"], "iso_fees"), rel=EXACT)
    fees = bulk.iso_fees(cases["battery"], valuations["battery"], bau=cases["bau"]).iloc[0]
    assert fees["fees_at_resolved_fee_kusd"] == pytest.approx(fees["costs_kusd"], rel=EXACT)
    assert fees["fee_charged_usd_per_mwh"] == pytest.approx(0.555)  # the study's DSO statements keep the MR BAU fee
    assert fees["fee_resolved_usd_per_mwh"] == pytest.approx(0.555 * energy / fees["energy_mwh"])
    with pytest.raises(ValueError, match="bau must be a BAU case"):
        bulk.iso_cfs(cases["battery"], valuations["battery"], bau=cases["battery"])


# --- Tier 3: properties ----------------------------------------------------------------------------------------

amounts = st.floats(min_value=-1e7, max_value=1e7, allow_nan=False)
weights = st.lists(st.floats(min_value=0.0, max_value=1e5, allow_nan=False), min_size=1, max_size=20)
cost_rows = st.lists(st.floats(min_value=0.0, max_value=1e6, allow_nan=False), min_size=4, max_size=4)


@given(amounts, weights)
def test_prorated_shares_sum_to_the_total(total, w):
    if sum(w) <= 0:
        return
    shares = bulk.prorated_kusd(total, w)
    assert shares.sum() == pytest.approx(total, rel=1e-9, abs=1e-6)
    assert (np.sign(shares) * np.sign(total) >= 0).all()


@given(st.floats(min_value=0.0, max_value=1e7, allow_nan=False), cost_rows)
def test_allocation_conserves_revenue_and_covers_costs_in_order(revenue, costs):
    out = bulk.revenue_allocation_kusd([revenue], [costs], 1)[0]
    assert out.sum() == pytest.approx(revenue, rel=1e-9, abs=1e-6)
    assert (out >= -1e-9).all()
    others = [0, 2, 3]
    assert (out[others] <= np.asarray(costs)[others] * (1 + 1e-12) + 1e-9).all()
    if revenue >= sum(costs):
        assert out[others].tolist() == pytest.approx(np.asarray(costs)[others].tolist())


@given(
    st.floats(min_value=0.01, max_value=10.0),
    st.floats(min_value=1e3, max_value=1e9),
    st.floats(min_value=1e3, max_value=1e9),
    st.sampled_from([0.0, 0.25]),
)
def test_the_resolved_iso_fee_recovers_the_iso_costs(reference_fee, reference_energy, energy, increase):
    costs = bulk.iso_costs_kusd(reference_fee, reference_energy, increase)
    fee = bulk.iso_fee_rate_usd_per_mwh(costs, energy, increase, "cost_recovery")
    assert fee * energy / 1000.0 == pytest.approx(costs, rel=1e-12)
    printed = bulk.iso_fee_rate_usd_per_mwh(costs, energy, increase, "as_printed")
    assert printed * (1 + increase) == pytest.approx(fee, rel=1e-12)


@pytest.mark.parametrize("kind", ["bau", "battery"])
def test_dso_payments_reconcile_with_generator_receipts(generators, valuations, kind):
    flows = bulk.dso_payments_to_generators(valuations[kind], generators[kind]).set_index("flow")
    assert flows.loc[["capacity", "ancillary services"], "difference_kusd"].abs().max() < 1e-6
    energy = sum(_dso_total(valuations[kind], line) for line in ("day_ahead_energy", "real_time_energy", "bilateral_energy"))
    assert flows.at["energy", "paid_by_dsos_kusd"] == pytest.approx(energy)
    assert flows.at["energy", "received_by_generators_kusd"] == pytest.approx(generators[kind]["energy_sales"].sum())


def test_statements_side_by_side_keeps_the_line_tree(cases, valuations):
    iso = {k: bulk.iso_cfs(cases[k], valuations[k], bau=cases["bau"]) for k in ("bau", "battery")}
    wide = bulk.statements_side_by_side(iso)
    assert list(wide.columns) == ["line", "label", "level", "parent", "bau", "battery"]
    assert wide["battery"].tolist() == iso["battery"]["cash_flow_kusd_per_yr"].tolist()
    to = bulk.transmission_owner_cfs(cases["bau"], valuations["bau"])
    with pytest.raises(ValueError, match="other lines"):
        bulk.statements_side_by_side({"iso": iso["bau"], "to": to})
