"""No 500 on junk: every URL of the portal, generated from the URL configuration (issue 14).

Each named URL gets three tests, as a user who may use it (the first role of its permission rule
in tests/permissions/rules.py whose answer is a page or a write): junk in each path parameter
(huge, negative, non-numeric ids; years the portal does not hold), junk in every GET parameter a
page may read, and junk in every form field on POST, one field at a time with the rest of the
rule's valid body. Junk values are sampled per field and parameter, rotating, so that together
they meet every value (NUL and 10,000 characters in every field) and the test stays fast.
Every answer must be below 500, and a 4xx must be one of the portal's Danish pages (no
traceback, no blank page). A URL without a rule fails here with its name, as in the
permission matrix: a new URL cannot go without junk.

Each request runs in a savepoint that is rolled back, so every junk value meets the same data.
"""
from __future__ import annotations

import datetime
import re

import pytest
from django.db import transaction
from django.test import Client
from django.urls import resolve

from tests.permissions.conftest import world  # noqa: F401 - the matrix's world, built once per module
from tests.permissions.rules import ROLES, RULES, Outcome, Rule
from tests.permissions.test_matrix import rules_for
from tests.urlwalk import FoundUrl, portal_urls

HUGE = "99999999999999999999"
LONG = "x" * 10_000
# Junk for a path parameter, by its converter: ints and slugs that name nothing or cannot be ints.
PATH_JUNK = {
    "int": (HUGE, "0", "-1", "abc", "1e999", "%00"),
    "year": ("9999", "1999", "0000", HUGE, "-1", "abc"),
    "slug": ("findes-ikke", LONG[:300], "%00", "-1"),
    "str": ("findes-ikke", "%00", LONG[:300]),
    "fmt": ("pdf", "abc"),
}
# GET parameters pages of the portal read (tables, filters, downloads, year pickers, comparisons).
QUERY_PARAMS = (
    "page", "sort", "year", "quarter", "aar", "kvartal", "_export", "a", "b", "q", "next", "per_page", "initiative",
    # the entry form's prefill (a reversal passes the entry's values)
    "party", "booking_date", "amount", "kind", "cost_kind", "account_code", "voucher", "text",
)
QUERY_JUNK = ("abc", "-1", HUGE, "1e999", "9999", "2022-02-30", "\x00", LONG, "m:abc")
QUERY_ALWAYS = ("-1", "\x00")
QUERY_STRIDE = 3
# Junk for every form field: NUL, very long, unparsable numbers, impossible dates, malformed party keys.
FIELD_JUNK = (
    "\x00", LONG, "1e999", "-1e999", "NaN", "2022-02-30", "30.02.2022", "m:abc", "x:1", "m:", f"r:{HUGE}",
    HUGE, "-1", "abc", "", "1.234.567,89,5",
)
# Names a page's form fields carry in its HTML.
FIELD_NAME = re.compile(r"<(?:input|select|textarea)\b[^>]*\bname=\"([^\"]+)\"", re.IGNORECASE)
NOT_FIELDS = {"csrfmiddlewaretoken"}
LOGIN_PAGES = ("/log-ind/?next=", "/admin/login/?next=")


def _usable(outcome: Outcome) -> bool:
    """A page, a write or a redirect that is not to the login: the role may use the URL."""
    return outcome.statuses <= {200, 302} and not (outcome.location or "").startswith(LOGIN_PAGES)


def _named_urls() -> list[FoundUrl]:
    seen, found = set(), []
    for url in portal_urls():
        if url.name is not None and url.name in seen:
            continue
        seen.add(url.name)
        found.append(url)
    return found


def _params(kind: str):
    return [pytest.param(url, id=f"{url.name or url.route}|{kind}") for url in _named_urls()]


def _user_for(url: FoundUrl, method: str) -> tuple[Rule, str]:
    """The URL's first rule and role that may use it by the method (by the other method if none may)."""
    if url.name is None:
        pytest.fail(f"URL-mønsteret {url.route!r} har intet navn: giv det et navn og en regel i rules.py")
    if url.name not in RULES:
        pytest.fail(f"URL {url.name!r} ({url.route}) har ingen regel i tests/permissions/rules.py, så ingen junk-test")
    order = ("GET", "POST") if method == "GET" else ("POST", "GET")
    for wanted in order:
        for rule in rules_for(url.name):
            outcomes: dict[str, Outcome] = rule.get if wanted == "GET" else rule.post
            for role in ROLES[1:] + ROLES[:1]:
                if _usable(outcomes[role]):
                    return rule, role
    pytest.fail(f"URL {url.name!r}: ingen rolle må bruge den ifølge rules.py")


