"""The lessons of the classroom: what each one sets up and which page it opens.

A lesson is data: a TrainConfig built from ``lstm_core`` names, plus the presets of the page
it opens (arena, gradient flow or sandbox) and the training steps taken before the page opens
(for pages without a Play button). Its texts are the catalogue keys ``lessons.<key>.title``,
``.summary``, ``.story``, ``.predict``, ``.run`` and ``.look``. No streamlit and no torch here
(the presets' configurations come from ``lstm_core.presets``), so the Home page lists the
lessons without loading the engine. ``ui.lesson_state.start`` puts a lesson into the session.
"""

from __future__ import annotations

import copy
from typing import NamedTuple

from lstm_core import presets
from lstm_core.config import ModelConfig, OptimConfig, TrainConfig

SANDBOX = "pages/3_Cell_sandbox.py"
ARENA = "pages/5_Arena.py"
GRADIENTS = "pages/4_Gradient_flow.py"
INSIDE = "pages/2_Inside_the_cell.py"
TRAIN = "pages/1_Train.py"


class Lesson(NamedTuple):
    key: str  # names the catalogue keys lessons.<key>.*
    page: str  # script path of the page the lesson opens
    config: TrainConfig  # task, model and optimizer of the session's run
    arena: str | None = None  # key of lstm_core.arena.PRESETS the Arena starts from
    gradient: str | None = None  # key of lstm_core.gradients.PRESETS (config and steps)
    sandbox: str | None = None  # key of lstm_core.inside.PRESETS the sandbox shows
    sequence: bool = False  # the sandbox opens in sequence mode (the story asks about one)
    train_steps: int = 0  # steps trained before the page opens (pages without Play)

    def run_config(self) -> TrainConfig:
        """A fresh copy of the configuration (the lesson's own stays untouched)."""
        return copy.deepcopy(self.config)


def _cfg(task: str, knobs: dict, cell="lstm", hidden=32, lr=1e-2, batch=32, **model) -> TrainConfig:
    return TrainConfig(
        task=task,
        task_knobs=dict(knobs),
        model=ModelConfig(cell=cell, hidden_size=hidden, **model),
        optim=OptimConfig(name="adam", lr=lr, clip=1.0, batch_size=batch),
        seed=0,
    )


def _arena(key: str) -> TrainConfig:
    return copy.deepcopy(presets.ARENA[key])


def _gradient(key: str) -> TrainConfig:
    return copy.deepcopy(presets.GRADIENTS[key][0])


LESSONS: list[Lesson] = [
    Lesson("gates", SANDBOX, _cfg("sine", {}, hidden=8), sandbox="remember", sequence=True),
    Lesson("long_lags", ARENA, _arena("long_lags"), arena="long_lags"),
    Lesson("vanishing", GRADIENTS, _gradient("vanishing"), gradient="vanishing"),
    Lesson("forget", ARENA, _arena("reber_nfg"), arena="reber_nfg"),
    Lesson(
        "counting",
        INSIDE,
        _cfg("brackets", {"seq_len": 40, "max_depth": 4, "filler": 0.3}, hidden=8),
        train_steps=300,
    ),
    Lesson("negation", TRAIN, _cfg("sentiment", {"language": "both", "negation": 0.5})),
    Lesson("forecast", TRAIN, _cfg("series", {"dataset": "sunspots", "window": 32}, lr=5e-3)),
    # The tutorial: 10 units, Adam at its default 1e-3, batch 16 over 16 fixed sequences.
    Lesson("tutorial", TRAIN, _cfg("seed-example", {}, hidden=10, lr=1e-3, batch=16)),
    Lesson(
        "translate",
        TRAIN,
        _cfg("translate", {"direction": "en-zh", "largest": 999, "attention": "dot"}, hidden=64),
    ),
    # 64 fixed noisy gestures, no cure yet: the student adds dropout or weight decay.
    Lesson("overfitting", TRAIN, _arena("overfit")),
]
BY_KEY = {lesson.key: lesson for lesson in LESSONS}
