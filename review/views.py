"""Pages of the review app. Scope always comes from users.access."""
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_POST
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from accounts.selectors.changes import changes_since_return
from accounts.selectors.totals import cluster_year_summary
from accounts.selectors.warnings import cluster_year_warnings
from geography.models import Region
from klyngeportal.exports import TableDownloadMixin
from klyngeportal.forms_flow import form_flow
from klyngeportal.pagination import pagination
from klyngeportal.redirects import safe_next
from review import selectors, services
from review.filters import CollectionFilter
from review.forms import CommentForm, EvaluationForm, SpreadingDecisionForm, TransitionForm
from review.models import Evaluation
from review.tables import CollectionExportTable, CollectionTable
from review.workflow import TRANSITIONS, TransitionRefused, cluster_year_transition, cluster_year_url
from users.access import (
    get_cluster_year_or_404,
    get_initiative_or_404,
    has_permission,
    permission_problem,
    region_problem,
)


def _back(request, fallback: str):
    return safe_next(request, fallback)


def _first_message(error: ValidationError) -> str:
    return " ".join(error.messages)


# --- the SSU's region page ---------------------------------------------------------

def region_detail(request, region_slug: str, year: int):
    """The SSU's overview: its region's SSU, national readers and administrators (a secretariat gets 403)."""
    region = get_object_or_404(Region, slug=region_slug)
    refusal = region_problem(request.user, region)
    if refusal is not None:
        status, reason = refusal
        if status == 404:
            raise Http404(reason)
        raise PermissionDenied(reason)
    if request.user.region_id == region.pk:
        request.user.region = region  # the header names the SSU's region: no second query for it
    overview = selectors.region_overview(user=request.user, region=region, year=year)
    if not overview.rows:
        # Nobody outside the region's scope learns anything about its accounts.
        raise Http404("Regionen findes ikke, eller du har ikke adgang til dens klyngeregnskaber.")
    for row in overview.rows:
        if row.cluster_year is not None:
            row.url = cluster_year_url(row.cluster_year)
    return render(request, "review/region_detail.html", {"overview": overview, "region": region, "year": year})


# --- one cluster-year: status, history, comments, evaluations -------------------------

def cluster_year_detail(request, pk: int):
    cluster_year = get_cluster_year_or_404(request.user, pk)
    # Read once, used by every part of the page: the summary (budget tables, totals, warnings and the
    # initiatives of the evaluations) and the panel's status changes (the panel and the last return).
    summary = cluster_year_summary(cluster_year)
    panel = selectors.review_panel(cluster_year=cluster_year, user=request.user)
    return render(request, "review/cluster_year_detail.html", {
        "cluster_year": cluster_year,
        "accounts_url": cluster_year_url(cluster_year),
        "initiatives": selectors.cluster_year_evaluations(cluster_year, summary.initiatives),
        "may_edit_evaluation": has_permission(request.user, "edit_evaluation", cluster_year),
        "warnings": cluster_year_warnings(cluster_year, summary),
        "summary": summary,
        "review_panel": panel,
        # since the last return: entries, revisions, commitments
        "changes": changes_since_return(cluster_year, status_changes=panel.changes),
        "budget_tables": [("Pr. indsatsområde", summary.by_area, "Indsatsområde"),
                          ("Pr. indsats", summary.by_initiative, "Indsats"), ("Pr. part", summary.by_party, "Part")],
    })


@require_POST
def transition(request, pk: int, action: str):
    cluster_year = get_cluster_year_or_404(request.user, pk)
    if action not in TRANSITIONS:
        raise Http404("Ukendt handling.")
    form = TransitionForm(request.POST)
    form.is_valid()
    try:
        change = cluster_year_transition(
            cluster_year=cluster_year, action=action, by=request.user, comment=form.cleaned_data.get("comment", "")
        )
    except TransitionRefused as refused:
        if refused.code == "forbidden":
            raise PermissionDenied(_first_message(refused)) from refused
        messages.error(request, _first_message(refused))
    else:
        messages.success(
            request,
            f"{cluster_year.cluster.name} {cluster_year.year}: {change.get_action_display().lower()} "
            f"(status nu «{cluster_year.get_status_display()}»).",
        )
    return _back(request, cluster_year_url(cluster_year))