def _client(built, role: str) -> Client:
    client = Client(raise_request_exception=False)
    if role != "anonymous":
        client.force_login(built.users[role])
    return client


def _ask(client: Client, method: str, path: str, data=None):
    """One request in a savepoint that is rolled back: the next junk meets the same data."""
    with transaction.atomic():
        response = client.get(path, data) if method == "GET" else client.post(path, data or {})
        transaction.set_rollback(True)
    return response


def _problem(response, what: str) -> str | None:
    """None if the answer to junk is fine: below 500, and a 4xx is a Danish page of the portal."""
    status = response.status_code
    if status >= 500:
        exc = getattr(response, "exc_info", None)
        cause = f": {exc[0].__name__}: {str(exc[1])[:200]}" if exc else ""
        return f"{what} -> {status}{cause}"
    if 400 <= status < 500 and not getattr(response, "streaming", False):
        body = response.content.decode(errors="replace")
        if "Traceback" in body:
            return f"{what} -> {status} med en Python-traceback"
        if '<html lang="da">' not in body:
            return f"{what} -> {status} uden portalens danske fejlside: {body[:80]!r}"
    return None


def _show(value: str) -> str:
    return repr(value if len(value) < 40 else f"{value[:10]}…({len(value)} tegn)")


def _assert_none(problems: list[str]) -> None:
    assert not problems, f"{len(problems)} svar på junk:\n" + "\n".join(problems[:25])


def _valid_kwargs(built, rule: Rule) -> dict[str, str]:
    if rule.prepare is not None:
        rule.prepare(built)
    return {name: str(value) for name, value in rule.kwargs(built).items()}


@pytest.mark.parametrize("url", _params("sti"))
def test_junk_in_the_path(url: FoundUrl, world, db):  # noqa: F811 - the fixture imported above
    rule, role = _user_for(url, "GET")
    valid = _valid_kwargs(world, rule)
    client = _client(world, role)
    problems = []
    for name, converter in url.parameters().items():
        for junk in PATH_JUNK.get(converter, PATH_JUNK["str"]):
            path = url.path_with({**valid, name: junk})
            for method in ("GET", "POST"):
                response = _ask(client, method, path, rule.post_data(world) if method == "POST" else None)
                problems.append(_problem(response, f"{method} {path[:120]} ({name}={_show(junk)}) som {role}"))
                if converter == "year" and junk == "9999" and response.status_code != 404:
                    problems.append(f"{method} {path}: et år uden klyngekort skal give 404, ikke {response.status_code}")
    _assert_none([p for p in problems if p])


def _query_params(path: str) -> list[str]:
    """The portal's common GET parameters and, on a filtered list, its filters' names."""
    view = getattr(resolve(path.split("?")[0]).func, "view_class", None)
    filterset = getattr(view, "filterset_class", None)
    return [*QUERY_PARAMS, *(filterset.base_filters if filterset else ())]


@pytest.mark.parametrize("url", _params("forespørgsel"))
def test_junk_in_the_query_string(url: FoundUrl, world, db):  # noqa: F811
    rule, role = _user_for(url, "GET")
    path = url.path_with(_valid_kwargs(world, rule))
    client = _client(world, role)
    params = _query_params(path)
    # A POST-only address refuses GET before its view runs: one junk query at a time would tell nothing more.
    refuses_get = _ask(client, "GET", path).status_code == 405
    problems = []
    for junk_index, junk in enumerate(QUERY_JUNK):
        # Every parameter junk at once; when that is refused, one at a time, so that none hides another.
        response = _ask(client, "GET", path, dict.fromkeys(params, junk))
        problems.append(_problem(response, f"GET {path} alle parametre={_show(junk)} som {role}"))
        if response.status_code != 200 and not refuses_get:
            # One at a time: every parameter with "-1" and NUL; of the other junk values, each parameter
            # meets every QUERY_STRIDE-th alone, rotating (all of them meet every value at once above).
            every = junk in QUERY_ALWAYS
            for param in params if every else params[junk_index % QUERY_STRIDE::QUERY_STRIDE]:
                response = _ask(client, "GET", path, {param: junk})
                problems.append(_problem(response, f"GET {path}?{param}={_show(junk)} som {role}"))
    _assert_none([p for p in problems if p])


