"""The permission matrix's data: built once per module, rolled back after it.

Each test still runs inside its own savepoint (pytest-django's `db`), so a
write that a test allows is undone before the next test.
"""
import hashlib

import pytest
from django.apps import apps
from django.db import connection, transaction

from tests.conftest import ensure_reference_data
from tests.factories import build_world

# Tables whose changes are not data changes: sessions come and go with logins, and django-axes
# records every login (and every failed one) in its own tables.
IGNORED_TABLES = {
    "django_session", "axes_accessattempt", "axes_accessattemptexpiration", "axes_accessfailurelog", "axes_accesslog",
}
# Columns that change by merely logging in.
IGNORED_COLUMNS = {"last_login"}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            ensure_reference_data()
            built = build_world()
            # Every test starts from this state (its own writes are rolled back): compare against it.
            built.extra["baseline"] = data_fingerprint()
            yield built
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def data_fingerprint() -> dict[str, tuple[int, str]]:
    """Row count and a digest of every row of every table (sessions and last_login left out)."""
    result = {}
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            table = model._meta.db_table
            if table in IGNORED_TABLES or model._meta.proxy or not model._meta.managed:
                continue
            columns = [f.column for f in model._meta.concrete_fields if f.attname not in IGNORED_COLUMNS]
            cursor.execute(f"SELECT {', '.join(map(quote, columns))} FROM {quote(table)} ORDER BY 1")
            rows = cursor.fetchall()
            result[table] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest()[:16])
    return result


def changed_tables(before: dict, after: dict) -> list[str]:
    return [
        f"{table}: {before.get(table, (0, ''))[0]} -> {after.get(table, (0, ''))[0]} rækker"
        + ("" if before.get(table, (0,))[0] != after.get(table, (0,))[0] else " (indhold ændret)")
        for table in sorted(set(before) | set(after))
        if before.get(table) != after.get(table)
    ]
