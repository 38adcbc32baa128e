"""Reads behind the entry list."""
from __future__ import annotations

from django.db.models import OuterRef, Subquery

from accounts.models import Entry


def entry_filter_base(cluster_year):
    """Entries of one cluster-year with what the list shows, in one query per page."""
    return (
        Entry.objects.filter(cluster_year=cluster_year)
        .select_related("initiative__area", "municipality", "region", "created_by", "reverses")
        .annotate(reversal_id=Subquery(
            Entry.objects.filter(reverses=OuterRef("pk")).values("pk")[:1]
        ))
    )
