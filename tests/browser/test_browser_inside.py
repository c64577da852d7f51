"""Inside the cell and Cell sandbox in headless Chromium: no exception element, the widgets
move what they should in the drawn figures, and a screenshot of each state for a person to
look at (artifacts/screenshots/)."""

import harness
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

pytestmark = pytest.mark.browser

PLOT = ".js-plotly-plot"


def settle(page) -> None:
    """Wait for the rerun a widget change starts, then for it to finish."""
    page.wait_for_timeout(400)
    harness.wait_for_app(page, timeout_ms=120_000)
    page.wait_for_timeout(600)


# The overlay's cursor line (its x in pixels) and where the first chart's x axis puts step t.
CURSOR_PX = f"""(t) => {{
  const g = document.querySelectorAll('{PLOT}')[0];
  const line = g.parentElement.querySelector('svg.lstm-overlay path[stroke-dasharray]');
  const xa = g._fullLayout.xaxis;
  return [parseFloat(line.getAttribute('d').slice(1)), xa._offset + xa.l2p(t)];
}}"""


# The cursor's segments ([top, bottom] in pixels) and every subplot's [top, bottom]: the line
# runs over the subplots only, never through the titles in the gaps between them.
CURSOR_SPANS = f"""() => {{
  const g = document.querySelectorAll('{PLOT}')[0], fl = g._fullLayout;
  const d = g.parentElement.querySelector('svg.lstm-overlay path[stroke-dasharray]')
    .getAttribute('d');
  const spans = [...d.matchAll(/M[-0-9.]+ ([-0-9.]+)V([-0-9.]+)/g)].map((m) => [+m[1], +m[2]]);
  const axes = fl._subplots.yaxis.map((id) => fl['yaxis' + id.slice(1)])
    .map((a) => [a._offset, a._offset + a._length]);
  return {{spans, axes}};
}}"""


# Before a unit pick: mark the heatmaps' chart element and count both charts' Plotly draws.
WATCH = """() => {
  for (const key of ['inside_heatmaps', 'inside_lines']) {
    const d = document.querySelector('.st-key-' + key + ' .lstm-live-chart');
    d.__mark = d.__lstmFigure; d.__draws = 0; d.on('plotly_afterplot', () => d.__draws++);
  }
}"""
# After it: the same element with the same figure (no remount, no new figure), Plotly draws
# since, the overlay's unit lines (SVG paths) and legend, and where the last line starts in
# pixels next to where Plotly's own axes of its subplot put its first value.
PICKED = """() => {
  const heat = document.querySelector('.st-key-inside_heatmaps .lstm-live-chart');
  const d = document.querySelector('.st-key-inside_lines .lstm-live-chart');
  const svg = d.parentElement.querySelector('svg.lstm-overlay');
  const paths = [...svg.querySelectorAll('path[clip-path]')];
  const last = d.__lstmOverlayDrawn.lines.at(-1), fl = d._fullLayout;
  const xa = fl['xaxis' + last.axis], ya = fl['yaxis' + last.axis];
  const start = paths.at(-1).getAttribute('d').slice(1).split('L')[0].split(' ').map(Number);
  return {kept: heat.__mark === heat.__lstmFigure, heat_draws: heat.__draws,
          line_draws: d.__draws, lines: paths.length,
          legend: [...svg.querySelectorAll('.lstm-legend text')].map((e) => e.textContent),
          start, at: [xa._offset + xa.l2p(0), ya._offset + ya.l2p(last.y[0])]};
}"""


def plot_layout(page, index: int, path: str):
    """A value from the layout Plotly is drawing in the ``index``-th chart of the page."""
    return page.evaluate(f"() => document.querySelectorAll('{PLOT}')[{index}].layout.{path}")


def wait_for_plot(page, index: int, condition: str, timeout_ms: int = 60_000) -> None:
    """Wait until ``condition`` (JS, on ``layout``) holds for the ``index``-th chart: a rerun
    redraws the chart a moment after the widget shows its new value."""
    page.wait_for_function(
        f"() => {{ const g = document.querySelectorAll('{PLOT}')[{index}];"
        f" const layout = g && g.layout; return !!layout && ({condition}); }}",
        timeout=timeout_ms,
    )


def test_sandbox_slider_preset_and_sequence_mode(app_url, page):
    page.goto(f"{app_url}/Cell_sandbox")
    harness.wait_for_app(page, PLOT, timeout_ms=180_000)
    harness.assert_no_exception(page)
    harness.screenshot(page, "sandbox")

    # Keyboard on the first slider (x_t[0], 1.00): one step right is 1.05, and the diagram
    # redraws with the new input.
    x_slider = page.get_by_role("slider").first
    assert x_slider.get_attribute("aria-label") == "xₜ[0]"
    assert x_slider.get_attribute("aria-valuetext") == "1.00"
    x_slider.focus()
    page.keyboard.press("ArrowRight")
    settle(page)
    assert page.get_by_role("slider").first.get_attribute("aria-valuetext") == "1.05"
    wait_for_plot(page, 0, "layout.annotations.some(a => a.text.includes('[+1.05]'))")
    texts = plot_layout(page, 0, "annotations.map(a => a.text).join(' ')")
    assert "x<sub>t</sub> = [+1.05]" in texts
    harness.assert_no_exception(page)

    page.get_by_role("button", name="Read", exact=True).click()
    settle(page)
    assert "output gate" in page.get_by_test_id("stAlert").first.inner_text()
    page.get_by_text("Sequence mode").click()
    settle(page)
    harness.assert_no_exception(page)
    assert page.locator(PLOT).count() == 2
    harness.screenshot(page, "sandbox_read_sequence")

    box = page.get_by_test_id("stTextInputField")
    box.fill("1, zero, 0")
    box.press("Enter")
    settle(page)
    harness.assert_no_exception(page)
    assert "not a number" in page.get_by_test_id("stAlert").last.inner_text()


