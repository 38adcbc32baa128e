"""The Budget sheet's plan: budget lines created, changed and removed through the services, a new
initiative created with its area, and the browser's status rules; every problem at its cell."""
import io
from decimal import Decimal

import pytest
from django.db import transaction
from openpyxl import load_workbook

from accounts.models import BudgetLine, Initiative
from tests import factories
from workbook import layout as L
from workbook.budget_sheet import plan_budget_sheet

from .helpers import export_bytes

pytestmark = pytest.mark.django_db


def exported_rows(cy) -> list[tuple[int, list]]:
    """Budget's filled rows of the portal's own export, as the importer hands them over."""
    ws = load_workbook(io.BytesIO(export_bytes(cy)))[L.SHEET_BUDGET]
    rows = []
    for row_number, cells in enumerate(ws.iter_rows(min_row=2, max_col=len(L.BUDGET_COLUMNS), values_only=True),
                                       start=2):
        if any(v is not None for v in cells):
            rows.append((row_number, list(cells)))
    return rows


def find(rows, initiative: str, party: str) -> list:
    return next(values for _, values in rows if values[0] == initiative and values[3] == party)


def apply(plan, user):
    assert not plan.problems, plan.problems
    with transaction.atomic():
        return [action.apply(user) for action in plan.actions]


def amounts(cy) -> dict[tuple[str, str], Decimal]:
    return {(line.initiative.name, line.party_label): line.amount
            for line in BudgetLine.objects.filter(cluster_year=cy).select_related("initiative", "municipality",
                                                                                  "region")}


def test_the_exported_budget_reads_back_unchanged(ledger):
    plan = plan_budget_sheet(exported_rows(ledger.cy), ledger.cy, remove_missing=True)
    assert plan.counts == {"new": 0, "unchanged": 5, "changed": 0, "removed": 0, "warnings": 0, "errors": 0}
    assert plan.actions == [] and plan.problems == []


def test_create_change_and_zero_remove_through_the_services_with_history(ledger):
    cy, user = ledger.cy, ledger.secretariat
    rows = exported_rows(cy)
    find(rows, "Syntetisk akutteam", "Billund")[4] = "123.456,78"        # changed (Danish text)
    find(rows, "Syntetisk psykiatri-samarbejde", "Kolding")[4] = 0        # removed by amount 0
    rows.append((40, ["Syntetisk akutteam", "Akutområdet", "Decentrale midler", "Vejle", 5000]))  # new
    rows.append((41, ["Syntetisk akutteam", "", "Opstartsmidler", "Fredericia", 0]))  # 0 and no line: nothing
    plan = plan_budget_sheet(rows, cy, remove_missing=False)
    assert plan.counts == {"new": 1, "unchanged": 4, "changed": 2, "removed": 0, "warnings": 0, "errors": 0}
    descriptions = [a.description for a in plan.actions]
    assert "Budget ændres: Syntetisk akutteam · Opstartsmidler · Billund: 100.000,00 kr. → 123.456,78 kr." \
        in descriptions
    assert any(d.startswith("Budget fjernes (beløb 0): Syntetisk psykiatri-samarbejde") for d in descriptions)
    assert "Nyt budget: Syntetisk akutteam · Decentrale midler · Vejle: 5.000,00 kr." in descriptions
    assert BudgetLine.objects.filter(cluster_year=cy).count() == 5  # planning changed nothing
    apply(plan, user)
    got = amounts(cy)
    assert got[("Syntetisk akutteam", "Billund")] == Decimal("123456.78")
    assert got[("Syntetisk akutteam", "Vejle")] == Decimal("5000.00")
    assert ("Syntetisk psykiatri-samarbejde", "Kolding") not in got and len(got) == 5
    history = BudgetLine.history.filter(cluster_year_id=cy.pk).order_by("history_date", "history_id")
    last = list(history)[-3:]
    assert [h.history_type for h in last] == ["~", "-", "+"]
    assert all(h.history_user_id == user.pk and h.history_date for h in last)
    assert last[1].amount == Decimal("25000.00") and last[1].history_change_reason.startswith("Fjernet")
    # The same rows again: nothing left to do.
    again = plan_budget_sheet(rows, cy, remove_missing=False)
    assert again.actions == [] and again.counts["changed"] == again.counts["new"] == 0


