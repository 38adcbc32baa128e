"""The round's file through LibreOffice headless (issue 12's acceptance).

- After the round is booked, the Opfølgning sheet of the UPLOADED (edited) file, recalculated by
  LibreOffice, equals the cluster-year's summary (the cluster-year page's figures) to the øre.
- The round's edits saved by LibreOffice preview exactly as the same edits saved by openpyxl.
"""
from decimal import Decimal

import pytest

from accounts.selectors import cluster_year_summary
from workbook.totals import preview_totals

from .helpers import commit, edit, export_bytes, preview
from .test_libreoffice import SOFFICE, recalculated, sections
from .test_round import counts_of, the_round
from .test_round import funded as funded_fixture

funded = funded_fixture  # the fixture, shared with test_round

pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) er ikke installeret")]


def expected(summary) -> dict[str, dict[str, tuple]]:
    def rows(items):
        return {row.label: (row.budget, row.spend, row.remaining) for row in items} | {
            "I alt": (summary.totals.budget, summary.totals.spend, summary.totals.remaining)}
    return {"Indsats": rows(summary.by_initiative), "Indsatsområde": rows(summary.by_area),
            "Part": rows(summary.by_party)}


def test_the_uploaded_files_followup_recalculated_equals_the_cluster_year_after_the_round(funded, tmp_path):  # noqa: F811 (the fixture)
    ledger = funded
    data = edit(export_bytes(ledger.cy), the_round)
    before = cluster_year_summary(ledger.cy).totals
    plan = preview(ledger.cy, data, ledger.secretariat, reverse_removed=True)
    assert not plan.errors, plan.errors
    commit(ledger.cy, data, ledger.secretariat, reverse_removed=True, fingerprint=plan.fingerprint)
    summary = cluster_year_summary(ledger.cy)
    # The round moved the figures: 4.321 + 55,50 new, B-1 12.345,67 -> 12.000, R-8's income 2.500,25 reversed;
    # budget +10.000 (Billund's akutteam line) + 7.500 (a new line).
    assert summary.totals.spend - before.spend == Decimal("4321") + Decimal("55.50") - Decimal("345.67") \
        + Decimal("2500.25")
    assert summary.totals.budget - before.budget == Decimal("17500.00")
    got = sections(recalculated(data, tmp_path)["Opfølgning"])
    assert got == expected(summary)
    # The cluster-year page shows the same totals (Danish format).
    from django.test import Client
    from django.urls import reverse

    client = Client()
    client.force_login(ledger.secretariat)
    page = client.get(reverse("accounts:cluster_year_detail", args=[ledger.cy.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    for figure in (summary.totals.budget, summary.totals.spend):
        text = f"{figure:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")
        assert text in html, text


def test_the_rounds_edits_saved_by_libreoffice_preview_as_saved_by_openpyxl(funded, tmp_path):  # noqa: F811 (the fixture)
    ledger = funded
    by_openpyxl = edit(export_bytes(ledger.cy), the_round)
    recalculated(by_openpyxl, tmp_path)  # LibreOffice opens the edited file and saves it again
    by_libreoffice = (tmp_path / "genberegnet" / "eksport.xlsx").read_bytes()
    assert by_libreoffice != by_openpyxl
    plans = {name: preview(ledger.cy, data, ledger.secretariat, reverse_removed=True)
             for name, data in (("openpyxl", by_openpyxl), ("libreoffice", by_libreoffice))}
    for plan in plans.values():
        assert not plan.errors, plan.errors
    assert counts_of(plans["libreoffice"]) == counts_of(plans["openpyxl"]) == {
        "Regnskab": {"new": 2, "changed": 1, "removed": 1, "unchanged": 5},
        "Budget": {"new": 1, "changed": 1, "unchanged": 4},
        "Videreførelse": {"new": 1},
    }

    def actions(plan):
        return [{k: v for k, v in sheet.items() if k != "problems"} for sheet in plan.as_json()["sheets"]]

    assert actions(plans["libreoffice"]) == actions(plans["openpyxl"])
    def totals(plan):
        found = preview_totals(plan)
        return ([r.as_json() for r in found.by_initiative], [r.as_json() for r in found.by_party],
                found.total.as_json())

    assert totals(plans["libreoffice"]) == totals(plans["openpyxl"])
    assert totals(plans["libreoffice"])[2]["expenses_after"] != totals(plans["libreoffice"])[2]["expenses_before"]
