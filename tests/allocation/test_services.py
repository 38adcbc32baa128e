"""Scenario services: copy, change, publish, frozen rounds; comparison figures."""
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from allocation import services
from allocation.models import AllocationRound, ClusterWeight, MunicipalityWeight, RegionKey
from allocation.selectors import compare, compute_round
from allocation.shares import shares_save
from geography.models import Municipality
from tests.conftest import get_cluster
from users.models import Role

D = Decimal


@pytest.fixture
def official(ref):
    return AllocationRound.objects.get(slug="2022")


@pytest.fixture
def planner(make_user):
    """Scenarios are made by administrators (users.access.can_manage_allocation)."""
    return make_user(Role.ADMIN, username="fordelingsansvarlig")


@pytest.mark.django_db
def test_published_round_refuses_every_change(official, planner):
    message = "er offentliggjort og dermed låst"
    with pytest.raises(ValidationError, match=message):
        services.round_update(
            round_=official, by=planner, name="x", description="", pot=D(1), municipal_pot=D(1),
            population_basis="funding_population", reference_date=official.reference_date,
        )
    with pytest.raises(ValidationError, match=message):
        services.region_keys_set(round_=official, by=planner, keys={}, within={})
    with pytest.raises(ValidationError, match=message):
        services.municipality_weights_set(round_=official, by=planner, weights={})
    with pytest.raises(ValidationError, match=message):
        services.round_delete(round_=official, by=planner)
    official.refresh_from_db()
    assert official.pot == D(80_000_000)


@pytest.mark.django_db
def test_copy_then_publish_freezes_the_draft(official, planner):
    copy = services.round_copy(source=official, name="Scenarie 2023", by=planner)
    assert (copy.status, copy.created_by, copy.based_on) == ("draft", planner, official)
    AllocationRound.objects.filter(pk=copy.pk).update(year=2023)  # synthetic: a round for another year
    copy.refresh_from_db()
    services.round_publish(round_=copy, by=planner)
    copy.refresh_from_db()
    assert copy.status == "published" and copy.published_by == planner and copy.published_at
    with pytest.raises(ValidationError, match="låst"):
        services.cluster_weights_set(round_=copy, by=planner, weights={})


@pytest.mark.django_db
def test_only_one_published_round_per_year(official, planner):
    copy = services.round_copy(source=official, name="Endnu en 2022", by=planner)
    with pytest.raises(ValidationError, match="allerede en offentliggjort runde for 2022"):
        services.round_publish(round_=copy, by=planner)


@pytest.mark.django_db
def test_keys_must_sum_to_one(official, planner):
    copy = services.round_copy(source=official, name="Nøgler", by=planner)
    keys = dict(RegionKey.objects.filter(round=copy).values_list("region_id", "key"))
    first = next(iter(keys))
    keys[first] += D("0.000000001")
    with pytest.raises(ValidationError, match="summere til præcis 1"):
        services.region_keys_set(round_=copy, by=planner, keys=keys, within={})


@pytest.mark.django_db
def test_region_own_weights_and_comparison(official, planner):
    copy = services.round_copy(source=official, name="Syddanmark efter egne vægte", by=planner)
    syd = RegionKey.objects.get(round=copy, region__name="Syddanmark")
    keys = dict(RegionKey.objects.filter(round=copy).values_list("region_id", "key"))
    services.region_keys_set(round_=copy, by=planner, keys=keys, within={syd.region_id: "weights"})
    # synthetic weights: the published Syddanmark cells, as if the region had set them
    weights = {
        get_cluster(1083, "Sydvestjysk Klynge").pk: D("1657254"),
        get_cluster(1083, "Lillebælt-klyngen").pk: D("2061670"),
        get_cluster(1083, "Sønderjysk Klynge").pk: D("1628090"),
        get_cluster(1083, "Fynsklyngen").pk: D("3216985"),
    }
    services.cluster_weights_set(round_=copy, by=planner, weights=weights)
    assert ClusterWeight.objects.filter(round=copy).count() == 4
    a, b = compute_round(official), compute_round(copy)
    assert b.error is None
    region = b.result.region(syd.region_id)
    assert region.uses_own_weights and region.regional == D(8_557_655)
    rows = compare(a, b)
    by_name = {(r.row_kind, r.region_name, r.cluster_name): r for r in rows}
    lille = by_name[("cluster", "Syddanmark", "Lillebælt-klyngen")]
    # 8.557.655 x 2.061.670 / 8.563.999 = 2.060.142,8...; the population split gave 2.116.580
    assert lille.difference("region_kr") == b.result.cluster(lille.cluster.pk).regional - D(2_116_580)
    assert lille.difference("municipalities_kr") == 0
    assert lille.percent("region_kr") == ((lille.difference("region_kr")) / D(2_116_580)).quantize(D("0.000001"))
    # the region and the total do not move: only the split within Syddanmark changed
    assert by_name[("region_subtotal", "Syddanmark", "")].difference("region_kr") == 0
    assert by_name[("total", "", "")].difference("total_kr") == 0
    assert by_name[("cluster", "Hovedstaden", "Bornholm")].difference("total_kr") == 0


