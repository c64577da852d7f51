"""The trainer keeps a run within its memory budget: it refuses a configuration over budget
before building anything, bounds snapshots in bytes and the history in rows, evaluates big
outputs in chunks, and pauses a run that is not learning."""

import re
import time

import numpy as np
import pytest

from lstm_core import budget, evaluation, pauses
from lstm_core.config import ModelConfig, OptimConfig, TrainConfig
from lstm_core.tasks import make_task
from lstm_core.train import Trainer, TrainError, evaluate_in_chunks


def small(**kw) -> TrainConfig:
    kw.setdefault("model", ModelConfig(hidden_size=8))
    kw.setdefault("optim", OptimConfig(batch_size=8))
    return TrainConfig(task_knobs={"seq_len": 30}, **kw)


def test_a_configuration_over_budget_is_refused_at_once_naming_the_knob():
    cfg = TrainConfig(
        task_knobs={"seq_len": 500},
        model=ModelConfig(hidden_size=256, num_layers=3),
        optim=OptimConfig(batch_size=256),
    )
    start = time.perf_counter()
    with pytest.raises(TrainError) as info:
        Trainer(cfg)
    assert time.perf_counter() - start < 5
    problem = info.value.problem
    assert problem.code == "budget.over"
    assert problem.params["knob"].code == "budget.knob.batch_size"
    assert "Lower the batch size to" in str(info.value)
    assert re.search(r"about [0-9.]+ [MG]B of memory", str(info.value))  # sized in plain units
    fits = problem.params["fits"]
    spec = make_task("sine", seq_len=500).spec
    within = TrainConfig(
        task_knobs={"seq_len": 500},
        model=ModelConfig(hidden_size=256, num_layers=3),
        optim=OptimConfig(batch_size=fits),
    )
    assert budget.over_budget(within, spec, 500) is None


def test_a_live_knob_that_would_break_the_budget_is_refused_and_undone():
    cfg = TrainConfig(
        task_knobs={"seq_len": 50},
        model=ModelConfig(hidden_size=256, num_layers=3),
        optim=OptimConfig(batch_size=64),
    )
    tr = Trainer(cfg)
    longer = TrainConfig(**{**cfg.__dict__, "task_knobs": {"seq_len": 500}})
    with pytest.raises(TrainError) as info:
        tr.apply(longer)
    assert info.value.problem.code == "budget.over"
    assert tr.task.values["seq_len"] == 50 and tr.val_batch.T == 50


def test_snapshots_are_bounded_in_bytes(monkeypatch):
    tr = Trainer(small(snapshot_every=1, max_snapshots=200))
    size = sum(v.nbytes for layer in tr.snapshots[0].traces for v in layer.values())
    monkeypatch.setattr(budget, "SNAPSHOT_BUDGET_BYTES", 6 * size)
    tr.step(30)
    assert len(tr.snapshots) == 6
    assert tr.snapshots[0].step == 0 and tr.snapshots[-1].step == 30
    held = sum(v.nbytes for s in tr.snapshots for layer in s.traces for v in layer.values())
    assert held <= budget.SNAPSHOT_BUDGET_BYTES


def test_history_thins_old_rows_and_keeps_the_recent_ones(monkeypatch):
    monkeypatch.setattr(budget, "HISTORY_MAX_ROWS", 40)
    tr = Trainer(small(eval_every=1000))
    tr.step(100)
    h = tr.history
    assert len(h.step) <= 40 and len(set(map(len, (h.step, h.loss, h.lr)))) == 1
    assert h.step[0] == 1 and h.step[-1] == 100
    assert h.step[-20:] == list(range(81, 101))  # the newest half is whole
    assert all(a < b for a, b in zip(h.step, h.step[1:], strict=False))


def test_chunked_evaluation_equals_evaluating_the_whole_batch(monkeypatch):
    rng = np.random.default_rng(0)
    text = "".join(rng.choice(list("abcdefghij \n"), size=4000))
    tr = Trainer(TrainConfig(task="text", model=ModelConfig(hidden_size=8)), data={"text": text})
    whole = tr.task.evaluate(tr.predict(tr.val_batch.x), tr.val_batch)
    calls = []
    monkeypatch.setattr(evaluation, "EVAL_BYTES", 10_000)  # a few sequences per chunk

    def predict(x):
        calls.append(x.shape[1])
        return tr.predict(x)

    chunked = evaluate_in_chunks(tr.task, predict, tr.val_batch)
    assert len(calls) > 10 and sum(calls) == tr.val_batch.B
    assert chunked["loss"] == pytest.approx(whole["loss"], rel=1e-9)
    assert chunked["metric"] == pytest.approx(whole["metric"], rel=1e-9)
    assert chunked["solved"] == whole["solved"]


@pytest.mark.parametrize("optimizer", ["adam", "rmsprop"])
def test_a_run_far_above_the_baseline_pauses_and_suggests_a_lower_rate(optimizer):
    cfg = small(optim=OptimConfig(name=optimizer, lr=10.0, batch_size=8), eval_every=2)
    tr = Trainer(cfg)
    tr.step(60)
    assert tr.status == "diverged" and tr.problem.code == "not_learning"
    assert tr.problem.params["n"] == pauses.NOT_LEARNING_EVALS
    assert tr.steps == 2 * pauses.NOT_LEARNING_EVALS  # every evaluation was far above
    assert "try 1" in tr.message and "not learning" in tr.message
    tr.resume()
    assert tr.step(1) == 1  # Resume trains on; the count starts over


def test_an_ordinary_run_is_never_called_not_learning():
    tr = Trainer(small(eval_every=2))
    tr.step(60)
    assert tr.status == "ready" and tr.problem is None
