"""Train page quality bars: throughput while watching, chart rate, render time.

1. Headless: ``Trainer(cfg).advance`` in the page's time boxes for D seconds, steps/s.
2. Live, in headless Chromium against ``streamlit run app.py`` on a free loopback port: open
   Train, press Play, and over D seconds read the page's step counter (steps/s while the user
   watches), count ``Plotly.react`` calls on the loss chart, and the updates of the live chart
   that updates least (it shows a newer step: redrawn, or, when its figure did not change,
   restamped), then Pause.
   1 and 2 alternate for several rounds, so each pair sees the same machine load; the share
   is the median of live / headless over the rounds. Target: >= 80%, >= 2 updates/s. Also
   the server's own rate over each window (its tick lines' steps and times) as a share of
   headless: what the Steps counter would show if the browser kept up with every tick.
   Also: updates and Plotly.react calls per second of every live chart (those in view; the
   charts under the studio in a last window scrolled to them), remounts of live
   charts (added ``.lstm-live-chart`` nodes; target 0), and where the server's tick time
   goes (the page's ``TickTimer`` lines, medians per tick: waiting for the last tick's
   messages to leave, training, tracing, the charts (of which building and serialising
   figures), the counters, waiting for this tick's messages to leave, and the time between
   ticks outside the script: browser, network, timer).
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
import tempfile
import time
from pathlib import Path

import torch

from bench.server import CHROMIUM, CHROMIUM_ARGS, ROOT, StreamlitServer
from lstm_core.config import TrainConfig
from lstm_core.train import Trainer
from ui.train_view import TICK_LOG

COUNT_REACTS = """() => {
  window.__lossUpdates = 0;
  window.__chartUpdates = new Map();  // live chart <div> -> Plotly.react calls this round
  window.__mounts = 0;  // live-chart containers added this round (a remount adds one)
  if (!window.__mountObserver) {
    window.__mountObserver = new MutationObserver((records) => {
      for (const r of records) for (const n of r.addedNodes) {
        if (n.nodeType === 1 && (n.matches('.lstm-live-chart') ||
                                 n.querySelector('.lstm-live-chart'))) window.__mounts++;
      }
    });
    window.__mountObserver.observe(document.body, {childList: true, subtree: true});
  }
  // A chart is updated when it shows a newer training step (layout.meta.step): redrawn, or
  // (a figure whose data did not change, e.g. the metric between evaluations) restamped.
  window.__stepChanges = new Map();
  if (!window.__stepPoll) {
    window.__lastStep = new Map();
    window.__stepPoll = setInterval(() => {
      for (const d of document.querySelectorAll('.lstm-live-chart')) {
        const step = d.layout && d.layout.meta ? d.layout.meta.step : null;
        if (window.__lastStep.get(d) === step) continue;
        window.__lastStep.set(d, step);
        window.__stepChanges.set(d, (window.__stepChanges.get(d) || 0) + 1);
      }
    }, 20);
  }
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
# Per live chart: [updates (a newer step shown), redraws (Plotly.react calls)] this round.
# Only the charts in view (a quarter of each at least): one out of view is not redrawn until
# it scrolls into view (the charts below the studio are measured in a window scrolled to them).
PER_CHART_UPDATES = """() => Object.fromEntries([...document.querySelectorAll('.lstm-live-chart')]
  .filter((d) => {
    const r = d.getBoundingClientRect();  // a quarter in view, as ui/live_chart.py's IN_VIEW
    const shown = Math.min(r.bottom, window.innerHeight) - Math.max(r.top, 0);
    return r.width > 0 && shown >= 0.25 * r.height;
  })
  .map((d) => {
    const holder = d.closest('[class*="st-key-"]');
    const key = holder ? [...holder.classList].find((c) => c.startsWith('st-key-')) : '?';
    return [key.replace('st-key-', ''),
            [window.__stepChanges.get(d) || 0, window.__chartUpdates.get(d) || 0]];
  }))"""
PHASES = ("wait", "train", "trace", "charts", "build", "json", "counters", "sent")
SERVER = ("wait", "train", "trace", "charts", "counters", "sent")  # build, json: in charts


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

    tick_log = Path(tempfile.mkdtemp()) / "ticks.jsonl"
    os.environ[TICK_LOG] = str(tick_log)  # the server (a child process) writes one line a tick
    server = StreamlitServer()
    headless, live, updates, per_chart, mounts, ticks = [], [], [], [], [], []
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
                lines = _lines(tick_log)
                t0, s0 = time.perf_counter(), _steps(page)
                page.wait_for_timeout(seconds * 1000)
                s1, t1 = _steps(page), time.perf_counter()
                ticks.append((_ticks(tick_log, lines), t1 - t0))
                updates.append(page.evaluate("() => window.__lossUpdates") / (t1 - t0))
                counts = page.evaluate(PER_CHART_UPDATES)
                per_chart.append({k: [n / (t1 - t0) for n in c] for k, c in counts.items()})
                mounts.append(page.evaluate("() => window.__mounts"))
                live.append((s1 - s0) / (t1 - t0))
                page.get_by_role("button", name="Pause", exact=True).click()
                page.get_by_role("button", name="Play", exact=True).wait_for(timeout=90_000)
            below, below_ticks = charts_below(page, 2 * seconds, tick_log)  # one window: longer
            browser.close()
    finally:
        server.stop()
        os.environ.pop(TICK_LOG, None)
    med = statistics.median
    charts = {k: med(r.get(k, [0.0])[0] for r in per_chart) for k in per_chart[-1]}
    redraws = {k: med(r.get(k, [0, 0.0])[1] for r in per_chart) for k in per_chart[-1]}
    for key, (updated, redrawn) in below.items():  # the row under the studio, in its window
        charts.setdefault(key, updated)
        redraws.setdefault(key, redrawn)
    return {
        "headless_steps_per_s": med(headless),
        "live_steps_per_s": med(live),
        "live_share_of_headless": med(lv / hl for lv, hl in zip(live, headless, strict=True)),
        "server_share_of_headless": med(
            server_rate(w) / hl for (w, _), hl in zip(ticks, headless, strict=True)
        ),
        "chart_updates_per_s": med(updates),
        "slowest_chart_updates_per_s": min(charts.values()),
        "chart_remounts": max(mounts),
        "updates_per_s_by_chart": {k: round(v, 2) for k, v in charts.items()},
        "redraws_per_s_by_chart": {k: round(v, 2) for k, v in redraws.items()},
        "tick_ms": tick_profile(ticks),
        "ticks_per_s_scrolled_below": round(below_ticks, 2),
        "rounds": [[round(hl, 1), round(lv, 1)] for hl, lv in zip(headless, live, strict=True)],
    }


def charts_below(page, seconds: float, tick_log: Path) -> tuple[dict, float]:
    """Updates and redraws per second of the charts under the studio (predictions, gradient
    norm, ...), scrolled into view while training: ``{key: (updates/s, redraws/s)}``, and
    the server's ticks per second in the same window."""
    page.get_by_role("button", name="Play", exact=True).click()
    page.locator(".st-key-train_grad_chart").scroll_into_view_if_needed()
    page.wait_for_timeout(1500)
    page.evaluate(COUNT_REACTS)
    lines, t0 = _lines(tick_log), time.perf_counter()
    page.wait_for_timeout(seconds * 1000)
    counts, wall = page.evaluate(PER_CHART_UPDATES), time.perf_counter() - t0
    ticks = len(_ticks(tick_log, lines)) / wall
    page.get_by_role("button", name="Pause", exact=True).click()
    page.get_by_role("button", name="Play", exact=True).wait_for(timeout=90_000)
    return {k: (c[0] / wall, c[1] / wall) for k, c in counts.items()}, ticks


def _lines(path: Path) -> int:
    return len(path.read_text().splitlines()) if path.exists() else 0


def _ticks(path: Path, skip: int) -> list[dict]:
    """The tick lines written since line ``skip``."""
    return [json.loads(x) for x in path.read_text().splitlines()[skip:]] if path.exists() else []


def server_rate(lines: list[dict]) -> float:
    """Steps per second the server trained over a live window, from its own tick lines (their
    step counts and times): what the browser's Steps counter shows, if it keeps up."""
    if len(lines) < 2 or lines[-1]["at"] <= lines[0]["at"]:
        return 0.0
    return (lines[-1]["steps"] - lines[0]["steps"]) / (lines[-1]["at"] - lines[0]["at"])


def tick_profile(windows: list) -> dict:
    """Median milliseconds per tick of each phase over all live windows, with the time per
    tick that no phase accounts for (browser, network, timer: wall time / ticks - phases)."""
    lines = [t for window, _ in windows for t in window if t.get("train", 0) > 0]
    if not lines:
        return {}
    out = {p: 1000 * statistics.median(t.get(p, 0.0) for t in lines) for p in PHASES}
    out["bytes"] = statistics.median(t["bytes"] for t in lines)
    per_tick = [wall / len(w) for w, wall in windows if w]
    server = statistics.median(sum(t.get(p, 0.0) for p in SERVER) for t in lines)
    out["between_ticks"] = 1000 * (statistics.median(per_tick) - server)
    out["ticks_per_s"] = statistics.median(len(w) / wall for w, wall in windows)
    return {k: round(v, 1) for k, v in out.items()}


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
        ("server_share_of_headless", None),
        ("chart_updates_per_s", ">= 2"),
        ("slowest_chart_updates_per_s", ">= 2"),
        ("chart_remounts", "0"),
        ("ticks_per_s_scrolled_below", None),
        ("render_s_median", "< 1 s"),
        ("apptest_tick_train_share", None),
        ("load_average", None),
    ):
        if key in result:
            print(f"{key:<34}{result[key]:10.3f}  {target or ''}")
    for key in ("updates_per_s_by_chart", "redraws_per_s_by_chart", "tick_ms"):
        if key in result:
            print(f"{key:<34}{result[key]}")
    if "live_skipped" in result:
        print("live:", result["live_skipped"])
    return {k: round(v, 4) if isinstance(v, float) else v for k, v in result.items()}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.app_train", description=__doc__)
    parser.add_argument("--quick", action="store_true")
    print(json.dumps(run(parser.parse_args().quick)))
    os._exit(0)  # playwright's and torch's threads must not hold the exit
