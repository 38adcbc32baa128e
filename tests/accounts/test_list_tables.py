"""The lists' own rendering (issue 16) is Django's and django-tables2's, cell for cell and option for option:
the budget list's rows written in one pass, and the filter forms' widgets written without templates."""
from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.forms.renderers import get_default_renderer
from django.test import RequestFactory
from django.urls import reverse

from accounts.filters import BudgetLineFilter, EntryFilter
from accounts.filters_render import ONE_PASS_WIDGETS
from accounts.models import BudgetLine, Initiative
from accounts.tables import BudgetLineTable
from geography.selectors import cluster_municipalities
from tests import factories

pytestmark = pytest.mark.django_db


def normalized(html: str) -> str:
    """HTML with the whitespace between tags left out and other runs of whitespace as one space."""
    return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", html)).strip()


def tbody(html: str) -> str:
    return normalized(html.split("<tbody", 1)[1].split("</tbody>", 1)[0])


def as_django_tables2_renders(table, user, params=None) -> tuple[str, str]:
    request = RequestFactory().get("/", params or {})
    request.user = user
    ours = table.as_html(request)
    table.template_name = "django_tables2/bootstrap5.html"
    return ours, table.as_html(request)


@pytest.fixture
def budgeted(users, cy_a, initiative_a, aarhus_kommune):
    by = users["secretariat_a"]
    odd = factories.initiative(cy_a, by=by, name='Syntetisk <b>"indsats"</b> & co', area_name="De sårbare ældre",
                               responsible=Initiative.Responsible.REGION)
    factories.budget_line(cy_a, initiative_a, by=by, municipality=aarhus_kommune, amount=Decimal("100000.10"))
    factories.budget_line(cy_a, initiative_a, by=by, region=cy_a.cluster.region, amount=Decimal("0.20"))
    factories.budget_line(cy_a, odd, by=by, municipality=aarhus_kommune, amount=Decimal("1234567.05"), source="local")
    return cy_a


@pytest.mark.parametrize("who", ["secretariat_a", "ssu_a"])
def test_the_budget_tables_own_body_is_what_django_tables2_renders(budgeted, users, client_for, who):
    response = client_for(users[who]).get(reverse("accounts:budget_list", args=[budgeted.pk]), {"sort": "-amount"})
    ours, theirs = as_django_tables2_renders(response.context["table"], users[who])
    assert tbody(ours) == tbody(theirs)
    body = tbody(ours)
    assert body.count("<tr") == 3 and "1.234.567,05" in body and "0,20" in body and "Decentrale midler" in body
    assert "&lt;b&gt;&quot;indsats&quot;&lt;/b&gt; &amp; co" in body
    assert (">Ret</a>" in body) == (who == "secretariat_a")
    # The header with its sort links is written the same way; the pagination is django-tables2's own.
    assert normalized(ours.split("<tbody", 1)[0]) == normalized(theirs.split("<tbody", 1)[0])
    assert ours.split("</tbody>", 1)[1].strip() == theirs.split("</tbody>", 1)[1].strip()


def test_an_empty_budget_list_says_so(users, client_for, cy_a):
    html = client_for(users["ssu_a"]).get(reverse("accounts:budget_list", args=[cy_a.pk])).content.decode()
    assert "Ingen budgetlinjer." in tbody(html)


def test_a_table_without_pagination_writes_every_row(budgeted, users):
    table = BudgetLineTable(BudgetLine.objects.filter(cluster_year=budgeted).select_related(
        "initiative__area", "municipality", "region").order_by("pk"))
    assert table.body_html().count("<tr") == 3


@pytest.mark.parametrize(("filterset", "data"), [
    (EntryFilter, None),
    (EntryFilter, {"q": 'faktura "1" <b>', "kind": "expense", "cost_kind": "development", "date_from": "2022-02-01",
                   "date_to": "ikke en dato", "import_batch": "7", "account": "4.62"}),
    (EntryFilter, {"area": "999999", "party": "x:1", "kind": "ukendt"}),  # invalid choices: errors shown
    (BudgetLineFilter, None),
    (BudgetLineFilter, {"source": "local"}),
])
def test_the_filter_widgets_are_djangos_own(cy_a, initiative_a, area, aarhus_kommune, filterset, data):
    members = cluster_municipalities(cy_a.cluster, cy_a.year)
    if data is not None and filterset is BudgetLineFilter:
        data = {**data, "initiative": str(initiative_a.pk), "party": f"m:{aarhus_kommune.pk}", "area": str(area.pk)}
    if data is not None and "area" not in data:
        data = {**data, "area": str(area.pk), "initiative": str(initiative_a.pk)}
    form = filterset(data, cluster_year=cy_a, members=members, queryset=filterset._meta.model.objects.none()).form
    assert form.renderer is ONE_PASS_WIDGETS
    ours = [(str(field), str(field.errors)) for field in form]
    form.renderer = get_default_renderer()
    for field in form:
        field.renderer = form.renderer
    theirs = [(str(field), str(field.errors)) for field in form]
    assert ours == theirs
    assert sum(html.count("<option") for html, _ in ours) > 5
    if data and "date_to" in data:
        assert 'value="faktura &quot;1&quot; &lt;b&gt;"' in ours[0][0]
        assert any(errors for _, errors in ours)  # the invalid date's message, by the project's renderer


