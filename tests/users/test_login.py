"""The Danish login and logout pages."""
import pytest
from django.urls import reverse

from tests.conftest import TEST_PASSWORD
from users.models import Role

pytestmark = pytest.mark.django_db


def test_login_page_is_danish(client, ref):
    response = client.get(reverse("login"))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="da">' in html
    assert "<h1>Log ind</h1>" in html
    assert ">Brugernavn</label>" in html and ">Adgangskode</label>" in html
    assert "Log ind</button>" in html


def test_wrong_password_is_refused_in_danish(client, make_user):
    make_user(Role.NATIONAL, username="laeser")
    response = client.post(reverse("login"), {"username": "laeser", "password": "forkert"})
    assert response.status_code == 200
    assert "Brugernavn eller adgangskode er forkert. Prøv igen." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_then_logout(client, make_user):
    user = make_user(Role.NATIONAL, username="laeser")
    response = client.post(
        reverse("login"), {"username": "laeser", "password": TEST_PASSWORD, "next": "/geografi/tabel-2/"}
    )
    assert response.status_code == 302 and response["Location"] == "/geografi/tabel-2/"
    assert client.session["_auth_user_id"] == str(user.pk)
    page = client.get("/geografi/").content.decode()
    assert "Log ud</button>" in page
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session
    assert client.get("/geografi/")["Location"].startswith("/log-ind/")


def test_logout_by_get_is_not_allowed(client, make_user):
    client.force_login(make_user(Role.NATIONAL))
    assert client.get(reverse("logout")).status_code == 405
