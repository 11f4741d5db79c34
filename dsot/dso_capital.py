r"""Section 3.2 of PNNL-32170-4: a DSO's capital expenses.

Substations (Eqs. 1-3, Tables 6-9, with the fleet model of Appendix B in
:mod:`dsot.substations`), feeders and circuits (Eq. 4), meters (Eqs. 5-6, Table 10)
and IT systems (Eq. 7, Tables 11-13).  Capacities are MVA, unit costs $/kVA (so that
MVA x $/kVA = $K), annual costs $K/yr unless a function says otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from dsot import accf as accf_mod
from dsot.params import ParameterError, ParameterSet, load_parameters, parameter_text, parameter_value
from dsot.registry import equation
from dsot.substations import FleetParameters, apparent_peak, substation_count_by_area, substation_fleet, table37_densities
from dsot.vocab import DSO_TYPES, DSOType

CUSTOMER_CLASSES = ("residential", "commercial", "industrial")

# --- Table 6 and Table 7: prototypical substations ---------------------------------------------


def average_substation_peak(customers_per_substation: float, peak_per_customer_kw: float) -> float:
    """Average peak demand per substation (Table 6): customers x peak per customer.

    Parameters
    ----------
    customers_per_substation : average customers per substation (Table 6). [count]
    peak_per_customer_kw : average peak per customer (Table 6). [kW]

    Returns
    -------
    Average peak per substation [MW]

    Examples
    --------
    >>> round(average_substation_peak(11072, 8.0), 1)  # Table 6, urban: 88.6 MW
    88.6
    """
    return customers_per_substation * peak_per_customer_kw / 1000.0


def prototype_capacity(peak_mw: float, transformer_redundancy: float, power_factor_frac: float) -> float:
    """Transformer capacity of a prototypical substation (Table 7): peak x redundancy / power factor.

    Parameters
    ----------
    peak_mw : nominal peak served (Table 6); plus one feeder's peak for "new + upgrade". [MW]
    transformer_redundancy : Table 6. [ratio]
    power_factor_frac : power factor at peak (Table 6). [frac]

    Returns
    -------
    Capacity [MVA]

    Examples
    --------
    >>> round(prototype_capacity(90, 1.5, 0.9), 1)  # Table 7, urban new: 150.0 MVA
    150.0
    """
    return apparent_peak(peak_mw, power_factor_frac) * transformer_redundancy


def cost_per_kva(total_cost_kusd: float, capacity_mva: float) -> float:
    """Cost of capacity (Table 7): total cost over capacity ($K/MVA = $/kVA).

    >>> round(cost_per_kva(27828, 150.0))  # Table 7, urban new: $186/kVA
    186
    """
    return total_cost_kusd / capacity_mva


@equation(2, section="3.2.1")
def existing_capacity_cost(new_share_frac: float, new_cost_usd_per_kva: float, upgrade_cost_usd_per_kva: float) -> float:
    r"""Cost of existing substation capacity, :math:`Cost_{exist}`.

    Eq. (2): $$Cost_{exist} = f_{new}\,Cost_{new} + (1 - f_{new})\,Cost_{up}$$

    Parameters
    ----------
    new_share_frac : :math:`f_{new}`, share of existing capacity still in its first
        design lifecycle (20%, Section 3.2.1). [frac]
    new_cost_usd_per_kva : :math:`Cost_{new}`, new substation capacity (Table 7). [$/kVA]
    upgrade_cost_usd_per_kva : :math:`Cost_{up}`, upgrade capacity (Table 7). [$/kVA]

    Returns
    -------
    :math:`Cost_{exist}` [$/kVA]

    Examples
    --------
    >>> round(existing_capacity_cost(0.2, 186.0, 109.0), 1)
    124.4
    """
    if not 0.0 <= new_share_frac <= 1.0:
        raise ValueError(f"f_new must be within [0, 1] (got {new_share_frac})")
    return new_share_frac * new_cost_usd_per_kva + (1.0 - new_share_frac) * upgrade_cost_usd_per_kva


@equation(1, section="3.2.1")
def substation_fleet_cost(
    existing_mva: float,
    existing_cost_usd_per_kva: float,
    upgrades_mva_per_yr: float,
    upgrade_cost_usd_per_kva: float,
    new_mva_per_yr: float,
    new_cost_usd_per_kva: float,
    accf_frac: float,
) -> float:
    r"""Levelized annual cost of the substation fleet, :math:`SubCost_A`.

    Eq. (1): $$SubCost_A = (Cap_{exist}\,Cost_{exist} + \dot{Cap}_{up}\,Cost_{up} + \dot{Cap}_g\,Cost_{new})\,ACCF_{di}$$

    Parameters
    ----------
    existing_mva : :math:`Cap_{exist}`, existing fleet capacity (Eq. 201). [MVA]
    existing_cost_usd_per_kva : :math:`Cost_{exist}` (Eq. 2). [$/kVA]
    upgrades_mva_per_yr : :math:`\dot{Cap}_{up}`, upgrades per year (Eqs. 202-203). [MVA/yr]
    upgrade_cost_usd_per_kva : :math:`Cost_{up}` (Table 7). [$/kVA]
    new_mva_per_yr : :math:`\dot{Cap}_g`, new substations per year (Eq. 206). [MVA/yr]
    new_cost_usd_per_kva : :math:`Cost_{new}` (Table 7). [$/kVA]
    accf_frac : :math:`ACCF_{di}`, distribution infrastructure of the DSO type (Table 2). [1/yr]

    Returns
    -------
    :math:`SubCost_A` [$K/yr]

    Notes
    -----
    The printed equation dots :math:`\dot{Cap}_{exist}` too; the existing capacity is a
    stock, not a rate (the definitions below the equation say so).

    Examples
    --------
    >>> round(substation_fleet_cost(1000.0, 124.4, 20.0, 109.0, 10.0, 186.0, 0.0874), 3)  # 128,440 $K x 8.74%
    11225.656
    """
    investment_kusd = (
        existing_mva * existing_cost_usd_per_kva
        + upgrades_mva_per_yr * upgrade_cost_usd_per_kva
        + new_mva_per_yr * new_cost_usd_per_kva
    )
    return accf_mod.levelized_capital_cost(accf_frac, investment_kusd)


@equation(4, section="3.2.2.1")
def feeder_cost(
    cost_usd_per_kva: float,
    peak_mw: float,
    power_factor_frac: float,
    accf_frac: float,
    greenfield_growth_frac: float,
    brownfield_growth_frac: float,
) -> float:
    r"""Levelized annual cost of feeders and circuits, :math:`FeederCost_A`.

    Eq. (4): $$FeederCost_A = FeederCostMva\,(Peak_{MW}/PF_{peak})\,ACCF_{di}\,(1 + g_g + g_b)$$

    Parameters
    ----------
    cost_usd_per_kva : :math:`FeederCostMva`, capital cost of feeder capacity ($200/kVA). [$/kVA]
    peak_mw : :math:`Peak_{MW}`. [MW]
    power_factor_frac : :math:`PF_{peak}` (0.9). [frac]
    accf_frac : :math:`ACCF_{di}`. [1/yr]
    greenfield_growth_frac, brownfield_growth_frac : :math:`g_g`, :math:`g_b` (Table 8). [1/yr]

    Returns
    -------
    :math:`FeederCost_A` [$K/yr]

    Notes
    -----
    The printed definition calls :math:`FeederCostMva` the cost "of substation capacity";
    the text gives $200/kVA for feeders and circuits.

    Examples
    --------
    >>> round(feeder_cost(200.0, 900.0, 0.9, 0.1, 0.01, 0.02), 6)
    20600.0
    """
    return (
        cost_usd_per_kva
        * apparent_peak(peak_mw, power_factor_frac)
        * accf_frac
        * (1.0 + greenfield_growth_frac + brownfield_growth_frac)
    )


@equation(5, section="3.2.2.2")
def meter_count(
    customers: float, greenfield_growth_frac: float, new_share_brownfield_frac: float, brownfield_growth_frac: float
) -> float:
    r"""Number of meters, including those bought for new customers during the year, :math:`N_{meters}`.

    Eq. (5): $$N_{meters} = N_{cust}\,(1 + g_g + f_{new,b}\,g_b)$$

    Parameters
    ----------
    customers : :math:`N_{cust}`. [count]
    greenfield_growth_frac : :math:`g_g`. [1/yr]
    new_share_brownfield_frac : :math:`f_{new,b}` (50%). [frac]
    brownfield_growth_frac : :math:`g_b`. [1/yr]

    Returns
    -------
    :math:`N_{meters}` [count]

    Examples
    --------
    >>> round(meter_count(1000, 0.01, 0.5, 0.02), 9)
    1020.0
    """
    return customers * (1.0 + greenfield_growth_frac + new_share_brownfield_frac * brownfield_growth_frac)


def weighted_meter_cost(costs_usd: dict[str, float], shares_frac: dict[str, float]) -> float:
    r"""Customer-class weighted meter cost, the bracket of Eq. (6): :math:`\sum_c MeterCost_c f_c`.

    >>> weighted_meter_cost({"residential": 170.0, "commercial": 520.0}, {"residential": 0.5, "commercial": 0.5})
    345.0
    """
    return sum(costs_usd[c] * shares_frac[c] for c in shares_frac)


@equation(6, section="3.2.2.2")
def meter_cost(meters: float, costs_usd: dict[str, float], shares_frac: dict[str, float], accf_frac: float) -> float:
    r"""Levelized annual cost of customer meters, :math:`MeterCost_A`.

    Eq. (6):
    $$MeterCost_A = N_{meters}\,(MeterCost_{res} f_{res} + MeterCost_{com} f_{com}
      + MeterCost_{ind} f_{ind})\,ACCF_{di}$$

    Parameters
    ----------
    meters : :math:`N_{meters}` (Eq. 5). [count]
    costs_usd : installed cost per meter by customer class (Table 10). [$]
    shares_frac : customer-class shares :math:`f_c`. [frac]
    accf_frac : :math:`ACCF_{di}`. [1/yr]

    Returns
    -------
    :math:`MeterCost_A` [$/yr]

    Examples
    --------
    >>> round(meter_cost(1000, {"residential": 170.0}, {"residential": 1.0}, 0.1), 6)
    17000.0
    """
    return accf_mod.levelized_capital_cost(accf_frac, meters * weighted_meter_cost(costs_usd, shares_frac))


@equation(7, section="3.2.3")
def it_system_capital_cost(
    constant_usd: float,
    per_1000_customers_usd: float,
    per_root_usd: float,
    per_substation_usd: float,
    customers: float,
    substations: float,
    root_degree: float = 3.0,
) -> float:
    r"""Initial capital cost of an IT system or communication network, :math:`SysCost` before the ACCF.

    Eq. (7):
    $$SysCost = \left(a + b\,\frac{N_{cust}}{1000} + c\left(\frac{N_{cust}}{1000}\right)^{1/3}
      + d\,N_{sub}\right) ACCF_{dcs}$$
    This function returns the bracket (the capital cost of Tables 11-12); the annual cost
    is :func:`dsot.accf.levelized_capital_cost` with :math:`ACCF_{dcs}` (Table 2).

    Parameters
    ----------
    constant_usd : :math:`a`. [$]
    per_1000_customers_usd : :math:`b`. [$ per 1000 customers]
    per_root_usd : :math:`c`. [$]
    per_substation_usd : :math:`d`. [$ per substation]
    customers : :math:`N_{cust}`. [count]
    substations : :math:`N_{sub}`. [count]
    root_degree : 3 for the printed cube root; 2 for the square root the study used. [-]

    Returns
    -------
    Capital cost [$]

    Examples
    --------
    Table 11, customer information system for DSO #1: $15,384K.

    >>> round(it_system_capital_cost(10_000, 4_000, -0.20, 0, 3_843_475, 1442) / 1000)
    15384
    """
    thousands = customers / 1000.0
    return float(
        constant_usd
        + per_1000_customers_usd * thousands
        + per_root_usd * thousands ** (1.0 / root_degree)
        + per_substation_usd * substations
    )


def substations_consistent_with(
    printed_kusd: float,
    constant_usd: float,
    per_1000_customers_usd: float,
    per_root_usd: float,
    per_substation_usd: float,
    customers: float,
    root_degree: float,
) -> tuple[float, float]:
    """Range of substation counts for which Eq. (7) rounds to a printed $K value.

    Returns
    -------
    (lowest, highest) count [-]
    """
    if per_substation_usd == 0:
        raise ValueError("the line does not depend on the substation count")
    rest = it_system_capital_cost(constant_usd, per_1000_customers_usd, per_root_usd, 0.0, customers, 0.0, root_degree)
    bounds = sorted(((printed_kusd + half) * 1000.0 - rest) / per_substation_usd for half in (-0.5, 0.5))
    return bounds[0], bounds[1]


def ami_system_cost(meters: float, network_usd_per_customer: float, meter_usd_per_customer: float) -> dict[str, float]:
    """Modelled AMI system cost (Table 13): meters, network and total, in $K.

    >>> ami_system_cost(1000, 119.894, 220.106)["total"]
    340.0
    """
    meters_kusd = meters * meter_usd_per_customer / 1000.0
    network_kusd = meters * network_usd_per_customer / 1000.0
    return {"meters": meters_kusd, "network": network_kusd, "total": meters_kusd + network_kusd}


# --- Inputs ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ITSystem:
    """One controls/software package or network of Tables 11-12 (coefficients of Eq. 7)."""

    name: str
    dso_type: str
    constant_usd: float
    per_1000_customers_usd: float
    per_root_usd: float
    per_substation_usd: float
    transactive_line_item: bool
    transactive_adder_frac: float
    report_ref: str


@dataclass(frozen=True)
class CapitalInputs:
    """Inputs of Section 3.2 and Appendix B for one parameter set."""

    parameter_set: ParameterSet
    fleet: dict[str, FleetParameters]
    prototypes: pd.DataFrame
    designs: pd.DataFrame
    densities: pd.DataFrame
    substation_peak_mw: pd.DataFrame
    scalars: dict[str, float]
    meter_costs_usd: dict[str, float]
    it_systems: list[ITSystem]
    it_root_degree: float
    examples: pd.DataFrame
    ami: pd.DataFrame
    brownfield_build: str
    substation_count_rule: str
    accf_inputs: accf_mod.AccfInputs
    calibration: str = "table9"
    greenfield_build_peak: str = "case_peak"
    grid_accf_source: str = "table2"

    def accf(self, dso_type: DSOType, asset_type: str) -> float:
        """A distribution utility's ACCF (fraction): Table 2 as printed, or recomputed from Appendix A."""
        utility = dso_type.capitalize()
        if self.grid_accf_source == "appendix_a":
            return accf_mod.grid_accf(self.accf_inputs, "Distribution utility", utility, asset_type)
        return accf_mod.printed_grid_accf("Distribution utility", utility, asset_type)

    def fleet_of(self, dso_type: DSOType, peak_mw: float, reduction_frac: float = 0.0) -> pd.DataFrame:
        """The substation fleet (Appendix B) of a DSO under these inputs' conventions."""
        return substation_fleet(self.fleet[dso_type], peak_mw, reduction_frac, self.brownfield_build, self.greenfield_build_peak)


