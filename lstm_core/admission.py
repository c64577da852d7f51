"""Admission: at most ``limit`` sessions of one server train at once; the others wait in line.

Thirty students on a two-core server who all press Play at once would each get a thirtieth
of a core: every chart crawls and nobody's run gets anywhere. Instead, the first ``limit``
sessions train and the rest queue, first come first served, with their place in line shown.

    gate = Admission(limit=4)
    ticket = gate.try_acquire(session_id)   # call on every training tick
    if ticket.granted: train a chunk
    else: show "ticket.training students are training; you are number ticket.position in line"
    gate.release(session_id)                # on Pause, Reset, or the end of the session

A slot is also freed without a release: a session whose ticks stop (its tab closed, its
browser asleep) is forgotten after ``idle_s``. And while others wait, a session that has
trained for ``turn_s`` goes to the back of the line, so that everyone gets turns.

One process-wide gate (``shared()``) serves every session of the server; its size comes from
the environment variable LSTM_PLAYGROUND_MAX_TRAINERS (``limit_from_env``). The engine knows
nothing of Streamlit: a session is any hashable id.
"""

from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass

ENV = "LSTM_PLAYGROUND_MAX_TRAINERS"
PER_CORE = 2  # trainers per CPU core in the default limit (see default_limit)
IDLE_S = 10.0  # a session that has not ticked for this long loses its slot or place
TURN_S = 30.0  # a trainer's turn while others wait
UNLIMITED = ("none", "off", "unlimited")  # LSTM_PLAYGROUND_MAX_TRAINERS values: no limit


def default_limit(cores: int | None = None) -> int:
    """Two trainers per core. Each trainer runs one torch thread: two per core keeps every
    core busy while a trainer waits on Python work (drawing charts, the event loop), and
    each running chart still gets half a core, about four ticks a second. Beyond that the
    same total throughput is only split thinner, and the server's own event loop (health
    checks, other students' clicks) starts to wait for the CPU."""
    cores = cores if cores is not None else (os.cpu_count() or 1)
    return PER_CORE * max(1, cores)


def limit_from_env(environ: Mapping[str, str] | None = None) -> int | None:
    """The limit LSTM_PLAYGROUND_MAX_TRAINERS asks for: a whole number >= 0 (0: nobody
    trains, e.g. during an exam), "off" / "none" / "unlimited" for no limit (None); unset
    or unreadable: ``default_limit()``."""
    environ = os.environ if environ is None else environ
    raw = environ.get(ENV)
    if raw is None:
        return default_limit()
    text = raw.strip().lower()
    if text in UNLIMITED:
        return None
    try:
        value = int(text)
    except ValueError:
        return default_limit()
    return value if value >= 0 else default_limit()


@dataclass(frozen=True)
class Ticket:
    """The answer to one ``try_acquire``."""

    granted: bool  # this session may train now
    position: int  # 0 when granted; 1 = next in line, 2 = one session ahead, ...
    training: int  # sessions holding a slot now
    waiting: int  # sessions in line now
    limit: int | None  # the gate's size (None: unlimited)


class Admission:
    """A counting gate with a first-come-first-served line. Thread-safe."""

    def __init__(
        self,
        limit: int | None,
        idle_s: float = IDLE_S,
        turn_s: float = TURN_S,
        clock: Callable[[], float] = time.monotonic,
    ):
        if limit is not None and (isinstance(limit, bool) or int(limit) != limit or limit < 0):
            raise ValueError(f"the limit must be a whole number >= 0 or None, got {limit!r}")
        self.limit = None if limit is None else int(limit)
        self.idle_s, self.turn_s, self.clock = float(idle_s), float(turn_s), clock
        self._lock = threading.Lock()
        self._holders: dict[Hashable, list[float]] = {}  # id -> [since, last seen]
        self._line: OrderedDict[Hashable, float] = OrderedDict()  # id -> last seen, in order

    def try_acquire(self, session_id: Hashable) -> Ticket:
        """Take (or keep) a training slot, or join (or keep a place in) the line."""
        with self._lock:
            now = self.clock()
            self._forget_idle(now)
            held = self._holders.get(session_id)
            if held is not None:
                if self._line and now - held[0] >= self.turn_s:
                    del self._holders[session_id]  # turn over: to the back of the line
                    self._line[session_id] = now
                else:
                    held[1] = now
                    return self._ticket(True, 0)
            self._line[session_id] = now
            free = self._free_slots()
            position = list(self._line).index(session_id) + 1
            if position <= free:
                # the first ``free`` sessions in line move in (FIFO: nobody jumps the line)
                del self._line[session_id]
                self._holders[session_id] = [now, now]
                return self._ticket(True, 0)
            return self._ticket(False, position - free)

    def set_limit(self, limit: int | None) -> None:
        """Change the gate's size (the teacher's setting). Sessions already training keep
        their slot until their turn ends; the line moves in as slots free up."""
        if limit is not None and (isinstance(limit, bool) or int(limit) != limit or limit < 0):
            raise ValueError(f"the limit must be a whole number >= 0 or None, got {limit!r}")
        with self._lock:
            self.limit = None if limit is None else int(limit)

    def release(self, session_id: Hashable) -> None:
        """Give up a slot or a place in line (Pause, Reset, session end). Idempotent."""
        with self._lock:
            self._holders.pop(session_id, None)
            self._line.pop(session_id, None)

    def snapshot(self) -> tuple[list, list]:
        """(sessions training, sessions waiting in order): for tests and the load report."""
        with self._lock:
            self._forget_idle(self.clock())
            return list(self._holders), list(self._line)

    # ----- inside the lock
    def _free_slots(self) -> int:
        if self.limit is None:
            return len(self._line)
        return max(0, self.limit - len(self._holders))

    def _forget_idle(self, now: float) -> None:
        for sid in [s for s, (_, seen) in self._holders.items() if now - seen > self.idle_s]:
            del self._holders[sid]
        for sid in [s for s, seen in self._line.items() if now - seen > self.idle_s]:
            del self._line[sid]

    def _ticket(self, granted: bool, position: int) -> Ticket:
        return Ticket(granted, position, len(self._holders), len(self._line), self.limit)


_shared: Admission | None = None
_shared_lock = threading.Lock()


def shared() -> Admission:
    """The server's one gate, sized by LSTM_PLAYGROUND_MAX_TRAINERS when first asked for."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = Admission(limit_from_env())
        return _shared


def reset_shared(limit: int | None = None, **kwargs) -> Admission:
    """Replace the server's gate (tests, or a teacher's setting): a fresh, empty one."""
    global _shared
    with _shared_lock:
        _shared = Admission(limit, **kwargs)
        return _shared
