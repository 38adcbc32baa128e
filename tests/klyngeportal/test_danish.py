"""Danish everywhere: no English words, raw enum values or years with a thousands separator on any page.

Every page of the permission matrix's URL list (tests/browser/page_walk.py's visits: each URL with
each role whose GET is a 200), every CSV/xlsx download of the matrix, the admin's changelists,
change forms and history pages of every registered model, and the cluster-year's history are
fetched with Django's test client; their visible text is scanned (tags, scripts and styles left
out; of the attributes only title, aria-label, placeholder and a button's value are read).

The raw values of every TextChoices field of the portal are computed from the models; a value that
is also its own Danish label (``region`` → "Region") is not English and is left out.
"""
from __future__ import annotations

import csv
import io
import re
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from tests.browser.page_walk import Visit, page_visits
from tests.permissions.conftest import world  # noqa: F401  (the matrix's module-scoped data)
from tests.permissions.rules import OK, ROLES, RULES
from tests.permissions.test_matrix import portal_urls, rules_for

PORTAL_APPS = ("accounts", "allocation", "geography", "review", "users", "workbook", "klyngeportal")
# Raw values that are Danish words (or the Danish abbreviation) as they stand.
DANISH_VALUES = {"region", "national", "ssu", "admin"}

# English words a reader has found (and could find again) in the UI; matched as whole words, any case.
ENGLISH_WORDS = (
    "closed by", "created by", "updated by", "imported by", "recorded by", "published by", "reversed by",
    "cluster year", "cluster", "amount", "name", "save", "delete", "cancel", "history", "recommended",
    "rounding", "match", "row kind", "row_kind", "from status", "to status", "get full name", "full name",
    "created at", "updated at", "imported at", "published at", "closed at", "loaded at", "loaded by",
    "sort order", "first year", "last year", "booking date", "account code", "cost kind", "party kind",
    "funding", "budget line", "entry", "entries", "initiative", "municipality", "quarter", "population",
    "weight", "round", "slug", "source", "reference date", "implied", "table", "yes", "no",
    "add", "change", "view", "search", "filter", "submit", "approve", "reopen", "evaluation", "user",
)
# One word for each thing, and the slips a native reader found: «videreførelse», «Annullér», «internt».
DANISH_SLIPS = re.compile(r"videreførsel|\bFortryd\b|ikke intern konsistent|kr\.\.|skrives positive|\d,\d+-\d", re.IGNORECASE)
# Python's own words leaking from a template: case matters (Danish "none" is not a word either way).
PYTHON_WORDS = ("None", "True", "False")
# A year with a thousands separator: 2.022 (not 2.022,50 or 2.022.000 or 2.022 kr., which are amounts).
DOTTED_YEAR = re.compile(r"(?<![\d.,])(?:1\.9|2\.0)\d{2}(?!\d|[.,]\d)(?!\s*kr)")

# A date not written dd.mm.åååå: Django's long Danish form (2. december 2026), ISO (2026-12-02) or
# without its leading zeros (2.12.2026); and a range of dates with a hyphen (01.01.2022-31.12.2022).
MONTHS = "januar|februar|marts|april|maj|juni|juli|august|september|oktober|november|december"
OTHER_DATE = re.compile(
    rf"\b\d{{1,2}}\. (?:{MONTHS}) \d{{4}}\b|\b(?:19|20)\d{{2}}-[01]\d-[0-3]\d\b"
    r"|(?<![\d.,])(?:\d\.\d{1,2}|\d{2}\.\d)\.(?:19|20)\d{2}\b|\d\.(?:19|20)\d{2}-\d{2}\.",
    re.IGNORECASE,
)


def raw_enum_values() -> set[str]:
    """Raw values of every choices field in the portal's models that are not their own Danish label."""
    values = set()
    for model in apps.get_models():
        if model._meta.app_label not in PORTAL_APPS or model.__name__.startswith("Historical"):
            continue
        for field in model._meta.get_fields():
            for value, label in getattr(field, "flatchoices", None) or ():
                if isinstance(value, str) and value.lower() not in (str(label).lower(), *DANISH_VALUES):
                    values.add(value)
    return values


