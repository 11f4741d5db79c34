r"""Appendix A.1 of PNNL-32170-4: the mathematics of finance behind annualized capital costs.

One small function per defining equation (77)-(149).  Rates are fractions per year,
terms and lives are years, and money amounts are expressed per unit of the capital
investment :math:`CI_0` (suffix ``_frac``) unless a function says otherwise.

The annual index :math:`t` runs from 1 to :math:`n`; year 0 is the year of the
investment.  Arrays are NumPy ``float64``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from dsot.registry import equation

FloatArray = NDArray[np.float64]


def _check_rate(rate: float, name: str = "rate") -> None:
    if not rate > -1.0:
        raise ValueError(f"{name} must be greater than -1 (got {rate})")


def _check_years(years: float, name: str = "years") -> None:
    if years < 0 or years != int(years):
        raise ValueError(f"{name} must be a whole number of years >= 0 (got {years})")


# --- A.1.1 Capital structure and discount rates -------------------------------------


@equation(77, section="A.1.1")
def debt_share_frac(equity_share_frac: float, cash_share_frac: float) -> float:
    r"""Debt-financed share of the investment, :math:`D/V`, from the capital balance.

    Eq. (77): $$E/V + D/V + C/V = 1$$

    Parameters
    ----------
    equity_share_frac : :math:`E/V`, equity-financed share. [frac]
    cash_share_frac : :math:`C/V`, cash-financed share. [frac]

    Returns
    -------
    :math:`D/V` [frac]

    Notes
    -----
    Deviation from report: Eq. (77) is printed as
    :math:`E/V + D/V + C/V + P/V + D/V = 1`; :math:`P/V` is never defined and
    :math:`D/V` appears twice.  The text says "the sum of the cash, equity, and debt
    financed ratios must be equal to one", which is what is implemented.

    Examples
    --------
    >>> round(debt_share_frac(0.45, 0.0), 12)
    0.55
    >>> debt_share_frac(0.0, 0.2)
    0.8
    """
    for name, value in (("equity_share_frac", equity_share_frac), ("cash_share_frac", cash_share_frac)):
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"{name} must be within [0, 1] (got {value})")
    if equity_share_frac + cash_share_frac > 1.0 + 1e-12:
        raise ValueError("equity and cash shares exceed the whole investment")
    return max(0.0, 1.0 - equity_share_frac - cash_share_frac)


@equation(78, section="A.1.1")
def cost_of_equity(equity_return_frac: float, debt_rate_frac: float, equity_share_frac: float, debt_share_frac: float) -> float:
    r"""Cost of equity financing, :math:`k_e`.

    Eq. (78): $$k_e = \begin{cases} k_{roi} & E/V \ne 0 \\ k_d\, D/V & E/V = 0 \end{cases}$$

    Parameters
    ----------
    equity_return_frac : :math:`k_{roi}`, equity's expected rate of return (Table 29). [1/yr]
    debt_rate_frac : :math:`k_d`, interest rate on debt (Table 28). [1/yr]
    equity_share_frac : :math:`E/V`. [frac]
    debt_share_frac : :math:`D/V`. [frac]

    Returns
    -------
    :math:`k_e` [1/yr]

    Examples
    --------
    >>> cost_of_equity(0.115, 0.03, 0.45, 0.55)
    0.115
    >>> round(cost_of_equity(0.0, 0.039, 0.0, 0.9), 6)
    0.0351
    """
    return equity_return_frac if equity_share_frac != 0.0 else debt_rate_frac * debt_share_frac


@equation(79, section="A.1.1")
def weighted_average_cost_of_capital(
    cost_of_equity_frac: float, debt_rate_frac: float, equity_share_frac: float, debt_share_frac: float
) -> float:
    r"""Weighted-average cost of capital, :math:`k_{wacc}`.

    Eq. (79): $$k_{wacc} = k_e\, E/V + k_d\, D/V$$

    Parameters
    ----------
    cost_of_equity_frac : :math:`k_e` (Eq. 78). [1/yr]
    debt_rate_frac : :math:`k_d`. [1/yr]
    equity_share_frac : :math:`E/V`. [frac]
    debt_share_frac : :math:`D/V`. [frac]

    Returns
    -------
    :math:`k_{wacc}` [1/yr]

    Examples
    --------
    >>> round(weighted_average_cost_of_capital(0.115, 0.03, 0.45, 0.55), 6)
    0.06825
    """
    return cost_of_equity_frac * equity_share_frac + debt_rate_frac * debt_share_frac


@equation(80, section="A.1.1")
def after_tax_wacc(
    cost_of_equity_frac: float,
    debt_rate_frac: float,
    equity_share_frac: float,
    debt_share_frac: float,
    income_tax_rate_frac: float,
) -> float:
    r"""After-tax weighted-average cost of capital, :math:`k^*`.

    Eq. (80): $$k^* = k_e\, E/V + (1 - T_i)\, k_d\, D/V$$

    Parameters
    ----------
    cost_of_equity_frac : :math:`k_e` (Eq. 78). [1/yr]
    debt_rate_frac : :math:`k_d`. [1/yr]
    equity_share_frac : :math:`E/V`. [frac]
    debt_share_frac : :math:`D/V`. [frac]
    income_tax_rate_frac : :math:`T_i`, effective income-tax rate (Eq. 92), 0 for
        investors who pay none or cannot deduct interest. [frac]

    Returns
    -------
    :math:`k^*` [1/yr]

    Notes
    -----
    Deviation from report: the first term is printed :math:`k_{wacc}\,E/V`, which would
    count the debt cost twice; Eqs. (81)-(82), which bound :math:`k^*`, use
    :math:`k_e\,E/V`, and so does this function.

    Examples
    --------
    >>> round(after_tax_wacc(0.115, 0.03, 0.45, 0.55, 0.279836), 6)
    0.063633
    """
    return cost_of_equity_frac * equity_share_frac + (1.0 - income_tax_rate_frac) * debt_rate_frac * debt_share_frac


@equation(81, 82, section="A.1.1")
def after_tax_discount_rate_bound(
    cost_of_equity_frac: float,
    debt_rate_bound_frac: float,
    equity_share_frac: float,
    debt_share_frac: float,
    income_tax_rate_frac: float,
) -> float:
    r"""Upper or lower bound on the after-tax WACC, :math:`k^*_{up}` or :math:`k^*_{low}`.

    Eqs. (81)-(82): $$k^*_{up} = k_e\, E/V + (1-T_i)\, k_{up}\, D/V \qquad
    k^*_{low} = k_e\, E/V + (1-T_i)\, k_{low}\, D/V$$

    Parameters
    ----------
    cost_of_equity_frac : :math:`k_e`. [1/yr]
    debt_rate_bound_frac : :math:`k_{up}` or :math:`k_{low}`, the "rational" bound on the
        pre-tax debt cost. [1/yr]
    equity_share_frac : :math:`E/V`. [frac]
    debt_share_frac : :math:`D/V`. [frac]
    income_tax_rate_frac : :math:`T_i`. [frac]

    Returns
    -------
    :math:`k^*_{up}` or :math:`k^*_{low}` [1/yr]

    Examples
    --------
    >>> after_tax_discount_rate_bound(0.0, 0.06, 0.0, 1.0, 0.0)
    0.06
    """
    return after_tax_wacc(cost_of_equity_frac, debt_rate_bound_frac, equity_share_frac, debt_share_frac, income_tax_rate_frac)


@equation(83, section="A.1.1")
def investor_discount_rate(after_tax_wacc_frac: float, upper_bound_frac: float | None, lower_bound_frac: float | None) -> float:
    r"""Investor's effective discount rate, :math:`k`, the after-tax WACC within its bounds.

    Eq. (83): $$k = \max\{\min\{k^*_{up}, k^*\}, k^*_{low}\}$$

    Parameters
    ----------
    after_tax_wacc_frac : :math:`k^*` (Eq. 80). [1/yr]
    upper_bound_frac : :math:`k^*_{up}` (Eq. 81), or ``None`` for no upper bound. [1/yr]
    lower_bound_frac : :math:`k^*_{low}` (Eq. 82), or ``None`` for no lower bound. [1/yr]

    Returns
    -------
    :math:`k` [1/yr]

    Examples
    --------
    Consumer credit at 18% with the 6% cap of Appendix A.2:

    >>> investor_discount_rate(0.18, 0.06, 0.0)
    0.06
    """
    rate = after_tax_wacc_frac
    if upper_bound_frac is not None:
        rate = min(upper_bound_frac, rate)
    if lower_bound_frac is not None:
        rate = max(rate, lower_bound_frac)
    return rate


# --- Present values -----------------------------------------------------------------


@equation(84, section="A.1.1")
def present_value(cash_flows: Sequence[float] | FloatArray, rate: float) -> float:
    r"""Present value of a time series of annual cash flows, :math:`PV_{r,n}\{X_t\}`.

    Eq. (84): $$PV_{r,n}\{X_t\} = \sum_{t=1}^{n} \frac{X_t}{(1+r)^t}$$

    Parameters
    ----------
    cash_flows : :math:`X_1 \ldots X_n`, one value per year, the first at the end of
        year 1. [any money unit]
    rate : :math:`r`, discount rate. [1/yr]

    Returns
    -------
    :math:`PV_{r,n}\{X_t\}` [same unit as ``cash_flows``]

    Examples
    --------
    >>> round(present_value([110.0], 0.10), 9)
    100.0
    >>> present_value([], 0.05)
    0.0
    """
    _check_rate(rate)
    flows = np.asarray(cash_flows, dtype=np.float64)
    years = np.arange(1, flows.size + 1, dtype=np.float64)
    return float(np.sum(flows / (1.0 + rate) ** years))


@equation(85, section="A.1.1", aliases=(95,))
def present_value_uniform(amount: float, rate: float, years: float) -> float:
    r"""Present value of a uniform annual amount, :math:`PV_{r,n}\{X_A\}`.

    Eq. (85): $$PV_{r,n}\{X_A\} = X_A \frac{1-(1+r)^{-n}}{r}$$
    restated as Eq. (95): :math:`PV_{r,n}\{X_A\} = X_A / CRF_{r,n}`, which also covers
    :math:`r = 0` (:math:`n X_A`).

    Parameters
    ----------
    amount : :math:`X_A`, paid at the end of each of ``years`` years. [any money unit]
    rate : :math:`r`. [1/yr]
    years : :math:`n`. [yr]

    Returns
    -------
    :math:`PV_{r,n}\{X_A\}` [same unit as ``amount``]

    Examples
    --------
    >>> round(present_value_uniform(1.0, 0.05, 20), 6)
    12.46221
    >>> present_value_uniform(2.0, 0.0, 10)
    20.0
    """
    _check_years(years)
    if years == 0:
        return 0.0
    return amount / capital_recovery_factor(rate, years)


@equation(89, section="A.1.1", aliases=(124,))
def escalation_adjusted_rate(rate: float, escalation_rate: float) -> float:
    r"""Effective discount rate for a series escalating at rate :math:`g`, :math:`r'`.

    Eq. (89), restated for O&M and fuel as Eq. (124): $$r' = (1+r)/(1+g) - 1$$

    Parameters
    ----------
    rate : :math:`r`. [1/yr]
    escalation_rate : :math:`g` (or :math:`g_x`). [1/yr]

    Returns
    -------
    :math:`r'` [1/yr]

    Examples
    --------
    >>> round(escalation_adjusted_rate(0.07, 0.02), 6)
    0.04902
    """
    _check_rate(rate)
    _check_rate(escalation_rate, "escalation_rate")
    return (1.0 + rate) / (1.0 + escalation_rate) - 1.0


@equation(88, section="A.1.1", aliases=(123,))
def present_value_escalating(amount_year0: float, rate: float, escalation_rate: float, years: float) -> float:
    r"""Present value of a series escalating from :math:`X_0` at rate :math:`g`.

    Eq. (88), restated for O&M and fuel as Eq. (123):
    $$PV_{r,n}\{ESC_g\{X_0\}\} = PV_{r',n}\{X_0\}$$ with :math:`r'` from Eq. (89), so
    that :math:`X_t = X_0 (1+g)^t`.

    Parameters
    ----------
    amount_year0 : :math:`X_0`, the year-0 value of the escalating cost. [any money unit]
    rate : :math:`r`. [1/yr]
    escalation_rate : :math:`g`. [1/yr]
    years : :math:`n`. [yr]

    Returns
    -------
    Present value [same unit as ``amount_year0``]

    Examples
    --------
    >>> round(present_value_escalating(100.0, 0.05, 0.05, 4), 9)
    400.0
    """
    return present_value_uniform(amount_year0, escalation_adjusted_rate(rate, escalation_rate), years)


# --- Taxes --------------------------------------------------------------------------


@equation(91, section="A.1.1")
def income_tax(revenue: float, deductions: float, income_tax_rate_frac: float) -> float:
    r"""Income taxes on revenue net of deductions, :math:`TX_t`.

    Eq. (91): $$TX_t = \tau_i [REV_t - (DEP_t + INT_t + OT_t + INS_t + OP_t + MNT_t + FL_t)]$$

    Parameters
    ----------
    revenue : :math:`REV_t`. [any money unit]
    deductions : sum of depreciation, interest, other taxes, insurance, operations,
        maintenance and fuel, :math:`DEP_t + TDE_t`. [same unit]
    income_tax_rate_frac : :math:`\tau_i` (Eq. 92). [frac]

    Returns
    -------
    :math:`TX_t` [same unit; negative when deductions exceed revenue, i.e. a tax saving]

    Examples
    --------
    >>> income_tax(100.0, 40.0, 0.25)
    15.0
    """
    return income_tax_rate_frac * (revenue - deductions)


@equation(92, section="A.1.1")
def effective_income_tax_rate(federal_rate_frac: float, state_rate_frac: float) -> float:
    r"""Effective (combined federal and state) income-tax rate, :math:`\tau_i`.

    Eq. (92): $$\tau_i = \tau_f + \tau_s (1 - \tau_f)$$

    Parameters
    ----------
    federal_rate_frac : :math:`\tau_f` (Table 30). [frac]
    state_rate_frac : :math:`\tau_s` (Table 30). [frac]

    Returns
    -------
    :math:`\tau_i` [frac]

    Examples
    --------
    Table 30: 21% federal and 8.84% state give the printed 27.98%:

    >>> round(effective_income_tax_rate(0.21, 0.0884), 6)
    0.279836
    """
    return federal_rate_frac + state_rate_frac * (1.0 - federal_rate_frac)


# --- Factors ------------------------------------------------------------------------


@equation(93, section="A.1.1")
def sinking_fund_factor(rate: float, years: float) -> float:
    r"""Sinking fund factor, :math:`SFF_{r,n}`.

    Eq. (93): $$SFF_{r,n} = \begin{cases} r/[(1+r)^n - 1] & r \ne 0,\ n \ne 0 \\
    1/n & r = 0,\ n \ne 0 \\ 1 & n = 0 \end{cases}$$

    Parameters
    ----------
    rate : :math:`r`. [1/yr]
    years : :math:`n`. [yr]

    Returns
    -------
    :math:`SFF_{r,n}` [1/yr, fraction of the principal paid in each year]

    Examples
    --------
    >>> round(sinking_fund_factor(0.05, 20), 6)
    0.030243
    >>> sinking_fund_factor(0.0, 4), sinking_fund_factor(0.05, 0)
    (0.25, 1.0)
    """
    _check_rate(rate)
    _check_years(years)
    if years == 0:
        return 1.0
    if rate == 0.0:
        return 1.0 / years
    return float(rate / ((1.0 + rate) ** years - 1.0))


@equation(94, section="A.1.1")
def capital_recovery_factor(rate: float, years: float) -> float:
    r"""Capital recovery factor, :math:`CRF_{r,n}`.

    Eq. (94): $$CRF_{r,n} = \begin{cases} r/[1 - (1+r)^{-n}] & r \ne 0,\ n \ne 0 \\
    1/n & r = 0,\ n \ne 0 \\ 1 & n = 0 \end{cases}$$

    Parameters
    ----------
    rate : :math:`r`. [1/yr]
    years : :math:`n`. [yr]

    Returns
    -------
    :math:`CRF_{r,n}` [1/yr]

    Examples
    --------
    >>> round(capital_recovery_factor(0.05, 20), 6)
    0.080243
    >>> capital_recovery_factor(0.0, 20)
    0.05
    """
    _check_rate(rate)
    _check_years(years)
    if years == 0:
        return 1.0
    if rate == 0.0:
        return 1.0 / years
    return float(rate / (1.0 - (1.0 + rate) ** (-years)))


# --- A.1.2 Lifetime revenues ---------------------------------------------------------


@equation(99, section="A.1.2")
def tax_deductible_expenses(
    interest: float, other_taxes: float, insurance: float, operations: float, maintenance: float, fuel: float
) -> float:
    r"""Tax-deductible expenses other than depreciation, :math:`TDE_t`.

    Eq. (99): $$TDE_t = INT_t + OT_t + INS_t + OP_t + MNT_t + FL_t$$

    Parameters
    ----------
    interest, other_taxes, insurance, operations, maintenance, fuel : the year's
        :math:`INT_t, OT_t, INS_t, OP_t, MNT_t, FL_t`. [any money unit]

    Returns
    -------
    :math:`TDE_t` [same unit]

    Examples
    --------
    >>> tax_deductible_expenses(1.0, 2.0, 3.0, 4.0, 5.0, 6.0)
    21.0
    """
    return interest + other_taxes + insurance + operations + maintenance + fuel


@equation(100, section="A.1.2")
def expenses_before_income_tax(
    debt_retirement: float, cash: float, tax_deductible: float, depreciation: float, income_tax_rate_frac: float
) -> float:
    r"""Expenses before income taxes on revenue, net of tax benefits, :math:`EBIT_t`.

    Eq. (100): $$EBIT_t = PDR_t + CSH_t + (1-\tau_i)\, TDE_t - \tau_i\, DEP_t$$

    Parameters
    ----------
    debt_retirement : :math:`PDR_t`. [any money unit]
    cash : :math:`CSH_t`. [same unit]
    tax_deductible : :math:`TDE_t` (Eq. 99). [same unit]
    depreciation : :math:`DEP_t`. [same unit]
    income_tax_rate_frac : :math:`\tau_i`. [frac]

    Returns
    -------
    :math:`EBIT_t` [same unit]

    Examples
    --------
    >>> expenses_before_income_tax(10.0, 0.0, 4.0, 5.0, 0.25)
    11.75
    """
    return debt_retirement + cash + (1.0 - income_tax_rate_frac) * tax_deductible - income_tax_rate_frac * depreciation


@equation(101, section="A.1.2", aliases=(129,))
def present_value_required_revenue(pv_equity_return: float, pv_ebit: float, income_tax_rate_frac: float) -> float:
    r"""Present value of the revenue that balances a project's cash flows.

    Eq. (101), restated at :math:`r = k_e` as Eq. (129):
    $$PV_{r,N}\{REV_t\} = (PV_{r,N}\{EQT_t\} + PV_{r,N}\{EBIT_t\}) / (1 - \tau_i)$$

    Parameters
    ----------
    pv_equity_return : :math:`PV_{r,N}\{EQT_t\}`. [any money unit]
    pv_ebit : :math:`PV_{r,N}\{EBIT_t\}`. [same unit]
    income_tax_rate_frac : :math:`\tau_i`. [frac]

    Returns
    -------
    :math:`PV_{r,N}\{REV_t\}` [same unit]

    Examples
    --------
    >>> present_value_required_revenue(45.0, 30.0, 0.25)
    100.0
    """
    if income_tax_rate_frac >= 1.0:
        raise ValueError("income_tax_rate_frac must be below 1")
    return (pv_equity_return + pv_ebit) / (1.0 - income_tax_rate_frac)


# --- A.1.3 Annual time-series cash flows ---------------------------------------------


@equation(102, section="A.1.3")
def bond_interest_frac(debt_rate_frac: float, debt_share_frac: float) -> float:
    r"""Annual interest on bonds per unit of investment, :math:`INT_t / CI_0`.

    Eq. (102): $$INT_t = k_d\, D/V\, CI_0 \quad\text{(bonds)}$$

    Parameters
    ----------
    debt_rate_frac : :math:`k_d`. [1/yr]
    debt_share_frac : :math:`D/V`. [frac]

    Returns
    -------
    :math:`INT_t / CI_0` for each of the :math:`N_d` years of the bond [1/yr]

    Examples
    --------
    >>> round(bond_interest_frac(0.03, 0.55), 6)
    0.0165
    """
    return debt_rate_frac * debt_share_frac


@equation(103, section="A.1.3")
def bond_sinking_fund_frac(discount_rate_frac: float, debt_term_yr: float, debt_share_frac: float) -> float:
    r"""Annual sinking-fund payment that retires bond principal, :math:`PDR_t / CI_0`.

    Eq. (103): $$PDR_t = SFF_{k,N_d}\, D/V\, CI_0 \quad\text{(bonds)}$$

    Parameters
    ----------
    discount_rate_frac : :math:`k`, the investor's discount rate (Eq. 83). [1/yr]
    debt_term_yr : :math:`N_d`. [yr]
    debt_share_frac : :math:`D/V`. [frac]

    Returns
    -------
    :math:`PDR_t / CI_0` for each of the :math:`N_d` years [1/yr]

    Examples
    --------
    >>> round(bond_sinking_fund_frac(0.05, 20, 1.0), 6)
    0.030243
    """
    return sinking_fund_factor(discount_rate_frac, debt_term_yr) * debt_share_frac


@equation(104, section="A.1.3")
def present_value_bond_principal_frac(
    rate: float, discount_rate_frac: float, debt_term_yr: float, debt_share_frac: float
) -> float:
    r"""Present value of the bond sinking-fund payments per unit of investment.

    Eq. (104): $$PV_{r,N}\{PDR_t\} = PV_{r,N_d}\{SFF_{k,N_d}\, D/V\, CI_0\}
    = SFF_{k,N_d}\, D/V\, CI_0 / CRF_{r,N_d}$$

    Parameters
    ----------
    rate : :math:`r`, the rate of the present value. [1/yr]
    discount_rate_frac : :math:`k`, the rate the sinking fund earns (Eq. 103). [1/yr]
    debt_term_yr : :math:`N_d`. [yr]
    debt_share_frac : :math:`D/V`. [frac]

    Returns
    -------
    :math:`PV_{r,N}\{PDR_t\} / CI_0` [frac]

    Examples
    --------
    At :math:`r = k` a sinking fund is worth the principal discounted over the term:

    >>> round(present_value_bond_principal_frac(0.05, 0.05, 20, 1.0), 6)
    0.376889
    """
    payment = bond_sinking_fund_frac(discount_rate_frac, debt_term_yr, debt_share_frac)
    return present_value_uniform(payment, rate, debt_term_yr)


@equation(107, section="A.1.3")
def loan_payment_fraction(debt_rate_frac: float, debt_term_yr: float) -> float:
    r"""Loan payment fraction, :math:`LPF_{k_d,N_d}`: annual payment per unit of loan.

    Eq. (107): $$LPF_{k_d,N_d} = \begin{cases} k_d / [1-(1+k_d)^{-N_d}] & k_d \ne 0,\ N_d \ne 0 \\
    1/N_d & k_d = 0,\ N_d \ne 0 \\ 1 & N_d = 0 \end{cases}$$

    Parameters
    ----------
    debt_rate_frac : :math:`k_d`. [1/yr]
    debt_term_yr : :math:`N_d`. [yr]

    Returns
    -------
    :math:`LPF_{k_d,N_d}` [1/yr]

    Notes
    -----
    Deviation from report: the :math:`k_d = 0` case is printed :math:`1/N`; the loan is
    repaid over its own term :math:`N_d`, as in the capital recovery factor (Eq. 94).

    Examples
    --------
    >>> round(loan_payment_fraction(0.18, 1), 6)
    1.18
    """
    return capital_recovery_factor(debt_rate_frac, debt_term_yr)


@equation(106, section="A.1.3")
def loan_payment(debt_rate_frac: float, debt_term_yr: float, debt_share_frac: float, investment: float) -> float:
    r"""Uniform annual loan payment, :math:`PMT_A`.

    Eq. (106): $$PMT_A = \frac{k_d}{1-(1+k_d)^{-N_d}}\, D/V\, CI_0$$

    Parameters
    ----------
    debt_rate_frac : :math:`k_d`. [1/yr]
    debt_term_yr : :math:`N_d`. [yr]
    debt_share_frac : :math:`D/V`. [frac]
    investment : :math:`CI_0`. [$]

    Returns
    -------
    :math:`PMT_A` [$/yr]

    Examples
    --------
    >>> round(loan_payment(0.06, 5, 1.0, 1000.0), 2)
    237.4
    """
    return loan_payment_fraction(debt_rate_frac, debt_term_yr) * debt_share_frac * investment


@equation(110, section="A.1.3")
def loan_remaining_principal_frac(debt_rate_frac: float, debt_term_yr: float) -> FloatArray:
    r"""Remaining loan principal at the start of each year, :math:`REM_t`, per unit of loan.

    Eq. (110): $$REM_t = 1 - \sum_{p=1}^{t-1} \frac{PDR_p}{D/V\, CI_0}$$
    for :math:`t = 1 \ldots N_d`; in closed form
    :math:`REM_t = (1+k_d)^{t-1} - LPF\,[(1+k_d)^{t-1}-1]/k_d`.

    Parameters
    ----------
    debt_rate_frac : :math:`k_d`. [1/yr]
    debt_term_yr : :math:`N_d`. [yr]

    Returns
    -------
    :math:`REM_1 \ldots REM_{N_d}` [frac]

    Examples
    --------
    >>> loan_remaining_principal_frac(0.0, 4).tolist()
    [1.0, 0.75, 0.5, 0.25]
    """
    _check_years(debt_term_yr)
    years = int(debt_term_yr)
    payment = loan_payment_fraction(debt_rate_frac, years)
    remaining = np.empty(years, dtype=np.float64)
    balance = 1.0
    for t in range(years):
        remaining[t] = balance
        balance = balance * (1.0 + debt_rate_frac) - payment
    return remaining


@equation(111, section="A.1.3", aliases=(109,))
def loan_interest_frac(debt_rate_frac: float, debt_term_yr: float, debt_share_frac: float) -> FloatArray:
    r"""Annual loan interest per unit of investment, :math:`INT_t / CI_0`.

    Eq. (111), from Eq. (109): $$INT_t = k_d\, D/V\, REM_t\, CI_0 \quad\text{(loan)}$$

    Parameters
    ----------
    debt_rate_frac : :math:`k_d`. [1/yr]
    debt_term_yr : :math:`N_d`. [yr]
    debt_share_frac : :math:`D/V`. [frac]

    Returns
    -------
    :math:`INT_t / CI_0` for :math:`t = 1 \ldots N_d` [1/yr]

    Examples
    --------
    >>> loan_interest_frac(0.10, 2, 1.0).round(6).tolist()
    [0.1, 0.052381]
    """
    return debt_rate_frac * debt_share_frac * loan_remaining_principal_frac(debt_rate_frac, debt_term_yr)


@equation(112, section="A.1.3")
def loan_principal_frac(debt_rate_frac: float, debt_term_yr: float, debt_share_frac: float) -> FloatArray:
    r"""Annual loan principal repayment per unit of investment, :math:`PDR_t / CI_0`.

    Eq. (112): $$PDR_t = PMT_A - k_d\, D/V\, REM_t\, CI_0 \quad\text{(loan)}$$

    Parameters
    ----------
    debt_rate_frac : :math:`k_d`. [1/yr]
    debt_term_yr : :math:`N_d`. [yr]
    debt_share_frac : :math:`D/V`. [frac]

    Returns
    -------
    :math:`PDR_t / CI_0` for :math:`t = 1 \ldots N_d` [1/yr]

    Examples
    --------
    >>> round(float(loan_principal_frac(0.06, 5, 1.0).sum()), 12)
    1.0
    """
    payment = loan_payment_fraction(debt_rate_frac, debt_term_yr) * debt_share_frac
    return payment - loan_interest_frac(debt_rate_frac, debt_term_yr, debt_share_frac)


@equation(113, section="A.1.3")
def remaining_principal_factor(rate: float, debt_rate_frac: float, debt_term_yr: float) -> float:
    r"""Remaining principal factor, :math:`RPF_{r,k_d,N_d}`.

    Eq. (113): $$RPF_{r,k_d,N_d} = \begin{cases} k_d\, PV_{r,N_d}\{REM_t\} & N_d > 0 \\ 0 & N_d = 0 \end{cases}$$

    Parameters
    ----------
    rate : :math:`r`, the rate of the present value. [1/yr]
    debt_rate_frac : :math:`k_d`. [1/yr]
    debt_term_yr : :math:`N_d`. [yr]

    Returns
    -------
    :math:`RPF_{r,k_d,N_d}`, the present value of the interest per unit of loan [frac]

    Examples
    --------
    >>> round(remaining_principal_factor(0.10, 0.10, 1), 6)
    0.090909
    >>> remaining_principal_factor(0.05, 0.05, 0)
    0.0
    """
    if debt_term_yr == 0:
        return 0.0
    return debt_rate_frac * present_value(loan_remaining_principal_frac(debt_rate_frac, debt_term_yr), rate)


@equation(114, section="A.1.3")
def present_value_loan_interest_frac(rate: float, debt_rate_frac: float, debt_term_yr: float, debt_share_frac: float) -> float:
    r"""Present value of loan interest per unit of investment.

    Eq. (114): $$PV_{r,N_d}\{INT_t\} = D/V\, RPF_{r,k_d,N_d}\, CI_0$$

    Parameters
    ----------
    rate : :math:`r`. [1/yr]
    debt_rate_frac : :math:`k_d`. [1/yr]
    debt_term_yr : :math:`N_d`. [yr]
    debt_share_frac : :math:`D/V`. [frac]

    Returns
    -------
    :math:`PV_{r,N_d}\{INT_t\} / CI_0` [frac]

    Examples
    --------
    >>> round(present_value_loan_interest_frac(0.10, 0.10, 1, 0.5), 6)
    0.045455
    """
    return debt_share_frac * remaining_principal_factor(rate, debt_rate_frac, debt_term_yr)


@equation(115, section="A.1.3")
def present_value_loan_principal_frac(rate: float, debt_rate_frac: float, debt_term_yr: float, debt_share_frac: float) -> float:
    r"""Present value of loan principal repayments per unit of investment.

    Eq. (115): $$PV_{r,N_d}\{PDR_t\} = D/V\,(LPF_{k_d,N_d} / CRF_{r,N_d} - RPF_{r,k_d,N_d})\, CI_0$$

    Parameters
    ----------
    rate : :math:`r`. [1/yr]
    debt_rate_frac : :math:`k_d`. [1/yr]
    debt_term_yr : :math:`N_d`. [yr]
    debt_share_frac : :math:`D/V`. [frac]

    Returns
    -------
    :math:`PV_{r,N_d}\{PDR_t\} / CI_0` [frac]

    Examples
    --------
    Discounted at the loan's own rate, payments are worth the principal:

    >>> round(present_value_loan_principal_frac(0.06, 0.06, 5, 1.0)
    ...       + present_value_loan_interest_frac(0.06, 0.06, 5, 1.0), 12)
    1.0
    """
    lpf = loan_payment_fraction(debt_rate_frac, debt_term_yr)
    crf = capital_recovery_factor(rate, debt_term_yr)
    return debt_share_frac * (lpf / crf - remaining_principal_factor(rate, debt_rate_frac, debt_term_yr))


@equation(116, section="A.1.3")
def present_value_cash_frac(cash_share_frac: float) -> float:
    r"""Present value of the year-0 cash payment per unit of investment.

    Eq. (116): $$PV_{r,n}\{CSH_t\} = CSH_0 = C/V\, CI_0$$

    Parameters
    ----------
    cash_share_frac : :math:`C/V`. [frac]

    Returns
    -------
    :math:`PV_{r,n}\{CSH_t\} / CI_0` [frac]

    Examples
    --------
    >>> present_value_cash_frac(0.2)
    0.2
    """
    return cash_share_frac


# --- Depreciation --------------------------------------------------------------------


@equation(117, section="A.1.3")
def straight_line_depreciation_frac(years: float) -> FloatArray:
    r"""Straight-line depreciation schedule, :math:`DEP_t / CI_0`.

    Eq. (117): $$DEP_t = CI_0 / N$$

    Parameters
    ----------
    years : :math:`N`, the depreciation term. [yr]

    Returns
    -------
    :math:`DEP_1/CI_0 \ldots DEP_N/CI_0` [1/yr]

    Examples
    --------
    >>> straight_line_depreciation_frac(4).tolist()
    [0.25, 0.25, 0.25, 0.25]
    """
    _check_years(years)
    if years == 0:
        return np.zeros(0)
    return np.full(int(years), 1.0 / years)


MACRS_HALF_YEAR_PCT: dict[int, tuple[float, ...]] = {
    3: (33.33, 44.45, 14.81, 7.41),
    5: (20.00, 32.00, 19.20, 11.52, 11.52, 5.76),
    7: (14.29, 24.49, 17.49, 12.49, 8.93, 8.92, 8.93, 4.46),
    10: (10.00, 18.00, 14.40, 11.52, 9.22, 7.37, 6.55, 6.55, 6.56, 6.55, 3.28),
    15: (5.00, 9.50, 8.55, 7.70, 6.93, 6.23, 5.90, 5.90, 5.91, 5.90, 5.91, 5.90, 5.91, 5.90, 5.91, 2.95),
    20: (
        3.750,
        7.219,
        6.677,
        6.177,
        5.713,
        5.285,
        4.888,
        4.522,
        4.462,
        4.461,
        4.462,
        4.461,
        4.462,
        4.461,
        4.462,
        4.461,
        4.462,
        4.461,
        4.462,
        4.461,
        2.231,
    ),
}
"""MACRS depreciation rates (percent of basis) by recovery period, half-year convention.

Source: IRS Publication 946 (2019), Appendix A, Table A-1 (General Depreciation System:
200% declining balance for 3- to 10-year property, 150% for 15- and 20-year property,
switching to straight line).  A true constant of the tax code, not a study assumption;
``tests/test_finance.py`` checks the transcription against that rule.
"""


def macrs_depreciation_frac(recovery_period_yr: int) -> FloatArray:
    r"""IRS MACRS depreciation schedule with the half-year convention, :math:`DEP_t / CI_0`.

    The rates of IRS Publication 946 Table A-1 (:data:`MACRS_HALF_YEAR_PCT`), used for
    :math:`DPF_{m,r,N}` (Eq. 118) in the study's reading of Appendix A, with the MACRS
    recovery period equal to the asset life (20-year property at 150% declining
    balance, 10-year property at 200%).

    Parameters
    ----------
    recovery_period_yr : :math:`R`, MACRS recovery period: 3, 5, 7, 10, 15 or 20. [yr]

    Returns
    -------
    :math:`R+1` annual deductions as fractions of the basis (half a year of depreciation
    in the first and in the last year) [1/yr]

    Examples
    --------
    >>> (100 * macrs_depreciation_frac(10)).round(2).tolist()
    [10.0, 18.0, 14.4, 11.52, 9.22, 7.37, 6.55, 6.55, 6.56, 6.55, 3.28]
    """
    if recovery_period_yr not in MACRS_HALF_YEAR_PCT:
        raise ValueError(f"no MACRS recovery period of {recovery_period_yr} years (use one of {sorted(MACRS_HALF_YEAR_PCT)})")
    return np.array(MACRS_HALF_YEAR_PCT[recovery_period_yr], dtype=np.float64) / 100.0


@equation(118, section="A.1.3", aliases=(119,))
def depreciation_factor(depreciation_schedule_frac: Sequence[float] | FloatArray, rate: float) -> float:
    r"""Depreciation factor, :math:`DPF_{m,r,N}`: present value of depreciation per unit of investment.

    Eq. (118): $$DPF_{m,r,N} = PV_{r,N}\{DEP_t / CI_0\}$$ so that (Eq. 119)
    :math:`PV_{r,N}\{DEP_t\} = DPF_{m,r,N}\, CI_0`.

    Parameters
    ----------
    depreciation_schedule_frac : :math:`DEP_t / CI_0` for method :math:`m`, e.g.
        :func:`straight_line_depreciation_frac` or :func:`macrs_depreciation_frac`. [1/yr]
    rate : :math:`r`. [1/yr]

    Returns
    -------
    :math:`DPF_{m,r,N}` [frac]

    Examples
    --------
    >>> round(depreciation_factor(straight_line_depreciation_frac(20), 0.0), 12)
    1.0
    """
    return present_value(depreciation_schedule_frac, rate)


@equation(120, section="A.1.3")
def other_taxes_frac(other_taxes_fraction: float) -> float:
    r"""Annual other (property) taxes per unit of investment, :math:`OT_t / CI_0`.

    Eq. (120): $$OT_t = \beta_1\, CI_0$$

    Parameters
    ----------
    other_taxes_fraction : :math:`\beta_1`. [1/yr]

    Returns
    -------
    :math:`OT_t / CI_0` [1/yr]

    Examples
    --------
    >>> other_taxes_frac(0.01)
    0.01
    """
    return other_taxes_fraction


@equation(121, section="A.1.3")
def insurance_frac(insurance_fraction: float) -> float:
    r"""Annual insurance per unit of investment, :math:`INS_t / CI_0`.

    Eq. (121): $$INS_t = \beta_2\, CI_0$$

    Parameters
    ----------
    insurance_fraction : :math:`\beta_2`. [1/yr]

    Returns
    -------
    :math:`INS_t / CI_0` [1/yr]

    Examples
    --------
    >>> insurance_frac(0.005)
    0.005
    """
    return insurance_fraction


@equation(122, section="A.1.3", aliases=(130,))
def levelized_annual_amount(present_value_amount: float, rate: float, years: float) -> float:
    r"""Uniform annual amount with a given present value, e.g. :math:`REV_A`.

    Eq. (122), restated at :math:`k_e` as Eq. (130):
    $$PV_{r,N}\{REV_t\} = PV_{r,N}\{REV_A\} \;\Rightarrow\; REV_A = CRF_{r,N}\, PV_{r,N}\{REV_t\}$$

    Parameters
    ----------
    present_value_amount : :math:`PV_{r,N}\{REV_t\}`. [any money unit]
    rate : :math:`r`. [1/yr]
    years : :math:`N`. [yr]

    Returns
    -------
    :math:`REV_A` [same unit per year]

    Examples
    --------
    >>> round(levelized_annual_amount(present_value_uniform(7.0, 0.04, 15), 0.04, 15), 9)
    7.0
    """
    return present_value_amount * capital_recovery_factor(rate, years)


@equation(125, section="A.1.3")
def om_fraction(operations_year0: float, maintenance_year0: float, fuel_year0: float, investment: float) -> float:
    r"""Year-0 O&M and fuel costs as a fraction of the investment, :math:`\beta_0`.

    Eq. (125): $$\beta_0 = (OP_0 + MNT_0 + FL_0) / CI_0$$

    Parameters
    ----------
    operations_year0, maintenance_year0, fuel_year0 : :math:`OP_0, MNT_0, FL_0`. [$/yr]
    investment : :math:`CI_0`. [$]

    Returns
    -------
    :math:`\beta_0` [1/yr]

    Examples
    --------
    >>> om_fraction(10.0, 20.0, 0.0, 1000.0)
    0.03
    """
    if investment <= 0:
        raise ValueError("investment must be positive")
    return (operations_year0 + maintenance_year0 + fuel_year0) / investment


@equation(127, section="A.1.3", aliases=(143,))
def stock_earnings_frac(cost_of_equity_frac: float, equity_share_frac: float) -> float:
    r"""Annual stock earnings per unit of investment, :math:`SE_t / CI_0 = SE_A / CI_0`.

    Eq. (127), restated as Eq. (143): $$SE_t = SE_A = k_e\, E/V\, CI_0$$

    Parameters
    ----------
    cost_of_equity_frac : :math:`k_e = k_{roi}`. [1/yr]
    equity_share_frac : :math:`E/V`. [frac]

    Returns
    -------
    :math:`SE_A / CI_0` [1/yr]

    Examples
    --------
    >>> round(stock_earnings_frac(0.115, 0.45), 6)
    0.05175
    """
    return cost_of_equity_frac * equity_share_frac


@equation(128, section="A.1.3", aliases=(144,))
def equity_principal_return_frac(rate: float, years: float, equity_share_frac: float) -> float:
    r"""Annual sinking-fund payment returning equity's principal, :math:`REP_A / CI_0`.

    Eq. (128), restated as Eq. (144): $$REP_t = REP_A = SFF_{r,N}\, E/V\, CI_0$$

    Parameters
    ----------
    rate : :math:`r`: :math:`k_e` from equity's perspective, :math:`k` from the
        investor's (Eq. 144). [1/yr]
    years : :math:`N`. [yr]
    equity_share_frac : :math:`E/V`. [frac]

    Returns
    -------
    :math:`REP_A / CI_0` [1/yr]

    Examples
    --------
    >>> round(equity_principal_return_frac(0.0, 20, 0.45), 6)
    0.0225
    """
    return sinking_fund_factor(rate, years) * equity_share_frac


# --- A.1.4 General solution for the annual required revenue ------------------------


@equation(135, section="A.1.4")
def revenue_requirement_frac(
    equity_rate_crf: float, equity_share_frac: float, pv_ebit_frac: float, income_tax_rate_frac: float
) -> float:
    r"""Levelized annual required revenue per unit of investment, :math:`REV_A / CI_0`.

    Eq. (135): $$REV_A / CI_0 = CRF_{k_e,N}\,(E/V + PV_{k_e,N}\{EBIT_t\}/CI_0) / (1-T_i)$$

    Parameters
    ----------
    equity_rate_crf : :math:`CRF_{k_e,N}` at the rate of the present values. [1/yr]
    equity_share_frac : :math:`E/V`. [frac]
    pv_ebit_frac : :math:`PV\{EBIT_t\}/CI_0` (Eq. 138). [frac]
    income_tax_rate_frac : :math:`T_i` applied to revenue; 0 where revenue is not
        grossed up for tax. [frac]

    Returns
    -------
    :math:`REV_A / CI_0` [1/yr]

    Examples
    --------
    A cash purchase by an untaxed investor at a zero rate over 20 years:

    >>> revenue_requirement_frac(0.05, 0.0, 1.0, 0.0)
    0.05
    """
    if income_tax_rate_frac >= 1.0:
        raise ValueError("income_tax_rate_frac must be below 1")
    return equity_rate_crf * (equity_share_frac + pv_ebit_frac) / (1.0 - income_tax_rate_frac)
