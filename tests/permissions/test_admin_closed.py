"""Every page of the Django admin, not only its index, is closed to everyone but administrators.

The matrix checks the admin's front door per role; this walks all admin URLs
(including custom admin views such as uploads) and checks that anonymous
users and every non-admin role are sent to the admin login by GET and POST,
and that nothing changes.
"""
import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RoutePattern

from tests.permissions.conftest import changed_tables, data_fingerprint

NON_ADMIN_ROLES = ("anonymous", "secretariat_a", "ssu_a", "national")


def admin_patterns():
    for top in get_resolver().url_patterns:
        if isinstance(top, URLResolver) and top.namespace == "admin":
            yield from _walk(top.url_patterns, "admin:")


def _walk(patterns, namespace):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}", pattern


def _path(name: str, pattern: URLPattern) -> str:
    """Some value for every argument: the admin must refuse before it looks anything up."""
    if isinstance(pattern.pattern, RoutePattern):
        return reverse(name, kwargs=dict.fromkeys(pattern.pattern.converters, "1"))
    regex = re.compile(str(pattern.pattern))
    if regex.groupindex:
        return reverse(name, kwargs={key: "users" if key == "app_label" else "1" for key in regex.groupindex})
    return reverse(name, args=["1"] * regex.groups)


ADMIN_URLS = {name: pattern for name, pattern in admin_patterns()}


def test_the_admin_has_pages_to_check():
    assert "admin:index" in ADMIN_URLS
    assert len(ADMIN_URLS) > 20


@pytest.mark.parametrize("name", sorted(name for name in ADMIN_URLS if name not in {"admin:login", "admin:logout"}))
def test_admin_page_refused_to_non_admins(name, world, db):
    path = _path(name, ADMIN_URLS[name])
    for role in NON_ADMIN_ROLES:
        client = Client()
        if role != "anonymous":
            client.force_login(world.users[role])
        # POST as the most trusted non-admin role (a forged admin form); GET as every role.
        for method in ("GET", "POST") if role == "national" else ("GET",):
            before = data_fingerprint()
            response = getattr(client, method.lower())(path)
            location = response.headers.get("Location", "")
            # The admin sends everyone without staff access to its own login (the JavaScript catalog
            # and the "view on site" shortcut are the admin's harmless exceptions, still behind login).
            assert response.status_code == 302 and location.startswith(("/admin/login/", "/log-ind/")), (
                f"{method} {path} som {role}: fik {response.status_code} {location}"
            )
            assert not changed_tables(before, data_fingerprint()), f"{method} {path} som {role} ændrede data"
