"""Reads that feed the review pages. Every function runs a fixed number of queries."""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from accounts.models import (
    BudgetLine,
    CarryOverCommitment,
    ClusterYear,
    CostKind,
    Entry,
    EntryKind,
    FundingLine,
    Initiative,
    InitiativeStatus,
    ReviewStatus,
    StatusChange,
)
from accounts.selectors import cents_sum, from_cents
from geography.models import Cluster, Region
from review.models import Comment, Evaluation, EvaluationStatus, SpreadingDecision
from review.workflow import TRANSITIONS, transition_problem
from users.access import account_clusters, cluster_years_for, has_permission, role_of
from users.models import Role, User

ZERO = Decimal("0.00")
MONEY_FIELD = DecimalField(max_digits=16, decimal_places=2)

SIGNED_SPEND = Case(
    When(kind=EntryKind.EXPENSE, then=F("amount")),
    default=-F("amount"),
    output_field=MONEY_FIELD,
)


def _sum_per_cluster_year(queryset, expression):
    """Coalesce(SUM(expression) of the rows belonging to the outer cluster-year, 0) as a subquery."""
    subquery = (
        queryset.filter(cluster_year=OuterRef("pk"))
        .order_by()
        .values("cluster_year")
        .annotate(total=Sum(expression, output_field=MONEY_FIELD))
        .values("total")
    )
    return Coalesce(Subquery(subquery, output_field=MONEY_FIELD), Value(ZERO), output_field=MONEY_FIELD)


def _count_per_cluster_year(queryset):
    subquery = (
        queryset.filter(cluster_year=OuterRef("pk"))
        .order_by()
        .values("cluster_year")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(subquery, output_field=IntegerField()), Value(0))


def _with_line_figures(queryset):
    """Annotate cluster-years with funding, budget, carry-over, the comments' count and the last move."""
    last_change = StatusChange.objects.filter(cluster_year=OuterRef("pk")).order_by("-at", "-id")
    return queryset.annotate(
        funding=_sum_per_cluster_year(FundingLine.objects.all(), F("paid")),
        budget=_sum_per_cluster_year(BudgetLine.objects.all(), F("amount")),
        carry_over=_sum_per_cluster_year(CarryOverCommitment.objects.all(), F("amount")),
        comment_count=_count_per_cluster_year(Comment.objects.all()),
        last_action=Subquery(last_change.values("action")[:1]),
        last_at=Subquery(last_change.values("at")[:1]),
        last_by=Subquery(last_change.values("by__username")[:1]),
    )


def with_review_figures(queryset):
    """Annotate cluster-years with funding, budget, spend, carry-over, warnings' counts and the last move."""
    return _with_line_figures(queryset).annotate(
        spend=_sum_per_cluster_year(Entry.objects.all(), SIGNED_SPEND),
        secretariat_spend=_sum_per_cluster_year(
            Entry.objects.filter(cost_kind=CostKind.SECRETARIAT), SIGNED_SPEND
        ),
        running_spend=_sum_per_cluster_year(Entry.objects.filter(cost_kind=CostKind.RUNNING), SIGNED_SPEND),
        late_entries=_count_per_cluster_year(Entry.objects.filter(booking_date__year__gt=OuterRef("year"))),
    )


@dataclass
class EntryFigures:
    """Spend of the cluster-years of one year, from one grouped pass over their entries."""

    spend: dict[int, Decimal]
    secretariat_spend: dict[int, Decimal]
    running_spend: dict[int, Decimal]
    late_entries: dict[int, int]
    spend_by_area: dict[tuple[int, str], Decimal]


