"""Audit rows for the headline cost shares of Sections 1.3 and 7 (``data/published/section_1_3_shares.csv``).

The shares are of the whole simulated system's annualized cost (customers' assets,
DSOs, generators, transmission owner and ISO of the eight-node case), whose statements
the report does not publish: every row is ``not-computable`` with cause
``missing-input``.  What Table 21 does let one check, DSO #1's own share where the claim
has a DSO-level counterpart, is given in the explanation; the demonstration case's
shares are in Chapter 7.
"""

from __future__ import annotations

from collections.abc import Iterator

from dsot.audit import AuditRow
from dsot.params import ParameterSet, load_published

DSO1_COUNTERPART: dict[str, tuple[tuple[str, ...], tuple[str, ...], str]] = {
    "capital_share_about": (
        ("capital_expenses",),
        ("capital_expenses", "operating_expenses"),
        "DSO #1's own capital is this share of its expenses; the generators' and transmission owner's capital reach it "
        "only inside its wholesale and transmission payments, and customers' assets are not in it at all",
    ),
    "labour_operations_share_about": (
        (
            "om_labor",
            "market_operations",
            "ami_customer_network_operations",
            "dms_operations",
            "retail_operations",
            "administration",
            "om_materials",
        ),
        ("capital_expenses", "operating_expenses"),
        "DSO #1's labour, O&M materials and operations lines are this share of its expenses; the generators' fixed "
        "costs, which the system share includes, are inside its wholesale payments",
    ),
    "wholesale_energy_share_below": (
        ("wholesale_energy",),
        ("operating_expenses",),
        "DSO #1's wholesale energy purchases are this share of its operating expenses, under a third as the claim says "
        "of the grid",
    ),
    "fuel_variable_om_share_below": (
        (),
        (),
        "the generators' fuel and variable O&M come from the simulated dispatch, which is not published; Table 21 has "
        "no counterpart",
    ),
    "ancillary_services_share_about": (
        ("iso_reserves",),
        ("capital_expenses", "operating_expenses"),
        "DSO #1's reserve payments (Eq. 15) are this share of its expenses",
    ),
}
"""Per claim: Table 21 BAU lines of DSO #1's counterpart (numerator, denominator) and what it shows."""


def _dso1_share(numerator: tuple[str, ...], denominator: tuple[str, ...]) -> float | None:
    if not numerator:
        return None
    published = load_published("table_21_dso1_cfs")
    bau = published[published["case"] == "bau"].set_index("line")["documented"].map(float)
    return 100.0 * float(bau[list(numerator)].sum()) / float(bau[list(denominator)].sum())


def shares(parameter_set: ParameterSet) -> Iterator[AuditRow]:
    """Sections 1.3 and 7: the shares of the grid's annualized cost (not computable from published data)."""
    del parameter_set  # the same in both sets: the inputs are missing
    for _, rec in load_published("section_1_3_shares").iterrows():
        quantity = str(rec["quantity"])
        numerator, denominator, what = DSO1_COUNTERPART[quantity]
        share = _dso1_share(numerator, denominator)
        context = what if share is None else f"Table 21: {share:.1f}%, {what}"
        bound = "less than" if quantity.endswith("_below") else "about"
        explanation = (
            f"the report says {bound} {rec['documented']}% of the whole system's annualized cost in the eight-node case; "
            "that needs every stakeholder's simulated statement (customers' assets, all eight DSOs, generators, "
            f"transmission owner, ISO), which the report does not publish. {context}. Chapter 7 computes the same "
            "shares for the demonstration case"
        )
        yield AuditRow(
            str(rec["ref"]).split(";")[0], quantity, "value", str(rec["documented"]), "", int(rec["precision"]),
            "not-computable", "missing-input", explanation,
        )  # fmt: skip
