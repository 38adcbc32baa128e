"""Funding lines: proposed from the published allocation, paid vs allocated, the joint line split (synthetic)."""
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts import services
from accounts.models import FundingLine
from accounts.selectors import cluster_year_summary
from allocation.selectors import startup_contributions
from geography.selectors import cluster_municipalities
from tests import factories


@pytest.fixture
def proposed(cy_a, users):
    return services.funding_propose(cluster_year=cy_a, by=users["secretariat_a"])


@pytest.fixture
def proposed_joint(cy_a, users):
    """The proposal when the municipalities' populations are not loaded: one joint municipal line."""
    factories.without_municipal_populations(2022)
    return services.funding_propose(cluster_year=cy_a, by=users["secretariat_a"])


def test_with_populations_the_proposal_is_per_municipality(proposed, aarhus):
    municipal = [line for line in proposed if line.party_kind != "region"]
    assert {line.party_kind for line in municipal} == {"municipality"}
    assert {line.municipality_id for line in municipal} == set(cluster_municipalities(aarhus, 2022, funding_only=True))


def test_proposal_follows_the_allocation(proposed, cy_a, aarhus, users):
    expected = startup_contributions(aarhus, 2022)
    assert expected, "the 2022 round is published by the reference data"
    assert len(proposed) == len(expected)
    assert sum(line.allocated for line in proposed) == sum(Decimal(c.amount) for c in expected)
    assert all(line.paid == line.allocated for line in proposed)
    with pytest.raises(ValidationError) as excinfo:  # proposing twice
        services.funding_propose(cluster_year=cy_a, by=users["secretariat_a"])
    assert "allerede foreslået" in " ".join(excinfo.value.messages)


def test_paid_can_differ_and_the_difference_shows(proposed, cy_a, users, client_for):
    region_line = next(line for line in proposed if line.party_kind == "region")
    services.funding_line_update(line=region_line, by=users["secretariat_a"], paid=region_line.allocated - 100)
    summary = cluster_year_summary(cy_a)
    assert summary.totals.difference == Decimal("-100.00")
    body = client_for(users["ssu_a"]).get(reverse("accounts:cluster_year_detail", args=[cy_a.pk])).content.decode()
    assert "-100,00" in body


def test_joint_line_split_must_sum_or_show_the_difference(proposed_joint, cy_a, users, ref):
    proposed = proposed_joint
    joint = next(line for line in proposed if line.party_kind == "municipalities")
    funders = cluster_municipalities(cy_a.cluster, 2022, funding_only=True)
    pks = sorted(funders)
    half = (joint.allocated / 2).quantize(Decimal("0.01"))
    with pytest.raises(ValidationError) as excinfo:
        services.funding_split(line=joint, by=users["secretariat_a"], amounts={pks[0]: half})
    assert "forskel" in " ".join(excinfo.value.messages)
    amounts = {pks[0]: half, pks[-1]: joint.allocated - half}
    created = services.funding_split(line=joint, by=users["secretariat_a"], amounts=amounts)
    assert sum(line.paid for line in created) == joint.allocated
    summary = cluster_year_summary(cy_a)
    split = summary.joint_splits[0]
    assert split.is_split and split.difference == 0
    # the totals still show the allocation against what was paid
    assert summary.totals.allocated == sum(line.allocated for line in proposed)
    assert summary.totals.paid == summary.totals.allocated
    with pytest.raises(ValidationError):
        services.funding_split(line=FundingLine.objects.get(pk=joint.pk), by=users["secretariat_a"], amounts=amounts)


def test_split_with_accepted_difference_is_shown(proposed_joint, cy_a, users, client_for):
    proposed = proposed_joint
    joint = next(line for line in proposed if line.party_kind == "municipalities")
    funders = cluster_municipalities(cy_a.cluster, 2022, funding_only=True)
    url = reverse("accounts:funding_split", args=[cy_a.pk, joint.pk])
    data = {f"m_{pk}": "1.000,00" for pk in funders}
    client = client_for(users["secretariat_a"])
    assert "forskel" in client.post(url, data).content.decode()
    data["accept_difference"] = "on"
    assert client.post(url, data).status_code == 302
    body = client.get(reverse("accounts:cluster_year_detail", args=[cy_a.pk])).content.decode()
    assert "forskel" in body
