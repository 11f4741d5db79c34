r"""Section 4.1 of PNNL-32170-4: customers' monthly bills.

Fixed-price bills (Section 4.1.1, Eqs. 19-24): a three-tier declining block energy
charge, a noncoincident peak-demand charge for commercial and industrial customers and a
monthly connection charge.  Transactive bills (Section 4.1.3, Eqs. 25-29): day-ahead and
real-time energy charges at the retail multiplier times the wholesale LMP, a
distribution charge net of the monthly congestion rebate, and the connection charge.

All rates are net metering (Section 4.1.3): a negative monthly consumption simply lowers
the bill; nothing is truncated at zero.

The functions take monthly quantities, scalars or numpy arrays alike (one value per
customer and month), as produced by :mod:`dsot.engine`: energy in kWh, demand in kW,
price-weighted sums in USD.  Prices are in USD/kWh, demand prices in USD/kW per month and
connection charges in USD per month.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from dsot.params import ParameterError, ParameterSet, load_parameters, parameter_text, parameter_value
from dsot.registry import equation

Number = float | npt.NDArray[np.float64]
DemandReading = Literal["block", "rolling"]


@equation(20, section="4.1.1")
def fixed_energy_charge_usd(
    energy_kwh: Number,
    tier1_price_usd_per_kwh: float,
    tier2_cut_usd_per_kwh: float,
    tier3_cut_usd_per_kwh: float,
    tier1_max_kwh: float,
    tier2_max_kwh: float,
) -> Number:
    r"""Monthly energy charge of a fixed-price customer, :math:`FixEnergyCharge_m`.

    Eq. (20): $$FixEnergyCharge_m = P_{fix} Q_{cust_m} - M_2 P_{fix} (Q_{cust_m} - Q_{1max})\{Q_{cust_m} > Q_{1max}\}
    - M_3 P_{fix} (Q_{cust_m} - Q_{2max})\{Q_{cust_m} > Q_{2max}\}$$

    Parameters
    ----------
    energy_kwh : :math:`Q_{cust_m}`, the month's net metered energy (Eq. 19). [kWh]
    tier1_price_usd_per_kwh : :math:`P_{fix}`. [USD/kWh]
    tier2_cut_usd_per_kwh : :math:`M_2 P_{fix}`, the tier-2 price reduction ($0.04/kWh in the study). [USD/kWh]
    tier3_cut_usd_per_kwh : :math:`M_3 P_{fix}`, the further tier-3 reduction ($0.03/kWh). [USD/kWh]
    tier1_max_kwh, tier2_max_kwh : :math:`Q_{1max}`, :math:`Q_{2max}` (2,000 and 10,000 kWh/month). [kWh]

    Returns
    -------
    :math:`FixEnergyCharge_m` [USD]

    Notes
    -----
    Section 4.3.1 gives the tier reductions as $/kWh amounts, while Eq. (20) writes them as
    fractions :math:`M_2`, :math:`M_3` of :math:`P_{fix}`; the function takes the amounts
    (:math:`M_2 P_{fix}` and :math:`M_3 P_{fix}`), so both readings agree.

    Examples
    --------
    12,000 kWh at 0.12 $/kWh with cuts of 0.04 and 0.03 $/kWh above 2,000 and 10,000 kWh:
    0.12 x 2,000 + 0.08 x 8,000 + 0.05 x 2,000 = 980 $.

    >>> round(fixed_energy_charge_usd(12_000.0, 0.12, 0.04, 0.03, 2_000.0, 10_000.0), 6)
    980.0
    """
    q = np.asarray(energy_kwh, dtype=np.float64)
    charge = (
        tier1_price_usd_per_kwh * q
        - tier2_cut_usd_per_kwh * np.clip(q - tier1_max_kwh, 0.0, None)
        - tier3_cut_usd_per_kwh * np.clip(q - tier2_max_kwh, 0.0, None)
    )
    return float(charge) if charge.ndim == 0 else charge


@equation(21, section="4.1.1")
def tier2_price_usd_per_kwh(tier1_price_usd_per_kwh: float, tier2_cut_usd_per_kwh: float) -> float:
    r"""Tier-2 energy price, :math:`P_{fix2}`.

    Eq. (21): $$P_{fix2} = (1 - M_2) P_{fix}$$ with :math:`M_2 P_{fix}` the tier-2 reduction.

    >>> round(tier2_price_usd_per_kwh(0.12, 0.04), 10)
    0.08
    """
    return tier1_price_usd_per_kwh - tier2_cut_usd_per_kwh


@equation(22, section="4.1.1")
def tier3_price_usd_per_kwh(tier1_price_usd_per_kwh: float, tier2_cut_usd_per_kwh: float, tier3_cut_usd_per_kwh: float) -> float:
    r"""Tier-3 energy price, :math:`P_{fix3}`.

    Eq. (22): $$P_{fix3} = (1 - M_2 - M_3) P_{fix}$$

    >>> round(tier3_price_usd_per_kwh(0.12, 0.04, 0.03), 10)
    0.05
    """
    return tier1_price_usd_per_kwh - tier2_cut_usd_per_kwh - tier3_cut_usd_per_kwh


@equation(23, section="4.1.1")
def demand_charge_usd(peak_demand_kw: Number, demand_price_usd_per_kw: float) -> Number:
    r"""Monthly noncoincident peak-demand charge, :math:`DemandCharge_m`.

    Eq. (23): $$DemandCharge_m = MAX\{Q_{cust_{m,d,h,f}}\} P_{demand}$$

    Parameters
    ----------
    peak_demand_kw : the month's highest 15-minute average power (:mod:`dsot.engine`:
        ``demand_block_kw`` for the printed clock-aligned blocks, ``demand_rolling_kw`` for
        the study's rolling 15-minute mean of 5-minute data). [kW]
    demand_price_usd_per_kw : :math:`P_{demand}` ($15/kW per month in the study). [USD/kW]

    Returns
    -------
    :math:`DemandCharge_m` [USD]; commercial and industrial customers only (residential
    customers pay none, Section 4.1.1).

    >>> demand_charge_usd(40.0, 15.0)
    600.0
    """
    return peak_demand_kw * demand_price_usd_per_kw


@equation(24, section="4.1.1")
def fixed_bill_usd(energy_charge_usd: Number, demand_charge_usd: Number, connection_charge_usd: float) -> Number:
    r"""Monthly bill of a fixed-price customer, :math:`FixBill_m`.

    Eq. (24): $$FixBill_m = FixEnergyCharge_m + DemandCharge_m + ConnectFix_m$$

    >>> fixed_bill_usd(980.0, 600.0, 10.0)
    1590.0
    """
    return energy_charge_usd + demand_charge_usd + connection_charge_usd


@equation(25, section="4.1.3")
def bill_by_cost_component_usd(
    energy_cost_usd: Number, congestion_cost_usd: Number, distribution_cost_usd: Number, meter_charge_usd: Number
) -> Number:
    r"""A transactive bill by the DSO cost component each part recovers, :math:`Bill_{n,c,s,d}`.

    Eq. (25): $$Bill_{n,c,s,d} = EnergyCost_{n,d} + CongestCost_{n,s,d} + DistributionCost_{n,c,d} + MeterCharge_{c,d}$$

    Parameters
    ----------
    energy_cost_usd : wholesale energy at the retail multiplier times the LMP (Eqs. 26-27). [USD]
    congestion_cost_usd : the substation's congestion price times consumption (Eq. 44's second term). [USD]
    distribution_cost_usd : the distribution price times consumption, net of the rebate (Eq. 28). [USD]
    meter_charge_usd : the connection charge. [USD]

    >>> bill_by_cost_component_usd(109.2, 2.0, 24.0, 10.0)
    145.2
    """
    return energy_cost_usd + congestion_cost_usd + distribution_cost_usd + meter_charge_usd


@equation(26, section="4.1.3")
def day_ahead_charge_usd(retail_multiplier: float, day_ahead_lmp_usd: Number) -> Number:
    r"""Monthly day-ahead energy charge of a transactive customer, :math:`DayAheadCharge_m`.

    Eq. (26): $$DayAheadCharge_m = \sum_{d=1}^{D_m}\sum_{h=1}^{24} Qda_{m,d,h}\, A\, LMPda_{m,d,h}$$

    Parameters
    ----------
    retail_multiplier : :math:`A` (Eq. 45; the study used 1.04). [ratio]
    day_ahead_lmp_usd : :math:`\sum_h Qda_h LMPda_h` over the month (:mod:`dsot.engine`
        ``da_lmp_usd``; LMP converted to USD/kWh). [USD]

    >>> round(day_ahead_charge_usd(1.04, 100.0), 10)
    104.0
    """
    return retail_multiplier * day_ahead_lmp_usd


@equation(27, section="4.1.3")
def real_time_charge_usd(retail_multiplier: float, real_time_lmp_usd: Number, day_ahead_real_time_lmp_usd: Number) -> Number:
    r"""Monthly real-time energy charge of a transactive customer, :math:`RealTimeCharge_m`.

    Eq. (27):
    $$RealTimeCharge_m = \sum_{d,h}\sum_{i=1}^{12}\left(Qcust_{m,d,h,i} - \frac{Qda_{m,d,h}}{12}\right) A\, LMPrt_{m,d,h,i}$$

    Parameters
    ----------
    retail_multiplier : :math:`A`. [ratio]
    real_time_lmp_usd : :math:`\sum_i Qcust_i LMPrt_i` over the month (``rt_lmp_usd``). [USD]
    day_ahead_real_time_lmp_usd : :math:`\sum_h \frac{Qda_h}{12}\sum_{i \in h} LMPrt_i`
        (``da_rt_lmp_usd``). [USD]

    Notes
    -----
    The where-list calls :math:`LMPrt` the *retail* real-time clearing price and the text
    "the fixed retail price"; the equation multiplies it by :math:`A` like the wholesale
    LMP of Eq. 26, which is how it is read here.  A customer without day-ahead purchases
    buys its whole consumption in real time.

    >>> round(real_time_charge_usd(1.04, 50.0, 45.0), 10)
    5.2
    """
    return retail_multiplier * (real_time_lmp_usd - day_ahead_real_time_lmp_usd)


@equation(28, section="4.1.3")
def distribution_charge_usd(
    energy_kwh: Number, distribution_price_usd_per_kwh: float, congestion_rebate_usd_per_kwh: Number
) -> Number:
    r"""Monthly distribution charge of a transactive customer, :math:`DistCharge_m`.

    Eq. (28): $$DistCharge_m = \sum_{d}\sum_{h}\sum_{i} Qcust_{m,d,h,i}\,(P_{dist} - \Delta P_m)$$

    Parameters
    ----------
    energy_kwh : :math:`Q_{cust_m}`, the month's net metered energy. [kWh]
    distribution_price_usd_per_kwh : :math:`P_{dist}` (Eq. 57). [USD/kWh]
    congestion_rebate_usd_per_kwh : :math:`\Delta P_m` of the customer's substation (Eq. 61). [USD/kWh]

    >>> round(distribution_charge_usd(500.0, 0.05, 0.002), 10)
    24.0
    """
    return energy_kwh * (distribution_price_usd_per_kwh - congestion_rebate_usd_per_kwh)


@equation(29, section="4.1.3")
def transactive_bill_usd(
    day_ahead_charge: Number, real_time_charge: Number, distribution_charge: Number, connection_charge_usd: float
) -> Number:
    r"""Monthly bill of a transactive customer, :math:`TrxBill_m`.

    Eq. (29): $$TrxBill_m = DayAheadCharge_m + RealTimeCharge_m + DistCharge_m + ConnectTrx_m$$

    The four terms are those of Eq. (25)'s structure (energy, congestion inside the retail
    prices, distribution, meter charge).

    >>> transactive_bill_usd(104.0, 5.2, 24.0, 10.0)
    143.2
    """
    return day_ahead_charge + real_time_charge + distribution_charge + connection_charge_usd


# --- composition over the engine's statistics ------------------------------------------------


@dataclass(frozen=True)
class FixedTariff:
    """A fixed-price rate design (Section 4.1.1); ``tier1_price_usd_per_kwh`` comes from ratemaking (Eq. 43)."""

    tier1_price_usd_per_kwh: float
    tier2_cut_usd_per_kwh: float
    tier3_cut_usd_per_kwh: float
    tier1_max_kwh: float
    tier2_max_kwh: float
    demand_price_usd_per_kw: float
    connection_charge_usd: float
    demand_reading: DemandReading


def load_fixed_tariff(
    tier1_price_usd_per_kwh: float, parameter_set: ParameterSet = "study", data: Path | None = None
) -> FixedTariff:
    """The study's fixed-price rate design (``data/parameters/rates.csv``) at a tier-1 price."""
    frame = load_parameters("rates", parameter_set, data)
    reading = parameter_text(frame, "demand_reading")
    if reading not in ("block", "rolling"):
        raise ParameterError(f"demand_reading must be block or rolling (got {reading!r})")
    return FixedTariff(
        tier1_price_usd_per_kwh=tier1_price_usd_per_kwh,
        tier2_cut_usd_per_kwh=parameter_value(frame, "tier2_cut"),
        tier3_cut_usd_per_kwh=parameter_value(frame, "tier3_cut"),
        tier1_max_kwh=parameter_value(frame, "tier1_max"),
        tier2_max_kwh=parameter_value(frame, "tier2_max"),
        demand_price_usd_per_kw=parameter_value(frame, "demand_price"),
        connection_charge_usd=parameter_value(frame, "connection_charge"),
        demand_reading=reading,  # type: ignore[arg-type]
    )


