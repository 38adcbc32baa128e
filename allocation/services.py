"""Writes to allocation rounds: copy, change parameters, keys and weights, publish.

A published round is frozen: every write here refuses it with a Danish message.
Each function is keyword-only, validates with full_clean() and runs in a transaction.
"""
from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.text import slugify

from allocation.models import (
    AllocationRound,
    ClusterWeight,
    MunicipalityWeight,
    RegionKey,
    RoundStatus,
    WithinRegionBasis,
)


def frozen_message(round_: AllocationRound) -> str:
    return f"Runden «{round_.name}» er offentliggjort og dermed låst; lav en kopi for at regne på et scenarie."


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


@transaction.atomic
def round_copy(*, source: AllocationRound, name: str, by, description: str = "") -> AllocationRound:
    """A draft copy of a round with its keys and weights (not its published table)."""
    copy = AllocationRound(
        year=source.year,
        name=name,
        slug=_unique_slug(name, source.year),
        pot=source.pot,
        municipal_pot=source.municipal_pot,
        regional_pot=source.regional_pot,
        population_basis=source.population_basis,
        reference_date=source.reference_date,
        status=RoundStatus.DRAFT,
        based_on=source,
        description=description,
        created_by=by,
    )
    copy.full_clean()
    copy.save()
    for key in source.region_keys.all():
        RegionKey.objects.create(round=copy, region_id=key.region_id, key=key.key, within_region=key.within_region)
    for weight in source.cluster_weights.all():
        ClusterWeight.objects.create(round=copy, cluster_id=weight.cluster_id, weight=weight.weight)
    for weight in source.municipality_weights.all():
        MunicipalityWeight.objects.create(round=copy, municipality_id=weight.municipality_id, weight=weight.weight)
    return copy


@transaction.atomic
def round_update(
    *, round_: AllocationRound, by, name: str, description: str, pot: Decimal, municipal_pot: Decimal,
    population_basis: str, reference_date,
) -> AllocationRound:
    """Change a draft's name, pot, split and population basis; the regional pot is the rest of the pot."""
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
    locked.save()
    return locked


@transaction.atomic
def region_keys_set(*, round_: AllocationRound, by, keys: dict, within: dict) -> None:
    """Set each region's block-grant key (summing to exactly 1) and how it splits within the region."""
    locked = _lock_draft(round_)
    total = sum(keys.values(), Decimal("0"))
    if total != Decimal("1"):
        raise ValidationError(f"Regionernes nøgler skal summere til præcis 1 (de summerer til {total}).")
    for region_id, key in keys.items():
        obj, _ = RegionKey.objects.get_or_create(
            round=locked, region_id=region_id, defaults={"key": key}
        )
        obj.key = key
        obj.within_region = within.get(region_id, WithinRegionBasis.POPULATION)
        obj.full_clean()
        obj.save()
    RegionKey.objects.filter(round=locked).exclude(region_id__in=list(keys)).delete()


@transaction.atomic
def cluster_weights_set(*, round_: AllocationRound, by, weights: dict) -> None:
    """A region's own weights per cluster (cluster pk -> weight; None removes the weight)."""
    locked = _lock_draft(round_)
    for cluster_id, weight in weights.items():
        if weight is None:
            ClusterWeight.objects.filter(round=locked, cluster_id=cluster_id).delete()
            continue
        obj = ClusterWeight.objects.filter(round=locked, cluster_id=cluster_id).first() or ClusterWeight(
            round=locked, cluster_id=cluster_id
        )
        obj.weight = weight
        obj.full_clean()
        obj.save()


@transaction.atomic
def municipality_weights_set(*, round_: AllocationRound, by, weights: dict) -> None:
    """Replace the weights per municipality (municipality pk -> weight); a missing municipality weighs 1."""
    locked = _lock_draft(round_)
    MunicipalityWeight.objects.filter(round=locked).exclude(municipality_id__in=list(weights)).delete()
    for municipality_id, weight in weights.items():
        obj = MunicipalityWeight.objects.filter(round=locked, municipality_id=municipality_id).first()
        obj = obj or MunicipalityWeight(round=locked, municipality_id=municipality_id)
        obj.weight = weight
        obj.full_clean()
        obj.save()


@transaction.atomic
def round_publish(*, round_: AllocationRound, by) -> AllocationRound:
    """Publish a draft: it becomes the year's allocation and is frozen. Only one published round per year."""
    from allocation.selectors import compute_round

    locked = _lock_draft(round_)
    other = AllocationRound.objects.filter(year=locked.year, status=RoundStatus.PUBLISHED).exclude(pk=locked.pk)
    if other.exists():
        raise ValidationError(
            f"Der er allerede en offentliggjort runde for {locked.year} («{other.first().name}»); "
            "der kan kun være én."
        )
    comp = compute_round(locked)
    if comp.error:
        raise ValidationError(f"Runden kan ikke offentliggøres, fordi den ikke kan beregnes: {comp.error}")
    locked.status = RoundStatus.PUBLISHED
    locked.published_at = timezone.now()
    locked.published_by = by if getattr(by, "pk", None) else None
    locked.full_clean()
    try:
        with transaction.atomic():
            locked.save()
    except IntegrityError as exc:
        raise ValidationError(f"Der er allerede en offentliggjort runde for {locked.year}.") from exc
    return locked


@transaction.atomic
def round_delete(*, round_: AllocationRound, by) -> None:
    locked = _lock_draft(round_)
    try:
        with transaction.atomic():
            locked.delete()
    except ProtectedError as exc:
        raise ValidationError("Runden bruges af klyngeregnskaber og kan ikke slettes.") from exc
