"""Projector mode is an argument of the figure builders: ``projector=True`` scales fonts and
lines up whatever the session hook says, ``projector=False`` keeps the plain look."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest

from ui.figures import arena, common, gradients, runs
from ui.figures import train as figs

# common.py holds the fallback itself (``projecting(None)`` asks the hook) for the cell and
# home figures, which do not take the argument yet.
CONVERTED = ("train", "arena", "runs", "gradients", "equations", "predictions")
CURVE = {
    "label": "LSTM",
    "steps": [1, 2, 3],
    "loss": [1.0, 0.5, 0.1],
    "val_steps": [1, 3],
    "val_loss": [1.0, 0.2],
    "metric": [0.1, 0.9],
    "solved_at": 3,
}
FLOW = {"dh": np.array([[1e-3, 1e-2, 1.0]]), "dc": None}
FACTORS = [{"step_norm": np.ones(3), "path_norm": np.ones(3), "sigma_max": 1.0}]
BUILDERS = {
    "loss": lambda p: figs.loss_figure([1, 2], [1.0, 0.5], [2], [0.6], 1.0, 2, projector=p),
    "metric": lambda p: figs.metric_figure([1, 2], [0.1, 0.9], 0.5, 0.0, "acc", projector=p),
    "grad_norm": lambda p: figs.grad_norm_figure([1, 2], [1.0, 2.0], [0, 1], 1.0, projector=p),
    "forecast": lambda p: figs.forecast_figure([0, 1.0], [1, 2.0], [1, 1.5], projector=p),
    "regression": lambda p: figs.regression_figure([0, 1.0], [0.2, 0.8], projector=p),
    "class_prob": lambda p: figs.class_prob_figure([0.2, 0.8], 1, ["a", "b"], projector=p),
    "preview": lambda p: figs.preview_figure([{"x": [0, 1.0], "label": "x"}], projector=p),
    "loss_overlay": lambda p: arena.loss_overlay([CURVE], projector=p),
    "metric_overlay": lambda p: arena.metric_overlay([CURVE], 0.9, "acc", projector=p),
    "compare": lambda p: runs.compare_figure([CURVE], projector=p),
    "flow": lambda p: gradients.flow_figure([("RNN", "rnn", FLOW)], projector=p),
    "rnn_factor": lambda p: gradients.rnn_factor_figure(FACTORS, projector=p),
    "forget": lambda p: gradients.forget_figure(
        [{"mean_f": np.full(3, 0.5), "product": np.ones(3)}], projector=p
    ),
    "saliency": lambda p: gradients.saliency_figure(
        np.zeros((3, 1)), [("LSTM", "lstm", np.ones(3))], projector=p
    ),
}


@pytest.fixture
def hook_says():
    """Install a session hook that answers the opposite of what the test passes."""

    def install(value: bool):
        common.set_projector_source(lambda: value)

    yield install
    common.set_projector_source(None)


def _sizes(fig) -> tuple[float, float]:
    layout = fig.to_dict()["layout"]
    widths = [t["line"]["width"] for t in fig.to_dict()["data"] if t.get("line", {}).get("width")]
    return layout["font"]["size"], max(widths, default=0)


@pytest.mark.parametrize("name", list(BUILDERS))
def test_projector_is_an_argument_not_the_hook(name, hook_says):
    hook_says(False)
    big = _sizes(BUILDERS[name](True))
    hook_says(True)
    plain = _sizes(BUILDERS[name](False))
    assert big[0] > plain[0]
    assert big[1] > plain[1] or big[1] == plain[1] == 0


def test_converted_modules_never_ask_the_session_hook():
    root = Path(common.__file__).parent
    for name in CONVERTED:
        tree = ast.parse((root / f"{name}.py").read_text(encoding="utf-8"))
        calls = [
            n
            for n in ast.walk(tree)
            if isinstance(n, ast.Call) and getattr(n.func, "id", "") == "projector"
        ]
        assert not calls, f"ui/figures/{name}.py calls projector()"
