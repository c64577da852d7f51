"""Equations latency measured in the browser: from the input event (an arrow key on the time
step slider, a pick in the unit or sequence box) until the equations show the new numbers and
no element of the page is stale (the rerun has redrawn all of it). Goal: <= 500 ms (median).

The session's model is the default LSTM (sine, H = 32), trained a few steps on the Train page
first, then the Equations page is opened from the sidebar.

    python -m bench.app_equations [--quick]
"""

from __future__ import annotations

import argparse
import json
import os

from bench.browser import NO_STALE, Costs, click_nav, judged, session, timed, wait_ready

TARGET_MS = 500.0
PICKERS = (("unit pick", "Unit", "u"), ("sequence pick", "Validation sequence", "b"))
# The caption above the forward equations names layer, sequence, step and unit (en).
WHERE = "Layer {layer}, sequence {b}, step t = {t}, unit {u}."
WHERE_JS = """(text) => [...document.querySelectorAll('[data-testid="stCaptionContainer"]')]
  .some((e) => e.innerText.includes(text))"""


def shown(page, where: dict) -> str:
    """JS condition: the caption shows ``where`` and no element is stale."""
    return f"({WHERE_JS})({json.dumps(WHERE.format(**where))}) && {NO_STALE}"


def pick(page, label: str, value: int):
    """Open the select box ``label``; returns the action that picks ``value``."""
    box = page.get_by_test_id("stSelectbox").filter(has=page.get_by_text(label, exact=True))
    box.click()
    option = page.get_by_role("option", name=str(value), exact=True).first
    option.wait_for(timeout=10_000)
    return option.click


def measure(page, moves: int, costs: Costs) -> dict[str, list[float]]:
    thumb = page.get_by_test_id("stSlider").filter(has_text="Time step t").get_by_role("slider")
    t_now = page.evaluate("""() => +document.body.innerText.match(/step t = (\\d+), unit/)[1]""")
    where = {"layer": 1, "b": 0, "t": t_now, "u": 0}
    out: dict[str, list[float]] = {"step slider": [], "unit pick": [], "sequence pick": []}
    for k in range(moves):
        thumb.focus()
        where["t"] -= 1
        out["step slider"].append(
            timed(page, lambda: page.keyboard.press("ArrowLeft"), shown(page, where), costs=costs)
        )
        page.wait_for_timeout(300)
        for name, label, field in PICKERS:
            where[field] = (k + 1) % 4
            out[name].append(
                timed(page, pick(page, label, where[field]), shown(page, where), costs=costs)
            )
            page.wait_for_timeout(300)
    return out


def run(quick: bool = False) -> dict:
    moves = 3 if quick else 8
    result: dict = {"target_ms": TARGET_MS, "load_1min": round(os.getloadavg()[0], 1)}
    with session() as (server, page):
        page.goto(f"{server.url}/?page=train&lang=en")
        wait_ready(page, ".st-key-train_loss_chart")
        page.get_by_role("button", name="Step", exact=True).click()
        page.wait_for_timeout(500)
        wait_ready(page, ".st-key-train_loss_chart")
        click_nav(page, "Equations")
        page.wait_for_selector(".katex", timeout=120_000)
        wait_ready(page)
        costs = Costs(page, server)
        measured = measure(page, moves, costs)
    result.update(costs.summary())
    result["cases"] = list(measured)
    judged(result, measured, TARGET_MS)
    print(json.dumps(result, indent=1))
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    run(parser.parse_args().quick)
    os._exit(0)  # playwright's threads must not hold the exit