def _wide(frame: pd.DataFrame, index: list[str]) -> pd.DataFrame:
    return frame.pivot_table(index=index, columns="parameter", values="value", aggfunc="first")


def peak_densities(densities: pd.DataFrame) -> dict[str, float]:
    """Table 37's absolute peak demand densities by development stage, in MW/mi2."""
    wide = _wide(densities[densities["development_stage"] != "all"], ["development_stage"])
    scalars = densities[densities["development_stage"] == "all"].set_index("parameter")["value"]
    return {
        str(stage): table37_densities(
            row["homes_per_area"], row["area_per_homes"], scalars["peak_per_home"], scalars["acres_per_square_mile"]
        )
        for stage, row in wide.iterrows()
    }


def density_ratio(densities: pd.DataFrame) -> float:
    """Undeveloped over fully developed peak demand density from Table 37's homes and acres (0.625%)."""
    dens = peak_densities(densities)
    return float(dens["undeveloped"] / dens["fully developed"])


def _fleet_parameters(
    growth: pd.DataFrame, prototypes: pd.DataFrame, ratio_source: str, ratio37: float
) -> dict[str, FleetParameters]:
    out: dict[str, FleetParameters] = {}
    for dso_type in DSO_TYPES:

        def g(name: str, t: str = dso_type) -> float:
            return parameter_value(growth, name, dso_type=t)

        out[dso_type] = FleetParameters(
            brownfield_growth_frac=g("brownfield_growth"),
            greenfield_growth_frac=g("greenfield_growth"),
            fully_developed_share_frac=g("fully_developed_share"),
            density_ratio_frac=g("density_ratio") if ratio_source == "table8" else ratio37,
            design_life_yr=g("substation_design_life"),
            greenfield_period_yr=g("greenfield_period"),
            power_factor_frac=parameter_value(prototypes, "power_factor_peak", dso_type=dso_type),
        )
    return out


