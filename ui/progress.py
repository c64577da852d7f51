"""Training behind a button, with a progress bar that moves at least every quarter second: a
button that trains for seconds never leaves the page without a visible update for long."""

from __future__ import annotations

import math

import streamlit as st

from lstm_core import gradients as gr
from ui.i18n import t

CHUNK_S = 0.25  # seconds of training between two updates of the bar


def bar(what: str):
    """A progress bar at 0, shown before any slow work starts (building a model, training)."""
    return st.progress(0.0, text=what)


def train_steps(trainer, steps: int, what: str, progress=None) -> None:
    """Train ``trainer`` ``steps`` more steps (fewer if it diverges) in chunks of about
    ``CHUNK_S``; after each chunk ``progress`` (a ``bar``; a new one when None) shows the step
    and ``what``. The bar is removed at the end."""
    progress = progress or bar(what)
    start = trainer.steps
    for _ in gr.train_to(trainer, start + steps, math.inf, chunk=CHUNK_S):
        done = trainer.steps - start
        progress.progress(
            min(done / max(steps, 1), 1.0), text=t("progress.steps", what=what, done=done, n=steps)
        )
    progress.empty()
