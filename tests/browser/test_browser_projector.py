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


def open_projector(browser, app_url: str, query: str, lang: str, projector: str = "1"):
    context = browser.new_context(viewport=VIEWPORT, locale="en-US")
    page = context.new_page()
    page.goto(f"{app_url}/?page=train&projector={projector}&lang={lang}{query}")
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


# The studio's controls (run bar and live cell): how many lines each label or button text
# takes. Streamlit keys its widgets' containers with st-key-<key>.
STUDIO_KEYS = ("train_play", "train_pause", "train_step", "train_reset", "train_speed")
STUDIO_KEYS += ("train_tables", "train_cell_layer", "train_cell_unit", "train_cell_t")
STUDIO_KEYS += ("train_cell_norm",)
LABEL_LINES = """(keys) => keys.flatMap((key) => {
  const box = document.querySelector(`.st-key-${key}`);
  if (!box) return [];
  const texts = box.querySelectorAll('[data-testid="stWidgetLabel"] p, button p, label p');
  return [...texts].filter((p) => p.innerText.trim()).map((p) => {
    const h = parseFloat(getComputedStyle(p).lineHeight) || 24;
    return [key, p.innerText, Math.round(p.getBoundingClientRect().height / h)];
  });
})"""
# Per chart: the boxes of its x axis title, tick labels, legend, title and annotations, and
# of the chart itself.
CHART_PARTS = """(key) => {
  const plot = document.querySelector(`.st-key-${key} .js-plotly-plot`);
  const box = (e) => { const r = e.getBoundingClientRect();
    return {left: r.left, right: r.right, top: r.top, bottom: r.bottom}; };
  const all = (sel) => [...plot.querySelectorAll(sel)].filter((e) => e.getBBox().width > 0)
      .map(box);
  return {chart: box(plot), xtitle: all('.xtitle'), ticks: all('.xtick text'),
          legend: all('.legend .traces'), title: all('.gtitle'), notes: all('.annotation')};
}"""


def _apart(a: dict, b: dict, gap: float) -> bool:
    """Boxes ``a`` and ``b`` are at least ``gap`` px apart (side by side or one above)."""
    return (
        a["right"] + gap <= b["left"]
        or b["right"] + gap <= a["left"]
        or a["bottom"] + gap <= b["top"]
        or b["bottom"] + gap <= a["top"]
    )


def _inside(a: dict, chart: dict) -> bool:
    return (
        a["left"] >= chart["left"] - 1
        and a["right"] <= chart["right"] + 1
        and a["top"] >= chart["top"] - 1
        and a["bottom"] <= chart["bottom"] + 1
    )


STUDIO_CHARTS = ("train_loss_chart", "train_metric_chart", "train_grad_chart")


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize(
    "task, projector", [("sine", "1"), ("series", "1"), ("series", "0"), ("sine", "0")]
)
def test_studio_labels_fit_and_chart_texts_keep_apart(browser, app_url, lang, task, projector):
    """With and without projector mode: the legends sit under the x axis texts."""
    context, page = open_projector(browser, app_url, f"&task={task}", lang, projector)
    try:
        step(page, lang)
        page.wait_for_timeout(1000)
        lines = page.evaluate(LABEL_LINES, list(STUDIO_KEYS))
        charts = {k: page.evaluate(CHART_PARTS, k) for k in STUDIO_CHARTS}
        screenshot(page, f"studio_labels_{task}_{lang}_p{projector}")
        assert len(lines) >= 6, lines
        assert max(n for _, _, n in lines) == 1, [x for x in lines if x[2] > 1]
        for key, parts in charts.items():
            texts = parts["xtitle"] + parts["legend"] + parts["title"] + parts["notes"]
            assert parts["xtitle"] and all(_inside(t, parts["chart"]) for t in texts), key
            for legend in parts["legend"]:
                for other in parts["xtitle"] + parts["ticks"]:
                    assert _apart(legend, other, 4), f"{key}: legend touches the x axis texts"
            for title in parts["xtitle"]:
                for note in parts["notes"]:
                    assert _apart(title, note, 2), f"{key}: a label sits on the axis title"
            notes = parts["notes"]
            for k, note in enumerate(notes):
                assert all(_apart(note, other, 0) for other in notes[k + 1 :]), f"{key}: labels"
    finally:
        context.close()
