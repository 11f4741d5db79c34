"""dsot: the DSO+T valuation methodology (PNNL-32170-4) as tested, literate code.

Importing the package imports every computational module, so that the equation
registry (:mod:`dsot.registry`) is complete.
"""

from dsot import (
    accf,
    bills,
    customers,
    dso_capital,
    engine,
    finance,
    growth,
    labor,
    ratemaking,
    retail_multiplier,
    revenues,
    substations,
    wholesale,
)
from dsot.cfs import bulk as cfs_bulk
from dsot.cfs import dso as cfs_dso

__all__ = [
    "accf",
    "bills",
    "cfs_bulk",
    "cfs_dso",
    "customers",
    "dso_capital",
    "engine",
    "finance",
    "growth",
    "labor",
    "ratemaking",
    "retail_multiplier",
    "revenues",
    "substations",
    "wholesale",
]
__version__ = "0.1.0"
