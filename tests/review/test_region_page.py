"""The SSU's region page: figures, warnings, scope, and a query count independent of the data size."""
import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import CarryOverCommitment, CostKind, EntryKind, PartyKind
from geography.models import Cluster
from review.services import comment_add
from review.workflow import cluster_year_transition
from tests.review.conftest import (
    budget,
    clean_save,
    cluster_year,
    entry,
    funding,
    initiative,
    municipality_of,
)


def region_url(world, year=2022):
    return reverse("review:region", args=[world.cy_a.cluster.region.slug, year])


@pytest.fixture
def figures(world):
    """Synthetic money on Aarhusklyngen 2022: overspend on one area, secretariat and running spend.

    The running-cost entry is booked on the year's last day: the services refuse a booking date
    outside the accounts' year, so through them no entry is ever dated after 31.12.
    """
    sek = world.users["secretariat_a"]
    cy = world.cy_a
    funding(cy, "100000.00")
    budget(cy, world.init_a, "50000.00")
    entry(cy, world.init_a, "60000.00", by=sek)  # 10.000 over the area's budget
    entry(cy, world.init_a, "5000.00", by=sek, kind=EntryKind.INCOME)
    entry(cy, world.init_a, "1500.00", by=sek, cost_kind=CostKind.SECRETARIAT)
    entry(cy, world.init_a, "250.50", by=sek, cost_kind=CostKind.RUNNING, booking_date=datetime.date(2022, 12, 31))
    clean_save(CarryOverCommitment(
        cluster_year=cy, party_kind=PartyKind.MUNICIPALITY, municipality=municipality_of(cy.cluster),
        amount="12000.00", committed_by="Syntetisk kommunaldirektør", committed_on=datetime.date(2022, 12, 1),
        recorded_by=sek,
    ))
    return cy


def row_html(html: str, cluster_name: str) -> str:
    start = html.index(f'data-cluster="{cluster_name}"')
    return html[start:html.index("</tr>", start)]


def test_region_page_shows_figures_and_warnings(world, figures, client_for):
    cluster_year_transition(cluster_year=world.cy_a, action="submit", by=world.users["secretariat_a"])
    comment_add(cluster_year=world.cy_a, author=world.users["ssu_a"], text="Syntetisk spørgsmål")
    response = client_for(world.users["ssu_a"]).get(region_url(world))
    assert response.status_code == 200
    html = response.content.decode()
    row = row_html(html, "Aarhusklyngen")
    # funding 100.000; budget 50.000; spend 60.000 - 5.000 + 1.500 + 250,50 = 56.750,50;
    # rest of budget 50.000 - 56.750,50 = -6.750,50; unspent funding 43.249,50; carry-over 12.000
    cells = [c.split(">")[-1] for c in row.split("</td>") if 'class="num' in c]
    assert cells == ["100.000,00", "50.000,00", "56.750,50", "-6.750,50", "43.249,50", "12.000,00"]
    assert "Indsendt" in row
    assert "Merforbrug på Akutområdet: forbrug 56.751 kr. mod budget 50.000 kr." in row
    assert "Forbrug på sekretariatsbetjening: 1.500 kr." in row
    assert "Forbrug på drift: 251 kr." in row
    assert "dateret efter 31.12.2022" not in row  # 31.12 is in the year; the services book nothing later
    assert "Gennemgang og kommentarer (1)" in row
    assert reverse("review:cluster_year", args=[world.cy_a.pk]) in row
    # Randers has accounts without money: no warnings
    assert "Ingen" in row_html(html, "Randers Klyngen")
    # every cluster of the region is listed, also those without accounts for the year
    for cluster in Cluster.objects.filter(region=world.cy_a.cluster.region):
        assert f'data-cluster="{cluster.name}"' in html
    assert "Bornholm" not in html
    assert "Klyngeregnskaber i Region Midtjylland 2022" in html and "2.022" not in html


def key_figures(html: str) -> dict[str, str]:
    """The accounts page's key figures: {'paid': '100.000,00 kr.', ...}."""
    found = {}
    for name in ("paid", "budget", "spend", "remaining", "unspent"):
        start = html.index(f'data-figure="{name}">') + len(f'data-figure="{name}">')
        found[name] = html[start:html.index("</strong>", start)]
    return found


