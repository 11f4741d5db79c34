"""The case reader against a corpus of broken cases.

Each broken case is the tiny hand-made case of :mod:`dsot.cases.examples` with one
targeted defect, made either in the inputs before :func:`write_case` or in the written
files afterwards (with pyarrow, for defects the writer never produces).  Each must be
rejected with the exact file, column, rows and problem.
"""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml

from dsot.cases import CaseError, arrays_from_long, read_case, reader, write_case
from dsot.cases.examples import TIMEZONE, tiny_arrays, tiny_metadata, tiny_meter_data, tiny_tables
from dsot.cases.metadata import CaseKind

Mutation = Callable[[Path, CaseKind], None]
BAU: CaseKind = "bau"
TRX: CaseKind = "transactive-batteries"
ENERGY, PART_1 = "customer_energy/part-00000.parquet", "customer_energy/part-00001.parquet"
DAY_AHEAD = "customer_day_ahead/part-00000.parquet"


# --- mutations: each returns a function (case directory, kind) -> None ---------------------------


def meta(edit: Callable[[dict[str, Any]], object]) -> Mutation:
    """Edit the mapping of case.yaml."""

    def mutate(root: Path, kind: CaseKind) -> None:
        raw = yaml.safe_load((root / "case.yaml").read_text(encoding="utf-8"))
        edit(raw)
        (root / "case.yaml").write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")

    return mutate


def inputs(edit: Callable[[dict[str, pd.DataFrame], dict[str, Any]], object]) -> Mutation:
    """Edit the tiny case's tables and arrays, then write the case again."""

    def mutate(root: Path, kind: CaseKind) -> None:
        tables, arrays = tiny_tables(kind), tiny_arrays(kind)
        edit(tables, arrays)
        write_case(root, tiny_metadata(kind), tables, arrays)

    return mutate


def arrow(file: str, edit: Callable[[pa.Table], pa.Table]) -> Mutation:
    """Rewrite one written Parquet file through ``edit``."""

    def mutate(root: Path, kind: CaseKind) -> None:
        pq.write_table(edit(pq.read_table(root / file)), root / file)

    return mutate


def replaced(table: pa.Table, column: str, array: pa.Array) -> pa.Table:
    return table.set_column(table.schema.get_field_index(column), column, array)


def cell(file: str, column: str, row: int | slice, value: Any, type_: pa.DataType | None = None) -> Mutation:
    """Set one cell, or a slice of cells (``type_`` to store the column at another Arrow type)."""

    def edit(table: pa.Table) -> pa.Table:
        values = table.column(column).to_pylist()
        values[row] = value
        return replaced(table, column, pa.array(values, type=type_ or table.schema.field(column).type))

    return arrow(file, edit)


def cast(file: str, column: str, type_: pa.DataType) -> Mutation:
    return arrow(file, lambda t: replaced(t, column, t.column(column).cast(type_, safe=False)))


def take(file: str, order: list[int]) -> Mutation:
    """Keep (and reorder) rows: drops, swaps and duplicates."""
    return arrow(file, lambda t: t.take(order))


def remove(file: str) -> Mutation:
    def mutate(root: Path, kind: CaseKind) -> None:
        path = root / file
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()

    return mutate


def text(file: str, content: str) -> Mutation:
    def mutate(root: Path, kind: CaseKind) -> None:
        (root / file).write_text(content, encoding="utf-8")

    return mutate


def sub(file: str, old: str, new: str) -> Mutation:
    """Replace text in a written text file (e.g. unquote a timestamp of case.yaml)."""

    def mutate(root: Path, kind: CaseKind) -> None:
        content = (root / file).read_text(encoding="utf-8")
        assert old in content
        (root / file).write_text(content.replace(old, new), encoding="utf-8")

    return mutate


def chain(*mutations: Mutation) -> Mutation:
    def mutate(root: Path, kind: CaseKind) -> None:
        for mutation in mutations:
            mutation(root, kind)

    return mutate


def without(n: int, *drop: int) -> list[int]:
    return [i for i in range(n) if i not in drop]


def two_parts(tables: dict[str, pd.DataFrame], arrays: dict[str, Any]) -> None:
    """Split customer_energy into part-00000 (101, 102) and part-00001 (201)."""
    ((ids, values),) = arrays["customer_energy"]
    arrays["customer_energy"] = [(ids[:2], values[:2]), (ids[2:], values[2:])]


def drop_last_interval(tables: dict[str, pd.DataFrame], arrays: dict[str, Any]) -> None:
    """Write customer_energy one interval short for every customer (23 rows each)."""
    arrays["customer_energy"] = [(ids, values[:, :-1]) for ids, values in arrays["customer_energy"]]


