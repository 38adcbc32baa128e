"""The cluster-year: one cluster's accounts for one year."""
from __future__ import annotations

from django.db import IntegrityError, transaction

from accounts.models import ClusterYear


def cluster_year_get_or_create(*, cluster, year: int) -> ClusterYear:
    """The cluster's accounts for the year, created as a draft when missing (safe under concurrency)."""
    existing = ClusterYear.objects.filter(cluster=cluster, year=year).select_related("cluster__region").first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            cluster_year = ClusterYear(cluster=cluster, year=year)
            cluster_year.full_clean(validate_constraints=False)
            cluster_year.save()
            return cluster_year
    except IntegrityError:
        return ClusterYear.objects.select_related("cluster__region").get(cluster=cluster, year=year)
