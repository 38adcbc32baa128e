"""Pages that follow a `next` parameter never send the user to another site."""
import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import user
from users.models import Role

FOREIGN = ("https://ondsindet.example/side", "//ondsindet.example/side", "https:/\\ondsindet.example")


def _client(world, role):
    client = Client()
    client.force_login(world.users[role])
    return client


@pytest.mark.parametrize("target", FOREIGN)
def test_review_actions_ignore_a_foreign_next(world, db, target):
    client = _client(world, "secretariat_a")
    response = client.post(reverse("review:comment_add", args=[world.cy_a.pk]),
                           {"text": "Syntetisk kommentar", "next": target})
    assert response.status_code == 302
    assert "ondsindet" not in response.headers["Location"]
    response = client.post(reverse("review:transition", args=[world.cy_a.pk, "submit"]), {"next": target})
    assert response.status_code == 302
    assert "ondsindet" not in response.headers["Location"]


@pytest.mark.parametrize("target", FOREIGN)
def test_login_ignores_a_foreign_next(world, db, target):
    user(Role.NATIONAL, username="laeser_redirect", password="syntetisk-adgangskode-42")
    response = Client().post(
        reverse("login") + "?next=" + target,
        {"username": "laeser_redirect", "password": "syntetisk-adgangskode-42", "next": target},
    )
    assert response.status_code == 302
    assert "ondsindet" not in response.headers["Location"]
