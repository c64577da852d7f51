"""Browser: on the real Arena page, two models solved at the same step get 'solved' labels whose
drawn text lines do not overlap, in both charts, on a laptop and in projector mode.

The route is an honest one: a share link sets the Train page's task to the sunspot series
(``?task=series``, every other value the default), the Arena's "Train page's task and settings"
preset races an LSTM against an RNN on it, and both pass the forecast-skill threshold at the
first evaluation after training starts (step 25, seed 0; ``tests/test_arena_solved_together.py``
checks this with the engine alone). Screenshot in artifacts/screenshots/."""

import pytest
from harness import assert_no_exception, screenshot, wait_for_app

pytestmark = pytest.mark.browser

CHART = "div.lstm-live-chart .main-svg"
# Per live chart: every drawn line of every annotation (a multi-line label is one <tspan
# class="line"> per line), as its text and its box on the screen.
LABEL_LINES = """() => [...document.querySelectorAll('div.lstm-live-chart')].map(div =>
  [...div.querySelectorAll('.annotation-text')].flatMap(text => {
    const lines = text.querySelectorAll('tspan.line');
    return lines.length ? [...lines] : [text];
  }).map(e => {
    const r = e.getBoundingClientRect();
    return {text: e.textContent, x0: r.left, x1: r.right, y0: r.top, y1: r.bottom};
  }))"""


def overlap(a: dict, b: dict) -> bool:
    return a["x0"] < b["x1"] and b["x0"] < a["x1"] and a["y0"] < b["y1"] and b["y0"] < a["y1"]


@pytest.mark.parametrize("projector", [False, True], ids=["laptop", "projector"])
def test_labels_of_models_solved_at_the_same_step_do_not_overlap(app_url, page, projector):
    # Projector mode's larger text is where labels one above the other per slot collided.
    page.goto(f"{app_url}/?page=arena&task=series" + ("&projector=1" if projector else ""))
    wait_for_app(page, CHART, timeout_ms=120_000)
    assert_no_exception(page)
    page.get_by_label("Preset").click()
    page.get_by_role("option", name="The Train page's task and settings").click()
    page.get_by_text("task Real time series").wait_for(timeout=30_000)  # the setup note
    wait_for_app(page, CHART)
    page.get_by_role("button", name="Play", exact=True).click()
    badges = page.locator('[data-testid="stMetric"]')
    page.wait_for_function(
        """() => { const b = [...document.querySelectorAll('[data-testid="stMetric"]')];
                   return b.length === 2 && b.every(e => e.innerText.includes('✓')); }""",
        timeout=120_000,
    )
    page.get_by_role("button", name="Pause", exact=True).click()
    page.wait_for_function(
        "() => !document.querySelector('.st-key-arena_play button').disabled", timeout=30_000
    )
    page.wait_for_timeout(800)  # the paused page's charts
    assert_no_exception(page)
    texts = [badges.nth(k).inner_text() for k in range(2)]
    assert all("✓ step 25" in text for text in texts), texts  # solved at the same step
    charts = page.evaluate(LABEL_LINES)
    assert len(charts) == 2
    for lines in charts:
        shown = " | ".join(line["text"] for line in lines)
        assert "LSTM solved" in shown and "RNN solved" in shown, shown
        for i, a in enumerate(lines):
            for b in lines[i + 1 :]:
                assert not overlap(a, b), f"{a} overlaps {b}"
    page.locator(CHART).first.scroll_into_view_if_needed()
    name = "arena_solved_together" + ("_projector" if projector else "")
    screenshot(page, name, full_page=False)
