"""The Home and Train pages in headless Chromium: no exception, live training, no remounts."""

import re
import time

import pytest
from harness import assert_no_exception, open_page, screenshot, wait_for_app

pytestmark = pytest.mark.browser

LIVE_PLOT = ".lstm-live-chart .main-svg"
# Counts live-chart containers added to the page: a remount of a live chart adds a new one
# (Plotly.react on the same <div> adds none).
COUNT_MOUNTS = """() => {
  window.__plotMounts = 0;
  const isPlot = (n) => n.nodeType === 1 &&
      (n.matches('.lstm-live-chart') || n.querySelector('.lstm-live-chart'));
  new MutationObserver((records) => {
    for (const r of records) for (const n of r.addedNodes) if (isPlot(n)) window.__plotMounts++;
  }).observe(document.body, {childList: true, subtree: true});
}"""
# Samples the live charts' opacity every 50 ms for 5 s: Streamlit fades stale elements while a
# tick runs, which would make the charts pulse.
LOWEST_OPACITY_OVER_5_S = """async () => {
  let lowest = 1;
  for (let i = 0; i < 100; i++) {
    for (const d of document.querySelectorAll('.lstm-live-chart')) {
      for (let e = d; e; e = e.parentElement) {
        lowest = Math.min(lowest, parseFloat(getComputedStyle(e).opacity));
      }
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return lowest;
}"""
# Points of the "training" trace of the loss chart, as Plotly drew them.
LOSS_POINTS = """() => {
  const div = [...document.querySelectorAll('.lstm-live-chart')]
      .find((d) => d._fullData && d._fullData.some((t) => t.name === 'training'));
  if (!div) return 0;
  return div._fullData.find((t) => t.name === 'training')._length || 0;
}"""


def steps_shown(page) -> int:
    text = page.get_by_test_id("stMetric").filter(has_text="Steps").first.inner_text()
    return int(re.sub(r"[^0-9]", "", text.split("\n")[-1]) or 0)


def test_home_and_train_render_and_train_live_without_remounting(page, app_url):
    page.goto(app_url)
    wait_for_app(page, "h1")
    assert_no_exception(page)
    screenshot(page, "home")

    open_page(page, "Train", LIVE_PLOT)
    assert_no_exception(page)
    screenshot(page, "train_ready")
    assert steps_shown(page) == 0

    page.get_by_role("button", name="Play", exact=True).click()
    page.wait_for_function("() => true")
    deadline = time.monotonic() + 60
    while steps_shown(page) == 0 and time.monotonic() < deadline:
        page.wait_for_timeout(250)
    assert steps_shown(page) > 0, "the step counter did not move after Play"

    page.evaluate(COUNT_MOUNTS)  # every live chart has been drawn once by now
    first = steps_shown(page)
    faintest = page.evaluate(LOWEST_OPACITY_OVER_5_S)
    page.wait_for_timeout(5000)  # 10 s of training in all: the remount window
    mounts = page.evaluate("() => window.__plotMounts")
    assert faintest == 1, f"live charts faded to opacity {faintest} between ticks"
    assert steps_shown(page) > first, "training stopped while watching"
    assert page.evaluate(LOSS_POINTS) > 0, "the loss chart has no points"
    assert mounts == 0, f"live charts were remounted {mounts} times in 10 s of training"
    assert_no_exception(page)
    screenshot(page, "train_running")

    page.get_by_role("button", name="Pause", exact=True).click()
    # Pause takes effect at the end of the tick in flight: on a loaded machine that tick can
    # outlast a fixed wait, so wait for the run bar to offer Play again (the paused page).
    page.get_by_role("button", name="Play", exact=True).wait_for(timeout=90_000)
    page.wait_for_timeout(1000)
    paused = steps_shown(page)
    page.wait_for_timeout(1500)
    assert steps_shown(page) == paused, "Pause did not stop training"


def test_a_chinese_browser_gets_the_chinese_train_page(browser, app_url):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(app_url)
        wait_for_app(page, "h1")
        assert page.locator("h1").first.inner_text() == "LSTM 游乐场"
        open_page(page, "训练", LIVE_PLOT)
        assert page.locator("h1").first.inner_text() == "训练"
        assert_no_exception(page)
        screenshot(page, "train_zh")
    finally:
        context.close()
