"""Equation registry: which function implements which numbered equation of the report.

Every public computation in :mod:`dsot` is decorated with :func:`equation`, naming the
equation numbers of PNNL-32170-4 it implements and the report section.  The registry is
what ``dsot equations`` writes out, what the equation-index chapter renders, and what
``tests/test_registry.py`` checks: every defining equation has a function, a test and a
chapter.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


@dataclass(frozen=True)
class Registration:
    """One function's claim to implement one report equation."""

    equation: int
    function: str
    section: str
    alias: bool
    """True when the equation restates another one that the same function implements."""


_REGISTRY: list[Registration] = []

FIRST_EQUATION = 1
LAST_EQUATION = 244


def equation(*numbers: int, section: str, aliases: tuple[int, ...] = ()) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Register the decorated function as the implementation of report equations.

    Parameters
    ----------
    numbers : equation numbers of PNNL-32170-4 that the function computes.
    section : report section holding the equation, e.g. ``"A.1.2"``.
    aliases : further equation numbers that restate one of ``numbers`` (for example
        Eq. 95 restates Eq. 85); they are registered with ``alias=True``.

    Examples
    --------
    >>> @equation(1, section="3.2.1.1")
    ... def f() -> None: ...
    >>> [r.equation for r in registrations() if r.function.endswith(".f")]
    [1]
    >>> _forget(f)
    """
    for n in (*numbers, *aliases):
        if not FIRST_EQUATION <= n <= LAST_EQUATION:
            raise ValueError(f"equation number {n} is outside {FIRST_EQUATION}-{LAST_EQUATION}")

    def decorate(func: Callable[P, R]) -> Callable[P, R]:
        name = f"{func.__module__}.{func.__qualname__}"
        for n in numbers:
            _REGISTRY.append(Registration(n, name, section, alias=False))
        for n in aliases:
            _REGISTRY.append(Registration(n, name, section, alias=True))
        return func

    return decorate


def registrations() -> list[Registration]:
    """All registrations, in equation order (import :mod:`dsot` first to fill it)."""
    return sorted(_REGISTRY, key=lambda r: (r.equation, r.function))


def functions_for(number: int) -> list[str]:
    """Dotted names of the functions registered for one equation."""
    return [r.function for r in registrations() if r.equation == number]


def _forget(func: Callable[..., object]) -> None:
    """Remove a function's registrations (used by doctests and tests only)."""
    name = f"{func.__module__}.{func.__qualname__}"
    _REGISTRY[:] = [r for r in _REGISTRY if r.function != name]
