"""A request with a method the address does not take answers the portal's Danish 405 page (issue 15, part 7).

The POST-only addresses are found in the URL configuration itself: each view's allowed methods are
read from its ``require_http_methods`` (``require_POST``) or its class-based view, so a new
POST-only address is checked without being listed here. Its kwargs come from the permission
matrix's rules and world (tests/permissions), which already have one for every named URL.
"""
from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.permissions.conftest import world  # noqa: F401  (the permission matrix's world fixture)
from tests.permissions.rules import NOT_ALLOWED, POST_ONLY, RULES
from tests.urlwalk import portal_urls

PAGE_TITLE = "Handlingen kan ikke udføres sådan"


def allowed_methods(callback) -> frozenset[str] | None:
    """The methods a view takes, read from its decorators or its class; None if it takes any."""
    view_class = getattr(callback, "view_class", None)
    if view_class is not None:
        return frozenset(m.upper() for m in view_class.http_method_names if hasattr(view_class, m))
    function = callback
    while function is not None:
        code = getattr(function, "__code__", None)
        if code is not None and "request_method_list" in code.co_freevars:
            cell = function.__closure__[code.co_freevars.index("request_method_list")]
            return frozenset(cell.cell_contents)
        function = getattr(function, "__wrapped__", None)
    return None


def post_only_urls() -> dict[str, frozenset[str]]:
    """Every named URL whose view does not take GET, with the methods it takes."""
    from django.urls import get_resolver

    found = {}
    for name, callback in _callbacks(get_resolver()):
        methods = allowed_methods(callback)
        if methods is not None and "GET" not in methods:
            found[name] = methods
    return found


def _callbacks(resolver, namespace=""):
    from django.urls import URLPattern, URLResolver

    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _callbacks(pattern, f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}", pattern.callback


def rules_of(name):
    found = RULES[name]
    return list(found) if isinstance(found, list | tuple) else [found]


def test_the_url_configuration_has_post_only_urls_and_the_matrix_knows_them():
    names = {url.name for url in portal_urls() if url.name}
    found = post_only_urls()
    assert len(found) >= 5, found  # the transitions, year open, funding propose, ...
    assert set(found) <= names
    # every POST-only view is a POST_ONLY rule of the matrix, and the other way round
    matrix = {name for name in names if name in RULES and any(r.get == POST_ONLY for r in rules_of(name))}
    assert set(found) == matrix


@pytest.mark.parametrize("name", sorted(post_only_urls()))
@pytest.mark.parametrize("role", ["secretariat_a", "admin"])
def test_get_on_a_post_only_url_is_the_danish_405_page(name, role, world, db):  # noqa: F811
    client = Client()
    client.force_login(world.users[role])
    for rule in rules_of(name):
        path = reverse(name, kwargs=rule.kwargs(world))
        response = client.get(path)
        assert response.status_code == 405, path
        assert {m.strip() for m in response["Allow"].split(",")} == post_only_urls()[name]
        assert response["Content-Type"] == "text/html; charset=utf-8"
        html = response.content.decode()
        assert f"<h1>{PAGE_TITLE}</h1>" in html, path
        assert 'lang="da"' in html and "Log ud" in html  # the portal's own page, with its header


def test_a_get_only_page_answers_a_post_with_the_same_page(world, db):  # noqa: F811
    """A POST where only GET is taken (the accessibility statement) gets the Danish 405 too, Allow kept."""
    names = [name for name, rule in RULES.items()
             if not isinstance(rule, list | tuple) and rule.post.get("anonymous") == NOT_ALLOWED]
    assert names
    for name in names:
        response = Client().post(reverse(name, kwargs=RULES[name].kwargs(world)))
        assert response.status_code == 405
        assert "GET" in response["Allow"] and "POST" not in response["Allow"]
        assert PAGE_TITLE in response.content.decode()


def test_a_405_with_a_body_of_its_own_is_left_alone(rf):
    from django.http import HttpResponseNotAllowed

    from klyngeportal.middleware import MethodNotAllowedPage

    own = HttpResponseNotAllowed(["PUT"], content=b"egen tekst")
    response = MethodNotAllowedPage(lambda request: own)(rf.get("/"))
    assert response is own and response.content == b"egen tekst"
