"""A list's page of rows written in one pass, for the django-tables2 tables whose cells need no template.

django-tables2 resolves, inspects and renders each cell through a template (most of a list page's
time); the entry and budget lists have fixed columns, so their bodies are written here, cell by cell
as django-tables2 writes them (tests/accounts/test_lists.py compares the two). django-tables2 still
does the sorting, the header, the pagination and the download.
"""
from __future__ import annotations

import copy
from collections import OrderedDict
from collections.abc import Callable
from html import escape

from django.urls import reverse
from django.utils.encoding import force_str
from django.utils.html import conditional_escape
from django.utils.http import urlencode
from django.utils.safestring import mark_safe

# A cell writer: the record -> the cell's HTML (escaped), or None when the column's value is empty
# (django-tables2 then shows the column's ``default``, «—», without calling its ``render_*``).
CellWriter = Callable[[object], str | None]


def text_cell(value) -> str | None:
    """A plain value as django-tables2 shows it: escaped; None and "" are empty."""
    if value is None or value == "":
        return None
    return escape(str(value))


def choice_labels(model, field_name: str) -> dict:
    """A field's choices as value -> label, as ``get_<field>_display`` gives them (once, not once a cell)."""
    field = model._meta.get_field(field_name)
    return {value: force_str(label, strings_only=True) for value, label in field.flatchoices}


def display(labels: dict, value) -> str:
    """``get_<field>_display``: the label, or the value itself when it is no choice."""
    return str(labels.get(value, value))


class UrlOfRow:
    """``reverse(name, args=[parent, pk])`` for many rows: reversed once per parent, the row's pk put in.

    (The URL is escaped once, as ``format_html`` escapes it in the cell.)
    """

    _SENTINEL = 987654321987

    def __init__(self, name: str):
        self.name = name
        self._parts: dict = {}

    def __call__(self, parent, pk) -> str:
        parts = self._parts.get(parent)
        if parts is None:
            url = escape(reverse(self.name, args=[parent, self._SENTINEL]))
            head, _, tail = url.rpartition(str(self._SENTINEL))
            parts = self._parts[parent] = (head, tail)
        return f"{parts[0]}{pk}{parts[1]}"


class ColumnsCopiedShallow(OrderedDict):
    """A table's ``base_columns`` that ``Table.__init__``'s ``copy.deepcopy`` copies column by column.

    Each table still gets its own Column objects (``copy.copy``, with their ``attrs`` dicts copied two
    levels deep), which is what django-tables2 changes on them (``visible``, ``accessor``, attributes), instead of
    a deep copy of every column's labels, accessors and callables (a tenth of a list's view).
    """

    def __deepcopy__(self, memo):
        copied = OrderedDict()
        for name, column in self.items():
            column = copy.copy(column)
            column.attrs = {key: dict(value) if isinstance(value, dict) else value
                            for key, value in column.attrs.items()}
            copied[name] = column
        return copied


class OnePassBodyMixin:
    """For a ``tables.Table``: ``body_html()``, the page's rows from ``cell_writers()``, one per visible column.

    Each row is ``<tr {row_key}="<pk>" class="even|odd">`` (the table's ``row_attrs`` and django-tables2's
    classes) and each cell ``<td {the column's td attributes}>…</td>``. The template
    ``accounts/includes/one_pass_table.html`` puts it in django-tables2's bootstrap5 table.
    """

    row_key = ""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.base_columns = ColumnsCopiedShallow(cls.base_columns)

    def cell_writers(self) -> dict[str, CellWriter]:
        raise NotImplementedError

    def thead_html(self):
        """The header row as django-tables2's template writes it: each column's ``th`` attributes, and for a
        sortable column a link to this page's query with the column's next ordering (``querystring_replace``)."""
        params = dict(self.request.GET) if getattr(self, "request", None) is not None else {}
        key = self.prefixed_order_by_field
        cells = []
        for column in self.columns:
            header = conditional_escape(column.header)
            if column.orderable:
                query = escape("?" + urlencode({**params, key: column.order_by_alias.next}, doseq=True))
                header = f'<a href="{query}">{header}</a>'
            # (the template's line breaks around the content: a header's text keeps its surrounding space)
            cells.append(f'<th {column.attrs["th"].as_html()} scope="col">\n{header}\n</th>')
        return mark_safe(f'<thead {self.attrs["thead"].as_html()}><tr>{"".join(cells)}</tr></thead>')

    def body_html(self):
        writers = self.cell_writers()
        columns = []
        for column in self.columns:
            if column.name not in writers:
                raise KeyError(f"{type(self).__name__}.body_html kender ikke kolonnen {column.name}")
            columns.append((f"<td {column.attrs['td'].as_html()}>", writers[column.name],
                            str(conditional_escape(column.default))))
        rows = []
        for index, row in enumerate(self.page.object_list if hasattr(self, "page") else self.rows):
            record = row.record
            parts = [f'<tr {self.row_key}="{escape(str(record.pk))}" class="{"odd" if index % 2 else "even"}">']
            for td, write, default in columns:
                value = write(record)
                parts.append(f"{td}{default if value is None else value}</td>")
            parts.append("</tr>")
            rows.append("".join(parts))
        return mark_safe("\n".join(rows))
