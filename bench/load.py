"""Load test: a whole class on one server. ``python -m bench.load --sessions 30 --seconds 60``

It starts its own ``streamlit run app.py`` on a free loopback port and opens N sessions the
way browsers do: each speaks Streamlit's WebSocket protocol (``/_stcore/stream``, the
``BackMsg`` / ``ForwardMsg`` protobufs of ``streamlit.proto``), opens a shared link to the
Train page with its own seed, clicks Play (a button trigger in ``rerun_script``), and then
sends the fragment reruns that the browser's timer sends (``auto_rerun``), one at a time.
``--browsers K`` makes K of the N sessions real headless Chromium pages.

Measured while the class trains:
  health     latency of ``GET /_stcore/health``, polled every 0.1 s: p50, p99, max, failures
  memory     server RSS (/proc/PID/status VmRSS): before, while N sessions are open, after
             they close (the server keeps a closed session ``server.disconnectedSessionTTL``
             seconds for a reconnect: set to 5 here, so "after" is read once they are gone)
  sessions   per session: steps trained, whether it waited in the admission line, errors;
             own state: sessions 2k and 2k+1 share a seed, all others differ. Same seed must
             give the bit-identical loss curve (no shared random state, no mixed trainers),
             different seeds different curves, and each session's URL keeps its own seed.

Requirements checked (``ok`` in the JSON): the server stays up, health p99 <= 1 s, memory
<= 30 MB per session and released after close, no session saw an exception, no state leaked.
"Released": Python and glibc keep freed memory for reuse rather than return it to the system,
so RSS does not fall back after a class; instead the same class runs a second time (for a
third of the time) after the first has closed. Memory that was released is reused: the
second class may add at most half of the first one's growth (or 10 MB), where a leak would
add all of it again.

Loopback only; every wait is bounded; the server is stopped at the end in any case.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
TTL_S = 5  # server.disconnectedSessionTTL for the test: closed sessions are dropped after it
HEALTH_EVERY_S = 0.1
P99_LIMIT_S = 1.0
MB_PER_SESSION_LIMIT = 30.0
CHROMIUM = "/usr/bin/chromium"
PRESET = {  # the preset every session trains: small, so that 30 fit on two cores
    "page": "train",
    "task": "sine",
    "k.seq_len": "50",
    "hidden": "8",
    "batch": "8",
    "eval": "10",
    "snap": "50",
}


# --------------------------------------------------------------------------- the server
def run_sync(coro):
    """``asyncio.run``, also from a thread whose event loop is already running (Playwright's
    sync API leaves one running in pytest's main thread): then in a worker thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def cpu_s(pid: int) -> float:
    """CPU seconds a process has used (all its threads, user + system), from /proc."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    """Resident memory of a process, from /proc (psutil is not needed)."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


class Server:
    """``streamlit run app.py`` on a free loopback port, with its own data folder."""

    def __init__(self, max_trainers: str | None = None, ttl_s: int = TTL_S):
        self.port = free_port()
        self.ttl_s = ttl_s
        self.home = tempfile.mkdtemp(prefix="lstm-load-")
        env = {**os.environ, "LSTM_PLAYGROUND_HOME": self.home}
        if max_trainers is not None:
            env["LSTM_PLAYGROUND_MAX_TRAINERS"] = str(max_trainers)
        self.log = open(Path(self.home) / "server.log", "w")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py",
             "--server.headless", "true", "--server.address", HOST,
             "--server.port", str(self.port), "--server.fileWatcherType", "none",
             "--server.disconnectedSessionTTL", str(ttl_s),
             "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT,
        )  # fmt: skip

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def alive(self) -> bool:
        return self.proc.poll() is None

    def wait_healthy(self, timeout: float = 90.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.alive():
                raise RuntimeError(f"the server exited; see {self.log.name}")
            if run_sync(health_once(self.port, 2.0))[0]:
                return
            time.sleep(0.3)
        raise RuntimeError(f"the server did not become healthy in {timeout:.0f} s")

    def rss(self) -> float:
        return rss_mb(self.proc.pid)

    def stop(self) -> None:
        if self.alive():
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.log.close()


async def health_once(port: int, timeout: float = 5.0) -> tuple[bool, float]:
    """One GET /_stcore/health on a fresh connection: (ok, seconds)."""
    start = time.perf_counter()
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection(HOST, port), timeout)
        writer.write(f"GET /_stcore/health HTTP/1.1\r\nHost: {HOST}:{port}\r\n"
                     "Connection: close\r\n\r\n".encode())  # fmt: skip
        data = await asyncio.wait_for(reader.read(), timeout)
        writer.close()
        ok = data.startswith(b"HTTP/1.1 200") and data.rstrip().endswith(b"ok")
    except (OSError, TimeoutError):
        ok = False
    return ok, time.perf_counter() - start


