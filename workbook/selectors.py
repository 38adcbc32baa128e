"""Reads that feed the template: the cluster's lists and a cluster-year's figures.

Every function here runs a fixed number of queries, whatever the number of entries.
Money figures come from ``accounts.selectors.cluster_year_summary`` (the workbook sums
nothing itself); parties are ``accounts.parties.Party`` values keyed by ``Party.key``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q

from accounts.models import (
    BudgetLine,
    CarryOverCommitment,
    ClusterYear,
    Entry,
    FundingSource,
    ImportBatch,
    Initiative,
    InitiativeArea,
    PartyKind,
)
from accounts.parties import JOINT_KEY, Party
from accounts.selectors import cluster_year_summary
from accounts.selectors.warnings import cluster_year_warnings
from geography.models import Cluster, Municipality, Region
from geography.selectors import cluster_municipalities


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
    # Per budget row: its twelve months when phased (stored), else None (spread equally: the cells stay empty).
    budget_row_months: list[list[Decimal] | None] = field(default_factory=list)
    # The Vejledning's «Oprindeligt og korrigeret budget»: (group, label, original, revised, spend, rest).
    budget_figures: list[tuple[str, str, Decimal, Decimal, Decimal, Decimal]] = field(default_factory=list)
    # The Vejledning's «Advarsler»: accounts.selectors.warnings.cluster_year_warnings of the summary (no query).
    warnings: list = field(default_factory=list)
    paid_by_party: dict[str, Decimal] = field(default_factory=dict)
    joint_paid: Decimal = Decimal("0.00")
    commitments: dict[str, CarryOverCommitment] = field(default_factory=dict)
    carried_in: Decimal = Decimal("0.00")  # funding carried over from the year before (paid)

    @property
    def party_by_key(self) -> dict[str, Party]:
        return {party.key: party for party in self.parties}


def live_entries(cluster_year: ClusterYear):
    """Entries that stand: neither reversed nor themselves a reversal (their pairs net to zero)."""
    return Entry.objects.filter(
        cluster_year=cluster_year, reverses__isnull=True, reversed_by__isnull=True
    )


def _parties(cluster: Cluster, members: dict[int, Municipality], keys) -> list[Party]:
    """The cluster's region, then its municipalities in the year's map, then any other party whose
    key is in ``keys`` (a party with figures in the cluster-year: an export never loses a row).
    Regions by code, municipalities by name. A query for names only when such other parties exist."""
    others = [Party.from_key(key) for key in keys if key != JOINT_KEY]
    other_municipalities = {p.municipality_id for p in others if p.kind == PartyKind.MUNICIPALITY} - set(members)
    other_regions = {p.region_id for p in others if p.kind == PartyKind.REGION} - {cluster.region_id}
    municipalities = list(members.values())
    if other_municipalities:
        municipalities += list(Municipality.objects.filter(pk__in=other_municipalities))
    regions = [cluster.region]
    if other_regions:
        regions += list(Region.objects.filter(pk__in=other_regions).order_by("code"))
    return [Party.region(r) for r in regions] + [
        Party.municipality(m) for m in sorted(municipalities, key=lambda m: m.name)
    ]


def cluster_initiatives(cluster: Cluster, year: int, cluster_year: ClusterYear | None = None) -> list[Initiative]:
    """The cluster's initiatives running in the year, plus any with figures in the cluster-year. One query."""
    condition = Q(pk__in=Initiative.objects.running_in(year).values("pk"))
    if cluster_year is not None:
        condition |= Q(pk__in=Entry.objects.filter(cluster_year=cluster_year).values("initiative_id"))
        condition |= Q(pk__in=BudgetLine.objects.filter(cluster_year=cluster_year).values("initiative_id"))
    return list(
        Initiative.objects.filter(condition, cluster=cluster).select_related("area").order_by("name")
    )


def _areas(names: list[str], initiatives: list[Initiative]) -> list[str]:
    """The year's areas, then the area of any listed initiative not among them."""
    areas = list(names)
    for initiative in initiatives:
        if initiative.area.name not in areas:
            areas.append(initiative.area.name)
    return areas


