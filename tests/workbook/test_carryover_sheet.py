"""The Videreførelse sheet's plan: commitments per party through commitment_record, never over the
unspent money, and a second commitment replacing the first only as the plan says."""
import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from openpyxl import load_workbook

from accounts import services
from accounts.models import CarryOverCommitment
from tests import factories
from workbook import layout as L
from workbook.carryover_sheet import plan_carryover_sheet

from .helpers import export_bytes

pytestmark = pytest.mark.django_db
COMMITMENT = 4  # 0-based: Tilsagn om videreførelse, then Tilsagn givet af, Tilsagnsdato, Bemærkning



def exported_rows(cy) -> list[tuple[int, list]]:
    ws = load_workbook(io.BytesIO(export_bytes(cy)))[L.SHEET_CARRYOVER]
    return [(n, list(cells)) for n, cells in enumerate(
        ws.iter_rows(min_row=2, max_col=len(L.CARRYOVER_COLUMNS), values_only=True), start=2)]


def row_of(rows, party: str) -> tuple[int, list]:
    return next((n, values) for n, values in rows if values[0] == party)


def give(rows, party: str, amount, by="Syntetisk direktør", on=datetime.date(2022, 12, 15), note=""):
    number, values = row_of(rows, party)
    values[COMMITMENT:COMMITMENT + 4] = [amount, by, on, note]
    return number


def apply(plan, user):
    assert not plan.problems, plan.problems
    with transaction.atomic():
        return [action.apply(user) for action in plan.actions]


def test_a_new_commitment_is_recorded_and_reads_back_unchanged(ledger, fredericia):
    cy = ledger.cy
    rows = exported_rows(cy)
    give(rows, "Fredericia", "20.000,00", note="Syntetisk råderum")
    plan = plan_carryover_sheet(rows, cy)
    assert plan.counts == {"new": 1, "unchanged": 0, "changed": 0, "removed": 0, "warnings": 0, "errors": 0}
    assert plan.actions[0].description == (
        "Nyt tilsagn: Fredericia: 20.000,00 kr. givet af Syntetisk direktør den 15.12.2022")
    assert not CarryOverCommitment.objects.exists()
    apply(plan, ledger.secretariat)
    commitment = CarryOverCommitment.objects.get(cluster_year=cy, municipality=fredericia)
    assert (commitment.amount, commitment.committed_by, commitment.committed_on, commitment.note) == (
        Decimal("20000.00"), "Syntetisk direktør", datetime.date(2022, 12, 15), "Syntetisk råderum")
    assert commitment.recorded_by == ledger.secretariat
    again = plan_carryover_sheet(exported_rows(cy), cy)  # the export of what was recorded
    assert again.counts["unchanged"] == 1 and again.actions == [] and again.problems == []


def test_a_commitment_over_the_unspent_money_is_refused_at_its_cell(ledger, fredericia):
    cy = ledger.cy
    rows = exported_rows(cy)
    over = give(rows, "Fredericia", Decimal("50000.01"))
    nothing = give(rows, "Middelfart", 1)  # Middelfart has paid nothing in
    plan = plan_carryover_sheet(rows, cy)
    assert plan.actions == [] and plan.counts["errors"] == 2
    got = {(p.sheet, p.cell): p.message for p in plan.problems}
    assert got[("Videreførelse", f"E{over}")] == "Beløbet kan højst være det uforbrugte beløb, 50.000,00 kr."
    assert got[("Videreførelse", f"E{nothing}")] == "Beløbet kan højst være det uforbrugte beløb, 0,00 kr."


