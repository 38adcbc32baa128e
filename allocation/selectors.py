"""Reads for the allocation pages and for other apps: rounds, their computed result, contributions.

`compute_round` gathers a round's inputs in a fixed number of queries and runs
the engine; everything else reads from its result.
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


def quarter_code(date: datetime.date) -> str:
    """FOLK1A's quarter code for a reference date: 1 January 2022 -> 2022K1."""
    return f"{date.year}K{(date.month - 1) // 3 + 1}"


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
    memberships = list(
        Membership.objects.filter(year=round_.year)
        .select_related("municipality", "cluster")
        .order_by("cluster__region__code", "cluster__name", "municipality__name")
    )
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
        comp.contributions_note = (
            f"Kommunernes indbyggertal for {comp.quarter_code} er ikke indlæst; bidraget pr. kommune kan ikke "
            "vises. Indlæs kvartalet med: python manage.py load_population FILE"
        )
    elif missing_pop:
        names = ", ".join(sorted({m.municipality.name for m in missing_pop}))
        comp.contributions_note = f"{comp.quarter_code} mangler indbyggertal for: {names}."
    elif missing_share:
        names = ", ".join(sorted({m.municipality.name for m in missing_share}))
        comp.contributions_note = (
            f"{names}s fordeling mellem klyngerne er ukendt for {round_.year}: den er hverken afledt eller "
            "angivet, og der antages ikke en fordeling (ingen 50/50). Bidraget pr. kommune vises derfor ikke "
            "for de klynger, kommunen finansierer. Afled andelene med: "
            f"python manage.py allocate {round_.year} --derive-shares"
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


# --- for the accounts: start-up contributions of a cluster -------------------

@dataclass(frozen=True)
class ContributionLine:
    """One party's start-up contribution to a cluster in a year (whole kroner).

    party_kind: "municipality" (one municipality, with København's share where shared),
    "municipalities" (the cluster's funding municipalities jointly, when their
    populations are not loaded) or "region".
    """

    party_kind: str
    municipality: object | None
    region: Region | None
    amount: Decimal
    round: AllocationRound


def startup_contributions(cluster: Cluster, year: int) -> list[ContributionLine]:
    """The start-up contributions to a cluster by the published round of the year; [] without one."""
    round_ = published_round(year)
    if round_ is None:
        return []
    comp = compute_round(round_)
    if comp.result is None or cluster.pk not in {c.key for c in comp.result.clusters}:
        return []
    out = comp.result.cluster(cluster.pk)
    lines: list[ContributionLine] = []
    contributions = comp.result.contributions_for(cluster.pk)
    if contributions:
        municipalities = {m.municipality_id: m.municipality for m in comp.memberships}
        lines.extend(
            ContributionLine("municipality", municipalities[c.municipality], None, c.amount, round_)
            for c in contributions
        )
    else:
        lines.append(ContributionLine("municipalities", None, None, out.municipal, round_))
    lines.append(ContributionLine("region", None, comp.regions[out.region], out.regional, round_))
    return lines


# --- the result in Table 1's layout ------------------------------------------

@dataclass
class ResultRow:
    row_kind: str  # cluster, region_subtotal, total
    region: Region | None
    cluster: Cluster | None
    municipalities_kr: Decimal
    region_kr: Decimal
    total_kr: Decimal
    population: Decimal | None = None
    rate: Decimal | None = None  # the regional side's kr. per inhabitant (region rows)

    @property
    def region_name(self) -> str:
        return self.region.name if self.region else ""

    @property
    def cluster_name(self) -> str:
        return self.cluster.name if self.cluster else ""

    @property
    def population_places(self) -> int:
        """Decimals to show: whole inhabitants unless a shared funder's split makes a fraction."""
        if self.population is None or self.population == self.population.to_integral_value():
            return 0
        return 2


def result_rows(comp: Computation) -> list[ResultRow]:
    """Regions with their clusters and a subtotal, then the grand total (as Table 1 is laid out)."""
    result = comp.result
    if result is None:
        return []
    rows: list[ResultRow] = []
    for region in result.regions:
        region_obj = comp.regions[region.key]
        for c in region.clusters:
            rows.append(
                ResultRow("cluster", region_obj, comp.clusters[c.key], c.municipal, c.regional, c.total, c.population)
            )
        rows.append(
            ResultRow(
                "region_subtotal", region_obj, None, region.municipal, region.regional, region.total,
                region.population, region.rate,
            )
        )
    rows.append(
        ResultRow(
            "total", None, None, result.municipal_total, result.regional_total, result.total, result.population
        )
    )
    return rows


# --- two rounds side by side -------------------------------------------------

@dataclass
class CompareRow:
    row_kind: str
    region: Region | None
    cluster: Cluster | None
    a: ResultRow | None
    b: ResultRow | None

    def _pair(self, column):
        va = getattr(self.a, column) if self.a else Decimal("0")
        vb = getattr(self.b, column) if self.b else Decimal("0")
        return va, vb

    def difference(self, column: str) -> Decimal:
        va, vb = self._pair(column)
        return vb - va

    def percent(self, column: str) -> Decimal | None:
        """B's change from A as a fraction of A (None when A is zero)."""
        va, vb = self._pair(column)
        if not va:
            return None
        return ((vb - va) / va).quantize(Decimal("0.000001"))

    def cells(self):
        """(column, a, b, difference, fraction) for municipal, regional and total."""
        out = []
        for column in ("municipalities_kr", "region_kr", "total_kr"):
            va, vb = self._pair(column)
            out.append((column, va, vb, vb - va, self.percent(column)))
        return out

    @property
    def region_name(self) -> str:
        return self.region.name if self.region else ""

    @property
    def cluster_name(self) -> str:
        return self.cluster.name if self.cluster else ""


def compare(comp_a: Computation, comp_b: Computation) -> list[CompareRow]:
    """Per cluster and per region (and in total): B less A, in kroner and per cent of A. Rows in A's layout."""
    rows_a, rows_b = result_rows(comp_a), result_rows(comp_b)

    def key(row: ResultRow):
        return (row.row_kind, row.region.pk if row.region else None, row.cluster.pk if row.cluster else None)

    by_key_b = {key(r): r for r in rows_b}
    out = [CompareRow(r.row_kind, r.region, r.cluster, r, by_key_b.pop(key(r), None)) for r in rows_a]
    # clusters only in B go before the grand total
    extra = [CompareRow(r.row_kind, r.region, r.cluster, None, r) for r in by_key_b.values()]
    if extra and out and out[-1].row_kind == "total":
        out[-1:-1] = extra
    else:
        out.extend(extra)
    return out
