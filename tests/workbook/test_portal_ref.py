"""Regnskab's last column, Portal-nr.: each exported entry's id; it cannot be typed, yet rows sort and delete.

Excel sorts rows of a protected sheet, and deletes them, only when none of their cells is locked: so no
data cell of Regnskab is locked, and a validation that no typed value passes guards the reference.
"""
import io

import pytest
from openpyxl import load_workbook

from workbook import layout as L
from workbook.selectors import live_entries

from .helpers import export_bytes

pytestmark = pytest.mark.django_db


def test_each_exported_row_carries_its_entry_id_that_cannot_be_typed(ledger):
    wb = load_workbook(io.BytesIO(export_bytes(ledger.cy)))
    ws = wb[L.SHEET_ENTRIES]
    ref = L.ENTRY_COL["portal_ref"] + 1
    assert L.ENTRY_HEADERS[-1] == "Portal-nr." and ws.cell(row=1, column=ref).value == "Portal-nr."
    live = list(live_entries(ledger.cy).order_by("booking_date", "id").values_list("id", flat=True))
    got = [ws.cell(row=r, column=ref).value for r in range(L.FIRST_DATA_ROW, L.FIRST_DATA_ROW + len(live))]
    assert got == live and all(isinstance(v, int) for v in got)
    # No data cell is locked, so Excel can sort and delete the rows; the header row is locked.
    first_spare = L.FIRST_DATA_ROW + len(live)
    assert ws.cell(row=first_spare, column=ref).value is None
    for row in (L.FIRST_DATA_ROW, first_spare):
        assert [ws.cell(row=row, column=c).protection.locked for c in range(1, ref + 1)] == [False] * ref
    assert ws.cell(row=1, column=ref).protection.locked is True
    # Typing in the reference column is refused: a custom validation no value passes, with a Danish message.
    letter = ws.cell(row=1, column=ref).column_letter
    guards = [dv for dv in ws.data_validations.dataValidation if f"{letter}{L.FIRST_DATA_ROW}" in dv.sqref]
    assert len(guards) == 1 and guards[0].type == "custom" and guards[0].formula1 == "FALSE"
    assert guards[0].showErrorMessage and "Portal-nr. kan ikke skrives" in guards[0].error
    # Protection on; sorting, filtering, inserting and deleting rows and formatting columns allowed
    # (openpyxl: True means the action is protected, False that it is allowed).
    p = ws.protection
    assert p.sheet is True
    assert (p.sort, p.autoFilter, p.insertRows, p.deleteRows, p.formatColumns) == (False,) * 5
    assert p.insertColumns is True and p.deleteColumns is True


def test_followup_formulas_still_point_at_amount_kind_and_initiative(ledger):
    ws = load_workbook(io.BytesIO(export_bytes(ledger.cy)))[L.SHEET_FOLLOWUP]
    assert ws["D4"].value == (
        "=SUMIFS('Regnskab'!$H:$H,'Regnskab'!$B:$B,$A4,'Regnskab'!$F:$F,\"Udgift\")"
        "-SUMIFS('Regnskab'!$H:$H,'Regnskab'!$B:$B,$A4,'Regnskab'!$F:$F,\"Indtægt\")"
    )
