"""One compute thread per process user: torch and the BLAS under NumPy; and the engine's
import, moved off the first visitors' path.

The app serves many sessions from one process on a small machine. With several threads per
library, small matrices thrash (NOTES.md: a 10 ms step seen taking 3 s; the NumPy engine
3.5x slower with OpenBLAS's default threads). Call ``single_thread()`` once at start-up, or
``warm_up_later()`` where torch is not needed yet: the Home page does not import torch, so a
class arriving at once is not kept waiting by it.
"""

from __future__ import annotations

import threading
import time
from functools import cache

QUIET_S = 3.0  # the engine is imported once no page has asked for it for this long...
MAX_WAIT_S = 60.0  # ...or this long after the first ask, whichever comes first


@cache
def single_thread() -> None:
    """Limit torch and NumPy's BLAS to one thread each (idempotent)."""
    import torch  # lazy: importing this module must not load torch (see warm_up_later)
    from threadpoolctl import threadpool_limits  # lazy, as torch: needed once per process

    torch.set_num_threads(1)
    threadpool_limits(limits=1, user_api="blas")


class _WarmUp:
    """The background import of torch and the engine: one thread per process, started by the
    first ``request``, that waits until requests have stopped for ``QUIET_S`` seconds (a class
    has finished arriving) or ``MAX_WAIT_S`` have passed. Importing torch holds the GIL for
    seconds: done while pages are being drawn, it would delay every one of them."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.last = 0.0
        self.thread: threading.Thread | None = None

    def request(self, quiet_s: float, max_wait_s: float) -> threading.Thread:
        with self.lock:
            self.last = time.monotonic()
            if self.thread is None:
                args = (quiet_s, self.last + max_wait_s)
                self.thread = threading.Thread(
                    target=self._run, args=args, name="engine-warm-up", daemon=True
                )
                self.thread.start()
            return self.thread

    def _run(self, quiet_s: float, deadline: float) -> None:
        while (now := time.monotonic()) < deadline and now - self.last < quiet_s:
            time.sleep(max(0.05, min(quiet_s - (now - self.last), deadline - now)))
        single_thread()
        import lstm_core.train  # lazy by design: the deferred engine import  # noqa: F401


_WARM_UP = _WarmUp()


def warm_up_later(quiet_s: float = QUIET_S, max_wait_s: float = MAX_WAIT_S) -> threading.Thread:
    """Ask for torch and the engine to be imported in the background (``_WarmUp``), so the
    first Train page finds them loaded. Call it on every page drawn without torch; returns
    the warm-up thread (the same one every time)."""
    return _WARM_UP.request(quiet_s, max_wait_s)
