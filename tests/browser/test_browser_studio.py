"""The Train page as one studio at 1280 x 800 (a classroom projector): press Play on the default
task and on adding; the loss, the metric and the live cell's heatmaps are in the viewport
without scrolling, the heatmaps' data change while training, every live chart keeps up with
the Steps counter, no live element fades between ticks, and Play and Pause remount no
chart."""

import re

import pytest
from harness import assert_no_exception, screenshot, wait_for_app

pytestmark = pytest.mark.browser

VIEWPORT = {"width": 1280, "height": 800}
LIVE_PLOT = ".lstm-live-chart .main-svg"
# Every live chart: its key (from the element's class), its box, the step it was drawn at
# (layout.meta.step), and a digest of its heatmap data.
CHARTS = """() => [...document.querySelectorAll('.lstm-live-chart')].map((d) => {
  const holder = d.closest('[class*="st-key-"]');
  const key = holder ? [...holder.classList].find((c) => c.startsWith('st-key-')) : '';
  const box = d.getBoundingClientRect();
  const heat = (d.data || []).find((t) => t.type === 'heatmap');
  let digest = null;
  if (heat) {  // z as sent: base64 of the values, or nested arrays
    const text = heat.z.bdata || JSON.stringify(heat.z);
    let h = 0;
    for (let i = 0; i < text.length; i++) h = (h * 31 + text.charCodeAt(i)) | 0;
    digest = h;
  }
  const meta = d.layout && d.layout.meta;
  return {key, top: box.top, bottom: box.bottom, left: box.left, right: box.right,
          step: meta ? meta.step : null, digest};
})"""
# How the live cell's heatmap was sent: byte codes without hover values while playing, the
# values themselves (for the hover) once paused.
CELL_FORM = """() => {
  const d = document.querySelector('.st-key-train_cell_chart .lstm-live-chart');
  const heat = (d.data || []).find((t) => t.type === 'heatmap');
  return {dtype: heat.z.dtype || null, hover: heat.customdata != null};
}"""
# Records every value the Steps counter shows (in the page, so nothing is missed between
# reads) and, every 40 ms, each chart's step; LAG_NOW reads, in one go (one page.evaluate:
# the page cannot change in between), the counter, the value it showed before, each chart's
# step, and how many values the counter and each chart have shown since the watch began.
WATCH_STEPS = """() => {
  window.__stepsSeen = [];
  window.__chartSteps = {};
  clearInterval(window.__chartPoll);
  window.__chartPoll = setInterval(() => {
    for (const d of document.querySelectorAll('.lstm-live-chart')) {
      const holder = d.closest('[class*="st-key-"]');
      const key = [...holder.classList].find((c) => c.startsWith('st-key-')).slice(7);
      const step = d.layout && d.layout.meta ? d.layout.meta.step : null;
      const seen = window.__chartSteps[key] || (window.__chartSteps[key] = []);
      if (step !== null && seen[seen.length - 1] !== step) seen.push(step);
    }
  }, 40);
  const read = () => {
    const m = [...document.querySelectorAll('[data-testid=stMetric]')]
        .find((e) => e.innerText.startsWith('Steps'));
    const v = m ? parseInt(m.innerText.split('\\n').pop().replace(/[^0-9]/g, ''), 10) : null;
    const seen = window.__stepsSeen;
    if (v !== null && seen[seen.length - 1] !== v) seen.push(v);
  };
  new MutationObserver(read).observe(document.body, {subtree: true, childList: true,
                                                     characterData: true});
  read();
}"""
LAG_NOW = """() => {
  const seen = window.__stepsSeen;
  const steps = {}, hidden = {};
  for (const d of document.querySelectorAll('.lstm-live-chart')) {
    const holder = d.closest('[class*="st-key-"]');
    const key = [...holder.classList].find((c) => c.startsWith('st-key-'));
    const r = d.getBoundingClientRect();
    const inside = Math.min(r.bottom, window.innerHeight) - Math.max(r.top, 0);
    const shown = r.width > 0 && inside >= 0.25 * r.height;  // ui/live_chart.py's IN_VIEW
    (shown ? steps : hidden)[key.slice(7)] = d.layout && d.layout.meta ? d.layout.meta.step : null;
  }
  const shown = Object.fromEntries(
      Object.entries(window.__chartSteps).map(([k, v]) => [k, v.length]));
  return {now: seen[seen.length - 1], before: seen[seen.length - 2], steps, hidden,
          counter_values: seen.length, chart_values: shown};
}"""
# The lowest opacity of any live element (charts and counters) over 3 s, sampled every 50 ms.
LOWEST_OPACITY = """async () => {
  let lowest = 1;
  for (let i = 0; i < 60; i++) {
    const live = document.querySelectorAll('.lstm-live-chart, [data-testid="stMetric"]');
    for (const d of live) for (let e = d; e; e = e.parentElement) {
      lowest = Math.min(lowest, parseFloat(getComputedStyle(e).opacity));
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return lowest;
}"""


