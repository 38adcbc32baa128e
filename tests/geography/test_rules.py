"""The cluster map's model rules: in the database where possible, in clean() and map_problems() otherwise."""
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from geography.models import (
    ClusterFundingPopulation,
    Membership,
    MembershipKind,
    Municipality,
    MunicipalityPopulation,
    PopulationQuarter,
    shared_share_problems,
)
from geography.rules import map_problems
from tests.conftest import get_cluster

pytestmark = pytest.mark.django_db


def municipality(name):
    return Municipality.objects.get(name=name)


def kbh_memberships():
    return Membership.objects.filter(year=2022, municipality__code=101).order_by("cluster__name")


def set_shares(by, syd):
    """Set København's shares (synthetic values, only to exercise the rule)."""
    for membership in kbh_memberships():
        membership.funding_share = by if membership.cluster.name == "Klynge By" else syd
        membership.full_clean()
        membership.save()


# --- database constraints ------------------------------------------------------------

def test_one_membership_per_municipality_cluster_and_year(ref):
    existing = Membership.objects.get(year=2022, municipality__name="Aarhus")
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            year=2022, cluster=existing.cluster, municipality=existing.municipality,
            kind=MembershipKind.ADMIN_ONLY, table2_mark="**",
        )
    # another year is another map
    Membership.objects.create(
        year=2023, cluster=existing.cluster, municipality=existing.municipality, kind=MembershipKind.FUNDING
    )


def test_a_municipality_funds_one_cluster_a_year_in_the_database(ref, randers):
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            year=2022, cluster=randers, municipality=municipality("Aarhus"), kind=MembershipKind.FUNDING
        )


def test_share_only_on_a_shared_funding(ref):
    aarhus = Membership.objects.get(year=2022, municipality__name="Aarhus")
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.filter(pk=aarhus.pk).update(funding_share=Decimal("0.5"))


def test_share_between_0_and_1(ref):
    syd = kbh_memberships().get(cluster__name="Klynge Syd")
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.filter(pk=syd.pk).update(funding_share=Decimal("1.5"))


def test_population_is_not_negative_in_the_database(ref):
    quarter = PopulationQuarter.objects.create(code="2021K4", reference_date="2021-10-01", source_name="syntetisk")
    with pytest.raises(IntegrityError), transaction.atomic():
        MunicipalityPopulation.objects.create(quarter=quarter, municipality=municipality("Aarhus"), population=-1)
    with pytest.raises(IntegrityError), transaction.atomic():
        MunicipalityPopulation.objects.create(quarter=quarter, municipality=municipality("Aarhus"), population=1)
        MunicipalityPopulation.objects.create(quarter=quarter, municipality=municipality("Aarhus"), population=2)


def test_funding_population_is_not_negative_in_the_database(ref, aarhus):
    with pytest.raises(IntegrityError), transaction.atomic():
        ClusterFundingPopulation.objects.create(
            cluster=aarhus, reference_date="2030-01-01", value=Decimal("-1"), source="syntetisk"
        )


# --- clean(): Danish messages --------------------------------------------------------

def test_cluster_and_municipality_in_one_region(ref, bornholm):
    membership = Membership(year=2023, cluster=bornholm, municipality=municipality("Aarhus"), kind="funding")
    with pytest.raises(ValidationError) as info:
        membership.full_clean()
    assert info.value.message_dict["cluster"] == ["Klyngen og kommunen skal ligge i samme region."]


def test_clean_refuses_a_second_funding_cluster(ref, randers):
    membership = Membership(year=2022, cluster=randers, municipality=municipality("Aarhus"), kind="funding")
    with pytest.raises(ValidationError) as info:
        membership.full_clean(validate_constraints=False)
    assert info.value.message_dict["kind"] == ["Aarhus finansierer allerede en anden klynge i 2022."]


