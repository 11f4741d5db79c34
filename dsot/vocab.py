"""Controlled vocabularies of the report, defined once."""

from __future__ import annotations

from typing import Literal, get_args

DSOType = Literal["rural", "suburban", "urban"]
DSO_TYPES: tuple[DSOType, ...] = get_args(DSOType)

DepreciationMethod = Literal["straight_line", "macrs"]
PresentValueRate = Literal["cost_of_equity", "equity_or_investor_rate"]
RevenueGrossUp = Literal["taxable", "equity_only"]
Table2IncomeTaxRate = Literal["effective", "federal"]

# Section 3.3.1: wholesale purchases (Tables 14-15) and the readings of Eqs. 9-13.
TimeBlock = Literal["weekday-daytime", "weekday-evening", "weekend-daytime", "nighttime"]
TIME_BLOCKS: tuple[TimeBlock, ...] = get_args(TimeBlock)
"""Time blocks of Table 14; ``nighttime`` is whatever the other three leave."""

ContractBlock = Literal["weekday-daytime", "evening-and-weekend-daytime", "nighttime"]
CONTRACT_BLOCKS: tuple[ContractBlock, ...] = get_args(ContractBlock)
"""Bilateral contract blocks of Table 15."""

BilateralPriceReading = Literal["consumption_weighted", "simple_mean"]
BilateralQuantityBasis = Literal["delivered_load", "day_ahead_cleared"]
RealTimeReading = Literal["five_minute", "hourly_mean_drop_dec31"]
SensitivityPlacement = Literal["whole_product", "reduction_only"]
TransmissionPeakCredit = Literal["none", "peak_reduction_capital"]

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
