r"""Appendix B of PNNL-32170-4: the substation fleet capacity expansion model.

A DSO's service territory has undeveloped (u), greenfield (g, developing) and fully
developed (f) service areas.  Brownfield substations (in u and f) grow at the
brownfield rate :math:`g_b` and are upgraded when their design life :math:`Y_{design}`
runs out; greenfield substations are built for the rapid growth of developing land over
:math:`Y_{green}` years, then join the brownfield fleet.  In a transactive case the
peak is reduced by :math:`R_{trx}`: brownfield upgrades are deferred and greenfield
substations are built smaller.

Functions are pure and scalar.  Rates are fractions per year, years are years, power
is MW (real) or MVA (apparent), densities are normalized by the fully developed
density (:math:`\hat\rho_f = 1`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from dsot.growth import exponential_average_between, exponential_value, growth_rate_to_reach, years_to_grow
from dsot.registry import equation

AREAS = ("undeveloped", "greenfield", "fully developed")
"""Service-area development stages, in the order of Table 9."""


def _check_reduction(reduction_frac: float) -> None:
    if not 0.0 <= reduction_frac < 1.0:
        raise ValueError(f"peak reduction must be within [0, 1) (got {reduction_frac})")


# --- B.2.1 Growth in peak demand ----------------------------------------------------------


@equation(150, section="B.2.1")
def total_growth_rate(brownfield_growth_frac: float, greenfield_growth_frac: float) -> float:
    r"""DSO's total peak demand growth rate, :math:`g_d`.

    Eq. (150): $$g_d = g_b + g_g$$

    Parameters
    ----------
    brownfield_growth_frac : :math:`g_b` (Table 8). [1/yr]
    greenfield_growth_frac : :math:`g_g` (Table 8). [1/yr]

    Returns
    -------
    :math:`g_d` [1/yr]

    Examples
    --------
    >>> round(total_growth_rate(0.01, 0.10), 12)  # Table 8, suburban: 11%
    0.11
    """
    return brownfield_growth_frac + greenfield_growth_frac


@equation(152, section="B.2.1")
def apparent_peak(real_peak_mw: float, power_factor_frac: float) -> float:
    r"""Peak apparent power demand, :math:`Peaka(y)`.

    Eq. (152): $$Peaka_d(y) = Peakr_d(y) / PF_d$$

    Parameters
    ----------
    real_peak_mw : :math:`Peakr`, real-power peak demand. [MW]
    power_factor_frac : :math:`PF`, power factor at peak (Table 6: 0.9). [frac]

    Returns
    -------
    :math:`Peaka` [MVA]

    Examples
    --------
    >>> round(apparent_peak(90.0, 0.9), 9)
    100.0
    """
    if not 0.0 < power_factor_frac <= 1.0:
        raise ValueError(f"power factor must be within (0, 1] (got {power_factor_frac})")
    return real_peak_mw / power_factor_frac


@equation(153, section="B.2.1")
def transactive_peak(peak: float, reduction_frac: float) -> float:
    r"""Net peak demand in a transactive case, :math:`Ptrxa_s(y)`.

    Eq. (153): $$Ptrxa_s(y) = Peaka_s(y)\,(1 - R_{trx_s})$$

    Parameters
    ----------
    peak : :math:`Peaka_s(y)`, the BAU (counterfactual) peak demand. [MVA]
    reduction_frac : :math:`R_{trx_s}`, fractional peak reduction. [frac]

    Returns
    -------
    :math:`Ptrxa_s(y)` [MVA]

    Examples
    --------
    >>> transactive_peak(100.0, 0.25)
    75.0
    """
    _check_reduction(reduction_frac)
    return peak * (1.0 - reduction_frac)


# --- B.2.2-B.2.4 Brownfield lifecycle --------------------------------------------------------


@equation(154, section="B.2.2")
def design_capacity(capacity_year0_mva: float, capacity_added_mva: float) -> float:
    r"""Substation capacity after an upgrade in year 0, :math:`Cap_s(Y_{design})`.

    Eq. (154): $$Cap_s(Y_{design}) = Cap_s(0) + \Delta Cap_s(0)$$

    Parameters
    ----------
    capacity_year0_mva : :math:`Cap_s(0)`, capacity before the upgrade. [MVA]
    capacity_added_mva : :math:`\Delta Cap_s(0)`. [MVA]

    Returns
    -------
    :math:`Cap_s(Y_{design})` [MVA]

    Examples
    --------
    >>> design_capacity(40.0, 10.0)
    50.0
    """
    return capacity_year0_mva + capacity_added_mva


@equation(155, section="B.2.2")
def capacity_factor(peak_mva: float, capacity_mva: float) -> float:
    r"""Capacity factor: peak demand normalized by capacity, :math:`\hat{Peaka}_s(y)`.

    Eq. (155): $$\hat{Peaka}_s(y) = Peaka_s(y) / Cap_s(Y_{design})$$

    Parameters
    ----------
    peak_mva : :math:`Peaka_s(y)`. [MVA]
    capacity_mva : :math:`Cap_s(Y_{design})`, positive. [MVA]

    Returns
    -------
    :math:`\hat{Peaka}_s(y)` [frac]

    Examples
    --------
    >>> capacity_factor(45.0, 50.0)
    0.9
    """
    if capacity_mva <= 0:
        raise ValueError("capacity must be positive")
    return peak_mva / capacity_mva


@equation(156, section="B.2.3")
def brownfield_capacity_added(peak_year0_mva: float, brownfield_growth_frac: float, design_life_yr: float) -> float:
    r"""Capacity a brownfield upgrade adds for :math:`Y_{design}` years of growth, :math:`\Delta Cap_s(0)`.

    Eq. (156): $$\Delta Cap_s(0) = Peaka_s(0)\,(1+g_b)^{Y_{design}} - Peaka_s(0)$$

    Parameters
    ----------
    peak_year0_mva : :math:`Peaka_s(0)`. [MVA]
    brownfield_growth_frac : :math:`g_b`. [1/yr]
    design_life_yr : :math:`Y_{design}` (Table 8: 20). [yr]

    Returns
    -------
    :math:`\Delta Cap_s(0)` [MVA]

    Examples
    --------
    >>> round(brownfield_capacity_added(100.0, 0.02, 20), 4)
    48.5947
    """
    return exponential_value(peak_year0_mva, brownfield_growth_frac, design_life_yr) - peak_year0_mva


@equation(158, section="B.2.3")
def marginal_capacity_frac(capacity_added_mva: float, design_capacity_mva: float) -> float:
    r"""Marginal capacity factor: capacity added as a share of design capacity, :math:`MCap`.

    Eq. (158): $$MCap_b = \Delta Cap_s(0) / Cap_s(Y_{design})$$

    Parameters
    ----------
    capacity_added_mva : :math:`\Delta Cap_s(0)`. [MVA]
    design_capacity_mva : :math:`Cap_s(Y_{design})`. [MVA]

    Returns
    -------
    :math:`MCap_b` [frac]

    Examples
    --------
    >>> round(marginal_capacity_frac(48.5947, 148.5947), 4)
    0.327
    """
    return capacity_added_mva / design_capacity_mva


@equation(159, section="B.2.3")
def brownfield_marginal_capacity_frac(brownfield_growth_frac: float, design_life_yr: float) -> float:
    r"""Brownfield marginal capacity factor in closed form, :math:`MCap_b`.

    Eq. (159): $$MCap_b = 1 - \frac{1}{(1+g_b)^{Y_{design}}}$$

    Parameters
    ----------
    brownfield_growth_frac : :math:`g_b`. [1/yr]
    design_life_yr : :math:`Y_{design}`. [yr]

    Returns
    -------
    :math:`MCap_b` [frac]

    Examples
    --------
    Urban DSO (Table 8: 2%/yr over 20 years):

    >>> round(brownfield_marginal_capacity_frac(0.02, 20), 5)
    0.32703
    """
    return 1.0 - 1.0 / exponential_value(1.0, brownfield_growth_frac, design_life_yr)


@equation(160, section="B.2.4")
def peak_reduction(peak_mva: float, reduction_frac: float) -> float:
    r"""Reduction of the BAU peak demand by flexible assets, :math:`\Delta Ptrx_s(y)`.

    Eq. (160): $$\Delta Ptrx_s(y) = Peaka_s(y)\,R_{trx_s}$$

    Parameters
    ----------
    peak_mva : :math:`Peaka_s(y)`. [MVA]
    reduction_frac : :math:`R_{trx_s}`. [frac]

    Returns
    -------
    :math:`\Delta Ptrx_s(y)` [MVA]

    Examples
    --------
    >>> peak_reduction(200.0, 0.075)
    15.0
    """
    _check_reduction(reduction_frac)
    return peak_mva * reduction_frac


@equation(163, section="B.2.4")
def upgrade_deferral_years_from_peaks(peak_at_upgrade: float, peak_at_design_year: float, brownfield_growth_frac: float) -> float:
    r"""Years an upgrade is deferred, from the peaks at the deferred and the design upgrade.

    Eq. (163): $$\Delta Ytrx_s = Y_{up} - Y_{design} = \frac{\ln Peaka_s(Y_{up}) - \ln Peaka_s(Y_{design})}{\ln(1+g_b)}$$

    Parameters
    ----------
    peak_at_upgrade : :math:`Peaka_s(Y_{up})` (Eq. 162). [MVA or p.u.]
    peak_at_design_year : :math:`Peaka_s(Y_{design})`. [same unit]
    brownfield_growth_frac : :math:`g_b`. [1/yr]

    Returns
    -------
    :math:`\Delta Ytrx_s` [yr]

    Examples
    --------
    >>> round(upgrade_deferral_years_from_peaks(1.0 / 0.925, 1.0, 0.02), 3)
    3.937
    """
    return years_to_grow(peak_at_design_year, peak_at_upgrade, brownfield_growth_frac)


@equation(164, section="B.2.4", aliases=(192,))
def upgrade_deferral_years(reduction_frac: float, brownfield_growth_frac: float) -> float:
    r"""Years a brownfield upgrade is deferred by a fractional peak reduction, :math:`\Delta Ytrx`.

    Eq. (164), restated for the fleet as Eq. (192):
    $$\Delta Ytrx_b = \ln\left(\frac{1}{1 - Rtrx_b}\right) / \ln(1+g_b)$$

    Parameters
    ----------
    reduction_frac : :math:`R_{trx}`. [frac]
    brownfield_growth_frac : :math:`g_b`, positive. [1/yr]

    Returns
    -------
    :math:`\Delta Ytrx` [yr]; zero without a reduction.

    Examples
    --------
    >>> round(upgrade_deferral_years(0.075, 0.02), 3)
    3.937
    >>> upgrade_deferral_years(0.0, 0.02)
    0.0
    """
    _check_reduction(reduction_frac)
    if reduction_frac == 0.0:
        return 0.0
    return years_to_grow(1.0, 1.0 / (1.0 - reduction_frac), brownfield_growth_frac)


@equation(166, section="B.2.4", aliases=(178,))
def capacity_factor_at_deferred_upgrade(reduction_frac: float) -> float:
    r"""Capacity factor when a deferred upgrade finally happens.

    Eq. (166) for brownfield substations, Eq. (178) for a transactive greenfield
    substation at its first upgrade: $$\hat{Peaka}_s(Y_{up}) = 1/(1 - R_{trx_s})$$

    Parameters
    ----------
    reduction_frac : :math:`R_{trx_s}`. [frac]

    Returns
    -------
    Capacity factor of the counterfactual peak [frac]

    Examples
    --------
    >>> capacity_factor_at_deferred_upgrade(0.2)
    1.25
    """
    _check_reduction(reduction_frac)
    return 1.0 / (1.0 - reduction_frac)


# --- B.2.5-B.2.6 Greenfield lifecycle ---------------------------------------------------------


@equation(167, 168, section="B.2.5")
def area_peak(density_mw_per_mi2: float, power_factor_frac: float, area_mi2: float) -> float:
    r"""Apparent peak demand of a service area at a given peak demand density.

    Eqs. (167)-(168): $$Peaka_s(0) = \rho_u A_s / PF_d \qquad Peaka_s(Y_{green}) = \rho_f A_s / PF_d$$

    Parameters
    ----------
    density_mw_per_mi2 : :math:`\rho_u` (undeveloped, at construction) or :math:`\rho_f`
        (fully developed, at reclassification) (Table 37). [MW/mi2]
    power_factor_frac : :math:`PF_d`. [frac]
    area_mi2 : :math:`A_s`, the substation's service area. [mi2]

    Returns
    -------
    Apparent peak demand [MVA]

    Notes
    -----
    Deviation from report: Eqs. (167)-(168) multiply by :math:`PF_d`; apparent power is
    real power divided by the power factor (Eq. 152).

    Examples
    --------
    >>> round(area_peak(15.36, 0.9, 1.0), 4)
    17.0667
    """
    return apparent_peak(density_mw_per_mi2 * area_mi2, power_factor_frac)


@equation(169, section="B.2.5", aliases=(186,))
def greenfield_local_growth_rate(density_ratio_frac: float, greenfield_period_yr: float) -> float:
    r"""Peak demand growth rate of a greenfield substation, :math:`g_{g,s}`.

    Eq. (169), restated with normalized densities as Eq. (186):
    $$g_{g,s} = (\rho_f/\rho_u)^{1/Y_{green}} - 1 = \hat\rho_u^{-1/Y_{green}} - 1$$

    Parameters
    ----------
    density_ratio_frac : :math:`\hat\rho_u = \rho_u/\rho_f` (Tables 8 and 37). [frac]
    greenfield_period_yr : :math:`Y_{green}` (Table 8: 4). [yr]

    Returns
    -------
    :math:`g_{g,s}` [1/yr]

    Examples
    --------
    >>> round(greenfield_local_growth_rate(0.00625, 4), 4)
    2.5566
    """
    if not 0.0 < density_ratio_frac < 1.0:
        raise ValueError(f"density ratio must be within (0, 1) (got {density_ratio_frac})")
    return growth_rate_to_reach(density_ratio_frac, 1.0, greenfield_period_yr)


@equation(171, 179, section="B.2.5")
def greenfield_capacity_factor_at_reclassification(
    marginal_capacity_brownfield_frac: float, reduction_frac: float = 0.0
) -> float:
    r"""Capacity factor of a greenfield substation when it becomes brownfield.

    Eq. (171) (BAU) and Eq. (179) (transactive):
    $$\hat{Peaka}_s(Y_{green}) = \frac{1 - MCap_b}{1 - Rtrx_s}$$

    Parameters
    ----------
    marginal_capacity_brownfield_frac : :math:`MCap_b` (Eq. 159). [frac]
    reduction_frac : :math:`R_{trx_s}`; 0 in BAU cases. [frac]

    Returns
    -------
    :math:`\hat{Peaka}_s(Y_{green})` [frac]

    Examples
    --------
    >>> greenfield_capacity_factor_at_reclassification(0.25)
    0.75
    """
    _check_reduction(reduction_frac)
    return (1.0 - marginal_capacity_brownfield_frac) / (1.0 - reduction_frac)


@equation(175, 182, section="B.2.5")
def greenfield_capacity_factor_at_construction(
    marginal_capacity_brownfield_frac: float, density_ratio_frac: float, reduction_frac: float = 0.0
) -> float:
    r"""Capacity factor of a greenfield substation when it is built.

    Eq. (175) (BAU) and Eq. (182) (transactive):
    $$\hat{Peaka}_s(0) = \frac{(1 - MCap_b)\,\rho_u}{(1 - Rtrx_s)\,\rho_f}$$

    Parameters
    ----------
    marginal_capacity_brownfield_frac : :math:`MCap_b`. [frac]
    density_ratio_frac : :math:`\rho_u/\rho_f`. [frac]
    reduction_frac : :math:`R_{trx_s}`; 0 in BAU cases. [frac]

    Returns
    -------
    :math:`\hat{Peaka}_s(0)` [frac]

    Examples
    --------
    >>> round(greenfield_capacity_factor_at_construction(0.32703, 0.00625), 6)
    0.004206
    """
    return greenfield_capacity_factor_at_reclassification(marginal_capacity_brownfield_frac, reduction_frac) * density_ratio_frac


@equation(176, section="B.2.5")
def greenfield_marginal_capacity_frac(marginal_capacity_brownfield_frac: float, density_ratio_frac: float) -> float:
    r"""Design capacity margin of greenfield substations, :math:`MCap_g`.

    Eq. (176): $$MCap_g = 1 - \hat{Peaka}_s(0) = 1 - (1 - MCap_b)\,\rho_u/\rho_f$$

    Parameters
    ----------
    marginal_capacity_brownfield_frac : :math:`MCap_b`. [frac]
    density_ratio_frac : :math:`\rho_u/\rho_f`. [frac]

    Returns
    -------
    :math:`MCap_g` [frac]

    Examples
    --------
    >>> round(greenfield_marginal_capacity_frac(0.32703, 0.00625), 6)
    0.995794
    """
    return 1.0 - greenfield_capacity_factor_at_construction(marginal_capacity_brownfield_frac, density_ratio_frac)


@equation(177, section="B.2.6")
def transactive_greenfield_capacity(peak_at_first_upgrade_mva: float, reduction_frac: float) -> float:
    r"""Capacity of a greenfield substation built in a transactive case, :math:`Cap_s(0)`.

    Eq. (177): $$Cap_s(0) = Peaka_s(Y_{green} + Y_{design})\,(1 - Rtrx_s)$$

    Parameters
    ----------
    peak_at_first_upgrade_mva : counterfactual peak at the first brownfield upgrade. [MVA]
    reduction_frac : :math:`Rtrx_s`. [frac]

    Returns
    -------
    :math:`Cap_s(0)` [MVA]

    Examples
    --------
    >>> transactive_greenfield_capacity(100.0, 0.1)
    90.0
    """
    return transactive_peak(peak_at_first_upgrade_mva, reduction_frac)


# --- B.3 Service territory -------------------------------------------------------------------


@equation(183, section="B.3.1")
def undeveloped_share(greenfield_share_frac: float, fully_developed_share_frac: float) -> float:
    r"""Undeveloped share of the service territory, :math:`\hat A_u`.

    Eq. (183): $$\hat A_u + \hat A_g + \hat A_f = 1$$

    Parameters
    ----------
    greenfield_share_frac : :math:`\hat A_g` (Eq. 189). [frac]
    fully_developed_share_frac : :math:`\hat A_f` (Table 8). [frac]

    Returns
    -------
    :math:`\hat A_u` [frac]

    Examples
    --------
    >>> round(undeveloped_share(0.02, 0.9), 12)
    0.08
    """
    share = 1.0 - greenfield_share_frac - fully_developed_share_frac
    if share < -1e-12:
        raise ValueError("greenfield and fully developed shares exceed the territory")
    return max(0.0, share)


@equation(184, section="B.3.1")
def normalized_dso_density(shares_frac: tuple[float, float, float], normalized_densities: tuple[float, float, float]) -> float:
    r"""Peak demand density of the whole territory, normalized by the developed density, :math:`\hat\rho`.

    Eq. (184): $$\hat\rho = \hat\rho_u \hat A_u + \hat\rho_g \hat A_g + \hat\rho_f \hat A_f$$

    Parameters
    ----------
    shares_frac : :math:`(\hat A_u, \hat A_g, \hat A_f)`. [frac]
    normalized_densities : :math:`(\hat\rho_u, \hat\rho_g, \hat\rho_f)`. [frac]

    Returns
    -------
    :math:`\hat\rho` [frac]

    Examples
    --------
    >>> normalized_dso_density((0.5, 0.0, 0.5), (0.0, 0.2, 1.0))
    0.5
    """
    return float(sum(a * r for a, r in zip(shares_frac, normalized_densities, strict=True)))


@equation(187, section="B.3.1")
def greenfield_normalized_density(density_ratio_frac: float) -> float:
    r"""Mean normalized peak demand density of greenfield areas, :math:`\hat\rho_g`.

    Eq. (187), the logarithmic mean of Eq. (219):
    $$\hat\rho_g = \frac{\hat\rho_f - \hat\rho_u}{\ln\hat\rho_f - \ln\hat\rho_u}$$

    Parameters
    ----------
    density_ratio_frac : :math:`\hat\rho_u`. [frac]

    Returns
    -------
    :math:`\hat\rho_g` [frac]

    Examples
    --------
    >>> round(greenfield_normalized_density(0.00625), 5)
    0.19581
    """
    return exponential_average_between(density_ratio_frac, 1.0)


@equation(189, section="B.3.2", aliases=(185,))
def greenfield_share(
    greenfield_growth_frac: float,
    local_growth_frac: float,
    greenfield_density: float,
    density_ratio_frac: float,
    fully_developed_share_frac: float,
) -> float:
    r"""Greenfield share of the service territory, :math:`\hat A_g`.

    Eq. (189), solving Eqs. (183)-(185) (Eq. 185: :math:`g_{g,s}\hat\rho_g \hat A_g = g_g \hat\rho`):
    $$\hat A_g = \frac{g_g}{g_{g,s}\hat\rho_g}\,
      \frac{\hat\rho_u(1 - \hat A_f) + \hat\rho_f \hat A_f}{1 + g_g(\hat\rho_u - \hat\rho_g)/(g_{g,s}\hat\rho_g)}$$

    Parameters
    ----------
    greenfield_growth_frac : :math:`g_g`, the DSO's greenfield growth rate (Table 8). [1/yr]
    local_growth_frac : :math:`g_{g,s}` (Eq. 169). [1/yr]
    greenfield_density : :math:`\hat\rho_g` (Eq. 187). [frac]
    density_ratio_frac : :math:`\hat\rho_u`. [frac]
    fully_developed_share_frac : :math:`\hat A_f` (Table 8). [frac]

    Returns
    -------
    :math:`\hat A_g` [frac]

    Examples
    --------
    >>> round(greenfield_share(0.01, 2.5566, 0.19581, 0.00625, 0.90), 5)
    0.01806
    """
    k = greenfield_growth_frac / (local_growth_frac * greenfield_density)
    numerator = density_ratio_frac * (1.0 - fully_developed_share_frac) + fully_developed_share_frac
    return k * numerator / (1.0 + k * (density_ratio_frac - greenfield_density))


# --- B.4 Fleet capacity factors ----------------------------------------------------------------


@equation(190, 195, section="B.4")
def brownfield_fleet_capacity_factor(marginal_capacity_brownfield_frac: float, reduction_frac: float = 0.0) -> float:
    r"""Mean capacity factor of the brownfield substation fleet, :math:`\overline{\hat{Peaka}}_b`.

    Eq. (190) (BAU) and Eq. (195) (transactive): the logarithmic mean (Eq. 219) of the
    capacity factors just after an upgrade, :math:`1 - MCap_b`, and just before the next,
    :math:`1/(1 - Rtrx_b)`:
    $$\overline{\hat{Peaka}}_b = \frac{1/(1 - Rtrx_b) - (1 - MCap_b)}{-\ln(1 - Rtrx_b) - \ln(1 - MCap_b)}
      \;\xrightarrow{R=0}\; \frac{-MCap_b}{\ln(1 - MCap_b)}$$

    Parameters
    ----------
    marginal_capacity_brownfield_frac : :math:`MCap_b` (Eq. 159), in (0, 1). [frac]
    reduction_frac : :math:`Rtrx_b`; 0 in BAU cases. [frac]

    Returns
    -------
    :math:`\overline{\hat{Peaka}}_b` [frac]

    Notes
    -----
    Deviation from report: Eq. (195) is printed with numerator :math:`(1 - MCap_b) -
    1/(1 - Rtrx_b)` over :math:`\ln(1 - Rtrx_b) + \ln(1 - MCap_b)`; both signs flip, so
    the value is the same.

    Examples
    --------
    Table 9, urban DSO: 83%.

    >>> round(brownfield_fleet_capacity_factor(0.32703), 4)
    0.8257
    """
    _check_reduction(reduction_frac)
    return exponential_average_between(1.0 - marginal_capacity_brownfield_frac, 1.0 / (1.0 - reduction_frac))


@equation(191, 196, section="B.4", aliases=(197,))
def greenfield_fleet_capacity_factor(
    marginal_capacity_brownfield_frac: float, density_ratio_frac: float, reduction_frac: float = 0.0
) -> float:
    r"""Mean capacity factor of the greenfield substation fleet, :math:`\overline{\hat{Peaka}}_g`.

    Eq. (191) (BAU), Eqs. (196)-(197) (transactive): the logarithmic mean of the capacity
    factors at construction (Eqs. 175, 182) and at reclassification (Eqs. 171, 179):
    $$\overline{\hat{Peaka}}_g = \frac{(1 - MCap_b)(1 - \rho_u/\rho_f)}{(1 - Rtrx_g)\ln(\rho_f/\rho_u)}$$

    Parameters
    ----------
    marginal_capacity_brownfield_frac : :math:`MCap_b`. [frac]
    density_ratio_frac : :math:`\rho_u/\rho_f`. [frac]
    reduction_frac : :math:`Rtrx_g`; 0 in BAU cases. [frac]

    Returns
    -------
    :math:`\overline{\hat{Peaka}}_g` [frac]

    Examples
    --------
    Table 9, urban DSO: 13%.

    >>> round(greenfield_fleet_capacity_factor(0.32703, 0.00625), 4)
    0.1318
    """
    return exponential_average_between(
        greenfield_capacity_factor_at_construction(marginal_capacity_brownfield_frac, density_ratio_frac, reduction_frac),
        greenfield_capacity_factor_at_reclassification(marginal_capacity_brownfield_frac, reduction_frac),
    )


@equation(193, section="B.4.2")
def effective_brownfield_life(design_life_yr: float, reduction_frac: float, brownfield_growth_frac: float) -> float:
    r"""Effective life of brownfield substations in a transactive case, :math:`Ylife_b`.

    Eq. (193): $$Ylife_b = Y_{design} - \frac{\ln(1 - Rtrx_b)}{\ln(1+g_b)}$$

    Parameters
    ----------
    design_life_yr : :math:`Y_{design}`. [yr]
    reduction_frac : :math:`Rtrx_b`. [frac]
    brownfield_growth_frac : :math:`g_b`. [1/yr]

    Returns
    -------
    :math:`Ylife_b` [yr]

    Examples
    --------
    >>> round(effective_brownfield_life(20, 0.075, 0.02), 3)
    23.937
    """
    return design_life_yr + upgrade_deferral_years(reduction_frac, brownfield_growth_frac)


@equation(194, section="B.4.2")
def mean_brownfield_age(design_life_yr: float, reduction_frac: float, brownfield_growth_frac: float) -> float:
    r"""Mean age of transactive brownfield substations (uniformly distributed ages).

    Eq. (194): $$\overline{Y}_b = \tfrac{1}{2} Ylife_b$$

    Parameters
    ----------
    design_life_yr : :math:`Y_{design}`. [yr]
    reduction_frac : :math:`Rtrx_b`. [frac]
    brownfield_growth_frac : :math:`g_b`. [1/yr]

    Returns
    -------
    Mean age [yr]

    Notes
    -----
    Deviation from report: Eq. (194) is printed ":math:`Ylife_b = \tfrac12 Ylife_b`"; the
    left side is the mean age.

    Examples
    --------
    >>> mean_brownfield_age(20, 0.0, 0.02)
    10.0
    """
    return 0.5 * effective_brownfield_life(design_life_yr, reduction_frac, brownfield_growth_frac)


# --- B.4.4 Capacities by service area -----------------------------------------------------------


@equation(198, section="B.4.4")
def service_territory_area(peak_mw: float, normalized_density: float, developed_density_mw_per_mi2: float) -> float:
    r"""Land area of the DSO's service territory, :math:`A`.

    Eq. (198): $$A = Peakr_d / \rho = Peakr_d / (\hat\rho\,\rho_f)$$

    Parameters
    ----------
    peak_mw : :math:`Peakr_d`. [MW]
    normalized_density : :math:`\hat\rho` (Eq. 184). [frac]
    developed_density_mw_per_mi2 : :math:`\rho_f` (Table 37: 15.36). [MW/mi2]

    Returns
    -------
    :math:`A` [mi2]

    Notes
    -----
    Deviation from report: Eq. (198) is printed for a service-area type, :math:`A_x =
    Peakr_d/\rho_x`; dividing the DSO's peak by one area's density does not give that
    area's land.  The derivation uses it as the territory's area, with the DSO's density
    :math:`\hat\rho`, as here.

    Examples
    --------
    >>> round(service_territory_area(1536.0, 1.0, 15.36), 6)
    100.0
    """
    return peak_mw / (normalized_density * developed_density_mw_per_mi2)


@equation(199, section="B.4.4")
def service_area_peak(normalized_density_x: float, share_x: float, normalized_density: float, peak_mw: float) -> float:
    r"""Real-power peak demand of one service-area type, :math:`Peakr_x`.

    Eq. (199): $$Peakr_x = \rho_x A_x = \hat\rho_x \hat A_x\,Peakr_d / \hat\rho$$

    Parameters
    ----------
    normalized_density_x : :math:`\hat\rho_x`. [frac]
    share_x : :math:`\hat A_x`. [frac]
    normalized_density : :math:`\hat\rho`, the whole territory's (Eq. 184). [frac]
    peak_mw : :math:`Peakr_d`. [MW]

    Returns
    -------
    :math:`Peakr_x` [MW]

    Notes
    -----
    Deviation from report: the last denominator is printed :math:`\hat\rho_x`, which would
    cancel the area's own density; it is the territory's :math:`\hat\rho` (Eq. 198), and
    only that reading reproduces Table 9.

    Examples
    --------
    >>> service_area_peak(1.0, 0.5, 0.5, 100.0)
    100.0
    """
    return normalized_density_x * share_x * peak_mw / normalized_density


@equation(200, section="B.4.4")
def service_area_capacity(peak_mw: float, fleet_capacity_factor: float, power_factor_frac: float) -> float:
    r"""Substation fleet capacity of one service-area type, :math:`Cap_x`.

    Eq. (200): $$Cap_x = \frac{Peakr_x}{\overline{\hat{Peaka}}_x\,PF_d}$$

    Parameters
    ----------
    peak_mw : :math:`Peakr_x` (Eq. 199). [MW]
    fleet_capacity_factor : :math:`\overline{\hat{Peaka}}_x` (Eqs. 190-197). [frac]
    power_factor_frac : :math:`PF_d`. [frac]

    Returns
    -------
    :math:`Cap_x` [MVA]

    Examples
    --------
    >>> round(service_area_capacity(90.0, 0.5, 0.9), 9)
    200.0
    """
    return apparent_peak(peak_mw, power_factor_frac) / fleet_capacity_factor


@equation(201, section="B.4.4")
def total_fleet_capacity(capacities_mva: tuple[float, ...]) -> float:
    r"""Total substation capacity of the DSO, :math:`Cap_d`.

    Eq. (201): $$Cap_d = Cap_u + Cap_g + Cap_f$$

    Parameters
    ----------
    capacities_mva : :math:`(Cap_u, Cap_g, Cap_f)`. [MVA]

    Returns
    -------
    :math:`Cap_d` [MVA]

    Examples
    --------
    >>> total_fleet_capacity((19.0, 835.0, 33897.0))
    34751.0
    """
    return float(sum(capacities_mva))


# --- B.5 Capacity growth rates ---------------------------------------------------------------------


@equation(202, 203, section="B.5.1")
def brownfield_capacity_growth(brownfield_growth_frac: float, capacity_mva: float) -> float:
    r"""Annual capacity added by upgrades in a brownfield service area, as printed.

    Eqs. (202)-(203): $$\dot{Cap}_x = \frac{\max\{0, g_b\}\,\rho_x A_x}{\overline{\hat{Peaka}}_b} = \max\{0, g_b\}\,Cap_x$$
    for :math:`x` = undeveloped (202) and fully developed (203).

    Parameters
    ----------
    brownfield_growth_frac : :math:`g_b`. [1/yr]
    capacity_mva : :math:`Cap_x` (Eq. 200). [MVA]

    Returns
    -------
    :math:`\dot{Cap}_x` [MVA/yr]

    Notes
    -----
    This printed form does not reproduce Table 9; see :func:`brownfield_upgrade_capacity_growth`.

    Examples
    --------
    >>> brownfield_capacity_growth(0.02, 1000.0)
    20.0
    >>> brownfield_capacity_growth(-0.01, 1000.0)
    0.0
    """
    return max(0.0, brownfield_growth_frac) * capacity_mva


def brownfield_upgrade_capacity_growth(
    brownfield_growth_frac: float, peak_mva: float, marginal_capacity_brownfield_frac: float, reduction_frac: float = 0.0
) -> float:
    r"""Annual brownfield upgrade capacity in the reading that reproduces Table 9.

    Eqs. (202)-(203) divide the growth in peak demand by the fleet's mean capacity factor.
    Table 9's annual construction for undeveloped and fully developed areas is instead
    the growth in (net) peak demand divided by :math:`1 - MCap_b`, the capacity factor of
    a just-upgraded substation, as Eq. (206) does for greenfield substations:
    $$\dot{Cap}_x = \frac{\max\{0, g_b\}\,Peaka_x\,(1 - Rtrx_b)}{1 - MCap_b}$$

    Parameters
    ----------
    brownfield_growth_frac : :math:`g_b`. [1/yr]
    peak_mva : :math:`Peaka_x`, the area's BAU apparent peak. [MVA]
    marginal_capacity_brownfield_frac : :math:`MCap_b`. [frac]
    reduction_frac : :math:`Rtrx_b`, by analogy with Eq. (206); 0 in BAU cases. [frac]

    Returns
    -------
    :math:`\dot{Cap}_x` [MVA/yr]

    Examples
    --------
    >>> round(brownfield_upgrade_capacity_growth(0.02, 1000.0, 0.32703), 3)
    29.719
    """
    _check_reduction(reduction_frac)
    return max(0.0, brownfield_growth_frac) * peak_mva * (1.0 - reduction_frac) / (1.0 - marginal_capacity_brownfield_frac)


@equation(204, section="B.5.2")
def greenfield_absorption_rate(greenfield_area: float, greenfield_period_yr: float) -> float:
    r"""Rate at which undeveloped land becomes greenfield, :math:`\dot A_g`.

    Eq. (204): $$\dot A_g = A_g / Y_{green}$$

    Parameters
    ----------
    greenfield_area : :math:`A_g` (or its share :math:`\hat A_g`). [mi2 or frac]
    greenfield_period_yr : :math:`Y_{green}`. [yr]

    Returns
    -------
    :math:`\dot A_g` [unit of ``greenfield_area`` per yr]

    Examples
    --------
    >>> greenfield_absorption_rate(2.0, 4)
    0.5
    """
    return greenfield_area / greenfield_period_yr


@equation(205, section="B.5.2")
def greenfield_peak_growth(
    brownfield_growth_frac: float,
    greenfield_period_yr: float,
    density_ratio_frac: float,
    greenfield_share_frac: float,
    peak_mw: float,
    normalized_density: float,
) -> float:
    r"""Annual growth of peak demand served by new greenfield substations, :math:`\dot{Peak}_g`.

    Eq. (205): $$\dot{Peak}_g = (g_b + 1/Y_{green})\,(\hat\rho_f - \hat\rho_u)\,\hat A_g\,Peak_d / \hat\rho$$

    Parameters
    ----------
    brownfield_growth_frac : :math:`g_b`. [1/yr]
    greenfield_period_yr : :math:`Y_{green}`. [yr]
    density_ratio_frac : :math:`\hat\rho_u`. [frac]
    greenfield_share_frac : :math:`\hat A_g`. [frac]
    peak_mw : :math:`Peak_d`. [MW]
    normalized_density : :math:`\hat\rho`, the territory's. [frac]

    Returns
    -------
    :math:`\dot{Peak}_g` [MW/yr]

    Notes
    -----
    Deviation from report: Eq. (205) divides by :math:`\hat\rho_g`; substituting Eq. (198)
    for the territory's area gives the territory's :math:`\hat\rho`, as here.

    Examples
    --------
    >>> round(greenfield_peak_growth(0.0, 4, 0.0, 0.1, 100.0, 1.0), 9)
    2.5
    """
    rate = brownfield_growth_frac + greenfield_absorption_rate(1.0, greenfield_period_yr)
    return rate * (1.0 - density_ratio_frac) * greenfield_share_frac * peak_mw / normalized_density


@equation(206, section="B.5.2")
def greenfield_capacity_growth(
    peak_growth_mw_per_yr: float, reduction_frac: float, marginal_capacity_brownfield_frac: float, power_factor_frac: float
) -> float:
    r"""Annual capacity of new greenfield substations, :math:`\dot{Cap}_g`.

    Eq. (206): $$\dot{Cap}_g = \frac{\dot{Peak}_g\,(1 - Rtrx_g)}{(1 - MCap_b)\,PF_d}$$

    Parameters
    ----------
    peak_growth_mw_per_yr : :math:`\dot{Peak}_g` (Eq. 205). [MW/yr]
    reduction_frac : :math:`Rtrx_g`. [frac]
    marginal_capacity_brownfield_frac : :math:`MCap_b`. [frac]
    power_factor_frac : :math:`PF_d`. [frac]

    Returns
    -------
    :math:`\dot{Cap}_g` [MVA/yr]

    Examples
    --------
    >>> round(greenfield_capacity_growth(9.0, 0.0, 0.5, 0.9), 9)
    20.0
    """
    _check_reduction(reduction_frac)
    return apparent_peak(peak_growth_mw_per_yr * (1.0 - reduction_frac), power_factor_frac) / (
        1.0 - marginal_capacity_brownfield_frac
    )


# --- The fleet ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FleetParameters:
    """Inputs of the fleet model for one DSO type (Tables 6 and 8, Table 37)."""

    brownfield_growth_frac: float
    greenfield_growth_frac: float
    fully_developed_share_frac: float
    density_ratio_frac: float
    design_life_yr: float
    greenfield_period_yr: float
    power_factor_frac: float


def substation_fleet(
    p: FleetParameters,
    peak_mw: float,
    reduction_frac: float = 0.0,
    brownfield_build: str = "upgrade_capacity_factor",
    greenfield_build_peak: str = "case_peak",
) -> pd.DataFrame:
    """The DSO's substation fleet by service area: shares, peaks, capacity factors, capacities, construction.

    Assembles Eqs. (150)-(206) for one DSO: peak demand ``peak_mw`` (the BAU peak, also in
    transactive cases) and fractional peak reduction ``reduction_frac`` (0 for BAU).
    ``brownfield_build`` selects the annual upgrade capacity: ``fleet_capacity_factor``
    (Eqs. 202-203 as printed) or ``upgrade_capacity_factor`` (the reading that reproduces
    Table 9, :func:`brownfield_upgrade_capacity_growth`).  ``greenfield_build_peak``:
    ``case_peak`` sizes new greenfield capacity for the reduced peak (Eq. 206 as printed);
    ``bau_peak`` keeps it at its BAU value, as the run behind Table 21 did.

    Returns
    -------
    Rows ``undeveloped``, ``greenfield``, ``fully developed`` and ``total``; columns
    area_share_frac, normalized_density, peak_mw, capacity_factor_frac, capacity_mva,
    build_mva_per_yr, build_frac_per_yr.
    """
    mcap = brownfield_marginal_capacity_frac(p.brownfield_growth_frac, p.design_life_yr)
    local = greenfield_local_growth_rate(p.density_ratio_frac, p.greenfield_period_yr)
    rho_g = greenfield_normalized_density(p.density_ratio_frac)
    a_g = greenfield_share(p.greenfield_growth_frac, local, rho_g, p.density_ratio_frac, p.fully_developed_share_frac)
    shares = (undeveloped_share(a_g, p.fully_developed_share_frac), a_g, p.fully_developed_share_frac)
    densities = (p.density_ratio_frac, rho_g, 1.0)
    rho = normalized_dso_density(shares, densities)
    cf_b = brownfield_fleet_capacity_factor(mcap, reduction_frac)
    cfs = (cf_b, greenfield_fleet_capacity_factor(mcap, p.density_ratio_frac, reduction_frac), cf_b)
    peaks = [service_area_peak(d, a, rho, peak_mw) for d, a in zip(densities, shares, strict=True)]
    caps = [service_area_capacity(pk, cf, p.power_factor_frac) for pk, cf in zip(peaks, cfs, strict=True)]
    if brownfield_build == "fleet_capacity_factor":
        upgrades = [brownfield_capacity_growth(p.brownfield_growth_frac, c) for c in (caps[0], caps[2])]
    elif brownfield_build == "upgrade_capacity_factor":
        upgrades = [
            brownfield_upgrade_capacity_growth(
                p.brownfield_growth_frac, apparent_peak(pk, p.power_factor_frac), mcap, reduction_frac
            )
            for pk in (peaks[0], peaks[2])
        ]
    else:
        raise ValueError(f"unknown brownfield_build {brownfield_build!r}")
    growth_g = greenfield_peak_growth(p.brownfield_growth_frac, p.greenfield_period_yr, p.density_ratio_frac, a_g, peak_mw, rho)
    if greenfield_build_peak not in ("case_peak", "bau_peak"):
        raise ValueError(f"unknown greenfield_build_peak {greenfield_build_peak!r}")
    new_reduction = reduction_frac if greenfield_build_peak == "case_peak" else 0.0
    builds = [upgrades[0], greenfield_capacity_growth(growth_g, new_reduction, mcap, p.power_factor_frac), upgrades[1]]
    frame = pd.DataFrame(
        {
            "area_share_frac": shares,
            "normalized_density": densities,
            "peak_mw": peaks,
            "capacity_factor_frac": cfs,
            "capacity_mva": caps,
            "build_mva_per_yr": builds,
        },
        index=pd.Index(AREAS, name="area"),
    )
    total = frame.sum(numeric_only=True)
    total["capacity_factor_frac"] = total["peak_mw"] / p.power_factor_frac / total["capacity_mva"]
    total["normalized_density"] = rho
    frame.loc["total"] = total
    frame["build_frac_per_yr"] = frame["build_mva_per_yr"] / frame["capacity_mva"]
    return frame


@equation(3, section="3.2.1.2")
def substation_count(existing_mva: float, upgrades_mva: float, new_mva: float, average_capacity_mva: float) -> float:
    r"""Number of substations at the end of the year, as printed.

    Eq. (3): $$NoSubs = (Cap_{exist} + Cap_{up} + Cap_{new}) / SubCap_{avg}$$

    Parameters
    ----------
    existing_mva : :math:`Cap_{exist}`. [MVA]
    upgrades_mva : :math:`Cap_{up}`, the year's upgrades. [MVA]
    new_mva : :math:`Cap_{new}`, the year's new substations. [MVA]
    average_capacity_mva : :math:`SubCap_{avg}`, the Table 7 capacity of the DSO type. [MVA]

    Returns
    -------
    :math:`NoSubs` [-]

    Notes
    -----
    Neither Table 9 nor the substation count behind Table 21 follows this form; see
    :func:`substation_count_by_area`.

    Examples
    --------
    >>> substation_count(290.0, 5.0, 5.0, 150.0)
    2.0
    """
    return (existing_mva + upgrades_mva + new_mva) / average_capacity_mva


def substation_count_by_area(capacities_mva: pd.Series, power_factor_frac: float, substation_peak_mw: pd.Series) -> pd.Series:
    r"""Substations per service area as the study counted them (Table 9 and Table 21).

    The original implementation (study-implementation-facts.md) divides each area's
    existing capacity, converted to real power, by a substation peak per area:
    :math:`N_x = Cap_x\,PF / Peak_{sub,x}`.  Table 9's counts follow with 2, 20 and 20 MW
    (undeveloped, greenfield, fully developed); the count behind Table 21 with 8, 40 and
    90 MW.  Compare Eq. (3), :func:`substation_count`.

    Parameters
    ----------
    capacities_mva : existing capacity by area (index: area). [MVA]
    power_factor_frac : :math:`PF`. [frac]
    substation_peak_mw : substation peak by area (same index). [MW]

    Returns
    -------
    Substations by area [-]

    Examples
    --------
    >>> substation_count_by_area(pd.Series({"greenfield": 200.0}), 0.9, pd.Series({"greenfield": 20.0})).tolist()
    [9.0]
    """
    return capacities_mva * power_factor_frac / substation_peak_mw.reindex(capacities_mva.index)


# --- Lifecycles (Figures 10-13) and Table 38 ------------------------------------------------------------


def brownfield_lifecycle(p: FleetParameters, reduction_frac: float = 0.0, years: int = 30) -> pd.DataFrame:
    """One brownfield lifecycle for Figures 10 (BAU) and 11 (transactive), per unit of design capacity.

    The substation is upgraded in year 0 (capacity factor :math:`1 - MCap_b`, Eq. 159);
    its BAU peak grows at :math:`g_b` (Eq. 151) and reaches the capacity in year
    :math:`Y_{design}`; a transactive case defers the next upgrade by Eq. (164).  At the
    upgrade, capacity steps up by the growth of another design life (Eq. 156).

    Returns
    -------
    Columns year, bau_peak_pu, net_peak_pu, capacity_pu (normalized by the capacity
    after the year-0 upgrade).
    """
    mcap = brownfield_marginal_capacity_frac(p.brownfield_growth_frac, p.design_life_yr)
    upgrade_year = p.design_life_yr + upgrade_deferral_years(reduction_frac, p.brownfield_growth_frac)
    t = np.linspace(0.0, float(years), 4 * years + 1)
    bau = (1.0 - mcap) * (1.0 + p.brownfield_growth_frac) ** t
    step = bau[np.searchsorted(t, upgrade_year)] if upgrade_year <= years else 1.0
    capacity = np.where(t < upgrade_year, 1.0, step / (1.0 - mcap))
    return pd.DataFrame({"year": t, "bau_peak_pu": bau, "net_peak_pu": bau * (1.0 - reduction_frac), "capacity_pu": capacity})


def greenfield_lifecycle(p: FleetParameters, reduction_frac: float = 0.0, years: int = 30) -> pd.DataFrame:
    """One greenfield lifecycle for Figures 12 (BAU) and 13 (transactive), per unit of BAU design capacity.

    Built in year 0 at capacity factor Eq. (175) (Eq. 182 transactive, built
    :math:`1 - R` smaller, Eq. 177); the peak grows at :math:`g_{g,s}` (Eq. 169) for
    :math:`Y_{green}` years, then at :math:`g_b`; the first brownfield upgrade comes
    :math:`Y_{design}` years after reclassification.

    Returns
    -------
    Columns year, bau_peak_pu, net_peak_pu, capacity_pu (normalized by the BAU design
    capacity).
    """
    mcap = brownfield_marginal_capacity_frac(p.brownfield_growth_frac, p.design_life_yr)
    local = greenfield_local_growth_rate(p.density_ratio_frac, p.greenfield_period_yr)
    t = np.linspace(0.0, float(years), 4 * years + 1)
    start = greenfield_capacity_factor_at_construction(mcap, p.density_ratio_frac)
    green = np.minimum(t, p.greenfield_period_yr)
    brown = np.maximum(t - p.greenfield_period_yr, 0.0)
    bau = start * (1.0 + local) ** green * (1.0 + p.brownfield_growth_frac) ** brown
    first_upgrade = p.greenfield_period_yr + p.design_life_yr
    built = 1.0 - reduction_frac
    capacity = np.where(t < first_upgrade, built, built * (1.0 + p.brownfield_growth_frac) ** p.design_life_yr)
    return pd.DataFrame({"year": t, "bau_peak_pu": bau, "net_peak_pu": bau * (1.0 - reduction_frac), "capacity_pu": capacity})


def table38(p: FleetParameters, reduction_frac: float) -> pd.DataFrame:
    """Table 38: ages and capacity factors of the brownfield and greenfield fleets, BAU and transactive.

    Returns
    -------
    Rows (characteristic, statistic); columns for the four fleets with their values and
    the report equation giving each (empty where the table states a definition).
    """
    mcap = brownfield_marginal_capacity_frac(p.brownfield_growth_frac, p.design_life_yr)
    r = reduction_frac
    life_trx = effective_brownfield_life(p.design_life_yr, r, p.brownfield_growth_frac)
    ratio = p.density_ratio_frac
    rows = [
        ("Substation ages (yr)", "Newest", (0.0, ""), (0.0, ""), (0.0, ""), (0.0, "")),
        (
            "Substation ages (yr)",
            "Oldest",
            (p.design_life_yr, ""),
            (life_trx, "193"),
            (p.greenfield_period_yr, ""),
            (p.greenfield_period_yr, ""),
        ),
        (
            "Substation ages (yr)",
            "Mean",
            (0.5 * p.design_life_yr, ""),
            (mean_brownfield_age(p.design_life_yr, r, p.brownfield_growth_frac), "194"),
            (0.5 * p.greenfield_period_yr, ""),
            (0.5 * p.greenfield_period_yr, ""),
        ),
        (
            "Capacity factors (-)",
            "Newest",
            (1.0 - mcap, "159"),
            (1.0 - mcap, "159"),
            (greenfield_capacity_factor_at_construction(mcap, ratio), "175"),
            (greenfield_capacity_factor_at_construction(mcap, ratio, r), "182"),
        ),
        (
            "Capacity factors (-)",
            "Oldest",
            (1.0, ""),
            (capacity_factor_at_deferred_upgrade(r), "166"),
            (greenfield_capacity_factor_at_reclassification(mcap), "171"),
            (greenfield_capacity_factor_at_reclassification(mcap, r), "179"),
        ),
        (
            "Capacity factors (-)",
            "Mean",
            (brownfield_fleet_capacity_factor(mcap), "190"),
            (brownfield_fleet_capacity_factor(mcap, r), "195"),
            (greenfield_fleet_capacity_factor(mcap, ratio), "191"),
            (greenfield_fleet_capacity_factor(mcap, ratio, r), "197"),
        ),
    ]
    fleets = ("brownfield_bau", "brownfield_transactive", "greenfield_bau", "greenfield_transactive")
    records = []
    for characteristic, statistic, *cells in rows:
        record: dict[str, object] = {"characteristic": characteristic, "statistic": statistic}
        for fleet, (value, eq) in zip(fleets, cells, strict=True):
            record[fleet] = value
            record[f"{fleet}_equation"] = eq
        records.append(record)
    return pd.DataFrame(records)


def table37_densities(homes: float, acres: float, peak_per_home_kw: float, acres_per_mi2: float) -> float:
    """Peak demand density of a residential area (Table 37): homes per acre x peak per home.

    Parameters
    ----------
    homes, acres : homes on a given number of acres (Table 37). [count], [acre]
    peak_per_home_kw : diversified peak per home (Appendix B.3: 3 kW). [kW]
    acres_per_mi2 : 640. [acre/mi2]

    Returns
    -------
    Peak demand density [MW/mi2]

    Examples
    --------
    >>> round(table37_densities(8, 1, 3, 640), 2)
    15.36
    """
    return homes / acres * peak_per_home_kw * acres_per_mi2 / 1000.0


def lifecycle_check(p: FleetParameters) -> float:
    """Years for a greenfield substation's BAU peak to grow from construction to its design capacity.

    A consistency check of Eqs. (169), (171) and (175): it must equal
    :math:`Y_{green} + Y_{design}`.
    """
    mcap = brownfield_marginal_capacity_frac(p.brownfield_growth_frac, p.design_life_yr)
    local = greenfield_local_growth_rate(p.density_ratio_frac, p.greenfield_period_yr)
    start = greenfield_capacity_factor_at_construction(mcap, p.density_ratio_frac)
    at_reclassification = greenfield_capacity_factor_at_reclassification(mcap)
    return years_to_grow(start, at_reclassification, local) + years_to_grow(at_reclassification, 1.0, p.brownfield_growth_frac)


TABLE38_FORMULAS: dict[tuple[str, str], tuple[str, str, str, str]] = {
    ("Substation ages (yr)", "Newest"): ("0", "0", "0", "0"),
    ("Substation ages (yr)", "Oldest"): (
        r"Y_{design}",
        r"Y_{design} - \frac{\ln(1 - Rtrx_b)}{\ln(1 + g_b)}",
        r"Y_{green}",
        r"Y_{green}",
    ),
    ("Substation ages (yr)", "Mean"): (
        r"\tfrac{1}{2} Y_{design}",
        r"\tfrac{1}{2}\left(Y_{design} - \frac{\ln(1 - Rtrx_b)}{\ln(1 + g_b)}\right)",
        r"\tfrac{1}{2} Y_{green}",
        r"\tfrac{1}{2} Y_{green}",
    ),
    ("Capacity factors (-)", "Newest"): (
        r"1 - MCap_b",
        r"1 - MCap_b",
        r"(1 - MCap_b)\,\rho_u/\rho_f",
        r"\frac{(1 - MCap_b)\,\rho_u}{(1 - Rtrx_g)\,\rho_f}",
    ),
    ("Capacity factors (-)", "Oldest"): (r"1", r"\frac{1}{1 - Rtrx_b}", r"1 - MCap_b", r"\frac{1 - MCap_b}{1 - Rtrx_g}"),
    ("Capacity factors (-)", "Mean"): (
        r"\frac{-MCap_b}{\ln(1 - MCap_b)}",
        r"\frac{(1 - MCap_b) - \frac{1}{1 - Rtrx_b}}{\ln(1 - Rtrx_b) + \ln(1 - MCap_b)}",
        r"\frac{(1 - MCap_b)(1 - \rho_u/\rho_f)}{\ln(\rho_f/\rho_u)}",
        r"\frac{(1 - MCap_b)(1 - \rho_u/\rho_f)}{(1 - Rtrx_g)\ln(\rho_f/\rho_u)}",
    ),
}
"""Closed forms of Table 38, in the order brownfield BAU, brownfield transactive, greenfield BAU, greenfield transactive."""
