"""Refusals tell nothing about other clusters (issue 14, part 6), generated from the URL configuration.

For every URL with an object id (an ``<int:...>`` parameter), every rule of it in
tests/permissions/rules.py, every logged-in role and both methods: where the role may not see the
object, the answer for the existing object must equal the answer for an id that names nothing,
status and body alike (modulo the CSRF token). Asking about an existing object of another cluster
and about nothing at all is then the same 404: no reason, years, status or name tells them apart.

"May not see" is read from the rules: the matrix expects a 404 for the role, or the role is outside
cluster A (secretariat_b, ssu_other) and its GET of the object is not a page. A role that sees the
object is told why it may not write (403): that answer is not compared.
"""
from __future__ import annotations

import re

import pytest

from tests.klyngeportal.test_junk import _ask, _client, _valid_kwargs
from tests.permissions.conftest import world  # noqa: F401 - the matrix's world, built once per module
from tests.permissions.rules import METHODS, ROLES, RULES, Outcome, Rule
from tests.permissions.test_matrix import rules_for
from tests.urlwalk import FoundUrl, portal_urls

OUTSIDE_A = ("secretariat_b", "ssu_other")  # the world's roles outside cluster A's scope
MISSING_ID = "987654321"  # an id no table of the world reaches
CSRF = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*"')


def _object_urls() -> list[FoundUrl]:
    seen, found = set(), []
    for url in portal_urls():
        if url.name in seen or "int" not in url.parameters().values():
            continue
        seen.add(url.name)
        found.append(url)
    return found


def _cases():
    cases = []
    for url in _object_urls():
        if url.name is None or url.name not in RULES:
            # test_matrix and test_junk fail for these with the URL's name: nothing to compare here.
            continue
        for index, rule in enumerate(rules_for(url.name)):
            label = rule.label or str(index)
            cases.append(pytest.param(url, index, id=f"{url.name}[{label}]"))
    return cases


def _hidden_from(rule: Rule, role: str, method: str) -> bool:
    """Whether the role may not see the rule's object by the method (so its answer must tell nothing)."""
    expected: Outcome = (rule.get if method == "GET" else rule.post)[role]
    if 404 in expected.statuses:
        return True
    return role in OUTSIDE_A and not (rule.get[role].statuses & {200})


def _answer(client, method: str, path: str, body: dict) -> tuple[int, str]:
    response = _ask(client, method, path, body if method == "POST" else None)
    content = "" if getattr(response, "streaming", False) else response.content.decode(errors="replace")
    return response.status_code, CSRF.sub(r'\1"', content)


def _missing_variants(url: FoundUrl, valid: dict[str, str]) -> dict[str, dict[str, str]]:
    """The valid kwargs with each id, and then every id at once, replaced by one that names nothing."""
    ids = [name for name, converter in url.parameters().items() if converter == "int"]
    variants = {f"{name}={MISSING_ID}": {**valid, name: MISSING_ID} for name in ids}
    if len(ids) > 1:
        variants["alle id'er"] = {**valid, **dict.fromkeys(ids, MISSING_ID)}
    return variants


@pytest.mark.parametrize(("url", "index"), _cases())
def test_outside_the_scope_an_object_and_nothing_get_the_same_answer(url: FoundUrl, index: int, world, db):  # noqa: F811
    rule = rules_for(url.name)[index]
    valid = _valid_kwargs(world, rule)
    body = rule.post_data(world)
    compared, problems = 0, []
    for role in ROLES[1:]:
        client = _client(world, role)
        for method in METHODS:
            if not _hidden_from(rule, role, method):
                continue
            existing = _answer(client, method, url.path_with(valid) + rule.query, body)
            if existing[0] == 200:
                problems.append(f"{method} {url.path_with(valid)} som {role}: 200, men reglen skjuler objektet")
                continue
            for what, kwargs in _missing_variants(url, valid).items():
                missing = _answer(client, method, url.path_with(kwargs) + rule.query, body)
                compared += 1
                if missing[0] != existing[0]:
                    problems.append(
                        f"{method} {url.path_with(valid)} som {role}: {existing[0]} for objektet, "
                        f"{missing[0]} med {what}"
                    )
                elif missing[1] != existing[1]:
                    problems.append(f"{method} {url.path_with(valid)} som {role}: svaret ({existing[0]}) afslører "
                                    f"forskel mellem objektet og {what}")
    assert not problems, "\n".join(problems)
    if rule.get["secretariat_b"].statuses & {404} or rule.post["secretariat_b"].statuses & {404}:
        assert compared, f"{url.name}: ingen sammenligning, skønt reglen skjuler objektet for secretariat_b"


def test_every_url_with_an_object_id_is_compared():
    """The URLs of cluster accounts all come through here (a new one with an id and a rule cannot be missed)."""
    names = {param.values[0].name for param in _cases()}
    for expected in ("accounts:cluster_year_detail", "accounts:entry_reverse", "review:evaluation_edit",
                     "workbook:import_detail", "review:comment_add"):
        assert expected in names