def hourly_energy(tables: dict[str, pd.DataFrame], arrays: dict[str, Any]) -> None:
    """Write customer_energy at the hourly width (2 rows per customer instead of 24)."""
    arrays["customer_energy"] = [(np.array([101, 102, 201]), np.full((3, 2), 0.2))]


def day_ahead_at_5min(tables: dict[str, pd.DataFrame], arrays: dict[str, Any]) -> None:
    """Write customer_day_ahead at the 5-minute width (24 rows per customer instead of 2)."""
    arrays["customer_day_ahead"] = [(np.array([101, 201]), np.full((2, 24), 0.2))]


def list_layout(table: pa.Table) -> pa.Table:
    """The former layout of an array part: one row per customer, its 24 values in a list column."""
    ids = table.column("customer").to_numpy()[::24]
    values = table.column("energy_kwh").to_numpy().reshape(-1, 24)
    return pa.table({"customer": pa.array(ids), "energy_kwh": pa.array(values.tolist(), type=FLOATS)})


def local(minute: int) -> pd.Timestamp:
    return pd.Timestamp(f"2016-08-11 16:{minute:02d}", tz=TIMEZONE)


FLOATS = pa.list_(pa.float64())
RETAIL = {"multiplier": 1.0, "distribution_price_usd_per_kwh": 0.0}
INTERLEAVED = [row for pair in zip(range(24), range(24, 48), strict=True) for row in pair] + list(range(48, 72))
"""customer_energy with the rows of customers 101 and 102 alternating."""

# --- the corpus: id, kind, mutation, file, column, rows, problem ---------------------------------

