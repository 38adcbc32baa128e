"""The entries' summary (``accounts.entry_totals``) equals the plain sum of the entries, whatever the path.

Booked through the services (one entry, many at once: bulk_create on SQLite, COPY on PostgreSQL, a
reversal), rolled back with the transaction that booked, and under concurrent writers (PostgreSQL,
real threads): each time the summary is compared with the sums taken from ``accounts_entry`` itself.
"""
import datetime
import threading
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.db.models import Count, Max
from django.db.models.functions import ExtractYear

from accounts import services
from accounts.models import ClusterYear, Entry, EntryTotal, Initiative, PartyKind
from accounts.selectors import cents_sum, cluster_year_figures, cluster_year_summary
from geography.models import Municipality, Region
from tests import factories
from tests.conftest import THREAD_TIMEOUT, backend_pid, ensure_reference_data, get_cluster, run_lock_race
from users.models import Role

KEY = ("cluster_year_id", "initiative_id", "party_kind", "municipality_id", "region_id", "cost_kind", "kind")


def plain_sums() -> dict[tuple, tuple[int, int, int]]:
    """(øre sum, count, largest in øre) per summary key, straight from the entries."""
    rows = (
        Entry.objects.order_by().annotate(booking_year=ExtractYear("booking_date"))
        .values(*KEY, "booking_year").annotate(cents=cents_sum("amount"), n=Count("pk"), largest=Max("amount"))
    )
    return {
        tuple(row[k] for k in (*KEY, "booking_year")): (row["cents"], row["n"], int(row["largest"] * 100))
        for row in rows
    }


def summary_sums() -> dict[tuple, tuple[int, int, int]]:
    return {
        tuple(row[k] for k in (*KEY, "booking_year")): (row["cents"], row["entries"], row["largest_cents"])
        for row in EntryTotal.objects.values(*KEY, "booking_year", "cents", "entries", "largest_cents")
    }


def assert_summary_is_the_plain_sum():
    plain = plain_sums()
    assert plain, "no entries booked"
    assert summary_sums() == plain


@pytest.fixture
def booked(users, cy_a, initiative_a, aarhus_kommune, entry_kwargs):
    """Entries of several keys: two parties, two kinds, two cost kinds, one dated after the year, a reversal."""
    sek = users["secretariat_a"]
    region = Region.objects.get(pk=cy_a.cluster.region_id)
    first = services.entry_create(**entry_kwargs(amount=Decimal("1234.50")))
    services.entry_create(**entry_kwargs(amount=Decimal("0.01")))
    services.entry_create(**entry_kwargs(amount=Decimal("250.55"), kind="income"))
    services.entry_create(**entry_kwargs(amount=Decimal("99.99"), cost_kind="running"))
    services.entry_create(**entry_kwargs(amount=Decimal("10000.00"), party_kind=PartyKind.REGION, municipality=None,
                                         region=region, account_code="3.21.00"))
    services.entry_reverse(entry=first, by=sek, text="Syntetisk tilbageførsel")
    return first


def test_summary_follows_single_entries_and_reversals(booked):
    assert_summary_is_the_plain_sum()
    assert EntryTotal.objects.filter(largest_cents=1234_50).exists()


def test_summary_follows_bulk_booking(booked, users, cy_a, initiative_a, aarhus_kommune):
    rows = [factories.booking_row(initiative_a, aarhus_kommune, datetime.date(2022, 1 + i % 12, 1 + i % 28),
                                  "income" if i % 3 else "expense", f"{i}.{i:02d}", "4.62.82", "Syntetisk", f"B-{i}")
            for i in range(1, 40)]
    services.entries_create_bulk(cluster_year=cy_a, rows=rows, created_by=users["secretariat_a"])
    assert_summary_is_the_plain_sum()


def test_summary_rolls_back_with_the_booking(booked, entry_kwargs):
    before = summary_sums()
    with pytest.raises(RuntimeError), transaction.atomic():
        services.entry_create(**entry_kwargs(amount=Decimal("777.77")))
        assert summary_sums() != before  # added in the booking's transaction
        raise RuntimeError("Syntetisk: fortryd")
    assert summary_sums() == before
    assert_summary_is_the_plain_sum()


def test_figures_from_the_summary_are_the_accounts_page_figures(booked, cy_a):
    """The overview's figures (from the summary) and the accounts page's (from the entries) agree to the øre."""
    figures = cluster_year_figures(ClusterYear.objects.filter(pk=cy_a.pk))[0].figures
    summary = cluster_year_summary(cy_a)
    assert (figures.totals.expenses, figures.totals.income, figures.totals.spend) == (
        summary.totals.expenses, summary.totals.income, summary.totals.spend)
    assert figures.totals.spend == Decimal("9849.45")  # 0,01 - 250,55 + 99,99 + 10.000 (1.234,50 reversed)
    assert figures.largest_entry == Decimal("10000.00")


