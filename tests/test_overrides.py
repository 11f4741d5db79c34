"""Assumption overrides: --set and YAML files change an input and everything downstream of it, nothing upstream."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from dsot import overrides as ov
from dsot.cfs import dso as cfs
from dsot.cli import app
from dsot.params import data_dir, load_parameters, parameter_value

CAPACITY = [ov.Override("capacity_price", "91")]


def test_set_syntax_with_unit_and_key():
    assert ov.parse_set("capacity_price=91") == ov.Override("capacity_price", "91")
    parsed = ov.parse_set("reserve_fraction[service=spinning]=10 pct")
    assert (parsed.name, parsed.value, parsed.unit, dict(parsed.where)) == (
        "reserve_fraction",
        "10",
        "pct",
        {"service": "spinning"},
    )
    with pytest.raises(ov.OverrideError, match="expected name=value"):
        ov.parse_set("capacity_price")
    with pytest.raises(ov.OverrideError, match="must be key=value"):
        ov.parse_set("reserve_fraction[spinning]=10")


@pytest.mark.parametrize(
    ("override", "message"),
    [
        (ov.Override("capacity_prize", "91"), "unknown parameter 'capacity_prize'; valid names: .*capacity_price"),
        (ov.Override("capacity_price", "91", unit="USD/MW-yr"), "in 'USD/kW-yr', not 'USD/MW-yr'"),
        (ov.Override("capacity_price", "ninety"), "not a number"),
        (ov.Override("capacity_price", "91", where={"region": "east"}), "no key column"),
        (ov.Override("reserve_fraction", "10", where={"service": "regulation_up"}), "no row matches"),
        (ov.Override("capacity_price", "91", parameter_set="draft"), "unknown parameter set"),
    ],
)
def test_bad_overrides_are_refused_with_the_reason(tmp_path, override, message):
    with pytest.raises(ov.OverrideError, match=message):
        ov.apply_overrides([override], tmp_path / "data")


def test_out_of_bounds_values_are_refused(tmp_path):
    with pytest.raises(ov.OverrideError, match="outside"):
        ov.apply_overrides([ov.Override("installed_reserve_margin", "-5")], tmp_path / "data")


def test_yaml_file_gives_the_same_overrides(tmp_path):
    path = tmp_path / "overrides.yaml"
    path.write_text(
        "capacity_price: 91\nreserve_fraction:\n  value: 10\n  unit: pct\n  where: {service: spinning}\n  parameter_set: study\n",
        encoding="utf-8",
    )
    loaded = ov.load_overrides(path)
    assert loaded[0] == ov.Override("capacity_price", "91")
    assert loaded[1] == ov.Override("reserve_fraction", "10", "pct", {"service": "spinning"}, "study")
    path.write_text("capacity_price: {val: 91}\n", encoding="utf-8")
    with pytest.raises(ov.OverrideError, match="give value"):
        ov.load_overrides(path)


def test_the_copy_changes_only_the_named_rows_and_records_them(tmp_path):
    target = ov.apply_overrides(
        [*CAPACITY, ov.Override("reserve_fraction", "10", where={"service": "spinning"}, parameter_set="study")],
        tmp_path / "data",
    )
    for ps in ("study", "printed"):
        assert parameter_value(load_parameters("wholesale", ps, target), "capacity_price") == 91
    study = load_parameters("wholesale", "study", target)
    spinning = study[(study["parameter"] == "reserve_fraction") & (study["service"] == "spinning")]
    assert spinning["value"].tolist() == [0.10]
    printed = load_parameters("wholesale", "printed", target)
    assert printed.loc[(printed["parameter"] == "reserve_fraction") & (printed["service"] == "spinning"), "value"].tolist() == [
        0.05
    ]
    assert parameter_value(load_parameters("wholesale", "study"), "capacity_price") == 75  # the repository's data is untouched
    assert [r["name"] for r in ov.applied(target)] == ["capacity_price", "reserve_fraction"]
    assert ov.applied() == []


def test_the_context_points_the_loaders_at_the_copy_and_restores_them():
    before = os.environ.get("DSOT_DATA_DIR")
    with ov.overridden_data(CAPACITY) as path:
        assert path is not None and data_dir() == path
        assert parameter_value(load_parameters("wholesale", "study"), "capacity_price") == 91
    assert os.environ.get("DSOT_DATA_DIR") == before
    with ov.overridden_data([]) as nothing:
        assert nothing is None


@pytest.mark.parametrize("parameter_set", ["study", "printed"])
def test_capacity_price_changes_table_21_downstream_and_nothing_upstream(parameter_set):
    base = cfs.table21(parameter_set).set_index("line")
    with ov.overridden_data(CAPACITY):
        changed = cfs.table21(parameter_set).set_index("line")
    for column in ("bau_kusd_per_yr", "case_kusd_per_yr"):
        np.testing.assert_allclose(changed.at["peak_capacity", column], base.at["peak_capacity", column] * 91 / 75, rtol=1e-12)
        delta = changed.at["peak_capacity", column] - base.at["peak_capacity", column]
        for line in ("operating_expenses", "revenues"):
            np.testing.assert_allclose(changed.at[line, column] - base.at[line, column], delta, rtol=1e-9)
        upstream = [
            line
            for line in base.index
            if line
            not in (
                "peak_capacity",
                "operating_expenses",
                "revenues",
                "retail_sales",
                "fixed_price_sales",
                "transactive_sales",
                "balance",
            )
        ]
        np.testing.assert_array_equal(changed.loc[upstream, column].to_numpy(), base.loc[upstream, column].to_numpy())


def test_capacity_price_reaches_rates_bills_and_system_cost():
    from dsot import system
    from dsot.cases.cache import default_case
    from dsot.valuation import value_case

    case = default_case("bau")
    base = value_case(case, "study")
    base_cost = system.system_cost(system.system_view(case, base, "study")).set_index("item")["cost_kusd_per_yr"]
    with ov.overridden_data(CAPACITY):
        higher = value_case(case, "study")
        higher_cost = system.system_cost(system.system_view(case, higher, "study")).set_index("item")["cost_kusd_per_yr"]
    rates, new_rates = base.rates.set_index("dso"), higher.rates.set_index("dso")
    assert (new_rates["requirement_usd"] > rates["requirement_usd"]).all()
    assert (new_rates["tier1_price_usd_per_kwh"] > rates["tier1_price_usd_per_kwh"]).all()
    np.testing.assert_array_equal(new_rates["energy_purchased_mwh"], rates["energy_purchased_mwh"])  # upstream: the case
    assert higher.bills["bill_usd"].sum() > base.bills["bill_usd"].sum()
    assert higher_cost["total"] > base_cost["total"]
    assert higher_cost["pv_systems"] == base_cost["pv_systems"]


def test_cli_rejects_unknown_names_and_wrong_units(tmp_path):
    runner = CliRunner()
    case = Path("unused")
    result = runner.invoke(app, ["valuation", str(case), "--out", str(tmp_path), "--set", "capacity_prize=91"])
    assert result.exit_code == 2
    assert "valid names" in result.output and "capacity_price" in result.output
    result = runner.invoke(app, ["valuation", str(case), "--out", str(tmp_path), "--set", "capacity_price=91 USD/MW-yr"])
    assert result.exit_code == 2
    assert "USD/kW-yr" in result.output
