"""The synthetic eight-node demonstration case: determinism, calibration and consistency.

One small case pair (3 customers per DSO) is generated once per session; the
properties checked do not depend on the size.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from dsot.cases import batteries, loads, market, read_case
from dsot.cases import cache as case_cache
from dsot.cases.eight_node import CASE_NAMES, Calendar, load_inputs, make_eight_node, system_fleet
from dsot.cases.summary import calibration_report, energy_sold_mwh
from dsot.cli import app

SIZE, SEED = 3, 7


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return {k: str(v) for k, v in make_eight_node(tmp_path_factory.mktemp("eight"), SIZE, SEED).items()}


@pytest.fixture(scope="module")
def bau(pair):
    return read_case(pair["bau"])


@pytest.fixture(scope="module")
def battery(pair):
    return read_case(pair["transactive-batteries"])


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_same_seed_gives_byte_identical_files(pair, tmp_path):
    again = make_eight_node(tmp_path, SIZE, SEED)
    for kind, path in again.items():
        first, second = _files(Path(pair[kind])), _files(path)
        assert first.keys() == second.keys()
        assert all(first[name] == second[name] for name in first), kind


def test_cli_case_make_writes_both_cases(tmp_path):
    result = CliRunner().invoke(
        app, ["case", "make", "eight-node", "--out", str(tmp_path), "--customers-per-dso", "2", "--seed", "1"]
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(CASE_NAMES.values())
    check = CliRunner().invoke(app, ["case", "check", str(tmp_path / CASE_NAMES["bau"])])
    assert check.exit_code == 0 and "SYNTHETIC" in check.output and "valid" in check.output


def test_a_leap_year_of_five_minute_intervals(bau):
    assert bau.metadata.periods(5) == 105_408 and bau.metadata.periods(60) == 8_784 and bau.metadata.periods(1440) == 366
    assert len(bau.table("system_5min")) == 8 * 105_408


def test_labelled_synthetic_everywhere(bau, battery):
    for case in (bau, battery):
        assert case.metadata.synthetic and "SYNTHETIC" in case.metadata.title and "SYNTHETIC" in case.metadata.provenance


def test_calibration_targets_are_met_within_a_hundredth_of_a_percent(bau, battery):
    report = calibration_report(bau, battery)
    calibrated = report[report["role"] == "calibrated"]
    assert len(calibrated) == 7
    assert (calibrated["gap_pct"].abs() < 0.01).all(), calibrated[["quantity", "target", "achieved"]]


def test_emerging_quantities_land_near_the_report(bau, battery):
    report = calibration_report(bau, battery).set_index("quantity")
    for block in ("weekday-daytime", "evening-and-weekend-daytime", "nighttime"):
        assert abs(report.at[f"Bilateral price, {block}", "gap_pct"]) < 10
    for name in ("energy", "capacity", "transmission"):
        assert abs(report.at[f"Eight-DSO mean {name} share of wholesale cost", "gap_pct"]) < 15


def test_battery_case_cuts_every_dso_peak_by_a_few_percent(bau, battery):
    for dso in bau.metadata.dso_ids:
        before = bau.series("system_5min", "delivered_mwh", dso).max()
        after = battery.series("system_5min", "delivered_mwh", dso).max()
        assert 0.0 < 1 - after / before < 0.12, dso
    reduction = 1 - battery.series("system_5min", "delivered_mwh", 1).max() / bau.series("system_5min", "delivered_mwh", 1).max()
    assert 0.05 <= reduction <= 0.10


def test_generators_produce_exactly_what_the_dsos_take(bau):
    delivered = bau.table("system_5min").groupby("timestamp", sort=True)["delivered_mwh"].sum().to_numpy() * 12
    output = bau.table("generator_5min").groupby("timestamp", sort=True)["output_mw"].sum().to_numpy()
    np.testing.assert_allclose(output, delivered, rtol=1e-9)


def test_real_time_prices_follow_the_marginal_unit_with_scarcity_hours(bau):
    lmp = bau.table("system_5min")
    assert lmp["rt_lmp_usd_per_mwh"].max() > 1000  # scarcity adder near the system peak
    assert lmp["rt_lmp_usd_per_mwh"].median() < 40


def test_customers_add_up_to_the_dso_loads(bau):
    sold = energy_sold_mwh(bau)
    delivered = bau.table("system_5min").groupby("dso")["delivered_mwh"].sum()
    losses = delivered / sold - 1
    np.testing.assert_allclose(losses.to_numpy(), 103.406 / 96.448 - 1, rtol=1e-5)


def test_retail_prices_are_a_times_lmp_plus_p_dist_plus_non_negative_congestion(battery):
    meta = battery.metadata.retail_market
    assert meta is not None
    retail = battery.table("retail_5min")
    lmp = battery.table("system_5min")
    sub1 = retail[retail["substation"] == "1-1"]["rt_price_usd_per_kwh"].to_numpy()
    base = meta.multiplier * lmp[lmp["dso"] == 1]["rt_lmp_usd_per_mwh"].to_numpy() / 1000 + meta.distribution_price_usd_per_kwh
    congestion = sub1 - base
    assert congestion.min() > -1e-12 and (congestion > 1e-9).any() and (congestion < 1e-12).mean() > 0.9


def test_only_transactive_customers_buy_day_ahead_and_weights_match_counts(battery):
    customers = battery.table("customers")
    ids = np.concatenate([ids for ids, _ in battery.iter_arrays("customer_day_ahead")])
    assert set(ids) == set(customers.loc[customers["rate_plan"] == "transactive", "customer"])
    assert customers.loc[customers["participating"], "battery_kw"].gt(0).all()


# --- building blocks -------------------------------------------------------------------------


def test_noise_cancels_in_the_weighted_total():
    rng = np.random.default_rng(0)
    n, t = 5, 50
    base, weather, noise = rng.random((n, t)) + 0.5, rng.random((n, t)), 0.2 * rng.standard_normal((n, t))
    weights = rng.random(n) * 100
    sums = loads.NoiseSums.zeros(t)
    for i in range(n):
        sums.add(float(weights[i]), base[i], weather[i], noise[i])
    alpha, beta = sums.coefficients()
    eps = np.array([loads.diversified_noise(noise[i], base[i], weather[i], alpha, beta) for i in range(n)])
    np.testing.assert_allclose((weights[:, None] * base * eps).sum(axis=0), 0, atol=1e-9)
    np.testing.assert_allclose((weights[:, None] * weather * eps).sum(axis=0), 0, atol=1e-9)


def test_loss_coefficients_give_the_loss_fraction():
    load = np.array([10.0, 20.0, 30.0, -5.0])
    c0, c2 = loads.loss_coefficients(load, 0.07, 0.25)
    losses = c0 + c2 * load**2
    assert losses.sum() == pytest.approx(0.07 * load.sum())
    assert 4 * c0 == pytest.approx(0.25 * 0.07 * load.sum())


def _day(peak: float = 10.0) -> np.ndarray:
    hours = np.arange(288) / 12
    return 5 + (peak - 5) * np.exp(-0.5 * ((hours - 18) / 2) ** 2)


def test_battery_fleet_respects_power_and_storage_and_cuts_the_peak():
    load = np.tile(_day(), 4)
    schedule = batteries.fleet_schedule(load, 1.0, 2.0, 0.9, 288, 0)
    assert np.abs(schedule).max() <= 1.0 + 1e-12
    soc = batteries.state_of_charge(schedule, 2.0, 0.9, 1 / 12)
    assert soc.min() >= -1e-9 and soc.max() <= 2.0 + 1e-9
    assert (load + schedule).max() < load.max() - 0.5


def test_battery_fleet_of_zero_does_nothing():
    assert not batteries.fleet_schedule(np.tile(_day(), 2), 0.0, 0.0, 0.9, 288, 0).any()


def test_merit_order_dispatch_meets_load_and_prices_rise_with_it():
    inputs = load_inputs()
    fleet = system_fleet(inputs, 2.5)
    renewables = np.zeros((3, int((~fleet.thermal).sum())))
    load = np.array([20_000.0, 50_000.0, 69_000.0])
    dispatch = market.clear(fleet, load, renewables, 9000.0, 1500.0, 2000.0)
    np.testing.assert_allclose(dispatch.output_mw.sum(axis=1), load)
    assert np.all(np.diff(dispatch.price_usd_per_mwh) > 0)
    short = market.clear(fleet, np.array([1e6]), np.zeros((1, renewables.shape[1])), 9000.0, 1500.0, 2000.0)
    assert short.unserved_mw[0] > 0 and short.price_usd_per_mwh[0] == 9000.0


def test_calendar_is_local_and_tz_aware():
    calendar = Calendar.of_year()
    assert str(calendar.fives.tz) == "US/Central" and len(calendar.days) == 366
    assert calendar.fives[0] == pd.Timestamp("2016-01-01", tz="US/Central")


def test_cache_reuses_a_complete_case_and_keys_on_inputs(tmp_path, monkeypatch, pair):
    monkeypatch.setenv("DSOT_CACHE_DIR", str(tmp_path))
    target = tmp_path / case_cache.case_key(SIZE, SEED)
    for kind, name in CASE_NAMES.items():
        (target / name).mkdir(parents=True)
        (target / name / "case.yaml").write_text((Path(pair[kind]) / "case.yaml").read_text())

    def fail(*args: object) -> None:
        raise AssertionError("regenerated a cached case")

    monkeypatch.setattr(case_cache, "make_eight_node", fail)
    assert case_cache.default_case_dir(SIZE, SEED) == target
    assert case_cache.case_key(SIZE, SEED + 1) != case_cache.case_key(SIZE, SEED)


def test_the_format_reference_documents_every_column():
    from dsot.cases.schema import case_tables
    from dsot.equations import project_root

    text = (project_root() / "data" / "cases" / "README.md").read_text(encoding="utf-8")
    sections = {part.split("`", 1)[0]: part for part in text.split("\n### `")[1:]}
    for table in case_tables().values():
        assert table.path in sections, table.path
        documented = re.findall(r"^\| `(\w+)` \|", sections[table.path], flags=re.M)
        assert documented == [c.name for c in table.columns], table.path
