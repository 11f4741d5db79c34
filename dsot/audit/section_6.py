"""Audit rows for Section 6: Table 25, the generation costs, checked against the values the code uses."""

from __future__ import annotations

from collections.abc import Iterator

from dsot.audit import AuditRow, compared
from dsot.cfs import bulk
from dsot.params import ParameterSet, load_published

TABLE25_COLUMNS = {
    "overnight_capital_cost": ("Overnight Capital Cost ($/kW)", "overnight_capital_cost_usd_per_kw", "GenCapCost of Eq. (67)"),
    "fixed_om_cost": ("Fixed O&M ($/kW-yr)", "fixed_om_usd_per_kw_yr", "Table 24's fixed cost O1"),
    "variable_om": (
        "Variable O&M ($/MWh)",
        "variable_om_usd_per_mwh",
        "shown only: Section 6.1.2.2 counts variable O&M inside C1 of Eq. (69)",
    ),
}
"""Table 25 column -> (printed heading, field of :class:`dsot.cfs.bulk.TechnologyCosts`, how it is used)."""


def table25(parameter_set: ParameterSet) -> Iterator[AuditRow]:
    """Table 25: overnight capital, fixed O&M and variable O&M by technology, as the generator CFS uses them.

    A transcription check: each printed value against ``data/parameters/generation.csv``
    through the technology that takes its costs from that Table 25 row.
    """
    params = bulk.load_bulk_parameters(parameter_set)
    by_row = {t.table25_technology: t for t in params.technologies.values()}
    for rec in load_published("table_25_generation_costs").itertuples():
        heading, field, use = TABLE25_COLUMNS[rec.quantity]
        costs = by_row.get(rec.technology)
        if costs is None:
            yield AuditRow(
                "T25", rec.technology, heading, str(rec.documented), "", rec.precision, "not-computable", "missing-input",
                f"no technology of data/parameters/generation.csv takes its costs from the Table 25 row {rec.technology!r}",
            )  # fmt: skip
            continue
        yield compared(
            "T25", rec.technology, heading, rec.documented, rec.precision, float(getattr(costs, field)),
            cause_if_reproduced="input", cause_if_differs="typo",
            explanation=f"input of the generator CFS ({use}), used for the case technology {costs.technology!r}",
        )  # fmt: skip
