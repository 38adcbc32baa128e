"""Reads that feed the geography pages. Each function runs a fixed number of queries."""
from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from geography.models import (
    FUNDING_KINDS,
    Cluster,
    ClusterFundingPopulation,
    Membership,
    MembershipKind,
    Municipality,
    MunicipalityPopulation,
    PopulationQuarter,
    Region,
)

MARK_LEGEND = [
    ("*", "Politisk og administrativ deltagelse. Kommunens indbyggertal deles mellem to klynger, "
          "og hver del finansierer sin klynge (København i Klynge Syd og Klynge By)."),
    ("**", "Alene administrativ deltagelse; kommunen finansierer ikke denne klynge."),
    ("***", "Politisk og administrativ deltagelse; kommunen finansierer ikke denne klynge."),
]


def map_year_for(cluster: Cluster, year: int) -> int | None:
    """The one rule for which cluster map applies to a year: the latest map not after it. One query."""
    return (
        Membership.objects.filter(cluster=cluster, year__lte=year)
        .order_by("-year").values_list("year", flat=True).first()
    )


def cluster_municipalities(cluster: Cluster, year: int, *, funding_only: bool = False) -> dict[int, Municipality]:
    """The cluster's member municipalities in the year's map (``map_year_for``), by pk. One query.

    ``funding_only`` keeps the memberships that fund the cluster (Table 2 without * * and * * *).
    """
    memberships = Membership.objects.filter(cluster=cluster, year__lte=year).select_related("municipality")
    if funding_only:
        memberships = memberships.filter(kind__in=FUNDING_KINDS)
    rows = list(memberships.order_by("-year", "municipality__name"))
    if not rows:
        return {}
    map_year = rows[0].year  # the same rule as map_year_for, without a second query
    return {m.municipality_id: m.municipality for m in rows if m.year == map_year}


def map_memberships(year: int) -> list[Membership]:
    """Every cluster's memberships in the map that applies to the year (``map_year_for`` per cluster). One query.

    A 2023 round without a 2023 map is computed on the 2022 map. Municipality and cluster come along.
    """
    rows = list(
        Membership.objects.filter(year__lte=year)
        .select_related("municipality", "cluster")
        .order_by("cluster__region__code", "cluster__name", "municipality__name")
    )
    latest: dict[int, int] = {}
    for m in rows:
        latest[m.cluster_id] = max(latest.get(m.cluster_id, m.year), m.year)
    return [m for m in rows if m.year == latest[m.cluster_id]]


def map_year_of(year: int, years: list[int]) -> int | None:
    """The latest of the map years (``map_years``) not after the year: the same rule as ``map_year_for``."""
    return max((y for y in years if y <= year), default=None)


def map_years() -> list[int]:
    """The years that have a cluster map, newest last. One query."""
    return list(Membership.objects.order_by("year").values_list("year", flat=True).distinct())


def pick_year(years: list[int], requested: str | None) -> int | None:
    """The requested year if it has a map, the newest year when none is requested, else None."""
    if not requested:
        return years[-1] if years else None
    try:
        year = int(requested)
    except ValueError:
        return None
    return year if year in years else None


def quarters() -> list[PopulationQuarter]:
    """Loaded FOLK1A quarters, oldest first. One query."""
    return list(PopulationQuarter.objects.order_by("reference_date"))


def pick_quarter(loaded: list[PopulationQuarter], requested: str | None):
    """(quarter or None, ok): the requested quarter, or the newest when none is requested."""
    if not requested:
        return (loaded[-1] if loaded else None), True
    for quarter in loaded:
        if quarter.code == requested.strip().upper():
            return quarter, True
    return None, False


def funding_populations(year: int, **filters) -> dict[int, ClusterFundingPopulation]:
    """Each cluster's funding population of the year (the latest reference date in it). One query."""
    result = {}
    for row in ClusterFundingPopulation.objects.filter(reference_date__year=year, **filters).order_by(
        "reference_date"
    ):
        result[row.cluster_id] = row
    return result


def region_rows(year: int) -> list[dict]:
    """One row per region: clusters, member municipalities and funding population of the year. Three queries."""
    clusters = defaultdict(set)
    municipalities = defaultdict(set)
    region_of_cluster = {}
    for row in Membership.objects.filter(year=year).values("cluster_id", "cluster__region_id", "municipality_id"):
        clusters[row["cluster__region_id"]].add(row["cluster_id"])
        municipalities[row["cluster__region_id"]].add(row["municipality_id"])
        region_of_cluster[row["cluster_id"]] = row["cluster__region_id"]
    population = defaultdict(lambda: Decimal("0"))
    for cluster_id, funding in funding_populations(year).items():
        if cluster_id in region_of_cluster:
            population[region_of_cluster[cluster_id]] += funding.value
    return [
        {
            "region": region,
            "name": region.name,
            "code": region.code,
            "url": region.get_absolute_url(),
            "clusters": len(clusters[region.pk]),
            "municipalities": len(municipalities[region.pk]),
            "funding_population": population[region.pk] if region.pk in population else None,
        }
        for region in Region.objects.order_by("code")
    ]