# fmt: off
BROKEN: list[tuple[str, str, Mutation, str, str, tuple[int, ...], str]] = [
    # case.yaml
    ("missing-case-yaml", BAU, remove("case.yaml"), "case.yaml", "", (), r": missing: a case directory needs case\.yaml"),
    ("invalid-yaml", BAU, text("case.yaml", "format: [dsot-case/1\n"), "case.yaml", "", (), ": not valid YAML: "),
    ("yaml-not-a-mapping", BAU, text("case.yaml", "- a list\n"), "case.yaml", "", (), "must be a YAML mapping"),
    ("wrong-format", BAU, meta(lambda m: m.update(format="dsot-case/2")), "case.yaml", "format", (), "must be 'dsot-case/1'"),
    ("unknown-metadata-key", BAU, meta(lambda m: m.update(owner="me")), "case.yaml", "owner", (), ": unknown key"),
    ("missing-metadata-key", BAU, meta(lambda m: m.pop("provenance")), "case.yaml", "provenance", (), "required key is missing"),
    ("missing-dso-key", BAU, meta(lambda m: m["dsos"][1].pop("ownership")), "case.yaml", "dsos[1].ownership", (), "missing"),
    ("bad-dso-type", BAU, meta(lambda m: m["dsos"][1].update(type="suburbia")), "case.yaml", "dsos[1].type",
     (), r"must be one of .*urban.* \(got 'suburbia'\)"),
    ("duplicated-dso-id", BAU, meta(lambda m: m["dsos"][1].update(id=1)), "case.yaml", "dsos[1].id", (), r"also dsos\[0\]\.id"),
    ("substation-in-two-dsos", BAU, meta(lambda m: m["dsos"][1].update(substations=["1-A"])), "case.yaml",
     "dsos[1].substations", (), "substation '1-A' also belongs to DSO 1"),
    ("unknown-timezone", BAU, meta(lambda m: m.update(timezone="Mars/Olympus")), "case.yaml", "timezone", (), "not an IANA"),
    ("start-without-utc-offset", BAU, meta(lambda m: m.update(start="2016-08-11T16:00:00")), "case.yaml", "start", (),
     "has no UTC offset"),
    ("start-unquoted-naive-yaml", BAU, sub("case.yaml", "'2016-08-11T16:00:00-05:00'", "2016-08-11T16:00:00"), "case.yaml",
     "start", (), "has no UTC offset"),
    ("end-before-start", BAU, meta(lambda m: m.update(end="2016-08-11T15:00:00-05:00")), "case.yaml", "end", (),
     "is not after start"),
    ("start-off-the-hour", BAU, meta(lambda m: m.update(start="2016-08-11T16:05:00-05:00")), "case.yaml", "start", (),
     "does not fall on the hour"),
    ("start-outside-year", BAU, meta(lambda m: m.update(year=2017)), "case.yaml", "start", (), "not in the case year 2017"),
    ("hourly-interval-minutes", BAU, meta(lambda m: m.update(interval_minutes=60)), "case.yaml", "interval_minutes", (),
     "5-minute intervals"),
    ("negative-industrial-load", BAU, meta(lambda m: m["dsos"][0].update(industrial_load_mw=-5.0)), "case.yaml",
     "dsos[0].industrial_load_mw", (), "at least 0"),
    ("bau-with-retail-market", BAU, meta(lambda m: m.update(retail_market=RETAIL)), "case.yaml", "retail_market", (),
     "a BAU case has no retail market"),
    ("transactive-without-retail-market", TRX, meta(lambda m: m.pop("retail_market")), "case.yaml", "retail_market", (),
     "needs multiplier"),
    # which tables
    ("missing-file-system_hourly", BAU, remove("system_hourly.parquet"), "system_hourly.parquet", "", (),
     ": missing: a bau case needs system_hourly"),
    ("missing-file-generators", TRX, remove("generators.parquet"), "generators.parquet", "", (), "needs generators"),
    ("transactive-missing-retail_5min", TRX, remove("retail_5min.parquet"), "retail_5min.parquet", "", (),
     ": missing: a transactive-batteries case needs retail_5min"),
    ("transactive-missing-customer_day_ahead", TRX, remove("customer_day_ahead"), "customer_day_ahead", "", (),
     "needs customer_day_ahead"),
    ("bau-with-retail_hourly", BAU, inputs(lambda t, a: t.update(retail_hourly=tiny_tables(TRX)["retail_hourly"])),
     "retail_hourly.parquet", "", (), "a bau case has no retail_hourly; remove it"),
    ("not-parquet-generators", BAU, text("generators.parquet", "generator,capacity_mw\n1,8\n"), "generators.parquet", "", (),
     "not a readable Parquet file"),
    # columns and types
    ("wrong-unit-lmp-kwh", BAU, arrow("system_hourly.parquet", lambda t: t.rename_columns(
        ["timestamp", "dso", "da_lmp_usd_per_kwh", "da_cleared_mwh"])), "system_hourly.parquet", "da_lmp_usd_per_kwh", (),
     r"wrong unit: the column is in USD/kWh but the format stores USD/MWh as 'da_lmp_usd_per_mwh'"),
    ("wrong-unit-energy-mwh", BAU, arrow(ENERGY, lambda t: t.rename_columns(["customer", "energy_mwh"])), ENERGY, "energy_mwh",
     (), "column is in MWh but the format stores kWh"),
    ("missing-column", BAU, arrow("system_5min.parquet", lambda t: t.drop_columns(["delivered_mwh"])), "system_5min.parquet",
     "delivered_mwh", (), "required column is missing"),
    ("unknown-extra-column", BAU, arrow("generators.parquet", lambda t: t.append_column("notes", pa.array(["", "", ""]))),
     "generators.parquet", "notes", (), ": unknown column; generators has exactly generator, name"),
    ("wrong-dtype-string-lmp", BAU, cast("system_5min.parquet", "rt_lmp_usd_per_mwh", pa.string()), "system_5min.parquet",
     "rt_lmp_usd_per_mwh", (), "wrong type string; the format requires a floating-point number"),
    ("wrong-dtype-float-dso", BAU, cast("system_hourly.parquet", "dso", pa.float64()), "system_hourly.parquet", "dso", (),
     "wrong type double; the format requires an integer"),
    ("wrong-dtype-string-participating", BAU, cast("customers.parquet", "participating", pa.string()), "customers.parquet",
     "participating", (), "requires a boolean"),
    ("wrong-dtype-int-energy", BAU, cast(ENERGY, "energy_kwh", pa.int64()), ENERGY, "energy_kwh", (),
     r"wrong type int64; the format requires a floating-point number \(float32 or float64\)"),
    ("energy-in-list-layout", BAU, arrow(ENERGY, list_layout), ENERGY, "energy_kwh", (),
     r"wrong type list<element: double>; the format requires a floating-point number"),
    ("wrong-dtype-string-customer-in-energy", BAU, cast(ENERGY, "customer", pa.string()), ENERGY, "customer", (),
     "wrong type string; the format requires an integer"),
    ("tz-naive-timestamps", BAU, cast("system_hourly.parquet", "timestamp", pa.timestamp("us")), "system_hourly.parquet",
     "timestamp", (), ": tz-naive timestamps"),
    ("tz-naive-generator_daily", BAU, cast("generator_daily.parquet", "timestamp", pa.timestamp("us")),
     "generator_daily.parquet", "timestamp", (), ": tz-naive timestamps"),
    # values
    ("null-rt-lmp", BAU, cell("system_5min.parquet", "rt_lmp_usd_per_mwh", 7, None), "system_5min.parquet",
     "rt_lmp_usd_per_mwh", (7,), r"missing value \(null\)"),
    ("null-timestamp", BAU, cell("system_5min.parquet", "timestamp", 30, None), "system_5min.parquet", "timestamp", (30,),
     r"missing value \(null\)"),
    ("nan-rt-lmp", BAU, cell("system_5min.parquet", "rt_lmp_usd_per_mwh", 7, float("nan")), "system_5min.parquet",
     "rt_lmp_usd_per_mwh", (7,), "NaN or infinite value"),
    ("infinite-delivered", BAU, cell("system_5min.parquet", "delivered_mwh", 30, float("inf")), "system_5min.parquet",
     "delivered_mwh", (30,), "NaN or infinite value"),
    ("lmp-above-cap", BAU, cell("system_hourly.parquet", "da_lmp_usd_per_mwh", 3, 2e5), "system_hourly.parquet",
     "da_lmp_usd_per_mwh", (3,), "value 200000 USD/MWh is above 100000"),
    ("negative-capacity", BAU, cell("generators.parquet", "capacity_mw", 1, -3.0), "generators.parquet", "capacity_mw", (1,),
     r"value -3 MW is below 0 \(negative values are not allowed\)"),
    ("negative-generator-output", BAU, cell("generator_5min.parquet", "output_mw", 30, -2.0), "generator_5min.parquet",
     "output_mw", (30,), "value -2 MW is below 0"),
    ("negative-battery-kwh", TRX, cell("customers.parquet", "battery_kwh", 0, -13.5), "customers.parquet", "battery_kwh", (0,),
     "value -13.5 kWh is below 0"),
    ("negative-starts", BAU, cell("generator_daily.parquet", "starts_count", 2, -1), "generator_daily.parquet", "starts_count",
     (2,), "value -1 count is below 0"),
    ("unknown-technology", BAU, cell("generators.parquet", "technology", 2, "fusion"), "generators.parquet", "technology", (2,),
     "unknown value 'fusion'; allowed: coal"),
    ("unknown-building-type", BAU, cell("customers.parquet", "building_type", 1, "Castle"), "customers.parquet",
     "building_type", (1,), "unknown value 'Castle'"),
    # time grid
    ("off-grid-timestamp", BAU, cell("system_5min.parquet", "timestamp", 3, local(7)), "system_5min.parquet", "timestamp", (3,),
     "16:07:00-05:00 is not an interval start of the case period"),
    ("timestamp-outside-period", BAU, cell("system_hourly.parquet", "timestamp", 1, local(0) + pd.Timedelta(hours=2)),
     "system_hourly.parquet", "timestamp", (1,), "18:00:00-05:00 is not an interval start"),
    ("generator_daily-wrong-day", BAU, cell("generator_daily.parquet", "timestamp", 1, pd.Timestamp("2016-08-12", tz=TIMEZONE)),
     "generator_daily.parquet", "timestamp", (1,), "2016-08-12 00:00:00-05:00 is not an interval start"),
    ("duplicated-interval", BAU, take("system_5min.parquet", [*range(5), 4, *range(6, 48)]), "system_5min.parquet", "timestamp",
     (4, 5), "duplicated interval 2016-08-11 16:20:00-05:00 for dso 1"),
    ("missing-interval", BAU, take("system_5min.parquet", without(48, 29)), "system_5min.parquet", "timestamp", (29,),
     r"missing interval 2016-08-11 16:25:00-05:00 for dso 2 \(23 of 24 intervals present\)"),
    ("missing-last-interval", BAU, take("generator_5min.parquet", without(72, 23)), "generator_5min.parquet", "timestamp", (23,),
     "missing interval 2016-08-11 17:55:00-05:00 for generator 1"),
    ("unsorted-time", BAU, take("system_5min.parquet", [0, 1, 2, 3, 5, 4, *range(6, 48)]), "system_5min.parquet", "timestamp",
     (4, 5), r"not sorted by dso then timestamp \(row 5 comes before row 4\)"),
    ("unsorted-keys", BAU, take("system_hourly.parquet", [2, 3, 0, 1]), "system_hourly.parquet", "dso", (1, 2),
     "not sorted by dso then timestamp"),
    ("no-rows-for-dso", BAU, take("system_hourly.parquet", [0, 1]), "system_hourly.parquet", "dso", (), "no rows for dso 2"),
    # references
    ("unknown-dso", BAU, cell("system_hourly.parquet", "dso", 2, 3), "system_hourly.parquet", "dso", (2,),
     "unknown dso 3: not in the DSOs of case.yaml"),
    ("unknown-generator-dso", BAU, cell("generators.parquet", "dso", 0, 9), "generators.parquet", "dso", (0,), "unknown dso 9"),
    ("unknown-generator", BAU, cell("generator_5min.parquet", "generator", slice(48, 72), [4] * 24),
     "generator_5min.parquet", "generator", (48, 49, 50, 51, 52), "unknown generator 4: not in generators.parquet"),
    ("unknown-substation", BAU, cell("customers.parquet", "substation", 2, "2-B"), "customers.parquet", "substation", (2,),
     "unknown substation '2-B': not in the substations of case.yaml"),
    ("unknown-retail-substation", TRX, cell("retail_5min.parquet", "substation", 47, "3-A"), "retail_5min.parquet", "substation",
     (47,), "unknown substation '3-A'"),
    # customers
    ("customer-substation-of-another-dso", BAU, cell("customers.parquet", "substation", 1, "2-A"), "customers.parquet",
     "substation", (1,), "substation '2-A' does not belong to DSO 1"),
    ("building-type-wrong-class", BAU, cell("customers.parquet", "building_type", 0, "Office, Large"), "customers.parquet",
     "building_type", (0,), "'Office, Large' is not a residential building type"),
    ("owner-type-wrong-class", BAU, cell("customers.parquet", "owner_type", 1, "Homeowner"), "customers.parquet", "owner_type",
     (1,), "'Homeowner' is not a commercial owner type"),
    ("battery-kw-without-kwh", BAU, cell("customers.parquet", "battery_kw", 2, 5.0), "customers.parquet", "battery_kwh", (2,),
     "battery_kw and battery_kwh must be both zero or both positive"),
    ("bau-transactive-rate", BAU, cell("customers.parquet", "rate_plan", 1, "transactive"), "customers.parquet", "rate_plan",
     (1,), "a BAU case has only fixed-price customers"),
    ("fixed-rate-participating", TRX, cell("customers.parquet", "participating", 1, True), "customers.parquet", "participating",
     (1,), "only transactive-rate customers can participate"),
    ("weights-not-matching-counts", BAU, cell("customers.parquet", "weight_customers", 2, 400.0), "customers.parquet",
     "weight_customers", (2,), "DSO 2's residential weights sum to 400.0 customers but case.yaml counts 500"),
    ("weights-for-class-without-customers", BAU, meta(lambda m: m["dsos"][0]["customers"].update(commercial=0)),
     "customers.parquet", "weight_customers", (1,), "DSO 1's commercial weights sum to 1,000.0 customers but case.yaml counts 0"),
    ("duplicate-customer-id", BAU, cell("customers.parquet", "customer", 2, 102), "customers.parquet", "customer", (1, 2),
     "customer 102 appears more than once"),
    # customer arrays: customer-major rows, 24 per customer in customer_energy (101: rows 0-23, 102: 24-47,
    # 201: 48-71), 2 per customer in customer_day_ahead (101: rows 0-1, 201: 2-3)
    ("customer-one-value-short", BAU, take(ENERGY, without(72, 30)), ENERGY, "customer", (47,),
     "customer 102 has 23 of its 24 values before customer 201 starts: each customer needs 24 consecutive rows, "
     "one per interval of the case period"),
    ("every-customer-one-interval-short", BAU, inputs(drop_last_interval), ENERGY, "customer", (23,),
     "customer 101 has 23 of its 24 values before customer 102 starts"),
    ("last-customer-one-value-short", BAU, take(ENERGY, without(72, 71)), ENERGY, "customer", (48,),
     r"71 rows are not whole blocks of 24 \(one per interval of the case period\): customer 201 has 23 values"),
    ("first-value-missing", BAU, take(ENERGY, without(72, 0)), ENERGY, "customer", (23,),
     "customer 101 has 23 of its 24 values before customer 102 starts"),
    ("energy-at-hourly-width", BAU, inputs(hourly_energy), ENERGY, "customer", (2,),
     "customer 101 has 2 of its 24 values before customer 102 starts"),
    ("last-customer-one-value-extra", BAU, take(ENERGY, [*range(72), 71]), ENERGY, "customer", (72,),
     "customer 201 has more than 24 consecutive rows: each customer needs exactly 24"),
    ("customer-with-twice-its-rows", BAU, take(ENERGY, [*range(48), *range(24, 72)]), ENERGY, "customer", (48,),
     "customer 102 has more than 24 consecutive rows"),
    ("customers-interleaved", BAU, take(ENERGY, INTERLEAVED), ENERGY, "customer", (1,),
     "customer 101 has 1 of its 24 values before customer 102 starts"),
    ("customer-split-in-two-runs", BAU, take(ENERGY, [*range(12), *range(24, 48), *range(12, 24), *range(48, 72)]), ENERGY,
     "customer", (12,), "customer 101 has 12 of its 24 values before customer 102 starts"),
    ("day-ahead-at-5min-width", TRX, inputs(day_ahead_at_5min), DAY_AHEAD, "customer", (2,),
     "customer 101 has more than 2 consecutive rows: each customer needs exactly 2, one per interval"),
    ("day-ahead-one-hour-short", TRX, take(DAY_AHEAD, [0, 2, 3]), DAY_AHEAD, "customer", (1,),
     "customer 101 has 1 of its 2 values before customer 201 starts"),
    ("null-energy-value", BAU, cell(ENERGY, "energy_kwh", 2, None), ENERGY, "energy_kwh", (2,), r"missing value \(null\)"),
    ("null-energy-in-second-customer", BAU, cell(ENERGY, "energy_kwh", 29, None), ENERGY, "energy_kwh", (29,),
     r"missing value \(null\); every cell must be filled"),
    ("nan-energy-last-interval", BAU, cell(ENERGY, "energy_kwh", 71, float("nan")), ENERGY, "energy_kwh", (71,),
     "NaN or infinite value"),
    ("infinite-day-ahead", TRX, cell(DAY_AHEAD, "day_ahead_kwh", 3, float("-inf")), DAY_AHEAD, "day_ahead_kwh", (3,),
     "NaN or infinite value"),
    ("energy-below-range", BAU, cell(ENERGY, "energy_kwh", 50, -2e5), ENERGY, "energy_kwh", (50,),
     "value -200000 kWh is below -100000"),
    ("null-day-ahead-value", TRX, cell(DAY_AHEAD, "day_ahead_kwh", 1, None), DAY_AHEAD, "day_ahead_kwh", (1,),
     r"missing value \(null\)"),
    ("null-customer-id-in-energy", BAU, cell(ENERGY, "customer", 30, None), ENERGY, "customer", (30,),
     r"missing value \(null\)"),
    ("customer-missing-from-customer_energy", BAU, take(ENERGY, list(range(48))), "customer_energy", "customer", (),
     r"no energy_kwh for customer 201 \(customers.parquet\)"),
    ("energy-part-file-deleted", BAU, chain(inputs(two_parts), remove(PART_1)),
     "customer_energy", "customer", (), "no energy_kwh for customer 201"),
    ("unknown-customer-in-customer_energy", BAU, cell(ENERGY, "customer", slice(48, 72), [999] * 24), ENERGY, "customer",
     (48,), "unknown customer 999: not in customers.parquet"),
    ("duplicate-customer-in-customer_energy", BAU, take(ENERGY, [*range(24, 48), *range(24), *range(24, 48)]), ENERGY,
     "customer", (0, 48), "customer 102 appears more than once"),
    ("energy-part-without-rows", BAU, arrow(ENERGY, lambda t: t.slice(0, 0)), "customer_energy", "customer", (),
     "no energy_kwh for customer 101"),
    ("customer-in-two-energy-parts", BAU, chain(inputs(two_parts), cell(PART_1, "customer", slice(0, 24), [102] * 24)),
     PART_1, "customer", (0,), "customer 102 is also in an earlier part file"),
    ("unknown-customer-in-second-part", BAU, chain(inputs(two_parts), cell(PART_1, "customer", slice(0, 24), [999] * 24)),
     PART_1, "customer", (0,), "unknown customer 999"),
    ("short-customer-in-second-part", BAU, chain(inputs(two_parts), take(PART_1, without(24, 23))), PART_1, "customer",
     (0,), "23 rows are not whole blocks of 24"),
    ("fixed-rate-customer-in-customer_day_ahead", TRX, cell(DAY_AHEAD, "customer", slice(2, 4), [102, 102]), DAY_AHEAD,
     "customer", (2,), "customer 102 is not on the transactive rate"),
    ("transactive-customer-missing-from-customer_day_ahead", TRX, take(DAY_AHEAD, [0, 1]), "customer_day_ahead", "customer",
     (), "no day_ahead_kwh for customer 201"),
    ("empty-customer_energy-directory", BAU, remove(ENERGY), "customer_energy", "", (), r"no part-\*\.parquet files"),
]
# fmt: on


