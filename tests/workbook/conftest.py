"""Synthetic accounts for the workbook tests, built through the accounts services.

Lillebælt-klyngen 2022 holds the data; Sydvestjysk Klynge shares two of its parties
(Billund and Vejen take part in both) and Region Syddanmark, so a file exported from
one can be imported into the other.
"""
import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest

from accounts import services
from geography.models import Municipality
from tests import factories
from tests.conftest import get_cluster
from users.models import Role

SYDDANMARK = 1083
# Names with characters that matter to Excel: a wildcard and a formula trigger.
INITIATIVES = [
    ("Syntetisk akutteam", "Akutområdet"),
    ("Syntetisk: hvad virker?", "De sårbare ældre"),
    ("Syntetisk psykiatri-samarbejde", "Borgere med psykiske lidelser"),
]


def d(day: int, month: int, year: int = 2022) -> datetime.date:
    return datetime.date(year, month, day)


def make_initiatives(cy, by, names=INITIATIVES):
    """The initiatives by name, each in its area of the cluster-year's year."""
    return {name: factories.initiative(cy, by=by, name=name, area_name=area) for name, area in names}


# One row for accounts.services.entries_create_bulk (a Municipality or the Region as the party).
entry_row = factories.booking_row


@pytest.fixture
def lillebaelt(ref):
    return get_cluster(SYDDANMARK, "Lillebælt-klyngen")


@pytest.fixture
def sydvest(ref):
    return get_cluster(SYDDANMARK, "Sydvestjysk Klynge")


@pytest.fixture
def ledger(make_user, lillebaelt, sydvest):
    """Synthetic 2022 accounts of Lillebælt-klyngen: budget, funding, entries (one reversed)."""
    admin = make_user(Role.ADMIN, username="wb_admin")
    secretariat = make_user(Role.SECRETARIAT, cluster=lillebaelt, username="wb_sek")
    other_secretariat = make_user(Role.SECRETARIAT, cluster=sydvest, username="wb_sek_sydvest")
    cy = factories.cluster_year(lillebaelt, 2022)
    initiatives = make_initiatives(cy, secretariat)
    akut, virker, psyk = (initiatives[name] for name, _ in INITIATIVES)
    billund = Municipality.objects.get(name="Billund")
    vejen = Municipality.objects.get(name="Vejen")
    kolding = Municipality.objects.get(name="Kolding")
    region = lillebaelt.region
    for initiative, party_kind, municipality, amount in [
        (akut, "municipality", billund, "100000.00"),
        (akut, "region", None, "150000.00"),
        (virker, "municipality", vejen, "40000.50"),
        (psyk, "region", None, "80000.00"),
        (psyk, "municipality", kolding, "25000.00"),
    ]:
        factories.budget_line(
            cy, initiative, by=secretariat, municipality=municipality,
            region=region if party_kind == "region" else None, amount=Decimal(amount),
        )
    factories.funding_line(cy, by=secretariat, source="local", municipality=vejen, paid=Decimal("60000.00"),
                           text="Syntetiske decentrale midler")
    rows = [
        entry_row(akut, billund, d(15, 3), "expense", "12345.67", "4.62.82.1.01", "Syntetisk løn akutteam", "B-1"),
        entry_row(akut, region, d(1, 4), "expense", "50000.00", "1.10.11", "=SUM(A1:A9) syntetisk tekst", "R-7"),
        entry_row(akut, region, d(2, 4), "income", "2500.25", "1.10.11.4.5", "+45 syntetisk refusion", "R-8"),
        entry_row(virker, vejen, d(30, 6), "expense", "999.99", "4.62.82", "-rabat syntetisk", "@V-1",
                  cost_kind="secretariat"),
        entry_row(virker, vejen, d(31, 12), "expense", "1234567.89", "4.62.82-001", "Syntetisk stor udgift", "V-2"),
        entry_row(psyk, region, d(1, 1), "expense", "0.01", "1.10.11", "Syntetisk øre", "", cost_kind="running"),
        entry_row(psyk, billund, d(5, 5), "income", "300.00", "4.62.82", "Syntetisk indtægt", "B-2"),
    ]
    entries = services.entries_create_bulk(cluster_year=cy, rows=rows, created_by=secretariat)
    # One entry from a party outside Sydvestjysk Klynge, then reversed: it must not be exported.
    kolding_entry = services.entries_create_bulk(
        cluster_year=cy, created_by=secretariat,
        rows=[entry_row(psyk, kolding, d(9, 9), "expense", "777.00", "4.62.82", "Syntetisk fejlpostering", "K-1")],
    )[0]
    services.entry_reverse(entry=kolding_entry, by=secretariat, text="Syntetisk tilbageførsel")
    return SimpleNamespace(
        cy=cy, admin=admin, secretariat=secretariat, other_secretariat=other_secretariat,
        initiatives=initiatives, billund=billund, vejen=vejen, kolding=kolding, region=region,
        entries=entries, cluster=lillebaelt, target_cluster=sydvest,
    )


@pytest.fixture
def fredericia(ledger):
    """Fredericia with 50.000,00 kr. paid in and nothing spent: 50.000,00 kr. unspent."""
    municipality = Municipality.objects.get(name="Fredericia")
    factories.funding_line(ledger.cy, by=ledger.secretariat, municipality=municipality, paid=Decimal("50000.00"),
                           source="local", text="Syntetiske decentrale midler")
    return municipality
