"""The ledger is append-only down to the database (klyngeportal/ledger_guard.py).

A booked entry, a status change, a review comment, a booked import batch, a confirmation and an import's record
of a budget change (ImportChange): ``save()`` of the
existing row, ``QuerySet.update()``, ``delete()``, ``QuerySet.delete()`` and raw SQL UPDATE and
DELETE are each refused by the database's trigger (IntegrityError with its Danish message), and the
row is as it was. The one change an import batch allows is the reversal of ``import_batch_reverse``,
once. Runs on SQLite and on PostgreSQL (the CI runs both).
"""
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from accounts import services
from accounts.models import Entry, ImportBatch, StatusChange
from accounts.models_import import ImportChange
from accounts.services.budget_control import confirmation_record
from klyngeportal import ledger_guard
from review.models import Comment
from tests import factories
from tests.conftest import ensure_reference_data


@pytest.fixture(scope="module")
def booked(django_db_setup, django_db_blocker):
    """One booked row of each guarded kind (built once, rolled back after the module)."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            ensure_reference_data()
            world = factories.build_world()
            rows = {
                "entry": world.entry_a,
                "status_change": StatusChange.objects.filter(cluster_year=world.cy_a_submitted).get(),
                "comment": Comment.objects.filter(cluster_year=world.cy_a).get(),
                "import_batch": world.batch_a,
                "confirmation": confirmation_record(cluster_year=world.cy_a, by=world.users["secretariat_a"],
                                                    found=[], entry=factories.entry(
                                                        world.cy_a, world.initiative_a, by=world.users["secretariat_a"],
                                                        municipality=world.municipality_a, amount=Decimal("1.00"))),
                # What an import changed is written once when it commits (accounts.services.import_undo).
                "import_change": ImportChange.objects.create(
                    import_batch=ImportBatch.objects.create(
                        cluster_year=world.cy_a, filename="syntetisk-budget.xlsx", sha256="0" * 64, rows=0,
                        total=Decimal("0.00"), imported_by=world.users["secretariat_a"]), kind=ImportChange.Kind.BUDGET_LINE, initiative_ref=world.initiative_a.pk,
                    source="startup", label="Syntetisk budgetlinje", party_kind="municipality",
                    municipality=world.municipality_a, old=None, new={"amount": "10.00", "months": None}),
            }
            yield world, rows
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


# A field of each kind to change, and a value it does not have.
CHANGE = {
    "entry": ("text", "Syntetisk ændret tekst"),
    "status_change": ("comment", "Syntetisk ændret kommentar"),
    "comment": ("text", "Syntetisk ændret kommentar"),
    "import_batch": ("filename", "syntetisk-ændret.xlsx"),
    "confirmation": ("text", "Syntetisk ændret bekræftelse"),
    "import_change": ("label", "Syntetisk ændret betegnelse"),
}
KINDS = sorted(CHANGE)


def _state(obj) -> dict:
    """The row as the database holds it now, column by column."""
    model = type(obj)
    return model.objects.filter(pk=obj.pk).values(*[f.attname for f in model._meta.concrete_fields]).get()


def _refused(obj, attempt):
    """``attempt()`` is refused by the trigger with its Danish message, and the row is unchanged."""
    before = _state(obj)
    with pytest.raises(IntegrityError) as caught:
        with transaction.atomic():
            attempt()
    assert ledger_guard.GUARDS[type(obj)._meta.db_table].message in str(caught.value)
    assert _state(obj) == before


@pytest.mark.parametrize("kind", KINDS)
def test_save_of_a_booked_row_is_refused(kind, booked, db):
    obj = type(booked[1][kind]).objects.get(pk=booked[1][kind].pk)
    name, value = CHANGE[kind]
    setattr(obj, name, value)
    _refused(obj, obj.save)


@pytest.mark.parametrize("kind", KINDS)
def test_queryset_update_of_a_booked_row_is_refused(kind, booked, db):
    obj = booked[1][kind]
    name, value = CHANGE[kind]
    _refused(obj, lambda: type(obj).objects.filter(pk=obj.pk).update(**{name: value}))


@pytest.mark.parametrize("kind", [k for k in KINDS if k != "import_batch"])
def test_delete_of_a_booked_row_is_refused(kind, booked, db):
    obj = booked[1][kind]
    _refused(obj, obj.delete)
    _refused(obj, lambda: type(obj).objects.filter(pk=obj.pk).delete())


def test_delete_of_a_booked_import_batch_is_refused(booked, db):
    """Django refuses first (its entries protect it); without Django, the trigger refuses (raw SQL below)."""
    batch = booked[1]["import_batch"]
    with pytest.raises(ProtectedError):
        batch.delete()
    assert ImportBatch.objects.filter(pk=batch.pk).exists()


@pytest.mark.parametrize("kind", KINDS)
def test_raw_sql_update_and_delete_of_a_booked_row_are_refused(kind, booked, db):
    obj = booked[1][kind]
    table = connection.ops.quote_name(type(obj)._meta.db_table)
    column = connection.ops.quote_name(type(obj)._meta.get_field(CHANGE[kind][0]).column)

    def execute(sql, params):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)

    _refused(obj, lambda: execute(f"UPDATE {table} SET {column} = %s WHERE id = %s", [CHANGE[kind][1], obj.pk]))
    # The foreign keys are checked at commit: only the trigger refuses the DELETE at once.
    _refused(obj, lambda: execute(f"DELETE FROM {table} WHERE id = %s", [obj.pk]))


def test_deleting_a_cluster_year_cannot_take_its_history_along(booked, db):
    """A status change goes with its cluster-year by CASCADE in Django: the database refuses it."""
    world, rows = booked
    cluster_year = world.cy_a_submitted
    with pytest.raises(IntegrityError):
        with transaction.atomic():
            cluster_year.delete()
    assert StatusChange.objects.filter(pk=rows["status_change"].pk).exists()


def test_an_import_batch_is_reversed_once_and_then_frozen(booked, db):
    world, rows = booked
    batch = rows["import_batch"]
    secretariat = world.users["secretariat_a"]

    reversals = services.import_batch_reverse(import_batch=batch, by=secretariat)

    batch = ImportBatch.objects.get(pk=batch.pk)
    assert batch.reversed_at is not None and batch.reversed_by == secretariat
    assert len(reversals) == batch.rows
    # The reversal is set once: not again, not taken back, nothing else along with it.
    _refused(batch, lambda: ImportBatch.objects.filter(pk=batch.pk).update(reversed_at=timezone.now()))
    _refused(batch, lambda: ImportBatch.objects.filter(pk=batch.pk).update(reversed_at=None, reversed_by=None))
    _refused(batch, lambda: ImportBatch.objects.filter(pk=batch.pk).update(rows=batch.rows + 1))


def test_the_reversal_may_change_nothing_else_of_the_batch(booked, db):
    world, rows = booked
    batch = rows["import_batch"]
    assert batch.reversed_at is None
    _refused(batch, lambda: ImportBatch.objects.filter(pk=batch.pk).update(
        reversed_at=timezone.now(), reversed_by=world.users["secretariat_a"], total=batch.total + 1,
    ))
    _refused(batch, lambda: ImportBatch.objects.filter(pk=batch.pk).update(reversed_at=timezone.now()))


def test_the_sqlite_trigger_compares_every_column_of_the_import_batch():
    """A new column of ImportBatch needs the trigger again (a migration with ledger_guard.operation)."""
    guard = ledger_guard.IMPORT_BATCH
    columns = {f.column for f in ImportBatch._meta.concrete_fields}
    assert columns == set(guard.unchanged) | set(guard.set_once)


def test_a_new_entry_and_a_reversal_are_still_booked(booked, db):
    """Appending is what the ledger is for: the guard refuses changes, not bookings."""
    world, rows = booked
    secretariat = world.users["secretariat_a"]
    entry = factories.entry(world.cy_a, world.initiative_a, by=secretariat, municipality=world.municipality_a,
                            amount=Decimal("10.00"))
    reversal = services.entry_reverse(entry=entry, by=secretariat)
    assert Entry.objects.get(pk=reversal.pk).amount == -entry.amount
    factories.comment(world.cy_a, by=world.users["ssu_a"], text="Syntetisk ny kommentar")
    assert Comment.objects.filter(cluster_year=world.cy_a).count() == 2
