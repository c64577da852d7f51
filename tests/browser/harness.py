"""Plain helpers of the browser tests (the fixtures are in conftest.py): wait for the app,
open a page from the sidebar, take a screenshot, check that no exception is shown.

Imported as ``harness`` (this folder is on sys.path while its tests run; a module named
``conftest`` would be ambiguous, tests/ has one too)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"


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
