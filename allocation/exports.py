"""The allocation and its reconciliation as sheets for klyngeportal.exports (CSV and .xlsx).

Danish headers and values (row kinds, columns and reconciliation kinds by their
labels), amounts in whole kroner, as the engine rounds them. The .xlsx sets
subtotal and total rows in bold and marks deviating cells; the CSV is the
same table, written by the portal's one CSV writer.
"""
from __future__ import annotations

from allocation.models import RowKind
from allocation.reconciliation import KIND_LABELS, Reconciliation
from allocation.selectors import Computation, result_rows
from klyngeportal import exports as E

RESULT_COLUMNS = [
    E.Column("Region"), E.Column("Klynge"), E.Column("Kommuner (kr.)", E.WHOLE),
    E.Column("Region (kr.)", E.WHOLE), E.Column("I alt (kr.)", E.WHOLE), E.Column("Rækketype"),
]
MUNICIPALITY_COLUMNS = [
    E.Column("Kommunekode", E.CODE), E.Column("Kommune"), E.Column("Region"), E.Column("Klynge"),
    E.Column("Indbyggertal"), E.Column("Finansieringsandel", E.DECIMAL, width=18), E.Column("Bidrag (kr.)", E.WHOLE),
]
RECONCILIATION_COLUMNS = [
    E.Column("Region"), E.Column("Klynge"), E.Column("Kolonne"), E.Column("Beregnet (kr.)", E.WHOLE),
    E.Column("Offentliggjort (kr.)", E.WHOLE), E.Column("Forskel (kr.)", E.WHOLE), E.Column("Type"),
    E.Column("Rækketype"),
]
BOLD_KINDS = {RowKind.REGION_SUBTOTAL.label, RowKind.TOTAL.label}
ROW_KIND_INDEX = -1  # the row kind is the last column of the result and of the reconciliation


def _row_kind(value: str) -> str:
    return RowKind(value).label


def result_table(comp: Computation) -> tuple[list[E.Column], list[list]]:
    rows = [
        [r.region_name, r.cluster_name, r.municipalities_kr, r.region_kr, r.total_kr, _row_kind(r.row_kind)]
        for r in result_rows(comp)
    ]
    return RESULT_COLUMNS, rows


def municipality_rows(comp: Computation) -> tuple[list[E.Column], list[list]]:
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
    return MUNICIPALITY_COLUMNS, rows


def reconciliation_table(rec: Reconciliation) -> tuple[list[E.Column], list[list]]:
    rows = [
        [c.region_name, c.cluster_name, c.column_label, c.computed, c.published, c.difference, c.kind_label,
         _row_kind(c.row.row_kind)]
        for c in rec.cells
    ]
    return RECONCILIATION_COLUMNS, rows


def _bold_totals(row) -> set[str]:
    return {"bold"} if row[ROW_KIND_INDEX] in BOLD_KINDS else set()


def _reconciliation_style(row) -> set[str]:
    styles = _bold_totals(row)
    if row[6] == KIND_LABELS["deviation"]:
        styles.add("highlight")
    return styles


def result_sheets(comp: Computation) -> list[E.Sheet]:
    """Fordeling, and Kommuner when every municipality's contribution can be computed."""
    sheets = [E.Sheet("Fordeling", *result_table(comp), style=_bold_totals)]
    if comp.contributions_complete:
        sheets.append(municipality_sheet(comp))
    return sheets


def municipality_sheet(comp: Computation) -> E.Sheet:
    return E.Sheet("Kommuner", *municipality_rows(comp))


def reconciliation_sheet(rec: Reconciliation) -> E.Sheet:
    return E.Sheet("Afstemning", *reconciliation_table(rec), style=_reconciliation_style)
