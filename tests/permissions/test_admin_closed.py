"""Every page of the Django admin, not only its index, is closed to everyone but administrators.

The matrix checks the admin's front door per role; this walks all admin URLs
(including custom admin views such as uploads) and checks that anonymous
users and every non-admin role are sent to the admin login by GET and POST,
and that nothing changes.

It also checks what the administrator may not change there either: the ledger's admin (entries,
status changes, comments, imports) is view-only, and no django-simple-history version page takes
a POST (it would restore the object as it was, e.g. a closed cluster-year as its draft).
"""
import re

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RoutePattern
from simple_history.admin import SimpleHistoryAdmin

from klyngeportal.admin_guard import HistoryAdmin
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


# --- what the administrator may not change in the admin either ---------------------------------------

READ_ONLY_MODELS = ("accounts.Entry", "accounts.StatusChange", "review.Comment", "accounts.ImportBatch")


def _history_admins():
    """Every model whose admin is django-simple-history's (from the admin registry: none can be missed)."""
    for model in apps.get_models():
        if admin.site.is_registered(model) and isinstance(admin.site.get_model_admin(model), SimpleHistoryAdmin):
            yield model


def test_every_history_admin_answers_get_only():
    models = list(_history_admins())
    assert len(models) >= 7
    for model in models:
        assert isinstance(admin.site.get_model_admin(model), HistoryAdmin), model._meta.label


@pytest.mark.parametrize("label", READ_ONLY_MODELS)
def test_the_ledgers_admin_is_view_only(label, world, db):
    model = apps.get_model(label)
    model_admin = admin.site.get_model_admin(model)
    obj = model.objects.order_by("pk").first()
    assert obj is not None
    request = RequestFactory().get("/")
    request.user = world.users["admin"]
    assert model_admin.has_view_permission(request, obj)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, obj)
    assert not model_admin.has_delete_permission(request, obj)
    editable = {f.name for f in model._meta.concrete_fields if f.editable}
    assert editable <= set(model_admin.get_readonly_fields(request, obj))

    client = Client()
    client.force_login(world.users["admin"])
    info = model._meta.app_label, model._meta.model_name
    change = reverse("admin:{}_{}_change".format(*info), args=[obj.pk])
    page = client.get(change)
    assert page.status_code == 200
    assert 'name="_save"' not in page.text
    before = data_fingerprint()
    posted = {f.name: "1" for f in model._meta.concrete_fields}
    for path in (change, reverse("admin:{}_{}_delete".format(*info), args=[obj.pk]),
                 reverse("admin:{}_{}_add".format(*info))):
        response = client.post(path, posted)
        assert response.status_code == 403, f"POST {path}: {response.status_code}"
    # No bulk delete either (the action is not offered without delete permission).
    client.post(reverse("admin:{}_{}_changelist".format(*info)),
                {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"})
    assert not changed_tables(before, data_fingerprint())


def test_a_closed_cluster_year_cannot_be_reverted_through_its_history(world, db):
    """The version page shows the draft the year was; a POST there would save it: 403, nothing changes."""
    cluster_year = world.cy_a_closed
    cluster_year.refresh_from_db()
    assert cluster_year.closed_at is not None
    earlier = cluster_year.history.filter(closed_at__isnull=True).earliest("history_date")
    client = Client()
    client.force_login(world.users["admin"])
    path = reverse("admin:accounts_clusteryear_simple_history", args=[cluster_year.pk, earlier.history_id])

    page = client.get(path)
    assert page.status_code == 200
    assert 'name="_save"' not in page.text  # SIMPLE_HISTORY_REVERT_DISABLED: no button
    before = data_fingerprint()
    response = client.post(path, {"status": earlier.status})
    assert response.status_code == 403
    assert not changed_tables(before, data_fingerprint())
    cluster_year.refresh_from_db()
    assert cluster_year.closed_at is not None


@pytest.mark.parametrize("label", sorted(m._meta.label for m in _history_admins()))
def test_no_history_version_page_takes_a_post(label, world, db):
    """Every SimpleHistoryAdmin in the project: a POST to a version page is refused and changes nothing."""
    model = apps.get_model(label)
    record = model.history.order_by("history_date").first()
    if record is None:  # nothing of this kind in the world: the page refuses before it looks anything up
        path = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_simple_history", args=[1, 1])
    else:
        path = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_simple_history",
                       args=[getattr(record, model._meta.pk.attname), record.history_id])
    client = Client()
    client.force_login(world.users["admin"])
    before = data_fingerprint()
    response = client.post(path, {})
    assert response.status_code == 403, f"POST {path}: {response.status_code}"
    assert not changed_tables(before, data_fingerprint())
