r"""Section 4.3.2.2 (Eqs. 45-51) and Appendix F (Eqs. 229-244) of PNNL-32170-4: the retail multiplier.

The transactive rate (Eq. 44) charges customers :math:`A\,LMP_h` for their energy, where
:math:`LMP_h` is the day-ahead price at the DSO's node.  Appendix F chooses the *retail
multiplier* :math:`A` so that this charge recovers the DSO's annual wholesale energy cost:
energy bought in the market and through the bilateral contract, transmission losses,
transmission access, ISO fees and the three reserves.  The derivation runs

* Eqs. (229)-(232): the customers' hourly demand and the energy supplied to the DSO,
  which adds distribution losses;
* Eqs. (233)-(234): the annual wholesale energy cost, line by line and from hourly series;
* Eqs. (235)-(240) (= Eqs. 46-51): annual quantities and weighted-average prices;
* Eq. (241): the cost factored as a price per MWh times the DSO's annual energy;
* Eqs. (242)-(243): the cost the rate recovers, :math:`A \sum_h LMP_h Qdmd_h`;
* Eq. (244) (= Eq. 45): equating the two and solving for :math:`A`.

Units: prices in USD/MWh, energies in MWh, costs in USD/yr, fractions 0-1.  Hourly
inputs are 1-D arrays or pandas Series of equal length (Series on one index); nothing
assumes 8,760 hours.

``data/parameters/rates.csv`` chooses how the ratemaking sets :math:`A`: ``printed``
derives it with Eq. (45) for each DSO and case, ``study`` uses the constant 1.04 of the
original implementation (TESP dsot).  :func:`retail_multiplier_for` applies that choice.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

from dsot import wholesale
from dsot.cases.reader import Case
from dsot.cases.summary import dso_series
from dsot.params import (
    PARAMETER_SETS,
    ParameterError,
    ParameterSet,
    load_parameters,
    parameter_sets,
    parameter_text,
    parameter_value,
)
from dsot.registry import equation

TERM_NAMES: dict[str, str] = {
    "energy": "Energy at the mean LMP",
    "bilateral_displaced": "Energy displaced by the contract",
    "bilateral_contract": "Bilateral contract energy",
    "transmission_losses": "Transmission losses",
    "transmission_access": "Transmission access",
    "iso_fee": "ISO fee",
    "regulation": "Regulation reserve",
    "spinning_reserve": "Spinning reserve",
    "nonspinning_reserve": "Non-spinning reserve",
    "bracket": "Bracket of Eq. (45)",
    "distribution_loss_factor": "Distribution losses",
    "retail_multiplier": "Retail multiplier",
}
"""What each entry of :func:`retail_multiplier_terms` is: the nine terms of Eq. (45)'s bracket, then the totals."""

TERM_SYMBOLS: dict[str, str] = {
    "energy": "1",
    "bilateral_displaced": "-Fbi LMPbi / LMP",
    "bilateral_contract": "+Fbi Pbi / LMP",
    "transmission_losses": "Ftloss",
    "transmission_access": "P_T / LMP",
    "iso_fee": "P_I / LMP",
    "regulation": "f_reg P_reg / LMP",
    "spinning_reserve": "f_spin P_spin / LMP",
    "nonspinning_reserve": "f_nspin P_nspin / LMP",
    "bracket": "sum of the terms",
    "distribution_loss_factor": "1 + Fdloss",
    "retail_multiplier": "A",
}
"""The report's symbols for each entry, in plain text (averages over the year: LMP is LMP_A)."""

TERMS: tuple[str, ...] = tuple(list(TERM_NAMES)[:9])
"""The nine terms of Eq. (45)'s bracket, in printed order."""

RESULTS: tuple[str, ...] = ("bracket", "distribution_loss_factor", "retail_multiplier")
"""The totals that :func:`retail_multiplier_terms` appends to the terms."""

COST_LINES: dict[str, str] = {
    "wholesale_market": "Wholesale market energy",
    "bilateral_contract": "Bilateral contract energy",
    "transmission_losses": "Transmission losses",
    "transmission_access": "Transmission access fees",
    "iso_fee": "ISO fees",
    "regulation": "Frequency regulation",
    "spinning_reserve": "Spinning reserve",
    "nonspinning_reserve": "Non-spinning reserve",
}
"""The eight lines of Eq. (234), in printed order."""

RATE_INPUTS = ("retail_multiplier_method", "retail_multiplier", "transmission_loss", "distribution_loss")
"""Parameters of ``rates.csv`` that set :math:`A`."""
WHOLESALE_INPUTS = ("transmission_rate", "iso_fee_rate", "reserve_fraction", "reserve_price")
"""Parameters of ``wholesale.csv`` that enter Eq. (45)."""
RESERVE_SERVICES = ("all", "regulation", "spinning", "nonspinning")
"""Services of ``wholesale.csv`` whose fractions and prices enter Eq. (45)."""

KWH_PER_MWH = 1000.0
USD_PER_KUSD = 1000.0
MINUTES_PER_HOUR = 60
STEP_HOURS = 1.0
"""Length of one hourly step [h]: MW x STEP_HOURS = MWh."""


# --- Validation helpers ----------------------------------------------------------------------------


def _finite(name: str, values: npt.ArrayLike) -> npt.NDArray[np.float64]:
    array = np.asarray(values, dtype=np.float64)
    if not np.isfinite(array).all():
        raise ValueError(f"{name} contains NaN or infinite values")
    return array


def _non_negative(name: str, values: npt.ArrayLike) -> npt.NDArray[np.float64]:
    array = _finite(name, values)
    if (array < 0).any():
        raise ValueError(f"{name} must not be negative (minimum {float(array.min()):g})")
    return array


def _hourly(**named: tuple[npt.ArrayLike, bool]) -> list[npt.NDArray[np.float64]]:
    """Equal-length 1-D float arrays; ``(values, non_negative)`` per name; Series must share one index."""
    indexes = {k: v.index for k, (v, _) in named.items() if isinstance(v, pd.Series)}
    first = next(iter(indexes.items()), None)
    for key, index in indexes.items():
        if first is not None and not index.equals(first[1]):
            raise ValueError(f"{key} and {first[0]} are not on the same index")
    names = list(named)
    arrays = [(_non_negative if positive else _finite)(k, v) for k, (v, positive) in named.items()]
    for key, array in zip(names, arrays, strict=True):
        if array.ndim != 1:
            raise ValueError(f"{key} must be one-dimensional hourly values (got shape {array.shape})")
        if array.shape != arrays[0].shape:
            raise ValueError(f"{key} has {array.size} values but {names[0]} has {arrays[0].size}")
    return arrays


def _positive(name: str, value: float) -> float:
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a positive finite number (got {value:g})")
    return float(value)


