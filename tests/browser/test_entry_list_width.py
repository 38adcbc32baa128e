"""The entry list at 1280 px: no sideways scrolling (page or table), status and actions in view."""
from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts import services
from geography.models import Municipality
from tests import factories
from tests.conftest import get_cluster
from users.models import Role

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}
WIDTHS = """() => {
  const box = document.querySelector('.table-container') || document.querySelector('table.entries').parentElement;
  return {page: [document.documentElement.scrollWidth, document.documentElement.clientWidth],
          table: [box.scrollWidth, box.clientWidth]};
}"""
# Where the last column's «Tilbagefør» and the status badge are, against the viewport.
IN_VIEW = """selector => [...document.querySelectorAll(selector)].map(el => {
  const r = el.getBoundingClientRect();
  return {left: r.left, right: r.right, width: r.width, height: r.height};
})"""


def test_entry_list_fits_1280_px_with_status_and_actions_visible(page, login, shot, make_user):
    aarhus = get_cluster(1082, "Aarhusklyngen")
    secretary = make_user(Role.SECRETARIAT, cluster=aarhus, username="sek_bred")
    cy = factories.cluster_year(aarhus, 2022)
    init = factories.initiative(cy, by=secretary, name="Syntetisk akutteam med opsøgende sygeplejersker i nattevagt",
                                area_name="Akutområdet")
    municipality = Municipality.objects.get(code=751)
    long_text = ("Syntetisk faktura for konsulentbistand til udvikling af fælles forløbsbeskrivelser "
                 "for borgere med kronisk obstruktiv lungesygdom")
    for i in range(6):
        factories.entry(cy, init, by=secretary, municipality=municipality, amount=Decimal("1234567.89") + i,
                        text=long_text, voucher=f"SYN-FAKTURA-2022-{1000 + i}", account_code="4.62.82.1.001",
                        cost_kind=("secretariat", "running", "development")[i % 3],
                        booking_date=datetime.date(2022, 3, 1 + i))
    first = cy.entries.order_by("pk").first()
    services.entry_reverse(entry=first, by=secretary)

    page.set_viewport_size(DESKTOP)
    login("sek_bred")
    page.goto(reverse("accounts:entry_list", args=[cy.pk]))
    shot("posteringer-1280")
    widths = page.evaluate(WIDTHS)
    assert widths["page"][0] <= widths["page"][1], f"siden ruller sidelæns: {widths}"
    assert widths["table"][0] <= widths["table"][1], f"tabellen ruller sidelæns: {widths}"

    viewport = page.evaluate("() => document.documentElement.clientWidth")
    actions = page.evaluate(IN_VIEW, "table.entries td a.button")  # «Tilbagefør» on each standing entry
    assert len(actions) == 5
    assert all(a["width"] > 0 and a["height"] > 0 and a["left"] >= 0 and a["right"] <= viewport for a in actions), actions
    badges = page.evaluate(IN_VIEW, "table.entries td .badge")  # «Tilbageført» and «Tilbageførsel»
    assert len(badges) == 2
    assert all(b["width"] > 0 and b["right"] <= viewport for b in badges), badges
    headers = page.locator("table.entries thead th").all_inner_texts()
    assert "Status" in [h.strip() for h in headers]
