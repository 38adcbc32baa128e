"""Load a round's inputs and compute it: the rounds, their inputs in a fixed number of queries, the engine's result.

`compute_round` gathers a round's inputs in a fixed number of queries and runs
the engine; every other read of the allocation starts from its result.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from allocation.engine import (
    AllocationError,
    AllocationInput,
    AllocationResult,
    ClusterIn,
    FunderIn,
    allocate,
)
from allocation.models import (
    AllocationRound,
    ClusterWeight,
    MunicipalityWeight,
    PopulationBasis,
    PublishedRow,
    RegionKey,
    RoundStatus,
    WithinRegionBasis,
)
from geography.models import (
    FUNDING_KINDS,
    Cluster,
    ClusterFundingPopulation,
    Membership,
    MembershipKind,
    MunicipalityPopulation,
    PopulationQuarter,
    Region,
)
from geography.selectors import map_memberships


def quarter_code(date: datetime.date) -> str:
    """FOLK1A's quarter code for a reference date: 1 January 2022 -> 2022K1."""
    return f"{date.year}K{(date.month - 1) // 3 + 1}"


def missing_quarter_sentence(code: str) -> str:
    """What a reader is told when a quarter of FOLK1A is missing, and who can load it."""
    return (
        f"Kommunernes indbyggertal for {code} er ikke indlæst endnu, så bidraget pr. kommune kan ikke vises. "
        "En administrator kan indlæse kvartalet fra Danmarks Statistik (tabel FOLK1A) under Administration."
    )


def rounds():
    return AllocationRound.objects.select_related("based_on").order_by("-year", "-status", "name")


def published_round(year: int) -> AllocationRound | None:
    return AllocationRound.objects.filter(year=year, status=RoundStatus.PUBLISHED).first()


def round_by_slug(slug: str) -> AllocationRound:
    return AllocationRound.objects.select_related("based_on", "created_by", "published_by").get(slug=slug)


@dataclass
class Computation:
    """A round with its inputs as loaded and the engine's result (or the reason there is none)."""

    round: AllocationRound
    regions: dict[int, Region]
    clusters: dict[int, Cluster]
    region_keys: dict[int, RegionKey]
    memberships: list[Membership]
    quarter: PopulationQuarter | None
    populations: dict[int, int]
    municipality_weights: dict[int, Decimal]
    cluster_weights: dict[int, Decimal]
    funding_populations: dict[int, Decimal]
    result: AllocationResult | None = None
    error: str | None = None
    contributions_note: str | None = None
    order: dict[int, int] = field(default_factory=dict)

    @property
    def quarter_code(self) -> str:
        return quarter_code(self.round.reference_date)

    @property
    def has_municipality_populations(self) -> bool:
        return self.quarter is not None and bool(self.populations)

    @property
    def has_contributions(self) -> bool:
        return self.result is not None and bool(self.result.contributions)

    @property
    def contributions_complete(self) -> bool:
        """Every funding membership has its contribution (populations loaded, shares known)."""
        return (
            self.result is not None and self.has_municipality_populations
            and not self.missing_populations() and not self.missing_shares()
        )

    def funders(self) -> list[Membership]:
        return [m for m in self.memberships if m.kind in FUNDING_KINDS]

    def shared_funders(self) -> list[Membership]:
        return [m for m in self.memberships if m.kind == MembershipKind.SHARED_FUNDING]

    def missing_shares(self) -> list[Membership]:
        return [m for m in self.shared_funders() if m.funding_share is None]

    def missing_populations(self) -> list[Membership]:
        return [m for m in self.funders() if m.municipality_id not in self.populations]


def load_computation(round_: AllocationRound) -> Computation:
    """A round's inputs in a fixed number of queries (independent of the number of municipalities)."""
    region_keys = {k.region_id: k for k in RegionKey.objects.filter(round=round_).select_related("region")}
    clusters = {
        c.pk: c
        for c in Cluster.objects.select_related("region").filter(region__in=[k.region_id for k in region_keys.values()])
    }
    regions = {k.region_id: k.region for k in region_keys.values()}
    memberships = map_memberships(round_.year)
    quarter = PopulationQuarter.objects.filter(reference_date=round_.reference_date).first()
    populations = dict(
        MunicipalityPopulation.objects.filter(quarter__reference_date=round_.reference_date).values_list(
            "municipality_id", "population"
        )
    )
    return Computation(
        round=round_,
        regions=regions,
        clusters=clusters,
        region_keys=region_keys,
        memberships=memberships,
        quarter=quarter,
        populations=populations,
        municipality_weights=dict(
            MunicipalityWeight.objects.filter(round=round_).values_list("municipality_id", "weight")
        ),
        cluster_weights=dict(ClusterWeight.objects.filter(round=round_).values_list("cluster_id", "weight")),
        funding_populations=dict(
            ClusterFundingPopulation.objects.filter(reference_date=round_.reference_date).values_list(
                "cluster_id", "value"
            )
        ),
    )


