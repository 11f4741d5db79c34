"""One-at-a-time sensitivity: the levels come from the report, every level is computed through the data, results order."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dsot import charts
from dsot import sensitivity as sens
from dsot.cfs import dso as cfs
from dsot.overrides import overridden_data
from dsot.params import ParameterError, data_dir, load_parameters, parameter_value
from dsot.provenance import directory_hash

DATA = data_dir()
FILE = "parameters/sensitivity.csv"


@pytest.fixture(scope="module")
def factors() -> list[sens.Factor]:
    return sens.load_factors("study")


@pytest.fixture(scope="module")
def dso1(factors: list[sens.Factor]) -> tuple[pd.DataFrame, str, str]:
    """DSO #1 at every level of every factor (study set), with the data's hash before and after."""
    before = directory_hash(DATA)
    frame = sens.one_at_a_time(factors, [sens.dso1_measure()], "study", use_cache=False)
    return frame, before, directory_hash(DATA)


def at(frame: pd.DataFrame, factor: str, output: str) -> pd.Series:
    """Output values of one factor by level."""
    mine = frame[(frame["factor"] == factor) & (frame["output"] == output)]
    return mine.set_index("level")["output_value"]


# --- the levels -----------------------------------------------------------------------------------


def test_levels_are_the_ones_the_report_cites(factors):
    by_name = {f.name: f for f in factors}
    assert list(by_name) == ["capacity_price", "capacity_sensitivity_factor", "distribution_ownership", "battery_peak"]
    # Section 3.3.1.3: SF = 5 assumed (DOE 2021); Figure 8 implies ~4; Bowring (2013) ~8.4 (21% / 2.5%).
    sf = by_name["capacity_sensitivity_factor"]
    assert [sf.value(level) for level in sens.LEVELS] == [4.0, 5.0, 8.4]
    assert sf.value("high") == pytest.approx(21 / 2.5) and sf.value("low") == pytest.approx(30 / 7.5)
    # Section 3.3.1.3: 75 $/kW-yr nominal, 91 $/kW-yr for a 1000 $/kW turbine at ACCF 9.13%.
    price = by_name["capacity_price"]
    assert price.value("base") == 75.0 and price.value("high") == pytest.approx(1000 * 0.0913, abs=0.5)
    assert price.value("base") - price.value("low") == price.value("high") - price.value("base")


def test_base_levels_are_the_data(factors):
    wholesale = load_parameters("wholesale", "study")
    by_name = {f.name: f for f in factors}
    assert by_name["capacity_price"].value("base") == parameter_value(wholesale, "capacity_price")
    assert by_name["capacity_sensitivity_factor"].value("base") == parameter_value(wholesale, "capacity_sensitivity_factor")
    assert by_name["battery_peak"].value("base") == cfs.load_case("DSO #1", "battery").peak_mw
    frames = sens.data_frames()
    for name in ("capacity_price", "capacity_sensitivity_factor", "battery_peak"):
        assert all(sens.is_no_op(s, frames) for s in by_name[name].settings["base"])
    ownership = by_name["distribution_ownership"].settings["base"]
    assert [sens.is_no_op(s, frames) for s in ownership] == [True, False]  # the Table 36 share; the ACCF switch


def test_peak_levels_are_ten_and_five_percent_below_bau(factors):
    peak = next(f for f in factors if f.name == "battery_peak")
    bau = cfs.load_case("DSO #1", "bau").peak_mw
    assert peak.value("low") == pytest.approx(0.90 * bau, abs=0.01)
    assert peak.value("high") == pytest.approx(0.95 * bau, abs=0.01)
    assert all(s.case_scalar for level in sens.LEVELS for s in peak.settings[level])


def test_ownership_levels_are_complete_mixes(factors):
    from dsot.accf import load_accf_inputs

    ownership = next(f for f in factors if f.name == "distribution_ownership")
    for level in ("low", "high"):
        with overridden_data([s.override() for s in ownership.settings[level]]):
            shares = load_accf_inputs("study").grid_ownership  # the loader checks that shares sum to 100%
        mine = shares[shares["asset_owner"] == "Distribution utility"]
        investor_owned = mine.loc[mine["investor"] == "Investor owned", "share_frac"]
        assert (investor_owned == ownership.value(level) / 100).all() and len(investor_owned) == 3


# --- bad input -----------------------------------------------------------------------------------


def edited(tmp_path: Path, edits: dict[str, tuple[str, str]]) -> Path:
    root = tmp_path / "data"
    shutil.copytree(DATA, root)
    for relative, (old, new) in edits.items():
        path = root / relative
        text = path.read_text(encoding="utf-8")
        assert old in text, old
        path.write_text(text.replace(old, new), encoding="utf-8")
    return root


