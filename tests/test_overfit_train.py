"""Overfitting and its cures, end to end: 64 fixed training sequences of a noisy task overfit
without regularisation (validation loss rises while training loss falls), and dropout, weight
decay and early stopping each end with a lower validation loss on the same seed."""

from dataclasses import replace

import numpy as np
import pytest

from lstm_core.config import ModelConfig, OptimConfig, TrainConfig
from lstm_core.overfit import loss_gap, overfitting_since, train_loss_at_evals
from lstm_core.records import History
from lstm_core.train import NeedsReset, Trainer, TrainError

STEPS = 250
BASE = TrainConfig(
    task="gesture",
    task_knobs={"noise": 0.3},
    model=ModelConfig(hidden_size=32),
    optim=OptimConfig(lr=0.01, batch_size=16),
    train_size=64,  # 4 steps per epoch
    eval_every=10,
    seed=0,
)


def _run(cfg: TrainConfig, steps: int = STEPS) -> Trainer:
    tr = Trainer(cfg)
    tr.step(steps)
    return tr


@pytest.fixture(scope="module")
def plain():
    return _run(BASE)


@pytest.mark.slow
def test_a_small_training_set_overfits_without_regularisation(plain):
    h = plain.history
    since = plain.overfitting_since
    assert since is not None and since == plain.best["step"]
    k = h.val_step.index(since)
    r = train_loss_at_evals(h)
    assert h.val_loss[-1] > 1.2 * h.val_loss[k]  # validation loss rose ...
    assert r[-1] < 0.5 * r[k]  # ... while the training loss kept falling
    assert plain.epoch_steps[:3] == [4, 8, 12] and len(plain.epoch_steps) == STEPS // 4
    assert plain.epoch == pytest.approx(STEPS * 16 / 64)


@pytest.mark.slow
@pytest.mark.parametrize(
    "cure",
    [
        {"model": ModelConfig(hidden_size=32, dropout=0.3)},
        {"optim": OptimConfig(lr=0.01, batch_size=16, weight_decay=0.5)},  # AdamW
    ],
    ids=["dropout", "weight_decay"],
)
def test_dropout_and_weight_decay_give_a_lower_best_validation_loss(plain, cure):
    cured = _run(replace(BASE, **cure))
    assert cured.best["val_loss"] < 0.85 * plain.best["val_loss"]


@pytest.mark.slow
def test_early_stopping_keeps_and_restores_the_best_weights(plain):
    tr = _run(replace(BASE, early_stop=5))
    assert tr.status == "stopped" and tr.steps < STEPS
    assert tr.steps == tr.best["step"] + 5 * BASE.eval_every
    assert tr.step(10) == 0  # halted until resume()
    assert tr.restore_best() == tr.best["step"] == plain.best["step"]
    restored = tr.evaluate()["loss"]
    assert restored == pytest.approx(plain.best["val_loss"], rel=1e-6)
    assert restored < 0.8 * plain.history.val_loss[-1]
    tr.resume()
    assert tr.step(3) == 3


def test_overfitting_flag_definition():
    h = History()
    train = [1.0, 0.8, 0.6, 0.5, 0.4, 0.3]
    val = [1.0, 0.9, 0.8, 0.85, 0.9, 0.95]
    for k, (r, v) in enumerate(zip(train, val, strict=True)):
        step = 10 * (k + 1)
        for s in range(step - 9, step + 1):
            h.add_step(s, r, 1.0, False, 0.01)
        h.add_eval(step, v, 0.0, False)
    assert overfitting_since(h) == 30
    assert overfitting_since(h, patience=4) is None  # only three evaluations after the best
    assert overfitting_since(h, tolerance=0.1) is None  # 0.85 is within 10 % of 0.8
    gap = loss_gap(h)
    assert np.allclose(gap["gap"], np.array(val) - np.array(train))
    h.loss[-10:] = [0.9] * 10  # the training loss went up again: not overfitting
    assert overfitting_since(h) is None


def test_finite_task_streams_record_epochs():
    cfg = TrainConfig(task="series", optim=OptimConfig(batch_size=64), eval_every=50)
    tr = _run(cfg, 10)
    pool = tr.task.train_pool_size()
    assert tr.epoch_size == pool and tr.epoch == pytest.approx(640 / pool)
    assert tr.epoch_steps == [s for s in range(1, 11) if s * 64 // pool > (s - 1) * 64 // pool]


def test_live_changes_and_resets():
    tr = Trainer(replace(BASE, model=ModelConfig(hidden_size=8)))
    new = replace(tr.config, model=replace(tr.config.model, dropout=0.2), early_stop=3)
    new = replace(new, optim=replace(new.optim, weight_decay=0.01))
    changes = tr.apply(new)
    assert any("dropout" in c for c in changes) and any("weight decay" in c for c in changes)
    assert type(tr.engine.opt).__name__ == "AdamW" and tr.engine.model.cfg.dropout == 0.2
    with pytest.raises(NeedsReset, match="training-set size"):
        tr.apply(replace(new, train_size=128))
    with pytest.raises(TrainError, match="training-set size"):
        Trainer(replace(BASE, train_size=8))
    with pytest.raises(TrainError, match="dropout"):
        Trainer(replace(BASE, model=ModelConfig(dropout=1.0)))


def test_numpy_engine_trains_with_dropout_and_weight_decay():
    cfg = replace(
        BASE,
        model=ModelConfig(hidden_size=8, num_layers=2, dropout=0.2, engine="numpy"),
        optim=OptimConfig(name="sgd", lr=0.05, batch_size=16, weight_decay=1e-3),
    )
    tr = _run(cfg, 20)
    assert tr.status == "ready" and tr.history.loss[-1] < tr.history.loss[0]


@pytest.mark.slow
def test_arena_overfit_preset_races_one_model_with_and_without_its_cures(plain):
    from lstm_core.arena import PRESETS

    arena = PRESETS["overfit"].build()
    assert [c.label for c in arena.contestants] == ["LSTM", "LSTM +dropout", "LSTM +decay"]
    configs = [tr.config for tr in arena.trainers]
    assert [(c.model.dropout, c.optim.weight_decay) for c in configs] == [
        (0.0, 0.0),
        (0.3, 0.0),
        (0.0, 0.5),
    ]
    assert all(c.train_size == 64 for c in configs)
    arena.step(PRESETS["overfit"].steps)
    best = [tr.best["val_loss"] for tr in arena.trainers]
    assert best[0] == pytest.approx(plain.best["val_loss"])  # the lone trainer's run exactly
    assert best[1] < best[0] and best[2] < best[0]
