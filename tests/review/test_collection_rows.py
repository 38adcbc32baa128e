"""The collection's rows in one pass (CollectionTable.tbody_html) are django-tables2's own rows, byte for byte.

Rendered both ways for the same page of records (every status, with and without a decision, an empty
result, a text with characters to escape, a long challenge cut at 25 words), in each order, and the whole
page once more through the view; and the page's queries stay as many whatever the number of evaluations.
"""
import pytest
from django.test import RequestFactory
from django.urls import reverse
from django_tables2 import RequestConfig

from review.models import SpreadingChoice
from review.selectors import collection_queryset
from review.services import evaluation_save, spreading_decide
from review.tables import CollectionTable
from tests.review.conftest import initiative

FIVE = {
    "challenge": "Syntetisk udfordring", "success_criteria": "Syntetiske succeskriterier",
    "measurement": "Syntetisk måling", "measured_when": "Ved årets udgang",
    "follow_up_responsible": "Syntetisk ansvarlig",
}


@pytest.fixture
def evaluations(world):
    sek_a, sek_b, ssu = world.users["secretariat_a"], world.users["secretariat_b"], world.users["ssu_a"]
    done = evaluation_save(initiative=world.init_a, year=2022, by=sek_a, **FIVE, status="completed",
                           result="Syntetisk resultat <b>& «godt»</b>")
    spreading_decide(evaluation=done, decision=SpreadingChoice.RECOMMENDED, reasons="Syntetisk: udbred.", by=ssu)
    evaluation_save(initiative=world.init_b, year=2022, by=sek_b, **{**FIVE, "challenge": " ".join(
        f"ord{i}" for i in range(40))}, status="ongoing")
    for n, status in enumerate(("planned", "ongoing", "completed", "planned")):
        init = initiative(world.cy_a.cluster, f"Syntetisk indsats {n} & co", area_name="De sårbare ældre",
                          by=sek_a)
        extra = {"result": f"Syntetisk resultat {n}"} if status == "completed" else {}
        evaluation = evaluation_save(initiative=init, year=2022, by=sek_a, **FIVE, status=status, **extra)
        if n == 2:
            spreading_decide(evaluation=evaluation, decision=SpreadingChoice.NOT_RECOMMENDED,
                             reasons="Syntetisk: nej.", by=ssu)


def render(sort: str, template_name: str | None) -> str:
    request = RequestFactory().get("/", {"sort": sort} if sort else {})
    table = CollectionTable(collection_queryset())
    if template_name:
        table.template_name = template_name
    RequestConfig(request, paginate={"per_page": 25}).configure(table)
    return table.as_html(request)


@pytest.mark.parametrize("sort", ["", "initiative", "-region", "cluster", "area", "-year", "status",
                                  "current_decision"])
def test_rows_in_one_pass_are_django_tables2_rows(evaluations, sort):
    mine = render(sort, None)
    theirs = render(sort, "django_tables2/bootstrap5.html")
    assert mine == theirs
    assert mine.count("<tr class=") == 6
    assert "&lt;b&gt;&amp; «godt»&lt;/b&gt;" in mine and "ord24 …" in mine


def test_an_empty_page_is_django_tables2s(world):
    assert render("", None) == render("", "django_tables2/bootstrap5.html")
    assert "Ingen evalueringer matcher filtrene." in render("", None)


# session, user, count, areas, regions, clusters, years of the filter, the page's evaluations
COLLECTION_QUERIES = 8


def test_collection_page_shows_the_rows_and_its_queries_do_not_grow(world, evaluations, client_for,
                                                                   django_assert_num_queries):
    client = client_for(world.users["national"])
    url = reverse("review:collection")
    with django_assert_num_queries(COLLECTION_QUERIES):
        html = client.get(url).content.decode()
    assert html.count('<tr class="') == 6 and "Anbefales udbredt til andre klynger" in html
    sek_a = world.users["secretariat_a"]
    for n in range(30):
        init = initiative(world.cy_a.cluster, f"Syntetisk ekstra indsats {n:02d}", by=sek_a)
        evaluation_save(initiative=init, year=2022, by=sek_a, **FIVE, status="planned")
    with django_assert_num_queries(COLLECTION_QUERIES):
        html = client.get(url).content.decode()
    assert html.count('<tr class="') == 25
