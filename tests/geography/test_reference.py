from decimal import Decimal

import pytest
from django.core.management import call_command

from geography.models import Cluster, ClusterFundingPopulation, Membership, Municipality, Region


@pytest.mark.django_db
def test_map_counts(ref):
    assert Region.objects.count() == 5
    assert sorted(Region.objects.values_list("code", flat=True)) == [1081, 1082, 1083, 1084, 1085]
    assert Municipality.objects.count() == 98
    assert Cluster.objects.count() == 22
    assert Membership.objects.filter(year=2022).count() == 103


@pytest.mark.django_db
def test_funding_populations(ref):
    values = ClusterFundingPopulation.objects.filter(reference_date="2022-01-01")
    assert sum((v.value for v in values), Decimal("0")) == Decimal("5873327")
    assert values.get(cluster__name="Bornholm").value == Decimal("39545")
    assert values.get(cluster__name="Klynge Midt", cluster__region__code=1081).value == Decimal("259269")


@pytest.mark.django_db
def test_load_reference_twice_changes_nothing(ref, capsys):
    def snapshot():
        return (
            list(Region.objects.values()), list(Municipality.objects.values()), list(Cluster.objects.values()),
            list(Membership.objects.values()), list(ClusterFundingPopulation.objects.values()),
        )

    before = snapshot()
    call_command("load_reference")
    assert "intet ændret" in capsys.readouterr().out
    assert snapshot() == before
