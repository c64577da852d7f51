"""Recipes for long time lags, each from the literature, and a curriculum on the lag.

    cfg = recipe("chrono", seed=1)          # a TrainConfig: adding T=100, chrono LSTM, Adam
    tr = Trainer(cfg); solved = train_until_solved(tr, max_steps=4625)
    tr = Trainer(recipe("curriculum")); curriculum(tr, (20, 50, 100), max_steps=4625)

The recipes (measured at seed 0-2 in bench.papers; Hochreiter & Schmidhuber 1997 needed 74,000
sequences for the adding problem at T = 100):

  chrono       chrono initialisation of the i and f biases, T_max = 100 (Tallec & Ollivier 2018),
               Adam 1e-2, batches of 16, gradient clipping at 1 (Pascanu et al. 2013)
  online_sgd   the paper's regime: one sequence per update (batch 1), SGD (lr 0.05, momentum
               0.9), clipping at 1, with the chrono initialisation
  default      PyTorch's initialisation with forget bias 1 (Gers et al. 2000), same optimizer as
               chrono: the control
  curriculum   the default model trained with a curriculum on T (start short, raise the live
               seq_len knob each time the task is solved; Bengio et al. 2009)
"""

from __future__ import annotations

import copy
from dataclasses import replace

from lstm_core.config import ModelConfig, OptimConfig, TrainConfig
from lstm_core.train import Trainer

T_LONG = 100  # the adding problem's lag in H&S 1997, experiment 4
HS_SEQUENCES = 74_000  # sequences H&S's LSTM needed at T = 100 (their table 7)


def _adding(model: ModelConfig, optim: OptimConfig, eval_every: int, T: int = T_LONG):
    return TrainConfig(
        task="adding",
        task_knobs={"seq_len": T},
        model=model,
        optim=optim,
        eval_every=eval_every,
    )


CHRONO = ModelConfig(hidden_size=32, gate_init="chrono", chrono_t_max=T_LONG)
DEFAULT = ModelConfig(hidden_size=32, forget_bias=1.0)
ADAM_16 = OptimConfig("adam", lr=1e-2, clip=1.0, batch_size=16)

RECIPES = {
    "chrono": _adding(CHRONO, ADAM_16, eval_every=50),
    "online_sgd": _adding(
        CHRONO, OptimConfig("sgd", lr=0.05, momentum=0.9, clip=1.0, batch_size=1), eval_every=50
    ),
    "default": _adding(DEFAULT, ADAM_16, eval_every=50),
    "curriculum": _adding(DEFAULT, ADAM_16, eval_every=50, T=20),  # then 50, then 100
}
CURRICULUM = (20, 50, T_LONG)  # the lags of the curriculum recipe


def recipe(name: str, seed: int = 0) -> TrainConfig:
    """A fresh copy of recipe ``name`` with ``seed``."""
    return replace(copy.deepcopy(RECIPES[name]), seed=int(seed))


def budget_steps(cfg: TrainConfig, sequences: int = HS_SEQUENCES) -> int:
    """Training steps that show the model ``sequences`` sequences."""
    return sequences // cfg.optim.batch_size


def train_until_solved(tr: Trainer, max_steps: int) -> int | None:
    """Train in whole evaluation periods until solved or ``max_steps``: the solving step."""
    every = tr.config.eval_every
    while tr.steps < max_steps and tr.status == "ready":
        tr.step(min(every - tr.steps % every, max_steps - tr.steps))
        if tr.history.val_step and tr.history.val_step[-1] == tr.steps and tr.history.solved[-1]:
            return tr.steps
    return None


def curriculum(tr: Trainer, lengths, max_steps: int, knob: str = "seq_len") -> list[tuple]:
    """Train at ``lengths[0]``; each time the task is solved, raise ``knob`` (a live knob: no
    reset, the same model and optimizer) to the next length. Returns (length, solving step or
    None) per length reached; stops at the first length not solved within ``max_steps``."""
    reached = []
    for length in lengths:
        if tr.task.values[knob] != length:  # the (solved) model goes on at this length
            tr.apply(replace(tr.config, task_knobs={**tr.config.task_knobs, knob: int(length)}))
        solved = train_until_solved(tr, max_steps)
        reached.append((int(length), solved))
        if solved is None:
            break
    return reached
