"""Audit rows for Appendix A and Section 2.3: Tables 2, 3, 4, 30 and 31."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from functools import cache
from typing import Any

import pandas as pd

from dsot import accf
from dsot.audit import AuditRow, compared, differs_cause, other_reading, reading_cause
from dsot.params import ParameterSet, data_version, load_published

Version = tuple[str, tuple[tuple[str, int, int], ...]]


@cache
def _load(parameter_set: ParameterSet, _version: Version) -> accf.AccfInputs:
    return accf.load_accf_inputs(parameter_set)


@cache
def _table31_cached(parameter_set: ParameterSet, version: Version) -> pd.DataFrame:
    return accf.table31(_load(parameter_set, version)).set_index(["nominal_owner", "investor", "instrument", "asset_life_yr"])


@cache
def _table2_cached(parameter_set: ParameterSet, version: Version) -> pd.DataFrame:
    return accf.table2(_load(parameter_set, version))


def _inputs(parameter_set: ParameterSet) -> accf.AccfInputs:
    return _load(parameter_set, data_version())


def _table31(parameter_set: ParameterSet) -> pd.DataFrame:
    return _table31_cached(parameter_set, data_version())


def _table2(parameter_set: ParameterSet) -> pd.DataFrame:
    return _table2_cached(parameter_set, data_version())


def _reading(parameter_set: ParameterSet) -> str:
    c = _inputs(parameter_set).conventions
    return (
        f"{parameter_set} reading ({'MACRS' if c.depreciation_method == 'macrs' else 'straight-line'} depreciation; "
        "present values at "
        f"{'k_e' if c.present_value_rate == 'cost_of_equity' else 'k_e with equity, else bounded k (Eq. 83)'}; "
        f"gross-up for {'every taxpayer' if c.revenue_gross_up == 'taxable' else 'equity investors only'})"
    )


def _status_pair(
    value: float, other: float, documented: Decimal, precision: int, parameter_set: ParameterSet, what: str
) -> dict[str, Any]:
    """Cause and explanation when the two readings are compared."""
    explanation = (
        f"{what}; {_reading(parameter_set)} gives {value:.{precision + 3}f}, "
        f"{other_reading(parameter_set)} reading gives {other:.{precision + 3}f}"
    )
    return {
        "cause_if_reproduced": reading_cause(other, documented, precision),
        "cause_if_differs": differs_cause(other, documented, precision, "printed-vs-implemented"),
        "explanation": explanation,
    }


def table31(parameter_set: ParameterSet) -> Iterator[AuditRow]:
    """Table 31: ACCFs without and with sales tax, per owner, investor and instrument."""
    column_of = {"without": "accf_frac", "with": "accf_with_sales_tax_frac"}
    for rec in load_published("table_31_accf").itertuples():
        key = (rec.nominal_owner, rec.investor, rec.instrument, int(rec.asset_life_yr))
        col = column_of[rec.sales_tax]
        value = 100 * float(_table31(parameter_set).at[key, col])
        other = 100 * float(_table31(other_reading(parameter_set)).at[key, col])
        rates = _table31(parameter_set).loc[key]
        what = (
            f"Appendix A procedure with k_e = {100 * rates['cost_of_equity']:.2f}%, k = {100 * rates['investor_rate']:.3f}%, "
            f"present values at {100 * rates['present_value_rate']:.3f}%"
        )
        yield compared(
            "T31",
            f"{rec.nominal_owner} / {rec.investor} / {rec.instrument} / {rec.asset_life_yr} yr",
            f"ACCF {rec.sales_tax} sales tax (%)",
            rec.documented,
            rec.precision,
            value,
            **_status_pair(value, other, rec.documented, rec.precision, parameter_set, what),
        )


def table2(parameter_set: ParameterSet) -> Iterator[AuditRow]:
    """Table 2: ownership-weighted grid ACCFs (Table 36 weights) and income-tax rates."""
    ours, theirs = _table2(parameter_set), _table2(other_reading(parameter_set))
    for rec in load_published("table_02_accf_grid").itertuples():
        mask = (ours["asset_owner"] == rec.asset_owner) & (ours["utility_type"] == rec.utility_type)
        if rec.quantity == "accf":
            mask &= (ours["asset_type"] == rec.asset_type) & (ours["asset_life_yr"] == int(rec.asset_life_yr))
            col, label, row = (
                "accf_frac",
                "ACCF (%)",
                f"{rec.asset_owner} / {rec.utility_type} / {rec.asset_type} / {rec.asset_life_yr} yr",
            )
            what = "Table 36 ownership shares times the Table 31 ACCFs of the four grid investors"
        else:
            col, label, row = "income_tax_frac", "Effective income tax rate (%)", f"{rec.asset_owner} / {rec.utility_type}"
            what = (
                "Table 36 ownership shares times each taxable owner's income-tax rate "
                f"({_inputs(parameter_set).conventions.table2_income_tax_rate} rate in the {parameter_set} reading)"
            )
        value = 100 * float(ours.loc[mask, col].iloc[0])
        other = 100 * float(theirs.loc[mask, col].iloc[0])
        yield compared(
            "T2",
            row,
            label,
            rec.documented,
            rec.precision,
            value,
            **_status_pair(value, other, rec.documented, rec.precision, parameter_set, what),
        )


def table30(parameter_set: ParameterSet) -> Iterator[AuditRow]:
    """Table 30: the effective income-tax rate, Eq. (92) from the federal and state rates."""
    investors = _inputs(parameter_set).investors
    for rec in load_published("table_30_effective_income_tax").itertuples():
        investor = investors[rec.investor]
        federal, state = 100 * investor.federal_income_tax_frac, 100 * investor.state_income_tax_frac
        value = 100 * investor.income_tax_rate_frac
        yield compared(
            "T30",
            rec.investor,
            "Effective income tax (%)",
            rec.documented,
            rec.precision,
            value,
            cause_if_differs="typo",
            explanation=f"Eq. (92) with Table 30's rates: {federal:g}% + {state:g}% x (1 - {federal:g}%)",
        )


def _customer_rows(ref: str, name: str, key: str, column: str, parameter_set: ParameterSet) -> Iterator[AuditRow]:
    published = load_published(name)
    check = accf.customer_accf_check(_inputs(parameter_set), published, key)
    for rec, chk in zip(published.itertuples(), check.itertuples(), strict=True):
        ctype = getattr(rec, key)
        occupants = "owner" if chk.sector == "residential" else "business"
        explanation = (
            f"The {occupants} and new-construction shares of {ctype} customers are not published. "
            f"For any shares, Tables 31-{'33' if chk.sector == 'residential' else '35'} put this ACCF within "
            f"[{100 * chk.min_frac:.2f}, {100 * chk.max_frac:.2f}]%; the printed {rec.value}% lies "
            f"{'inside' if chk.inside else 'outside'} that range. Least-squares shares for all {ctype} assets "
            f"({occupants} {100 * chk.owner_share_frac:.1f}%, new {100 * chk.new_share_frac:.1f}%) give "
            f"{100 * chk.fitted_frac:.2f}% (residual {chk.residual_pp:+.2f} pp); the published value is used as "
            "the documented input."
        )
        yield AuditRow(
            ref=ref,
            row=f"{ctype} / {rec.asset}",
            column=column,
            documented=str(rec.documented),
            reproduced="",
            precision=rec.precision,
            status="not-computable",
            cause="missing-input" if chk.inside else "inconsistent-tables",
            explanation=explanation,
        )


def table3(parameter_set: ParameterSet) -> Iterator[AuditRow]:
    """Table 3: residential ACCFs (not computable: occupancy shares unpublished)."""
    return _customer_rows("T3", "table_03_accf_residential", "customer_type", "ACCF (%)", parameter_set)


def table4(parameter_set: ParameterSet) -> Iterator[AuditRow]:
    """Table 4: commercial ACCFs (not computable: occupancy shares unpublished)."""
    return _customer_rows("T4", "table_04_accf_commercial", "building_type", "Population-weighted ACCF (%)", parameter_set)