def write_tiny(root: Path, kind: CaseKind) -> Path:
    return write_case(root, tiny_metadata(kind), tiny_tables(kind), tiny_arrays(kind))


@pytest.mark.parametrize(
    ("kind", "mutation", "file", "column", "rows", "match"), [pytest.param(*case[1:], id=case[0]) for case in BROKEN]
)
def test_broken_case_is_rejected_exactly(
    tmp_path: Path, kind: CaseKind, mutation: Mutation, file: str, column: str, rows: tuple[int, ...], match: str
) -> None:
    root = write_tiny(tmp_path / "case", kind)
    mutation(root, kind)
    with pytest.raises(CaseError, match=match) as caught:
        read_case(root)
    assert (caught.value.file, caught.value.column, caught.value.rows) == (file, column, rows)


def test_corpus_ids_are_unique_and_numerous() -> None:
    ids = [case[0] for case in BROKEN]
    assert len(ids) == len(set(ids)) >= 30


def test_message_names_file_column_and_rows(tmp_path: Path) -> None:
    root = write_tiny(tmp_path / "case", BAU)
    take("system_5min.parquet", [0, 1, 2, 3, 5, 4, *range(6, 48)])(root, BAU)
    with pytest.raises(CaseError) as caught:
        read_case(root)
    assert str(caught.value).startswith("system_5min.parquet, column 'timestamp', rows 4, 5: rows are not sorted")