def fixed_bills(statistics: pd.DataFrame, customer_class: pd.Series, tariff: FixedTariff) -> pd.DataFrame:
    """Monthly fixed-price bills (Eqs. 20-24) of every customer from the engine's statistics.

    Parameters
    ----------
    statistics : :func:`dsot.engine.case_statistics`, indexed by (customer, month).
    customer_class : each customer's class (index: customer); only commercial and
        industrial customers pay the demand charge.
    tariff : the rate design.

    Returns
    -------
    Frame indexed like ``statistics`` with ``energy_charge_usd``, ``demand_charge_usd``,
    ``connection_charge_usd`` and ``bill_usd``.
    """
    customers = statistics.index.get_level_values("customer")
    pays_demand = customer_class.reindex(customers).isin(["commercial", "industrial"]).to_numpy()
    peak = statistics["demand_block_kw" if tariff.demand_reading == "block" else "demand_rolling_kw"].to_numpy()
    energy = fixed_energy_charge_usd(
        statistics["energy_kwh"].to_numpy(),
        tariff.tier1_price_usd_per_kwh,
        tariff.tier2_cut_usd_per_kwh,
        tariff.tier3_cut_usd_per_kwh,
        tariff.tier1_max_kwh,
        tariff.tier2_max_kwh,
    )
    demand = np.where(pays_demand, demand_charge_usd(peak, tariff.demand_price_usd_per_kw), 0.0)
    return pd.DataFrame(
        {
            "energy_charge_usd": energy,
            "demand_charge_usd": demand,
            "connection_charge_usd": tariff.connection_charge_usd,
            "bill_usd": fixed_bill_usd(energy, demand, tariff.connection_charge_usd),
        },
        index=statistics.index,
    )
