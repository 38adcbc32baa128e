"""The SSU's review page after a resubmission: what changed since the return (issue 13 part 7), and its totals."""
import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts import services
from accounts.selectors.changes import changes_since_return
from review.selectors import review_panel
from tests import factories
from tests.accounts.test_query_counts import fill
from tests.review.conftest import budget, funding, municipality_of


def page(client, cy) -> str:
    response = client.get(reverse("review:cluster_year", args=[cy.pk]))
    assert response.status_code == 200
    return response.content.decode()


def section(html: str) -> str:
    found = re.search(r'<section class="review-changes".*?</section>', html, re.S)
    return found.group(0) if found else ""


@pytest.fixture
def returned(world):
    """Aarhus 2022 with funding, a budget and two entries, submitted and sent back by the SSU."""
    sek, ssu, cy, init = world.users["secretariat_a"], world.users["ssu_a"], world.cy_a, world.init_a
    member = municipality_of(cy.cluster)
    funding(cy, "100000.00", municipality=member, by=sek)
    budget(cy, init, "50000.00", municipality=member, by=sek)
    before = [factories.entry(cy, init, by=sek, municipality=member, amount=Decimal(a), voucher=f"FOR-{i}",
                              text=f"Syntetisk før {i}") for i, a in enumerate(("1000.00", "2000.00"))]
    factories.transition(cy, "submit", by=sek)
    factories.transition(cy, "return", by=ssu, comment="Syntetisk: ret posteringen FOR-1")
    return cy, init, member, before


def test_nothing_before_a_return(world, client_for, django_assert_num_queries):
    factories.transition(world.cy_a, "submit", by=world.users["secretariat_a"])
    with django_assert_num_queries(1):
        changes = changes_since_return(world.cy_a)
    assert changes.returned is None
    html = page(client_for(world.users["ssu_a"]), world.cy_a)
    assert "Ændret siden returneringen" not in html


def test_only_what_was_recorded_after_the_return(world, returned):
    cy, init, member, before = returned
    sek = world.users["secretariat_a"]
    assert changes_since_return(cy).is_empty
    new = factories.entry(cy, init, by=sek, municipality=member, amount=Decimal("1234.56"), voucher="EFTER-1",
                          text="Syntetisk ny postering")
    income = factories.entry(cy, init, by=sek, municipality=member, amount=Decimal("100.00"), kind="income",
                             voucher="EFTER-2", text="Syntetisk indtægt", account_code="4.62.82")
    reversal = services.entry_reverse(entry=before[1], by=sek)
    services.budget_line_set(cluster_year=cy, by=sek, initiative=init, source="startup", party_kind="municipality",
                             municipality=member, amount=Decimal("60000.00"), reason="Syntetisk: flere timer")
    factories.commitment(cy, by=sek, municipality=member, amount=Decimal("5000.00"))
    factories.transition(cy, "submit", by=sek)

    changes = changes_since_return(cy)
    assert changes.returned.comment == "Syntetisk: ret posteringen FOR-1"
    assert [e.pk for e in changes.entries] == [reversal.pk, income.pk, new.pk]  # the latest first, none from before
    assert (changes.entry_count, changes.booked_count, changes.reversal_count) == (3, 2, 1)
    assert changes.expenses == Decimal("1234.56") - Decimal("2000.00")
    assert changes.income == Decimal("100.00")
    assert changes.net_spend == Decimal("-865.44")
    assert [(r.old_amount, r.new_amount, r.reason) for r in changes.revisions] == [
        (Decimal("50000.00"), Decimal("60000.00"), "Syntetisk: flere timer")]
    assert [(m.action, m.amount, m.party_label) for m in changes.commitments] == [
        ("Registreret", Decimal("5000.00"), member.name)]


def test_a_replaced_commitment_shows_both_versions(world, returned):
    cy, _, member, _ = returned
    sek = world.users["secretariat_a"]
    factories.commitment(cy, by=sek, municipality=member, amount=Decimal("3000.00"))
    services.commitment_record(cluster_year=cy, by=sek, party_kind="municipality", municipality=member,
                               amount=Decimal("4000.00"), committed_by="Syntetisk borgmester",
                               committed_on=datetime.date(2022, 12, 2), replace=True)
    changes = changes_since_return(cy)
    assert [(m.action, m.amount, m.committed_by, m.by) for m in changes.commitments] == [
        ("Erstattet", Decimal("4000.00"), "Syntetisk borgmester", sek),
        ("Registreret", Decimal("3000.00"), "Syntetisk kommunaldirektør", sek),
    ]


def test_a_second_return_starts_afresh(world, returned):
    cy, init, member, _ = returned
    sek, ssu = world.users["secretariat_a"], world.users["ssu_a"]
    factories.entry(cy, init, by=sek, municipality=member, amount=Decimal("10.00"), voucher="RUNDE-1")
    factories.transition(cy, "submit", by=sek)
    factories.transition(cy, "return", by=ssu, comment="Syntetisk anden retur")
    changes = changes_since_return(cy)
    assert changes.returned.comment == "Syntetisk anden retur"
    assert changes.is_empty and changes.entry_count == 0


