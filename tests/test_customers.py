"""Section 5: customer asset costs (Eqs. 62-66), Table 23 and the customer cash-flow statement.

Tier 1: every equation by hand from the report's parameters.  Tier 2: Table 23 against
the printed values.  Tier 3: invariants of the customer CFS on the demonstration case
(bills add up to the DSOs' revenues, the balance identity, BAU as the reference).
"""

from __future__ import annotations

import math
import shutil
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dsot import customers as cu
from dsot.audit import audit, is_internal, matches_printed
from dsot.cases.cache import default_case
from dsot.cases.schema import CaseError
from dsot.params import ParameterError, data_dir, load_published
from dsot.valuation import value_case

# --- the hand example: a participating single-family homeowner -------------------------------------------
# ACCFs: Table 3, Single-Family, as printed: smart thermostat marginal 8.23%, smart water heater marginal
# 8.23%, battery total 9.19%, smart EV charger marginal 8.66%, PV total 9.65%.
ACCF_THERMOSTAT, ACCF_WATER_HEATER, ACCF_BATTERY, ACCF_EV, ACCF_PV = 0.0823, 0.0823, 0.0919, 0.0866, 0.0965
# Burdened labour = Texas wage / 0.7 (Section 5.1): maintenance and repair 22.60 $/h (the study's rate),
# plumber 28.90 $/h (Section 5.1.2), electrician 30.97 $/h (the study's rate).
MAINTENANCE, PLUMBER, ELECTRICIAN = 22.60, 28.90, 30.97
ZONES = 1  # 2,000 sqft, one zone per 2,500 sqft rounded up (assumed; customer_assets.csv)
PV_PRICE = 3609.50  # residential bin 4-8 kW: midpoint of the printed 3,132-4,087 $/kW (assumed)

HAND = {
    "printed": {
        # Eq. 62: Zones x ACCF x (Price + InstallCapital + InstallTime x Labor), Section 5.1.1's values
        "C1a": ZONES * ACCF_THERMOSTAT * (154.90 + 13.0 + 0.7 * MAINTENANCE),
        # Eq. 63: ACCF x (controller 141.76 + mixing valve 90.48 + 3 h x plumber)
        "C1b": ACCF_WATER_HEATER * ((141.76 + 90.48) + 3.0 * PLUMBER),
        "C1c": 0.0,
        # Eq. 64 as printed: ACCF x (83 $/kWh x 13.5 kWh + 0.03 c/kWh x 13.5 kWh + 9.56 $)
        "C1d": ACCF_BATTERY * (83.0 * 13.5 + 0.0003 * 13.5 + 9.56),
        # Eq. 65: ACCF x (254 $ + 0 $ + 0 h x electrician)
        "C1e": ACCF_EV * (254.0 + 0.0 + 0.0 * ELECTRICIAN),
        # Eq. 66 as printed: ACCF x (price x 5 kW + 23.50 $/kW x 5 kW)
        "C2": ACCF_PV * (PV_PRICE * 5.0 + 23.50 * 5.0),
    },
    "study": {
        "C1a": ZONES * ACCF_THERMOSTAT * (154.90 + 13.0 + 0.7 * MAINTENANCE),
        "C1b": ACCF_WATER_HEATER * ((141.76 + 90.48) + 3.0 * PLUMBER),
        "C1c": 0.0,
        # the study: O&M outside the ACCF; variable O&M on a year's throughput (one cycle a day, assumed)
        "C1d": ACCF_BATTERY * 83.0 * 13.5 + 9.56 + 0.0003 * 13.5 * 365,
        "C1e": ACCF_EV * (254.0 + 0.0 + 0.0 * ELECTRICIAN),
        # the study: PV O&M a flat 23.50 $ per system and year, outside the ACCF
        "C2": ACCF_PV * PV_PRICE * 5.0 + 23.50,
    },
}


