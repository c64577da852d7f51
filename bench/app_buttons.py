"""Buttons that run for seconds, measured in the browser: the longest time the page goes
without a visible update (a change of the main area's DOM, seen by a MutationObserver) from
the click until the page has finished. Goal: <= 1 s for every button. Each click comes once the
page has loaded, the library it preloads included (``LOADED``). The server is warmed up
first (``warm_up``): the first trainer step and figures of a new server are ``app_pages``' cold
visits, not the buttons'.

    gradient preset   Gradient flow: "Preset: vanishing gradients" (a new run, 150 steps)
    compare models    Gradient flow: "Train GRU + RNN on the same batches" (two new models)
    inside quick      Inside the cell in a new session: "Train a quick model (200 steps)"
    equations quick   Equations for a GRU run: "Train a quick LSTM (200 steps)"
    lesson            Lessons: "Start this lesson" of the counting lesson (300 steps)

    python -m bench.app_buttons [--quick] [--only "inside quick"]
"""

from __future__ import annotations

import argparse
import json
import os
import time

from bench.browser import NO_STATUS, click_nav, longest_gap, session, start_recording, wait_ready

TARGET_MS = 1000.0
TIMEOUT_MS = 240_000
VANISHING = "Preset: vanishing gradients (adding problem, T = 50)"


# The page has loaded what it preloads (``ui.live_chart.preload``: plotly.min.js, one
# main-thread task of 0.5-1.1 s in a fresh tab): that is the page's load, not the button's.
LOADED = "!window.__lstmPlotlyLoading || !!window.Plotly"


def press(page, button, done: str) -> dict:
    """Click ``button`` once the page has loaded (``LOADED``); wait until the JS condition
    ``done`` holds and the page has finished; the longest gap between visible updates
    meanwhile."""
    page.wait_for_function(f"() => {LOADED}", timeout=TIMEOUT_MS)
    since = start_recording(page)
    start = time.perf_counter()
    button.click()
    page.wait_for_timeout(300)  # the rerun has started
    page.wait_for_function(f"() => ({done}) && {NO_STATUS}", timeout=TIMEOUT_MS)
    gap, updates = longest_gap(page, since)
    row = {
        "longest_gap_ms": round(gap),
        "seconds": round(time.perf_counter() - start, 1),
        "updates": updates,
    }
    print(json.dumps(row), flush=True)
    return row


def has_text(text: str) -> str:
    return f"document.body.innerText.includes({json.dumps(text)})"


def gradient_buttons(page, url: str) -> dict:
    page.goto(f"{url}/?page=gradients&lang=en")
    wait_ready(page, ".st-key-grad_flow_chart")
    out = {
        "gradient preset": press(
            page,
            page.get_by_role("button", name=VANISHING),
            has_text("Your model: LSTM on Adding problem, after 150 training steps"),
        )
    }
    compare = page.get_by_role("button", name="Train GRU + RNN on the same batches")
    out["compare models"] = press(page, compare, has_text("RNN: 150 of 150 steps"))
    return out


def quick_buttons(page, url: str) -> dict:
    page.goto(f"{url}/?page=inside&lang=en")  # a new session: no model yet
    wait_ready(page)
    out = {
        "inside quick": press(
            page,
            page.get_by_role("button", name="Train a quick model (200 steps)"),
            "!!document.querySelector('.st-key-inside_heatmaps .main-svg')",
        )
    }
    page.goto(f"{url}/?page=equations&lang=en&cell=gru")
    wait_ready(page)
    out["equations quick"] = press(
        page,
        page.get_by_role("button", name="Train a quick LSTM (200 steps)"),
        "!!document.querySelector('[data-testid=\"stMain\"] .katex')",
    )
    return out


def lesson_button(page, url: str) -> dict:
    page.goto(f"{url}/?page=lessons&lang=en")
    wait_ready(page)
    button = page.locator(".st-key-lessons_lesson_counting button")
    return {
        "lesson": press(
            page, button, "!!document.querySelector('.st-key-inside_heatmaps .main-svg')"
        )
    }


def warm_up(page, url: str) -> None:
    """One visit of Train (a training step), Inside the cell and Equations in a session of its
    own: a new server's first trainer step and first figures cost seconds of Python's and
    torch's first-use work (``app_pages`` reports such cold visits apart)."""
    page.goto(f"{url}/?page=train&lang=en")
    wait_ready(page, ".st-key-train_loss_chart")
    page.get_by_role("button", name="Step", exact=True).click()
    page.wait_for_timeout(500)
    wait_ready(page)
    for label, chart in (("Inside the cell", ".st-key-inside_heatmaps"), ("Equations", None)):
        click_nav(page, label)
        page.wait_for_timeout(500)
        wait_ready(page, chart)


def run(quick: bool = False, only: list[str] | None = None) -> dict:
    """Every button (the lesson not with ``quick``), or the groups holding the rows ``only``."""
    result: dict = {"target_ms": TARGET_MS, "load_1min": round(os.getloadavg()[0], 1)}
    groups = {
        ("gradient preset", "compare models"): gradient_buttons,
        ("inside quick", "equations quick"): quick_buttons,
        ("lesson",): lesson_button,
    }
    buttons: dict = {}
    with session() as (server, page):
        warm_up(page, server.url)
        for rows, press_all in groups.items():
            wanted = set(rows) & set(only) if only else not (quick and rows == ("lesson",))
            if wanted:
                buttons.update(press_all(page, server.url))
    result["load_1min_end"] = round(os.getloadavg()[0], 1)
    result["buttons"] = buttons
    result["worst_gap_ms"] = max(b["longest_gap_ms"] for b in buttons.values())
    result["meets_target"] = result["worst_gap_ms"] <= TARGET_MS
    print(json.dumps(result, indent=1))
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", action="append", help="a row to measure (its group runs)")
    args = parser.parse_args()
    run(args.quick, args.only)
    os._exit(0)  # playwright's threads must not hold the exit