class VisibleText(HTMLParser):
    """Text a reader sees or hears: data outside script/style, and title/aria-label/placeholder/button values."""

    READ_ATTRIBUTES = ("title", "aria-label", "placeholder")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self._hidden += 1
        values = dict(attrs)
        for name in self.READ_ATTRIBUTES:
            if values.get(name):
                self.parts.append(values[name])
        if (tag == "button" or (tag == "input" and values.get("type") in ("submit", "button", "reset"))) \
                and values.get("value"):
            self.parts.append(values["value"])

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    parser.close()
    return " ".join(" ".join(parser.parts).split())


def _word_pattern(words, *, ignore_case: bool) -> re.Pattern:
    alternatives = "|".join(sorted((re.escape(w).replace(r"\ ", r"[\s_]+") for w in words), key=len, reverse=True))
    return re.compile(rf"(?<![\wæøåÆØÅ-])(?:{alternatives})(?![\wæøåÆØÅ-])", re.IGNORECASE if ignore_case else 0)


ENGLISH = _word_pattern((*ENGLISH_WORDS, *raw_enum_values()), ignore_case=True)
PYTHON = _word_pattern(PYTHON_WORDS, ignore_case=False)


def findings(text: str) -> list[str]:
    """Each English word, raw enum value or dotted year in the text, with a little context."""
    found = []
    for pattern in (ENGLISH, PYTHON, DOTTED_YEAR, OTHER_DATE, DANISH_SLIPS):
        for match in pattern.finditer(text):
            start, end = max(match.start() - 40, 0), match.end() + 40
            found.append(f"«{match.group(0)}» i …{text[start:end]}…")
    return found


def test_the_scan_finds_what_a_reader_found():
    page = (
        '<h1 title="History">Historik</h1><script>var status = "recommended";</script>'
        '<table><tr><th>CLUSTER YEAR</th><th>GET FULL NAME</th></tr>'
        "<tr><td>Closed by: – → #1</td><td>recommended</td><td>2.022</td><td>None</td></tr></table>"
        '<a href="/?status=draft">Kladde</a><button value="Cancel">Annullér</button>'
    )
    found = " ".join(findings(visible_text(page)))
    page += "<p>2. december 2026 03:56, 2026-12-02, 2.12.2026, Videreførsel, 12 kr.. i alt, 6,44-7,31</p>"
    found = " ".join(findings(visible_text(page)))
    for word in ("«History»", "«CLUSTER YEAR»", "«GET FULL NAME»", "«Closed by»", "«recommended»", "«2.022»",
                 "«None»", "«Cancel»", "«2. december 2026»", "«2026-12-02»", "«Videreførsel»", "«kr..»", "«6,44-7»", "«2.12.2026»"):
        assert word in found
    assert "draft" not in found  # a link's address is not visible text
    assert findings(visual := visible_text(
        "<p>Kladde 2022, 2.022,50 kr., 2.022.000 kr., 2.022 kr., 358.954 indbyggere, 01.01.2022–31.12.2022, "
        "02.12.2026 14:05, 1.234.567,89 kr.</p>")) == [], visual


def test_raw_enum_values_come_from_the_models():
    values = raw_enum_values()
    assert {"recommended", "draft", "municipalities", "expense"} <= values
    assert "region" not in values  # its label is "Region": Danish as it stands


@pytest.fixture(scope="module", autouse=True)
def spreading_decided(world, django_db_blocker):  # noqa: F811
    """The SSU's decision on A's evaluation, so the collection and the evaluation show a SpreadingChoice."""
    from review import services

    with django_db_blocker.unblock():
        services.spreading_decide(evaluation=world.evaluation_a, decision="recommended",
                                  reasons="Syntetisk begrundelse", by=world.users["ssu_a"])


