"""Accounts are opened only for a year with a cluster map (issue 15, part 7): offered, accepted, refused in Danish."""
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts import services
from accounts.models import ClusterYear
from geography.selectors import map_years
from klyngeportal.converters import held_years


def offered_years(html: str) -> list[int]:
    select = re.search(r'<select id="year" name="year".*?</select>', html, re.S).group(0)
    return [int(y) for y in re.findall(r'<option value="(\d+)"', select)]


def test_the_list_offers_only_the_years_the_portal_holds(client_for, users):
    held = list(held_years())
    assert map_years()[0] == held[0] == 2022 and 2099 not in held and 2000 not in held
    client = client_for(users["secretariat_a"])
    assert offered_years(client.get(reverse("accounts:cluster_year_list")).content.decode()) == held
    html = client.get(reverse("accounts:cluster_year_list") + f"?year={held[-1]}").content.decode()
    assert offered_years(html) == held and "Opret regnskab" in html
    for year in ("2099", "2000", "2021", "1999"):
        assert client.get(reverse("accounts:cluster_year_list") + f"?year={year}").status_code == 404


@pytest.mark.parametrize("year", [2000, 2021, 2099, 2100])
def test_opening_a_year_without_a_cluster_map_is_refused(client_for, users, aarhus, year):
    held_path = reverse("accounts:cluster_year_open", args=[aarhus.pk, 2022])
    path = held_path.replace("/2022/", f"/{year}/")
    assert path != held_path
    response = client_for(users["secretariat_a"]).post(path)
    assert response.status_code == 404
    assert "Siden findes ikke" in response.content.decode()
    assert not ClusterYear.objects.filter(year=year).exists()


def test_the_service_refuses_a_year_without_a_cluster_map_in_danish(aarhus, ref):
    held = held_years()
    with pytest.raises(ValidationError) as excinfo:
        services.cluster_year_get_or_create(cluster=aarhus, year=2099)
    assert excinfo.value.code == "year_not_held"
    assert excinfo.value.messages == [
        "Portalen har intet klyngekort for 2099, så der kan ikke oprettes regnskab for året. "
        f"Regnskaber kan oprettes for {held[0]}–{held[-1]}."
    ]
    assert not ClusterYear.objects.filter(year=2099).exists()


def test_a_held_year_is_opened(client_for, users, aarhus):
    year = held_years()[-1]
    response = client_for(users["secretariat_a"]).post(reverse("accounts:cluster_year_open", args=[aarhus.pk, year]))
    cluster_year = ClusterYear.objects.get(cluster=aarhus, year=year)
    assert response.status_code == 302 and response["Location"] == cluster_year.get_absolute_url()