@pytest.mark.equation(62, 63, 64, 65, 66)
@pytest.mark.parametrize("parameter_set", ["printed", "study"])
def test_hand_example_line_by_line(parameter_set):
    costs = cu.asset_costs(cu.example_customer(), cu.load_customer_asset_parameters(parameter_set)).iloc[0]
    for line, expected in HAND[parameter_set].items():
        assert costs[line] == pytest.approx(expected, rel=1e-9, abs=1e-12), line


def test_hand_example_numbers_in_dollars():
    # the arithmetic above, evaluated: 15.120156, 26.248762, 103.852886 / 114.0122, 21.9964, 1752.9225 / 1765.08375
    assert HAND["printed"]["C1a"] == pytest.approx(15.120156, abs=1e-6)
    assert HAND["printed"]["C1b"] == pytest.approx(26.248762, abs=1e-6)
    assert HAND["printed"]["C1d"] == pytest.approx(103.8528862, abs=1e-6)
    assert HAND["study"]["C1d"] == pytest.approx(114.0122, abs=1e-6)
    assert HAND["printed"]["C2"] == pytest.approx(1752.9225, abs=1e-6)
    assert HAND["study"]["C2"] == pytest.approx(1765.08375, abs=1e-6)
    table = cu.example_costs().set_index("line")
    assert table.loc["C1e", "printed"] == table.loc["C1e", "study"] == pytest.approx(21.9964, rel=1e-12)


# --- the equations one by one ----------------------------------------------------------------------------


@pytest.mark.equation(62)
def test_hvac_controls_scale_with_zones_and_vanish_without_them():
    one = cu.hvac_controls_cost_usd_per_yr(1, 0.0467, 154.90, 13.0, 0.7, MAINTENANCE)
    assert one == pytest.approx(0.0467 * 183.72, rel=1e-12)
    many = cu.hvac_controls_cost_usd_per_yr(np.array([0.0, 2.0, 13.368]), 0.0467, 154.90, 13.0, 0.7, MAINTENANCE)
    np.testing.assert_allclose(many, [0.0, 2 * one, 13.368 * one], rtol=1e-12)


@pytest.mark.equation(62)
def test_commercial_hvac_zones_under_both_readings():
    office = pd.DataFrame(
        {
            "customer_class": ["commercial"], "building_type": ["Office, Large"], "owner_type": ["Business"],
            "construction": ["new"], "participating": [True], "floor_area_sqft": [33_420.0], "pv_kw": [0.0],
            "battery_kwh": [0.0], "ev_charger_kw": [0.0], "smart_thermostat": [True], "smart_water_heater": [False],
        }
    )  # fmt: skip
    # Table 4, Office, Large: smart large HVAC marginal 9.42%.
    printed = cu.asset_costs(office, cu.load_customer_asset_parameters("printed")).iloc[0]
    study = cu.asset_costs(office, cu.load_customer_asset_parameters("study")).iloc[0]
    assert printed["C1c"] == pytest.approx(14 * 0.0942 * (154.90 + 13.0 + 0.7 * MAINTENANCE), rel=1e-9)  # ceil(13.368)
    assert study["C1c"] == pytest.approx(33_420.0 / 2_500.0 * 0.0942 * 154.90, rel=1e-9)  # equipment price only
    assert printed["C1a"] == study["C1a"] == 0.0


@pytest.mark.equation(63)
def test_water_heater_controls():
    assert cu.water_heater_controls_cost_usd_per_yr(0.05, 232.24, 3.0, PLUMBER) == pytest.approx(0.05 * 318.94, rel=1e-12)
    assert cu.water_heater_controls_cost_usd_per_yr(0.0, 232.24, 3.0, PLUMBER) == 0.0


@pytest.mark.equation(64)
def test_battery_cost_readings_differ_only_in_om():
    printed = cu.battery_cost_usd_per_yr(0.0919, 83.0, 13.5, 0.0003, 9.56)
    study = cu.battery_cost_usd_per_yr(0.0919, 83.0, 13.5, 0.0003, 9.56, variable_om_kwh_per_yr=4927.5, om_outside_accf=True)
    capital = 0.0919 * 83.0 * 13.5
    assert printed - capital == pytest.approx(0.0919 * (0.0003 * 13.5 + 9.56), rel=1e-12)
    assert study - capital == pytest.approx(0.0003 * 4927.5 + 9.56, rel=1e-12)


