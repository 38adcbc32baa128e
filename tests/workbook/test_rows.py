"""Regnskab as the secretariat's running copy: each kind of row of an exported file, edited as a user would.

Every file here is the portal's own export (workbook.builder), opened, edited and saved with
openpyxl, as Excel or LibreOffice would; then previewed and booked through workbook.importer.
"""
import datetime
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command

from accounts import services
from accounts.models import Entry, ImportBatch
from workbook import layout as L
from workbook.importer import LEDGER_CHANGED, ImportRefused, LedgerChanged
from workbook.selectors import ledger_fingerprint, live_entries

from .helpers import commit, counts, edit, export_bytes, preview, ref_column

pytestmark = pytest.mark.django_db

AMOUNT = L.ENTRY_COL["amount"] + 1
VOUCHER = L.ENTRY_COL["voucher"] + 1


def rows_by_voucher(ws) -> dict[str, int]:
    return {ws.cell(row=r, column=VOUCHER).value: r for r in range(2, ws.max_row + 1)
            if ws.cell(row=r, column=VOUCHER).value}


def change_amount(voucher: str, amount):
    def change(wb):
        ws = wb["Regnskab"]
        ws.cell(row=rows_by_voucher(ws)[voucher], column=AMOUNT).value = amount
    return change


def delete_row(voucher: str):
    def change(wb):
        ws = wb["Regnskab"]
        ws.delete_rows(rows_by_voucher(ws)[voucher])
    return change


def first_empty_row(ws) -> int:
    """The first row below the data with nothing typed in it (the export prepares empty rows below)."""
    row = 2
    while any(ws.cell(row=row, column=c).value not in (None, "") for c in range(1, len(L.ENTRY_COLUMNS) + 1)):
        row += 1
    return row


def append_row(values: list):
    def change(wb):
        ws = wb["Regnskab"]
        row = first_empty_row(ws)
        for column, value in enumerate(values, start=1):
            ws.cell(row=row, column=column).value = value
    return change


def copy_row(voucher: str, *, keep_ref: bool):
    """A row copied to the end of the sheet (Ctrl+C, Ctrl+V), with or without its Portal-nr."""
    def change(wb):
        ws = wb["Regnskab"]
        source, target = rows_by_voucher(ws)[voucher], first_empty_row(ws)
        for column in range(1, len(L.ENTRY_COLUMNS) + 1):
            if column != ref_column() or keep_ref:
                ws.cell(row=target, column=column).value = ws.cell(row=source, column=column).value
    return change


NEW = [datetime.datetime(2022, 10, 3), "Syntetisk akutteam", "Akutområdet", "Billund", "4.62.82", "Udgift",
       "Udvikling", 4321, "Syntetisk ny række", "N-1"]


def sheet(plan, name="Regnskab"):
    return next(s for s in plan.sheets if s.sheet == name)


def test_an_unchanged_export_books_nothing(ledger):
    data = export_bytes(ledger.cy)
    plan = preview(ledger.cy, data, ledger.secretariat)
    assert sheet(plan).counts == {"new": 0, "unchanged": 7, "changed": 0, "removed": 0, "warnings": 0, "errors": 0}
    assert plan.nothing_to_import
    before = counts()
    result = commit(ledger.cy, data, ledger.secretariat)
    assert result.nothing_to_import and result.batch is None and counts() == before


def test_a_new_row_is_booked_and_the_rest_skipped(ledger):
    data = edit(export_bytes(ledger.cy), append_row(NEW))
    plan = preview(ledger.cy, data, ledger.secretariat)
    assert (sheet(plan).counts["new"], sheet(plan).counts["unchanged"]) == (1, 7)
    result = commit(ledger.cy, data, ledger.secretariat)
    entry = result.batch.entries.get()
    assert (entry.voucher, entry.amount, entry.municipality) == ("N-1", Decimal("4321.00"), ledger.billund)
    assert live_entries(ledger.cy).count() == 8
    # The file exported now carries the new entry's number: uploading it again books nothing.
    assert commit(ledger.cy, export_bytes(ledger.cy), ledger.secretariat).nothing_to_import


