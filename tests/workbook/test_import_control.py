"""The budget control in the Excel import (issue 13.1): each row as a typed entry, one confirmation per import.

The ledger (tests/workbook/conftest.py): Kolding's budget is 25.000,00 on «Syntetisk psykiatri-samarbejde»
and its standing spend 0,00 (its one entry is reversed); the funding is 60.000,00 paid.
"""
import datetime
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from accounts.models import BudgetControl, Entry, EntryConfirmation
from accounts.services.budget_control import budget_control_set
from tests.workbook.helpers import commit, counts, edit, export_bytes, fill, preview, ref_column
from workbook.import_control import CONFIRM_LABEL, OverrunsNotConfirmed
from workbook.importer import ImportRefused

ORDINARY = "Syntetisk almindelig"
OVER = "Syntetisk overskridelse"


def row(initiative, party, amount, text, voucher, area):
    return [datetime.datetime(2022, 5, 2), initiative, area, party, "4.62.82", "Udgift", "Udvikling", amount,
            text, voucher]


def mixed() -> list[list]:
    """Row 2 fits; row 3 takes Kolding's spend one øre above its budget of 25.000,00."""
    return [row("Syntetisk akutteam", "Billund", 1000, ORDINARY, "S-1", "Akutområdet"),
            row("Syntetisk psykiatri-samarbejde", "Kolding", 25000.01, OVER, "S-2",
                "Borgere med psykiske lidelser")]


def set_control(ledger, control, share="100.00"):
    """The control, and a large-entry share so high that only the budget speaks (unless told)."""
    budget_control_set(cluster_year=ledger.cy, by=ledger.secretariat, budget_control=control,
                       large_entry_share=Decimal(share))
    ledger.cy.refresh_from_db()


def booked_texts(cy) -> set[str]:
    return set(Entry.objects.filter(cluster_year=cy, import_batch__isnull=False).values_list("text", flat=True))


def test_stop_refuses_the_overrunning_row_at_its_cell_with_the_figures(ledger):
    set_control(ledger, BudgetControl.STOP)
    data = fill(export_bytes(ledger.cy, blank=True), mixed())
    plan = preview(ledger.cy, data, ledger.secretariat)
    assert [(p.sheet, p.cell) for p in plan.errors] == [("Regnskab", "H3")]
    message = plan.errors[0].message
    assert "«Stop»" in message and "Kolding" in message
    assert "25.000,01 kr." in message and "25.000,00 kr." in message and "overskridelse 0,01 kr." in message
    before = counts()
    with pytest.raises(ImportRefused) as refused:
        commit(ledger.cy, data, ledger.secretariat, confirm_overruns=True)
    assert [p.cell for p in refused.value.problems] == ["H3"]
    assert counts() == before and not EntryConfirmation.objects.exists()


def test_advar_refuses_without_the_confirmation_and_books_with_it(ledger):
    assert ledger.cy.budget_control == BudgetControl.WARN  # the default
    set_control(ledger, BudgetControl.WARN)
    data = fill(export_bytes(ledger.cy, blank=True), mixed())
    plan = preview(ledger.cy, data, ledger.secretariat)
    assert plan.errors == []
    assert [(cell, o.kind) for cell, o in plan.control.rows()] == [("H3", "party")]
    assert plan.control.needs_confirmation
    before = counts()
    with pytest.raises(OverrunsNotConfirmed) as refused:
        commit(ledger.cy, data, ledger.secretariat)
    assert CONFIRM_LABEL in refused.value.problems[0].message and "intet er gemt" in refused.value.problems[0].message
    assert [p.cell for p in refused.value.problems[1:]] == ["H3"]
    assert counts() == before and not EntryConfirmation.objects.exists()

    result = commit(ledger.cy, data, ledger.secretariat, confirm_overruns=True)
    assert booked_texts(ledger.cy) == {ORDINARY, OVER}
    confirmation = EntryConfirmation.objects.get()
    assert confirmation.import_batch == result.batch and confirmation.entry is None
    assert confirmation.confirmed_by == ledger.secretariat and confirmation.cluster_year == ledger.cy
    assert [(o["kind"], o["row_number"], o["over"]) for o in confirmation.overruns] == [("party", 3, "0.01")]


def test_exactly_at_budget_needs_no_confirmation(ledger):
    set_control(ledger, BudgetControl.STOP)
    rows = mixed()
    rows[1][7] = 25000
    result = commit(ledger.cy, fill(export_bytes(ledger.cy, blank=True), rows), ledger.secretariat)
    assert result.plan.control.found == [] and booked_texts(ledger.cy) == {ORDINARY, OVER}
    assert not EntryConfirmation.objects.exists()


def test_no_control_books_the_overrun_without_confirmation(ledger):
    set_control(ledger, BudgetControl.NONE)
    result = commit(ledger.cy, fill(export_bytes(ledger.cy, blank=True), mixed()), ledger.secretariat)
    assert result.plan.control.found == [] and len(result.entries) == 2