def _get(client, path) -> tuple[int, str, str]:
    response = client.get(path)
    content_type = response.headers.get("Content-Type", "")
    if getattr(response, "streaming", False):
        body = b"".join(response.streaming_content)
    else:
        body = response.content
    return response.status_code, content_type, body


def _text_of(content_type: str, body: bytes) -> str:
    if "html" in content_type:
        return visible_text(body.decode())
    if "csv" in content_type:
        rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
        return " | ".join(" ; ".join(row) for row in rows)
    if "spreadsheet" in content_type:
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(body), read_only=True)
        return " | ".join(
            str(value) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
            for value in row if isinstance(value, str)
        )
    return ""


def download_visits(world) -> list[Visit]:  # noqa: F811
    """The matrix's CSV/xlsx downloads (rules with ?_export=...), for each role with a 200."""
    visits = []
    for name in sorted({url.name for url in portal_urls() if url.name in RULES}):  # the matrix reports the rest
        for rule in rules_for(name):
            if "_export" not in rule.query:
                continue
            role = next((r for r in ROLES if rule.get[r] is OK), None)
            if role is not None:
                visits.append(Visit(name, role, reverse(name, kwargs=rule.kwargs(world)) + rule.query))
    return visits


def _scan(world, visits, statuses=(200,)) -> list[str]:  # noqa: F811
    clients: dict[str, Client] = {}
    problems = []
    for visit in visits:
        client = clients.get(visit.role)
        if client is None:
            client = clients[visit.role] = Client(raise_request_exception=False)
            if visit.role != "anonymous":
                client.force_login(world.users[visit.role])
        status, content_type, body = _get(client, visit.path)
        if status not in statuses:
            continue  # the matrix reports a wrong status
        problems += [f"{visit.path} ({visit.role}): {found}" for found in findings(_text_of(content_type, body))]
    return problems


@pytest.mark.django_db
def test_every_page_of_the_matrix_is_danish(world, monkeypatch):  # noqa: F811
    # A URL without a rule is the matrix's own failure (test_matrix.py names it); walk the others.
    from tests.browser import page_walk

    monkeypatch.setattr(page_walk, "portal_urls", lambda: [u for u in portal_urls() if u.name in RULES])
    visits = page_visits(world)
    assert len(visits) > 100
    problems = _scan(world, visits)
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_every_download_of_the_matrix_is_danish(world):  # noqa: F811
    visits = download_visits(world)  # the other downloads (allocation CSV/xlsx, Excel) are among the pages
    assert visits
    problems = _scan(world, visits)
    assert not problems, "\n".join(problems)


def admin_visits(world) -> list[Visit]:  # noqa: F811
    """Changelist, change form and history of every registered model (its first row), as the administrator."""
    visits = []
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        visits.append(Visit(f"admin:{info[0]}_{info[1]}_changelist", "admin",
                            reverse("admin:{}_{}_changelist".format(*info))))
        obj = model._default_manager.order_by("pk").first()
        if obj is None:
            continue
        for view in ("change", "history"):
            visits.append(Visit(f"admin:{info[0]}_{info[1]}_{view}", "admin",
                                reverse("admin:{}_{}_{}".format(*info, view), args=[obj.pk])))
        history = getattr(obj, "history", None)
        version = history.order_by("history_id").first() if history is not None else None
        if version is not None:
            try:
                path = reverse("admin:{}_{}_simple_history".format(*info), args=[obj.pk, version.history_id])
            except NoReverseMatch:
                continue
            visits.append(Visit(f"admin:{info[0]}_{info[1]}_simple_history", "admin", path))
    return visits