def test_clean_refuses_shared_funding_beside_a_full_one(ref, randers):
    membership = Membership(year=2022, cluster=randers, municipality=municipality("Aarhus"), kind="shared_funding")
    with pytest.raises(ValidationError) as info:
        membership.full_clean()
    assert info.value.message_dict["kind"] == ["Aarhus finansierer allerede en klynge fuldt ud i 2022."]


def test_clean_refuses_a_share_on_a_full_funding(ref):
    membership = Membership.objects.get(year=2022, municipality__name="Aarhus")
    membership.funding_share = Decimal("0.5")
    with pytest.raises(ValidationError) as info:
        membership.full_clean()
    assert "Kun en delt finansiering (*) har en finansieringsandel." in info.value.message_dict["funding_share"]


def test_clean_population_message_is_danish(ref):
    quarter = PopulationQuarter.objects.create(code="2021K4", reference_date="2021-10-01", source_name="syntetisk")
    row = MunicipalityPopulation(quarter=quarter, municipality=municipality("Aarhus"), population=-3)
    with pytest.raises(ValidationError) as info:
        row.full_clean()
    assert info.value.message_dict["population"] == ["Denne værdi skal være større end eller lig 0."]


# --- the year's map as a whole -------------------------------------------------------

def test_the_2022_map_keeps_every_rule(ref):
    assert map_problems(2022) == []
    assert shared_share_problems(2022) == []
    assert map_problems(1999) == []  # no map that year: nothing to check


def test_shares_once_set_sum_to_exactly_one(ref):
    # Synthetic shares, only to exercise the rule.
    set_shares(Decimal("0.4"), Decimal("0.5"))
    assert shared_share_problems(2022) == ["København: andelene for 2022 summerer til 0,9, ikke 1."]
    assert [p.text for p in map_problems(2022)] == shared_share_problems(2022)
    set_shares(Decimal("0.4"), Decimal("0.6"))
    assert map_problems(2022) == []
    set_shares(Decimal("0.4"), None)  # one share set, the other not
    assert shared_share_problems(2022) == [
        "København: kun 1 af 2 andele er sat for 2022; sættes én, skal alle sættes, og de skal summere til 1."
    ]


def test_map_problems_name_a_municipality_without_funding_and_a_lonely_shared_funder(ref):
    Membership.objects.filter(year=2022, municipality__name="Samsø").delete()
    # København's shares (derived by load_reference) unknown, so the lonely shared funder is the only share problem
    Membership.objects.filter(year=2022, municipality__code=101).update(funding_share=None)
    Membership.objects.filter(year=2022, municipality__code=101, cluster__name="Klynge By").delete()
    texts = [p.text for p in map_problems(2022)]
    assert texts == [
        "København har delt finansiering (*) af kun én klynge (Klynge Syd) i 2022.",
        "Samsø finansierer ingen klynge i 2022.",
    ]


def test_map_problems_name_a_cluster_in_another_region(ref, bornholm):
    Membership.objects.create(year=2022, cluster=bornholm, municipality=municipality("Aarhus"), kind="admin_only")
    problems = map_problems(2022)
    assert [p.text for p in problems] == [
        "Aarhus er medlem af Bornholm (Region Hovedstaden), men ligger i en anden region."
    ]
    assert problems[0].region_id == municipality("Aarhus").region_id


def test_map_problems_name_a_full_and_shared_funder(ref):
    syd = get_cluster(1084, "Klynge Syd")
    Membership.objects.filter(year=2022, cluster=syd, municipality__name="Glostrup", kind="funding").delete()
    Membership.objects.create(year=2022, cluster=syd, municipality=municipality("Glostrup"), kind="shared_funding")
    Membership.objects.create(
        year=2022, cluster=get_cluster(1084, "Klynge By"), municipality=municipality("Glostrup"), kind="funding"
    )
    assert [p.text for p in map_problems(2022)] == [
        "Glostrup finansierer Klynge By fuldt ud og har også delt finansiering (Klynge Syd) i 2022."
    ]