@pytest.mark.parametrize(
    ("kind", "mutation", "file", "column", "rows", "match"),
    [pytest.param(*case[1:], id=case[0]) for case in BROKEN if case[3].startswith("customer_")],
)
def test_array_defects_are_located_across_batches(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    kind: CaseKind,
    mutation: Mutation,
    file: str,
    column: str,
    rows: tuple[int, ...],
    match: str,
) -> None:
    """The array cases again, validated one customer per batch: rows are still the file's rows."""
    monkeypatch.setattr(reader, "BATCH_ROWS", 1)
    test_broken_case_is_rejected_exactly(tmp_path, kind, mutation, file, column, rows, match)


def test_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(CaseError, match="no such case directory"):
        read_case(tmp_path / "nowhere")


# --- valid cases ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [BAU, TRX])
def test_tiny_case_reads_back(tmp_path: Path, kind: CaseKind) -> None:
    case = read_case(write_tiny(tmp_path / "case", kind))
    assert case.metadata == tiny_metadata(kind)
    for name, frame in tiny_tables(kind).items():
        pd.testing.assert_frame_equal(case.table(name), frame, check_dtype=False)
    ((ids, values),) = case.iter_arrays("customer_energy")
    ((want_ids, want_values),) = tiny_arrays(kind)["customer_energy"]
    np.testing.assert_array_equal(ids, want_ids)
    np.testing.assert_array_equal(values, want_values)