def _it_systems(frame: pd.DataFrame) -> list[ITSystem]:
    systems = []
    rows = frame[frame["system"] != "all"]
    for (name, dso_type), part in rows.groupby(["system", "dso_type"], sort=False):
        values = part.set_index("parameter")["value"]
        systems.append(
            ITSystem(
                name=str(name),
                dso_type=str(dso_type),
                constant_usd=float(values["it_constant"]),
                per_1000_customers_usd=float(values["it_per_1000_customers"]),
                per_root_usd=float(values["it_per_root_1000_customers"]),
                per_substation_usd=float(values["it_per_substation"]),
                transactive_line_item=bool(values["it_transactive_line_item"] == 1.0),
                transactive_adder_frac=float(values["it_transactive_adder"]),
                report_ref=str(part["report_ref"].iloc[0]),
            )
        )
    return systems


CALIBRATIONS = ("table9", "table21")
"""Runs of the study behind different tables (the ``calibration`` column of the data files).

``table9``: the older parameter set behind Section 3.2's tables (Table 9 in particular);
``table21``: the run behind the DSO cash-flow statements (Table 21).  The ``printed``
parameter set has one value for both.
"""


def _calibrated(frame: pd.DataFrame, calibration: str) -> pd.DataFrame:
    return frame[frame["calibration"].isin([calibration, "all"])]


