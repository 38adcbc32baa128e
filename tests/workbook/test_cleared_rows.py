"""A Regnskab row cleared but for its Portal-nr. is a deleted entry (Excel users clear rows instead of deleting).

It is counted "ikke i filen" (removed), reversed only with reverse_removed, and never an error,
whatever the number left behind.
"""
import pytest

from accounts.models import Entry
from workbook import layout as L
from workbook.selectors import live_entries

from .helpers import commit, edit, export_bytes, preview, ref_column
from .test_rows import rows_by_voucher, sheet

pytestmark = pytest.mark.django_db


def clear_row(voucher: str, ref=...):
    """Every cell of the row emptied but its Portal-nr. (or the Portal-nr. replaced by ``ref``)."""
    def change(wb):
        ws = wb["Regnskab"]
        row = rows_by_voucher(ws)[voucher]
        for column in range(1, len(L.ENTRY_COLUMNS) + 1):
            if column != ref_column():
                ws.cell(row=row, column=column).value = None
            elif ref is not ...:
                ws.cell(row=row, column=column).value = ref
    return change


@pytest.mark.parametrize("reverse_removed", [False, True])
def test_a_row_cleared_but_for_its_portal_number_is_removed_and_reversed_only_on_request(ledger, reverse_removed):
    gone = Entry.objects.get(cluster_year=ledger.cy, voucher="R-8")
    data = edit(export_bytes(ledger.cy), clear_row("R-8"))
    plan = preview(ledger.cy, data, ledger.secretariat, reverse_removed=reverse_removed)
    assert sheet(plan).counts == {"new": 0, "unchanged": 6, "changed": 0, "removed": 1, "warnings": 0, "errors": 0}
    assert not plan.errors
    result = commit(ledger.cy, data, ledger.secretariat, reverse_removed=reverse_removed)
    if reverse_removed:
        assert result.batch is not None and Entry.objects.filter(reverses=gone).exists()
        assert live_entries(ledger.cy).count() == 6
    else:
        assert result.nothing_to_import and not Entry.objects.filter(reverses=gone).exists()
        assert live_entries(ledger.cy).count() == 7


def test_every_row_cleared_is_every_entry_removed(ledger):
    """Even a file with no row left but the cleared ones knows the ledger's rows."""
    def clear_all(wb):
        ws = wb["Regnskab"]
        for voucher in list(rows_by_voucher(ws)):
            clear_row(voucher)(wb)
    data = edit(export_bytes(ledger.cy), clear_all)
    plan = preview(ledger.cy, data, ledger.secretariat, reverse_removed=True)
    assert not plan.errors
    assert (sheet(plan).counts["removed"], sheet(plan).counts["unchanged"]) == (6, 1)  # the row without a voucher stays
    commit(ledger.cy, data, ledger.secretariat, reverse_removed=True)
    assert live_entries(ledger.cy).count() == 1  # the row without a voucher was not cleared by rows_by_voucher


@pytest.mark.parametrize("left_behind", ["abc", 999999, 1.5])
def test_a_cleared_row_with_any_number_left_behind_is_no_error(ledger, left_behind):
    data = edit(export_bytes(ledger.cy), clear_row("R-8", ref=left_behind))
    plan = preview(ledger.cy, data, ledger.secretariat)
    assert not plan.errors, plan.errors
    assert (sheet(plan).counts["removed"], sheet(plan).counts["unchanged"]) == (1, 6)


def test_two_cleared_rows_with_the_same_number_remove_the_entry_once_without_error(ledger):
    """Unlike two full rows with one Portal-nr. (an error), two cleared ones just say: deleted."""
    def move(wb):
        ws = wb["Regnskab"]
        row = rows_by_voucher(ws)["R-8"]
        ref = ws.cell(row=row, column=ref_column()).value
        clear_row("R-8")(wb)
        ws.cell(row=row, column=ref_column()).value = ref
        ws.cell(row=ws.max_row + 1, column=ref_column()).value = ref
    data = edit(export_bytes(ledger.cy), move)
    plan = preview(ledger.cy, data, ledger.secretariat)
    assert not plan.errors
    assert (sheet(plan).counts["removed"], sheet(plan).counts["unchanged"]) == (1, 6)
