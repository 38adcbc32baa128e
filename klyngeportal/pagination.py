"""Pagination of the portal's tables: the page size a request may ask for is kept within bounds.

django-tables2 (``RequestConfig``, and ``SingleTableMixin`` through it) takes ``?per_page=`` from the
request as the page size. Below 1 the paginator raises EmptyPage inside django-tables2's own handling
of it (a 500); a huge one renders every row. Every table is paginated through ``pagination``.
"""
from __future__ import annotations

from django.core.paginator import Paginator

MAX_PER_PAGE = 200


class PortalPaginator(Paginator):
    """Django's paginator with the page size kept between 1 and MAX_PER_PAGE."""

    def __init__(self, object_list, per_page, *args, **kwargs):
        super().__init__(object_list, min(max(int(per_page), 1), MAX_PER_PAGE), *args, **kwargs)


def pagination(per_page: int) -> dict:
    """``paginate`` for RequestConfig and ``table_pagination`` for SingleTableMixin: the page size and the paginator."""
    return {"per_page": per_page, "paginator_class": PortalPaginator}
