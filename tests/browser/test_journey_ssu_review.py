"""Journey: the SSU reviews a cluster's accounts across the features.

The secretariat submits from the cluster-year page; the region's SSU member
finds it under "Mine opgaver", sends it back with a comment; the secretariat
sees the comment, books the missing entry and resubmits; the SSU member
approves from the region page; the approved accounts refuse new entries.
All data is synthetic.
"""
import datetime
from decimal import Decimal

import pytest

from accounts.models import ClusterYear
from geography.models import Municipality
from tests import factories
from users.models import Role

pytestmark = pytest.mark.browser

COMMENT = "Syntetisk: udgiften til workshoppen i maj mangler."


def status(page) -> str:
    return page.locator(".review-status [data-status]").get_attribute("data-status")


def test_ssu_returns_with_comment_and_approves_after_resubmission(page, login, shot, make_user, aarhus):
    sek = make_user(Role.SECRETARIAT, cluster=aarhus, username="sek_aarhus")
    make_user(Role.SSU, region=aarhus.region, username="ssu_midt")
    cy = factories.cluster_year(aarhus, 2022)
    init = factories.initiative(cy, by=sek, name="Syntetisk sygeplejeteam")
    aarhus_m = Municipality.objects.get(code=751)
    factories.budget_line(cy, init, by=sek, municipality=aarhus_m, amount=Decimal("80000.00"))
    factories.entry(cy, init, by=sek, municipality=aarhus_m, amount=Decimal("12500.00"))

    # The secretariat submits its accounts.
    login("sek_aarhus")
    page.goto(f"/regnskab/{cy.pk}/")
    assert status(page) == "draft"
    page.click("button[data-action=submit]")
    page.wait_for_load_state()
    assert status(page) == "submitted"
    shot("sekretariat-indsendt")

    # The SSU member finds it among the tasks, reads it, and sends it back with a comment.
    login("ssu_midt")
    page.click("nav.mainnav >> text=Mine opgaver")
    to_review = page.locator("table.inbox-to-review")
    assert "Aarhusklyngen" in to_review.inner_text()
    shot("ssu-mine-opgaver")
    to_review.locator("a:has-text('Gennemgå')").first.click()
    page.wait_for_load_state()
    assert f"/{cy.pk}/" in page.url
    assert page.locator("text=Ny postering").count() == 0  # the SSU reads, does not book
    page.fill("#review-comment-return", COMMENT)
    page.click("button[data-action=return]")
    page.wait_for_load_state()
    assert status(page) == "returned"
    assert COMMENT in page.locator(".review-history").inner_text()
    shot("ssu-sendt-retur")

    # The secretariat sees the comment, books the missing entry and resubmits.
    login("sek_aarhus")
    page.click("nav.mainnav >> text=Mine opgaver")
    returned = page.locator("table.inbox-returned")
    assert COMMENT in returned.inner_text()
    returned.locator("a").first.click()
    page.wait_for_load_state()
    assert status(page) == "returned"
    page.click("text=Ny postering")
    page.select_option("#id_initiative", str(init.pk))
    page.select_option("#id_party", f"m:{aarhus_m.pk}")
    page.fill("#id_booking_date", "2022-05-12")
    page.select_option("#id_kind", "expense")
    page.fill("#id_amount", "3.450,25")
    page.fill("#id_account_code", factories.MUNICIPAL_ACCOUNT)
    page.fill("#id_text", "Syntetisk: workshop i maj")
    page.click("button[name=save]")
    page.wait_for_load_state()
    assert "Posteringen er gemt" in page.locator("ul.messages").inner_text()
    page.goto(f"/regnskab/{cy.pk}/")
    assert page.locator("[data-figure=spend]").inner_text().startswith("15.950,25")
    page.fill("#review-comment-submit", "Syntetisk: workshoppen er bogført.")
    page.click("button[data-action=submit]")
    page.wait_for_load_state()
    assert status(page) == "submitted"
    shot("sekretariat-indsendt-igen")

    # The SSU member approves from the region page.
    login("ssu_midt")
    page.goto(f"/opfoelgning/region/{aarhus.region.slug}/2022/")
    shot("ssu-regionsside")
    page.locator("a:has-text('Aarhusklyngen')").first.click()
    page.wait_for_load_state()
    assert status(page) == "submitted"
    page.click("button[data-action=approve]")
    page.wait_for_load_state()
    assert status(page) == "approved"
    history = page.locator(".review-history").inner_text()
    for action in ("Indsendt", "Sendt retur", "Godkendt"):
        assert action in history
    shot("ssu-godkendt")
    assert ClusterYear.objects.get(pk=cy.pk).status == "approved"

    # Approved accounts refuse new entries, also when the form is opened directly.
    login("sek_aarhus")
    page.goto(f"/regnskab/{cy.pk}/")
    assert page.locator("text=Ny postering").count() == 0
    response = page.goto(f"/regnskab/{cy.pk}/posteringer/ny/")
    assert response.status == 403
    assert "Godkendt" in page.content()
    shot("sekretariat-godkendt-laast")
    assert cy.entries.filter(booking_date=datetime.date(2022, 5, 12)).count() == 1
