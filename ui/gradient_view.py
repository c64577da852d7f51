"""Session helpers of the Gradient flow page: its validation batch, a small memo of computed
gradients, and the comparison models (the other cells trained on the same batches).

The comparison trainers live in ``st.session_state`` (never ``st.cache_resource``: that is
shared by every session) next to the signature of the run they copy; a different run drops them.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lstm_core import gradients as gr
from lstm_core.config import CELLS
from lstm_core.train import Trainer
from ui.i18n import t

FLOW_B = 64  # validation sequences the gradient norms are averaged over
COMPARE_SECONDS = 30  # time limit for training one comparison model
COMPARE = "grad_comparisons"  # {"sig": str, "trainers": {cell: Trainer}, "limit": {cell: bool}}
MEMO = "grad_memo"  # computed results of this page, by key
MEMO_SIZE = 24
CELL_NAMES = {"lstm": "LSTM", "gru": "GRU", "rnn": "RNN"}


def label(trainer) -> str:
    """'LSTM', 'GRU', 'RNN', or 'LSTM (NFG)' for a variant."""
    m = trainer.config.model
    return CELL_NAMES[m.cell] + ("" if m.variant == "standard" else f" ({m.variant.upper()})")


def flow_batch(trainer):
    """The first FLOW_B sequences of the run's validation set."""
    return trainer.val_batch.subset(slice(0, min(FLOW_B, trainer.val_batch.B)))


def memo(trainer, what: str, fn):
    """``fn()`` computed once per trainer, training step and ``what`` (kept for a few keys)."""
    h = trainer.history
    key = (id(trainer), trainer.steps, h.loss[-1] if h.loss else None, what)
    store = st.session_state.setdefault(MEMO, {})
    if key not in store:
        if len(store) >= MEMO_SIZE:
            store.pop(next(iter(store)))
        store[key] = fn()
    return store[key]


def flow(trainer) -> dict:
    """gradients.flow_check of the trainer's model on the page's batch."""
    return memo(
        trainer, "flow", lambda: gr.flow_check(trainer.engine.torch_model(), flow_batch(trainer))
    )


def others(cell: str) -> list[str]:
    return [c for c in CELLS if c != cell]


def _signature(trainer) -> str:
    return repr(gr.comparison_config(trainer.config, "lstm").to_dict()) + repr(trainer.task_data)


def comparisons(trainer) -> dict:
    """The comparison trainers of this run, by cell (empty when none were trained for it, or
    when they are ahead of it: a run restarted with the same configuration)."""
    saved = st.session_state.get(COMPARE)
    if not saved or saved["sig"] != _signature(trainer):
        return {}
    return {c: m for c, m in saved["trainers"].items() if m.steps <= trainer.steps}


def hit_limit(cell: str) -> bool:
    return bool(st.session_state.get(COMPARE, {}).get("limit", {}).get(cell))


def train_comparisons(trainer, progress) -> None:
    """Train (or train on) the other cells up to the run's step count, each time-boxed;
    ``progress`` is an ``st.progress`` element, updated between training chunks. The trainers
    are in the session from the start, so a rerun that interrupts this keeps their progress."""
    sig = _signature(trainer)
    saved = st.session_state.get(COMPARE)
    if not saved or saved["sig"] != sig:
        saved = st.session_state[COMPARE] = {"sig": sig, "trainers": {}, "limit": {}}
    n = trainer.steps
    for cell in others(trainer.config.model.cell):
        comp = saved["trainers"].get(cell)
        if comp is None or comp.steps > n:  # none yet, or ahead of a restarted run
            comp = Trainer(gr.comparison_config(trainer.config, cell), data=trainer.task_data)
            saved["trainers"][cell] = comp
        saved["limit"].pop(cell, None)
        for frac in gr.train_to(comp, n, COMPARE_SECONDS):
            progress.progress(
                min(frac, 1.0),
                text=t("grad.compare.progress", model=CELL_NAMES[cell], step=comp.steps, n=n),
            )
        saved["limit"][cell] = comp.steps < n


def first_last_table(rows: list[tuple[str, dict]]) -> pd.DataFrame:
    """(label, flow) per model -> layer 1's gradient norm at t = 0 and at the last step."""
    data = [
        {
            t("grad.table.model"): name,
            t("grad.table.first"): float(f["dh"][0, 0]),
            t("grad.table.last"): float(f["dh"][0, -1]),
            t("grad.table.ratio"): float(f["dh"][0, 0] / f["dh"][0, -1]),
        }
        for name, f in rows
    ]
    return pd.DataFrame(data)
