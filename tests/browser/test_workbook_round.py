"""The workbook as the secretariat's running copy, in Chromium: the round of the issue's acceptance.

The secretariat exports its cluster-year, edits the file as Excel would (openpyxl: two new entries,
one amount changed, one row deleted, a budget line added and another changed, a commitment added),
uploads it, sees a preview with exactly those counts, presses «Indlæs» and sees the cluster-year
page change accordingly. The same file uploaded again books nothing. All data is synthetic.
"""
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from accounts.models import BudgetLine, CarryOverCommitment, Entry, ImportBatch
from klyngeportal.formats import format_kr
from tests import factories
from tests.browser.test_accessibility import AXE, HEADING_PROBLEMS, UNLABELLED, axe_violations
from tests.workbook.conftest import ledger, lillebaelt, sydvest  # noqa: F401 - the workbook tests' accounts
from tests.workbook.test_round import the_round

pytestmark = pytest.mark.browser


def figure(page, name: str) -> str:
    return page.locator(f"[data-figure={name}]").inner_text().replace("\xa0", " ")


def counts(page, sheet: str) -> dict[str, str]:
    row = page.locator(f"#preview-counts tr[data-sheet='{sheet}']")
    return {key: row.locator(f"td[data-count={key}]").inner_text()
            for key in ("new", "unchanged", "changed", "removed", "warnings", "errors")}


def upload(page, cluster_year, path: Path) -> None:
    page.goto(f"/regnskab/{cluster_year.pk}/")
    page.set_input_files("#workbook-file", str(path))
    page.click("form.workbook-upload button[type=submit]")
    page.wait_for_load_state()


def test_the_secretariat_round_trips_its_running_copy(page, login, shot, ledger, tmp_path):  # noqa: F811
    factories.funding_line(ledger.cy, by=ledger.secretariat, source="local", municipality=ledger.billund,
                           paid=Decimal("100000.00"), text="Syntetisk indbetaling")
    page.context.add_init_script(path=str(AXE))  # axe-core in every page, as the accessibility walk does
    login(ledger.secretariat.username)
    page.goto(f"/regnskab/{ledger.cy.pk}/")
    budget_before, spend_before = figure(page, "budget"), figure(page, "spend")
    shot("foer")

    # Export, then edit as Excel would: openpyxl opens, changes and saves the downloaded file.
    with page.expect_download() as info:
        page.click("a[data-link=export]")
    exported = tmp_path / info.value.suggested_filename
    info.value.save_as(exported)
    wb = load_workbook(exported)
    the_round(wb)
    edited = tmp_path / "rettet.xlsx"
    wb.save(edited)

    entries_before = Entry.objects.count()
    upload(page, ledger.cy, edited)
    assert "Forhåndsvisning: rettet.xlsx" in page.locator("h1").inner_text()
    assert counts(page, "Regnskab") == {"new": "2", "unchanged": "5", "changed": "1", "removed": "1",
                                        "warnings": "0", "errors": "0"}
    assert counts(page, "Budget") == {"new": "1", "unchanged": "4", "changed": "1", "removed": "0",
                                      "warnings": "0", "errors": "0"}
    assert counts(page, "Videreførelse")["new"] == "1"
    # Expenses and income apart, before → after, by initiative and by party.
    assert page.locator("#totals-initiative").is_visible() and page.locator("#totals-party").is_visible()
    assert Entry.objects.count() == entries_before, "the preview books nothing"
    shot("forhaandsvisning")
    assert not axe_violations(page) and not page.evaluate(HEADING_PROBLEMS) and not page.evaluate(UNLABELLED)

    page.click("#import-commit button[type=submit]:has-text('Indlæs')")
    page.wait_for_load_state()
    assert "er indlæst (Regnskab: 2 nye" in page.locator("ul.messages").inner_text()
    batch = ImportBatch.objects.get()
    assert batch.entries.filter(reverses__isnull=True).count() == 3  # two new, and the changed row's new entry
    page.click("#import-entries")
    page.wait_for_load_state()
    # the three it booked and its reversal of the changed row's old entry (undone with the import)
    assert "4 posteringer efter filter" in page.locator("main").inner_text()
    shot("importens-posteringer")

    # The cluster-year page follows: +4.321 +55,50 and 12.000 in place of 12.345,67; budget +10.000 +7.500.
    page.goto(f"/regnskab/{ledger.cy.pk}/")
    spend = Decimal(spend_before.split(" ")[0].replace(".", "").replace(",", "."))
    budget = Decimal(budget_before.split(" ")[0].replace(".", "").replace(",", "."))
    assert figure(page, "spend") == format_kr(spend + Decimal("4030.83"), 2)
    assert figure(page, "budget") == format_kr(budget + Decimal("17500.00"), 2)
    assert BudgetLine.objects.filter(cluster_year=ledger.cy).count() == 6
    assert CarryOverCommitment.objects.filter(cluster_year=ledger.cy, municipality=ledger.billund).exists()
    shot("efter")

    # The same file again: nothing to import, no «Indlæs».
    before = Entry.objects.count(), BudgetLine.objects.count(), CarryOverCommitment.objects.count()
    upload(page, ledger.cy, edited)
    assert "Intet at indlæse: filen svarer til regnskabet." in page.locator("main").inner_text()
    assert page.locator("#import-commit button:has-text('Indlæs')").count() == 0
    assert (Entry.objects.count(), BudgetLine.objects.count(), CarryOverCommitment.objects.count()) == before
    shot("igen-intet")