# --- Inputs ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RetailMultiplierParameters:
    r"""Loss fractions and per-MWh wholesale charges of Eqs. (45), (234) and (241).

    Loaded by :func:`load_retail_multiplier_parameters`; every value is finite and
    non-negative.
    """

    transmission_loss_frac: float
    r""":math:`\overline{Ftloss}_A`, transmission losses per MWh supplied to the DSO. [frac]"""
    distribution_loss_frac: float
    r""":math:`\overline{Fdloss}_A`, distribution losses per MWh of customer demand. [frac]"""
    transmission_rate_usd_per_mwh: float
    r""":math:`\bar{P}_T`, the transmission access postage stamp rate (Eq. 13). [USD/MWh]"""
    iso_fee_usd_per_mwh: float
    r""":math:`\bar{P}_I`, the ISO fee rate (Eq. 14). [USD/MWh]"""
    regulation_frac: float
    r""":math:`f_{reg}`, regulation requirement per MWh supplied (Eq. 15). [frac]"""
    regulation_price_usd_per_mwh: float
    r""":math:`\bar{P}_{reg}` (Table 16). [USD/MWh]"""
    spinning_frac: float
    r""":math:`f_{spin}` (Eq. 15). [frac]"""
    spinning_price_usd_per_mwh: float
    r""":math:`\bar{P}_{spin}` (Table 16). [USD/MWh]"""
    nonspinning_frac: float
    r""":math:`f_{nspin}` (Eq. 15). [frac]"""
    nonspinning_price_usd_per_mwh: float
    r""":math:`\bar{P}_{nspin}` (Table 16). [USD/MWh]"""

    def __post_init__(self) -> None:
        for name, value in vars(self).items():
            _non_negative(name, value)


def load_retail_multiplier_parameters(
    parameter_set: ParameterSet = "study", data: Path | None = None
) -> RetailMultiplierParameters:
    """The inputs of Eq. (45) for one parameter set.

    Loss fractions come from ``data/parameters/rates.csv`` (``transmission_loss``,
    ``distribution_loss``); the transmission rate, ISO fee and reserve fractions and
    prices from ``data/parameters/wholesale.csv`` (:func:`dsot.wholesale.load_wholesale_parameters`).

    Parameters
    ----------
    parameter_set : ``"printed"`` or ``"study"``.
    data : the data directory (default: the package's ``data/``).

    Returns
    -------
    :class:`RetailMultiplierParameters`

    Examples
    --------
    >>> p = load_retail_multiplier_parameters("printed")
    >>> p.transmission_loss_frac, p.distribution_loss_frac, p.spinning_frac
    (0.02, 0.05, 0.05)
    """
    rates = load_parameters("rates", parameter_set, data)
    w = wholesale.load_wholesale_parameters(parameter_set, data)
    return RetailMultiplierParameters(
        transmission_loss_frac=parameter_value(rates, "transmission_loss"),
        distribution_loss_frac=parameter_value(rates, "distribution_loss"),
        transmission_rate_usd_per_mwh=w.transmission_rate_usd_per_mwh,
        iso_fee_usd_per_mwh=w.iso_fee_usd_per_mwh,
        regulation_frac=w.regulation_frac,
        regulation_price_usd_per_mwh=w.regulation_price_usd_per_mwh,
        spinning_frac=w.spinning_frac,
        spinning_price_usd_per_mwh=w.spinning_price_usd_per_mwh,
        nonspinning_frac=w.nonspinning_frac,
        nonspinning_price_usd_per_mwh=w.nonspinning_price_usd_per_mwh,
    )


# --- Eqs. 229-232: demand and supply -----------------------------------------------------------------


@equation(229, section="F")
def customer_demand_mwh(
    industrial_mwh: npt.ArrayLike, customer_mwh: npt.ArrayLike, weighting_factor: npt.ArrayLike
) -> npt.NDArray[np.float64]:
    r"""Hourly energy demand of a DSO's customers, :math:`Qdmd_h`.

    Eq. (229): $$Qdmd_h \equiv Qind_h + WF_{dso} \sum_{c=1}^{N_c} Qcust_h(c)$$

    Parameters
    ----------
    industrial_mwh : :math:`Qind_h`, the industrial sector's energy per hour (or one value for every hour). [MWh]
    customer_mwh : :math:`Qcust_h(c)`, simulated residential and commercial customers' energy,
        shape (hours, customers); a 1-D array is one customer. [MWh]
    weighting_factor : :math:`WF_{dso}`, real customers per simulated customer: one value
        for the DSO or one per customer. [ratio]

    Returns
    -------
    :math:`Qdmd_h`, shape (hours,) [MWh]

    Notes
    -----
    Customer energy may be negative in an hour (net metering of PV or battery exports);
    weighting factors may not.

    Examples
    --------
    Two hours, two customers weighted 100 and 300, and a 50 MWh industrial load:

    >>> customer_demand_mwh(50.0, [[0.001, 0.002], [0.003, 0.0]], [100.0, 300.0]).round(6).tolist()
    [50.7, 50.3]
    >>> customer_demand_mwh([10.0, 20.0], [[1.0, 2.0], [3.0, 4.0]], 2.0).tolist()
    [16.0, 34.0]
    """
    customers = _finite("customer_mwh", customer_mwh)
    if customers.ndim == 1:
        customers = customers[:, np.newaxis]
    if customers.ndim != 2:
        raise ValueError(f"customer_mwh must have shape (hours, customers) (got {customers.shape})")
    weights = _non_negative("weighting_factor", weighting_factor)
    if weights.ndim > 1 or (weights.ndim == 1 and weights.shape[0] != customers.shape[1]):
        raise ValueError(
            f"weighting_factor must be one value or one per customer ({customers.shape[1]}), got shape {weights.shape}"
        )
    industrial = _finite("industrial_mwh", industrial_mwh)
    if industrial.ndim > 1 or (industrial.ndim == 1 and industrial.shape[0] != customers.shape[0]):
        raise ValueError(f"industrial_mwh must be one value or one per hour ({customers.shape[0]}), got shape {industrial.shape}")
    weighted = customers @ weights if weights.ndim == 1 else weights * customers.sum(axis=1)
    return industrial + weighted


@equation(230, section="F", aliases=(231,))
def dso_supply_mwh(demand_mwh: npt.ArrayLike, distribution_loss_frac: npt.ArrayLike) -> npt.NDArray[np.float64]:
    r"""Hourly energy supplied to the DSO by the bulk power system, :math:`Qdso_h`.

    Eq. (230) with hourly losses, and Eq. (231) with the annual-average loss fraction:
    $$Qdso_h = (1 + Fdloss_h)\,Qdmd_h \cong (1 + \overline{Fdloss}_A)\,Qdmd_h$$

    Parameters
    ----------
    demand_mwh : :math:`Qdmd_h` (Eq. 229). [MWh]
    distribution_loss_frac : :math:`Fdloss_h` per hour (Eq. 230) or one annual value
        :math:`\overline{Fdloss}_A` (Eq. 231; 5% in the report). [frac]

    Returns
    -------
    :math:`Qdso_h` [MWh]

    Examples
    --------
    >>> dso_supply_mwh([100.0, 200.0], 0.05).tolist()
    [105.0, 210.0]
    >>> dso_supply_mwh([100.0, 200.0], [0.04, 0.06]).tolist()
    [104.0, 212.0]
    """
    demand = _finite("demand_mwh", demand_mwh)
    losses = _non_negative("distribution_loss_frac", distribution_loss_frac)
    if losses.ndim and losses.shape != demand.shape:
        raise ValueError(f"distribution_loss_frac must be one value or one per hour ({demand.size}), got shape {losses.shape}")
    return (1.0 + losses) * demand


