"""Phone and desktop widths: no page scrolls sideways at 375 px, a compact header, a legible chart.

The walk is the permission matrix's URL list for each role that sees the page (tests/browser/page_walk.py).
Screenshots of each role's main pages at 375 and 1280 px go to screenshots/narrow-screens/ (git-ignored).
"""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.page_walk import html_pages, page_visits
from tests.conftest import ensure_reference_data
from tests.factories import build_world

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
MAIN_PAGES = {
    "accounts:cluster_year_detail": "regnskab", "accounts:entry_list": "posteringer", "review:region": "region",
    "allocation:round_detail": "fordelingsrunde", "review:inbox": "mine-opgaver", "review:collection": "gode-erfaringer",
}
SHOTS = Path(__file__).resolve().parents[2] / "screenshots" / "narrow-screens"  # the repository's, git-ignored
AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
SCROLL_RULE = {"runOnly": {"type": "rule", "values": ["scrollable-region-focusable"]}, "resultTypes": ["violations"]}

# Page-wide measures in the browser (CSS pixels).
SIDEWAYS = "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
# The widest elements that stick out to the right of the viewport: what makes a page scroll sideways.
CULPRITS = """() => [...document.querySelectorAll('body *')]
  .filter(el => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
  .filter(el => !el.closest('.table-scroll, .table-container'))
  .slice(0, 3).map(el => el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).split(' ').join('.') : ''))"""
# How many lines a text takes: the client rectangles of its text.
LINES = """selector => { const el = document.querySelector(selector); if (!el) return null;
  const range = document.createRange(); range.selectNodeContents(el);
  return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size; }"""
NAV_ROWS = """() => new Set([...document.querySelectorAll('nav.mainnav a')]
  .map(a => Math.round(a.getBoundingClientRect().top))).size"""
# The chart's texts as drawn: SVG font size times the SVG's scale on screen; and the body's font size.
CHART_TEXT_PX = """() => [...document.querySelectorAll('svg.chart text')].map(t =>
  parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a)"""
BODY_PX = "() => parseFloat(getComputedStyle(document.body).fontSize)"


@pytest.fixture
def world(live_server, transactional_db):
    ensure_reference_data()
    return build_world()


def screenshot(page, visit, width: int):
    folder = SHOTS / visit.role
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{MAIN_PAGES[visit.name]}-{width}.png"), full_page=True)


def test_no_page_scrolls_sideways_at_375_px(browser, live_server, world):
    visits = page_visits(world)
    checked, wide = [], []
    for visit, page in html_pages(browser, live_server, world, visits, viewport=PHONE, init_script=AXE):
        checked.append(visit)
        scroll_width, client_width = page.evaluate(SIDEWAYS)
        if scroll_width > client_width:
            wide.append(f"{visit.path} som {visit.role}: {scroll_width} > {client_width} px ({page.evaluate(CULPRITS)})")
        # A box that scrolls must be reachable by keyboard (axe's WCAG rule, which only a narrow page triggers).
        result = page.evaluate("options => axe.run(document, options)", SCROLL_RULE)
        wide += [f"{visit.path} som {visit.role}: {v['id']}: " + "; ".join(" ".join(n["target"]) for n in v["nodes"][:3])
                 for v in result["violations"]]
        if visit.name in MAIN_PAGES:
            screenshot(page, visit, PHONE["width"])
    assert len({v.name for v in checked}) >= 30, f"for få sider målt: {sorted({v.name for v in checked})}"
    assert not wide, f"{len(wide)} af {len(checked)} sider×roller ruller sidelæns ved 375 px:\n" + "\n".join(wide)


def test_main_pages_at_1280_px_have_the_navigation_on_one_line(browser, live_server, world):
    visits = [visit for visit in page_visits(world) if visit.name in MAIN_PAGES]
    rows = {}
    for visit, page in html_pages(browser, live_server, world, visits, viewport=DESKTOP):
        rows[(visit.path, visit.role)] = page.evaluate(NAV_ROWS)
        screenshot(page, visit, DESKTOP["width"])
    assert len(rows) >= 20  # six main pages for the roles that see them
    assert set(rows.values()) == {1}, {key: n for key, n in rows.items() if n != 1}
    assert {path.name for path in SHOTS.glob("*/*-1280.png")} >= {f"{name}-1280.png" for name in MAIN_PAGES.values()}


def test_header_is_compact_and_log_out_stays_on_one_line_at_375_px(page, login, make_user, aarhus):
    from users.models import Role

    make_user(Role.SECRETARIAT, cluster=aarhus, username="sek_smal", first_name="Syntetisk Sekretær",
              last_name="Med Et Meget Langt Efternavn")
    page.set_viewport_size(PHONE)
    login("sek_smal")
    page.goto("/regnskab/")
    assert page.evaluate(LINES, "header .userbox button") == 1
    header = page.locator("header.topbar").bounding_box()
    assert header["height"] <= 130, f"sidehovedet er {header['height']} px højt ved 375 px"
    assert page.evaluate(SIDEWAYS)[0] <= PHONE["width"]
    assert page.locator("nav.mainnav a").count() == 5  # all of the menu is there, not hidden away


def test_chart_labels_are_no_smaller_than_body_text_at_375_px(page, login, make_user, aarhus):
    from decimal import Decimal

    from geography.models import Municipality
    from tests import factories
    from users.models import Role

    sek = make_user(Role.SECRETARIAT, cluster=aarhus, username="sek_graf")
    cy = factories.cluster_year(aarhus, 2022)
    init = factories.initiative(cy, by=sek, name="Syntetisk indsats med et langt navn om sammenhængende forløb")
    aarhus_m = Municipality.objects.get(code=751)
    factories.budget_line(cy, init, by=sek, municipality=aarhus_m, amount=Decimal("1234567.89"))
    factories.entry(cy, init, by=sek, municipality=aarhus_m, amount=Decimal("987654.32"))
    page.set_viewport_size(PHONE)
    login("sek_graf")
    page.goto(f"/regnskab/{cy.pk}/")
    sizes = page.evaluate(CHART_TEXT_PX)
    body = page.evaluate(BODY_PX)
    assert sizes, "grafen har ingen tekster"
    assert min(sizes) >= body - 0.01, f"grafens mindste tekst er {min(sizes):.1f} px, brødteksten {body} px"
    assert page.evaluate(SIDEWAYS)[0] <= PHONE["width"]
