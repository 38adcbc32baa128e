"""An evaluation from the secretariat, the SSU's decision on spreading, and the national collection, in Chromium."""
import io

import openpyxl
import pytest
from django.urls import reverse

from accounts.models import ClusterYear, Initiative, InitiativeArea
from review.models import Evaluation
from tests.conftest import get_cluster
from users.models import Role

pytestmark = pytest.mark.browser


def test_evaluate_decide_and_find_in_the_collection(page, login, shot, make_user):
    aarhus = get_cluster(1082, "Aarhusklyngen")
    make_user(Role.SECRETARIAT, cluster=aarhus, username="sek_aarhus")
    make_user(Role.SSU, region=aarhus.region, username="ssu_midt")
    make_user(Role.NATIONAL, username="laeser")
    area, _ = InitiativeArea.objects.get_or_create(year=2022, name="De sårbare ældre")
    cluster_year = ClusterYear.objects.create(cluster=aarhus, year=2022)
    Initiative.objects.create(  # synthetic
        cluster=aarhus, first_year=2022, last_year=2022, name="Syntetisk udgående sygeplejeteam", area=area,
        status="completed",
    )

    # the secretariat finds the missing evaluation in "Mine opgaver" and answers the five questions
    login("sek_aarhus")
    page.goto(reverse("review:inbox"))
    assert "Evalueringer, der mangler (1)" in page.content()
    page.click("table.inbox-evaluations a:has-text('Evaluér')")
    page.fill("#id_challenge", "Syntetisk: for mange akutte indlæggelser af skrøbelige ældre.")
    page.fill("#id_success_criteria", "Syntetisk: 15 % færre akutte indlæggelser.")
    page.fill("#id_measurement", "Syntetisk: indlæggelser pr. 1.000 borgere over 75 år.")
    page.fill("#id_measured_when", "Ultimo 2022")
    page.fill("#id_follow_up_responsible", "Syntetisk klyngesekretariat")
    page.select_option("#id_status", "completed")
    shot("evaluering-uden-resultat")
    page.click("form.evaluation-form button[type=submit]")
    page.wait_for_load_state()
    assert "En afsluttet evaluering skal have et resultat." in page.content()
    page.fill("#id_result", "Syntetisk: 18 % færre akutte indlæggelser.")
    page.click("form.evaluation-form button[type=submit]")
    page.wait_for_load_state()
    assert "Evalueringen af «Syntetisk udgående sygeplejeteam» er gemt." in page.content()
    assert page.locator("form.decision-form").count() == 0  # the secretariat does not decide
    shot("evaluering-gemt")

    # the SSU decides on spreading from its inbox
    login("ssu_midt")
    page.goto(reverse("review:inbox"))
    page.click("table.inbox-decisions a:has-text('Beslut')")
    page.check("input[name=decision][value=recommended]")
    page.fill("#id_reasons", "Syntetisk: tydelig effekt; bør prøves i de øvrige klynger.")
    page.click("form.decision-form button[type=submit]")
    page.wait_for_load_state()
    assert page.locator(".current-decision").inner_text() == "Anbefales udbredt til andre klynger"
    shot("ssu-beslutning")

    # a national reader finds it in the collection and downloads it as Excel
    login("laeser")
    page.goto(reverse("review:collection"))
    page.select_option("#id_decision", "recommended")
    page.fill("#id_q", "sygeplejeteam")
    page.click("form.filters button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("table.collection tbody tr").count() == 1
    shot("national-samling")
    with page.expect_download() as download_info:
        page.click("a:has-text('Hent Excel')")
    download = download_info.value
    sheet = openpyxl.load_workbook(io.BytesIO(open(download.path(), "rb").read())).active
    rows = list(sheet.values)
    assert rows[1][0] == "Syntetisk udgående sygeplejeteam"
    assert "Anbefales udbredt til andre klynger" in rows[1]

    assert Evaluation.objects.get().decisions.count() == 1
    assert cluster_year.status == "draft"  # evaluations do not touch the accounts' review
