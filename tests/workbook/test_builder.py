"""The template as openpyxl reads it back: sheets, lists, validation, formats, panes, protection, formulas."""
import io

import pytest
from openpyxl import load_workbook

from accounts import services
from workbook import layout as L
from workbook.selectors import live_entries

from .conftest import d, entry_row
from .helpers import export_bytes, shared_strings_xml, sheet_xml

pytestmark = pytest.mark.django_db


def load(data):
    return load_workbook(io.BytesIO(data))


def validations(ws) -> dict[str, str]:
    """sqref (first cell range) -> formula1."""
    return {str(dv.sqref).split(":")[0]: dv.formula1 for dv in ws.data_validations.dataValidation}


def test_blank_template_sheets_lists_and_names(ledger):
    wb = load(export_bytes(ledger.cy, blank=True))
    assert wb.sheetnames == ["Vejledning", "Budget", "Regnskab", "Opfølgning", "Videreførelse", "Lister"]
    lists = wb["Lister"]
    column = lambda letter: [c.value for c in lists[letter][1:] if c.value is not None]  # noqa: E731
    assert column("A") == ["Syntetisk akutteam", "Syntetisk psykiatri-samarbejde", "Syntetisk: hvad virker?"]
    assert column("B") == ["Akutområdet", "Borgere med psykiske lidelser", "De sårbare ældre"]
    assert column("D")[:2] == ["Borgere med kroniske sygdomme", "Akutområdet"] and "Andet" in column("D")
    # Lillebælt-klyngen's map in 2022 (Billund ** and Vejen *** included) and its region first.
    assert column("F") == ["Region Syddanmark", "Billund", "Fredericia", "Kolding", "Middelfart", "Vejen", "Vejle"]
    assert column("H") == ["Udgift", "Indtægt"]
    assert column("I") == ["Udvikling", "Sekretariatsbetjening", "Drift"]
    assert column("J") == ["Opstartsmidler", "Decentrale midler", "Videreført fra forrige år"]
    names = {name: dn.attr_text for name, dn in wb.defined_names.items()}
    assert names == {
        "Liste_Indsatser": "'Lister'!$A$2:$A$4",
        "Liste_Indsatsomraader": "'Lister'!$D$2:$D$7",
        "Liste_Parter": "'Lister'!$F$2:$F$8",
        "Liste_Art": "'Lister'!$H$2:$H$3",
        "Liste_Omkostningstype": "'Lister'!$I$2:$I$4",
        "Liste_Kilde": "'Lister'!$J$2:$J$4",
    }
    guide = " ".join(str(c.value) for c in wb["Vejledning"]["A"] if c.value)
    assert "Lillebælt-klyngen (Region Syddanmark) 2022" in guide and "Tom skabelon" in guide
    assert "udviklingsinitiativer og ikke til sekretariatsbetjening eller drift" in guide  # section A
    assert "Sundhedssamarbejdsudvalget" in guide and "udgiftsloft" in guide  # section D, carry-over
    # The blank template holds no figures.
    assert wb["Regnskab"]["A2"].value is None and wb["Budget"]["A2"].value is None


def test_entry_sheet_validation_formats_panes_and_protection(ledger):
    wb = load(export_bytes(ledger.cy))
    ws = wb["Regnskab"]
    assert [c.value for c in ws[1]][:11] == L.ENTRY_HEADERS
    assert ws.freeze_panes == "A2"
    assert validations(ws) == {
        "B2": "Liste_Indsatser", "C2": "Liste_Indsatsomraader", "D2": "Liste_Parter", "F2": "Liste_Art",
        "G2": "Liste_Omkostningstype", "A2": "DATE(2022,1,1)", "H2": "0",
        "K2": "FALSE",  # Portal-nr.: no typed value passes
    }
    assert all(dv.type == "list" for dv in ws.data_validations.dataValidation if dv.formula1.startswith("Liste"))
    assert all(str(dv.sqref).endswith("1048576") for dv in ws.data_validations.dataValidation)
    # Protected sheet: headers locked, input cells and whole input columns unlocked.
    assert ws.protection.sheet is True
    assert ws["A1"].protection.locked is True and ws["H1"].protection.locked is True
    for coordinate in ("A2", "B2", "E2", "H2", "J2", "H500"):
        assert ws[coordinate].protection.locked is False, coordinate
    assert ws.column_dimensions["H"].protection.locked is False
    # Formats: money, dates, account codes kept as text.
    assert ws["H2"].number_format == "#,##0.00" and ws.column_dimensions["H"].number_format == "#,##0.00"
    assert ws["A2"].number_format == "dd.mm.yyyy" and ws["A2"].is_date
    assert ws["E2"].number_format == "@"
    assert ws.column_dimensions["B"].width == 40 and ws.column_dimensions["A"].width == 12
    assert wb.security.lockStructure is True
    for title in ("Budget", "Opfølgning", "Videreførelse", "Lister", "Vejledning"):
        assert wb[title].protection.sheet is True, title
    assert wb["Budget"].freeze_panes == "A2" and wb["Videreførelse"].freeze_panes == "A2"
    assert validations(wb["Budget"]) == {"A2": "Liste_Indsatser", "B2": "Liste_Indsatsomraader",
                                         "C2": "Liste_Kilde", "D2": "Liste_Parter"}


