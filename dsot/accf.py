r"""Annualized capital cost factors (ACCFs): Appendix A.1.4-A.1.5 assembled and Appendix A.2.

The ACCF of an investment is the levelized annual cost of its capital (debt service,
cash, returns to equity and the taxes on them, net of the tax value of depreciation
and interest deductions) per unit of the first cost.  This module

* derives an investor's financing from Tables 28-30 (:func:`financing_for`),
* computes the discount rates (Eqs. 78-83), the present value of :math:`EBIT_t`
  (Eq. 138), the required revenue (Eq. 135) and the investor's levelized line items
  (Eqs. 140-148), and
* aggregates them into Table 31 (per instrument), Table 2 (ownership-weighted grid
  ACCFs, Table 36) and the bounds that Tables 32-35 put on Tables 3 and 4.

Two readings are available (``data/parameters/accf_conventions.csv``):

``printed``
    the appendix as printed: straight-line depreciation (Eq. 117), every present value
    at :math:`k_e` (Eq. 78, so :math:`k_d\,D/V` without equity), revenue grossed up by
    :math:`1/(1-T_i)` for every taxpayer (Eq. 135).
``study``
    what reproduces Tables 2 and 31: MACRS depreciation, present values at :math:`k_e`
    for equity-financed investors and at the bounded after-tax rate :math:`k`
    (Eq. 83) for the others, gross-up only where there is equity.

Both readings read Eq. (80) with :math:`k_e\,E/V`, include :math:`CSH_A` in
:math:`CAP_A` (Eq. 147) and treat third-party leases as loans; see the notes of the
functions concerned.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from dsot import finance as fin
from dsot.params import (
    ParameterError,
    ParameterSet,
    load_parameters,
    parameter_row,
    parameter_text,
    parameter_value,
)
from dsot.registry import equation
from dsot.vocab import (
    COMMERCIAL_BUILDING_TYPES,
    COMMERCIAL_OCCUPANTS,
    CONSTRUCTIONS,
    RESIDENTIAL_CUSTOMER_TYPES,
    RESIDENTIAL_OCCUPANTS,
    DepreciationMethod,
    PresentValueRate,
    RevenueGrossUp,
    Table2IncomeTaxRate,
)

# --- Inputs ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Instrument:
    """A financial instrument of Table 28."""

    name: str
    interest_rate_frac: float
    """:math:`k_d` [1/yr]"""
    debt_term_yr: int
    """:math:`N_d` [yr]"""
    cash_fraction_frac: float
    """Share of the instrument's financing paid in cash [frac]"""
    uses_bonds: bool
    """BONDS of Eq. (137): bonds (True) or an amortizing loan (False)"""
    discount_rate_cap_frac: float | None
    """:math:`k_{up}` of Eq. (81) where the report caps the discount rate [1/yr]"""


@dataclass(frozen=True)
class Investor:
    """An investor type of Tables 29 and 30."""

    name: str
    equity_share_frac: float
    """:math:`E/V` (0 for investors without equity financing) [frac]"""
    equity_return_frac: float
    """:math:`k_{roi}` [1/yr]"""
    income_tax_rate_frac: float
    """:math:`T_i` from Eq. (92); 0 if the investor pays no income tax [frac]"""
    federal_income_tax_frac: float
    """:math:`\\tau_f`; 0 if the investor pays no income tax [frac]"""
    state_income_tax_frac: float
    """:math:`\\tau_s`; 0 if the investor pays no income tax [frac]"""
    deducts_interest: bool
    sales_tax_frac: float
    """Sales tax on capital purchases; 0 if not taxed on capital [frac]"""


@dataclass(frozen=True)
class AccfConventions:
    """How Appendix A is read (one parameter set of ``accf_conventions.csv``)."""

    parameter_set: ParameterSet
    depreciation_method: DepreciationMethod
    present_value_rate: PresentValueRate
    revenue_gross_up: RevenueGrossUp
    table2_income_tax_rate: Table2IncomeTaxRate
    discount_rate_floor_frac: float
    """:math:`k_{low}` [1/yr]"""
    om_fraction: float
    """:math:`\\beta_0` [1/yr]"""
    other_taxes_fraction: float
    """:math:`\\beta_1` [1/yr]"""
    insurance_fraction: float
    """:math:`\\beta_2` [1/yr]"""
    om_escalation_rate_frac: float
    """:math:`g_x` [1/yr]"""


@dataclass(frozen=True)
class AccfInputs:
    """Everything Appendix A.2 needs, loaded from ``data/parameters``."""

    conventions: AccfConventions
    instruments: dict[str, Instrument]
    investors: dict[str, Investor]
    owner_instruments: pd.DataFrame
    """Table 31's structure: nominal_owner, investor, instrument, asset_life_yr."""
    grid_ownership: pd.DataFrame
    """Table 36: asset_owner, utility_type, investor, instrument, share_frac."""
    grid_assets: pd.DataFrame
    """Table 2's asset classes: asset_owner, utility_type, asset_type, asset_life_yr."""
    customer_instruments: pd.DataFrame
    """Tables 32-35: occupant, asset, construction, instrument, share_frac."""


def _flag(frame: pd.DataFrame, parameter: str, **dims: str) -> bool:
    return parameter_value(frame, parameter, **dims) == 1.0


def _instruments(frame: pd.DataFrame) -> dict[str, Instrument]:
    out: dict[str, Instrument] = {}
    for name in dict.fromkeys(frame["instrument"]):
        cap = frame[(frame["parameter"] == "discount_rate_cap") & (frame["instrument"] == name)]
        term = parameter_value(frame, "debt_term", instrument=name)
        if term != int(term):
            row = parameter_row(frame, "debt_term", instrument=name)["row"]
            raise ParameterError(
                f"data/parameters/finance_instruments.csv, row {row}, column 'value': debt term must be whole years"
            )
        out[name] = Instrument(
            name=name,
            interest_rate_frac=parameter_value(frame, "interest_rate", instrument=name),
            debt_term_yr=int(term),
            cash_fraction_frac=parameter_value(frame, "cash_fraction", instrument=name),
            uses_bonds=_flag(frame, "uses_bonds", instrument=name),
            discount_rate_cap_frac=float(cap["value"].iloc[0]) if len(cap) else None,
        )
    return out


