"""The live cell's time cursor and unit are an overlay: a move draws the cursor line where
Plotly's own x axis puts the step, with the values of the trace, without redrawing the
heatmaps; a tab that lost the figure asks for it and gets it again."""

import pytest
from harness import assert_no_exception, wait_for_app

pytestmark = pytest.mark.browser

LINK = "/?page=train&lang=en&task=reber&k.seq_len=60&hidden=8"
DIV = "document.querySelector('.st-key-train_cell_chart .lstm-live-chart')"
# The cursor line's x in pixels, where the chart's x axis puts the overlay's step, the
# overlay's corner relative to the plot's, the number of Plotly draws since counting began,
# and the figure string's length.
STATE = f"""() => {{
  const d = {DIV};
  const line = d.parentElement.querySelector('svg.lstm-overlay path[stroke-dasharray]');
  const xa = d._fullLayout.xaxis, o = d.__lstmOverlayDrawn;
  const svg = d.parentElement.querySelector('svg.lstm-overlay').getBoundingClientRect();
  const plot = d.getBoundingClientRect();
  return {{line: parseFloat(line.getAttribute('d').slice(1)), at: xa._offset + xa.l2p(o.cursor),
           shift: [svg.left - plot.left, svg.top - plot.top],
           cursor: o.cursor, draws: d.__draws, figure: d.__lstmFigure.length,
           texts: [...d.parentElement.querySelectorAll('svg.lstm-overlay text')]
                  .map((e) => e.textContent)}};
}}"""
COUNT = f"() => {{ const d = {DIV}; d.__draws = 0; d.on('plotly_afterplot', () => d.__draws++); }}"


def test_cursor_moves_the_overlay_not_the_heatmaps(app_url, page):
    page.goto(app_url + LINK)
    wait_for_app(page, ".st-key-train_cell_chart .main-svg")
    page.get_by_role("button", name="Step", exact=True).click()
    page.wait_for_function(f"() => {DIV}.__lstmOverlayDrawn && {DIV}.layout.meta.step === 1")
    page.evaluate(COUNT)
    thumb = page.get_by_test_id("stSlider").filter(has_text="Time cursor t").get_by_role("slider")
    thumb.focus()
    page.keyboard.press("ArrowLeft")
    page.wait_for_function(f"() => {DIV}.__lstmOverlayDrawn.cursor === 58")
    moved = page.evaluate(STATE)
    assert moved["draws"] == 0 and abs(moved["line"] - moved["at"]) < 0.2
    assert max(map(abs, moved["shift"])) < 0.5  # the overlay lies exactly on the plot
    assert len(moved["texts"]) == 6 and moved["texts"][-1].startswith("h[0] = ")

    # A tab without the figure (its cache lost) asks for it on the next move and draws it.
    page.evaluate(
        f"() => {{ delete window.__lstmFigures['train_cell_chart']; {DIV}.__lstmFigure = ''; }}"
    )
    thumb.focus()
    page.keyboard.press("ArrowLeft")
    page.wait_for_function(f"() => {DIV}.__lstmFigure.length > 1000 && {DIV}.__draws > 0")
    assert page.evaluate(STATE)["cursor"] == 57
    assert_no_exception(page)
