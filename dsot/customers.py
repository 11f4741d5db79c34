r"""Section 5 of PNNL-32170-4: the customer cash-flow statement (Tables 1 and 22).

A customer's CFS has four categories (Table 22): the electricity bill :math:`E` (Section
4.1, taken from :mod:`dsot.valuation`), the levelized capital and installation costs of
its assets :math:`C` (Section 5.1, Eqs. 62-66), revenues :math:`R` (Section 5.2) and the
taxes :math:`T` it pays because a lower bill is a smaller deduction (Section 5.3, Table
23).  The balance is :math:`B = E + C + T - R`.

Readings where the report is silent (each also in ``data/parameters/customer_assets.csv``
and in the book's Chapter 5):

* **What is bought in which case.**  Flexible-asset *controls* (smart thermostats, water
  heater controllers, smart EVSE) exist only to participate, so they are costed for
  participating customers whose case flags the device; nobody buys them in BAU.  The case
  format flags thermostats and water heaters but not EV chargers, which appear in every
  case as plain chargers: a participating customer's charger is costed as smart only in a
  flexible-load case (:data:`EV_RESPONDING_KINDS`); in the battery case the battery is
  the responding asset.  Batteries are costed wherever the case has one (only the battery
  case does); rooftop PV wherever present, in BAU too ("the base cases assume a level of
  PV is present").
* **Revenues** (Section 5.2 calls them "the portion of household or business income that
  is allocated to electricity-related purchases" and the benefit "the decreased
  electricity payments").  Here :math:`R1` is the customer's BAU electricity outlay:
  its BAU bill plus its PV cost (the PV is the same in both cases) plus its BAU taxes
  (zero).  Then :math:`B` is the change in the customer's electricity outlay against BAU
  (zero in BAU; negative when the customer saves) and :math:`-B` is the benefit the report
  describes.
* **Taxes** (Section 5.3): :math:`T1 = d_{bt}\,(E_{BAU} - E)` for commercial customers,
  with :math:`d_{bt}` the building type's weighted-average deduction of Table 23; zero for
  residential and industrial customers and in BAU.
* **ACCFs**: Tables 3 and 4 as printed, by residential customer type or commercial
  building type (:func:`dsot.accf.customer_accfs`); the study typed them in as constants.
  Commercial water heater and EV controls, for which Table 4 has no row, take the
  building type's smart-thermostat ACCF.  ``customer_accf_basis =
  owner_and_construction`` uses Appendix A for each customer's owner type and
  construction instead (:func:`dsot.accf.customer_corner_accfs`).

Line columns of :func:`customer_cfs` are named by their Table 1/22 codes (``E``, ``C1a``,
...); all are in USD per customer-year.  Totals (:func:`customer_cfs_totals`) are in
$K/yr, the unit of Table 22.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

from dsot import accf
from dsot.cases.reader import Case
from dsot.cases.schema import CaseError
from dsot.params import ParameterError, ParameterSet, data_dir, load_parameters, parameter_text, parameter_value, read_csv_strict
from dsot.registry import equation
from dsot.valuation import Valuation, annual_bills
from dsot.vocab import COMMERCIAL_BUILDING_TYPES, COMMERCIAL_OCCUPANTS

FloatArray = npt.NDArray[np.float64]
Number = float | FloatArray

CUSTOMER_FILE = "customers.parquet"
PARAMETER_FILE = "data/parameters/customer_assets.csv"

EV_RESPONDING_KINDS = ("transactive-flexible-loads",)
"""Case kinds in which a participating customer's EV charger responds (and is costed as a smart EVSE, Eq. 65)."""

ASSET_LINES = ("C1a", "C1b", "C1c", "C1d", "C1e", "C2")
"""Table 22's asset lines: residential HVAC, water heater, commercial HVAC, battery, EV charging controls, PV."""

LEAF_LINES = ("E1a", "E1b", "E1c", "E2a", "E2b", "E2c", "E2d", "E2e", *ASSET_LINES, "R1", "T1")
"""Lines computed per customer; every other line is the sum of its children (``B`` the balance)."""

ACCF_ASSETS = {
    "hvac_unitary": "Smart thermostat marginal",
    "hvac_large": "Smart large HVAC marginal",
    "water_heater": "Smart water heater marginal",
    "battery": "Battery total",
    "ev_charger": "Smart EV charger marginal",
    "pv": "PV total",
}
"""The Table 3/4 asset row each customer asset takes its ACCF from."""

COMMERCIAL_FALLBACK_ASSET = "Smart thermostat marginal"
"""Table 4 has no water heater or EV charger rows: commercial controls take the smart-thermostat ACCF."""

TRADES = ("hvac", "water_heater", "ev_charger")

CUSTOMER_COLUMNS = ("customer", "dso", "customer_class", "building_type", "owner_type", "construction", "rate_plan")
"""Key columns of :func:`customer_cfs`, followed by ``participating``, ``weight`` and the line codes."""


# --- the equations of Section 5.1 ---------------------------------------------------------------


def _array(name: str, values: npt.ArrayLike, *, upper: float | None = None) -> FloatArray:
    out = np.asarray(values, dtype=np.float64)
    if not np.all(np.isfinite(out)):
        raise ValueError(f"{name} must be finite")
    if np.any(out < 0):
        raise ValueError(f"{name} must not be negative")
    if upper is not None and np.any(out > upper):
        raise ValueError(f"{name} must be at most {upper:g}")
    return out


def _number(values: FloatArray) -> Number:
    return float(values) if values.ndim == 0 else values