def _investors(frame: pd.DataFrame) -> dict[str, Investor]:
    out: dict[str, Investor] = {}
    for name in dict.fromkeys(frame["investor"]):
        taxed = _flag(frame, "pays_income_tax", investor=name)
        federal = parameter_value(frame, "federal_income_tax", investor=name) if taxed else 0.0
        state = parameter_value(frame, "state_income_tax", investor=name) if taxed else 0.0
        equity = _flag(frame, "uses_equity", investor=name)
        out[name] = Investor(
            name=name,
            equity_share_frac=parameter_value(frame, "equity_share", investor=name) if equity else 0.0,
            equity_return_frac=parameter_value(frame, "equity_return", investor=name) if equity else 0.0,
            income_tax_rate_frac=fin.effective_income_tax_rate(federal, state),
            federal_income_tax_frac=federal,
            state_income_tax_frac=state,
            deducts_interest=taxed and _flag(frame, "deducts_interest", investor=name),
            sales_tax_frac=(
                parameter_value(frame, "sales_tax", investor=name) if _flag(frame, "taxed_on_capital", investor=name) else 0.0
            ),
        )
    return out


def _conventions(text: pd.DataFrame, scalars: pd.DataFrame, parameter_set: ParameterSet) -> AccfConventions:
    return AccfConventions(
        parameter_set=parameter_set,
        depreciation_method=parameter_text(text, "depreciation_method"),  # type: ignore[arg-type]
        present_value_rate=parameter_text(text, "present_value_rate"),  # type: ignore[arg-type]
        revenue_gross_up=parameter_text(text, "revenue_gross_up"),  # type: ignore[arg-type]
        table2_income_tax_rate=parameter_text(text, "table2_income_tax_rate"),  # type: ignore[arg-type]
        discount_rate_floor_frac=parameter_value(scalars, "discount_rate_floor"),
        om_fraction=parameter_value(scalars, "om_fraction"),
        other_taxes_fraction=parameter_value(scalars, "other_taxes_fraction"),
        insurance_fraction=parameter_value(scalars, "insurance_fraction"),
        om_escalation_rate_frac=parameter_value(scalars, "om_escalation_rate"),
    )


def _check_references(frame: pd.DataFrame, column: str, known: Mapping[str, object], file: str) -> None:
    unknown = frame[~frame[column].isin(known)]
    if len(unknown):
        first = unknown.iloc[0]
        raise ParameterError(
            f"data/parameters/{file}.csv, row {first['row']}, column '{column}': "
            f"{first[column]!r} is not defined in the {column} parameters"
        )


def _check_shares(frame: pd.DataFrame, keys: list[str], file: str) -> None:
    totals = frame.groupby(keys, sort=False)["value"].sum()
    bad = totals[(totals - 1.0).abs() > 1e-9]
    if len(bad):
        key = bad.index[0] if isinstance(bad.index[0], tuple) else (bad.index[0],)
        mask = np.logical_and.reduce([frame[k] == v for k, v in zip(keys, key, strict=True)])
        rows = frame.loc[mask, "row"].tolist()
        raise ParameterError(
            f"data/parameters/{file}.csv, rows {rows}, column 'value': shares for "
            f"{dict(zip(keys, key, strict=True))} sum to {100 * bad.iloc[0]:g}%, not 100%"
        )


def load_accf_inputs(parameter_set: ParameterSet = "study", data: Path | None = None) -> AccfInputs:
    """Load and cross-check the Appendix A.2 inputs for one parameter set."""
    instruments = _instruments(load_parameters("finance_instruments", parameter_set, data))
    investors = _investors(load_parameters("investors", parameter_set, data))
    conventions = _conventions(
        load_parameters("accf_conventions", parameter_set, data),
        load_parameters("finance_scalars", parameter_set, data),
        parameter_set,
    )
    owners = load_parameters("accf_owner_instruments", parameter_set, data)
    ownership = load_parameters("accf_grid_ownership", parameter_set, data)
    assets = load_parameters("accf_grid_assets", parameter_set, data)
    customers = load_parameters("accf_customer_instruments", parameter_set, data)
    for frame, file in ((owners, "accf_owner_instruments"), (ownership, "accf_grid_ownership")):
        _check_references(frame, "investor", investors, file)
        _check_references(frame, "instrument", instruments, file)
    shares = customers[customers["parameter"] == "instrument_share"]
    _check_references(shares, "instrument", instruments, "accf_customer_instruments")
    _check_shares(shares, ["occupant", "asset", "construction"], "accf_customer_instruments")
    _check_shares(ownership, ["asset_owner", "utility_type"], "accf_grid_ownership")
    return AccfInputs(
        conventions=conventions,
        instruments=instruments,
        investors=investors,
        owner_instruments=owners.rename(columns={"value": "asset_life_yr"})[
            ["nominal_owner", "investor", "instrument", "asset_life_yr"]
        ].astype({"asset_life_yr": int}),
        grid_ownership=ownership.rename(columns={"value": "share_frac"})[
            ["asset_owner", "utility_type", "investor", "instrument", "share_frac"]
        ],
        grid_assets=assets.rename(columns={"value": "asset_life_yr"})[
            ["asset_owner", "utility_type", "asset_type", "asset_life_yr"]
        ].astype({"asset_life_yr": int}),
        customer_instruments=shares.rename(columns={"value": "share_frac"})[
            ["occupant", "asset", "construction", "instrument", "share_frac"]
        ].reset_index(drop=True),
    )


# --- One investment ----------------------------------------------------------------------


@dataclass(frozen=True)
class Financing:
    """The financing of one investment: the inputs of Eqs. (77)-(149)."""

    equity_share_frac: float
    debt_share_frac: float
    cash_share_frac: float
    equity_return_frac: float
    debt_rate_frac: float
    debt_term_yr: int
    uses_bonds: bool
    income_tax_rate_frac: float
    deducts_interest: bool
    discount_rate_cap_frac: float | None = None
    discount_rate_floor_frac: float | None = None
    om_fraction: float = 0.0
    other_taxes_fraction: float = 0.0
    insurance_fraction: float = 0.0
    om_escalation_rate_frac: float = 0.0

    @property
    def interest_tax_rate_frac(self) -> float:
        """Tax rate applied to interest deductions: :math:`T_i` if interest is deductible."""
        return self.income_tax_rate_frac if self.deducts_interest else 0.0