# --------------------------------------------------------------------------- one session
@dataclass
class Session:
    """What one simulated student saw."""

    index: int
    seed: int
    kind: str = "ws"  # "ws" | "browser"
    connected: bool = False
    clicked_play: bool = False
    steps: int = 0
    queued: bool = False  # saw the admission line's message
    exceptions: list = field(default_factory=list)
    errors: list = field(default_factory=list)  # st.error texts (e.g. a diverged run)
    curve: np.ndarray | None = None  # (step, training loss) rows, from the live loss chart
    urls_seed_ok: bool = True  # every URL the server wrote holds this session's seed
    reruns: int = 0


def _decode(v):
    if isinstance(v, dict) and "bdata" in v:
        return np.frombuffer(base64.b64decode(v["bdata"]), dtype=np.dtype(v["dtype"]))
    return np.asarray(v, dtype=float)


def loss_curve(bidi_json: str) -> np.ndarray | None:
    """The "training" trace of the live loss chart's figure: rows of (step, loss). Long
    histories are thinned to evenly spaced points (``ui.figures.common.downsample``), so two
    curves are compared at the steps both show."""
    try:
        fig = json.loads(json.loads(bidi_json)["figure"])
    except (ValueError, KeyError, TypeError):
        return None
    for trace in fig.get("data", []):
        if trace.get("name") == "training" and "y" in trace and "x" in trace:
            x, y = _decode(trace["x"]), _decode(trace["y"])
            if len(x) == len(y):
                return np.stack([x.astype(float), y.astype(float)], axis=1)
    return None


