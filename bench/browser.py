"""Shared pieces of the browser benchmarks (app_cursor, app_equations, app_pages, app_buttons):
a server and a Chromium page at 1280 x 800, "drawn" conditions evaluated in the page, and a
recorder of visible DOM updates.

with session() as (server, page):
    page.goto(server.url)
    wait_ready(page, ".st-key-home_diagram")
    ms = timed(page, lambda: click_nav(page, "Train"), drawn(".st-key-train_loss_chart"))
"""

from __future__ import annotations

import contextlib
import os
import statistics
import time
from collections.abc import Callable, Iterator

from bench.server import CHROMIUM, CHROMIUM_ARGS, StreamlitServer

VIEWPORT = {"width": 1280, "height": 800}
NO_STATUS = "!document.querySelector('[data-testid=\"stStatusWidget\"]')"
NO_STALE = '!document.querySelector(\'[data-testid="stMain"] [data-stale="true"]\')'

# Every change of the main area's DOM (not the header's running indicator), stamped with
# performance.now(); window.__updates holds the stamps.
RECORD_UPDATES = """() => {
  window.__updates = [];
  const main = document.querySelector('[data-testid="stMain"]');
  if (window.__observer) window.__observer.disconnect();
  window.__observer = new MutationObserver(() => window.__updates.push(performance.now()));
  window.__observer.observe(main, {childList: true, subtree: true, characterData: true,
                                   attributes: true});
  return performance.now();
}"""


@contextlib.contextmanager
def session() -> Iterator[tuple[StreamlitServer, object]]:
    """A fresh server and one Chromium page (1280 x 800); both stopped at the end."""
    from playwright.sync_api import sync_playwright

    server = StreamlitServer()
    try:
        server.wait_healthy()
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                yield server, browser.new_page(viewport=VIEWPORT)
            finally:
                browser.close()
    finally:
        server.stop()


def drawn(selector: str) -> str:
    """JS condition: a Plotly chart under ``selector`` has drawn (its SVG is in the page)."""
    return f"!!document.querySelector({selector!r} + ' .main-svg')"


def wait_ready(page, selector: str | None = None, timeout_ms: int = 180_000) -> None:
    """The page's script has finished and ``selector``'s chart (if given) has drawn."""
    page.wait_for_selector('[data-testid="stPageLink-NavLink"]', timeout=timeout_ms)
    if selector:
        page.wait_for_function(f"() => {drawn(selector)}", timeout=timeout_ms)
    page.wait_for_function(f"() => {NO_STATUS}", timeout=timeout_ms)


def timed(
    page, act: Callable[[], None], condition: str, timeout_ms: int = 60_000, costs=None
) -> float:
    """ms from ``act()`` (an input event) until the JS ``condition`` holds; ``costs`` (a
    ``Costs``) also records the CPU the action took."""
    if costs is not None:
        costs.start()
    start = time.perf_counter()
    act()
    page.wait_for_function(f"() => {condition}", timeout=timeout_ms, polling="raf")
    elapsed = 1000 * (time.perf_counter() - start)
    if costs is not None:
        costs.stop()
    return elapsed


class Costs:
    """CPU spent by one action, load-independent enough to compare fixes on a busy machine:
    the browser tab's main-thread task time (CDP ``Performance.getMetrics``) and the server
    process's CPU time (``/proc/<pid>/stat``), as deltas between ``start()`` and ``stop()``."""

    def __init__(self, page, server: StreamlitServer):
        self.cdp = page.context.new_cdp_session(page)
        self.cdp.send("Performance.enable")
        self.pid = server.proc.pid
        self.browser_ms: list[float] = []
        self.server_ms: list[float] = []

    def _now(self) -> tuple[float, float]:
        metrics = {
            m["name"]: m["value"] for m in self.cdp.send("Performance.getMetrics")["metrics"]
        }
        with open(f"/proc/{self.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        ticks = int(fields[11]) + int(fields[12])  # utime + stime
        return 1000 * metrics["TaskDuration"], 1000 * ticks / os.sysconf("SC_CLK_TCK")

    def start(self) -> None:
        self._start = self._now()

    def stop(self) -> None:
        browser, server = self._now()
        self.browser_ms.append(browser - self._start[0])
        self.server_ms.append(server - self._start[1])

    def summary(self) -> dict:
        return {
            "browser_cpu_median_ms": round(statistics.median(self.browser_ms), 1),
            "server_cpu_median_ms": round(statistics.median(self.server_ms), 1),
        }


def click_nav(page, label: str) -> None:
    """Navigate by the sidebar link ``label`` (keeps the session, unlike a URL)."""
    page.get_by_test_id("stSidebar").get_by_role("link", name=label, exact=True).click()


def start_recording(page) -> float:
    """Start stamping the main area's DOM updates; returns the page's clock now (ms)."""
    return page.evaluate(RECORD_UPDATES)


def longest_gap(page, since: float) -> tuple[float, int]:
    """(longest ms between visible updates from ``since`` until now, updates seen)."""
    stamps = page.evaluate("() => [...window.__updates, performance.now()]")
    times = [since] + [s for s in stamps if s >= since]
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    return (max(gaps) if gaps else 0.0), len(times) - 2


def summary(values: list[float]) -> dict:
    return {
        "median_ms": round(statistics.median(values), 1),
        "max_ms": round(max(values), 1),
        "n": len(values),
    }


def judged(result: dict, cases: dict[str, list[float]], target_ms: float) -> dict:
    """``result`` with each case's summary, the worst median and whether it meets
    ``target_ms``."""
    for name, values in cases.items():
        result[name] = summary(values)
    result["worst_median_ms"] = max(result[k]["median_ms"] for k in cases)
    result["meets_target"] = result["worst_median_ms"] <= target_ms
    return result
