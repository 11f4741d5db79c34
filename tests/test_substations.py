"""Appendix B: substation lifecycles, service territory, fleet capacity factors and growth (Eqs. 150-206)."""

from __future__ import annotations

import math

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from dsot import substations as sb

URBAN = sb.FleetParameters(0.02, 0.01, 0.90, 0.00625, 20, 4, 0.9)  # Table 8 (urban), Table 37 ratio, Table 6 PF
MCAP_URBAN = 1 - 1 / 1.02**20  # Eq. 159 by hand: 0.327029


@pytest.mark.equation(150)
def test_total_growth():
    assert sb.total_growth_rate(0.005, 0.01) == pytest.approx(0.015)  # Table 8 rural: 1.5%


@pytest.mark.equation(152, 153)
def test_apparent_and_transactive_peak():
    assert sb.apparent_peak(90.0, 0.9) == pytest.approx(100.0)
    assert sb.transactive_peak(100.0, 0.25) == 75.0
    with pytest.raises(ValueError, match="power factor"):
        sb.apparent_peak(1.0, 0.0)
    with pytest.raises(ValueError, match=r"within \[0, 1\)"):
        sb.transactive_peak(1.0, 1.0)


@pytest.mark.equation(154, 155, 156, 157, 158, 159)
def test_brownfield_upgrade_sizing():
    added = sb.brownfield_capacity_added(100.0, 0.02, 20)  # 100 (1.02**20 - 1) = 48.5947
    assert added == pytest.approx(48.594740, abs=1e-6)
    capacity = sb.design_capacity(100.0, added)  # Eq. 157 with Cap_s(0) = Peaka_s(0)
    assert sb.marginal_capacity_frac(added, capacity) == pytest.approx(MCAP_URBAN)
    assert sb.brownfield_marginal_capacity_frac(0.02, 20) == pytest.approx(MCAP_URBAN)
    assert sb.capacity_factor(100.0, capacity) == pytest.approx(1 - MCAP_URBAN)
    with pytest.raises(ValueError, match="positive"):
        sb.capacity_factor(1.0, 0.0)


@pytest.mark.equation(160, 161, 162, 163, 164, 165, 166)
def test_upgrade_deferral():
    # Eq. 164: ln(1 / 0.925) / ln(1.02) = 3.937 years for a 7.5% cut at 2% growth (by hand).
    assert sb.upgrade_deferral_years(0.075, 0.02) == pytest.approx(math.log(1 / 0.925) / math.log(1.02))
    # Eq. 163 from the peaks of Eq. 162: Peaka(Y_up) = Peaka(Y_design) / (1 - R).
    assert sb.upgrade_deferral_years_from_peaks(1.0 / 0.925, 1.0, 0.02) == pytest.approx(sb.upgrade_deferral_years(0.075, 0.02))
    assert sb.peak_reduction(200.0, 0.075) == pytest.approx(15.0)  # Eq. 160
    assert sb.capacity_factor_at_deferred_upgrade(0.2) == pytest.approx(1.25)  # Eq. 166
    assert sb.upgrade_deferral_years(0.0, 0.02) == 0.0


@pytest.mark.equation(167, 168, 169, 170, 171, 172, 173, 174, 175, 176, 186)
def test_greenfield_design():
    # Eqs. 167-168: 8 homes/acre x 3 kW x 640 = 15.36 MW/mi2 (Table 37) over 1 mi2, apparent at PF 0.9.
    assert sb.area_peak(15.36, 0.9, 1.0) == pytest.approx(15.36 / 0.9)
    assert sb.greenfield_local_growth_rate(0.00625, 4) == pytest.approx(160**0.25 - 1)  # Eq. 169 / 186
    assert sb.greenfield_capacity_factor_at_reclassification(MCAP_URBAN) == pytest.approx(1 - MCAP_URBAN)  # Eq. 171
    start = sb.greenfield_capacity_factor_at_construction(MCAP_URBAN, 0.00625)  # Eq. 175
    assert start == pytest.approx((1 - MCAP_URBAN) * 0.00625)
    assert sb.greenfield_marginal_capacity_frac(MCAP_URBAN, 0.00625) == pytest.approx(1 - start)  # Eq. 176
    # Eqs. 172-174: growing at g_gs for Y_green years from the construction factor reaches the reclassification factor.
    assert start * (1 + sb.greenfield_local_growth_rate(0.00625, 4)) ** 4 == pytest.approx(1 - MCAP_URBAN)
    with pytest.raises(ValueError, match="density ratio"):
        sb.greenfield_local_growth_rate(1.5, 4)