def common_steps(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The losses of two (step, loss) curves at the steps both show."""
    steps, ia, ib = np.intersect1d(a[:, 0], b[:, 0], return_indices=True)
    return a[ia, 1], b[ib, 1]


def query(seed: int) -> str:
    return urllib.parse.urlencode({**PRESET, "seed": str(seed)})


async def ws_session(
    port: int, s: Session, stop_at: float, open_s: float = 90.0, until_trained: bool = False
) -> None:
    """Open the Train page with this session's seed, click Play, keep the fragment ticking
    (one rerun at a time, at the interval the server asks for) until ``stop_at`` (or, with
    ``until_trained``, until the Steps counter has moved)."""
    import websockets
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    qs, page, play, running = query(s.seed), "", None, False
    timers: dict[str, float] = {}  # fragment id -> interval
    last_sent = 0.0

    def rerun(widgets=(), fragment_id=""):
        m = BackMsg()
        m.rerun_script.query_string = qs
        m.rerun_script.page_script_hash = page
        if fragment_id:
            m.rerun_script.fragment_id = fragment_id
            m.rerun_script.is_auto_rerun = True
        m.rerun_script.widget_states.widgets.extend(widgets)
        return m.SerializeToString()

    url = f"ws://{HOST}:{port}/_stcore/stream"
    async with websockets.connect(url, subprotocols=["streamlit"], max_size=None,
                                  open_timeout=open_s, ping_interval=None) as ws:  # fmt: skip
        s.connected = True
        await ws.send(rerun())
        running = True
        while time.monotonic() < stop_at and not (until_trained and s.steps > 0):
            wait = 0.05 if not running and timers else 1.0
            try:
                data = await asyncio.wait_for(ws.recv(), min(wait, stop_at - time.monotonic()))
            except TimeoutError:
                data = None
            if data is not None:
                msg = ForwardMsg()
                msg.ParseFromString(data)
                kind = msg.WhichOneof("type")
                if kind == "new_session":
                    page, running = msg.new_session.page_script_hash, True
                elif kind == "page_info_changed" and msg.page_info_changed.query_string:
                    qs = msg.page_info_changed.query_string
                    got = urllib.parse.parse_qs(qs).get("seed", [""])[0]
                    s.urls_seed_ok &= got == str(s.seed)
                elif kind == "auto_rerun":
                    timers[msg.auto_rerun.fragment_id] = msg.auto_rerun.interval
                elif kind == "script_finished":
                    running = False
                    s.reruns += 1
                elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                    _read_element(msg.delta.new_element, s)
                    el = msg.delta.new_element
                    if el.WhichOneof("type") == "button" and el.button.id.endswith("train_play"):
                        play = el.button.id
            if running:
                continue
            if play and not s.clicked_play:  # the page is drawn: press Play, like a student
                s.clicked_play, running = True, True
                await ws.send(rerun([WidgetState(id=play, trigger_value=True)]))
            elif timers and time.monotonic() - last_sent >= min(timers.values()):
                last_sent, running = time.monotonic(), True
                await ws.send(rerun(fragment_id=next(iter(timers))))


def _read_element(el, s: Session) -> None:
    kind = el.WhichOneof("type")
    if kind == "metric" and el.metric.label == "Steps":
        s.steps = max(s.steps, int(el.metric.body.replace(",", "") or 0))
    elif kind == "exception":
        s.exceptions.append(el.exception.message[:200])
    elif kind == "alert":
        body = el.alert.body
        if "in line" in body or "switched off" in body:
            s.queued = True
        elif el.alert.format == el.alert.ERROR:
            s.errors.append(body[:200])
    elif kind == "bidi_component" and el.bidi_component.id.endswith("train_loss_chart"):
        curve = loss_curve(el.bidi_component.json)
        if curve is not None and len(curve) and (s.curve is None or curve[-1, 0] >= s.curve[-1, 0]):
            s.curve = curve


async def browser_sessions(port: int, sessions: list[Session], stop_at: float) -> None:
    """Real Chromium pages: open the link, click Play, read the step counter at the end."""
    from playwright.async_api import async_playwright

    args = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"]  # fmt: skip
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=args)
        try:
            await asyncio.gather(*(_one_page(browser, port, s, stop_at) for s in sessions))
        finally:
            await browser.close()


async def _one_page(browser, port: int, s: Session, stop_at: float) -> None:
    page = await browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        await page.goto(f"http://{HOST}:{port}/?{query(s.seed)}", timeout=120_000)
        play = page.get_by_role("button", name="Play", exact=True)
        await play.click(timeout=120_000)
        s.connected = s.clicked_play = True
        while time.monotonic() < stop_at:
            await asyncio.sleep(min(1.0, max(0.0, stop_at - time.monotonic())))
        metric = page.locator('[data-testid="stMetric"]').filter(has_text="Steps").first
        text = await metric.locator('[data-testid="stMetricValue"]').inner_text(timeout=30_000)
        s.steps = int(text.replace(",", "") or 0)
        s.exceptions += await page.locator('[data-testid="stException"]').all_inner_texts()
        body = await page.locator("body").inner_text()
        s.queued = "in line" in body or "switched off" in body
        got = urllib.parse.parse_qs(urllib.parse.urlparse(page.url).query).get("seed", [""])[0]
        s.urls_seed_ok = got == str(s.seed)
    finally:
        await page.close()


# --------------------------------------------------------------------------- the run
async def _sample(server: Server, stop: asyncio.Event, health: list, rss: list) -> None:
    while not stop.is_set():
        ok, seconds = await health_once(server.port)
        health.append((ok, seconds))
        rss.append(server.rss() if server.alive() else float("nan"))
        await asyncio.sleep(HEALTH_EVERY_S)


async def _class(server: Server, sessions: list[Session], seconds: float) -> dict:
    health, rss, stop = [], [], asyncio.Event()
    sampler = asyncio.create_task(_sample(server, stop, health, rss))
    start = time.monotonic()
    stop_at = start + seconds
    ws = [s for s in sessions if s.kind == "ws"]
    br = [s for s in sessions if s.kind == "browser"]
    jobs = [ws_session(server.port, s, stop_at) for s in ws]
    if br:
        jobs.append(browser_sessions(server.port, br, stop_at + 15))
    results = await asyncio.gather(*jobs, return_exceptions=True)
    owners = ws + ([br[0]] if br else [])  # a browser failure is booked on its first page
    for owner, r in zip(owners, results, strict=True):
        if isinstance(r, BaseException):
            owner.exceptions.append(f"client: {r!r}"[:200])
    open_rss = max(rss[-20:]) if rss else float("nan")  # all sessions still open here
    stop.set()
    await sampler
    return {"health": health, "rss_open": open_rss, "elapsed": time.monotonic() - start}


async def visit(port: int, timeout: float = 30.0) -> None:
    """Open the home page in a new session, wait until it is drawn, and leave."""
    import websockets
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    url = f"ws://{HOST}:{port}/_stcore/stream"
    async with websockets.connect(url, subprotocols=["streamlit"], open_timeout=timeout) as ws:
        m = BackMsg()
        m.rerun_script.query_string = ""
        await ws.send(m.SerializeToString())
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            msg = ForwardMsg()
            msg.ParseFromString(await asyncio.wait_for(ws.recv(), deadline - time.monotonic()))
            if msg.WhichOneof("type") == "script_finished":
                return


async def first_paint(port: int, timeout: float = 120.0) -> tuple[float, float]:
    """A new visitor on the home page: (seconds to the first element drawn, seconds to the
    end of the page's script), from the moment the WebSocket is asked for. NaN on failure."""
    import websockets
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    start = time.perf_counter()
    painted = float("nan")
    url = f"ws://{HOST}:{port}/_stcore/stream"
    try:
        async with websockets.connect(url, subprotocols=["streamlit"], max_size=None,
                                      open_timeout=timeout, ping_interval=None) as ws:  # fmt: skip
            m = BackMsg()
            m.rerun_script.query_string = ""
            await ws.send(m.SerializeToString())
            deadline = start + timeout
            while time.perf_counter() < deadline:
                msg = ForwardMsg()
                msg.ParseFromString(
                    await asyncio.wait_for(ws.recv(), deadline - time.perf_counter())
                )
                kind = msg.WhichOneof("type")
                if kind == "delta" and painted != painted:  # the first element: NaN until then
                    painted = time.perf_counter() - start
                elif kind == "script_finished":
                    return painted, time.perf_counter() - start
    except (OSError, TimeoutError, websockets.WebSocketException):
        pass
    return painted, float("nan")


async def _burst(server: Server, n: int) -> dict:
    """``n`` visitors open the home page at the same instant; health is polled meanwhile."""
    health, rss, stop = [], [], asyncio.Event()
    cpu_before = cpu_s(server.proc.pid)
    sampler = asyncio.create_task(_sample(server, stop, health, rss))
    paints = await asyncio.gather(*(first_paint(server.port) for _ in range(n)))
    stop.set()
    await sampler
    cpu = cpu_s(server.proc.pid) - cpu_before
    first = [p for p, _ in paints]
    done = [d for _, d in paints]
    lat = [sec for _, sec in health]
    return {
        "first_paint_p50_s": pct([p for p in first if p == p], 50),
        "first_paint_p95_s": pct([p if p == p else float("inf") for p in first], 95),
        "page_done_p95_s": pct([d if d == d else float("inf") for d in done], 95),
        "failed": sum(d != d for d in done),
        "health_max_s": max(lat) if lat else float("nan"),
        "server_cpu_s_per_visit": cpu / n,  # steadier than wall time on a shared machine
    }


def run_burst(n: int) -> dict:
    """A class arriving at once: ``n`` first visits on a server that has just started (no
    page imported yet), then ``n`` more on the now warm server."""
    server = Server()
    try:
        server.wait_healthy()
        cold = run_sync(_burst(server, n))
        warm = run_sync(_burst(server, n))
    finally:
        server.stop()
    return {"sessions": n, "cold": cold, "warm": warm, "ok": cold["first_paint_p95_s"] <= 5.0}


def _released(server: Server) -> float:
    """RSS once closed sessions are gone: wait out the reconnect window, then open and close
    one session (the server drops expired sessions when it stores the next one)."""
    for _ in range(2):
        time.sleep(server.ttl_s + 1)
        try:
            run_sync(visit(server.port))
        except (OSError, TimeoutError):
            pass  # a failed visit only delays the reading; the server's health is checked apart
    time.sleep(2)
    return server.rss()


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def check_state(sessions: list[Session]) -> dict:
    """Same seed -> bit-identical curve prefix; different seeds -> different curves."""
    same, differ, compared = 0, 0, 0
    by_seed: dict[int, list[Session]] = {}
    for s in sessions:
        if s.curve is not None and len(s.curve) >= 2:
            by_seed.setdefault(s.seed, []).append(s)
    for group in by_seed.values():
        for a, b in zip(group, group[1:], strict=False):
            ya, yb = common_steps(a.curve, b.curve)
            if len(ya) >= 2:
                compared += 1
                same += bool(np.array_equal(ya, yb))
    firsts = [g[0] for g in by_seed.values()]
    pairs = 0
    for a, b in zip(firsts, firsts[1:], strict=False):
        ya, yb = common_steps(a.curve, b.curve)
        if len(ya) >= 2:
            pairs += 1
            differ += not np.array_equal(ya, yb)
    return {
        "same_seed_pairs": compared,
        "same_seed_identical": same,
        "different_seed_pairs": pairs,
        "different_seed_differ": differ,
        "urls_keep_own_seed": all(s.urls_seed_ok for s in sessions if s.connected),
    }


def run_load(
    n: int, seconds: float, browsers: int = 0, max_trainers: str | None = None, quick=False
) -> dict:
    """Warm up, then the class (``seconds``), then the same class again for a third of the
    time: if closed sessions were not released, the second class would add to the first.
    ``quick`` (the smoke run) warms up only until the first steps are drawn and keeps closed
    sessions 1 s instead of ``TTL_S``, so the waits for their release are short."""
    browsers = min(browsers, n) if Path(CHROMIUM).exists() else 0
    server = Server(max_trainers, ttl_s=1 if quick else TTL_S)
    try:
        server.wait_healthy()
        warm = Session(-1, 0)  # one session loads torch and the pages, like a first visitor
        run_sync(ws_session(server.port, warm, time.monotonic() + 15, until_trained=quick))
        base_rss = _released(server)
        sessions = [Session(i, 1000 + i // 2) for i in range(n)]
        for s in sessions[n - browsers :]:
            s.kind = "browser"
        loaded = run_sync(_class(server, sessions, seconds))
        after_rss = _released(server) if server.alive() else float("nan")
        again = [Session(i, 2000 + i) for i in range(n)]
        reloaded = run_sync(_class(server, again, max(5.0, seconds / 3)))
        after2_rss = _released(server) if server.alive() else float("nan")
        alive = server.alive()
    finally:
        server.stop()
    return summarize(n, seconds, browsers, max_trainers, sessions + again, loaded, reloaded,
                     (base_rss, after_rss, after2_rss), alive)  # fmt: skip


def summarize(n, seconds, browsers, max_trainers, sessions, loaded, reloaded, rss, alive):
    base_rss, after_rss, after2_rss = rss
    lat = [sec for ok, sec in loaded["health"] + reloaded["health"]]
    fails = sum(not ok for ok, _ in loaded["health"] + reloaded["health"])
    growth = loaded["rss_open"] - base_rss
    per_session = growth / n
    slack = max(0.5 * growth, 10.0)  # allocator noise: arenas, caches, fragmentation
    released = (
        after2_rss - after_rss <= slack and reloaded["rss_open"] - loaded["rss_open"] <= slack
    )
    first = sessions[:n]
    state = check_state(first)
    trained = [s for s in first if s.steps > 0]
    result = {
        "sessions": n,
        "browsers": browsers,
        "seconds": seconds,
        "max_trainers": max_trainers or os.environ.get("LSTM_PLAYGROUND_MAX_TRAINERS", "default"),
        "cores": os.cpu_count(),
        "server_up": bool(alive),
        "connected": sum(s.connected for s in first),
        "trained": len(trained),
        "queued_seen": sum(s.queued for s in first),
        "steps_total": sum(s.steps for s in first),
        "steps_median_trained": statistics.median([s.steps for s in trained]) if trained else 0,
        "exceptions": sum(len(s.exceptions) for s in sessions),
        "errors": sum(len(s.errors) for s in sessions),
        "health_polls": len(lat),
        "health_failures": fails,
        "health_p50_s": round(pct(lat, 50), 4),
        "health_p99_s": round(pct(lat, 99), 4),
        "health_max_s": round(max(lat), 4) if lat else float("nan"),
        "rss_before_mb": round(base_rss, 1),
        "rss_open_mb": round(loaded["rss_open"], 1),
        "rss_after_mb": round(after_rss, 1),
        "rss_open_again_mb": round(reloaded["rss_open"], 1),
        "rss_after_again_mb": round(after2_rss, 1),
        "mb_per_session": round(per_session, 2),
        "released": bool(released),
        **state,
    }
    leaks = (
        state["same_seed_identical"] != state["same_seed_pairs"]
        or state["different_seed_differ"] != state["different_seed_pairs"]
        or not state["urls_keep_own_seed"]
    )
    result["ok"] = bool(
        result["server_up"]
        and result["connected"] == n
        and fails == 0
        and result["health_p99_s"] <= P99_LIMIT_S
        and per_session <= MB_PER_SESSION_LIMIT
        and released
        and result["exceptions"] == 0
        and not leaks
        and result["trained"] > 0
    )
    result["first_exceptions"] = [e for s in sessions for e in s.exceptions][:3]
    return result


def table(r: dict) -> str:
    rows = [
        ("sessions (browsers)", f"{r['sessions']} ({r['browsers']})", ""),
        ("connected / trained / saw the line", f"{r['connected']} / {r['trained']} / "
         f"{r['queued_seen']}", f"admission limit {r['max_trainers']}"),
        ("steps: total / median of trainers", f"{r['steps_total']} / "
         f"{r['steps_median_trained']}", f"{r['seconds']:.0f} s"),
        ("health p50 / p99 / max", f"{r['health_p50_s'] * 1000:.0f} / "
         f"{r['health_p99_s'] * 1000:.0f} / {r['health_max_s'] * 1000:.0f} ms",
         f"p99 <= {P99_LIMIT_S * 1000:.0f} ms; {r['health_failures']} failed of "
         f"{r['health_polls']}"),
        ("server RSS before / open / after", f"{r['rss_before_mb']:.0f} / "
         f"{r['rss_open_mb']:.0f} / {r['rss_after_mb']:.0f} MB", "first class"),
        ("  again: open / after", f"{r['rss_open_again_mb']:.0f} / "
         f"{r['rss_after_again_mb']:.0f} MB",
         "released and reused" if r["released"] else "NOT released"),
        ("memory per session", f"{r['mb_per_session']:.1f} MB", f"<= {MB_PER_SESSION_LIMIT:.0f}"),
        ("same seed -> same curve", f"{r['same_seed_identical']} / {r['same_seed_pairs']}", ""),
        ("different seed -> different curve",
         f"{r['different_seed_differ']} / {r['different_seed_pairs']}", ""),
        ("exceptions / error messages", f"{r['exceptions']} / {r['errors']}", ""),
        ("server up / all requirements met", f"{r['server_up']} / {r['ok']}", ""),
    ]  # fmt: skip
    w0 = max(len(a) for a, _, _ in rows)
    w1 = max(len(b) for _, b, _ in rows)
    return "\n".join(f"{a:<{w0}}  {b:>{w1}}  {c}" for a, b, c in rows)


def run(quick: bool = False) -> dict:
    """For ``python -m bench``: the full class, or 4 sessions for 15 s with ``quick``."""
    result = run_load(4, 15, 0, quick=True) if quick else run_load(30, 60, 3)
    print(table(result))
    result["burst"] = run_burst(4 if quick else 30)  # its own phase, on its own fresh server
    print(json.dumps({"burst": result["burst"]}))
    return result


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", type=int, default=30)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--browsers", type=int, default=3, help="how many sessions are Chromium pages")
    ap.add_argument("--burst", action="store_true", help="only the burst of first visits")
    ap.add_argument(
        "--max-trainers",
        default=None,
        help="LSTM_PLAYGROUND_MAX_TRAINERS for the server (default: its default)",
    )
    args = ap.parse_args(argv)
    if not 1 <= args.sessions <= 200 or not 1 <= args.seconds <= 600:
        ap.error("--sessions must be 1..200 and --seconds 1..600 (the test is bounded)")
    if args.burst:
        result = run_burst(args.sessions)
        print(json.dumps({"bench": "load.burst", **result}))
        sys.exit(0 if result["ok"] else 1)
    result = run_load(args.sessions, args.seconds, args.browsers, args.max_trainers)
    print(table(result))
    print(json.dumps({"bench": "load", **result}))
    sys.exit(0 if result["ok"] else 1)


if __name__ == "__main__":
    main()