def test_a_changed_amount_is_a_reversal_plus_a_new_entry(ledger):
    old = Entry.objects.get(cluster_year=ledger.cy, voucher="B-1")
    data = edit(export_bytes(ledger.cy), change_amount("B-1", 12000))
    plan = preview(ledger.cy, data, ledger.secretariat)
    assert (sheet(plan).counts["changed"], sheet(plan).counts["unchanged"]) == (1, 6)
    assert f"postering {old.pk} tilbageføres" in sheet(plan).actions[0].description
    result = commit(ledger.cy, data, ledger.secretariat)
    new = result.batch.entries.get(reverses__isnull=True)
    assert new.amount == Decimal("12000.00") and new.voucher == "B-1" and new.text == old.text
    reversal = Entry.objects.get(reverses=old)
    assert reversal.amount == -old.amount and reversal.created_by == ledger.secretariat
    assert reversal.import_batch == result.batch  # the import's own reversal, undone with it
    assert live_entries(ledger.cy).filter(voucher="B-1").get() == new
    assert Entry.objects.filter(pk=old.pk).exists()  # nothing deleted


@pytest.mark.parametrize("reverse_removed", [False, True])
def test_a_deleted_row_is_not_in_the_file_and_reversed_only_on_request(ledger, reverse_removed):
    gone = Entry.objects.get(cluster_year=ledger.cy, voucher="R-8")
    data = edit(export_bytes(ledger.cy), delete_row("R-8"))
    plan = preview(ledger.cy, data, ledger.secretariat, reverse_removed=reverse_removed)
    assert (sheet(plan).counts["removed"], sheet(plan).counts["unchanged"]) == (1, 6)
    result = commit(ledger.cy, data, ledger.secretariat, reverse_removed=reverse_removed)
    if reverse_removed:
        assert result.batch is not None and Entry.objects.filter(reverses=gone).exists()
        assert live_entries(ledger.cy).count() == 6
    else:
        assert result.nothing_to_import and not Entry.objects.filter(reverses=gone).exists()
        assert live_entries(ledger.cy).count() == 7


def test_the_command_reverses_removed_rows_with_the_flag_and_prints_json(ledger, tmp_path):
    path = tmp_path / "rettet.xlsx"
    path.write_bytes(edit(export_bytes(ledger.cy), delete_row("R-8")))
    args = ("import_accounts", str(path), "--region", "Syddanmark", "--cluster", "Lillebælt-klyngen",
            "--year", "2022", "--user", ledger.secretariat.username, "--json")
    out = io.StringIO()
    call_command(*args, "--dry-run", stdout=out)
    shown = json.loads(out.getvalue())
    regnskab = next(s for s in shown["sheets"] if s["sheet"] == "Regnskab")
    assert {k: regnskab[k] for k in ("new", "unchanged", "changed", "removed", "warnings", "errors")} == {
        "new": 0, "unchanged": 6, "changed": 0, "removed": 1, "warnings": 0, "errors": 0}
    assert shown["booked"] is False and live_entries(ledger.cy).count() == 7
    out = io.StringIO()
    call_command(*args, "--reverse-removed", stdout=out)
    done = json.loads(out.getvalue())
    assert done["booked"] is True and done["import_batch"] == ImportBatch.objects.get().pk
    assert live_entries(ledger.cy).count() == 6


@pytest.mark.parametrize("value, reason", [
    ("abc", "helt tal"), (-5, "helt tal"), (1.5, "helt tal"),
])
def test_a_portal_number_that_is_not_a_number_is_refused_at_its_cell(ledger, value, reason):
    def change(wb):
        ws = wb["Regnskab"]
        ws.cell(row=rows_by_voucher(ws)["B-1"], column=ref_column()).value = value
    data = edit(export_bytes(ledger.cy), change)
    plan = preview(ledger.cy, data, ledger.secretariat)
    [problem] = plan.errors
    assert problem.cell.startswith(L_REF_LETTER()) and reason in problem.message
    before = counts()
    with pytest.raises(ImportRefused):
        commit(ledger.cy, data, ledger.secretariat)
    assert counts() == before


