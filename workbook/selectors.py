"""Reads that feed the template: the cluster's lists and a cluster-year's figures.

Every function here runs a fixed number of queries, whatever the number of entries.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, Sum

from accounts.models import (
    BudgetLine,
    CarryOverCommitment,
    ClusterYear,
    Entry,
    FundingLine,
    ImportBatch,
    Initiative,
    InitiativeArea,
    PartyKind,
)
from geography.models import Cluster, Membership, Municipality, Region
from workbook.layout import municipality_label, region_label

PartyKey = tuple[str, int | None, int | None]  # (party_kind, municipality_id, region_id)


@dataclass(frozen=True)
class Party:
    kind: str
    municipality_id: int | None
    region_id: int | None
    label: str

    @property
    def key(self) -> PartyKey:
        return (self.kind, self.municipality_id, self.region_id)


@dataclass
class TemplateData:
    """Everything the builder writes, apart from the entries (streamed separately)."""

    cluster: Cluster
    year: int
    cluster_year: ClusterYear | None
    initiatives: list[Initiative]
    areas: list[str]
    parties: list[Party]
    budget_rows: list[tuple[str, str, str, str, Decimal]] = field(default_factory=list)
    paid_by_party: dict[PartyKey, Decimal] = field(default_factory=dict)
    joint_paid: Decimal = Decimal("0.00")
    commitments: dict[PartyKey, CarryOverCommitment] = field(default_factory=dict)

    @property
    def party_by_key(self) -> dict[PartyKey, Party]:
        return {party.key: party for party in self.parties}


def live_entries(cluster_year: ClusterYear):
    """Entries that stand: neither reversed nor themselves a reversal (their pairs net to zero)."""
    return Entry.objects.filter(
        cluster_year=cluster_year, reverses__isnull=True, reversed_by__isnull=True
    )


def membership_year(cluster: Cluster, year: int) -> int | None:
    """The cluster map year to use: the latest map not after the year (as accounts.services does)."""
    return (
        Membership.objects.filter(cluster=cluster, year__lte=year)
        .order_by("-year").values_list("year", flat=True).first()
    )


def cluster_parties(cluster: Cluster, year: int, cluster_year: ClusterYear | None = None) -> list[Party]:
    """The cluster's region, then the municipalities in its map for the year (the latest map not
    after it, as the accounts use), then any other party with figures in the cluster-year
    (so an export never loses a row)."""
    map_year = membership_year(cluster, year)
    municipality_ids = set()
    if map_year is not None:
        municipality_ids |= set(
            Membership.objects.filter(cluster=cluster, year=map_year).values_list("municipality_id", flat=True)
        )
    region_ids = {cluster.region_id}
    if cluster_year is not None:
        for model in (Entry, BudgetLine, FundingLine, CarryOverCommitment):
            for kind, mid, rid in (
                model.objects.filter(cluster_year=cluster_year)
                .exclude(party_kind=PartyKind.MUNICIPALITIES_JOINTLY)
                .values_list("party_kind", "municipality_id", "region_id")
                .distinct()
            ):
                if kind == PartyKind.MUNICIPALITY:
                    municipality_ids.add(mid)
                elif kind == PartyKind.REGION:
                    region_ids.add(rid)
    municipalities = Municipality.objects.filter(pk__in=municipality_ids).order_by("name")
    regions = Region.objects.filter(pk__in=region_ids).order_by("code")
    parties = [Party(PartyKind.REGION, None, r.pk, region_label(r.name)) for r in regions]
    parties += [
        Party(PartyKind.MUNICIPALITY, m.pk, None, municipality_label(m.name)) for m in municipalities
    ]
    return parties


def cluster_initiatives(cluster: Cluster, year: int, cluster_year: ClusterYear | None = None) -> list[Initiative]:
    """The cluster's initiatives running in the year, plus any with figures in the cluster-year."""
    condition = Q(first_year__lte=year, last_year__gte=year)
    if cluster_year is not None:
        condition |= Q(pk__in=Entry.objects.filter(cluster_year=cluster_year).values("initiative_id"))
        condition |= Q(pk__in=BudgetLine.objects.filter(cluster_year=cluster_year).values("initiative_id"))
    return list(
        Initiative.objects.filter(condition, cluster=cluster).select_related("area").order_by("name")
    )


def template_data(*, cluster: Cluster, year: int, cluster_year: ClusterYear | None, blank: bool) -> TemplateData:
    initiatives = cluster_initiatives(cluster, year, cluster_year)
    areas = list(InitiativeArea.objects.filter(year=year).values_list("name", flat=True))
    for initiative in initiatives:
        if initiative.area.name not in areas:
            areas.append(initiative.area.name)
    parties = cluster_parties(cluster, year, cluster_year)
    data = TemplateData(cluster=cluster, year=year, cluster_year=cluster_year,
                        initiatives=initiatives, areas=areas, parties=parties)
    if blank or cluster_year is None:
        return data
    by_key = data.party_by_key
    for line in (
        BudgetLine.objects.filter(cluster_year=cluster_year)
        .select_related("initiative__area")
        .order_by("initiative__name", "source", "party_kind", "municipality__name", "region__code", "id")
    ):
        party = by_key[(line.party_kind, line.municipality_id, line.region_id)]
        data.budget_rows.append((
            line.initiative.name, line.initiative.area.name,
            line.get_source_display(), party.label, line.amount,
        ))
    paid = defaultdict(lambda: Decimal("0.00"))
    for row in (
        FundingLine.objects.filter(cluster_year=cluster_year)
        .values("party_kind", "municipality_id", "region_id")
        .annotate(total=Sum("paid"))
    ):
        if row["party_kind"] == PartyKind.MUNICIPALITIES_JOINTLY:
            data.joint_paid += row["total"]
        else:
            paid[(row["party_kind"], row["municipality_id"], row["region_id"])] += row["total"]
    data.paid_by_party = dict(paid)
    for commitment in CarryOverCommitment.objects.filter(cluster_year=cluster_year):
        data.commitments[(commitment.party_kind, commitment.municipality_id, commitment.region_id)] = commitment
    return data


def entry_rows(cluster_year: ClusterYear, initiatives: list[Initiative], parties: list[Party]):
    """The live entries as tuples in Regnskab's column order, streamed in chunks."""
    from workbook.layout import COST_KIND_LABELS, KIND_LABELS

    initiative_by_id = {i.pk: i for i in initiatives}
    party_by_key = {p.key: p for p in parties}
    rows = live_entries(cluster_year).order_by("booking_date", "id").values_list(
        "booking_date", "initiative_id", "party_kind", "municipality_id", "region_id",
        "account_code", "kind", "cost_kind", "amount", "text", "voucher",
    )
    for (booking_date, initiative_id, kind_of_party, mid, rid, account_code, kind, cost_kind,
         amount, text, voucher) in rows.iterator(chunk_size=2000):
        initiative = initiative_by_id[initiative_id]
        yield (
            booking_date, initiative.name, initiative.area.name, party_by_key[(kind_of_party, mid, rid)].label,
            account_code, KIND_LABELS[kind], COST_KIND_LABELS[cost_kind], amount, text, voucher,
        )


def import_batches(cluster_year: ClusterYear):
    return (
        ImportBatch.objects.filter(cluster_year=cluster_year)
        .select_related("imported_by", "reversed_by")
        .order_by("-imported_at", "-id")
    )
