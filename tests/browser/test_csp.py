"""The Content-Security-Policy in a real Chromium: the admin and the portal's pages work under it.

Every CSP violation the browser reports (the securitypolicyviolation event and the console's
"Content Security Policy" messages) fails the test.
"""
import pytest

from users.models import Role, User

pytestmark = pytest.mark.browser

REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP-violation: ${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
});
"""


@pytest.fixture
def violations(page):
    found = []
    page.add_init_script(REPORT_VIOLATIONS)
    page.on("console", lambda message: found.append(message.text)
            if "CSP-violation" in message.text or "Content Security Policy" in message.text else None)
    return found


def test_the_admin_works_under_the_policy(page, login, make_user, violations):
    admin = make_user(Role.ADMIN, username="chef")
    other = make_user(Role.NATIONAL, username="laeser")
    response = page.goto("/admin/login/")
    assert "default-src 'self'" in response.headers["content-security-policy"]
    page.fill("#id_username", "chef")
    page.fill("#id_password", "test-adgangskode-123")
    page.click("input[type=submit], button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("#site-name").is_visible()

    # A change list with its filters and actions (the admin's own JavaScript).
    page.goto("/admin/users/user/")
    assert page.locator("#result_list").is_visible()
    page.check(f"#result_list input[name=_selected_action][value='{other.pk}']")
    assert page.locator(".action-counter").inner_text().startswith("1")

    # A change form with its widgets; saving it works.
    page.goto(f"/admin/users/user/{other.pk}/change/")
    page.fill("#id_first_name", "Lærke")
    page.click("input[name=_save]")
    page.wait_for_load_state()
    assert "/admin/users/user/" in page.url
    assert User.objects.get(pk=other.pk).first_name == "Lærke"
    assert admin.is_superuser
    assert violations == []


def test_the_portal_pages_work_under_the_policy(page, login, make_user, violations):
    make_user(Role.NATIONAL, username="laeser")
    page.goto("/log-ind/")
    page.click("text=Glemt adgangskode?")
    assert page.locator("h1").inner_text() == "Glemt adgangskode?"
    login("laeser")
    page.goto("/regnskab/")
    select = page.locator("select#year")
    years = select.locator("option").all_inner_texts()
    if len(years) > 1:
        # The year select sends its form by itself (a static script, no inline handler).
        chosen = years[0] if years[0] not in page.url else years[-1]
        with page.expect_navigation():
            select.select_option(chosen)
        assert f"year={chosen}" in page.url
    page.goto("/geografi/")
    assert violations == []
