"""Import: the round trip, every row check, duplicate-looking rows, dry run, reversal; nothing saved on any error."""
import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from accounts import services
from accounts.models import Entry, ImportBatch
from workbook.importer import ImportRefused, amount_value
from workbook.selectors import live_entries

from .conftest import INITIATIVES, make_initiatives
from .helpers import counts, edit, entry_fields, export_bytes, fill, for_another_cluster, preview, run_import

pytestmark = pytest.mark.django_db


@pytest.fixture
def target(ledger):
    """An empty 2022 cluster-year of Sydvestjysk Klynge with initiatives of the same names."""
    cy = services.cluster_year_get_or_create(cluster=ledger.target_cluster, year=2022)
    make_initiatives(cy, ledger.other_secretariat, INITIATIVES)
    return cy


def refused(cluster_year, data, user, **kwargs) -> list:
    before = counts()
    with pytest.raises(ImportRefused) as info:
        run_import(cluster_year, data, user, **kwargs)
    assert counts() == before, "a refused file must change nothing"
    return info.value.problems


def test_round_trip_into_an_empty_cluster_year_gives_identical_entries(ledger, target):
    # Rows copied into another cluster-year's file carry no Portal-nr. (those name Lillebælt's entries).
    data = for_another_cluster(export_bytes(ledger.cy))
    assert entry_fields(target) == []
    result = run_import(target, data, ledger.other_secretariat, filename="lillebaelt.xlsx")
    assert result.rows == 7
    source = entry_fields(ledger.cy)
    assert entry_fields(target) == source and len(source) == 7
    # Field by field, including the texts Excel would otherwise run as formulas.
    texts = {row[9] for row in source}
    assert {"=SUM(A1:A9) syntetisk tekst", "+45 syntetisk refusion", "-rabat syntetisk"} <= texts
    expenses = sum(r[6] for r in source if r[5] == "expense")
    income = sum(r[6] for r in source if r[5] == "income")
    batch = ImportBatch.objects.get(pk=result.batch.pk)
    assert (batch.rows, batch.total, batch.filename, batch.imported_by) == (
        7, expenses + income, "lillebaelt.xlsx", ledger.other_secretariat)
    assert (result.expenses, result.income) == (expenses, income)
    assert len(batch.sha256) == 64
    assert set(Entry.objects.filter(cluster_year=target).values_list("import_batch", flat=True)) == {batch.pk}
    # And back again: the target's own export changes nothing (every row unchanged by its Portal-nr.).
    before = counts()
    again = run_import(target, export_bytes(target), ledger.other_secretariat)
    assert again.nothing_to_import and again.batch is None and counts() == before
    assert again.plan.entries.counts["unchanged"] == 7


def test_dry_run_checks_everything_and_saves_nothing(ledger, target):
    before = counts()
    data = for_another_cluster(export_bytes(ledger.cy))
    result = run_import(target, data, ledger.other_secretariat, dry_run=True)
    assert (result.rows, result.dry_run, result.batch) == (7, True, None)
    assert counts() == before


def test_same_file_twice_books_nothing_the_second_time_and_again_after_reversal(ledger, target):
    data = for_another_cluster(export_bytes(ledger.cy))
    first = run_import(target, data, ledger.other_secretariat)
    before = counts()
    second = run_import(target, data, ledger.other_secretariat)
    # Rows without a Portal-nr., booked by the first upload of this very file: unchanged.
    assert second.nothing_to_import and counts() == before
    assert second.plan.entries.counts["unchanged"] == 7 and not second.plan.warnings
    # The same rows in another file (saved again: another sha256) look booked already: warnings.
    other = run_import(target, data + b"", ledger.other_secretariat, filename="kopi.xlsx")
    assert other.nothing_to_import  # same bytes, same hash
    resaved = edit(data, lambda wb: setattr(wb.properties, "title", "Syntetisk kopi"))
    third = run_import(target, resaved, ledger.other_secretariat)
    assert third.nothing_to_import and counts() == before
    assert third.plan.entries.counts["warnings"] == 7
    assert all("bogført allerede" in p.message for p in third.plan.warnings)
    reversals = services.import_batch_reverse(import_batch=first.batch, by=ledger.other_secretariat)
    assert len(reversals) == 7 and all(r.amount < 0 and r.reverses.import_batch_id == first.batch.pk
                                       for r in reversals)
    assert Entry.objects.filter(cluster_year=target).count() == 14  # nothing deleted
    assert entry_fields(target) == []
    first.batch.refresh_from_db()
    assert first.batch.reversed_at is not None and first.batch.reversed_by == ledger.other_secretariat
    again = run_import(target, data, ledger.other_secretariat)
    assert again.rows == 7 and entry_fields(target) == entry_fields(ledger.cy)


HEADER_ROW = ["Dato", "Indsats", "Indsatsområde", "Part", "Konto", "Art", "Omkostningstype", "Beløb", "Tekst", "Bilag"]


