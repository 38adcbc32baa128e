"""Journey: a cluster secretariat keeps its accounts in the browser and in Excel.

Logs in, books entries (one with a decimal comma), sees the cluster-year page
change, downloads the blank template and the filled export (opened with
openpyxl), uploads a template with errors and sees the list of problems in the
preview, then uploads the corrected file, sees its preview and presses «Indlæs». All data is synthetic.
"""
import re
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from accounts.models import ClusterYear, Entry, Initiative
from tests import factories
from users.models import Role

pytestmark = pytest.mark.browser

SHEETS = ["Vejledning", "Budget", "Regnskab", "Opfølgning", "Videreførelse", "Lister"]


def figure(page, name: str) -> str:
    return page.locator(f"[data-figure={name}]").inner_text().replace("\xa0", " ")


def download(page, selector: str, folder: Path) -> Path:
    with page.expect_download() as info:
        page.click(selector)
    target = folder / info.value.suggested_filename
    info.value.save_as(target)
    return target


def regnskab_rows(path: Path) -> list[tuple]:
    ws = load_workbook(path, data_only=False)["Regnskab"]
    return [row for row in ws.iter_rows(min_row=2, values_only=True) if any(v not in (None, "") for v in row)]


def book_entry(page, *, initiative, party: str, date: str, kind: str, amount: str, text: str, save=True):
    page.select_option("#id_initiative", str(initiative.pk))
    page.select_option("#id_party", party)
    page.fill("#id_booking_date", date)
    page.select_option("#id_kind", kind)
    page.fill("#id_amount", amount)
    page.fill("#id_account_code", factories.MUNICIPAL_ACCOUNT)
    page.fill("#id_text", text)
    page.select_option("#id_cost_kind", "development")
    if save:
        page.click("button[name=save]")
        page.wait_for_load_state()