@equation(62, section="5.1.1")
def hvac_controls_cost_usd_per_yr(
    zones: npt.ArrayLike,
    accf_frac: npt.ArrayLike,
    price_usd: npt.ArrayLike,
    install_capital_usd: npt.ArrayLike,
    install_time_hr: npt.ArrayLike,
    labor_usd_per_hr: npt.ArrayLike,
) -> Number:
    r"""Annual cost of making a customer's HVAC transactive (smart thermostats or commercial controls).

    Eq. (62): $$Zones \cdot ACCF \cdot (Price + InstallCapital + InstallTime \cdot Labor)$$

    The same equation serves residential and commercial customers; for large commercial
    HVAC systems the cost per zone stands for a control engineer's reprogramming
    (Section 5.1.1).  Every argument may be an array (one value per customer).

    Parameters
    ----------
    zones : :math:`Zones`, HVAC zones (thermostats) of the building. [count]
    accf_frac : :math:`ACCF` of the customer type and asset (Tables 3-4). [1/yr]
    price_usd : :math:`Price`, extra price of a smart thermostat over a standard one. [USD]
    install_capital_usd : :math:`InstallCapital`, extra installation materials. [USD]
    install_time_hr : :math:`InstallTime`, extra installation labour. [hr]
    labor_usd_per_hr : :math:`Labor`, fully burdened hourly labour cost. [USD/hr]

    Returns
    -------
    Annual levelized cost [USD/yr].

    >>> round(hvac_controls_cost_usd_per_yr(1, 0.0823, 154.90, 13.0, 0.7, 22.60), 6)  # 1 x 8.23% x 183.72
    15.120156
    """
    z = _array("zones", zones)
    a = _array("accf_frac", accf_frac, upper=1.0)
    cost = _array("price_usd", price_usd) + _array("install_capital_usd", install_capital_usd)
    labour = _array("install_time_hr", install_time_hr) * _array("labor_usd_per_hr", labor_usd_per_hr)
    return _number(z * (a * (cost + labour)))


@equation(63, section="5.1.2")
def water_heater_controls_cost_usd_per_yr(
    accf_frac: npt.ArrayLike, price_usd: npt.ArrayLike, install_time_hr: npt.ArrayLike, labor_usd_per_hr: npt.ArrayLike
) -> Number:
    r"""Annual cost of equipping a water heater to participate (controller and mixing valve).

    Eq. (63): $$ACCF \cdot (Price + InstallTime \cdot LaborCost)$$

    Parameters
    ----------
    accf_frac : :math:`ACCF` of the customer type's smart water heater (Table 3). [1/yr]
    price_usd : :math:`Price`, controller plus mixing valve. [USD]
    install_time_hr : :math:`InstallTime`, hours to install them. [hr]
    labor_usd_per_hr : :math:`LaborCost`, fully burdened hourly cost of a plumber. [USD/hr]

    Returns
    -------
    Annual levelized cost [USD/yr].

    >>> round(water_heater_controls_cost_usd_per_yr(0.0823, 141.76 + 90.48, 3.0, 28.90), 6)  # 8.23% x 318.94
    26.248762
    """
    a = _array("accf_frac", accf_frac, upper=1.0)
    labour = _array("install_time_hr", install_time_hr) * _array("labor_usd_per_hr", labor_usd_per_hr)
    return _number(a * (_array("price_usd", price_usd) + labour))


@equation(64, section="5.1.3")
def battery_cost_usd_per_yr(
    accf_frac: npt.ArrayLike,
    installed_cost_usd_per_kwh: npt.ArrayLike,
    rated_size_kwh: npt.ArrayLike,
    variable_om_usd_per_kwh: npt.ArrayLike,
    fixed_om_usd_per_yr: npt.ArrayLike,
    *,
    variable_om_kwh_per_yr: npt.ArrayLike | None = None,
    om_outside_accf: bool = False,
) -> Number:
    r"""Annual cost of a customer battery: first cost levelized, plus O&M.

    Eq. (64): $$ACCF \cdot (InstalledCost \cdot \text{Rated Size} + \text{Variable O\&M} \cdot \text{Rated Size}
    + \text{Fixed O\&M})$$

    As printed, the O&M terms sit inside the ACCF product and variable O&M multiplies the
    rated size.  The study's reading adds them as annual expenses,
    :math:`ACCF \cdot InstalledCost \cdot \text{Rated Size} + \text{Variable O\&M} \cdot Q_{yr}
    + \text{Fixed O\&M}`, where :math:`Q_{yr}` (``variable_om_kwh_per_yr``) is the energy
    cycled in a year.

    Parameters
    ----------
    accf_frac : :math:`ACCF`, the customer type's "Battery total" (Tables 3-4). [1/yr]
    installed_cost_usd_per_kwh : :math:`InstalledCost`. [USD/kWh]
    rated_size_kwh : :math:`\text{Rated Size}`, the battery's energy. [kWh]
    variable_om_usd_per_kwh : :math:`\text{Variable O\&M}`. [USD/kWh]
    fixed_om_usd_per_yr : :math:`\text{Fixed O\&M}`, per battery. [USD/yr]
    variable_om_kwh_per_yr : what variable O&M multiplies; the rated size when omitted
        (as printed). [kWh/yr]
    om_outside_accf : add O&M outside the ACCF product (the study's reading).

    Returns
    -------
    Annual cost [USD/yr].

    >>> round(battery_cost_usd_per_yr(0.0919, 83.0, 13.5, 0.0003, 9.56), 6)  # 9.19% x (1120.5 + 0.00405 + 9.56)
    103.852886
    >>> round(battery_cost_usd_per_yr(0.0919, 83.0, 13.5, 0.0003, 9.56, variable_om_kwh_per_yr=13.5 * 365,
    ...                               om_outside_accf=True), 6)  # 102.97395 + 1.47825 + 9.56
    114.0122
    """
    a = _array("accf_frac", accf_frac, upper=1.0)
    size = _array("rated_size_kwh", rated_size_kwh)
    first = _array("installed_cost_usd_per_kwh", installed_cost_usd_per_kwh) * size
    basis = size if variable_om_kwh_per_yr is None else _array("variable_om_kwh_per_yr", variable_om_kwh_per_yr)
    om = _array("variable_om_usd_per_kwh", variable_om_usd_per_kwh) * basis + _array("fixed_om_usd_per_yr", fixed_om_usd_per_yr)
    return _number(a * first + om if om_outside_accf else a * (first + om))


@equation(65, section="5.1.4")
def ev_charger_controls_cost_usd_per_yr(
    accf_frac: npt.ArrayLike,
    price_usd: npt.ArrayLike,
    install_capital_usd: npt.ArrayLike,
    install_time_hr: npt.ArrayLike,
    labor_usd_per_hr: npt.ArrayLike,
) -> Number:
    r"""Annual cost of a smart EVSE over a standard one.

    Eq. (65): $$ACCF \cdot (Price + InstallCapital + InstallTime \cdot Labor)$$

    Parameters
    ----------
    accf_frac : :math:`ACCF`, "Smart EV charger marginal" (Table 3). [1/yr]
    price_usd : :math:`Price`, extra price of a smart EVSE. [USD]
    install_capital_usd : :math:`InstallCapital`, extra installation capital (zero in the study). [USD]
    install_time_hr : :math:`InstallTime`, extra installation hours (zero in the study). [hr]
    labor_usd_per_hr : :math:`Labor`, fully burdened hourly cost of an electrician. [USD/hr]

    Returns
    -------
    Annual levelized cost [USD/yr].

    >>> round(ev_charger_controls_cost_usd_per_yr(0.0866, 254.0, 0.0, 0.0, 30.97), 6)
    21.9964
    """
    a = _array("accf_frac", accf_frac, upper=1.0)
    cost = _array("price_usd", price_usd) + _array("install_capital_usd", install_capital_usd)
    labour = _array("install_time_hr", install_time_hr) * _array("labor_usd_per_hr", labor_usd_per_hr)
    return _number(a * (cost + labour))


