"""The allocation engine on plain inputs (no database): exact totals, rounding, and its properties."""
from decimal import Decimal

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from allocation.engine import (
    AllocationError,
    AllocationInput,
    ClusterIn,
    FunderIn,
    allocate,
    largest_remainder,
)

D = Decimal
THOUSAND = Decimal("1000")


def test_largest_remainder_gives_units_to_largest_remainders():
    # quotas 3.5, 3.3, 3.2 of 10: floors 3+3+3, one unit left, to the largest remainder (0.5)
    assert largest_remainder(10, [35, 33, 32]) == [4, 3, 3]
    # ties go to the first in order
    assert largest_remainder(1, [1, 1]) == [1, 0]
    assert largest_remainder(0, [0, 0]) == [0, 0]


def test_largest_remainder_refuses_what_cannot_be_split():
    with pytest.raises(AllocationError, match="summerer til nul"):
        largest_remainder(5, [0, 0])
    with pytest.raises(AllocationError, match="negativ"):
        largest_remainder(5, [1, -1])


def _input(pops, regions, keys, municipal=THOUSAND, regional=THOUSAND, **extra):
    clusters = [ClusterIn(key=i, region=regions[i], label=f"Syntetisk klynge {i}") for i in range(len(pops))]
    return AllocationInput(
        municipal_pot=municipal, regional_pot=regional, region_keys=keys, clusters=clusters,
        cluster_populations={i: D(p) for i, p in enumerate(pops)}, **extra,
    )


def test_small_example_sums_exactly_per_side_region_and_cluster():
    # synthetic: two regions, three clusters
    result = allocate(_input([1, 1, 1], [0, 0, 1], {0: D("0.5"), 1: D("0.5")}, D("100"), D("101")))
    assert [c.municipal for c in result.clusters] == [D(34), D(33), D(33)]
    assert [r.regional for r in result.regions] == [D(51), D(50)]  # 50.5 / 50.5: tie to the first
    assert [c.regional for c in result.clusters] == [D(26), D(25), D(50)]
    assert result.municipal_total == D(100) and result.regional_total == D(101)


def test_weight_multiplies_population_and_contributions_sum_to_cluster():
    clusters = [ClusterIn("A", "R"), ClusterIn("B", "R")]
    funders = [
        FunderIn("a1", "A", D("100")), FunderIn("a2", "A", D("50"), weight=D("2")),
        FunderIn("b1", "B", D("333"), share=D("0.6")),
    ]
    result = allocate(AllocationInput(D("1000"), D("500"), {"R": D("1")}, clusters, funders=funders))
    # effective populations: A = 100 + 50*2 = 200, B = 333*0.6 = 199.8
    assert result.cluster("A").population == D("200")
    assert result.cluster("B").population == D("199.8")
    assert result.cluster("A").municipal + result.cluster("B").municipal == D("1000")
    for key in ("A", "B"):
        parts = result.contributions_for(key)
        assert sum(p.amount for p in parts) == result.cluster(key).municipal
    a1, a2 = result.contributions_for("A")
    assert a1.amount == a2.amount  # 100 inhabitants vs 50 inhabitants with weight 2


def test_region_own_weights_replace_population_within_region():
    data = _input([10, 30, 5], ["R", "R", "S"], {"R": D("0.6"), "S": D("0.4")}, D("0"), D("1000"),
                  region_cluster_weights={"R": {0: D("1"), 1: D("1")}})
    result = allocate(data)
    assert [c.regional for c in result.clusters] == [D(300), D(300), D(400)]
    assert result.region("R").uses_own_weights


def test_missing_key_and_no_population_are_refused_in_danish():
    with pytest.raises(AllocationError, match="mangler sin bloktilskudsnøgle"):
        allocate(_input([1, 1], ["R", "S"], {"R": D("1")}))
    with pytest.raises(AllocationError, match="summerer til nul"):
        allocate(_input([0, 0], ["R", "R"], {"R": D("1")}))


# --- properties ---------------------------------------------------------------

populations = st.lists(st.integers(min_value=0, max_value=2_000_000), min_size=1, max_size=25)
pots = st.integers(min_value=0, max_value=10**10)


