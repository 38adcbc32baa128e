"""Reads behind the entry list."""
from __future__ import annotations

from django.db.models import F, OuterRef, Subquery

from accounts.models import Entry

# What the list and its download read of an entry's party (``Entry.party_label``): the municipality's or the
# region's name; the rest of those rows is not fetched.
PARTY_FIELDS = ("municipality__name", "region__name")


def entry_filter_base(cluster_year):
    """Entries of one cluster-year with what the list shows, in one query per page.

    The initiative's and its area's names and the booker's username come as columns (``initiative_name``,
    ``area_name``, ``created_by_username``: ``accounts.tables.EntryTable`` reads these), not as three more
    objects per row; the party's municipality or region comes along for ``party_label``.
    """
    return (
        Entry.objects.filter(cluster_year=cluster_year)
        .select_related("municipality", "region")
        .only(*(field.name for field in Entry._meta.concrete_fields), *PARTY_FIELDS)
        .annotate(
            initiative_name=F("initiative__name"),
            area_name=F("initiative__area__name"),
            created_by_username=F("created_by__username"),
            reversal_id=Subquery(Entry.objects.filter(reverses=OuterRef("pk")).values("pk")[:1]),
        )
    )