def good(**changes):
    row = {
        "date": datetime.datetime(2022, 5, 2), "initiative": "Syntetisk akutteam", "area": "Akutområdet",
        "party": "Billund", "account": "4.62.82", "kind": "Udgift", "cost": "Udvikling", "amount": 1000,
        "text": "Syntetisk række", "voucher": "S-1",
    }
    row.update(changes)
    return list(row.values())


def test_every_problem_is_listed_by_sheet_cell_and_nothing_is_saved(ledger):
    template = export_bytes(ledger.cy, blank=True)
    data = fill(template, [
        good(initiative="Syntetisk ukendt indsats", voucher="S-2"),          # row 2
        good(party="Esbjerg", voucher="S-3"),                                # row 3: not in this cluster
        good(account="462", voucher="S-4"),                                  # row 4: not an account's shape
        good(date=datetime.datetime(2021, 12, 31), voucher="S-5"),           # row 5: outside the year
        good(amount="ca. 500 kr", voucher="S-6"),                            # row 6: text in an amount
        good(amount="1.234,50", voucher="S-7"),                              # row 7: Danish amount: fine
        good(date=datetime.datetime(2022, 3, 15), party="Billund", account="4.62.82.1.01",   # row 8: duplicate
             amount=12345.67, text="Syntetisk løn akutteam", voucher="B-1"),
        good(amount="=1000+234", voucher="S-9"),                             # row 9: a formula
        good(area="Andet", voucher="S-10"),                                  # row 10: wrong area for initiative
        good(kind="Refusion", cost="Husleje", voucher="S-11"),               # row 11
        good(voucher="S-12"), good(voucher="S-12"),                          # rows 12, 13: same row twice
        good(account=datetime.datetime(2011, 10, 1), voucher="S-14"),        # row 14: Excel made it a date
        good(amount=-50, voucher="S-15"),                                    # row 15: negative
        good(amount=12.345, voucher="S-16"),                                 # row 16: fractions of øre
    ])
    problems = refused(ledger.cy, data, ledger.secretariat)
    found = {(p.sheet, p.cell): p.message for p in problems}
    assert all(p.sheet == "Regnskab" for p in problems)
    # A row like a booked entry, and a row twice: warnings the user may accept, not errors.
    warnings = {p.cell: p.message for p in preview(ledger.cy, data, ledger.secretariat).warnings}
    assert "bogført allerede" in warnings["A8"] and "identisk med række 12" in warnings["A13"]
    assert ("Regnskab", "A8") not in found and ("Regnskab", "A13") not in found
    assert "findes ikke i Lillebælt-klyngen" in found[("Regnskab", "B2")]
    assert "Esbjerg" in found[("Regnskab", "D3")] and "hører ikke til" in found[("Regnskab", "D3")]
    assert "kommunale kontoplan" in found[("Regnskab", "E4")]
    assert "ligger ikke i regnskabsåret 2022" in found[("Regnskab", "A5")]
    assert "«ca. 500 kr» er ikke et beløb" in found[("Regnskab", "H6")]
    assert not any(cell.endswith("7") and cell[1:] == "7" for _, cell in found)  # the Danish amount is fine
    assert "formel" in found[("Regnskab", "H9")]
    assert "hører til området «Akutområdet»" in found[("Regnskab", "C10")]
    assert "Udgift eller Indtægt" in found[("Regnskab", "F11")]
    assert "Omkostningstype" in found[("Regnskab", "G11")]
    assert "dato" in found[("Regnskab", "E14")]
    assert "større end 0" in found[("Regnskab", "H15")]  # the accounts' rule for an amount, in its words
    assert "to decimaler" in found[("Regnskab", "H16")]
    assert len(problems) == 12


def test_a_clean_file_with_danish_amounts_and_text_cells_is_saved(ledger):
    template = export_bytes(ledger.cy, blank=True)
    data = fill(template, [
        good(amount="1.234,50", voucher="D-1"),
        good(amount="12,5", kind="indtægt", voucher="D-2", party="Region Syddanmark", account="1.10.11"),
        good(amount="1 000 000", voucher=4711, party="Vejen Kommune", date="31-12-2022", area=None),
        good(amount=99.99, voucher="D-4", text="+45 @syntetisk tekst", cost="drift"),
    ])
    result = run_import(ledger.cy, data, ledger.secretariat, filename="ny.xlsx")
    assert result.rows == 4
    entries = list(Entry.objects.filter(import_batch=result.batch).order_by("voucher"))
    assert [e.amount for e in entries] == [Decimal("1000000.00"), Decimal("1234.50"), Decimal("12.50"),
                                          Decimal("99.99")]
    by_voucher = {e.voucher: e for e in entries}
    assert by_voucher["D-2"].kind == "income" and by_voucher["D-2"].region == ledger.region
    assert by_voucher["4711"].municipality == ledger.vejen
    assert by_voucher["4711"].booking_date == datetime.date(2022, 12, 31)
    assert by_voucher["D-4"].text == "+45 @syntetisk tekst" and by_voucher["D-4"].cost_kind == "running"
    assert result.total == Decimal("1001346.99") and result.income == Decimal("12.50")


