"""The whole round of the running copy, at the importer: export, edit all three sheets, preview, book, again.

The edit is the issue's acceptance: two new entries, one changed amount, one deleted row, a new
budget line, another budget line changed, a new commitment. The preview's counts are exactly those;
booking changes the ledger accordingly in one go; the same file a second time books nothing.
"""
import datetime
from decimal import Decimal

import pytest

from accounts.models import BudgetLine, CarryOverCommitment, Entry
from tests import factories
from workbook import layout as L
from workbook.importer import ImportRefused
from workbook.selectors import live_entries

from .helpers import commit, counts, edit, export_bytes, preview
from .test_rows import NEW, append_row, change_amount, delete_row, first_empty_row

pytestmark = pytest.mark.django_db

BUDGET_AMOUNT = 5  # Budget's column E
COMMITMENT = [key for key, _, _ in L.CARRYOVER_COLUMNS].index("commitment") + 1


def edit_budget(wb):
    ws = wb["Budget"]
    for row in range(2, ws.max_row + 1):
        if (ws.cell(row=row, column=1).value, ws.cell(row=row, column=4).value) == ("Syntetisk akutteam", "Billund"):
            ws.cell(row=row, column=BUDGET_AMOUNT).value = 110000
    row = next(r for r in range(2, ws.max_row + 2) if not ws.cell(row=r, column=1).value)
    for column, value in enumerate(["Syntetisk: hvad virker?", "De sårbare ældre", "Opstartsmidler", "Billund",
                                    7500], start=1):
        ws.cell(row=row, column=column).value = value


def add_commitment(party: str, amount, by="Syntetisk direktør", on=datetime.datetime(2022, 12, 20)):
    def change(wb):
        ws = wb["Videreførelse"]
        row = next(r for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=1).value == party)
        for offset, value in enumerate((amount, by, on)):
            ws.cell(row=row, column=COMMITMENT + offset).value = value
    return change


def the_round(wb, commitment=1000):
    append_row(NEW)(wb)
    append_row([*NEW[:7], 55.5, "Syntetisk anden ny", "N-2"])(wb)
    change_amount("B-1", 12000)(wb)
    delete_row("R-8")(wb)
    edit_budget(wb)
    add_commitment("Billund", commitment)(wb)


@pytest.fixture
def funded(ledger):
    """Billund paid 100.000 in 2022, so that it has unspent money to commit."""
    factories.funding_line(ledger.cy, by=ledger.secretariat, source="local", municipality=ledger.billund,
                           paid=Decimal("100000.00"), text="Syntetisk indbetaling")
    return ledger


def counts_of(plan) -> dict:
    return {s.sheet: {k: v for k, v in s.counts.items() if v} for s in plan.sheets}


def test_the_round_previews_exactly_the_edits_books_them_and_then_nothing(funded):
    ledger = funded
    data = edit(export_bytes(ledger.cy), the_round)
    plan = preview(ledger.cy, data, ledger.secretariat)
    assert not plan.errors, plan.errors
    assert counts_of(plan) == {
        "Regnskab": {"new": 2, "changed": 1, "removed": 1, "unchanged": 5},
        "Budget": {"new": 1, "changed": 1, "unchanged": 4},
        "Videreførelse": {"new": 1},
    }
    entries_before = live_entries(ledger.cy).count()
    result = commit(ledger.cy, data, ledger.secretariat, fingerprint=plan.fingerprint)
    # two new, one changed: its new entry and its reversal of the old one (the import's, undone with it)
    assert result.batch.entries.count() == 4 and result.batch.entries.filter(reverses__isnull=False).count() == 1
    assert live_entries(ledger.cy).count() == entries_before + 2  # the deleted row stays: not asked to reverse
    lines = {(b.initiative.name, b.party_label): b.amount for b in BudgetLine.objects.filter(cluster_year=ledger.cy)}
    assert lines[("Syntetisk akutteam", "Billund")] == Decimal("110000.00")
    assert lines[("Syntetisk: hvad virker?", "Billund")] == Decimal("7500.00")
    changed = BudgetLine.objects.get(cluster_year=ledger.cy, initiative__name="Syntetisk akutteam",
                                     municipality=ledger.billund)
    assert changed.history.first().history_user == ledger.secretariat  # who and when, in the history
    commitment = CarryOverCommitment.objects.get(cluster_year=ledger.cy, municipality=ledger.billund)
    assert (commitment.amount, commitment.committed_by) == (Decimal("1000.00"), "Syntetisk direktør")
    # The same file again: every sheet as the portal has it now.
    before = counts(), BudgetLine.objects.count(), CarryOverCommitment.objects.count()
    again = commit(ledger.cy, data, ledger.secretariat)
    assert again.nothing_to_import, counts_of(again.plan)
    assert (counts(), BudgetLine.objects.count(), CarryOverCommitment.objects.count()) == before


def test_a_commitment_over_unspent_money_refuses_the_whole_file(funded):
    ledger = funded
    data = edit(export_bytes(ledger.cy), lambda wb: the_round(wb, commitment=10_000_000))
    plan = preview(ledger.cy, data, ledger.secretariat)
    [problem] = plan.errors
    assert problem.sheet == "Videreførelse" and problem.cell.startswith("E")
    before = counts(), BudgetLine.objects.count(), CarryOverCommitment.objects.count()
    with pytest.raises(ImportRefused):
        commit(ledger.cy, data, ledger.secretariat)
    assert (counts(), BudgetLine.objects.count(), CarryOverCommitment.objects.count()) == before
    assert not Entry.objects.filter(voucher="N-1").exists()


def test_first_empty_row_is_below_the_data(ledger):
    import io

    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(export_bytes(ledger.cy)))["Regnskab"]
    assert first_empty_row(ws) == 9  # header + 7 standing entries


def test_a_commitment_is_held_to_the_unspent_money_after_the_files_own_entries(funded):
    """85.000 fits Billund's unspent money before the file's entries (87.954,33), not after them (83.923,50):
    the preview already says so at its cell (commitments are recorded after the entries), and nothing is booked."""
    ledger = funded
    data = edit(export_bytes(ledger.cy), lambda wb: the_round(wb, commitment=85000))
    plan = preview(ledger.cy, data, ledger.secretariat)
    [problem] = plan.errors
    assert problem.sheet == "Videreførelse" and problem.cell.startswith("E"), problem
    before = (counts(), list(BudgetLine.objects.values_list("pk", "amount")),
              CarryOverCommitment.objects.count())
    with pytest.raises(ImportRefused):
        commit(ledger.cy, data, ledger.secretariat, fingerprint=plan.fingerprint)
    after = (counts(), list(BudgetLine.objects.values_list("pk", "amount")), CarryOverCommitment.objects.count())
    assert after == before
    # 83.000 fits after the entries too: booked with them.
    data = edit(export_bytes(ledger.cy), lambda wb: the_round(wb, commitment=83000))
    result = commit(ledger.cy, data, ledger.secretariat)
    assert CarryOverCommitment.objects.get(cluster_year=ledger.cy).amount == Decimal("83000.00")
    assert result.batch.entries.filter(reverses__isnull=True).count() == 3
