"""Journey: the secretariat meets «Advar», confirms, and sees the warning; the SSU sees the same warning.

Aarhusklyngen 2022 with 10.000,00 kr. paid by Aarhus and a budget of 8.000,00 kr. on one initiative. An
entry of 9.000,00 kr. overruns the budget and is above 25 % of the funding: the form asks for a
confirmation, the entry is booked with it, and the cluster-year page, the SSU's region overview and the
review page show the same warnings. All data synthetic.
"""
from decimal import Decimal

import pytest

from accounts.models import Entry
from review.workflow import cluster_year_transition
from tests import factories
from users.models import Role

pytestmark = pytest.mark.browser

LARGE = "En enkelt postering på 9.000,00 kr. er over 25,00 % af finansieringen 10.000,00 kr."
OVERSPENT = "Merforbrug på Akutområdet: forbrug 9.000 kr. mod budget 8.000 kr."


def test_advar_asks_confirms_and_the_ssu_sees_the_warnings(page, login, shot, make_user, aarhus):
    from geography.models import Municipality

    sek = make_user(Role.SECRETARIAT, cluster=aarhus, username="sek_advar")
    make_user(Role.SSU, region=aarhus.region, username="ssu_advar")
    aarhus_m = Municipality.objects.get(code=751)
    cy = factories.cluster_year(aarhus, 2022)
    init = factories.initiative(cy, by=sek, name="Syntetisk akutteam")
    factories.funding_line(cy, by=sek, municipality=aarhus_m, paid=Decimal("10000.00"))
    factories.budget_line(cy, init, by=sek, municipality=aarhus_m, amount=Decimal("8000.00"))

    login("sek_advar")
    page.goto(f"/regnskab/{cy.pk}/")
    assert "Budgetkontrol: Advar" in page.locator("section.budget-control").inner_text()
    page.goto(f"/regnskab/{cy.pk}/posteringer/ny/")
    assert page.locator("input[type=checkbox][name=confirm]").count() == 0
    page.select_option("#id_initiative", str(init.pk))
    page.select_option("#id_party", f"m:{aarhus_m.pk}")
    page.fill("#id_booking_date", "2022-05-02")
    page.select_option("#id_kind", "expense")
    page.fill("#id_amount", "9.000,00")
    page.fill("#id_account_code", factories.MUNICIPAL_ACCOUNT)
    page.fill("#id_text", "Syntetisk: stor vikarregning")
    page.select_option("#id_cost_kind", "development")
    page.click("button[name=save]")
    page.wait_for_load_state()
    body = page.locator("main").inner_text()
    assert "forbruget bliver 9.000,00 kr. mod et budget på 8.000,00 kr. (overskridelse 1.000,00 kr.)" in body
    assert not Entry.objects.exists()
    shot("advar-bekraeft")
    page.check("input[type=checkbox][name=confirm]")
    page.click("button[name=save]")
    page.wait_for_load_state()
    assert "Posteringen er gemt" in page.locator("ul.messages").inner_text()
    assert Entry.objects.get().confirmation.confirmed_by == sek

    page.goto(f"/regnskab/{cy.pk}/")
    warnings = page.locator("section.warnings").inner_text()
    assert LARGE in warnings and OVERSPENT in warnings
    shot("advarsler-paa-regnskabet")
    cluster_year_transition(cluster_year=cy, action="submit", by=sek)

    login("ssu_advar")
    page.goto(f"/opfoelgning/region/{aarhus.region.slug}/2022/")
    row = page.locator("tr[data-cluster='Aarhusklyngen']")
    row.locator("details.warnings summary").click()
    text = row.inner_text()
    assert "advarsler" in text and LARGE in text and OVERSPENT in text
    shot("ssu-regionsoversigt")
    page.goto(f"/opfoelgning/regnskab/{cy.pk}/")
    review = page.locator("section.warnings").inner_text()
    assert LARGE in review and OVERSPENT in review
    shot("ssu-gennemgang")
