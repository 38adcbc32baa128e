"""Fixtures for the accounts tests. All data made here is synthetic (names start with «Syntetisk»)."""
import datetime
from decimal import Decimal

import pytest

from accounts import services
from accounts.models import CostKind, EntryKind, Initiative, InitiativeArea, PartyKind
from geography.models import Municipality


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    """Test users need no strong hashing; the default costs a second per user on a busy machine."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def cy_a(aarhus):
    return services.cluster_year_get_or_create(cluster=aarhus, year=2022)


@pytest.fixture
def cy_b(randers):
    return services.cluster_year_get_or_create(cluster=randers, year=2022)


@pytest.fixture
def area(ref):
    return InitiativeArea.objects.get(year=2022, name="Akutområdet")


@pytest.fixture
def aarhus_kommune(ref):
    return Municipality.objects.get(code=751)


@pytest.fixture
def initiative_a(users, cy_a, area):
    return services.initiative_create(
        cluster_year=cy_a, by=users["secretariat_a"], name="Syntetisk akutteam", area=area,
        responsible=Initiative.Responsible.CLUSTER, status="active",
    )


@pytest.fixture
def initiative_b(users, cy_b, area):
    return services.initiative_create(
        cluster_year=cy_b, by=users["secretariat_b"], name="Syntetisk indsats i Randers", area=area,
        responsible=Initiative.Responsible.REGION, status="active",
    )


@pytest.fixture
def entry_kwargs(cy_a, initiative_a, aarhus_kommune, users):
    """Keyword arguments for a valid synthetic entry in Aarhusklyngen 2022."""

    def _kwargs(**overrides):
        kwargs = dict(
            cluster_year=cy_a, initiative=initiative_a, party_kind=PartyKind.MUNICIPALITY,
            municipality=aarhus_kommune, booking_date=datetime.date(2022, 3, 15), kind=EntryKind.EXPENSE,
            amount=Decimal("1234.50"), account_code="4.62.82", voucher="SYN-1", text="Syntetisk postering",
            cost_kind=CostKind.DEVELOPMENT, created_by=users["secretariat_a"],
        )
        kwargs.update(overrides)
        return kwargs

    return _kwargs