@pytest.mark.equation(65)
def test_ev_charger_controls():
    assert cu.ev_charger_controls_cost_usd_per_yr(0.0866, 254.0, 0.0, 0.0, ELECTRICIAN) == pytest.approx(21.9964, rel=1e-12)
    assert cu.ev_charger_controls_cost_usd_per_yr(0.1, 254.0, 10.0, 2.0, 30.0) == pytest.approx(0.1 * 324.0, rel=1e-12)


@pytest.mark.equation(66)
def test_pv_cost_and_size_bins():
    assert cu.pv_cost_usd_per_yr(0.0785, 2576.0, 23.429, 17.62, om_outside_accf=True) == pytest.approx(
        0.0785 * 2576.0 * 23.429 + 17.62, rel=1e-12
    )
    params = cu.load_customer_asset_parameters("study")
    bins = params.pv_bins["commercial"]
    prices = cu.pv_installed_price_usd_per_kw([9.99, 10.0, 10.01, 150.0], bins.bin_max_kw, bins.prices_usd_per_kw)
    assert list(prices) == [3290.54, 3290.54, 2576.0, 1922.0]  # the study's < 10 kW bin (facts file)
    printed = cu.load_customer_asset_parameters("printed").pv_bins["commercial"]
    assert printed.prices_usd_per_kw[0] == 3230.0 and max(printed.prices_usd_per_kw) == 3230.0  # top of the printed range


@pytest.mark.equation(62, 63, 64, 65, 66)
@pytest.mark.parametrize(
    ("function", "args"),
    [
        (cu.hvac_controls_cost_usd_per_yr, (-1.0, 0.05, 154.9, 13.0, 0.7, 22.6)),
        (cu.water_heater_controls_cost_usd_per_yr, (0.05, -232.24, 3.0, 28.9)),
        (cu.battery_cost_usd_per_yr, (0.05, 83.0, -13.5, 0.0003, 9.56)),
        (cu.ev_charger_controls_cost_usd_per_yr, (1.5, 254.0, 0.0, 0.0, 30.97)),
        (cu.pv_cost_usd_per_yr, (0.05, 3000.0, math.nan, 23.5)),
    ],
    ids=["zones", "price", "size", "accf", "nan"],
)
def test_equations_reject_bad_input(function, args):
    with pytest.raises(ValueError, match="must"):
        function(*args)


sizes = st.floats(min_value=0.0, max_value=1e4, allow_nan=False)
rates = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)


@pytest.mark.equation(64, 66)
@given(accf=rates, size=sizes, factor=st.floats(min_value=0.0, max_value=10.0))
def test_first_costs_are_linear_in_size(accf, size, factor):
    battery = lambda s: cu.battery_cost_usd_per_yr(accf, 83.0, s, 0.0003, 0.0)  # noqa: E731
    pv = lambda s: cu.pv_cost_usd_per_yr(accf, 3000.0, s, 0.0)  # noqa: E731
    assert battery(factor * size) == pytest.approx(factor * battery(size), rel=1e-12, abs=1e-9)
    assert pv(factor * size) == pytest.approx(factor * pv(size), rel=1e-12, abs=1e-9)


