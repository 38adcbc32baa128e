"""What the accounts' filtered lists share: one cluster-year, the totals of what is filtered, a paginator that knows the count."""
from __future__ import annotations

from functools import cached_property

from django_tables2.data import TableQuerysetData

from accounts.views.common import members_of, page_context
from klyngeportal.pagination import PortalPaginator
from users.access import get_cluster_year_or_404, has_permission


class PageFirstData(TableQuerysetData):
    """A table's queryset whose page is chosen on the bare rows, then joined: a «deferred join».

    The page's slice picks the primary keys from the filtered, sorted rows without the list's joins
    and annotations (only what the sort needs), and the same queryset is then read for those keys: the
    database sorts narrow rows, and joins and annotates one page, not every entry of the year. Still one
    query (the keys are a subquery).
    """

    def __getitem__(self, key):
        if isinstance(key, slice):
            page_keys = self.data.values("pk")[key]
            return self.data.filter(pk__in=page_keys)
        return super().__getitem__(key)


class CountedPaginator(PortalPaginator):
    """The portal's paginator, told the number of rows (the totals query counted them): no COUNT query."""

    def __init__(self, object_list, per_page, *args, count: int | None = None, **kwargs):
        super().__init__(object_list, per_page, *args, **kwargs)
        if count is not None:
            self.__dict__["count"] = count  # Paginator.count is a cached_property


class FilteredTotalsMixin:
    """For a ``SingleTableMixin`` + ``FilterView``: ``filtered_totals`` of ``object_list`` (the filtered rows).

    ``totals_of`` is a selector of ``accounts.selectors.lists`` (as a ``staticmethod``); its count feeds
    the paginator.
    """

    totals_of = None

    @cached_property
    def filtered_totals(self):
        return self.totals_of(self.object_list)

    def get_table_pagination(self, table):
        paginate = super().get_table_pagination(table)
        if paginate is False:
            return paginate
        return {**(paginate if isinstance(paginate, dict) else {}), "paginator_class": CountedPaginator,
                "count": self.filtered_totals.count}

    def get_context_data(self, **kwargs):
        return super().get_context_data(filtered_totals=self.filtered_totals, **kwargs)


class ClusterYearListMixin:
    """A filtered, downloadable table of one cluster-year (``pk``), for whoever sees its accounts.

    GET only (the filters are a GET form); the filter gets the cluster-year and its members, the table
    whether the user may edit, the download a file name ``<export_prefix>-<region>-<cluster>-<year>``.
    """

    export_prefix = ""

    def dispatch(self, request, *args, **kwargs):
        self.cluster_year = get_cluster_year_or_404(request.user, kwargs["pk"])
        self.members = members_of(self.cluster_year)
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        return self.http_method_not_allowed(request, *args, **kwargs)

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs.update(cluster_year=self.cluster_year, members=self.members)
        return kwargs

    def get_table_kwargs(self):
        return {"may_edit": has_permission(self.request.user, "edit_accounts", self.cluster_year)}

    def get_export_filename(self, export_format):
        cy = self.cluster_year
        return f"{self.export_prefix}-{cy.cluster.region.slug}-{cy.cluster.slug}-{cy.year}.{export_format}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(page_context(self.request, self.cluster_year))
        return context