def load_capital_inputs(
    parameter_set: ParameterSet = "study", data: Path | None = None, calibration: str = "table9"
) -> CapitalInputs:
    """Load the inputs of Section 3.2 and Appendix B for one parameter set and calibration (:data:`CALIBRATIONS`)."""
    if calibration not in CALIBRATIONS:
        raise ParameterError(f"unknown calibration {calibration!r}; use one of {', '.join(CALIBRATIONS)}")
    conventions = _calibrated(load_parameters("substation_conventions", parameter_set, data), calibration)
    prototypes = load_parameters("substation_prototypes", parameter_set, data)
    densities = load_parameters("service_area_densities", parameter_set, data)
    meters = load_parameters("meters", parameter_set, data)
    costs = {
        c: parameter_value(meters, "meter_hardware", customer_class=c)
        + parameter_value(meters, "meter_installation", customer_class=c)
        for c in CUSTOMER_CLASSES
    }
    it = _calibrated(load_parameters("it_systems", parameter_set, data), calibration)
    scalars = load_parameters("dso_capital", parameter_set, data)
    return CapitalInputs(
        parameter_set=parameter_set,
        fleet=_fleet_parameters(
            load_parameters("substation_growth", parameter_set, data),
            prototypes,
            parameter_text(conventions, "density_ratio_source"),
            density_ratio(densities)
            if parameter_text(conventions, "density_ratio_source") != "original_implementation"
            else parameter_value(conventions, "density_ratio_original"),
        ),
        prototypes=prototypes,
        designs=load_parameters("substation_designs", parameter_set, data),
        densities=densities,
        substation_peak_mw=_calibrated(load_parameters("substation_counts", parameter_set, data), calibration),
        scalars=dict(zip(scalars["parameter"], scalars["value"].astype(float), strict=True)),
        meter_costs_usd=costs,
        it_systems=_it_systems(it),
        it_root_degree=parameter_value(it, "it_root_degree", system="all"),
        examples=load_parameters("dso_examples", parameter_set, data),
        ami=load_parameters("ami_validation", parameter_set, data),
        brownfield_build=parameter_text(conventions, "brownfield_build_divisor"),
        substation_count_rule=parameter_text(conventions, "substation_count_rule"),
        accf_inputs=accf_mod.load_accf_inputs(parameter_set, data),
        calibration=calibration,
        greenfield_build_peak=parameter_text(conventions, "greenfield_build_peak"),
        grid_accf_source=parameter_text(conventions, "grid_accf_source"),
    )


