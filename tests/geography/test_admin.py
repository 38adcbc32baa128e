"""The Django admin for the cluster map and the FOLK1A upload page (admins only).

Uploaded files are SYNTHETIC (tests/geography/folk1a.py).
"""
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from geography.models import Membership, MunicipalityPopulation, PopulationQuarter
from tests.factories import user
from tests.geography.folk1a import folk1a_bytes, folk1a_rows
from users.models import Role

pytestmark = pytest.mark.django_db

CHANGELISTS = [
    "admin:geography_region_changelist",
    "admin:geography_municipality_changelist",
    "admin:geography_cluster_changelist",
    "admin:geography_membership_changelist",
    "admin:geography_clusterfundingpopulation_changelist",
    "admin:geography_populationquarter_changelist",
    "admin:geography_municipalitypopulation_changelist",
    "admin:geography_population_upload",
]


@pytest.fixture
def admin_client(ref, client):
    admin = user(Role.ADMIN, username="adm")
    client.force_login(admin)
    client.user = admin
    return client


@pytest.mark.parametrize("name", CHANGELISTS)
def test_admin_pages_open_for_an_admin(admin_client, name):
    assert admin_client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize("name", CHANGELISTS)
def test_admin_pages_are_closed_to_other_roles(ref, client, aarhus, name):
    client.force_login(user(Role.SECRETARIAT, username="sek", cluster=aarhus))
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


# session + user, then the changelist's own queries; none grows with the number of rows
ADMIN_QUERIES = {
    "admin:geography_region_changelist": 5,
    "admin:geography_municipality_changelist": 6,
    "admin:geography_cluster_changelist": 6,
    "admin:geography_membership_changelist": 12,
    "admin:geography_clusterfundingpopulation_changelist": 6,
    "admin:geography_populationquarter_changelist": 5,
    "admin:geography_municipalitypopulation_changelist": 7,
}


@pytest.mark.parametrize("name", ADMIN_QUERIES)
def test_admin_changelist_query_counts(admin_client, django_assert_num_queries, name, tmp_path):
    from django.core.management import call_command

    from tests.geography.folk1a import write_folk1a

    with django_assert_num_queries(ADMIN_QUERIES[name]):
        admin_client.get(reverse(name))
    call_command("load_population", str(write_folk1a(tmp_path)), stdout=io.StringIO())
    with django_assert_num_queries(ADMIN_QUERIES[name]):
        response = admin_client.get(reverse(name))
    assert response.status_code == 200


def test_membership_changelist_counts_103(admin_client):
    response = admin_client.get(reverse("admin:geography_membership_changelist") + "?year=2022")
    assert "103 medlemskaber" in response.content.decode()


def test_membership_changelist_warns_about_map_problems(admin_client):
    from decimal import Decimal

    # load_reference derives both of København's shares; one set and one unknown is the problem shown
    Membership.objects.filter(municipality__code=101, cluster__name="Klynge By").update(funding_share=None)
    Membership.objects.filter(municipality__code=101, cluster__name="Klynge Syd").update(funding_share=Decimal("0.3"))
    response = admin_client.get(reverse("admin:geography_membership_changelist"), follow=True)
    messages = [str(m) for m in response.context["messages"]]
    assert "Klyngekortet 2022: København: kun 1 af 2 andele er sat for 2022; " \
           "sættes én, skal alle sættes, og de skal summere til 1." in messages


def test_admin_refuses_a_membership_across_regions_in_danish(admin_client, bornholm):
    from geography.models import Municipality

    aarhus_kommune = Municipality.objects.get(name="Aarhus")
    response = admin_client.post(reverse("admin:geography_membership_add"), {
        "year": 2023, "cluster": bornholm.pk, "municipality": aarhus_kommune.pk,
        "kind": "funding", "table2_mark": "", "funding_share": "",
    })
    assert response.status_code == 200
    assert "Klyngen og kommunen skal ligge i samme region." in response.content.decode()
    assert not Membership.objects.filter(year=2023).exists()


def test_upload_page_loads_a_quarter_and_records_who(admin_client):
    # a synthetic 2022K2 beside the shipped 2022K1
    upload = SimpleUploadedFile("FOLK1A_syntetisk.csv", folk1a_bytes(folk1a_rows("2022K2"), encoding="cp1252"))
    response = admin_client.post(reverse("admin:geography_population_upload"), {"file": upload}, follow=True)
    messages = [str(m) for m in response.context["messages"]]
    assert any(m.startswith("Indlæst 2022K2 (01.04.2022): 98 kommuner") for m in messages)
    quarter = PopulationQuarter.objects.get(code="2022K2")
    assert quarter.loaded_by == admin_client.user
    assert (quarter.source_name, quarter.source) == ("FOLK1A_syntetisk.csv", "")
    assert MunicipalityPopulation.objects.filter(quarter=quarter).count() == 98
    assert PopulationQuarter.objects.get(code="2022K1").loaded_by is None


def test_upload_page_lists_problems_and_saves_nothing(admin_client):
    upload = SimpleUploadedFile("forkert.csv", folk1a_bytes(folk1a_rows(leave_out=(101,), values={147: "-2"})))
    response = admin_client.post(reverse("admin:geography_population_upload"), {"file": upload})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Filen er afvist; intet er gemt. 2 problemer:" in html
    assert "1 kommune mangler i filen: København (101)." in html
    assert "indholdet «-2» er ikke et helt tal ≥ 0" in html
    # the shipped 2022K1 is untouched
    assert list(PopulationQuarter.objects.values_list("code", flat=True)) == ["2022K1"]
    assert MunicipalityPopulation.objects.get(municipality__code=147).population == 103_608


def test_user_admin_gives_staff_only_with_the_admin_role(admin_client, aarhus):
    secretariat = user(Role.SECRETARIAT, username="sek", cluster=aarhus)
    url = reverse("admin:users_user_change", args=[secretariat.pk])
    form = {
        "username": "sek", "role": "secretariat", "cluster": aarhus.pk, "region": "",
        "is_active": "on", "is_staff": "on", "date_joined_0": "2022-01-01", "date_joined_1": "00:00:00",
    }
    response = admin_client.post(url, form)
    assert response.status_code == 200
    assert "Kun rollen administrator giver adgang til administrationen" in response.content.decode()
    secretariat.refresh_from_db()
    assert not secretariat.is_staff
    form.pop("is_staff")
    form.update(role="admin", cluster="")
    response = admin_client.post(url, form)
    assert response.status_code == 302
    secretariat.refresh_from_db()
    assert secretariat.is_staff and secretariat.is_superuser
