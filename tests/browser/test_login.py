import pytest

from users.models import Role

pytestmark = pytest.mark.browser


def test_login_shows_danish_portal(page, login, make_user, shot):
    make_user(Role.NATIONAL, username="laeser")
    page.goto("/")
    assert "/log-ind/" in page.url
    page.fill("#id_username", "laeser")
    page.fill("#id_password", "forkert")
    page.click("button[type=submit]")
    assert "Brugernavn eller adgangskode er forkert" in page.content()
    login("laeser")
    assert page.locator("h1").inner_text() == "Klyngeportal"
    shot("forside")