def financing_for(investor: Investor, instrument: Instrument, conventions: AccfConventions) -> Financing:
    """Combine an investor (Tables 29-30) and an instrument (Table 28) into a financing.

    The equity share comes from the investor; the rest of the capital is split between
    cash and debt by the instrument's cash fraction (Table 29's "Debt + Cash" column),
    so :math:`D/V` follows from Eq. (77).
    """
    equity = investor.equity_share_frac
    cash = (1.0 - equity) * instrument.cash_fraction_frac
    return Financing(
        equity_share_frac=equity,
        debt_share_frac=fin.debt_share_frac(equity, cash),
        cash_share_frac=cash,
        equity_return_frac=investor.equity_return_frac,
        debt_rate_frac=instrument.interest_rate_frac,
        debt_term_yr=instrument.debt_term_yr,
        uses_bonds=instrument.uses_bonds,
        income_tax_rate_frac=investor.income_tax_rate_frac,
        deducts_interest=investor.deducts_interest,
        discount_rate_cap_frac=instrument.discount_rate_cap_frac,
        discount_rate_floor_frac=conventions.discount_rate_floor_frac,
        om_fraction=conventions.om_fraction,
        other_taxes_fraction=conventions.other_taxes_fraction,
        insurance_fraction=conventions.insurance_fraction,
        om_escalation_rate_frac=conventions.om_escalation_rate_frac,
    )


@dataclass(frozen=True)
class DiscountRates:
    """The rates of Eqs. (78)-(83) and the rate chosen for the present values."""

    cost_of_equity: float
    """:math:`k_e` (Eq. 78) [1/yr]"""
    after_tax_wacc: float
    """:math:`k^*` (Eq. 80) [1/yr]"""
    investor: float
    """:math:`k` (Eq. 83) [1/yr]"""
    present_value: float
    """:math:`r`, the rate of the present values in Eqs. (135) and (138) [1/yr]"""


def discount_rates(f: Financing, present_value_rate: PresentValueRate) -> DiscountRates:
    """Cost of equity, after-tax WACC, the bounded investor rate and the present-value rate."""
    ke = fin.cost_of_equity(f.equity_return_frac, f.debt_rate_frac, f.equity_share_frac, f.debt_share_frac)
    args = (f.equity_share_frac, f.debt_share_frac, f.interest_tax_rate_frac)
    kstar = fin.after_tax_wacc(ke, f.debt_rate_frac, *args)
    upper = None if f.discount_rate_cap_frac is None else fin.after_tax_discount_rate_bound(ke, f.discount_rate_cap_frac, *args)
    lower = (
        None if f.discount_rate_floor_frac is None else fin.after_tax_discount_rate_bound(ke, f.discount_rate_floor_frac, *args)
    )
    k = fin.investor_discount_rate(kstar, upper, lower)
    use_equity = present_value_rate == "cost_of_equity" or f.equity_share_frac > 0
    return DiscountRates(cost_of_equity=ke, after_tax_wacc=kstar, investor=k, present_value=ke if use_equity else k)


def depreciation_schedule(method: DepreciationMethod, asset_life_yr: int) -> fin.FloatArray:
    """Depreciation deductions per unit of investment for a method and an asset life.

    ``straight_line`` is Eq. (117) over the asset life; ``macrs`` uses the MACRS
    recovery period equal to the asset life (10 or 20 years in Table 31).
    """
    if method == "straight_line":
        return fin.straight_line_depreciation_frac(asset_life_yr)
    return fin.macrs_depreciation_frac(asset_life_yr)


@equation(138, section="A.1.4")
def ebit_terms(
    f: Financing, rate: float, sinking_fund_rate: float, depreciation_frac: fin.FloatArray, asset_life_yr: int
) -> dict[str, float]:
    r"""Terms of the present value of :math:`EBIT_t` per unit of investment.

    Eq. (138):
    $$\begin{aligned} PV_{r,N}\{EBIT_t\}/CI_0 = {} & BONDS\,(1-T_i)\,k_d\,D/V / CRF_{r,N_d}
    + LOAN\,(1-T_i)\,D/V\,RPF_{r,k_d,N_d} \\ & + BONDS\,D/V\,SFF_{k,N_d}/CRF_{r,N_d}
    + LOAN\,D/V\,(LPF_{k_d,N_d}/CRF_{r,N_d} - RPF_{r,k_d,N_d}) + C/V \\
    & + (1-T_i)(\beta_1+\beta_2)/CRF_{r,N} + (1-T_i)\,\beta_0/CRF_{r',N} - T_i\,DPF_{m,r,N} \end{aligned}$$
    (the report writes :math:`r = k_e`; the study uses :math:`k` for investors without
    equity, see :func:`discount_rates`).

    Parameters
    ----------
    f : the financing (:class:`Financing`).
    rate : :math:`r`, rate of the present values. [1/yr]
    sinking_fund_rate : :math:`k`, the rate a bond sinking fund earns (Eq. 103). [1/yr]
    depreciation_frac : :math:`DEP_t/CI_0` of method :math:`m`. [1/yr]
    asset_life_yr : :math:`N`. [yr]

    Returns
    -------
    One entry per term, labelled as in the report [frac]; their sum is
    :math:`PV_{r,N}\{EBIT_t\}/CI_0`.

    Notes
    -----
    Deviation from report: the depreciation factor is printed :math:`DPF_{m,k_e,N_d}` in
    Eq. (136); depreciation runs over its own schedule, not the debt term, as Eq. (118)
    defines it.  Interest tax savings apply only where interest is deductible (Table 30).
    """
    debt, term = f.debt_share_frac, f.debt_term_yr
    t_int, t_inc = f.interest_tax_rate_frac, f.income_tax_rate_frac
    bonds = 1.0 if f.uses_bonds else 0.0
    crf_nd = fin.capital_recovery_factor(rate, term)
    crf_n = fin.capital_recovery_factor(rate, asset_life_yr)
    rpf = fin.remaining_principal_factor(rate, f.debt_rate_frac, term)
    om_rate = fin.escalation_adjusted_rate(rate, f.om_escalation_rate_frac)
    bond_interest = bonds * fin.bond_interest_frac(f.debt_rate_frac, debt) / crf_nd
    loan_interest = (1.0 - bonds) * debt * rpf
    return {
        "interest payments on bonds": bond_interest,
        "interest payments on loan": loan_interest,
        "retiring debt principal on bonds": bonds * fin.bond_sinking_fund_frac(sinking_fund_rate, term, debt) / crf_nd,
        "retiring debt principal on loan": (1.0 - bonds)
        * fin.present_value_loan_principal_frac(rate, f.debt_rate_frac, term, debt),
        "cash toward capital investment": fin.present_value_cash_frac(f.cash_share_frac),
        "other taxes and insurance": (fin.other_taxes_frac(f.other_taxes_fraction) + fin.insurance_frac(f.insurance_fraction))
        / crf_n,
        "O&M and fuel costs": f.om_fraction / fin.capital_recovery_factor(om_rate, asset_life_yr),
        "depreciation tax savings": 0.0 - t_inc * fin.depreciation_factor(depreciation_frac, rate),
        "interest deduction tax savings": 0.0 - t_int * (bond_interest + loan_interest),
        "other taxes and insurance tax savings": 0.0 - t_inc * (f.other_taxes_fraction + f.insurance_fraction) / crf_n,
        "O&M and fuel costs tax savings": 0.0 - t_inc * f.om_fraction / fin.capital_recovery_factor(om_rate, asset_life_yr),
    }


