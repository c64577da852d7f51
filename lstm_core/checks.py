"""What a run is checked against before it is built: the settings' ranges and the memory budget.

Both raise ``TrainError`` holding a Problem (lstm_core.problems): a code with parameters, worded
in English by the engine and in the reader's language by the app.
"""

from __future__ import annotations

import numpy as np

from lstm_core import budget
from lstm_core.config import TrainConfig, validate
from lstm_core.problems import Problem


class TrainError(ValueError):
    """The configuration cannot be trained; ``problem`` says what is wrong (str: English)."""

    def __init__(self, problem: Problem):
        super().__init__(problem.english())
        self.problem = problem


def check_config(cfg: TrainConfig) -> None:
    """Raise TrainError naming the first setting out of the engine's range (config.LIMITS)."""
    problem = validate(cfg)
    if problem is not None:
        raise TrainError(problem)


def check_budget(cfg: TrainConfig, spec, seq_len: int) -> None:
    """Raise TrainError when a run of ``cfg`` would need more memory than a session may use
    (lstm_core.budget), naming the knob to lower and the largest value that fits."""
    over = budget.over_budget(cfg, spec, seq_len)
    if over is None:
        return
    sizes = {"need": budget.mb(over.need), "limit": budget.mb(over.limit)}
    if not over.knob:
        raise TrainError(Problem("budget.over.none", sizes))
    knob = Problem(f"budget.knob.{over.knob}")
    raise TrainError(Problem("budget.over", {**sizes, "knob": knob, "fits": over.fits}))


def check_weights(weights: dict, expected: dict) -> None:
    """Raise TrainError unless ``weights`` has exactly the names and shapes of ``expected``
    (a model's state dict)."""
    bad = sorted(set(expected) ^ set(weights))
    if bad:
        raise TrainError(Problem("saved.names", {"names": ", ".join(bad)}))
    for k, v in expected.items():
        if np.shape(weights[k]) != np.shape(v):
            shapes = {"name": k, "shape": np.shape(weights[k]), "needed": np.shape(v)}
            raise TrainError(Problem("saved.shape", shapes))
