"""Waiting until this session's messages have left the server.

Training runs on the script thread and holds the GIL, so the thread that sends queued
messages to the browser can starve: a progress bar or a tick's charts would reach the page
late, or all at once. And when a fragment's next run starts, Streamlit 1.67 drops that
fragment's messages still queued (``ForwardMsgQueue.clear``). These helpers sleep until the
queue is empty, with a time limit. (No plotly or torch import: the Home page imports
``ui.progress``, which uses this module.)"""

from __future__ import annotations

import time

from streamlit.runtime import Runtime
from streamlit.runtime.scriptrunner import get_script_run_ctx


def _browser_queue():
    """This session's queue of messages not yet sent to the browser, or None (AppTest, or a
    Streamlit whose internals moved: then nothing waits)."""
    ctx = get_script_run_ctx()
    if ctx is None or not Runtime.exists():
        return None
    manager = getattr(Runtime.instance(), "_session_mgr", None)
    info = manager.get_active_session_info(ctx.session_id) if manager is not None else None
    queue = getattr(getattr(info, "session", None), "_browser_queue", None)
    return queue if hasattr(queue, "is_empty") else None


# How long a tick's end waits for its messages to leave (a slow network: the next tick waits)
SEND_TIMEOUT_S = 1.0


def wait_until_sent(timeout_s: float = 0.25) -> float:
    """Sleep until this session's queued messages have left the server (at most
    ``timeout_s``); returns the seconds waited. Call it at the start of a tick: training
    would starve the thread that sends them (one GIL)."""
    queue, start = _browser_queue(), time.perf_counter()
    while queue is not None and not queue.is_empty():
        if time.perf_counter() - start > timeout_s:
            break
        time.sleep(0.002)
    return time.perf_counter() - start


def end_of_tick() -> float:
    """The last call of every live fragment: wait (at most ``SEND_TIMEOUT_S``) until the
    tick's messages have left the server. When the next run of a fragment starts, Streamlit
    drops that fragment's messages still queued, so the last elements of a tick (whatever
    was written last: the counters, or the charts at the bottom) went missing for seconds,
    and after Play and Pause the elements at the bottom vanished and were remounted."""
    return wait_until_sent(SEND_TIMEOUT_S)
