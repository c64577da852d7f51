"""Why a run stops by itself, each as a Problem (lstm_core.problems) that the app words in the
reader's language:

- ``divergence``: a step was refused (non-finite loss, gradient, weights or inputs);
- ``NotLearning``: the validation loss stayed far above the baseline's for several evaluations
  (usually a learning rate far too high);
- ``EarlyStopping``: ``patience`` evaluations in a row brought no new best validation loss. It
  also keeps the weights of the best evaluation, for ``Trainer.restore_best``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from lstm_core.problems import Problem

NOT_LEARNING_FACTOR = 3.0  # validation loss this many times the baseline's is "not learning"
NOT_LEARNING_EVALS = 8  # evaluations in a row like that pause the run


def divergence(step: int, lr: float, clip, loss, grad_norm, x, weights: bool) -> Problem:
    """Why step ``step + 1`` (on inputs ``x``) was refused, and what to try. ``weights``: the
    update would have made the weights non-finite."""
    if not np.isfinite(np.asarray(x, dtype=np.float64)).all():
        what, hint = Problem("diverged.inputs"), Problem("diverged.hint.data")
    else:
        if weights:
            what = Problem("diverged.weights")
        elif not math.isfinite(loss):
            what = Problem("diverged.loss", {"value": loss})
        else:
            what = Problem("diverged.grad", {"value": grad_norm})
        if clip is None:
            clipping = Problem("diverged.clip.off")
        else:
            clipping = Problem("diverged.clip.on", {"clip": clip})
        hint = Problem("diverged.hint.lr", {"lr": lr, "lr_try": lr / 10, "clip": clipping})
    return Problem("diverged", {"step": step, "next": step + 1, "what": what, "hint": hint})


@dataclass
class NotLearning:
    """Counts evaluations in a row whose loss is over NOT_LEARNING_FACTOR x the baseline's."""

    far_evals: int = 0

    def record(self, step: int, val_loss: float, baseline: float, lr: float) -> Problem | None:
        """Count this evaluation; after NOT_LEARNING_EVALS far ones, the advice to lower the
        learning rate (None until then)."""
        far = step > 0 and val_loss > NOT_LEARNING_FACTOR * baseline + 1e-3
        self.far_evals = self.far_evals + 1 if far else 0
        if self.far_evals < NOT_LEARNING_EVALS:
            return None
        params = {"n": self.far_evals, "loss": val_loss, "baseline": baseline,
                  "lr": lr, "lr_try": lr / 10}  # fmt: skip
        return Problem("not_learning", params)


@dataclass
class EarlyStopping:
    """The best validation loss so far with its step and weights, and the evaluations since."""

    best: dict | None = None  # {"step", "val_loss", "weights"} of the best evaluation
    evals_since_best: int = 0

    def record(
        self, step: int, val_loss: float, weights: Callable[[], dict], patience: int
    ) -> Problem | None:
        """Keep ``weights()`` when ``val_loss`` is a new best; once ``patience`` (> 0)
        evaluations passed without one, the reason to stop (None otherwise)."""
        if math.isfinite(val_loss) and (self.best is None or val_loss < self.best["val_loss"]):
            self.best = {"step": step, "val_loss": val_loss, "weights": weights()}
            self.evals_since_best = 0
            return None
        self.evals_since_best += 1
        if not patience or self.evals_since_best < patience:
            return None
        assert self.best is not None  # evals_since_best counts from a kept best
        best = {"best": self.best["val_loss"], "best_step": self.best["step"]}
        return Problem("stopped.early", {"step": step, "patience": patience, **best})
