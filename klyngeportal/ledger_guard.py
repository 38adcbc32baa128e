"""The ledger is append-only down to the database: triggers refuse to change what is booked.

Guarded tables (``GUARDS``):

- ``accounts_entry``, ``accounts_statuschange``, ``review_comment``, ``accounts_budgetrevision``,
  ``accounts_entryconfirmation``, ``accounts_importchange``: no UPDATE, no DELETE.
- ``accounts_importbatch``: no DELETE; the one UPDATE allowed is what ``import_batch_reverse`` does,
  setting ``reversed_at`` and ``reversed_by`` once (both empty before, both set after, every other
  column unchanged).

Whatever the path (``save()`` of an existing row, ``delete()``, ``QuerySet.update()``/``delete()``,
the admin, raw SQL), the database refuses with a Danish message and Django raises ``IntegrityError``:

- PostgreSQL: a plpgsql function raising SQLSTATE 23000 and a ``BEFORE UPDATE OR DELETE ... FOR EACH
  ROW`` trigger per table. ``TRUNCATE`` (Django's ``flush`` on PostgreSQL) fires no row triggers.
- SQLite: ``BEFORE UPDATE`` and ``BEFORE DELETE`` triggers with ``RAISE(ABORT, ...)``, each with
  ``WHEN klyngeportal_ledger_guarded()``: an SQL function the portal registers on every connection
  it opens (``register_guard``, on ``connection_created``). It answers 1 ("guarded") except inside
  ``maintenance()`` for that connection's alias in the calling thread, which only the ``flush``
  command enters (tests flush the database between transactional tests, with DELETE FROM on SQLite).
  A connection without the function (the sqlite3 shell, another program) gets "no such function":
  the guard fails closed.

The triggers are created by migrations (``accounts`` 0003, 0006, 0007, 0009, ``review`` 0002) through ``operation``.
On SQLite, Django alters a table by rebuilding it (new table, copy, drop, rename), which drops its
triggers: a migration that alters a guarded table must end with ``operation`` for it again
(tests/accounts/test_append_only.py fails otherwise).
"""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connections, migrations, transaction

GUARD_FUNCTION = "klyngeportal_ledger_guarded"
SQLSTATE = "23000"  # integrity_constraint_violation: Django raises IntegrityError, as for SQLite's RAISE(ABORT)

# The aliases in maintenance in this thread (a context variable: the live server's thread is not in it).
_maintenance: ContextVar[frozenset[str]] = ContextVar("klyngeportal_ledger_maintenance", default=frozenset())


@dataclass(frozen=True)
class Guard:
    table: str
    message: str  # Danish; no single quotes (it is an SQL literal)
    # The columns that may be set once, from empty, by the one allowed UPDATE; empty: no UPDATE at all.
    set_once: tuple[str, ...] = ()
    # The other columns (SQLite compares them one by one; PostgreSQL compares the whole row).
    unchanged: tuple[str, ...] = ()


ENTRY = Guard(
    "accounts_entry",
    "Bogførte posteringer kan ikke ændres eller slettes; ret med en tilbageførsel og en ny postering.",
)
STATUS_CHANGE = Guard(
    "accounts_statuschange", "Statusændringer er klyngeregnskabets historik og kan ikke ændres eller slettes.",
)
IMPORT_BATCH = Guard(
    "accounts_importbatch",
    "En bogført import kan ikke ændres eller slettes; den kan kun tilbageføres, én gang.",
    set_once=("reversed_at", "reversed_by_id"),
    unchanged=("id", "cluster_year_id", "filename", "sha256", "rows", "total", "imported_by_id", "imported_at"),
)
COMMENT = Guard("review_comment", "Kommentarer i gennemgangen kan ikke ændres eller slettes.")
BUDGET_REVISION = Guard(
    "accounts_budgetrevision", "Budgetrevisioner er budgettets historik og kan ikke ændres eller slettes.",
)
CONFIRMATION = Guard(
    "accounts_entryconfirmation",
    "En bekræftelse af en postering eller en import er skrevet én gang og kan ikke ændres eller slettes.",
)
IMPORT_CHANGE = Guard(
    "accounts_importchange",
    "Det, en import ændrede i budget og tilsagn, er skrevet én gang og kan ikke ændres eller slettes.",
)
GUARDS = {g.table: g for g in (ENTRY, STATUS_CHANGE, IMPORT_BATCH, COMMENT, BUDGET_REVISION, CONFIRMATION,
                               IMPORT_CHANGE)}


def _pg_function(guard: Guard) -> str:
    return f"klyngeportal_guard_{guard.table}"


def _pg_trigger(guard: Guard) -> str:
    return f"{guard.table}_append_only"


def _sqlite_triggers(guard: Guard) -> dict[str, str]:
    return {"UPDATE": f"{guard.table}_append_only_update", "DELETE": f"{guard.table}_append_only_delete"}