def test_a_file_without_rows_is_refused(ledger):
    problems = refused(ledger.cy, export_bytes(ledger.cy, blank=True), ledger.secretariat)
    assert "ingen posteringer" in problems[0].message


def test_moved_columns_are_refused(ledger):
    template = export_bytes(ledger.cy, blank=True)
    data = fill(template, [["Beløb", "Dato"]], start_row=1)
    problems = refused(ledger.cy, data, ledger.secretariat)
    assert problems[0].cell == "A1" and "Dato" in problems[0].message


def test_an_initiative_not_running_in_the_year(ledger):
    from accounts.models import Initiative

    Initiative.objects.filter(name="Syntetisk akutteam").update(first_year=2023, last_year=2023)
    data = fill(export_bytes(ledger.cy, blank=True), [good()])
    problems = refused(ledger.cy, data, ledger.secretariat)
    assert problems[0].cell == "B2" and "kører ikke i 2022" in problems[0].message


@pytest.mark.parametrize("text, expected", [
    ("1.234,50", Decimal("1234.50")), ("1234,5", Decimal("1234.50")), ("1.234.567", Decimal("1234567.00")),
    ("12", Decimal("12.00")), ("kr. 1.000,00", Decimal("1000.00")), ("1 234,50", Decimal("1234.50")),
    (1234.5, Decimal("1234.50")), (7, Decimal("7.00")),
])
def test_danish_amounts(text, expected):
    assert amount_value(text) == expected


@pytest.mark.parametrize("text", ["1.23", "1,234.50", "abc", "12,345", "", "-5", "0", True, "1e5"])
def test_amounts_refused(ledger, text):
    """Refused at the amount's cell, whether the reading (parse_danish_number) or the accounts' rule says no."""
    problems = refused(ledger.cy, fill(export_bytes(ledger.cy, blank=True), [good(amount=text)]), ledger.secretariat)
    assert [p.cell for p in problems] == ["H2"] and problems[0].message


def test_live_entries_leave_out_reversed_pairs(ledger):
    assert live_entries(ledger.cy).count() == 7
    assert Entry.objects.filter(cluster_year=ledger.cy).count() == 9


def test_text_that_looks_like_a_formula_or_an_error_value_is_text(ledger):
    """The sheet is read as values first; text beginning with «=» or «#» sends it to a second reading with
    the cells' types, which tells text from a formula or an error value."""
    template = export_bytes(ledger.cy, blank=True)
    wb = load_workbook(io.BytesIO(fill(template, [good(voucher="#4711"), good(voucher="F-2"), good(voucher="F-3")])))
    ws = wb["Regnskab"]
    looks_like_formula = ws.cell(row=3, column=9)
    looks_like_formula.value, looks_like_formula.data_type = "=ikke en formel, men tekst", "s"
    ws.cell(row=4, column=9).value = "#REF!"  # an error value (openpyxl types it as one)
    out = io.BytesIO()
    wb.save(out)
    problems = refused(ledger.cy, out.getvalue(), ledger.secretariat)
    assert [(p.cell, p.message) for p in problems] == [("I4", "Cellen indeholder fejlværdien #REF!.")]

    ws.cell(row=4, column=9).value = "Syntetisk række"
    out = io.BytesIO()
    wb.save(out)
    result = run_import(ledger.cy, out.getvalue(), ledger.secretariat, filename="tekst.xlsx")
    texts = dict(Entry.objects.filter(import_batch=result.batch).values_list("voucher", "text"))
    assert texts == {"#4711": "Syntetisk række", "F-2": "=ikke en formel, men tekst", "F-3": "Syntetisk række"}


def test_the_portals_export_is_read_in_one_pass_as_values(ledger):
    """An export whose texts do not begin with «=» or «#» is read without a cell object per value; the test
    ledger's own «=SUM(A1:A9) syntetisk tekst» sends it to the second reading (and still imports as text)."""
    from workbook.entries_read import Lookups, _read_entries
    from workbook.safety import open_workbook

    def read_as_values(data: bytes):
        wb = open_workbook(io.BytesIO(data))
        try:
            return _read_entries(wb["Regnskab"], Lookups.load(ledger.cy, "sha"), typed=False)
        finally:
            wb.close()

    exported = export_bytes(ledger.cy)
    assert read_as_values(exported) is None
    wb = load_workbook(io.BytesIO(exported))
    for row in wb["Regnskab"].iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.value = cell.value.lstrip("=")
    out = io.BytesIO()
    wb.save(out)
    read = read_as_values(out.getvalue())
    assert read is not None and len(read.rows) == 7 and not read.problems
