"""Dates in the workbook as dd.mm.åååå (as in the rest of the portal); the importer reads the other spellings too."""
import datetime
import io

import pytest
from openpyxl import load_workbook

from workbook import layout as L
from workbook.cells import date_value

from .helpers import export_bytes

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("text", ["31.12.2022", "31-12-2022", "31/12/2022", "2022-12-31", " 31.12.2022 "])
def test_every_date_spelling_is_read(text):
    assert date_value(text, 2022) == datetime.date(2022, 12, 31)


def test_the_hints_name_the_portals_date_format():
    with pytest.raises(ValueError) as wrong:
        date_value("i går", 2023)
    assert str(wrong.value) == "«i går» er ikke en dato. Skriv fx 31.12.2023."
    with pytest.raises(ValueError) as number:
        date_value(44926, 2023)
    assert "fx 31.12.2023" in str(number.value)


def test_every_date_cell_of_the_export_shows_dd_mm_yyyy(ledger):
    wb = load_workbook(io.BytesIO(export_bytes(ledger.cy)))
    formats = {cell.number_format for ws in wb.worksheets for row in ws.iter_rows() for cell in row
               if isinstance(cell.value, datetime.date)}
    assert formats == {L.DATE_FORMAT} == {"dd.mm.yyyy"}
