"""Writes to allocation rounds: copy, change parameters, keys and weights, publish.

A published round is frozen: every write here refuses it with a Danish message.
Each function is keyword-only, validates with full_clean(), runs in a transaction and
records who made the change (``by``) in the history of every row it saves or deletes.
Each re-checks that ``by`` may do it (``users.access``); ``by=None`` is a command or the
reference data acting without a user.
"""
from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.text import slugify

from allocation.models import (
    AllocationRound,
    ClusterWeight,
    MunicipalityWeight,
    PopulationBasis,
    RegionKey,
    RoundStatus,
    WithinRegionBasis,
)
from geography.models import ClusterFundingPopulation
from geography.selectors import map_year_of, map_years
from users.access import can_manage_allocation, can_publish_allocation

MANAGE_REFUSAL = "Kun administratorer kan arbejde med scenarier og Københavns andele."
PUBLISH_REFUSAL = "Kun administratorer kan offentliggøre en runde."


def require_manage(by) -> None:
    """Refuse (PermissionDenied with the Danish reason) a user who may not change the allocation."""
    if by is not None and not can_manage_allocation(by):
        raise PermissionDenied(MANAGE_REFUSAL)


def require_publish(by) -> None:
    if by is not None and not can_publish_allocation(by):
        raise PermissionDenied(PUBLISH_REFUSAL)


def record_save(obj, by, **kwargs) -> None:
    """Save and record who did it in the object's history (also outside a web request)."""
    if by is not None:
        obj._history_user = by
    obj.save(**kwargs)


def record_delete(obj, by) -> None:
    """Delete and record who did it in the object's history."""
    if by is not None:
        obj._history_user = by
    obj.delete()


def frozen_message(round_: AllocationRound) -> str:
    return f"Runden «{round_.name}» er offentliggjort og dermed låst; lav en kopi for at regne på et scenarie."


def already_published_message(published: AllocationRound) -> str:
    return (
        f"Der er allerede en offentliggjort runde for {published.year} («{published.name}»), og der kan kun "
        "være én; kladden kan ikke offentliggøres."
    )


def _lock_draft(round_: AllocationRound) -> AllocationRound:
    locked = AllocationRound.objects.select_for_update().get(pk=round_.pk)
    if locked.status == RoundStatus.PUBLISHED:
        raise ValidationError(frozen_message(locked))
    return locked


def _unique_slug(name: str, year: int) -> str:
    base = slugify(f"{year} {name}")[:40] or str(year)
    slug, n = base, 1
    while AllocationRound.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def year_reference_date(year: int) -> datetime.date:
    """A year's population quarter: FOLK1A on 1 January of the year (2023 -> 2023K1)."""
    return datetime.date(year, 1, 1)


@transaction.atomic
def round_copy(
    *, source: AllocationRound, name: str, by, description: str = "", year: int | None = None,
) -> AllocationRound:
    """A draft copy of a round with its keys and weights (not its published table).

    Copied for another year it is that year's round: its population quarter is the year's
    first (1 January), and it is computed on the year's cluster map (``map_year_for``). Table 1's
    funding populations exist only for their own date, so such a copy counts the municipalities'
    populations of the year's quarter unless funding populations exist for that date.
    """
    require_manage(by)
    year = source.year if year is None else year
    if map_year_of(year, map_years()) is None:
        raise ValidationError({"year": f"Der er intet klyngekort for {year} eller et tidligere år."})
    reference_date, basis = source.reference_date, source.population_basis
    if year != source.year:
        reference_date = year_reference_date(year)
        if not ClusterFundingPopulation.objects.filter(reference_date=reference_date).exists():
            basis = PopulationBasis.MUNICIPALITY_QUARTER
    copy = AllocationRound(
        year=year,
        name=name,
        slug=_unique_slug(name, year),
        pot=source.pot,
        municipal_pot=source.municipal_pot,
        regional_pot=source.regional_pot,
        population_basis=basis,
        reference_date=reference_date,
        status=RoundStatus.DRAFT,
        based_on=source,
        description=description,
        created_by=by,
    )
    copy.full_clean()
    record_save(copy, by)
    for key in source.region_keys.all():
        record_save(RegionKey(round=copy, region_id=key.region_id, key=key.key, within_region=key.within_region), by)
    for weight in source.cluster_weights.all():
        record_save(ClusterWeight(round=copy, cluster_id=weight.cluster_id, weight=weight.weight), by)
    for weight in source.municipality_weights.all():
        record_save(MunicipalityWeight(round=copy, municipality_id=weight.municipality_id, weight=weight.weight), by)
    return copy