@equation(232, section="F")
def dso_supply_from_loads_mwh(
    industrial_mwh: npt.ArrayLike,
    customer_mwh: npt.ArrayLike,
    weighting_factor: npt.ArrayLike,
    distribution_loss_frac: float,
) -> npt.NDArray[np.float64]:
    r"""Hourly energy supplied to the DSO from its customers' loads.

    Eq. (232), Eq. (229) substituted into Eq. (231):
    $$Qdso_h \cong (1 + \overline{Fdloss}_A) \left(Qind_h + WF_{dso} \sum_{c=1}^{N_c} Qcust_h(c) \right)$$

    Parameters
    ----------
    industrial_mwh, customer_mwh, weighting_factor : as :func:`customer_demand_mwh`. [MWh], [MWh], [ratio]
    distribution_loss_frac : :math:`\overline{Fdloss}_A`. [frac]

    Returns
    -------
    :math:`Qdso_h` [MWh]

    Notes
    -----
    The report prints :math:`\bar{F}dloss_h`; the annual average of Eq. (231) is meant.

    Examples
    --------
    >>> dso_supply_from_loads_mwh([10.0, 20.0], [[1.0, 2.0], [3.0, 4.0]], 2.0, 0.05).round(6).tolist()
    [16.8, 35.7]
    """
    return dso_supply_mwh(customer_demand_mwh(industrial_mwh, customer_mwh, weighting_factor), distribution_loss_frac)


# --- Eqs. 46-51 (restated as 235-240): annual quantities and averages ------------------------------


@equation(46, section="4.3.2.2", aliases=(235,))
def annual_dso_energy_mwh(dso_supply_mwh: npt.ArrayLike) -> float:
    r"""Annual energy supplied to the DSO, :math:`Qdso_A`.

    Eq. (46), restated as Eq. (235): $$Qdso_A \equiv \sum_{h=1}^{8760} Qdso_h$$

    Parameters
    ----------
    dso_supply_mwh : :math:`Qdso_h`, hourly energy supplied to the DSO. [MWh]

    Returns
    -------
    :math:`Qdso_A` [MWh/yr]

    Examples
    --------
    >>> annual_dso_energy_mwh([100.0, 150.0, 250.0])
    500.0
    """
    (supply,) = _hourly(dso_supply_mwh=(dso_supply_mwh, True))
    return float(supply.sum())


@equation(47, section="4.3.2.2", aliases=(236,))
def annual_bilateral_energy_mwh(bilateral_mwh: npt.ArrayLike) -> float:
    r"""Annual energy bought through the bilateral contract, :math:`Qbi_A`.

    Eq. (47), restated as Eq. (236): $$Qbi_A \equiv \sum_{h=1}^{8760} Qbi_h$$

    Parameters
    ----------
    bilateral_mwh : :math:`Qbi_h`, hourly contract energy (Section 3.3.1.1). [MWh]

    Returns
    -------
    :math:`Qbi_A` [MWh/yr]

    Examples
    --------
    >>> annual_bilateral_energy_mwh([50.0, 50.0, 100.0])
    200.0
    """
    (bilateral,) = _hourly(bilateral_mwh=(bilateral_mwh, True))
    return float(bilateral.sum())


@equation(48, section="4.3.2.2", aliases=(237,))
def bilateral_share_frac(bilateral_energy_mwh: float, dso_energy_mwh: float) -> float:
    r"""Share of the DSO's annual supply bought through the bilateral contract, :math:`Fbi_A`.

    Eq. (48), restated as Eq. (237): $$Fbi_A \equiv \frac{Qbi_A}{Qdso_A}$$

    Parameters
    ----------
    bilateral_energy_mwh : :math:`Qbi_A` (Eq. 47). [MWh/yr]
    dso_energy_mwh : :math:`Qdso_A` (Eq. 46), positive. [MWh/yr]

    Returns
    -------
    :math:`Fbi_A` [frac]; 0 for a DSO without a bilateral contract.

    Examples
    --------
    >>> bilateral_share_frac(200.0, 500.0)
    0.4
    >>> bilateral_share_frac(0.0, 500.0)
    0.0
    """
    _non_negative("bilateral_energy_mwh", bilateral_energy_mwh)
    return float(bilateral_energy_mwh) / _positive("dso_energy_mwh", dso_energy_mwh)


def _weighted_mean(price: npt.NDArray[np.float64], weight: npt.NDArray[np.float64]) -> float:
    total = float(weight.sum())
    return float(price @ weight) / total if total > 0 else float("nan")


@equation(49, section="4.3.2.2", aliases=(238,))
def annual_mean_lmp_usd_per_mwh(lmp_usd_per_mwh: npt.ArrayLike, dso_supply_mwh: npt.ArrayLike) -> float:
    r"""Energy-weighted average wholesale price of the year, :math:`\overline{LMP}_A`.

    Eq. (49), restated as Eq. (238):
    $$\overline{LMP}_A \equiv \left(\sum_{h=1}^{8760} LMP_h Qdso_h \right) / Qdso_A$$

    Parameters
    ----------
    lmp_usd_per_mwh : :math:`LMP_h`, day-ahead price at the DSO's node; may be negative in an hour. [USD/MWh]
    dso_supply_mwh : :math:`Qdso_h` (Eq. 230). [MWh]

    Returns
    -------
    :math:`\overline{LMP}_A` [USD/MWh]

    Examples
    --------
    >>> annual_mean_lmp_usd_per_mwh([20.0, 40.0], [300.0, 100.0])
    25.0
    """
    lmp, supply = _hourly(lmp_usd_per_mwh=(lmp_usd_per_mwh, False), dso_supply_mwh=(dso_supply_mwh, True))
    _positive("annual energy supplied (sum of dso_supply_mwh)", float(supply.sum()))
    return _weighted_mean(lmp, supply)


@equation(50, section="4.3.2.2", aliases=(239,))
def annual_mean_bilateral_price_usd_per_mwh(bilateral_price_usd_per_mwh: npt.ArrayLike, bilateral_mwh: npt.ArrayLike) -> float:
    r"""Energy-weighted average bilateral contract price, :math:`\overline{Pbi}_A`.

    Eq. (50), restated as Eq. (239):
    $$\overline{Pbi}_A \equiv \left(\sum_{h=1}^{8760} Pbi_h Qbi_h \right) / Qbi_A$$

    Parameters
    ----------
    bilateral_price_usd_per_mwh : :math:`Pbi_h`, the contract price of each hour (Table 15). [USD/MWh]
    bilateral_mwh : :math:`Qbi_h`, the contract energy of each hour. [MWh]

    Returns
    -------
    :math:`\overline{Pbi}_A` [USD/MWh]; NaN when there is no contract energy
    (:math:`Qbi_A = 0`), where the average is undefined and Eqs. (45) and (241) drop
    the bilateral terms because :math:`Fbi_A = 0`.

    Examples
    --------
    >>> annual_mean_bilateral_price_usd_per_mwh([30.0, 24.0], [100.0, 200.0])
    26.0
    >>> annual_mean_bilateral_price_usd_per_mwh([30.0, 24.0], [0.0, 0.0])
    nan
    """
    price, bilateral = _hourly(
        bilateral_price_usd_per_mwh=(bilateral_price_usd_per_mwh, False), bilateral_mwh=(bilateral_mwh, True)
    )
    return _weighted_mean(price, bilateral)


