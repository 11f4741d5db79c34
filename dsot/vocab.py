"""Controlled vocabularies of the report, defined once."""

from __future__ import annotations

from typing import Literal, get_args

DSOType = Literal["rural", "suburban", "urban"]
DSO_TYPES: tuple[DSOType, ...] = get_args(DSOType)

DepreciationMethod = Literal["straight_line", "macrs"]
PresentValueRate = Literal["cost_of_equity", "equity_or_investor_rate"]
RevenueGrossUp = Literal["taxable", "equity_only"]
Table2IncomeTaxRate = Literal["effective", "federal"]

Construction = Literal["new", "retrofit"]
CONSTRUCTIONS: tuple[Construction, ...] = get_args(Construction)

RESIDENTIAL_CUSTOMER_TYPES: tuple[str, ...] = ("Single-Family", "Manufactured", "Multifamily")
"""Residential customer types of Table 3."""

COMMERCIAL_BUILDING_TYPES: tuple[str, ...] = (
    "Office, Large",
    "Office, Medium/ Small",
    "Warehouse and Storage",
    "Big Box Retail",
    "Strip Retail",
    "Education",
    "Food Service",
    "Food Sales",
    "Lodging",
    "Healthcare, Inpatient",
    "Low Occupancy",
)
"""Commercial building types of Table 4, spelled as printed."""

RESIDENTIAL_OCCUPANTS: tuple[str, str] = ("Homeowner", "Home renter")
"""Investor perspectives of residential customers (Tables 32-33): owner, then renter."""

COMMERCIAL_OCCUPANTS: tuple[str, str] = ("Business", "Public/nonprofit")
"""Investor perspectives of commercial customers (Tables 34-35)."""