@equation(66, section="5.1.5")
def pv_cost_usd_per_yr(
    accf_frac: npt.ArrayLike,
    installed_price_usd_per_kw: npt.ArrayLike,
    rated_size_kw: npt.ArrayLike,
    om_usd_per_yr: npt.ArrayLike,
    *,
    om_outside_accf: bool = False,
) -> Number:
    r"""Annual cost of a rooftop PV system: first cost levelized, plus O&M.

    Eq. (66): $$ACCF \cdot (\text{Installed Price} \cdot \text{Rated Size} + \text{O\&M})$$

    As printed, O&M sits inside the ACCF product; the text describes it as "an annual
    operating expense" beside the levelized first cost, which ``om_outside_accf`` selects.

    Parameters
    ----------
    accf_frac : :math:`ACCF`, "PV total" of the customer type (Tables 3-4). [1/yr]
    installed_price_usd_per_kw : :math:`\text{Installed Price}` of the system's size bin. [USD/kW]
    rated_size_kw : :math:`\text{Rated Size}`. [kW]
    om_usd_per_yr : :math:`\text{O\&M}`, the system's annual O&M. [USD/yr]
    om_outside_accf : add O&M outside the ACCF product.

    Returns
    -------
    Annual cost [USD/yr].

    >>> round(pv_cost_usd_per_yr(0.0965, 3609.5, 5.0, 23.5 * 5.0), 6)  # 9.65% x (18047.5 + 117.5)
    1752.9225
    """
    a = _array("accf_frac", accf_frac, upper=1.0)
    first = _array("installed_price_usd_per_kw", installed_price_usd_per_kw) * _array("rated_size_kw", rated_size_kw)
    om = _array("om_usd_per_yr", om_usd_per_yr)
    return _number(a * first + om if om_outside_accf else a * (first + om))


# --- inputs of the equations ----------------------------------------------------------------------


def burdened_labor_rate_usd_per_hr(hourly_wage_usd_per_hr: npt.ArrayLike, compensation_ratio_frac: float) -> Number:
    """Fully burdened installation labour cost: the wage over its share of total compensation (Section 5.1).

    "Texas hourly wage data were divided by 0.7 to get the hourly installation labor costs".

    >>> round(burdened_labor_rate_usd_per_hr(20.23, 0.7), 9)  # the plumber of Section 5.1.2
    28.9
    """
    if not 0.0 < compensation_ratio_frac <= 1.0:
        raise ValueError("compensation_ratio_frac must be in (0, 1]")
    return _number(_array("hourly_wage_usd_per_hr", hourly_wage_usd_per_hr) / compensation_ratio_frac)


def hvac_zones(floor_area_sqft: npt.ArrayLike, zone_area_sqft: float, *, whole: bool) -> Number:
    r"""HVAC zones (thermostats) of a building from its floor area (Section 5.1.1).

    ``whole``: thermostats are bought whole, :math:`\max(1, \lceil A / A_{zone} \rceil)`;
    otherwise the plain ratio :math:`A / A_{zone}` (the study's commercial reading).

    >>> hvac_zones([1_800.0, 2_500.0, 2_600.0], 2_500.0, whole=True).tolist()
    [1.0, 1.0, 2.0]
    >>> hvac_zones(33_420.0, 2_500.0, whole=False)
    13.368
    """
    if zone_area_sqft <= 0:
        raise ValueError("zone_area_sqft must be positive")
    ratio = _array("floor_area_sqft", floor_area_sqft) / zone_area_sqft
    return _number(np.maximum(1.0, np.ceil(ratio)) if whole else ratio)


def pv_installed_price_usd_per_kw(
    rated_size_kw: npt.ArrayLike, bin_max_kw: Sequence[float], prices_usd_per_kw: Sequence[float]
) -> Number:
    """Installed PV price per kW from size bins closed above (the last bin open), Section 5.1.5.

    >>> pv_installed_price_usd_per_kw([3.0, 4.0, 5.0, 12.0], [4.0, 8.0], [4087.0, 3609.5, 3132.0]).tolist()
    [4087.0, 4087.0, 3609.5, 3132.0]
    """
    edges = np.asarray(bin_max_kw, dtype=np.float64)
    prices = np.asarray(prices_usd_per_kw, dtype=np.float64)
    if prices.size != edges.size + 1 or np.any(np.diff(edges) <= 0):
        raise ValueError("PV bins need increasing upper sizes and one more price than upper sizes")
    size = _array("rated_size_kw", rated_size_kw)
    return _number(prices[np.searchsorted(edges, size, side="left")])


def bill_tax_deduction_frac(
    business_share_frac: npt.ArrayLike,
    nonprofit_share_frac: npt.ArrayLike,
    business_deduction_frac: float,
    nonprofit_deduction_frac: float,
) -> Number:
    """A building type's occupancy-weighted electric bill tax deduction (Table 23, last column).

    >>> round(bill_tax_deduction_frac(0.75, 0.25, 0.28, 0.0), 9)  # Lodging: 21.0%
    0.21
    """
    business = _array("business_share_frac", business_share_frac, upper=1.0)
    nonprofit = _array("nonprofit_share_frac", nonprofit_share_frac, upper=1.0)
    if np.any(np.abs(business + nonprofit - 1.0) > 1e-9):
        raise ValueError("occupancy shares must sum to 1")
    return _number(business * business_deduction_frac + nonprofit * nonprofit_deduction_frac)


def tax_increase_usd_per_yr(deduction_frac: npt.ArrayLike, bau_bill_usd: npt.ArrayLike, case_bill_usd: npt.ArrayLike) -> Number:
    r"""Increase in tax from a reduced electric bill deduction, line T1 (Section 5.3).

    $$T1 = d\,(E_{BAU} - E)$$ with :math:`d` the deduction rate: positive when the bill
    falls, negative (a tax saving) when it rises.  Bills may be negative (net metering).

    >>> round(tax_increase_usd_per_yr(0.252, 10_000.0, 9_000.0), 6)
    252.0
    """
    d = _array("deduction_frac", deduction_frac, upper=1.0)
    return _number(d * (np.asarray(bau_bill_usd, dtype=np.float64) - np.asarray(case_bill_usd, dtype=np.float64)))


