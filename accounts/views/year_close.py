"""Commitments for unspent money, the year close and its reopening."""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse

from accounts import forms, selectors, services
from accounts.models import FundingLine, FundingSource, ReviewStatus
from accounts.parties import JOINT_KEY
from accounts.selectors.phasing import cluster_year_phasing
from accounts.services.year_close import close_problem
from accounts.views.common import members_of, page_context, refusal_page
from klyngeportal.forms_flow import form_flow
from users.access import get_cluster_year_or_404, has_permission

# --- carry-over and year close -----------------------------------------------

@refusal_page
def carryover(request, pk: int):
    cluster_year = get_cluster_year_or_404(request.user, pk)
    may_commit = has_permission(request.user, "close_year", cluster_year)
    if request.method == "POST" and not may_commit:
        get_cluster_year_or_404(request.user, pk, "close_year")  # raises 403 with the reason
    summary = selectors.cluster_year_summary(cluster_year)
    phasing = cluster_year_phasing(summary)  # the «Prognose» per party: the unspent money it implies
    members = members_of(cluster_year)
    unspent = {row.key: row.unspent for row in summary.by_party if row.key != JOINT_KEY}
    commitments = list(cluster_year.commitments.select_related("municipality", "region", "recorded_by"))
    form = forms.CommitmentForm(
        request.POST or None, cluster_year=cluster_year, members=members, unspent=unspent,
        existing={c.party_key: c for c in commitments},
    ) if may_commit else None
    done = form and form_flow(
        request, form, lambda data: _record_commitment(request, cluster_year, form, data),
        success=lambda c: "Tilsagnet er erstattet." if c.replaced else "Tilsagnet er registreret.",
        then=reverse("accounts:carryover", args=[cluster_year.pk]),
    )
    if done:
        return done
    carried = {line.carried_from_id: line for line in FundingLine.objects.filter(
        carried_from__in=[c.pk for c in commitments]).select_related("cluster_year")} if cluster_year.is_closed else {}
    for commitment in commitments:
        commitment.carried_line = carried.get(commitment.pk)
    return render(request, "accounts/carryover_detail.html", page_context(
        request, cluster_year, summary=summary, form=form, commitments=commitments, phasing=phasing,
    ))


def _record_commitment(request, cluster_year, form, data):
    """The service's call; its refusal of a second commitment goes on the confirmation checkbox."""
    replace = bool(data.get("replace"))
    try:
        commitment = services.commitment_record(
            cluster_year=cluster_year, by=request.user, **form.party_kwargs(), amount=data["amount"],
            committed_by=data["committed_by"], committed_on=data["committed_on"], note=data["note"],
            replace=replace,
        )
    except ValidationError as exc:
        if getattr(exc, "code", None) == "commitment_exists" and "replace" in form.fields:
            raise ValidationError({"replace": exc}) from exc
        raise
    commitment.replaced = replace and data["party"] in form.existing
    return commitment


@refusal_page
def year_close(request, pk: int):
    """The close: the money not carried over is stated first; a secretariat closes approved accounts only."""
    cluster_year = get_cluster_year_or_404(request.user, pk, "close_year")
    refusal = close_problem(request.user, cluster_year)
    needs_reason = refusal is None and cluster_year.status != ReviewStatus.APPROVED
    form = forms.CloseForm(request.POST or None) if needs_reason else None
    problems = []
    if request.method == "POST":
        if refusal:
            raise PermissionDenied(refusal)
        # Through the form's cleaning (a NUL byte or an over-long reason is its Danish error, not a 500).
        reason = form.cleaned_data["reason"] if form is not None and form.is_valid() else ""
        try:
            next_year = services.year_close(cluster_year=cluster_year, by=request.user, reason=reason)
        except ValidationError as exc:
            problems = exc.messages
        else:
            count = next_year.funding_lines.filter(source=FundingSource.CARRYOVER,
                                                   carried_from__cluster_year=cluster_year).count()
            messages.success(request, f"Året {cluster_year.year} er afsluttet. {count} tilsagn er videreført "
                                      f"til {next_year.year}.")
            return redirect(cluster_year)
    summary = selectors.cluster_year_summary(cluster_year)
    return render(request, "accounts/year_close_confirm.html", page_context(
        request, cluster_year, summary=summary, problems=problems, refusal=refusal, form=form,
    ))


@refusal_page
def year_reopen(request, pk: int):
    cluster_year = get_cluster_year_or_404(request.user, pk, "reopen_year")
    form = forms.ReopenForm(request.POST or None)
    done = form_flow(
        request, form, lambda data: services.year_reopen(cluster_year=cluster_year, by=request.user,
                                                         reason=data["reason"]),
        success=f"Året {cluster_year.year} er genåbnet.", then=cluster_year,
    )
    return done or render(request, "accounts/year_reopen_form.html", page_context(request, cluster_year, form=form))
