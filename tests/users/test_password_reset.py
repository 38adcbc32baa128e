""""Glemt adgangskode?": Django's reset by e-mail with Danish pages and e-mail, linked from the login."""
import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import TEST_PASSWORD
from users.models import Role

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Solsikke-Bornholm-2026"


def link_in(body: str) -> str:
    match = re.search(r"^(\S*/adgangskode/ny/[^/\s]+/[^/\s]+/)$", body, flags=re.MULTILINE)
    assert match, body
    return match.group(1)


def test_the_login_page_links_to_the_reset(client, ref):
    html = client.get(reverse("login")).content.decode()
    assert f'<a href="{reverse("password_reset")}">Glemt adgangskode?</a>' in html


def test_the_reset_form_is_danish_and_open_without_login(client, ref):
    response = client.get(reverse("password_reset"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Glemt adgangskode?</h1>" in html
    assert ">E-mailadresse</label>" in html and "Send link</button>" in html


def test_the_whole_reset_by_email(client, make_user, mailoutbox, settings):
    settings.SITE_URL = "https://klyngeportal.example.dk"
    user = make_user(Role.NATIONAL, username="laeser", email="laerke@example.dk", first_name="Lærke")
    response = client.post(reverse("password_reset"), {"email": "laerke@example.dk"})
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
    done = client.get(response["Location"]).content.decode()
    assert "<h1>Tjek din e-mail</h1>" in done

    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["laerke@example.dk"]
    assert message.subject == "Ny adgangskode til Klyngeportal"
    assert "Hej Lærke" in message.body
    assert "Dit brugernavn er: laeser" in message.body
    link = link_in(message.body)
    assert link.startswith("https://klyngeportal.example.dk/adgangskode/ny/")

    # The link opens the form for a new password (Django moves the token into the session first).
    path = link.removeprefix("https://klyngeportal.example.dk")
    response = client.get(path)
    assert response.status_code == 302
    form_url = response["Location"]
    html = client.get(form_url).content.decode()
    assert "<h1>Vælg ny adgangskode</h1>" in html
    assert "Ny adgangskode" in html and "Bekræftelse af ny adgangskode" in html

    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_complete")
    assert "<h1>Ny adgangskode gemt</h1>" in client.get(response["Location"]).content.decode()

    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD) and not user.check_password(TEST_PASSWORD)
    browser = Client()
    response = browser.post(reverse("login"), {"username": "laeser", "password": NEW_PASSWORD})
    assert response.status_code == 302 and browser.session["_auth_user_id"] == str(user.pk)
    # The link is used up.
    html = Client().get(path, follow=True).content.decode()
    assert "<h1>Linket virker ikke</h1>" in html


def test_without_site_url_the_link_uses_the_requests_host(client, make_user, mailoutbox, settings):
    settings.SITE_URL = ""
    make_user(Role.NATIONAL, username="laeser", email="laerke@example.dk")
    client.post(reverse("password_reset"), {"email": "laerke@example.dk"})
    assert link_in(mailoutbox[0].body).startswith("http://testserver/adgangskode/ny/")


def test_an_unknown_address_looks_the_same_and_sends_nothing(client, make_user, mailoutbox):
    make_user(Role.NATIONAL, username="laeser", email="laerke@example.dk")
    response = client.post(reverse("password_reset"), {"email": "ukendt@example.dk"})
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
    assert mailoutbox == []


def test_a_junk_address_is_refused_in_danish(client, ref, mailoutbox):
    response = client.post(reverse("password_reset"), {"email": "ikke en adresse"})
    assert response.status_code == 200
    assert "Skriv en gyldig e-mailadresse." in response.content.decode()
    assert mailoutbox == []


def test_a_weak_new_password_is_refused_with_danish_reasons(client, make_user, mailoutbox):
    user = make_user(Role.NATIONAL, username="laeser", email="laerke@example.dk")
    client.post(reverse("password_reset"), {"email": "laerke@example.dk"})
    form_url = client.get(link_in(mailoutbox[0].body).removeprefix("http://testserver"))["Location"]
    response = client.post(form_url, {"new_password1": "12345", "new_password2": "12345"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Denne adgangskode er for kort. Den skal indeholde mindst 8 tegn." in html
    assert "Denne adgangskode er for almindelig." in html
    assert "Denne adgangskode er udelukkende numerisk." in html
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD + "x"})
    assert "De to adgangskoder var ikke identiske." in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(TEST_PASSWORD)


def test_a_junk_link_says_it_does_not_work(client, ref):
    response = client.get(reverse("password_reset_confirm", kwargs={"uidb64": "MTIz", "token": "ugyldig"}))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Linket virker ikke</h1>" in html
    assert f'href="{reverse("password_reset")}"' in html
