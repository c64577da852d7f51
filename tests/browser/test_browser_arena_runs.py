"""Browser: the Arena trains its models live (the curves grow), and a run saved on the Train
page is listed under Saved runs, downloads as a valid bundle and loads back. Screenshots in
artifacts/screenshots/."""

import pytest
from harness import assert_no_exception, open_page, screenshot, wait_for_app

from lstm_core.bundle import load_bundle

pytestmark = pytest.mark.browser

POINTS = """() => {
  const div = document.querySelector('div.lstm-live-chart');
  if (!div || !div._fullData) return -1;
  return div._fullData.filter(t => t.mode === 'lines+markers').map(t => t.x.length)
                      .reduce((a, b) => a + b, 0);
}"""


def test_arena_play_grows_every_curve(app_url, page):
    page.goto(app_url)
    wait_for_app(page)
    open_page(page, "Arena", "div.lstm-live-chart .main-svg")
    assert_no_exception(page)
    before = page.evaluate(POINTS)
    page.get_by_role("button", name="Play", exact=True).click()
    page.wait_for_function(f"() => ({POINTS})() > {before} + 4", timeout=90_000)
    badges = page.locator('[data-testid="stMetric"]')
    assert badges.count() == 4
    screenshot(page, "arena_playing")
    page.get_by_role("button", name="Pause", exact=True).click()
    # Pause takes effect after the tick in flight: wait for the paused page (Play enabled).
    page.wait_for_function(
        "() => !document.querySelector('.st-key-arena_play button').disabled", timeout=30_000
    )
    page.wait_for_timeout(500)
    assert_no_exception(page)
    counts = page.evaluate(
        """() => document.querySelector('div.lstm-live-chart')._fullData
             .filter(t => t.mode === 'lines+markers').map(t => t.x.length)"""
    )
    assert len(counts) == 4 and len(set(counts)) == 1  # every model evaluated equally often
    screenshot(page, "arena_paused")


def test_save_on_train_then_listed_and_loaded(app_url, page):
    page.goto(app_url)
    wait_for_app(page)
    open_page(page, "Train")
    for _ in range(3):
        page.get_by_role("button", name="Step", exact=True).click()
        page.wait_for_timeout(700)
    page.get_by_label("Name of the saved run").fill("browser run")
    page.get_by_role("button", name="Save run", exact=True).click()
    page.get_by_text("Saved as “browser run”").wait_for(timeout=30_000)
    assert_no_exception(page)
    open_page(page, "Saved runs")
    page.get_by_text("#1 browser run").first.wait_for(timeout=30_000)  # the run picker
    page.get_by_text("(saved as run #1)").wait_for(timeout=30_000)
    assert_no_exception(page)
    page.get_by_role("button", name="Download bundle (.zip)").click()  # builds the bundle
    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("button", name="Save the .zip").click()
    run = load_bundle(download.value.path())  # the bundle built on click, fully validated
    assert run.name == "browser run" and run.history.step == [1, 2, 3]
    page.get_by_role("button", name="Load into the session").click()
    page.get_by_text("Loaded “browser run” at step 3").wait_for(timeout=30_000)
    screenshot(page, "saved_runs")
    open_page(page, "Train")
    assert_no_exception(page)
