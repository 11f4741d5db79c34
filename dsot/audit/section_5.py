"""Audit rows for Section 5: Table 23, the electric bill tax deductions by commercial building type."""

from __future__ import annotations

from collections.abc import Iterator

from dsot import customers
from dsot.audit import AuditRow, compared
from dsot.params import ParameterSet, load_published

COLUMNS = {
    "business_occupancy": ("business_occupancy_frac", "Occupancy, business (%)"),
    "nonprofit_occupancy": ("nonprofit_occupancy_frac", "Occupancy, public/nonprofit (%)"),
    "business_deduction": ("business_deduction_frac", "Deduction, business (%)"),
    "nonprofit_deduction": ("nonprofit_deduction_frac", "Deduction, public/nonprofit (%)"),
    "weighted_deduction": ("weighted_deduction_frac", "Building type weighted average (%)"),
}
"""Table 23's columns: published ``quantity`` -> (column of :func:`dsot.customers.table23`, label)."""


def table23(parameter_set: ParameterSet) -> Iterator[AuditRow]:
    """Table 23: occupancy shares and deductions (inputs) and their weighted average (computed).

    The inputs are the same in both parameter sets (``all`` rows of customer_assets.csv).
    """
    computed = customers.table23().set_index("building_type")
    for rec in load_published("table_23_tax_deductions").itertuples():
        column, label = COLUMNS[rec.quantity]
        row = computed.loc[rec.building_type]
        value = 100 * float(row[column])
        if rec.quantity == "weighted_deduction":
            explanation = (
                f"business share x business deduction + public/nonprofit share x its deduction: "
                f"{100 * row['business_occupancy_frac']:g}% x {100 * row['business_deduction_frac']:g}% + "
                f"{100 * row['nonprofit_occupancy_frac']:g}% x {100 * row['nonprofit_deduction_frac']:g}% "
                f"(dsot.customers.bill_tax_deduction_frac); the {parameter_set} reading uses the same inputs"
            )
            yield compared("T23", rec.building_type, label, rec.documented, rec.precision, value,
                           cause_if_differs="inconsistent-tables", explanation=explanation)  # fmt: skip
        else:
            explanation = "model input (data/parameters/customer_assets.csv), checked to be the printed value"
            yield compared("T23", rec.building_type, label, rec.documented, rec.precision, value,
                           cause_if_reproduced="input", cause_if_differs="input", explanation=explanation)  # fmt: skip