# --- parameters ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PVBins:
    """Installed PV prices of one customer class: upper sizes of the closed bins and one price per bin."""

    bin_max_kw: tuple[float, ...]
    prices_usd_per_kw: tuple[float, ...]


@dataclass(frozen=True)
class CustomerAssetParameters:
    """Section 5 inputs of one parameter set (``data/parameters/customer_assets.csv``)."""

    parameter_set: ParameterSet
    thermostat_price_usd: float
    thermostat_install_capital_usd: dict[str, float]
    """By customer class."""
    thermostat_install_time_hr: dict[str, float]
    """By customer class."""
    zone_area_sqft: dict[str, float]
    """By customer class."""
    whole_zones: dict[str, bool]
    """By customer class: zones rounded up to whole thermostats."""
    large_hvac_building_types: frozenset[str]
    labor_usd_per_hr: dict[str, float]
    """Fully burdened labour cost by asset (``hvac``, ``water_heater``, ``ev_charger``)."""
    water_heater_price_usd: float
    water_heater_install_time_hr: float
    battery_installed_cost_usd_per_kwh: float
    battery_fixed_om_usd_per_yr: float
    battery_variable_om_usd_per_kwh: float
    battery_om_on_throughput: bool
    battery_cycles_per_yr: float
    om_outside_accf: dict[str, bool]
    """By asset (``battery``, ``pv``)."""
    evse_price_usd: float
    evse_install_capital_usd: float
    evse_install_time_hr: float
    pv_bins: dict[str, PVBins]
    pv_om_usd_per_kw_yr: dict[str, float]
    pv_om_per_system: bool
    accf_keys: tuple[str, ...]
    """Customer columns that select an ACCF besides the asset: building type, or owner type and construction."""
    accf_lookup: dict[tuple[str, ...], float]
    """(*values of ``accf_keys``, Table 3/4 asset) -> ACCF [1/yr]."""
    tax_deduction_frac: dict[str, float]
    """Table 23's weighted-average bill deduction by commercial building type."""


def _fail(frame: pd.DataFrame, parameter: str, column: str, problem: str, **dims: str) -> ParameterError:
    rows = frame[frame["parameter"] == parameter]
    for key, value in dims.items():
        rows = rows[rows[key] == value]
    where = f", row {int(rows['row'].iloc[0])} (line {int(rows['row'].iloc[0]) + 1})" if len(rows) else ""
    path = Path(frame.attrs.get("path", PARAMETER_FILE))
    shown = path.relative_to(Path.cwd()) if path.is_absolute() and path.is_relative_to(Path.cwd()) else path
    return ParameterError(f"{shown}{where}, column {column!r}: {problem}")


def _pv_bins(frame: pd.DataFrame, customer_class: str) -> PVBins:
    mine = frame[frame["customer_class"] == customer_class]
    prices = mine[mine["parameter"] == "pv_installed_price"].sort_values("item")
    edges = mine[mine["parameter"] == "pv_bin_max_size"].sort_values("item")
    if len(prices) != len(edges) + 1 or list(edges["item"]) != list(prices["item"])[:-1]:
        raise _fail(
            frame, "pv_installed_price", "item",
            f"{customer_class} PV bins need one price per bin and an upper size for every bin but the last",
            customer_class=customer_class,
        )  # fmt: skip
    sizes = [float(v) for v in edges["value"]]
    for item, previous, size in zip(list(edges["item"])[1:], sizes, sizes[1:], strict=False):
        if size <= previous:
            raise _fail(
                frame, "pv_bin_max_size", "value", "bin upper sizes must increase", customer_class=customer_class, item=item
            )
    return PVBins(tuple(sizes), tuple(float(v) for v in prices["value"]))


def _table23(frame: pd.DataFrame) -> pd.DataFrame:
    rates = {o: parameter_value(frame, "bill_tax_deduction", item=o) for o in COMMERCIAL_OCCUPANTS}
    rows = []
    for building in COMMERCIAL_BUILDING_TYPES:
        business = parameter_value(frame, "business_occupancy_share", item=building)
        nonprofit = parameter_value(frame, "nonprofit_occupancy_share", item=building)
        if abs(business + nonprofit - 1.0) > 1e-9:
            raise _fail(
                frame, "nonprofit_occupancy_share", "value",
                f"occupancy shares of {building!r} sum to {100 * (business + nonprofit):g}%, not 100%", item=building,
            )  # fmt: skip
        rows.append(
            {
                "building_type": building,
                "business_occupancy_frac": business,
                "nonprofit_occupancy_frac": nonprofit,
                "business_deduction_frac": rates["Business"],
                "nonprofit_deduction_frac": rates["Public/nonprofit"],
                "weighted_deduction_frac": float(bill_tax_deduction_frac(business, nonprofit, *rates.values())),
            }
        )
    return pd.DataFrame(rows)


def _large_hvac(frame: pd.DataFrame) -> frozenset[str]:
    systems = {b: parameter_text(frame, "hvac_system", item=b) for b in COMMERCIAL_BUILDING_TYPES}
    return frozenset(b for b, s in systems.items() if s == "large")


def _accf_table(
    frame: pd.DataFrame, parameter_set: ParameterSet, basis: str | None
) -> tuple[tuple[str, ...], dict[tuple[str, ...], float]]:
    if (basis or parameter_text(frame, "customer_accf_basis")) == "published_by_type":
        table = accf.customer_accfs()
        return ("building_type",), {
            (str(t), str(a)): float(v) for t, a, v in zip(table["customer_type"], table["asset"], table["accf_frac"], strict=True)
        }
    corners = accf.customer_corner_accfs(accf.load_accf_inputs(parameter_set))
    lookup: dict[tuple[str, ...], float] = {
        (str(o), str(c), str(a)): float(v)
        for o, c, a, v in zip(corners["occupant"], corners["construction"], corners["asset"], corners["accf_frac"], strict=True)
    }
    return ("owner_type", "construction"), lookup