def _ordered_clusters(comp: Computation) -> list[Cluster]:
    """The published table's order where there is one (Sjælland before Hovedstaden), else region code and name."""
    return sorted(comp.clusters.values(), key=lambda c: (comp.order.get(c.pk, 10_000), c.region.code, c.name))


def compute(comp: Computation) -> Computation:
    """Run the engine on the loaded inputs; sets `result`, or `error` with a Danish reason."""
    round_ = comp.round
    if not comp.region_keys:
        comp.error = "Runden har ingen regionsnøgler."
        return comp
    clusters = [ClusterIn(key=c.pk, region=c.region_id, label=str(c)) for c in _ordered_clusters(comp)]
    member_clusters = {m.cluster_id for m in comp.funders()}
    clusters = [c for c in clusters if c.key in member_clusters or c.key in comp.funding_populations]

    missing_pop = comp.missing_populations()
    missing_share = comp.missing_shares()
    incomplete = {m.cluster_id for m in missing_pop} | {m.cluster_id for m in missing_share}
    funders = None
    if comp.has_municipality_populations:
        # contributions for every cluster whose funders all have a population (and a share where shared)
        funders = [
            FunderIn(
                municipality=m.municipality_id,
                cluster=m.cluster_id,
                population=Decimal(comp.populations[m.municipality_id]),
                share=m.funding_share if m.kind == MembershipKind.SHARED_FUNDING else Decimal("1"),
                weight=comp.municipality_weights.get(m.municipality_id, Decimal("1")),
                label=m.municipality.name,
            )
            for m in comp.funders()
            if m.cluster_id not in incomplete
        ]
    if not comp.has_municipality_populations:
        comp.contributions_note = missing_quarter_sentence(comp.quarter_code)
    elif missing_pop:
        names = ", ".join(sorted({m.municipality.name for m in missing_pop}))
        comp.contributions_note = f"{comp.quarter_code} mangler indbyggertal for: {names}."
    elif missing_share:
        names = ", ".join(sorted({m.municipality.name for m in missing_share}))
        comp.contributions_note = (
            f"{names}s fordeling mellem klyngerne er ukendt for {round_.year}: den er hverken afledt eller "
            "angivet, og der antages ikke en fordeling (ingen 50/50). Bidraget pr. kommune vises derfor ikke "
            "for de klynger, kommunen finansierer. En administrator kan aflede andelene på siden "
            "«Københavns andele»."
        )

    cluster_populations = None
    if round_.population_basis == PopulationBasis.FUNDING_POPULATION:
        cluster_populations = comp.funding_populations
        if comp.municipality_weights:
            comp.error = "Vægte pr. kommune kræver kommunernes indbyggertal som befolkningsgrundlag."
            return comp
    elif funders is None or incomplete:
        comp.error = comp.contributions_note or "Kommunernes indbyggertal mangler."
        return comp

    own_weights: dict[int, dict[int, Decimal]] = {}
    for region_id, key in comp.region_keys.items():
        if key.within_region == WithinRegionBasis.WEIGHTS:
            own_weights[region_id] = {
                c.key: comp.cluster_weights[c.key]
                for c in clusters
                if c.region == region_id and c.key in comp.cluster_weights
            }
            if not own_weights[region_id]:
                comp.error = f"Region {comp.regions[region_id].name} fordeler efter egne vægte, men har ingen vægte."
                return comp
    try:
        comp.result = allocate(
            AllocationInput(
                municipal_pot=round_.municipal_pot,
                regional_pot=round_.regional_pot,
                region_keys={rid: k.key for rid, k in comp.region_keys.items()},
                clusters=clusters,
                cluster_populations=cluster_populations,
                funders=funders,
                region_cluster_weights=own_weights,
            )
        )
    except AllocationError as exc:
        comp.error = str(exc)
    return comp


def compute_round(round_: AllocationRound, *, published_order: dict[int, int] | None = None) -> Computation:
    comp = load_computation(round_)
    if published_order is None:
        published_order = table_order(round_)
    comp.order = published_order
    return compute(comp)


def table_order(round_: AllocationRound) -> dict[int, int]:
    """Clusters in the order of the published table (of this round, or the one it was copied from)."""
    source = round_
    seen = set()
    while source is not None and source.pk not in seen:
        seen.add(source.pk)
        order = dict(
            PublishedRow.objects.filter(round=source, cluster__isnull=False).values_list("cluster_id", "position")
        )
        if order:
            return order
        source = source.based_on
    # copies of the 2022 round keep its order; other rounds fall back to Table 1 of 2022 if any
    return dict(
        PublishedRow.objects.filter(round__year=round_.year, cluster__isnull=False).values_list(
            "cluster_id", "position"
        )
    )
