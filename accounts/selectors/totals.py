"""The one family of money totals per cluster-year: funding, budget, spend, remaining, unspent, committed.

Sums are taken in whole øre (``cents_sum``): SQLite sums decimals as floats, so a plain ``Sum`` of
amounts could differ from PostgreSQL by an øre. Net spend follows ``accounts.models.signed_amount``
and parties are keyed by ``accounts.parties``. ``accounts.selectors.overview`` gives the same
figures for many cluster-years at once.
"""
from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import BigIntegerField, Count, F, Max, Q, Sum
from django.db.models.functions import Cast, Round, TruncMonth

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
    OriginalBudgetLine,
    PartyKind,
    signed_amount,
)
from accounts.parties import Party, party_key, region_label
from geography.selectors import cluster_municipalities

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
# Section A: the start-up funds (and local funds) are for development initiatives, not for
# secretariat or running costs. Any such spend is flagged: the threshold is 0 %.
OVERHEAD_THRESHOLD = Decimal("0")
OVERHEAD_KINDS = (CostKind.SECRETARIAT, CostKind.RUNNING)


def cents_sum(field_name: str) -> Sum:
    """Sum of a money field in whole øre: exact on every database (SQLite sums decimals as floats)."""
    return Sum(Cast(Round(F(field_name) * 100), output_field=BigIntegerField()))


def from_cents(value) -> Decimal:
    return (Decimal(value or 0) / 100).quantize(CENT)


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
    original: Decimal = ZERO  # the «Oprindeligt budget» (the budget at first submission; before it: the budget)
    budget_after_today: Decimal = ZERO  # the phased budget of the months after this one (``cluster_year_phasing``)

    @property
    def revised(self) -> Decimal:
        """The «Korrigeret budget»: the budget as it stands now."""
        return self.budget

    @property
    def revision(self) -> Decimal:
        """Korrigeret minus oprindeligt budget."""
        return self.budget - self.original

    @property
    def forecast(self) -> Decimal:
        """The «Prognose» of net spend at year end: spend booked so far plus the phased budget still to come."""
        return self.spend + self.budget_after_today

    @property
    def forecast_unspent(self) -> Decimal:
        """Funding paid in minus the forecast: what the forecast leaves unspent at year end."""
        return self.paid - self.forecast

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
    def uncommitted(self) -> Decimal:
        """Unspent money without a commitment: not carried over when the year closes (0 if none)."""
        return max(self.unspent - self.committed, ZERO)

    @property
    def spend_ratio(self) -> Decimal | None:
        return (self.spend / self.budget) if self.budget else None

    def add_entries(self, kind: str, amount: Decimal) -> None:
        """Count a sum of entries of one kind (expense or income) into the row."""
        if kind == EntryKind.EXPENSE:
            self.expenses += amount
        else:
            self.income += amount

    def add(self, other: MoneyRow) -> None:
        """Add another row's figures into this one (a total over rows)."""
        self.allocated += other.allocated
        self.paid += other.paid
        self.budget += other.budget
        self.expenses += other.expenses
        self.income += other.income
        self.committed += other.committed
        self.original += other.original
        self.budget_after_today += other.budget_after_today
        self.has_allocation = self.has_allocation or other.has_allocation


def money_total(rows: Iterable[MoneyRow], *, key: str = "total", label: str = "I alt") -> MoneyRow:
    """The total of money rows (e.g. a region's cluster-years), as one row."""
    total = MoneyRow(key=key, label=label)
    for row in rows:
        total.add(row)
    return total


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
    largest_entry: Decimal = ZERO  # the largest single amount booked
    entries_outside_year: int = 0  # entries dated before or after the year
    has_original_budget: bool = False  # the accounts were submitted: «Oprindeligt budget» is fixed
    # The cluster's initiatives running in the year, by name, with their area (the SSU's evaluations table).
    initiatives: list = field(default_factory=list, repr=False)
    # For ``cluster_year_phasing``: the budget lines (id, amount, the rows they count into) and the
    # net spend per month (1..12; entries dated before the year count in January, after it in December).
    budget_line_targets: list = field(default_factory=list, repr=False)
    spend_by_month: list = field(default_factory=lambda: [ZERO] * 12, repr=False)

    @property
    def unpaid_funding_lines(self) -> list[FundingLine]:
        """Allocated lines with nothing paid; a joint municipal line split on its municipalities is not one."""
        split = {s.line.pk for s in self.joint_splits if s.is_split}
        return [line for line in self.funding_lines
                if line.allocated and not line.paid and line.pk not in split]

    @property
    def uncommitted_by_party(self) -> list[MoneyRow]:
        """The parties with unspent money that has no commitment (it is not carried over at the close)."""
        return [row for row in self.by_party if row.key != "joint" and row.uncommitted > 0]

    @property
    def uncommitted_total(self) -> Decimal:
        return sum((row.uncommitted for row in self.uncommitted_by_party), ZERO)

    @property
    def joint_split_difference(self) -> Decimal | None:
        """What the split of the joint municipal lines differs from their allocation (None if none is split)."""
        splits = [s for s in self.joint_splits if s.is_split]
        return sum((s.difference for s in splits), ZERO) if splits else None

    @property
    def overhead_warning(self) -> bool:
        return self.overhead_share is not None and self.overhead_share > self.overhead_threshold

    @property
    def has_startup(self) -> bool:
        return any(line.source == FundingSource.STARTUP for line in self.funding_lines)

    @property
    def has_unsplit_joint_line(self) -> bool:
        return any(not s.is_split for s in self.joint_splits)


