"""Two reviewers acting at once: the row lock lets exactly one move the accounts (PostgreSQL only).

The first reviewer approves inside a transaction and keeps it open; the second tries to return the
accounts and must queue behind the first's row lock. The test sees that wait in PostgreSQL (the
second's backend waits on a lock the first holds), with a deadline and no fixed sleep; only then
the first commits, and the second, re-reading the row after the wait, is refused.
"""
import threading

import pytest
from django.db import connection, transaction

from accounts.models import ClusterYear, ReviewStatus, StatusChange
from review.workflow import TransitionRefused, cluster_year_transition
from tests.conftest import THREAD_TIMEOUT, backend_pid, run_lock_race

# SELECT ... FOR UPDATE needs PostgreSQL (SQLite ignores it): runs in the PostgreSQL run.
pytestmark = pytest.mark.postgresql



@pytest.mark.django_db(transaction=True)
def test_second_reviewer_waits_for_the_first_and_is_refused(world, make_user):
    cluster_year_transition(cluster_year=world.cy_a, action="submit", by=world.users["secretariat_a"])
    second_ssu = make_user("ssu", region=world.cy_a.cluster.region, username="ssu_a2")
    first_holds_lock, second_ready, second_seen_waiting = threading.Event(), threading.Event(), threading.Event()
    outcome = {"first_pid": None, "second_pid": None}

    def first():
        try:
            outcome["first_pid"] = backend_pid()
            with transaction.atomic():
                cluster_year_transition(
                    cluster_year=ClusterYear.objects.get(pk=world.cy_a.pk), action="approve", by=world.users["ssu_a"]
                )
                first_holds_lock.set()
                second_seen_waiting.wait(THREAD_TIMEOUT)  # released by the probe below, or at its deadline
            outcome["first"] = "ok"
        finally:
            first_holds_lock.set()
            connection.close()

    def second():
        try:
            outcome["second_pid"] = backend_pid()
            second_ready.set()
            first_holds_lock.wait(THREAD_TIMEOUT)
            try:
                cluster_year_transition(
                    cluster_year=ClusterYear.objects.get(pk=world.cy_a.pk), action="return", by=second_ssu,
                    comment="Syntetisk: samtidig retursendelse",
                )
                outcome["second"] = "ok"
            except TransitionRefused as refused:
                outcome["second"] = refused.messages[0]
        finally:
            second_ready.set()
            connection.close()

    # it waited for the lock instead of reading the old status
    outcome["waited"] = run_lock_race(first, second, holds=first_holds_lock, waiter_ready=second_ready,
                                      seen_waiting=second_seen_waiting, outcome=outcome,
                                      pid_keys=("first_pid", "second_pid"))
    assert outcome["alive"] == []
    assert outcome["first"] == "ok"
    assert outcome["second"] == "Kun et indsendt regnskab kan sendes retur (status er «Godkendt»)."
    assert outcome["waited"], "the second reviewer never waited on the row lock held by the first"
    world.cy_a.refresh_from_db()
    assert world.cy_a.status == ReviewStatus.APPROVED
    assert list(StatusChange.objects.filter(cluster_year=world.cy_a).values_list("action", flat=True)) == [
        "submit", "approve",
    ]