@equation(51, section="4.3.2.2", aliases=(240,))
def annual_mean_displaced_lmp_usd_per_mwh(lmp_usd_per_mwh: npt.ArrayLike, bilateral_mwh: npt.ArrayLike) -> float:
    r"""Average wholesale price of the energy the bilateral contract displaces, :math:`\overline{LMPbi}_A`.

    Eq. (51), restated as Eq. (240):
    $$\overline{LMPbi}_A \equiv \left(\sum_{h=1}^{8760} LMP_h Qbi_h \right) / Qbi_A$$

    Parameters
    ----------
    lmp_usd_per_mwh : :math:`LMP_h`, day-ahead price at the DSO's node. [USD/MWh]
    bilateral_mwh : :math:`Qbi_h`, the contract energy of each hour. [MWh]

    Returns
    -------
    :math:`\overline{LMPbi}_A` [USD/MWh]; NaN when :math:`Qbi_A = 0` (see
    :func:`annual_mean_bilateral_price_usd_per_mwh`).

    Examples
    --------
    >>> annual_mean_displaced_lmp_usd_per_mwh([20.0, 40.0], [100.0, 100.0])
    30.0
    """
    lmp, bilateral = _hourly(lmp_usd_per_mwh=(lmp_usd_per_mwh, False), bilateral_mwh=(bilateral_mwh, True))
    return _weighted_mean(lmp, bilateral)


@dataclass(frozen=True)
class AnnualAverages:
    r"""A DSO's annual quantities and weighted-average prices, Eqs. (46)-(51) = Eqs. (235)-(240)."""

    dso_energy_mwh: float
    r""":math:`Qdso_A` (Eq. 46). [MWh/yr]"""
    bilateral_energy_mwh: float
    r""":math:`Qbi_A` (Eq. 47). [MWh/yr]"""
    bilateral_share_frac: float
    r""":math:`Fbi_A` (Eq. 48). [frac]"""
    lmp_usd_per_mwh: float
    r""":math:`\overline{LMP}_A` (Eq. 49). [USD/MWh]"""
    bilateral_price_usd_per_mwh: float
    r""":math:`\overline{Pbi}_A` (Eq. 50); NaN without contract energy. [USD/MWh]"""
    bilateral_lmp_usd_per_mwh: float
    r""":math:`\overline{LMPbi}_A` (Eq. 51); NaN without contract energy. [USD/MWh]"""

    @property
    def has_contract(self) -> bool:
        """Whether the DSO bought any energy through the bilateral contract."""
        return self.bilateral_share_frac > 0


def annual_averages(
    lmp_usd_per_mwh: npt.ArrayLike,
    dso_supply_mwh: npt.ArrayLike,
    bilateral_mwh: npt.ArrayLike,
    bilateral_price_usd_per_mwh: npt.ArrayLike,
) -> AnnualAverages:
    r"""Eqs. (46)-(51) (restated as Eqs. 235-240) from a DSO's hourly series.

    Parameters
    ----------
    lmp_usd_per_mwh : :math:`LMP_h`, day-ahead price at the DSO's node. [USD/MWh]
    dso_supply_mwh : :math:`Qdso_h`, energy supplied to the DSO. [MWh]
    bilateral_mwh : :math:`Qbi_h`, contract energy. [MWh]
    bilateral_price_usd_per_mwh : :math:`Pbi_h`, contract price. [USD/MWh]

    Returns
    -------
    :class:`AnnualAverages`

    Examples
    --------
    >>> a = annual_averages([20.0, 40.0], [300.0, 100.0], [100.0, 0.0], [22.0, 22.0])
    >>> a.dso_energy_mwh, a.bilateral_share_frac, a.lmp_usd_per_mwh, a.bilateral_lmp_usd_per_mwh
    (400.0, 0.25, 25.0, 20.0)
    """
    lmp, supply, bilateral, price = _hourly(
        lmp_usd_per_mwh=(lmp_usd_per_mwh, False),
        dso_supply_mwh=(dso_supply_mwh, True),
        bilateral_mwh=(bilateral_mwh, True),
        bilateral_price_usd_per_mwh=(bilateral_price_usd_per_mwh, False),
    )
    energy = annual_dso_energy_mwh(supply)
    contract = annual_bilateral_energy_mwh(bilateral)
    return AnnualAverages(
        dso_energy_mwh=energy,
        bilateral_energy_mwh=contract,
        bilateral_share_frac=bilateral_share_frac(contract, energy),
        lmp_usd_per_mwh=annual_mean_lmp_usd_per_mwh(lmp, supply),
        bilateral_price_usd_per_mwh=annual_mean_bilateral_price_usd_per_mwh(price, bilateral),
        bilateral_lmp_usd_per_mwh=annual_mean_displaced_lmp_usd_per_mwh(lmp, bilateral),
    )


def _check_averages(averages: AnnualAverages) -> None:
    _positive("Qdso_A (dso_energy_mwh)", averages.dso_energy_mwh)
    _finite("LMP_A (lmp_usd_per_mwh)", averages.lmp_usd_per_mwh)
    share = _non_negative("Fbi_A (bilateral_share_frac)", averages.bilateral_share_frac)
    if share > 0:
        _finite("Pbi_A (bilateral_price_usd_per_mwh)", averages.bilateral_price_usd_per_mwh)
        _finite("LMPbi_A (bilateral_lmp_usd_per_mwh)", averages.bilateral_lmp_usd_per_mwh)


def _bilateral_terms_usd_per_mwh(averages: AnnualAverages) -> tuple[float, float]:
    """(-Fbi LMPbi, +Fbi Pbi): zero for a DSO without contract energy, whose prices are undefined."""
    if not averages.has_contract:
        return 0.0, 0.0
    share = averages.bilateral_share_frac
    return -share * averages.bilateral_lmp_usd_per_mwh, share * averages.bilateral_price_usd_per_mwh


# --- Eqs. 233-234, 241: the annual wholesale energy cost -----------------------------------------


