"""Reads behind the entry list."""
from __future__ import annotations

from django.db.models import OuterRef, Subquery

from accounts.models import Entry

# What the list and its download read of an entry's related rows (``accounts.tables.EntryTable``): the
# rest of those rows is not fetched, so a page builds small objects (the entry's own fields all come).
LIST_RELATED_FIELDS = ("initiative__name", "initiative__area__name", "municipality__name", "region__name",
                       "created_by__username")


def entry_filter_base(cluster_year):
    """Entries of one cluster-year with what the list shows, in one query per page."""
    return (
        Entry.objects.filter(cluster_year=cluster_year)
        .select_related("initiative__area", "municipality", "region", "created_by")
        .only(*(field.name for field in Entry._meta.concrete_fields), *LIST_RELATED_FIELDS)
        .annotate(reversal_id=Subquery(
            Entry.objects.filter(reverses=OuterRef("pk")).values("pk")[:1]
        ))
    )
