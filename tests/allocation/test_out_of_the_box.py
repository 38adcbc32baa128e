"""After load_reference alone: the allocation per municipality from the shipped FOLK1A 2022K1, the
reconciliation explained, and scenarios for another year (issue 15)."""
import csv
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from allocation import services
from allocation.models import AllocationRound, PublishedRow
from allocation.selectors import compute_round
from geography.population import population_quarter_load
from tests.geography.folk1a import folk1a_bytes, folk1a_rows
from users.models import Role

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def admin(make_user):
    return make_user(Role.ADMIN, username="administrator")


@pytest.fixture
def reader(make_user, client_for):
    return client_for(make_user(Role.NATIONAL, username="laeser"))


def published_municipal_cells() -> dict[tuple[str, str], Decimal]:
    rows = PublishedRow.objects.filter(round__slug="2022", row_kind="cluster").select_related("region", "cluster")
    return {(r.region.name, r.cluster.name): r.municipalities_kr for r in rows}


def test_allocate_municipalities_csv_after_load_reference_alone(ref, capsys):
    call_command("allocate", "2022", "--municipalities", "--csv")
    out = capsys.readouterr().out
    assert out.startswith("\ufeff")  # the same CSV as the download (klyngeportal.exports)
    rows = list(csv.DictReader(io.StringIO(out[1:], newline=""), delimiter=";"))
    assert len({r["Kommunekode"] for r in rows}) == 98
    assert len(rows) == 99  # 98 municipalities, København's two parts
    kbh = {r["Klynge"]: r for r in rows if r["Kommunekode"] == "101"}
    assert set(kbh) == {"Klynge Syd", "Klynge By"}

    def number(text: str) -> Decimal:
        return D(text.replace(",", "."))

    split = {name: number(r["Indbyggertal"]) * number(r["Finansieringsandel"]) for name, r in kbh.items()}
    assert abs(split["Klynge Syd"] - D("287817.33")) < D("0.001")
    assert abs(split["Klynge By"] - D("356613.67")) < D("0.001")
    sums: dict[tuple[str, str], Decimal] = {}
    for r in rows:
        sums[(r["Region"], r["Klynge"])] = sums.get((r["Region"], r["Klynge"]), D(0)) + number(r["Bidrag (kr.)"])
    published = published_municipal_cells()
    assert len(published) == len(sums) == 22
    assert all(abs(sums[key] - published[key]) <= 1 for key in published), {
        key: sums[key] - published[key] for key in published if sums[key] != published[key]
    }
    assert sum(sums.values()) == D(40_000_000)


def test_engine_from_municipalities_reproduces_table1_municipal_column(ref):
    official = AllocationRound.objects.get(slug="2022")
    scenario = services.round_copy(source=official, name="Kommunernes indbyggertal 2022K1", by=None)
    services.round_update(
        round_=scenario, by=None, name=scenario.name, description="", pot=scenario.pot,
        municipal_pot=scenario.municipal_pot, population_basis="municipality_quarter",
        reference_date=scenario.reference_date,
    )
    comp = compute_round(AllocationRound.objects.get(pk=scenario.pk))
    assert comp.error is None and comp.contributions_complete
    published = published_municipal_cells()
    computed = {(c.label.rsplit(" (", 1)[1][:-1], c.label.rsplit(" (", 1)[0]): c.municipal for c in comp.result.clusters}
    assert len(computed) == 22
    assert all(abs(computed[key] - published[key]) <= 1 for key in published)


def test_pages_and_downloads_per_municipality_work_out_of_the_box(reader):
    detail = reader.get(reverse("allocation:round_detail", args=["2022"])).content.decode()
    assert "Bidrag pr. kommune (CSV)" in detail
    for fmt in ("csv", "xlsx"):
        response = reader.get(reverse("allocation:round_export_municipalities", args=["2022", fmt]))
        assert response.status_code == 200 and response["Content-Disposition"].endswith(f'.{fmt}"')
    syd = AllocationRound.objects.get(slug="2022")
    cluster = next(c for c in compute_round(syd).clusters.values() if c.name == "Klynge Syd" and c.region.code == 1084)
    html = reader.get(reverse("allocation:round_cluster", args=["2022", cluster.pk])).content.decode()
    assert "København" in html and "Bidrag (kr.)" in html
    shares = reader.get(reverse("allocation:round_shares", args=["2022"])).content.decode()
    assert 'badge warn">ukendt' not in shares and "0,446622415744" in shares  # derived and saved by load_reference


