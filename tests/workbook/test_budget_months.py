"""The Budget sheet's optional Jan..Dec columns (issue 13 part 4): written for a phased line, read back
unchanged, imported when filled (summing to Budget exactly), and left alone when empty."""
from decimal import Decimal

import pytest

from accounts.models import BudgetLine, BudgetMonth
from accounts.services.phasing import budget_phasing_set
from workbook import layout as L
from workbook.budget_sheet import plan_budget_sheet

from .test_budget_sheet import apply, exported_rows, find

pytestmark = pytest.mark.django_db


def akut_billund(ledger):
    return BudgetLine.objects.get(cluster_year=ledger.cy, initiative__name="Syntetisk akutteam",
                                  municipality__name="Billund")


def test_headers_have_twelve_month_columns_after_budget():
    assert L.BUDGET_HEADERS[4] == "Budget"
    assert L.BUDGET_HEADERS[5:] == ["Jan", "Feb", "Mar", "Apr", "Maj", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov",
                                    "Dec"]


def test_equal_lines_export_empty_months_and_phased_lines_their_months(ledger):
    line = akut_billund(ledger)
    rows = exported_rows(ledger.cy)
    assert find(rows, "Syntetisk akutteam", "Billund")[5:] == [None] * 12
    months = {m: Decimal("0.00") for m in range(1, 13)}
    months[3], months[9] = line.amount - Decimal("0.01"), Decimal("0.01")
    budget_phasing_set(line=line, by=ledger.secretariat, months=months)
    rows = exported_rows(ledger.cy)
    values = find(rows, "Syntetisk akutteam", "Billund")[5:]
    assert Decimal(str(values[2])) == line.amount - Decimal("0.01") and values[8] == 0.01
    plan = plan_budget_sheet(rows, ledger.cy, remove_missing=True)
    assert plan.counts["unchanged"] == 5 and plan.actions == []


def test_filled_months_are_imported_and_must_sum_exactly(ledger):
    line = akut_billund(ledger)
    rows = exported_rows(ledger.cy)
    row = find(rows, "Syntetisk akutteam", "Billund")
    row[5:] = [None] * 11 + [float(line.amount) + 0.01]  # one øre over
    plan = plan_budget_sheet(rows, ledger.cy, remove_missing=False)
    assert plan.counts["errors"] == 1
    assert plan.problems[0].cell.startswith("Q") and "summer til" in plan.problems[0].message
    row[5:] = [None] * 11 + [line.amount]  # everything in December; empty months are 0
    plan = plan_budget_sheet(rows, ledger.cy, remove_missing=False)
    assert plan.counts["changed"] == 1
    apply(plan, ledger.secretariat)
    stored = dict(BudgetMonth.objects.filter(budget_line=line).values_list("month", "amount"))
    assert stored[12] == line.amount and sum(stored.values()) == line.amount


def test_guide_shows_original_and_revised_budget(ledger):
    import io

    from openpyxl import load_workbook

    from .helpers import export_bytes

    ws = load_workbook(io.BytesIO(export_bytes(ledger.cy)))[L.SHEET_GUIDE]
    rows = [tuple(c.value for c in row[:5]) for row in ws.iter_rows()]
    assert ("Pr. indsatsområde, indsats og part", "Oprindeligt budget", "Korrigeret budget", "Forbrug", "Rest") in rows
    total = next(r for r in rows if r[0] == "I alt")
    budget = sum(line.amount for line in BudgetLine.objects.filter(cluster_year=ledger.cy))
    assert Decimal(str(total[1])) == Decimal(str(total[2])) == budget  # not submitted: original = budget
