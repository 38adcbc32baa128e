"""WCAG 2.1 A and AA: axe-core on every page of the permission matrix, for each role that sees it.

axe-core is vendored (tests/browser/vendor/axe-core, no CDN); it is put into each page as an init
script of the role's context, so the page's own Content-Security-Policy stays as it is. The same walk
checks what axe's WCAG rules leave to us: headings in order, every field labelled, the footer's link to
the tilgængelighedserklæring. The skip link, the focus, the error summary and the statement have their
own tests below.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

from tests.browser.page_walk import html_pages, page_visits
from tests.conftest import ensure_reference_data
from tests.factories import build_world

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
              "resultTypes": ["violations"]}
STATEMENT = "/tilgaengelighedserklaering/"

# Headings as the page shows them: the first is an h1 and no level is skipped going down.
HEADING_PROBLEMS = """() => {
  const levels = [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')]
    .filter(h => h.getClientRects().length).map(h => Number(h.tagName[1]));
  const problems = [];
  if (levels[0] !== 1) problems.push('første overskrift er h' + levels[0]);
  levels.forEach((level, i) => { if (i && level > levels[i - 1] + 1) problems.push('h' + levels[i - 1] + ' → h' + level); });
  return problems; }"""
# Form fields without a label (a <label>, aria-label or aria-labelledby with text).
UNLABELLED = """() => [...document.querySelectorAll('input, select, textarea')]
  .filter(el => !['hidden', 'submit', 'button', 'reset', 'image'].includes(el.type))
  .filter(el => ![...el.labels].some(l => l.textContent.trim()) && !(el.getAttribute('aria-label') || '').trim()
    && !(el.getAttribute('aria-labelledby') || '').split(' ').some(id => document.getElementById(id)?.textContent.trim()))
  .map(el => el.tagName.toLowerCase() + '#' + (el.id || el.name))"""
FOOTER_LINK = f"() => !!document.querySelector('footer a[href=\"{STATEMENT}\"]')"


@pytest.fixture
def world(live_server, transactional_db):
    ensure_reference_data()
    return build_world()


def axe_violations(page) -> list[str]:
    result = page.evaluate("options => axe.run(document, options)", WCAG_21_AA)
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} – "
        + "; ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
        + f" [{violation['nodes'][0]['failureSummary']}]"
        for violation in result["violations"]
    ]


def test_every_page_has_no_wcag_21_aa_violations(browser, live_server, world):
    visits = page_visits(world)
    checked, found = [], []
    for visit, page in html_pages(browser, live_server, world, visits, init_script=AXE):
        checked.append(visit)
        where = f"{visit.path} som {visit.role}"
        found += [f"{where}: {problem}" for problem in axe_violations(page)]
        found += [f"{where}: overskrifter: {problem}" for problem in page.evaluate(HEADING_PROBLEMS)]
        found += [f"{where}: felt uden etiket: {field}" for field in page.evaluate(UNLABELLED)]
        if not page.evaluate(FOOTER_LINK):
            found.append(f"{where}: sidefoden linker ikke til tilgængelighedserklæringen")
    print(f"axe-core WCAG 2.1 A/AA: {len(checked)} sider×roller, {len({v.name for v in checked})} URL'er")
    assert len({v.name for v in checked}) >= 30, f"for få sider tjekket: {sorted({v.name for v in checked})}"
    assert {v.role for v in checked} == {"anonymous", "secretariat_a", "secretariat_b", "ssu_a", "ssu_other",
                                         "national", "admin"}
    assert not found, f"{len(found)} fejl på {len(checked)} sider×roller:\n" + "\n".join(found)


def test_skip_link_is_the_first_stop_and_moves_to_the_content(page, login, make_user):
    from users.models import Role

    make_user(Role.NATIONAL, username="national_tast")
    login("national_tast")
    page.goto(reverse("allocation:round_list"))
    page.keyboard.press("Tab")
    focused = page.evaluate("() => [document.activeElement.textContent.trim(), document.activeElement.getAttribute('href')]")
    assert focused == ["Gå til indhold", "#indhold"]
    skip = page.locator("a.skip-link").bounding_box()
    assert skip["y"] >= 0 and skip["height"] > 10  # shown on screen when it has the focus
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "indhold"
    assert page.evaluate("() => document.activeElement.tagName") == "MAIN"
    page.keyboard.press("Tab")  # the next stop is inside the content, not back in the header
    assert page.evaluate("() => !!document.activeElement.closest('main')")


def test_focus_is_visible_on_links_buttons_and_fields(page, login, make_user):
    from users.models import Role

    make_user(Role.NATIONAL, username="national_fokus")
    login("national_fokus")
    page.goto(reverse("allocation:round_list"))
    outline = """() => { const s = getComputedStyle(document.activeElement);
      return [document.activeElement.tagName, s.outlineStyle, parseFloat(s.outlineWidth)]; }"""
    seen = set()
    for _ in range(25):
        page.keyboard.press("Tab")
        tag, style, width = page.evaluate(outline)
        if tag == "BODY":
            break
        assert style != "none" and width >= 2, f"{tag} har ingen synlig fokus ({style} {width}px)"
        seen.add(tag)
    assert {"A", "BUTTON"} <= seen


def test_failed_form_has_an_error_summary_linked_to_its_fields(page, login, make_user, aarhus):
    from tests import factories
    from users.models import Role

    make_user(Role.SECRETARIAT, cluster=aarhus, username="sek_fejl")
    cy = factories.cluster_year(aarhus, 2022)
    login("sek_fejl")
    page.goto(reverse("accounts:initiative_create", kwargs={"pk": cy.pk}))
    page.fill("#id_name", "")
    page.click("form.form button[type=submit]")
    page.wait_for_load_state()
    summary = page.locator(".error-summary")
    assert summary.count() == 1
    assert summary.get_attribute("role") == "alert"
    # At the top of the form: before its first field.
    assert page.evaluate("""() => { const s = document.querySelector('.error-summary');
      const f = s.closest('form').querySelector('.field');
      return !!(s.compareDocumentPosition(f) & Node.DOCUMENT_POSITION_FOLLOWING); }""")
    links = summary.locator("a")
    assert links.count() >= 1
    href = links.first.get_attribute("href")
    assert href == "#id_name"
    assert "Navn" in links.first.inner_text()
    links.first.click()
    assert page.evaluate("() => document.activeElement.id") == "id_name"


def test_accessibility_statement_is_linked_from_the_footer_and_says_what_the_law_asks(page):
    from django.conf import settings

    page.goto(reverse("login"))
    page.click(f"footer a[href='{STATEMENT}']")
    page.wait_for_load_state()
    assert page.url.endswith(STATEMENT)
    assert page.locator("h1").inner_text() == "Tilgængelighedserklæring"
    headings = page.locator("h2").all_inner_texts()
    assert headings == ["Omfang", "Overholdelsesstatus", "Kendte mangler", "Kontakt", "Klagemulighed", "Om erklæringen"]
    assert "delvist overholdt" in page.locator(".compliance-status").inner_text()
    assert "WCAG 2.1" in page.locator(".compliance-status").inner_text()
    assert page.locator(".known-gaps li").count() >= 3
    assert page.locator(f"a[href='mailto:{settings.ACCESSIBILITY_CONTACT_EMAIL}']").count() == 1
    complaint = page.locator("a[href^='https://digst.dk/']")
    assert complaint.count() == 1
    assert "Digitaliseringsstyrelsen" in page.locator("main").inner_text()
    assert page.locator("time").first.inner_text() == "01.12.2026"