def test_secretariat_books_entries_and_round_trips_the_excel_template(page, login, shot, make_user, aarhus, tmp_path):
    from geography.models import Municipality

    make_user(Role.SECRETARIAT, cluster=aarhus, username="sek_aarhus")
    aarhus_m = Municipality.objects.get(code=751)
    seen_wrong: list[str] = []  # what a user would see wrongly on a page that otherwise works

    # Log in, find the cluster's accounts through the menu and open the 2022 accounts.
    login("sek_aarhus")
    page.click("nav.mainnav >> text=Regnskaber")
    row = page.locator("table.cluster-years tr", has_text="Aarhusklyngen")
    row.locator("button:has-text('Opret regnskab')").click()
    page.wait_for_load_state()
    cy = ClusterYear.objects.get(cluster=aarhus, year=2022)
    assert page.url.endswith(f"/regnskab/{cy.pk}/")
    assert figure(page, "spend").startswith("0,00")

    # An initiative and its budget, through the forms.
    page.click("text=Ny indsats")
    page.fill("#id_name", "Syntetisk akutteam")
    page.select_option("#id_area", label="Akutområdet")
    page.fill("#id_description", "Syntetisk indsats til browsertest.")
    page.select_option("#id_responsible", "cluster")
    page.select_option("#id_status", "active")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    init = Initiative.objects.get(cluster=aarhus, name="Syntetisk akutteam")
    page.goto(f"/regnskab/{cy.pk}/")
    page.click("text=Ny budgetlinje")
    page.select_option("#id_initiative", str(init.pk))
    page.select_option("#id_source", "startup")
    page.select_option("#id_party", f"m:{aarhus_m.pk}")
    page.fill("#id_amount", "50.000")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    assert figure(page, "budget").startswith("50.000,00")
    shot("klyngeregnskab-foer")

    # An entry with a decimal point is refused in Danish; with a decimal comma it is booked.
    page.click("text=Ny postering")
    book_entry(page, initiative=init, party=f"m:{aarhus_m.pk}", date="2022-03-15", kind="expense",
               amount="1234.50", text="Syntetisk: vikar til akutteamet")
    assert "brug komma som decimaltegn" in page.content()
    shot("postering-med-punktum-afvist")
    page.fill("#id_amount", "1.234,50")
    page.click("button[name=save]")
    page.wait_for_load_state()
    assert "Posteringen er gemt" in page.locator("ul.messages").inner_text()
    assert "1.234,50" in page.locator("ul.messages").inner_text()
    shot("postering-gemt")

    page.goto(f"/regnskab/{cy.pk}/posteringer/ny/")
    book_entry(page, initiative=init, party=f"m:{aarhus_m.pk}", date="2022-04-01", kind="income",
               amount="250", text="Syntetisk: refusion")
    assert "Posteringen er gemt" in page.locator("ul.messages").inner_text()

    # The cluster-year page shows the new totals: 1.234,50 - 250,00 = 984,50 net spend.
    page.goto(f"/regnskab/{cy.pk}/")
    assert figure(page, "spend").startswith("984,50")
    assert figure(page, "remaining").startswith("49.015,50")
    shot("klyngeregnskab-efter-posteringer")

    # The blank template: all six sheets, no entries, the cluster's initiative in the lists.
    blank = download(page, "a[data-link=template]", tmp_path)
    wb = load_workbook(blank)
    assert wb.sheetnames == SHEETS
    assert regnskab_rows(blank) == []
    lists = [cell for row in wb["Lister"].iter_rows(values_only=True) for cell in row if cell]
    assert "Syntetisk akutteam" in lists

    # The filled export: the two entries, amounts as numbers.
    export = download(page, "a[data-link=export]", tmp_path)
    assert load_workbook(export).sheetnames == SHEETS
    exported = regnskab_rows(export)
    assert len(exported) == 2
    amounts = sorted(Decimal(str(row[7])) for row in exported)
    assert amounts == [Decimal("250"), Decimal("1234.5")]

    # A filled template with two bad rows: the error list names sheet, cell and problem; nothing is saved.
    good = factories.entry_row(cy, init, party="Aarhus", amount="2.500,75", text="Syntetisk: workshop", day=2)
    bad_amount = factories.entry_row(cy, init, party="Aarhus", amount="tolv kroner", text="Syntetisk", day=3)
    bad_party = factories.entry_row(cy, init, party="Randers", amount=100, text="Syntetisk", day=4)
    wrong = tmp_path / "udfyldt-med-fejl.xlsx"
    _fill(blank, wrong, [good, bad_amount, bad_party])
    entries_before = Entry.objects.filter(cluster_year=cy).count()
    page.goto(f"/regnskab/{cy.pk}/")
    page.set_input_files("#workbook-file", str(wrong))
    page.click("form.workbook-upload button[type=submit]")
    page.wait_for_load_state()
    problems = page.locator(".workbook-problems")
    assert problems.is_visible()
    if "2.022" in page.locator("main").inner_text():
        # Reported at the end, so that the rest of the journey is still checked.
        seen_wrong.append("Indlæsningssiden viser året med tusindtalsskilletegn («2.022»)")
    text = problems.inner_text()
    assert "Intet gemmes" in text and page.locator("button:has-text('Indlæs')").count() == 0
    assert re.search(r"Regnskab\s+H3", text), text  # the amount cell of the second data row
    assert re.search(r"Regnskab\s+D4", text), text  # the party cell of the third data row
    assert Entry.objects.filter(cluster_year=cy).count() == entries_before
    shot("import-med-fejl")

    # The corrected file is imported in one go and the page totals follow.
    bad_amount["amount"] = "12,00"
    bad_party["party"] = "Samsø"
    fixed = tmp_path / "udfyldt-rettet.xlsx"
    _fill(blank, fixed, [good, bad_amount, bad_party])
    page.goto(f"/regnskab/{cy.pk}/")
    page.set_input_files("#workbook-file", str(fixed))
    page.click("form.workbook-upload button[type=submit]")
    page.wait_for_load_state()
    # The preview first: three new rows, nothing saved yet; then «Indlæs» books them.
    assert page.locator("#preview-counts tr[data-sheet=Regnskab] td[data-count=new]").inner_text() == "3"
    assert Entry.objects.filter(cluster_year=cy).count() == entries_before
    # The rows overrun the budget (control «Advar», the default): one confirmation covers the import.
    page.check("#confirm-overruns")
    page.click("#import-commit button[type=submit]:has-text('Indlæs')")
    page.wait_for_load_state()
    assert "er indlæst (Regnskab: 3 nye" in page.locator("ul.messages").inner_text()
    shot("import-gemt")
    assert Entry.objects.filter(cluster_year=cy).count() == entries_before + 3
    page.goto(f"/regnskab/{cy.pk}/")
    # 984,50 + 2.500,75 + 12,00 + 100,00 = 3.597,25
    assert figure(page, "spend").startswith("3.597,25")
    assert page.locator("table.workbook-imports").inner_text().count("udfyldt-rettet.xlsx") == 1
    shot("klyngeregnskab-efter-import")
    assert not seen_wrong, seen_wrong


def _fill(template: Path, out: Path, rows: list[dict]) -> None:
    """Type rows into the downloaded template's Regnskab sheet, as a user would in Excel."""
    from workbook import layout

    wb = load_workbook(template)
    ws = wb[layout.SHEET_ENTRIES]
    for offset, row in enumerate(rows):
        for key, value in row.items():
            ws.cell(row=layout.FIRST_DATA_ROW + offset, column=layout.ENTRY_COL[key] + 1, value=value)
    wb.save(out)
