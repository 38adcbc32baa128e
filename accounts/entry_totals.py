"""``accounts_entrytotal`` (``EntryTotal``) kept by the database: the entries' sums, added on insert.

A trigger on ``accounts_entry`` adds every inserted entry to its row of the summary (key: cluster-year,
initiative, party, cost kind, kind, booking year) in the inserting statement, so in its transaction:
whatever the path (the services, the import, ``bulk_create``, raw SQL), the summary and the entries
commit or roll back together. Entries are never updated or deleted (``klyngeportal.ledger_guard``), so
adding on insert is the whole upkeep.

- PostgreSQL: an ``AFTER INSERT ... FOR EACH STATEMENT`` trigger with the statement's new rows as a
  transition table, grouped and added with ``INSERT ... ON CONFLICT DO UPDATE``: concurrent inserts
  into the same row wait for each other on its lock and add to the committed sum (READ COMMITTED), in
  the key's order (no deadlock between two multi-row inserts).
- SQLite: an ``AFTER INSERT ... FOR EACH ROW`` trigger with the same upsert (writers are serialised).

On SQLite, Django alters a table by rebuilding it, which drops its triggers: a migration that alters
``accounts_entry`` must end with ``operation()`` again (tests/accounts/test_entry_totals.py fails
otherwise: it compares the summary with the plain sum after booking through the services).

A backup made with ``dumpdata`` need not hold the summary (docs/backup.md leaves it out): ``loaddata``
inserts the entries and the trigger adds them up again. A dump that does hold it still loads:
``adopt_loaded_row`` lets each dumped row take the place of the row the trigger made for its key.
"""
from __future__ import annotations

from django.db import migrations

TABLE = "accounts_entrytotal"
TRIGGER = "accounts_entry_totals"
FUNCTION = "klyngeportal_entry_totals_add"
KEY_FIELDS = ("cluster_year_id", "initiative_id", "party_kind", "party_id", "cost_kind", "kind", "booking_year")
KEY = ", ".join(KEY_FIELDS)
COLUMNS = (
    "cluster_year_id, initiative_id, party_kind, municipality_id, region_id, party_id, cost_kind, kind, "
    "booking_year, cents, entries, largest_cents"
)


def _grouped_select(source: str, vendor: str) -> str:
    """The rows of ``source`` (entries) grouped on the summary's key, in the key's order."""
    if vendor == "postgresql":
        year = "EXTRACT(YEAR FROM booking_date)::integer"
        cents = "ROUND(amount * 100)::bigint"
    else:
        year = "CAST(substr(booking_date, 1, 4) AS INTEGER)"
        cents = "CAST(ROUND(amount * 100) AS INTEGER)"
    return (
        f"SELECT cluster_year_id, initiative_id, party_kind, MAX(municipality_id), MAX(region_id), "
        f"COALESCE(municipality_id, region_id, 0), cost_kind, kind, {year}, SUM({cents}), COUNT(*), MAX({cents}) "
        f"FROM {source} GROUP BY cluster_year_id, initiative_id, party_kind, COALESCE(municipality_id, region_id, 0), "
        f"cost_kind, kind, {year} ORDER BY 1, 2, 3, 6, 7, 8, 9"
    )


def _upsert(excluded: str) -> str:
    return (
        f"ON CONFLICT ({KEY}) DO UPDATE SET cents = {TABLE}.cents + {excluded}.cents, "
        f"entries = {TABLE}.entries + {excluded}.entries, "
        f"largest_cents = CASE WHEN {excluded}.largest_cents > {TABLE}.largest_cents "
        f"THEN {excluded}.largest_cents ELSE {TABLE}.largest_cents END"
    )


def install_sql(vendor: str) -> list[str]:
    """Create the trigger and fill the summary from the entries already booked."""
    # WHERE true: SQLite's parser needs it between an INSERT's SELECT and its ON CONFLICT.
    backfill = (f"INSERT INTO {TABLE} ({COLUMNS}) SELECT * FROM ({_grouped_select('accounts_entry', vendor)}) "
                f"AS grouped WHERE true {_upsert('excluded')}")
    if vendor == "postgresql":
        return [
            f"""CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO {TABLE} ({COLUMNS})
    SELECT * FROM ({_grouped_select('new_entries', vendor)}) AS grouped
    {_upsert('EXCLUDED')};
    RETURN NULL;
END;
$$""",
            f"DROP TRIGGER IF EXISTS {TRIGGER} ON accounts_entry",
            f"CREATE TRIGGER {TRIGGER} AFTER INSERT ON accounts_entry REFERENCING NEW TABLE AS new_entries "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()",
            f"DELETE FROM {TABLE}",
            backfill,
        ]
    return [
        f"DROP TRIGGER IF EXISTS {TRIGGER}",
        f"""CREATE TRIGGER {TRIGGER} AFTER INSERT ON accounts_entry FOR EACH ROW BEGIN
    INSERT INTO {TABLE} ({COLUMNS}) VALUES (
        NEW.cluster_year_id, NEW.initiative_id, NEW.party_kind, NEW.municipality_id, NEW.region_id,
        COALESCE(NEW.municipality_id, NEW.region_id, 0), NEW.cost_kind, NEW.kind,
        CAST(substr(NEW.booking_date, 1, 4) AS INTEGER), CAST(ROUND(NEW.amount * 100) AS INTEGER), 1,
        CAST(ROUND(NEW.amount * 100) AS INTEGER)
    ) {_upsert('excluded')};
END""",
        f"DELETE FROM {TABLE}",
        backfill,
    ]


def uninstall_sql(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [f"DROP TRIGGER IF EXISTS {TRIGGER} ON accounts_entry", f"DROP FUNCTION IF EXISTS {FUNCTION}()"]
    return [f"DROP TRIGGER IF EXISTS {TRIGGER}"]


def adopt_loaded_row(sender, instance, raw, using, **kwargs):
    """``pre_save`` of ``EntryTotal`` under ``loaddata`` (raw): the dumped row replaces the trigger's.

    Entries load before their sums (the model comes first in the app), so the trigger has already made
    the row for this key, under a number of its own; saved under the dump's number the row would collide
    with it, or overwrite another key's row. The dump's sums are those of the same entries.
    """
    if not raw:
        return
    key = {field: getattr(instance, field) for field in KEY_FIELDS}
    instance.pk = sender._base_manager.using(using).filter(**key).values_list("pk", flat=True).first()


def operation() -> migrations.RunPython:
    """The migration operation that (re)creates the trigger and refills the summary; reversed, drops it."""

    def run(schema_editor, statements):
        for sql in statements:
            schema_editor.execute(sql, params=None)

    def install(apps, schema_editor):
        run(schema_editor, install_sql(schema_editor.connection.vendor))

    def uninstall(apps, schema_editor):
        run(schema_editor, uninstall_sql(schema_editor.connection.vendor))

    return migrations.RunPython(install, uninstall)