@equation(233, section="F")
def wholesale_energy_cost_usd(
    purchase_usd: float,
    transmission_loss_usd: float,
    transmission_fee_usd: float,
    iso_fee_usd: float,
    regulation_usd: float,
    spinning_usd: float,
    nonspinning_usd: float,
) -> float:
    r"""A DSO's annual wholesale energy cost, :math:`WhslEnergyCost_A`, as the sum of its parts.

    Eq. (233):
    $$WhslEnergyCost_A \equiv WhlsPurchCost_A + TransLossCost_A + TransFee_A + IsoFee_A
    + RegRsrvCost_A + SpinRsrvCost_A + NSpinRsrvCost_A$$

    Parameters
    ----------
    purchase_usd : :math:`WhlsPurchCost_A`, energy bought in the market and through the
        bilateral contract (the first two lines of Eq. 234). [USD/yr]
    transmission_loss_usd : :math:`TransLossCost_A`. [USD/yr]
    transmission_fee_usd : :math:`TransFee_A`. [USD/yr]
    iso_fee_usd : :math:`IsoFee_A`. [USD/yr]
    regulation_usd, spinning_usd, nonspinning_usd : :math:`RegRsrvCost_A`,
        :math:`SpinRsrvCost_A`, :math:`NSpinRsrvCost_A`. [USD/yr]

    Returns
    -------
    :math:`WhslEnergyCost_A` [USD/yr]

    Examples
    --------
    >>> wholesale_energy_cost_usd(1000.0, 20.0, 400.0, 18.0, 2.0, 15.0, 5.0)
    1460.0
    """
    parts = _finite(
        "cost components",
        [purchase_usd, transmission_loss_usd, transmission_fee_usd, iso_fee_usd, regulation_usd, spinning_usd, nonspinning_usd],
    )
    return float(parts.sum())


@equation(234, section="F")
def wholesale_energy_cost_lines_usd(
    lmp_usd_per_mwh: npt.ArrayLike,
    dso_supply_mwh: npt.ArrayLike,
    bilateral_mwh: npt.ArrayLike,
    bilateral_price_usd_per_mwh: npt.ArrayLike,
    params: RetailMultiplierParameters,
) -> pd.Series:
    r"""The eight lines of a DSO's annual wholesale energy cost from hourly series.

    Eq. (234):
    $$\begin{aligned} WhslEnergyCost_A \equiv & \sum_h LMP_h (Qdso_h - Qbi_h) + \sum_h Pbi_h Qbi_h
    + \bar{F}tloss_A \sum_h LMP_h Qdso_h \\ & + (\bar{P}_T + \bar{P}_I + f_{reg} \bar{P}_{reg}
    + f_{spin} \bar{P}_{spin} + f_{nspin} \bar{P}_{nspin}) \sum_h Qdso_h \end{aligned}$$

    Parameters
    ----------
    lmp_usd_per_mwh : :math:`LMP_h`, day-ahead price at the DSO's node. [USD/MWh]
    dso_supply_mwh : :math:`Qdso_h`, energy supplied to the DSO. [MWh]
    bilateral_mwh : :math:`Qbi_h`, contract energy. [MWh]
    bilateral_price_usd_per_mwh : :math:`Pbi_h`, contract price. [USD/MWh]
    params : loss fraction, fee rates, reserve fractions and prices
        (:func:`load_retail_multiplier_parameters`).

    Returns
    -------
    One value per line of Eq. (234), indexed as :data:`COST_LINES` [USD/yr]; their sum is
    :math:`WhslEnergyCost_A`.  Eq. (233)'s :math:`WhlsPurchCost_A` is the sum of the first two.

    Examples
    --------
    >>> p = RetailMultiplierParameters(0.02, 0.05, 12.0, 0.5, 0.01, 7.0, 0.05, 11.0, 0.05, 4.0)
    >>> lines = wholesale_energy_cost_lines_usd([20.0, 40.0], [300.0, 100.0], [100.0, 0.0], [22.0, 22.0], p)
    >>> lines.round(2).tolist()
    [8000.0, 2200.0, 200.0, 4800.0, 200.0, 28.0, 220.0, 80.0]
    """
    lmp, supply, bilateral, price = _hourly(
        lmp_usd_per_mwh=(lmp_usd_per_mwh, False),
        dso_supply_mwh=(dso_supply_mwh, True),
        bilateral_mwh=(bilateral_mwh, True),
        bilateral_price_usd_per_mwh=(bilateral_price_usd_per_mwh, False),
    )
    energy = float(supply.sum())
    at_lmp = float(lmp @ supply)
    values = [
        float(lmp @ (supply - bilateral)),
        float(price @ bilateral),
        params.transmission_loss_frac * at_lmp,
        params.transmission_rate_usd_per_mwh * energy,
        params.iso_fee_usd_per_mwh * energy,
        params.regulation_frac * params.regulation_price_usd_per_mwh * energy,
        params.spinning_frac * params.spinning_price_usd_per_mwh * energy,
        params.nonspinning_frac * params.nonspinning_price_usd_per_mwh * energy,
    ]
    return pd.Series(values, index=list(COST_LINES), name="cost_usd")


def _cost_per_mwh(averages: AnnualAverages, params: RetailMultiplierParameters) -> pd.Series:
    """The bracket of Eq. (241) term by term [USD/MWh], in the order of :data:`TERMS`."""
    displaced, contract = _bilateral_terms_usd_per_mwh(averages)
    lmp = averages.lmp_usd_per_mwh
    values = [
        lmp,
        displaced,
        contract,
        params.transmission_loss_frac * lmp,
        params.transmission_rate_usd_per_mwh,
        params.iso_fee_usd_per_mwh,
        params.regulation_frac * params.regulation_price_usd_per_mwh,
        params.spinning_frac * params.spinning_price_usd_per_mwh,
        params.nonspinning_frac * params.nonspinning_price_usd_per_mwh,
    ]
    return pd.Series(values, index=list(TERMS), dtype=np.float64)


@equation(241, section="F")
def wholesale_energy_cost_from_averages_usd(averages: AnnualAverages, params: RetailMultiplierParameters) -> float:
    r"""A DSO's annual wholesale energy cost from its annual averages (Eq. 234 factored).

    Eq. (241):
    $$\begin{aligned} WhslEnergyCost_A \equiv & \left(\overline{LMP}_A - Fbi_A \overline{LMP}_{bi_A}
    + Fbi_A \overline{P}_{bi_A} + \overline{F}tloss_A \overline{LMP}_A \right. \\ & \left. + \overline{P}_T
    + \overline{P}_I + f_{reg} \overline{P}_{reg} + f_{spin} \overline{P}_{spin}
    + f_{nspin} \overline{P}_{nspin} \right) Q_{dso_A} \end{aligned}$$

    Parameters
    ----------
    averages : :math:`Qdso_A`, :math:`Fbi_A` and the average prices (Eqs. 46-51).
    params : :func:`load_retail_multiplier_parameters`.

    Returns
    -------
    :math:`WhslEnergyCost_A` [USD/yr]; equal to the sum of Eq. (234)'s lines for the same series.

    Notes
    -----
    Without contract energy (:math:`Fbi_A = 0`) the two bilateral terms are zero even
    though :math:`\overline{LMP}_{bi_A}` and :math:`\overline{P}_{bi_A}` are undefined.

    Examples
    --------
    >>> p = RetailMultiplierParameters(0.02, 0.05, 12.0, 0.5, 0.01, 7.0, 0.05, 11.0, 0.05, 4.0)
    >>> a = annual_averages([20.0, 40.0], [300.0, 100.0], [100.0, 0.0], [22.0, 22.0])
    >>> round(wholesale_energy_cost_from_averages_usd(a, p), 2)
    15728.0
    """
    _check_averages(averages)
    return float(_cost_per_mwh(averages, params).sum()) * averages.dso_energy_mwh