# --- Tables -----------------------------------------------------------------------------------------


def table6(inputs: CapitalInputs) -> pd.DataFrame:
    """Table 6 with its derived columns: average peak per substation and feeders per substation."""
    wide = _wide(inputs.prototypes, ["dso_type"]).reindex(list(DSO_TYPES))
    wide["peak_per_substation_avg_mw"] = [
        average_substation_peak(c, k) for c, k in zip(wide["customers_per_substation"], wide["peak_per_customer"], strict=True)
    ]
    wide["feeders_per_substation"] = wide["peak_per_substation_nominal"] / wide["peak_per_feeder"]
    return wide.reset_index()


def table7(inputs: CapitalInputs) -> pd.DataFrame:
    """Table 7: prototypical new, new + upgrade and upgrade substations with capacity and cost per kVA.

    Capacity: peak (nominal, plus one feeder's peak for the upgrade) x redundancy / power
    factor; the upgrade is the difference between the two designs (Section 3.2.1.1).
    """
    t6 = table6(inputs).set_index("dso_type")
    designs = _wide(inputs.designs, ["dso_type", "design"])
    rows = []
    for dso_type in DSO_TYPES:
        p = t6.loc[dso_type]
        new_cap = prototype_capacity(p["peak_per_substation_nominal"], p["transformer_redundancy"], p["power_factor_peak"])
        up_cap = prototype_capacity(
            p["peak_per_substation_nominal"] + p["peak_per_feeder"], p["transformer_redundancy"], p["power_factor_peak"]
        )
        new_cost = float(designs.loc[(dso_type, "new"), "substation_cost"])
        up_cost = float(designs.loc[(dso_type, "new + upgrade"), "substation_cost"])
        for design, cap, cost in (
            ("new", new_cap, new_cost),
            ("new + upgrade", up_cap, up_cost),
            ("upgrade", up_cap - new_cap, up_cost - new_cost),
        ):
            rows.append(
                {
                    "dso_type": dso_type,
                    "design": design,
                    "capacity_mva": cap,
                    "substation_cost_kusd": cost,
                    "cost_usd_per_kva": cost_per_kva(cost, cap),
                }
            )
    order = {"new": 0, "new + upgrade": 1, "upgrade": 2}
    return (
        pd.DataFrame(rows)
        .sort_values(["design", "dso_type"], key=lambda s: s.map(order) if s.name == "design" else s.map(DSO_TYPES.index))
        .reset_index(drop=True)
    )


