"""Training behind a button, with a progress bar that moves at least every quarter second: a
button that trains for seconds never leaves the page without a visible update for long.
(No torch import here: the Home page imports this module through the lessons.)"""

from __future__ import annotations

import time

import streamlit as st

from ui.i18n import t
from ui.sending import wait_until_sent

CHUNK_S = 0.25  # seconds of training between two updates of the bar


def bar(what: str):
    """A progress bar at 0, shown before any slow work starts (building a model, training):
    it waits until the bar has left the server, which the work would otherwise delay (one
    GIL) until the bar's next update."""
    progress = st.progress(0.0, text=what)
    wait_until_sent()
    return progress


def train_steps(trainer, steps: int, what: str, progress=None) -> None:
    """Train ``trainer`` ``steps`` more steps (fewer if it diverges or refuses a step) in
    chunks of about ``CHUNK_S``; after each chunk ``progress`` (a ``bar``; a new one when
    None) shows the step and ``what``. The bar is removed at the end."""
    progress = progress or bar(what)
    start, stop = trainer.steps, trainer.steps + steps
    going = True
    while going and trainer.steps < stop and trainer.status != "diverged":
        going = _chunk(trainer, stop)
        done = trainer.steps - start
        text = t("progress.steps", what=what, done=done, n=steps)
        progress.progress(min(done / max(steps, 1), 1.0), text=text)
        wait_until_sent()  # this update reaches the page before the next chunk trains
    progress.empty()


def _chunk(trainer, stop: int) -> bool:
    """Train up to step ``stop`` for about ``CHUNK_S``; False when a step was refused."""
    t0 = time.perf_counter()
    while trainer.steps < stop and time.perf_counter() - t0 < CHUNK_S:
        if not trainer.step(1):
            return False
    return True
