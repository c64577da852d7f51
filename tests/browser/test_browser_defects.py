"""Visual defects a newcomer hit, checked in headless Chromium at classroom widths in English
and Chinese: aligned prediction rows, titles and legends inside their charts, labels that fit."""

from __future__ import annotations

import pytest
from harness import assert_no_exception, screenshot, wait_for_app

pytestmark = pytest.mark.browser

H1 = '[data-testid="stMain"] h1'
SIZES = {1440: 900, 1280: 800}

# Per prediction table: the x of every cell per row, the right edge of the table and of the
# main column, and the row labels.
PREDICTION_TABLES = """() => [...document.querySelectorAll('table.prediction-rows')].map((t) => ({
  rows: [...t.rows].map((r) => [...r.cells].slice(1).map((c) => c.getBoundingClientRect().x)),
  labels: [...t.rows].map((r) => r.cells[0].innerText),
  right: t.getBoundingClientRect().right,
  main: document.querySelector('[data-testid="stMain"]').getBoundingClientRect().right,
  text: [...t.rows].map((r) => [...r.cells].slice(1).map((c) => c.innerText)),
}))"""


def open_query(page, base: str, query: str, width: int, lang: str) -> None:
    page.set_viewport_size({"width": width, "height": SIZES[width]})
    page.goto(f"{base}/?{query}&lang={lang}")
    wait_for_app(page, H1, timeout_ms=120_000)
    page.wait_for_timeout(500)
    assert_no_exception(page)


def click(page, label: str) -> None:
    page.get_by_role("button", name=label, exact=True).first.click()
    page.wait_for_timeout(300)
    wait_for_app(page, None, timeout_ms=120_000)


@pytest.mark.parametrize(
    ("task", "width", "lang"),
    [("text", 1440, "en"), ("reber", 1280, "zh"), ("next-action", 1280, "en")],
)
def test_prediction_rows_stay_aligned_and_inside_the_page(app_url, page, task, width, lang):
    open_query(page, app_url, f"page=train&task={task}", width, lang)
    for _ in range(3):
        click(page, "Step" if lang == "en" else "单步")
    tables = page.evaluate(PREDICTION_TABLES)
    screenshot(page, f"defects_pred_{task}_{width}_{lang}")
    assert tables, "no prediction rows"
    for table in tables:
        first = table["rows"][0]
        for row in table["rows"][1:]:
            assert row == pytest.approx(first, abs=0.5), "the rows' columns are not aligned"
        assert table["right"] <= table["main"] + 0.5, "a row runs off the page"
    cells = [c for table in tables for row in table["text"] for c in row]
    if task == "text":
        assert not any("\n" in c or "\t" in c for c in cells)
    if task == "next-action":
        assert "browse" in cells or "search" in cells  # one token per cell
    if task == "reber":
        assert len(tables[0]["labels"]) == 5  # input, target, prediction, legal, errors


# Titles, legends and tick labels of every live chart: how far each sticks out of its chart.
CHART_OVERFLOW = """() => [...document.querySelectorAll('.lstm-live-chart')].map((d) => {
  const box = d.getBoundingClientRect();
  const parts = [...d.querySelectorAll('.gtitle, .legend .legendtext, .annotation-text')];
  return Math.max(0, ...parts.map((e) => {
    const r = e.getBoundingClientRect();
    return Math.max(r.right - box.right, box.left - r.left, r.bottom - box.bottom,
        box.top - r.top);
  }));
})"""


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_series_titles_and_legends_fit_their_charts_at_1280(app_url, page, lang):
    open_query(page, app_url, "page=train&task=series", 1280, lang)
    for _ in range(2):
        click(page, "Step" if lang == "en" else "单步")
    page.wait_for_timeout(1500)
    overflow = page.evaluate(CHART_OVERFLOW)
    screenshot(page, f"defects_series_1280_{lang}")
    assert overflow and max(overflow) <= 1, f"chart text sticks out by {overflow} px"


# In the visible tab panel: texts cut off with an ellipsis (selectbox values, labels), and the
# number of lines of each radio option.
CUT_AND_LINES = """() => {
  const panel = [...document.querySelectorAll('[role="tabpanel"]')]
      .find((p) => p.offsetParent !== null);
  const cut = [];
  for (const sel of panel.querySelectorAll('[data-baseweb="select"]')) {
    const arrow = sel.querySelector('svg');
    const limit = arrow ? arrow.getBoundingClientRect().left : sel.getBoundingClientRect().right;
    const walk = document.createTreeWalker(sel, NodeFilter.SHOW_TEXT);
    for (let n = walk.nextNode(); n; n = walk.nextNode()) {
      const r = document.createRange();
      r.selectNodeContents(n);
      const right = r.getBoundingClientRect().right;
      if (n.textContent.trim() && right > limit + 1) cut.push(n.textContent);
    }
  }
  const lines = [...panel.querySelectorAll('[data-testid="stRadio"] label')].map((l) => {
    const h = parseFloat(getComputedStyle(l).lineHeight) || 24;
    return [l.innerText, Math.round(l.getBoundingClientRect().height / h)];
  });
  return {cut, lines};
}"""


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_model_tab_labels_fit_at_1440(app_url, page, lang):
    open_query(page, app_url, "page=train", 1440, lang)
    page.wait_for_selector('[data-testid="stTab"]', timeout=120_000)
    page.get_by_role("tab", name="Model" if lang == "en" else "模型").click(timeout=120_000)
    page.wait_for_function(
        "() => [...document.querySelectorAll('[role=\"tabpanel\"]')]"
        ".some((p) => p.offsetParent && p.querySelector('[data-testid=\"stRadio\"]'))",
        timeout=60_000,
    )
    page.wait_for_timeout(800)
    found = page.evaluate(CUT_AND_LINES)
    screenshot(page, f"defects_model_tab_1440_{lang}", full_page=False)
    assert not found["cut"], f"cut off: {found['cut']}"
    assert found["lines"] and max(n for _, n in found["lines"]) <= 2, found["lines"]