def region_clusters(region: Region, year: int) -> list[dict]:
    """The region's clusters in the year with member counts and funding population. Three queries."""
    members = defaultdict(int)
    funders = defaultdict(int)
    for row in Membership.objects.filter(year=year, cluster__region=region).values("cluster_id", "kind"):
        members[row["cluster_id"]] += 1
        if row["kind"] in FUNDING_KINDS:
            funders[row["cluster_id"]] += 1
    populations = funding_populations(year, cluster__region=region)
    rows = []
    for cluster in Cluster.objects.filter(region=region).order_by("name"):
        if cluster.pk not in members:
            continue
        cluster.region = region
        funding = populations.get(cluster.pk)
        rows.append({
            "cluster": cluster,
            "name": cluster.name,
            "url": cluster.get_absolute_url() + f"?aar={year}",
            "municipalities": members[cluster.pk],
            "funders": funders[cluster.pk],
            "funding_population": funding.value if funding else None,
            "reference_date": funding.reference_date if funding else None,
        })
    return rows


def cluster_members(cluster: Cluster, year: int, quarter: PopulationQuarter | None) -> list[dict]:
    """The cluster's member municipalities in the year; with the quarter's populations when given.

    Two queries (one without a quarter).
    """
    memberships = list(
        Membership.objects.filter(cluster=cluster, year=year).select_related("municipality").order_by(
            "municipality__name"
        )
    )
    populations = {}
    if quarter is not None:
        populations = dict(
            MunicipalityPopulation.objects.filter(
                quarter=quarter, municipality__in=[m.municipality_id for m in memberships]
            ).values_list("municipality_id", "population")
        )
    rows = []
    for membership in memberships:
        municipality = membership.municipality
        population = populations.get(municipality.pk)
        if population is None or membership.kind not in FUNDING_KINDS:
            funding_part = None
        elif membership.kind == MembershipKind.SHARED_FUNDING:
            funding_part = None if membership.funding_share is None else population * membership.funding_share
        else:
            funding_part = Decimal(population)
        rows.append({
            "membership": membership,
            "code": municipality.code,
            "name": municipality.name,
            "url": municipality.get_absolute_url(),
            "kind": membership.kind,
            "kind_label": membership.get_kind_display(),
            "mark": membership.table2_mark,
            "funding_share": membership.funding_share,
            "population": population,
            "funding_part": funding_part,
            "share_unknown": membership.kind == MembershipKind.SHARED_FUNDING and membership.funding_share is None,
        })
    return rows


def table2_rows(year: int) -> list[dict]:
    """Table 2 of the year: one row per cluster with its municipalities and marks, in map order. One query."""
    memberships = (
        Membership.objects.filter(year=year)
        .select_related("municipality", "cluster__region")
        .order_by("cluster__region__code", "cluster__name", "pk")
    )
    rows: dict[int, dict] = {}
    for membership in memberships:
        cluster = membership.cluster
        row = rows.get(cluster.pk)
        if row is None:
            row = rows[cluster.pk] = {
                "cluster": cluster,
                "region": cluster.region.name,
                "region_code": cluster.region.code,
                "name": cluster.name,
                "url": cluster.get_absolute_url() + f"?aar={year}",
                "members": [],
            }
        name = membership.municipality.name
        row["members"].append(f"{name} {membership.table2_mark}" if membership.table2_mark else name)
    result = list(rows.values())
    for row in result:
        row["municipalities"] = ", ".join(row["members"])
        row["count"] = len(row["members"])
    return result


def municipality_memberships(municipality) -> list[dict]:
    """The municipality's memberships in every year. One query."""
    return [
        {
            "year": m.year,
            "region": m.cluster.region.name,
            "cluster": m.cluster.name,
            "url": m.cluster.get_absolute_url() + f"?aar={m.year}",
            "kind_label": m.get_kind_display(),
            "mark": m.table2_mark,
            "funding_share": m.funding_share,
            "funds": m.funds_cluster,
        }
        for m in Membership.objects.filter(municipality=municipality)
        .select_related("cluster__region")
        .order_by("-year", "cluster__name")
    ]


def municipality_populations(municipality) -> list[dict]:
    """The municipality's population in every loaded quarter. One query."""
    return [
        {
            "quarter": p.quarter.code,
            "reference_date": p.quarter.reference_date,
            "population": p.population,
            "source": p.quarter.source_name,
        }
        for p in MunicipalityPopulation.objects.filter(municipality=municipality)
        .select_related("quarter")
        .order_by("-quarter__reference_date")
    ]