@dataclass(frozen=True)
class LevelizedItems:
    r"""The investor's levelized annual line items per unit of investment (Eqs. 140-147)."""

    revenue: float
    """:math:`REV_A/CI_0` (Eq. 135)"""
    revenue_tax: float
    """:math:`T_i\\,REV_A/CI_0`, zero where revenue is not grossed up"""
    stock_earnings: float
    """:math:`SE_A/CI_0` (Eq. 143)"""
    equity_principal: float
    """:math:`REP_A/CI_0` (Eq. 144)"""
    interest: float
    """:math:`INT_A/CI_0` (Eq. 140)"""
    debt_principal: float
    """:math:`PDR_A/CI_0` (Eq. 140)"""
    cash: float
    """:math:`CSH_A/CI_0` (Eq. 140)"""
    om: float
    """:math:`OM_A/CI_0` (Eq. 140)"""
    depreciation_tax_savings: float
    """:math:`T_i\\,DEP_A/CI_0` (Eq. 140)"""
    interest_tax_savings: float
    """:math:`T_i\\,INT_A/CI_0` (Eq. 140)"""
    om_tax_savings: float
    """:math:`T_i\\,OM_A/CI_0` (Eq. 140)"""
    balancing_account: float = field(default=0.0)
    """:math:`BAL_A/CI_0` (Eq. 146)"""


@equation(140, section="A.1.5")
def investor_levelized_items(
    f: Financing,
    k: float,
    depreciation_frac: fin.FloatArray,
    asset_life_yr: int,
    revenue_frac: float,
    revenue_tax_rate_frac: float,
) -> LevelizedItems:
    r"""The investor's levelized annual costs other than equity, at its discount rate :math:`k`.

    Eq. (140) and the definitions that follow it:
    $$\begin{aligned} INT_A &= (BONDS\,k_d\,D/V\,CRF_{k,N}/CRF_{k,N_d} + LOAN\,D/V\,RPF_{k,k_d,N_d}\,CRF_{k,N})\,CI_0 \\
    PDR_A &= (BONDS\,SFF_{k,N_d}\,D/V\,CRF_{k,N}/CRF_{k,N_d} \\
    &\quad + LOAN\,D/V\,(LPF_{k_d,N_d}\,CRF_{k,N}/CRF_{k,N_d} - RPF_{k,k_d,N_d}\,CRF_{k,N}))\,CI_0 \\
    CSH_A &= C/V\,CRF_{k,N}\,CI_0 \qquad OM_A = (\beta_1 + \beta_2 + \beta_0\,CRF_{k,N}/CRF_{k',N})\,CI_0 \\
    DEP_A &= DPF_{m,k,N}\,CRF_{k,N}\,CI_0 \end{aligned}$$

    Parameters
    ----------
    f : the financing.
    k : :math:`k`, the investor's discount rate (Eq. 83). [1/yr]
    depreciation_frac : :math:`DEP_t/CI_0`. [1/yr]
    asset_life_yr : :math:`N`. [yr]
    revenue_frac : :math:`REV_A/CI_0` from Eq. (135). [1/yr]
    revenue_tax_rate_frac : tax rate on revenue, :math:`T_i` where revenue is grossed up. [frac]

    Returns
    -------
    :class:`LevelizedItems` with :math:`SE_A`, :math:`REP_A` (Eqs. 143-144) and
    :math:`BAL_A` (Eq. 146) filled in. [1/yr]

    Notes
    -----
    Deviation from report: Eq. (140) prints :math:`SFF_{k,N}` for the bond sinking fund
    and Eq. (141) ends in ":math:`T_i\,OM`"; the sinking fund runs over the bond term as in
    Eqs. (103) and (138), and the last term is :math:`T_i\,OM_A`.
    """
    bonds = 1.0 if f.uses_bonds else 0.0
    debt, term = f.debt_share_frac, f.debt_term_yr
    crf_n = fin.capital_recovery_factor(k, asset_life_yr)
    crf_nd = fin.capital_recovery_factor(k, term)
    rpf = fin.remaining_principal_factor(k, f.debt_rate_frac, term)
    interest = bonds * f.debt_rate_frac * debt * crf_n / crf_nd + (1.0 - bonds) * debt * rpf * crf_n
    principal = bonds * fin.sinking_fund_factor(k, term) * debt * crf_n / crf_nd + (1.0 - bonds) * debt * (
        fin.loan_payment_fraction(f.debt_rate_frac, term) * crf_n / crf_nd - rpf * crf_n
    )
    om_rate = fin.escalation_adjusted_rate(k, f.om_escalation_rate_frac)
    om = (
        f.other_taxes_fraction
        + f.insurance_fraction
        + f.om_fraction * crf_n / fin.capital_recovery_factor(om_rate, asset_life_yr)
    )
    items = LevelizedItems(
        revenue=revenue_frac,
        revenue_tax=revenue_tax_rate_frac * revenue_frac,
        stock_earnings=fin.stock_earnings_frac(f.equity_return_frac, f.equity_share_frac),
        equity_principal=fin.equity_principal_return_frac(k, asset_life_yr, f.equity_share_frac),
        interest=interest,
        debt_principal=principal,
        cash=f.cash_share_frac * crf_n,
        om=om,
        depreciation_tax_savings=f.income_tax_rate_frac * fin.depreciation_factor(depreciation_frac, k) * crf_n,
        interest_tax_savings=f.interest_tax_rate_frac * interest,
        om_tax_savings=f.income_tax_rate_frac * om,
    )
    equity = equity_cash_flow_levelized(items)
    return LevelizedItems(
        **{
            **items.__dict__,
            "balancing_account": balancing_account_levelized(equity, items.stock_earnings, items.equity_principal),
        }
    )