def _form_fields(client: Client, path: str) -> set[str]:
    response = client.get(path)
    if response.status_code != 200 or getattr(response, "streaming", False):
        return set()
    if "text/html" not in response.headers.get("Content-Type", ""):
        return set()
    return set(FIELD_NAME.findall(response.content.decode(errors="replace"))) - NOT_FIELDS


@pytest.mark.parametrize("url", _params("formular"))
def test_junk_in_every_form_field(url: FoundUrl, world, db):  # noqa: F811
    rule, role = _user_for(url, "POST")
    path = url.path_with(_valid_kwargs(world, rule)) + rule.query
    client = _client(world, role)
    body = rule.post_data(world)
    fields = sorted({*body, *_form_fields(client, path), "next"})
    problems = []
    for field, junk in _field_junk(fields, set(body)):
        response = _ask(client, "POST", path, {**body, field: junk})
        problems.append(_problem(response, f"POST {path} {field}={_show(junk)} som {role}"))
    _assert_none([p for p in problems if p])


# Junk every field meets; of the rest, the rule's own fields meet every FIELD_STRIDE-th value (rotating,
# so that together they meet all), and in a form with more fields than FORM_FIELDS (a weight per
# cluster, a key per region) the fields only in its HTML meet SAMPLE values each.
ALWAYS = ("\x00", LONG)
FIELD_STRIDE = 2
FORM_FIELDS = 6
SAMPLE = 3


def _field_junk(fields: list[str], body_fields: set[str]):
    """(field, junk) pairs, sampled per field so that a form's fields together meet every junk value."""
    rotating = [junk for junk in FIELD_JUNK if junk not in ALWAYS]
    own = [field for field in fields if field in body_fields or field == "next"]
    rest = [field for field in fields if field not in own]
    for index, field in enumerate(own + rest):
        yield from ((field, junk) for junk in ALWAYS)
        if index < len(own) or len(fields) <= FORM_FIELDS:
            yield from ((field, junk) for junk in rotating[index % FIELD_STRIDE::FIELD_STRIDE])
        else:
            yield from ((field, rotating[(index * SAMPLE + step) % len(rotating)]) for step in range(SAMPLE))


# --- the classes behind the generated tests, each on its own ----------------------------------

NOT_LOCAL = ("abc", "//ondsindet.example/", "https://ondsindet.example/", "/\\ondsindet.example", "/a\r\nb", "\x00/")


