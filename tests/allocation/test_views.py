"""Allocation pages: content, permissions, scenarios through the forms, and pinned query counts."""
from decimal import Decimal

import pytest
from django.urls import reverse

from allocation.models import AllocationRound, MunicipalityWeight, RegionKey
from allocation.shares import derive_shares, shares_save
from geography.models import Membership, Municipality, MunicipalityPopulation, PopulationQuarter
from tests.allocation.synthetic import load_synthetic_quarter
from tests.conftest import get_cluster
from tests.geography.folk1a import forget_loaded_quarters
from users.models import Role

D = Decimal


@pytest.fixture
def national(make_user):
    return make_user(Role.NATIONAL, username="analytiker")


@pytest.fixture
def admin_user(make_user):
    return make_user(Role.ADMIN, username="administrator")


@pytest.mark.django_db
def test_detail_in_table1_layout(national, client_for):
    c = client_for(national)
    html = c.get(reverse("allocation:round_detail", args=["2022"])).content.decode()
    assert "6,81 kr." in html and "6,44–7,31 kr." in html
    assert "største rest" in html
    assert "Region Syddanmark i alt" in html and "8.557.655" in html
    assert html.count('class="subtotal"') == 5 and html.count('class="total"') == 1
    assert "40.000.000" in html and "80.000.000" in html
    assert "8.563.999" in html  # the published table's inconsistency is shown, not hidden
    assert reverse("geography:table2") in html
    # the shipped 2022K1 gives the contributions per municipality out of the box
    assert "Bidrag pr. kommune (CSV)" in html and "Bidrag pr. kommune (Excel)" in html
    assert "ikke indlæst" not in html


@pytest.mark.django_db
def test_cluster_drill_down_without_and_with_quarter(national, client_for, tmp_path):
    c = client_for(national)
    forget_loaded_quarters()
    aarhus = get_cluster(1082, "Aarhusklyngen")
    url = reverse("allocation:round_cluster", args=["2022", aarhus.pk])
    html = c.get(url).content.decode()
    assert "2.444.638" in html and "2.312.632" in html and "358.954" in html
    assert "8.645.180" in html  # the region's amount
    # a plain sentence saying who can load the quarter, no command
    assert "En administrator kan indlæse kvartalet" in html
    assert "manage.py" not in html and "load_population" not in html
    load_synthetic_quarter(tmp_path)
    html = c.get(url).content.decode()
    assert "Samsø" in html and "Bidrag (kr.)" in html


@pytest.mark.django_db
def test_reconciliation_page(national, client_for):
    html = client_for(national).get(reverse("allocation:round_reconciliation", args=["2022"])).content.decode()
    assert "84 celler:</strong> 60 ens, 16 afrunding, 8 afvigelse" in html
    assert "8.563.999" in html and "8.557.655" in html and "6.344 kr. mere" in html
    for published in ("1.657.254", "2.061.670", "1.628.090", "3.216.985"):
        assert published in html


@pytest.mark.django_db
def test_shares_page_shows_unknown_then_derived(national, admin_user, client_for, tmp_path):
    c = client_for(admin_user)
    forget_loaded_quarters()
    url = reverse("allocation:round_shares", args=["2022"])
    html = c.get(url).content.decode()
    assert "ikke indlæst" in html and "En administrator kan indlæse kvartalet" in html
    assert "manage.py" not in html
    load_synthetic_quarter(tmp_path)
    html = c.get(url).content.decode()
    assert "ukendt" in html and "Gem de afledte andele" in html
    assert client_for(national).post(url).status_code == 403  # national readers change nothing
    response = c.post(url)
    assert response.status_code == 302
    shares = Membership.objects.filter(year=2022, kind="shared_funding").values_list("funding_share", flat=True)
    assert sum(shares) == 1 and None not in shares
    # each share's history names the administrator who saved it
    for membership in Membership.objects.filter(year=2022, kind="shared_funding"):
        latest = membership.history.latest()
        assert (latest.history_user, latest.funding_share) == (admin_user, membership.funding_share)