@equation(141, section="A.1.5")
def equity_cash_flow_levelized(items: LevelizedItems) -> float:
    r"""Levelized annual total cash flow to equity, :math:`EQT_A/CI_0`.

    Eq. (141): $$EQT_A = REV_A - (INT_A + PDR_A + CSH_A + OM_A + T_i REV_A - T_i DEP_A - T_i INT_A - T_i OM_A)$$

    Parameters
    ----------
    items : the levelized line items (:class:`LevelizedItems`). [1/yr]

    Returns
    -------
    :math:`EQT_A/CI_0` [1/yr]
    """
    return items.revenue - (
        items.interest
        + items.debt_principal
        + items.cash
        + items.om
        + items.revenue_tax
        - items.depreciation_tax_savings
        - items.interest_tax_savings
        - items.om_tax_savings
    )


@equation(145, section="A.1.5", aliases=(146,))
def balancing_account_levelized(equity_cash_flow: float, stock_earnings: float, equity_principal: float) -> float:
    r"""Levelized cash flow to the balancing account, :math:`BAL_A/CI_0`.

    Eq. (145), expanded as Eq. (146): $$BAL_A = EQT_A - (SE_A + REP_A)$$

    Parameters
    ----------
    equity_cash_flow : :math:`EQT_A/CI_0` (Eq. 141). [1/yr]
    stock_earnings : :math:`SE_A/CI_0` (Eq. 143). [1/yr]
    equity_principal : :math:`REP_A/CI_0` (Eq. 144). [1/yr]

    Returns
    -------
    :math:`BAL_A/CI_0` [1/yr]

    Examples
    --------
    >>> balancing_account_levelized(0.5, 0.25, 0.125)
    0.125
    """
    return equity_cash_flow - (stock_earnings + equity_principal)


@equation(147, section="A.1.5")
def capital_cost_levelized(items: LevelizedItems) -> float:
    r"""Levelized annual costs of the capital investment, :math:`CAP_A/CI_0`.

    Eq. (147): $$CAP_A = SE_A + REP_A + BAL_A + INT_A + PDR_A + CSH_A + T_i REV_A - T_i DEP_A - T_i INT_A$$

    Parameters
    ----------
    items : the levelized line items, with :math:`BAL_A`. [1/yr]

    Returns
    -------
    :math:`CAP_A/CI_0` [1/yr], which equals :math:`REV_A/CI_0 - (1-T_i)\,OM_A/CI_0`.

    Notes
    -----
    Deviation from report: Eq. (147) as printed omits :math:`CSH_A`; with Eq. (146) that
    would make the ACCF of a cash purchase zero, whereas Table 31 prints 5.00% for cash
    (the capital recovery factor at a zero rate over 20 years).  :math:`CSH_A` is included.
    """
    return (
        items.stock_earnings
        + items.equity_principal
        + items.balancing_account
        + items.interest
        + items.debt_principal
        + items.cash
        + items.revenue_tax
        - items.depreciation_tax_savings
        - items.interest_tax_savings
    )


@equation(148, section="A.1.5")
def annualized_capital_cost_factor(capital_cost_levelized_usd: float, investment_usd: float) -> float:
    r"""Annualized capital cost factor, :math:`ACCF_{k,k_e,N}`.

    Eq. (148): $$ACCF_{k,k_e,N} = CAP_A / CI_0$$

    Parameters
    ----------
    capital_cost_levelized_usd : :math:`CAP_A`. [$/yr]
    investment_usd : :math:`CI_0`. [$]

    Returns
    -------
    :math:`ACCF` [1/yr]

    Examples
    --------
    >>> annualized_capital_cost_factor(972.0, 10_000.0)
    0.0972
    """
    if investment_usd <= 0:
        raise ValueError("investment_usd must be positive")
    return capital_cost_levelized_usd / investment_usd


@equation(149, section="A.1.5")
def levelized_capital_cost(accf_frac: float, investment_usd: float) -> float:
    r"""Levelized annual cost of a capital investment, :math:`CAP_A`.

    Eq. (149): $$CAP_A = ACCF_{k,k_e,N}\, CI_0$$

    Parameters
    ----------
    accf_frac : the ACCF (Eq. 148, Tables 2-4). [1/yr]
    investment_usd : :math:`CI_0`, the first cost. [$]

    Returns
    -------
    :math:`CAP_A` [$/yr]

    Examples
    --------
    >>> levelized_capital_cost(0.0874, 1_000_000.0)
    87400.0
    """
    return accf_frac * investment_usd


@dataclass(frozen=True)
class AccfResult:
    """An ACCF with everything that produced it."""

    accf_frac: float
    rates: DiscountRates
    ebit: dict[str, float]
    items: LevelizedItems


def accf_for_financing(f: Financing, asset_life_yr: int, conventions: AccfConventions) -> AccfResult:
    """The ACCF of one financing over an asset life, under a reading of Appendix A."""
    rates = discount_rates(f, conventions.present_value_rate)
    depreciation = depreciation_schedule(conventions.depreciation_method, asset_life_yr)
    terms = ebit_terms(f, rates.present_value, rates.investor, depreciation, asset_life_yr)
    gross_up = conventions.revenue_gross_up == "taxable" or f.equity_share_frac > 0
    revenue_tax = f.income_tax_rate_frac if gross_up else 0.0
    revenue = fin.revenue_requirement_frac(
        fin.capital_recovery_factor(rates.present_value, asset_life_yr), f.equity_share_frac, sum(terms.values()), revenue_tax
    )
    items = investor_levelized_items(f, rates.investor, depreciation, asset_life_yr, revenue, revenue_tax)
    accf = annualized_capital_cost_factor(capital_cost_levelized(items), 1.0)
    return AccfResult(accf_frac=accf, rates=rates, ebit=terms, items=items)


