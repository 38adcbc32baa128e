"""Shared fixtures: the reference data loaded once per test database, and users per role."""
import pytest
from django.core.management import call_command

from geography.models import Cluster, Region
from users.models import Role, User

# The Playwright fixtures (browser, page, login, shot) for browser tests in any folder.
pytest_plugins = ["tests.browser_fixtures"]

TEST_PASSWORD = "test-adgangskode-123"
POSTGRES_ONLY = pytest.StashKey[int]()


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgresql` (row locks, pg_dump) run in the PostgreSQL run; on SQLite they are
    deselected, not skipped, and the summary says how many and where they run."""
    from django.db import connection

    if connection.vendor == "postgresql":
        return
    deselected = [item for item in items if item.get_closest_marker("postgresql")]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if not item.get_closest_marker("postgresql")]
        config.stash[POSTGRES_ONLY] = len(deselected)


def pytest_terminal_summary(terminalreporter, config):
    count = config.stash.get(POSTGRES_ONLY, 0)
    if count:
        terminalreporter.write_line(
            f"{count} PostgreSQL-only tests deselected on this database; they run with "
            "DATABASE_URL=postgres://... (.ci/run runs both)."
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
    return Cluster.objects.select_related("region").get(region__code=region_code, name=name)


@pytest.fixture
def make_user(ref):
    counter = {"n": 0}

    def _make(role: str, *, cluster: Cluster | None = None, region: Region | None = None, **extra) -> User:
        counter["n"] += 1
        user = User.objects.create_user(
            username=extra.pop("username", f"{role}{counter['n']}"),
            password=TEST_PASSWORD,
            role=role,
            cluster=cluster,
            region=region,
            is_staff=role == Role.ADMIN,
            is_superuser=role == Role.ADMIN,
            **extra,
        )
        return user

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
def users(make_user, aarhus, randers, bornholm):
    """One user per role in the permission matrix: cluster A = Aarhusklyngen, B = Randers Klyngen."""
    return {
        "secretariat_a": make_user(Role.SECRETARIAT, cluster=aarhus, username="sek_a"),
        "secretariat_b": make_user(Role.SECRETARIAT, cluster=randers, username="sek_b"),
        "ssu_a": make_user(Role.SSU, region=aarhus.region, username="ssu_a"),
        "ssu_other": make_user(Role.SSU, region=bornholm.region, username="ssu_other"),
        "national": make_user(Role.NATIONAL, username="national"),
        "admin": make_user(Role.ADMIN, username="admin"),
    }


@pytest.fixture
def client_for(client):
    """A logged-in test client for a user."""
    from django.test import Client

    def _client(user):
        c = Client()
        c.force_login(user)
        return c

    return _client
