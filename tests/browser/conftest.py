"""Browser-test harness shared by every browser test: a Streamlit server on a free loopback
port and a headless Debian Chromium driven by playwright.

Fixtures: ``app_url`` (the server, one per test session), ``page`` (a fresh browser page).
The plain helpers the tests call (``wait_for_app``, ``open_page``, ``screenshot``,
``assert_no_exception``) are in ``harness.py`` next to this file.
Without /usr/bin/chromium the tests are skipped, or fail when LSTM_PLAYGROUND_REQUIRE_BROWSER=1.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from harness import ARTIFACTS

from bench.server import CHROMIUM, CHROMIUM_ARGS, StreamlitServer


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
