"""SITE_URL: the portal's address from the environment, so that e-mails carry absolute links."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from klyngeportal.settings import clean_site_url
from review.workflow import cluster_year_transition

ROOT = Path(django_settings.BASE_DIR)


@pytest.mark.parametrize(("given", "kept"), [
    ("", ""),
    ("   ", ""),
    ("https://klynge.example.dk", "https://klynge.example.dk"),
    ("https://klynge.example.dk/", "https://klynge.example.dk"),
    (" https://klynge.example.dk// ", "https://klynge.example.dk"),
    ("http://localhost:8000/", "http://localhost:8000"),
])
def test_site_url_is_kept_without_a_trailing_slash(given, kept):
    assert clean_site_url(given) == kept


@pytest.mark.parametrize("given", [
    "klynge.example.dk",  # no scheme
    "//klynge.example.dk",
    "ftp://klynge.example.dk",
    "https://",
    "https://klynge.example.dk/portal",  # a path: the links' paths are reversed with any prefix already
    "https://klynge.example.dk?x=1",
    "https://klynge.example.dk#top",
    "https://bruger:kode@klynge.example.dk",
    "https://klynge.example.dk:port",
])
def test_site_url_refuses_what_is_not_an_absolute_http_address(given):
    with pytest.raises(RuntimeError, match="SITE_URL skal være portalens adresse med http:// eller https://"):
        clean_site_url(given)


def settings_in_a_new_process(site_url: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "klyngeportal.settings", "SITE_URL": site_url}
    return subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.SITE_URL)"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )


def test_site_url_is_read_from_the_environment():
    done = settings_in_a_new_process("https://klynge.example.dk/")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "https://klynge.example.dk"
    refused = settings_in_a_new_process("klynge.example.dk")
    assert refused.returncode != 0
    assert "SITE_URL skal være portalens adresse" in refused.stderr


def link_line(body: str) -> str:
    return next(line for line in body.splitlines() if line.startswith("Se regnskabet: "))


def test_the_mail_links_absolutely_to_the_accounts_when_site_url_is_set(
        world, settings, mailoutbox, django_capture_on_commit_callbacks):
    settings.SITE_URL = "https://klynge.example.dk"
    with django_capture_on_commit_callbacks(execute=True):
        cluster_year_transition(cluster_year=world.cy_a, action="submit", by=world.users["secretariat_a"])
    assert len(mailoutbox) == 1
    path = reverse("accounts:cluster_year_detail", args=[world.cy_a.pk])
    assert path.startswith("/")
    assert link_line(mailoutbox[0].body) == f"Se regnskabet: https://klynge.example.dk{path}"


def test_without_site_url_the_mail_carries_the_bare_path(
        world, settings, mailoutbox, django_capture_on_commit_callbacks):
    settings.SITE_URL = ""
    with django_capture_on_commit_callbacks(execute=True):
        cluster_year_transition(cluster_year=world.cy_a, action="submit", by=world.users["secretariat_a"])
    path = reverse("accounts:cluster_year_detail", args=[world.cy_a.pk])
    assert link_line(mailoutbox[0].body) == f"Se regnskabet: {path}"