def steps_shown(page) -> int:
    text = page.get_by_test_id("stMetric").filter(has_text="Steps").first.inner_text()
    return int(re.sub(r"[^0-9]", "", text.split("\n")[-1]) or 0)


def charts(page) -> dict:
    return {c["key"].removeprefix("st-key-"): c for c in page.evaluate(CHARTS)}


def open_studio(browser, app_url: str, query: str = ""):
    context = browser.new_context(viewport=VIEWPORT, locale="en-US")
    page = context.new_page()
    page.goto(f"{app_url}/?page=train{query}")
    wait_for_app(page, LIVE_PLOT, timeout_ms=150_000)  # a cold server on a loaded machine
    page.wait_for_function(
        "() => [...document.querySelectorAll('.lstm-live-chart')]"
        ".some((d) => (d.data || []).some((t) => t.type === 'heatmap'))",
        timeout=60_000,
    )
    return context, page


def late_charts(page, keys=None, samples: int = 5, budget_ms: int = 15_000) -> list:
    """(chart, its step, the counter, the counter before) for each sample where a chart (of
    ``keys``; default: every live chart in view) was more than one tick behind the Steps
    counter. Samples only once the counter has moved since the watch began, ``samples`` of
    them (fewer if the machine is so loaded that ``budget_ms`` runs out: at least one).
    Also asserts that the counter moved with the charts: it showed at least half as many
    values as the chart that changed most (a frozen counter showed 2 while they showed 6)."""
    page.evaluate(WATCH_STEPS)
    late, checked, waited = [], 0, 0
    while checked < samples and waited < budget_ms:
        page.wait_for_timeout(500)
        waited += 500
        read = page.evaluate(LAG_NOW)
        if read["before"] is None:
            continue  # the counter has not moved since the watch began
        checked += 1
        for key in keys or read["steps"]:
            step = read["steps"].get(key)
            # The counters are drawn after the charts in each tick, so a chart shows the
            # counter's step, or (while the browser is still drawing it) the one before.
            if step is None or step < read["before"]:
                late.append((key, step, read["now"], read["before"]))
    assert checked, "the Steps counter did not move while watching"
    most = max(read["chart_values"].values())
    assert read["counter_values"] >= most / 2, f"the Steps counter lagged the charts: {read}"
    return late


def play_until_training(page) -> None:
    page.get_by_role("button", name="Play", exact=True).click()
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=stMetric]')]"
        ".some((m) => m.innerText.startsWith('Steps') && !/\\n0$/.test(m.innerText))",
        timeout=60_000,
    )
    page.get_by_role("button", name="Pause", exact=True).wait_for(timeout=30_000)


