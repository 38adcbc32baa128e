"""The append-only guard's machinery (klyngeportal/ledger_guard.py): the triggers in the migrated
schema, the SQLite guard function that fails closed, the maintenance block only ``flush`` enters."""
import sqlite3
import threading
from decimal import Decimal

import pytest
from django.core.management import call_command, get_commands
from django.db import IntegrityError, connection, transaction

from accounts.models import Entry
from klyngeportal import ledger_guard
from tests import factories
from tests.conftest import ensure_reference_data

sqlite_only = pytest.mark.sqlite  # the guard function is SQLite's (PostgreSQL's triggers need none)


def _triggers() -> dict[str, set[str]]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgrelid::regclass::text, tgname FROM pg_trigger WHERE NOT tgisinternal")
        else:
            cursor.execute("SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger'")
        found: dict[str, set[str]] = {}
        for table, name in cursor.fetchall():
            found.setdefault(table, set()).add(name)
    return found


def test_the_migrated_schema_holds_every_trigger(db):
    found = _triggers()
    for table, names in ledger_guard.trigger_names(connection.vendor).items():
        assert set(names) <= found.get(table, set()), f"{table}: {sorted(found.get(table, ()))}"


def test_flush_is_the_portals_own():
    assert get_commands()["flush"] == "klyngeportal"


def _guarded() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {ledger_guard.GUARD_FUNCTION}()")
        return cursor.fetchone()[0]


@sqlite_only
def test_the_guard_is_up_except_in_maintenance_on_this_thread(db):
    assert _guarded() == 1
    seen_elsewhere = []

    def elsewhere():
        seen_elsewhere.append(_guarded())
        connection.close()

    with ledger_guard.maintenance(connection.alias):
        assert _guarded() == 0
        # Another thread (the live server's) is still guarded.
        other = threading.Thread(target=elsewhere)
        other.start()
        other.join()
    assert seen_elsewhere == [1]
    assert _guarded() == 1


def test_a_connection_without_the_guard_function_refuses():
    """The sqlite3 shell or another program: the triggers fail closed ("no such function")."""
    raw = sqlite3.connect(":memory:")
    raw.execute("CREATE TABLE review_comment (id integer PRIMARY KEY, text text)")
    for statement in ledger_guard.SQL["sqlite"][0](ledger_guard.COMMENT):
        raw.execute(statement)
    raw.execute("INSERT INTO review_comment (text) VALUES ('Syntetisk')")
    for sql in ("UPDATE review_comment SET text = 'ændret'", "DELETE FROM review_comment"):
        with pytest.raises(sqlite3.OperationalError, match=ledger_guard.GUARD_FUNCTION):
            raw.execute(sql)
    assert raw.execute("SELECT text FROM review_comment").fetchall() == [("Syntetisk",)]


@pytest.mark.django_db(transaction=True)
def test_flush_empties_the_ledger_and_the_guard_is_back_after():
    ensure_reference_data()
    world = factories.build_world()
    assert Entry.objects.exists()

    call_command("flush", interactive=False, verbosity=0)

    assert not Entry.objects.exists()
    ensure_reference_data()
    # The reference data is loaded anew: its rows have new ids, so look the cluster up again.
    cluster = factories.cluster(world.cluster_a.region.code, world.cluster_a.name)
    secretariat = factories.user("secretariat", username="sek_efter_flush", cluster=cluster)
    cy = factories.cluster_year(cluster, 2022)
    initiative = factories.initiative(cy, by=secretariat, name="Syntetisk indsats efter flush")
    entry = factories.entry(cy, initiative, by=secretariat, municipality=factories.member_municipality(cy.cluster),
                            amount=Decimal("5.00"))
    with pytest.raises(IntegrityError):
        with transaction.atomic():
            Entry.objects.filter(pk=entry.pk).update(amount=Decimal("6.00"))
    assert Entry.objects.get(pk=entry.pk).amount == Decimal("5.00")
