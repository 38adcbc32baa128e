import pytest
from django.test import Client

from users.models import Role


@pytest.mark.django_db
def test_404_is_danish(make_user):
    client = Client()
    client.force_login(make_user(Role.NATIONAL))
    response = client.get("/findes-ikke/")
    assert response.status_code == 404
    assert "Siden findes ikke" in response.content.decode()


@pytest.mark.django_db
def test_403_shows_the_danish_reason(make_user, aarhus):
    from accounts.models import ClusterYear

    cluster_year = ClusterYear.objects.create(cluster=aarhus, year=2022)
    ssu = make_user(Role.SSU, region=aarhus.region)
    client = Client()
    client.force_login(ssu)
    # An SSU member sees the accounts but may not book entries: the refusal names the reason.
    response = client.post(f"/regnskab/{cluster_year.pk}/posteringer/ny/", {})
    assert response.status_code == 403
    assert "adgang" in response.content.decode()
