"""The 2022 round against Bilag 1, Table 1 as published (allocation/data/bilag1_tabel1_published.csv)."""
import csv
from decimal import Decimal

import pytest
from django.core.management import call_command

from allocation.models import AllocationRound, PublishedRow, RegionKey
from allocation.reconciliation import reconcile
from allocation.reference import TABLE1_2022
from allocation.selectors import compute_round, result_rows

D = Decimal
REPRODUCED_REGIONAL = {"Nordjylland", "Midtjylland", "Sjælland", "Hovedstaden"}


def published():
    with TABLE1_2022.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def comp(ref):
    return compute_round(AllocationRound.objects.get(slug="2022"))


def computed_by_row(comp):
    return {(r.region_name, r.cluster_name, r.row_kind): r for r in result_rows(comp)}


@pytest.mark.django_db
def test_round_2022_as_loaded(ref):
    round_ = AllocationRound.objects.get(slug="2022")
    assert (round_.year, round_.status, round_.population_basis) == (2022, "published", "funding_population")
    assert (round_.pot, round_.municipal_pot, round_.regional_pot) == (D(80_000_000), D(40_000_000), D(40_000_000))
    keys = {k.region.name: k.key for k in RegionKey.objects.filter(round=round_).select_related("region")}
    assert keys == {
        "Nordjylland": D("0.103396725"), "Midtjylland": D("0.2161295"), "Syddanmark": D("0.213941375"),
        "Sjælland": D("0.1540945"), "Hovedstaden": D("0.3124379"),
    }
    assert sum(keys.values()) == 1
    assert PublishedRow.objects.filter(round=round_).count() == 28


@pytest.mark.django_db
def test_every_municipal_cell_within_one_krone(comp):
    rows = computed_by_row(comp)
    for row in published():
        ours = rows[(row["region"], row["cluster"], row["row_kind"])]
        assert abs(ours.municipalities_kr - D(row["municipalities_kr"])) <= 1, row


@pytest.mark.django_db
def test_regional_cells_of_four_regions_within_one_krone_and_syddanmark_subtotal(comp):
    rows = computed_by_row(comp)
    for row in published():
        if row["region"] in REPRODUCED_REGIONAL:
            ours = rows[(row["region"], row["cluster"], row["row_kind"])]
            assert abs(ours.region_kr - D(row["region_kr"])) <= 1, row
    assert rows[("Syddanmark", "", "region_subtotal")].region_kr == D(8_557_655)
    # the region subtotals are exact: they are the keys times the pot
    for row in published():
        if row["row_kind"] == "region_subtotal":
            assert rows[(row["region"], "", "region_subtotal")].region_kr == D(row["region_kr"])


@pytest.mark.django_db
def test_columns_total_exactly(comp):
    total = computed_by_row(comp)[("", "", "total")]
    assert (total.municipalities_kr, total.region_kr, total.total_kr) == (D(40_000_000), D(40_000_000), D(80_000_000))
    clusters = [r for r in result_rows(comp) if r.row_kind == "cluster"]
    assert sum(r.municipalities_kr for r in clusters) == D(40_000_000)
    assert sum(r.region_kr for r in clusters) == D(40_000_000)
    assert len(clusters) == 22


@pytest.mark.django_db
def test_rates_per_inhabitant(comp):
    result = comp.result
    assert result.municipal_rate.quantize(D("0.01")) == D("6.81")
    low, high = result.regional_rate_range
    assert (low.quantize(D("0.01")), high.quantize(D("0.01"))) == (D("6.44"), D("7.31"))
    assert result.population == D(5_873_327)


@pytest.mark.django_db
def test_reconciliation_counts_and_syddanmark_flagged(comp):
    rec = reconcile(comp)
    assert len(rec.cells) == 84
    assert rec.counts == {"match": 60, "rounding": 16, "deviation": 8}
    deviating = {(c.region_name, c.cluster_name, c.column) for c in rec.deviations}
    syd = ["Sydvestjysk Klynge", "Lillebælt-klyngen", "Sønderjysk Klynge", "Fynsklyngen"]
    assert deviating == {("Syddanmark", name, col) for name in syd for col in ("region_kr", "total_kr")}
    [check] = [c for c in rec.internal_deviations if c.column == "region_kr"]
    assert (check.region_name, check.parts_sum, check.printed, check.difference) == (
        "Syddanmark", D(8_563_999), D(8_557_655), D(6_344)
    )
    assert {c.cluster_name for c in rec.deviating_cells_in(check)} == set(syd)
    # nothing else in the published table is off by more than rounding
    assert {(c.region_name, c.column) for c in rec.internal_deviations} == {
        ("Syddanmark", "region_kr"), ("Syddanmark", "total_kr")
    }


@pytest.mark.django_db
def test_load_reference_is_idempotent_for_the_round(ref, capsys):
    before = (
        list(AllocationRound.objects.values()), list(RegionKey.objects.values()), list(PublishedRow.objects.values())
    )
    call_command("load_reference")
    assert "intet ændret" in capsys.readouterr().out
    after = (
        list(AllocationRound.objects.values()), list(RegionKey.objects.values()), list(PublishedRow.objects.values())
    )
    assert after == before


@pytest.mark.django_db
def test_load_reference_repairs_a_changed_cell(ref, capsys):
    row = PublishedRow.objects.get(round__slug="2022", cluster__name="Fynsklyngen")
    PublishedRow.objects.filter(pk=row.pk).update(region_kr=1)
    call_command("load_reference", verbosity=2)
    out = capsys.readouterr().out
    assert "opdateret tabelrække 2022 (bilag 1, tabel 1) Syddanmark Fynsklyngen: region_kr" in out
    row.refresh_from_db()
    assert row.region_kr == D(3_216_985)
