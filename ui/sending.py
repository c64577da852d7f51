"""Waiting until this session's messages have left the server.

A script run does not put its messages in the browser queue itself: each element is handed to
the server's event loop (``AppSession._call_soon_on_event_loop``), which enqueues it later, and
the runtime's loop flushes the queue to the browser. Training runs on the script thread and
holds the GIL, so both steps can lag: a progress bar or a tick's charts would reach the page
late, or all at once. And when a fragment's next run starts, Streamlit 1.67 drops that
fragment's messages still queued (``ForwardMsgQueue.clear``), including those the event loop
enqueues just before it clears. These helpers wait until both steps are done, with a time
limit. (No plotly or torch import: the Home page imports ``ui.progress``, which uses this
module.)"""

from __future__ import annotations

import threading
import time

from streamlit.runtime import Runtime
from streamlit.runtime.scriptrunner import get_script_run_ctx


def _session():
    """This session's ``AppSession``, or None (AppTest, or a Streamlit whose internals moved:
    then nothing waits)."""
    ctx = get_script_run_ctx()
    if ctx is None or not Runtime.exists():
        return None
    manager = getattr(Runtime.instance(), "_session_mgr", None)
    info = manager.get_active_session_info(ctx.session_id) if manager is not None else None
    return getattr(info, "session", None)


# How long a tick's end waits for its messages to leave (a slow network: the next tick waits)
SEND_TIMEOUT_S = 1.0


def wait_until_sent(timeout_s: float = 0.25) -> float:
    """Sleep until every message this run has written has left the server (at most
    ``timeout_s``); returns the seconds waited. First the event loop must have enqueued them
    (a marker scheduled after them has run), then the queue must be empty (flushed)."""
    start, session = time.perf_counter(), _session()
    loop = getattr(session, "_event_loop", None)
    queue = getattr(session, "_browser_queue", None)
    if loop is None or not hasattr(queue, "is_empty"):
        return 0.0
    handed = threading.Event()
    try:
        loop.call_soon_threadsafe(handed.set)  # runs after the callbacks that enqueue ours
    except RuntimeError:  # the loop is closed: the server is shutting down
        return time.perf_counter() - start
    handed.wait(timeout_s)
    while not queue.is_empty() and time.perf_counter() - start < timeout_s:
        time.sleep(0.002)
    return time.perf_counter() - start


def end_of_tick() -> float:
    """The last call of every live fragment: wait (at most ``SEND_TIMEOUT_S``) until the
    tick's messages have left the server. When the next run of a fragment starts, Streamlit
    drops that fragment's messages still queued, so the last elements of a tick (whatever
    was written last: the counters, or the charts at the bottom) went missing for seconds,
    and after Play and Pause the elements at the bottom vanished and were remounted."""
    return wait_until_sent(SEND_TIMEOUT_S)