def test_a_second_commitment_replaces_the_first_only_through_the_plan(ledger, fredericia):
    cy, user = ledger.cy, ledger.secretariat
    factories.commitment(cy, by=user, municipality=fredericia, amount=Decimal("20000.00"),
                         committed_by="Syntetisk borgmester", committed_on=datetime.date(2022, 11, 1))
    # The service alone refuses a second commitment for the party.
    with pytest.raises(ValidationError) as refused:
        services.commitment_record(cluster_year=cy, by=user, party_kind="municipality", municipality=fredericia,
                                   amount=Decimal("30000.00"), committed_by="Syntetisk direktør",
                                   committed_on=datetime.date(2022, 12, 15))
    assert refused.value.code == "commitment_exists"
    rows = exported_rows(cy)
    give(rows, "Fredericia", 30000)
    plan = plan_carryover_sheet(rows, cy)
    assert plan.counts["changed"] == 1 and plan.counts["new"] == 0
    [action] = plan.actions
    assert action.kind == "changed"
    assert "erstatter tilsagn på 20.000,00 kr. givet af Syntetisk borgmester den 01.11.2022" in action.description
    apply(plan, user)
    commitment = CarryOverCommitment.objects.get(cluster_year=cy, municipality=fredericia)
    assert commitment.amount == Decimal("30000.00") and commitment.committed_by == "Syntetisk direktør"
    assert commitment.history.first().history_change_reason == "Erstattet"
    assert commitment.history.last().amount == Decimal("20000.00")


def test_an_emptied_commitment_counts_not_in_the_file_and_stays(ledger, fredericia):
    cy = ledger.cy
    factories.commitment(cy, by=ledger.secretariat, municipality=fredericia, amount=Decimal("20000.00"))
    rows = exported_rows(cy)
    give(rows, "Fredericia", None, by=None, on=None)
    plan = plan_carryover_sheet(rows, cy)
    assert plan.counts["removed"] == 1 and plan.actions == [] and plan.problems == []
    assert CarryOverCommitment.objects.filter(cluster_year=cy).count() == 1


def test_problems_and_the_status_rule(ledger, fredericia):
    cy = ledger.cy
    rows = exported_rows(cy)
    number, values = row_of(rows, "Fredericia")
    values[COMMITMENT:COMMITMENT + 4] = ["mange", "", "i går", None]
    rows.append((40, ["Aarhus", None, None, None, 100, "X", datetime.date(2022, 12, 1), None]))
    plan = plan_carryover_sheet(rows, cy)
    got = {p.cell: p.message for p in plan.problems}
    assert set(got) == {f"E{number}", f"F{number}", f"G{number}", "A40"}
    assert got[f"F{number}"] == "Angiv, hvem der har givet tilsagnet."
    assert got[f"G{number}"] == "«i går» er ikke en dato. Skriv fx 31.12.2022."
    assert got["A40"] == "Parten «Aarhus» hører ikke til Lillebælt-klyngen i 2022."
    # Submitted: the year close's rule refuses a commitment, with the Danish reason at its cell.
    factories.transition(cy, "submit", by=ledger.secretariat)
    cy.refresh_from_db()
    rows = exported_rows(cy)
    number = give(rows, "Fredericia", 100)
    plan = plan_carryover_sheet(rows, cy)
    assert plan.actions == [] and [p.cell for p in plan.problems] == [f"E{number}"]
    assert plan.problems[0].message.startswith("Året kan ikke afsluttes, mens regnskabet har status «Indsendt».")


def test_the_unspent_money_counts_the_same_uploads_entries(ledger, fredericia):
    cy = ledger.cy
    rows = exported_rows(cy)
    number = give(rows, "Fredericia", 45000)
    assert plan_carryover_sheet(rows, cy).problems == []
    key = f"m:{fredericia.pk}"
    plan = plan_carryover_sheet(rows, cy, spend_change={key: Decimal("10000.00")})
    assert [(p.cell, p.message) for p in plan.problems] == [
        (f"E{number}", "Beløbet kan højst være det uforbrugte beløb, 40.000,00 kr.")]


def test_an_unchanged_commitment_stays_unchanged_when_spending_passed_it(ledger, fredericia):
    cy = ledger.cy
    factories.commitment(cy, by=ledger.secretariat, municipality=fredericia, amount=Decimal("45000.00"))
    init = next(iter(ledger.initiatives.values()))
    factories.entry(cy, init, by=ledger.secretariat, municipality=fredericia, amount=Decimal("10000.00"))
    rows = exported_rows(cy)
    plan = plan_carryover_sheet(rows, cy)
    assert plan.counts["unchanged"] == 1 and plan.problems == [] and plan.actions == []
    number = give(rows, "Fredericia", 44000)  # a change is checked against the unspent 40.000,00 kr.
    plan = plan_carryover_sheet(rows, cy)
    assert [(p.cell, p.message) for p in plan.problems] == [
        (f"E{number}", "Beløbet kan højst være det uforbrugte beløb, 40.000,00 kr.")]