def load_customer_asset_parameters(
    parameter_set: ParameterSet = "study", data: Path | None = None, *, accf_basis: str | None = None
) -> CustomerAssetParameters:
    """Load and check the Section 5 inputs of a parameter set; errors name the file, row and column.

    ``accf_basis`` overrides the file's ``customer_accf_basis`` (``published_by_type`` or
    ``owner_and_construction``).
    """
    if accf_basis not in (None, "published_by_type", "owner_and_construction"):
        raise ValueError(f"unknown accf_basis {accf_basis!r}")
    frame = load_parameters("customer_assets", parameter_set, data)

    def value(name: str, **dims: str) -> float:
        return parameter_value(frame, name, **dims)

    classes = ("residential", "commercial")
    ratio = value("compensation_ratio")
    wages = {t: value("hourly_wage", item=parameter_text(frame, "install_trade", item=t)) for t in TRADES}
    keys, lookup = _accf_table(frame, parameter_set, accf_basis)
    return CustomerAssetParameters(
        parameter_set=parameter_set,
        thermostat_price_usd=value("thermostat_price"),
        thermostat_install_capital_usd={c: value("thermostat_install_capital", customer_class=c) for c in classes},
        thermostat_install_time_hr={c: value("thermostat_install_time", customer_class=c) for c in classes},
        zone_area_sqft={c: value("hvac_zone_area", customer_class=c) for c in classes},
        whole_zones={c: parameter_text(frame, "hvac_zone_rounding", customer_class=c) == "whole" for c in classes},
        large_hvac_building_types=_large_hvac(frame),
        labor_usd_per_hr={t: float(burdened_labor_rate_usd_per_hr(w, ratio)) for t, w in wages.items()},
        water_heater_price_usd=value("water_heater_controller_price") + value("mixing_valve_price"),
        water_heater_install_time_hr=value("water_heater_install_time"),
        battery_installed_cost_usd_per_kwh=value("battery_installed_cost"),
        battery_fixed_om_usd_per_yr=value("battery_fixed_om"),
        battery_variable_om_usd_per_kwh=value("battery_variable_om"),
        battery_om_on_throughput=parameter_text(frame, "battery_variable_om_basis") == "throughput",
        battery_cycles_per_yr=value("battery_cycles"),
        om_outside_accf={a: parameter_text(frame, "om_placement", item=a) == "outside_accf" for a in ("battery", "pv")},
        evse_price_usd=value("evse_price"),
        evse_install_capital_usd=value("evse_install_capital"),
        evse_install_time_hr=value("evse_install_time"),
        pv_bins={c: _pv_bins(frame, c) for c in classes},
        pv_om_usd_per_kw_yr={c: value("pv_om", customer_class=c) for c in classes},
        pv_om_per_system=parameter_text(frame, "pv_om_basis") == "per_system",
        accf_keys=keys,
        accf_lookup=lookup,
        tax_deduction_frac=_table23(frame).set_index("building_type")["weighted_deduction_frac"].to_dict(),
    )


def table23(data: Path | None = None) -> pd.DataFrame:
    """Table 23 from its inputs: occupancy shares, deductions and the weighted average by building type.

    The inputs are the same in both parameter sets.  Columns: building_type,
    business_occupancy_frac, nonprofit_occupancy_frac, business_deduction_frac,
    nonprofit_deduction_frac, weighted_deduction_frac.
    """
    return _table23(load_parameters("customer_assets", "study", data))


# --- asset costs of each customer (Section 5.1) ----------------------------------------------------------


def _accf(customers: pd.DataFrame, params: CustomerAssetParameters, assets: np.ndarray, needed: np.ndarray) -> FloatArray:
    """The ACCF of ``assets`` (a Table 3/4 asset name per customer) where ``needed``; NaN elsewhere."""
    out = np.full(len(customers), np.nan)
    keys = [customers[k].astype(str).to_numpy() for k in params.accf_keys]
    for i in np.flatnonzero(needed):
        key = (*(k[i] for k in keys), str(assets[i]))
        if key not in params.accf_lookup:
            column = params.accf_keys[0]
            raise CaseError(CUSTOMER_FILE, column, (int(i),), f"no customer ACCF for {' / '.join(key)} (Tables 3-4)")
        out[i] = params.accf_lookup[key]
    return out


