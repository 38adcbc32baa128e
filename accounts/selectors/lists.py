"""Totals of what a list shows after its filters (like Excel's SUBTOTAL), from the money family.

One query each, summed in whole øre by ``accounts.selectors.totals.cents_sum``, whatever the
number of rows; the figures are ``MoneyRow``'s (expenses, income, net spend by ``signed_amount``,
budget). The same query counts the rows, so the list's paginator needs no COUNT of its own.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count

from accounts.selectors.totals import MoneyRow, cents_sum, from_cents


@dataclass
class FilteredTotals(MoneyRow):
    """A money row over the filtered rows, and how many rows there are."""

    count: int = 0


def entry_totals(entries) -> FilteredTotals:
    """Expenses, income, net spend (``.spend``) and the number of a filtered queryset of entries. One query."""
    total = FilteredTotals(key="filtered", label="I alt (filtreret)")
    # values() leaves out the list's joins and its reversal subquery: the kind, the sum and the count only.
    for row in entries.values("kind").annotate(cents=cents_sum("amount"), n=Count("pk")).order_by():
        total.add_entries(row["kind"], from_cents(row["cents"]))
        total.count += row["n"]
    return total


def budget_totals(lines) -> FilteredTotals:
    """The budget (``.budget``) and the number of a filtered queryset of budget lines. One query."""
    found = lines.order_by().aggregate(cents=cents_sum("amount"), n=Count("pk"))
    return FilteredTotals(key="filtered", label="I alt (filtreret)", budget=from_cents(found["cents"]),
                          count=found["n"])