def _pg_install(guard: Guard) -> list[str]:
    refuse = f"RAISE EXCEPTION '{guard.message}' USING ERRCODE = '{SQLSTATE}';"
    if guard.set_once:
        cleared = "\n".join(f"        candidate.{column} := NULL;" for column in guard.set_once)
        was_empty = " AND ".join(f"OLD.{column} IS NULL" for column in guard.set_once)
        is_set = " AND ".join(f"NEW.{column} IS NOT NULL" for column in guard.set_once)
        body = f"""DECLARE
    candidate {guard.table};
BEGIN
    IF TG_OP = 'UPDATE' AND {was_empty} AND {is_set} THEN
        candidate := NEW;
{cleared}
        IF candidate IS NOT DISTINCT FROM OLD THEN
            RETURN NEW;
        END IF;
    END IF;
    {refuse}
END;"""
    else:
        body = f"BEGIN\n    {refuse}\nEND;"
    return [
        f"CREATE OR REPLACE FUNCTION {_pg_function(guard)}() RETURNS trigger LANGUAGE plpgsql AS $guard$\n"
        f"{body}\n$guard$;",
        f"DROP TRIGGER IF EXISTS {_pg_trigger(guard)} ON {guard.table};",
        f"CREATE TRIGGER {_pg_trigger(guard)} BEFORE UPDATE OR DELETE ON {guard.table} "
        f"FOR EACH ROW EXECUTE FUNCTION {_pg_function(guard)}();",
    ]


def _pg_uninstall(guard: Guard) -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {_pg_trigger(guard)} ON {guard.table};",
        f"DROP FUNCTION IF EXISTS {_pg_function(guard)}();",
    ]


def _sqlite_install(guard: Guard) -> list[str]:
    names = _sqlite_triggers(guard)
    raise_ = f"BEGIN SELECT RAISE(ABORT, '{guard.message}'); END;"
    update_when = f"{GUARD_FUNCTION}()"
    if guard.set_once:
        allowed = [f"OLD.{c} IS NULL" for c in guard.set_once] + [f"NEW.{c} IS NOT NULL" for c in guard.set_once]
        allowed += [f"NEW.{c} IS OLD.{c}" for c in guard.unchanged]
        update_when += f" AND NOT ({' AND '.join(allowed)})"
    return [
        *_sqlite_uninstall(guard),
        f"CREATE TRIGGER {names['UPDATE']} BEFORE UPDATE ON {guard.table} WHEN {update_when} {raise_}",
        f"CREATE TRIGGER {names['DELETE']} BEFORE DELETE ON {guard.table} WHEN {GUARD_FUNCTION}() {raise_}",
    ]


def _sqlite_uninstall(guard: Guard) -> list[str]:
    return [f"DROP TRIGGER IF EXISTS {name};" for name in _sqlite_triggers(guard).values()]


SQL = {
    "postgresql": (_pg_install, _pg_uninstall),
    "sqlite": (_sqlite_install, _sqlite_uninstall),
}


def _run(schema_editor, tables, which: int) -> None:
    vendor = schema_editor.connection.vendor
    if vendor not in SQL:
        raise NotImplementedError(f"Ingen append-only-triggere for databasen {vendor}.")
    for table in tables:
        for statement in SQL[vendor][which](GUARDS[table]):
            schema_editor.execute(statement, params=None)


def operation(*tables: str) -> migrations.RunPython:
    """The migration operation that (re)creates the triggers of ``tables``; reversed, it drops them."""

    def install(apps, schema_editor):
        _run(schema_editor, tables, 0)

    def uninstall(apps, schema_editor):
        _run(schema_editor, tables, 1)

    return migrations.RunPython(install, uninstall)


def trigger_names(vendor: str) -> dict[str, list[str]]:
    """The trigger names per guarded table on this database (what a migrated schema must hold)."""
    if vendor == "postgresql":
        return {table: [_pg_trigger(g)] for table, g in GUARDS.items()}
    return {table: sorted(_sqlite_triggers(g).values()) for table, g in GUARDS.items()}


def register_guard(sender, connection, **kwargs) -> None:
    """``connection_created`` receiver: give a new SQLite connection the guard's SQL function."""
    if connection.vendor != "sqlite":
        return
    alias = connection.alias

    def guarded() -> int:
        return 0 if alias in _maintenance.get() else 1

    connection.connection.create_function(GUARD_FUNCTION, 0, guarded)


@contextmanager
def maintenance(using: str = DEFAULT_DB_ALIAS):
    """Lift the guard on one database for this thread, for the whole block: for emptying a database.

    Only ``manage.py flush`` (and the benchmark emptying its own database) enters it. On SQLite the guard function answers 0 inside; on PostgreSQL
    the triggers are disabled inside one transaction (``ALTER TABLE ... DISABLE TRIGGER``: the table's
    owner only, undone by the commit's ENABLE or by the rollback).
    """
    connection = connections[using]
    token = _maintenance.set(_maintenance.get() | {using})
    try:
        if connection.vendor != "postgresql":
            yield
            return
        with transaction.atomic(using=using):
            with connection.cursor() as cursor:
                # Only the triggers there are (a database migrated to before them, or not at all, has none).
                cursor.execute(
                    "SELECT tgrelid::regclass::text, tgname FROM pg_trigger WHERE tgname = ANY(%s)",
                    [[_pg_trigger(g) for g in GUARDS.values()]],
                )
                present = cursor.fetchall()
                # PostgreSQL refuses to ALTER a table with deferred foreign-key checks pending in the
                # transaction: run them now, before switching the guard off and again before on.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                for table, name in present:
                    cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {name}")
            yield
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                for table, name in present:
                    cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {name}")
    finally:
        _maintenance.reset(token)