def test_the_review_page_shows_the_changes_in_danish(world, returned, client_for):
    cy, init, member, before = returned
    sek = world.users["secretariat_a"]
    ssu = client_for(world.users["ssu_a"])
    assert "Intet er ændret siden returneringen." in section(page(ssu, cy))
    factories.entry(cy, init, by=sek, municipality=member, amount=Decimal("1234.56"), voucher="EFTER-1",
                    text="Syntetisk ny postering", booking_date=datetime.date(2022, 3, 5))
    services.entry_reverse(entry=before[0], by=sek)
    services.budget_line_set(cluster_year=cy, by=sek, initiative=init, source="startup", party_kind="municipality",
                             municipality=member, amount=Decimal("51234.56"), reason="Syntetisk revision")
    factories.commitment(cy, by=sek, municipality=member, amount=Decimal("2500.00"))
    factories.transition(cy, "submit", by=sek)

    html = section(page(ssu, cy))
    for heading in ("Ændret siden returneringen", "Posteringer", "Budgetrevisioner", "Tilsagn om videreførelse",
                    "<th>Registreret</th>", "<th>Bogføringsdato</th>", '<th class="num">Før</th>',
                    '<th class="num">Efter</th>', "<th>Begrundelse</th>", "<th>Tilsagn givet af</th>"):
        assert heading in html
    assert "1 bogført, 1 tilbageført" in html
    assert "1.234,56" in html and "-1.000,00" in html  # the new entry, the reversal of FOR-0
    assert "05.03.2022" in html  # booking date dd.mm.åååå
    assert "50.000,00" in html and "51.234,56" in html and "Syntetisk revision" in html
    assert "2.500,00" in html and "01.12.2022" in html
    assert "Syntetisk før 1" not in html  # booked before the return
    assert re.search(r"Sendt retur \d{2}\.\d{2}\.\d{4} \d{2}:\d{2}", html)


def test_the_review_page_shows_the_totals(world, returned, client_for):
    cy, _, _, _ = returned
    html = page(client_for(world.users["ssu_a"]), cy)
    totals = re.search(r'<section class="review-totals".*?</section>', html, re.S).group(0)
    for label in ("Indbetalt finansiering", "Oprindeligt budget", "Korrigeret budget", "Forbrug", "Uforbrugt"):
        assert label in totals
    assert 'data-total="paid">100.000,00<' in totals
    assert 'data-total="budget">50.000,00<' in totals
    assert 'data-total="spend">3.000,00<' in totals
    assert 'data-total="unspent">97.000,00<' in totals
    # and the warnings and the revised budget table are on the same page, not behind a link
    assert "Advarsler" in html and "Pr. indsats" in html


# One query without a return; with one: the return, the entries' totals, the latest entries, the revisions and
# the commitments' history, whatever the number of entries (accounts.selectors.changes); without an entry since the
# return no list of entries is read.
CHANGES_QUERIES = 5


def test_nothing_booked_since_the_return_lists_no_entries(world, returned, django_assert_num_queries):
    cy, *_ = returned
    with django_assert_num_queries(CHANGES_QUERIES - 1):  # the totals count no entry: no list to read
        changes = changes_since_return(cy)
    assert changes.returned is not None and changes.entry_count == 0 and changes.entries == []


@pytest.mark.parametrize("n", [10, 1000])
def test_changes_query_count_is_pinned(world, returned, django_assert_num_queries, client_for, n):
    cy, init, member, _ = returned
    sek = world.users["secretariat_a"]
    fill(cy, sek, [init], [member], n)
    factories.transition(cy, "submit", by=sek)
    with django_assert_num_queries(CHANGES_QUERIES):
        changes = changes_since_return(cy)
    assert changes.entry_count == n + 1 and changes.reversal_count == 1
    assert len(changes.entries) == min(n + 1, 50)
    html = section(page(client_for(world.users["ssu_a"]), cy))
    assert ("De seneste 50 vises" in html) == (n + 1 > 50)


# The SSU's review page after a return and a resubmission: the panel page's pin (tests/review/
# test_panel_and_comments.py, for the secretariat, whose page header also reads its cluster) less one, with the
# entries booked since the return listed (+1), whatever the number of entries since the return (the return
# itself is found among the panel's status changes: changes_since_return reads four of its five queries).
SSU_PAGE_QUERIES = 19


@pytest.mark.parametrize("n", [10, 1000])
def test_review_page_query_count_is_pinned_after_a_return(world, returned, client_for, django_assert_num_queries, n):
    cy, init, member, _ = returned
    sek = world.users["secretariat_a"]
    fill(cy, sek, [init], [member], n)
    factories.transition(cy, "submit", by=sek)
    client = client_for(world.users["ssu_a"])
    client.get(reverse("review:cluster_year", args=[cy.pk]))  # the session
    with django_assert_num_queries(SSU_PAGE_QUERIES):
        html = page(client, cy)
    assert html.count('<tr data-entry=') == min(n + 1, 50)


def test_the_return_found_among_the_panels_status_changes(world, returned, django_assert_num_queries):
    cy, init, member, _ = returned
    sek = world.users["secretariat_a"]
    factories.entry(cy, init, by=sek, municipality=member, amount=Decimal("10.00"), text="Syntetisk efter")
    factories.transition(cy, "submit", by=sek)
    factories.transition(cy, "return", by=world.users["ssu_a"], comment="Syntetisk: anden gang")
    factories.entry(cy, init, by=sek, municipality=member, amount=Decimal("20.00"), text="Syntetisk sidst")
    alone = changes_since_return(cy)
    status_changes = review_panel(cluster_year=cy, user=world.users["ssu_a"]).changes
    with django_assert_num_queries(CHANGES_QUERIES - 1):  # the return is among them
        given = changes_since_return(cy, status_changes=status_changes)
    assert given.returned == alone.returned and given.returned.comment == "Syntetisk: anden gang"
    assert [e.pk for e in given.entries] == [e.pk for e in alone.entries] and given.net_spend == Decimal("20.00")