def _entry_figures(cluster_year_ids, year: int) -> EntryFigures:
    """Net spend per cluster-year, per cost kind and per area, and entries dated after the year (one query).

    Sums in whole øre (exact on every database), grouped by cluster-year, area, cost kind and kind.
    """
    late_from = datetime.date(year + 1, 1, 1)
    rows = (
        Entry.objects.filter(cluster_year_id__in=cluster_year_ids)
        .order_by()
        .values("cluster_year_id", "initiative__area__name", "cost_kind", "kind")
        .annotate(cents=cents_sum("amount"), late=Count("pk", filter=Q(booking_date__gte=late_from)))
    )
    cents: dict[int, int] = {}
    secretariat: dict[int, int] = {}
    running: dict[int, int] = {}
    late: dict[int, int] = {}
    by_area: dict[tuple[int, str], int] = {}
    for row in rows:
        cy_id = row["cluster_year_id"]
        signed = (row["cents"] or 0) * (1 if row["kind"] == EntryKind.EXPENSE else -1)
        cents[cy_id] = cents.get(cy_id, 0) + signed
        if row["cost_kind"] == CostKind.SECRETARIAT:
            secretariat[cy_id] = secretariat.get(cy_id, 0) + signed
        elif row["cost_kind"] == CostKind.RUNNING:
            running[cy_id] = running.get(cy_id, 0) + signed
        late[cy_id] = late.get(cy_id, 0) + row["late"]
        key = (cy_id, row["initiative__area__name"])
        by_area[key] = by_area.get(key, 0) + signed
    return EntryFigures(
        spend={k: from_cents(v) for k, v in cents.items()},
        secretariat_spend={k: from_cents(v) for k, v in secretariat.items()},
        running_spend={k: from_cents(v) for k, v in running.items()},
        late_entries=late,
        spend_by_area={k: from_cents(v) for k, v in by_area.items()},
    )


def _money_by_area(cluster_year_ids, queryset, expression) -> dict[tuple[int, str], Decimal]:
    """{(cluster_year_id, area name): total} in one grouped query."""
    rows = (
        queryset.filter(cluster_year_id__in=cluster_year_ids)
        .order_by()
        .values("cluster_year_id", "initiative__area__name")
        .annotate(total=Sum(expression, output_field=MONEY_FIELD))
    )
    return {(row["cluster_year_id"], row["initiative__area__name"]): row["total"] or ZERO for row in rows}


@dataclass
class Warning:
    text: str
    kind: str = "warn"


@dataclass
class RegionRow:
    cluster: Cluster
    cluster_year: ClusterYear | None
    warnings: list[Warning] = field(default_factory=list)

    @property
    def remaining(self) -> Decimal | None:
        """Budget not yet spent (as «Rest af budget» on the accounts page)."""
        if self.cluster_year is None:
            return None
        return self.cluster_year.budget - self.cluster_year.spend

    @property
    def unspent(self) -> Decimal | None:
        """Funding paid in and not spent (as «Ikke forbrugt af finansieringen» on the accounts page)."""
        if self.cluster_year is None:
            return None
        return self.cluster_year.funding - self.cluster_year.spend

    def last_action_label(self) -> str:
        if self.cluster_year is None or not self.cluster_year.last_action:
            return ""
        return StatusChange.Action(self.cluster_year.last_action).label


@dataclass
class RegionOverview:
    region: Region
    year: int
    rows: list[RegionRow]
    totals: dict[str, Decimal]
    years: list[int]


TOTAL_FIELDS = ("funding", "budget", "spend", "carry_over")


def region_overview(*, user: User, region: Region, year: int) -> RegionOverview:
    """All clusters of the region the user may see, with the year's figures and warnings (5 queries)."""
    clusters = list(account_clusters(user).filter(region=region).order_by("name"))
    cluster_years = {
        cy.cluster_id: cy
        for cy in _with_line_figures(
            ClusterYear.objects.filter(cluster__in=[c.pk for c in clusters], year=year)
        )
    }
    ids = [cy.pk for cy in cluster_years.values()]
    budget_by_area = _money_by_area(ids, BudgetLine.objects.all(), F("amount"))
    figures = _entry_figures(ids, year)
    spend_by_area = figures.spend_by_area
    for cy in cluster_years.values():
        cy.spend = figures.spend.get(cy.pk, ZERO)
        cy.secretariat_spend = figures.secretariat_spend.get(cy.pk, ZERO)
        cy.running_spend = figures.running_spend.get(cy.pk, ZERO)
        cy.late_entries = figures.late_entries.get(cy.pk, 0)

    rows = []
    totals = {name: ZERO for name in (*TOTAL_FIELDS, "remaining", "unspent")}
    for cluster in clusters:
        cy = cluster_years.get(cluster.pk)
        if cy is not None:
            cy.cluster = cluster
        row = RegionRow(cluster=cluster, cluster_year=cy)
        if cy is not None:
            for name in TOTAL_FIELDS:
                totals[name] += getattr(cy, name)
            totals["remaining"] += row.remaining
            totals["unspent"] += row.unspent
            row.warnings = _warnings(cy, budget_by_area, spend_by_area)
        rows.append(row)
    years = sorted(
        set(ClusterYear.objects.filter(cluster__in=[c.pk for c in clusters]).values_list("year", flat=True))
        | {year}
    )
    return RegionOverview(region=region, year=year, rows=rows, totals=totals, years=years)


