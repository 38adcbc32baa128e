"""Lists as officials use them (issue 13, part 6): totals of what is filtered, free-text search, the budget
list, and the duplicate warning on a hand-typed entry."""
from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts import services
from accounts.models import BudgetLine, Entry, Initiative
from accounts.selectors.duplicates import standing_duplicate
from accounts.selectors.lists import budget_totals, entry_totals
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def booked(users, cy_a, initiative_a, aarhus_kommune):
    """Three expenses, one income and a reversed expense (with its reversal) in Aarhusklyngen 2022."""
    by = users["secretariat_a"]
    make = lambda amount, **fields: factories.entry(  # noqa: E731
        cy_a, initiative_a, by=by, municipality=aarhus_kommune, amount=Decimal(amount), **fields)
    make("0.10", text="Syntetisk faktura husleje", voucher="FAK-1")
    make("0.20", text="Syntetisk løn", voucher="LØN-7")
    make("1000000.33", text="Syntetisk konsulent", voucher="FAK-2", cost_kind="secretariat")
    make("0.05", kind="income", text="Syntetisk refusion", voucher="REF-1")
    wrong = make("999.99", text="Syntetisk faktura fejlpostering", voucher="FAK-3")
    services.entry_reverse(entry=wrong, by=by)
    return cy_a


def totals_on_page(response) -> dict[str, str]:
    html = response.content.decode()
    found = {}
    for key in ("expenses", "income", "net", "budget", "count"):
        marker = f'data-total="{key}">'
        if marker in html:
            found[key] = html.split(marker, 1)[1].split("<", 1)[0]
    return found


# --- totals of what is filtered --------------------------------------------------------------

def test_entry_totals_are_exact_decimals_and_count_reversals(booked):
    totals = entry_totals(Entry.objects.filter(cluster_year=booked))
    # 0,10 + 0,20 + 1.000.000,33 + 999,99 − 999,99 (the reversal): exact to the øre on every database
    assert totals.expenses == Decimal("1000000.63")
    assert totals.income == Decimal("0.05")
    assert totals.spend == Decimal("1000000.58")
    assert totals.count == 6
    assert isinstance(totals.spend, Decimal)


def test_entry_list_shows_totals_of_the_filter_not_of_the_page(booked, users, client_for):
    client = client_for(users["ssu_a"])
    url = reverse("accounts:entry_list", args=[booked.pk])
    everything = totals_on_page(client.get(url))
    assert everything == {"expenses": "1.000.000,63 kr.", "income": "0,05 kr.", "net": "1.000.000,58 kr.",
                          "count": "6 posteringer"}
    secretariat = totals_on_page(client.get(url, {"cost_kind": "secretariat"}))
    assert secretariat == {"expenses": "1.000.000,33 kr.", "income": "0,00 kr.", "net": "1.000.000,33 kr.",
                           "count": "1 postering"}
    # one row per page: the totals are still those of all six filtered entries
    paged = client.get(url, {"per_page": 1, "page": 2})
    assert totals_on_page(paged)["net"] == "1.000.000,58 kr."
    assert paged.context["table"].paginator.count == 6
    assert len(paged.context["table"].page.object_list) == 1


def test_entry_list_totals_follow_the_free_text_search(booked, users, client_for):
    client = client_for(users["secretariat_a"])
    url = reverse("accounts:entry_list", args=[booked.pk])
    response = client.get(url, {"q": "faktura"})  # the text of 0,10 and the reversed 999,99 and its reversal
    assert totals_on_page(response) == {"expenses": "0,10 kr.", "income": "0,00 kr.", "net": "0,10 kr.",
                                        "count": "3 posteringer"}
    vouchers = {row.record.voucher for row in response.context["table"].page}
    assert vouchers == {"FAK-1", "FAK-3"}


@pytest.mark.parametrize(("q", "vouchers"), [
    ("FAK", {"FAK-1", "FAK-2", "FAK-3"}),  # the voucher, case ignored
    ("husleje", {"FAK-1"}),  # the text
    ("REFUSION", {"REF-1"}),
    ("fak konsulent", {"FAK-2"}),  # every word, in the text or the voucher
    ("   ", {"FAK-1", "FAK-2", "FAK-3", "LØN-7", "REF-1"}),  # no words: no filter
    ("findes-ikke", set()),
])
def test_free_text_search_over_text_and_voucher(booked, users, client_for, q, vouchers):
    response = client_for(users["ssu_a"]).get(reverse("accounts:entry_list", args=[booked.pk]), {"q": q})
    assert response.status_code == 200
    assert {row.record.voucher for row in response.context["table"].page} == vouchers


