"""A tiny hand-made case: two hours, two DSOs, three customers, three generators.

It is the book's worked example of placing one's own results into the case format and
the seed of the test corpus of broken cases.  Every number is made up by hand and
labelled synthetic; only the structure matters.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from dsot.cases.metadata import CaseKind, CaseMetadata, DSOInfo, RetailMarket
from dsot.cases.writer import Chunk, arrays_from_long, write_case

TIMEZONE = "US/Central"
START = pd.Timestamp("2016-08-11 16:00", tz=TIMEZONE)
END = pd.Timestamp("2016-08-11 18:00", tz=TIMEZONE)


def _counts(residential: int, commercial: int, industrial: int) -> dict[str, int]:
    return {"residential": residential, "commercial": commercial, "industrial": industrial}


def tiny_metadata(kind: CaseKind = "bau") -> CaseMetadata:
    """Metadata of the tiny case: two DSOs of one substation each."""
    dsos = (
        DSOInfo(1, "Hilltown", "urban", "investor-owned", _counts(2000, 1000, 3), 1000.0, 5.0, ("1-A",)),
        DSOInfo(2, "Plainville", "rural", "cooperative", _counts(500, 0, 0), 500.0, 0.0, ("2-A",)),
    )
    return CaseMetadata(
        case_id=f"tiny-{kind}",
        title="Tiny hand-made case (synthetic)",
        scenario="MR",
        kind=kind,
        year=2016,
        timezone=TIMEZONE,
        start=START,
        end=END,
        interval_minutes=5,
        synthetic=True,
        provenance="hand-made rows for the book's worked example and the validation tests (synthetic)",
        dsos=dsos,
        retail_market=None if kind == "bau" else RetailMarket(multiplier=1.04, distribution_price_usd_per_kwh=0.03),
    )


def _grid(minutes: int) -> pd.DatetimeIndex:
    return pd.date_range(START, END, freq=f"{minutes}min", inclusive="left")


def tiny_tables(kind: CaseKind = "bau") -> dict[str, pd.DataFrame]:
    """The long and static tables of the tiny case, as hand-written data frames."""
    hours, fives = _grid(60), _grid(5)
    transactive = kind != "bau"
    tables = {
        "system_hourly": pd.DataFrame(
            {
                "timestamp": list(hours) * 2,
                "dso": [1, 1, 2, 2],
                "da_lmp_usd_per_mwh": [42.0, 55.0, 41.0, 53.5],
                "da_cleared_mwh": [9.0, 10.0, 1.5, 1.6],
            }
        ),
        "system_5min": pd.DataFrame(
            {
                "timestamp": list(fives) * 2,
                "dso": [1] * 24 + [2] * 24,
                "rt_lmp_usd_per_mwh": [40.0 + i for i in range(24)] + [39.0 + i for i in range(24)],
                "delivered_mwh": [0.75 + 0.01 * (i % 12) for i in range(24)] + [0.125 + 0.001 * i for i in range(24)],
            }
        ),
        "generators": pd.DataFrame(
            {
                "generator": [1, 2, 3],
                "name": ["Hilltown nuclear", "Plainville wind", "Hilltown gas"],
                "dso": [1, 2, 1],
                "technology": ["nuclear", "wind", "natural_gas_combined_cycle"],
                "capacity_mw": [8.0, 3.0, 6.0],
                "variable_cost_usd_per_mwh": [9.0, 0.0, 38.0],
                "cost_per_start_usd": [0.0, 0.0, 1500.0],
            }
        ),
        "customers": pd.DataFrame(
            {
                "customer": [101, 102, 201],
                "dso": [1, 1, 2],
                "substation": ["1-A", "1-A", "2-A"],
                "customer_class": ["residential", "commercial", "residential"],
                "building_type": ["Single-Family", "Office, Medium/ Small", "Manufactured"],
                "owner_type": ["Homeowner", "Business", "Home renter"],
                "construction": ["retrofit", "new", "retrofit"],
                "rate_plan": ["transactive" if transactive else "fixed", "fixed", "transactive" if transactive else "fixed"],
                "participating": [transactive, False, False],
                "weight_customers": [2000.0, 1000.0, 500.0],
                "floor_area_sqft": [2100.0, 12000.0, 1100.0],
                "pv_kw": [5.0, 0.0, 0.0],
                "battery_kw": [5.0 if transactive else 0.0, 0.0, 0.0],
                "battery_kwh": [13.5 if transactive else 0.0, 0.0, 0.0],
                "ev_charger_kw": [7.2, 0.0, 0.0],
                "smart_thermostat": [transactive, False, False],
                "smart_water_heater": [False, False, False],
            }
        ),
    }
    output = {1: 8.0, 2: 2.0, 3: 3.0}
    tables["generator_5min"] = pd.DataFrame(
        {
            "timestamp": list(fives) * 3,
            "generator": np.repeat([1, 2, 3], 24),
            "output_mw": np.repeat([output[1], output[2], output[3]], 24),
        }
    )
    tables["generator_daily"] = pd.DataFrame(
        {"timestamp": [START.normalize()] * 3, "generator": [1, 2, 3], "starts_count": [0, 0, 1]}
    )
    if transactive:
        tables["retail_hourly"] = pd.DataFrame(
            {
                "timestamp": list(hours) * 2,
                "substation": ["1-A", "1-A", "2-A", "2-A"],
                "da_price_usd_per_kwh": [0.074, 0.090, 0.073, 0.086],
            }
        )
        tables["retail_5min"] = pd.DataFrame(
            {
                "timestamp": list(fives) * 2,
                "substation": ["1-A"] * 24 + ["2-A"] * 24,
                "rt_price_usd_per_kwh": [0.072 + 0.001 * i for i in range(24)] + [0.071 + 0.001 * i for i in range(24)],
            }
        )
    return tables


def tiny_meter_data(kind: CaseKind = "bau") -> pd.DataFrame:
    """Customer 5-minute net energy in the long layout of a meter-data export."""
    fives = _grid(5)
    rows = []
    shapes = {101: 0.20, 102: 1.10, 201: 0.15}
    for customer, base in shapes.items():
        for i, stamp in enumerate(fives):
            energy = base + 0.01 * (i % 6)
            if customer == 101:
                energy -= 0.35 if i < 6 else 0.0  # PV (and in transactive cases the battery) export: net metering
            rows.append((customer, stamp, round(energy, 4)))
    del kind
    return pd.DataFrame(rows, columns=["customer", "timestamp", "energy_kwh"])


def tiny_day_ahead() -> pd.DataFrame:
    """Hourly day-ahead purchases of the transactive-rate customers, long layout."""
    hours = _grid(60)
    return pd.DataFrame({"customer": [101, 101, 201, 201], "timestamp": list(hours) * 2, "day_ahead_kwh": [1.0, 2.4, 2.0, 2.1]})


def tiny_arrays(kind: CaseKind = "bau") -> dict[str, list[Chunk]]:
    """The array tables of the tiny case, converted from the long layout."""
    arrays = {"customer_energy": arrays_from_long(tiny_meter_data(kind), "energy_kwh", _grid(5))}
    if kind != "bau":
        arrays["customer_day_ahead"] = arrays_from_long(tiny_day_ahead(), "day_ahead_kwh", _grid(60))
    return arrays


def wrong_unit_example(directory: str | Path) -> Path:
    """The tiny BAU case as a user might hand it in: day-ahead prices under a kWh column name.

    Written with :func:`write_case`, then one Parquet column renamed as an outside tool
    would, so that :func:`~dsot.cases.read_case` shows its wrong-unit message.
    """
    path = write_case(Path(directory) / "wrong-unit", tiny_metadata("bau"), tiny_tables("bau"), tiny_arrays("bau"))
    file = path / "system_hourly.parquet"
    table = pq.read_table(file)
    names = ["da_lmp_usd_per_kwh" if n == "da_lmp_usd_per_mwh" else n for n in table.column_names]
    pq.write_table(table.rename_columns(names), file)
    return path
