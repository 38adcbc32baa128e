"""The Opfølgning formulas, recalculated by LibreOffice headless, equal the portal's own summary."""
import shutil
import subprocess
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from accounts.selectors import cluster_year_summary

from .helpers import export_bytes

pytestmark = pytest.mark.django_db

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def recalculated(data: bytes, tmp_path):
    """Open the file in LibreOffice Calc (private profile), let it recalculate, save as xlsx, read values."""
    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) er ikke installeret på denne maskine; Debian-pakken libreoffice-calc mangler")
    source = tmp_path / "eksport.xlsx"
    source.write_bytes(data)
    outdir = tmp_path / "genberegnet"
    profile = tmp_path / "lo-profil"
    completed = subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
         "--convert-to", "xlsx", "--outdir", str(outdir), str(source)],
        capture_output=True, text=True, timeout=180,
    )
    target = outdir / "eksport.xlsx"
    assert target.exists(), completed.stdout + completed.stderr
    return load_workbook(target, data_only=True)


def money(value) -> Decimal:
    return Decimal(str(round(value or 0, 2))).quantize(Decimal("0.01"))


def sections(ws) -> dict[str, dict[str, tuple]]:
    """Opfølgning's three sections: {header: {label: (budget, spend, deviation)}}."""
    result, current = {}, None
    for row in ws.iter_rows(min_row=3, values_only=True):
        label = row[0]
        if label in ("Indsats", "Indsatsområde", "Part"):
            current = result.setdefault(label, {})
        elif label and current is not None:
            current[label] = tuple(money(v) for v in row[2:5])
    return result


def test_followup_recalculated_by_libreoffice_equals_the_summary(ledger, tmp_path):
    wb = recalculated(export_bytes(ledger.cy), tmp_path)
    got = sections(wb["Opfølgning"])
    summary = cluster_year_summary(ledger.cy)

    def expected(rows):
        return {row.label: (row.budget, row.spend, row.remaining) for row in rows}

    assert got["Indsats"] == expected(summary.by_initiative) | {
        "I alt": (summary.totals.budget, summary.totals.spend, summary.totals.remaining)}
    assert got["Indsatsområde"] == expected(summary.by_area) | {
        "I alt": (summary.totals.budget, summary.totals.spend, summary.totals.remaining)}
    assert got["Part"] == expected(summary.by_party) | {
        "I alt": (summary.totals.budget, summary.totals.spend, summary.totals.remaining)}
    # The figures are not trivially zero: the reversed entry nets out, the rest counts.
    assert summary.totals.spend == Decimal("1295113.31") and summary.totals.budget == Decimal("395000.50")
    assert got["Part"]["Vejen"] == (Decimal("40000.50"), Decimal("1235567.88"), Decimal("-1195567.38"))
    # Videreførelse: paid minus spend per party.
    carry = {row[0]: row for row in wb["Videreførelse"].iter_rows(min_row=2, values_only=True) if row[0]}
    assert money(carry["Vejen"][3]) == Decimal("60000.00") - Decimal("1235567.88")


def test_blank_template_recalculates_to_zero(ledger, tmp_path):
    wb = recalculated(export_bytes(ledger.cy, blank=True), tmp_path)
    got = sections(wb["Opfølgning"])
    assert got["Part"]["I alt"] == (Decimal("0.00"),) * 3
    assert len(got["Indsats"]) == 4  # three initiatives and the total


def test_a_real_xls_saved_by_libreoffice_and_renamed_is_refused(ledger, tmp_path):
    """Not just the first bytes: a genuine BIFF8 workbook from LibreOffice, given a .xlsx name."""
    from .helpers import counts
    from .test_file_safety import attempt

    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) er ikke installeret på denne maskine; Debian-pakken libreoffice-calc mangler")
    source = tmp_path / "eksport.xlsx"
    source.write_bytes(export_bytes(ledger.cy))
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{tmp_path / 'lo-profil'}", "--headless", "--norestore",
         "--convert-to", "xls:MS Excel 97", "--outdir", str(tmp_path / "xls"), str(source)],
        capture_output=True, text=True, timeout=180,
    )
    xls = (tmp_path / "xls" / "eksport.xls").read_bytes()
    assert xls.startswith(b"\xd0\xcf\x11\xe0")
    before = counts()
    message = attempt(ledger.cy, ledger.secretariat, xls, "eksport.xlsx")
    assert "ældre binær Excel-fil (.xls) med nyt navn" in message and counts() == before


def test_a_file_saved_by_libreoffice_imports_identically(ledger, tmp_path):
    """The export opened and saved by another spreadsheet program reads back as the portal's own file:
    every Regnskab row (by its Portal-nr.) equals its entry field by field, the budget and the
    commitments are unchanged, so nothing is to be booked, exactly as for the file openpyxl reads."""
    from .helpers import run_import

    original = export_bytes(ledger.cy)
    recalculated(original, tmp_path)  # writes tmp_path/genberegnet/eksport.xlsx
    saved = (tmp_path / "genberegnet" / "eksport.xlsx").read_bytes()
    plans = {}
    for name, data in (("openpyxl", original), ("libreoffice", saved)):
        result = run_import(ledger.cy, data, ledger.secretariat, filename=f"fra-{name}.xlsx", dry_run=True)
        plans[name] = [{k: v for k, v in sheet.items() if k != "problems"} for sheet in result.plan.as_json()["sheets"]]
        assert result.plan.nothing_to_import, (name, result.plan.as_json())
    assert plans["libreoffice"] == plans["openpyxl"]
    assert plans["libreoffice"][0]["sheet"] == "Regnskab" and plans["libreoffice"][0]["unchanged"] == 7