@pytest.mark.equation(177, 178, 179, 180, 181, 182)
def test_transactive_greenfield_design():
    assert sb.transactive_greenfield_capacity(100.0, 0.1) == pytest.approx(90.0)  # Eq. 177
    assert sb.capacity_factor_at_deferred_upgrade(0.1) == pytest.approx(1 / 0.9)  # Eq. 178
    assert sb.greenfield_capacity_factor_at_reclassification(0.25, 0.25) == pytest.approx(1.0)  # Eq. 179
    # Eqs. 180-182: the construction factor scales by 1 / (1 - R).
    assert sb.greenfield_capacity_factor_at_construction(MCAP_URBAN, 0.00625, 0.1) == pytest.approx(
        sb.greenfield_capacity_factor_at_construction(MCAP_URBAN, 0.00625) / 0.9
    )


@pytest.mark.equation(183, 184, 185, 187, 188, 189)
def test_service_territory_solution():
    rho_g = sb.greenfield_normalized_density(0.00625)  # Eq. 187: (1 - 0.00625) / ln(160) = 0.195807
    assert rho_g == pytest.approx(0.99375 / math.log(160))
    g_gs = sb.greenfield_local_growth_rate(0.00625, 4)
    a_g = sb.greenfield_share(0.01, g_gs, rho_g, 0.00625, 0.90)
    a_u = sb.undeveloped_share(a_g, 0.90)
    rho = sb.normalized_dso_density((a_u, a_g, 0.90), (0.00625, rho_g, 1.0))
    # Eq. 185: the greenfield area's growth equals the DSO's greenfield growth.
    assert g_gs * rho_g * a_g == pytest.approx(0.01 * rho)
    assert a_u + a_g + 0.90 == pytest.approx(1.0)  # Eq. 183
    with pytest.raises(ValueError, match="exceed the territory"):
        sb.undeveloped_share(0.2, 0.9)


@pytest.mark.equation(190, 191, 195, 196, 197)
def test_fleet_capacity_factors_reproduce_table_9():
    # Table 9 capacity factors (%): brownfield 95/91/83, greenfield 18/16/13.
    for g_b, brown, green in [(0.005, 95, 18), (0.01, 91, 16), (0.02, 83, 13)]:
        mcap = sb.brownfield_marginal_capacity_frac(g_b, 20)
        assert round(100 * sb.brownfield_fleet_capacity_factor(mcap)) == brown
        assert round(100 * sb.greenfield_fleet_capacity_factor(mcap, 0.00625)) == green
    # Eq. 190 closed form and Eq. 196 = Eq. 191 / (1 - R).
    assert sb.brownfield_fleet_capacity_factor(MCAP_URBAN) == pytest.approx(-MCAP_URBAN / math.log(1 - MCAP_URBAN))
    assert sb.greenfield_fleet_capacity_factor(MCAP_URBAN, 0.00625, 0.1) == pytest.approx(
        sb.greenfield_fleet_capacity_factor(MCAP_URBAN, 0.00625) / 0.9
    )


@pytest.mark.equation(192, 193, 194)
def test_transactive_brownfield_life():
    extension = sb.upgrade_deferral_years(0.075, 0.02)
    assert sb.effective_brownfield_life(20, 0.075, 0.02) == pytest.approx(20 + extension)
    assert sb.mean_brownfield_age(20, 0.075, 0.02) == pytest.approx((20 + extension) / 2)


@pytest.mark.equation(198, 199, 200, 201)
def test_capacity_by_service_area():
    assert sb.service_territory_area(1536.0, 1.0, 15.36) == pytest.approx(100.0)  # Eq. 198
    assert sb.service_area_peak(1.0, 0.5, 0.5, 100.0) == pytest.approx(100.0)  # Eq. 199
    assert sb.service_area_capacity(90.0, 0.5, 0.9) == pytest.approx(200.0)  # Eq. 200
    assert sb.total_fleet_capacity((1.0, 2.0, 3.0)) == 6.0  # Eq. 201


@pytest.mark.equation(202, 203, 204, 205, 206)
def test_capacity_growth():
    assert sb.brownfield_capacity_growth(0.02, 1000.0) == pytest.approx(20.0)
    assert sb.brownfield_capacity_growth(-0.01, 1000.0) == 0.0
    assert sb.greenfield_absorption_rate(2.0, 4) == 0.5
    assert sb.greenfield_peak_growth(0.0, 4, 0.0, 0.1, 100.0, 1.0) == pytest.approx(2.5)
    assert sb.greenfield_capacity_growth(9.0, 0.0, 0.5, 0.9) == pytest.approx(20.0)
    assert sb.brownfield_upgrade_capacity_growth(0.02, 1000.0, MCAP_URBAN) == pytest.approx(20.0 / (1 - MCAP_URBAN))


