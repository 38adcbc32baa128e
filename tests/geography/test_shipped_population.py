"""The shipped FOLK1A 2022K1 (Statistics Denmark): loaded by load_reference through the importer's checks."""
import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from allocation.shares import derive_shares
from geography.models import ClusterFundingPopulation, Membership, MunicipalityPopulation, PopulationQuarter
from geography.population import PopulationFileError, population_quarter_load
from geography.reference import FOLK1A_2022K1, FOLK1A_2022K1_SOURCE
from tests.geography.folk1a import folk1a_bytes, folk1a_rows, forget_loaded_quarters

pytestmark = pytest.mark.django_db


def test_load_reference_loads_2022k1_with_its_source(ref):
    quarter = PopulationQuarter.objects.get(code="2022K1")
    assert (quarter.source_name, quarter.source) == ("folk1a_2022k1_municipalities.csv", FOLK1A_2022K1_SOURCE)
    assert "Danmarks Statistik" in quarter.source and "FOLK1A" in quarter.source
    rows = MunicipalityPopulation.objects.filter(quarter=quarter)
    assert rows.count() == 98
    assert sum(rows.values_list("population", flat=True)) == 5_873_327
    assert rows.get(municipality__code=101).population == 644_431
    assert rows.get(municipality__code=820).population == 36_326  # Vesthimmerland


def test_load_reference_is_idempotent(ref):
    out = io.StringIO()
    call_command("load_reference", stdout=out)
    assert out.getvalue().strip() == "Referencedata er allerede indlæst; intet ændret."


def test_load_reference_puts_the_shipped_figures_back(ref, tmp_path):
    forget_loaded_quarters()
    out = io.StringIO()
    call_command("load_reference", stdout=out)
    assert "oprettet: 1 × kvartal" in out.getvalue()
    assert "opdateret: 2 × finansieringsandel" in out.getvalue()  # København's shares derived again
    assert MunicipalityPopulation.objects.get(municipality__code=147).population == 103_608


def test_each_cluster_sums_to_its_funding_population(ref):
    """Checked against Table 1: København's 644.431 split 287.817,33 / 356.613,67, every other cluster exact."""
    populations = dict(
        MunicipalityPopulation.objects.filter(quarter__code="2022K1").values_list("municipality_id", "population")
    )
    shares = {m.pk: m.funding_share for m in Membership.objects.filter(year=2022, kind="shared_funding")}
    sums: dict[int, Decimal] = {}
    for m in Membership.objects.filter(year=2022, kind__in=["funding", "shared_funding"]):
        part = Decimal(populations[m.municipality_id]) * (shares[m.pk] if m.kind == "shared_funding" else 1)
        sums[m.cluster_id] = sums.get(m.cluster_id, Decimal("0")) + part
    funding = ClusterFundingPopulation.objects.filter(reference_date="2022-01-01")
    assert funding.count() == len(sums) == 22
    for row in funding:
        assert abs(sums[row.cluster_id] - row.value) < Decimal("0.001"), row.cluster
    split = {d.membership.cluster.name: d.share * d.municipality_population for d in derive_shares(2022, "2022-01-01").shares}
    assert abs(split["Klynge Syd"] - Decimal("287817.33")) < Decimal("0.001")
    assert abs(split["Klynge By"] - Decimal("356613.67")) < Decimal("0.001")


def test_the_shipped_form_goes_through_the_same_checks(ref):
    """The simple form is refused like a statbank export: missing municipality, bad value, line numbers."""
    lines = FOLK1A_2022K1.read_text(encoding="utf-8").splitlines()
    broken = [line for line in lines if not line.startswith("147,")]
    broken = [line.replace(",36326", ",-5") if line.startswith("820,") else line for line in broken]
    with pytest.raises(PopulationFileError) as info:
        population_quarter_load(data="\n".join(broken).encode(), source_name="brudt.csv")
    line_820 = next(n for n, line in enumerate(broken, start=1) if line.startswith("820,"))
    assert info.value.problems == [
        f"Linje {line_820}: indholdet «-5» er ikke et helt tal ≥ 0.",
        "1 kommune mangler i filen: Frederiksberg (147).",
    ]
    assert MunicipalityPopulation.objects.get(municipality__code=147).population == 103_608  # nothing saved


def test_statistics_denmarks_spelling_of_vesthimmerland(ref):
    rows = [
        ["820 Vesthimmerlands", *row[1:]] if row[0].startswith("820 ") else row
        for row in folk1a_rows("2021K4")
    ]
    result = population_quarter_load(data=folk1a_bytes(rows), source_name="FOLK1A_syntetisk.csv")
    assert result.created and result.quarter.code == "2021K4"
    assert result.quarter.source == ""  # an upload: the file is all that is known


def test_reloading_the_same_figures_saves_nothing(ref):
    quarter = PopulationQuarter.objects.get(code="2022K1")
    result = population_quarter_load(
        data=FOLK1A_2022K1.read_bytes(), source_name=FOLK1A_2022K1.name, source=FOLK1A_2022K1_SOURCE
    )
    assert not result.changed
    assert PopulationQuarter.objects.get(code="2022K1").loaded_at == quarter.loaded_at
