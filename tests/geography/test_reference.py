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


@pytest.mark.django_db
def test_every_municipality_funds_exactly_one_cluster_except_koebenhavn(ref):
    from collections import Counter

    from geography.models import FUNDING_KINDS, MembershipKind

    funding = Membership.objects.filter(year=2022, kind__in=FUNDING_KINDS)
    counts = Counter(funding.values_list("municipality__name", flat=True))
    assert len(counts) == 98
    assert {name: n for name, n in counts.items() if n != 1} == {"København": 2}
    shared = funding.filter(kind=MembershipKind.SHARED_FUNDING)
    assert sorted(shared.values_list("municipality__name", "cluster__name")) == [
        ("København", "Klynge By"), ("København", "Klynge Syd"),
    ]
    assert all(m.cluster.region_id == m.municipality.region_id
               for m in Membership.objects.select_related("cluster", "municipality"))
    non_funding = Membership.objects.filter(year=2022).exclude(kind__in=FUNDING_KINDS)
    assert sorted(non_funding.values_list("municipality__name", "cluster__name", "table2_mark")) == [
        ("Billund", "Lillebælt-klyngen", "**"),
        ("Middelfart", "Fynsklyngen", "**"),
        ("Rødovre", "Klynge Syd", "**"),
        ("Vejen", "Lillebælt-klyngen", "***"),
    ]


@pytest.mark.django_db
def test_slugs_spell_danish_letters_out(ref):
    assert Region.objects.get(code=1085).slug == "sjaelland"
    slugs = dict(Cluster.objects.values_list("name", "slug"))
    assert slugs["Lillebælt-klyngen"] == "lillebaelt-klyngen"
    assert slugs["Klyngen Næstved/Slagelse"] == "klyngen-naestved-slagelse"
    assert slugs["Sønderjysk Klynge"] == "soenderjysk-klynge"
    assert slugs["Klyngen Roskilde/Køge"] == "klyngen-roskilde-koege"
    assert Cluster.objects.get(name="Klyngen Holbæk").get_absolute_url() == "/geografi/sjaelland/klyngen-holbaek/"