# --- Eqs. 242-243, 45 = 244: the cost the rate recovers and the multiplier -------------------------


@equation(242, section="F")
def recovered_wholesale_energy_cost_usd(
    retail_multiplier: float, lmp_usd_per_mwh: npt.ArrayLike, demand_mwh: npt.ArrayLike
) -> float:
    r"""The wholesale energy cost that the transactive rate recovers.

    Eq. (242), the first term of Eq. (44) summed over the year and the DSO's customers:
    $$WhslEnergyCost_A \equiv A \sum_{h=1}^{8760} LMP_h Q_{dmd_h}$$

    Parameters
    ----------
    retail_multiplier : :math:`A`. [ratio]
    lmp_usd_per_mwh : :math:`LMP_h`, day-ahead price at the DSO's node. [USD/MWh]
    demand_mwh : :math:`Qdmd_h`, the customers' demand (Eq. 229). [MWh]

    Returns
    -------
    Recovered cost [USD/yr]

    Examples
    --------
    >>> round(recovered_wholesale_energy_cost_usd(1.5, [20.0, 40.0], [100.0, 50.0]), 6)
    6000.0
    """
    _non_negative("retail_multiplier", retail_multiplier)
    lmp, demand = _hourly(lmp_usd_per_mwh=(lmp_usd_per_mwh, False), demand_mwh=(demand_mwh, False))
    return float(retail_multiplier) * float(lmp @ demand)


@equation(243, section="F")
def recovered_wholesale_energy_cost_from_averages_usd(
    retail_multiplier: float, averages: AnnualAverages, distribution_loss_frac: float
) -> float:
    r"""The cost the rate recovers, written with the annual averages.

    Eq. (243), Eq. (231) solved for :math:`Qdmd_h` in Eq. (242), simplified with Eq. (238):
    $$WhslEnergyCost_A \equiv A \sum_{h=1}^{8760} \frac{LMP_h Q_{dso_h}}{(1 + \overline{F}dloss_A)}
    = A \frac{\overline{LMP}_A Q_{dso_A}}{(1 + \overline{F}dloss_A)}$$

    Parameters
    ----------
    retail_multiplier : :math:`A`. [ratio]
    averages : :math:`\overline{LMP}_A` and :math:`Qdso_A` (Eqs. 46, 49).
    distribution_loss_frac : :math:`\overline{F}dloss_A`. [frac]

    Returns
    -------
    Recovered cost [USD/yr]

    Examples
    --------
    >>> a = annual_averages([20.0, 40.0], [300.0, 100.0], [0.0, 0.0], [0.0, 0.0])
    >>> round(recovered_wholesale_energy_cost_from_averages_usd(1.05, a, 0.05), 6)
    10000.0
    """
    _non_negative("retail_multiplier", retail_multiplier)
    _check_averages(averages)
    loss = float(_non_negative("distribution_loss_frac", distribution_loss_frac))
    return float(retail_multiplier) * averages.lmp_usd_per_mwh * averages.dso_energy_mwh / (1.0 + loss)


def retail_multiplier_terms(averages: AnnualAverages, params: RetailMultiplierParameters) -> pd.Series:
    r"""The terms of Eq. (45)'s bracket, the bracket, the loss factor and :math:`A`.

    $$A = \Big(\underbrace{1}_{energy} \underbrace{- Fbi_A \tfrac{\overline{LMP}_{bi_A}}{\overline{LMP}_A}}_{displaced}
    \underbrace{+ Fbi_A \tfrac{\overline{P}_{bi_A}}{\overline{LMP}_A}}_{contract} + \overline{Ftloss}_A
    + \tfrac{\overline{P}_T}{\overline{LMP}_A} + \tfrac{\overline{P}_I}{\overline{LMP}_A}
    + \dots\Big)(1 + \overline{Fdloss}_A)$$

    Parameters
    ----------
    averages : Eqs. (46)-(51) for the DSO (:func:`annual_averages`).
    params : :func:`load_retail_multiplier_parameters`.

    Returns
    -------
    Dimensionless values [ratio] indexed by the keys of :data:`TERMS` (the nine bracket
    terms, each a cost per MWh over :math:`\overline{LMP}_A`) followed by those of
    :data:`RESULTS`: ``bracket`` (their sum), ``distribution_loss_factor``
    (:math:`1 + \overline{Fdloss}_A`) and ``retail_multiplier`` (:math:`A`, Eq. 45).

    Examples
    --------
    >>> p = RetailMultiplierParameters(0.02, 0.05, 12.0, 0.5, 0.01, 7.0, 0.05, 11.0, 0.05, 4.0)
    >>> a = annual_averages([20.0, 40.0], [300.0, 100.0], [100.0, 0.0], [22.0, 22.0])
    >>> retail_multiplier_terms(a, p).round(4).tolist()
    [1.0, -0.2, 0.22, 0.02, 0.48, 0.02, 0.0028, 0.022, 0.008, 1.5728, 1.05, 1.6514]
    """
    _check_averages(averages)
    lmp = _positive("LMP_A (lmp_usd_per_mwh), the divisor of Eq. (45),", averages.lmp_usd_per_mwh)
    terms = _cost_per_mwh(averages, params) / lmp
    bracket = float(terms.sum())
    factor = 1.0 + params.distribution_loss_frac
    totals = pd.Series([bracket, factor, bracket * factor], index=list(RESULTS))
    return pd.concat([terms, totals]).rename("value")


@equation(45, section="4.3.2.2", aliases=(244,))
def retail_multiplier(averages: AnnualAverages, params: RetailMultiplierParameters) -> float:
    r"""The transactive rate's retail multiplier, :math:`A`.

    Eq. (45), restated as Eq. (244) (Eq. 241 = Eq. 243 solved for :math:`A`):
    $$A \equiv \left(1 - Fbi_A \frac{\overline{LMP}_{bi_A}}{\overline{LMP}_A} + Fbi_A \frac{\overline{P}_{bi_A}}{\overline{LMP}_A}
    + \overline{Ftloss}_A + \frac{\overline{P}_T}{\overline{LMP}_A} + \frac{\overline{P}_I}{\overline{LMP}_A}
    + f_{reg} \frac{\overline{P}_{reg}}{\overline{LMP}_A} + f_{spin} \frac{\overline{P}_{spin}}{\overline{LMP}_A}
    + f_{nspin} \frac{\overline{P}_{nspin}}{\overline{LMP}_A} \right) (1 + \overline{Fdloss}_A)$$

    Parameters
    ----------
    averages : Eqs. (46)-(51) for the DSO (:func:`annual_averages`); :math:`\overline{LMP}_A` must be positive.
    params : :func:`load_retail_multiplier_parameters`.

    Returns
    -------
    :math:`A` [ratio]

    Notes
    -----
    Without contract energy (:math:`Fbi_A = 0`) the bilateral terms vanish.  The study
    did not use this formula: the original implementation (TESP dsot) applied a constant
    1.04 (``retail_multiplier_method`` in ``data/parameters/rates.csv``; see
    :func:`retail_multiplier_for`).

    Examples
    --------
    Annual prices of 30 USD/MWh, half the energy on a contract at 29 USD/MWh displacing
    energy worth 28 USD/MWh, and the printed losses, fees and reserves:

    >>> p = RetailMultiplierParameters(0.02, 0.05, 12.30, 0.555, 0.01, 7.34, 0.05, 11.10, 0.05, 3.91)
    >>> a = AnnualAverages(1e6, 5e5, 0.5, 30.0, 29.0, 28.0)
    >>> round(retail_multiplier(a, p), 4)
    1.5673
    """
    return float(retail_multiplier_terms(averages, params)["retail_multiplier"])


