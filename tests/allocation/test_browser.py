"""The allocation pages in a real Chromium: Table 1's layout, the reconciliation, a scenario through the forms."""
import pytest

from users.models import Role

pytestmark = pytest.mark.browser


def test_round_reconciliation_and_scenario(page, login, make_user, shot):
    make_user(Role.ADMIN, username="analytiker")  # scenarios are an administrator's work
    login("analytiker")
    page.goto("/fordeling/")
    page.click("text=Opstartsmidler 2022")
    assert "6,81 kr." in page.content()
    shot("runde-2022")
    page.click("text=Afstemning med offentliggjort tabel")
    assert "8.563.999" in page.content()
    assert "Forskel</strong> = beregnet − offentliggjort" in page.content()
    shot("afstemning")
    page.goto("/fordeling/2022/")
    page.click("text=Kopiér til scenarie")
    page.fill("#id_name", "Scenarie med 45/45")
    page.click("form.form button[type=submit]")
    page.click("text=Pulje og fordeling")
    page.fill("#id_pot", "90.000.000")
    page.fill("#id_municipal_pot", "45.000.000")
    page.click("form.form button[type=submit]")
    assert "Rundens parametre er gemt." in page.content()
    assert "90.000.000 kr." in page.content()
    shot("scenarie")
    page.click("text=Sammenlign")
    assert "12,50 %" in page.content()
    shot("sammenligning")
    # a scenario for 2023: the 2022 map, the 2023K1 quarter, which is not loaded yet
    page.goto("/fordeling/2022/")
    page.click("text=Kopiér til scenarie")
    page.fill("#id_name", "Scenarie 2023")
    page.select_option("#id_year", "2023")
    page.click("form.form button[type=submit]")
    content = page.content()
    assert "Scenarie 2023 (2023)" in content and "2023K1" in content
    assert "En administrator kan indlæse kvartalet" in content and "manage.py" not in content
    shot("scenarie-2023")