SF_LOW = ",Price-quantity sensitivity factor SF,low,"
PRICE_LOW = "sensitivity_capacity_price,capacity_price,"
BAD_ROWS = [
    # (id, edits: file -> (old, new), expected message)
    ("level", {FILE: (SF_LOW, SF_LOW.replace("low", "lowest"))}, r"row 4 \(line 5\), column 'level': 'lowest' is not one of"),
    ("prefix", {FILE: (PRICE_LOW, PRICE_LOW.removeprefix("sensitivity_"))}, r"row 1 \(line 2\), column 'parameter'"),
    ("where-syntax", {FILE: ("dso=DSO #1;case=battery,21944.52", "dso:DSO #1,21944.52")}, r"'dso:DSO #1' is not key=value"),
    (
        "where-matches-nothing",
        {FILE: ("investor=Municipal,0,pct", "investor=Nobody,0,pct")},
        r"row 8 \(line 9\), column 'where': no row of data/parameters holds ownership_share",
    ),
    (
        "label",
        {FILE: (",Price-quantity sensitivity factor SF,high,", ",SF,high,")},
        r"column 'label': factor 'capacity_sensitivity_factor' is labelled",
    ),
    (
        "unit",
        {
            FILE: (",USD/kW-yr,", ",USD/kW,"),
            "symbols.csv": ("sensitivity_capacity_price,C_w,USD/kW-yr", "sensitivity_capacity_price,C_w,USD/kW"),
        },
        r"row 1 \(line 2\), column 'unit': capacity_price is in 'USD/kW-yr', not 'USD/kW'",
    ),
]


@pytest.mark.parametrize(("edits", "message"), [c[1:] for c in BAD_ROWS], ids=[c[0] for c in BAD_ROWS])
def test_bad_rows_are_refused_with_their_location(tmp_path, edits, message):
    with pytest.raises(ParameterError, match=message):
        sens.load_factors("study", edited(tmp_path, edits))


def test_a_missing_level_is_named(tmp_path):
    root = edited(tmp_path, {})
    path = root / FILE
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text(
        "".join(line for line in lines if ",Price-quantity sensitivity factor SF,high," not in line), encoding="utf-8"
    )
    with pytest.raises(
        ParameterError, match=r"sensitivity\.csv, column 'level': factor 'capacity_sensitivity_factor' has no high"
    ):
        sens.load_factors("study", root)


def test_unknown_factor_names_list_the_valid_ones(factors):
    assert [f.name for f in sens.select_factors(factors, ["battery_peak", "capacity_price"])] == [
        "battery_peak",
        "capacity_price",
    ]
    with pytest.raises(KeyError, match="unknown sensitivity factor 'capacity_prize'; valid names: capacity_price, "):
        sens.select_factors(factors, ["capacity_prize"])


def test_a_measure_blind_to_case_scalars_refuses_the_peak_factor(factors):
    blind = sens.Measure("blind", lambda ps, scalars: {"x": 1.0})
    with pytest.raises(ValueError, match="factor 'battery_peak' sets peak_demand in a DSO case"):
        sens.one_at_a_time(factors, [blind], "study", use_cache=False)
    frame = sens.one_at_a_time(sens.select_factors(factors, ["capacity_price"]), [blind], "study", use_cache=False)
    assert (frame["change_from_base"] == 0).all()


# --- DSO #1 -------------------------------------------------------------------------------------


def test_base_reproduces_table_21_exactly(dso1):
    frame = dso1[0]
    table = cfs.table21("study").set_index("line")
    for factor in ("capacity_price", "capacity_sensitivity_factor", "battery_peak"):
        assert at(frame, factor, "dso1_revenue_bau_kusd")["base"] == table.at["revenues", "bau_kusd_per_yr"]
        assert at(frame, factor, "dso1_revenue_batteries_kusd")["base"] == table.at["revenues", "case_kusd_per_yr"]


def test_an_override_to_the_data_value_changes_nothing(factors, dso1):
    base = next(f for f in factors if f.name == "capacity_price").settings["base"]
    forced = sens.run_measures([sens.dso1_measure()], "study", (base, ()), use_cache=False)  # a copy of data/, C_w = 75
    assert forced["dso1_revenue_batteries_kusd"] == at(dso1[0], "capacity_price", "dso1_revenue_batteries_kusd")["base"]


def test_revenue_rises_with_the_capacity_price(dso1):
    for output in ("dso1_revenue_bau_kusd", "dso1_revenue_batteries_kusd", "dso1_saving_kusd"):
        values = at(dso1[0], "capacity_price", output)
        assert values["low"] < values["base"] < values["high"]
        # Eq. 12 is linear in C_w, and the levels are symmetric about the base
        np.testing.assert_allclose(values["high"] - values["base"], values["base"] - values["low"], rtol=1e-9)