def test_a_large_entry_needs_the_confirmation_even_under_stop(ledger):
    set_control(ledger, BudgetControl.STOP, share="25.00")  # 25 % of 60.000,00 paid: 15.000,00
    rows = [row("Syntetisk akutteam", "Region Syddanmark", 15000.01, OVER, "S-3", "Akutområdet")]
    data = fill(export_bytes(ledger.cy, blank=True), rows)
    plan = preview(ledger.cy, data, ledger.secretariat)
    assert plan.errors == [] and [o.kind for o in plan.control.found] == ["large_entry"]
    with pytest.raises(OverrunsNotConfirmed):
        commit(ledger.cy, data, ledger.secretariat)
    commit(ledger.cy, data, ledger.secretariat, confirm_overruns=True)
    assert EntryConfirmation.objects.get().overruns[0]["kind"] == "large_entry"


def test_the_budget_sheet_of_the_same_file_counts(ledger):
    """Raising Kolding's budget in the file's own Budget sheet makes the row fit: the budget after the import."""
    set_control(ledger, BudgetControl.STOP)

    def change(wb):
        ws = wb["Regnskab"]
        target = ws.max_row + 1
        for column, value in enumerate(mixed()[1], start=1):
            ws.cell(row=target, column=column, value=value)
        budget = wb["Budget"]
        for cells in budget.iter_rows(min_row=2):
            if cells[0].value == "Syntetisk psykiatri-samarbejde" and cells[3].value == "Kolding":
                cells[4].value = 30000
                for month in cells[5:17]:
                    month.value = None

    data = edit(export_bytes(ledger.cy), change)
    plan = preview(ledger.cy, data, ledger.secretariat)
    assert plan.errors == [] and plan.control.found == [], [str(p) for p in plan.errors]
    commit(ledger.cy, data, ledger.secretariat)
    assert OVER in booked_texts(ledger.cy)


def test_a_changed_row_is_measured_after_its_reversal(ledger):
    """«Syntetisk hvad virker?» is far above its budget through V-2 (1.234.567,89); the file lowers V-2 to 1.000,00:
    the old entry is reversed first, so the new row does not overrun."""
    set_control(ledger, BudgetControl.STOP, share="25.00")

    def change(wb):
        ws = wb["Regnskab"]
        for cells in ws.iter_rows(min_row=2):
            if cells[9].value == "V-2":
                cells[7].value = 1000
                assert cells[ref_column() - 1].value

    plan = preview(ledger.cy, edit(export_bytes(ledger.cy), change), ledger.secretariat)
    assert plan.errors == [] and plan.entries.counts["changed"] == 1 and plan.control.found == []


def test_the_preview_shows_the_overruns_and_one_checkbox(ledger, client_for):
    from tests.workbook.test_views import upload

    set_control(ledger, BudgetControl.WARN)
    client = client_for(ledger.secretariat)
    url = upload(client, ledger.cy, fill(export_bytes(ledger.cy, blank=True), mixed()))["Location"]
    page = client.get(url).content.decode()
    assert page.count('name="confirm_overruns"') == 1 and CONFIRM_LABEL in page
    assert "Budgetkontrol: Advar" in page and "overskridelse 0,01 kr." in page
    before = counts()
    refused = client.post(url).content.decode()
    assert CONFIRM_LABEL in refused and counts() == before
    url = upload(client, ledger.cy, fill(export_bytes(ledger.cy, blank=True), mixed()))["Location"]
    done = client.post(url, {"confirm_overruns": "1"})
    assert done.status_code == 302 and booked_texts(ledger.cy) == {ORDINARY, OVER}
    assert EntryConfirmation.objects.get().import_batch_id is not None
    assert reverse("workbook:import_detail", args=[EntryConfirmation.objects.get().import_batch_id]) == done["Location"]


def test_the_command_shows_the_overruns_and_confirms_with_the_flag(ledger, tmp_path):
    from io import StringIO

    set_control(ledger, BudgetControl.WARN)
    path = tmp_path / "overskridelse.xlsx"
    path.write_bytes(fill(export_bytes(ledger.cy, blank=True), mixed()))
    args = [str(path), "--region", "Syddanmark", "--cluster", "Lillebælt-klyngen", "--year", "2022",
            "--user", ledger.secretariat.username]
    out = StringIO()
    call_command("import_accounts", *args, "--dry-run", "--json", stdout=out)
    shown = json.loads(out.getvalue())["budget_control"]
    assert shown["needs_confirmation"] and [(o["cell"], o["kind"], o["over"]) for o in shown["overruns"]] == [
        ("H3", "party", "0.01")]
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("import_accounts", *args, "--json", stdout=out, stderr=StringIO())
    assert json.loads(out.getvalue())["budget_control"]["overruns"][0]["cell"] == "H3"
    assert not booked_texts(ledger.cy)
    out = StringIO()
    call_command("import_accounts", *args, "--confirm-overruns", stdout=out)
    assert "overskridelse H3" in out.getvalue() and booked_texts(ledger.cy) == {ORDINARY, OVER}
    assert EntryConfirmation.objects.get().import_batch is not None
