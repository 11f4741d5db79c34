r"""Section 4.3 of PNNL-32170-4: retail ratemaking that recovers a DSO's required revenue.

* BAU (Section 4.3.1): every customer is on the declining block rate; its tier-1 price
  :math:`P_{fix}` is the one unknown and Eq. (43) finds it from a guess.
* Transactive (Section 4.3.2): participants pay the dynamic rate of Eq. (44) - the retail
  multiplier :math:`A` times the LMP, the substation's congestion price, a constant
  distribution price :math:`P_{dist}` less the month's congestion rebate, and the
  connection charge.  :math:`P_{dist}` (Eq. 57) closes the revenue requirement;
  non-participants get a fixed rate that collects what they would have paid on the
  transactive rate (Section 4.3.2.1); the congestion rebate (Eqs. 58-61) returns each
  substation's congestion revenue to its transactive customers every month.
* After the fact (Section 4.3.3): the simulation's retail market used a proxy
  :math:`P_{dist}`; the valuation sets the rate after the simulation, and
  :func:`proxy_revenue_gap_usd` reports what the proxy would have missed.

Every quantity in a bill is linear in :math:`P_{fix}` or :math:`P_{dist}` (net metering,
Section 4.1), so each rate is found in one exact step, not by iteration.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from dsot.registry import equation
from dsot.revenues import weighted_total

Number = float | npt.NDArray[np.float64]


@equation(42, section="4.3")
def revenue_requirement_usd(capital_expenses_usd: float, operating_expenses_usd: float) -> float:
    r"""A DSO's annual revenue requirement, :math:`RevReq_A`.

    Eq. (42): $$RevReq_A = CapEx_A + OpEx_A$$

    Parameters
    ----------
    capital_expenses_usd : :math:`CapEx_A`, the CFS's capital expenses (Section 3.2). [USD/yr]
    operating_expenses_usd : :math:`OpEx_A`, the CFS's operating expenses (Section 3.3). [USD/yr]

    >>> revenue_requirement_usd(1_000.0, 9_000.0)
    10000.0
    """
    return capital_expenses_usd + operating_expenses_usd


@equation(43, section="4.3.1")
def tier1_price_usd_per_kwh(
    guess_usd_per_kwh: float, revenue_at_guess_usd: float, requirement_usd: float, weighted_energy_kwh: float
) -> float:
    r"""The tier-1 block price that recovers the revenue requirement, :math:`P_{fix}`.

    Eq. (43): $$P_{fix} = P_{fix-g} - \frac{RevFixSales_A(P_{fix-g}) - RevReq_A}{WF_{dso} \sum_{c} Q_{cust_y}(c)}$$

    Parameters
    ----------
    guess_usd_per_kwh : :math:`P_{fix-g}`, any initial guess. [USD/kWh]
    revenue_at_guess_usd : :math:`RevFixSales_A(P_{fix-g})`, the revenue that the guess
        collects. [USD/yr]
    requirement_usd : :math:`RevReq_A` (or the requirement of the customers the rate is for). [USD/yr]
    weighted_energy_kwh : the energy the tier-1 price multiplies, :math:`WF_{dso} \sum_c Q_{cust_y}(c)`
        summed over the customers on the rate, the industrial lump included. [kWh/yr]

    Notes
    -----
    The block prices of tiers 2 and 3 are cuts of fixed size (Section 4.3.1 step 4), so
    revenue is :math:`RevFixSales_A(P) = RevFixSales_A(0) + P \cdot Q`, and one step from
    any guess is exact when :math:`Q` is all the energy billed on the rate.  The printed
    denominator sums over transactive customers :math:`c_t` (a typo: BAU has none) and
    leaves out the industrial lump; with that denominator the step is not exact and
    would have to be repeated.

    >>> round(tier1_price_usd_per_kwh(0.10, 900.0, 1_000.0, 5_000.0), 6)
    0.12
    """
    if weighted_energy_kwh == 0:
        raise ValueError("the tier-1 price needs a nonzero energy")
    return guess_usd_per_kwh - (revenue_at_guess_usd - requirement_usd) / weighted_energy_kwh


@equation(44, section="4.3.2.2")
def transactive_bill_structure_usd(
    retail_multiplier: float,
    lmp_usd: Number,
    congestion_usd: Number,
    distribution_price_usd_per_kwh: float,
    congestion_rebate_usd_per_kwh: Number,
    energy_kwh: Number,
    connection_charge_usd: float,
) -> Number:
    r"""A transactive customer's monthly bill by cost component, :math:`TrxBill_m(c_t)`.

    Eq. (44):
    $$TrxBill_m(c_t) = A \sum_{h} LMP_{m,h} Q_{cust_h}(c_t) + \sum_{h} DCP_{m,h}(c_t) Q_{cust_{m,h}}(c_t)
    + (P_{dist} - \Delta P_m) Q_{cust_m}(c_t) + ConnectTrx(c_t)$$

    Parameters
    ----------
    retail_multiplier : :math:`A`. [ratio]
    lmp_usd : :math:`\sum_h LMP_{m,h} Q_{cust_h}`, the month's consumption priced at the
        wholesale LMPs (day-ahead purchases at the day-ahead LMP, the imbalance at the
        real-time LMP, as Eqs. 26-27 split it). [USD]
    congestion_usd : :math:`\sum_h DCP_{m,h} Q_{cust_{m,h}}`, from :func:`customer_congestion_usd`. [USD]
    distribution_price_usd_per_kwh : :math:`P_{dist}` (Eq. 57). [USD/kWh]
    congestion_rebate_usd_per_kwh : :math:`\Delta P_m` (Eq. 61). [USD/kWh]
    energy_kwh : :math:`Q_{cust_m}`. [kWh]
    connection_charge_usd : :math:`ConnectTrx`. [USD/month]

    Notes
    -----
    With the congestion term, this equals Eq. (29)'s bill plus :math:`\sum DCP\,Q`:
    Eqs. (26)-(27) price energy at :math:`A\,LMP`, and the retail clearing prices' congestion
    component, which the rebate of Eq. (58) returns, is only in Eq. (44).

    >>> round(transactive_bill_structure_usd(1.04, 100.0, 2.0, 0.05, 0.002, 1_000.0, 10.0), 6)
    164.0
    """
    return (
        retail_multiplier * lmp_usd
        + congestion_usd
        + (distribution_price_usd_per_kwh - congestion_rebate_usd_per_kwh) * energy_kwh
        + connection_charge_usd
    )


@equation(52, section="4.3.2.2")
def transactive_revenue_required_usd(requirement_usd: float, fixed_sales_usd: float) -> float:
    r"""Revenue required from transactive customers, :math:`RevTrxSales_A`.

    Eq. (52): $$RevTrxSales_A = RevReq_A - RevFixSales_A$$ [USD/yr]

    >>> transactive_revenue_required_usd(1_000.0, 100.0)
    900.0
    """
    return requirement_usd - fixed_sales_usd


@equation(55, section="4.3.2.2")
def transactive_energy_kwh(weights: npt.ArrayLike, energy_kwh: npt.ArrayLike) -> float:
    r"""Energy consumed by a DSO's transactive customers, :math:`Q_{trx_A}` (or a month's :math:`Qtrx_m`).

    Eq. (55): $$Q_{trx_A} = WF_{dso} \sum_{c_t=1}^{N_t} \sum_{h=1}^{8760} Q_{cust_h}(c_t)$$

    and the unnumbered :math:`Qtrx_m` under Eq. (61) over one month.

    Parameters
    ----------
    weights : :math:`WF_{dso}` per customer(-month) row, or a scalar. [count]
    energy_kwh : each row's consumption. [kWh]

    >>> transactive_energy_kwh(2.0, [100.0, 50.0])
    300.0
    """
    return weighted_total(weights, energy_kwh)


@equation(57, section="4.3.2.2")
def distribution_price_usd_per_kwh(
    requirement_usd: float,
    fixed_sales_usd: float,
    day_ahead_usd: float,
    real_time_usd: float,
    connection_usd: float,
    transactive_energy: float,
    congestion_net_usd: float = 0.0,
) -> float:
    r"""The distribution energy price that recovers the requirement, :math:`P_{dist}`.

    Eq. (57):
    $$P_{dist} = \frac{RevReq_A - RevFixSales_A - RevDaEnergy_A - RevRtEnergy_A - RevConnectTrx_A}{Q_{trx_A}}$$

    Parameters
    ----------
    requirement_usd : :math:`RevReq_A`. [USD/yr]
    fixed_sales_usd : :math:`RevFixSales_A`. [USD/yr]
    day_ahead_usd, real_time_usd, connection_usd : Eqs. (35), (36), (38). [USD/yr]
    transactive_energy : :math:`Q_{trx_A}` (Eq. 55). [kWh/yr]
    congestion_net_usd : congestion charges less rebates kept by the DSO (zero when the
        rebate of Eqs. 58-61 returns them, the printed design). [USD/yr]

    Notes
    -----
    Eq. (54) drops the rebate from the distribution revenue; the rebate cancels the
    congestion charges substation by substation, so this is exact whenever the rebate is
    applied, and ``congestion_net_usd`` carries the difference when it is not.

    >>> round(distribution_price_usd_per_kwh(1_000.0, 100.0, 400.0, 20.0, 30.0, 9_000.0), 6)
    0.05
    """
    if transactive_energy == 0:
        raise ValueError("the distribution price needs a nonzero transactive energy")
    return (
        requirement_usd - fixed_sales_usd - day_ahead_usd - real_time_usd - connection_usd - congestion_net_usd
    ) / transactive_energy


@equation(59, 60, section="4.3.2.2")
def congestion_price_usd_per_kwh(
    retail_price_usd_per_kwh: Number, retail_multiplier: float, lmp_usd_per_mwh: Number, distribution_price: float
) -> Number:
    r"""Distribution congestion price of a day-ahead hour or a real-time interval, :math:`DCP`.

    Eq. (59): $$DCPda_{m,d,h} = Pda_{m,d,h} - (A\,LMPda_{m,d,h} + P_{dist})$$
    Eq. (60): $$DCPrt_{m,d,h,i} = Prt_{m,d,h,i} - (A\,LMPrt_{m,d,h,i} + P_{dist})$$

    Parameters
    ----------
    retail_price_usd_per_kwh : :math:`Pda` or :math:`Prt`, the substation's retail clearing price. [USD/kWh]
    retail_multiplier : :math:`A` with which the retail market formed its prices. [ratio]
    lmp_usd_per_mwh : :math:`LMPda` or :math:`LMPrt` at the DSO's node. [USD/MWh]
    distribution_price : :math:`P_{dist}` with which the market formed its prices. [USD/kWh]

    Notes
    -----
    The congestion price is the part of the clearing price above the uncongested price,
    so it must be measured against the :math:`A` and :math:`P_{dist}` that the simulated
    retail market used (the case's ``retail_market``), which the after-the-fact ratemaking
    of Section 4.3.3 may then replace in the bill.

    >>> round(float(congestion_price_usd_per_kwh(0.0712, 1.04, 30.0, 0.035)), 6)
    0.005
    """
    return retail_price_usd_per_kwh - (retail_multiplier * np.asarray(lmp_usd_per_mwh) / 1000.0 + distribution_price)


def customer_congestion_usd(statistics: pd.DataFrame, retail_multiplier: float, distribution_price: float) -> pd.Series:
    r"""Each customer's monthly congestion payments :math:`\sum DCPda\,Qda + \sum DCPrt\,(Q - Qda/12)`.

    The inner sums of Eq. (58), from the engine's statistics (:mod:`dsot.engine`) using
    Eqs. (59)-(60): the day-ahead part is ``da_price_usd - A da_lmp_usd - P_dist da_kwh``
    and the real-time part ``(rt_price_usd - da_rt_price_usd) - A (rt_lmp_usd -
    da_rt_lmp_usd) - P_dist (energy_kwh - da_kwh)``.  [USD per customer and month]
    """
    s = statistics
    day_ahead = s["da_price_usd"] - retail_multiplier * s["da_lmp_usd"] - distribution_price * s["da_kwh"]
    real_time = (
        (s["rt_price_usd"] - s["da_rt_price_usd"])
        - retail_multiplier * (s["rt_lmp_usd"] - s["da_rt_lmp_usd"])
        - distribution_price * (s["energy_kwh"] - s["da_kwh"])
    )
    return (day_ahead + real_time).rename("congestion_usd")


@equation(58, section="4.3.2.2")
def congestion_revenue_usd(weights: npt.ArrayLike, customer_congestion: npt.ArrayLike) -> float:
    r"""A substation's congestion revenue in one month, :math:`CngstRev_m`.

    Eq. (58):
    $$CngstRev_m = WF_{dso} \sum_{c_t}\sum_{d,h} DCPda\,Qda(c_t)
    + WF_{dso}\sum_{c_t}\sum_{d,h,i} DCPrt \left(Q_{cust}(c_t) - \tfrac{1}{12} Qda(c_t)\right)$$

    Parameters
    ----------
    weights : :math:`WF_{dso}` per transactive customer of the substation (or a scalar). [count]
    customer_congestion : each customer's month of congestion payments
        (:func:`customer_congestion_usd`). [USD]

    >>> congestion_revenue_usd(100.0, [0.5, 1.5])
    200.0
    """
    return weighted_total(weights, customer_congestion)


@equation(61, section="4.3.2.2")
def congestion_rebate_usd_per_kwh(congestion_revenue: Number, transactive_energy_month_kwh: Number) -> Number:
    r"""Monthly congestion discount of a substation, :math:`\Delta P_m`.

    Eq. (61): $$\Delta P_m = \frac{CngstRev_m}{Qtrx_m}$$

    Parameters
    ----------
    congestion_revenue : :math:`CngstRev_m` (Eq. 58). [USD]
    transactive_energy_month_kwh : :math:`Qtrx_m`, the month's weighted consumption of the
        substation's transactive customers. [kWh]

    Notes
    -----
    A month without congestion revenue has no rebate, even when no transactive energy
    flows; congestion revenue with no energy to rebate it over is an error.

    >>> congestion_rebate_usd_per_kwh(200.0, 100_000.0)
    0.002
    """
    revenue = np.asarray(congestion_revenue, dtype=np.float64)
    energy = np.asarray(transactive_energy_month_kwh, dtype=np.float64)
    if np.any((energy == 0) & (revenue != 0)):
        raise ValueError("congestion revenue in a month without transactive energy cannot be rebated per kWh")
    rebate = np.divide(revenue, energy, out=np.zeros(np.broadcast(revenue, energy).shape), where=energy != 0)
    return float(rebate) if rebate.ndim == 0 else rebate


def proxy_revenue_gap_usd(proxy_price: float, distribution_price: float, transactive_energy: float) -> float:
    r"""Revenue the simulation's proxy :math:`P_{dist}` would have missed (Section 4.3.3).

    Billing participants at the proxy instead of the after-the-fact price changes
    revenue by :math:`(P_{dist}^{proxy} - P_{dist})\,Q_{trx_A}`; a negative value is a
    shortfall against the requirement.  [USD/yr]

    >>> round(proxy_revenue_gap_usd(0.035, 0.040, 1e9), 3)
    -5000000.0
    """
    return (proxy_price - distribution_price) * transactive_energy
