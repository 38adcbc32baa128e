"""Login lockout (django-axes): repeated wrong passwords close logins per username and per address.

The state is axes' database tables, so every gunicorn worker (and every fresh test client here)
sees the same lockout. The tests log in through the real login form (the request reaches axes).
"""
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from tests.conftest import TEST_PASSWORD
from users.logins import client_ip_address
from users.models import Role

pytestmark = pytest.mark.django_db

LOCKED_TEXT = "For mange forkerte adgangskoder: der er lukket for login med dette brugernavn eller fra denne adresse i 15 minutter."


def attempt(username: str, password: str, *, address: str = "127.0.0.1", path: str | None = None, **headers):
    """One login through the form, from a fresh browser (no shared session) at the given address."""
    client = Client(REMOTE_ADDR=address, **headers)
    response = client.post(path or reverse("login"), {"username": username, "password": password})
    return client, response


def fail(username: str, times: int, **kwargs):
    return [attempt(username, "forkert", **kwargs)[1] for _ in range(times)]


def is_locked(response) -> bool:
    return response.status_code == 429 and LOCKED_TEXT in response.content.decode()


def logged_in(client, response, user) -> bool:
    return response.status_code == 302 and client.session.get("_auth_user_id") == str(user.pk)


def test_settings_lock_per_username_and_per_address():
    assert settings.AXES_LOCKOUT_PARAMETERS == ["username", "ip_address"]
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME == timedelta(minutes=15)
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"


def test_four_wrong_passwords_are_only_wrong_passwords(make_user):
    user = make_user(Role.NATIONAL, username="laeser")
    for response in fail("laeser", 4):
        assert response.status_code == 200
        assert "Brugernavn eller adgangskode er forkert. Prøv igen." in response.content.decode()
    client, response = attempt("laeser", TEST_PASSWORD)
    assert logged_in(client, response, user)


def test_the_fifth_wrong_password_locks_the_username_out_in_danish(make_user):
    user = make_user(Role.NATIONAL, username="laeser")
    *earlier, fifth = fail("laeser", 5)
    assert [r.status_code for r in earlier] == [200, 200, 200, 200]
    assert is_locked(fifth)
    html = fifth.content.decode()
    assert "<h1>Login midlertidigt lukket</h1>" in html
    assert "Efter 5 forkerte forsøg" in html
    assert f'href="{reverse("password_reset")}"' in html
    # Now even the right password is refused, from this address and from any other.
    for address in ("127.0.0.1", "198.51.100.23"):
        client, response = attempt("laeser", TEST_PASSWORD, address=address)
        assert is_locked(response), address
        assert "_auth_user_id" not in client.session
    assert not user.__class__.objects.get(pk=user.pk).last_login


def test_wrong_passwords_from_one_address_lock_the_address_out(make_user):
    user = make_user(Role.NATIONAL, username="laeser")
    for n in range(5):  # guessing five different usernames from one address
        attempt(f"gaet{n}", "forkert", address="203.0.113.9")
    client, response = attempt("laeser", TEST_PASSWORD, address="203.0.113.9")
    assert is_locked(response)
    assert "_auth_user_id" not in client.session
    # The user is not locked out elsewhere: only that address is.
    client, response = attempt("laeser", TEST_PASSWORD, address="198.51.100.23")
    assert logged_in(client, response, user)


def test_a_successful_login_resets_the_count(make_user):
    make_user(Role.NATIONAL, username="laeser")
    fail("laeser", 4)
    attempt("laeser", TEST_PASSWORD)
    assert not AccessAttempt.objects.filter(username="laeser").exists()
    assert [r.status_code for r in fail("laeser", 4)] == [200, 200, 200, 200]


def test_the_lockout_lifts_after_the_cool_off(make_user):
    user = make_user(Role.NATIONAL, username="laeser")
    assert is_locked(fail("laeser", 5)[-1])
    # Fifteen minutes and a second pass (the attempts are recorded with their time).
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=15, seconds=1))
    client, response = attempt("laeser", TEST_PASSWORD)
    assert logged_in(client, response, user)


@pytest.mark.parametrize(
    ("command", "args"),
    [("axes_reset_username", ["laeser"]), ("axes_reset_ip", ["127.0.0.1"]), ("axes_reset", [])],
)
def test_an_administrator_lifts_a_lockout_with_axes_commands(make_user, command, args):
    user = make_user(Role.NATIONAL, username="laeser")
    assert is_locked(fail("laeser", 5)[-1])
    call_command(command, *args, verbosity=0)
    client, response = attempt("laeser", TEST_PASSWORD)
    assert logged_in(client, response, user)


def test_an_administrator_lifts_a_lockout_in_the_admin(make_user):
    user = make_user(Role.NATIONAL, username="laeser")
    assert is_locked(fail("laeser", 5, address="198.51.100.23")[-1])
    admin = Client()
    admin.force_login(make_user(Role.ADMIN, username="chef"))
    changelist = reverse("admin:axes_accessattempt_changelist")
    page = admin.get(changelist)
    assert page.status_code == 200 and "laeser" in page.content.decode()
    pks = list(AccessAttempt.objects.values_list("pk", flat=True))
    response = admin.post(changelist, {"action": "delete_selected", "_selected_action": pks, "post": "yes"})
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    client, response = attempt("laeser", TEST_PASSWORD, address="198.51.100.23")
    assert logged_in(client, response, user)


def test_the_admin_login_is_locked_out_too(make_user):
    make_user(Role.ADMIN, username="chef")
    responses = fail("chef", 5, path=reverse("admin:login"))
    assert is_locked(responses[-1])
    _, response = attempt("chef", TEST_PASSWORD, path=reverse("admin:login"))
    assert is_locked(response)


# --- the client's address behind reverse proxies ------------------------------------------

def request_with(rf, remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return rf.post("/log-ind/", **extra)


def test_without_trusted_proxies_the_address_is_remote_addr(rf, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip_address(request_with(rf, "203.0.113.9", "198.51.100.1")) == "203.0.113.9"


def test_behind_trusted_proxies_the_client_cannot_choose_its_address(rf, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # The client sent its own X-Forwarded-For; our proxy appended the address it saw.
    assert client_ip_address(request_with(rf, "10.0.0.2", "1.2.3.4, 203.0.113.9")) == "203.0.113.9"
    assert client_ip_address(request_with(rf, "10.0.0.2", "203.0.113.9")) == "203.0.113.9"
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip_address(request_with(rf, "10.0.0.3", "1.2.3.4, 203.0.113.9, 10.0.0.2")) == "203.0.113.9"
    # A request that did not pass all our proxies is counted under the address it came from.
    assert client_ip_address(request_with(rf, "10.0.0.3", "203.0.113.9")) == "10.0.0.3"
    assert client_ip_address(request_with(rf, "10.0.0.3")) == "10.0.0.3"


def test_behind_a_proxy_one_client_is_locked_out_not_everyone(make_user, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    user = make_user(Role.NATIONAL, username="laeser")
    for n in range(5):
        attempt(f"gaet{n}", "forkert", address="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.9")
    _, response = attempt("laeser", TEST_PASSWORD, address="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert is_locked(response)
    client, response = attempt("laeser", TEST_PASSWORD, address="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.23")
    assert logged_in(client, response, user)
