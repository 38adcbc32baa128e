"""The budget list of a cluster-year: filters, sorting, pagination, CSV, and the totals of what is filtered."""
from __future__ import annotations

from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from accounts.filters import BudgetLineFilter
from accounts.models import BudgetLine
from accounts.selectors.lists import budget_totals
from accounts.tables import BudgetLineTable
from accounts.views.listing import ClusterYearListMixin, FilteredTotalsMixin
from klyngeportal.exports import TableDownloadMixin
from klyngeportal.pagination import pagination


class BudgetLineListView(ClusterYearListMixin, FilteredTotalsMixin, TableDownloadMixin, SingleTableMixin, FilterView):
    """Budget lines of one cluster-year, seen by whoever sees its accounts ("view_accounts")."""

    table_class = BudgetLineTable
    filterset_class = BudgetLineFilter
    template_name = "accounts/budget_line_list.html"
    totals_of = staticmethod(budget_totals)
    export_formats = ("csv",)
    export_prefix = "budget"
    export_title = "Budgetlinjer"
    table_pagination = pagination(50)
    paginate_by = None  # django-tables2 paginates

    def get_queryset(self):
        # Of the related rows only what the list and its download show (``BudgetLineTable``).
        return (BudgetLine.objects.filter(cluster_year=self.cluster_year)
                .select_related("initiative__area", "municipality", "region")
                .only(*(field.name for field in BudgetLine._meta.concrete_fields), "initiative__name",
                      "initiative__area__name", "municipality__name", "region__name"))


budget_list = BudgetLineListView.as_view()
