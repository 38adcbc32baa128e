"""Evaluations (the five questions), spreading decisions, and the national collection with its exports."""
import csv
import io

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from review.models import Evaluation, EvaluationStatus, SpreadingChoice, SpreadingDecision
from review.services import evaluation_save, spreading_decide
from tests.review.conftest import initiative

FIVE = {
    "challenge": "Syntetisk: for mange genindlæggelser af ældre medicinske patienter.",
    "success_criteria": "Syntetisk: 10 % færre genindlæggelser inden for 30 dage.",
    "measurement": "Syntetisk: udtræk fra landspatientregisteret.",
    "measured_when": "Ultimo 2022 og ultimo 2023",
    "follow_up_responsible": "Syntetisk klyngesekretariat",
}


def evaluate(world, init=None, who="secretariat_a", **extra):
    return evaluation_save(initiative=init or world.init_a, year=2022, by=world.users[who], **{**FIVE, **extra})


def test_secretariat_writes_its_own_evaluation_with_history(world):
    evaluation = evaluate(world)
    assert evaluation.status == EvaluationStatus.PLANNED
    evaluate(world, status="completed", result="Syntetisk: 12 % færre genindlæggelser.")
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.COMPLETED
    assert Evaluation.objects.count() == 1
    assert [h.status for h in evaluation.history.order_by("history_date")] == ["planned", "completed"]


@pytest.mark.parametrize("who", ["secretariat_b", "ssu_a", "ssu_other", "national"])
def test_only_the_cluster_writes_the_evaluation(world, who):
    with pytest.raises(PermissionDenied):
        evaluate(world, who=who)
    assert not Evaluation.objects.exists()


def test_completed_evaluation_needs_a_result_and_the_year_must_be_the_initiatives(world):
    with pytest.raises(ValidationError, match="skal have et resultat"):
        evaluate(world, status="completed")
    with pytest.raises(PermissionDenied, match="uden for"):
        evaluation_save(initiative=world.init_a, year=2030, by=world.users["secretariat_a"], **FIVE)


def test_evaluation_of_a_year_without_accounts_is_checked_as_a_draft(world):
    """No cluster-year exists for 2023 yet: the check asks users.access with the cluster and a draft status."""
    from accounts.models import ClusterYear

    later = initiative(world.cy_a.cluster, "Syntetisk to-årig indsats", first_year=2022, last_year=2023)
    assert not ClusterYear.objects.filter(cluster=world.cy_a.cluster, year=2023).exists()
    evaluation = evaluation_save(initiative=later, year=2023, by=world.users["secretariat_a"], **FIVE,
                                 status="completed", result="Syntetisk resultat for 2023")
    assert (evaluation.year, evaluation.created_by) == (2023, world.users["secretariat_a"])
    for who in ("secretariat_b", "ssu_a", "national"):
        with pytest.raises(PermissionDenied, match="Du har ikke adgang til denne handling."):
            evaluation_save(initiative=later, year=2023, by=world.users[who], **FIVE)
    for who in ("secretariat_a", "ssu_other"):
        with pytest.raises(PermissionDenied, match="Du har ikke adgang til denne handling."):
            spreading_decide(evaluation=evaluation, decision=SpreadingChoice.RECOMMENDED, reasons="x",
                             by=world.users[who])
    spreading_decide(evaluation=evaluation, decision=SpreadingChoice.RECOMMENDED, reasons="Syntetisk: udbred.",
                     by=world.users["ssu_a"])
    assert not ClusterYear.objects.filter(cluster=world.cy_a.cluster, year=2023).exists()  # the check made none


def test_evaluation_may_be_written_whatever_the_accounts_status(world):
    from review.workflow import cluster_year_transition

    cluster_year_transition(cluster_year=world.cy_a, action="submit", by=world.users["secretariat_a"])
    cluster_year_transition(cluster_year=world.cy_a, action="approve", by=world.users["ssu_a"])
    assert evaluate(world).status == EvaluationStatus.PLANNED


def test_spreading_decision_by_the_regions_ssu_only(world):
    evaluation = evaluate(world, status="completed", result="Syntetisk resultat")
    for who in ("secretariat_a", "ssu_other", "national"):
        with pytest.raises(PermissionDenied):
            spreading_decide(evaluation=evaluation, decision=SpreadingChoice.RECOMMENDED, reasons="x", by=world.users[who])
    with pytest.raises(ValidationError, match="begrundelse"):
        spreading_decide(evaluation=evaluation, decision=SpreadingChoice.RECOMMENDED, reasons=" ", by=world.users["ssu_a"])
    spreading_decide(evaluation=evaluation, decision=SpreadingChoice.MORE_EVIDENCE, reasons="Syntetisk: vent på 2023-tal.",
                     by=world.users["ssu_a"])
    spreading_decide(evaluation=evaluation, decision=SpreadingChoice.RECOMMENDED, reasons="Syntetisk: tallene holder.",
                     by=world.users["ssu_a"])
    assert SpreadingDecision.objects.filter(evaluation=evaluation).count() == 2


