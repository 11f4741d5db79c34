r"""Section 6 of PNNL-32170-4: cash-flow statements of the bulk power system stakeholders.

* **Generator owners** (Section 6.1, Table 24): levelized capital from Table 25's overnight
  costs (Eq. 67), fixed O&M (Table 25), variable production and startup costs
  (Eqs. 68-70), wholesale energy sales at the real-time LMP of the generator's node
  (Eq. 71), and the DSOs' capacity and ancillary-service payments prorated to the
  generators (Section 6.1.3.2).
* **The transmission owner** (Section 6.2, Table 26): levelized capital (Eq. 72), the
  DSOs' transmission access fees as revenue (Eq. 73) and operating expenses as what the
  BAU revenue leaves after capital (Eq. 74).
* **The ISO** (Section 6.3, Table 27): expenses fixed at the BAU case's fee revenue,
  raised by :math:`f_{HR}` in the high-renewables scenario (Eq. 75), and the fee that
  recovers them in any case (Eq. 76).

What the DSOs pay to the bulk system is read from their own statements
(:attr:`dsot.valuation.Valuation.statements`, Table 21 lines), so money leaving one
statement arrives in another: ``peak_capacity`` becomes the generators' capacity sales,
``iso_reserves`` their ancillary service sales, ``transmission_access`` the transmission
owner's revenue and ``iso_fees`` the ISO's.  The generators' energy sales are computed
from their own output and prices (Eq. 71); they differ from the DSOs' energy purchases
(bilateral contracts, the day-ahead market, losses).

Units: every annual amount is in $K/yr.  USD/kW x MW = $K; USD/MWh x MWh / 1000 = $K.
Generator output is the mean power of each 5-minute interval in MW, so an interval's
energy is :math:`Q/12` MWh.

Inputs: ``data/parameters/generation.csv`` (Table 25, capacity credits, the ACCF of
generation, :math:`f_{HR}`, the transmission capital and the readings of Eqs. 72 and 76)
and ``data/parameters/wholesale.csv`` (transmission rate, transmission capital per kW,
:math:`ACCF_{trans}`, ISO reference fee), both loaded by :func:`load_bulk_parameters`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, get_args

import numpy as np
import numpy.typing as npt
import pandas as pd

from dsot import wholesale as ws
from dsot.params import ParameterError, ParameterSet, data_dir, load_parameters, parameter_text, parameter_value, read_csv_strict
from dsot.registry import equation

if TYPE_CHECKING:
    from dsot.cases.reader import Case
    from dsot.valuation import Valuation

FloatArray = npt.NDArray[np.float64]

Stakeholder = Literal["generator", "transmission_owner", "iso"]
TransmissionCapitalBasis = Literal["system_total", "per_kw_of_peak"]
IsoFeeReading = Literal["as_printed", "cost_recovery"]

LINE_COLUMNS = ("line", "label", "level", "parent", "report_ref")
GENERATOR_KEYS = ("generator", "name", "dso", "technology", "capacity_mw", "energy_mwh")
"""Columns of :func:`generator_cfs` before its line columns."""

COST_LINES = ("capital_expenses", "fixed_costs", "fuel_and_variable_om", "startup_costs")
"""Generator cost leaves that revenue is allocated to (Section 6.1, Figure 3's rule)."""
REVENUE_LINES = ("energy_sales", "ancillary_service_sales", "capacity_sales")
"""Generator revenue leaves (Table 24's R1, R2 and R3)."""
SURPLUS_LINE = "fixed_costs"
"""Where revenue beyond costs (profit) goes in the allocation: "profit is included in the fixed operating costs"."""

TECHNOLOGY_PARAMETERS = (
    "table25_technology",
    "overnight_capital_cost",
    "fixed_om_cost",
    "variable_om",
    "capacity_credit",
    "ancillary_service_eligible",
)
"""Parameters every generating technology needs in ``data/parameters/generation.csv``."""


# --- Inputs ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TechnologyCosts:
    """Table 25 costs and Section 6.1.3.2 payment rules of one generating technology."""

    technology: str
    table25_technology: str
    overnight_capital_cost_usd_per_kw: float
    fixed_om_usd_per_kw_yr: float
    variable_om_usd_per_mwh: float
    """Shown in Table 25; inside the variable production cost C1 of Eq. 69 (Section 6.1.2.2)."""
    capacity_credit_frac: float
    ancillary_service_eligible: bool


@dataclass(frozen=True)
class BulkParameters:
    """Inputs of Section 6 for one parameter set (``generation.csv`` and ``wholesale.csv``)."""

    parameter_set: ParameterSet
    technologies: dict[str, TechnologyCosts]
    generation_accf_frac: float
    transmission_capital_basis: TransmissionCapitalBasis
    transmission_capital_total_usd: float
    transmission_capital_usd_per_kw: float
    accf_transmission_frac: float
    transmission_rate_usd_per_mwh: float
    iso_reference_fee_usd_per_mwh: float
    iso_cost_increase_frac: dict[str, float]
    """:math:`f_{HR}` by scenario (``MR``, ``HR``)."""
    iso_fee_reading: IsoFeeReading


def _choice(value: str, allowed: tuple[str, ...], what: str) -> str:
    if value not in allowed:
        raise ParameterError(f"data/parameters/generation.csv: {what} must be one of {', '.join(allowed)} (got {value!r})")
    return value


def _technology(frame: pd.DataFrame, technology: str) -> TechnologyCosts:
    def number(name: str) -> float:
        return parameter_value(frame, name, technology=technology, scenario="all")

    return TechnologyCosts(
        technology=technology,
        table25_technology=parameter_text(frame, "table25_technology", technology=technology, scenario="all"),
        overnight_capital_cost_usd_per_kw=number("overnight_capital_cost"),
        fixed_om_usd_per_kw_yr=number("fixed_om_cost"),
        variable_om_usd_per_mwh=number("variable_om"),
        capacity_credit_frac=number("capacity_credit"),
        ancillary_service_eligible=number("ancillary_service_eligible") == 1.0,
    )


def load_bulk_parameters(parameter_set: ParameterSet = "study", data: Path | None = None) -> BulkParameters:
    """Load the Section 6 inputs of one parameter set.

    Every technology named in ``generation.csv`` must have all of
    :data:`TECHNOLOGY_PARAMETERS`; a missing one stops the load with the file and the key.

    Examples
    --------
    >>> p = load_bulk_parameters("study")
    >>> p.technologies["wind"].capacity_credit_frac, p.generation_accf_frac, p.transmission_capital_basis
    (0.13, 0.0913, 'per_kw_of_peak')
    """
    frame = load_parameters("generation", parameter_set, data)
    wholesale = ws.load_wholesale_parameters(parameter_set, data)
    names = [t for t in dict.fromkeys(frame["technology"]) if t != "all"]

    def scalar(name: str) -> float:
        return parameter_value(frame, name, technology="all", scenario="all")

    increase = frame[frame["parameter"] == "iso_cost_increase"]
    basis = parameter_text(frame, "transmission_capital_basis", technology="all", scenario="all")
    reading = parameter_text(frame, "iso_fee_reading", technology="all", scenario="all")
    return BulkParameters(
        parameter_set=parameter_set,
        technologies={t: _technology(frame, t) for t in names},
        generation_accf_frac=scalar("generation_accf"),
        transmission_capital_basis=_choice(basis, get_args(TransmissionCapitalBasis), "transmission_capital_basis"),  # type: ignore[arg-type]
        transmission_capital_total_usd=scalar("transmission_capital_total"),
        transmission_capital_usd_per_kw=wholesale.transmission_capital_usd_per_kw,
        accf_transmission_frac=wholesale.accf_transmission_frac,
        transmission_rate_usd_per_mwh=wholesale.transmission_rate_usd_per_mwh,
        iso_reference_fee_usd_per_mwh=wholesale.iso_fee_usd_per_mwh,
        iso_cost_increase_frac={str(s): float(v) for s, v in zip(increase["scenario"], increase["value"], strict=True)},
        iso_fee_reading=_choice(reading, get_args(IsoFeeReading), "iso_fee_reading"),  # type: ignore[arg-type]
    )


def table25(params: BulkParameters) -> pd.DataFrame:
    """Table 25 as used: one row per case technology with its costs and payment rules.

    Columns: technology, table25_technology, overnight_capital_cost_usd_per_kw,
    fixed_om_usd_per_kw_yr, variable_om_usd_per_mwh, capacity_credit_frac,
    ancillary_service_eligible.
    """
    return pd.DataFrame([vars(t) for t in params.technologies.values()])


def statement_lines(stakeholder: Stakeholder, data: Path | None = None) -> pd.DataFrame:
    """A stakeholder's CFS line tree (``data/cfs/<stakeholder>_lines.csv``), checked.

    Lines are unique, parents are known lines listed before their children, and each
    level is one more than its parent's (1 to 4).
    """
    path = (data or data_dir()) / "cfs" / f"{stakeholder}_lines.csv"
    frame = read_csv_strict(path, LINE_COLUMNS)
    levels: dict[str, int] = {}
    for row, rec in frame.iterrows():
        if rec["line"] in levels:
            raise ParameterError(f"{path}, row {row}, column 'line': {rec['line']!r} appears twice")
        parent = rec["parent"]
        if parent and parent not in levels:
            raise ParameterError(f"{path}, row {row}, column 'parent': {parent!r} is not a line listed above")
        expected = levels[parent] + 1 if parent else 1
        if rec["level"] != str(expected) or expected > 4:
            raise ParameterError(f"{path}, row {row}, column 'level': {rec['level']!r} (expected {expected}, at most 4)")
        levels[rec["line"]] = expected
    if "balance" not in levels or "revenues" not in levels:
        raise ParameterError(f"{path}: needs the lines 'revenues' and 'balance'")
    return frame.assign(level=frame["level"].astype(int)).reset_index(drop=True)


# --- Eqs. 67-71: generator owners --------------------------------------------------------------------


def _array(values: npt.ArrayLike, name: str, ndim: int | None = None) -> FloatArray:
    array = np.asarray(values, dtype=np.float64)
    if ndim is not None and array.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-dimensional (got shape {array.shape})")
    if not np.isfinite(array).all():
        raise ValueError(f"{name} contains NaN or infinite values")
    return array


def generator_capital_cost_kusd(overnight_cost_usd_per_kw: npt.ArrayLike, capacity_mw: npt.ArrayLike) -> FloatArray:
    r"""Capital cost of generation plant, :math:`GenCapCost`: Table 25's overnight cost times capacity.

    $$GenCapCost = C_{overnight}\,P_{nameplate}$$

    Parameters
    ----------
    overnight_cost_usd_per_kw : overnight capital cost of the technology (Table 25). [USD/kW]
    capacity_mw : nameplate capacity. [MW]

    Returns
    -------
    :math:`GenCapCost` [$K] (USD/kW x MW = $K)

    Examples
    --------
    >>> generator_capital_cost_kusd(978.0, 1000.0).tolist()
    978000.0
    """
    return _array(overnight_cost_usd_per_kw, "overnight_cost_usd_per_kw") * _array(capacity_mw, "capacity_mw")


@equation(67, section="6.1.1")
def generator_capital_expense_kusd(capital_cost_kusd: npt.ArrayLike, accf_generation_frac: float) -> FloatArray:
    r"""Levelized annual capital expense of generation plant, :math:`GenCapExp_A`.

    Eq. (67): $$GenCapExp_A = GenCapCost\;ACCF_{gen}$$

    Parameters
    ----------
    capital_cost_kusd : :math:`GenCapCost`, :func:`generator_capital_cost_kusd`. [$K]
    accf_generation_frac : :math:`ACCF_{gen}`, generation owner's generators (Table 2: 9.13%). [1/yr]

    Returns
    -------
    :math:`GenCapExp_A` [$K/yr], including the return on equity and income taxes (Table 24, note a)

    Notes
    -----
    The report prints Eq. (67) twice, the second time at the start of Section 6.1.2.1
    (a duplicated paragraph); its where-list names :math:`GenCapCost_A` where the
    equation has :math:`GenCapCost`.

    Examples
    --------
    1,000 MW of combined cycle at 978 $/kW (Table 25) and 9.13%:

    >>> round(float(generator_capital_expense_kusd(978_000.0, 0.0913)), 1)
    89291.4
    """
    if not 0.0 <= accf_generation_frac < 1.0:
        raise ValueError(f"accf_generation_frac must be a fraction in [0, 1) (got {accf_generation_frac})")
    return _array(capital_cost_kusd, "capital_cost_kusd") * accf_generation_frac


def generator_fixed_om_kusd(fixed_om_usd_per_kw_yr: npt.ArrayLike, capacity_mw: npt.ArrayLike) -> FloatArray:
    r"""Annual fixed operating cost of generation plant (Table 24 line O1, Section 6.1.2.1).

    $$FixedCost = C_{fixed}\,P_{nameplate}$$ with :math:`C_{fixed}` the fixed O&M of Table 25.

    Parameters
    ----------
    fixed_om_usd_per_kw_yr : fixed O&M of the technology (Table 25). [USD/kW-yr]
    capacity_mw : nameplate capacity. [MW]

    Returns
    -------
    Fixed operating cost [$K/yr]

    Examples
    --------
    >>> generator_fixed_om_kusd(11.0, 1000.0).tolist()
    11000.0
    """
    return _array(fixed_om_usd_per_kw_yr, "fixed_om_usd_per_kw_yr") * _array(capacity_mw, "capacity_mw")


def generator_energy_mwh(output_mw: npt.ArrayLike) -> FloatArray:
    r"""Annual energy of each generator, :math:`\sum_{d,h,i} Q_{g,d,h,i}/12`.

    Parameters
    ----------
    output_mw : :math:`Q_{g,i}`, mean power of each 5-minute interval, one row per generator. [MW]

    Returns
    -------
    Energy of each generator [MWh]

    Examples
    --------
    >>> generator_energy_mwh([[100.0] * 12, [0.0] * 12]).tolist()
    [100.0, 0.0]
    """
    output = _array(output_mw, "output_mw", ndim=2)
    energy: FloatArray = output.sum(axis=1) / ws.INTERVALS_PER_HOUR
    return energy


@equation(68, section="6.1.2.2")
def generator_production_cost_kusd(variable_cost_kusd: npt.ArrayLike, startup_cost_kusd: npt.ArrayLike) -> FloatArray:
    r"""Annual production cost of a thermal generator, :math:`GenProductionCost_g`.

    Eq. (68): $$GenProductionCost_g = GenVarCost_g + GenStartCost_g$$

    Parameters
    ----------
    variable_cost_kusd : :math:`GenVarCost_g` (Eq. 69). [$K/yr]
    startup_cost_kusd : :math:`GenStartCost_g` (Eq. 70). [$K/yr]

    Returns
    -------
    :math:`GenProductionCost_g`, Table 24's variable cost O2 [$K/yr]

    Examples
    --------
    >>> generator_production_cost_kusd([2.5], [30.0]).tolist()
    [32.5]
    """
    return _array(variable_cost_kusd, "variable_cost_kusd") + _array(startup_cost_kusd, "startup_cost_kusd")


@equation(69, section="6.1.2.2")
def generator_variable_cost_kusd(output_mw: npt.ArrayLike, variable_cost_usd_per_mwh: npt.ArrayLike) -> FloatArray:
    r"""Annual variable production cost (startups excluded) of each generator, :math:`GenVarCost_g`.

    Eq. (69): $$GenVarCost_g = \sum_{d=1}^{365} \sum_{h=1}^{24} \sum_{i=1}^{12} \frac{Q_{g,d,h,i}}{12}\,C1_g$$

    Parameters
    ----------
    output_mw : :math:`Q_{g,d,h,i}`, one row per generator, one column per 5-minute interval. [MW]
    variable_cost_usd_per_mwh : :math:`C1_g`, one per generator. [USD/MWh]

    Returns
    -------
    :math:`GenVarCost_g`, one per generator [$K/yr]

    Notes
    -----
    :math:`C1_g` holds fuel and all other variable costs, variable O&M included
    (Section 6.1.2.2), so Table 25's variable O&M is not added again.  The sums run over
    whatever intervals are given (366 days in the study year 2016).

    Examples
    --------
    100 MW for one hour at 25 $/MWh is 2,500 $:

    >>> generator_variable_cost_kusd([[100.0] * 12], [25.0]).tolist()
    [2.5]
    """
    energy = generator_energy_mwh(output_mw)
    c1 = _array(variable_cost_usd_per_mwh, "variable_cost_usd_per_mwh", ndim=1)
    if c1.shape != energy.shape:
        raise ValueError(f"variable_cost_usd_per_mwh has {c1.size} values for {energy.size} generators")
    return energy * c1 / 1000.0


@equation(70, section="6.1.2.2")
def generator_startup_cost_kusd(starts_count: npt.ArrayLike, cost_per_start_usd: npt.ArrayLike) -> FloatArray:
    r"""Annual startup cost of each generator, :math:`GenStartCost_g`.

    Eq. (70): $$GenStartCost_g = \sum_{d=1}^{365} NumStarts_{g,d}\;CostPerStart_g$$

    Parameters
    ----------
    starts_count : :math:`NumStarts_{g,d}`, one row per generator, one column per day. [count]
    cost_per_start_usd : :math:`CostPerStart_g`, one per generator. [USD]

    Returns
    -------
    :math:`GenStartCost_g`, one per generator [$K/yr]

    Examples
    --------
    Three starts at 10,000 $:

    >>> generator_startup_cost_kusd([[1, 2]], [10_000.0]).tolist()
    [30.0]
    """
    starts = _array(starts_count, "starts_count", ndim=2)
    cost = _array(cost_per_start_usd, "cost_per_start_usd", ndim=1)
    if cost.shape[0] != starts.shape[0]:
        raise ValueError(f"cost_per_start_usd has {cost.size} values for {starts.shape[0]} generators")
    if (starts < 0).any():
        raise ValueError("starts_count must not be negative")
    cost_kusd: FloatArray = starts.sum(axis=1) * cost / 1000.0
    return cost_kusd


@equation(71, section="6.1.3.1")
def generator_energy_revenue_kusd(output_mw: npt.ArrayLike, node_lmp_usd_per_mwh: npt.ArrayLike) -> FloatArray:
    r"""Annual wholesale energy market revenue of each generator, :math:`GenRevenue_g`.

    Eq. (71): $$GenRevenue_g = \sum_{d=1}^{365} \sum_{h=1}^{24} \sum_{i=1}^{12} \frac{Q_{g,d,h,i}}{12}\,Prt_{n_g,d,h,i}$$

    Parameters
    ----------
    output_mw : :math:`Q_{g,d,h,i}`, one row per generator, one column per 5-minute interval. [MW]
    node_lmp_usd_per_mwh : :math:`Prt_{n_g,d,h,i}`, the real-time LMP at each generator's
        node, same shape (:func:`node_prices`). [USD/MWh]

    Returns
    -------
    :math:`GenRevenue_g`, one per generator [$K/yr]

    Notes
    -----
    Deviation from report: the where-list calls :math:`Prt` the "retail real-time market
    clearing price" at the node, while the prose says "real-time LMP at the node where
    the generator is located"; generators sell in the wholesale market, so the wholesale
    real-time LMP is used.

    Examples
    --------
    100 MW for an hour, half of it at 20 $/MWh and half at 40 $/MWh: 1,000 + 2,000 $:

    >>> generator_energy_revenue_kusd([[100.0] * 12], [[20.0] * 6 + [40.0] * 6]).tolist()
    [3.0]
    """
    output = _array(output_mw, "output_mw", ndim=2)
    price = _array(node_lmp_usd_per_mwh, "node_lmp_usd_per_mwh", ndim=2)
    if price.shape != output.shape:
        raise ValueError(f"node_lmp_usd_per_mwh has shape {price.shape} but output_mw has {output.shape}")
    revenue: FloatArray = np.einsum("gi,gi->g", output, price) / ws.INTERVALS_PER_HOUR / 1000.0
    return revenue


def node_prices(lmp_by_node_usd_per_mwh: npt.ArrayLike, nodes: Sequence[int], generator_nodes: Sequence[int]) -> FloatArray:
    r"""The price series at each generator's node: :math:`Prt_{n_g}` for Eq. (71).

    Parameters
    ----------
    lmp_by_node_usd_per_mwh : one row per node, one column per interval. [USD/MWh]
    nodes : node id of each row. [id]
    generator_nodes : node of each generator. [id]

    Returns
    -------
    One row per generator [USD/MWh]

    Examples
    --------
    >>> node_prices([[1.0, 2.0], [3.0, 4.0]], [7, 9], [9, 9, 7]).tolist()
    [[3.0, 4.0], [3.0, 4.0], [1.0, 2.0]]
    """
    prices = _array(lmp_by_node_usd_per_mwh, "lmp_by_node_usd_per_mwh", ndim=2)
    rows = pd.Index(list(nodes)).get_indexer(list(generator_nodes))
    if (rows < 0).any():
        missing = sorted({n for n, r in zip(generator_nodes, rows, strict=True) if r < 0})
        raise ValueError(f"no price series for generator node(s) {missing}")
    out: FloatArray = prices[rows]
    return out


def prorated_kusd(total_kusd: float, weights: npt.ArrayLike) -> FloatArray:
    r"""Split a total in proportion to weights: :math:`x_g = X\,w_g / \sum_k w_k`.

    Section 6.1.3.2: capacity payments by (credited) nameplate, ancillary-service
    payments by annual energy.

    Parameters
    ----------
    total_kusd : amount to split. [$K/yr]
    weights : non-negative weight of each recipient. [any]

    Returns
    -------
    Share of each recipient [$K/yr]; they sum to ``total_kusd``

    Examples
    --------
    >>> prorated_kusd(100.0, [1.0, 3.0, 0.0]).tolist()
    [25.0, 75.0, 0.0]
    """
    w = _array(weights, "weights", ndim=1)
    if (w < 0).any():
        raise ValueError("weights must not be negative")
    if w.sum() <= 0:
        if total_kusd == 0:
            return np.zeros_like(w)
        raise ValueError(f"{total_kusd:g} $K/yr to prorate but no recipient has a positive weight")
    shares: FloatArray = total_kusd * w / w.sum()
    return shares


def capacity_weights_mw(capacity_mw: npt.ArrayLike, capacity_credit_frac: npt.ArrayLike) -> FloatArray:
    """Nameplate counted for capacity payments: wind x 0.13, solar x 0.38, the rest in full (Section 6.1.3.2).

    Examples
    --------
    >>> capacity_weights_mw([100.0, 100.0], [1.0, 0.13]).tolist()
    [100.0, 13.0]
    """
    return _array(capacity_mw, "capacity_mw") * _array(capacity_credit_frac, "capacity_credit_frac")


# --- Eqs. 72-74: the transmission owner --------------------------------------------------------------


def transmission_capital_cost_kusd(
    basis: TransmissionCapitalBasis, system_total_usd: float, usd_per_kw: float, system_peak_mw: float
) -> float:
    r"""Capital cost of the entire transmission system, :math:`TransCapCost`.

    ``system_total`` (printed): the stated total, $16.6 billion (Section 6.2).
    ``per_kw_of_peak`` (study): $$TransCapCost = TransCap_{kW}\,\bar{P}_{sys}$$ with
    :math:`TransCap_{kW}` = 169 $/kW and :math:`\bar{P}_{sys}` the case's coincident system peak.

    Parameters
    ----------
    basis : ``system_total`` or ``per_kw_of_peak`` (``transmission_capital_basis``). [-]
    system_total_usd : the stated total. [USD]
    usd_per_kw : capital per kW of peak demand served. [USD/kW]
    system_peak_mw : coincident peak of the energy delivered to all DSOs. [MW]

    Returns
    -------
    :math:`TransCapCost` [$K]

    Notes
    -----
    The report equates $16.6 billion with "about $169/kW of peak demand served", which
    implies a 98 GW peak; the study's system peaks at about 71 GW, where 169 $/kW gives
    $12.0 billion.

    Examples
    --------
    >>> transmission_capital_cost_kusd("per_kw_of_peak", 16.6e9, 169.0, 71_000.0)
    11999000.0
    >>> transmission_capital_cost_kusd("system_total", 16.6e9, 169.0, 71_000.0)
    16600000.0
    """
    if basis == "system_total":
        return system_total_usd / 1000.0
    if basis == "per_kw_of_peak":
        return usd_per_kw * system_peak_mw
    raise ValueError(f"unknown transmission capital basis {basis!r}")


@equation(72, section="6.2")
def transmission_capital_expense_kusd(capital_cost_kusd: float, accf_transmission_frac: float) -> float:
    r"""Levelized annual capital expense of the transmission system, :math:`TransCapExp_A`.

    Eq. (72): $$TransCapExp_A = TransCapCost\;ACCF_{trans}$$

    Parameters
    ----------
    capital_cost_kusd : :math:`TransCapCost`, :func:`transmission_capital_cost_kusd`. [$K]
    accf_transmission_frac : :math:`ACCF_{trans}` (Table 2: 8.25%). [1/yr]

    Returns
    -------
    :math:`TransCapExp_A` [$K/yr]

    Examples
    --------
    169 $/kW on a 71 GW peak at 8.25%:

    >>> round(transmission_capital_expense_kusd(11_999_000.0, 0.0825), 1)
    989917.5
    """
    if not 0.0 <= accf_transmission_frac < 1.0:
        raise ValueError(f"accf_transmission_frac must be a fraction in [0, 1) (got {accf_transmission_frac})")
    return capital_cost_kusd * accf_transmission_frac


@equation(73, section="6.2")
def transmission_owner_revenue_kusd(rate_usd_per_mwh: float, delivered_mwh: npt.ArrayLike) -> float:
    r"""The transmission owner's annual revenue from the postage stamp rate, :math:`TransOpRev_A`.

    Eq. (73): $$TransOpRev_A = P_{trans} \sum_{D=1}^{N_{dso}} \sum_{h=1}^{8760} Q_{dso,h}(D)$$

    Parameters
    ----------
    rate_usd_per_mwh : :math:`P_{trans}`, the postage stamp rate of Eq. (13). [USD/MWh]
    delivered_mwh : :math:`Q_{dso}`, energy delivered to every DSO (any shape; all summed). [MWh]

    Returns
    -------
    :math:`TransOpRev_A` [$K/yr]

    Notes
    -----
    Eq. (73) is the sum of the DSOs' fees of Eq. (13).  In the study's battery case
    each DSO's fee was further reduced by the transmission capital its peak reduction
    avoids (:func:`dsot.wholesale.transmission_peak_credit_kusd`), so
    :func:`transmission_owner_cfs` takes the revenue from the DSOs' statements.  The
    where-list calls :math:`TransOpRev_A` the owner's "annual total costs".

    Examples
    --------
    >>> transmission_owner_revenue_kusd(12.38, [60e6, 40e6])
    1238000.0
    """
    return rate_usd_per_mwh * float(_array(delivered_mwh, "delivered_mwh").sum()) / 1000.0


@equation(74, section="6.2")
def transmission_operating_expense_kusd(revenue_kusd: float, capital_expense_kusd: float) -> float:
    r"""The transmission owner's annual operating expenses, :math:`TransOpsCost_A`.

    Eq. (74): $$TransOpsCost_A = TransOpRev_A - TransCapExp_A$$

    Parameters
    ----------
    revenue_kusd : :math:`TransOpRev_A` of the MR BAU case (Eq. 73). [$K/yr]
    capital_expense_kusd : :math:`TransCapExp_A` of the same case (Eq. 72). [$K/yr]

    Returns
    -------
    :math:`TransOpsCost_A` [$K/yr]

    Notes
    -----
    The report estimates operating expenses top-down, "in the MR BAU case"; they are
    held at that value in the other cases, whose balance then shows how far the
    postage stamp rate misses the owner's costs.  A negative result means the rate does
    not even cover capital, and is returned as such.

    Examples
    --------
    >>> transmission_operating_expense_kusd(1_238_000.0, 989_917.5)
    248082.5
    """
    return revenue_kusd - capital_expense_kusd


# --- Eqs. 75-76: the ISO -----------------------------------------------------------------------------


@equation(75, section="6.3")
def iso_costs_kusd(reference_fee_usd_per_mwh: float, reference_energy_mwh: float, cost_increase_frac: float) -> float:
    r"""The ISO's annual capital and operating expenses, :math:`IsoCosts_A`.

    Eq. (75): $$IsoCosts_A = (1 + f_{HR})\,\bar{P}_{I-ref} \sum_{dso=1}^{N_{dso}} \sum_{h=1}^{8760} \sum_{i=1}^{12} Q_{dso}(i)$$

    Parameters
    ----------
    reference_fee_usd_per_mwh : :math:`\bar{P}_{I-ref}`, the MR BAU fee ($0.555/MWh, ERCOT 2011). [USD/MWh]
    reference_energy_mwh : energy delivered to all DSOs in the BAU case. [MWh]
    cost_increase_frac : :math:`f_{HR}`, 25% in the high-renewables scenario, 0 otherwise. [frac]

    Returns
    -------
    :math:`IsoCosts_A` [$K/yr]

    Notes
    -----
    The text sets the ISO's expenses of every moderate-renewables case equal to its fee
    revenue in the BAU case, so the energy of Eq. (75) is the BAU case's, not the
    case's own.  The equation writes :math:`\bar{P}_{I-ref}`, the where-list
    :math:`\bar{P}_{I-mr-bau}`.

    Examples
    --------
    >>> round(iso_costs_kusd(0.555, 400e6, 0.25), 6)
    277500.0
    """
    if cost_increase_frac < 0:
        raise ValueError(f"cost_increase_frac must not be negative (got {cost_increase_frac})")
    return (1.0 + cost_increase_frac) * reference_fee_usd_per_mwh * reference_energy_mwh / 1000.0


@equation(76, section="6.3")
def iso_fee_rate_usd_per_mwh(costs_kusd: float, energy_mwh: float, cost_increase_frac: float, reading: IsoFeeReading) -> float:
    r"""The ISO fee of a case, :math:`\bar{P}_I`, re-solved to recover the ISO's costs.

    Eq. (76) as printed (``as_printed``):
    $$\bar{P}_I = \frac{IsoCosts_A}{(1 + f_{HR}) \sum_{dso=1}^{N_{dso}} \sum_{h=1}^{8760} \sum_{i=1}^{12} Q_{dso}(i)}$$
    Cost-recovering (``cost_recovery``): $$\bar{P}_I = \frac{IsoCosts_A}{\sum_{dso} \sum_h \sum_i Q_{dso}(i)}$$

    Parameters
    ----------
    costs_kusd : :math:`IsoCosts_A` (Eq. 75). [$K/yr]
    energy_mwh : energy delivered to all DSOs in the case. [MWh]
    cost_increase_frac : :math:`f_{HR}`. [frac]
    reading : ``as_printed`` or ``cost_recovery`` (``iso_fee_reading``). [-]

    Returns
    -------
    :math:`\bar{P}_I` [USD/MWh]

    Notes
    -----
    Deviation from report (``cost_recovery``): dividing by :math:`(1 + f_{HR})` again
    cancels the increase Eq. (75) just applied, so the printed fee collects only
    :math:`IsoCosts_A/(1 + f_{HR})`, contradicting "the fee needed to recover the ISO's
    costs".  With :math:`f_{HR} = 0` (moderate renewables) both readings agree.

    Examples
    --------
    >>> round(iso_fee_rate_usd_per_mwh(277_500.0, 380e6, 0.25, "cost_recovery"), 6)
    0.730263
    >>> round(iso_fee_rate_usd_per_mwh(277_500.0, 380e6, 0.25, "as_printed"), 6)
    0.584211
    """
    if energy_mwh <= 0:
        raise ValueError(f"energy_mwh must be positive (got {energy_mwh})")
    if reading == "as_printed":
        return costs_kusd * 1000.0 / ((1.0 + cost_increase_frac) * energy_mwh)
    if reading == "cost_recovery":
        return costs_kusd * 1000.0 / energy_mwh
    raise ValueError(f"unknown ISO fee reading {reading!r}")


# --- Section 6.1: allocating generator revenue to costs (Figure 3) -------------------------------------


def revenue_allocation_kusd(revenue_kusd: npt.ArrayLike, costs_kusd: npt.ArrayLike, surplus_column: int) -> FloatArray:
    r"""Revenue allocated to costs "in proportion to their relative value" (Section 6.1, Figure 3).

    With revenue :math:`R`, costs :math:`c_k` and :math:`K = \sum_k c_k`:
    $$a_k = \begin{cases} c_k\,R/K & R < K \\ c_k + [k = s](R - K) & R \ge K \end{cases}$$
    where :math:`s` is the fixed operating cost: "when revenue exceeds costs profit is
    included in the fixed operating costs".

    Parameters
    ----------
    revenue_kusd : :math:`R`, one per row. [$K/yr]
    costs_kusd : :math:`c_k`, one row per revenue, one column per cost (non-negative). [$K/yr]
    surplus_column : column :math:`s` that receives the profit. [-]

    Returns
    -------
    :math:`a_k`, same shape as ``costs_kusd`` [$K/yr]; each row sums to its revenue

    Notes
    -----
    A row without costs gives all its revenue (even a negative one) to the surplus column.  A negative revenue
    (more paid than earned) is allocated in proportion like any shortfall.

    Examples
    --------
    >>> revenue_allocation_kusd([50.0, 130.0], [[60.0, 20.0, 20.0], [60.0, 20.0, 20.0]], 1).tolist()
    [[30.0, 10.0, 10.0], [60.0, 50.0, 20.0]]
    """
    revenue = _array(revenue_kusd, "revenue_kusd", ndim=1)
    costs = _array(costs_kusd, "costs_kusd", ndim=2)
    if costs.shape[0] != revenue.shape[0]:
        raise ValueError(f"costs_kusd has {costs.shape[0]} rows for {revenue.size} revenues")
    if (costs < 0).any():
        raise ValueError("costs must not be negative")
    total = costs.sum(axis=1)
    short = (revenue < total) & (total > 0)
    scale = np.divide(revenue, total, out=np.ones_like(total), where=short)
    out: FloatArray = costs * scale[:, None]
    out[:, surplus_column] += np.where(short, 0.0, revenue - total)
    return out


# --- Case data -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GeneratorSeries:
    """A case's generators with their output, node prices and starts as aligned arrays."""

    generators: pd.DataFrame
    """The ``generators`` table, in generator-id order."""
    output_mw: FloatArray
    """Mean power of each 5-minute interval, one row per generator."""
    node_lmp_usd_per_mwh: FloatArray
    """Real-time LMP at each generator's node, same shape as ``output_mw``."""
    starts_count: FloatArray
    """Starts per day, one row per generator."""


def _by_key(
    frame: pd.DataFrame, key: str, keys: Sequence[int], column: str, table: str
) -> tuple[npt.NDArray[np.int64], FloatArray]:
    """A long table as (timestamps of the first key, values[key, time]), rows in ``keys`` order."""
    rows = pd.Index(list(keys)).get_indexer(frame[key].to_numpy())
    if (rows < 0).any():
        raise ValueError(f"{table}: {key} {frame[key].to_numpy()[rows < 0][0]!r} is not a known {key}")
    counts = np.bincount(rows, minlength=len(keys))
    if (counts != counts[0]).any():
        bad = int(np.flatnonzero(counts != counts[0])[0])
        raise ValueError(f"{table}: {key} {keys[bad]} has {counts[bad]} rows but {key} {keys[0]} has {counts[0]}")
    order = np.argsort(rows, kind="stable")
    times = pd.DatetimeIndex(frame["timestamp"]).asi8[order].reshape(len(keys), -1)
    if (times != times[0]).any():
        bad = int(np.flatnonzero((times != times[0]).any(axis=1))[0])
        raise ValueError(f"{table}: the timestamps of {key} {keys[bad]} differ from those of {key} {keys[0]}")
    values = frame[column].to_numpy(dtype=np.float64)[order].reshape(len(keys), -1)
    return times[0], values


def generator_series(case: Case) -> GeneratorSeries:
    """The case's generator output, node LMPs and daily starts, aligned by generator and interval."""
    generators = case.table("generators").sort_values("generator").reset_index(drop=True)
    ids = generators["generator"].tolist()
    times, output = _by_key(case.table("generator_5min"), "generator", ids, "output_mw", "generator_5min")
    system = case.table("system_5min")
    dsos = sorted(int(d) for d in system["dso"].unique())
    lmp_times, lmp = _by_key(system, "dso", dsos, "rt_lmp_usd_per_mwh", "system_5min")
    if not np.array_equal(times, lmp_times):
        raise ValueError("generator_5min and system_5min do not cover the same 5-minute intervals")
    _, starts = _by_key(case.table("generator_daily"), "generator", ids, "starts_count", "generator_daily")
    prices = node_prices(lmp, dsos, generators["dso"].tolist())
    return GeneratorSeries(generators, output, prices, starts)


def delivered_energy_mwh(case: Case) -> float:
    r"""Energy delivered to all DSOs over the case, :math:`\sum_{dso} \sum_h \sum_i Q_{dso}(i)` [MWh]."""
    return float(case.table("system_5min")["delivered_mwh"].sum())


def system_peak_mw(case: Case) -> float:
    """Coincident peak of the energy delivered to all DSOs: the largest 5-minute total x 12 [MW]."""
    system = case.table("system_5min")
    return float(system.groupby("timestamp", sort=False)["delivered_mwh"].sum().max()) * ws.INTERVALS_PER_HOUR


def dso_line_total_kusd(statements: pd.DataFrame, line: str) -> float:
    """Sum over the DSOs of one line of their statements (``Valuation.statements``) [$K/yr]."""
    rows = statements[statements["line"] == line]
    if rows.empty:
        raise ValueError(f"the DSO statements have no line {line!r}")
    values = rows["cash_flow_kusd_per_yr"].to_numpy(dtype=np.float64)
    if not np.isfinite(values).all():
        raise ValueError(f"line {line!r} of the DSO statements is not filled for every DSO")
    return float(values.sum())


def _check_valuation(case: Case, valuation: Valuation) -> None:
    if valuation.case_id != case.metadata.case_id:
        raise ValueError(f"the valuation is of case {valuation.case_id!r}, not {case.metadata.case_id!r}")


def _reference(case: Case, bau: Case | None) -> Case:
    """The BAU case that fixes the ISO's expenses and the transmission owner's operating expenses."""
    if bau is not None:
        if bau.metadata.transactive:
            raise ValueError(f"bau must be a BAU case (got {bau.metadata.case_id}, kind {bau.metadata.kind})")
        return bau
    if case.metadata.transactive:
        raise ValueError(
            f"case {case.metadata.case_id} is transactive: pass its BAU case (bau=...), which fixes the ISO's "
            "expenses (Eq. 75) and the transmission owner's operating expenses (Eq. 74)"
        )
    return case


# --- Statements ------------------------------------------------------------------------------------------


def _rolled_up(lines: pd.DataFrame, leaves: Mapping[str, Any]) -> dict[str, Any]:
    """Every line's value: leaves as given, parents the sum of their children, balance = revenues - expenses.

    Values may be scalars or arrays (one value per generator).
    """
    values: dict[str, Any] = {}
    children = lines.groupby("parent")["line"].apply(list).to_dict()
    for line in reversed(lines["line"].tolist()):
        if line == "balance":
            continue
        kids = children.get(line)
        if kids:
            total = values[kids[0]]
            for kid in kids[1:]:
                total = total + values[kid]
            values[line] = total
        elif line in leaves:
            values[line] = leaves[line]
        else:
            raise ValueError(f"no value for the line {line!r}")
    balance = values["revenues"]
    for line in lines.loc[lines["level"] == 1, "line"]:
        if line not in ("revenues", "balance"):
            balance = balance - values[line]
    values["balance"] = balance
    return values


def _statement(lines: pd.DataFrame, leaves: Mapping[str, float]) -> pd.DataFrame:
    values = _rolled_up(lines, leaves)
    out = lines[["line", "label", "level", "parent"]].copy()
    out["cash_flow_kusd_per_yr"] = [float(values[line]) for line in lines["line"]]
    return out


def technology_inputs(params: BulkParameters, generators: pd.DataFrame) -> pd.DataFrame:
    """Per generator: its technology's Table 25 costs and payment rules; unknown technologies stop here."""
    known = params.technologies
    unknown = np.flatnonzero(~generators["technology"].isin(list(known)).to_numpy())
    if unknown.size:
        row = int(unknown[0])
        technology = generators["technology"].iloc[row]
        raise ParameterError(
            f"data/parameters/generation.csv, column 'technology': no Table 25 costs for {technology!r}, the technology "
            f"of generator {generators['generator'].iloc[row]} (the case's generators.parquet, row {row}, column "
            f"'technology'); add rows for {', '.join(TECHNOLOGY_PARAMETERS)}"
        )
    return pd.DataFrame([vars(known[t]) for t in generators["technology"]])


def generator_cfs(case: Case, valuation: Valuation, parameter_set: ParameterSet = "study") -> pd.DataFrame:
    """Every generator's CFS (Table 24), one row per generator.

    Parameters
    ----------
    case : a validated case with its generators (:func:`dsot.cases.read_case`).
    valuation : the case's valuation (:func:`dsot.valuation.value_case`), whose DSO
        statements pay the capacity (``peak_capacity``) and reserves (``iso_reserves``).
    parameter_set : ``printed`` or ``study``.

    Returns
    -------
    Columns generator, name, dso, technology, capacity_mw, energy_mwh, then one column per
    line of ``data/cfs/generator_lines.csv`` in $K/yr (capital_expenses, operating_expenses,
    fixed_costs, variable_costs, fuel_and_variable_om, startup_costs, revenues,
    energy_sales, ancillary_service_sales, capacity_sales, balance).

    Notes
    -----
    Capacity payments go to every generator by nameplate, wind and solar nameplate
    multiplied by their capacity credits; ancillary-service payments by annual energy,
    none to wind or solar (Section 6.1.3.2).  Both sum exactly to what the DSOs pay.
    """
    _check_valuation(case, valuation)
    params = load_bulk_parameters(parameter_set)
    series = generator_series(case)
    gens = series.generators
    tech = technology_inputs(params, gens)
    capacity = gens["capacity_mw"].to_numpy(dtype=np.float64)
    energy = generator_energy_mwh(series.output_mw)
    variable = generator_variable_cost_kusd(series.output_mw, gens["variable_cost_usd_per_mwh"].to_numpy(dtype=np.float64))
    startup = generator_startup_cost_kusd(series.starts_count, gens["cost_per_start_usd"].to_numpy(dtype=np.float64))
    eligible = tech["ancillary_service_eligible"].to_numpy(dtype=float)
    capacity_paid = dso_line_total_kusd(valuation.statements, "peak_capacity")
    reserves_paid = dso_line_total_kusd(valuation.statements, "iso_reserves")
    leaves = {
        "capital_expenses": generator_capital_expense_kusd(
            generator_capital_cost_kusd(tech["overnight_capital_cost_usd_per_kw"], capacity), params.generation_accf_frac
        ),
        "fixed_costs": generator_fixed_om_kusd(tech["fixed_om_usd_per_kw_yr"], capacity),
        "fuel_and_variable_om": variable,
        "startup_costs": startup,
        "energy_sales": generator_energy_revenue_kusd(series.output_mw, series.node_lmp_usd_per_mwh),
        "ancillary_service_sales": prorated_kusd(reserves_paid, energy * eligible),
        "capacity_sales": prorated_kusd(capacity_paid, capacity_weights_mw(capacity, tech["capacity_credit_frac"])),
    }
    lines = statement_lines("generator")
    values = _rolled_up(lines, leaves)
    values["variable_costs"] = generator_production_cost_kusd(variable, startup)  # Eq. 68, the same sum
    out = gens[["generator", "name", "dso", "technology", "capacity_mw"]].assign(energy_mwh=energy)
    return out.assign(**{line: values[line] for line in lines["line"]})


def generator_cfs_totals(frame: pd.DataFrame, by: str | Sequence[str] | None = None) -> pd.DataFrame:
    """Generator CFSs summed (over all generators, or by ``by``) in line-tree form.

    Parameters
    ----------
    frame : :func:`generator_cfs`.
    by : column(s) of ``frame`` to group by, e.g. ``"technology"``; ``None`` for the fleet.

    Returns
    -------
    Columns ``by`` (if any), line, label, level, parent, cash_flow_kusd_per_yr; one block
    of Table 24 lines per group, groups in order of first appearance.
    """
    lines = statement_lines("generator")
    columns = lines["line"].tolist()
    keys = [by] if isinstance(by, str) else list(by or [])
    sums = frame.groupby(keys, sort=False)[columns].sum() if keys else frame[columns].sum().to_frame().T
    blocks = []
    for group, row in sums.iterrows():
        block = lines[["line", "label", "level", "parent"]].assign(cash_flow_kusd_per_yr=row[columns].to_numpy(dtype=float))
        values = group if isinstance(group, tuple) else (group,)
        for key, value in zip(keys, values, strict=False):
            block.insert(keys.index(key), key, value)
        blocks.append(block)
    return pd.concat(blocks, ignore_index=True)


def generator_cfs_wide(frame: pd.DataFrame, by: str = "technology") -> pd.DataFrame:
    """Table 24 with one column per group (e.g. technology) and a ``total`` column [$K/yr].

    Columns: line, label, level, parent, one per value of ``by`` (first-appearance order), total.
    """
    totals = generator_cfs_totals(frame, by)
    wide = totals.pivot(index="line", columns=by, values="cash_flow_kusd_per_yr")
    fleet = generator_cfs_totals(frame).set_index("line")
    out = fleet[["label", "level", "parent"]].join(wide[list(dict.fromkeys(totals[by]))])
    return out.assign(total=fleet["cash_flow_kusd_per_yr"]).reset_index()


def generator_revenue_allocation(frame: pd.DataFrame, by: str | None = "technology") -> pd.DataFrame:
    """Where the generators' revenue goes in the system cost summary (Section 6.1, Figure 3).

    Revenue is allocated to capital, fixed costs, fuel and variable O&M and startup in
    proportion to their value; revenue beyond the costs (profit) is added to the fixed
    costs (:func:`revenue_allocation_kusd`).  The rule is applied to each group's totals.

    Parameters
    ----------
    frame : :func:`generator_cfs`.
    by : column to group by, or ``None`` for the whole fleet.

    Returns
    -------
    Columns ``by`` (if any), revenues, capital_expenses, fixed_costs, fuel_and_variable_om,
    startup_costs (the revenue flowing to each; they sum to revenues) and profit (the
    part of fixed_costs that is profit) [$K/yr]
    """
    columns = [*COST_LINES, "revenues"]
    sums = frame.groupby(by, sort=False)[columns].sum() if by else frame[columns].sum().to_frame().T
    costs = sums[list(COST_LINES)].to_numpy(dtype=float)
    revenue = sums["revenues"].to_numpy(dtype=float)
    allocated = revenue_allocation_kusd(revenue, costs, COST_LINES.index(SURPLUS_LINE))
    out = pd.DataFrame(allocated, columns=list(COST_LINES), index=sums.index)
    out.insert(0, "revenues", revenue)
    out["profit"] = np.maximum(revenue - costs.sum(axis=1), 0.0)
    return out.reset_index() if by else out.reset_index(drop=True)


def cost_revenue_by_technology(frames: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Generator cost and revenue leaves by technology for charts, one frame per case [M$/yr].

    Parameters
    ----------
    frames : case label -> :func:`generator_cfs`.

    Returns
    -------
    Columns case, technology, side (``Costs`` or ``Revenues``), item (line label), value_musd_per_yr
    """
    labels = statement_lines("generator").set_index("line")["label"]
    rows = []
    for case_label, frame in frames.items():
        sums = frame.groupby("technology", sort=False)[[*COST_LINES, *REVENUE_LINES]].sum()
        for technology, row in sums.iterrows():
            for side, items in (("Costs", COST_LINES), ("Revenues", REVENUE_LINES)):
                rows += [
                    {
                        "case": case_label,
                        "technology": str(technology).replace("_", " "),
                        "side": side,
                        "item": labels[item],
                        "value_musd_per_yr": float(row[item]) / 1000.0,
                    }
                    for item in items
                ]
    return pd.DataFrame(rows)


def transmission_owner_cfs(
    case: Case, valuation: Valuation, parameter_set: ParameterSet = "study", bau: Case | None = None
) -> pd.DataFrame:
    """The transmission owner's CFS (Table 26) in line-tree form.

    Parameters
    ----------
    case : the case.
    valuation : its valuation; the DSOs' ``transmission_access`` lines are the revenue.
    parameter_set : ``printed`` or ``study``.
    bau : the case's BAU case (required for a transactive case; ``None`` for a BAU case).

    Returns
    -------
    Columns line, label, level, parent, cash_flow_kusd_per_yr (lines of
    ``data/cfs/transmission_owner_lines.csv``)

    Notes
    -----
    Capital (Eq. 72) is that of the case: the study's 169 $/kW applies to the case's own
    system peak, consistent with the credit the DSOs of a transactive case get for the
    transmission capital their peak reduction avoids.  Operating expenses are Eq. (74)
    in the BAU case: its fee revenue (Eq. 73) less its capital.  So the BAU balance is
    zero and a transactive case's balance is what the fixed postage stamp rate gains or
    loses.
    """
    _check_valuation(case, valuation)
    params = load_bulk_parameters(parameter_set)
    reference = _reference(case, bau)

    def capital(of: Case) -> float:
        cost = transmission_capital_cost_kusd(
            params.transmission_capital_basis,
            params.transmission_capital_total_usd,
            params.transmission_capital_usd_per_kw,
            system_peak_mw(of),
        )
        return transmission_capital_expense_kusd(cost, params.accf_transmission_frac)

    revenue = dso_line_total_kusd(valuation.statements, "transmission_access")
    if reference is case:
        reference_revenue, reference_capital = revenue, capital(case)
    else:
        reference_revenue = transmission_owner_revenue_kusd(params.transmission_rate_usd_per_mwh, delivered_energy_mwh(reference))
        reference_capital = capital(reference)
    leaves = {
        "capital_expenses": capital(case),
        "operating_expenses": transmission_operating_expense_kusd(reference_revenue, reference_capital),
        "revenues": revenue,
    }
    return _statement(statement_lines("transmission_owner"), leaves)


def iso_fees(case: Case, valuation: Valuation, parameter_set: ParameterSet = "study", bau: Case | None = None) -> pd.DataFrame:
    """The ISO fee of a case: charged by the DSO statements and re-solved by Eq. (76).

    Returns
    -------
    One row: case_id, scenario, energy_mwh, reference_energy_mwh, cost_increase_frac,
    costs_kusd (Eq. 75), fees_paid_kusd (the DSOs' ``iso_fees`` lines),
    fee_charged_usd_per_mwh (fees paid / energy), fee_resolved_usd_per_mwh (Eq. 76) and
    fees_at_resolved_fee_kusd (the resolved fee times the energy)
    """
    _check_valuation(case, valuation)
    params = load_bulk_parameters(parameter_set)
    reference = _reference(case, bau)
    energy, reference_energy = delivered_energy_mwh(case), delivered_energy_mwh(reference)
    increase = _cost_increase(params, case)
    costs = iso_costs_kusd(params.iso_reference_fee_usd_per_mwh, reference_energy, increase)
    paid = dso_line_total_kusd(valuation.statements, "iso_fees")
    fee = iso_fee_rate_usd_per_mwh(costs, energy, increase, params.iso_fee_reading)
    row = {
        "case_id": case.metadata.case_id,
        "scenario": case.metadata.scenario,
        "energy_mwh": energy,
        "reference_energy_mwh": reference_energy,
        "cost_increase_frac": increase,
        "costs_kusd": costs,
        "fees_paid_kusd": paid,
        "fee_charged_usd_per_mwh": paid * 1000.0 / energy,
        "fee_resolved_usd_per_mwh": fee,
        "fees_at_resolved_fee_kusd": fee * energy / 1000.0,
    }
    return pd.DataFrame([row])


def _cost_increase(params: BulkParameters, case: Case) -> float:
    scenario = case.metadata.scenario
    if scenario not in params.iso_cost_increase_frac:
        raise ParameterError(f"data/parameters/generation.csv, column 'scenario': no iso_cost_increase row for {scenario!r}")
    return params.iso_cost_increase_frac[scenario]


def iso_cfs(case: Case, valuation: Valuation, parameter_set: ParameterSet = "study", bau: Case | None = None) -> pd.DataFrame:
    """The ISO's CFS (Table 27) in line-tree form.

    Expenses are Eq. (75) on the BAU case's energy (``bau``; the case itself if it is
    BAU); revenue is what the DSOs' statements pay as ISO fees.  The balance is zero when
    the DSOs pay the fee of Eq. (76); where they pay the reference fee on a changed
    energy (the study's battery case), it shows the ISO's surplus or shortfall.

    Returns
    -------
    Columns line, label, level, parent, cash_flow_kusd_per_yr (lines of ``data/cfs/iso_lines.csv``)
    """
    fees = iso_fees(case, valuation, parameter_set, bau).iloc[0]
    leaves = {"expenses": float(fees["costs_kusd"]), "revenues": float(fees["fees_paid_kusd"])}
    return _statement(statement_lines("iso"), leaves)


PAYMENT_FLOWS = {
    "capacity": (("peak_capacity",), "capacity_sales"),
    "ancillary services": (("iso_reserves",), "ancillary_service_sales"),
    "energy": (("day_ahead_energy", "real_time_energy", "bilateral_energy"), "energy_sales"),
}
"""What the DSOs pay (their Table 21 lines) and the generator line that receives it."""


def dso_payments_to_generators(valuation: Valuation, generators: pd.DataFrame) -> pd.DataFrame:
    """The DSOs' payments to the generation fleet beside what the generators' statements receive [$K/yr].

    Capacity and ancillary services are prorated from the DSOs' lines, so they match to
    rounding.  Energy does not: the DSOs buy part of it by bilateral contract and day-ahead
    (Eqs. 9-11) while the generators sell all of it at the real-time LMP of their own node
    (Eq. 71); the difference is settled inside the wholesale market (congestion rents,
    contract settlements), for which the report has no statement.

    Returns
    -------
    Columns flow, paid_by_dsos_kusd, received_by_generators_kusd, difference_kusd (received - paid)
    """
    rows = []
    for flow, (dso_lines, generator_line) in PAYMENT_FLOWS.items():
        paid = sum(dso_line_total_kusd(valuation.statements, line) for line in dso_lines)
        received = float(generators[generator_line].sum())
        rows.append({"flow": flow, "paid_by_dsos_kusd": paid, "received_by_generators_kusd": received})
    out = pd.DataFrame(rows)
    return out.assign(difference_kusd=out["received_by_generators_kusd"] - out["paid_by_dsos_kusd"])


def statements_side_by_side(statements: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Several statements of one line tree as columns: line, label, level, parent, then one column per key [$K/yr]."""
    frames = list(statements.values())
    out = frames[0][["line", "label", "level", "parent"]].copy()
    for key, frame in statements.items():
        if frame["line"].tolist() != out["line"].tolist():
            raise ValueError(f"statement {key!r} has other lines than {next(iter(statements))!r}")
        out[key] = frame["cash_flow_kusd_per_yr"].to_numpy()
    return out
