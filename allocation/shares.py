"""København's shares between the clusters it funds jointly (Table 2's `*`).

Table 1 implies the split but does not print it. With a loaded FOLK1A quarter,
a shared funder's share of a cluster is that cluster's funding population less
its other funders' populations, over the shared funder's population (for 2022:
Klynge Syd's share first, Klynge By the complement). The shares are never
assumed (no silent 50/50): until derived or set they are unknown.

`shares_save` is the one place this app writes `Membership.funding_share`
(a geography field): it validates (each 0..1, summing to exactly 1), saves, and
records who set the share in the membership's history.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from allocation.services import record_save, require_manage
from geography.models import (
    FUNDING_KINDS,
    ClusterFundingPopulation,
    Membership,
    MembershipKind,
    MunicipalityPopulation,
    PopulationQuarter,
)

SHARE_PLACES = Decimal("0.000000000001")  # Membership.funding_share has 12 decimal places


@dataclass
class DerivedShare:
    membership: Membership
    funding_population: Decimal
    other_funders: Decimal
    municipality_population: int
    share: Decimal
    implied: Decimal  # the share this cluster's own funding population implies
    complement: bool  # True: set as 1 less the other shares

    @property
    def current(self) -> Decimal | None:
        return self.membership.funding_share

    @property
    def difference_inhabitants(self) -> Decimal:
        """How far the saved share is from what the cluster's own funding population implies, in inhabitants."""
        return (self.share - self.implied) * self.municipality_population


@dataclass
class ShareDerivation:
    year: int
    quarter_code: str | None
    shares: list[DerivedShare]
    problems: list[str]


def _shared(year: int) -> dict[int, list[Membership]]:
    by_municipality: dict[int, list[Membership]] = {}
    qs = (
        Membership.objects.filter(year=year, kind=MembershipKind.SHARED_FUNDING)
        .select_related("municipality", "cluster__region")
        .order_by("municipality__code", "cluster__region__code", "cluster__name")
    )
    for m in qs:
        by_municipality.setdefault(m.municipality_id, []).append(m)
    for members in by_municipality.values():
        # the `*`-marked membership (København in Klynge Syd) is derived; the last is the complement
        members.sort(key=lambda m: (m.table2_mark != "*", m.cluster.name))
    return by_municipality


def derive_shares(year: int, reference_date) -> ShareDerivation:
    """The shares Table 1 implies, from the funding populations and a loaded quarter (fixed query count)."""
    shared = _shared(year)
    quarter = PopulationQuarter.objects.filter(reference_date=reference_date).first()
    if not shared:
        return ShareDerivation(year, quarter.code if quarter else None, [], [])
    if quarter is None:
        return ShareDerivation(
            year, None, [],
            [f"Kommunernes indbyggertal pr. {reference_date:%d.%m.%Y} er ikke indlæst endnu, så andelene kan "
             "ikke afledes. En administrator kan indlæse kvartalet fra Danmarks Statistik (tabel FOLK1A) "
             "under Administration."],
        )
    populations = dict(MunicipalityPopulation.objects.filter(quarter=quarter).values_list("municipality_id", "population"))
    funding = dict(
        ClusterFundingPopulation.objects.filter(reference_date=reference_date).values_list("cluster_id", "value")
    )
    funders: dict[int, list[Membership]] = {}
    for m in Membership.objects.filter(year=year, kind__in=FUNDING_KINDS).only("cluster_id", "municipality_id", "kind"):
        funders.setdefault(m.cluster_id, []).append(m)
    problems: list[str] = []
    out: list[DerivedShare] = []
    for municipality_id, members in shared.items():
        name = members[0].municipality.name
        pop = populations.get(municipality_id)
        if not pop:
            problems.append(f"{quarter.code} har intet indbyggertal for {name}.")
            continue
        implied: dict[int, Decimal] = {}
        others_pop: dict[int, Decimal] = {}
        for m in members:
            if m.cluster_id not in funding:
                problems.append(f"{m.cluster} har intet finansierende indbyggertal pr. {reference_date:%d.%m.%Y}.")
                continue
            others = [f for f in funders.get(m.cluster_id, []) if f.municipality_id != municipality_id]
            missing = [f for f in others if f.municipality_id not in populations]
            if missing:
                problems.append(f"{quarter.code} mangler indbyggertal for kommuner i {m.cluster}.")
                continue
            if any(f.kind == MembershipKind.SHARED_FUNDING for f in others):
                problems.append(f"{m.cluster} har flere delte finansierende kommuner; andelen kan ikke afledes.")
                continue
            others_pop[m.pk] = Decimal(sum(populations[f.municipality_id] for f in others))
            implied[m.pk] = (funding[m.cluster_id] - others_pop[m.pk]) / Decimal(pop)
        if len(implied) != len(members):
            continue
        running = Decimal("0")
        for index, m in enumerate(members):
            last = index == len(members) - 1
            share = (Decimal("1") - running) if last else implied[m.pk].quantize(SHARE_PLACES)
            running += share
            out.append(
                DerivedShare(
                    membership=m,
                    funding_population=funding[m.cluster_id],
                    other_funders=others_pop[m.pk],
                    municipality_population=pop,
                    share=share,
                    implied=implied[m.pk],
                    complement=last,
                )
            )
            if not Decimal("0") <= share <= Decimal("1"):
                problems.append(
                    f"{name}s afledte andel af {m.cluster} er {share}, uden for 0-1: {quarter.code} passer ikke "
                    "med de finansierende indbyggertal."
                )
    return ShareDerivation(year, quarter.code, out, problems)


@transaction.atomic
def shares_save(*, year: int, shares: dict[int, Decimal], by, changes=None) -> list[str]:
    """Save a shared funder's shares (membership pk -> share); each 0..1, per municipality exactly 1.

    ``by`` (the acting user, or None for a command without one) is re-checked and recorded in the history.
    """
    require_manage(by)
    memberships = {
        m.pk: m
        for m in Membership.objects.select_for_update(of=("self",))
        .filter(year=year, kind=MembershipKind.SHARED_FUNDING)
        .select_related("municipality", "cluster__region")
    }
    unknown = [pk for pk in shares if pk not in memberships]
    if unknown:
        raise ValidationError("Andelen kan kun sættes for en delt finansiering (*) i året.")
    by_municipality: dict[int, list[Membership]] = {}
    for m in memberships.values():
        by_municipality.setdefault(m.municipality_id, []).append(m)
    lines: list[str] = []
    for members in by_municipality.values():
        if not any(m.pk in shares for m in members):
            continue
        name = members[0].municipality.name
        if any(shares.get(m.pk) is None for m in members):
            raise ValidationError(f"{name}: alle klyngers andele skal angives samtidig.")
        values = {m.pk: Decimal(shares[m.pk]).quantize(SHARE_PLACES) for m in members}
        if any(not Decimal("0") <= v <= Decimal("1") for v in values.values()):
            raise ValidationError(f"{name}: en andel skal ligge mellem 0 og 1.")
        if sum(values.values(), Decimal("0")) != Decimal("1"):
            raise ValidationError(f"{name}: andelene skal summere til præcis 1.")
        for m in members:
            value = values[m.pk]
            if m.funding_share != value:
                m.funding_share = value
                m.full_clean()
                record_save(m, by, update_fields=["funding_share"])
                line = f"opdateret finansieringsandel {year} {name} i {m.cluster}: {value}"
                lines.append(line)
                if changes is not None:
                    changes.add(line)
    return lines
