r"""Appendix B.6 of PNNL-32170-4: equations describing exponential growth.

The substation fleet model (:mod:`dsot.substations`) averages peak demand and capacity
factors over substation lifecycles in which demand grows exponentially; these helpers
give the values, sums, averages, durations and rates of such growth.  Quantities are
in any consistent unit; rates are fractions per year and durations are years (not
necessarily whole).
"""

from __future__ import annotations

import math

from dsot.registry import equation


def _check_growth(rate: float) -> None:
    if not rate > -1.0:
        raise ValueError(f"growth rate must be greater than -1 (got {rate})")


@equation(207, section="B.6.1", aliases=(151, 215, 217))
def exponential_value(initial: float, rate: float, years: float) -> float:
    r"""Value of a quantity growing exponentially, :math:`A(y)`.

    Eq. (207), restated as Eqs. (215) and (217), and for a substation's peak demand as
    Eq. (151): $$A(y) = A_0\,(1+g)^y$$

    Parameters
    ----------
    initial : :math:`A_0`, the value in year 0. [any unit]
    rate : :math:`g`, the growth rate. [1/yr]
    years : :math:`y`. [yr]

    Returns
    -------
    :math:`A(y)` [unit of ``initial``]

    Examples
    --------
    >>> round(exponential_value(100.0, 0.02, 20), 4)
    148.5947
    """
    _check_growth(rate)
    return float(initial * (1.0 + rate) ** years)


@equation(213, section="B.6.1", aliases=(208,))
def exponential_sum(initial: float, rate: float, years: float) -> float:
    r"""Integral of exponential growth over :math:`Y_n` years, :math:`SumA(Y_n)`.

    Eq. (208) defines it, Eq. (213) solves it:
    $$SumA(Y_n) = \int_0^{Y_n} A_0 (1+g)^y\,dy = A_0 \frac{(1+g)^{Y_n} - 1}{\ln(1+g)}$$
    (Eqs. 209-212 are the steps between.)  At :math:`g = 0` the sum is :math:`A_0 Y_n`.

    Parameters
    ----------
    initial : :math:`A_0`. [any unit]
    rate : :math:`g`. [1/yr]
    years : :math:`Y_n`. [yr]

    Returns
    -------
    :math:`SumA(Y_n)` [unit of ``initial`` x yr]

    Examples
    --------
    >>> round(exponential_sum(1.0, 0.05, 10), 6)  # (1.05**10 - 1) / ln 1.05
    12.889783
    >>> exponential_sum(2.0, 0.0, 10)
    20.0
    """
    _check_growth(rate)
    if rate == 0.0:
        return initial * years
    return float(initial * ((1.0 + rate) ** years - 1.0) / math.log1p(rate))


@equation(214, section="B.6.1")
def exponential_average(initial: float, rate: float, years: float) -> float:
    r"""Average of exponential growth over :math:`Y_n` years, :math:`AvgA(Y_n)`.

    Eq. (214): $$AvgA(Y_n) = \frac{A_0}{Y_n} \frac{(1+g)^{Y_n} - 1}{\ln(1+g)}$$

    Parameters
    ----------
    initial : :math:`A_0`. [any unit]
    rate : :math:`g`. [1/yr]
    years : :math:`Y_n`, positive. [yr]

    Returns
    -------
    :math:`AvgA(Y_n)` [unit of ``initial``]

    Examples
    --------
    >>> round(exponential_average(1.0, 0.05, 10), 6)
    1.288978
    """
    if years <= 0:
        raise ValueError(f"years must be positive (got {years})")
    return exponential_sum(initial, rate, years) / years


@equation(216, section="B.6.2")
def years_to_grow(initial: float, final: float, rate: float) -> float:
    r"""Years of exponential growth from :math:`A_0` to :math:`A_{Y_n}`.

    Eq. (216): $$Y_n = \frac{\ln(A_{Y_n}) - \ln(A_0)}{\ln(1+g)}$$

    Parameters
    ----------
    initial : :math:`A_0`, positive. [any unit]
    final : :math:`A_{Y_n}`, positive, same unit. [any unit]
    rate : :math:`g`, non-zero. [1/yr]

    Returns
    -------
    :math:`Y_n` [yr]

    Examples
    --------
    Eq. (164): a 7.5% peak reduction defers an upgrade by about 3.9 years at 2% growth:

    >>> round(years_to_grow(1.0, 1.0 / (1.0 - 0.075), 0.02), 3)
    3.937
    """
    if initial <= 0 or final <= 0:
        raise ValueError("initial and final values must be positive")
    _check_growth(rate)
    if rate == 0.0:
        raise ValueError("a zero growth rate never reaches a different value")
    return (math.log(final) - math.log(initial)) / math.log1p(rate)


@equation(218, section="B.6.3")
def growth_rate_to_reach(initial: float, final: float, years: float) -> float:
    r"""Exponential growth rate that takes :math:`A_0` to :math:`A_{Y_n}` in :math:`Y_n` years.

    Eq. (218): $$g = (A_{Y_n}/A_0)^{1/Y_n} - 1$$

    Parameters
    ----------
    initial : :math:`A_0`, positive. [any unit]
    final : :math:`A_{Y_n}`, positive. [any unit]
    years : :math:`Y_n`, positive. [yr]

    Returns
    -------
    :math:`g` [1/yr]

    Examples
    --------
    >>> round(growth_rate_to_reach(1.0, 2.0, 1.0), 12)
    1.0
    """
    if initial <= 0 or final <= 0 or years <= 0:
        raise ValueError("initial, final and years must be positive")
    return float((final / initial) ** (1.0 / years) - 1.0)


@equation(219, section="B.6.4")
def exponential_average_between(initial: float, final: float) -> float:
    r"""Average of exponential growth between known initial and final values.

    Eq. (219): $$AvgA(Y_n) = \frac{A_{Y_n} - A_0}{\ln(A_{Y_n}) - \ln(A_0)}$$
    (the logarithmic mean; equal to :math:`A_0` when :math:`A_{Y_n} = A_0`).

    Parameters
    ----------
    initial : :math:`A_0`, positive. [any unit]
    final : :math:`A_{Y_n}`, positive. [any unit]

    Returns
    -------
    :math:`AvgA(Y_n)` [unit of ``initial``]

    Examples
    --------
    >>> round(exponential_average_between(1.0, math.e), 6)
    1.718282
    >>> exponential_average_between(0.5, 0.5)
    0.5
    """
    if initial <= 0 or final <= 0:
        raise ValueError("initial and final values must be positive")
    if math.isclose(initial, final, rel_tol=1e-15):
        return initial
    return (final - initial) / (math.log(final) - math.log(initial))


@equation(220, section="B.6.4")
def exponential_sum_between(initial: float, final: float, years: float) -> float:
    r"""Integral of exponential growth between known initial and final values.

    Eq. (220): $$SumA(Y_n) = Y_n \frac{A_{Y_n} - A_0}{\ln(A_{Y_n}) - \ln(A_0)}$$

    Parameters
    ----------
    initial : :math:`A_0`, positive. [any unit]
    final : :math:`A_{Y_n}`, positive. [any unit]
    years : :math:`Y_n`. [yr]

    Returns
    -------
    :math:`SumA(Y_n)` [unit of ``initial`` x yr]

    Examples
    --------
    >>> round(exponential_sum_between(1.0, 1.05**10, 10), 6)
    12.889783
    """
    return years * exponential_average_between(initial, final)
