"""Initiatives (indsatser) of a cluster: created and changed in a cluster-year they run in."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts.models import ClusterYear, Initiative
from accounts.services.locking import cluster_year_lock, save_recording
from geography.selectors import cluster_municipalities
from users.access import require_permission

INITIATIVE_FIELDS = frozenset({
    "name", "area", "description", "responsible", "responsible_municipality", "status", "first_year", "last_year",
})


def _initiative_check(cluster_year: ClusterYear, initiative: Initiative) -> None:
    errors = {}
    if Initiative.objects.filter(cluster_id=cluster_year.cluster_id, name__iexact=initiative.name).exclude(
        pk=initiative.pk
    ).exists():
        errors["name"] = "Klyngen har allerede en indsats med det navn."
    if initiative.area_id and initiative.area.year != cluster_year.year:
        errors["area"] = f"Vælg et indsatsområde for {cluster_year.year}."
    if initiative.first_year and initiative.last_year is not None and not initiative.runs_in(cluster_year.year):
        errors["first_year"] = f"Indsatsen skal køre i {cluster_year.year}."
    if initiative.responsible == Initiative.Responsible.MUNICIPALITY:
        members = cluster_municipalities(cluster_year.cluster, cluster_year.year)
        if initiative.responsible_municipality_id not in members:
            errors["responsible_municipality"] = "Den ansvarlige kommune skal deltage i klyngen."
    else:
        initiative.responsible_municipality = None
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def initiative_create(*, cluster_year, by, name, area, description="", responsible, responsible_municipality=None,
                      status, first_year=None, last_year=None) -> Initiative:
    cluster_year = cluster_year_lock(cluster_year)
    require_permission(by, "edit_accounts", cluster_year)
    initiative = Initiative(
        cluster=cluster_year.cluster, name=(name or "").strip(), area=area, description=description,
        responsible=responsible, responsible_municipality=responsible_municipality, status=status,
        first_year=first_year or cluster_year.year, last_year=last_year or first_year or cluster_year.year,
    )
    _initiative_check(cluster_year, initiative)
    initiative.full_clean()
    save_recording(initiative, by)
    return initiative


@transaction.atomic
def initiative_update(*, initiative, cluster_year, by, **fields) -> Initiative:
    cluster_year = cluster_year_lock(cluster_year)
    require_permission(by, "edit_accounts", cluster_year)
    if initiative.cluster_id != cluster_year.cluster_id:
        raise PermissionDenied("Indsatsen hører til en anden klynge.")
    for key, value in fields.items():
        if key not in INITIATIVE_FIELDS:
            raise TypeError(key)
        setattr(initiative, key, value)
    _initiative_check(cluster_year, initiative)
    initiative.full_clean()
    save_recording(initiative, by)
    return initiative
