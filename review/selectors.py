"""Reads that feed the review pages. Every function runs a fixed number of queries.

Money comes from the accounts family (``accounts.selectors``); roles and scope from ``users.access``.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from accounts.models import ClusterYear, Initiative, InitiativeStatus, ReviewStatus, StatusChange
from accounts.selectors import MoneyRow, YearFigures, cluster_year_figures, money_total
from accounts.selectors.warnings import Warning, cluster_year_warnings
from geography.models import Cluster, Region
from review.collection import collection_queryset, latest_decision
from review.models import Comment, Evaluation, EvaluationStatus
from review.workflow import TRANSITIONS, transition_problem
from users.access import (
    INBOX_REGIONS,
    INBOX_TO_MEND,
    INBOX_TO_REVIEW,
    account_clusters,
    cluster_years_for,
    has_permission,
    inbox_sections,
    region_scope,
)
from users.models import User


def _count_per_cluster_year(queryset):
    subquery = (
        queryset.filter(cluster_year=OuterRef("pk"))
        .order_by()
        .values("cluster_year")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(subquery, output_field=IntegerField()), Value(0))


def _with_review_marks(queryset):
    """Annotate cluster-years with the comments' count and the last move (the money comes from accounts)."""
    last_change = StatusChange.objects.filter(cluster_year=OuterRef("pk")).order_by("-at", "-id")
    return queryset.annotate(
        comment_count=_count_per_cluster_year(Comment.objects.all()),
        last_action=Subquery(last_change.values("action")[:1]),
        last_at=Subquery(last_change.values("at")[:1]),
        last_by=Subquery(last_change.values("by__username")[:1]),
    )


@dataclass
class RegionRow:
    cluster: Cluster
    cluster_year: ClusterYear | None
    warnings: list[Warning] = field(default_factory=list)

    @property
    def has_bad_warning(self) -> bool:
        return any(w.kind == "bad" for w in self.warnings)

    @property
    def figures(self) -> YearFigures | None:
        return self.cluster_year.figures if self.cluster_year is not None else None

    @property
    def money(self) -> MoneyRow | None:
        """Funding paid, budget, spend, rest of budget, unspent and carry-over, as on the accounts page."""
        return self.cluster_year.figures.totals if self.cluster_year is not None else None

    def last_action_label(self) -> str:
        if self.cluster_year is None or not self.cluster_year.last_action:
            return ""
        return StatusChange.Action(self.cluster_year.last_action).label


@dataclass
class RegionOverview:
    region: Region
    year: int
    rows: list[RegionRow]
    totals: MoneyRow
    years: list[int]


def region_overview(*, user: User, region: Region, year: int) -> RegionOverview:
    """All clusters of the region the user may see, with the year's figures and warnings (6 queries)."""
    clusters = list(account_clusters(user).filter(region=region).order_by("name"))
    cluster_years = {
        cy.cluster_id: cy
        for cy in cluster_year_figures(
            _with_review_marks(ClusterYear.objects.filter(cluster__in=[c.pk for c in clusters], year=year))
        )
    }
    rows = []
    for cluster in clusters:
        cy = cluster_years.get(cluster.pk)
        row = RegionRow(cluster=cluster, cluster_year=cy)
        if cy is not None:
            cy.cluster = cluster
            row.warnings = cluster_year_warnings(cy, cy.figures)
        rows.append(row)
    years = sorted(
        set(ClusterYear.objects.filter(cluster__in=[c.pk for c in clusters]).values_list("year", flat=True))
        | {year}
    )
    totals = money_total(row.money for row in rows if row.money is not None)
    return RegionOverview(region=region, year=year, rows=rows, totals=totals, years=years)


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


