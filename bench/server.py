"""``streamlit run app.py`` on a free loopback port, for the browser tests and the benchmarks.

server = StreamlitServer(log_dir=Path("artifacts"))  # output in streamlit-<port>.log
try:
    server.wait_healthy()  # RuntimeError if it exits or does not answer in time
    ...  # server.url
finally:
    server.stop()
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
START_TIMEOUT_S = 90
CHROMIUM = "/usr/bin/chromium"  # Debian's: no browser downloads on this network
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class StreamlitServer:
    """The app served headless on loopback; its output goes to ``log_dir/streamlit-<port>.log``
    (discarded without ``log_dir``)."""

    def __init__(self, log_dir: Path | None = None):
        self.port = free_port()
        self.url = f"http://{HOST}:{self.port}"
        self.log = None
        if log_dir is not None:
            self.log = open(log_dir / f"streamlit-{self.port}.log", "w")  # noqa: SIM115 (stop)
        cmd = [
            sys.executable, "-m", "streamlit", "run", "app.py",
            "--server.headless", "true",
            "--server.address", HOST,
            "--server.port", str(self.port),
            "--browser.gatherUsageStats", "false",
            # No file watcher: it only matters while editing, and on a busy tree it floods.
            "--server.fileWatcherType", "none",
        ]  # fmt: skip
        out = self.log if self.log is not None else subprocess.DEVNULL
        self.proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)

    def healthy(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                return r.read().decode().strip() == "ok"
        except OSError:
            return False

    def wait_healthy(self, timeout_s: float = START_TIMEOUT_S) -> None:
        deadline = time.monotonic() + timeout_s
        while not self.healthy():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                where = f"; see {self.log.name}" if self.log is not None else ""
                raise RuntimeError(f"streamlit did not start at {self.url}{where}")
            time.sleep(0.5)

    def stop(self) -> None:
        """Stop the server by its pid (terminate, then kill after 10 s)."""
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        if self.log is not None:
            self.log.close()