@pytest.mark.parametrize("query", ["", "&task=adding"], ids=["default", "adding"])
def test_play_shows_loss_metric_and_gates_on_one_screen_and_every_chart_keeps_up(
    browser, app_url, query
):
    context, page = open_studio(browser, app_url, query)
    try:
        play_until_training(page)
        page.wait_for_timeout(1500)
        seen = charts(page)
        for key in ("train_cell_chart", "train_loss_chart", "train_metric_chart"):
            box = seen[key]
            assert box["top"] >= 0 and box["bottom"] <= VIEWPORT["height"] + 1, (key, box)
            assert box["right"] <= VIEWPORT["width"] + 1, (key, box)
        first, steps = seen["train_cell_chart"]["digest"], steps_shown(page)
        page.wait_for_timeout(1000)
        now = charts(page)["train_cell_chart"]
        assert now["digest"] != first, f"the heatmaps did not change (steps {steps} -> {now}"
        assert page.evaluate(LOWEST_OPACITY) == 1, "a live element faded while training"
        # Every live chart in view shows the counter's step, or the one it showed a tick
        # before; the charts below the fold are not redrawn until they scroll into view (the
        # next test scrolls to them).
        late = late_charts(page)
        below = page.evaluate(LAG_NOW)["hidden"]
        assert not late, f"charts out of step with the counter (chart, step, counter): {late}"
        page.wait_for_timeout(1500)
        assert below, "no chart below the fold"
        assert page.evaluate(LAG_NOW)["hidden"] == below, "a chart out of view was redrawn"
        assert_no_exception(page)
        screenshot(page, f"studio_running{query.replace('&task=', '_')}", full_page=False)
        assert page.evaluate(CELL_FORM) == {"dtype": "u1", "hover": False}
        page.get_by_role("button", name="Pause", exact=True).click()
        page.get_by_role("button", name="Play", exact=True).wait_for(timeout=90_000)
        page.wait_for_function(f"() => ({CELL_FORM})().hover", timeout=30_000)
        # Play again: the counters are back at once and move with the charts.
        play_until_training(page)
        late = late_charts(page, samples=2)
        assert not late, f"after Pause and Play, out of step (chart, step, counter): {late}"
    finally:
        context.close()


def test_the_charts_below_keep_up_once_scrolled_into_view(browser, app_url):
    context, page = open_studio(browser, app_url)
    try:
        play_until_training(page)
        page.wait_for_timeout(1500)
        page.locator(".st-key-train_grad_chart").scroll_into_view_if_needed()
        late = late_charts(page)  # the second row in view, the first row above it
        assert not late, f"charts out of step with the counter (chart, step, counter): {late}"
    finally:
        context.close()


# Marks every live chart's node; KEPT then lists the charts whose node is new (remounted)
# and the marked nodes no longer in the page.
MARK = "() => document.querySelectorAll('.lstm-live-chart').forEach((d) => { d.__mark = 1; })"
KEPT = """() => {
  const now = [...document.querySelectorAll('.lstm-live-chart')];
  const key = (d) => [...d.closest('[class*="st-key-"]').classList]
      .find((c) => c.startsWith('st-key-'));
  return now.filter((d) => !d.__mark).map(key);
}"""


def test_play_and_pause_keep_every_chart_in_place(browser, app_url):
    """Play and Pause rerun the whole page, then the live fragment ticks at once: the charts
    at the bottom of the studio must stay the same nodes (they were dropped from the queue
    and remounted when the first tick started before they had left the server)."""
    context, page = open_studio(browser, app_url)
    try:
        page.wait_for_function("() => document.querySelectorAll('.lstm-live-chart').length >= 5")
        page.evaluate(MARK)
        for _ in range(2):
            play_until_training(page)
            page.wait_for_timeout(2000)
            page.get_by_role("button", name="Pause", exact=True).click()
            page.get_by_role("button", name="Play", exact=True).wait_for(timeout=90_000)
            page.wait_for_timeout(1000)
        assert page.evaluate(KEPT) == [], "live charts remounted by Play and Pause"
        assert_no_exception(page)
    finally:
        context.close()