def cluster_year_evaluations(cluster_year: ClusterYear, initiatives: list[Initiative] | None = None) -> list[Initiative]:
    """The cluster's initiatives running in the year, each with `evaluation` for the year (or None) (2 queries).

    ``initiatives``: those initiatives by name with their area, if the page has them already
    (``ClusterYearSummary.initiatives``): then one query, the evaluations.
    """
    if initiatives is None:
        initiatives = list(
            Initiative.objects.running_in(cluster_year.year).filter(cluster_id=cluster_year.cluster_id)
            .select_related("area").order_by("name")
        )
    evaluations = {
        e.initiative_id: e
        for e in Evaluation.objects.filter(initiative__in=[i.pk for i in initiatives], year=cluster_year.year)
        .annotate(current_decision=latest_decision())
    } if initiatives else {}
    for initiative in initiatives:
        initiative.evaluation = evaluations.get(initiative.pk)
    return initiatives


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
    """What needs the user now: the parts ``users.access.inbox_sections`` gives its role (at most 8 queries).

    The submitted and returned cluster-years carry ``warnings`` (``accounts.selectors.warnings``).
    """
    sections = inbox_sections(user)
    to_review: list[ClusterYear] = []
    returned: list[ClusterYear] = []
    evaluations_due = Initiative.objects.none()
    awaiting = Evaluation.objects.none()
    last_change = StatusChange.objects.filter(cluster_year=OuterRef("pk")).order_by("-at", "-id")
    visible = cluster_years_for(user).annotate(
        last_at=Subquery(last_change.values("at")[:1]),
        last_by=Subquery(last_change.values("by__username")[:1]),
        last_comment=Subquery(last_change.values("comment")[:1]),
    ).order_by("-year", "cluster__region__code", "cluster__name")
    # The submitted and returned accounts in one pass, each with its warnings (cluster_year_figures: 4 queries).
    statuses = [status for section, status in ((INBOX_TO_REVIEW, ReviewStatus.SUBMITTED),
                                               (INBOX_TO_MEND, ReviewStatus.RETURNED)) if section in sections]
    listed = cluster_year_figures(visible.filter(status__in=statuses)) if statuses else []
    for cy in listed:
        cy.warnings = cluster_year_warnings(cy, cy.figures)
    if INBOX_TO_REVIEW in sections:
        to_review = [cy for cy in listed if cy.status == ReviewStatus.SUBMITTED]
        awaiting = (
            collection_queryset()
            .filter(status=EvaluationStatus.COMPLETED, initiative__cluster__in=account_clusters(user).values("pk"))
            .filter(current_decision__isnull=True)
        )
    if INBOX_TO_MEND in sections:
        returned = [cy for cy in listed if cy.status == ReviewStatus.RETURNED]
        done = Evaluation.objects.filter(initiative=OuterRef("pk"), status=EvaluationStatus.COMPLETED)
        # An evaluation begun for a year the initiative ran (not one left from before its end was moved).
        open_eval = Evaluation.objects.filter(
            initiative=OuterRef("pk"), year__gte=OuterRef("first_year"), year__lte=OuterRef("last_year"),
        ).order_by("-year")
        evaluations_due = (
            Initiative.objects.filter(
                status=InitiativeStatus.COMPLETED, cluster__in=account_clusters(user).values("pk")
            )
            .filter(~Exists(done))
            .annotate(open_evaluation_year=Subquery(open_eval.values("year")[:1]))
            # The year «Evaluér» opens: the begun evaluation's, else the initiative's last year.
            .annotate(evaluation_year=Coalesce("open_evaluation_year", "last_year"))
            .select_related("cluster__region", "area")
            .order_by("cluster__region__code", "cluster__name", "name")
        )
    regions = _region_links(user) if INBOX_REGIONS in sections else []
    return Inbox(
        to_review=list(to_review),
        returned=list(returned),
        evaluations_due=list(evaluations_due),
        awaiting_decision=list(awaiting),
        regions=regions,
    )


def _region_links(user: User) -> list[tuple[Region, list[int]]]:
    """The region overviews the user reads (``users.access.region_scope``), each with its years (2 queries)."""
    region_list = list(region_scope(user).order_by("code"))
    for region in region_list:
        if region.pk == user.region_id:
            user.region = region  # the header names the user's region: no second query for it
    years_by_region: dict[int, set[int]] = {r.pk: set() for r in region_list}
    for region_id, year in (
        ClusterYear.objects.filter(cluster__region__in=[r.pk for r in region_list])
        .values_list("cluster__region_id", "year").distinct()
    ):
        years_by_region[region_id].add(year)
    this_year = datetime.date.today().year
    return [(r, sorted(years_by_region[r.pk]) or [this_year]) for r in region_list]


__all__ = [
    "Inbox", "Panel", "RegionOverview", "RegionRow", "Warning", "cluster_year_evaluations", "collection_queryset",
    "inbox_for", "latest_decision", "region_overview", "review_panel",
]