def _classes(customers: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    cls = customers["customer_class"].astype(str).to_numpy()
    bad = np.flatnonzero(~np.isin(cls, ("residential", "commercial")))
    if bad.size:
        raise CaseError(CUSTOMER_FILE, "customer_class", tuple(int(i) for i in bad[:5]), "must be residential or commercial")
    return cls == "residential", cls == "commercial"


def _by_class(residential: np.ndarray, values: dict[str, float]) -> FloatArray:
    return np.where(residential, values["residential"], values["commercial"])


def _hvac(customers: pd.DataFrame, params: CustomerAssetParameters, residential: np.ndarray, own: np.ndarray) -> FloatArray:
    area = customers["floor_area_sqft"].to_numpy(dtype=np.float64)
    zones = np.where(
        residential,
        hvac_zones(area, params.zone_area_sqft["residential"], whole=params.whole_zones["residential"]),
        hvac_zones(area, params.zone_area_sqft["commercial"], whole=params.whole_zones["commercial"]),
    )
    large = customers["building_type"].isin(params.large_hvac_building_types).to_numpy() & ~residential
    assets = np.where(large, ACCF_ASSETS["hvac_large"], ACCF_ASSETS["hvac_unitary"])
    rate = _accf(customers, params, assets, own)
    cost = hvac_controls_cost_usd_per_yr(
        zones,
        np.nan_to_num(rate),
        params.thermostat_price_usd,
        _by_class(residential, params.thermostat_install_capital_usd),
        _by_class(residential, params.thermostat_install_time_hr),
        params.labor_usd_per_hr["hvac"],
    )
    return np.where(own, cost, 0.0)


def _battery(customers: pd.DataFrame, params: CustomerAssetParameters) -> FloatArray:
    size = customers["battery_kwh"].to_numpy(dtype=np.float64)
    own = size > 0
    rate = _accf(customers, params, np.full(len(customers), ACCF_ASSETS["battery"]), own)
    cost = battery_cost_usd_per_yr(
        np.nan_to_num(rate),
        params.battery_installed_cost_usd_per_kwh,
        size,
        params.battery_variable_om_usd_per_kwh,
        params.battery_fixed_om_usd_per_yr,
        variable_om_kwh_per_yr=size * params.battery_cycles_per_yr if params.battery_om_on_throughput else None,
        om_outside_accf=params.om_outside_accf["battery"],
    )
    return np.where(own, cost, 0.0)


def _pv(customers: pd.DataFrame, params: CustomerAssetParameters, residential: np.ndarray) -> FloatArray:
    size = customers["pv_kw"].to_numpy(dtype=np.float64)
    own = size > 0
    bins = params.pv_bins
    price = np.where(
        residential,
        pv_installed_price_usd_per_kw(size, bins["residential"].bin_max_kw, bins["residential"].prices_usd_per_kw),
        pv_installed_price_usd_per_kw(size, bins["commercial"].bin_max_kw, bins["commercial"].prices_usd_per_kw),
    )
    om = _by_class(residential, params.pv_om_usd_per_kw_yr) * (1.0 if params.pv_om_per_system else size)
    rate = _accf(customers, params, np.full(len(customers), ACCF_ASSETS["pv"]), own)
    cost = pv_cost_usd_per_yr(np.nan_to_num(rate), price, size, om, om_outside_accf=params.om_outside_accf["pv"])
    return np.where(own, cost, 0.0)


def asset_costs(customers: pd.DataFrame, params: CustomerAssetParameters, *, ev_responds: bool = True) -> pd.DataFrame:
    """Each customer's annual asset costs, Table 22's lines C1a-C1e and C2 [USD/yr].

    Parameters
    ----------
    customers : rows of a case's ``customers`` table (columns of ``data/cases/columns.csv``).
    params : :func:`load_customer_asset_parameters`.
    ev_responds : whether participating customers' EV chargers respond (and are costed as
        smart EVSE); see :data:`EV_RESPONDING_KINDS`.

    Returns
    -------
    One row per customer (same index), columns :data:`ASSET_LINES`.

    Notes
    -----
    Controls (C1a, C1b, C1c, C1e) are costed for participating customers with the device;
    batteries (C1d) and PV (C2) wherever present.
    """
    residential, commercial = _classes(customers)
    part = customers["participating"].to_numpy(dtype=bool)
    thermostat = part & customers["smart_thermostat"].to_numpy(dtype=bool)
    heater = part & customers["smart_water_heater"].to_numpy(dtype=bool)
    ev = part & (customers["ev_charger_kw"].to_numpy(dtype=np.float64) > 0) & ev_responds
    controls = np.where(residential, "", COMMERCIAL_FALLBACK_ASSET)
    hvac = _hvac(customers, params, residential, thermostat)
    wh_rate = _accf(customers, params, np.where(residential, ACCF_ASSETS["water_heater"], controls), heater)
    wh = water_heater_controls_cost_usd_per_yr(
        np.nan_to_num(wh_rate),
        params.water_heater_price_usd,
        params.water_heater_install_time_hr,
        params.labor_usd_per_hr["water_heater"],
    )
    ev_rate = _accf(customers, params, np.where(residential, ACCF_ASSETS["ev_charger"], controls), ev)
    evse = ev_charger_controls_cost_usd_per_yr(
        np.nan_to_num(ev_rate), params.evse_price_usd, params.evse_install_capital_usd, params.evse_install_time_hr,
        params.labor_usd_per_hr["ev_charger"],
    )  # fmt: skip
    return pd.DataFrame(
        {
            "C1a": np.where(residential, hvac, 0.0),
            "C1b": np.where(heater, wh, 0.0),
            "C1c": np.where(commercial, hvac, 0.0),
            "C1d": _battery(customers, params),
            "C1e": np.where(ev, evse, 0.0),
            "C2": _pv(customers, params, residential),
        },
        index=customers.index,
    )


# --- the customer CFS (Tables 1 and 22) --------------------------------------------------------------------


def customer_lines(data: Path | None = None) -> pd.DataFrame:
    """The customer CFS line tree (Table 1 form; Table 22's lines plus the bill's Table 1 detail), checked.

    Columns: line (Table 1/22 code), label, level (1 category, 2 subcategory, 3 element),
    parent, report_ref.  ``E2e`` (congestion charges, Eq. 44) is not in Table 1; it keeps
    the bill lines adding up to the bill (see :mod:`dsot.valuation`).
    """
    path = (data or data_dir()) / "cfs" / "customer_lines.csv"
    frame = read_csv_strict(path, ("line", "label", "level", "parent", "report_ref"))
    if not frame["level"].str.fullmatch(r"[123]").all():
        row = int(frame.index[~frame["level"].str.fullmatch(r"[123]")][0])
        raise ParameterError(f"{path}, row {row} (line {row + 1}), column 'level': {frame.at[row, 'level']!r} is not 1, 2 or 3")
    frame["level"] = frame["level"].astype(int)
    duplicated = frame["line"][frame["line"].duplicated()]
    if len(duplicated):
        raise ParameterError(f"{path}, column 'line': {duplicated.iloc[0]!r} appears twice")
    level = dict(zip(frame["line"], frame["level"], strict=True))
    for row, rec in frame.iterrows():
        expected = 1 if not rec["parent"] else level.get(rec["parent"], -9) + 1
        if rec["level"] != expected:
            raise ParameterError(
                f"{path}, row {row} (line {row + 1}), column 'parent': "
                f"{rec['parent']!r} does not make line {rec['line']} level {rec['level']}"
            )
    missing = set(LEAF_LINES) - set(frame["line"])
    if missing:
        raise ParameterError(f"{path}, column 'line': lines {sorted(missing)} are missing")
    return frame.reset_index(drop=True)


def _bill_lines(bills: pd.DataFrame) -> pd.DataFrame:
    """Table 1's bill lines from a valuation's annual bill components [USD/yr]."""
    fixed = (bills["rate_plan"] == "fixed").to_numpy()
    connection = bills["connection_charge_usd"].to_numpy()
    return pd.DataFrame(
        {
            "E1a": bills["energy_charge_usd"].to_numpy(),
            "E1b": bills["demand_charge_usd"].to_numpy(),
            "E1c": np.where(fixed, connection, 0.0),
            "E2a": bills["day_ahead_charge_usd"].to_numpy(),
            "E2b": bills["real_time_charge_usd"].to_numpy(),
            "E2c": bills["distribution_charge_usd"].to_numpy(),
            "E2d": np.where(fixed, 0.0, connection),
            "E2e": bills["congestion_charge_usd"].to_numpy(),
        },
        index=bills.index,
    )


def _bau_bills(frame: pd.DataFrame, bau: Valuation | None) -> FloatArray:
    if bau is None:
        return np.asarray(frame["E"].to_numpy(dtype=np.float64))
    base = annual_bills(bau).set_index("customer")["bill_usd"]
    missing = ~frame["customer"].isin(base.index)
    if missing.any():
        raise ValueError(
            f"BAU valuation {bau.case_id} has no bill for customers {frame.loc[missing, 'customer'].head(5).tolist()}"
        )
    return np.asarray(base.reindex(frame["customer"]).to_numpy(dtype=np.float64))


def _rollup(frame: pd.DataFrame, lines: pd.DataFrame) -> pd.DataFrame:
    """Fill every parent line as the sum of its children, and the balance B = E + C + T - R."""
    children = lines[lines["parent"] != ""].groupby("parent", sort=False)["line"].apply(list).to_dict()
    for line in reversed(lines["line"].tolist()):
        if line in children and line != "E":  # E is the valuation's bill itself
            frame[line] = frame[children[line]].sum(axis=1)
    frame["B"] = frame["E"] + frame["C"] + frame["T"] - frame["R"]
    return frame


def customer_cfs(
    case: Case,
    valuation: Valuation,
    parameter_set: ParameterSet = "study",
    bau: Valuation | None = None,
    *,
    params: CustomerAssetParameters | None = None,
) -> pd.DataFrame:
    """Every simulated customer's CFS (Table 22 lines, Table 1 bill detail) for one case [USD/yr].

    Parameters
    ----------
    case : the case the valuation was computed on (its ``customers`` table gives the assets).
    valuation : :func:`dsot.valuation.value_case` of the case; its annual bills are line E.
    parameter_set : Section 5 inputs (``printed`` or ``study``), independent of the
        valuation's.
    bau : the BAU valuation of a transactive case (for T1 and R1); None for a BAU case.
    params : preloaded inputs (default: :func:`load_customer_asset_parameters`).

    Returns
    -------
    One row per simulated customer plus each DSO's industrial lump (class ``industrial``,
    customer = minus the DSO id, bill lines only): the columns of :data:`CUSTOMER_COLUMNS`,
    ``participating``, ``weight`` (real customers represented) and one column per line of
    :func:`customer_lines`.  Parents are sums of their children; ``E`` is the valuation's
    annual bill; ``B = E + C + T - R``.
    """
    if valuation.case_id != case.metadata.case_id:
        raise ValueError(f"valuation of {valuation.case_id} does not belong to case {case.metadata.case_id}")
    if valuation.kind != "bau" and bau is None:
        raise ValueError(f"case {valuation.case_id} is transactive: pass its BAU valuation (bau=...)")
    params = params or load_customer_asset_parameters(parameter_set)
    lines = customer_lines()
    bills = annual_bills(valuation)
    customers = case.table("customers").set_index("customer")
    frame = bills[["customer", "dso", "customer_class", "building_type", "rate_plan", "participating", "weight"]].copy()
    extra = customers[["owner_type", "construction"]].reindex(frame["customer"])
    frame.insert(4, "owner_type", extra["owner_type"].fillna("").to_numpy())
    frame.insert(5, "construction", extra["construction"].fillna("").to_numpy())
    frame = pd.concat([frame, _bill_lines(bills)], axis=1).assign(E=bills["bill_usd"])
    simulated = customers.loc[frame.loc[~bills["industrial"], "customer"]]
    costs = asset_costs(simulated.reset_index(), params, ev_responds=case.metadata.kind in EV_RESPONDING_KINDS)
    costs.index = frame.index[~bills["industrial"]]
    frame = frame.join(costs.reindex(frame.index, fill_value=0.0))
    bau_bill = _bau_bills(frame, bau)
    rate = frame["building_type"].map(params.tax_deduction_frac).fillna(0.0).to_numpy()
    commercial = (frame["customer_class"] == "commercial").to_numpy()
    frame["T1"] = np.where(commercial, tax_increase_usd_per_yr(rate, bau_bill, frame["E"].to_numpy()), 0.0)
    frame["R1"] = bau_bill + frame["C2"].to_numpy()  # the BAU outlay: bill, PV, no taxes (Section 5.2 reading)
    frame = _rollup(frame, lines)
    return frame[[*CUSTOMER_COLUMNS, "participating", "weight", *lines["line"]]]


def customer_cfs_totals(frame: pd.DataFrame, by: str | Sequence[str] | None = None) -> pd.DataFrame:
    """Weighted totals of :func:`customer_cfs` in the line-tree form of Table 22 [$K/yr].

    Parameters
    ----------
    frame : :func:`customer_cfs` output (any subset of its rows).
    by : key column(s) to total by, e.g. ``"customer_class"``, ``["dso", "participating"]``;
        None for the whole case.

    Returns
    -------
    Columns: the ``by`` keys (when given), line, label, level, parent,
    cash_flow_kusd_per_yr; one block of lines per group.
    """
    lines = customer_lines()
    codes = list(lines["line"])
    weighted = frame[codes].mul(frame["weight"], axis=0) / 1e3
    if by is None:
        return lines[["line", "label", "level", "parent"]].assign(cash_flow_kusd_per_yr=weighted.sum().to_numpy())
    keys = [by] if isinstance(by, str) else list(by)
    sums = weighted.groupby([frame[k] for k in keys], sort=True).sum()
    blocks = []
    for group, values in sums.iterrows():
        block = lines[["line", "label", "level", "parent"]].assign(cash_flow_kusd_per_yr=values.to_numpy())
        labels = group if isinstance(group, tuple) else (group,)
        for position, (key, value) in enumerate(zip(keys, labels, strict=True)):
            block.insert(position, key, value)
        blocks.append(block)
    return pd.concat(blocks, ignore_index=True)


def customer_cfs_wide(frame: pd.DataFrame, by: str) -> pd.DataFrame:
    """Table 22 side by side for the groups of one key column: line, label, level, parent, one column per group [$K/yr]."""
    totals = customer_cfs_totals(frame, by)
    wide = totals.pivot_table(index="line", columns=by, values="cash_flow_kusd_per_yr", aggfunc="first", sort=False)
    wide.columns = [str(c) for c in wide.columns]
    lines = customer_lines()[["line", "label", "level", "parent"]]
    return lines.join(wide, on="line")


# --- the hand example and summaries for the book ---------------------------------------------------------------


def example_customer() -> pd.DataFrame:
    """Section 5's hand example as a one-row ``customers`` table.

    A participating single-family homeowner (2,000 sqft, one HVAC zone) with a smart
    thermostat, a water heater controller, a 13.5 kWh / 5 kW battery, a smart EV charger
    and a 5 kW rooftop PV system.
    """
    return pd.DataFrame(
        {
            "customer": [1],
            "dso": [1],
            "customer_class": ["residential"],
            "building_type": ["Single-Family"],
            "owner_type": ["Homeowner"],
            "construction": ["retrofit"],
            "rate_plan": ["transactive"],
            "participating": [True],
            "weight_customers": [1.0],
            "floor_area_sqft": [2000.0],
            "pv_kw": [5.0],
            "battery_kw": [5.0],
            "battery_kwh": [13.5],
            "ev_charger_kw": [7.2],
            "smart_thermostat": [True],
            "smart_water_heater": [True],
        }
    )


def example_costs() -> pd.DataFrame:
    """The hand example's asset lines under both parameter sets: line, label, printed, study [USD/yr]."""
    lines = customer_lines().set_index("line")
    out = pd.DataFrame({"line": list(ASSET_LINES), "label": [lines.at[a, "label"] for a in ASSET_LINES]})
    for parameter_set in ("printed", "study"):
        costs = asset_costs(example_customer(), load_customer_asset_parameters(parameter_set))
        out[parameter_set] = costs.iloc[0].reindex(ASSET_LINES).to_numpy()
    return out


def asset_costs_by(frame: pd.DataFrame, by: str) -> pd.DataFrame:
    """Weighted annual asset costs (lines C1a-C2) by a key column, long form, for tables and charts.

    Columns: the key, line, asset (label), cost_kusd_per_yr, owners (real customers with a
    nonzero cost on the line), cost_usd_per_owner_yr (NaN without owners).
    """
    labels = customer_lines().set_index("line")["label"]
    rows = []
    for key, group in frame.groupby(by, sort=True):
        for line in ASSET_LINES:
            owners = float(group.loc[group[line] != 0, "weight"].sum())
            cost = float((group[line] * group["weight"]).sum())
            rows.append(
                {
                    by: key,
                    "line": line,
                    "asset": labels[line],
                    "cost_kusd_per_yr": cost / 1e3,
                    "owners": owners,
                    "cost_usd_per_owner_yr": cost / owners if owners else np.nan,
                }
            )
    return pd.DataFrame(rows)


def equipped_costs(customers: pd.DataFrame, params: CustomerAssetParameters) -> pd.DataFrame:
    """Annual controls costs if every customer of a case took part with a smart thermostat and water heater.

    EV controls for those with a charger; batteries and PV as in the case.  Returns
    :func:`asset_costs` joined to the customers' building type and weight (as ``weight``).
    """
    equipped = customers.assign(participating=True, smart_thermostat=True, smart_water_heater=True)
    costs = asset_costs(equipped, params)
    return pd.concat([customers[["building_type", "customer_class"]], costs], axis=1).assign(weight=customers["weight_customers"])


def statements_beside(totals: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Several :func:`customer_cfs_totals` (no ``by``) side by side: line, label, level, parent, one column per name [$K/yr]."""
    out = customer_lines()[["line", "label", "level", "parent"]].copy()
    for name, frame in totals.items():
        out[name] = frame.set_index("line")["cash_flow_kusd_per_yr"].reindex(out["line"]).to_numpy()
    return out


SUMMARY_LINES = ("E", "C1", "C2", "T", "R", "B")


def summary_by(frame: pd.DataFrame, by: str) -> pd.DataFrame:
    """Main lines of the customer CFS by a key column: key, customers (real), one ``<line>_musd_per_yr`` per line."""
    weighted = frame[list(SUMMARY_LINES)].mul(frame["weight"], axis=0) / 1e6
    out = weighted.groupby(frame[by], sort=True).sum().add_suffix("_musd_per_yr")
    out.insert(0, "customers", frame.groupby(by, sort=True)["weight"].sum())
    return out.reset_index()


def parameter_overview(data: Path | None = None) -> pd.DataFrame:
    """The Section 5.1 inputs of ``customer_assets.csv`` as printed in the file, both sets side by side.

    One row per parameter and key (Table 23's inputs excluded, see :func:`table23`):
    parameter, customer_class, item, printed, study, unit, source, note (the notes of
    both sets, joined when they differ).
    """
    path = (data or data_dir()) / "parameters" / "customer_assets.csv"
    raw = read_csv_strict(path, ("parameter", "customer_class", "item", "parameter_set", "value", "unit", "source", "note"))
    raw = raw[~raw["parameter"].isin(["business_occupancy_share", "nonprofit_occupancy_share", "bill_tax_deduction"])]
    rows = []
    for (parameter, cls, item), group in raw.groupby(["parameter", "customer_class", "item"], sort=False):
        sets = group.set_index("parameter_set")["value"]
        rows.append(
            {
                "parameter": parameter,
                "customer_class": cls,
                "item": item,
                "printed": sets.get("printed", sets.get("all")),
                "study": sets.get("study", sets.get("all")),
                "unit": group["unit"].iloc[0],
                "source": " / ".join(dict.fromkeys(group["source"])),
                "note": " / ".join(dict.fromkeys(n for n in group["note"] if n)),
            }
        )
    return pd.DataFrame(rows)


def controls_cost_per_customer(customers: pd.DataFrame, params: CustomerAssetParameters) -> pd.DataFrame:
    """Average annual controls cost per real customer, by building type, if every customer took part (:func:`equipped_costs`).

    Columns: building_type, line, asset, cost_usd_per_customer_yr (lines C1a, C1b, C1c and C1e).
    """
    equipped = equipped_costs(customers, params)
    costs = asset_costs_by(equipped, "building_type")
    costs = costs[costs["line"].isin(["C1a", "C1b", "C1c", "C1e"])]
    population = costs["building_type"].map(equipped.groupby("building_type")["weight"].sum())
    return costs.assign(cost_usd_per_customer_yr=costs["cost_kusd_per_yr"] * 1e3 / population)[
        ["building_type", "line", "asset", "cost_usd_per_customer_yr"]
    ].reset_index(drop=True)


def bill_revenue_gap_frac(frame: pd.DataFrame, valuation: Valuation) -> float:
    """Largest relative gap, over DSOs, between the weighted E lines of :func:`customer_cfs` and the DSO's retail sales."""
    billed = (frame["weight"] * frame["E"]).groupby(frame["dso"]).sum()
    sales = valuation.rates.set_index("dso")["retail_sales_usd"].reindex(billed.index)
    return float(((billed - sales).abs() / sales.abs()).max())