def L_REF_LETTER():  # noqa: N802 - the column letter, as the user sees it
    from openpyxl.utils import get_column_letter

    return get_column_letter(ref_column())


def test_a_reference_to_another_cluster_years_entry_is_refused_with_the_cell(ledger):
    """Sydvestjysk Klynge's file naming Lillebælt's entry: refused as if it named nothing."""
    target = services.cluster_year_get_or_create(cluster=ledger.target_cluster, year=2022)
    from .conftest import INITIATIVES, make_initiatives

    make_initiatives(target, ledger.other_secretariat, INITIATIVES)
    foreign = Entry.objects.get(cluster_year=ledger.cy, voucher="B-1")
    row = [datetime.datetime(2022, 3, 15), "Syntetisk akutteam", "Akutområdet", "Billund", "4.62.82.1.01",
           "Udgift", "Udvikling", 12345.67, "Syntetisk løn akutteam", "B-1", foreign.pk]
    data = edit(export_bytes(target), append_row(row))
    plan = preview(target, data, ledger.other_secretariat)
    [problem] = plan.errors
    assert problem.sheet == "Regnskab" and problem.cell == f"{L_REF_LETTER()}2"
    assert f"Portal-nr. {foreign.pk} er ikke en postering i Sydvestjysk Klynge 2022" in problem.message
    assert "Lillebælt" not in problem.message  # nothing told about an entry the user may not see
    before = counts()
    with pytest.raises(ImportRefused):
        commit(target, data, ledger.other_secretariat)
    assert counts() == before


def test_a_reference_to_a_reversed_entry_or_a_copied_row_is_refused(ledger):
    reversed_entry = Entry.objects.get(cluster_year=ledger.cy, voucher="K-1", reverses__isnull=True)
    row = [datetime.datetime(2022, 9, 9), "Syntetisk psykiatri-samarbejde", "Borgere med psykiske lidelser",
           "Kolding", "4.62.82", "Udgift", "Udvikling", 777, "Syntetisk fejlpostering", "K-1", reversed_entry.pk]
    data = edit(export_bytes(ledger.cy), lambda wb: (append_row(row)(wb), copy_row("B-1", keep_ref=True)(wb)))
    plan = preview(ledger.cy, data, ledger.secretariat)
    messages = sorted(p.message for p in plan.errors)
    assert len(messages) == 2
    assert any(f"Postering {reversed_entry.pk} er tilbageført" in m for m in messages)
    assert any("står også i række" in m for m in messages)


def test_a_copied_row_without_number_is_a_warning_booked_only_when_accepted(ledger):
    data = edit(export_bytes(ledger.cy), copy_row("B-1", keep_ref=False))
    plan = preview(ledger.cy, data, ledger.secretariat)
    [warning] = plan.warnings
    assert "ser ud til at være bogført allerede" in warning.message and not plan.errors
    assert sheet(plan).counts["warnings"] == 1 and sheet(plan).counts["new"] == 0
    assert commit(ledger.cy, data, ledger.secretariat).nothing_to_import
    result = commit(ledger.cy, data, ledger.secretariat, accepted={f"Regnskab!{warning.cell}"})
    assert result.batch.entries.get().voucher == "B-1"
    assert live_entries(ledger.cy).filter(voucher="B-1").count() == 2


def test_two_equal_new_rows_warn_on_the_second(ledger):
    data = edit(export_bytes(ledger.cy), lambda wb: (append_row(NEW)(wb), append_row(NEW)(wb)))
    plan = preview(ledger.cy, data, ledger.secretariat)
    [warning] = plan.warnings
    assert "identisk med række" in warning.message
    assert sheet(plan).counts["new"] == 1
    assert commit(ledger.cy, data, ledger.secretariat).batch.entries.count() == 1


