"""Command output and the .xlsx/CSV exports, read back."""
import csv
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

from allocation.reference import TABLE1_2022

D = Decimal


def published_rows():
    with TABLE1_2022.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def danish_csv(text: str) -> list[dict]:
    """A CSV as the portal writes it (klyngeportal.exports): BOM, semicolons, Danish headers."""
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:], newline=""), delimiter=";"))


def kroner(text: str) -> Decimal:
    assert "." not in text  # no thousands separator
    return D(text.replace(",", "."))


ROW_KINDS = {"cluster": "Klynge", "region_subtotal": "Region i alt", "total": "I alt"}


@pytest.mark.django_db
def test_allocate_csv_has_the_published_rows(ref, capsys):
    call_command("allocate", "2022", "--csv")
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "\ufeffRegion;Klynge;Kommuner (kr.);Region (kr.);I alt (kr.);Rækketype"
    ours = danish_csv(out)
    theirs = published_rows()
    assert [(r["Region"], r["Klynge"], r["Rækketype"]) for r in ours] == [
        (r["region"], r["cluster"], ROW_KINDS[r["row_kind"]]) for r in theirs
    ]
    for a, b in zip(ours, theirs, strict=True):
        assert abs(kroner(a["Kommuner (kr.)"]) - D(b["municipalities_kr"])) <= 1
        assert kroner(a["I alt (kr.)"]) == kroner(a["Kommuner (kr.)"]) + kroner(a["Region (kr.)"])
    assert ours[-1] == {
        "Region": "", "Klynge": "", "Kommuner (kr.)": "40000000", "Region (kr.)": "40000000",
        "I alt (kr.)": "80000000", "Rækketype": "I alt",
    }


@pytest.mark.django_db
def test_allocate_text_shows_rates(ref, capsys):
    call_command("allocate", "2022")
    out = capsys.readouterr().out
    assert "6,81 kr. pr. indbygger" in out and "6,44-7,31 kr." in out


@pytest.mark.django_db
def test_reconcile_csv(ref, capsys):
    call_command("reconcile", "2022", "--csv")
    rows = danish_csv(capsys.readouterr().out)
    assert list(rows[0]) == [
        "Region", "Klynge", "Kolonne", "Beregnet (kr.)", "Offentliggjort (kr.)", "Forskel (kr.)", "Type", "Rækketype",
    ]
    assert len(rows) == 28 * 3
    labels = {"match": "Ens", "rounding": "Afrunding (højst 1 kr.)", "deviation": "Afvigelse"}
    kinds = {k: sum(1 for r in rows if r["Type"] == label) for k, label in labels.items()}
    assert kinds == {"match": 60, "rounding": 16, "deviation": 8}
    lille = next(r for r in rows if r["Klynge"] == "Lillebælt-klyngen" and r["Kolonne"] == "Region")
    assert (lille["Offentliggjort (kr.)"], lille["Type"]) == ("2061670", "Afvigelse")
    assert kroner(lille["Forskel (kr.)"]) == kroner(lille["Beregnet (kr.)"]) - kroner(lille["Offentliggjort (kr.)"])
    subtotal = next(r for r in rows if r["Region"] == "Syddanmark" and r["Klynge"] == "" and r["Kolonne"] == "Region")
    assert (subtotal["Beregnet (kr.)"], subtotal["Offentliggjort (kr.)"], subtotal["Type"]) == (
        "8557655", "8557655", "Ens")
    assert subtotal["Rækketype"] == "Region i alt"
    total = [r for r in rows if r["Region"] == ""]
    assert [(r["Kolonne"], r["Beregnet (kr.)"], r["Type"]) for r in total] == [
        ("Kommuner", "40000000", "Ens"), ("Region", "40000000", "Ens"), ("I alt", "80000000", "Ens"),
    ]


@pytest.mark.django_db
def test_reconcile_text_names_the_syddanmark_inconsistency(ref, capsys):
    call_command("reconcile", "2022")
    out = capsys.readouterr().out
    assert "84 celler: 60 ens, 16 afrunding (højst 1 kr.), 8 afvigelse" in out
    assert "Syddanmark Region: 4 celler summerer til 8.563.999, subtotal 8.557.655 (forskel 6.344)" in out


def _workbook(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return openpyxl.load_workbook(io.BytesIO(response.content))


@pytest.mark.django_db
def test_result_xlsx(users, client_for):
    c = client_for(users["secretariat_a"])
    sheet = _workbook(c.get(reverse("allocation:round_export", args=["2022", "xlsx"])))["Fordeling"]
    assert sheet.freeze_panes == "A2"
    assert [cell.value for cell in sheet[1]] == [
        "Region", "Klynge", "Kommuner (kr.)", "Region (kr.)", "I alt (kr.)", "Rækketype"
    ]
    assert all(cell.font.bold for cell in sheet[1])
    rows = list(sheet.iter_rows(min_row=2))
    assert len(rows) == 28
    first = rows[0]
    assert first[2].value == 1_094_303 and isinstance(first[2].value, int)
    assert first[2].number_format == "#,##0"
    assert not first[0].font.bold
    subtotal = rows[4]
    assert subtotal[5].value == "Region i alt" and all(cell.font.bold for cell in subtotal)
    total = rows[-1]
    assert [total[i].value for i in (2, 3, 4)] == [40_000_000, 40_000_000, 80_000_000]
    assert total[4].font.bold


@pytest.mark.django_db
def test_reconciliation_xlsx_and_csv(users, client_for):
    c = client_for(users["national"])
    sheet = _workbook(c.get(reverse("allocation:round_reconciliation_export", args=["2022", "xlsx"])))["Afstemning"]
    assert sheet.freeze_panes == "A2"
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 84
    header = [cell.value for cell in sheet[1]]
    assert header == ["Region", "Klynge", "Kolonne", "Beregnet (kr.)", "Offentliggjort (kr.)", "Forskel (kr.)", "Type",
                      "Rækketype"]
    deviations = [r for r in rows if r[6] == "Afvigelse"]
    assert len(deviations) == 8
    assert all(isinstance(r[5], int) and r[5] != 0 for r in deviations)
    assert sheet.cell(row=2, column=4).number_format == "#,##0"
    bold_rows = [row for row in sheet.iter_rows(min_row=2) if row[0].font.bold]
    assert {row[7].value for row in bold_rows} == {"Region i alt", "I alt"}
    assert len(bold_rows) == 6 * 3
    highlighted = [row for row in sheet.iter_rows(min_row=2) if row[0].fill.fgColor.rgb == "FFFFF3DC"]
    assert len(highlighted) == 8
    response = c.get(reverse("allocation:round_reconciliation_export", args=["2022", "csv"]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = danish_csv(response.content.decode("utf-8"))
    assert len(rows) == 84 and list(rows[0])[:3] == ["Region", "Klynge", "Kolonne"]
