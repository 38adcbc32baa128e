"""The review page of a cluster-year (the panel), transitions and comments over HTTP, and the inbox."""
import pytest
from django.urls import reverse

from accounts.models import ReviewStatus, StatusChange
from review.models import Comment
from review.services import comment_add, evaluation_save
from review.workflow import cluster_year_transition
from tests.review.conftest import initiative


def page_url(cy):
    return reverse("review:cluster_year", args=[cy.pk])


def post_transition(client, cy, action, comment=""):
    return client.post(reverse("review:transition", args=[cy.pk, action]), {"comment": comment})


def test_panel_shows_only_the_buttons_the_user_may_press(world, client_for):
    url = page_url(world.cy_a)
    html = client_for(world.users["secretariat_a"]).get(url).content.decode()
    assert 'data-action="submit"' in html and 'data-action="approve"' not in html
    html = client_for(world.users["ssu_a"]).get(url).content.decode()
    assert "data-action=" not in html  # a draft: nothing for the SSU to do
    cluster_year_transition(cluster_year=world.cy_a, action="submit", by=world.users["secretariat_a"])
    html = client_for(world.users["ssu_a"]).get(url).content.decode()
    assert 'data-action="approve"' in html and 'data-action="return"' in html
    assert 'data-action="submit"' not in html
    html = client_for(world.users["national"]).get(url).content.decode()
    assert "data-action=" not in html and "Ny kommentar" not in html  # national readers only read
    assert "Indsendt" in html


def test_transitions_over_http(world, client_for, mailoutbox, django_capture_on_commit_callbacks):
    sek, ssu = client_for(world.users["secretariat_a"]), client_for(world.users["ssu_a"])
    cy = world.cy_a
    with django_capture_on_commit_callbacks(execute=True):
        response = post_transition(sek, cy, "submit")
    assert response.status_code == 302
    cy.refresh_from_db()
    assert cy.status == ReviewStatus.SUBMITTED
    # return without comment: refused with the Danish reason, nothing changes
    response = post_transition(ssu, cy, "return", "  ")
    assert response.status_code == 302
    follow = ssu.get(response["Location"])
    assert "Skriv en kommentar til klyngesekretariatet" in follow.content.decode()
    cy.refresh_from_db()
    assert cy.status == ReviewStatus.SUBMITTED
    with django_capture_on_commit_callbacks(execute=True):
        post_transition(ssu, cy, "return", "Syntetisk: ret posteringen fra juni.")
    cy.refresh_from_db()
    assert cy.status == ReviewStatus.RETURNED
    assert len(mailoutbox) == 2
    html = sek.get(page_url(cy)).content.decode()
    assert "Syntetisk: ret posteringen fra juni." in html


def test_secretariat_cannot_approve_over_http(world, client_for):
    cluster_year_transition(cluster_year=world.cy_a, action="submit", by=world.users["secretariat_a"])
    response = post_transition(client_for(world.users["secretariat_a"]), world.cy_a, "approve")
    assert response.status_code == 403
    world.cy_a.refresh_from_db()
    assert world.cy_a.status == ReviewStatus.SUBMITTED


def test_ssu_of_another_region_sees_nothing_and_moves_nothing(world, client_for):
    cluster_year_transition(cluster_year=world.cy_a, action="submit", by=world.users["secretariat_a"])
    comment_add(cluster_year=world.cy_a, author=world.users["ssu_a"], text="Syntetisk intern bemærkning")
    other = client_for(world.users["ssu_other"])
    assert other.get(page_url(world.cy_a)).status_code == 404
    assert post_transition(other, world.cy_a, "approve").status_code == 404
    assert other.post(reverse("review:comment_add", args=[world.cy_a.pk]), {"text": "x"}).status_code == 404
    world.cy_a.refresh_from_db()
    assert world.cy_a.status == ReviewStatus.SUBMITTED
    assert Comment.objects.filter(cluster_year=world.cy_a).count() == 1
    # and the thread does not leak through the other pages
    for name in ("review:inbox", "review:collection"):
        assert "Syntetisk intern bemærkning" not in other.get(reverse(name)).content.decode()


def test_comment_thread(world, client_for):
    url = reverse("review:comment_add", args=[world.cy_a.pk])
    response = client_for(world.users["ssu_a"]).post(url, {"text": "Syntetisk: hvorfor driftsudgifter?", "next": page_url(world.cy_a)})
    assert response.status_code == 302 and response["Location"] == page_url(world.cy_a)
    client_for(world.users["secretariat_a"]).post(url, {"text": "Syntetisk svar: fejlkonteret."})
    assert list(Comment.objects.filter(cluster_year=world.cy_a).values_list("author__username", "text")) == [
        ("ssu_a", "Syntetisk: hvorfor driftsudgifter?"), ("sek_a", "Syntetisk svar: fejlkonteret."),
    ]
    html = client_for(world.users["national"]).get(page_url(world.cy_a)).content.decode()
    assert html.index("hvorfor driftsudgifter") < html.index("fejlkonteret")
    # national readers may read the thread but not write in it
    assert client_for(world.users["national"]).post(url, {"text": "x"}).status_code == 403
    # an off-site next is ignored
    response = client_for(world.users["ssu_a"]).post(url, {"text": "Syntetisk", "next": "https://evil.example/"})
    assert response["Location"] != "https://evil.example/"


def test_transition_is_post_only(world, client_for):
    response = client_for(world.users["secretariat_a"]).get(reverse("review:transition", args=[world.cy_a.pk, "submit"]))
    assert response.status_code == 405
    assert StatusChange.objects.count() == 0


