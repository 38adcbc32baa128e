"""The phasing of one budget line over the months (or quarters) of the year."""
from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render

from accounts.forms import BudgetMonthsForm
from accounts.models import BudgetLine, BudgetMonth
from accounts.services.phasing import MONTHS, QUARTERS, budget_phasing_set, line_months, quarters_to_months
from accounts.views.common import detail_url, page_context, refusal_page
from klyngeportal.forms_flow import form_flow
from users.access import get_cluster_year_or_404


@refusal_page
def budget_phasing(request, pk: int, line_pk: int):
    """A form per budget line: the amount per month (``?per=kvartal``: per quarter), or «Fordel ligeligt»."""
    cluster_year = get_cluster_year_or_404(request.user, pk, "edit_accounts")
    line = get_object_or_404(BudgetLine.objects.select_related("initiative", "municipality", "region"),
                             pk=line_pk, cluster_year=cluster_year)
    per = "quarter" if request.GET.get("per") == "kvartal" else "month"
    stored = {m.month: m.amount for m in BudgetMonth.objects.filter(budget_line=line)}
    months = line_months(line.amount, stored)
    if per == "quarter":
        initial = {f"p{q}": sum(months[m - 1] for m in in_quarter) for q, in_quarter in QUARTERS.items()}
    else:
        initial = {f"p{m}": months[m - 1] for m in MONTHS}
    equal = request.method == "POST" and "equal" in request.POST
    form = BudgetMonthsForm(None if equal else (request.POST or None), per=per, initial=initial)
    then = detail_url(cluster_year, "prognose")
    if equal:
        budget_phasing_set(line=line, by=request.user, months=None)
        messages.success(request, "Budgetlinjen er fordelt ligeligt over årets 12 måneder.")
        return redirect(then)

    def write(data):
        amounts = form.amounts()
        return budget_phasing_set(line=line, by=request.user,
                                  months=quarters_to_months(amounts) if per == "quarter" else amounts)

    done = form_flow(request, form, write, success="Periodiseringen er gemt.", then=then)
    return done or render(request, "accounts/budget_phasing_form.html", page_context(
        request, cluster_year, form=form, line=line, per=per, is_equal=not stored,
    ))