@transaction.atomic
def round_update(
    *, round_: AllocationRound, by, name: str, description: str, pot: Decimal, municipal_pot: Decimal,
    population_basis: str, reference_date,
) -> AllocationRound:
    """Change a draft's name, pot, split and population basis; the regional pot is the rest of the pot."""
    require_manage(by)
    locked = _lock_draft(round_)
    if municipal_pot > pot:
        raise ValidationError({"municipal_pot": "Den kommunale andel kan ikke være større end puljen."})
    locked.name = name
    locked.description = description
    locked.pot = pot
    locked.municipal_pot = municipal_pot
    locked.regional_pot = pot - municipal_pot
    locked.population_basis = population_basis
    locked.reference_date = reference_date
    locked.full_clean()
    record_save(locked, by)
    return locked


@transaction.atomic
def region_keys_set(*, round_: AllocationRound, by, keys: dict, within: dict) -> None:
    """Set each region's block-grant key (summing to exactly 1) and how it splits within the region."""
    require_manage(by)
    locked = _lock_draft(round_)
    total = sum(keys.values(), Decimal("0"))
    if total != Decimal("1"):
        raise ValidationError(f"Regionernes nøgler skal summere til præcis 1 (de summerer til {total}).")
    current = {k.region_id: k for k in RegionKey.objects.filter(round=locked)}
    for region_id, key in keys.items():
        obj = current.pop(region_id, None) or RegionKey(round=locked, region_id=region_id)
        within_region = within.get(region_id, WithinRegionBasis.POPULATION)
        if obj.pk and (obj.key, obj.within_region) == (key, within_region):
            continue  # unchanged: no history row
        obj.key = key
        obj.within_region = within_region
        obj.full_clean()
        record_save(obj, by)
    for obj in current.values():
        record_delete(obj, by)


@transaction.atomic
def cluster_weights_set(*, round_: AllocationRound, by, weights: dict) -> None:
    """A region's own weights per cluster (cluster pk -> weight; None removes the weight)."""
    require_manage(by)
    locked = _lock_draft(round_)
    current = {w.cluster_id: w for w in ClusterWeight.objects.filter(round=locked, cluster_id__in=list(weights))}
    for cluster_id, weight in weights.items():
        obj = current.get(cluster_id)
        if weight is None:
            if obj is not None:
                record_delete(obj, by)
            continue
        if obj is not None and obj.weight == weight:
            continue  # unchanged: no history row
        obj = obj or ClusterWeight(round=locked, cluster_id=cluster_id)
        obj.weight = weight
        obj.full_clean()
        record_save(obj, by)


@transaction.atomic
def municipality_weights_set(*, round_: AllocationRound, by, weights: dict) -> None:
    """Replace the weights per municipality (municipality pk -> weight); a missing municipality weighs 1."""
    require_manage(by)
    locked = _lock_draft(round_)
    current = {w.municipality_id: w for w in MunicipalityWeight.objects.filter(round=locked)}
    for municipality_id in set(current) - set(weights):
        record_delete(current.pop(municipality_id), by)
    for municipality_id, weight in weights.items():
        obj = current.get(municipality_id)
        if obj is not None and obj.weight == weight:
            continue  # unchanged: no history row
        obj = obj or MunicipalityWeight(round=locked, municipality_id=municipality_id)
        obj.weight = weight
        obj.full_clean()
        record_save(obj, by)


@transaction.atomic
def round_publish(*, round_: AllocationRound, by) -> AllocationRound:
    """Publish a draft: it becomes the year's allocation and is frozen. Only one published round per year."""
    from allocation.selectors import compute_round

    require_publish(by)
    locked = _lock_draft(round_)
    other = AllocationRound.objects.filter(year=locked.year, status=RoundStatus.PUBLISHED).exclude(pk=locked.pk)
    if other.exists():
        raise ValidationError(already_published_message(other.first()))
    comp = compute_round(locked)
    if comp.error:
        raise ValidationError(f"Runden kan ikke offentliggøres, fordi den ikke kan beregnes: {comp.error}")
    locked.status = RoundStatus.PUBLISHED
    locked.published_at = timezone.now()
    locked.published_by = by if getattr(by, "pk", None) else None
    locked.full_clean()
    try:
        with transaction.atomic():
            record_save(locked, by)
    except IntegrityError as exc:
        raise ValidationError(f"Der er allerede en offentliggjort runde for {locked.year}.") from exc
    return locked


@transaction.atomic
def round_delete(*, round_: AllocationRound, by) -> None:
    """Delete a draft with its keys and weights, each deletion recorded in its history."""
    require_manage(by)
    locked = _lock_draft(round_)
    try:
        with transaction.atomic():
            for related in (locked.region_keys, locked.cluster_weights, locked.municipality_weights):
                for obj in related.all():
                    record_delete(obj, by)
            record_delete(locked, by)
    except ProtectedError as exc:
        raise ValidationError("Runden bruges af klyngeregnskaber og kan ikke slettes.") from exc
