"""Real Chromium through Playwright, against pytest-django's live server (a pytest plugin for every test folder).

Uses Debian's chromium package (never a downloaded browser). Skips only when
the component is truly absent, and says which one; CI installs both.
"""
import os
import shutil
from pathlib import Path

import pytest

SCREENSHOT_DIR = Path(__file__).resolve().parents[1] / "screenshots"

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop


def _chromium_path():
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("Playwright for Python er ikke installeret (pip install playwright)")
    executable = _chromium_path()
    if not executable:
        pytest.skip("Debians chromium-pakke er ikke installeret (apt-get install -y chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable,
            headless=True,
            args=[
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, transactional_db):
    from tests.conftest import ensure_reference_data

    ensure_reference_data()
    context = browser.new_context(accept_downloads=True, locale="da-DK", base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def login(page):
    """Log a user in through the real login form."""
    from tests.conftest import TEST_PASSWORD

    def _login(username: str, password: str = TEST_PASSWORD):
        page.context.clear_cookies()
        page.goto("/log-ind/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("button[type=submit]")
        page.wait_for_load_state()

    return _login


@pytest.fixture
def shot(page, request):
    """Save a screenshot under screenshots/<test name>/NN-label.png (git-ignored)."""
    folder = SCREENSHOT_DIR / request.node.name
    folder.mkdir(parents=True, exist_ok=True)
    counter = {"n": 0}

    def _shot(label: str):
        counter["n"] += 1
        path = folder / f"{counter['n']:02d}-{label}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return _shot