def accf(inputs: AccfInputs, investor: str, instrument: str, asset_life_yr: int) -> AccfResult:
    """The ACCF of an investor financing an asset with an instrument (Table 31 row)."""
    f = financing_for(inputs.investors[investor], inputs.instruments[instrument], inputs.conventions)
    return accf_for_financing(f, asset_life_yr, inputs.conventions)


def with_sales_tax(accf_frac: float, sales_tax_frac: float) -> float:
    r"""ACCF including sales tax on the purchase (Appendix A.2, before Table 30).

    "Sales tax is added to the ACCFs computed using the procedure in Section A.1 for
    consumer investments": the first cost, hence the ACCF, scales by
    :math:`1 + \\text{sales tax}`; investors not taxed on capital (Table 30) pass 0.

    >>> round(with_sales_tax(0.0727, 0.0891), 6)  # Table 31: 7.27% -> 7.92% for a homeowner
    0.079178
    """
    return accf_frac * (1.0 + sales_tax_frac)


# --- Tables --------------------------------------------------------------------------------


def table31(inputs: AccfInputs) -> pd.DataFrame:
    """Table 31: ACCFs for nominal owners and investors, without and with sales tax.

    Columns: nominal_owner, investor, instrument, asset_life_yr, cost_of_equity,
    investor_rate, present_value_rate, accf_frac, accf_with_sales_tax_frac.
    """
    rows = []
    for rec in inputs.owner_instruments.itertuples(index=False):
        result = accf(inputs, rec.investor, rec.instrument, rec.asset_life_yr)
        rows.append(
            {
                "nominal_owner": rec.nominal_owner,
                "investor": rec.investor,
                "instrument": rec.instrument,
                "asset_life_yr": rec.asset_life_yr,
                "cost_of_equity": result.rates.cost_of_equity,
                "investor_rate": result.rates.investor,
                "present_value_rate": result.rates.present_value,
                "accf_frac": result.accf_frac,
                "accf_with_sales_tax_frac": with_sales_tax(result.accf_frac, inputs.investors[rec.investor].sales_tax_frac),
            }
        )
    return pd.DataFrame(rows)


def population_weighted(values: pd.Series, shares_frac: pd.Series) -> float:
    r"""Population-weighted average :math:`\sum_i s_i x_i` (Appendix A.2, Tables 2-4, 36).

    >>> population_weighted(pd.Series([10.0, 20.0]), pd.Series([0.25, 0.75]))
    17.5
    """
    total = float(shares_frac.sum())
    if abs(total - 1.0) > 1e-9:
        raise ValueError(f"shares sum to {total}, not 1")
    return float((values.to_numpy() * shares_frac.to_numpy()).sum())


def table2(inputs: AccfInputs) -> pd.DataFrame:
    """Table 2: ownership-weighted ACCFs and income-tax rates for grid assets (Table 36 weights).

    Columns: asset_owner, utility_type, asset_type, asset_life_yr, accf_frac,
    income_tax_frac (the same for every asset of an owner and utility type).
    """
    rows = []
    for asset in inputs.grid_assets.itertuples(index=False):
        owners = inputs.grid_ownership[
            (inputs.grid_ownership["asset_owner"] == asset.asset_owner)
            & (inputs.grid_ownership["utility_type"] == asset.utility_type)
        ]
        accfs = pd.Series([accf(inputs, o.investor, o.instrument, asset.asset_life_yr).accf_frac for o in owners.itertuples()])
        basis = inputs.conventions.table2_income_tax_rate
        taxes = pd.Series(
            [
                inputs.investors[o.investor].federal_income_tax_frac
                if basis == "federal"
                else inputs.investors[o.investor].income_tax_rate_frac
                for o in owners.itertuples()
            ]
        )
        shares = owners["share_frac"].reset_index(drop=True)
        rows.append(
            {
                "asset_owner": asset.asset_owner,
                "utility_type": asset.utility_type,
                "asset_type": asset.asset_type,
                "asset_life_yr": asset.asset_life_yr,
                "accf_frac": population_weighted(accfs, shares),
                "income_tax_frac": population_weighted(taxes, shares),
            }
        )
    return pd.DataFrame(rows)


def customer_corner_accfs(inputs: AccfInputs) -> pd.DataFrame:
    """ACCF of each customer asset for each occupant and construction (Tables 32-35 mixes).

    The instruments of Tables 32-35 are mapped to Table 31 rows by nominal owner; the
    ACCF includes sales tax where the financing investor pays it (the "with sales tax"
    column of Table 31).  Columns: occupant, asset, construction, accf_frac.
    """
    t31 = table31(inputs).set_index(["nominal_owner", "instrument"])["accf_with_sales_tax_frac"]
    mix = inputs.customer_instruments
    missing = mix[~mix.set_index(["occupant", "instrument"]).index.isin(t31.index)]
    if len(missing):
        first = missing.iloc[0]
        raise ParameterError(
            "data/parameters/accf_customer_instruments.csv: no Table 31 row (accf_owner_instruments.csv) for "
            f"nominal owner {first['occupant']!r} with instrument {first['instrument']!r}"
        )
    values = t31.loc[list(zip(mix["occupant"], mix["instrument"], strict=True))].to_numpy()
    weighted = mix.assign(weighted=values * mix["share_frac"].to_numpy())
    out = weighted.groupby(["occupant", "asset", "construction"], sort=False, as_index=False)["weighted"].sum()
    return out.rename(columns={"weighted": "accf_frac"})


def customer_accf_bounds(inputs: AccfInputs) -> pd.DataFrame:
    r"""Range of Table 3 and 4 ACCFs that Tables 31-35 allow for any unpublished shares.

    A customer type's ACCF is the bilinear mix
    :math:`s_o[s_n A_{o,new} + (1-s_n) A_{o,retro}] + (1-s_o)[s_n A_{r,new} + (1-s_n) A_{r,retro}]`
    of owner (or business) share :math:`s_o` and new-construction share :math:`s_n`, which
    the report does not publish.  A bilinear function on the unit square takes its
    extremes at the corners, so the range is the minimum and maximum of the four
    corner ACCFs.  Columns: sector, asset, min_frac, max_frac.
    """
    corners = customer_corner_accfs(inputs)
    rows = []
    for sector, occupants in (("residential", RESIDENTIAL_OCCUPANTS), ("commercial", COMMERCIAL_OCCUPANTS)):
        part = corners[corners["occupant"].isin(occupants)]
        for asset, group in part.groupby("asset", sort=False):
            if set(group["occupant"]) != set(occupants):
                continue
            rows.append(
                {"sector": sector, "asset": asset, "min_frac": group["accf_frac"].min(), "max_frac": group["accf_frac"].max()}
            )
    return pd.DataFrame(rows)


