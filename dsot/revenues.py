r"""Section 4.2 of PNNL-32170-4: a DSO's sales and revenues from its customers' bills.

The study simulates a sample of each DSO's residential and commercial customers and
scales their bills by the DSO's weighting factor :math:`WF_{dso}` (Eqs. 30-41); industrial
customers are not simulated one by one but billed as a lump (Section 4.2), which the
valuation adds as its own line (:mod:`dsot.valuation`).

The weighting factor here is an array with one weight per customer (and month), the
``weight_customers`` column of a case: the number of real customers each simulated
customer stands for.  When every simulated customer of a DSO has the same weight this is
exactly :math:`WF_{dso}` of the printed equations; a sample stratified by class (as the
demonstration case is) needs one weight per stratum, and the sums below are then the
natural generalization.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from dsot.registry import equation

Number = float | npt.NDArray[np.float64]


def weighted_total(weights: npt.ArrayLike, values: npt.ArrayLike) -> float:
    """Sum of ``weights x values`` over customer(-month) rows, the scaling step of every equation of Section 4.2.

    Weights are real customers per simulated customer (non-negative); values are any
    per-row quantity (charges in USD, energy in kWh), finite, possibly negative (net
    metering).

    >>> weighted_total([2.0, 3.0], [100.0, -10.0])
    170.0
    """
    w = np.asarray(weights, dtype=np.float64)
    v = np.asarray(values, dtype=np.float64)
    if w.shape != v.shape and w.ndim != 0:
        raise ValueError(f"weights of shape {w.shape} do not match values of shape {v.shape}")
    if not (np.all(np.isfinite(w)) and np.all(np.isfinite(v))):
        raise ValueError("weights and charges must be finite")
    if np.any(w < 0):
        raise ValueError("weights must not be negative")
    return float(np.sum(w * v))


@equation(30, 31, 32, 35, 36, 37, 38, section="4.2")
def annual_revenue_usd(weights: npt.ArrayLike, monthly_charges_usd: npt.ArrayLike) -> float:
    r"""A DSO's annual revenue from one bill component, :math:`Rev_A`.

    Eqs. (30)-(32) for fixed-price customers :math:`c_f` and (35)-(38) for transactive
    customers :math:`c_t` all have one form, the weighted sum of a monthly bill component
    over customers and months:

    $$RevFixEnergy_A = WF_{dso} \sum_{c_f=1}^{N_f} \sum_{m=1}^{12} FixEnergyCharge_m(c_f) \qquad (30)$$

    and likewise :math:`RevPeakDemand_A` from :math:`DemandCharge_m` (31),
    :math:`RevConnectFix_A` from :math:`ConnectFix_m` (32), :math:`RevDaEnergy_A` from
    :math:`DayAheadCharge_m` (35), :math:`RevRtEnergy_A` from :math:`RealTimeCharge_m`
    (36), :math:`RevDistCharges_A` from :math:`DistCharge_m` (37) and
    :math:`RevConnectTrx_A` from :math:`ConnectTrx_m` (38).

    Parameters
    ----------
    weights : :math:`WF_{dso}`, a scalar or one weight per customer-month row (real customers
        per simulated customer). [count]
    monthly_charges_usd : the bill component of every customer and month. [USD]

    Returns
    -------
    The annual revenue [USD].

    >>> round(annual_revenue_usd(3816.93, [10.0, 10.0]), 6)
    76338.6
    >>> annual_revenue_usd([2.0, 3.0], [100.0, 10.0])
    230.0
    """
    return weighted_total(weights, monthly_charges_usd)


@equation(33, section="4.2.1")
def fixed_sales_usd(energy_usd: float, demand_usd: float, connection_usd: float) -> float:
    r"""Annual revenue from fixed-price sales, :math:`RevFixSales_A`.

    Eq. (33): $$RevFixSales_A = RevFixEnergy_A + RevDemandCharges_A + RevConnectFix_A$$

    (:math:`RevDemandCharges_A` is Eq. 31's :math:`RevPeakDemand_A`.)  All in USD.

    >>> fixed_sales_usd(900.0, 80.0, 20.0)
    1000.0
    """
    return energy_usd + demand_usd + connection_usd


@equation(39, section="4.2.2")
def transactive_sales_usd(
    day_ahead_usd: float, real_time_usd: float, distribution_usd: float, connection_usd: float, congestion_usd: float = 0.0
) -> float:
    r"""Annual revenue from transactive sales, :math:`RevTrxSales_A`.

    Eq. (39): $$RevTrxSales_A = RevDaEnergy_A + RevRtEnergy_A + RevDistCharges_A + RevConnectTrx_A$$

    Parameters
    ----------
    day_ahead_usd, real_time_usd, distribution_usd, connection_usd : Eqs. (35)-(38). [USD]
    congestion_usd : the congestion term of the rate (Eq. 44's :math:`\sum DCP\,Q`), which
        the printed Eqs. (26)-(29) leave inside the retail clearing prices; zero when no
        substation is congested. [USD]

    >>> transactive_sales_usd(500.0, -20.0, 300.0, 20.0)
    800.0
    """
    return day_ahead_usd + real_time_usd + distribution_usd + connection_usd + congestion_usd


@equation(34, 40, section="4.2")
def blended_average_cost_usd_per_kwh(sales_usd: float, weighted_energy_kwh: float) -> float:
    r"""Blended average cost of electricity of a group of customers, :math:`BlendedAvgElecCost`.

    Eq. (34): $$BlendedAvgElecCost_f = \frac{RevFixSales_A}{WF_{dso}} \bigg/ \sum_{c_f=1}^{N_f} Q_{cust_A}(c_f)$$

    and Eq. (40) the same for transactive customers.  Dividing the revenue by
    :math:`WF_{dso}` and the sampled energy by nothing is the same as dividing the revenue
    by the weighted energy :math:`WF_{dso} \sum Q_{cust_A}`, which is the form taken here
    (it holds for per-customer weights too).

    Parameters
    ----------
    sales_usd : :math:`RevFixSales_A` or :math:`RevTrxSales_A`. [USD]
    weighted_energy_kwh : :math:`WF_{dso} \sum_c Q_{cust_A}(c)`. [kWh]

    Returns
    -------
    Average revenue per kWh sold [USD/kWh].

    >>> round(blended_average_cost_usd_per_kwh(10_550_683e3, 96.448e9), 4)
    0.1094
    """
    if weighted_energy_kwh == 0:
        raise ValueError("the blended average cost needs a nonzero energy")
    return sales_usd / weighted_energy_kwh


@equation(41, section="4.2.2")
def retail_sales_usd(fixed_sales: float, transactive_sales: float) -> float:
    r"""A DSO's total annual retail sales, :math:`RetailSales_A`.

    Eq. (41): $$RetailSales_A = RevFixSales_A + RevTrxSales_A$$ [USD]

    >>> retail_sales_usd(100.0, 900.0)
    1000.0
    """
    return fixed_sales + transactive_sales
