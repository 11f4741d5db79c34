"""dsot: the DSO+T valuation methodology (PNNL-32170-4) as tested, literate code.

Importing the package imports every computational module, so that the equation
registry (:mod:`dsot.registry`) is complete.
"""

from dsot import accf, dso_capital, finance, growth, labor, substations

__all__ = ["accf", "dso_capital", "finance", "growth", "labor", "substations"]
__version__ = "0.1.0"
