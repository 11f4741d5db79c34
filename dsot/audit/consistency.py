"""Internal checks: the report's printed numbers against each other.

Each row compares a printed total, difference, percentage or share (``documented``)
with the value its printed parts give (``reproduced``); nothing comes from the model, so
the rows are the same under both parameter sets.  The column names the relation and
starts with :data:`dsot.audit.INTERNAL_CHECK`.  A row is

``reproduced``
    when the parts give the printed value at its printed precision;
``differs`` with cause ``rounding``
    when they do not, but the printed value lies within what the rounding of the parts
    allows (each part anywhere within half a unit of its last printed digit);
``differs`` with cause ``inconsistent-tables``
    when no rounding of the parts gives it: the report contradicts itself.

Table 21 prints 100% (or 0.00%) as the change of a line whose BAU value is zero; that
ratio is undefined, so those cells are not checked here.  Table 25 has no totals, shares
or other relations between its cells, so it has no internal check.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from decimal import Decimal

import pandas as pd

from dsot.audit import INTERNAL_CHECK, AuditRow, Cause, Status, format_reproduced, matches_printed
from dsot.cfs import dso as cfs
from dsot.params import ParameterSet, load_published

Part = tuple[Decimal, int]
"""A printed number and its printed decimals."""


def half_unit(precision: int) -> float:
    """Half a unit of the last printed digit: the rounding error of a printed number.

    >>> half_unit(2)
    0.005
    """
    return 0.5 * 10.0**-precision


def relation_range(function: Callable[..., float], parts: Sequence[Part]) -> tuple[float, float, float]:
    """Value of ``function`` at the printed parts and its range over their rounding intervals.

    Every part may lie anywhere within half a unit of its last printed digit; the range
    is taken over the corners of that box, exact for the sums, differences, products
    and quotients checked here (monotone in each part where the denominator keeps its
    sign).

    >>> [round(x, 4) for x in relation_range(lambda a, b: a / b, [(Decimal("14.8"), 1), (Decimal("29"), 0)])]
    [0.5103, 0.5, 0.5211]
    """
    values = [float(v) for v, _ in parts]
    corners = [
        function(*(v + s * half_unit(p) for v, s, (_, p) in zip(values, signs, parts, strict=True)))
        for signs in itertools.product((-1.0, 1.0), repeat=len(parts))
    ]
    return function(*values), min(corners), max(corners)


def linear_range(parts: Sequence[Part], weights: Sequence[float]) -> tuple[float, float, float]:
    """Weighted sum of printed parts and its range over their rounding (for sums of many parts).

    >>> linear_range([(Decimal("74"), 0), (Decimal("29"), 0), (Decimal("1321"), 0)], [1, 1, 1])
    (1424.0, 1422.5, 1425.5)
    """
    value = sum(w * float(v) for (v, _), w in zip(parts, weights, strict=True))
    slack = sum(abs(w) * half_unit(p) for (_, p), w in zip(parts, weights, strict=True))
    return value, value - slack, value + slack


def check_row(
    ref: str,
    row: str,
    relation: str,
    printed: Part,
    computed: tuple[float, float, float],
    formula: str,
) -> AuditRow:
    """An internal-check row: the printed value against the value and rounding range its printed parts give."""
    documented, precision = printed
    value, low, high = computed
    allowed = half_unit(precision)
    if matches_printed(value, documented, precision):
        status: Status = "reproduced"
        cause: Cause = ""
        verdict = "the printed value follows from its printed parts"
    elif low - allowed - 1e-9 <= float(documented) <= high + allowed + 1e-9:
        status, cause = "differs", "rounding"
        verdict = "the printed value lies within what the rounding of the printed parts allows"
    else:
        status, cause = "differs", "inconsistent-tables"
        verdict = "no rounding of the printed parts gives the printed value: the report contradicts itself"
    explanation = (
        f"{formula} = {value:,.{precision + 3}f} from the printed parts (their rounding allows "
        f"{low:,.{precision + 3}f} to {high:,.{precision + 3}f}); printed {documented}: {verdict}"
    )
    return AuditRow(
        ref, row, INTERNAL_CHECK + relation, str(documented), format_reproduced(value, precision), precision,
        status, cause, explanation,
    )  # fmt: skip


def _printed(frame: pd.DataFrame, keys: list[str]) -> dict[tuple[str, ...], Part]:
    return {tuple(str(rec[k]) for k in keys): (rec["documented"], int(rec["precision"])) for _, rec in frame.iterrows()}


def _sum_row(ref: str, row: str, relation: str, total: Part, parts: Sequence[Part], names: Sequence[str]) -> AuditRow:
    formula = " + ".join(f"{n} ({v})" for n, (v, _) in zip(names, parts, strict=True))
    return check_row(ref, row, relation, total, linear_range(parts, [1.0] * len(parts)), formula)


# --- Table 21: DSO #1's cash-flow statement ------------------------------------------------------

T21_CASES = {"bau": "BAU ($K/yr)", "battery": "Batteries ($K/yr)", "difference": "Difference ($K/yr)"}
"""Table 21's columns of dollars, by published ``case``."""