@pytest.mark.django_db
def test_the_admin_is_danish(world):  # noqa: F811
    visits = [Visit("admin:index", "admin", reverse("admin:index")), *admin_visits(world)]
    assert len(visits) > 3 * 15
    problems = _scan(world, visits)
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_the_history_of_a_closed_year_is_danish(world):  # noqa: F811
    """A closed year's history: Danish field names, the closer's name (not #id), local time as dd.mm.åååå HH:MM."""
    cy = world.cy_a_closed
    visits = [Visit("accounts:history", role, reverse("accounts:history", args=[cy.pk]))
              for role in ("secretariat_a", "admin")]
    problems = _scan(world, visits)
    assert not problems, "\n".join(problems)

    client = Client()
    client.force_login(world.users["secretariat_a"])
    text = visible_text(client.get(visits[0].path).content.decode())
    cy.refresh_from_db()
    closer = cy.closed_by
    local = timezone.localtime(cy.closed_at)
    assert f"Årsafsluttet af: – → {closer.get_full_name() or closer.username}" in text
    assert f"Årsafsluttet: – → {local:%d.%m.%Y %H:%M}" in text
    assert local.utcoffset()  # Europe/Copenhagen is never UTC: the time shown is not the stored UTC time
    assert "#" not in text.split("Historik", 1)[1]


def test_every_model_and_field_of_the_portal_has_a_danish_name():
    """The admin's columns and forms, and the history's field names, come from these verbose names."""
    missing = []
    for model in apps.get_models():
        if model._meta.app_label not in PORTAL_APPS or model.__name__.startswith("Historical"):
            continue
        for option in ("verbose_name", "verbose_name_plural"):
            if option not in model._meta.original_attrs:
                missing.append(f"{model.__name__}.Meta.{option}")
        for field in model._meta.concrete_fields:
            if field.name != "id" and field._verbose_name is None:
                missing.append(f"{model.__name__}.{field.name}")
    assert not missing, missing


@pytest.mark.django_db
def test_the_admin_forms_write_years_without_a_separator(world):  # noqa: F811
    """An editable admin form's year input reads 2022 (the number inputs are not localised)."""
    from accounts.models import InitiativeArea
    from geography.models import Membership

    client = Client()
    client.force_login(world.users["admin"])
    checked = 0
    for obj in (InitiativeArea.objects.first(), Membership.objects.first(), world.evaluation_a):
        info = (obj._meta.app_label, obj._meta.model_name)
        html = client.get(reverse("admin:{}_{}_change".format(*info), args=[obj.pk])).content.decode()
        values = re.findall(r'<input[^>]*name="year"[^>]*value="([^"]*)"', html)
        assert values == [str(obj.year)], (info, values)
        checked += 1
    assert checked == 3


@pytest.mark.django_db
def test_the_error_pages_are_danish(world):  # noqa: F811
    """404, 403 and 405 (a GET on a POST-only address) as a reader meets them."""
    cy_b = reverse("accounts:cluster_year_detail", args=[world.cy_b.pk])
    visits = [
        Visit("404", "secretariat_a", "/findes-ikke/"),
        Visit("404", "secretariat_a", cy_b),  # another cluster's accounts
        Visit("403", "ssu_a", reverse("accounts:entry_create", args=[world.cy_a.pk])),
        Visit("405", "secretariat_a", reverse("accounts:funding_propose", args=[world.cy_a.pk])),
    ]
    for visit in visits:
        client = Client()
        client.force_login(world.users[visit.role])
        assert str(client.get(visit.path).status_code) == visit.name, visit
    problems = _scan(world, visits, statuses=(403, 404, 405))
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_the_history_names_a_changed_relation(world):  # noqa: F811
    """An initiative handed to a municipality: «Ansvarlig kommune: – → Aarhus Kommune», not «#101»."""
    from accounts import services

    admin_user = world.users["admin"]
    services.initiative_update(
        initiative=world.initiative_a, cluster_year=world.cy_a, by=admin_user,
        responsible="municipality", responsible_municipality=world.municipality_a,
    )
    client = Client()
    client.force_login(admin_user)
    text = visible_text(client.get(reverse("accounts:history", args=[world.cy_a.pk])).content.decode())
    assert f"Ansvarlig kommune: – → {world.municipality_a}" in text
    assert "Ansvarlig: Klyngen i fællesskab → En kommune" in text
    assert f"#{world.municipality_a.pk}" not in text