def test_a_line_deleted_from_the_file_is_removed_only_with_remove_missing(ledger):
    cy = ledger.cy
    rows = [r for r in exported_rows(cy) if r[1][0] != "Syntetisk: hvad virker?"]
    kept = plan_budget_sheet(rows, cy, remove_missing=False)
    assert kept.counts["removed"] == 1 and kept.actions == []
    plan = plan_budget_sheet(rows, cy, remove_missing=True)
    assert plan.counts["removed"] == 1
    assert [a.kind for a in plan.actions] == ["removed"]
    assert plan.actions[0].description == (
        "Budget fjernes (ikke i filen): Syntetisk: hvad virker? · Opstartsmidler · Vejen, var 40.000,50 kr.")
    apply(plan, ledger.secretariat)
    assert ("Syntetisk: hvad virker?", "Vejen") not in amounts(cy)
    removal = BudgetLine.history.filter(cluster_year_id=cy.pk, history_type="-").get()
    assert removal.history_user_id == ledger.secretariat.pk and removal.amount == Decimal("40000.50")


def test_a_new_initiative_is_created_with_its_area_and_listed_first(ledger):
    cy = ledger.cy
    rows = exported_rows(cy) + [
        (30, ["Syntetisk ny indsats", "De sårbare ældre", "Opstartsmidler", "Region Syddanmark", "7.500,00"]),
        (31, ["syntetisk NY indsats", "", "Decentrale midler", "Middelfart", 2500]),
    ]
    plan = plan_budget_sheet(rows, cy, remove_missing=False)
    assert plan.counts["new"] == 2 and not plan.problems
    assert plan.actions[0].description.startswith("Ny indsats: «Syntetisk ny indsats» (indsatsområde De sårbare ældre")
    assert not Initiative.objects.filter(name="Syntetisk ny indsats").exists()
    apply(plan, ledger.secretariat)
    initiative = Initiative.objects.get(cluster=cy.cluster, name="Syntetisk ny indsats")
    assert initiative.area.name == "De sårbare ældre" and initiative.runs_in(cy.year)
    assert initiative.history.get().history_user_id == ledger.secretariat.pk
    got = amounts(cy)
    assert got[("Syntetisk ny indsats", "Region Syddanmark")] == Decimal("7500.00")
    assert got[("Syntetisk ny indsats", "Middelfart")] == Decimal("2500.00")


def test_problems_name_sheet_cell_and_a_danish_reason(ledger):
    cy = ledger.cy
    rows = [
        (2, ["Syntetisk ukendt", "", "Opstartsmidler", "Billund", 10]),
        (3, ["Syntetisk ukendt 2", "Månen", "Opstartsmidler", "Billund", 10]),
        (4, ["Syntetisk akutteam", "De sårbare ældre", "Lotto", "Aarhus", "12,345"]),
        (5, ["Syntetisk akutteam", "", "Opstartsmidler", "Billund", -5]),
        (6, ["Syntetisk akutteam", "", "Opstartsmidler", "Region Syddanmark", None]),
        (7, ["Syntetisk akutteam", "", "Opstartsmidler", "Billund", 100000]),
        (8, ["Syntetisk akutteam", "", "opstartsmidler", "billund kommune", 100000]),
    ]
    plan = plan_budget_sheet(rows, cy, remove_missing=False)
    got = {(p.sheet, p.cell): p.message for p in plan.problems}
    assert got[("Budget", "B2")].startswith("Indsatsen «Syntetisk ukendt» findes ikke i Lillebælt-klyngen")
    assert got[("Budget", "B3")] == "Indsatsområdet «Månen» findes ikke i 2022. Vælg et fra listen."
    assert got[("Budget", "B4")].startswith("Indsatsen «Syntetisk akutteam» hører til området «Akutområdet»")
    assert got[("Budget", "C4")].startswith("Kilden «Lotto» findes ikke.")
    assert got[("Budget", "D4")].startswith("Parten «Aarhus» hører ikke til Lillebælt-klyngen i 2022.")
    assert "to decimaler" in got[("Budget", "E4")]
    assert got[("Budget", "E5")] == "Budgettet må ikke være negativt."
    assert got[("Budget", "E6")].startswith("Budgettet mangler.")
    assert got[("Budget", "A8")] == ("Samme indsats, kilde og part som række 7: skriv budgettet på én række.")
    assert plan.counts["errors"] == len(plan.problems) == 9
    assert plan.counts["unchanged"] == 1


