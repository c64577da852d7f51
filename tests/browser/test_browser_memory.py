"""The whole server's memory, per student: a default session costs at most 30 MB, and a
session that does the worst things the UI, a link, an upload or a bundle import allows costs
at most 300 MB.

A fresh server of its own (its resident memory is read from /proc by its pid) is warmed up by
one session that trains on the Train page (torch, the engine and the charts are then loaded,
as on a server in use); then one Chromium session after another does one thing, and the
server's RSS is read once that session's page has settled. Sessions stay open to the end, so
each one's memory is still held when the next is measured.
"""

from __future__ import annotations

import time

import numpy as np
import pytest
from harness import ARTIFACTS, assert_no_exception, wait_for_app
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from bench import memory as hostile
from bench.load import rss_mb
from bench.server import StreamlitServer

DEFAULT_MB, SESSION_MB = 30.0, 300.0
SNAPSHOT_LINK = "?page=train&task=sine&hidden=256&layers=3&nsnap=200&snap=1"
WAIT_MS = 120_000  # a busy 2-core machine: the first Train page imports torch
PLAY = ".st-key-train_play button"  # the Train page is drawn
SETTLE_S = 2.0  # after a page has settled: let the server finish what it started


@pytest.fixture(scope="module")
def server():
    ARTIFACTS.mkdir(exist_ok=True)
    srv = StreamlitServer(log_dir=ARTIFACTS)
    try:
        srv.wait_healthy()
        yield srv
    finally:
        srv.stop()


def _session(browser, url: str, ready: str = '[data-testid="stPageLink-NavLink"]'):
    """A new browser session on ``url``, once ``ready`` is shown (a link opens its page after
    the Home page has run)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    page.goto(url)
    wait_for_app(page, ready, timeout_ms=WAIT_MS)
    return page


def _play(page, seconds: float) -> None:
    """Play for ``seconds``, then Pause and wait for the paused page."""
    page.get_by_role("button", name="Play", exact=True).click()
    page.get_by_role("button", name="Pause", exact=True).wait_for()
    page.wait_for_timeout(int(seconds * 1000))
    page.get_by_role("button", name="Pause", exact=True).click()
    page.get_by_role("button", name="Play", exact=True).wait_for()
    wait_for_app(page, timeout_ms=WAIT_MS)


def _choose(page, key: str, option: str) -> None:
    """Pick ``option`` in the selectbox with widget key ``key`` (typed: long lists scroll)."""
    box = page.locator(f".st-key-{key} input")
    for _ in range(3):  # a rerun that lands meanwhile closes the list: open it again
        box.click()
        box.fill(option)
        try:
            page.get_by_role("option", name=option).first.click(timeout=20_000)
            return
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
            wait_for_app(page, timeout_ms=WAIT_MS)
    raise AssertionError(f"the choice {option!r} of {key} could not be picked")


def _upload(page, key: str, name: str, data: bytes, mime: str) -> None:
    """Drop a file on the uploader with widget key ``key`` and wait for the page to settle."""
    box = page.locator(f".st-key-{key} input[type=file]")
    box.set_input_files(files=[{"name": name, "mimeType": mime, "buffer": data}])
    page.get_by_text(name).first.wait_for()
    page.wait_for_timeout(500)
    wait_for_app(page, timeout_ms=WAIT_MS)


def _rss(server) -> float:
    time.sleep(SETTLE_S)
    return rss_mb(server.proc.pid)


def _big_csv(rows: int = 200_000, columns: int = 10) -> bytes:
    """The largest table the loader accepts: its row limit, 10 numeric columns (about 9 MB)."""
    values = np.random.default_rng(0).normal(size=(rows, columns)).round(3)
    header = ",".join(f"c{k}" for k in range(columns))
    return (header + "\n" + "\n".join(",".join(map(str, row)) for row in values) + "\n").encode()


@pytest.mark.slow
def test_each_session_stays_within_its_memory(browser, server):
    warm = _session(browser, f"{server.url}/?page=train", PLAY)
    _play(warm, 3)
    grown: dict[str, float] = {}
    before = _rss(server)

    default = _session(browser, f"{server.url}/?page=train", PLAY)
    _play(default, 5)
    assert_no_exception(default)
    grown["default Train session, 5 s of Play"] = (after := _rss(server)) - before
    before = after

    snap = _session(browser, server.url + "/" + SNAPSHOT_LINK, PLAY)
    _play(snap, 10)
    assert_no_exception(snap)
    grown["snapshot link 256x3, 200 snapshots, 10 s of Play"] = (after := _rss(server)) - before
    before = after

    text = _session(
        browser, f"{server.url}/?page=train&task=text", ".st-key-train_knob_text_source"
    )
    _choose(text, "train_knob_text_source", "your own text")  # a link cannot choose it
    wait_for_app(text, ".st-key-train_text_upload", timeout_ms=WAIT_MS)
    _upload(text, "train_text_upload", "zh.txt", hostile._text_bytes(3000), "text/plain")
    assert_no_exception(text)
    _play(text, 3)
    grown["own text, 3,000 distinct characters, 3 s of Play"] = (after := _rss(server)) - before
    before = after

    bundle = _session(browser, f"{server.url}/?page=runs", ".st-key-runs_upload")
    _upload(bundle, "runs_upload", "bombs.zip", hostile._bombs(), "application/zip")
    assert_no_exception(bundle)
    bundle.get_by_text("This bundle was not imported").first.wait_for()  # refused, in words
    grown["bundle import, nested npz bombs"] = (after := _rss(server)) - before
    before = after

    csv = _session(browser, f"{server.url}/?page=train", PLAY)
    _choose(csv, "train_task", "Your own CSV")  # a link cannot open the csv task without a file
    wait_for_app(csv, ".st-key-train_upload", timeout_ms=WAIT_MS)
    _upload(csv, "train_upload", "big.csv", _big_csv(), "text/csv")
    assert_no_exception(csv)
    _play(csv, 3)
    grown["CSV of 200,000 rows x 10, 3 s of Play"] = (after := _rss(server)) - before

    report = "; ".join(f"{k}: {v:+.0f} MB" for k, v in grown.items())
    print(report)
    (ARTIFACTS / "memory-per-session.txt").write_text(report + "\n")
    assert grown["default Train session, 5 s of Play"] <= DEFAULT_MB, report
    assert max(grown.values()) <= SESSION_MB, report