@pytest.mark.django_db
def test_secretariat_can_read_but_not_make_scenarios(make_user, aarhus, client_for):
    c = client_for(make_user(Role.SECRETARIAT, cluster=aarhus))
    assert c.get(reverse("allocation:round_detail", args=["2022"])).status_code == 200
    assert c.get(reverse("allocation:round_copy", args=["2022"])).status_code == 403
    assert c.post(reverse("allocation:round_shares", args=["2022"])).status_code == 403


@pytest.mark.django_db
def test_scenario_copy_change_compare_publish(national, admin_user, client_for):
    # National readers read everything and change nothing: scenarios are made by administrators.
    assert client_for(national).post(reverse("allocation:round_copy", args=["2022"]), {"name": "x"}).status_code == 403
    c = client_for(admin_user)
    response = c.post(reverse("allocation:round_copy", args=["2022"]), {"name": "Scenarie 90 mio.", "year": "2022"})
    scenario = AllocationRound.objects.get(name="Scenarie 90 mio.")
    assert response.status_code == 302 and scenario.status == "draft" and scenario.based_on.slug == "2022"
    assert RegionKey.objects.filter(round=scenario).count() == 5
    assert scenario.history.get().history_user == admin_user  # the view passes the user on

    edit = reverse("allocation:round_edit", args=[scenario.slug])
    bad = c.post(edit, {"name": "x", "pot": "90.000.000", "municipal_pot": "0.5",
                        "population_basis": "funding_population", "reference_date": "01.01.2022"})
    assert "tvetydigt: brug komma som decimaltegn" in bad.content.decode()
    too_much = c.post(edit, {"name": "x", "pot": "1.000", "municipal_pot": "2.000",
                             "population_basis": "funding_population", "reference_date": "01.01.2022"})
    assert "kan ikke være større end puljen" in too_much.content.decode()
    ok = c.post(edit, {"name": "Scenarie 90 mio.", "pot": "90.000.000", "municipal_pot": "45.000.000,00",
                       "population_basis": "funding_population", "reference_date": "01.01.2022"})
    assert ok.status_code == 302
    scenario.refresh_from_db()
    assert (scenario.pot, scenario.municipal_pot, scenario.regional_pot) == (D(90_000_000), D(45_000_000), D(45_000_000))

    keys_url = reverse("allocation:round_keys", args=[scenario.slug])
    regions = list(RegionKey.objects.filter(round=scenario).select_related("region").order_by("region__code"))
    data = {f"key_{k.region_id}": "0,2" for k in regions} | {f"within_{k.region_id}": "population" for k in regions}
    data[f"key_{regions[0].region_id}"] = "0,3"
    refused = c.post(keys_url, data)
    assert "Nøglerne skal summere til præcis 1; de summerer til 1,1" in refused.content.decode()
    data[f"key_{regions[0].region_id}"] = "0,2"
    assert c.post(keys_url, data).status_code == 302
    assert {k.history.latest().history_user for k in RegionKey.objects.filter(round=scenario)} == {admin_user}

    compare = c.get(reverse("allocation:round_compare") + f"?a=2022&b={scenario.slug}").content.decode()
    assert "Forskel = B − A" in compare
    # Bornholm's municipal side: 269.319 -> 45/40 of it; compared per cluster and per region in kr. and %
    assert "12,50 %" in compare

    publish = reverse("allocation:round_publish", args=[scenario.slug])
    assert client_for(national).post(publish).status_code == 403  # national may not publish
    response = client_for(admin_user).post(publish, follow=True)
    assert "Der er allerede en offentliggjort runde for 2022" in response.content.decode()
    scenario.refresh_from_db()
    assert scenario.status == "draft"


@pytest.mark.django_db
def test_published_round_is_frozen(admin_user, client_for):
    c = client_for(admin_user)
    response = c.get(reverse("allocation:round_edit", args=["2022"]), follow=True)
    assert "er offentliggjort og dermed låst" in response.content.decode()