def test_filled_export_holds_live_entries_as_values(ledger):
    data = export_bytes(ledger.cy)
    ws = load(data)["Regnskab"]
    rows = [[c.value for c in row][:10] for row in ws.iter_rows(min_row=2) if row[0].value is not None]
    live = list(live_entries(ledger.cy).order_by("booking_date", "id").select_related("initiative__area"))
    assert len(rows) == len(live) == 7  # the reversed Kolding entry and its reversal are left out
    for row, entry in zip(rows, live, strict=True):
        assert row[0].date() == entry.booking_date
        assert row[1] == entry.initiative.name and row[2] == entry.initiative.area.name
        assert row[4] == entry.account_code
        assert row[5] == entry.get_kind_display() and row[6] == entry.get_cost_kind_display()
        assert f"{row[7]:.2f}" == str(entry.amount)
        assert (row[8] or "") == entry.text and (row[9] or "") == entry.voucher
    assert rows[0][3] == "Region Syddanmark" and rows[1][3] == "Billund"
    # Text that Excel would run is stored as text with the quote prefix, never as a formula.
    texts = {c.value: c for c in ws["I"] if isinstance(c.value, str)}
    for text in ("=SUM(A1:A9) syntetisk tekst", "+45 syntetisk refusion", "-rabat syntetisk"):
        assert texts[text].data_type == "s" and texts[text].quotePrefix is True, text
    voucher = next(c for c in ws["J"] if c.value == "@V-1")
    assert voucher.data_type == "s" and voucher.quotePrefix is True
    xml = sheet_xml(data, "Regnskab")
    assert "<f>" not in xml and "<f " not in xml  # no formula anywhere in Regnskab
    assert "=SUM(A1:A9) syntetisk tekst" in xml + shared_strings_xml(data)  # stored as text


def test_followup_sheet_is_locked_sumifs_formulas(ledger):
    wb = load(export_bytes(ledger.cy))
    ws = wb["Opfølgning"]
    assert ws["A3"].value == "Indsats" and ws["C3"].value == "Budget"
    assert ws["A4"].value == "Syntetisk akutteam"
    assert ws["C4"].value == "=SUMIFS('Budget'!$E:$E,'Budget'!$A:$A,$A4)"
    assert ws["D4"].value == (
        "=SUMIFS('Regnskab'!$H:$H,'Regnskab'!$B:$B,$A4,'Regnskab'!$F:$F,\"Udgift\")"
        "-SUMIFS('Regnskab'!$H:$H,'Regnskab'!$B:$B,$A4,'Regnskab'!$F:$F,\"Indtægt\")"
    )
    assert ws["E4"].value == "=C4-D4"
    # A name with a wildcard is matched literally (~?), not as a pattern.
    assert ws["A6"].value == "Syntetisk: hvad virker?"
    assert "\"Syntetisk: hvad virker~?\"" in ws["C6"].value
    assert ws["A7"].value == "I alt" and ws["C7"].value == "=SUM(C4:C6)"
    formulas = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith("=")]
    assert len(formulas) > 30
    assert all(c.protection.locked for c in formulas)
    assert all(c.number_format == "#,##0.00" for c in formulas)
    by_label = {row[0].value: row for row in ws.iter_rows() if row[0].value}
    assert by_label["Akutområdet"][2].value.startswith("=SUMIFS(C$4:C$6,$B$4:$B$6,")
    assert by_label["Vejen"][3].value.startswith("=SUMIFS('Regnskab'!$H:$H,'Regnskab'!$D:$D,$A")
    carry = wb["Videreførelse"]
    assert [c.value for c in carry[1]][:5] == ["Part", "Indbetalt", "Forbrug", "Uforbrugt", "Tilsagn om videreførelse"]
    vejen = next(row for row in carry.iter_rows(min_row=2) if row[0].value == "Vejen")
    assert vejen[1].value == 60000 and vejen[3].value == f"=B{vejen[0].row}-C{vejen[0].row}"
    assert vejen[1].protection.locked and not vejen[4].protection.locked


def test_budget_sheet_holds_the_budget_lines(ledger):
    ws = load(export_bytes(ledger.cy))["Budget"]
    rows = [tuple(c.value for c in row[:5]) for row in ws.iter_rows(min_row=2) if row[0].value]
    assert ("Syntetisk akutteam", "Akutområdet", "Opstartsmidler", "Region Syddanmark", 150000) in rows
    assert ("Syntetisk: hvad virker?", "De sårbare ældre", "Opstartsmidler", "Vejen", 40000.5) in rows
    assert len(rows) == 5
    assert ws["E2"].number_format == "#,##0.00" and ws["E2"].protection.locked is False


def test_export_queries_do_not_grow_with_entries(ledger, django_assert_num_queries):
    # 13: +1 for the budget lines' months (the Budget sheet's Jan..Dec columns, issue 13 part 4)
    with django_assert_num_queries(13):
        export_bytes(ledger.cy)
    with django_assert_num_queries(9):
        export_bytes(ledger.cy, blank=True)
    akut = ledger.initiatives["Syntetisk akutteam"]
    services.entries_create_bulk(cluster_year=ledger.cy, created_by=ledger.secretariat, rows=[
        entry_row(akut, ledger.billund, d(1 + i % 28, 1 + i % 12), "expense", f"{i + 1}.00", "4.62.82",
                  f"Syntetisk ekstra {i}", f"X-{i}")
        for i in range(60)
    ])
    with django_assert_num_queries(13):
        data = export_bytes(ledger.cy)
    assert sum(1 for row in load(data)["Regnskab"].iter_rows(min_row=2) if row[0].value) == 67
