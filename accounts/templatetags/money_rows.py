"""The rows of the money tables with many rows (per initiative: 50 and more), written in Python.

Django's template engine resolves, filters and escapes each cell on its own (about 0.1 ms a row of
nine cells: most of the cluster-year page's rendering); these tags write the same cells, character
for character, with ``klyngeportal.formats`` for the Danish numbers. The tables' heads and totals stay
in the templates (``accounts/includes/money_table.html``, ``review/includes/budget_figures.html``).
"""
from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from accounts.parties import JOINT_KEY
from klyngeportal.formats import format_number, format_percent

register = template.Library()

PK = object()  # where the row's pk goes in ``pk_urls``
_PLACE = "918273645"


def pk_urls(view_name: str, *args):
    """``reverse(view_name, args=...)`` for many rows with one reverse in all (each takes about 20 µs; the
    initiatives' table has 50 rows and more): ``args`` has ``PK`` where each row's pk goes. Escaped."""
    url = reverse(view_name, args=[int(_PLACE) if arg is PK else arg for arg in args])
    head, place, tail = url.partition(_PLACE)
    assert place and _PLACE not in tail, url
    head, tail = conditional_escape(head), conditional_escape(tail)
    return lambda pk: f"{head}{int(pk)}{tail}"


def _over(row) -> str:
    return ' class="over"' if row.remaining < 0 else ""


def _status_badge(row) -> str:
    """The initiative's status after its name, as ``{{ row.obj.get_status_display }}`` showed it."""
    display = getattr(row.obj, "get_status_display", None)
    label = display() if display is not None else ""
    return f' <span class="badge">{conditional_escape(label)}</span>' if label else ""


@register.simple_tag(takes_context=True)
def money_table_rows(context, rows, *, show_group=False, link_initiatives=False, empty=""):
    """The ``<tbody>`` rows of ``accounts/includes/money_table.html``: original and revised budget,
    expenses, income, net spend, rest and share spent, per row (a MoneyRow)."""
    if not rows:
        return mark_safe(f'\n    <tr><td colspan="9" class="help">{conditional_escape(empty)}</td></tr>\n  ')
    perms = context.get("perms_for_user") or {}
    link = bool(link_initiatives and perms.get("edit_accounts"))
    edit_url = pk_urls("accounts:initiative_edit", context.get("cluster_year").pk, PK) if link else None
    out = []
    for row in rows:
        label = conditional_escape(row.label)
        if link:
            label = f'<a href="{edit_url(row.obj.pk)}">{label}</a>'
        badge = _status_badge(row) if link_initiatives else ""
        group = f"<td>{conditional_escape(row.group)}</td>" if show_group else ""
        spend, remaining, ratio = row.spend, row.remaining, row.spend_ratio
        out.append(
            f'\n    <tr data-key="{conditional_escape(row.key)}"{_over(row)}>'
            f'\n      <th scope="row">{label}{badge}</th>'
            f"\n      {group}"
            f'\n      <td class="num" data-original="{row.original}">{format_number(row.original, 2)}</td>'
            f'\n      <td class="num{" diff" if row.revision else ""}" data-revised="{row.budget}">'
            f"{format_number(row.budget, 2)}</td>"
            f'\n      <td class="num">{format_number(row.expenses, 2)}</td>'
            f'\n      <td class="num">{format_number(row.income, 2)}</td>'
            f'\n      <td class="num" data-spend="{spend}">{format_number(spend, 2)}</td>'
            f'\n      <td class="num">{format_number(remaining, 2)}</td>'
            f'\n      <td class="num">{format_percent(ratio) if ratio is not None else "–"}</td>'
            "\n    </tr>\n  "
        )
    return mark_safe("".join(out))


@register.simple_tag
def review_money_rows(rows):
    """The ``<tbody>`` rows of ``review/includes/budget_figures.html``: original and revised budget, spend and
    rest per row; the municipalities' joint line is left out."""
    out = [
        f'\n    <tr data-key="{conditional_escape(row.key)}"{_over(row)}><th scope="row">{conditional_escape(row.label)}'
        f'</th><td class="num">{format_number(row.original, 2)}</td><td class="num{" diff" if row.revision else ""}">'
        f'{format_number(row.budget, 2)}</td><td class="num">{format_number(row.spend, 2)}</td>'
        f'<td class="num">{format_number(row.remaining, 2)}</td></tr>\n  '
        for row in rows if row.key != JOINT_KEY
    ]
    if not rows:
        out.append('\n    <tr><td colspan="5" class="help">Ingen.</td></tr>\n  ')
    return mark_safe("".join(out))