def test_a_larger_sensitivity_factor_cuts_the_battery_case_only(dso1):
    bau = at(dso1[0], "capacity_sensitivity_factor", "dso1_revenue_bau_kusd")
    assert bau["low"] == bau["base"] == bau["high"]  # study reading: SF multiplies only the peak cut
    battery = at(dso1[0], "capacity_sensitivity_factor", "dso1_revenue_batteries_kusd")
    assert battery["low"] > battery["base"] > battery["high"]


def test_cheaper_capital_lowers_revenue_and_the_switch_only_rounds(dso1):
    frame = dso1[0]
    bau = at(frame, "distribution_ownership", "dso1_revenue_bau_kusd")
    assert bau["low"] < bau["base"] < bau["high"]  # all cooperative < Table 36 < all investor-owned
    shared = at(frame, "capacity_price", "dso1_revenue_bau_kusd")["base"]
    assert bau["base"] != shared and abs(bau["base"] / shared - 1) < 1e-4  # Appendix A vs Table 2 rounded


def test_a_deeper_peak_cut_lowers_the_battery_case_only(dso1):
    bau = at(dso1[0], "battery_peak", "dso1_revenue_bau_kusd")
    assert bau["low"] == bau["base"] == bau["high"]
    battery = at(dso1[0], "battery_peak", "dso1_revenue_batteries_kusd")
    assert battery["low"] < battery["base"] < battery["high"]  # low = lowest peak = deepest cut
    sens._cfs_inputs.cache_clear()  # the levels reused the base's inputs: fresh ones give the same
    fresh = sens.dso1_revenues("study", {("DSO #1", "battery"): {"peak_mw": 21944.52}})
    assert fresh["dso1_revenue_batteries_kusd"] == battery["low"]


def test_the_data_are_untouched(dso1):
    _, before, after = dso1
    assert before == after
    assert os.environ.get("DSOT_DATA_DIR") in (None, str(DATA)) and data_dir() == DATA


def test_tornado_rows_are_sorted_by_swing(dso1):
    rows = sens.tornado_rows(dso1[0], "dso1_saving_kusd")
    assert len(rows) == 4 and rows["swing"].is_monotonic_decreasing
    np.testing.assert_allclose(rows["swing"], (rows["high_output"] - rows["low_output"]).abs())
    np.testing.assert_allclose(rows["high_change"], rows["high_output"] - rows["base_output"])
    assert rows["factor"].iloc[0] == "capacity_sensitivity_factor"
    with pytest.raises(KeyError, match="no output 'saving'"):
        sens.tornado_rows(dso1[0], "saving")
    table = sens.tornado_table(dso1[0], ["dso1_revenue_batteries_kusd", "dso1_saving_kusd"])
    assert table["output_label"].unique().tolist() == [
        sens.OUTPUTS["dso1_revenue_batteries_kusd"],
        sens.OUTPUTS["dso1_saving_kusd"],
    ]


def test_tornado_chart_draws_both_levels_of_every_factor(dso1):
    rows = sens.tornado_rows(dso1[0], "dso1_saving_kusd")
    spec = charts.tornado_chart(rows, "t", "x").to_dict()
    values = next(iter(spec["datasets"].values()))
    assert len(values) == 2 * len(rows)
    assert {v["setting"] for v in values} >= {"4", "8.4", "59", "91"}


# --- cache and the system measure ---------------------------------------------------------------------


def test_results_are_cached_by_code_data_and_settings(factors, tmp_path, monkeypatch):
    monkeypatch.setenv("DSOT_CACHE_DIR", str(tmp_path))
    calls = []
    measure = sens.Measure("counting", lambda ps, scalars: calls.append(ps) or {"x": float(len(calls))})
    price = next(f for f in factors if f.name == "capacity_price")
    key = sens.run_key(price.settings["high"], sens.data_frames())
    first = sens.run_measures([measure], "study", key)
    assert sens.run_measures([measure], "study", key) == first and len(calls) == 1
    sens.run_measures([measure], "printed", key)
    sens.run_measures([measure], "study", sens.run_key(price.settings["low"], sens.data_frames()))
    assert len(calls) == 3 and len(list((tmp_path / sens.CACHE_SUBDIR).glob("*.json"))) == 3


def test_system_cost_is_the_system_view_total():
    from dsot import system
    from dsot.cases.cache import default_case
    from dsot.valuation import value_case

    case = default_case("bau")
    valuation = value_case(case, "study")
    full = system.system_cost(system.system_view(case, valuation, "study")).set_index("item")["cost_kusd_per_yr"]
    assert sens.system_cost_kusd(case, valuation, "study") == full["total"]


def test_an_unknown_level_is_refused(factors):
    with pytest.raises(ValueError, match="unknown level 'medium'; use one of low, base, high"):
        factors[0].value("medium")