@pytest.mark.equation(62, 63, 64, 65, 66)
@given(accf=rates, size=sizes, hours=st.floats(min_value=0.0, max_value=100.0), outside=st.booleans())
def test_costs_are_non_negative_and_grow_with_the_accf(accf, size, hours, outside):
    values = [
        cu.hvac_controls_cost_usd_per_yr(size, accf, 154.9, 13.0, hours, 22.6),
        cu.water_heater_controls_cost_usd_per_yr(accf, 232.24, hours, 28.9),
        cu.battery_cost_usd_per_yr(accf, 83.0, size, 0.0003, 9.56, om_outside_accf=outside),
        cu.ev_charger_controls_cost_usd_per_yr(accf, 254.0, 0.0, hours, 30.97),
        cu.pv_cost_usd_per_yr(accf, 3132.0, size, 23.5, om_outside_accf=outside),
    ]
    assert all(v >= 0.0 for v in values)
    higher = cu.pv_cost_usd_per_yr(min(1.0, accf + 0.01), 3132.0, size, 23.5, om_outside_accf=outside)
    assert higher >= values[-1]


@given(zone=st.floats(min_value=100.0, max_value=10_000.0), area=st.floats(min_value=0.0, max_value=1e6))
def test_whole_zones_cover_the_floor_area(zone, area):
    whole = cu.hvac_zones(area, zone, whole=True)
    assert whole >= 1.0 and whole == math.ceil(whole)
    assert whole >= cu.hvac_zones(area, zone, whole=False) - 1e-9


def test_burdened_labour_is_the_wage_over_its_share():
    assert cu.burdened_labor_rate_usd_per_hr(20.23, 0.7) == pytest.approx(28.90, rel=1e-12)  # Section 5.1.2
    with pytest.raises(ValueError, match="compensation_ratio"):
        cu.burdened_labor_rate_usd_per_hr(20.0, 0.0)


def test_parameter_sets_differ_where_the_facts_file_says():
    printed, study = (cu.load_customer_asset_parameters(ps) for ps in ("printed", "study"))
    assert printed.labor_usd_per_hr == pytest.approx(study.labor_usd_per_hr)
    assert study.labor_usd_per_hr == pytest.approx({"hvac": 22.60, "water_heater": 28.90, "ev_charger": 30.97}, rel=1e-12)
    assert study.battery_fixed_om_usd_per_yr == pytest.approx(9.56) and study.om_outside_accf == {"battery": True, "pv": True}
    assert printed.om_outside_accf == {"battery": False, "pv": False}
    assert study.pv_om_per_system and not printed.pv_om_per_system
    assert study.thermostat_install_capital_usd["commercial"] == 0.0 and not study.whole_zones["commercial"]
    assert printed.water_heater_price_usd == pytest.approx(232.24)  # the report rounds it to $232


# --- Table 23 and line T1 -----------------------------------------------------------------------------------

T23_ALL = audit("study").query("ref == 'T23'")
T23 = T23_ALL[~is_internal(T23_ALL)]
"""Table 23's printed values (the internal checks of the table against itself are tested below)."""


@pytest.mark.parametrize(
    "row", list(T23.itertuples()), ids=[f"T23-{r.row}-{r.column}".replace(" ", "") for r in T23.itertuples()]
)
def test_table23_is_reproduced_at_printed_precision(row):
    assert row.status == "reproduced", row.explanation
    assert matches_printed(float(row.reproduced), Decimal(row.documented), row.precision)
    assert row.cause == ("" if "weighted" in row.column else "input")


def test_table23_has_every_building_type_and_column():
    published = load_published("table_23_tax_deductions")
    assert len(published) == 55 and published["building_type"].nunique() == 11
    assert len(T23) == 55


def test_table23_occupancy_shares_add_up_for_every_building_type():
    checks = T23_ALL[is_internal(T23_ALL)]
    assert len(checks) == 11 and checks["column"].str.contains("= 100").all()
    assert (checks["status"] == "reproduced").all() and (checks["cause"] == "").all()


def test_tax_increase_is_opposite_to_the_bill_change():
    assert cu.tax_increase_usd_per_yr(0.28, 1_000.0, 900.0) == pytest.approx(28.0)
    assert cu.tax_increase_usd_per_yr(0.28, 1_000.0, 1_100.0) == pytest.approx(-28.0)
    assert cu.tax_increase_usd_per_yr(0.0, 1_000.0, 900.0) == 0.0


