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
    FundingLine,
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


def _fingerprint_sql() -> str:
    """The fingerprint's one query: «largest id/count» of each part, then the cluster-year's own fields.

    MAX and COUNT together on purpose: PostgreSQL turns a lone MAX into a backward walk of the primary
    key's index until a row matches the filter (50 ms at full scale, past every other cluster-year's
    entries); with a COUNT beside it, it reads the rows of the filter's own index (the cluster-year's).
    Written out (not composed by the ORM, which costs 3 ms of CPU per call for these eight subqueries).
    """
    from accounts.models import BudgetMonth

    def part(model, where: str, column: str = "id", counted: str | None = None, join: str = "") -> str:
        return (f"(SELECT CAST(MAX(t.{column}) AS TEXT) || '/' || CAST(COUNT(t.{counted or column}) AS TEXT) "
                f"FROM {model._meta.db_table} t {join} WHERE {where} = %s)")

    history = {"where": "t.cluster_year_id", "column": "history_id"}
    parts = [
        part(Entry, "t.cluster_year_id"),
        part(ImportBatch, "t.cluster_year_id", counted="reversed_at"),
        part(BudgetLine.history.model, **history),
        part(BudgetMonth, "l.cluster_year_id", join=f"JOIN {BudgetLine._meta.db_table} l ON l.id = t.budget_line_id"),
        part(FundingLine.history.model, **history),
        part(CarryOverCommitment.history.model, **history),
        part(Initiative.history.model, "t.cluster_id", column="history_id"),
        part(InitiativeArea, "t.year"),
    ]
    return (f"SELECT {', '.join(parts)}, c.status, c.closed_at, c.budget_control, c.large_entry_share "
            f"FROM {ClusterYear._meta.db_table} c WHERE c.id = %s")


def ledger_fingerprint(cluster_year: ClusterYear) -> str:
    """What an import's preview was planned against: changes whenever anything an import reads changes.

    The entries and the import batches (append-only: their largest id and count, the reversed
    batches), the changes of the budget lines, funding lines and commitments of the cluster-year and of
    the cluster's initiatives (their histories: largest id and count), the budget lines' months
    (rewritten whole: largest id and count), the year's initiative areas, and the cluster-year's
    status, year close and budget control (its setting and the share that makes an entry large).
    One query (``_fingerprint_sql``), each part by an index on the cluster-year or the cluster;
    a SHA-256 of the figures.
    """
    import hashlib

    from django.db import connection

    if cluster_year.pk is None:
        return "new"
    pk = cluster_year.pk
    with connection.cursor() as cursor:
        cursor.execute(_fingerprint_sql(), [pk] * 6 + [cluster_year.cluster_id, cluster_year.year, pk])
        figures = cursor.fetchone()
    return hashlib.sha256(repr(figures).encode()).hexdigest()