# --- A DSO of a case ---------------------------------------------------------------------------


def dso_hourly_series(case: Case, dso: int, parameter_set: ParameterSet = "study") -> pd.DataFrame:
    r"""The hourly series of Appendix F for one DSO of a case.

    Parameters
    ----------
    case : a validated case (:func:`dsot.cases.read_case`).
    dso : DSO id.
    parameter_set : selects Table 15's bilateral readings (:func:`dsot.wholesale.bilateral_schedule`).

    Returns
    -------
    On the case's hourly index in its local time zone: ``lmp_usd_per_mwh`` (:math:`LMP_h`,
    day-ahead) [USD/MWh], ``dso_supply_mwh`` (:math:`Qdso_h`, the delivered 5-minute energy
    summed by hour) [MWh], ``bilateral_mwh`` (:math:`Qbi_h`) [MWh] and
    ``bilateral_price_usd_per_mwh`` (:math:`Pbi_h`) [USD/MWh].
    """
    s = dso_series(case, dso)  # read on the case's local time zone, as bilateral_schedule needs
    supply = wholesale.hourly_energy_mwh(s["delivered"])
    schedule = wholesale.bilateral_schedule(s["lmp_da"], s["cleared"], supply, wholesale.load_wholesale_parameters(parameter_set))
    return pd.DataFrame(
        {
            "lmp_usd_per_mwh": s["lmp_da"],
            "dso_supply_mwh": supply,
            "bilateral_mwh": schedule["bilateral_mwh"],
            "bilateral_price_usd_per_mwh": schedule["bilateral_price_usd_per_mwh"],
        }
    )


def dso_annual_averages(case: Case, dso: int, parameter_set: ParameterSet = "study") -> AnnualAverages:
    """Eqs. (46)-(51) for one DSO of a case (:func:`dso_hourly_series`, :func:`annual_averages`)."""
    h = dso_hourly_series(case, dso, parameter_set)
    return annual_averages(h["lmp_usd_per_mwh"], h["dso_supply_mwh"], h["bilateral_mwh"], h["bilateral_price_usd_per_mwh"])


def dso_retail_multiplier_terms(case: Case, dso: int, parameter_set: ParameterSet = "study") -> pd.Series:
    """Eq. (45) term by term for one DSO of a case under one parameter set (:func:`retail_multiplier_terms`)."""
    return retail_multiplier_terms(
        dso_annual_averages(case, dso, parameter_set), load_retail_multiplier_parameters(parameter_set)
    )


def retail_multiplier_for(case: Case, dso: int, parameter_set: ParameterSet = "study") -> float:
    """The retail multiplier :math:`A` that the ratemaking uses for a DSO of a case.

    ``retail_multiplier_method`` in ``data/parameters/rates.csv`` decides: ``derived``
    (printed set) computes Eq. (45) from the DSO's annual averages; ``constant`` (study
    set) takes ``retail_multiplier`` (1.04, the original implementation's constant).

    Parameters
    ----------
    case : a validated case.
    dso : DSO id.
    parameter_set : ``"printed"`` or ``"study"``.

    Returns
    -------
    :math:`A` [ratio]

    Examples
    --------
    The hand-made two-hour case of :mod:`dsot.cases.examples`:

    >>> import tempfile
    >>> from dsot.cases import examples, read_case, write_case
    >>> meta, tables, arrays = examples.tiny_metadata(), examples.tiny_tables(), examples.tiny_arrays()
    >>> path = write_case(Path(tempfile.mkdtemp()) / "tiny", meta, tables, arrays)
    >>> retail_multiplier_for(read_case(path), 1, "study")
    1.04
    >>> round(retail_multiplier_for(read_case(path), 1, "printed"), 4)
    1.3671
    """
    rates = load_parameters("rates", parameter_set)
    method = parameter_text(rates, "retail_multiplier_method")
    if method == "constant":
        return parameter_value(rates, "retail_multiplier")
    if method == "derived":
        return float(dso_retail_multiplier_terms(case, dso, parameter_set)["retail_multiplier"])
    raise ParameterError(f"data/parameters/rates.csv: unknown retail_multiplier_method {method!r} (derived or constant)")


def retail_multiplier_table(cases: Mapping[str, Case], parameter_set: ParameterSet = "printed") -> pd.DataFrame:
    r"""Eq. (45) for every DSO of several cases, beside the multiplier each parameter set uses.

    Parameters
    ----------
    cases : cases by label (e.g. ``{"BAU": bau, "Batteries": battery}``).
    parameter_set : the set whose inputs Eq. (45) takes.

    Returns
    -------
    One row per case and DSO: ``case``, ``dso``, ``name``, ``lmp_usd_per_mwh``
    (:math:`\overline{LMP}_A`) [USD/MWh], ``bilateral_share_frac`` (:math:`Fbi_A`), the
    terms and totals of :func:`retail_multiplier_terms` [ratio], and ``used_printed`` and
    ``used_study``, the :math:`A` that :func:`retail_multiplier_for` returns under each set.
    """
    params = load_retail_multiplier_parameters(parameter_set)
    rows = []
    for label, case in cases.items():
        for dso in case.metadata.dso_ids:
            averages = dso_annual_averages(case, dso, parameter_set)
            terms = retail_multiplier_terms(averages, params)
            rows.append(
                {
                    "case": label,
                    "dso": dso,
                    "name": case.metadata.dso(dso).name,
                    "lmp_usd_per_mwh": averages.lmp_usd_per_mwh,
                    "bilateral_share_frac": averages.bilateral_share_frac,
                    **terms.to_dict(),
                    "used_printed": retail_multiplier_for(case, dso, "printed"),
                    "used_study": retail_multiplier_for(case, dso, "study"),
                }
            )
    return pd.DataFrame(rows)


def dso_customer_demand_mwh(case: Case, dso: int) -> pd.Series:
    r"""Eq. (229) for one DSO of a case: :math:`Qdmd_h` from its metered customers.

    The simulated customers' 5-minute energy (``customer_energy``) is summed by hour,
    weighted by each customer's ``weight_customers`` (:math:`WF_{dso}`), and the DSO's
    industrial lump (``industrial_load_mw`` for every hour) is added.

    Parameters
    ----------
    case : a validated case.
    dso : DSO id.

    Returns
    -------
    :math:`Qdmd_h` on the case's hourly index [MWh]
    """
    meta = case.metadata
    step = case.specs["customer_energy"].step_minutes or meta.interval_minutes
    per_hour = MINUTES_PER_HOUR // step
    hours = meta.grid(MINUTES_PER_HOUR)
    if meta.start != hours[0] or meta.periods(step) != per_hour * len(hours):
        raise ValueError(f"case {meta.case_id} does not cover whole hours from {meta.start}")
    customers = case.table("customers").set_index("customer")
    weighted = np.zeros(len(hours))
    for ids, values in case.iter_arrays("customer_energy"):
        rows = customers.loc[ids]
        mine = (rows["dso"] == dso).to_numpy()
        if mine.any():
            kwh = values[mine].astype(np.float64).reshape(int(mine.sum()), len(hours), per_hour).sum(axis=2)
            weighted += customer_demand_mwh(0.0, kwh.T / KWH_PER_MWH, rows.loc[mine, "weight_customers"].to_numpy())
    industrial_mwh = meta.dso(dso).industrial_load_mw * STEP_HOURS
    return pd.Series(industrial_mwh + weighted, index=hours, name="demand_mwh")