# --- bad input -------------------------------------------------------------------------------------------------


def _broken(tmp_path: Path, relative: str, edit: Callable[[str], str]) -> Path:
    root = tmp_path / "data"
    shutil.copytree(data_dir(), root)
    path = root / relative
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    return root


def test_occupancy_shares_must_sum_to_one(tmp_path):
    root = _broken(
        tmp_path,
        "parameters/customer_assets.csv",
        lambda t: t.replace('"Office, Large",all,10,pct', '"Office, Large",all,20,pct'),
    )
    with pytest.raises(
        ParameterError,
        match=r"customer_assets\.csv, row \d+ \(line \d+\), column 'value': occupancy shares of 'Office, Large' sum to 110%",
    ):
        cu.load_customer_asset_parameters("study", root)


def test_pv_bins_must_increase(tmp_path):
    root = _broken(
        tmp_path, "parameters/customer_assets.csv", lambda t: t.replace("residential,bin2,all,8,kW", "residential,bin2,all,3,kW")
    )
    with pytest.raises(
        ParameterError, match=r"customer_assets\.csv, row \d+ \(line \d+\), column 'value': bin upper sizes must increase"
    ):
        cu.load_customer_asset_parameters("printed", root)


def test_bad_parameter_values_are_named_by_the_loader(tmp_path):
    root = _broken(
        tmp_path, "parameters/customer_assets.csv", lambda t: t.replace("evse_price,,,all,254,", "evse_price,,,all,25x,")
    )
    with pytest.raises(
        ParameterError, match=r"customer_assets\.csv, row \d+ \(line \d+\), column 'value': '25x' is not a number"
    ):
        cu.load_customer_asset_parameters("study", root)


def test_line_tree_must_be_consistent(tmp_path):
    root = _broken(tmp_path, "cfs/customer_lines.csv", lambda t: t.replace("C1d,Battery,3,C1,", "C1d,Battery,2,C1,"))
    with pytest.raises(ParameterError, match=r"customer_lines\.csv, row 17 \(line 18\), column 'parent'"):
        cu.customer_lines(root)


def test_unknown_building_type_names_the_customers_row():
    bad = cu.example_customer().assign(building_type="Igloo")
    with pytest.raises(CaseError, match=r"customers\.parquet, column 'building_type', row 0: no customer ACCF for Igloo"):
        cu.asset_costs(bad, cu.load_customer_asset_parameters("study"))
    with pytest.raises(CaseError, match=r"column 'customer_class', row 0: must be residential or commercial"):
        cu.asset_costs(cu.example_customer().assign(customer_class="industrial"), cu.load_customer_asset_parameters("study"))


def test_owner_and_construction_accfs_are_an_alternative_reading():
    params = cu.load_customer_asset_parameters("study", accf_basis="owner_and_construction")
    costs = cu.asset_costs(cu.example_customer(), params).iloc[0]
    by_type = cu.asset_costs(cu.example_customer(), cu.load_customer_asset_parameters("study")).iloc[0]
    assert params.accf_keys == ("owner_type", "construction")
    assert costs["C1d"] != by_type["C1d"] and costs["C1d"] > 0


# --- the demonstration case ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cases():
    return {"bau": default_case("bau"), "battery": default_case("transactive-batteries")}


@pytest.fixture(scope="module")
def valuations(cases):
    bau = value_case(cases["bau"], "study")
    return {"bau": bau, "battery": value_case(cases["battery"], "study", bau=cases["bau"])}


@pytest.fixture(scope="module", params=["study", "printed"])
def statements(request, cases, valuations):
    return {
        "bau": cu.customer_cfs(cases["bau"], valuations["bau"], request.param),
        "battery": cu.customer_cfs(cases["battery"], valuations["battery"], request.param, bau=valuations["bau"]),
    }


