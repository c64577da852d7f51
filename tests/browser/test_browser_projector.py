"""Projector mode (``?projector=1``) in headless Chromium at 1280 x 800, in English and Chinese:
the prediction is a solid thick line on the target's own steps, and the studio's run bar,
legends and axis titles neither wrap nor collide."""

from __future__ import annotations

import pytest
from harness import assert_no_exception, screenshot, wait_for_app

from ui.i18n import translate

pytestmark = pytest.mark.browser

VIEWPORT = {"width": 1280, "height": 800}

# Every line trace of one chart as drawn: its name, subplot, stroke width and dash pattern,
# opacity, and the drawn x extent of its path.
LINES = """(key) => {
  const plot = document.querySelector(`.st-key-${key} .js-plotly-plot`);
  return [...plot.querySelectorAll('g.trace.scatter')].map((g) => {
    const trace = g.__data__[0].trace;
    const path = g.querySelector('path.js-line');
    if (!path || !path.getAttribute('d')) return null;
    const style = getComputedStyle(path);
    const box = path.getBBox();
    return {name: trace.name, axis: trace.xaxis || 'x', width: parseFloat(style.strokeWidth),
            dash: style.strokeDasharray, opacity: parseFloat(getComputedStyle(g).opacity),
            left: box.x, right: box.x + box.width};
  }).filter((l) => l);
}"""


def open_projector(browser, app_url: str, query: str, lang: str):
    context = browser.new_context(viewport=VIEWPORT, locale="en-US")
    page = context.new_page()
    page.goto(f"{app_url}/?page=train&projector=1&lang={lang}{query}")
    wait_for_app(page, ".st-key-train_loss_chart .main-svg", timeout_ms=120_000)
    assert_no_exception(page)
    return context, page


def step(page, lang: str, times: int = 2) -> None:
    for _ in range(times):
        page.get_by_role("button", name=translate("train.step", lang), exact=True).click()
        page.wait_for_timeout(300)
        wait_for_app(page, None, timeout_ms=120_000)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_projector_prediction_is_solid_thick_and_on_the_targets_steps(browser, app_url, lang):
    context, page = open_projector(browser, app_url, "&task=sine", lang)
    try:
        step(page, lang)
        page.locator(".st-key-train_pred_chart").scroll_into_view_if_needed()
        page.wait_for_timeout(1000)
        lines = {
            (line["name"], line["axis"]): line for line in page.evaluate(LINES, "train_pred_chart")
        }
        screenshot(page, f"projector_prediction_{lang}", full_page=False)
        name = lambda key: translate(f"train.chart.{key}", lang)  # noqa: E731
        target, guess = lines[(name("target"), "x")], lines[(name("prediction"), "x")]
        forecast = lines[(name("forecast"), "x2")]
        for line in (guess, forecast):
            assert line["dash"] in ("none", ""), f"{line['name']} is dashed: {line['dash']}"
            assert line["width"] >= 6 and line["opacity"] == 1, line
        assert target["dash"] in ("none", "") and target["width"] > guess["width"], target
        # Both on the same steps: the prediction starts and ends where the target does.
        assert guess["left"] == pytest.approx(target["left"], abs=0.5)
        assert guess["right"] == pytest.approx(target["right"], abs=0.5)
    finally:
        context.close()