def test_search_does_not_reach_another_cluster(booked, users, client_for, cy_b, initiative_b):
    factories.entry(cy_b, initiative_b, by=users["secretariat_b"], municipality=factories.member_municipality(cy_b.cluster),
                    amount=Decimal("5.00"), text="Syntetisk faktura i Randers", voucher="FAK-B")
    client = client_for(users["ssu_a"])
    response = client.get(reverse("accounts:entry_list", args=[booked.pk]), {"q": "Randers"})
    assert response.context["table"].paginator.count == 0
    assert totals_on_page(response)["net"] == "0,00 kr."
    other = client.get(reverse("accounts:entry_list", args=[cy_b.pk]), {"q": "Randers"})
    assert totals_on_page(other)["net"] == "5,00 kr."  # the same region's SSU sees B's own list


def test_entry_list_csv_is_the_filtered_list_with_its_own_columns(booked, users, client_for):
    response = client_for(users["ssu_a"]).get(reverse("accounts:entry_list", args=[booked.pk]),
                                              {"q": "konsulent", "_export": "csv"})
    text = response.content.decode("utf-8-sig")
    header, *rows = [line for line in text.splitlines() if line]
    assert "Område" in header and "Oprettet af" in header  # shown merged on the page, apart in the file
    assert len(rows) == 1 and "1000000,33" in rows[0]


# --- the budget list ---------------------------------------------------------------------------

@pytest.fixture
def budgeted(users, cy_a, initiative_a, aarhus_kommune):
    by = users["secretariat_a"]
    other_area = factories.initiative(cy_a, by=by, name="Syntetisk rehabilitering", area_name="De sårbare ældre",
                                      responsible=Initiative.Responsible.REGION)
    region = cy_a.cluster.region
    factories.budget_line(cy_a, initiative_a, by=by, municipality=aarhus_kommune, amount=Decimal("100000.10"))
    factories.budget_line(cy_a, initiative_a, by=by, region=region, amount=Decimal("0.20"))
    factories.budget_line(cy_a, initiative_a, by=by, municipality=aarhus_kommune, amount=Decimal("5000.00"),
                          source="local")
    factories.budget_line(cy_a, other_area, by=by, municipality=aarhus_kommune, amount=Decimal("2500.05"))
    return cy_a, other_area


def test_budget_list_shows_totals_of_the_filter(budgeted, users, client_for, initiative_a, aarhus_kommune):
    cy, other = budgeted
    client = client_for(users["national"])
    url = reverse("accounts:budget_list", args=[cy.pk])
    assert totals_on_page(client.get(url)) == {"budget": "107.500,35 kr.", "count": "4 budgetlinjer"}
    assert totals_on_page(client.get(url, {"initiative": initiative_a.pk}))["budget"] == "105.000,30 kr."
    assert totals_on_page(client.get(url, {"area": other.area_id}))["budget"] == "2.500,05 kr."
    assert totals_on_page(client.get(url, {"source": "local"}))["budget"] == "5.000,00 kr."
    assert totals_on_page(client.get(url, {"party": f"r:{cy.cluster.region_id}"}))["budget"] == "0,20 kr."
    both = client.get(url, {"party": f"m:{aarhus_kommune.pk}", "source": "startup"})
    assert totals_on_page(both) == {"budget": "102.500,15 kr.", "count": "2 budgetlinjer"}
    assert totals_on_page(client.get(url, {"party": "x:1"})) == {"budget": "0,00 kr.", "count": "0 budgetlinjer"}


def test_budget_list_sorts_paginates_and_downloads(budgeted, users, client_for):
    cy, _ = budgeted
    client = client_for(users["ssu_a"])
    url = reverse("accounts:budget_list", args=[cy.pk])
    response = client.get(url, {"sort": "-amount", "per_page": 2})
    amounts = [row.record.amount for row in response.context["table"].page]
    assert amounts == [Decimal("100000.10"), Decimal("5000.00")]
    assert response.context["table"].paginator.num_pages == 2
    assert totals_on_page(response)["budget"] == "107.500,35 kr."  # all pages
    assert ">Ret</a>" not in response.content.decode()  # the SSU edits nothing
    csv = client.get(url, {"source": "local", "_export": "csv"}).content.decode("utf-8-sig")
    lines = [line for line in csv.splitlines() if line]
    assert len(lines) == 2 and lines[0].startswith("Indsats;Område;Kilde;Part;Budget")
    assert "5000,00" in lines[1] and "Syntetisk akutteam" in lines[1]


def test_budget_list_offers_edit_to_the_secretariat(budgeted, users, client_for):
    cy, _ = budgeted
    html = client_for(users["secretariat_a"]).get(reverse("accounts:budget_list", args=[cy.pk])).content.decode()
    assert html.count(">Ret</a>") == 4