@pytest.mark.parametrize("kind", ["bau", "battery"])
def test_weighted_bills_are_the_dsos_retail_revenue(statements, valuations, kind):
    frame = statements[kind]
    billed = (frame["weight"] * frame["E"]).groupby(frame["dso"]).sum()
    sales = valuations[kind].rates.set_index("dso")["retail_sales_usd"]
    pd.testing.assert_series_equal(billed, sales, check_names=False, rtol=1e-12)


@pytest.mark.parametrize("kind", ["bau", "battery"])
def test_balance_identity_and_children_sum_to_parents(statements, kind):
    frame = statements[kind]
    np.testing.assert_allclose(frame["B"], frame["E"] + frame["C"] + frame["T"] - frame["R"], rtol=0, atol=1e-9)
    lines = cu.customer_lines()
    for parent, group in lines[lines["parent"] != ""].groupby("parent"):
        np.testing.assert_allclose(frame[list(group["line"])].sum(axis=1), frame[parent], rtol=1e-12, atol=1e-9)


def test_bau_is_the_reference(statements):
    bau = statements["bau"]
    assert (bau["B"].abs() < 1e-9).all() and (bau["T1"] == 0).all()
    assert (bau[["C1a", "C1b", "C1c", "C1d", "C1e"]] == 0).all().all()  # no flexible assets bought in BAU
    assert (bau["C2"] > 0).sum() > 0  # PV is costed in BAU


def test_battery_case_lines(statements, cases):
    battery, bau = statements["battery"], statements["bau"]
    owners = battery["C1d"] > 0
    assert owners.sum() == (cases["battery"].table("customers")["battery_kwh"] > 0).sum()
    assert (battery[["C1a", "C1b", "C1c", "C1e"]] == 0).all().all()  # the battery case flags no other responding asset
    np.testing.assert_array_equal(
        battery["C2"].to_numpy(), bau.set_index("customer")["C2"].reindex(battery["customer"]).to_numpy()
    )
    not_commercial = battery["customer_class"] != "commercial"
    assert (battery.loc[not_commercial, "T1"] == 0).all()
    commercial = battery[~not_commercial]
    bau_bill = bau.set_index("customer")["E"].reindex(commercial["customer"]).to_numpy()
    assert (np.sign(commercial["T1"]) == np.sign(bau_bill - commercial["E"])).all()
    industrial = battery[battery["customer_class"] == "industrial"]
    assert len(industrial) == 8 and (industrial[["C", "T"]] == 0).all().all()


def test_totals_in_table22_form(statements):
    frame = statements["battery"]
    total = cu.customer_cfs_totals(frame).set_index("line")["cash_flow_kusd_per_yr"]
    assert total["B"] == pytest.approx(total["E"] + total["C"] + total["T"] - total["R"], rel=1e-12)
    assert total["E"] * 1e3 == pytest.approx(float((frame["weight"] * frame["E"]).sum()), rel=1e-12)
    for key in ("customer_class", "building_type", "participating", "dso"):
        by = cu.customer_cfs_totals(frame, key)
        assert list(by.columns) == [key, "line", "label", "level", "parent", "cash_flow_kusd_per_yr"]
        summed = by.groupby("line", sort=False)["cash_flow_kusd_per_yr"].sum()
        np.testing.assert_allclose(summed.reindex(total.index), total, rtol=1e-12, atol=1e-6)
    wide = cu.customer_cfs_wide(frame, "customer_class")
    assert set(wide.columns) >= {"residential", "commercial", "industrial"}


def test_statement_columns(statements):
    frame = statements["battery"]
    lines = list(cu.customer_lines()["line"])
    assert list(frame.columns) == [*cu.CUSTOMER_COLUMNS, "participating", "weight", *lines]
    assert frame["customer"].is_unique


def test_customer_cfs_refuses_mismatched_inputs(cases, valuations):
    with pytest.raises(ValueError, match="pass its BAU valuation"):
        cu.customer_cfs(cases["battery"], valuations["battery"])
    with pytest.raises(ValueError, match="does not belong to case"):
        cu.customer_cfs(cases["bau"], valuations["battery"], bau=valuations["bau"])