def _mix(corners: pd.DataFrame, occupants: tuple[str, str], asset: str, owner: np.ndarray, new: np.ndarray) -> np.ndarray:
    table = corners[corners["asset"] == asset].set_index(["occupant", "construction"])["accf_frac"]
    a = {(o, c): float(table[(o, c)]) for o in occupants for c in CONSTRUCTIONS}
    first, second = occupants
    new_c, retro_c = CONSTRUCTIONS
    return owner * (new * a[first, new_c] + (1 - new) * a[first, retro_c]) + (1 - owner) * (
        new * a[second, new_c] + (1 - new) * a[second, retro_c]
    )


def fit_occupancy_shares(inputs: AccfInputs, published: pd.DataFrame, key: str, step: float = 0.001) -> pd.DataFrame:
    """Owner and new-construction shares that best fit a customer type's published ACCFs.

    For each customer type, a grid search over the unit square (resolution ``step``)
    minimizes the squared differences between the bilinear mix of
    :func:`customer_accf_bounds` and the published values of all its assets.  Two
    unknowns are fitted to four (commercial) or six (residential) values, so the residuals
    show whether one pair of shares can explain a row of Table 3 or 4 at all.

    Parameters
    ----------
    published : Table 3 or 4 as loaded by :func:`dsot.params.load_published`.
    key : the customer-type column: ``customer_type`` or ``building_type``.

    Returns
    -------
    One row per customer type and asset: owner_share_frac, new_share_frac,
    fitted_frac, published_frac, residual_pp.
    """
    corners = customer_corner_accfs(inputs)
    grid = np.arange(0.0, 1.0 + step / 2, step)
    owner, new = np.meshgrid(grid, grid, indexing="ij")
    rows = []
    for ctype, group in published.groupby(key, sort=False):
        occupants = RESIDENTIAL_OCCUPANTS if ctype in RESIDENTIAL_CUSTOMER_TYPES else COMMERCIAL_OCCUPANTS
        if ctype not in RESIDENTIAL_CUSTOMER_TYPES + COMMERCIAL_BUILDING_TYPES:
            raise ParameterError(f"unknown customer type {ctype!r} in published {key} column")
        targets = [(r.asset, float(r.documented) / 100.0) for r in group.itertuples()]
        error = np.zeros_like(owner)
        for asset, value in targets:
            error += (_mix(corners, occupants, asset, owner, new) - value) ** 2
        i, j = np.unravel_index(int(np.argmin(error)), error.shape)
        for asset, value in targets:
            fitted = float(_mix(corners, occupants, asset, owner[i, j], new[i, j]))
            rows.append(
                {
                    key: ctype,
                    "asset": asset,
                    "owner_share_frac": float(owner[i, j]),
                    "new_share_frac": float(new[i, j]),
                    "fitted_frac": fitted,
                    "published_frac": value,
                    "residual_pp": 100.0 * (fitted - value),
                }
            )
    return pd.DataFrame(rows)


def customer_accf_check(inputs: AccfInputs, published: pd.DataFrame, key: str) -> pd.DataFrame:
    """Compare Table 3 or 4 with the range and best fit that Tables 31-35 allow.

    Parameters
    ----------
    published : Table 3 or 4 as loaded by :func:`dsot.params.load_published`.
    key : ``customer_type`` (Table 3) or ``building_type`` (Table 4).

    Returns
    -------
    One row per published value: key, asset, sector, published_frac, min_frac,
    max_frac, inside (the printed value, at its precision, lies within the range),
    owner_share_frac, new_share_frac, fitted_frac, residual_pp.
    """
    bounds = customer_accf_bounds(inputs).set_index(["sector", "asset"])
    fits = fit_occupancy_shares(inputs, published, key).set_index([key, "asset"])
    rows = []
    for rec in published.itertuples():
        ctype = getattr(rec, key)
        sector = "residential" if ctype in RESIDENTIAL_CUSTOMER_TYPES else "commercial"
        low, high = bounds.loc[(sector, rec.asset), ["min_frac", "max_frac"]]
        half_unit = 0.5 * 10.0**-rec.precision / 100.0
        printed = float(rec.documented) / 100.0
        fit = fits.loc[(ctype, rec.asset)]
        rows.append(
            {
                key: ctype,
                "asset": rec.asset,
                "sector": sector,
                "published_frac": printed,
                "min_frac": float(low),
                "max_frac": float(high),
                "inside": bool(low - half_unit <= printed <= high + half_unit),
                "owner_share_frac": float(fit["owner_share_frac"]),
                "new_share_frac": float(fit["new_share_frac"]),
                "fitted_frac": float(fit["fitted_frac"]),
                "residual_pp": float(fit["residual_pp"]),
            }
        )
    return pd.DataFrame(rows)


def interest_rate_sensitivity(
    inputs: AccfInputs, cases: list[tuple[str, str, str]], rates_frac: np.ndarray, asset_life_yr: int
) -> pd.DataFrame:
    """ACCF as the instrument's interest rate varies, other terms as in Tables 28-30.

    Parameters
    ----------
    cases : (label, investor, instrument) triples.
    rates_frac : interest rates :math:`k_d` to evaluate. [1/yr]
    asset_life_yr : :math:`N`. [yr]

    Returns
    -------
    Columns label, investor, instrument, interest_rate_frac, accf_frac.
    """
    from dataclasses import replace

    rows = []
    for label, investor, instrument in cases:
        for rate in rates_frac:
            changed = replace(inputs.instruments[instrument], interest_rate_frac=float(rate))
            f = financing_for(inputs.investors[investor], changed, inputs.conventions)
            rows.append(
                {
                    "label": label,
                    "investor": investor,
                    "instrument": instrument,
                    "interest_rate_frac": float(rate),
                    "accf_frac": accf_for_financing(f, asset_life_yr, inputs.conventions).accf_frac,
                }
            )
    return pd.DataFrame(rows)


