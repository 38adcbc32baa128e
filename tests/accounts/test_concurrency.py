"""Two users saving entries at the same moment both land (separate connections, real threads).

On PostgreSQL the cluster-year row lock (SELECT ... FOR UPDATE) serialises the two bookings, and both
commit. Run it there with a test database of its own:
DATABASE_URL=postgres://postgres@127.0.0.1:5432/test TEST_DATABASE_NAME=test_accounts pytest tests/accounts
"""
import datetime
import threading
from decimal import Decimal

import pytest
from django.db import connections

from accounts import services
from accounts.models import Entry, Initiative, InitiativeArea
from geography.models import Municipality
from tests.conftest import ensure_reference_data, get_cluster
from users.models import Role, User

# SQLite's in-memory test database is one shared-cache connection per thread with table locks and no
# busy timeout: a second writer fails at once instead of waiting. This runs in the PostgreSQL run.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgresql]


def test_two_users_saving_at_the_same_moment_both_land():
    ensure_reference_data()
    aarhus = get_cluster(1082, "Aarhusklyngen")
    first = User.objects.create_user("syntetisk_sek_1", role=Role.SECRETARIAT, cluster=aarhus)
    second = User.objects.create_user("syntetisk_admin_2", role=Role.ADMIN, is_superuser=True)
    cy = services.cluster_year_get_or_create(cluster=aarhus, year=2022)
    initiative = services.initiative_create(
        cluster_year=cy, by=first, name="Syntetisk samtidig indsats",
        area=InitiativeArea.objects.get(year=2022, name="Andet"), responsible=Initiative.Responsible.CLUSTER,
        status="active",
    )
    municipality = Municipality.objects.get(code=751)
    barrier = threading.Barrier(2)
    results, errors = [], []

    def book(user, amount):
        try:
            barrier.wait(timeout=10)
            entry = services.entry_create(
                cluster_year=cy, initiative=initiative, party_kind="municipality", municipality=municipality,
                booking_date=datetime.date(2022, 6, 1), kind="expense", amount=amount, account_code="4.62.82",
                voucher=f"SYN-{user.pk}", text="Syntetisk samtidig postering", cost_kind="development",
                created_by=user,
            )
            results.append(entry.pk)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=book, args=(first, Decimal("100.00"))),
               threading.Thread(target=book, args=(second, Decimal("250.50")))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert len(results) == 2
    saved = Entry.objects.filter(cluster_year=cy).order_by("amount")
    assert [e.amount for e in saved] == [Decimal("100.00"), Decimal("250.50")]
    assert {e.created_by.username for e in saved} == {"syntetisk_sek_1", "syntetisk_admin_2"}