def test_budget_totals_selector_is_one_query(budgeted, django_assert_num_queries):
    cy, _ = budgeted
    from accounts.models import BudgetLine

    with django_assert_num_queries(1):
        totals = budget_totals(BudgetLine.objects.filter(cluster_year=cy, source="startup"))
    assert totals.budget == Decimal("102500.35") and totals.count == 3


# --- a hand-typed entry identical to a booked one ---------------------------------------------------

def entry_post(initiative, municipality, **overrides) -> dict:
    data = {"initiative": initiative.pk, "party": f"m:{municipality.pk}", "booking_date": "2022-03-15",
            "kind": "expense", "amount": "1.234,50", "account_code": factories.MUNICIPAL_ACCOUNT, "voucher": "SYN-1",
            "text": "Syntetisk postering", "cost_kind": "development", "confirm": "on"}
    data.update(overrides)
    return data


def test_a_typed_duplicate_needs_confirmation_then_books(users, client_for, cy_a, initiative_a, aarhus_kommune):
    first = factories.entry(cy_a, initiative_a, by=users["secretariat_a"], municipality=aarhus_kommune,
                            amount=Decimal("1234.50"))
    client = client_for(users["secretariat_a"])
    url = reverse("accounts:entry_create", args=[cy_a.pk])
    # the same fields, the texts with spaces around them: the import's rule strips them
    response = client.post(url, entry_post(initiative_a, aarhus_kommune, text="  Syntetisk postering ", voucher="SYN-1 "))
    assert response.status_code == 200
    html = response.content.decode()
    assert "ser ud til at være bogført allerede" in html
    assert 'type="checkbox" name="confirm_duplicate"' in html
    assert response.context["form"].duplicate_of == first.pk
    assert Entry.objects.filter(cluster_year=cy_a).count() == 1

    response = client.post(url, entry_post(initiative_a, aarhus_kommune, confirm_duplicate="on"))
    assert response.status_code == 302
    assert Entry.objects.filter(cluster_year=cy_a).count() == 2


@pytest.mark.parametrize("change", [
    {"amount": "1.234,51"},  # one øre more
    {"booking_date": "2022-03-16"},
    {"kind": "income"},
    {"voucher": "SYN-2"},
    {"text": "Syntetisk postering 2"},
    {"account_code": "4.62.82.1.02"},
    {"cost_kind": "running"},
])
def test_an_entry_that_differs_in_one_field_is_no_duplicate(users, client_for, cy_a, initiative_a, aarhus_kommune,
                                                            change):
    factories.entry(cy_a, initiative_a, by=users["secretariat_a"], municipality=aarhus_kommune,
                    amount=Decimal("1234.50"))
    response = client_for(users["secretariat_a"]).post(reverse("accounts:entry_create", args=[cy_a.pk]),
                                                       entry_post(initiative_a, aarhus_kommune, **change))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Entry.objects.filter(cluster_year=cy_a).count() == 2


def test_a_reversed_entry_is_not_booked_so_no_warning(users, client_for, cy_a, initiative_a, aarhus_kommune):
    first = factories.entry(cy_a, initiative_a, by=users["secretariat_a"], municipality=aarhus_kommune,
                            amount=Decimal("1234.50"))
    services.entry_reverse(entry=first, by=users["secretariat_a"])
    response = client_for(users["secretariat_a"]).post(reverse("accounts:entry_create", args=[cy_a.pk]),
                                                       entry_post(initiative_a, aarhus_kommune))
    assert response.status_code == 302  # the right entry after a reversal repeats the reversed one's fields
    assert Entry.objects.filter(cluster_year=cy_a).count() == 3


def test_another_party_or_cluster_year_is_no_duplicate(users, cy_a, cy_b, initiative_a, aarhus_kommune):
    entry = factories.entry(cy_a, initiative_a, by=users["secretariat_a"], municipality=aarhus_kommune,
                            amount=Decimal("1234.50"))
    fields = {"initiative": initiative_a, "party_kind": "municipality", "municipality": aarhus_kommune,
              "booking_date": datetime.date(2022, 3, 15), "kind": "expense", "amount": Decimal("1234.5"),
              "account_code": factories.MUNICIPAL_ACCOUNT, "voucher": "SYN-1", "text": "Syntetisk postering",
              "cost_kind": "development"}
    assert standing_duplicate(cy_a, **fields) == entry.pk
    assert standing_duplicate(cy_b, **fields) is None
    region = cy_a.cluster.region
    assert standing_duplicate(cy_a, **{**fields, "party_kind": "region", "municipality": None, "region": region}) is None