def table21(parameter_set: ParameterSet) -> Iterator[AuditRow]:
    """Table 21: parents against their printed sub-lines, differences, percentages and the balance."""
    del parameter_set  # printed numbers only
    printed = _printed(load_published("table_21_dso1_cfs"), ["line", "case"])
    lines = cfs.cfs_lines().set_index("line")
    label = lines["label"].to_dict()
    for parent in lines.index:
        children = [c for c in lines.index[lines["parent"] == parent] if (c, "bau") in printed]
        for case, case_label in T21_CASES.items():
            if children and (parent, case) in printed and all((c, case) in printed for c in children):
                yield _sum_row(
                    "T21", label[parent], f"{case_label} = sum of its printed sub-lines", printed[(parent, case)],
                    [printed[(c, case)] for c in children], [label[c] for c in children],
                )  # fmt: skip
    for line in lines.index:
        if not all((line, case) in printed for case in ("bau", "battery", "difference")):
            continue
        bau, battery = printed[(line, "bau")], printed[(line, "battery")]
        yield check_row(
            "T21", label[line], "Difference ($K/yr) = Batteries - BAU", printed[(line, "difference")],
            relation_range(lambda b, a: b - a, [battery, bau]), f"{battery[0]} - ({bau[0]})",
        )  # fmt: skip
        if (line, "difference_pct") in printed and bau[0] != 0:
            difference = printed[(line, "difference")]
            yield check_row(
                "T21", label[line], "Difference (%) = Difference / BAU", printed[(line, "difference_pct")],
                relation_range(lambda d, a: 100.0 * d / a, [difference, bau]), f"100 x {difference[0]} / ({bau[0]})",
            )  # fmt: skip
    for case in ("bau", "battery"):
        parts = [printed[("revenues", case)], printed[("capital_expenses", case)], printed[("operating_expenses", case)]]
        yield check_row(
            "T21", label["balance"], f"{T21_CASES[case]} = Revenues - Capital Expenses - Operating Expenses",
            printed[("balance", case)], linear_range(parts, [1.0, -1.0, -1.0]),
            f"{parts[0][0]} - {parts[1][0]} - {parts[2][0]}",
        )  # fmt: skip


# --- Table 9: substation fleets ------------------------------------------------------------------

T9_SUMS = {
    "capacity": "Existing capacity (MVA) = sum over service areas",
    "substations": "Existing substations = sum over service areas",
    "construction": "Annual construction (MVA/yr) = sum over service areas",
    "substations_per_yr": "New substations (1/yr) = sum over service areas",
}
"""Table 9's quantities whose total row is the sum of its service areas."""

AREAS = ("undeveloped", "greenfield", "fully developed")


def table9(parameter_set: ParameterSet) -> Iterator[AuditRow]:
    """Table 9: totals against the sum of the service areas, and construction in %/yr against MVA/yr over capacity."""
    del parameter_set  # printed numbers only
    printed = _printed(load_published("table_09_substation_fleets"), ["dso_type", "area", "quantity"])
    for dso_type in dict.fromkeys(k[0] for k in printed):
        for quantity, relation in T9_SUMS.items():
            parts = [printed[(dso_type, a, quantity)] for a in AREAS]
            yield _sum_row("T9", f"{dso_type} / total", relation, printed[(dso_type, "total", quantity)], parts, AREAS)
        for area in (*AREAS, "total"):
            build, capacity = printed[(dso_type, area, "construction")], printed[(dso_type, area, "capacity")]
            yield check_row(
                "T9", f"{dso_type} / {area}", "Annual construction (%/yr) = MVA/yr / existing capacity",
                printed[(dso_type, area, "construction_pct")],
                relation_range(lambda b, c: 100.0 * b / c, [build, capacity]), f"100 x {build[0]} / {capacity[0]}",
            )  # fmt: skip


