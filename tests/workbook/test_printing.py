"""Printing: every sheet landscape, fit to the page's width, its header row on every page; LibreOffice's
PDF of an export has no sheet whose columns are split over pages."""
import io
import shutil
import subprocess

import pytest
from openpyxl import load_workbook

from workbook import layout as L

from .helpers import export_bytes

pytestmark = pytest.mark.django_db

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")
# Per sheet with a header row: its first and last column's header, as the printed page shows them.
HEADERS = {
    L.SHEET_BUDGET: (L.BUDGET_HEADERS[0], L.BUDGET_HEADERS[-1]),
    L.SHEET_ENTRIES: (L.ENTRY_HEADERS[0], L.ENTRY_HEADERS[-1]),
    L.SHEET_FOLLOWUP: ("Indsats", "Afvigelse"),
    L.SHEET_CARRYOVER: (L.CARRYOVER_COLUMNS[0][1], L.CARRYOVER_COLUMNS[-1][1]),
    L.SHEET_LISTS: (L.LIST_COLUMNS[0][2], L.LIST_COLUMNS[-1][2]),
}


def test_every_sheet_prints_landscape_fit_to_width_with_its_header_repeated(ledger):
    wb = load_workbook(io.BytesIO(export_bytes(ledger.cy)))
    for ws in wb.worksheets:
        setup, props = ws.page_setup, ws.sheet_properties.pageSetUpPr
        assert setup.orientation == "landscape" and setup.paperSize in (9, "9"), ws.title
        # fitToWidth left out of the file means 1 (ECMA-376 18.3.1.64); fitToHeight 0: as many pages as needed.
        assert props.fitToPage is True and int(setup.fitToWidth or 1) == 1 and int(setup.fitToHeight) == 0, ws.title
        assert ws.oddFooter.left.text == "Ark: &A", ws.title
        if ws.title == L.SHEET_GUIDE:
            assert ws.print_title_rows is None
            assert all(c.alignment.wrap_text for c in ws["A"] if c.value and len(str(c.value)) > 110)
        elif ws.title == L.SHEET_FOLLOWUP:
            assert ws.print_title_rows == "$1:$3"
        else:
            assert ws.print_title_rows == "$1:$1", ws.title


def pdf_pages(data: bytes, tmp_path) -> list[str]:
    """The export printed to PDF by LibreOffice headless, each page's text (pdftotext -layout)."""
    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) er ikke installeret; Debian-pakken libreoffice-calc-nogui mangler")
    if PDFTOTEXT is None:
        pytest.skip("pdftotext er ikke installeret; Debian-pakken poppler-utils mangler (scripts/system-deps)")
    source = tmp_path / "eksport.xlsx"
    source.write_bytes(data)
    completed = subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{tmp_path / 'lo-profil'}", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
        capture_output=True, text=True, timeout=180,
    )
    pdf = tmp_path / "eksport.pdf"
    assert pdf.exists(), completed.stdout + completed.stderr
    text = subprocess.run([PDFTOTEXT, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [page for page in text.split("\f") if page.strip()]


def test_libreoffice_pdf_splits_no_sheet_over_pages_sideways(ledger, tmp_path):
    pages = pdf_pages(export_bytes(ledger.cy), tmp_path)
    by_sheet: dict[str, list[str]] = {}
    for page in pages:
        footer = [line for line in page.splitlines() if "Ark: " in line]
        assert footer, page[:500]
        sheet = footer[-1].split("Ark: ", 1)[1].split()[0]
        by_sheet.setdefault(sheet, []).append(page)
    assert set(by_sheet) == set(L.SHEET_NAMES), sorted(by_sheet)
    # A page holding some of a sheet's columns but not all would lack its first or last column's header:
    # with the header repeated, every page of a sheet shows both.
    for sheet, (first, last) in HEADERS.items():
        for number, page in enumerate(by_sheet[sheet], start=1):
            assert first in page and last in page, (sheet, number, page[:800])
    guide = "\n".join(by_sheet[L.SHEET_GUIDE])
    assert "Sådan udfylder du skabelonen" in guide and "Sundhedssamarbejdsudvalget" in guide
    # The longest guide line is wrapped, not cut at the page's edge: its last words are printed.
    assert "udgiftsloft" in guide
