"""The allocation and its reconciliation as rows, CSV and .xlsx.

CSV uses the plain machine format (header names as the commands print them,
whole kroner without separators). The .xlsx stores numbers as numbers with the
format `#,##0`, freezes the header row and sets subtotal and total rows in bold.
"""
from __future__ import annotations

import csv
import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from allocation.reconciliation import Reconciliation
from allocation.selectors import Computation, result_rows

RESULT_HEADER = ["region", "cluster", "municipalities_kr", "region_kr", "total_kr", "row_kind"]
MUNICIPALITY_HEADER = ["code", "name", "region", "cluster", "population", "funding_share", "amount_kr"]
RECONCILIATION_HEADER = ["region", "cluster", "column", "computed", "published", "difference", "kind"]
COMPARISON_HEADER = [
    "region", "cluster", "row_kind", "column", "round_a_kr", "round_b_kr", "difference_kr", "difference_pct",
]

# Danish headers for the .xlsx sheets (same columns, same order)
DANISH = {
    "region": "Region", "cluster": "Klynge", "municipalities_kr": "Kommuner (kr.)", "region_kr": "Region (kr.)",
    "total_kr": "I alt (kr.)", "row_kind": "Rækketype", "code": "Kommunekode", "name": "Kommune",
    "population": "Indbyggertal", "funding_share": "Finansieringsandel", "amount_kr": "Bidrag (kr.)",
    "column": "Kolonne", "computed": "Beregnet (kr.)", "published": "Offentliggjort (kr.)",
    "difference": "Forskel (kr.)", "kind": "Type", "round_a_kr": "Runde A (kr.)", "round_b_kr": "Runde B (kr.)",
    "difference_kr": "Forskel (kr.)", "difference_pct": "Forskel (%)",
}
MONEY_COLUMNS = {
    "municipalities_kr", "region_kr", "total_kr", "population", "amount_kr", "computed", "published",
    "difference", "round_a_kr", "round_b_kr", "difference_kr",
}
BOLD_KINDS = {"region_subtotal", "total"}


def plain(value) -> str:
    """A value for CSV: Decimal without exponent or thousands separators."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            return str(value.quantize(Decimal(1)))
        return format(value.normalize(), "f")
    return str(value)


def result_table(comp: Computation) -> tuple[list[str], list[list]]:
    rows = [
        [r.region_name, r.cluster_name, r.municipalities_kr, r.region_kr, r.total_kr, r.row_kind]
        for r in result_rows(comp)
    ]
    return RESULT_HEADER, rows


def municipality_rows(comp: Computation) -> tuple[list[str], list[list]]:
    """One row per funding membership: the municipality's population, its share here and its contribution."""
    memberships = {(m.municipality_id, m.cluster_id): m for m in comp.funders()}
    rows = []
    for c in comp.result.contributions:
        m = memberships[(c.municipality, c.cluster)]
        cluster = comp.clusters[c.cluster]
        rows.append([
            m.municipality.code, m.municipality.name, cluster.region.name, cluster.name,
            c.population, c.share, c.amount,
        ])
    return MUNICIPALITY_HEADER, rows


def reconciliation_table(rec: Reconciliation) -> tuple[list[str], list[list]]:
    rows = [
        [c.region_name, c.cluster_name, c.column, c.computed, c.published, c.difference, c.kind]
        for c in rec.cells
    ]
    return RECONCILIATION_HEADER, rows


def to_csv(header: list[str], rows: list[list]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([plain(v) for v in row] for row in rows)
    return buffer.getvalue()


def to_xlsx(sheets: list[tuple[str, list[str], list[list], str | None]]) -> bytes:
    """Sheets of (title, header, rows, name of the column holding the row kind or None)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    deviation_fill = PatternFill("solid", fgColor="FFF3DC")
    for title, header, rows, kind_column in sheets:
        sheet = workbook.create_sheet(title[:31])
        sheet.append([DANISH.get(h, h) for h in header])
        for cell in sheet[1]:
            cell.font = bold
        sheet.freeze_panes = "A2"
        kind_index = header.index(kind_column) if kind_column in header else None
        for row in rows:
            sheet.append([_xlsx_value(v) for v in row])
            excel_row = sheet.max_row
            for index, name in enumerate(header, start=1):
                cell = sheet.cell(row=excel_row, column=index)
                if name in MONEY_COLUMNS:
                    cell.number_format = "#,##0"
                elif name == "funding_share":
                    cell.number_format = "0.000000000000"
                elif name == "difference_pct":
                    cell.number_format = "0.00%"
            kind = row[kind_index] if kind_index is not None else None
            if kind in BOLD_KINDS:
                for cell in sheet[excel_row]:
                    cell.font = bold
            if "kind" in header and row[header.index("kind")] == "deviation":
                for cell in sheet[excel_row]:
                    cell.fill = deviation_fill
        for index, name in enumerate(header, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = max(12, len(DANISH.get(name, name)) + 4)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_value(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def result_xlsx(comp: Computation) -> bytes:
    header, rows = result_table(comp)
    sheets = [("Fordeling", header, rows, "row_kind")]
    if comp.contributions_complete:
        m_header, m_rows = municipality_rows(comp)
        sheets.append(("Kommuner", m_header, m_rows, None))
    return to_xlsx(sheets)


def reconciliation_xlsx(rec: Reconciliation) -> bytes:
    header, rows = reconciliation_table(rec)
    # bold the cells of subtotal and total rows: add the row kind as a helper column
    header = [*header, "row_kind"]
    rows = [[*row, cell.row.row_kind] for row, cell in zip(rows, rec.cells, strict=True)]
    return to_xlsx([("Afstemning", header, rows, "row_kind")])