def test_the_form_and_the_import_share_one_key():
    """The import's duplicate key is the accounts' one (workbook reads it from accounts.selectors.duplicates)."""
    from accounts.selectors import duplicates
    from workbook import entries_read

    assert entries_read.entry_key is duplicates.entry_key


@pytest.mark.parametrize(("sort", "page", "expected"), [
    ("-amount", 1, ["1000000.33", "999.99"]),
    ("-amount", 2, ["0.20", "0.10"]),
    ("amount", 1, ["-999.99", "0.05"]),
    ("amount", 3, ["999.99", "1000000.33"]),
])
def test_a_page_is_chosen_on_the_sorted_rows_then_read_whole(booked, users, client_for, sort, page, expected):
    """The page's keys come from the sorted, filtered rows (a subquery), the page itself is read with its joins."""
    response = client_for(users["ssu_a"]).get(reverse("accounts:entry_list", args=[booked.pk]),
                                              {"sort": sort, "per_page": 2, "page": page})
    rows = list(response.context["table"].page)
    assert [str(row.record.amount) for row in rows] == expected
    assert all(row.record.area_name for row in rows)  # read in the same query, no query per row (pinned elsewhere)


def test_the_entry_tables_own_body_is_what_django_tables2_renders(booked, users, client_for, initiative_a,
                                                                 aarhus_kommune):
    """EntryTable.body_html writes the cells itself (speed); they are django-tables2's own, cell for cell."""
    import re

    from django.test import RequestFactory

    factories.entry(booked, initiative_a, by=users["secretariat_a"], municipality=aarhus_kommune,
                    amount=Decimal("7.00"), voucher="", text="<b>Syntetisk</b> & co")  # empty and escaped cells

    response = client_for(users["secretariat_a"]).get(reverse("accounts:entry_list", args=[booked.pk]),
                                                       {"sort": "amount"})
    table = response.context["table"]
    request = RequestFactory().get("/")
    request.user = users["secretariat_a"]

    def tbody(html: str) -> str:
        body = html.split("<tbody", 1)[1].split("</tbody>", 1)[0]
        return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", body)).strip()

    ours = tbody(table.as_html(request))
    table.template_name = "django_tables2/bootstrap5.html"
    theirs = tbody(table.as_html(request))
    assert ours == theirs
    assert ours.count("<tr") == 7 and "Tilbagefør</a>" in ours and "—" in ours and "&lt;b&gt;" in ours


ENTRY_SORTS = ["booking_date", "initiative", "area", "party", "kind", "cost_kind", "kinds", "amount", "account_code",
               "voucher", "text", "created_by", "created_at", "created"]


def ids_on_pages(client, url: str, sort: str, pages: int = 3) -> list[int]:
    """The ids of the rows on pages 1..pages of two rows each, in the order shown."""
    seen = []
    for page in range(1, pages + 1):
        response = client.get(url, {"sort": sort, "per_page": 2, "page": page})
        seen += [row.record.pk for row in response.context["table"].page]
    return seen


@pytest.mark.parametrize("sort", [*ENTRY_SORTS, *(f"-{name}" for name in ENTRY_SORTS)])
def test_paging_through_a_sorted_entry_list_shows_each_entry_once(booked, users, client_for, sort):
    """Rows that tie on the sorted column (here: one date, one initiative, one party, one booker for all six)
    are ordered by id after it, so that the pages neither repeat nor skip a row."""
    seen = ids_on_pages(client_for(users["ssu_a"]), reverse("accounts:entry_list", args=[booked.pk]), sort)
    assert sorted(seen) == sorted(Entry.objects.filter(cluster_year=booked).values_list("pk", flat=True)) and len(seen) == 6
    if sort.lstrip("-") in ("booking_date", "initiative", "party", "created_by"):  # all six tie
        assert seen == sorted(seen, reverse=sort.startswith("-"))


@pytest.mark.parametrize("sort", ["initiative", "-initiative", "source", "party", "-party", "amount"])
def test_paging_through_a_sorted_budget_list_shows_each_line_once(users, client_for, cy_a, initiative_a,
                                                                   aarhus_kommune, sort):
    by = users["secretariat_a"]
    others = [factories.initiative(cy_a, by=by, name=f"Syntetisk indsats {n}") for n in range(2)]
    for initiative in (initiative_a, *others):
        for source in ("startup", "local"):
            factories.budget_line(cy_a, initiative, by=by, municipality=aarhus_kommune, amount=Decimal("10.00"),
                                  source=source)
    seen = ids_on_pages(client_for(users["ssu_a"]), reverse("accounts:budget_list", args=[cy_a.pk]), sort)
    assert sorted(seen) == sorted(BudgetLine.objects.filter(cluster_year=cy_a).values_list("pk", flat=True))
    assert len(seen) == 6
