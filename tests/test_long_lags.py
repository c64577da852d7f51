"""The long-lag recipes are valid configurations (batch 1 included), and the curriculum raises
the live lag knob each time the task is solved, keeping the model."""

import pytest
import torch

from lstm_core import long_lags
from lstm_core.config import validate
from lstm_core.train import Trainer


@pytest.mark.parametrize("name", list(long_lags.RECIPES))
def test_recipes_pass_the_classroom_limits(name):
    cfg = long_lags.recipe(name, seed=2)
    first = long_lags.CURRICULUM[0] if name == "curriculum" else long_lags.T_LONG
    assert cfg.seed == 2 and cfg.task_knobs == {"seq_len": first}
    assert validate(cfg) is None and validate(cfg, classroom=True) is None
    assert long_lags.recipe(name) is not long_lags.recipe(name)  # fresh copies


def test_online_sgd_is_one_sequence_per_update():
    cfg = long_lags.recipe("online_sgd")
    assert cfg.optim.batch_size == 1 and cfg.optim.name == "sgd"
    assert long_lags.budget_steps(cfg) == long_lags.HS_SEQUENCES


@pytest.mark.slow
def test_curriculum_raises_the_lag_when_solved_and_keeps_the_model():
    torch.set_num_threads(1)
    cfg = long_lags.recipe("curriculum")
    cfg.task_knobs = {"seq_len": 30}  # the curriculum moves it to 10 first
    cfg.model.hidden_size, cfg.eval_every = 8, 10
    tr = Trainer(cfg)
    reached = long_lags.curriculum(tr, (10, 20), max_steps=450)
    assert [length for length, _ in reached] == [10, 20]
    first, second = (step for _, step in reached)
    assert first is not None and (second is None or second >= first)
    assert tr.task.values["seq_len"] == 20  # the live knob moved; no reset
    assert tr.val_batch.x.shape[0] == 20  # validated at the new lag from then on
    assert tr.steps == (second or 450) and first in tr.history.val_step


def test_train_until_solved_stops_at_the_budget():
    cfg = long_lags.recipe("default")
    cfg.model.hidden_size, cfg.eval_every = 4, 3
    tr = Trainer(cfg)
    assert long_lags.train_until_solved(tr, max_steps=5) is None and tr.steps == 5
