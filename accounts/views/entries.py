"""The entry list (filters, sorting, CSV), booking an entry and reversing one."""
from __future__ import annotations

from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import urlencode
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from accounts import forms, selectors, services
from accounts.filters import EntryFilter
from accounts.models import Entry
from accounts.selectors.lists import entry_totals
from accounts.services.budget_control import ConfirmationNeeded
from accounts.tables import EntryTable
from accounts.views.common import members_of, page_context, refusal_page
from accounts.views.listing import ClusterYearListMixin, FilteredTotalsMixin, PageFirstData
from klyngeportal.exports import TableDownloadMixin
from klyngeportal.formats import NumberMode, NumberProblem, format_number, parse_danish_number
from klyngeportal.forms_flow import form_flow
from klyngeportal.pagination import pagination
from users.access import get_cluster_year_or_404

# --- entries ---------------------------------------------------------------

class EntryListView(ClusterYearListMixin, FilteredTotalsMixin, TableDownloadMixin, SingleTableMixin, FilterView):
    """Entries of one cluster-year: filters, free-text search, sorting, pagination, CSV of the filtered list.

    The totals of what is filtered (expenses, income, net) come from one query, which also counts the rows.
    """

    table_class = EntryTable
    totals_of = staticmethod(entry_totals)
    filterset_class = EntryFilter
    template_name = "accounts/entry_list.html"
    export_formats = ("csv",)
    export_prefix = "posteringer"
    export_title = "Posteringer"
    table_pagination = pagination(50)
    paginate_by = None  # django-tables2 paginates; the ListView must not count a second time

    def get_queryset(self):
        return selectors.entry_filter_base(self.cluster_year)

    def get_table_data(self):
        return PageFirstData(self.object_list)



@refusal_page
def entry_create(request, pk: int):
    cluster_year = get_cluster_year_or_404(request.user, pk, "edit_accounts")
    members = members_of(cluster_year)
    initial = {key: request.GET[key] for key in ("initiative", "party", "booking_date", "kind", "cost_kind",
                                                 "account_code", "voucher", "text") if key in request.GET}
    if "amount" in request.GET:  # Danish (1.234,50), as the reversal passes it; shown again as Danish
        try:
            initial["amount"] = parse_danish_number(request.GET["amount"], mode=NumberMode.MONEY)
        except NumberProblem:
            pass  # a prefill only: the form starts without it
    form = forms.EntryForm(request.POST or None, cluster_year=cluster_year, members=members, initial=initial)

    def then(entry):
        if "save_and_new" not in request.POST:
            return reverse("accounts:entry_list", args=[cluster_year.pk])
        data = form.cleaned_data
        query = (f"?initiative={data['initiative'].pk}&party={data['party']}"
                 f"&booking_date={data['booking_date']:%Y-%m-%d}&kind={data['kind']}&cost_kind={data['cost_kind']}")
        return reverse("accounts:entry_create", args=[cluster_year.pk]) + query

    def book(data):
        try:
            return services.entry_create(cluster_year=cluster_year, created_by=request.user, **form.service_kwargs())
        except ConfirmationNeeded:
            form.ask_confirmation()
            raise

    done = form_flow(
        request, form, book,
        success=lambda entry: (f"Posteringen er gemt: {entry.get_kind_display().lower()} "
                               f"{format_number(entry.amount, 2)} kr."),
        then=then,
    )
    return done or render(request, "accounts/entry_form.html", page_context(request, cluster_year, form=form))


@refusal_page
def entry_reverse(request, pk: int, entry_pk: int):
    cluster_year = get_cluster_year_or_404(request.user, pk, "edit_accounts")
    entry = get_object_or_404(
        Entry.objects.select_related("initiative", "municipality", "region", "created_by"),
        pk=entry_pk, cluster_year=cluster_year,
    )
    form = forms.ReverseForm(request.POST or None)
    # After the reversal, the form for the right entry starts from the reversed one's fields.
    query = urlencode({
        "initiative": entry.initiative_id, "party": entry.party_key, "booking_date": f"{entry.booking_date:%Y-%m-%d}",
        "kind": entry.kind, "cost_kind": entry.cost_kind, "account_code": entry.account_code,
        "amount": format_number(entry.amount, 2), "voucher": entry.voucher, "text": entry.text,
    })
    done = form_flow(
        request, form, lambda data: services.entry_reverse(entry=entry, by=request.user, text=data["text"]),
        success="Posteringen er tilbageført. Bogfør nu den rigtige postering.",
        then=reverse("accounts:entry_create", args=[cluster_year.pk]) + f"?{query}",
    )
    if done:
        return done
    already = entry.reverses_id is not None or Entry.objects.filter(reverses=entry).exists()
    return render(request, "accounts/entry_confirm.html",
                  page_context(request, cluster_year, entry=entry, form=form, already=already))