def test_the_entry_lists_filter_form_is_the_same_page(users, client_for, cy_a, initiative_a, aarhus_kommune):
    """The whole form as the page shows it, with the project's renderer and with ours."""
    url = reverse("accounts:entry_list", args=[cy_a.pk])
    client = client_for(users["secretariat_a"])

    def form_html(response):
        html = response.content.decode()
        start = html.index('<form method="get"')
        return html[start:html.index("</form>", start)]

    ours = form_html(client.get(url, {"party": f"m:{aarhus_kommune.pk}", "kind": "income"}))
    from accounts.filters_render import ListFilterForm

    ListFilterForm.default_renderer = None  # the project's renderer
    try:
        theirs = form_html(client.get(url, {"party": f"m:{aarhus_kommune.pk}", "kind": "income"}))
    finally:
        ListFilterForm.default_renderer = ONE_PASS_WIDGETS
    assert ours == theirs
    assert f'<option value="m:{aarhus_kommune.pk}" selected>' in ours


def test_the_downloads_read_every_row_in_a_constant_number_of_queries(users, client_for, cy_a, initiative_a,
                                                                      aarhus_kommune):
    """The lists read only some columns of the related rows: the download needs no query per row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    by = users["secretariat_a"]
    client = client_for(by)
    downloads = [(reverse("accounts:entry_list", args=[cy_a.pk]), "Syntetisk akutteam"),
                 (reverse("accounts:budget_list", args=[cy_a.pk]), "Syntetisk akutteam")]

    def counts():
        found = []
        for url, expected in downloads:
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url, {"_export": "csv"})
            assert expected in response.content.decode("utf-8-sig")
            found.append(len(queries))
        return found

    factories.entry(cy_a, initiative_a, by=by, municipality=aarhus_kommune, amount=Decimal("1.00"))
    factories.budget_line(cy_a, initiative_a, by=by, municipality=aarhus_kommune, amount=Decimal("1.00"))
    few = counts()
    other = factories.initiative(cy_a, by=by, name="Syntetisk anden indsats")
    for i in range(5):
        factories.entry(cy_a, other, by=by, municipality=aarhus_kommune, amount=Decimal(i + 2), voucher=f"V{i}")
    factories.budget_line(cy_a, other, by=by, region=cy_a.cluster.region, amount=Decimal("2.00"))
    assert counts() == few


def test_an_area_or_initiative_that_is_no_option_says_so_as_before(users, client_for, cy_a, initiative_a, area):
    """The area and initiative dropdowns are read as (key, name); a key that is no option is refused with the
    model choice field's own message, and the list shows nothing (django-filter's strict mode), as before."""
    from django.forms.models import ModelChoiceField

    client = client_for(users["secretariat_a"])
    url = reverse("accounts:entry_list", args=[cy_a.pk])
    message = str(ModelChoiceField.default_error_messages["invalid_choice"])
    for params in ({"area": "999999"}, {"initiative": "abc"}):
        html = client.get(url, params).content.decode()
        assert message.replace("'", "&#x27;") in html or message in html
    chosen = client.get(url, {"initiative": initiative_a.pk, "area": area.pk}).content.decode()
    assert f'<option value="{initiative_a.pk}" selected>{initiative_a.name}</option>' in chosen
    assert f'<option value="{area.pk}" selected>' in chosen


@pytest.mark.parametrize("params", [
    {},
    {"sort": "-amount", "page": "2"},
    {"sort": "created", "q": 'faktura "1" & <b>', "party": "m:1", "kind": "expense", "per_page": "7"},
    {"sort": "-kinds", "area": "3", "initiative": "x"},
])
def test_the_entry_tables_own_header_is_what_django_tables2_renders(users, client_for, cy_a, initiative_a,
                                                                    aarhus_kommune, params):
    """EntryTable.thead_html: each column's th attributes, sort links on this page's query (escaped)."""
    factories.entry(cy_a, initiative_a, by=users["secretariat_a"], municipality=aarhus_kommune, amount=Decimal("7.00"))
    response = client_for(users["secretariat_a"]).get(reverse("accounts:entry_list", args=[cy_a.pk]), params)
    table = response.context["table"]
    ours, theirs = as_django_tables2_renders(table, users["secretariat_a"], params)
    head = normalized(ours.split("<tbody", 1)[0])
    assert head == normalized(theirs.split("<tbody", 1)[0])
    assert head.count("<th ") == 11 and head.count("<a href=") == 9 and " Status " in head
    if "q" in params:
        assert "q=faktura+%221%22+%26+%3Cb%3E" in head and "?sort=-created&amp;" in head