# --- Tables 17 and 42: employee model aggregates --------------------------------------------------

T17_GROUPS = (
    "Administration and Business Labor",
    "Engineering Operations Labor (incl. COO)",
    "Retail Operations Labor (incl. CRO)",
)
T17_COEFFICIENTS = {
    "constant": "Constant a",
    "per_1000_customers": "Per 1K Cust. b",
    "per_root_1000_customers": "(Per 1K Cust.)^1/2 c",
    "per_substation": "Per Sub. d",
}


def table17(parameter_set: ParameterSet) -> Iterator[AuditRow]:
    """Table 17: the utility total against the sum of its three labour groups, coefficient by coefficient."""
    del parameter_set  # printed numbers only
    printed = _printed(load_published("table_17_employees_model"), ["row", "coefficient"])
    for coefficient, label in T17_COEFFICIENTS.items():
        yield _sum_row(
            "T17", "Utility Total", f"{label} = sum of the three labour groups", printed[("Utility Total", coefficient)],
            [printed[(g, coefficient)] for g in T17_GROUPS], T17_GROUPS,
        )  # fmt: skip


ADMIN = "Administration and Business Labor"
ENGINEERING = "Engineering Operations Labor (incl. COO)"
RETAIL = "Retail Operations Labor (incl. CRO)"
ENGINEERING_SHARE = "Engineering Ops. Share of Admin and Business"
RETAIL_SHARE = "Retail Operations Share of Admin and Business"
T42_SUMS = (
    ("Engineering Control Total", (ENGINEERING_SHARE, ENGINEERING), "engineering share of administration + engineering labour"),
    ("Retail Control Total", (RETAIL_SHARE, RETAIL), "retail share of administration + retail labour"),
    (ADMIN, (ENGINEERING_SHARE, RETAIL_SHARE), "engineering share + retail share"),
    ("Utility Total", ("Engineering Control Total", "Retail Control Total"), "engineering + retail control totals"),
)
"""Table 42's rows that are sums of other printed rows: (row, parts, relation)."""
T42_SHARES = ((ENGINEERING_SHARE, Decimal("43")), (RETAIL_SHARE, Decimal("57")))
"""Table 42's share rows and the percentage printed in their labels."""


def table42(parameter_set: ParameterSet) -> Iterator[AuditRow]:
    """Table 42 (with Table 41): control totals, the 43%/57% split of administration, and Table 41's coefficients."""
    del parameter_set  # printed numbers only
    printed = _printed(load_published("table_17_42_aggregates"), ["group", "coefficient"])
    coefficients = [c for c in T17_COEFFICIENTS if (ADMIN, c) in printed]
    for (row, parts, relation), coefficient in itertools.product(T42_SUMS, coefficients):
        yield _sum_row(
            "T42", row, f"{coefficient} = {relation}", printed[(row, coefficient)],
            [printed[(p, coefficient)] for p in parts], parts,
        )  # fmt: skip
    for (row, share), coefficient in itertools.product(T42_SHARES, coefficients):
        admin = printed[(ADMIN, coefficient)]
        yield check_row(
            "T42", row, f"{coefficient} = {share}% (printed in the row label) x administration", printed[(row, coefficient)],
            relation_range(lambda s, a: s / 100.0 * a, [(share, 0), admin]), f"{share}% x {admin[0]}",
        )  # fmt: skip
    yield from _table41_against_42(printed)


