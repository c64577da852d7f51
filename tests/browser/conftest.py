"""Browser-test harness shared by every browser test: a Streamlit server on a free loopback
port and a headless Debian Chromium driven by playwright.

Fixtures: ``app_url`` (the server, one per test session), ``page`` (a fresh browser page),
``screenshot(page, name)`` (saves artifacts/screenshots/<name>.png), ``wait_for_app(page)``.
Without /usr/bin/chromium the tests are skipped, or fail when LSTM_PLAYGROUND_REQUIRE_BROWSER=1.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bench.server import CHROMIUM, CHROMIUM_ARGS, StreamlitServer

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"


def _need_browser() -> None:
    if Path(CHROMIUM).exists():
        return
    reason = f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium)"
    if os.environ.get("LSTM_PLAYGROUND_REQUIRE_BROWSER") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def app_url():
    """Start ``streamlit run app.py`` on a free port; yield its URL; stop it by its pid."""
    _need_browser()
    ARTIFACTS.mkdir(exist_ok=True)
    server = StreamlitServer(log_dir=ARTIFACTS)
    try:
        try:
            server.wait_healthy()
        except RuntimeError as e:
            pytest.fail(str(e))
        yield server.url
    finally:
        server.stop()


@pytest.fixture(scope="session")
def browser():
    _need_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    """A fresh tab, 1400 x 1000 (a projector-like landscape), English."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US")
    p = context.new_page()
    yield p
    context.close()


def wait_for_app(page, selector: str | None = None, timeout_ms: int = 60_000) -> None:
    """Wait until the page's script has drawn the sidebar links (every page calls
    ``ui.page.setup``), ``selector`` (if given) is visible, and Streamlit's running indicator
    has gone."""
    page.wait_for_selector('[data-testid="stPageLink-NavLink"]', timeout=timeout_ms)
    if selector:
        page.wait_for_selector(selector, timeout=timeout_ms)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')",
        timeout=timeout_ms,
    )


def screenshot(page, name: str, full_page: bool = True) -> Path:
    """Save artifacts/screenshots/<name>.png. Streamlit scrolls inside its own container, so
    a full-page shot temporarily grows the viewport to the content's height."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    size = page.viewport_size
    if full_page and size:
        height = page.evaluate(
            "() => { const m = document.querySelector('[data-testid=\"stMain\"]');"
            " return m ? m.scrollHeight : document.body.scrollHeight; }"
        )
        page.set_viewport_size({"width": size["width"], "height": max(size["height"], height)})
        page.wait_for_timeout(500)
    page.screenshot(path=str(path))
    if full_page and size:
        page.set_viewport_size(size)
    return path


def assert_no_exception(page) -> None:
    errors = page.locator('[data-testid="stException"]')
    assert errors.count() == 0, errors.first.inner_text()


def open_page(page, label: str, selector: str | None = None) -> None:
    """Navigate by clicking the sidebar link ``label`` (keeps the session, unlike a URL)."""
    page.get_by_test_id("stSidebar").get_by_role("link", name=label, exact=True).click()
    page.wait_for_timeout(300)
    wait_for_app(page, selector)