def test_budget_changes_refused_after_submission_unless_returned(ledger):
    cy = ledger.cy
    factories.transition(cy, "submit", by=ledger.secretariat)
    cy.refresh_from_db()
    rows = exported_rows(cy)
    find(rows, "Syntetisk akutteam", "Billund")[4] = 1
    rows.append((40, ["Syntetisk akutteam", "", "Decentrale midler", "Vejle", 5000]))
    plan = plan_budget_sheet(rows, cy, remove_missing=False)
    assert plan.actions == [] and plan.counts["errors"] == 2 and plan.counts["unchanged"] == 4
    messages = {p.cell: p.message for p in plan.problems}
    assert messages["E40"].startswith("Regnskabet kan ikke ændres i status «Indsendt».")
    assert set(messages) == {"E40", next(f"E{n}" for n, v in rows if v[3] == "Billund")}
    # Unchanged rows of a submitted year are no problem.
    assert plan_budget_sheet(exported_rows(cy), cy, remove_missing=True).problems == []
    factories.transition(cy, "return", by=ledger.admin, comment="Syntetisk retur")
    cy.refresh_from_db()
    returned = plan_budget_sheet(rows, cy, remove_missing=False)
    assert returned.problems == [] and len(returned.actions) == 2
    apply(returned, ledger.secretariat)
    assert amounts(cy)[("Syntetisk akutteam", "Billund")] == Decimal("1.00")


def test_planning_runs_a_fixed_number_of_queries_whatever_the_rows(ledger):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from workbook.carryover_sheet import plan_carryover_sheet

    cy = ledger.cy
    few = exported_rows(cy)
    many = few + [(100 + n, [f"Syntetisk ny {n}", "Akutområdet", "Opstartsmidler", "Vejle", n + 1])
                  for n in range(60)]
    used = []
    for rows in (few, many):
        with CaptureQueriesContext(connection) as queries:
            plan_budget_sheet(rows, cy, remove_missing=True)
            # at least one commitment: the unspent money is read only when a commitment is measured
            plan_carryover_sheet([(2 + n, ["Vejle", None, None, None, 1, "X", "01-12-2022", ""])
                                  for n in range(max(1, len(rows) // 10))], cy)
        used.append(len(queries))
    assert used[0] == used[1], used


def test_an_initiative_that_no_longer_runs_reads_back_unchanged_but_takes_no_change(ledger):
    cy = ledger.cy
    akut = ledger.initiatives["Syntetisk akutteam"]
    # Its years moved since the budget was set (the service refuses such a move for this year, so the
    # state is made directly): the export still lists it, with its budget lines.
    Initiative.objects.filter(pk=akut.pk).update(first_year=2020, last_year=2021)
    rows = exported_rows(cy)
    assert plan_budget_sheet(rows, cy, remove_missing=True).problems == []
    number = next(n for n, v in rows if v[0] == "Syntetisk akutteam" and v[3] == "Billund")
    find(rows, "Syntetisk akutteam", "Billund")[4] = 1
    plan = plan_budget_sheet(rows, cy, remove_missing=True)
    assert [(p.cell, p.message) for p in plan.problems] == [
        (f"A{number}", "Indsatsen «Syntetisk akutteam» kører ikke i 2022; dens budget kan ikke ændres.")]
