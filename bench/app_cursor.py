"""Time-cursor latency measured in the browser: from the key press on the cursor slider until
the chart has been redrawn with the cursor at its new step (Reber, T = 240, H = 64), on the
Train page's live cell and on Inside the cell. Goal: <= 300 ms (median).

The session is opened through a link (``?page=train&task=reber&hidden=64``), trained for a
few seconds, paused, then the cursor is moved with the arrow keys: each move waits for the
live chart's cursor line (``layout.shapes[name=cursor].x0``) to reach the new step.

    python -m bench.app_cursor [--moves 8]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time

from bench.server import CHROMIUM, CHROMIUM_ARGS, StreamlitServer

TARGET_MS = 300.0
LINK = "page=train&lang=en&task=reber&k.seq_len=240&hidden=64"
CURSOR_AT = """(key) => {
  const holder = document.querySelector('.st-key-' + key);
  const div = holder && holder.querySelector('.lstm-live-chart');
  const line = div && div.layout && (div.layout.shapes || []).find((s) => s.name === 'cursor');
  return line ? line.x0 : null;
}"""


def _wait_ready(page) -> None:
    page.wait_for_selector(".lstm-live-chart .main-svg", timeout=120_000)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=120_000
    )


def moves_ms(page, label: str, chart_key: str, moves: int) -> list[float]:
    """Move the slider ``label`` by one step with an arrow key ``moves`` times; ms until the
    chart's cursor moved."""
    thumb = page.get_by_test_id("stSlider").filter(has_text=label).get_by_role("slider")
    out = []
    for _ in range(moves):
        before = page.evaluate(CURSOR_AT, chart_key)
        thumb.focus()
        start = time.perf_counter()
        page.keyboard.press("ArrowLeft" if before else "ArrowRight")
        page.wait_for_function(
            f"(k) => ({CURSOR_AT})(k) !== {json.dumps(before)}", arg=chart_key, timeout=30_000
        )
        out.append(1000 * (time.perf_counter() - start))
        page.wait_for_timeout(300)
    return out


def run(moves: int) -> dict:
    from playwright.sync_api import sync_playwright

    server = StreamlitServer()
    result = {"target_ms": TARGET_MS, "load_1min": round(os.getloadavg()[0], 1)}
    try:
        server.wait_healthy()
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.goto(f"{server.url}/?{LINK}")
            _wait_ready(page)
            page.get_by_role("button", name="Play", exact=True).click()
            page.wait_for_timeout(4000)
            page.get_by_role("button", name="Pause", exact=True).click()
            page.get_by_role("button", name="Play", exact=True).wait_for(timeout=60_000)
            _wait_ready(page)
            train = moves_ms(page, "Time cursor t", "train_cell_chart", moves)
            page.get_by_test_id("stSidebar").get_by_role("link", name="Inside the cell").click()
            _wait_ready(page)
            inside = moves_ms(page, "Time cursor: step t", "inside_heatmaps", moves)
            browser.close()
    finally:
        server.stop()
    for name, values in (("train_live_cell", train), ("inside", inside)):
        result[f"{name}_cursor_median_ms"] = round(statistics.median(values), 1)
        result[f"{name}_cursor_max_ms"] = round(max(values), 1)
    result["meets_target"] = (
        max(result["train_live_cell_cursor_median_ms"], result["inside_cursor_median_ms"])
        <= TARGET_MS
    )
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=8)
    print(json.dumps(run(parser.parse_args().moves)))
    os._exit(0)  # playwright's threads must not hold the exit