def test_reconciliation_page_explains_itself(reader):
    html = reader.get(reverse("allocation:round_reconciliation", args=["2022"])).content.decode()
    assert "Den offentliggjorte tabel 1 i bilag 1 er den fordeling, parterne har betalt efter." in html
    assert "portalens beregnede beløb ved siden af det offentliggjorte" in html
    assert "<strong>Forskel</strong> = beregnet − offentliggjort." in html
    assert (
        "Den offentliggjorte tabel er ikke internt konsistent for Region Syddanmark, kolonne «Region»:</strong>"
        in html
    )
    assert (
        "Portalens beregnede subtotal er lig med den trykte subtotal (8.557.655 kr.), men de trykte klyngeceller "
        "summerer ikke til den: de 4 klyngeceller giver 8.563.999 kr. mod 8.557.655 kr., 6.344 kr. mere."
    ) in " ".join(html.split())
    assert "Portalens beregnede subtotal (16.923.352 kr.) ligger inden for 1 kr. af den trykte subtotal" in html


# --- scenarios for another year ----------------------------------------------------------

def copy_for(year: int, admin, client_for) -> AllocationRound:
    response = client_for(admin).post(
        reverse("allocation:round_copy", args=["2022"]), {"name": f"Scenarie {year}", "year": str(year)}
    )
    assert response.status_code == 302
    return AllocationRound.objects.get(name=f"Scenarie {year}")


def test_copy_for_2023_is_a_2023_round_on_its_years_map_and_quarter(admin, client_for):
    form = client_for(admin).get(reverse("allocation:round_copy", args=["2022"])).content.decode()
    assert '<option value="2023"' in form
    scenario = copy_for(2023, admin, client_for)
    assert (scenario.year, str(scenario.reference_date), scenario.population_basis) == (
        2023, "2023-01-01", "municipality_quarter"
    )
    comp = compute_round(scenario)
    assert comp.quarter_code == "2023K1"
    assert len(comp.memberships) == 103  # the 2022 map is the latest map not after 2023
    # no 2023K1 yet: a plain sentence, no command
    assert comp.error.startswith("Kommunernes indbyggertal for 2023K1 er ikke indlæst endnu")
    assert "En administrator kan indlæse kvartalet" in comp.error and "manage.py" not in comp.error
    html = client_for(admin).get(scenario.get_absolute_url()).content.decode()
    assert "2023K1" in html and "manage.py" not in html
    # a synthetic 2023K1 (1000 + code; marked so in its name): the 2023 round computes on it
    population_quarter_load(data=folk1a_bytes(folk1a_rows("2023K1")), source_name="FOLK1A_syntetisk_2023K1.csv")
    comp = compute_round(scenario)
    assert comp.error is None and comp.quarter.code == "2023K1" and comp.contributions_complete
    assert sum(c.amount for c in comp.result.contributions) == D(40_000_000)
    assert comp.populations != compute_round(AllocationRound.objects.get(slug="2022")).populations


def test_copy_refuses_a_year_without_a_map(admin):
    with pytest.raises(ValidationError) as info:
        services.round_copy(source=AllocationRound.objects.get(slug="2022"), name="x", by=admin, year=2019)
    assert info.value.message_dict["year"] == ["Der er intet klyngekort for 2019 eller et tidligere år."]


def test_publish_is_offered_only_where_the_year_has_no_published_round(admin, client_for, tmp_path):
    c = client_for(admin)
    draft_2022 = copy_for(2022, admin, client_for)
    html = c.get(draft_2022.get_absolute_url()).content.decode()
    assert reverse("allocation:round_publish", args=[draft_2022.slug]) not in html
    assert "Der er allerede en offentliggjort runde for 2022" in html
    response = c.get(reverse("allocation:round_publish", args=[draft_2022.slug]), follow=True)
    assert "kladden kan ikke offentliggøres" in response.content.decode()
    with pytest.raises(ValidationError, match="Der er allerede en offentliggjort runde for 2022"):
        services.round_publish(round_=draft_2022, by=admin)

    draft_2023 = copy_for(2023, admin, client_for)
    population_quarter_load(data=folk1a_bytes(folk1a_rows("2023K1")), source_name="FOLK1A_syntetisk_2023K1.csv")
    html = c.get(draft_2023.get_absolute_url()).content.decode()
    assert reverse("allocation:round_publish", args=[draft_2023.slug]) in html
    assert c.post(reverse("allocation:round_publish", args=[draft_2023.slug])).status_code == 302
    draft_2023.refresh_from_db()
    assert draft_2023.is_published
    second = services.round_copy(source=draft_2023, name="Endnu et 2023-scenarie", by=admin)
    assert second.year == 2023
    assert reverse("allocation:round_publish", args=[second.slug]) not in c.get(second.get_absolute_url()).content.decode()
    with pytest.raises(ValidationError, match="Der er allerede en offentliggjort runde for 2023"):
        services.round_publish(round_=second, by=admin)
