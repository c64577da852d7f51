"""Reading a run's history for overfitting: the training loss next to the validation loss.

Every evaluation at step s_k gives a validation loss v_k. Its training loss r_k is the mean of
the step losses since the evaluation before (steps s_{k-1}+1 .. s_k), so that r_k and v_k
describe the same stretch of training; the gap is v_k - r_k.

Overfitting, precisely. Let b be the evaluation with the lowest validation loss so far (the
first one, on ties). The run is flagged "overfitting since step s_b" when

    1. at least ``patience`` evaluations came after b,
    2. each of the last ``patience`` of them is above the best by more than ``tolerance``
       (relative): v_k > v_b * (1 + tolerance), for v_b > 0,
    3. and the training loss kept falling: r_n < r_b (latest window below the best's window).

Then the model is fitting its training data better while it does worse on data it has not
seen: the training loss lies.
"""

from __future__ import annotations

import numpy as np

from lstm_core.records import History

PATIENCE = 3  # evaluations above the best before the flag is raised
TOLERANCE = 0.02  # relative rise of the validation loss that counts as "above the best"


def train_loss_at_evals(history: History) -> np.ndarray:
    """r_k: the mean training loss over the steps since the previous evaluation (NaN when no
    step was taken in between, e.g. the evaluation at step 0)."""
    steps = np.asarray(history.step, dtype=np.int64)
    loss = np.asarray(history.loss, dtype=np.float64)
    out = np.full(len(history.val_step), np.nan)
    prev = -1
    for k, s in enumerate(history.val_step):
        window = loss[(steps > prev) & (steps <= s)]
        if window.size:
            out[k] = window.mean()
        prev = s
    return out


def overfitting_since(
    history: History, patience: int = PATIENCE, tolerance: float = TOLERANCE
) -> int | None:
    """The step of the best validation loss when the run is overfitting (module docstring),
    else None."""
    v = np.asarray(history.val_loss, dtype=np.float64)
    if v.size <= patience or not np.isfinite(v).any():
        return None
    b = int(np.nanargmin(v))
    r = train_loss_at_evals(history)
    recent = v[-patience:]
    if len(v) - 1 - b < patience or not np.isfinite(r[b]) or not np.isfinite(r[-1]):
        return None
    rising = bool(np.all(recent > v[b] + tolerance * abs(v[b])))
    return int(history.val_step[b]) if rising and r[-1] < r[b] else None


def loss_gap(history: History) -> dict:
    """Per evaluation: step, training loss r_k, validation loss v_k and the gap v_k - r_k."""
    r = train_loss_at_evals(history)
    v = np.asarray(history.val_loss, dtype=np.float64)
    steps = np.asarray(history.val_step, dtype=np.int64)
    return {"step": steps, "train": r, "val": v, "gap": v - r}
