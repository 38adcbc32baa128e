"""Two reviewers acting at once: the row lock lets exactly one move the accounts (PostgreSQL only)."""
import threading
import time

import pytest
from django.db import connection, transaction

from accounts.models import ClusterYear, ReviewStatus, StatusChange
from review.workflow import TransitionRefused, cluster_year_transition

# SELECT ... FOR UPDATE needs PostgreSQL (SQLite ignores it): runs in the PostgreSQL run.
pytestmark = pytest.mark.postgresql


@pytest.mark.django_db(transaction=True)
def test_second_reviewer_waits_for_the_first_and_is_refused(world, make_user):
    cluster_year_transition(cluster_year=world.cy_a, action="submit", by=world.users["secretariat_a"])
    second_ssu = make_user("ssu", region=world.cy_a.cluster.region, username="ssu_a2")
    first_holds_lock = threading.Event()
    outcome = {}

    def first():
        try:
            with transaction.atomic():
                cluster_year_transition(
                    cluster_year=ClusterYear.objects.get(pk=world.cy_a.pk), action="approve", by=world.users["ssu_a"]
                )
                first_holds_lock.set()
                time.sleep(1.0)  # the second reviewer tries now, while this transaction is open
            outcome["first"] = "ok"
        finally:
            connection.close()

    def second():
        try:
            first_holds_lock.wait(10)
            started = time.monotonic()
            try:
                cluster_year_transition(
                    cluster_year=ClusterYear.objects.get(pk=world.cy_a.pk), action="return", by=second_ssu,
                    comment="Syntetisk: samtidig retursendelse",
                )
                outcome["second"] = "ok"
            except TransitionRefused as refused:
                outcome["second"] = refused.messages[0]
            outcome["waited"] = time.monotonic() - started
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert outcome["first"] == "ok"
    assert outcome["second"] == "Kun et indsendt regnskab kan sendes retur (status er «Godkendt»)."
    assert outcome["waited"] > 0.5  # it waited for the lock instead of reading the old status
    world.cy_a.refresh_from_db()
    assert world.cy_a.status == ReviewStatus.APPROVED
    assert list(StatusChange.objects.filter(cluster_year=world.cy_a).values_list("action", flat=True)) == [
        "submit", "approve",
    ]
