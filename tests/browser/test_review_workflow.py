"""Submit -> return with comment -> resubmit -> approve, in a real Chromium, across two users."""
import pytest
from django.urls import NoReverseMatch, reverse

from accounts.models import ClusterYear, ReviewStatus, StatusChange
from tests.conftest import get_cluster
from users.models import Role

pytestmark = pytest.mark.browser

RETURN_COMMENT = "Syntetisk: budgetlinjen for akutteamet mangler, og juni-posteringen er konteret forkert."


def accounts_page(cluster_year) -> str:
    """The cluster-year's accounts page, which includes the review panel; the review page until it exists."""
    try:
        return reverse("accounts:cluster_year_detail", args=[cluster_year.pk])
    except NoReverseMatch:
        return reverse("review:cluster_year", args=[cluster_year.pk])


def status_badge(page) -> str:
    return page.locator(".review-panel .review-status .badge").first.inner_text()


def test_submit_return_resubmit_approve(page, login, shot, make_user):
    aarhus = get_cluster(1082, "Aarhusklyngen")
    make_user(Role.SECRETARIAT, cluster=aarhus, username="sek_aarhus", first_name="Syntetisk", last_name="Sekretær")
    make_user(Role.SSU, region=aarhus.region, username="ssu_midt", first_name="Syntetisk", last_name="SSU-medlem")
    cluster_year = ClusterYear.objects.create(cluster=aarhus, year=2022)  # synthetic, empty draft
    url = accounts_page(cluster_year)

    # 1. the secretariat submits the draft
    login("sek_aarhus")
    page.goto(url)
    assert status_badge(page) == "Kladde"
    assert page.locator("button[data-action=approve]").count() == 0
    shot("sekretariat-kladde")
    page.click("button[data-action=submit]")
    page.wait_for_load_state()
    assert status_badge(page) == "Indsendt"
    assert "indsendt" in page.locator(".messages").inner_text()
    shot("sekretariat-indsendt")

    # 2. the SSU finds it in "Mine opgaver" and returns it with a comment
    login("ssu_midt")
    page.goto(reverse("review:inbox"))
    assert "Indsendte regnskaber til gennemgang (1)" in page.content()
    shot("ssu-mine-opgaver")
    page.click("table.inbox-to-review a:has-text('Gennemgå')")
    page.wait_for_load_state()
    assert status_badge(page) == "Indsendt"
    # the comment is required: the browser does not send an empty return
    page.click("button[data-action=return]")
    assert status_badge(page) == "Indsendt"
    page.fill("#review-comment-return", RETURN_COMMENT)
    shot("ssu-retur-med-kommentar")
    page.click("button[data-action=return]")
    page.wait_for_load_state()
    assert status_badge(page) == "Sendt retur"
    assert RETURN_COMMENT in page.locator(".review-history").inner_text()
    shot("ssu-sendt-retur")

    # 3. the secretariat sees the comment in "Mine opgaver" and submits again
    login("sek_aarhus")
    page.goto(reverse("review:inbox"))
    assert RETURN_COMMENT in page.locator("table.inbox-returned").inner_text()
    shot("sekretariat-retur-i-mine-opgaver")
    page.click("table.inbox-returned a:has-text('Ret og indsend igen')")
    page.wait_for_load_state()
    page.fill("#review-comment-text", "Syntetisk svar: budgetlinjen er tilføjet, posteringen er tilbageført.")
    page.click(".review-comment-form button[type=submit]")
    page.wait_for_load_state()
    assert "budgetlinjen er tilføjet" in page.locator(".review-thread").inner_text()
    page.fill("#review-comment-submit", "Syntetisk: rettet som ønsket.")
    page.click("button[data-action=submit]")
    page.wait_for_load_state()
    assert status_badge(page) == "Indsendt"

    # 4. the SSU approves from the region page
    login("ssu_midt")
    page.goto(reverse("review:region", args=[aarhus.region.slug, 2022]))
    shot("ssu-regionsside")
    page.click("tr[data-cluster='Aarhusklyngen'] th a")
    page.wait_for_load_state()
    page.click("button[data-action=approve]")
    page.wait_for_load_state()
    assert status_badge(page) == "Godkendt"
    assert page.locator("button[data-action=approve], button[data-action=return]").count() == 0
    assert page.locator("button[data-action=reopen_review]").count() == 1
    shot("ssu-godkendt")

    # the secretariat can no longer submit or change anything
    login("sek_aarhus")
    page.goto(url)
    assert status_badge(page) == "Godkendt"
    assert page.locator(".review-actions button").count() == 0
    shot("sekretariat-godkendt")

    cluster_year.refresh_from_db()
    assert cluster_year.status == ReviewStatus.APPROVED
    moves = list(StatusChange.objects.filter(cluster_year=cluster_year).values_list("action", "by__username"))
    assert moves == [
        ("submit", "sek_aarhus"), ("return", "ssu_midt"), ("submit", "sek_aarhus"), ("approve", "ssu_midt"),
    ]