@require_POST
def comment_add(request, pk: int):
    cluster_year = get_cluster_year_or_404(request.user, pk)
    form = CommentForm(request.POST)
    problem = permission_problem(request.user, "comment", cluster_year)
    if problem:
        raise PermissionDenied(problem)
    if not form.is_valid():
        messages.error(request, "Skriv en kommentar, før du gemmer.")
    else:
        services.comment_add(cluster_year=cluster_year, author=request.user, text=form.cleaned_data["text"])
        messages.success(request, "Kommentaren er gemt.")
    return _back(request, cluster_year_url(cluster_year))


# --- evaluations ------------------------------------------------------------------

def evaluation_edit(request, initiative_pk: int, year: int):
    # Scope first: outside the cluster's scope the same 404 whether the initiative exists or not
    # (a 403 would tell the years it runs); inside it, the reason why the user may not write.
    initiative = get_initiative_or_404(request.user, initiative_pk)
    problem = services.evaluation_problem(request.user, initiative, year)
    if problem:
        raise PermissionDenied(problem)
    evaluation = Evaluation.objects.filter(initiative=initiative, year=year).first()
    form = EvaluationForm(request.POST or None, instance=evaluation)
    done = form_flow(
        request, form,
        lambda data: services.evaluation_save(
            initiative=initiative, year=year, by=request.user, **{name: data[name] for name in form.Meta.fields},
        ),
        success=f"Evalueringen af «{initiative.name}» er gemt.",
        then=lambda saved: saved,
    )
    return done or render(request, "review/evaluation_form.html", {
        "form": form, "initiative": initiative, "year": year, "evaluation": evaluation,
    })


def evaluation_detail(request, pk: int):
    evaluation = get_object_or_404(
        Evaluation.objects.select_related("initiative__cluster__region", "initiative__area", "updated_by"), pk=pk
    )
    initiative = evaluation.initiative
    decisions = list(evaluation.decisions.select_related("by").order_by("-at", "-id"))
    may_decide = services.evaluation_problem(request.user, initiative, evaluation.year, "decide_spreading") is None
    form = SpreadingDecisionForm(request.POST or None) if may_decide else None
    if request.method == "POST" and not may_decide:
        raise PermissionDenied("Kun SSU i klyngens region kan træffe beslutning om udbredelse.")
    if form is not None:
        done = form_flow(
            request, form,
            lambda data: services.spreading_decide(
                evaluation=evaluation, by=request.user, decision=data["decision"], reasons=data["reasons"],
            ),
            success="Beslutningen om udbredelse er gemt.",
            then=evaluation,
        )
        if done is not None:
            return done
    return render(request, "review/evaluation_detail.html", {
        "evaluation": evaluation,
        "initiative": initiative,
        "decisions": decisions,
        "current": decisions[0] if decisions else None,
        "form": form,
        "may_edit": services.evaluation_problem(request.user, initiative, evaluation.year) is None,
    })


# --- the national collection ----------------------------------------------------------

class CollectionView(TableDownloadMixin, SingleTableMixin, FilterView):
    """Evaluated initiatives across all clusters: every logged-in user reads it."""

    filterset_class = CollectionFilter
    table_class = CollectionTable
    template_name = "review/evaluation_list.html"
    table_pagination = pagination(25)
    export_formats = ("csv", "xlsx")
    export_name = "gode-erfaringer"
    export_title = "Gode erfaringer"

    def get_queryset(self):
        return selectors.collection_queryset()

    def get_table_class(self):
        if self.request.GET.get(self.export_trigger_param):
            return CollectionExportTable
        return CollectionTable


collection = CollectionView.as_view()


# --- what awaits me ----------------------------------------------------------------

def inbox(request):
    inbox_data = selectors.inbox_for(request.user)
    for cluster_year in (*inbox_data.to_review, *inbox_data.returned):
        cluster_year.url = cluster_year_url(cluster_year)
    return render(request, "review/inbox.html", {"inbox": inbox_data})
