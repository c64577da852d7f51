"""The teacher's key and the server's secret: no Streamlit here.

The key (``LSTM_PLAYGROUND_TEACHER_KEY``, or the file ``teacher_key`` in the store folder) is
what the teacher types once into the app; the app keeps only "this session is the teacher's".
It is compared in constant time (``hmac.compare_digest``), and guesses are rate-limited per
session and for the whole server (``Attempts``).

The secret (``LSTM_PLAYGROUND_SECRET``, or the file ``secret`` in the store folder, created
once with mode 0600) signs the teacher's locked links (``ui.links.sign``). Several servers of a
school must share it: set the environment variable on each, or share the store folder.
"""

from __future__ import annotations

import hmac
import os
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable, Hashable
from pathlib import Path

KEY_ENV = "LSTM_PLAYGROUND_TEACHER_KEY"
KEY_FILE = "teacher_key"
SECRET_ENV = "LSTM_PLAYGROUND_SECRET"
SECRET_FILE = "secret"
MIN_KEY = 8  # characters: a shorter key is refused as a setting (too easy to guess)
PER_SESSION = 5  # guesses per session per WINDOW_S
GLOBAL = 30  # guesses per server per WINDOW_S, all sessions together
WINDOW_S = 60.0


class TeacherError(ValueError):
    """The key or the secret cannot be used; the message says why in plain words."""


def teacher_key(home: Path) -> str | None:
    """The key set on the server, or None when no teacher key is set (no teacher powers)."""
    key = os.environ.get(KEY_ENV, "").strip()
    if not key:
        try:
            key = (Path(home) / KEY_FILE).read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError):
            return None
    if len(key) < MIN_KEY:
        raise TeacherError(f"the teacher key must have at least {MIN_KEY} characters")
    return key


def key_matches(given: str, expected: str) -> bool:
    """Constant-time comparison: the time taken says nothing about how much was right."""
    return hmac.compare_digest(str(given).encode("utf-8"), expected.encode("utf-8"))


def server_secret(home: Path) -> bytes:
    """The secret that signs links: from the environment, else the store folder's file
    (created on first use, readable by this user only)."""
    env = os.environ.get(SECRET_ENV, "").strip()
    if env:
        return env.encode("utf-8")
    path = Path(home) / SECRET_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read_secret(path)
    with os.fdopen(fd, "w") as f:
        f.write(secrets.token_hex(32))
    return _read_secret(path)


def _read_secret(path: Path, tries: int = 50) -> bytes:
    """Another server process may be writing it right now: wait for it briefly."""
    for _ in range(tries):
        text = path.read_text(encoding="utf-8").strip()
        if text:
            return text.encode("utf-8")
        time.sleep(0.02)
    raise TeacherError(f"the secret file {path} is empty")


class Attempts:
    """A sliding-window limit on key guesses: per session and for the whole server."""

    def __init__(
        self,
        per_session: int = PER_SESSION,
        total: int = GLOBAL,
        window_s: float = WINDOW_S,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.per_session, self.total, self.window_s, self.clock = (
            per_session,
            total,
            window_s,
            clock,
        )
        self._lock = threading.Lock()
        self._all: deque[float] = deque()
        self._by_session: dict[Hashable, deque[float]] = {}

    def wait_s(self, session_id: Hashable) -> float:
        """0 and the guess is counted; or the seconds to wait before the next guess."""
        with self._lock:
            now = self.clock()
            self._forget(now)
            mine = self._by_session.setdefault(session_id, deque())
            for times, limit in ((mine, self.per_session), (self._all, self.total)):
                if len(times) >= limit:
                    return max(0.1, times[0] + self.window_s - now)
            mine.append(now)
            self._all.append(now)
            return 0.0

    def _forget(self, now: float) -> None:
        for times in (self._all, *self._by_session.values()):
            while times and now - times[0] >= self.window_s:
                times.popleft()
        for sid in [s for s, times in self._by_session.items() if not times]:
            del self._by_session[sid]


_attempts = Attempts()


def attempts() -> Attempts:
    """The server's one limiter (every session's guesses count against it)."""
    return _attempts
