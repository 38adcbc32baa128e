"""Synthetic accounts for the review tests: every name and amount here is made up ("Syntetisk ...").

Every state is built through the services (tests/factories.py calls accounts.services,
review.workflow and review.services), so a fixture cannot hold what the portal itself refuses.
Where a test names no acting user, an administrator acts.
"""
import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest

from accounts.models import (
    BudgetLine,
    CarryOverCommitment,
    ClusterYear,
    CostKind,
    Entry,
    EntryKind,
    FundingLine,
    Initiative,
    InitiativeArea,
)
from geography.models import Municipality
from tests import factories


def area(name: str = "Akutområdet", year: int = 2022) -> InitiativeArea:
    return factories.area(year, name)


def cluster_year(cluster, year: int = 2022) -> ClusterYear:
    return factories.cluster_year(cluster, year)


def initiative(cluster, name: str, *, area_name: str = "Akutområdet", first_year: int = 2022, last_year: int = 2022,
               status: str = "active", description: str = "Syntetisk indsats til test.", by=None) -> Initiative:
    return factories.initiative(
        cluster_year(cluster, first_year), by=by or factories.administrator(), name=name, area_name=area_name,
        last_year=last_year, status=status, description=description,
    )


def municipality_of(cluster) -> Municipality:
    return factories.member_municipality(cluster)


def funding(cy, amount: str, *, municipality=None, by=None) -> FundingLine:
    return factories.funding_line(
        cy, by=by or factories.administrator(), municipality=municipality or municipality_of(cy.cluster),
        paid=Decimal(amount),
    )


def budget(cy, init, amount: str, *, municipality=None, by=None) -> BudgetLine:
    return factories.budget_line(
        cy, init, by=by or factories.administrator(), municipality=municipality or municipality_of(cy.cluster),
        amount=Decimal(amount),
    )


def entry(cy, init, amount: str, *, by, kind: str = EntryKind.EXPENSE, cost_kind: str = CostKind.DEVELOPMENT,
          booking_date: datetime.date | None = None, municipality=None) -> Entry:
    return factories.entry(
        cy, init, by=by, municipality=municipality or municipality_of(cy.cluster), amount=Decimal(amount),
        kind=kind, cost_kind=cost_kind, booking_date=booking_date or datetime.date(cy.year, 6, 1),
        voucher="", text="Syntetisk postering",
    )


def clean_save(obj: CarryOverCommitment) -> CarryOverCommitment:
    """Record an unsaved carry-over commitment through ``accounts.services.commitment_record``.

    Kept under its old name for the test modules that import it; it saves nothing else (use the
    factories above, or tests/factories.py's ``commitment``).
    """
    if not isinstance(obj, CarryOverCommitment) or obj.pk is not None:
        raise TypeError("clean_save only records a new carry-over commitment; build other states with the services")
    return factories.commitment(
        obj.cluster_year, by=obj.recorded_by, municipality=obj.municipality, amount=Decimal(obj.amount),
        committed_by=obj.committed_by, committed_on=obj.committed_on,
    )


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
    init_a = initiative(aarhus, "Syntetisk akutteam Aarhus", by=users["secretariat_a"])
    init_b = initiative(randers, "Syntetisk kronikerforløb Randers", area_name="Borgere med kroniske sygdomme",
                        by=users["secretariat_b"])
    return ReviewWorld(users=users, cy_a=cy_a, cy_b=cy_b, cy_other=cy_other, init_a=init_a, init_b=init_b)
