"""Every URL x every role x GET and POST, generated from the URL configuration.

A named URL of the portal without a rule in rules.py fails here with its name,
so a new page cannot slip in unchecked. Every request that is refused (login
redirect, 403, 404, 405), and every GET, must leave the data exactly as it
was: row counts and a digest of every table are compared before and after.
"""
from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import A_COMMENT, A_SECRET, B_SECRET
from tests.permissions.conftest import changed_tables, data_fingerprint
from tests.permissions.rules import METHODS, ROLES, RULES, Outcome, Rule
from tests.urlwalk import FoundUrl, portal_urls

# On every page and CSV a role is given, whatever the URL: another cluster's entries and comments never show.
NEVER_SHOWN = {
    "secretariat_a": (B_SECRET,),
    "secretariat_b": (A_SECRET, A_COMMENT),
    "ssu_other": (A_SECRET, A_COMMENT),
}


def _cases():
    cases = []
    seen = set()
    for url in portal_urls():
        if url.name is None:
            cases.append(pytest.param(url, None, None, id=f"<uden navn {url.route}>"))
            continue
        if url.name in seen:
            continue
        seen.add(url.name)
        if url.name not in RULES:
            cases.append(pytest.param(url, None, None, id=f"{url.name}|mangler-regel"))
            continue
        for rule in rules_for(url.name):
            label = f"[{rule.label}]" if rule.label else ""
            for role in ROLES:
                for method in METHODS:
                    cases.append(pytest.param(url, (rule, role), method, id=f"{url.name}{label}|{role}|{method}"))
    return cases


def rules_for(name: str) -> list[Rule]:
    found = RULES[name]
    return list(found) if isinstance(found, list | tuple) else [found]


def test_rules_name_only_existing_urls():
    names = {url.name for url in portal_urls() if url.name}
    stale = sorted(set(RULES) - names)
    assert not stale, f"Regler for URL-navne, der ikke findes (længere): {stale}"


def check_response(response, expected: Outcome) -> str | None:
    """None if the response is the expected outcome, else what was wrong."""
    status = response.status_code
    location = response.headers.get("Location", "")
    if status not in expected.statuses:
        extra = f" -> {location}" if location else ""
        return f"forventede {expected}, fik {status}{extra}"
    if status == 302:
        if expected.location and not location.startswith(expected.location):
            return f"forventede omdirigering til {expected.location}..., fik {location}"
        if not expected.location and location.startswith(("/log-ind/", "/admin/login/")):
            return f"forventede {expected}, men blev sendt til login: {location}"
    return None


@pytest.mark.parametrize(("url", "case", "method"), _cases())
def test_permission(url: FoundUrl, case, method, world, db):
    if url.name is None:
        pytest.fail(f"URL-mønsteret {url.route!r} har intet navn: giv det et navn og en regel i rules.py")
    if case is None:
        pytest.fail(
            f"URL {url.name!r} ({url.route}) har ingen regel i tests/permissions/rules.py: "
            "angiv kwargs og forventet udfald for hver rolle ved GET og POST"
        )
    rule, role = case
    expected: Outcome = (rule.get if method == "GET" else rule.post)[role]
    client = Client()
    if role != "anonymous":
        client.force_login(world.users[role])
    if rule.prepare is not None:
        rule.prepare(world)
    query = rule.extra["query"](world) if "query" in rule.extra else rule.query
    path = reverse(url.name, kwargs=rule.kwargs(world)) + query

    before = world.extra["baseline"] if rule.prepare is None else data_fingerprint()
    if method == "GET":
        response = client.get(path)
    else:
        response = client.post(path, data=rule.post_data(world))
    after = data_fingerprint()

    problem = check_response(response, expected)
    assert problem is None, f"{method} {path} som {role}: {problem}"
    if response.status_code == 200 and not getattr(response, "streaming", False):
        body = response.content.decode(errors="replace")
        texts = [*NEVER_SHOWN.get(role, ()), *(rule.hidden[role](world) if role in rule.hidden else ())]
        leaked = [text for text in texts if text in body]
        assert not leaked, f"{method} {path} som {role} viser {leaked}, som rollen ikke må se"
    changes = changed_tables(before, after)
    if expected.writes:
        assert changes, f"{method} {path} som {role}: forventede en ændring af data, men intet ændrede sig"
    else:
        assert not changes, f"{method} {path} som {role} ({expected}) ændrede data: {changes}"
