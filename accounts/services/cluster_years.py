"""The cluster-year: one cluster's accounts for one year."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import ClusterYear
from klyngeportal.converters import held_year, held_years


def year_not_held_error(year) -> ValidationError:
    """The Danish refusal of accounts for a year without a cluster map (code ``year_not_held``)."""
    years = held_years()
    where = f" Regnskaber kan oprettes for {years[0]}–{years[-1]}." if years else ""
    return ValidationError(f"Portalen har intet klyngekort for {year}, så der kan ikke oprettes regnskab for året."
                           + where, code="year_not_held")


def cluster_year_get_or_create(*, cluster, year: int) -> ClusterYear:
    """The cluster's accounts for the year, created as a draft when missing (safe under concurrency).

    Only for a year the portal holds (``klyngeportal.converters.held_year``: a year with a cluster
    map); any other year is refused with a Danish ValidationError (code ``year_not_held``).
    """
    existing = ClusterYear.objects.filter(cluster=cluster, year=year).select_related("cluster__region").first()
    if existing:
        return existing
    if held_year(year) is None:
        raise year_not_held_error(year)
    try:
        with transaction.atomic():
            cluster_year = ClusterYear(cluster=cluster, year=year)
            cluster_year.full_clean(validate_constraints=False)
            cluster_year.save()
            return cluster_year
    except IntegrityError:
        return ClusterYear.objects.select_related("cluster__region").get(cluster=cluster, year=year)
