"""Initiatives, funding and budget of a cluster-year."""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts import forms, services
from accounts.models import BudgetLine, FundingLine, FundingSource, Initiative, PartyKind
from accounts.views.common import detail_url, members_of, page_context, refusal_page
from klyngeportal.forms_flow import form_flow
from users.access import get_cluster_year_or_404

# --- initiatives -----------------------------------------------------------

def _initiative_fields(form) -> dict:
    data = form.cleaned_data
    return {key: data[key] for key in ("name", "area", "description", "responsible", "responsible_municipality",
                                       "status", "first_year", "last_year")}


@refusal_page
def initiative_create(request, pk: int):
    cluster_year = get_cluster_year_or_404(request.user, pk, "edit_accounts")
    members = members_of(cluster_year)
    form = forms.InitiativeForm(request.POST or None, cluster_year=cluster_year, members=members)
    done = form_flow(
        request, form,
        lambda data: services.initiative_create(cluster_year=cluster_year, by=request.user, **_initiative_fields(form)),
        success=lambda initiative: f"Indsatsen «{initiative.name}» er oprettet.", then=cluster_year,
    )
    return done or render(request, "accounts/initiative_form.html", page_context(request, cluster_year, form=form))


@refusal_page
def initiative_edit(request, pk: int, initiative_pk: int):
    cluster_year = get_cluster_year_or_404(request.user, pk, "edit_accounts")
    initiative = get_object_or_404(Initiative, pk=initiative_pk, cluster_id=cluster_year.cluster_id)
    members = members_of(cluster_year)
    form = forms.InitiativeForm(request.POST or None, instance=initiative, cluster_year=cluster_year,
                                members=members)
    done = form_flow(
        request, form,
        lambda data: services.initiative_update(initiative=Initiative.objects.get(pk=initiative.pk),
                                                cluster_year=cluster_year, by=request.user, **_initiative_fields(form)),
        success="Indsatsen er gemt.", then=cluster_year,
    )
    return done or render(request, "accounts/initiative_form.html",
                          page_context(request, cluster_year, form=form, initiative=initiative))


# --- funding ---------------------------------------------------------------

@refusal_page
@require_POST
def funding_propose(request, pk: int):
    cluster_year = get_cluster_year_or_404(request.user, pk, "edit_accounts")
    try:
        lines = services.funding_propose(cluster_year=cluster_year, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"{len(lines)} linjer med opstartsmidler er foreslået fra fordelingen. "
                                  "Ret indbetalt beløb, hvor det afviger.")
    return redirect(detail_url(cluster_year, "finansiering"))


@refusal_page
def funding_create(request, pk: int):
    cluster_year = get_cluster_year_or_404(request.user, pk, "edit_accounts")
    members = members_of(cluster_year)
    form = forms.FundingLineForm(request.POST or None, cluster_year=cluster_year, members=members)
    done = form_flow(
        request, form,
        lambda data: services.funding_line_create(
            cluster_year=cluster_year, by=request.user, source=data["source"], **form.party_kwargs(),
            paid=data["paid"], allocated=data["allocated"], text=data["text"],
        ),
        success="Finansieringslinjen er gemt.", then=detail_url(cluster_year, "finansiering"),
    )
    return done or render(request, "accounts/funding_line_form.html", page_context(request, cluster_year, form=form))


def _funding_line(cluster_year, line_pk):
    return get_object_or_404(
        FundingLine.objects.select_related("municipality", "region"), pk=line_pk, cluster_year=cluster_year
    )


@refusal_page
def funding_edit(request, pk: int, line_pk: int):
    cluster_year = get_cluster_year_or_404(request.user, pk, "edit_accounts")
    line = _funding_line(cluster_year, line_pk)
    form = forms.FundingPaidForm(request.POST or None, initial={"paid": line.paid, "text": line.text})
    done = form_flow(
        request, form,
        lambda data: services.funding_line_update(line=line, by=request.user, paid=data["paid"], text=data["text"]),
        success="Det indbetalte beløb er gemt.", then=detail_url(cluster_year, "finansiering"),
    )
    return done or render(request, "accounts/funding_line_form.html",
                          page_context(request, cluster_year, form=form, line=line))


@refusal_page
def funding_split(request, pk: int, line_pk: int):
    cluster_year = get_cluster_year_or_404(request.user, pk, "edit_accounts")
    line = _funding_line(cluster_year, line_pk)
    if line.party_kind != PartyKind.MUNICIPALITIES_JOINTLY:
        raise Http404("Kun en linje for kommunerne samlet kan fordeles.")
    funders = members_of(cluster_year, funding_only=True)
    form = forms.FundingSplitForm(request.POST or None, funders=funders)
    done = form_flow(
        request, form,
        lambda data: services.funding_split(line=line, by=request.user, amounts=form.amounts(),
                                            accept_difference=data["accept_difference"]),
        success="Kommunernes samlede bidrag er fordelt på kommuner.", then=detail_url(cluster_year, "finansiering"),
    )
    return done or render(request, "accounts/funding_split_form.html",
                          page_context(request, cluster_year, form=form, line=line))


# --- budget ----------------------------------------------------------------

@refusal_page
def budget_create(request, pk: int):
    cluster_year = get_cluster_year_or_404(request.user, pk, "edit_accounts")
    members = members_of(cluster_year)
    initial = {"initiative": request.GET.get("initiative"), "source": FundingSource.STARTUP}
    form = forms.BudgetLineForm(request.POST or None, cluster_year=cluster_year, members=members, initial=initial)
    done = form_flow(
        request, form,
        lambda data: services.budget_line_set(cluster_year=cluster_year, by=request.user, initiative=data["initiative"],
                                              source=data["source"], **form.party_kwargs(), amount=data["amount"],
                                              reason=data.get("reason", "")),
        success="Budgetlinjen er gemt.", then=detail_url(cluster_year, "budget"),
    )
    return done or render(request, "accounts/budget_line_form.html", page_context(request, cluster_year, form=form))


@refusal_page
def budget_edit(request, pk: int, line_pk: int):
    cluster_year = get_cluster_year_or_404(request.user, pk, "edit_accounts")
    line = get_object_or_404(BudgetLine.objects.select_related("initiative", "municipality", "region"),
                             pk=line_pk, cluster_year=cluster_year)
    form = forms.AmountForm(request.POST or None, initial={"amount": line.amount})
    if cluster_year.original_budget_at is not None:
        forms.add_reason(form, required=True)  # after submission every change is a revision
    done = form_flow(
        request, form, lambda data: services.budget_line_update(line=line, by=request.user, amount=data["amount"],
                                                                reason=data.get("reason", "")),
        success="Budgetlinjen er gemt.", then=detail_url(cluster_year, "budget"),
    )
    return done or render(request, "accounts/budget_line_form.html",
                          page_context(request, cluster_year, form=form, line=line))