def wholesale_cost_recovery_kusd(case: Case, dso: int, parameter_set: ParameterSet = "printed") -> pd.DataFrame:
    """A DSO's wholesale energy cost beside what the transactive rate's first term recovers.

    Rows: the cost from hourly series (Eq. 234) and from the annual averages (Eq. 241);
    the cost recovered with Eq. (45)'s :math:`A` on the demand that Eq. (231) implies
    (Eq. 243), and on the customers' metered demand (Eqs. 229, 242); and with the
    constant multiplier of ``rates.csv`` on the metered demand (Eq. 242).

    Parameters
    ----------
    case : a validated case.
    dso : DSO id.
    parameter_set : the set whose inputs Eqs. (45) and (234) take.

    Returns
    -------
    Columns ``line``, ``equations``, ``multiplier`` [ratio], ``cost_kusd`` [$K/yr] and
    ``share_of_cost_frac`` (each row over Eq. 234's cost) [frac].
    """
    params = load_retail_multiplier_parameters(parameter_set)
    h = dso_hourly_series(case, dso, parameter_set)
    lmp = h["lmp_usd_per_mwh"]
    averages = annual_averages(lmp, h["dso_supply_mwh"], h["bilateral_mwh"], h["bilateral_price_usd_per_mwh"])
    derived = retail_multiplier(averages, params)
    constant = parameter_value(load_parameters("rates", parameter_set), "retail_multiplier")
    metered = dso_customer_demand_mwh(case, dso)
    lines = wholesale_energy_cost_lines_usd(
        lmp, h["dso_supply_mwh"], h["bilateral_mwh"], h["bilateral_price_usd_per_mwh"], params
    )
    rows = [
        ("Wholesale energy cost, from hourly series", "234", float("nan"), float(lines.sum())),
        (
            "Wholesale energy cost, from annual averages",
            "241",
            float("nan"),
            wholesale_energy_cost_from_averages_usd(averages, params),
        ),
        (
            "Recovered with A of Eq. 45, demand = Qdso / (1 + Fdloss)",
            "243",
            derived,
            recovered_wholesale_energy_cost_from_averages_usd(derived, averages, params.distribution_loss_frac),
        ),
        (
            "Recovered with A of Eq. 45, metered demand",
            "229, 242",
            derived,
            recovered_wholesale_energy_cost_usd(derived, lmp, metered),
        ),
        (
            "Recovered with the constant A, metered demand",
            "229, 242",
            constant,
            recovered_wholesale_energy_cost_usd(constant, lmp, metered),
        ),
    ]
    frame = pd.DataFrame(rows, columns=["line", "equations", "multiplier", "cost_usd"])
    return frame.assign(
        cost_kusd=frame["cost_usd"] / USD_PER_KUSD, share_of_cost_frac=frame["cost_usd"] / float(lines.sum())
    ).drop(columns="cost_usd")


def retail_multiplier_inputs(data: Path | None = None) -> pd.DataFrame:
    """The inputs of Eq. (45) in both parameter sets, as written in the parameter files.

    Returns
    -------
    Columns ``parameter``, ``service``, ``printed``, ``study``, ``unit`` and ``report_ref``:
    the multiplier method and constant, the loss fractions (``rates.csv``), the
    transmission rate, ISO fee and reserve fractions and prices (``wholesale.csv``).
    """
    rates = parameter_sets("rates", data)
    rates = rates[rates["parameter"].isin(RATE_INPUTS)].assign(service="all")
    whole = parameter_sets("wholesale", data)
    whole = whole[whole["parameter"].isin(WHOLESALE_INPUTS) & whole["service"].isin(RESERVE_SERVICES)]
    columns = ["parameter", "service", "printed", "study", "unit", "report_ref"]
    return pd.concat([rates[columns], whole[columns]], ignore_index=True)


def annual_averages_frame(cases: Mapping[str, Case], dso: int, parameter_set: ParameterSet = "printed") -> pd.DataFrame:
    """Eqs. (46)-(51) for one DSO in several cases: one row per case, one column per :class:`AnnualAverages` field."""
    rows = [{"case": label, **vars(dso_annual_averages(case, dso, parameter_set))} for label, case in cases.items()]
    return pd.DataFrame(rows)


def dso_cost_lines_kusd(case: Case, dso: int, parameter_set: ParameterSet = "printed") -> pd.DataFrame:
    """Eq. (234) line by line for one DSO of a case, with each line per MWh supplied (Eq. 241's bracket).

    Returns
    -------
    Columns ``line`` (label), ``cost_kusd`` [$K/yr] and ``usd_per_mwh`` (the line over
    :math:`Qdso_A`) [USD/MWh]; a last row holds the total.
    """
    h = dso_hourly_series(case, dso, parameter_set)
    params = load_retail_multiplier_parameters(parameter_set)
    lines = wholesale_energy_cost_lines_usd(
        h["lmp_usd_per_mwh"], h["dso_supply_mwh"], h["bilateral_mwh"], h["bilateral_price_usd_per_mwh"], params
    )
    lines = pd.concat([lines, pd.Series({"total": float(lines.sum())})])
    energy = annual_dso_energy_mwh(h["dso_supply_mwh"])
    return pd.DataFrame(
        {
            "line": [COST_LINES.get(k, "Wholesale energy cost (Eq. 233)") for k in lines.index],
            "cost_kusd": lines.to_numpy() / USD_PER_KUSD,
            "usd_per_mwh": lines.to_numpy() / energy,
        }
    )


def terms_by_parameter_set(case: Case, dso: int) -> pd.DataFrame:
    """Eq. (45) term by term for one DSO of a case with the inputs of each parameter set.

    Returns
    -------
    Columns ``row`` (what the term is), ``column`` (its symbol), ``documented`` (NaN:
    the report prints no value), ``printed`` and ``study`` [ratio], one row per entry of
    :func:`retail_multiplier_terms`; the layout of :func:`dsot.audit.comparison`, so that
    :func:`dsot.charts.comparison_chart` draws it.
    """
    frame = pd.DataFrame({s: dso_retail_multiplier_terms(case, dso, s) for s in PARAMETER_SETS})
    return frame.assign(
        row=[TERM_NAMES[k] for k in frame.index], column=[TERM_SYMBOLS[k] for k in frame.index], documented=np.nan
    ).reset_index(drop=True)[["row", "column", "documented", "printed", "study"]]