def _warnings(cy, budget_by_area, spend_by_area) -> list[Warning]:
    found = []
    for (cy_id, area_name), spend in sorted(spend_by_area.items()):
        if cy_id != cy.pk:
            continue
        budget = budget_by_area.get((cy_id, area_name), ZERO)
        if spend > budget:
            found.append(Warning(
                f"Merforbrug på {area_name}: forbrug {_kr(spend)} mod budget {_kr(budget)}", "bad"
            ))
    if cy.spend > cy.funding:
        found.append(Warning(f"Forbruget overstiger finansieringen med {_kr(cy.spend - cy.funding)}", "bad"))
    if cy.secretariat_spend:
        found.append(Warning(f"Forbrug på sekretariatsbetjening: {_kr(cy.secretariat_spend)}"))
    if cy.running_spend:
        found.append(Warning(f"Forbrug på drift: {_kr(cy.running_spend)}"))
    if cy.late_entries:
        noun = "postering" if cy.late_entries == 1 else "posteringer"
        found.append(Warning(f"{cy.late_entries} {noun} dateret efter 31.12.{cy.year}"))
    return found


def _kr(value) -> str:
    from klyngeportal.formats import format_kr

    return format_kr(value)


# --- the review panel --------------------------------------------------------

@dataclass
class PanelButton:
    action: str
    label: str
    comment_required: bool


@dataclass
class Panel:
    cluster_year: ClusterYear
    changes: list[StatusChange]
    comments: list[Comment]
    buttons: list[PanelButton]
    may_comment: bool
    refusals: dict[str, str]


def review_panel(*, cluster_year: ClusterYear, user: User) -> Panel:
    """What the panel shows: the history, the comments and the buttons the user may press (2 queries)."""
    changes = list(
        StatusChange.objects.filter(cluster_year=cluster_year).select_related("by").order_by("at", "id")
    )
    comments = list(Comment.objects.filter(cluster_year=cluster_year).select_related("author").order_by("at", "id"))
    buttons = []
    refusals = {}
    for action, transition in TRANSITIONS.items():
        # Comment checked on submit of the form, so test with a placeholder here.
        problem = transition_problem(cluster_year=cluster_year, action=action, by=user, comment="x")
        if problem is None:
            buttons.append(PanelButton(action, transition.label, transition.comment_required))
        else:
            refusals[action] = problem
    return Panel(
        cluster_year=cluster_year,
        changes=changes,
        comments=comments,
        buttons=buttons,
        may_comment=has_permission(user, "comment", cluster_year),
        refusals=refusals,
    )


def cluster_year_evaluations(cluster_year: ClusterYear) -> list[Initiative]:
    """The cluster's initiatives running in the year, each with `evaluation` for the year (or None) (2 queries)."""
    initiatives = list(
        Initiative.objects.filter(
            cluster_id=cluster_year.cluster_id,
            first_year__lte=cluster_year.year,
            last_year__gte=cluster_year.year,
        ).select_related("area").order_by("name")
    )
    evaluations = {
        e.initiative_id: e
        for e in Evaluation.objects.filter(initiative__in=[i.pk for i in initiatives], year=cluster_year.year)
        .annotate(current_decision=latest_decision())
    } if initiatives else {}
    for initiative in initiatives:
        initiative.evaluation = evaluations.get(initiative.pk)
    return initiatives


# --- the national collection -------------------------------------------------

def latest_decision(field_name: str = "decision"):
    return Subquery(
        SpreadingDecision.objects.filter(evaluation=OuterRef("pk")).order_by("-at", "-id").values(field_name)[:1]
    )


