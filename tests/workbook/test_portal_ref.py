"""Regnskab's last column, Portal-nr.: each exported entry's id, locked; empty and locked in new rows."""
import io

import pytest
from openpyxl import load_workbook

from workbook import layout as L
from workbook.selectors import live_entries

from .helpers import export_bytes

pytestmark = pytest.mark.django_db


def test_each_exported_row_carries_its_entry_id_locked(ledger):
    wb = load_workbook(io.BytesIO(export_bytes(ledger.cy)))
    ws = wb[L.SHEET_ENTRIES]
    ref = L.ENTRY_COL["portal_ref"] + 1
    assert L.ENTRY_HEADERS[-1] == "Portal-nr." and ws.cell(row=1, column=ref).value == "Portal-nr."
    live = list(live_entries(ledger.cy).order_by("booking_date", "id").values_list("id", flat=True))
    got = [ws.cell(row=r, column=ref).value for r in range(L.FIRST_DATA_ROW, L.FIRST_DATA_ROW + len(live))]
    assert got == live and all(isinstance(v, int) for v in got)
    # Data cells are unlocked, the reference locked; the first spare row's reference is empty and locked.
    first_spare = L.FIRST_DATA_ROW + len(live)
    assert ws.cell(row=first_spare, column=ref).value is None
    assert ws.cell(row=first_spare, column=ref).protection.locked is True
    assert ws.cell(row=L.FIRST_DATA_ROW, column=ref).protection.locked is True
    assert ws.cell(row=L.FIRST_DATA_ROW, column=ref - 1).protection.locked is False
    assert ws.cell(row=first_spare, column=ref - 1).protection.locked is False
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
