"""The inbox's «Evaluér» opens the evaluation for a year the initiative ran (issue 15, part 7)."""
from django.urls import reverse

from accounts.services import initiative_update
from review.services import evaluation_save
from tests.review.conftest import initiative

QUESTIONS = dict(challenge="Syntetisk", success_criteria="Syntetisk", measurement="Syntetisk",
                 measured_when="2023", follow_up_responsible="Syntetisk")


def evaluate_links(html: str, initiative_pk: int) -> list[str]:
    prefix = f"/indsats/{initiative_pk}/evaluering/"
    return [part.split('"')[0] for part in html.split('href="')[1:] if prefix in part.split('"')[0]]


def test_evaluate_link_is_the_last_year_of_an_initiative_that_ended_early(world, client_for):
    """Planned for 2022-2023, its 2023 evaluation begun, then ended in 2022: «Evaluér» opens 2022."""
    sek = world.users["secretariat_a"]
    ended = initiative(world.cy_a.cluster, "Syntetisk stoppet efter første år", last_year=2023, by=sek)
    evaluation_save(initiative=ended, year=2023, by=sek, status="ongoing", **QUESTIONS)
    initiative_update(initiative=ended, cluster_year=world.cy_a, by=sek, last_year=2022, status="completed")

    html = client_for(sek).get(reverse("review:inbox")).content.decode()
    assert ended.name in html
    assert evaluate_links(html, ended.pk) == [reverse("review:evaluation_edit", args=[ended.pk, 2022])]
    assert "Ikke påbegyndt" in html  # the 2023 evaluation is not one of a year it ran
    # and the link opens a form, not a refusal
    assert client_for(sek).get(reverse("review:evaluation_edit", args=[ended.pk, 2022])).status_code == 200


def test_evaluate_link_is_the_year_of_the_begun_evaluation(world, client_for):
    """Ran 2022-2023 with its 2022 evaluation begun: «Evaluér» continues that one, not the last year."""
    sek = world.users["secretariat_a"]
    ran = initiative(world.cy_a.cluster, "Syntetisk toårig indsats", last_year=2023, status="completed", by=sek)
    evaluation_save(initiative=ran, year=2022, by=sek, status="ongoing", **QUESTIONS)

    html = client_for(sek).get(reverse("review:inbox")).content.decode()
    assert evaluate_links(html, ran.pk) == [reverse("review:evaluation_edit", args=[ran.pk, 2022])]
    assert "Påbegyndt (2022)" in html


def test_evaluate_link_of_an_unbegun_evaluation_is_the_last_year(world, client_for):
    sek = world.users["secretariat_a"]
    ran = initiative(world.cy_a.cluster, "Syntetisk afsluttet toårig", last_year=2023, status="completed", by=sek)
    html = client_for(sek).get(reverse("review:inbox")).content.decode()
    assert evaluate_links(html, ran.pk) == [reverse("review:evaluation_edit", args=[ran.pk, 2023])]
