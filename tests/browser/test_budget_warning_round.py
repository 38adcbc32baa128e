"""The warning round in a real Chromium (issue 13 parts 1, 2 and 7).

The secretariat types an entry that overruns an initiative's budget under «Advar», meets the warning,
confirms, sees the warning on the cluster-year page and submits; the SSU sees the same warnings counted on
its region page and listed on its review page, and returns the accounts; the secretariat books a new entry
and submits again; the SSU's review page shows it under «Ændret siden returneringen». All data synthetic.
"""
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import Entry
from tests import factories
from tests.browser.test_accessibility import AXE, HEADING_PROBLEMS, axe_violations
from users.models import Role

pytestmark = pytest.mark.browser

LARGE = "En enkelt postering på 9.000,00 kr. er over 25,00 % af finansieringen 10.000,00 kr."
OVERSPENT = "Merforbrug på Akutområdet: forbrug 9.000 kr. mod budget 8.000 kr."
RETURN_COMMENT = "Syntetisk: merforbruget skal forklares, og bilaget mangler."


def type_entry(page, cy, init, party: str, amount: str, text: str, booking_date: str):
    page.goto(f"/regnskab/{cy.pk}/posteringer/ny/")
    page.select_option("#id_initiative", str(init.pk))
    page.select_option("#id_party", party)
    page.fill("#id_booking_date", booking_date)
    page.select_option("#id_kind", "expense")
    page.fill("#id_amount", amount)
    page.fill("#id_account_code", factories.MUNICIPAL_ACCOUNT)
    page.fill("#id_text", text)
    page.select_option("#id_cost_kind", "development")
    page.click("button[name=save]")
    page.wait_for_load_state()


def press(page, action: str, comment: str = ""):
    if comment:
        page.fill(f"#review-comment-{action}", comment)
    page.click(f"button[data-action={action}]")
    page.wait_for_load_state()


def test_warning_round_from_advar_to_the_changes_since_the_return(page, login, shot, make_user, aarhus):
    from geography.models import Municipality

    sek = make_user(Role.SECRETARIAT, cluster=aarhus, username="sek_runde")
    make_user(Role.SSU, region=aarhus.region, username="ssu_runde")
    aarhus_m = Municipality.objects.get(code=751)
    cy = factories.cluster_year(aarhus, 2022)
    init = factories.initiative(cy, by=sek, name="Syntetisk akutteam")
    factories.funding_line(cy, by=sek, municipality=aarhus_m, paid=Decimal("10000.00"))
    factories.budget_line(cy, init, by=sek, municipality=aarhus_m, amount=Decimal("8000.00"))
    party = f"m:{aarhus_m.pk}"
    review_url = reverse("review:cluster_year", args=[cy.pk])

    # 1. «Advar»: the overrun is asked about, booked only once confirmed, then shown on the page
    login("sek_runde")
    page.goto(f"/regnskab/{cy.pk}/")
    assert "Budgetkontrol: Advar" in page.locator("section.budget-control").inner_text()
    type_entry(page, cy, init, party, "9.000,00", "Syntetisk: stor vikarregning", "2022-05-02")
    body = page.locator("main").inner_text()
    assert "forbruget bliver 9.000,00 kr. mod et budget på 8.000,00 kr. (overskridelse 1.000,00 kr.)" in body
    assert not Entry.objects.exists()
    shot("advar")
    page.check("input[type=checkbox][name=confirm]")
    page.click("button[name=save]")
    page.wait_for_load_state()
    assert "Posteringen er gemt" in page.locator("ul.messages").inner_text()
    assert Entry.objects.get().confirmation.confirmed_by == sek
    page.goto(f"/regnskab/{cy.pk}/")
    warnings = page.locator("section.warnings").inner_text()
    assert LARGE in warnings and OVERSPENT in warnings
    press(page, "submit")
    assert page.locator(".review-panel .review-status .badge").first.inner_text() == "Indsendt"

    # 2. the SSU: the count on the region page, the list, the figures and the revised budget on the review page
    login("ssu_runde")
    page.goto(reverse("review:region", args=[aarhus.region.slug, 2022]))
    row = page.locator("tr[data-cluster='Aarhusklyngen']")
    count = int(row.locator("[data-warnings]").first.get_attribute("data-warnings"))
    row.locator("details.warnings summary").click()
    assert LARGE in row.inner_text() and OVERSPENT in row.inner_text()
    shot("ssu-region")
    page.goto(review_url)
    listed = page.locator("section.warnings li[data-warning]")
    assert listed.count() == count
    review = page.locator("section.warnings").inner_text()
    assert LARGE in review and OVERSPENT in review
    totals = page.locator("section.review-totals").inner_text()
    assert "10.000,00" in totals and "9.000,00" in totals
    assert "Korrigeret budget" in page.locator("section.review-figures").inner_text()
    assert page.locator("section.review-changes").count() == 0  # never returned
    press(page, "return", RETURN_COMMENT)
    assert page.locator(".review-panel .review-status .badge").first.inner_text() == "Sendt retur"

    # 3. the secretariat books a new entry and submits again
    login("sek_runde")
    type_entry(page, cy, init, party, "1.234,56", "Syntetisk: bilag til vikarregningen", "2022-06-03")
    if page.locator("input[type=checkbox][name=confirm]").count():  # still over budget: «Advar» asks again
        page.check("input[type=checkbox][name=confirm]")
        page.click("button[name=save]")
        page.wait_for_load_state()
    assert "Posteringen er gemt" in page.locator("ul.messages").inner_text()
    page.goto(f"/regnskab/{cy.pk}/")
    press(page, "submit", "Syntetisk: bilaget er bogført.")
    assert page.locator(".review-panel .review-status .badge").first.inner_text() == "Indsendt"

    # 4. the SSU sees what changed since the return (and the page passes axe's WCAG 2.1 AA rules with it)
    login("ssu_runde")
    page.context.add_init_script(path=AXE)
    page.goto(review_url)
    assert axe_violations(page) == [] and page.evaluate(HEADING_PROBLEMS) == []
    changes = page.locator("section.review-changes")
    text = changes.inner_text()
    assert "Ændret siden returneringen" in text and RETURN_COMMENT in text
    assert "1 bogført, 0 tilbageført" in text
    rows = changes.locator("table.changes-entries tbody tr")
    assert rows.count() == 1
    row_text = rows.first.inner_text()
    assert "1.234,56" in row_text and "03.06.2022" in row_text and "Syntetisk: bilag til vikarregningen" in row_text
    assert "9.000,00" not in text  # the entry before the return is not listed
    shot("ssu-aendret-siden-retur")