def test_entries_outside_the_year_from_the_summary(booked, cy_a, entry_kwargs):
    services.entry_create(**entry_kwargs(amount=Decimal("5.00"), booking_date=datetime.date(2022, 12, 31)))
    figures = cluster_year_figures(ClusterYear.objects.filter(pk=cy_a.pk))[0].figures
    assert (figures.entries_outside_year, figures.late_entries) == (0, 0)
    # Booked by the database path the services refuse (a date after the year): counted outside and late.
    Entry.objects.create(**{
        **{k: v for k, v in entry_kwargs(amount=Decimal("6.00"), booking_date=datetime.date(2023, 1, 2)).items()
           if k != "confirmed"},
    })
    figures = cluster_year_figures(ClusterYear.objects.filter(pk=cy_a.pk))[0].figures
    assert (figures.entries_outside_year, figures.late_entries) == (1, 1)
    assert_summary_is_the_plain_sum()


# --- concurrent writers (PostgreSQL: SQLite serialises its writers) -------------------------------------

@pytest.fixture
def shared():
    ensure_reference_data()
    aarhus = get_cluster(1082, "Aarhusklyngen")
    secretariat = factories.user(Role.SECRETARIAT, username="syntetisk_sek_sum", cluster=aarhus)
    cy = factories.cluster_year(aarhus, 2022)
    initiative = factories.initiative(cy, by=secretariat, name="Syntetisk summeret indsats", area_name="Andet")
    return cy, initiative, secretariat, Municipality.objects.get(code=751)


def _insert(cy, initiative: Initiative, user, municipality, amount: str) -> Entry:
    """One entry into the summary's one key, inserted without the services' cluster-year lock: the
    summary must hold for any insert, so this shows the database's own upkeep under a true race."""
    return Entry.objects.create(
        cluster_year=cy, initiative=initiative, party_kind="municipality", municipality=municipality,
        booking_date=datetime.date(2022, 6, 1), kind="expense", amount=Decimal(amount), account_code="4.62.82",
        text="Syntetisk samtidig postering", cost_kind="development", created_by=user,
    )


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_concurrent_inserts_into_one_key_add_up(shared):
    """A inserts and keeps its transaction open; B inserts into the same summary row and must wait on A's
    row lock (seen in PostgreSQL); A commits, then B adds to A's committed sum: nothing is lost."""
    cy, initiative, user, municipality = shared
    _insert(cy, initiative, user, municipality, "1.00")
    outcome = {"a_pid": None, "b_pid": None}
    a_inserted, b_ready, b_seen_waiting = threading.Event(), threading.Event(), threading.Event()

    def thread_a():
        try:
            outcome["a_pid"] = backend_pid()
            with transaction.atomic():
                _insert(cy, initiative, user, municipality, "10.00")
                a_inserted.set()
                b_seen_waiting.wait(THREAD_TIMEOUT)
            outcome["a"] = "ok"
        finally:
            a_inserted.set()
            connection.close()

    def thread_b():
        try:
            outcome["b_pid"] = backend_pid()
            b_ready.set()
            a_inserted.wait(THREAD_TIMEOUT)
            with transaction.atomic():
                _insert(cy, initiative, user, municipality, "100.00")
            outcome["b"] = "ok"
        finally:
            b_ready.set()
            connection.close()

    outcome["waited"] = run_lock_race(thread_a, thread_b, holds=a_inserted, waiter_ready=b_ready,
                                      seen_waiting=b_seen_waiting, outcome=outcome, pid_keys=("a_pid", "b_pid"))
    assert outcome["alive"] == []
    assert (outcome.get("a"), outcome.get("b")) == ("ok", "ok")
    assert outcome["waited"], "B never waited on the summary row A had added to"
    row = EntryTotal.objects.get(cluster_year=cy)
    assert (row.cents, row.entries, row.largest_cents) == (111_00, 3, 100_00)
    assert_summary_is_the_plain_sum()


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_many_concurrent_bookings_through_the_services_add_up(shared):
    """Four writers booking at once through the services, one and many entries each: the plain sum."""
    cy, initiative, user, municipality = shared
    errors = []
    start = threading.Barrier(4, timeout=THREAD_TIMEOUT)

    def writer(n: int):
        try:
            start.wait()
            for i in range(5):
                services.entry_create(**factories.entry_kwargs(
                    cy, initiative, by=user, municipality=municipality, amount=Decimal(f"{n}.{i:02d}"),
                    cost_kind="running" if i % 2 else "development"))
            services.entries_create_bulk(cluster_year=cy, created_by=user, rows=[
                factories.booking_row(initiative, municipality, datetime.date(2022, 6, 1 + i), "expense",
                                      f"{n}{i}.33", "4.62.82", "Syntetisk samtidig", f"S-{n}-{i}")
                for i in range(10)
            ])
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(1, 5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(THREAD_TIMEOUT)
    assert errors == []
    assert Entry.objects.count() == 4 * 15
    assert_summary_is_the_plain_sum()
