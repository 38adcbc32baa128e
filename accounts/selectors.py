"""Reads that feed the accounts pages: a constant number of aggregate queries, whatever the data size."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import BigIntegerField, F, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Cast, Coalesce, Round

from accounts.models import (
    BudgetLine,
    CarryOverCommitment,
    ClusterYear,
    CostKind,
    Entry,
    EntryKind,
    FundingLine,
    FundingSource,
    Initiative,
    InitiativeArea,
    PartyKind,
)

ZERO = Decimal("0.00")
CENT = Decimal("0.01")


def cents_sum(field_name: str) -> Sum:
    """Sum of a money field in whole øre: exact on every database (SQLite sums decimals as floats)."""
    return Sum(Cast(Round(F(field_name) * 100), output_field=BigIntegerField()))


def from_cents(value) -> Decimal:
    return (Decimal(value or 0) / 100).quantize(CENT)
# Section A: the start-up funds (and local funds) are for development initiatives, not for
# secretariat or running costs. Any such spend is flagged: the threshold is 0 %.
OVERHEAD_THRESHOLD = Decimal("0")
OVERHEAD_KINDS = (CostKind.SECRETARIAT, CostKind.RUNNING)


@dataclass
class MoneyRow:
    """One row of a money table: funding (allocated/paid), budget and net spend."""

    key: str
    label: str
    allocated: Decimal = ZERO
    paid: Decimal = ZERO
    budget: Decimal = ZERO
    expenses: Decimal = ZERO
    income: Decimal = ZERO
    committed: Decimal = ZERO
    group: str = ""
    obj: object = None
    has_allocation: bool = False

    @property
    def spend(self) -> Decimal:
        """Net spend: expenses minus income (reversals included)."""
        return self.expenses - self.income

    @property
    def remaining(self) -> Decimal:
        """Budget not yet spent."""
        return self.budget - self.spend

    @property
    def difference(self) -> Decimal:
        """Paid minus allocated."""
        return self.paid - self.allocated

    @property
    def unspent(self) -> Decimal:
        """Funding paid in minus net spend."""
        return self.paid - self.spend

    @property
    def spend_ratio(self) -> Decimal | None:
        return (self.spend / self.budget) if self.budget else None


@dataclass
class CostKindRow:
    key: str
    label: str
    spend: Decimal
    share: Decimal | None


@dataclass
class JointSplit:
    """A «municipalities jointly» start-up line and how much of it is split per municipality."""

    line: FundingLine
    split_paid: Decimal

    @property
    def target(self) -> Decimal:
        return self.line.allocated if self.line.allocated is not None else self.line.paid

    @property
    def is_split(self) -> bool:
        return self.line.paid == ZERO and self.split_paid > ZERO

    @property
    def difference(self) -> Decimal:
        return self.split_paid - self.target


@dataclass
class ClusterYearSummary:
    cluster_year: ClusterYear
    funding_lines: list[FundingLine]
    by_source: list[MoneyRow]
    by_area: list[MoneyRow]
    by_initiative: list[MoneyRow]
    by_party: list[MoneyRow]
    totals: MoneyRow
    cost_kinds: list[CostKindRow]
    overhead_spend: Decimal
    overhead_share: Decimal | None
    overhead_threshold: Decimal = OVERHEAD_THRESHOLD
    joint_splits: list[JointSplit] = field(default_factory=list)

    @property
    def overhead_warning(self) -> bool:
        return self.overhead_share is not None and self.overhead_share > self.overhead_threshold

    @property
    def has_startup(self) -> bool:
        return any(line.source == FundingSource.STARTUP for line in self.funding_lines)

    @property
    def has_unsplit_joint_line(self) -> bool:
        return any(not s.is_split for s in self.joint_splits)


def _party_key(kind, municipality_id, region_id) -> str:
    if kind == PartyKind.MUNICIPALITY:
        return f"m:{municipality_id}"
    if kind == PartyKind.REGION:
        return f"r:{region_id}"
    return "joint"


def _entry_aggregates(cluster_year):
    """Net amounts grouped by initiative, party, cost kind and kind: one query."""
    return (
        Entry.objects.filter(cluster_year=cluster_year)
        .values("initiative_id", "party_kind", "municipality_id", "region_id", "cost_kind", "kind")
        .annotate(cents=cents_sum("amount"))
        .order_by()
    )


def unspent_by_party(cluster_year) -> dict[str, Decimal]:
    """Per party: funding paid in (start-up, local and carried-over) minus net spend. Two queries.

    A «municipalities jointly» line has no single party and is left out: split it first.
    """
    result: dict[str, Decimal] = {}
    funding = (
        FundingLine.objects.filter(cluster_year=cluster_year)
        .exclude(party_kind=PartyKind.MUNICIPALITIES_JOINTLY)
        .values("party_kind", "municipality_id", "region_id")
        .annotate(cents=cents_sum("paid"))
        .order_by()
    )
    for row in funding:
        key = _party_key(row["party_kind"], row["municipality_id"], row["region_id"])
        result[key] = result.get(key, ZERO) + from_cents(row["cents"])
    spend = (
        Entry.objects.filter(cluster_year=cluster_year)
        .values("party_kind", "municipality_id", "region_id", "kind")
        .annotate(cents=cents_sum("amount"))
        .order_by()
    )
    for row in spend:
        key = _party_key(row["party_kind"], row["municipality_id"], row["region_id"])
        total = from_cents(row["cents"])
        signed = total if row["kind"] == EntryKind.EXPENSE else -total
        result[key] = result.get(key, ZERO) - signed
    return result


def cluster_year_summary(cluster_year: ClusterYear) -> ClusterYearSummary:
    """Funding, budget, spend and remaining by source, area, initiative and party; totals and cost kinds.

    Seven queries, independent of the number of entries, budget lines or funding lines.
    """
    from accounts.services import member_municipalities

    cy = cluster_year
    region = cy.cluster.region
    members = member_municipalities(cy.cluster, cy.year)  # 1
    funding_lines = list(  # 2
        FundingLine.objects.filter(cluster_year=cy).select_related("municipality", "region", "allocation_round")
    )
    initiatives = list(  # 3
        Initiative.objects.filter(cluster_id=cy.cluster_id, first_year__lte=cy.year, last_year__gte=cy.year)
        .select_related("area", "responsible_municipality")
        .order_by("area__sort_order", "name")
    )
    areas = list(InitiativeArea.objects.filter(year=cy.year))  # 4
    budgets = list(  # 5
        BudgetLine.objects.filter(cluster_year=cy)
        .values("initiative_id", "party_kind", "municipality_id", "region_id", "source")
        .annotate(cents=cents_sum("amount"))
        .order_by()
    )
    spend_rows = list(_entry_aggregates(cy))  # 6
    commitments = list(  # 7
        CarryOverCommitment.objects.filter(cluster_year=cy).values(
            "party_kind", "municipality_id", "region_id", "amount"
        )
    )

    def party_label(key: str) -> str:
        if key == "joint":
            return PartyKind.MUNICIPALITIES_JOINTLY.label
        kind, _, pk = key.partition(":")
        if kind == "r":
            return f"Region {region.name}"
        municipality = members.get(int(pk))
        return municipality.name if municipality else f"Kommune {pk}"

    # parties: the region first, then the member municipalities, then anything else seen
    parties: dict[str, MoneyRow] = {}

    def party_row(key: str) -> MoneyRow:
        if key not in parties:
            parties[key] = MoneyRow(key=key, label=party_label(key))
        return parties[key]

    party_row(f"r:{region.pk}")
    for pk in sorted(members, key=lambda pk: members[pk].name):
        party_row(f"m:{pk}")

    sources = {value: MoneyRow(key=value, label=label) for value, label in FundingSource.choices}
    totals = MoneyRow(key="total", label="I alt")
    joint_lines = []
    split_paid = ZERO
    for line in funding_lines:
        key = _party_key(line.party_kind, line.municipality_id, line.region_id)
        allocated = line.allocated or ZERO
        for row in (party_row(key), sources[line.source], totals):
            row.allocated += allocated
            row.paid += line.paid
            row.has_allocation = row.has_allocation or line.allocated is not None
        if line.party_kind == PartyKind.MUNICIPALITIES_JOINTLY:
            joint_lines.append(line)
        elif line.source == FundingSource.STARTUP and line.party_kind == PartyKind.MUNICIPALITY:
            if line.allocated is None:
                split_paid += line.paid

    # Areas are grouped by name: a multi-year initiative keeps the area of its first year.
    area_rows: dict[str, MoneyRow] = {
        a.name: MoneyRow(key=str(a.pk), label=a.name, obj=a) for a in sorted(areas, key=lambda a: a.sort_order)
    }
    initiative_rows: dict[int, MoneyRow] = {}
    for initiative in initiatives:
        if initiative.area.name not in area_rows:
            area_rows[initiative.area.name] = MoneyRow(
                key=str(initiative.area_id), label=initiative.area.name, obj=initiative.area
            )
        initiative_rows[initiative.pk] = MoneyRow(
            key=str(initiative.pk), label=initiative.name, obj=initiative, group=initiative.area.name
        )

    for row in budgets:
        key = _party_key(row["party_kind"], row["municipality_id"], row["region_id"])
        amount = from_cents(row["cents"])
        initiative_row = initiative_rows.get(row["initiative_id"])
        targets = [party_row(key), totals]
        if initiative_row is not None:
            targets.append(initiative_row)
            targets.append(area_rows[initiative_row.obj.area.name])
        for target in targets:
            target.budget += amount

    cost_spend = {value: ZERO for value in CostKind.values}
    for row in spend_rows:
        key = _party_key(row["party_kind"], row["municipality_id"], row["region_id"])
        amount = from_cents(row["cents"])
        initiative_row = initiative_rows.get(row["initiative_id"])
        targets = [party_row(key), totals]
        if initiative_row is not None:
            targets.append(initiative_row)
            targets.append(area_rows[initiative_row.obj.area.name])
        attr = "expenses" if row["kind"] == EntryKind.EXPENSE else "income"
        for target in targets:
            setattr(target, attr, getattr(target, attr) + amount)
        cost_spend[row["cost_kind"]] += amount if row["kind"] == EntryKind.EXPENSE else -amount

    for c in commitments:
        party_row(_party_key(c["party_kind"], c["municipality_id"], c["region_id"])).committed += c["amount"]
        totals.committed += c["amount"]

    spend = totals.spend
    cost_rows = [
        CostKindRow(key=value, label=label, spend=cost_spend[value], share=(cost_spend[value] / spend) if spend else None)
        for value, label in CostKind.choices
    ]
    overhead = sum((cost_spend[k] for k in OVERHEAD_KINDS), ZERO)
    return ClusterYearSummary(
        cluster_year=cy,
        funding_lines=funding_lines,
        by_source=[row for row in sources.values()],
        by_area=list(area_rows.values()),
        by_initiative=list(initiative_rows.values()),
        by_party=[row for row in parties.values()],
        totals=totals,
        cost_kinds=cost_rows,
        overhead_spend=overhead,
        overhead_share=(overhead / spend) if spend > 0 else None,
        joint_splits=[JointSplit(line=line, split_paid=split_paid) for line in joint_lines],
    )


def _sum_subquery(model, field_name: str, **filters):
    qs = (
        model.objects.filter(cluster_year=OuterRef("pk"), **filters)
        .order_by()
        .values("cluster_year")
        .annotate(cents=cents_sum(field_name))
        .values("cents")
    )
    return Coalesce(Subquery(qs), Value(0), output_field=BigIntegerField())


def cluster_years_with_totals(queryset) -> list[ClusterYear]:
    """Cluster-years with funding paid, budget, expenses, income, net spend and remaining: one query."""
    rows = list(queryset.select_related("cluster__region").annotate(
        funding_paid_cents=_sum_subquery(FundingLine, "paid"),
        budget_cents=_sum_subquery(BudgetLine, "amount"),
        expenses_cents=_sum_subquery(Entry, "amount", kind=EntryKind.EXPENSE),
        income_cents=_sum_subquery(Entry, "amount", kind=EntryKind.INCOME),
    ))
    for cy in rows:
        cy.funding_paid = from_cents(cy.funding_paid_cents)
        cy.budget_total = from_cents(cy.budget_cents)
        cy.expenses_total = from_cents(cy.expenses_cents)
        cy.income_total = from_cents(cy.income_cents)
        cy.net_spend = cy.expenses_total - cy.income_total
        cy.remaining = cy.budget_total - cy.net_spend
    return rows


def entry_filter_base(cluster_year):
    """Entries of one cluster-year with what the list shows, in one query per page."""
    return (
        Entry.objects.filter(cluster_year=cluster_year)
        .select_related("initiative__area", "municipality", "region", "created_by", "reverses")
        .annotate(reversal_id=Subquery(
            Entry.objects.filter(reverses=OuterRef("pk")).values("pk")[:1]
        ))
    )