@st.composite
def scenarios(draw):
    pops = draw(populations)
    assume(sum(pops) > 0)
    n_regions = draw(st.integers(min_value=1, max_value=min(5, len(pops))))
    regions = [draw(st.integers(min_value=0, max_value=n_regions - 1)) for _ in pops]
    # every region needs a cluster with inhabitants to carry its key
    for r in range(n_regions):
        if not any(regions[i] == r and pops[i] > 0 for i in range(len(pops))):
            assume(False)
    raw_keys = [draw(st.integers(min_value=0, max_value=10**6)) for _ in range(n_regions)]
    assume(sum(raw_keys) > 0)
    keys = {r: D(k) / D(sum(raw_keys)) for r, k in enumerate(raw_keys)}
    return pops, regions, keys, draw(pots), draw(pots)


@settings(max_examples=150, deadline=None)
@given(scenarios())
def test_totals_exact_and_no_negative_amount(scenario):
    pops, regions, keys, municipal, regional = scenario
    result = allocate(_input(pops, regions, keys, D(municipal), D(regional)))
    assert result.municipal_total == municipal
    assert result.regional_total == regional
    assert sum(r.regional for r in result.regions) == regional
    for region in result.regions:
        assert sum(c.regional for c in region.clusters) == region.regional
    for c in result.clusters:
        assert c.municipal >= 0 and c.regional >= 0
        assert c.municipal == c.municipal.to_integral_value()
        # rounding moves a cluster less than one krone from its exact share
        assert abs(c.municipal - c.municipal_exact) < 1
        assert abs(c.regional - c.regional_exact) < 1


@settings(max_examples=150, deadline=None)
@given(scenarios())
def test_zero_population_gives_zero(scenario):
    pops, regions, keys, municipal, regional = scenario
    result = allocate(_input(pops, regions, keys, D(municipal), D(regional)))
    for pop, c in zip(pops, result.clusters, strict=True):
        if pop == 0:
            assert c.municipal == 0 and c.regional == 0


@settings(max_examples=200, deadline=None)
@given(scenarios(), st.data())
def test_more_population_never_gives_less(scenario, data):
    """When one cluster gains inhabitants and nothing else changes:

    - its exact (unrounded) shares never decrease,
    - its rounded amounts never decrease (Hamilton's method is monotone for the one that grows),
    - every other cluster's exact share never increases, and its rounded amount never increases
      by more than 1 kr. (the population paradox of largest remainder: another cluster whose
      share fell may still pick up a leftover krone).
    """
    pops, regions, keys, municipal, regional = scenario
    i = data.draw(st.integers(min_value=0, max_value=len(pops) - 1))
    more = list(pops)
    more[i] += data.draw(st.integers(min_value=1, max_value=1_000_000))
    before = allocate(_input(pops, regions, keys, D(municipal), D(regional)))
    after = allocate(_input(more, regions, keys, D(municipal), D(regional)))
    grown_before, grown_after = before.clusters[i], after.clusters[i]
    assert grown_after.municipal_exact >= grown_before.municipal_exact
    assert grown_after.regional_exact >= grown_before.regional_exact
    assert grown_after.municipal >= grown_before.municipal
    assert grown_after.regional >= grown_before.regional
    for j, (b, a) in enumerate(zip(before.clusters, after.clusters, strict=True)):
        if j == i:
            continue
        assert a.municipal_exact <= b.municipal_exact
        assert a.municipal <= b.municipal + 1
        assert a.regional <= b.regional + 1


def test_population_paradox_exists_for_others():
    """A concrete case of the 1-krone effect on another cluster (why the property above allows it)."""
    # synthetic: pot 10 over 1, 3, 13 inhabitants: quotas 0.59, 1.76, 7.65 -> 0 + 2 + 8
    before = allocate(_input([1, 3, 13], [0, 0, 0], {0: D(1)}, D(10), D(0)))
    # the third grows to 16: quotas 0.50, 1.50, 8.00 -> floors 0+1+8, one left -> the first (tie, first in order)
    after = allocate(_input([1, 3, 16], [0, 0, 0], {0: D(1)}, D(10), D(0)))
    assert [c.municipal for c in before.clusters] == [D(0), D(2), D(8)]
    assert [c.municipal for c in after.clusters] == [D(1), D(1), D(8)]
    first_before, first_after = before.clusters[0], after.clusters[0]
    assert first_after.municipal_exact < first_before.municipal_exact  # its share fell ...
    assert first_after.municipal == first_before.municipal + 1  # ... yet it gets one krone more


def test_exact_arithmetic_no_float():
    result = allocate(_input([1, 2], [0, 0], {0: D(1)}, D("10"), D("0")))
    assert isinstance(result.clusters[0].municipal, Decimal)
    assert result.clusters[0].municipal_exact == Decimal("3.333333")
    assert result.clusters[0].municipal + result.clusters[1].municipal == Decimal("10")
