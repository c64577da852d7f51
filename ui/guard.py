"""Safeguards of a shared server around the Train page's tick: the training line
(``lstm_core.admission``) and a training chunk that raises.

    with state.trainer_turn() as mine:
        if mine and state.is_running():
            guard.train(tick, trainer, speed)   # instead of tick(trainer, speed)

``train`` asks the server's gate for a slot; a session that must wait sees its place in line
and trains nothing this tick. A chunk that raises (a bug, a broken batch) is caught: the run
pauses the way a diverged run does (status "diverged", a plain message, Resume), the error
goes to the server log, and the session keeps working.
"""

from __future__ import annotations

import logging
import time

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from lstm_core import admission
from lstm_core.problems import Problem
from ui.i18n import t

log = logging.getLogger("lstm_playground")
# A waiting session's fragment timer would rerun the page 10-20 times a second only to learn
# that it still waits: 26 waiting students made 500 script runs a second, starving the four
# who train and the server's event loop. Waiting ticks sleep instead (the thread holds no
# lock that matters and no CPU; timer reruns do not pile up), so a waiting session asks about
# once a second. A click while waiting is answered within that second.
QUEUE_POLL_S = 1.0
_FALLBACK_ID = "guard_session_id"


def session_id() -> str:
    """This browser session's id (one per tab), as the Streamlit runtime knows it."""
    ctx = get_script_run_ctx()
    if ctx is not None and ctx.session_id:
        return ctx.session_id
    if _FALLBACK_ID not in st.session_state:  # no runtime context: one id per session state
        st.session_state[_FALLBACK_ID] = f"local-{id(st.session_state)}"
    return st.session_state[_FALLBACK_ID]


def admitted() -> bool:
    """Take or keep a training slot; when the line is full, say where this session stands."""
    ticket = admission.shared().try_acquire(session_id())
    if ticket.granted:
        return True
    if ticket.limit == 0:
        st.info(t("guard.queue.closed"), icon=":material/block:")
    elif ticket.position == 1:
        st.info(t("guard.queue.next", training=ticket.training), icon=":material/schedule:")
    else:
        st.info(
            t("guard.queue.later", training=ticket.training, position=ticket.position),
            icon=":material/schedule:",
        )
    time.sleep(QUEUE_POLL_S)
    return False


def release() -> None:
    """Give the slot (or the place in line) back: on Pause, Reset, a failed chunk."""
    admission.shared().release(session_id())


def train(tick, trainer, *args) -> int:
    """``tick(trainer, *args)`` if this session is admitted; a chunk that raises pauses the
    run with a plain message instead of taking the session down. Returns the steps applied."""
    if not admitted():
        return 0
    try:
        return tick(trainer, *args)
    except Exception as e:  # noqa: BLE001 -- whatever a chunk raises, the session lives on
        log.exception("a training chunk failed at step %s", getattr(trainer, "steps", "?"))
        release()
        # the page pauses and offers Resume, as for divergence
        trainer.pause(Problem("crashed", {"step": trainer.steps, "error": type(e).__name__}))
        return 0


# ----- the same for a page whose chunk is not one Trainer (the Arena)
FAILED = "guard_failed"  # page -> the message of a chunk that raised, shown until Play


def chunk(page: str, fn, *args):
    """``fn(*args)``, or None if it raised: the error is logged, the slot freed, and a plain
    message kept for ``notice(page)``."""
    try:
        return fn(*args)
    except Exception as e:  # noqa: BLE001 -- whatever a chunk raises, the session lives on
        log.exception("a training chunk failed on the %s page", page)
        release()
        st.session_state.setdefault(FAILED, {})[page] = t(
            "guard.chunk_failed", error=type(e).__name__
        )
        return None


def notice(page: str) -> None:
    """Show the message of a failed chunk on ``page`` (until ``clear``)."""
    message = st.session_state.get(FAILED, {}).get(page)
    if message:
        st.error(message)


def clear(page: str) -> None:
    st.session_state.get(FAILED, {}).pop(page, None)
