"""Bookings against a concurrent close or submission: the cluster-year row lock decides (real threads).

The race is made to happen, not hoped for: thread A takes the row lock through
``accounts.services.cluster_year_lock`` inside a transaction; thread B calls ``entry_create`` and
must queue behind it, which the test sees in PostgreSQL (B's backend waits on a lock A holds), with
a deadline and no fixed sleep; only then A closes the year (or submits the accounts) through the
services and commits. B re-reads the row after the wait, is refused, and writes nothing. Without the
lock B would not wait and would book into a closed or submitted year: these tests fail.

SQLite's in-memory test database is one shared-cache connection per thread with table locks and no
busy timeout (a second writer fails at once instead of waiting), and it has no row locks at all:
this runs in the PostgreSQL run, with a test database of its own:
DATABASE_URL=postgres://postgres@127.0.0.1:5432/test TEST_DATABASE_NAME=test_accounts pytest tests/accounts
"""
import datetime
import threading
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connections, transaction

from accounts import services
from accounts.models import ClusterYear, Entry, ReviewStatus, StatusChange
from accounts.services import cluster_year_lock
from geography.models import Municipality
from review.workflow import cluster_year_transition
from tests import factories
from tests.conftest import THREAD_TIMEOUT, backend_pid, ensure_reference_data, get_cluster, run_lock_race
from users.models import Role

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgresql]



@pytest.fixture
def accounts():
    """Aarhusklyngen 2022 in draft with one initiative; a secretariat user and an administrator."""
    ensure_reference_data()
    aarhus = get_cluster(1082, "Aarhusklyngen")
    secretariat = factories.user(Role.SECRETARIAT, username="syntetisk_sek_1", cluster=aarhus)
    admin = factories.user(Role.ADMIN, username="syntetisk_admin_2")
    cy = factories.cluster_year(aarhus, 2022)
    initiative = factories.initiative(cy, by=secretariat, name="Syntetisk samtidig indsats", area_name="Andet")
    return SimpleNamespace(
        cy=cy, initiative=initiative, secretariat=secretariat, admin=admin,
        municipality=Municipality.objects.get(code=751),
    )


def book(accounts, user, amount: Decimal) -> Entry:
    return services.entry_create(
        cluster_year=accounts.cy, initiative=accounts.initiative, party_kind="municipality",
        municipality=accounts.municipality, booking_date=datetime.date(2022, 6, 1), kind="expense",
        amount=amount, account_code="4.62.82", voucher=f"SYN-{user.pk}", text="Syntetisk samtidig postering",
        cost_kind="development", created_by=user, confirmed=True,
    )


def close_the_year(locked: ClusterYear, accounts) -> None:
    # Draft accounts: an administrator closes them, with a reason (a secretariat needs the SSU's approval).
    services.year_close(cluster_year=locked, by=accounts.admin, reason="Syntetisk: samtidig afslutning")


def submit_the_accounts(locked: ClusterYear, accounts) -> None:
    cluster_year_transition(cluster_year=locked, action="submit", by=accounts.secretariat)


def race(accounts, change) -> dict:
    """A holds the row lock; B books and must wait on it; once PostgreSQL shows B waiting, A makes the
    conflicting ``change`` and commits. Returns what each thread saw."""
    outcome = {"a_pid": None, "b_pid": None}
    a_holds_lock, b_ready, b_seen_waiting = threading.Event(), threading.Event(), threading.Event()

    def thread_a():
        try:
            outcome["a_pid"] = backend_pid()
            with transaction.atomic():
                locked = cluster_year_lock(accounts.cy)
                a_holds_lock.set()
                b_seen_waiting.wait(THREAD_TIMEOUT)  # released by the probe below, or at its deadline
                change(locked, accounts)
            outcome["a"] = "committed"
        except Exception as exc:  # noqa: BLE001 - reported by the assertions
            outcome["a"] = repr(exc)
        finally:
            a_holds_lock.set()
            connections.close_all()

    def thread_b():
        try:
            outcome["b_pid"] = backend_pid()
            b_ready.set()
            a_holds_lock.wait(THREAD_TIMEOUT)
            try:
                entry = book(accounts, accounts.admin, Decimal("250.50"))
                outcome["b"] = f"booked entry {entry.pk}"
            except PermissionDenied as refused:
                outcome["b"] = str(refused)
        except Exception as exc:  # noqa: BLE001 - reported by the assertions
            outcome["b"] = repr(exc)
        finally:
            b_ready.set()
            connections.close_all()

    outcome["b_waited_on_a"] = run_lock_race(thread_a, thread_b, holds=a_holds_lock, waiter_ready=b_ready,
                                             seen_waiting=b_seen_waiting, outcome=outcome, pid_keys=("a_pid", "b_pid"))
    return outcome


def test_a_booking_waits_for_a_concurrent_close_and_is_refused(accounts):
    outcome = race(accounts, close_the_year)

    assert outcome["alive"] == []
    assert outcome["a"] == "committed"
    assert outcome["b"] == "Året 2022 er afsluttet for klyngen; det kan kun genåbnes af en administrator."
    assert outcome["b_waited_on_a"], "B never waited on the row lock held by A"
    accounts.cy.refresh_from_db()
    assert accounts.cy.is_closed
    assert not Entry.objects.filter(cluster_year=accounts.cy).exists()  # nothing half-written
    assert list(StatusChange.objects.filter(cluster_year=accounts.cy).values_list("action", flat=True)) == [
        StatusChange.Action.CLOSE_YEAR,
    ]


def test_a_booking_waits_for_a_concurrent_submission_and_is_refused(accounts):
    outcome = race(accounts, submit_the_accounts)

    assert outcome["alive"] == []
    assert outcome["a"] == "committed"
    assert outcome["b"] == "Regnskabet kan ikke ændres i status «Indsendt»."
    assert outcome["b_waited_on_a"], "B never waited on the row lock held by A"
    accounts.cy.refresh_from_db()
    assert accounts.cy.status == ReviewStatus.SUBMITTED
    assert not Entry.objects.filter(cluster_year=accounts.cy).exists()  # nothing half-written


def test_two_users_saving_at_the_same_moment_both_land(accounts):
    """Two bookings released together: the lock serialises them, and both commit."""
    barrier = threading.Barrier(2)
    results, errors = [], []

    def save(user, amount):
        try:
            barrier.wait(timeout=10)
            results.append(book(accounts, user, amount).pk)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(accounts.secretariat, Decimal("100.00"))),
               threading.Thread(target=save, args=(accounts.admin, Decimal("250.50")))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=THREAD_TIMEOUT)

    assert errors == []
    assert len(results) == 2
    saved = Entry.objects.filter(cluster_year=accounts.cy).order_by("amount")
    assert [e.amount for e in saved] == [Decimal("100.00"), Decimal("250.50")]
    assert {e.created_by.username for e in saved} == {"syntetisk_sek_1", "syntetisk_admin_2"}
