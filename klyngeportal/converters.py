"""URL converters of the portal, registered when the root URL configuration is loaded.

``<year:year>``: a year the portal holds (``held_years``). Any other year, or anything that is not
four digits, does not match, so the URL answers the Danish 404 before a view runs: no view can
forget the rule. ``held_year`` is the same rule for a year read from a query string or a form.

The years the portal holds run from the first year with a cluster map (or with accounts) to the
year after the newest of: the newest map, the newest accounts and the current year. A year after
the newest map is on that map (``geography.selectors.map_year_of``), and the year after the newest
accounts is where a close carries money over. Year 9999, 2100 or 1999 is not held: 404.
"""
from __future__ import annotations

import datetime

from django.urls import register_converter


def held_years() -> range:
    """The years the portal holds, as a range (empty while it holds neither a map nor accounts). One query."""
    from accounts.models import ClusterYear
    from geography.models import Membership

    map_and_account_years = Membership.objects.order_by().values_list("year", flat=True).union(
        ClusterYear.objects.order_by().values_list("year", flat=True)
    ).order_by("year")
    years = set(map_and_account_years)
    if not years:
        return range(0)
    return range(min(years), max(*years, datetime.date.today().year) + 2)


def held_year(value, years: range | None = None) -> int | None:
    """The year if the portal holds it, else None (junk, another length, a year out of range).

    ``years`` is ``held_years()`` when the caller has it; else one query.
    """
    text = str(value).strip()
    if not (len(text) == 4 and text.isascii() and text.isdigit()):
        return None
    year = int(text)
    return year if year in (held_years() if years is None else years) else None


class HeldYearConverter:
    regex = "[0-9]{4}"

    def to_python(self, value: str) -> int:
        year = held_year(value)
        if year is None:
            raise ValueError(f"Portalen har ikke året {value}.")
        return year

    def to_url(self, value) -> str:
        return str(value)


register_converter(HeldYearConverter, "year")
