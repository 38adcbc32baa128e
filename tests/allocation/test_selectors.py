from decimal import Decimal

import pytest

from allocation.models import AllocationRound
from allocation.selectors import compute_round, published_round, startup_contributions
from tests.conftest import get_cluster
from tests.geography.folk1a import forget_loaded_quarters


@pytest.mark.django_db
def test_startup_contributions_without_quarter_is_joint_municipal_line_and_region(ref, bornholm):
    forget_loaded_quarters()
    lines = startup_contributions(bornholm, 2022)
    assert [(line.party_kind, line.amount) for line in lines] == [
        ("municipalities", Decimal("269319")),
        ("region", Decimal("264589")),
    ]
    assert lines[1].region == bornholm.region
    assert lines[0].municipality is None and lines[0].region is None
    assert all(line.round == published_round(2022) for line in lines)


@pytest.mark.django_db
def test_startup_contributions_empty_without_published_round(ref, aarhus):
    assert startup_contributions(aarhus, 2023) == []
    AllocationRound.objects.filter(year=2022).update(status="draft")
    assert startup_contributions(aarhus, 2022) == []


@pytest.mark.django_db
def test_startup_contributions_sum_to_cluster_amounts(ref):
    comp = compute_round(published_round(2022))
    klynge_syd = get_cluster(1084, "Klynge Syd")
    lines = startup_contributions(klynge_syd, 2022)
    out = comp.result.cluster(klynge_syd.pk)
    assert sum(line.amount for line in lines) == out.total == Decimal("3936286") + Decimal("3867153")