def example_peak(inputs: CapitalInputs, dso_type: DSOType) -> float:
    """Peak demand of Table 9's example DSO of a type, in MW (DSO #1 for urban)."""
    name = {"rural": "Rural example", "suburban": "Suburban example", "urban": "DSO #1"}[dso_type]
    return parameter_value(inputs.examples, "peak_demand", dso=name)


def _counts(inputs: CapitalInputs, fleet: pd.DataFrame, dso_type: DSOType) -> tuple[pd.Series, pd.Series]:
    """Substations and new substations per year by area, under the parameter set's counting rule."""
    areas = fleet.index[:-1]
    if inputs.substation_count_rule == "dso_type_average":
        average = float(table7(inputs).set_index(["dso_type", "design"]).at[(dso_type, "new"), "capacity_mva"])
        existing = fleet["capacity_mva"].loc[areas] / average
        return existing, fleet["build_mva_per_yr"].loc[areas] / average
    sizes = inputs.substation_peak_mw.set_index("service_area")["value"].astype(float)
    if sizes.empty:
        raise ParameterError(f"data/parameters/substation_counts.csv: no substation sizes for calibration {inputs.calibration!r}")
    power_factor = inputs.fleet[dso_type].power_factor_frac
    existing = substation_count_by_area(fleet["capacity_mva"].loc[areas], power_factor, sizes)
    new = (fleet["build_mva_per_yr"].loc[areas] * power_factor / sizes.reindex(areas)).where(areas == "greenfield", 0.0)
    return existing, new


def table9(inputs: CapitalInputs) -> pd.DataFrame:
    """Table 9: BAU substation fleets of the example DSOs by service area, with substation counts.

    Counts follow the parameter set: Eq. (3) as printed (capacity, with the year's
    construction, over the Table 7 capacity of the DSO type), or the study's per-area
    substation peaks of the inputs' calibration: ``table9`` (2/20/20 MW) or ``table21`` (8/40/90 MW).
    """
    frames = []
    for dso_type in DSO_TYPES:
        fleet = fleet_with_counts(inputs, dso_type, example_peak(inputs, dso_type))
        frames.append(fleet.reset_index().assign(dso_type=dso_type, peak_mw_dso=example_peak(inputs, dso_type)))
    return pd.concat(frames, ignore_index=True)


