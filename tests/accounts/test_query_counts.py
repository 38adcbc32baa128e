"""The cluster-year page, the entry list, the budget list and the history keep the same query count at 10 and 1,000 entries."""
import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts import services
from accounts.models import Initiative
from geography.selectors import cluster_municipalities

# Pinned: session + user, the cluster-year, the summary's seven aggregate queries, the budget lines' stored
# months (phasing and forecast, accounts.selectors.phasing), the sibling years, and the review and Excel panels.
DETAIL_QUERIES = 17
# Pinned: session + user (+ the SSU member's region in the page header), the cluster-year, the cluster's
# memberships (party choices), the filter's areas and initiatives, the page count and the page itself.
LIST_QUERIES = 9
# Pinned: session + user (+ the SSU member's region in the page header), the cluster-year, the cluster's
# memberships (party choices), the filter's areas and initiatives, the totals of what is filtered (which also
# count the rows: no COUNT of its own) and the page itself.
BUDGET_LIST_QUERIES = 9
# The history: session + user, the cluster-year, the UNION count and page, then at most one query per
# source present on the page (seven sources): bounded by 12 whatever the history's length.
HISTORY_MAX_QUERIES = 12


def fill(cy, user, initiatives, municipalities, n: int):
    """n synthetic entries spread over initiatives, parties, kinds and cost kinds, plus one reversal."""
    rows = []
    for i in range(n):
        municipality = municipalities[i % len(municipalities)]
        rows.append({
            "initiative": initiatives[i % len(initiatives)], "party_kind": "municipality",
            "municipality": municipality, "booking_date": datetime.date(2022, 1 + i % 12, 1 + i % 28),
            "kind": "income" if i % 7 == 0 else "expense", "amount": Decimal(100 + i) / 4,
            "account_code": "4.62.82", "voucher": f"SYN-{i}", "text": "Syntetisk",
            "cost_kind": ("development", "secretariat", "running")[i % 3],
        })
    entries = services.entries_create_bulk(cluster_year=cy, rows=rows, created_by=user)
    services.entry_reverse(entry=entries[0], by=user)


@pytest.fixture
def world(users, cy_a, initiative_a, area, aarhus_kommune):
    second = services.initiative_create(
        cluster_year=cy_a, by=users["secretariat_a"], name="Syntetisk anden indsats", area=area,
        responsible=Initiative.Responsible.REGION, status="planned",
    )
    members = list(cluster_municipalities(cy_a.cluster, 2022).values())
    for municipality in members:
        services.budget_line_set(cluster_year=cy_a, by=users["secretariat_a"], initiative=initiative_a,
                                 source="startup", party_kind="municipality", municipality=municipality,
                                 amount=Decimal("5000.00"))
    return cy_a, [initiative_a, second], members


@pytest.mark.parametrize("n", [10, 1000])
def test_cluster_year_page_query_count_is_pinned(world, users, client_for, django_assert_num_queries, n):
    cy, initiatives, members = world
    fill(cy, users["secretariat_a"], initiatives, members, n)
    client = client_for(users["secretariat_a"])
    url = reverse("accounts:cluster_year_detail", args=[cy.pk])
    with django_assert_num_queries(DETAIL_QUERIES):
        response = client.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize("n", [10, 1000])
def test_entry_list_query_count_is_pinned(world, users, client_for, django_assert_num_queries, n):
    cy, initiatives, members = world
    fill(cy, users["secretariat_a"], initiatives, members, n)
    client = client_for(users["ssu_a"])
    url = reverse("accounts:entry_list", args=[cy.pk])
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(url, {"sort": "-amount", "page": 1})
    assert response.status_code == 200
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(url, {"kind": "expense", "cost_kind": "development", "party": f"m:{members[0].pk}"})
    assert response.status_code == 200


@pytest.mark.parametrize("n", [10, 1000])
def test_budget_list_query_count_is_pinned(world, users, client_for, django_assert_num_queries, area, n):
    cy, initiatives, members = world
    fill(cy, users["secretariat_a"], initiatives, members, n)
    for i in range(1 + n // 100):  # more budget lines with the data: 1 more initiative at 10 entries, 11 at 1,000
        initiative = services.initiative_create(
            cluster_year=cy, by=users["secretariat_a"], name=f"Syntetisk indsats {i}", area=area,
            responsible=Initiative.Responsible.REGION, status="planned",
        )
        for municipality in members:
            services.budget_line_set(cluster_year=cy, by=users["secretariat_a"], initiative=initiative,
                                     source="local", party_kind="municipality", municipality=municipality,
                                     amount=Decimal("100.00"))
    client = client_for(users["ssu_a"])
    url = reverse("accounts:budget_list", args=[cy.pk])
    with django_assert_num_queries(BUDGET_LIST_QUERIES):
        response = client.get(url, {"sort": "-amount", "page": 1})
    assert response.status_code == 200
    with django_assert_num_queries(BUDGET_LIST_QUERIES):
        response = client.get(url, {"source": "startup", "party": f"m:{members[0].pk}"})
    assert response.status_code == 200
    assert response.context["filtered_totals"].budget == Decimal("5000.00")
    with django_assert_num_queries(BUDGET_LIST_QUERIES):  # the chosen area checked against the options read
        response = client.get(url, {"area": area.pk, "source": "local"})
    assert response.context["filtered_totals"].count == len(members) * (1 + n // 100)


@pytest.mark.parametrize("n", [10, 1000])
def test_history_query_count_is_bounded(world, users, client_for, django_assert_max_num_queries, n):
    cy, initiatives, members = world
    fill(cy, users["secretariat_a"], initiatives, members, n)
    client = client_for(users["national"])
    url = reverse("accounts:history", args=[cy.pk])
    for page in (1, 2):
        with django_assert_max_num_queries(HISTORY_MAX_QUERIES):
            response = client.get(url, {"page": page})
        assert response.status_code == 200
    assert "Postering" in response.content.decode()


@pytest.mark.parametrize("n", [10, 1000])
def test_cluster_year_list_query_count_is_pinned(world, users, client_for, django_assert_num_queries, n):
    cy, initiatives, members = world
    fill(cy, users["secretariat_a"], initiatives, members, n)
    client = client_for(users["national"])
    # session + user, the clusters, the cluster-years with their totals (one query), the years seen
    # (a national reader writes nowhere: the writable clusters are an empty queryset, no query)
    with django_assert_num_queries(5):
        response = client.get(reverse("accounts:cluster_year_list"))
    assert response.status_code == 200