@pytest.mark.django_db
def test_municipality_weights_form(admin_user, client_for, tmp_path):
    c = client_for(admin_user)
    c.post(reverse("allocation:round_copy", args=["2022"]), {"name": "Syntetisk sundhedsindeks", "year": "2022"})
    scenario = AllocationRound.objects.get(name="Syntetisk sundhedsindeks")
    url = reverse("allocation:round_municipality_weights", args=[scenario.slug])
    bad = c.post(url, {"lines": "101;1,2\n999;1\n147;x"}).content.decode()
    assert "Linje 2: «999» er ikke en kendt kommunekode." in bad and "Linje 3: «x» er ikke et tal" in bad
    assert c.post(url, {"lines": "101;1,2\n147\t0,9"}).status_code == 302
    assert dict(MunicipalityWeight.objects.filter(round=scenario).values_list("municipality__code", "weight")) == {
        101: D("1.2"), 147: D("0.9")
    }
    # weights need municipality populations: the page says so instead of computing something else
    html = c.get(scenario.get_absolute_url()).content.decode()
    assert "Vægte pr. kommune kræver kommunernes indbyggertal" in html


def _add_synthetic_municipalities(n):
    """Synthetic: n extra municipalities funding Bornholm, with populations in the loaded quarter."""
    bornholm = get_cluster(1084, "Bornholm")
    quarter = PopulationQuarter.objects.get(code="2022K1")
    for i in range(n):
        m = Municipality.objects.create(code=900 + i, name=f"Syntetisk kommune {i}", region=bornholm.region)
        Membership.objects.create(year=2022, cluster=bornholm, municipality=m, kind="funding")
        MunicipalityPopulation.objects.create(quarter=quarter, municipality=m, population=1000 + i)


PAGES = {
    # detail and reconciliation: one query for the published rows serves the table's order and the reconciliation
    "detail": (lambda: reverse("allocation:round_detail", args=["2022"]), 12),
    "cluster": (lambda: reverse("allocation:round_cluster", args=["2022", get_cluster(1084, "Bornholm").pk]), 12),
    "reconciliation": (lambda: reverse("allocation:round_reconciliation", args=["2022"]), 12),
    "shares": (lambda: reverse("allocation:round_shares", args=["2022"]), 9),  # + the map year of the round
    "compare": (lambda: reverse("allocation:round_compare") + "?a=2022&b=2022", 24),
    "list": (lambda: reverse("allocation:round_list"), 6),
}


@pytest.mark.django_db
@pytest.mark.parametrize("page", sorted(PAGES))
def test_query_counts_do_not_grow_with_municipalities(page, national, client_for, tmp_path, django_assert_num_queries):
    c = client_for(national)
    load_synthetic_quarter(tmp_path)
    derivation = derive_shares(2022, "2022-01-01")
    shares_save(year=2022, shares={d.membership.pk: d.share for d in derivation.shares}, by=None)
    url_for, expected = PAGES[page]
    url = url_for()
    with django_assert_num_queries(expected):
        assert c.get(url).status_code == 200
    _add_synthetic_municipalities(40)
    with django_assert_num_queries(expected):
        response = c.get(url)
    assert response.status_code == 200
    if page == "cluster":
        assert "Syntetisk kommune 39" in response.content.decode()


@pytest.mark.django_db
def test_round_list_exports(national, client_for):
    c = client_for(national)
    response = c.get(reverse("allocation:round_list") + "?_export=csv")
    assert response.status_code == 200
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    lines = text[1:].splitlines()
    assert lines[0] == "Navn;År;Status;Pulje (kr.);Befolkningsgrundlag;Kopieret fra"
    assert lines[1].startswith("Opstartsmidler 2022;2022;Offentliggjort;80000000")


@pytest.mark.django_db
def test_admin_shows_the_published_round_read_only(make_user, client_for, tmp_path):
    admin = make_user(Role.ADMIN, username="admin_runde")
    c = client_for(admin)
    official = AllocationRound.objects.get(slug="2022")
    assert c.get(reverse("admin:allocation_allocationround_changelist")).status_code == 200
    assert c.get(reverse("admin:allocation_allocationround_add")).status_code == 200
    page = c.get(reverse("admin:allocation_allocationround_change", args=[official.pk]))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()  # frozen: no save button
    history = c.get(reverse("admin:allocation_allocationround_history", args=[official.pk]))
    assert history.status_code == 200 and official.name in history.content.decode()
