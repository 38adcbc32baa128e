"""Fixtures for the accounts tests, thin wrappers of tests/factories.py (all data synthetic, «Syntetisk ...»)."""
from decimal import Decimal

import pytest

from accounts.models import CostKind, EntryKind, Initiative, PartyKind
from geography.models import Municipality
from tests import factories


@pytest.fixture
def cy_a(aarhus):
    return factories.cluster_year(aarhus, 2022)


@pytest.fixture
def cy_b(randers):
    return factories.cluster_year(randers, 2022)


@pytest.fixture
def area(ref):
    return factories.area(2022, "Akutområdet")


@pytest.fixture
def aarhus_kommune(ref):
    return Municipality.objects.get(code=751)


@pytest.fixture
def initiative_a(users, cy_a, area):
    return factories.initiative(
        cy_a, by=users["secretariat_a"], name="Syntetisk akutteam", area_name=area.name, description="",
        responsible=Initiative.Responsible.CLUSTER,
    )


@pytest.fixture
def initiative_b(users, cy_b, area):
    return factories.initiative(
        cy_b, by=users["secretariat_b"], name="Syntetisk indsats i Randers", area_name=area.name, description="",
        responsible=Initiative.Responsible.REGION,
    )


@pytest.fixture
def entry_kwargs(cy_a, initiative_a, aarhus_kommune, users):
    """Keyword arguments for a valid synthetic entry in Aarhusklyngen 2022."""

    def _kwargs(**overrides):
        kwargs = factories.entry_kwargs(
            cy_a, initiative_a, by=users["secretariat_a"], municipality=aarhus_kommune,
            party_kind=PartyKind.MUNICIPALITY, kind=EntryKind.EXPENSE, amount=Decimal("1234.50"),
            account_code="4.62.82", cost_kind=CostKind.DEVELOPMENT,
        )
        kwargs.update(overrides)
        return kwargs

    return _kwargs