def test_evaluation_form_and_decision_over_http(world, client_for):
    sek = client_for(world.users["secretariat_a"])
    url = reverse("review:evaluation_edit", args=[world.init_a.pk, 2022])
    assert sek.get(url).status_code == 200
    response = sek.post(url, {**FIVE, "status": "completed", "result": ""})
    assert response.status_code == 200
    assert "En afsluttet evaluering skal have et resultat." in response.content.decode()
    response = sek.post(url, {**FIVE, "status": "completed", "result": "Syntetisk: det virkede."})
    evaluation = Evaluation.objects.get()
    assert response.status_code == 302 and response["Location"] == evaluation.get_absolute_url()
    assert client_for(world.users["ssu_a"]).get(url).status_code == 403  # the SSU decides, it does not write
    # the SSU records its decision on the evaluation page
    ssu = client_for(world.users["ssu_a"])
    detail = evaluation.get_absolute_url()
    assert 'name="decision"' in ssu.get(detail).content.decode()
    assert 'name="decision"' not in sek.get(detail).content.decode()
    response = ssu.post(detail, {"decision": "recommended", "reasons": "Syntetisk: klar effekt."})
    assert response.status_code == 302
    html = client_for(world.users["national"]).get(detail).content.decode()
    assert "Anbefales udbredt til andre klynger" in html and "Syntetisk: klar effekt." in html
    assert client_for(world.users["ssu_other"]).post(detail, {"decision": "recommended", "reasons": "x"}).status_code == 403
    assert SpreadingDecision.objects.count() == 1


def test_saved_evaluation_and_decision_say_so_after_the_redirect(world, client_for):
    sek, ssu = client_for(world.users["secretariat_a"]), client_for(world.users["ssu_a"])
    url = reverse("review:evaluation_edit", args=[world.init_a.pk, 2022])
    response = sek.post(url, {**FIVE, "status": "completed", "result": "Syntetisk: det virkede."}, follow=True)
    assert response.redirect_chain == [(Evaluation.objects.get().get_absolute_url(), 302)]
    assert "Evalueringen af «Syntetisk akutteam Aarhus» er gemt." in response.content.decode()
    detail = Evaluation.objects.get().get_absolute_url()
    response = ssu.post(detail, {"decision": "recommended", "reasons": "   "})
    assert response.status_code == 200  # the form again, with the reason asked for
    assert 'name="reasons"' in response.content.decode()
    assert "Dette felt er påkrævet." in response.content.decode()
    assert not SpreadingDecision.objects.exists()
    response = ssu.post(detail, {"decision": "recommended", "reasons": "Syntetisk: klar effekt."}, follow=True)
    assert response.redirect_chain == [(detail, 302)]
    assert "Beslutningen om udbredelse er gemt." in response.content.decode()
    assert SpreadingDecision.objects.count() == 1


@pytest.fixture
def collection(world):
    """Three synthetic evaluations: Aarhus recommended, Randers without a decision, Bornholm not recommended."""
    a = evaluate(world, status="completed", result="Syntetisk: færre genindlæggelser i Aarhus.")
    spreading_decide(evaluation=a, decision="more_evidence", reasons="Syntetisk", by=world.users["ssu_a"])
    spreading_decide(evaluation=a, decision="recommended", reasons="Syntetisk: gode tal.", by=world.users["ssu_a"])
    b = evaluate(world, init=world.init_b, who="secretariat_b", challenge="Syntetisk: KOL-patienter uden plan.")
    bornholm_init = initiative(world.cy_other.cluster, "Syntetisk ø-indsats", area_name="De sårbare ældre")
    c = evaluate(world, init=bornholm_init, who="admin", status="completed", result="Syntetisk: ingen effekt.")
    spreading_decide(evaluation=c, decision="not_recommended", reasons="Syntetisk", by=world.users["admin"])
    return {"a": a, "b": b, "c": c}


def names(response) -> list[str]:
    return [r.record.initiative.name for r in response.context["table"].page.object_list]


