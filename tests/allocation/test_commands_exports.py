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


@pytest.mark.django_db
def test_allocate_csv_has_the_published_rows(ref, capsys):
    call_command("allocate", "2022", "--csv")
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "region,cluster,municipalities_kr,region_kr,total_kr,row_kind"
    ours = list(csv.DictReader(io.StringIO(out)))
    theirs = published_rows()
    assert [(r["region"], r["cluster"], r["row_kind"]) for r in ours] == [
        (r["region"], r["cluster"], r["row_kind"]) for r in theirs
    ]
    for a, b in zip(ours, theirs, strict=True):
        assert abs(D(a["municipalities_kr"]) - D(b["municipalities_kr"])) <= 1
        assert D(a["total_kr"]) == D(a["municipalities_kr"]) + D(a["region_kr"])
    assert ours[-1] == {
        "region": "", "cluster": "", "municipalities_kr": "40000000", "region_kr": "40000000",
        "total_kr": "80000000", "row_kind": "total",
    }


@pytest.mark.django_db
def test_allocate_text_shows_rates(ref, capsys):
    call_command("allocate", "2022")
    out = capsys.readouterr().out
    assert "6,81 kr. pr. indbygger" in out and "6,44-7,31 kr." in out


@pytest.mark.django_db
def test_reconcile_csv(ref, capsys):
    call_command("reconcile", "2022", "--csv")
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert list(rows[0]) == ["region", "cluster", "column", "computed", "published", "difference", "kind"]
    assert len(rows) == 28 * 3
    kinds = {k: sum(1 for r in rows if r["kind"] == k) for k in ("match", "rounding", "deviation")}
    assert kinds == {"match": 60, "rounding": 16, "deviation": 8}
    lille = next(r for r in rows if r["cluster"] == "Lillebælt-klyngen" and r["column"] == "region_kr")
    assert (lille["published"], lille["kind"]) == ("2061670", "deviation")
    assert D(lille["difference"]) == D(lille["computed"]) - D(lille["published"])
    subtotal = next(r for r in rows if r["region"] == "Syddanmark" and r["cluster"] == "" and r["column"] == "region_kr")
    assert (subtotal["computed"], subtotal["published"], subtotal["kind"]) == ("8557655", "8557655", "match")
    total = [r for r in rows if r["region"] == ""]
    assert [(r["column"], r["computed"], r["kind"]) for r in total] == [
        ("municipalities_kr", "40000000", "match"), ("region_kr", "40000000", "match"),
        ("total_kr", "80000000", "match"),
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
    assert subtotal[5].value == "region_subtotal" and all(cell.font.bold for cell in subtotal)
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
    assert header[:7] == ["Region", "Klynge", "Kolonne", "Beregnet (kr.)", "Offentliggjort (kr.)", "Forskel (kr.)", "Type"]
    deviations = [r for r in rows if r[6] == "deviation"]
    assert len(deviations) == 8
    assert sheet.cell(row=2, column=4).number_format == "#,##0"
    bold_rows = [row for row in sheet.iter_rows(min_row=2) if row[0].font.bold]
    assert {row[7].value for row in bold_rows} == {"region_subtotal", "total"}
    assert len(bold_rows) == 6 * 3
    response = c.get(reverse("allocation:round_reconciliation_export", args=["2022", "csv"]))
    text = response.content.decode()
    assert text.splitlines()[0] == "region,cluster,column,computed,published,difference,kind"
    assert len(text.splitlines()) == 85
