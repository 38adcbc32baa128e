"""The cluster-year list, opening a year, its overview page and its history."""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts import forms, selectors, services
from accounts import history as timeline
from accounts.charts import budget_vs_spend_svg, cumulative_svg
from accounts.models import ClusterYear, ReviewStatus
from accounts.selectors.phasing import cluster_year_phasing
from accounts.selectors.revisions import budget_revisions
from accounts.selectors.warnings import cluster_year_warnings
from accounts.services.budget_control import budget_control_set
from accounts.views.common import DEFAULT_YEAR, page_context, refusal_page
from klyngeportal.converters import held_year, held_years
from klyngeportal.forms_flow import form_flow
from review.selectors import review_panel
from users.access import (
    account_clusters,
    cluster_years_for,
    get_cluster_year_or_404,
    has_permission,
    writable_clusters,
)

# --- list and detail -------------------------------------------------------

def cluster_year_list(request):
    year = DEFAULT_YEAR
    held = held_years()  # the years offered: only years with a cluster map
    if request.GET.get("year"):
        year = held_year(request.GET["year"], held)
        if year is None:
            raise Http404("Portalen har ikke det år.")
    clusters = list(account_clusters(request.user))
    years_seen = cluster_years_for(request.user).filter(year=year)
    cluster_years = {cy.cluster_id: cy for cy in selectors.cluster_years_with_totals(years_seen)}
    writable = set(writable_clusters(request.user).values_list("pk", flat=True))
    years = sorted(set(held) | {year}) or [year]
    rows = [{"cluster": c, "cy": cluster_years.get(c.pk), "may_open": c.pk in writable} for c in clusters]
    return render(request, "accounts/cluster_year_list.html", {"rows": rows, "year": year, "years": years})


@refusal_page
@require_POST
def cluster_year_open(request, cluster_id: int, year: int):
    cluster = get_object_or_404(account_clusters(request.user), pk=cluster_id)
    if not writable_clusters(request.user).filter(pk=cluster.pk).exists():
        raise PermissionDenied("Kun klyngens sekretariat og administratorer kan oprette regnskabet.")
    # <year:year> lets only a held year through; the service refuses any other in Danish all the same.
    try:
        cluster_year = services.cluster_year_get_or_create(cluster=cluster, year=year)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("accounts:cluster_year_list")
    return redirect(cluster_year)


@refusal_page
def cluster_year_detail(request, pk: int):
    """The overview; a POST sets the budget control (the secretariat, while a draft)."""
    cluster_year = get_cluster_year_or_404(request.user, pk, "edit_accounts" if request.method == "POST" else
                                           "view_accounts")
    control_form = None
    if cluster_year.status == ReviewStatus.DRAFT and has_permission(request.user, "edit_accounts", cluster_year):
        control_form = forms.BudgetControlForm(request.POST or None, initial={
            "budget_control": cluster_year.budget_control, "large_entry_share": cluster_year.large_entry_share,
        })
        done = form_flow(
            request, control_form,
            lambda data: budget_control_set(cluster_year=cluster_year, by=request.user, **data),
            success="Budgetkontrollen er gemt.", then=cluster_year,
        )
        if done:
            return done
    elif request.method == "POST":
        raise PermissionDenied("Budgetkontrollen kan kun ændres, mens regnskabet er en kladde.")
    summary = selectors.cluster_year_summary(cluster_year)
    phasing = cluster_year_phasing(summary)  # +1 query: the budget lines' stored months
    sibling_years = list(
        ClusterYear.objects.filter(cluster_id=cluster_year.cluster_id).order_by("year").values_list("year", "pk")
    )
    return render(request, "accounts/cluster_year_detail.html", page_context(
        request, cluster_year, summary=summary, chart=budget_vs_spend_svg(summary.by_area),
        sibling_years=sibling_years, control_form=control_form, phasing=phasing,
        revisions=budget_revisions(cluster_year),  # +1 query once submitted (none in a draft)
        cumulative_chart=cumulative_svg(phasing.month_names, phasing.cumulative_budget, phasing.cumulative_spend,
                                        months_passed=phasing.months_passed),
        warnings=cluster_year_warnings(cluster_year, summary),
        review_panel=review_panel(cluster_year=cluster_year, user=request.user),  # +2 queries: the panel's
    ))



# --- history ---------------------------------------------------------------

def history(request, pk: int):
    cluster_year = get_cluster_year_or_404(request.user, pk)
    paginator = Paginator(timeline.timeline_queryset(cluster_year), 50)
    page = paginator.get_page(request.GET.get("page"))
    events = timeline.describe(list(page.object_list))
    return render(request, "accounts/history_list.html",
                  page_context(request, cluster_year, page=page, events=events))
