"""load_population: one FOLK1A quarter from a statbank CSV export.

All files here are written by the tests with SYNTHETIC figures (see tests/geography/folk1a.py).
"""
import datetime

import pytest
from django.core.management import CommandError, call_command

from geography.models import Municipality, MunicipalityPopulation, PopulationQuarter
from geography.population import PopulationFileError, parse, population_quarter_load, quarter_reference_date
from tests.geography.folk1a import (
    TEXT_HEADER,
    folk1a_bytes,
    folk1a_rows,
    forget_loaded_quarters,
    synthetic_population,
    write_folk1a,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_quarter_loaded(ref):
    """The importer is tested on a database without the shipped 2022K1 (tests/geography/test_shipped_population.py has it)."""
    forget_loaded_quarters()


def load(path, capsys):
    call_command("load_population", str(path))
    return capsys.readouterr().out


def refuse(path) -> str:
    with pytest.raises(CommandError) as info:
        call_command("load_population", str(path))
    assert "intet er gemt" in str(info.value)
    return str(info.value)


def assert_nothing_saved():
    assert PopulationQuarter.objects.count() == 0
    assert MunicipalityPopulation.objects.count() == 0


@pytest.mark.parametrize(
    ("code", "date"),
    [("2022K1", (2022, 1, 1)), ("2022K2", (2022, 4, 1)), ("2023K3", (2023, 7, 1)), ("2021K4", (2021, 10, 1))],
)
def test_quarter_reference_date(code, date):
    assert quarter_reference_date(code) == datetime.date(*date)


def test_loads_a_wellformed_text_export(ref, tmp_path, capsys):
    out = load(write_folk1a(tmp_path), capsys)
    quarter = PopulationQuarter.objects.get()
    assert quarter.code == "2022K1"
    assert quarter.reference_date == datetime.date(2022, 1, 1)
    assert quarter.source_name == "FOLK1A_syntetisk.csv"
    assert MunicipalityPopulation.objects.count() == 98
    kbh = MunicipalityPopulation.objects.get(municipality__code=101)
    assert kbh.population == synthetic_population(101) == 1101
    total = sum(synthetic_population(m.code) for m in Municipality.objects.all())
    assert total == 143293
    assert "98 kommuner, i alt 143.293 indbyggere" in out
    assert "Indlæst 2022K1 (01.01.2022)" in out
    # Hele landet and the region are skipped; Christiansø is skipped and said so.
    assert "Christiansø (411, Ertholmene) hører ikke til nogen kommune og er sprunget over (93 indbyggere)" in out
    assert "Bemærk" not in out  # the synthetic Hele landet equals municipalities + Christiansø


def test_code_form_export(ref, tmp_path, capsys):
    path = write_folk1a(tmp_path, form="code", quarter="2023K3")
    load(path, capsys)
    quarter = PopulationQuarter.objects.get()
    assert (quarter.code, quarter.reference_date) == ("2023K3", datetime.date(2023, 7, 1))
    assert MunicipalityPopulation.objects.get(quarter=quarter, municipality__code=860).population == 1860


def test_name_only_areas_and_unquoted_cells(ref, tmp_path, capsys):
    load(write_folk1a(tmp_path, form="name", quote=False), capsys)
    assert MunicipalityPopulation.objects.get(municipality__name="Lyngby-Taarbæk").population == 1173


def test_windows_1252_export(ref, tmp_path, capsys):
    path = write_folk1a(tmp_path, encoding="cp1252")
    raw = path.read_bytes()
    assert "Ærø".encode("cp1252") in raw and "Ærø".encode() not in raw
    load(path, capsys)
    assert MunicipalityPopulation.objects.get(municipality__name="Ærø").population == 1492
    assert MunicipalityPopulation.objects.get(municipality__name="Tårnby").population == 1185


def test_utf8_with_bom(ref, tmp_path, capsys):
    load(write_folk1a(tmp_path, bom=True), capsys)
    assert MunicipalityPopulation.objects.count() == 98


def test_sex_and_age_totals_in_other_spellings(ref, tmp_path, capsys):
    rows = folk1a_rows()
    for row in rows:
        row[1] = "Køn i alt"
        row[2] = "IALT"
    load(write_folk1a(tmp_path, rows=rows), capsys)
    assert MunicipalityPopulation.objects.count() == 98


# --- refusals: each kind, with its Danish message and nothing saved ---------------

def test_refuses_missing_municipality(ref, tmp_path):
    message = refuse(write_folk1a(tmp_path, leave_out=(101, 400)))
    assert "2 kommuner mangler i filen: København (101), Bornholm (400)." in message
    assert_nothing_saved()


def test_refuses_unknown_area(ref, tmp_path):
    rows = folk1a_rows()
    rows.insert(3, ["999 Atlantis", "I alt", "Alder i alt", "2022K1", "5"])
    rows.insert(4, ["Gotham", "I alt", "Alder i alt", "2022K1", "5"])
    rows.insert(5, ["101 Aarhus", "I alt", "Alder i alt", "2022K1", "5"])
    message = refuse(write_folk1a(tmp_path, rows=rows))
    assert "Linje 5: ukendt område «999 Atlantis» (ingen kommune med kode 999)." in message
    assert "Linje 6: ukendt område «Gotham»." in message
    assert "Linje 7: område «101 Aarhus»: kode 101 er København, ikke «Aarhus»." in message
    assert_nothing_saved()


@pytest.mark.parametrize("bad", ["-5", "12,5", "1.234", "..", "", "tolv", "+7", "١٢"])
def test_refuses_value_that_is_not_a_whole_number(ref, tmp_path, bad):
    message = refuse(write_folk1a(tmp_path, values={751: bad}))
    # header is line 1, Hele landet 2, Region 3, then municipalities by code: Aarhus (751) is the 76th
    aarhus_line = 3 + [m.code for m in Municipality.objects.order_by("code")].index(751) + 1
    assert f"Linje {aarhus_line}: indholdet «{bad}» er ikke et helt tal ≥ 0." in message
    assert_nothing_saved()


def test_refuses_mixed_quarters(ref, tmp_path):
    rows = folk1a_rows() + folk1a_rows("2022K2", aggregates=False)
    message = refuse(write_folk1a(tmp_path, rows=rows))
    assert "Filen blander kvartaler: 2022K1 (fra linje 2), 2022K2 (fra linje 103)" in message
    assert_nothing_saved()


def test_refuses_rows_that_are_not_totals(ref, tmp_path):
    rows = folk1a_rows()
    rows[2][1] = "Mænd"
    rows[3][2] = "0 år"
    message = refuse(write_folk1a(tmp_path, rows=rows))
    assert "Linje 4: køn er «Mænd», ikke i alt (kun totaler over køn og alder)" in message
    assert "Linje 5: alder er «0 år», ikke alder i alt (kun totaler over køn og alder)" in message
    assert_nothing_saved()


def test_refuses_municipality_twice(ref, tmp_path):
    rows = folk1a_rows()
    rows.append(["København", "I alt", "Alder i alt", "2022K1", "7"])
    message = refuse(write_folk1a(tmp_path, rows=rows))
    # header, Hele landet, Region, 98 municipalities (lines 4-101), Christiansø (102), the repeat (103)
    assert "Linje 103: København står også i linje 4." in message
    assert_nothing_saved()


def test_refusal_lists_every_problem(ref, tmp_path):
    rows = folk1a_rows(values={101: "x", 147: "-1"}, leave_out=(860,))
    rows[5][3] = "2022"
    message = refuse(write_folk1a(tmp_path, rows=rows))
    assert "4 problem(er)" in message
    assert "indholdet «x»" in message and "indholdet «-1»" in message
    assert "tid «2022» er ikke et kvartal som 2022K1" in message
    assert "1 kommune mangler i filen: Hjørring (860)." in message


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "Filen er tom."),
        (b"\r\n\r\n", "Filen er tom."),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "ikke en tekstfil (CSV) men binær"),
        ("OMRÅDE,KØN,ALDER,TID,INDHOLD\n101 København,I alt,Alder i alt,2022K1,5\n".encode(),
         "adskilt med komma, ikke semikolon"),
        ("OMRÅDE\tKØN\tALDER\tTID\tINDHOLD\n".encode(), "adskilt med tabulator"),
        ("Navn;Antal\nKøbenhavn;5\n".encode(), "kolonne mangler: OMRÅDE, TID, INDHOLD"),
        ("OMRÅDE;KØN;ALDER;TID;INDHOLD\n".encode(), "Filen har ingen datalinjer"),
        (b"\x81\x8d\x8f\x90\x9d", "kan ikke læses som tekst i UTF-8 eller Windows-1252"),
        (b"PK\x03\x04\x14\x00\x06\x00", "Excel- eller zip-fil, ikke CSV"),
        ("OMRÅDE;KØN;ALDER;TID;INDHOLD\r\n".encode("utf-16"), "gemt som UTF-16"),
    ],
    ids=["empty", "blank", "binary", "comma", "tab", "wrong-header", "header-only", "undecodable", "xlsx", "utf16"],
)
def test_refuses_what_is_not_a_folk1a_export(ref, tmp_path, content, expected):
    path = tmp_path / "ikke_folk1a.csv"
    path.write_bytes(content)
    assert expected in refuse(path)
    assert_nothing_saved()