class PageFirstQuerySet(QuerySet):
    """A queryset whose slices choose their rows' ids first, then join and annotate only those rows.

    The ordering over the joined tables runs on the ids alone (narrow rows); the wide rows, the joins
    and the per-row subqueries are built for the page's rows only. Still one query per slice.
    """

    def __getitem__(self, k):
        if isinstance(k, slice) and self._result_cache is None and k.stop is not None and k.step is None:
            page_ids = QuerySet.__getitem__(self.values("pk"), k)
            return self.filter(pk__in=page_ids)
        return super().__getitem__(k)


def collection_queryset():
    """Every evaluation with its initiative, cluster, region, area and the decision in force."""
    return (
        PageFirstQuerySet(model=Evaluation).select_related("initiative__cluster__region", "initiative__area")
        .annotate(
            current_decision=latest_decision(),
            decided_at=latest_decision("at"),
            decision_reasons=latest_decision("reasons"),
        )
        .order_by("-year", "initiative__cluster__region__code", "initiative__cluster__name", "initiative__name")
    )


# --- what awaits me ------------------------------------------------------------

@dataclass
class Inbox:
    to_review: list[ClusterYear]
    returned: list[ClusterYear]
    evaluations_due: list[Initiative]
    awaiting_decision: list[Evaluation]
    regions: list[tuple[Region, list[int]]]

    @property
    def total(self) -> int:
        return len(self.to_review) + len(self.returned) + len(self.evaluations_due) + len(self.awaiting_decision)


def inbox_for(user: User) -> Inbox:
    """What needs the user now, by role (at most 5 queries)."""
    role = role_of(user)
    empty = ClusterYear.objects.none()
    to_review = returned = empty
    evaluations_due = Initiative.objects.none()
    awaiting = Evaluation.objects.none()
    last_change = StatusChange.objects.filter(cluster_year=OuterRef("pk")).order_by("-at", "-id")
    visible = cluster_years_for(user).annotate(
        last_at=Subquery(last_change.values("at")[:1]),
        last_by=Subquery(last_change.values("by__username")[:1]),
        last_comment=Subquery(last_change.values("comment")[:1]),
    ).order_by("-year", "cluster__region__code", "cluster__name")
    if role in (Role.SSU, Role.ADMIN):
        to_review = visible.filter(status=ReviewStatus.SUBMITTED)
        awaiting = (
            collection_queryset()
            .filter(status=EvaluationStatus.COMPLETED, initiative__cluster__in=account_clusters(user).values("pk"))
            .filter(current_decision__isnull=True)
        )
    if role in (Role.SECRETARIAT, Role.ADMIN):
        returned = visible.filter(status=ReviewStatus.RETURNED)
        done = Evaluation.objects.filter(initiative=OuterRef("pk"), status=EvaluationStatus.COMPLETED)
        open_eval = Evaluation.objects.filter(initiative=OuterRef("pk")).order_by("-year")
        evaluations_due = (
            Initiative.objects.filter(
                status=InitiativeStatus.COMPLETED, cluster__in=account_clusters(user).values("pk")
            )
            .filter(~Exists(done))
            .annotate(open_evaluation_year=Subquery(open_eval.values("year")[:1]))
            .select_related("cluster__region", "area")
            .order_by("cluster__region__code", "cluster__name", "name")
        )
    regions = []
    if role in (Role.SSU, Role.NATIONAL, Role.ADMIN):
        # The region pages this user reads: the own region for an SSU member, every region otherwise.
        region_list = [user.region] if role == Role.SSU else list(Region.objects.order_by("code"))
        years_by_region: dict[int, set[int]] = {r.pk: set() for r in region_list}
        for region_id, year in (
            ClusterYear.objects.filter(cluster__region__in=region_list)
            .values_list("cluster__region_id", "year").distinct()
        ):
            years_by_region[region_id].add(year)
        this_year = datetime.date.today().year
        regions = [(r, sorted(years_by_region[r.pk]) or [this_year]) for r in region_list]
    return Inbox(
        to_review=list(to_review),
        returned=list(returned),
        evaluations_due=list(evaluations_due),
        awaiting_decision=list(awaiting),
        regions=regions,
    )


__all__ = [
    "Inbox", "Panel", "RegionOverview", "cluster_year_evaluations", "collection_queryset", "inbox_for",
    "region_overview", "review_panel", "with_review_figures",
]