def template_data(*, cluster: Cluster, year: int, cluster_year: ClusterYear | None, blank: bool) -> TemplateData:
    """The lists, and for a filled export the budget, paid-in funds and commitments.

    Without a cluster-year: three queries. With one: the summary's seven, the members and the
    initiatives, and for a filled export the budget lines and the commitments (plus one for the
    names of parties outside the cluster, if any have figures).
    """
    initiatives = cluster_initiatives(cluster, year, cluster_year)
    if cluster_year is None:
        members = cluster_municipalities(cluster, year)
        area_names = list(InitiativeArea.objects.filter(year=year).values_list("name", flat=True))
        return TemplateData(cluster=cluster, year=year, cluster_year=None, initiatives=initiatives,
                            areas=_areas(area_names, initiatives), parties=_parties(cluster, members, ()))
    summary = cluster_year_summary(cluster_year)
    members = cluster_municipalities(cluster, year)
    by_party = {row.key: row for row in summary.by_party}
    data = TemplateData(
        cluster=cluster, year=year, cluster_year=cluster_year, initiatives=initiatives,
        areas=_areas([row.label for row in summary.by_area], initiatives),
        parties=_parties(cluster, members, by_party),
    )
    if blank:
        return data
    for group, rows in (("Indsatsområde", summary.by_area), ("Indsats", summary.by_initiative),
                        ("Part", [r for r in summary.by_party if r.key != JOINT_KEY]), ("I alt", [summary.totals])):
        data.budget_figures += [(group, r.label, r.original, r.budget, r.spend, r.remaining) for r in rows]
    data.warnings = cluster_year_warnings(cluster_year, summary)
    funded = {line.party_key for line in summary.funding_lines}
    data.carried_in = sum((line.paid for line in summary.funding_lines if line.source == FundingSource.CARRYOVER), Decimal("0.00"))
    data.paid_by_party = {key: row.paid for key, row in by_party.items() if key in funded and key != JOINT_KEY}
    if JOINT_KEY in by_party:
        data.joint_paid = by_party[JOINT_KEY].paid
    labels = data.party_by_key
    for line in (
        BudgetLine.objects.filter(cluster_year=cluster_year)
        .select_related("initiative__area").prefetch_related("months")
        .order_by("initiative__name", "source", "party_kind", "municipality__name", "region__code", "id")
    ):
        data.budget_rows.append((
            line.initiative.name, line.initiative.area.name,
            line.get_source_display(), labels[line.party_key].label, line.amount,
        ))
        months = sorted(line.months.all(), key=lambda m: m.month)
        data.budget_row_months.append([m.amount for m in months] if len(months) == 12 else None)
    for commitment in CarryOverCommitment.objects.filter(cluster_year=cluster_year):
        data.commitments[commitment.party_key] = commitment
    return data


def entry_rows(cluster_year: ClusterYear, initiatives: list[Initiative], parties: list[Party]):
    """The live entries as tuples in Regnskab's column order (the entry's id last, its Portal-nr.),
    streamed in chunks. One query."""
    from accounts.parties import party_key
    from workbook.layout import COST_KIND_LABELS, KIND_LABELS

    initiative_by_id = {i.pk: i for i in initiatives}
    label_by_key = {p.key: p.label for p in parties}
    rows = live_entries(cluster_year).order_by("booking_date", "id").values_list(
        "booking_date", "initiative_id", "party_kind", "municipality_id", "region_id",
        "account_code", "kind", "cost_kind", "amount", "text", "voucher", "id",
    )
    for (booking_date, initiative_id, kind_of_party, mid, rid, account_code, kind, cost_kind,
         amount, text, voucher, entry_id) in rows.iterator(chunk_size=2000):
        initiative = initiative_by_id[initiative_id]
        yield (
            booking_date, initiative.name, initiative.area.name, label_by_key[party_key(kind_of_party, mid, rid)],
            account_code, KIND_LABELS[kind], COST_KIND_LABELS[cost_kind], amount, text, voucher, entry_id,
        )


def import_batches(cluster_year: ClusterYear):
    return (
        ImportBatch.objects.filter(cluster_year=cluster_year)
        .select_related("imported_by", "reversed_by")
        .order_by("-imported_at", "-id")
    )


def import_batch_amounts(batch: ImportBatch) -> dict[str, Decimal]:
    """The expenses and the income the import booked, apart (never added together): {"expense": …, "income": …}.

    Its own reversals (of changed and removed rows' old entries) are not what it booked. One query.
    """
    from django.db.models import Sum

    amounts = {kind: Decimal("0.00") for kind in ("expense", "income")}
    for kind, total in (Entry.objects.filter(import_batch=batch, reverses__isnull=True).order_by().values_list("kind")
                        .annotate(total=Sum("amount")).values_list("kind", "total")):
        amounts[kind] = total
    return amounts


def ledger_fingerprint(cluster_year: ClusterYear) -> str:
    """What an import's preview was planned against: changes whenever anything an import reads changes.

    The entries (largest id and count), the latest change of a budget line, a commitment or an
    initiative of the cluster (their histories), and the cluster-year's status. Five queries.
    """
    from django.db.models import Count, Max

    if cluster_year.pk is None:
        return "new"
    entries = Entry.objects.filter(cluster_year=cluster_year).aggregate(top=Max("id"), n=Count("id"))
    budget = BudgetLine.history.filter(cluster_year_id=cluster_year.pk).aggregate(top=Max("history_id"))["top"]
    commitments = CarryOverCommitment.history.filter(cluster_year_id=cluster_year.pk).aggregate(
        top=Max("history_id"))["top"]
    initiatives = Initiative.history.filter(cluster_id=cluster_year.cluster_id).aggregate(
        top=Max("history_id"))["top"]
    state = ClusterYear.objects.filter(pk=cluster_year.pk).values_list("status", "closed_at").first()
    return f"e{entries['top']}/{entries['n']}|b{budget}|c{commitments}|i{initiatives}|s{state}"