def test_refuses_a_short_row(ref, tmp_path):
    rows = folk1a_rows()
    rows[10] = rows[10][:3]
    assert "Linje 12: 3 felter, forventet 5" in refuse(write_folk1a(tmp_path, rows=rows))
    assert_nothing_saved()


def test_missing_file_is_a_command_error(ref, tmp_path):
    with pytest.raises(CommandError, match="kan ikke læses"):
        call_command("load_population", str(tmp_path / "findes_ikke.csv"))


def test_refused_reload_keeps_the_earlier_quarter(ref, tmp_path, capsys):
    load(write_folk1a(tmp_path), capsys)
    before = list(MunicipalityPopulation.objects.values_list("municipality_id", "population"))
    refuse(write_folk1a(tmp_path, name="ret.csv", values={101: "1.000"}))
    assert list(MunicipalityPopulation.objects.values_list("municipality_id", "population")) == before


# --- replacing a quarter -------------------------------------------------------------

def test_reload_same_quarter_replaces_and_reports_changes(ref, tmp_path, capsys):
    load(write_folk1a(tmp_path), capsys)
    quarter_id = PopulationQuarter.objects.get().pk
    out = load(write_folk1a(tmp_path, name="ny.csv", values={101: 644500, 147: 1147, 400: 39000, 751: 2000}), capsys)
    assert (
        "2022K1 (01.01.2022) erstattet: 3 kommuner ændret: "
        "København 1.101 -> 644.500, Bornholm 1.400 -> 39.000, Aarhus 1.751 -> 2.000." in out
    )
    assert PopulationQuarter.objects.get().pk == quarter_id
    assert PopulationQuarter.objects.get().source_name == "ny.csv"
    assert MunicipalityPopulation.objects.count() == 98
    assert MunicipalityPopulation.objects.get(municipality__code=101).population == 644500


