"""Helpers for the workbook tests: build files, fill them as a user would, compare entries."""
import io
import zipfile

from openpyxl import load_workbook

from accounts.models import ImportBatch
from workbook.builder import build_for
from workbook.importer import import_workbook
from workbook.selectors import live_entries


def export_bytes(cluster_year, *, blank=False) -> bytes:
    out = io.BytesIO()
    build_for(cluster=cluster_year.cluster, year=cluster_year.year, cluster_year=cluster_year, blank=blank, out=out)
    return out.getvalue()


def fill(template: bytes, rows: list[list], start_row: int = 2) -> bytes:
    """Type rows into Regnskab of a template, as a user would in Excel, and save."""
    wb = load_workbook(io.BytesIO(template))
    ws = wb["Regnskab"]
    for offset, values in enumerate(rows):
        for column, value in enumerate(values, start=1):
            ws.cell(row=start_row + offset, column=column, value=value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def run_import(cluster_year, data: bytes, user, *, filename="regnskab.xlsx", dry_run=False, confirm_overruns=True):
    """Past the budget control's «Advar» unless told (tests/workbook/test_import_control.py tests it)."""
    return import_workbook(cluster_year=cluster_year, fileobj=io.BytesIO(data), filename=filename,
                           size=len(data), user=user, dry_run=dry_run, confirm_overruns=confirm_overruns)


def entry_fields(cluster_year) -> list[tuple]:
    """The live entries field by field, keyed by names so that two clusters compare."""
    return sorted(
        (e.booking_date, e.initiative.name, e.party_kind,
         e.municipality.name if e.municipality_id else None, e.region.name if e.region_id else None,
         e.kind, e.amount, e.account_code, e.voucher, e.text, e.cost_kind)
        for e in live_entries(cluster_year).select_related("initiative", "municipality", "region")
    )


def counts():
    from accounts.models import Entry

    return Entry.objects.count(), ImportBatch.objects.count()


def sheet_xml(data: bytes, title: str) -> str:
    """The raw XML of a worksheet, found through the workbook's relationships."""
    wb = load_workbook(io.BytesIO(data))
    index = wb.sheetnames.index(title) + 1
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(f"xl/worksheets/sheet{index}.xml").decode()


def shared_strings_xml(data: bytes) -> str:
    """The workbook's shared-string table (where a writer may keep a sheet's text), or "" without one."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        if "xl/sharedStrings.xml" not in archive.namelist():
            return ""
        return archive.read("xl/sharedStrings.xml").decode()


def edit(data: bytes, change) -> bytes:
    """Open a file as a user's spreadsheet program would (openpyxl, not read-only), change it, save it."""
    wb = load_workbook(io.BytesIO(data))
    change(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def ref_column() -> int:
    """Regnskab's Portal-nr. column (1-based)."""
    from workbook import layout as L

    return L.ENTRY_COL["portal_ref"] + 1


def strip_refs(data: bytes) -> bytes:
    """The file with Regnskab's Portal-nr. cells emptied (rows copied into another cluster-year's file)."""
    def change(wb):
        ws = wb["Regnskab"]
        for row in range(2, ws.max_row + 1):
            ws.cell(row=row, column=ref_column()).value = None
    return edit(data, change)


def preview(cluster_year, data: bytes, user, *, filename="regnskab.xlsx", **kwargs):
    from workbook.importer import preview_file

    return preview_file(cluster_year=cluster_year, data=data, filename=filename, user=user, **kwargs)


def commit(cluster_year, data: bytes, user, *, filename="regnskab.xlsx", **kwargs):
    from workbook.importer import commit_file

    return commit_file(cluster_year=cluster_year, data=data, filename=filename, user=user, **kwargs)


def for_another_cluster(data: bytes) -> bytes:
    """Only Regnskab's rows, without their Portal-nr.: a file to import into another cluster-year.

    (Budget and Videreførelse name the exporting cluster's lines and parties.)
    """
    def change(wb):
        ws = wb["Regnskab"]
        for row in range(2, ws.max_row + 1):
            ws.cell(row=row, column=ref_column()).value = None
        for title in ("Budget", "Videreførelse"):
            if title in wb.sheetnames:
                del wb[title]
    return edit(data, change)
