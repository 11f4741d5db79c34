"""The system view: every stakeholder's CFS of a case, the Figure 3 flows and the system cost."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dsot import sankey, system
from dsot.cases.cache import default_case
from dsot.provenance import provenance
from dsot.valuation import value_case

BALANCE_KUSD = 1.0
"""The issue's tolerance: every node of Figure 3 balances within $1K."""


@pytest.fixture(scope="module")
def views():
    bau, battery = default_case("bau"), default_case("transactive-batteries")
    bau_valuation = value_case(bau, "study")
    battery_valuation = value_case(battery, "study", bau=bau)
    return {
        "bau": system.system_view(bau, bau_valuation, "study"),
        "transactive-batteries": system.system_view(battery, battery_valuation, "study", bau=bau, bau_valuation=bau_valuation),
    }


@pytest.fixture(scope="module")
def flows(views):
    return {kind: system.cash_flows(view) for kind, view in views.items()}


KINDS = ["bau", "transactive-batteries"]


@pytest.mark.parametrize("kind", KINDS)
def test_every_node_of_figure_3_balances(flows, kind):
    balances = sankey.node_balances(flows[kind])
    inner = balances[balances["role"] == "intermediate"]
    assert len(inner) >= 10
    assert inner["net"].abs().max() <= BALANCE_KUSD, inner
    sources = balances.loc[balances["role"] == "source", "outflow"].sum()
    sinks = balances.loc[balances["role"] == "sink", "inflow"].sum()
    assert sinks == pytest.approx(sources, rel=1e-12)


@pytest.mark.parametrize("kind", KINDS)
def test_customer_bills_equal_dso_retail_revenue_exactly(views, flows, kind):
    view, frame = views[kind], flows[kind]
    bills = frame.loc[(frame["target"] == system.DSOS) & (frame["category"] == "Retail bills"), "value"].sum()
    retail = view.dsos.loc[view.dsos["line"] == "retail_sales", "cash_flow_kusd_per_yr"].sum()
    weighted = float((view.customers["E"] * view.customers["weight"]).sum()) / 1e3
    assert bills == pytest.approx(retail, rel=1e-12)
    assert weighted == pytest.approx(retail, rel=1e-12)


@pytest.mark.parametrize("kind", KINDS)
def test_flows_match_each_stakeholders_cfs(views, flows, kind):
    view, frame = views[kind], flows[kind]
    out_of = frame.groupby("source")["value"].sum()
    into = frame.groupby("target")["value"].sum()
    dso = view.dsos.groupby("line")["cash_flow_kusd_per_yr"].sum()
    assert out_of[system.DSOS] == pytest.approx(dso["capital_expenses"] + dso["operating_expenses"], abs=BALANCE_KUSD)
    transmission = view.transmission_owner.set_index("line")["cash_flow_kusd_per_yr"]
    assert into[system.TRANSMISSION] == pytest.approx(transmission["revenues"], rel=1e-12)
    iso = view.iso.set_index("line")["cash_flow_kusd_per_yr"]
    assert into[system.ISO] == pytest.approx(iso["revenues"], rel=1e-12)
    generators = view.generators[["energy_sales", "capacity_sales", "ancillary_service_sales"]].to_numpy().sum()
    fleet = [n for n in system.TECHNOLOGY_NODES.values() if n in into.index]
    assert into[fleet].sum() == pytest.approx(generators, rel=1e-12)
    assert into[system.CAPITAL] >= dso["capital_expenses"]


@pytest.mark.parametrize("kind", KINDS)
def test_system_cost_is_the_sum_of_terminal_expenses(views, flows, kind):
    cost = system.system_cost(views[kind]).set_index("item")["cost_kusd_per_yr"]
    assert cost["total"] == pytest.approx(cost[["retail_bills", "flexible_assets", "pv_systems", "taxes"]].sum(), rel=1e-12)
    terminal = system.terminal_expenses(flows[kind])
    shortfalls = flows[kind].loc[flows[kind]["source"].str.endswith(": shortfall"), "value"].sum()
    tax_savings = flows[kind].loc[flows[kind]["source"] == "Tax savings", "value"].sum()
    assert terminal.sum() - shortfalls - tax_savings == pytest.approx(cost["total"], abs=BALANCE_KUSD)


def test_bau_has_no_flexible_assets_and_the_battery_case_costs_less(views):
    bau = system.system_cost(views["bau"])
    battery = system.system_cost(views["transactive-batteries"])
    change = system.compare_costs(bau, battery).set_index("item")
    assert change.at["flexible_assets", "bau_kusd_per_yr"] == 0
    assert change.at["flexible_assets", "case_kusd_per_yr"] > 0
    assert change.at["total", "change_pct"] < 0