def test_a_ledger_changed_between_preview_and_commit_is_refused(ledger):
    data = edit(export_bytes(ledger.cy), append_row(NEW))
    plan = preview(ledger.cy, data, ledger.secretariat)
    assert plan.fingerprint == ledger_fingerprint(ledger.cy)
    services.entry_reverse(entry=Entry.objects.get(cluster_year=ledger.cy, voucher="B-2"), by=ledger.secretariat)
    before = counts()
    with pytest.raises(LedgerChanged) as info:
        commit(ledger.cy, data, ledger.secretariat, fingerprint=plan.fingerprint)
    assert info.value.problems[0].message == LEDGER_CHANGED and counts() == before


def test_an_error_anywhere_books_nothing_of_the_rest(ledger):
    def change(wb):
        change_amount("B-1", 12000)(wb)  # would be changed
        append_row(NEW)(wb)  # would be new
        delete_row("R-8")(wb)  # would be reversed
        append_row([*NEW[:7], "ca. 5 kr", "Syntetisk fejl", "N-2"])(wb)  # an error
    data = edit(export_bytes(ledger.cy), change)
    before = counts(), list(live_entries(ledger.cy).values_list("pk", flat=True))
    with pytest.raises(ImportRefused) as info:
        commit(ledger.cy, data, ledger.secretariat, reverse_removed=True)
    assert [p.message for p in info.value.problems if "ca. 5 kr" in p.message]
    assert (counts(), list(live_entries(ledger.cy).values_list("pk", flat=True))) == before


def test_the_preview_totals_show_expenses_and_income_apart(ledger):
    from workbook.totals import preview_totals

    data = edit(export_bytes(ledger.cy), lambda wb: (change_amount("R-8", 3000)(wb), append_row(NEW)(wb)))
    totals = preview_totals(preview(ledger.cy, data, ledger.secretariat))
    akut = next(r for r in totals.by_initiative if r.label == "Syntetisk akutteam")
    assert (akut.expenses_before, akut.expenses_after) == (Decimal("62345.67"), Decimal("66666.67"))
    assert (akut.income_before, akut.income_after) == (Decimal("2500.25"), Decimal("3000.00"))
    billund = next(r for r in totals.by_party if r.label.startswith("Billund"))
    assert billund.expenses_after - billund.expenses_before == Decimal("4321.00")
    assert totals.total.income_after - totals.total.income_before == Decimal("499.75")


def test_the_command_accepts_warnings_only_when_asked_and_prints_refusals_as_json(ledger, tmp_path):
    from django.core.management import CommandError

    path = tmp_path / "kopi.xlsx"
    path.write_bytes(edit(export_bytes(ledger.cy), copy_row("B-1", keep_ref=False)))
    args = ("import_accounts", str(path), "--region", "Syddanmark", "--cluster", "Lillebælt-klyngen",
            "--year", "2022", "--user", ledger.secretariat.username)
    out = io.StringIO()
    call_command(*args, stdout=out)
    assert "Intet at indlæse: filen svarer til regnskabet." in out.getvalue()
    assert "advarsel Regnskab!A9: Rækken ser ud til at være bogført allerede" in out.getvalue()
    call_command(*args, "--accept-warnings", stdout=io.StringIO())
    assert live_entries(ledger.cy).filter(voucher="B-1").count() == 2
    bad = tmp_path / "fejl.xlsx"
    bad.write_bytes(edit(export_bytes(ledger.cy), append_row([*NEW[:7], "ca. 5 kr", "Syntetisk", "N-9"])))
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 fejl"):
        call_command(*args[:1], str(bad), *args[2:], "--json", stdout=out, stderr=io.StringIO())
    refused = json.loads(out.getvalue())
    assert refused["booked"] is False and refused["problems"][0]["cell"] == "H10"  # below 8 entries now