def test_inside_the_cell_quick_model_and_cursor(app_url, page):
    page.goto(f"{app_url}/Inside_the_cell")
    harness.wait_for_app(page, timeout_ms=180_000)
    harness.assert_no_exception(page)
    harness.screenshot(page, "inside_no_model")
    page.get_by_role("button", name="Train a quick model (200 steps)").click()
    page.wait_for_selector(PLOT, timeout=180_000)
    settle(page)
    harness.assert_no_exception(page)

    # The time cursor (second slider: the first is the training-time slider) moves the dotted
    # line drawn through every heatmap.
    cursor = page.get_by_role("slider").nth(1)
    cursor.focus()
    for _ in range(7):
        page.keyboard.press("ArrowRight")
    settle(page)
    t = int(page.get_by_role("slider").nth(1).get_attribute("aria-valuetext"))
    assert t == 7
    # The cursor is an overlay over the heatmaps (a move does not redraw them), at the pixel
    # Plotly's own x axis gives step t.
    wait_for_plot(page, 0, f"g.__lstmOverlayDrawn && g.__lstmOverlayDrawn.cursor === {t}")
    assert not plot_layout(page, 0, "shapes.filter(s => s.name === 'cursor').length")
    line_x, axis_x = page.evaluate(CURSOR_PX, t)
    assert abs(line_x - axis_x) < 0.2
    drawn = page.evaluate(CURSOR_SPANS)
    assert len(drawn["axes"]) > 2 and sorted(drawn["spans"]) == sorted(drawn["axes"])
    harness.assert_no_exception(page)

    # A unit pick redraws no chart: the heatmaps keep their element and figure, and the new
    # unit's line in every subplot of the unit lines is their overlay, on Plotly's own axes.
    page.evaluate(WATCH)
    units = page.get_by_test_id("stMultiSelect").filter(has=page.get_by_text("Units", exact=True))
    option = page.get_by_role("option", name="unit 4", exact=True).first
    for _ in range(3):  # a click that lands during a rerun opens nothing: again
        units.locator("input").first.click()
        try:
            option.wait_for(timeout=5_000)
            break
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
    option.click()
    page.keyboard.press("Escape")
    page.wait_for_function(
        "() => document.querySelectorAll("
        "'.st-key-inside_lines svg.lstm-overlay path[clip-path]').length === 24"
    )
    picked = page.evaluate(PICKED)
    assert picked["kept"] and picked["heat_draws"] == 0 and picked["line_draws"] == 0, picked
    assert picked["legend"] == ["unit 0", "unit 1", "unit 2", "unit 4"], picked
    assert all(abs(a - b) < 0.2 for a, b in zip(picked["start"], picked["at"], strict=True))
    harness.assert_no_exception(page)
    harness.screenshot(page, "inside")  # last: a full-page shot resizes, and Plotly redraws


# The training-time slider's value, the "live" caption's step and a digest of the heatmaps.
FOLLOWING = """() => {
  const value = document.querySelector('.st-key-inside_step [data-testid=stSliderThumbValue]');
  const caption = [...document.querySelectorAll('[data-testid=stCaptionContainer]')]
    .map((e) => e.innerText).find((t) => t.includes('follow the model live')) || '';
  const chart = document.querySelector('.st-key-inside_heatmaps .lstm-live-chart');
  const heat = ((chart && chart.data) || []).find((t) => t.type === 'heatmap');
  const text = heat ? (heat.z.bdata || JSON.stringify(heat.z)) : '';
  let digest = 0;
  for (let i = 0; i < text.length; i++) digest = (digest * 31 + text.charCodeAt(i)) | 0;
  const step = caption.match(/step ([0-9,]+)/);
  return {value: value ? value.innerText : null,
          step: step ? parseInt(step[1].replace(/,/g, ''), 10) : null, digest};
}"""


def test_inside_follows_the_model_while_train_plays(app_url, page):
    """Play on Train, then Inside the cell: the training-time slider stays on "now" tick
    after tick (it fell back to step 0 once the step it showed was no longer an option) and
    the heatmaps change with the model."""
    page.goto(f"{app_url}/?page=train")
    harness.wait_for_app(page, ".lstm-live-chart .main-svg", timeout_ms=180_000)
    page.get_by_role("button", name="Play", exact=True).click()
    page.get_by_role("button", name="Pause", exact=True).wait_for(timeout=60_000)
    page.get_by_test_id("stSidebar").get_by_role("link", name="Inside the cell").click()
    first = page.wait_for_function(  # read once drawn: the page's first run is still settling
        f"() => {{ const f = ({FOLLOWING})(); return f.step && f.digest ? f : null; }}",
        timeout=120_000,
    ).json_value()
    # Some ticks later, a newer step and other heatmaps (on step 0's snapshot they never
    # change, and this wait fails).
    later = page.wait_for_function(
        f"() => {{ const f = ({FOLLOWING})(); return f.step > {first['step']} "
        f"&& f.digest && f.digest !== {first['digest']} ? f : null; }}",
        timeout=60_000,
    ).json_value()
    assert first["value"] == later["value"] == "now", (first, later)
    page.get_by_role("button", name="Pause", exact=True).click()
    harness.assert_no_exception(page)
