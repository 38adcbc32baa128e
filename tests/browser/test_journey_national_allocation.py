"""Journey: a national reader checks the 2022 allocation against the published Table 1.

Opens the allocation from the menu, reads the totals in Table 1's layout,
opens the reconciliation and sees Region Syddanmark's inconsistency (its
regional cluster cells sum to 8.563.999 kr., 6.344 kr. above the printed
subtotal 8.557.655 kr.), and downloads the reconciliation as Excel.
"""
import pytest
from openpyxl import load_workbook

from allocation.models import AllocationRound
from users.models import Role

pytestmark = pytest.mark.browser

SYDDANMARK_CLUSTER_CELLS = ("1.657.254", "2.061.670", "1.628.090", "3.216.985")


def test_national_reader_sees_the_allocation_and_syddanmarks_deviation(page, login, shot, make_user, tmp_path):
    make_user(Role.NATIONAL, username="ministeriet")
    round_2022 = AllocationRound.objects.get(year=2022, status="published")

    login("ministeriet")
    page.click("nav.mainnav >> text=Fordeling")
    page.get_by_role("link", name=round_2022.name).first.click()
    page.wait_for_load_state()
    body = page.locator("main").inner_text()
    # The pots: 40 mio. kr. from each side, 80 mio. kr. in all, rounded so that every column adds up.
    assert "80.000.000" in body
    assert "40.000.000" in body
    assert "6,81" in body  # the municipal rate per inhabitant
    shot("fordeling-2022")

    page.click("text=Se afstemningen celle for celle")
    page.wait_for_load_state()
    assert "/afstemning/" in page.url
    alerts = page.locator(".note.warn[role=alert]")
    syddanmark = alerts.filter(has_text="Syddanmark")
    assert syddanmark.count() >= 1
    text = syddanmark.first.inner_text()
    assert "8.563.999" in text and "8.557.655" in text and "6.344" in text
    for cell in SYDDANMARK_CLUSTER_CELLS:
        assert cell in text
    # In the cell-by-cell table, Syddanmark's regional cluster cells are classed as deviations.
    deviations = page.locator("table.reconciliation tr.kind-deviation-row")
    assert deviations.count() >= 4
    assert "Syddanmark" in deviations.first.inner_text()
    shot("afstemning-syddanmark")

    with page.expect_download() as info:
        page.click(".table-tools >> text=Hent Excel")
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    ws = load_workbook(target).active
    rows = [row for row in ws.iter_rows(values_only=True) if any(row)]
    kinds = [str(cell).lower() for row in rows for cell in row if cell is not None]
    assert any("afvig" in value or value == "deviation" for value in kinds)
    assert sum("Syddanmark" in str(cell) for row in rows for cell in row if cell) >= 4