# session, user, cluster-year (with cluster and region), evaluations (with decision), changes, comments, and
# the base template's cluster and region of the secretariat user
# (+7: the cluster-year summary, accounts.selectors.cluster_year_summary: the budget table (original and revised
# budget, spend, rest per area, initiative and party), the warnings from the same figures, issue 13, and the
# initiatives of the evaluations, by name)
# (+4 once the accounts were returned: what changed since the return, accounts.selectors.changes: the return is
# found among the panel's changes; the entries' totals, the latest entries, the budget revisions, the
# commitments' history; here nothing was booked since the return, so no list of entries: +3)
PANEL_PAGE_QUERIES = 19


@pytest.mark.parametrize("rounds", [1, 4])
def test_panel_page_query_count_is_constant(world, client_for, django_assert_num_queries, rounds):
    sek, ssu = world.users["secretariat_a"], world.users["ssu_a"]
    for i in range(rounds):
        cluster_year_transition(cluster_year=world.cy_a, action="submit", by=sek)
        cluster_year_transition(cluster_year=world.cy_a, action="return", by=ssu, comment=f"Syntetisk runde {i}")
        comment_add(cluster_year=world.cy_a, author=ssu, text=f"Syntetisk kommentar {i}")
        init = initiative(world.cy_a.cluster, f"Syntetisk ekstra indsats {i}")
        evaluation_save(initiative=init, year=2022, by=sek, challenge="Syntetisk", success_criteria="Syntetisk",
                        measurement="Syntetisk", measured_when="Ultimo 2022", follow_up_responsible="Syntetisk")
    client = client_for(sek)
    with django_assert_num_queries(PANEL_PAGE_QUERIES):
        response = client.get(page_url(world.cy_a))
    assert response.content.decode().count("Syntetisk kommentar") == rounds


# ssu: session, user, years of the region, region, submitted accounts, evaluations awaiting a decision
# secretariat: session, user, returned accounts, evaluations due, the base template's cluster and region
# (+3 where accounts are listed: their figures for the warnings, accounts.selectors.cluster_year_figures, issue 13)
INBOX_QUERIES = {"ssu_a": 9, "secretariat_a": 6}


@pytest.mark.parametrize("who", ["ssu_a", "secretariat_a"])
def test_inbox_lists_what_needs_the_user(world, client_for, django_assert_num_queries, who):
    sek, ssu = world.users["secretariat_a"], world.users["ssu_a"]
    # the initiatives first: submitted accounts take no new initiative
    done = initiative(world.cy_a.cluster, "Syntetisk afsluttet uden evaluering", status="completed")
    started = initiative(world.cy_a.cluster, "Syntetisk afsluttet, evaluering i gang", status="completed")
    evaluation_save(initiative=started, year=2022, by=sek, challenge="Syntetisk", success_criteria="Syntetisk",
                    measurement="Syntetisk", measured_when="2023", follow_up_responsible="Syntetisk", status="ongoing")
    evaluated = initiative(world.cy_a.cluster, "Syntetisk færdigevalueret", status="completed")
    evaluation_save(initiative=evaluated, year=2022, by=sek, challenge="Syntetisk", success_criteria="Syntetisk",
                    measurement="Syntetisk", measured_when="2023", follow_up_responsible="Syntetisk",
                    result="Syntetisk resultat", status="completed")
    cluster_year_transition(cluster_year=world.cy_a, action="submit", by=sek)
    cluster_year_transition(cluster_year=world.cy_b, action="submit", by=world.users["secretariat_b"])
    cluster_year_transition(cluster_year=world.cy_b, action="return", by=ssu, comment="Syntetisk: mangler budget")
    cluster_year_transition(cluster_year=world.cy_other, action="submit", by=world.users["admin"])
    client = client_for(world.users[who])
    with django_assert_num_queries(INBOX_QUERIES[who]):
        html = client.get(reverse("review:inbox")).content.decode()
    if who == "ssu_a":
        assert "Indsendte regnskaber til gennemgang (1)" in html  # Aarhus; not Bornholm in another region
        assert "Bornholm" not in html
        assert "Syntetisk færdigevalueret" in html  # awaits the SSU's decision on spreading
        assert "venter på beslutning om udbredelse (1)" in html
        assert reverse("review:region", args=["midtjylland", 2022]) in html
    else:
        assert "Indsendte regnskaber" not in html
        assert "Regnskaber sendt retur" not in html  # Randers' returned accounts are not Aarhus' business
        assert "Evalueringer, der mangler (2)" in html
        assert done.name in html and started.name in html and evaluated.name not in html
        assert reverse("review:evaluation_edit", args=[done.pk, 2022]) in html


def test_inbox_of_the_returned_secretariat(world, client_for):
    cluster_year_transition(cluster_year=world.cy_b, action="submit", by=world.users["secretariat_b"])
    cluster_year_transition(cluster_year=world.cy_b, action="return", by=world.users["ssu_a"],
                            comment="Syntetisk: mangler budget")
    html = client_for(world.users["secretariat_b"]).get(reverse("review:inbox")).content.decode()
    assert "Regnskaber sendt retur (1)" in html
    assert "Syntetisk: mangler budget" in html
    html = client_for(world.users["national"]).get(reverse("review:inbox")).content.decode()
    assert "Intet venter på dig lige nu." in html
    # national readers reach every region's page from here
    assert reverse("review:region", args=["hovedstaden", 2022]) in html
    assert reverse("review:region", args=["midtjylland", 2022]) in html
