"""Any year: the export and the sheets' plans of 2023, with the funding carried over from 2022, use 2023's
dates, areas, members and money; Regnskab's dates are checked against 2023."""
import datetime
import io
from decimal import Decimal

import pytest
from django.db import transaction
from openpyxl import load_workbook

from accounts.models import BudgetLine, FundingSource, InitiativeArea
from accounts.selectors import unspent_by_party
from geography.models import Municipality
from geography.selectors import cluster_municipalities
from tests import factories
from workbook import layout as L
from workbook.budget_sheet import plan_budget_sheet
from workbook.carryover_sheet import plan_carryover_sheet
from workbook.safety import ImportRefused

from .helpers import export_bytes, fill, run_import
from .test_libreoffice import money, recalculated

pytestmark = pytest.mark.django_db


@pytest.fixture
def year_2023(ledger):
    """Lillebælt-klyngen's 2022 closed with Fredericia's commitment of 20.000,00 kr.: 2023 gets it as funding."""
    fredericia = Municipality.objects.get(name="Fredericia")
    factories.funding_line(ledger.cy, by=ledger.secretariat, municipality=fredericia, paid=Decimal("50000.00"),
                           source="local")
    factories.commitment(ledger.cy, by=ledger.secretariat, municipality=fredericia, amount=Decimal("20000.00"))
    cy = factories.close_year(ledger.cy, by=ledger.secretariat)
    assert cy.year == 2023
    initiative = factories.initiative(cy, by=ledger.secretariat, name="Syntetisk 2023-indsats",
                                      area_name="De sårbare ældre")
    return cy, initiative, fredericia


def data_rows(ws, width):
    return [(n, list(cells)) for n, cells in enumerate(ws.iter_rows(min_row=2, max_col=width, values_only=True),
                                                       start=2) if any(v is not None for v in cells)]


def test_the_2023_export_has_2023_dates_areas_parties_and_the_carried_over_money(ledger, year_2023):
    cy, initiative, fredericia = year_2023
    wb = load_workbook(io.BytesIO(export_bytes(cy)))
    guide = " ".join(str(c.value) for c in wb[L.SHEET_GUIDE]["A"] if c.value)
    assert "Lillebælt-klyngen (Region Syddanmark) 2023" in guide
    assert "Datoen skal ligge i 2023 (01.01.2023–31.12.2023)" in guide and "ligge i 2022" not in guide
    assert "Uforbrugte bidrag for 2023 kan videreføres til 2024" in guide
    assert "Videreført fra 2022: 20.000,00 kr." in guide
    areas_2023 = list(InitiativeArea.objects.filter(year=2023).values_list("name", flat=True))
    assert f"Indsatsområder i 2023: {', '.join(areas_2023)}." in guide
    dates = [dv for dv in wb[L.SHEET_ENTRIES].data_validations.dataValidation if dv.type == "date"]
    assert [(dv.formula1, dv.formula2) for dv in dates] == [("DATE(2023,1,1)", "DATE(2023,12,31)")]
    assert dates[0].error == "Datoen skal ligge i 2023."
    lists = wb[L.SHEET_LISTS]
    assert [c.value for c in lists["A"][1:] if c.value] == ["Syntetisk 2023-indsats"]  # 2022's ended in 2022
    members = sorted(m.name for m in cluster_municipalities(cy.cluster, 2023).values())
    assert [c.value for c in lists["F"][1:] if c.value] == ["Region Syddanmark", *members]
    carry = {row[0].value: row for row in wb[L.SHEET_CARRYOVER].iter_rows(min_row=2) if row[0].value}
    assert carry["Fredericia"][1].value == 20000  # Indbetalt: the carried-over funding
    assert "Videreført fra forrige år" in [c.value for c in lists["J"]]


def test_the_2023_sheets_plan_and_apply_with_the_carried_over_funding(ledger, year_2023, tmp_path):
    cy, initiative, fredericia = year_2023
    user = ledger.secretariat
    budget = [(2, [initiative.name, "", "Videreført fra forrige år", "Fredericia", "15.000,00"])]
    plan = plan_budget_sheet(budget, cy, remove_missing=False)
    assert plan.counts["new"] == 1 and not plan.problems
    with transaction.atomic():
        for action in plan.actions:
            action.apply(user)
    line = BudgetLine.objects.get(cluster_year=cy)
    assert (line.source, line.amount, line.municipality) == (FundingSource.CARRYOVER, Decimal("15000.00"), fredericia)
    # Videreførelse of 2023: Fredericia's unspent 2023 money is the carried-over 20.000,00 kr.
    ws = load_workbook(io.BytesIO(export_bytes(cy)))[L.SHEET_CARRYOVER]
    rows = data_rows(ws, len(L.CARRYOVER_COLUMNS))
    number, values = next(r for r in rows if r[1][0] == "Fredericia")
    values[4:7] = [Decimal("20000.01"), "Syntetisk direktør", datetime.date(2023, 12, 1)]
    over = plan_carryover_sheet(rows, cy)
    assert [p.message for p in over.problems] == ["Beløbet kan højst være det uforbrugte beløb, 20.000,00 kr."]
    values[4] = 20000
    plan = plan_carryover_sheet(rows, cy)
    assert plan.counts["new"] == 1 and not plan.problems
    assert plan.actions[0].description.endswith("den 01.12.2023")
    # Opfølgning and Videreførelse recalculated by LibreOffice: the 2023 budget, and Fredericia's unspent money.
    wb = recalculated(export_bytes(cy), tmp_path)
    followup = {row[0]: row for row in wb[L.SHEET_FOLLOWUP].iter_rows(min_row=4, values_only=True) if row[0]}
    assert money(followup[initiative.name][2]) == Decimal("15000.00")
    carry = {row[0]: row for row in wb[L.SHEET_CARRYOVER].iter_rows(min_row=2, values_only=True) if row[0]}
    assert money(carry["Fredericia"][3]) == unspent_by_party(cy)[f"m:{fredericia.pk}"] == Decimal("20000.00")


def test_regnskab_of_2023_books_2023_dates_and_refuses_2022(ledger, year_2023):
    cy, initiative, fredericia = year_2023
    row = [datetime.date(2023, 3, 1), initiative.name, "", "Fredericia", "4.62.82", "Udgift", "Udvikling",
           "1.000,00", "Syntetisk 2023-udgift", "S-2023"]
    ok = run_import(cy, fill(export_bytes(cy), [row]), ledger.secretariat, dry_run=True)
    assert ok.plan.entries.counts["new"] == 1 and not ok.plan.errors
    late = list(row)
    late[0] = datetime.date(2022, 12, 31)
    with pytest.raises(ImportRefused) as refused:
        run_import(cy, fill(export_bytes(cy), [late]), ledger.secretariat, dry_run=True)
    assert "Regnskab!A2" in str(refused.value) and "2023" in str(refused.value)
