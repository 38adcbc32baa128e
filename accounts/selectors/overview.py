"""The money totals of many cluster-years at once (lists and the SSU's region page).

The same family as ``accounts.selectors.totals``: sums in whole øre, net spend by
``signed_amount``, the same ``MoneyRow`` with its spend, remaining and unspent.
A fixed number of queries, whatever the number of cluster-years or entries.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import BigIntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from accounts.models import (
    BudgetLine,
    CarryOverCommitment,
    ClusterYear,
    CostKind,
    Entry,
    EntryKind,
    EntryTotal,
    FundingLine,
    FundingSource,
    PartyKind,
    signed_amount,
)
from accounts.parties import party_key, region_label
from accounts.selectors.totals import ZERO, MoneyRow, cents_sum, from_cents


def _cents_per_cluster_year(model, field_name: str, **filters):
    """The øre sum of a money field over the rows of the outer cluster-year, 0 if none (a subquery)."""
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
        funding_paid_cents=_cents_per_cluster_year(FundingLine, "paid"),
        budget_cents=_cents_per_cluster_year(BudgetLine, "amount"),
        expenses_cents=_cents_per_cluster_year(Entry, "amount", kind=EntryKind.EXPENSE),
        income_cents=_cents_per_cluster_year(Entry, "amount", kind=EntryKind.INCOME),
    ))
    for cy in rows:
        money = MoneyRow(
            key=str(cy.pk), label=str(cy.year),
            paid=from_cents(cy.funding_paid_cents), budget=from_cents(cy.budget_cents),
            expenses=from_cents(cy.expenses_cents), income=from_cents(cy.income_cents),
        )
        cy.funding_paid = money.paid
        cy.budget_total = money.budget
        cy.expenses_total = money.expenses
        cy.income_total = money.income
        cy.net_spend = money.spend
        cy.remaining = money.remaining
    return rows


@dataclass
class YearFigures:
    """The money of one cluster-year as an overview of many shows it.

    ``totals`` holds allocated, paid, budget, expenses, income and committed (carry-over promised to
    the next year), so its spend, remaining and unspent are the accounts page's; ``by_area`` the
    budget and spend per area name; ``by_party`` (by party key) and ``by_initiative`` (by initiative id)
    the funding, budget and spend as the accounts page's tables; ``cost_kind_spend`` the net spend per
    cost kind; ``largest_entry`` the largest single amount booked; ``entries_outside_year`` how many
    entries are dated outside the year (``late_entries`` after it); ``unpaid_funding_lines`` the allocated
    lines with nothing paid (a joint municipal line split on its municipalities is not one).
    These are what ``accounts.selectors.warnings`` reads, as it reads ``ClusterYearSummary``.
    """

    totals: MoneyRow
    by_area: dict[str, MoneyRow] = field(default_factory=dict)
    by_party: dict[str, MoneyRow] = field(default_factory=dict)
    by_initiative: dict[int, MoneyRow] = field(default_factory=dict)
    cost_kind_spend: dict[str, Decimal] = field(default_factory=dict)
    late_entries: int = 0  # entries dated after the cluster-year's year
    entries_outside_year: int = 0  # entries dated before or after the cluster-year's year
    largest_entry: Decimal = ZERO
    unpaid_funding_lines: list[MoneyRow] = field(default_factory=list)

    @property
    def secretariat_spend(self) -> Decimal:
        return self.cost_kind_spend.get(CostKind.SECRETARIAT, ZERO)

    @property
    def running_spend(self) -> Decimal:
        return self.cost_kind_spend.get(CostKind.RUNNING, ZERO)

    @property
    def overhead_spend(self) -> Decimal:
        return self.secretariat_spend + self.running_spend

    @property
    def overspent_areas(self) -> list[MoneyRow]:
        """Areas whose net spend exceeds their budget, by name."""
        return [row for name, row in sorted(self.by_area.items()) if row.spend > row.budget]

    @property
    def overspent_funding(self) -> Decimal:
        """How much net spend exceeds the funding paid in (0 if it does not)."""
        return max(-self.totals.unspent, ZERO)


def _party_label(row: dict) -> str:
    if row["party_kind"] == PartyKind.MUNICIPALITY:
        return row["municipality__name"] or f"Kommune {row['municipality_id']}"
    if row["party_kind"] == PartyKind.REGION:
        return region_label(row["region__name"] or "")
    return PartyKind.MUNICIPALITIES_JOINTLY.label


PARTY_VALUES = ("party_kind", "municipality_id", "region_id", "municipality__name", "region__name")


def cluster_year_figures(queryset) -> list[ClusterYear]:
    """The cluster-years of ``queryset``, each with ``figures`` (YearFigures). Four queries.

    One query for the cluster-years with their funding and carry-over (the queryset may carry other
    annotations), one for their funding lines (per party, and those not paid), one for the budget per
    initiative and party and one grouped pass over their entries.
    """
    cluster_years = list(queryset.annotate(
        figures_allocated_cents=_cents_per_cluster_year(FundingLine, "allocated"),
        figures_paid_cents=_cents_per_cluster_year(FundingLine, "paid"),
        figures_committed_cents=_cents_per_cluster_year(CarryOverCommitment, "amount"),
    ))
    if not cluster_years:
        return cluster_years
    by_id: dict[int, YearFigures] = {}
    for cy in cluster_years:
        cy.figures = by_id[cy.pk] = YearFigures(totals=MoneyRow(
            key=str(cy.pk), label=str(cy.year),
            allocated=from_cents(cy.figures_allocated_cents),
            paid=from_cents(cy.figures_paid_cents),
            committed=from_cents(cy.figures_committed_cents),
        ))

    def area_row(figures: YearFigures, name: str) -> MoneyRow:
        if name not in figures.by_area:
            figures.by_area[name] = MoneyRow(key=name, label=name)
        return figures.by_area[name]

    def party_row(figures: YearFigures, row: dict) -> MoneyRow:
        key = party_key(row["party_kind"], row["municipality_id"], row["region_id"])
        if key not in figures.by_party:
            figures.by_party[key] = MoneyRow(key=key, label=_party_label(row))
        return figures.by_party[key]

    def initiative_row(figures: YearFigures, row: dict) -> MoneyRow:
        pk = row["initiative_id"]
        if pk not in figures.by_initiative:
            figures.by_initiative[pk] = MoneyRow(key=str(pk), label=row["initiative__name"],
                                                 group=row["initiative__area__name"])
        return figures.by_initiative[pk]

    joint_lines: dict[int, list[MoneyRow]] = {}
    split_paid: dict[int, Decimal] = {}
    lines = FundingLine.objects.filter(cluster_year_id__in=by_id).order_by("id").values(
        "cluster_year_id", "source", "allocated", "paid", *PARTY_VALUES,
    )
    for line in lines:
        figures = by_id[line["cluster_year_id"]]
        row = party_row(figures, line)
        row.paid += line["paid"]
        row.allocated += line["allocated"] or ZERO
        row.has_allocation = row.has_allocation or line["allocated"] is not None
        if line["allocated"] and not line["paid"]:
            unpaid = MoneyRow(key=row.key, label=row.label, allocated=line["allocated"], group=line["source"])
            if line["party_kind"] == PartyKind.MUNICIPALITIES_JOINTLY:
                joint_lines.setdefault(line["cluster_year_id"], []).append(unpaid)
            else:
                figures.unpaid_funding_lines.append(unpaid)
        if (line["source"] == FundingSource.STARTUP and line["party_kind"] == PartyKind.MUNICIPALITY
                and line["allocated"] is None):
            split_paid[line["cluster_year_id"]] = split_paid.get(line["cluster_year_id"], ZERO) + line["paid"]
    for cy_id, unpaid in joint_lines.items():
        if not split_paid.get(cy_id):  # a joint line split on the municipalities is paid through them
            by_id[cy_id].unpaid_funding_lines.extend(unpaid)

    # Every budget line and every entry belongs to an initiative, so the areas add up to the totals.
    budgets = (
        BudgetLine.objects.filter(cluster_year_id__in=by_id)
        .order_by()
        .values("cluster_year_id", "initiative_id", "initiative__name", "initiative__area__name", *PARTY_VALUES)
        .annotate(cents=cents_sum("amount"))
    )
    for row in budgets:
        figures = by_id[row["cluster_year_id"]]
        amount = from_cents(row["cents"])
        for target in (area_row(figures, row["initiative__area__name"]), party_row(figures, row),
                       initiative_row(figures, row), figures.totals):
            target.budget += amount

    # The entries' sums from their summary (accounts.entry_totals: kept by the database on every insert),
    # one row per initiative, party, cost kind, kind and booking year: as many rows whatever the entries.
    years = {cy.pk: cy.year for cy in cluster_years}
    entries = (
        EntryTotal.objects.filter(cluster_year_id__in=by_id)
        .order_by()
        .values("cluster_year_id", "initiative_id", "initiative__name", "initiative__area__name", *PARTY_VALUES,
                "cost_kind", "kind", "booking_year", "cents", "entries", "largest_cents")
    )
    for row in entries:
        figures = by_id[row["cluster_year_id"]]
        amount = from_cents(row["cents"])
        for target in (area_row(figures, row["initiative__area__name"]), party_row(figures, row),
                       initiative_row(figures, row), figures.totals):
            target.add_entries(row["kind"], amount)
        figures.cost_kind_spend[row["cost_kind"]] = (
            figures.cost_kind_spend.get(row["cost_kind"], ZERO) + signed_amount(row["kind"], amount)
        )
        year = years[row["cluster_year_id"]]
        if row["booking_year"] != year:  # dated before 1 January or after 31 December of the year
            figures.entries_outside_year += row["entries"]
            if row["booking_year"] > year:
                figures.late_entries += row["entries"]
        figures.largest_entry = max(figures.largest_entry, from_cents(row["largest_cents"]))
    return cluster_years