def test_region_page_and_accounts_page_show_the_same_figures(world, figures, client_for):
    """Both pages take their money from the accounts family: the same figures, to the øre, on both."""
    from accounts.selectors import cluster_year_summary
    from review.selectors import region_overview

    # funding 100.000; budget 50.000; spend 56.750,50; rest of budget -6.750,50; unspent 43.249,50; carry-over 12.000
    expected = (Decimal("100000.00"), Decimal("50000.00"), Decimal("56750.50"), Decimal("-6750.50"),
                Decimal("43249.50"), Decimal("12000.00"))

    def money(row):
        return (row.paid, row.budget, row.spend, row.remaining, row.unspent, row.committed)

    overview = region_overview(user=world.users["ssu_a"], region=world.cy_a.cluster.region, year=2022)
    row = next(r for r in overview.rows if r.cluster_year and r.cluster_year.pk == world.cy_a.pk)
    totals = cluster_year_summary(world.cy_a).totals
    assert money(row.money) == expected
    assert money(totals) == expected
    assert overview.totals.spend == sum((r.money.spend for r in overview.rows if r.money), Decimal("0.00"))

    client = client_for(world.users["ssu_a"])
    region_cells = [
        c.split(">")[-1] for c in row_html(client.get(region_url(world)).content.decode(), "Aarhusklyngen")
        .split("</td>") if 'class="num' in c
    ]
    accounts_html = client.get(reverse("accounts:cluster_year_detail", args=[world.cy_a.pk])).content.decode()
    accounts_figures = key_figures(accounts_html)
    assert region_cells[:5] == [
        accounts_figures[name].removesuffix(" kr.") for name in ("paid", "budget", "spend", "remaining", "unspent")
    ]
    assert accounts_figures == {
        "paid": "100.000,00 kr.", "budget": "50.000,00 kr.", "spend": "56.750,50 kr.",
        "remaining": "-6.750,50 kr.", "unspent": "43.249,50 kr.",
    }


def test_region_page_scope(world, client_for):
    url = region_url(world)
    assert client_for(world.users["ssu_other"]).get(url).status_code == 404
    assert client_for(world.users["secretariat_a"]).get(url).status_code == 403
    assert client_for(world.users["national"]).get(url).status_code == 200
    assert client_for(world.users["admin"]).get(url).status_code == 200


def _grow(world, n_clusters_with_accounts: int, entries_each: int):
    """Synthetic: more clusters with accounts and more entries, to show the query count does not grow."""
    admin = world.users["admin"]  # books in every cluster (a secretariat only in its own)
    clusters = list(Cluster.objects.filter(region=world.cy_a.cluster.region).order_by("name"))
    for index, cluster in enumerate(clusters[:n_clusters_with_accounts]):
        cy = cluster_year(cluster)
        init = initiative(cluster, f"Syntetisk vækstindsats {index}", area_name="De sårbare ældre")
        funding(cy, "1000.00")
        budget(cy, init, "100.00")
        for i in range(entries_each):
            entry(cy, init, "10.00", by=admin, cost_kind=CostKind.RUNNING if i % 2 else CostKind.DEVELOPMENT)
        comment_add(cluster_year=cy, author=world.users["ssu_a"], text="Syntetisk")
        cluster_year_transition(cluster_year=cy, action="submit", by=world.users["admin"])


# session, user, region, clusters, cluster-years with funding, carry-over, comments and the last move,
# budget by area, one pass over the entries, years, and the base template's region of the SSU user
# (+1: the years the portal holds, for the <year:year> converter in the URL, issue 14)
# (+1: the funding lines per party, for the warnings, issue 13)
# (-1: the base template's region of the SSU user is the page's region, issue 16)
REGION_PAGE_QUERIES = 10


@pytest.mark.parametrize(("clusters", "entries"), [(1, 1), (5, 6)])
def test_region_page_query_count_is_constant(world, client_for, django_assert_num_queries, clusters, entries):
    _grow(world, clusters, entries)
    client = client_for(world.users["ssu_a"])
    with django_assert_num_queries(REGION_PAGE_QUERIES):
        response = client.get(region_url(world))
    assert response.status_code == 200
    assert response.content.decode().count("Gennemgang og kommentarer (1)") == clusters