def fleet_cost(inputs: CapitalInputs, dso_type: DSOType, peak_mw: float, reduction_frac: float = 0.0) -> float:
    """Levelized annual cost of a DSO's substation fleet (Eq. 1) for a peak reduction, in $K/yr.

    :math:`C_{new}` and :math:`C_{up}` are Table 7's costs per kVA in whole dollars, as the
    table prints them and as the run behind Table 21 used them (urban: 186 and 109 $/kVA).
    """
    fleet = inputs.fleet_of(dso_type, peak_mw, reduction_frac)
    costs = table7(inputs).set_index(["dso_type", "design"])["cost_usd_per_kva"].round(0)
    new, up = float(costs[(dso_type, "new")]), float(costs[(dso_type, "upgrade")])
    existing = existing_capacity_cost(inputs.scalars["new_substation_share"], new, up)
    accf_di = inputs.accf(dso_type, "Distribution infrastructure")
    return substation_fleet_cost(
        float(fleet.at["total", "capacity_mva"]),
        existing,
        float(fleet.at["undeveloped", "build_mva_per_yr"] + fleet.at["fully developed", "build_mva_per_yr"]),
        up,
        float(fleet.at["greenfield", "build_mva_per_yr"]),
        new,
        accf_di,
    )


def fleet_cost_savings(inputs: CapitalInputs, reductions_frac: list[float]) -> pd.DataFrame:
    """Annual substation fleet cost and savings versus fractional peak reduction for the example DSOs.

    Columns: dso_type, peak_mw, reduction_frac, cost_kusd_per_yr, savings_kusd_per_yr, savings_frac.
    """
    rows = []
    for dso_type in DSO_TYPES:
        peak = example_peak(inputs, dso_type)
        bau = fleet_cost(inputs, dso_type, peak)
        for r in reductions_frac:
            cost = fleet_cost(inputs, dso_type, peak, r)
            rows.append(
                {
                    "dso_type": dso_type,
                    "peak_mw": peak,
                    "reduction_frac": r,
                    "cost_kusd_per_yr": cost,
                    "savings_kusd_per_yr": bau - cost,
                    "savings_frac": (bau - cost) / bau,
                }
            )
    return pd.DataFrame(rows)


def dso_example(inputs: CapitalInputs, name: str = "DSO #1") -> tuple[float, float]:
    """Customers and stated substation count of a worked example (Tables 11-12)."""
    return parameter_value(inputs.examples, "customers", dso=name), parameter_value(inputs.examples, "substations", dso=name)


def it_costs(
    inputs: CapitalInputs, dso_type: DSOType, customers: float, substations: float, transactive: bool = False
) -> pd.DataFrame:
    """Capital cost of each IT system and network for a DSO (Tables 11-12, Eq. 7), in $K.

    In a transactive case, systems get their transactive adder; transactive-only line
    items are included only then (Table 11 shows the retail-market line for DSO #1 anyway).
    """
    rows = []
    for s in inputs.it_systems:
        if s.dso_type not in ("all", dso_type):
            continue
        capital = it_system_capital_cost(
            s.constant_usd,
            s.per_1000_customers_usd,
            s.per_root_usd,
            s.per_substation_usd,
            customers,
            substations,
            inputs.it_root_degree,
        )
        factor = 1.0 + (s.transactive_adder_frac if transactive else 0.0)
        rows.append(
            {
                "system": s.name,
                "report_ref": s.report_ref,
                "transactive_line_item": s.transactive_line_item,
                "capital_kusd": capital * factor / 1000.0,
            }
        )
    return pd.DataFrame(rows)


def dso_class_shares(inputs: CapitalInputs, name: str = "DSO #1") -> dict[str, float]:
    """Customer-class shares of an example DSO (eight-node case, rounded as published)."""
    return {c: parameter_value(inputs.examples, f"{c}_share", dso=name) for c in CUSTOMER_CLASSES}


def table13(inputs: CapitalInputs) -> pd.DataFrame:
    """Table 13: modelled AMI system costs (meters with DSO #1's class mix, urban network) against reported."""
    network = next(s for s in inputs.it_systems if s.name == "AMI/Customer network" and s.dso_type == "urban")
    per_meter = weighted_meter_cost(inputs.meter_costs_usd, dso_class_shares(inputs))
    rows = []
    for utility in dict.fromkeys(inputs.ami["utility"]):
        meters = parameter_value(inputs.ami, "ami_meters", utility=utility)
        model = ami_system_cost(meters, network.per_1000_customers_usd / 1000.0, per_meter)
        reported = parameter_value(inputs.ami, "ami_reported_cost", utility=utility)
        rows.append(
            {
                "utility": utility,
                "meters": meters,
                "meters_kusd": model["meters"],
                "network_kusd": model["network"],
                "total_kusd": model["total"],
                "reported_kusd": reported,
                "error_frac": model["total"] / reported - 1.0,
            }
        )
    return pd.DataFrame(rows)


