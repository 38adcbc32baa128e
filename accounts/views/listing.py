"""What the accounts' filtered lists share: the totals of what is filtered, and a paginator that knows the count."""
from __future__ import annotations

from functools import cached_property

from django_tables2.data import TableQuerysetData

from klyngeportal.pagination import PortalPaginator


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