def _table41_against_42(printed: dict[tuple[str, ...], Part]) -> Iterator[AuditRow]:
    """Appendix D: Table 41's b and m1 are the engineering and retail control totals; retail bears 57%."""
    t41 = _printed(load_published("table_41_employee_regression"), ["variable", "quantity"])
    b, m1 = t41[("Constant", "coefficient")], t41[("Retail", "coefficient")]
    engineering, retail = (
        printed[("Engineering Control Total", "per_1000_customers")],
        printed[("Retail Control Total", "per_1000_customers")],
    )
    for name, coefficient, total in (("b", b, engineering), ("m1", m1, retail)):
        yield check_row(
            "T42", f"Table 41 coefficient {name}", f"{name} = control total per 1K customers of Table 42",
            coefficient, relation_range(lambda t: t, [total]), f"Table 42's {total[0]}",
        )  # fmt: skip
    yield check_row(
        "T42", "Retail share of administration (%)", "57% = m1 / (b + m1) of Table 41", (Decimal("57"), 0),
        relation_range(lambda m, c: 100.0 * m / (m + c), [m1, b]), f"100 x {m1[0]} / ({b[0]} + {m1[0]})",
    )  # fmt: skip


# --- Tables 2, 30 and 31: ACCFs ------------------------------------------------------------------


def _taxation() -> tuple[dict[tuple[str, ...], Part], dict[tuple[str, ...], Part]]:
    return (
        _printed(load_published("table_30_investor_taxation"), ["investor", "quantity"]),
        _printed(load_published("table_30_effective_income_tax"), ["investor"]),
    )


def table2(parameter_set: ParameterSet) -> Iterator[AuditRow]:
    """Table 2 against Table 36's ownership shares of Table 31's ACCFs and Table 30's effective tax rates."""
    del parameter_set  # printed numbers only
    t2 = load_published("table_02_accf_grid")
    t31 = _printed(load_published("table_31_accf"), ["investor", "instrument", "asset_life_yr", "sales_tax"])
    t36 = load_published("table_36_grid_ownership")
    taxation, effective = _taxation()
    for _, rec in t2.iterrows():
        owners = t36[(t36["asset_owner"] == rec["asset_owner"]) & (t36["utility_type"] == rec["utility_type"])]
        shares: list[Part] = [(o["documented"], int(o["precision"])) for _, o in owners.iterrows()]
        if rec["quantity"] == "accf":
            life = str(rec["asset_life_yr"])
            parts = [t31[(o["investor"], o["instrument"], life, "without")] for _, o in owners.iterrows()]
            row = f"{rec['asset_owner']} / {rec['utility_type']} / {rec['asset_type']} / {life} yr"
            relation, what = "ACCF (%) = Table 36 shares x Table 31 ACCFs", "ACCF"
        else:
            zero: Part = (Decimal("0.00"), 2)
            parts = [
                effective.get((o["investor"],), zero) if taxation[(o["investor"], "pays_income_tax")][0] else zero
                for _, o in owners.iterrows()
            ]
            row = f"{rec['asset_owner']} / {rec['utility_type']}"
            relation, what = "Effective income tax rate (%) = Table 36 shares x Table 30 effective rates", "tax rate"
        names = [
            f"{o['investor']} {s[0]}% x {what} {p[0]}" for (_, o), s, p in zip(owners.iterrows(), shares, parts, strict=True)
        ]

        def weighted(*values: float, n: int = len(parts)) -> float:
            return sum(s * v for s, v in zip(values[:n], values[n:], strict=True)) / 100.0

        checked = check_row(
            "T2", row, relation, (rec["documented"], int(rec["precision"])),
            relation_range(weighted, [*shares, *parts]), " + ".join(names),
        )  # fmt: skip
        if rec["quantity"] != "accf" and checked.status != "reproduced":
            federal = sum(
                float(s[0]) * float(taxation[(o["investor"], "federal_income_tax")][0]) / 100.0
                for (_, o), s in zip(owners.iterrows(), shares, strict=True)
                if taxation[(o["investor"], "pays_income_tax")][0]
            )
            checked = replace(
                checked,
                explanation=f"{checked.explanation}. With Table 30's federal rate instead of its effective rate the shares "
                f"give {federal:.3f}%, the printed value: the column Table 2 calls effective holds the federal rate "
                "(as the study's table2_income_tax_rate convention does)",
            )
        yield checked