def _row_party_key(row: dict) -> str:
    return party_key(row["party_kind"], row["municipality_id"], row["region_id"])


def unspent_by_party(cluster_year) -> dict[str, Decimal]:
    """Per party key: funding paid in (start-up, local and carried-over) minus net spend. Two queries.

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
        key = _row_party_key(row)
        result[key] = result.get(key, ZERO) + from_cents(row["cents"])
    spend = (
        Entry.objects.filter(cluster_year=cluster_year)
        .values("party_kind", "municipality_id", "region_id", "kind")
        .annotate(cents=cents_sum("amount"))
        .order_by()
    )
    for row in spend:
        key = _row_party_key(row)
        result[key] = result.get(key, ZERO) - signed_amount(row["kind"], from_cents(row["cents"]))
    return result


def cluster_year_summary(cluster_year: ClusterYear) -> ClusterYearSummary:
    """Funding, budget, spend and remaining by source, area, initiative and party; totals and cost kinds.

    Seven queries, independent of the number of entries, budget lines or funding lines; an eighth for
    the «Oprindeligt budget» once the accounts have been submitted (before that it is the budget itself).
    """
    cy = cluster_year
    region = cy.cluster.region
    members = cluster_municipalities(cy.cluster, cy.year)  # 1
    funding_lines = list(  # 2, in the model's order for one cluster-year (its Meta ordering would join three tables)
        FundingLine.objects.filter(cluster_year=cy).select_related("municipality", "region")
        .order_by("source", "party_kind", "id")
    )
    initiatives = list(  # 3, by name (the database's collation); the rows below by area, then name
        Initiative.objects.running_in(cy.year).filter(cluster_id=cy.cluster_id)
        .select_related("area")
        .order_by("name")
    )
    areas = list(InitiativeArea.objects.filter(year=cy.year))  # 4
    budgets = list(  # 5: one row per line, its amount as stored (no sum to take)
        BudgetLine.objects.filter(cluster_year=cy)
        .values("id", "initiative_id", "party_kind", "municipality_id", "region_id", "amount")
        .order_by()
    )
    spend_rows = list(  # 6
        Entry.objects.filter(cluster_year=cy)
        .values("initiative_id", "party_kind", "municipality_id", "region_id", "cost_kind", "kind",
                month=TruncMonth("booking_date"))
        .annotate(cents=cents_sum("amount"), largest=Max("amount"), outside=Count("pk", filter=~Q(
            booking_date__gte=datetime.date(cy.year, 1, 1), booking_date__lt=datetime.date(cy.year + 1, 1, 1))))
        .order_by()
    )
    commitments = list(  # 7 (no ordering: the model's would join the cluster-year, cluster and region)
        CarryOverCommitment.objects.filter(cluster_year=cy).values(
            "party_kind", "municipality_id", "region_id", "amount"
        ).order_by()
    )

    def party_label(key: str) -> str:
        party = Party.from_key(key)
        if party.kind == PartyKind.MUNICIPALITIES_JOINTLY:
            return party.label
        if party.kind == PartyKind.REGION:
            return region_label(region.name)
        municipality = members.get(party.municipality_id)
        return municipality.name if municipality else f"Kommune {party.municipality_id}"

    # parties: the region first, then the member municipalities, then anything else seen
    parties: dict[str, MoneyRow] = {}

    def party_row(key: str) -> MoneyRow:
        if key not in parties:
            parties[key] = MoneyRow(key=key, label=party_label(key))
        return parties[key]

    party_row(Party.region(region).key)
    for municipality in sorted(members.values(), key=lambda m: m.name):
        party_row(Party.municipality(municipality).key)

    sources = {value: MoneyRow(key=value, label=label) for value, label in FundingSource.choices}
    totals = MoneyRow(key="total", label="I alt")
    joint_lines = []
    split_paid = ZERO
    for line in funding_lines:
        allocated = line.allocated or ZERO
        for row in (party_row(line.party_key), sources[line.source], totals):
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
    for initiative in sorted(initiatives, key=lambda i: i.area.sort_order):  # stable: by name within an area
        if initiative.area.name not in area_rows:
            area_rows[initiative.area.name] = MoneyRow(
                key=str(initiative.area_id), label=initiative.area.name, obj=initiative.area
            )
        initiative_rows[initiative.pk] = MoneyRow(
            key=str(initiative.pk), label=initiative.name, obj=initiative, group=initiative.area.name
        )

    def targets(row: dict) -> list[MoneyRow]:
        """The rows a grouped sum counts into: its party, the totals, its initiative and area."""
        found = [party_row(_row_party_key(row)), totals]
        initiative_row = initiative_rows.get(row["initiative_id"])
        if initiative_row is not None:
            found += [initiative_row, area_rows[initiative_row.obj.area.name]]
        return found

    has_original = cy.original_budget_at is not None
    line_targets = []
    for row in budgets:
        amount = row["amount"]
        found = targets(row)
        line_targets.append((row["id"], amount, found))
        for target in found:
            target.budget += amount
            if not has_original:
                target.original += amount
    if has_original:
        originals = (  # 8, only once the accounts have been submitted
            OriginalBudgetLine.objects.filter(cluster_year=cy)
            .values("initiative_id", "party_kind", "municipality_id", "region_id")
            .annotate(cents=cents_sum("amount"))
            .order_by()
        )
        for row in originals:
            amount = from_cents(row["cents"])
            for target in targets(row):
                target.original += amount

    # The entries' groups (per initiative, party, cost kind, kind and month) are added up in whole øre first,
    # so each initiative's and party's sum is counted into its rows once, not once per month and cost kind.
    cost_cents = dict.fromkeys(CostKind.values, 0)
    month_cents = [0] * 12
    spend_cents: dict[tuple, tuple[dict, int]] = {}
    for row in spend_rows:
        kind, cents = row["kind"], row["cents"]
        key = (row["initiative_id"], row["party_kind"], row["municipality_id"], row["region_id"], kind)
        first, total = spend_cents.get(key, (row, 0))
        spend_cents[key] = (first, total + cents)
        cost_cents[row["cost_kind"]] += signed_amount(kind, cents)
        month_cents[_month_index(row["month"], cy.year)] += signed_amount(kind, cents)
    for row, cents in spend_cents.values():
        amount = from_cents(cents)
        for target in targets(row):
            target.add_entries(row["kind"], amount)
    cost_spend = {value: from_cents(cents) for value, cents in cost_cents.items()}
    spend_by_month = [from_cents(cents) for cents in month_cents]

    for c in commitments:
        party_row(_row_party_key(c)).committed += c["amount"]
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
        by_source=list(sources.values()),
        by_area=list(area_rows.values()),
        by_initiative=list(initiative_rows.values()),
        by_party=list(parties.values()),
        totals=totals,
        cost_kinds=cost_rows,
        overhead_spend=overhead,
        overhead_share=(overhead / spend) if spend > 0 else None,
        joint_splits=[JointSplit(line=line, split_paid=split_paid) for line in joint_lines],
        largest_entry=max((row["largest"] for row in spend_rows), default=ZERO),
        entries_outside_year=sum(row["outside"] for row in spend_rows),
        has_original_budget=has_original,
        initiatives=initiatives,
        budget_line_targets=line_targets,
        spend_by_month=spend_by_month,
    )


def _month_index(month, year: int) -> int:
    """0..11 for a month of the year; a date before the year counts in January, after it in December."""
    if isinstance(month, datetime.datetime):
        month = month.date()
    if month.year < year:
        return 0
    if month.year > year:
        return 11
    return month.month - 1
