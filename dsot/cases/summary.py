"""Summaries of a case used to calibrate and to check it: energies, peaks, wholesale costs.

These functions read series that a case holds (or that the generator is about to write)
and apply the package's Section 3.3.1 functions to them, so the calibration targets are
met by the same code the valuation uses.
"""

from __future__ import annotations

import pandas as pd

from dsot import wholesale
from dsot.wholesale import WholesaleParameters


def wholesale_energy_costs_kusd(
    lmp_da_usd_per_mwh: pd.Series,
    cleared_mwh: pd.Series,
    lmp_rt_usd_per_mwh: pd.Series,
    delivered_mwh: pd.Series,
    params: WholesaleParameters,
) -> dict[str, float]:
    """A DSO's bilateral, day-ahead and real-time energy costs (Eqs. 9-11) [$K/yr] and bilateral energy [MWh].

    Parameters
    ----------
    lmp_da_usd_per_mwh, cleared_mwh : hourly day-ahead price [USD/MWh] and cleared energy [MWh].
    lmp_rt_usd_per_mwh, delivered_mwh : 5-minute real-time price [USD/MWh] and delivered energy [MWh].
    params : the wholesale parameter set (its readings of Eqs. 9-11 and Table 15).
    """
    hourly_load = wholesale.hourly_energy_mwh(delivered_mwh)
    schedule = wholesale.bilateral_schedule(lmp_da_usd_per_mwh, cleared_mwh, hourly_load, params)
    bilateral = wholesale.bilateral_energy_cost_kusd(schedule["bilateral_mwh"], schedule["bilateral_price_usd_per_mwh"])
    day_ahead = wholesale.day_ahead_energy_cost_kusd(lmp_da_usd_per_mwh, cleared_mwh, schedule["bilateral_mwh"])
    real_time = wholesale.real_time_energy_cost_kusd(lmp_rt_usd_per_mwh, delivered_mwh, cleared_mwh, params.real_time_reading)
    return {
        "bilateral_kusd": bilateral,
        "day_ahead_kusd": day_ahead,
        "real_time_kusd": real_time,
        "bilateral_mwh": float(schedule["bilateral_mwh"].sum()),
    }


def block_prices_usd_per_mwh(lmp_da_usd_per_mwh: pd.Series, delivered_mwh: pd.Series, params: WholesaleParameters) -> pd.Series:
    """Table 15's bilateral block prices of a DSO under the parameter set's reading [USD/MWh]."""
    hourly_load = wholesale.hourly_energy_mwh(delivered_mwh)
    blocks = wholesale.time_blocks(pd.DatetimeIndex(lmp_da_usd_per_mwh.index), params.block_hours)
    contract = wholesale.contract_blocks(blocks, params.contract_of)
    return wholesale.bilateral_block_prices_usd_per_mwh(lmp_da_usd_per_mwh, hourly_load, contract, params.bilateral_price_reading)
