"""Buttons that train for seconds show a progress bar, updated as they train: the gradient
preset on Gradient flow and the quick model on Inside the cell, in headless Chromium. The bar's
texts are collected in the page as they change (a MutationObserver), then the page must reach
its trained state with no exception."""

import harness
import pytest

pytestmark = pytest.mark.browser

# Every distinct text of a progress bar while it exists (Streamlit replaces the element's text),
# and when the page showed it (performance.now(), ms).
COLLECT = """() => {
  window.__progress = []; window.__progressAt = [];
  new MutationObserver(() => {
    for (const p of document.querySelectorAll('[data-testid="stProgress"]')) {
      const text = p.innerText.trim();
      if (text && window.__progress[window.__progress.length - 1] !== text) {
        window.__progress.push(text); window.__progressAt.push(performance.now());
      }
    }
  }).observe(document.body, {childList: true, subtree: true, characterData: true});
}"""


# The page has loaded what it preloads (plotly.min.js: a main-thread task of about a second in
# a fresh tab, during which the page shows nothing new): that is the page's load, not the
# button's, so the click comes after it.
LOADED = "() => !window.__lstmPlotlyLoading || !!window.Plotly"


def press_and_collect(page, button, done_text: str) -> list[str]:
    page.wait_for_function(LOADED, timeout=120_000)
    page.evaluate(COLLECT)
    button.click()
    page.get_by_text(done_text).first.wait_for(timeout=180_000)
    harness.wait_for_app(page, timeout_ms=180_000)
    harness.assert_no_exception(page)
    return page.evaluate("() => window.__progress")


def steps_shown(texts: list[str]) -> list[int]:
    """The step numbers written in the bar's texts ("... Step 40 of 150.")."""
    return [
        int(x.split("Step ")[1].split(" of")[0].replace(",", "")) for x in texts if "Step " in x
    ]


def test_gradient_preset_shows_a_moving_progress_bar(app_url, page):
    page.goto(f"{app_url}/Gradient_flow")
    harness.wait_for_app(page, ".js-plotly-plot", timeout_ms=180_000)
    button = page.get_by_role("button", name="Preset: vanishing gradients (adding problem, T = 50)")
    texts = press_and_collect(
        page, button, "Your model: LSTM on Adding problem, after 150 training steps"
    )
    assert texts and texts[0].startswith("Training the preset"), texts
    steps = steps_shown(texts)
    assert steps and steps == sorted(steps) and steps[-1] <= 150, texts  # updated, forward


def test_inside_quick_model_shows_a_moving_progress_bar(app_url, page):
    page.goto(f"{app_url}/Inside_the_cell")  # a new session: no model yet
    harness.wait_for_app(page)
    texts = press_and_collect(
        page, page.get_by_role("button", name="Train a quick model (200 steps)"), "Time cursor"
    )
    assert texts and texts[0] == "Training…", texts  # the bar is up before the model is built
    steps = steps_shown(texts)
    assert steps and steps == sorted(steps) and steps[-1] <= 200, texts
    # The bar moves as it trains: typically every 0.25 s of training (the median of the
    # intervals between its texts; single steps on a loaded machine may take longer).
    shown = page.evaluate("() => window.__progressAt")
    intervals = sorted(b - a for a, b in zip(shown, shown[1:], strict=False))
    assert len(intervals) >= 3 and intervals[len(intervals) // 2] < 1000, intervals
    page.wait_for_selector(".st-key-inside_heatmaps .main-svg", timeout=60_000)  # then drawn