@pytest.mark.django_db
def test_every_write_leaves_a_history_row_naming_the_user(official, make_user):
    admin = make_user(Role.ADMIN, username="fordeler")
    copy = services.round_copy(source=official, name="Historik", by=admin)
    created = copy.history.get()
    assert (created.history_type, created.history_user, created.name) == ("+", admin, "Historik")
    assert {(k.history_type, k.history_user_id) for k in RegionKey.history.filter(round_id=copy.pk)} == {
        ("+", admin.pk)
    }

    services.round_update(
        round_=copy, by=admin, name="Historik 90 mio.", description="", pot=D(90_000_000),
        municipal_pot=D(45_000_000), population_basis="funding_population", reference_date=copy.reference_date,
    )
    changed = copy.history.latest()
    assert (changed.history_type, changed.history_user, changed.pot) == ("~", admin, D(90_000_000))

    keys = dict(RegionKey.objects.filter(round=copy).values_list("region_id", "key"))
    first, second = sorted(keys)[:2]
    keys[first], keys[second] = keys[first] + D("0.01"), keys[second] - D("0.01")
    services.region_keys_set(round_=copy, by=admin, keys=keys, within={})
    moved = RegionKey.objects.get(round=copy, region_id=first).history.latest()
    assert (moved.history_type, moved.history_user, moved.key) == ("~", admin, keys[first])
    untouched = RegionKey.objects.exclude(region_id__in=[first, second]).filter(round=copy).first()
    assert untouched.history.count() == 1  # an unchanged key gets no history row

    cluster = get_cluster(1084, "Bornholm")
    services.cluster_weights_set(round_=copy, by=admin, weights={cluster.pk: D("2")})
    services.cluster_weights_set(round_=copy, by=admin, weights={cluster.pk: None})
    assert [(h.history_type, h.history_user, h.weight) for h in ClusterWeight.history.filter(round_id=copy.pk)
            .order_by("history_date", "history_id")] == [("+", admin, D("2")), ("-", admin, D("2"))]

    municipality = Municipality.objects.get(code=400)
    services.municipality_weights_set(round_=copy, by=admin, weights={municipality.pk: D("1.5")})
    services.municipality_weights_set(round_=copy, by=admin, weights={})
    assert [(h.history_type, h.history_user) for h in MunicipalityWeight.history.filter(round_id=copy.pk)
            .order_by("history_date", "history_id")] == [("+", admin), ("-", admin)]

    pk = copy.pk
    services.round_delete(round_=copy, by=admin)
    assert not AllocationRound.objects.filter(pk=pk).exists()
    gone = AllocationRound.history.filter(id=pk).latest()
    assert (gone.history_type, gone.history_user) == ("-", admin)
    assert set(RegionKey.history.filter(round_id=pk, history_type="-").values_list("history_user_id", flat=True)) \
        == {admin.pk}


@pytest.mark.django_db
def test_publishing_is_recorded_with_the_user(official, make_user):
    admin = make_user(Role.ADMIN, username="offentliggoerer")
    copy = services.round_copy(source=official, name="Scenarie 2023", by=admin)
    AllocationRound.objects.filter(pk=copy.pk).update(year=2023)  # synthetic: a round for another year
    copy.refresh_from_db()
    services.round_publish(round_=copy, by=admin)
    published = copy.history.latest()
    assert (published.history_type, published.history_user, published.status) == ("~", admin, "published")


@pytest.mark.django_db
def test_services_refuse_a_user_who_may_not_change_the_allocation(official, planner, make_user):
    national = make_user(Role.NATIONAL, username="analytiker")
    draft = services.round_copy(source=official, name="Kladde", by=planner)
    rounds_before, keys_before = AllocationRound.history.count(), RegionKey.history.count()
    with pytest.raises(PermissionDenied, match="Kun administratorer kan arbejde med scenarier"):
        services.round_copy(source=official, name="Ikke tilladt", by=national)
    with pytest.raises(PermissionDenied, match="Kun administratorer kan arbejde med scenarier"):
        services.region_keys_set(round_=draft, by=national, keys={}, within={})
    with pytest.raises(PermissionDenied, match="Kun administratorer kan arbejde med scenarier"):
        services.round_delete(round_=draft, by=national)
    with pytest.raises(PermissionDenied, match="Kun administratorer kan offentliggøre"):
        services.round_publish(round_=draft, by=national)
    with pytest.raises(PermissionDenied, match="Københavns andele"):
        shares_save(year=2022, shares={}, by=national)
    assert (AllocationRound.history.count(), RegionKey.history.count()) == (rounds_before, keys_before)
    assert not AllocationRound.objects.filter(name="Ikke tilladt").exists()
    assert RegionKey.objects.filter(round=draft).count() == 5
