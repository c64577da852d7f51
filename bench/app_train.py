"""Train page quality bars: throughput while watching, chart rate, render time.

1. Headless: ``Trainer(cfg).advance`` in the page's time boxes for D seconds, steps/s.
2. Live, in headless Chromium against ``streamlit run app.py`` on a free loopback port: open
   Train, press Play, and over D seconds read the page's step counter (steps/s while the user
   watches) and count ``Plotly.react`` calls on the loss chart and on the live chart that
   updates least (the live cell's heatmaps included: they are in view at 1280 x 800), then Pause.
   1 and 2 alternate for several rounds, so each pair sees the same machine load; the share
   is the median of live / headless over the rounds. Target: >= 80%, >= 2 updates/s.
   Skipped (with the reason) without Chromium.
3. Page render time after the first load: AppTest runs of the Train page (server time of
   one full script run, as after a page switch or a widget change). Target < 1 s.
Also reported: the share of each AppTest tick spent training (server side only).

    python -m bench.app_train [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path

import torch

from bench.server import CHROMIUM, CHROMIUM_ARGS, ROOT, StreamlitServer
from lstm_core.config import TrainConfig
from lstm_core.train import Trainer

COUNT_REACTS = """() => {
  window.__lossUpdates = 0;
  window.__chartUpdates = new Map();  // live chart <div> -> Plotly.react calls this round
  if (window.Plotly.react.__counting) return;  // wrap once, reset the count every round
  const original = window.Plotly.react;
  window.Plotly.react = function (div, data, layout, config) {
    if (data.some((t) => t.name === 'training')) window.__lossUpdates++;
    window.__chartUpdates.set(div, (window.__chartUpdates.get(div) || 0) + 1);
    return original.call(this, div, data, layout, config);
  };
  window.Plotly.react.__counting = true;
}"""
# The fewest updates of any live chart on the page (the live cell, loss, metric, predictions,
# gradient norm): every one must keep up, not only the loss.
FEWEST_UPDATES = """() => {
  const divs = [...document.querySelectorAll('.lstm-live-chart')];
  return Math.min(...divs.map((d) => window.__chartUpdates.get(d) || 0));
}"""


def headless_rate(cfg: TrainConfig, seconds: float) -> float:
    """Steps per second of a fresh trainer over ``seconds`` (after a short warm-up)."""
    tr = Trainer(cfg)
    tr.advance(0.3)
    start, s0 = time.perf_counter(), tr.steps
    while time.perf_counter() - start < seconds:
        tr.advance(0.14)  # same chunks as the page, evaluations and snapshots included
    return (tr.steps - s0) / (time.perf_counter() - start)


def _steps(page) -> int:
    text = page.get_by_test_id("stMetric").filter(has_text="Steps").first.inner_text()
    return int("".join(ch for ch in text.split("\n")[-1] if ch.isdigit()) or 0)


def interleaved(cfg: TrainConfig, rounds: int, seconds: float) -> dict:
    """Rounds of (headless window, live window), adjacent in time so that both see the same
    machine load; the share is the median over rounds of live / headless."""
    if not Path(CHROMIUM).exists():
        return {"live_skipped": f"no Chromium at {CHROMIUM}"}
    from playwright.sync_api import sync_playwright

    server = StreamlitServer()
    headless, live, updates, slowest = [], [], [], []
    try:
        server.wait_healthy()
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 800})  # a projector
            page.goto(server.url)
            page.wait_for_selector('[data-testid="stPageLink-NavLink"]', timeout=90_000)
            page.get_by_test_id("stSidebar").get_by_role("link", name="Train").click()
            page.wait_for_selector(".lstm-live-chart .main-svg", timeout=90_000)
            for _ in range(rounds):
                headless.append(headless_rate(cfg, seconds))  # the page is paused meanwhile
                page.get_by_role("button", name="Play", exact=True).click()
                page.wait_for_timeout(1500)  # the timer starts, the time box settles
                page.evaluate(COUNT_REACTS)
                t0, s0 = time.perf_counter(), _steps(page)
                page.wait_for_timeout(seconds * 1000)
                s1, t1 = _steps(page), time.perf_counter()
                updates.append(page.evaluate("() => window.__lossUpdates") / (t1 - t0))
                slowest.append(page.evaluate(FEWEST_UPDATES) / (t1 - t0))
                live.append((s1 - s0) / (t1 - t0))
                page.get_by_role("button", name="Pause", exact=True).click()
                page.wait_for_timeout(1000)
            browser.close()
    finally:
        server.stop()
    med = statistics.median
    return {
        "headless_steps_per_s": med(headless),
        "live_steps_per_s": med(live),
        "live_share_of_headless": med(lv / hl for lv, hl in zip(live, headless, strict=True)),
        "chart_updates_per_s": med(updates),
        "slowest_chart_updates_per_s": med(slowest),
        "rounds": [[round(hl, 1), round(lv, 1)] for hl, lv in zip(headless, live, strict=True)],
    }


def render_and_ticks(repeats: int) -> dict:
    """Server time of a full Train page run (median), and the training share of a tick."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("pages/1_Train.py").run()
    renders = []
    for _ in range(repeats):
        start = time.perf_counter()
        at.run()
        renders.append(time.perf_counter() - start)
    tr = at.session_state["trainer"]
    at.button(key="train_play").click().run()
    shares = []
    for _ in range(repeats):
        start, before = time.perf_counter(), tr.seconds
        at.run()
        shares.append((tr.seconds - before) / (time.perf_counter() - start))
    return {
        "render_s_median": statistics.median(renders),
        "render_s_max": max(renders),
        "apptest_tick_train_share": statistics.median(shares),
    }


def run(quick: bool = False) -> dict:
    torch.set_num_threads(1)
    cfg = TrainConfig()  # the page's default run: sine, LSTM H=32, batch 32
    result = {
        **interleaved(cfg, rounds=2 if quick else 5, seconds=3.0 if quick else 4.0),
        **render_and_ticks(3 if quick else 8),
        "load_average": os.getloadavg()[0],
    }
    for key, target in (
        ("headless_steps_per_s", None),
        ("live_steps_per_s", None),
        ("live_share_of_headless", ">= 0.80"),
        ("chart_updates_per_s", ">= 2"),
        ("slowest_chart_updates_per_s", ">= 2"),
        ("render_s_median", "< 1 s"),
        ("apptest_tick_train_share", None),
        ("load_average", None),
    ):
        if key in result:
            print(f"{key:<34}{result[key]:10.3f}  {target or ''}")
    if "live_skipped" in result:
        print("live:", result["live_skipped"])
    return {k: round(v, 4) if isinstance(v, float) else v for k, v in result.items()}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.app_train", description=__doc__)
    parser.add_argument("--quick", action="store_true")
    print(json.dumps(run(parser.parse_args().quick)))
    os._exit(0)  # playwright's and torch's threads must not hold the exit