def test_cost_shares_report_each_claim(views, flows):
    shares = system.cost_shares(views["bau"], flows["bau"])
    assert list(shares["quantity"]) == [
        "capital_share",
        "labour_operations_share",
        "wholesale_energy_share",
        "fuel_variable_om_share",
        "ancillary_services_share",
    ]
    assert shares["computed_pct"].between(0, 100).all()
    terminal = shares.set_index("quantity")["computed_pct"]
    assert terminal[["capital_share", "labour_operations_share", "fuel_variable_om_share"]].sum() <= 100
    assert set(shares["bound"]) == {"about", "below"}


def test_national_extrapolation_is_the_percent_change_times_the_national_cost():
    assert system.national_change_kusd(-5.0, 400e6) == pytest.approx(-20e6)
    with pytest.raises(ValueError, match="finite"):
        system.national_change_kusd(float("nan"), 1.0)


def test_written_files_are_deterministic_and_readable(views, tmp_path):
    view = views["transactive-batteries"]
    record = provenance(view.parameter_set)
    first = system.write_system(view, tmp_path / "a", record)
    system.write_system(view, tmp_path / "b", record)
    assert sorted(p.name for p in first) == sorted(system.SYSTEM_FILES)
    for path in first:
        assert path.read_bytes() == (tmp_path / "b" / path.name).read_bytes(), path.name
    sheets = pd.read_excel(tmp_path / "a" / "stakeholders.xlsx", sheet_name=None)
    assert list(sheets) == [*system.stakeholder_sheets(view, system.cash_flows(view)), "Provenance"]
    assert dict(sheets["Provenance"].to_numpy())["parameter_set"] == view.parameter_set
    dsos = sheets["DSOs"].set_index("line")
    assert dsos.loc["balance", [f"DSO {d}" for d in range(1, 9)]].abs().max() <= 1e-3


# --- the Sankey layout ------------------------------------------------------------------------

SMALL = pd.DataFrame(
    {
        "source": ["income", "income", "a", "a", "b"],
        "target": ["a", "b", "capital", "b", "capital"],
        "value": [3.0, 1.0, 2.0, 1.0, 2.0],
        "category": ["x", "x", "y", "z", "y"],
    }
)


def test_layout_places_flows_left_to_right_and_sizes_nodes_by_value():
    diagram = sankey.layout(SMALL, "$")
    nodes = diagram.nodes.set_index("node")
    assert nodes["stage"].to_dict() == {"income": 0, "a": 1, "b": 2, "capital": 3}
    heights = nodes["y1"] - nodes["y0"]
    np.testing.assert_allclose(heights / nodes["value"], heights.iloc[0] / nodes["value"].iloc[0])
    assert nodes["y1"].max() <= 1 + 1e-12
    for _, link in diagram.links.groupby("link"):
        np.testing.assert_allclose(link["y_bottom"] - link["y_top"], (link["y_bottom"] - link["y_top"]).iloc[0])


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"value": [3.0, -1.0, 2.0, 1.0, 2.0]}, "row 1"),
        ({"value": [3.0, np.nan, 2.0, 1.0, 2.0]}, "not a finite"),
        ({"target": ["a", "income", "capital", "b", "capital"]}, "row 1"),
    ],
)
def test_bad_flows_are_refused_with_the_row(change, message):
    with pytest.raises(ValueError, match=message):
        sankey.layout(SMALL.assign(**change), "$")


def test_cycles_and_self_loops_are_refused():
    with pytest.raises(ValueError, match="itself"):
        sankey.check_flows(SMALL.assign(target=["a", "b", "capital", "b", "b"]))
    cyclic = pd.DataFrame({"source": ["a", "b"], "target": ["b", "a"], "value": [1.0, 1.0], "category": ["x", "x"]})
    with pytest.raises(ValueError, match="cycle"):
        sankey.stages(cyclic)


@given(st.lists(st.floats(0.01, 1e6), min_size=5, max_size=5))
def test_layout_conserves_each_nodes_band_widths(values):
    flows = SMALL.assign(value=values)
    diagram = sankey.layout(flows, "$")
    nodes = diagram.nodes.set_index("node")
    first = diagram.links[diagram.links["x"] == diagram.links.groupby("link")["x"].transform("min")]
    widths = (first["y_bottom"] - first["y_top"]).groupby(first["source"]).sum()
    scale = (nodes["y1"] - nodes["y0"]) / nodes["value"]
    np.testing.assert_allclose(widths, nodes.loc[widths.index, "outflow"] * scale[widths.index], rtol=1e-9)


def test_sankey_chart_renders_to_svg_deterministically():
    import vl_convert as vlc

    chart = sankey.sankey_chart(sankey.layout(SMALL, "$"), "test")
    assert vlc.vegalite_to_svg(chart.to_dict()) == vlc.vegalite_to_svg(chart.to_dict())