def depreciation_schedules(asset_life_yr: int) -> pd.DataFrame:
    """Straight-line (Eq. 117) and MACRS schedules side by side: year, method, deduction_frac."""
    frames = []
    for method, label in (("straight_line", "Straight line (Eq. 117)"), ("macrs", "MACRS, half-year convention")):
        schedule = depreciation_schedule(method, asset_life_yr)  # type: ignore[arg-type]
        frames.append(pd.DataFrame({"year": np.arange(1, schedule.size + 1), "method": label, "deduction_frac": schedule}))
    return pd.concat(frames, ignore_index=True)


Case = tuple[str, str, str, int]
"""(label, investor, instrument, asset life in years): one investment to show."""


def rates_table(inputs: AccfInputs, cases: list[Case]) -> pd.DataFrame:
    """Discount rates of Eqs. (78)-(83) for example investments.

    Columns: case, cost_of_equity, after_tax_wacc, investor_rate, present_value_rate [1/yr].
    """
    rows = []
    for label, investor, instrument, life in cases:
        rates = accf(inputs, investor, instrument, life).rates
        rows.append(
            {
                "case": label,
                "cost_of_equity": rates.cost_of_equity,
                "after_tax_wacc": rates.after_tax_wacc,
                "investor_rate": rates.investor,
                "present_value_rate": rates.present_value,
            }
        )
    return pd.DataFrame(rows)


def ebit_table(inputs: AccfInputs, cases: list[Case]) -> pd.DataFrame:
    """Terms of Eq. (138) for example investments: one row per term, one column per case [frac]."""
    columns = {label: accf(inputs, investor, instrument, life).ebit for label, investor, instrument, life in cases}
    frame = pd.DataFrame(columns)
    total = frame.sum().to_frame().T.set_axis(["PV(EBIT) / CI (sum)"])
    return pd.concat([frame, total]).rename_axis("term").reset_index()


def levelized_items_table(inputs: AccfInputs, cases: list[Case]) -> pd.DataFrame:
    """The investor's levelized line items (Eqs. 140-147) and the ACCF for example investments [1/yr]."""
    labels = {
        "revenue": "REV_A, required revenue (Eq. 135)",
        "stock_earnings": "SE_A, stock earnings (Eq. 143)",
        "equity_principal": "REP_A, return of equity principal (Eq. 144)",
        "balancing_account": "BAL_A, balancing account (Eq. 146)",
        "interest": "INT_A, interest",
        "debt_principal": "PDR_A, debt principal",
        "cash": "CSH_A, cash",
        "revenue_tax": "T_i REV_A, tax on revenue",
        "depreciation_tax_savings": "- T_i DEP_A, depreciation tax savings",
        "interest_tax_savings": "- T_i INT_A, interest tax savings",
    }
    columns = {}
    for label, investor, instrument, life in cases:
        result = accf(inputs, investor, instrument, life)
        values = {labels[k]: getattr(result.items, k) for k in labels}
        for k in ("depreciation_tax_savings", "interest_tax_savings"):
            values[labels[k]] = 0.0 - values[labels[k]]
        values["CAP_A = ACCF (Eqs. 147-148)"] = result.accf_frac
        columns[label] = values
    return pd.DataFrame(columns).rename_axis("item").reset_index()


def loan_schedule(debt_rate_frac: float, debt_term_yr: int) -> pd.DataFrame:
    """Year-by-year loan schedule per unit of loan (Eqs. 107-112): year, remaining, interest, principal, payment."""
    interest = fin.loan_interest_frac(debt_rate_frac, debt_term_yr, 1.0)
    principal = fin.loan_principal_frac(debt_rate_frac, debt_term_yr, 1.0)
    return pd.DataFrame(
        {
            "year": np.arange(1, debt_term_yr + 1),
            "remaining_principal": fin.loan_remaining_principal_frac(debt_rate_frac, debt_term_yr),
            "interest": interest,
            "principal": principal,
            "payment": interest + principal,
        }
    )


def grid_accf(inputs: AccfInputs, asset_owner: str, utility_type: str, asset_type: str) -> float:
    """The Table 2 ACCF of one grid asset class, computed from Appendix A (used by Sections 3 and 6).

    >>> round(100 * grid_accf(load_accf_inputs("study"), "Distribution utility", "Urban", "Distribution infrastructure"), 2)
    8.74
    """
    table = table2(inputs)
    hit = table[
        (table["asset_owner"] == asset_owner) & (table["utility_type"] == utility_type) & (table["asset_type"] == asset_type)
    ]
    if len(hit) != 1:
        raise KeyError(f"no Table 2 row for {asset_owner!r} / {utility_type!r} / {asset_type!r}")
    return float(hit["accf_frac"].iloc[0])


def printed_grid_accf(asset_owner: str, utility_type: str, asset_type: str, data: Path | None = None) -> float:
    """The ACCF of one grid asset class as Table 2 prints it, a documented input (fraction).

    The original implementation typed Table 2 in rather than computing it, so the DSO
    cash-flow statements of the report (Table 21) rest on these rounded values.

    >>> round(printed_grid_accf("Distribution utility", "Urban", "Controls and software"), 6)
    0.1136
    """
    from dsot.params import load_published

    table = load_published("table_02_accf_grid", data)
    hit = table[
        (table["asset_owner"] == asset_owner)
        & (table["utility_type"] == utility_type)
        & (table["asset_type"] == asset_type)
        & (table["quantity"] == "accf")
    ]
    if len(hit) != 1:
        raise KeyError(f"no Table 2 row for {asset_owner!r} / {utility_type!r} / {asset_type!r}")
    return float(hit["documented"].iloc[0] / 100)


def customer_accfs() -> pd.DataFrame:
    """Customer ACCFs as documented inputs: Tables 3 and 4 as printed (used by Section 5).

    The report does not publish what Tables 3 and 4 need (see :func:`customer_accf_check`),
    so later computations use the printed values.  Columns: sector, customer_type, asset,
    accf_frac, report_ref.
    """
    from dsot.params import load_published

    frames = []
    for name, key, sector, ref in (
        ("table_03_accf_residential", "customer_type", "residential", "T3"),
        ("table_04_accf_commercial", "building_type", "commercial", "T4"),
    ):
        table = load_published(name)
        frames.append(
            pd.DataFrame(
                {
                    "sector": sector,
                    "customer_type": table[key],
                    "asset": table["asset"],
                    "accf_frac": [float(v) / 100.0 for v in table["documented"]],
                    "report_ref": ref,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)
