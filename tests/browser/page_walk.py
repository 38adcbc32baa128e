"""Every page of the permission matrix's URL list, for each role that may see it, in one real browser.

The URL list is the matrix's own (tests/permissions/test_matrix.py walks the URL configuration,
tests/permissions/rules.py says what each role gets): a page is visited by each role whose GET is a
200, with the rule's representative objects. Each role has one browser context, logged in once
(Django's test client makes the session; the context carries its cookie). Downloads (CSV, xlsx) and
non-HTML answers are left out: they are not pages.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.permissions.rules import OK, ROLES
from tests.permissions.test_matrix import portal_urls, rules_for


@dataclass(frozen=True)
class Visit:
    name: str
    role: str
    path: str


def page_visits(world) -> list[Visit]:
    """One visit per URL name and role with a GET 200 (the first rule that gives it: one object per URL)."""
    visits = []
    seen = set()
    for url in portal_urls():
        if url.name is None or url.name in seen:
            continue
        seen.add(url.name)
        for role in ROLES:
            rule = next((r for r in rules_for(url.name) if r.get[role] is OK and "_export" not in r.query), None)
            if rule is None:
                continue
            prepared = world.extra.setdefault("prepared", set())
            if rule.prepare is not None and rule.prepare not in prepared:  # e.g. proposed funding: once
                try:
                    rule.prepare(world)
                except Exception as exc:  # the matrix itself reports a rule that cannot be prepared
                    world.extra.setdefault("unprepared", []).append(f"{url.name}: {exc!r}")
                    break
                prepared.add(rule.prepare)
            query = rule.extra["query"](world) if "query" in rule.extra else rule.query
            visits.append(Visit(url.name, role, reverse(url.name, kwargs=rule.kwargs(world)) + query))
    return visits


def role_context(browser, live_server, world, role: str, *, init_script=None, **options):
    """A browser context logged in as the role (anonymous: no session), with an optional init script file."""
    context = browser.new_context(locale="da-DK", base_url=live_server.url, **options)
    if init_script is not None:
        context.add_init_script(path=init_script)
    if role != "anonymous":
        client = Client()
        client.force_login(world.users[role])
        context.add_cookies([{
            "name": settings.SESSION_COOKIE_NAME,
            "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
            "url": live_server.url,
        }])
    return context


def html_pages(browser, live_server, world, visits: list[Visit], **options) -> Iterator[tuple[Visit, object]]:
    """Open each visit's page in its role's context and yield it loaded; non-HTML answers are skipped."""
    by_role: dict[str, list[Visit]] = {}
    for visit in visits:
        by_role.setdefault(visit.role, []).append(visit)
    for role, role_visits in by_role.items():
        context = role_context(browser, live_server, world, role, **options)
        try:
            page = context.new_page()
            page.set_default_timeout(15_000)
            for visit in role_visits:
                answer = context.request.get(visit.path, max_redirects=0)
                # Not a page (a download), or not the matrix's 200: the matrix itself reports a wrong status.
                if answer.status != 200 or "text/html" not in answer.headers.get("content-type", ""):
                    continue
                page.goto(visit.path)
                yield visit, page
        finally:
            context.close()
