"""The budget list of a cluster-year: filters, sorting, pagination, CSV, and the totals of what is filtered."""
from __future__ import annotations

from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from accounts.filters import BudgetLineFilter
from accounts.models import BudgetLine
from accounts.selectors.lists import budget_totals
from accounts.tables import BudgetLineTable
from accounts.views.common import members_of, page_context
from accounts.views.listing import FilteredTotalsMixin
from klyngeportal.exports import TableDownloadMixin
from klyngeportal.pagination import pagination
from users.access import get_cluster_year_or_404, has_permission


class BudgetLineListView(FilteredTotalsMixin, TableDownloadMixin, SingleTableMixin, FilterView):
    """Budget lines of one cluster-year, seen by whoever sees its accounts ("view_accounts")."""

    table_class = BudgetLineTable
    filterset_class = BudgetLineFilter
    template_name = "accounts/budget_line_list.html"
    totals_of = staticmethod(budget_totals)
    export_formats = ("csv",)
    export_title = "Budgetlinjer"
    table_pagination = pagination(50)
    paginate_by = None  # django-tables2 paginates

    def dispatch(self, request, *args, **kwargs):
        self.cluster_year = get_cluster_year_or_404(request.user, kwargs["pk"])
        self.members = members_of(self.cluster_year)
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        return self.http_method_not_allowed(request, *args, **kwargs)

    def get_queryset(self):
        return (BudgetLine.objects.filter(cluster_year=self.cluster_year)
                .select_related("initiative__area", "municipality", "region"))

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs.update(cluster_year=self.cluster_year, members=self.members)
        return kwargs

    def get_table_kwargs(self):
        return {"may_edit": has_permission(self.request.user, "edit_accounts", self.cluster_year)}

    def get_export_filename(self, export_format):
        cy = self.cluster_year
        return f"budget-{cy.cluster.region.slug}-{cy.cluster.slug}-{cy.year}.{export_format}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(page_context(self.request, self.cluster_year))
        return context


budget_list = BudgetLineListView.as_view()
