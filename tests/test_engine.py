"""The statistics engine (Section 4's one pass): equal to a plain reference, independent of batching."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from dsot import bench, engine
from dsot.cases import examples, read_case, write_case


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    kind = "transactive-batteries"
    path = write_case(
        tmp_path_factory.mktemp("tiny") / "case",
        examples.tiny_metadata(kind),
        examples.tiny_tables(kind),
        examples.tiny_arrays(kind),
    )
    return read_case(path)


def _two_day_prices() -> engine.Prices:
    fives = pd.date_range("2016-01-31", periods=2 * 288, freq="5min", tz="US/Central")
    months = fives.tz_localize(None).to_period("M")
    unique = pd.PeriodIndex(months.unique())
    rng = np.random.default_rng(3)
    return engine.Prices(
        lmp_rt_usd_per_mwh=20 + 30 * rng.random((2, len(fives))),
        price_rt_usd_per_kwh=0.05 + 0.1 * rng.random((2, len(fives))),
        lmp_da_usd_per_mwh=20 + 30 * rng.random((2, len(fives) // 12)),
        price_da_usd_per_kwh=0.05 + 0.1 * rng.random((2, len(fives) // 12)),
        month_of_interval=np.asarray(unique.get_indexer(months), dtype=np.int64),
        month_of_hour=np.asarray(unique.get_indexer(fives[::12].tz_localize(None).to_period("M")), dtype=np.int64),
        months=unique,
    )


PRICES = _two_day_prices()


@pytest.mark.equation(19, 23)
def test_tiny_case_statistics_equal_the_reference(tiny):
    stats = engine.case_statistics(tiny, batch_rows=2)
    prices, rows = engine.prices_from_case(tiny)
    energy = {int(i): v for ids, vals in tiny.iter_arrays("customer_energy") for i, v in zip(ids, vals, strict=True)}
    day_ahead = {int(i): v for ids, vals in tiny.iter_arrays("customer_day_ahead") for i, v in zip(ids, vals, strict=True)}
    for customer, values in energy.items():
        expected = engine.reference_statistics(
            values, day_ahead.get(customer), int(rows.at[customer, "dso_row"]), int(rows.at[customer, "sub_row"]), prices
        )
        got = stats.loc[customer][expected.columns]
        np.testing.assert_allclose(got.to_numpy(), expected.to_numpy(), rtol=1e-12, atol=1e-12)


def test_net_metered_export_lowers_energy_and_demand_can_be_negative(tiny):
    stats = engine.case_statistics(tiny)
    # customer 101 exports for its first half hour (PV): its energy is reduced, not truncated
    assert stats.loc[101, "energy_kwh"].iloc[0] < stats.loc[201, "energy_kwh"].iloc[0] + 10


def test_batching_does_not_change_the_result(tiny):
    pd.testing.assert_frame_equal(engine.case_statistics(tiny, batch_rows=1), engine.case_statistics(tiny, batch_rows=64))


@pytest.mark.equation(19)
@given(
    arrays(np.float32, (3, 2 * 288), elements=st.floats(-5, 20, width=32)),
    arrays(np.float32, (3, 2 * 24), elements=st.floats(-5, 20, width=32)),
)
def test_kernels_equal_the_reference_on_random_customers(energy, day_ahead):
    rows = np.array([0, 1, 1], dtype=np.int64)
    got = engine.energy_statistics(energy, rows, rows[::-1].copy(), PRICES)
    got_da = engine.day_ahead_statistics(day_ahead, rows, rows[::-1].copy(), PRICES)
    for c in range(3):
        expected = engine.reference_statistics(energy[c], day_ahead[c], int(rows[c]), int(rows[::-1][c]), PRICES)
        np.testing.assert_allclose(got[c], expected[list(engine.ENERGY_FIELDS)].to_numpy(), rtol=1e-9, atol=1e-9)
        np.testing.assert_allclose(got_da[c], expected[list(engine.DAY_AHEAD_FIELDS)].to_numpy(), rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize(
    "fill",
    [
        pytest.param(lambda n: -1.0 - np.arange(n) % 7, id="net-export-all-month"),
        pytest.param(lambda n: np.where(np.arange(n) % 2, -0.0, -3.0), id="negative-zero-and-export"),
        pytest.param(lambda n: np.zeros(n), id="zero"),
        pytest.param(lambda n: np.where(np.arange(n) == n - 1, 2.5, -1.0), id="one-import-at-the-end"),
    ],
)
def test_demand_maxima_hold_for_any_sign(fill):
    # the kernel's vectorized maximum reads float bits as integers; negative sums take a second path
    energy = np.vstack([fill(2 * 288), -fill(2 * 288)]).astype(np.float64)
    rows = np.zeros(2, dtype=np.int64)
    got = engine.energy_statistics(energy, rows, rows, PRICES)
    for c in range(2):
        expected = engine.reference_statistics(energy[c], None, 0, 0, PRICES)[list(engine.ENERGY_FIELDS)]
        np.testing.assert_allclose(got[c], expected.to_numpy(), rtol=1e-12, atol=1e-12)


@given(arrays(np.float64, (2, 2 * 288), elements=st.floats(-5, 20)), st.floats(0.1, 10))
def test_sums_are_linear_and_demands_homogeneous_in_consumption(energy, factor):
    rows = np.zeros(2, dtype=np.int64)
    base = engine.energy_statistics(energy, rows, rows, PRICES)
    scaled = engine.energy_statistics(energy * factor, rows, rows, PRICES)
    np.testing.assert_allclose(scaled, base * factor, rtol=1e-9, atol=1e-9)


def test_intervals_must_match_the_prices():
    with pytest.raises(ValueError, match="intervals per customer"):
        engine.energy_statistics(np.zeros((1, 10)), np.zeros(1, np.int64), np.zeros(1, np.int64), PRICES)


def test_benchmark_record_has_a_stable_form():
    record = bench.run("memory", 8, batch=4)
    assert set(record) == {
        "mode",
        "customers",
        "intervals",
        "batch",
        "seconds",
        "customer_years_per_s",
        "peak_rss_mb",
        "threads",
        "cpu_count",
        "python",
        "numba",
    }
    assert record["customers"] == 8 and record["intervals"] == 105_408