def test_net_metered_negative_energy_is_valid(tmp_path: Path) -> None:
    assert (tiny_meter_data()["energy_kwh"] < 0).any()
    case = read_case(write_tiny(tmp_path / "case", BAU))
    ((ids, values),) = case.iter_arrays("customer_energy")
    assert values[ids == 101].min() < 0


def _streamed(case: Any, table: str, batch_rows: int) -> tuple[np.ndarray, np.ndarray]:
    batches = list(case.iter_arrays(table, batch_rows=batch_rows))
    return np.concatenate([ids for ids, _ in batches]), np.concatenate([values for _, values in batches])


def test_written_parts_stream_from_row_group_statistics(tmp_path: Path) -> None:
    root = write_tiny(tmp_path / "case", TRX)
    assert reader._block_ids(pq.ParquetFile(root / ENERGY), "customer", 24) == [101, 102, 201]
    assert reader._block_ids(pq.ParquetFile(root / DAY_AHEAD), "customer", 2) == [101, 201]


# Valid parts the writer does not produce: read with both columns, in batches of whole customers.
REWRITES: dict[str, Callable[[pa.Table, Path], None]] = {
    "single-row-group": lambda table, path: pq.write_table(table, path, row_group_size=len(table)),
    "key-without-statistics": lambda table, path: pq.write_table(table, path, row_group_size=24, write_statistics=False),
    "row-groups-across-customers": lambda table, path: pq.write_table(table, path, row_group_size=10),
}