def table31(parameter_set: ParameterSet) -> Iterator[AuditRow]:
    """Table 31: each ACCF with sales tax against the ACCF without it times 1 + Table 30's sales tax of the investor."""
    del parameter_set  # printed numbers only
    printed = _printed(load_published("table_31_accf"), ["nominal_owner", "investor", "instrument", "asset_life_yr", "sales_tax"])
    taxation, _ = _taxation()
    for owner, investor, instrument, life, kind in printed:
        if kind != "with":
            continue
        without, tax = printed[(owner, investor, instrument, life, "without")], taxation[(investor, "sales_tax")]
        yield check_row(
            "T31", f"{owner} / {investor} / {instrument} / {life} yr",
            "ACCF with sales tax (%) = ACCF without x (1 + Table 30 sales tax)",
            printed[(owner, investor, instrument, life, kind)],
            relation_range(lambda a, t: a * (1.0 + t / 100.0), [without, tax]), f"{without[0]} x (1 + {tax[0]}%)",
        )  # fmt: skip


# --- Shares that must add up to 100% and simple totals -----------------------------------------------

HUNDRED: Part = (Decimal("100"), 0)


def table23(parameter_set: ParameterSet) -> Iterator[AuditRow]:
    """Table 23: business and public/nonprofit occupancy add up to 100% for every building type."""
    del parameter_set  # printed numbers only
    printed = _printed(load_published("table_23_tax_deductions"), ["building_type", "quantity"])
    for building in dict.fromkeys(k[0] for k in printed):
        parts = [printed[(building, "business_occupancy")], printed[(building, "nonprofit_occupancy")]]
        yield _sum_row(
            "T23", building, "Occupancy (%) = business + public/nonprofit = 100", HUNDRED, parts, ("business", "public/nonprofit")
        )


def table29(parameter_set: ParameterSet) -> Iterator[AuditRow]:
    """Table 29: equity and debt + cash add up to 100% for every investor."""
    del parameter_set  # printed numbers only
    printed = _printed(load_published("table_29_investor_capitalization"), ["investor", "quantity"])
    for investor in dict.fromkeys(k[0] for k in printed):
        parts = [printed[(investor, "equity_share")], printed[(investor, "debt_and_cash_share")]]
        yield _sum_row(
            "T29", investor, "Capitalization (%) = equity + debt and cash = 100", HUNDRED, parts, ("equity", "debt + cash")
        )


def table36(parameter_set: ParameterSet) -> Iterator[AuditRow]:
    """Table 36: the ownership shares of each kind of grid asset add up to 100%."""
    del parameter_set  # printed numbers only
    t36 = load_published("table_36_grid_ownership")
    for (owner, utility), group in t36.groupby(["asset_owner", "utility_type"], sort=False):
        parts = [(d, int(p)) for d, p in zip(group["documented"], group["precision"], strict=True)]
        yield _sum_row(
            "T36", f"{owner} / {utility}", "Ownership (%) = sum over investors = 100", HUNDRED, parts, list(group["investor"])
        )


def table13(parameter_set: ParameterSet) -> Iterator[AuditRow]:
    """Table 13: each modelled total against modelled meters + network."""
    del parameter_set  # printed numbers only
    printed = _printed(load_published("table_13_ami_costs"), ["utility", "quantity"])
    for utility in dict.fromkeys(k[0] for k in printed):
        parts = [printed[(utility, "meters_kusd")], printed[(utility, "network_kusd")]]
        yield _sum_row(
            "T13",
            utility,
            "Modelled total ($K) = meters + network",
            printed[(utility, "total_kusd")],
            parts,
            ("meters", "network"),
        )


def table39(parameter_set: ParameterSet) -> Iterator[AuditRow]:
    """Table 39: the total FTE against the sum of the levels."""
    del parameter_set  # printed numbers only
    t39 = load_published("table_39_teams")
    fte = t39[t39["quantity"] == "fte"].set_index("level")
    levels = [lv for lv in fte.index if lv != "total"]
    parts = [(fte.at[lv, "documented"], int(fte.at[lv, "precision"])) for lv in levels]
    total = (fte.at["total", "documented"], int(fte.at["total", "precision"]))
    yield _sum_row("T39", "level total", "FTE = sum over levels", total, parts, [f"level {lv}" for lv in levels])
