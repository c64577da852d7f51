"""Time-cursor and unit latency measured in the browser: from the input event until the chart
has been redrawn (Reber, T = 240, H = 64), on the Train page's live cell and on Inside the
cell. Goal: <= 300 ms (median).

The session is opened through a link (``?page=train&task=reber&hidden=64``), trained for a
few seconds, paused, then:
- the cursor slider is moved with the arrow keys; each move waits for the chart's cursor line
  (the overlay's cursor once drawn, else ``layout.shapes[name=cursor].x0``) to reach the new
  step;
- a unit is picked (the live cell's unit picker; Inside's unit list); each pick waits for
  the chart's next ``plotly_afterplot`` event or overlay draw.

    python -m bench.app_cursor [--quick] [--moves 8]
"""

from __future__ import annotations

import argparse
import json
import os

from playwright.sync_api import TimeoutError as PlaywrightTimeout

from bench.browser import Costs, judged, session, timed, wait_ready

TARGET_MS = 300.0
LINK = "page=train&lang=en&task=reber&k.seq_len=240&hidden=64"
LIVE = ".lstm-live-chart"
CURSOR_AT = """((key) => {
  const holder = document.querySelector('.st-key-' + key);
  const div = holder && holder.querySelector('.lstm-live-chart');
  if (div && div.__lstmOverlayDrawn) return div.__lstmOverlayDrawn.cursor;
  const line = div && div.layout && (div.layout.shapes || []).find((s) => s.name === 'cursor');
  return line ? line.x0 : null;
})"""
# Count the chart's draws (Plotly fires plotly_afterplot after each Plotly.react; the live
# chart counts its overlay draws in __lstmOverlayDraws).
COUNT_DRAWS = """(key) => {
  const div = document.querySelector('.st-key-' + key + ' .lstm-live-chart');
  if (!div.__counting) { div.__draws = 0; div.on('plotly_afterplot', () => div.__draws++);
                         div.__counting = true; }
  return div.__draws + (div.__lstmOverlayDraws || 0);
}"""


def draws(key: str, before: int) -> str:
    div = f"document.querySelector('.st-key-{key} .lstm-live-chart')"
    return f"{div}.__draws + ({div}.__lstmOverlayDraws || 0) > {before}"


def cursor_moves_ms(page, label: str, chart_key: str, moves: int, costs=None) -> list[float]:
    """Move the slider ``label`` by one step with an arrow key ``moves`` times; ms until the
    chart's cursor moved."""
    thumb = page.get_by_test_id("stSlider").filter(has_text=label).get_by_role("slider")
    out = []
    for _ in range(moves):
        before = page.evaluate(f"{CURSOR_AT}({json.dumps(chart_key)})")
        thumb.focus()
        key = "ArrowLeft" if before else "ArrowRight"
        moved = f"{CURSOR_AT}({json.dumps(chart_key)}) !== {json.dumps(before)}"
        out.append(timed(page, lambda key=key: page.keyboard.press(key), moved, costs=costs))
        page.wait_for_timeout(300)
    return out


def open_list(page, box, option, tries: int = 3) -> None:
    """Open the select box ``box`` until ``option`` shows (a click during a rerun is lost)."""
    for attempt in range(tries):
        box.locator("input").first.click()
        try:
            option.first.wait_for(timeout=5_000)
            return
        except PlaywrightTimeout:
            if attempt == tries - 1:
                raise
            page.keyboard.press("Escape")
            page.wait_for_timeout(500)


def unit_picks_ms(
    page, label: str, chart_key: str, picks: int, multi: bool, costs=None
) -> list[float]:
    """Pick another unit in the select box ``label`` ``picks`` times; ms until the chart
    ``chart_key`` has drawn again."""
    box = page.get_by_test_id("stMultiSelect" if multi else "stSelectbox").filter(
        has=page.get_by_text(label, exact=True)
    )
    out = []
    for k in range(picks):
        before = page.evaluate(COUNT_DRAWS, chart_key)
        name = f"unit {k + 5}" if multi else str(k + 5)
        option = page.get_by_role("option", name=name, exact=True)
        open_list(page, box, option)
        pick = lambda o=option: o.first.click()  # noqa: E731
        out.append(timed(page, pick, draws(chart_key, before), costs=costs))
        page.keyboard.press("Escape")
        page.wait_for_timeout(400)
    return out


def run(quick: bool = False, moves: int | None = None) -> dict:
    moves = moves or (4 if quick else 8)
    result: dict = {"target_ms": TARGET_MS, "load_1min": round(os.getloadavg()[0], 1)}
    with session() as (server, page):
        page.goto(f"{server.url}/?{LINK}")
        wait_ready(page, ".st-key-train_cell_chart")
        page.get_by_role("button", name="Play", exact=True).click()
        page.wait_for_timeout(4000)
        page.get_by_role("button", name="Pause", exact=True).click()
        page.get_by_role("button", name="Play", exact=True).wait_for(timeout=60_000)
        wait_ready(page, ".st-key-train_cell_chart")
        train_costs = Costs(page, server)
        measured = {
            "train_live_cell_cursor": cursor_moves_ms(
                page, "Time cursor t", "train_cell_chart", moves, train_costs
            ),
            "train_live_cell_unit": unit_picks_ms(
                page, "Unit", "train_cell_chart", max(2, moves // 2), False, train_costs
            ),
        }
        page.get_by_test_id("stSidebar").get_by_role("link", name="Inside the cell").click()
        page.wait_for_timeout(300)
        wait_ready(page, ".st-key-inside_heatmaps")
        inside_costs = Costs(page, server)
        measured["inside_cursor"] = cursor_moves_ms(
            page, "Time cursor: step t", "inside_heatmaps", moves, inside_costs
        )
        measured["inside_unit"] = unit_picks_ms(
            page, "Units", "inside_lines", max(2, moves // 2), True, inside_costs
        )
    judged(result, measured, TARGET_MS)
    result["train_cpu"], result["inside_cpu"] = train_costs.summary(), inside_costs.summary()
    print(json.dumps(result, indent=1))
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--moves", type=int, default=None)
    args = parser.parse_args()
    run(args.quick, args.moves)
    os._exit(0)  # playwright's threads must not hold the exit