def service_area_shares(inputs: CapitalInputs) -> pd.DataFrame:
    """Land and peak-demand shares of each service area for the example DSOs (Figure 7)."""
    frames = []
    for dso_type in DSO_TYPES:
        fleet = inputs.fleet_of(dso_type, example_peak(inputs, dso_type)).iloc[:-1]
        frames.append(
            pd.DataFrame(
                {
                    "dso_type": dso_type,
                    "area": fleet.index,
                    "land_share_frac": fleet["area_share_frac"].to_numpy(),
                    "peak_share_frac": (fleet["peak_mw"] / fleet["peak_mw"].sum()).to_numpy(),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def fleet_with_counts(inputs: CapitalInputs, dso_type: DSOType, peak_mw: float, reduction_frac: float = 0.0) -> pd.DataFrame:
    """A DSO's fleet by service area (Appendix B) with its substation counts (Eq. 3 or the study's rule)."""
    fleet = inputs.fleet_of(dso_type, peak_mw, reduction_frac)
    areas = fleet.index[:-1]
    existing, new = _counts(inputs, fleet, dso_type)
    fleet.loc[areas, "substations"] = existing + (new if inputs.substation_count_rule == "dso_type_average" else 0.0)
    fleet.loc[areas, "substations_per_yr"] = new
    fleet.loc["total", ["substations", "substations_per_yr"]] = fleet.loc[areas, ["substations", "substations_per_yr"]].sum()
    return fleet


def capital_expenses(
    inputs: CapitalInputs,
    dso_type: DSOType,
    peak_mw: float,
    customers: float,
    substations: float,
    class_shares_frac: dict[str, float],
    reduction_frac: float = 0.0,
    transactive: bool = False,
) -> pd.DataFrame:
    """A DSO's annualized capital expenses (Section 3.2): substations, feeders, meters and IT systems.

    Eq. (1) for the substation fleet (at the BAU peak, reduced by ``reduction_frac`` in a
    transactive case), Eq. (4) for feeders, Eqs. (5)-(6) for meters and Eq. (7) x
    :math:`ACCF_{dcs}` for each IT system (transactive adders and line items only when
    ``transactive``).  Columns: line, equation, cost_kusd_per_yr.
    """
    p = inputs.fleet[dso_type]
    accf_di = inputs.accf(dso_type, "Distribution infrastructure")
    accf_dcs = inputs.accf(dso_type, "Controls and software")
    meters = meter_count(
        customers, p.greenfield_growth_frac, inputs.scalars["meter_new_share_brownfield"], p.brownfield_growth_frac
    )
    rows = [
        ("Substations", "1", fleet_cost(inputs, dso_type, peak_mw, reduction_frac)),
        (
            "Feeders and circuits",
            "4",
            feeder_cost(
                inputs.scalars["feeder_cost"],
                peak_mw,
                inputs.scalars["power_factor_peak_feeders"],
                accf_di,
                p.greenfield_growth_frac,
                p.brownfield_growth_frac,
            ),
        ),
        ("Meters", "5-6", meter_cost(meters, inputs.meter_costs_usd, class_shares_frac, accf_di) / 1000.0),
    ]
    for system in it_costs(inputs, dso_type, customers, substations, transactive).itertuples():
        if system.transactive_line_item and not transactive:
            continue
        rows.append((system.system, "7", accf_mod.levelized_capital_cost(accf_dcs, system.capital_kusd)))
    return pd.DataFrame(rows, columns=["line", "equation", "cost_kusd_per_yr"])


def meter_cost_bounds(costs_usd: dict[str, float], shares_frac: dict[str, float], half_width_frac: float) -> tuple[float, float]:
    """Range of the weighted meter cost when each class share may be off by ``half_width_frac`` (rounding).

    The weighted cost is linear in the shares, so its extremes lie at the corners of the
    box of shares.

    >>> meter_cost_bounds({"residential": 100.0, "commercial": 200.0}, {"residential": 0.5, "commercial": 0.5}, 0.1)
    (120.0, 180.0)
    """
    from itertools import product

    classes = list(shares_frac)
    values = [
        weighted_meter_cost(
            costs_usd, {c: shares_frac[c] + sign * half_width_frac for c, sign in zip(classes, signs, strict=True)}
        )
        for signs in product((-1.0, 1.0), repeat=len(classes))
    ]
    return min(values), max(values)