@pytest.mark.parametrize("rewrite", list(REWRITES))
@pytest.mark.parametrize("batch_rows", [1, 2, 64])
def test_parts_not_grouped_by_customer_stream_the_same_values(tmp_path: Path, rewrite: str, batch_rows: int) -> None:
    written = read_case(write_tiny(tmp_path / "case", BAU))
    want_ids, want_values = _streamed(written, "customer_energy", batch_rows)
    path = written.path / ENERGY
    REWRITES[rewrite](pq.read_table(path), path)
    assert reader._block_ids(pq.ParquetFile(path), "customer", 24) is None
    ids, values = _streamed(read_case(written.path), "customer_energy", batch_rows)
    np.testing.assert_array_equal(ids, want_ids)
    np.testing.assert_array_equal(values, want_values)
    assert values.shape == (3, 24)


def test_row_group_ids_come_from_the_key_column(tmp_path: Path) -> None:
    """With the value column first and constant per customer, its statistics must not pass for customer ids."""
    root = write_tiny(tmp_path / "case", BAU)
    table = pq.read_table(root / ENERGY)
    constant = pa.array(np.repeat([0.5, 1.5, 2.5], 24))
    pq.write_table(pa.table({"energy_kwh": constant, "customer": table.column("customer")}), root / ENERGY, row_group_size=24)
    assert reader._block_ids(pq.ParquetFile(root / ENERGY), "customer", 24) == [101, 102, 201]
    ids, values = _streamed(read_case(root), "customer_energy", 2)
    np.testing.assert_array_equal(ids, [101, 102, 201])
    np.testing.assert_array_equal(values, np.repeat([[0.5], [1.5], [2.5]], 24, axis=1))