def test_reload_identical_says_nothing_changed(ref, tmp_path, capsys):
    load(write_folk1a(tmp_path), capsys)
    before = list(MunicipalityPopulation.objects.values_list("pk", "municipality_id", "population"))
    out = load(write_folk1a(tmp_path), capsys)
    assert "var allerede indlæst med de samme tal; intet ændret." in out
    assert list(MunicipalityPopulation.objects.values_list("pk", "municipality_id", "population")) == before


def test_one_change_is_singular(ref, tmp_path, capsys):
    load(write_folk1a(tmp_path), capsys)
    out = load(write_folk1a(tmp_path, values={101: 1102}), capsys)
    assert "1 kommune ændret: København 1.101 -> 1.102." in out


def test_two_quarters_live_side_by_side(ref, tmp_path, capsys):
    load(write_folk1a(tmp_path), capsys)
    load(write_folk1a(tmp_path, name="k2.csv", quarter="2022K2", form="code"), capsys)
    assert list(PopulationQuarter.objects.values_list("code", flat=True)) == ["2022K1", "2022K2"]
    assert MunicipalityPopulation.objects.count() == 196


def test_replacement_is_one_transaction(ref, tmp_path, capsys):
    """Every write of a reload happens between one savepoint and its release (one atomic block)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    load(write_folk1a(tmp_path), capsys)
    data = folk1a_bytes(folk1a_rows(values={101: 5, 147: 6}))
    with CaptureQueriesContext(connection) as captured:
        result = population_quarter_load(data=data, source_name="x.csv")
    assert not result.created
    sql = [q["sql"].upper() for q in captured.captured_queries]
    writes = [i for i, q in enumerate(sql) if q.startswith(("INSERT", "UPDATE", "DELETE"))]
    savepoints = [i for i, q in enumerate(sql) if q.startswith("SAVEPOINT")]
    releases = [i for i, q in enumerate(sql) if q.startswith("RELEASE SAVEPOINT")]
    assert len(savepoints) == 1 and len(releases) == 1
    assert writes and savepoints[0] < min(writes) and max(writes) < releases[0]
    assert MunicipalityPopulation.objects.get(municipality__code=101).population == 5


def test_service_error_lists_problems(ref):
    with pytest.raises(PopulationFileError) as info:
        parse(folk1a_bytes([], header=TEXT_HEADER))
    assert info.value.problems == ["Filen har ingen datalinjer under overskriften."]


def test_code_and_text_form(ref, tmp_path, capsys):
    """The statbank's "code and text" presentation: 101 København, TOT I alt, IALT Alder i alt."""
    rows = folk1a_rows()
    for row in rows:
        row[1], row[2], row[3] = "TOT I alt", "IALT Alder i alt", "2022K1 2022K1"
    rows[0][0] = "000 Hele landet"
    rows[1][0] = "084 Region Hovedstaden"
    out = load(write_folk1a(tmp_path, rows=rows), capsys)
    assert "98 kommuner" in out
    assert MunicipalityPopulation.objects.get(municipality__code=101).population == 1101
    rows[5][1] = "M Mænd"
    assert "køn er «M Mænd», ikke i alt" in refuse(write_folk1a(tmp_path, name="m.csv", rows=rows))


def test_refuses_a_value_beyond_the_database_column(ref, tmp_path):
    message = refuse(write_folk1a(tmp_path, values={101: "99999999999"}))
    assert "Linje 4: indholdet «99999999999» er større end noget indbyggertal (2147483647)." in message
    assert_nothing_saved()


def test_line_numbers_count_lines_of_the_file(ref, tmp_path):
    """A quoted field with a line break moves the following rows one line down."""
    rows = folk1a_rows(values={147: "x"})
    rows[1][0] = "Region\nHovedstaden"
    # header 1, Hele landet 2, Region 3-4, København 5, Frederiksberg 6
    assert "Linje 6: indholdet «x»" in refuse(write_folk1a(tmp_path, rows=rows))