def test_fleet_reproduces_table_9_urban_capacities():
    fleet = sb.substation_fleet(URBAN, 25304.0)
    # Table 9, urban (DSO #1): 19, 835, 33,897 and 34,751 MVA.
    assert [round(v) for v in fleet["capacity_mva"]] == [19, 835, 33897, 34751]
    assert fleet.loc["fully developed", "build_mva_per_yr"] == pytest.approx(831.8, abs=0.05)


def test_lifecycles_close():
    assert sb.lifecycle_check(URBAN) == pytest.approx(24.0)  # Y_green + Y_design
    brown = sb.brownfield_lifecycle(URBAN, 0.075)
    upgrade = brown.loc[brown["capacity_pu"] > 1.0, "year"].min()
    assert upgrade == pytest.approx(20 + sb.upgrade_deferral_years(0.075, 0.02), abs=0.25)
    green = sb.greenfield_lifecycle(URBAN)
    assert green.loc[green["year"] == 24.0, "bau_peak_pu"].iloc[0] == pytest.approx(1.0)


def test_table38_values_are_the_closed_forms():
    t38 = sb.table38(URBAN, 0.0).set_index(["characteristic", "statistic"])
    mean_cf = t38.loc[("Capacity factors (-)", "Mean")]
    # At R = 0 the transactive columns equal the BAU ones (B.4.4).
    assert mean_cf["brownfield_transactive"] == pytest.approx(mean_cf["brownfield_bau"])
    assert mean_cf["greenfield_transactive"] == pytest.approx(mean_cf["greenfield_bau"])
    assert set(sb.TABLE38_FORMULAS) == set(t38.index)


def test_substation_counts():
    assert sb.substation_count(290.0, 5.0, 5.0, 150.0) == pytest.approx(2.0)  # Eq. 3


params = st.builds(
    sb.FleetParameters,
    brownfield_growth_frac=st.floats(0.001, 0.05),
    greenfield_growth_frac=st.floats(0.0, 0.12),
    fully_developed_share_frac=st.floats(0.05, 0.95),
    density_ratio_frac=st.floats(0.001, 0.05),
    design_life_yr=st.integers(10, 30),
    greenfield_period_yr=st.integers(2, 8),
    power_factor_frac=st.floats(0.8, 1.0),
)
reduction = st.floats(0.0, 0.3)


def feasible(p: sb.FleetParameters) -> bool:
    """The territory holds its greenfield and developed shares (Eq. 183 with a non-negative undeveloped share)."""
    rho_g = sb.greenfield_normalized_density(p.density_ratio_frac)
    local = sb.greenfield_local_growth_rate(p.density_ratio_frac, p.greenfield_period_yr)
    a_g = sb.greenfield_share(p.greenfield_growth_frac, local, rho_g, p.density_ratio_frac, p.fully_developed_share_frac)
    return 0.0 <= a_g <= 1.0 - p.fully_developed_share_frac


def test_infeasible_territory_is_rejected():
    crowded = sb.FleetParameters(0.01, 0.12, 0.95, 0.01, 20, 4, 0.9)
    assert not feasible(crowded)
    with pytest.raises(ValueError, match="exceed the territory"):
        sb.substation_fleet(crowded, 1000.0)


@given(params, reduction)
@settings(max_examples=80)
def test_fleet_shares_sum_to_one_and_capacity_factors_stay_in_range(p, r):
    assume(feasible(p))
    fleet = sb.substation_fleet(p, 1000.0, r)
    shares = fleet["area_share_frac"].iloc[:3]
    assert shares.sum() == pytest.approx(1.0) and (shares >= 0).all()
    assert fleet["peak_mw"].iloc[:3].sum() == pytest.approx(1000.0)
    mcap = sb.brownfield_marginal_capacity_frac(p.brownfield_growth_frac, p.design_life_yr)
    brown = fleet.loc["fully developed", "capacity_factor_frac"]
    assert 1 - mcap - 1e-12 <= brown <= 1 / (1 - r) + 1e-12  # Table 38: newest to oldest
    green = fleet.loc["greenfield", "capacity_factor_frac"]
    assert sb.greenfield_capacity_factor_at_construction(mcap, p.density_ratio_frac, r) - 1e-12 <= green
    assert green <= sb.greenfield_capacity_factor_at_reclassification(mcap, r) + 1e-12


@given(params, st.lists(reduction, min_size=2, max_size=2))
@settings(max_examples=80)
def test_transactive_fleet_needs_no_more_capacity(p, pair):
    assume(feasible(p))
    low, high = sorted(pair)
    a, b = sb.substation_fleet(p, 1000.0, low), sb.substation_fleet(p, 1000.0, high)
    assert b.loc["total", "capacity_mva"] <= a.loc["total", "capacity_mva"] * (1 + 1e-12)
    assert b.loc["total", "build_mva_per_yr"] <= a.loc["total", "build_mva_per_yr"] * (1 + 1e-12)
