"""Shared fixtures: the reference data loaded once per test database, and users per role.

Also the two PostgreSQL probes the race tests use to see that a thread really waits on a row lock.
"""
import threading
import time

import pytest
from django.core.management import call_command
from django.db import connection

from geography.models import Cluster, Region
from tests import factories
from users.models import User

# The Playwright fixtures (browser, page, login, shot) for browser tests in any folder.
pytest_plugins = ["tests.browser_fixtures"]

TEST_PASSWORD = "test-adgangskode-123"
OTHER_DATABASE_ONLY = pytest.StashKey[tuple[int, str]]()
# A marker for tests that need one database itself, and the database they need.
DATABASE_MARKERS = {"postgresql": "postgresql", "sqlite": "sqlite"}


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgresql` (row locks, pg_dump) run in the PostgreSQL run, tests marked `sqlite`
    (SQLite's own SQL functions) in the SQLite run; on the other database they are deselected, not
    skipped, and the summary says how many and where they run (.ci/run runs both)."""
    from django.db import connection

    other = [marker for marker, vendor in DATABASE_MARKERS.items() if vendor != connection.vendor]
    deselected = [item for item in items if any(item.get_closest_marker(m) for m in other)]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if item not in deselected]
        config.stash[OTHER_DATABASE_ONLY] = (len(deselected), ", ".join(other))


def pytest_terminal_summary(terminalreporter, config):
    count, markers = config.stash.get(OTHER_DATABASE_ONLY, (0, ""))
    if count:
        terminalreporter.write_line(
            f"{count} tests for another database ({markers}) deselected on this one; they run there "
            "(.ci/run runs SQLite and PostgreSQL)."
        )


def ensure_reference_data():
    """Load the shipped reference data unless it is there (transactional tests flush it)."""
    if not Region.objects.exists():
        call_command("load_reference", verbosity=0)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        ensure_reference_data()


@pytest.fixture
def ref(db):
    """The 2022 reference data (regions, municipalities, clusters, memberships, the 2022 round)."""
    ensure_reference_data()


def get_cluster(region_code: int, name: str) -> Cluster:
    return factories.cluster(region_code, name)


@pytest.fixture
def make_user(ref):
    """A user of the role who logs in with TEST_PASSWORD (tests/factories.py's ``user``; no e-mail unless given)."""
    counter = {"n": 0}

    def _make(role: str, *, cluster: Cluster | None = None, region: Region | None = None, **extra) -> User:
        counter["n"] += 1
        return factories.user(
            role, username=extra.pop("username", f"{role}{counter['n']}"), cluster=cluster, region=region,
            password=TEST_PASSWORD, email=extra.pop("email", ""), **extra,
        )

    return _make


@pytest.fixture
def aarhus(ref) -> Cluster:
    return get_cluster(1082, "Aarhusklyngen")


@pytest.fixture
def randers(ref) -> Cluster:
    return get_cluster(1082, "Randers Klyngen")


@pytest.fixture
def bornholm(ref) -> Cluster:
    return get_cluster(1084, "Bornholm")


@pytest.fixture
def users(ref, aarhus, randers, bornholm):
    """One user per role in the permission matrix: cluster A = Aarhusklyngen, B = Randers Klyngen."""
    return factories.matrix_users(aarhus=aarhus, randers=randers, bornholm=bornholm, password=TEST_PASSWORD, email="")


@pytest.fixture
def client_for(client):
    """A logged-in test client for a user."""
    from django.test import Client

    def _client(user):
        c = Client()
        c.force_login(user)
        return c

    return _client


# --- row-lock probes (PostgreSQL) --------------------------------------------

def backend_pid() -> int:
    """The PostgreSQL backend process id of this thread's database connection (opens it if needed)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def blocked_on_lock(waiter_pid: int, holder_pid: int, *, timeout: float = 15.0) -> bool:
    """Poll PostgreSQL until the backend ``waiter_pid`` waits for a lock that ``holder_pid`` holds.

    True as soon as pg_stat_activity shows the waiter waiting on a heavyweight lock
    (``wait_event_type = 'Lock'``) and ``pg_blocking_pids`` names the holder; False when the deadline
    passes first (the waiter never queued behind the holder: it did not wait on the lock). Call it
    from a connection in autocommit (the test's own, in a transactional test), never from inside a
    transaction: PostgreSQL keeps one snapshot of pg_stat_activity per transaction.
    """
    deadline = time.monotonic() + timeout
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = %s AND wait_event_type = 'Lock')"
                " AND %s = ANY(pg_blocking_pids(%s))",
                [waiter_pid, holder_pid, waiter_pid],
            )
            if cursor.fetchone()[0]:
                return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.01)  # the polling interval, not a wait for the other thread


THREAD_TIMEOUT = 30  # seconds; a bound for a broken run, never a wait a race test relies on


def run_lock_race(holder, waiter, *, holds: threading.Event, waiter_ready: threading.Event,
                  seen_waiting: threading.Event, outcome: dict, pid_keys: tuple[str, str]) -> bool:
    """Run ``holder`` and ``waiter`` in two threads; whether PostgreSQL saw the waiter blocked on the holder.

    The holder takes its lock, sets ``holds`` and waits for ``seen_waiting``; the waiter sets
    ``waiter_ready`` and then asks for the same lock. Each puts its ``backend_pid()`` in ``outcome``
    under its key of ``pid_keys`` (holder's, waiter's). Once the waiter is seen waiting (or the probe's
    deadline passes) the holder is let go and both threads are joined; ``outcome["alive"]``: the threads
    still running after the join.
    """
    threads = [threading.Thread(target=holder, name="holder"), threading.Thread(target=waiter, name="waiter")]
    for thread in threads:
        thread.start()
    holds.wait(THREAD_TIMEOUT)
    waiter_ready.wait(THREAD_TIMEOUT)
    holder_pid, waiter_pid = (outcome.get(key) for key in pid_keys)
    waited = bool(holder_pid and waiter_pid) and blocked_on_lock(waiter_pid, holder_pid)
    seen_waiting.set()
    for thread in threads:
        thread.join(THREAD_TIMEOUT)
    outcome["alive"] = [thread.name for thread in threads if thread.is_alive()]
    return waited