@pytest.mark.parametrize(("query", "expected"), [
    ("", ["Syntetisk akutteam Aarhus", "Syntetisk kronikerforløb Randers", "Syntetisk ø-indsats"]),
    ("decision=recommended", ["Syntetisk akutteam Aarhus"]),  # the newest decision counts
    ("decision=more_evidence", []),
    ("decision=none", ["Syntetisk kronikerforløb Randers"]),
    ("region={region_a}", ["Syntetisk akutteam Aarhus", "Syntetisk kronikerforløb Randers"]),
    ("cluster={cluster_other}", ["Syntetisk ø-indsats"]),
    ("area=De+sårbare+ældre", ["Syntetisk ø-indsats"]),
    ("year=2022&status=completed", ["Syntetisk akutteam Aarhus", "Syntetisk ø-indsats"]),
    ("q=KOL", ["Syntetisk kronikerforløb Randers"]),
    ("q=gode+tal", ["Syntetisk akutteam Aarhus"]),  # the decision's reasons are searched too
    ("q=genindlæggelser+aarhus", ["Syntetisk akutteam Aarhus"]),
])
def test_collection_filters(world, collection, client_for, query, expected):
    query = query.format(region_a=world.cy_a.cluster.region_id, cluster_other=world.cy_other.cluster_id)
    response = client_for(world.users["ssu_other"]).get(reverse("review:collection") + "?" + query)
    assert response.status_code == 200
    assert sorted(names(response)) == expected
    assert "2.022" not in response.content.decode()  # years are not amounts


def test_collection_is_sortable(world, collection, client_for):
    response = client_for(world.users["national"]).get(reverse("review:collection") + "?sort=-cluster")
    # Randers Klyngen, Bornholm, Aarhusklyngen
    assert names(response) == ["Syntetisk kronikerforløb Randers", "Syntetisk ø-indsats", "Syntetisk akutteam Aarhus"]


def test_collection_exports_csv_and_xlsx(world, collection, client_for):
    client = client_for(world.users["secretariat_b"])
    response = client.get(reverse("review:collection") + "?region=" + str(world.cy_a.cluster.region_id) + "&_export=csv")
    assert response.status_code == 200
    assert 'filename="gode-erfaringer.csv"' in response["Content-Disposition"]
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text[1:], newline=""), delimiter=";"))
    assert [r["Indsats"] for r in rows] == ["Syntetisk akutteam Aarhus", "Syntetisk kronikerforløb Randers"]
    aarhus = rows[0]
    assert aarhus["Udbredelse"] == "Anbefales udbredt til andre klynger"
    assert aarhus["Begrundelse for beslutning"] == "Syntetisk: gode tal."
    assert aarhus["Succeskriterier"] == FIVE["success_criteria"]
    assert aarhus["Evaluering"] == "Afsluttet"
    assert rows[1]["Udbredelse"] == ""

    response = client.get(reverse("review:collection") + "?_export=xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    header = values[0]
    assert header[:4] == ("Indsats", "Region", "Klynge", "Indsatsområde")
    assert {row[0] for row in values[1:]} == {
        "Syntetisk akutteam Aarhus", "Syntetisk kronikerforløb Randers", "Syntetisk ø-indsats",
    }
    assert "Hvordan måles succes" in header


# session, user, count, the base template's region of the SSU user, the filter form's choices (areas,
# regions, clusters, years), one page of evaluations with their decisions
COLLECTION_QUERIES = 9


@pytest.mark.parametrize("extra", [0, 6])
def test_collection_query_count_is_constant(world, collection, client_for, django_assert_num_queries, extra):
    for i in range(extra):
        init = initiative(world.cy_a.cluster, f"Syntetisk ekstra {i}")
        e = evaluate(world, init=init)
        spreading_decide(evaluation=e, decision="recommended", reasons="Syntetisk", by=world.users["ssu_a"])
    client = client_for(world.users["ssu_a"])
    with django_assert_num_queries(COLLECTION_QUERIES):
        response = client.get(reverse("review:collection") + "?q=syntetisk")
    assert len(names(response)) == 3 + extra


# session, user, evaluation (with initiative, cluster, region, area, editor), decisions with their authors,
# evaluation scope (the cluster-year) for the decision form, the same for the edit link, base template's region
EVALUATION_PAGE_QUERIES = 7


@pytest.mark.parametrize("decisions", [1, 5])
def test_evaluation_page_query_count_is_constant(world, client_for, django_assert_num_queries, decisions):
    evaluation = evaluate(world, status="completed", result="Syntetisk resultat")
    for i in range(decisions):
        spreading_decide(evaluation=evaluation, decision="more_evidence", reasons=f"Syntetisk {i}",
                         by=world.users["ssu_a"])
    client = client_for(world.users["ssu_a"])
    with django_assert_num_queries(EVALUATION_PAGE_QUERIES):
        response = client.get(evaluation.get_absolute_url())
    assert response.content.decode().count("Syntetisk ") >= decisions


@pytest.mark.parametrize("model", ["comment", "evaluation", "spreadingdecision"])
def test_admin_lists_render(world, collection, client_for, model):
    from review.services import comment_add

    comment_add(cluster_year=world.cy_a, author=world.users["ssu_a"], text="Syntetisk")
    client = client_for(world.users["admin"])
    assert client.get(reverse(f"admin:review_{model}_changelist")).status_code == 200
    if model == "evaluation":
        page = client.get(reverse("admin:review_evaluation_history", args=[collection["a"].pk]))
        assert page.status_code == 200
