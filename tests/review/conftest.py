"""Synthetic accounts for the review tests: every name and amount here is made up ("Syntetisk ...")."""
import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest

from accounts.models import (
    BudgetLine,
    ClusterYear,
    CostKind,
    Entry,
    EntryKind,
    FundingLine,
    FundingSource,
    Initiative,
    InitiativeArea,
    PartyKind,
)
from geography.models import Municipality


def clean_save(obj):
    obj.full_clean()
    obj.save()
    return obj


def area(name: str = "Akutområdet", year: int = 2022) -> InitiativeArea:
    found, _ = InitiativeArea.objects.get_or_create(year=year, name=name)
    return found


def cluster_year(cluster, year: int = 2022) -> ClusterYear:
    return ClusterYear.objects.filter(cluster=cluster, year=year).first() or clean_save(
        ClusterYear(cluster=cluster, year=year)
    )


def initiative(cluster, name: str, *, area_name: str = "Akutområdet", first_year: int = 2022, last_year: int = 2022,
               status: str = "active", description: str = "Syntetisk indsats til test.") -> Initiative:
    return clean_save(Initiative(
        cluster=cluster, name=name, area=area(area_name, first_year), first_year=first_year, last_year=last_year,
        status=status, description=description,
    ))


def municipality_of(cluster) -> Municipality:
    return Municipality.objects.filter(memberships__cluster=cluster, memberships__kind="funding").order_by("code")[0]


def funding(cy, amount: str, *, municipality=None) -> FundingLine:
    return clean_save(FundingLine(
        cluster_year=cy, source=FundingSource.STARTUP, party_kind=PartyKind.MUNICIPALITY,
        municipality=municipality or municipality_of(cy.cluster), paid=Decimal(amount), text="Syntetisk indbetaling",
    ))


def budget(cy, init, amount: str, *, municipality=None) -> BudgetLine:
    return clean_save(BudgetLine(
        cluster_year=cy, initiative=init, source=FundingSource.STARTUP, party_kind=PartyKind.MUNICIPALITY,
        municipality=municipality or municipality_of(cy.cluster), amount=Decimal(amount),
    ))


def entry(cy, init, amount: str, *, by, kind: str = EntryKind.EXPENSE, cost_kind: str = CostKind.DEVELOPMENT,
          booking_date: datetime.date | None = None, municipality=None) -> Entry:
    return clean_save(Entry(
        cluster_year=cy, initiative=init, party_kind=PartyKind.MUNICIPALITY,
        municipality=municipality or municipality_of(cy.cluster),
        booking_date=booking_date or datetime.date(cy.year, 6, 1), kind=kind, amount=Decimal(amount),
        account_code="4.62.82.1.01", text="Syntetisk postering", cost_kind=cost_kind, created_by=by,
    ))


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    """The users fixture hashes a password per user; a fast hasher keeps these tests quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class ReviewWorld:
    users: dict
    cy_a: ClusterYear  # Aarhusklyngen 2022, draft
    cy_b: ClusterYear  # Randers Klyngen 2022, draft
    cy_other: ClusterYear  # Bornholm 2022, draft (another region)
    init_a: Initiative
    init_b: Initiative


@pytest.fixture
def world(users, aarhus, randers, bornholm, settings):
    """Two clusters of Region Midtjylland and Bornholm with synthetic 2022 accounts; users with e-mail."""
    settings.SITE_URL = "https://klyngeportal.example"
    for name, u in users.items():
        u.email = f"{name}@example.invalid"
        u.first_name = f"Syntetisk {name}"
        u.save()
    cy_a, cy_b, cy_other = cluster_year(aarhus), cluster_year(randers), cluster_year(bornholm)
    init_a = initiative(aarhus, "Syntetisk akutteam Aarhus")
    init_b = initiative(randers, "Syntetisk kronikerforløb Randers", area_name="Borgere med kroniske sygdomme")
    return ReviewWorld(users=users, cy_a=cy_a, cy_b=cy_b, cy_other=cy_other, init_a=init_a, init_b=init_b)