def _regrid(frame: pd.DataFrame, key: str, grid: pd.DatetimeIndex) -> pd.DataFrame:
    """One row per key and interval of ``grid``, each key's values taken from its first row."""
    first = frame.groupby(key, sort=True).head(1)
    out = first.loc[first.index.repeat(len(grid))].reset_index(drop=True)
    out["timestamp"] = list(grid) * len(first)
    return out


def _write_spring_forward(root: Path) -> Path:
    """The tiny BAU case over 2016-03-13 00:00 CST to 06:00 CDT: five hours across the DST change."""
    metadata = dataclasses.replace(
        tiny_metadata("bau"),
        start=pd.Timestamp("2016-03-13T00:00:00-06:00").tz_convert(TIMEZONE),
        end=pd.Timestamp("2016-03-13T06:00:00-05:00").tz_convert(TIMEZONE),
    )
    tables = tiny_tables("bau")
    keys = {"system_hourly": "dso", "system_5min": "dso", "generator_5min": "generator", "generator_daily": "generator"}
    steps = {"system_hourly": 60, "system_5min": 5, "generator_5min": 5, "generator_daily": 1440}
    for name, key in keys.items():
        tables[name] = _regrid(tables[name], key, metadata.grid(steps[name]))
    ids = tables["customers"]["customer"].to_numpy(dtype=np.int64)
    arrays = {"customer_energy": [(ids, np.full((len(ids), 60), 0.25))]}
    return write_case(root, metadata, tables, arrays)


def test_spring_forward_case_has_five_hours(tmp_path: Path) -> None:
    case = read_case(_write_spring_forward(tmp_path / "case"))
    assert (case.metadata.periods(60), case.metadata.periods(5), case.metadata.periods(1440)) == (5, 60, 1)
    hourly = case.table("system_hourly")
    assert len(hourly) == 10
    assert [t.hour for t in hourly["timestamp"][:5]] == [0, 1, 3, 4, 5]
    ((_, values),) = case.iter_arrays("customer_energy")
    assert values.shape == (3, 60)


def test_spring_forward_case_with_tz_naive_timestamps_fails(tmp_path: Path) -> None:
    root = _write_spring_forward(tmp_path / "case")
    for file in ("system_hourly", "system_5min", "generator_5min", "generator_daily"):
        table = pq.read_table(root / f"{file}.parquet")
        wall = table.column("timestamp").to_pandas().dt.tz_localize(None)
        pq.write_table(replaced(table, "timestamp", pa.array(wall, type=pa.timestamp("us"))), root / f"{file}.parquet")
    with pytest.raises(CaseError, match=": tz-naive timestamps") as caught:
        read_case(root)
    assert (caught.value.file, caught.value.column, caught.value.rows) == ("system_hourly.parquet", "timestamp", ())


# --- writer ---------------------------------------------------------------------------------------


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("kind", [BAU, TRX])
def test_writing_twice_gives_identical_bytes(tmp_path: Path, kind: CaseKind) -> None:
    first = _files(write_tiny(tmp_path / "a", kind))
    second = _files(write_tiny(tmp_path / "b", kind))
    again = _files(write_tiny(tmp_path / "a", kind))  # replaces the existing directory
    assert first.keys() == second.keys() == again.keys()
    assert len(first) == (8 if kind == BAU else 11)
    for name in first:
        assert first[name] == second[name] == again[name], name


def test_arrays_from_long_rejects_a_missing_interval() -> None:
    long = tiny_meter_data().drop(index=5)
    grid = pd.date_range(local(0), periods=24, freq="5min")
    with pytest.raises(CaseError, match="customer 101 has 23 rows for 24 intervals") as caught:
        arrays_from_long(long, "energy_kwh", grid)
    assert (caught.value.file, caught.value.column) == ("(long frame)", "timestamp")


def test_arrays_from_long_rejects_a_duplicated_interval() -> None:
    long = tiny_meter_data()
    long = pd.concat([long.drop(index=5), long.loc[[4]]], ignore_index=True)
    grid = pd.date_range(local(0), periods=24, freq="5min")
    with pytest.raises(CaseError, match="duplicated intervals"):
        arrays_from_long(long, "energy_kwh", grid)