@pytest.mark.parametrize("target", NOT_LOCAL)
def test_a_next_that_is_not_a_local_path_is_ignored(world, db, target):  # noqa: F811
    from review.models import Comment

    client = _client(world, "secretariat_a")
    before = Comment.objects.count()
    response = client.post(f"/opfoelgning/regnskab/{world.cy_a.pk}/kommentar/", {"text": "Syntetisk", "next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/regnskab/{world.cy_a.pk}/"
    assert Comment.objects.count() == before + 1


def test_a_local_next_is_followed(world, db):  # noqa: F811
    client = _client(world, "secretariat_a")
    target = f"/opfoelgning/regnskab/{world.cy_a.pk}/?fane=kommentarer"
    response = client.post(f"/opfoelgning/regnskab/{world.cy_a.pk}/kommentar/", {"text": "Syntetisk", "next": target})
    assert response.status_code == 302 and response.headers["Location"] == target


def test_a_year_without_a_cluster_map_is_404(world, db):  # noqa: F811
    from accounts.models import ClusterYear
    from geography.reference import MAP_2022, Changes, load_map

    ssu = _client(world, "ssu_a")
    assert ssu.get(f"/opfoelgning/region/{world.region_a.slug}/2022/").status_code == 200
    assert ssu.get(f"/opfoelgning/region/{world.region_a.slug}/9999/").status_code == 404
    assert ssu.get(f"/opfoelgning/indsats/{world.initiative_a.pk}/evaluering/9999/").status_code == 404
    secretariat = _client(world, "secretariat_a")
    assert secretariat.get("/regnskab/?year=9999").status_code == 404
    # Held: the first map's year to the year after the newest map, the newest accounts and this year.
    later = max(datetime.date.today().year, 2025) + 4
    for year in (later, 9999, 2100, 2021):
        assert secretariat.post(f"/regnskab/opret/{world.cluster_a.pk}/{year}/").status_code == 404
    assert not ClusterYear.objects.filter(cluster=world.cluster_a, year__gte=later).exists()
    load_map(later, MAP_2022, Changes())  # an administrator loads a later map: now that year can be opened
    assert secretariat.post(f"/regnskab/opret/{world.cluster_a.pk}/{later}/").status_code == 302
    assert ClusterYear.objects.filter(cluster=world.cluster_a, year=later).exists()


CSRF_VALUE = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*"')


def _refusal(client: Client, path: str) -> tuple[int, str]:
    response = client.get(path)
    return response.status_code, CSRF_VALUE.sub(r'\1"', response.content.decode())


@pytest.mark.parametrize("role", ["secretariat_b", "ssu_other"])
def test_a_refusal_outside_the_scope_tells_nothing(world, db, role):  # noqa: F811
    """Another cluster's initiative, running or not in the year, and no initiative at all: the same 404."""
    from accounts.models import Initiative
    from geography.reference import MAP_2022, Changes, load_map

    load_map(2027, MAP_2022, Changes())  # a year the portal holds in which A's initiative does not run
    assert not world.initiative_a.runs_in(2027)
    client = _client(world, role)
    missing = (Initiative.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1000
    answers = {
        what: _refusal(client, f"/opfoelgning/indsats/{pk}/evaluering/{year}/")
        for what, pk, year in (
            ("A's initiative", world.initiative_a.pk, 2022),
            ("A's initiative, a year it does not run", world.initiative_a.pk, 2027),
            ("no initiative", missing, 2022),
        )
    }
    statuses = {what: status for what, (status, _) in answers.items()}
    assert set(statuses.values()) == {404}, statuses
    assert len({body for _, body in answers.values()}) == 1, "the refusals differ in what they tell"
    # Inside the scope the reason is given: the SSU of A's region sees the cluster but does not write.
    status, body = _refusal(_client(world, "ssu_a"), f"/opfoelgning/indsats/{world.initiative_a.pk}/evaluering/2022/")
    assert status == 403 and "adgang" in body


@pytest.mark.parametrize("query", ["?page=abc", "?page=99999", "?page=-1", "?per_page=0", "?per_page=-1",
                                   "?per_page=100000", f"?page={HUGE}&per_page={HUGE}"])
def test_a_table_answers_a_page_whatever_its_paging_parameters(world, db, query):  # noqa: F811
    """Every table paginates through klyngeportal.pagination: a junk page is the first or last page, a page
    size within 1..200."""
    from klyngeportal.pagination import MAX_PER_PAGE

    client = _client(world, "secretariat_a")
    for path in (f"/regnskab/{world.cy_a.pk}/posteringer/", "/geografi/tabel-2/", "/opfoelgning/erfaringer/",
                 f"/geografi/kommune/{world.municipality_a.code}/", "/fordeling/"):
        response = client.get(path + query)
        assert response.status_code == 200, f"{path}{query}"
        table = response.context["table"]
        assert 1 <= table.paginator.per_page <= MAX_PER_PAGE, f"{path}{query}"


def test_a_bad_request_is_the_danish_page(world, db):  # noqa: F811
    """Django's 400 (here: more fields than DATA_UPLOAD_MAX_NUMBER_FIELDS) is the portal's Danish page."""
    client = Client(raise_request_exception=False)
    response = client.post("/log-ind/", {f"f{i}": "x" for i in range(1100)})
    assert response.status_code == 400
    body = response.content.decode()
    assert '<html lang="da">' in body and "Ugyldig forespørgsel" in body


def test_a_form_without_its_csrf_token_is_the_danish_page(world, db):  # noqa: F811
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["secretariat_a"])
    response = client.post(f"/opfoelgning/regnskab/{world.cy_a.pk}/kommentar/", {"text": "Syntetisk"})
    assert response.status_code == 403
    body = response.content.decode()
    assert '<html lang="da">' in body and "Formularen kunne ikke sendes" in body
