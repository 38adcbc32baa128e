"""The cluster map in a real browser: regions -> region -> cluster, sorting and the CSV download."""
import csv
import io

import pytest

from users.models import Role

pytestmark = pytest.mark.browser


def test_secretariat_walks_the_map_down_to_another_regions_cluster(page, login, make_user, aarhus, shot):
    make_user(Role.SECRETARIAT, cluster=aarhus, username="sek_aarhus")
    login("sek_aarhus")
    page.click("text=Klyngekort")
    assert page.locator("h1").inner_text() == "Klyngekort 2022"
    assert page.locator("tfoot").inner_text().split() == ["I", "alt", "22", "98", "5.873.327"]
    shot("regioner")
    page.click("text=Hovedstaden")
    assert page.locator("h1").inner_text() == "Region Hovedstaden: klynger 2022"
    page.click("th >> text=Finansierende indbyggertal")
    page.click("th >> text=Finansierende indbyggertal")  # descending
    assert page.locator("tbody tr").first.inner_text().startswith("Klynge Syd")
    shot("hovedstaden-sorteret")
    page.click("tbody >> text=Klynge Nord")
    body = page.locator("tbody").inner_text()
    for name in ("Gribskov", "Halsnæs", "Helsingør"):
        assert name in body
    shot("klynge-nord")
    with page.expect_download() as download_info:
        page.click("text=Hent CSV")
    text = download_info.value.path().read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text, newline=""), delimiter=";"))
    assert len(rows) == 8
    page.goto("/geografi/tabel-2/")
    assert "Horsens, Hedensted, Skanderborg, Odder" in page.locator("tbody").inner_text()
    shot("tabel-2")
