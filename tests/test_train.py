"""The Trainer: history against direct computation, clipping, schedules, divergence guard,
determinism with interleaved trainers, live changes, snapshots and restoring a saved run."""

import math
from dataclasses import replace

import numpy as np
import pytest
import torch

from lstm_core import models
from lstm_core.config import ModelConfig, OptimConfig, TrainConfig
from lstm_core.records import HIGH, LOW, thin
from lstm_core.store import RunStore
from lstm_core.tasks import Batch, make_task
from lstm_core.train import NeedsReset, Trainer, TrainError, scheduled_lr


def config(**kw):
    model = kw.pop("model", ModelConfig(hidden_size=6))
    optim = kw.pop("optim", OptimConfig(lr=1e-2, batch_size=8))
    base = dict(task="adding", task_knobs={"seq_len": 12}, eval_every=5, snapshot_every=5)
    base.update(kw)
    return TrainConfig(model=model, optim=optim, **base)


def weights(tr):
    return {k: v.copy() for k, v in tr.state_dict().items()}


def test_first_step_matches_a_direct_computation():
    cfg = config(optim=OptimConfig(name="sgd", lr=0.1, momentum=0.0, clip=0.05, batch_size=8))
    tr = Trainer(cfg)
    # the oracle: the same model from the same generator, the first batch of the same stream
    model = models.build_model(tr.spec, cfg.model, torch.Generator().manual_seed(cfg.seed))
    batch = next(make_task("adding", seq_len=12).train_batches(cfg.seed, 8))
    loss = models.model_loss("regression", model(torch.as_tensor(batch.x)), batch.y)
    loss.backward()
    grads = {n: p.grad.double().numpy() for n, p in model.named_parameters()}
    norm = math.sqrt(sum(float((g**2).sum()) for g in grads.values()))
    before = weights(tr)
    tr.step()
    h = tr.history
    assert h.step == [1] and h.loss[0] == pytest.approx(float(loss.detach()), rel=1e-6)
    assert h.grad_norm[0] == pytest.approx(norm, rel=1e-5)
    assert h.clipped == [norm > 0.05] and h.lr == [0.1]
    # plain SGD with clipping: W <- W - lr * g * clip / ||g||
    after = tr.state_dict()
    for n, g in grads.items():
        expected = before[n] - 0.1 * g * min(1.0, 0.05 / norm)
        np.testing.assert_allclose(after[n], expected, rtol=1e-5, atol=1e-7)
    assert tr.steps == 1 and tr.sequences_seen == 8


def test_evaluations_use_task_evaluate_on_the_validation_set():
    tr = Trainer(config())
    tr.step(10)
    assert tr.history.val_step == [0, 5, 10]
    direct = tr.task.evaluate(tr.predict(tr.val_batch.x), tr.task.validation(0))
    assert tr.history.val_loss[-1] == pytest.approx(direct["loss"], rel=1e-12)
    assert tr.history.metric[-1] == direct["metric"] and tr.history.solved[-1] == direct["solved"]
    s = tr.summary()
    assert s["steps"] == 10 and s["train_loss"] == pytest.approx(np.mean(tr.history.loss))
    assert s["baseline"] == tr.task.baseline(tr.val_batch)["metric"]


def test_advance_runs_at_least_one_step_and_measures_speed():
    tr = Trainer(config())
    assert tr.advance(0.0) == 1
    n = tr.advance(0.05)
    assert n >= 1 and tr.steps == 1 + n
    assert tr.steps_per_s > 0 and tr.seqs_per_s == pytest.approx(tr.steps_per_s * 8)


def test_interleaved_trainers_are_bit_identical_to_runs_alone():
    a_cfg, b_cfg = config(seed=3), config(seed=3, model=ModelConfig(cell="gru", hidden_size=5))
    alone_a, alone_b = Trainer(a_cfg), Trainer(b_cfg)
    alone_a.step(12)
    alone_b.step(12)
    a, b = Trainer(a_cfg), Trainer(b_cfg)
    for _ in range(12):
        a.step()
        b.step()
    assert a.history.loss == alone_a.history.loss and b.history.loss == alone_b.history.loss
    assert a.history.val_loss == alone_a.history.val_loss
    assert a.history.loss != b.history.loss
    # the same task and seed give the identical batch stream (the arena)
    assert next(a._batches).x.tobytes() == next(b._batches).x.tobytes()


def test_schedules_follow_their_formulas():
    for schedule in ("constant", "cosine", "step"):
        o = OptimConfig(lr=0.02, schedule=schedule, schedule_steps=4, batch_size=4)
        tr = Trainer(config(optim=o))
        tr.step(9)
        expected = {
            "constant": [0.02] * 9,
            "cosine": [0.01 * (1 + math.cos(math.pi * (t % 4) / 4)) for t in range(9)],
            "step": [0.02 * 0.5 ** (t // 4) for t in range(9)],
        }[schedule]
        np.testing.assert_allclose(tr.history.lr, expected, rtol=1e-12)
        assert scheduled_lr(o, 8) == pytest.approx(expected[8])


def test_huge_learning_rate_diverges_and_keeps_the_last_finite_weights():
    tr = Trainer(config(optim=OptimConfig(name="sgd", lr=1e3, momentum=0.0, clip=None)))
    for _ in range(50):
        good = weights(tr)
        if tr.step() == 0:
            break
    assert tr.status == "diverged"
    assert "learning rate" in tr.message and "clipping" in tr.message
    assert all(np.isfinite(v).all() for v in tr.state_dict().values())
    for k, v in tr.state_dict().items():
        np.testing.assert_array_equal(v, good[k])
    n = len(tr.history.loss)
    assert tr.step(5) == 0 and len(tr.history.loss) == n  # paused
    tr.apply(replace(tr.config, optim=replace(tr.config.optim, lr=1e-3, clip=1.0)))
    assert tr.status == "ready"  # a fixed learning rate clears the pause
    assert tr.step(1) == 0 and "reset the run" in tr.message  # the weights are too large now


def test_nan_in_a_batch_is_refused_and_adam_state_is_untouched():
    tr = Trainer(config(optim=OptimConfig(name="adam", lr=1e-2, batch_size=8)))
    tr.step(4)
    before = weights(tr)
    adam = {id(p): {k: v.clone() for k, v in s.items()} for p, s in tr.engine.opt.state.items()}
    batch = next(tr._batches)
    bad = Batch(batch.x.copy(), batch.y, batch.mask)
    bad.x[3, 2, 0] = np.nan
    assert tr.train_on(bad) is False
    assert tr.status == "diverged" and "NaN" in tr.message and "step 5" in tr.message
    for k, v in tr.state_dict().items():
        np.testing.assert_array_equal(v, before[k])
    for p, s in tr.engine.opt.state.items():
        for k, v in s.items():
            assert torch.equal(v, adam[id(p)][k])
    assert tr.steps == 4 and len(tr.history.loss) == 4
    tr.resume()
    assert tr.step(2) == 2 and tr.history.step == [1, 2, 3, 4, 5, 6]


def test_live_changes_apply_and_structural_ones_need_a_reset():
    tr = Trainer(config())
    tr.step(2)
    new = replace(tr.config, optim=replace(tr.config.optim, lr=0.05, clip=None, momentum=0.5))
    new = replace(new, task_knobs={"seq_len": 17})
    changes = tr.apply(new)
    assert any("learning rate" in c for c in changes) and any("seq_len" in c for c in changes)
    tr.step(1)
    assert tr.history.lr[-1] == 0.05 and tr.val_batch.T == 17 and tr.probe.T == 17
    tr.apply(replace(tr.config, task_knobs={}))  # a knob left out returns to its default
    default = tr.task.knob("seq_len").default
    assert tr.task.values["seq_len"] == default and tr.val_batch.T == default
    bigger = replace(tr.config, model=replace(tr.config.model, hidden_size=9, cell="gru"))
    with pytest.raises(NeedsReset) as e:
        tr.apply(replace(bigger, optim=replace(tr.config.optim, batch_size=3)))
    text = " ".join(e.value.reasons)
    assert "hidden size" in text and "cell type" in text and "batch size" in text
    assert tr.config.model.hidden_size == 6  # nothing changed
    br = Trainer(config(task="brackets", task_knobs={}))
    with pytest.raises(NeedsReset, match="max_depth"):
        br.apply(replace(br.config, task_knobs={"max_depth": 3}))


def test_bad_configs_are_named():
    with pytest.raises(TrainError, match="unknown optimizer 'lbfgs'"):
        Trainer(config(optim=OptimConfig(name="lbfgs")))
    with pytest.raises(TrainError, match="learning rate"):
        Trainer(config(optim=OptimConfig(lr=float("nan"))))
    with pytest.raises(TrainError, match="variant 'nfg' is an LSTM variant"):
        Trainer(config(model=ModelConfig(cell="gru", variant="nfg")))
    with pytest.raises(ValueError, match="seq_len"):
        Trainer(config(task_knobs={"seq_len": 10**6}))


def test_snapshots_are_capped_thinned_and_saturation_is_direct():
    tr = Trainer(config(snapshot_every=1, max_snapshots=5))
    tr.step(30)
    steps = [s.step for s in tr.snapshots]
    assert len(steps) <= 5 and steps[0] == 0 and steps[-1] == 30 and steps == sorted(steps)
    assert max(np.diff(steps)) <= 2 * 30 / 4  # about evenly spaced, not bunched at the ends
    last = tr.snapshots[-1]
    direct = tr.trace(tr.probe.x)
    for k, v in direct[0].items():
        np.testing.assert_allclose(last.traces[0][k], v, rtol=1e-6)
    f = direct[0]["f"]  # (T, B, H)
    np.testing.assert_allclose(last.saturation[0]["f"][0], (f < LOW).mean(axis=(0, 1)))
    np.testing.assert_allclose(last.saturation[0]["f"][1], (f > HIGH).mean(axis=(0, 1)))
    assert set(last.saturation[0]) == {"i", "f", "o"} and last.traces[0]["h"].shape[1] == 4


def test_gradient_flow_and_predict_passthroughs():
    tr = Trainer(config())
    flow = tr.gradient_flow()
    assert flow["dh"].shape == (1, 12) and flow["saliency"].shape == (12,)
    direct = models.gradient_flow(tr.model, tr.probe, "regression")
    np.testing.assert_allclose(flow["dh"], direct["dh"])
    with torch.no_grad():
        np.testing.assert_allclose(tr.predict(tr.probe.x), tr.model(torch.as_tensor(tr.probe.x)))


def test_a_saved_run_restores_every_view(tmp_path):
    tr = Trainer(config())
    tr.step(12)
    store = RunStore(tmp_path)
    run = store.load(store.save(tr, "saved"))
    back = run.trainer()
    np.testing.assert_array_equal(back.predict(tr.probe.x), tr.predict(tr.probe.x))
    assert back.history.loss == tr.history.loss and back.steps == 12
    assert [s.step for s in back.snapshots] == [s.step for s in tr.snapshots]
    assert back.summary()["val_loss"] == tr.summary()["val_loss"]
    assert back.gradient_flow()["dh"].shape == (1, 12) and back.step(1) == 1
    bad = dict(run.weights)
    bad["head.weight"] = np.zeros((3, 3))
    with pytest.raises(TrainError, match="head.weight"):
        Trainer.from_saved(run.config, bad, run.history)


@pytest.mark.parametrize("cell", ["lstm", "gru", "rnn"])
def test_numpy_engine_trains_like_the_torch_engine(cell):
    def cfg(engine):
        m = ModelConfig(cell=cell, hidden_size=5, engine=engine)
        return config(model=m, optim=OptimConfig(name="adam", lr=1e-2, batch_size=8, clip=0.1))

    t, n = Trainer(cfg("torch")), Trainer(cfg("numpy"))
    n.engine.load(t.state_dict())  # same starting weights, fresh optimizer state in both
    n.engine.make_optimizer(n.config.optim)
    t.step(8)
    n.step(8)
    np.testing.assert_allclose(n.history.loss, t.history.loss, rtol=1e-5)
    np.testing.assert_allclose(n.history.grad_norm, t.history.grad_norm, rtol=1e-4)
    for h in (n.history, t.history):  # clipped exactly when the norm exceeded the clip
        assert h.clipped == [g > 0.1 for g in h.grad_norm]
    assert any(t.history.clipped)
    for k, v in t.state_dict().items():
        np.testing.assert_allclose(n.state_dict()[k], v, atol=1e-6)
    assert n.snapshots[-1].traces[0]["h"].shape == (12, 4, 5)


def test_numpy_engine_divergence_restores_weights_and_optimizer_state():
    m = ModelConfig(hidden_size=5, engine="numpy")
    tr = Trainer(config(model=m, optim=OptimConfig(name="adam", lr=1e-2, batch_size=8)))
    tr.step(3)
    before, m1 = weights(tr), {k: v.copy() for k, v in tr.engine.opt.m.items()}
    batch = next(tr._batches)
    bad = Batch(batch.x.copy(), batch.y, batch.mask)
    bad.x[0, 0, 0] = np.inf
    assert tr.train_on(bad) is False and tr.status == "diverged"
    assert tr.engine.opt.t == 3
    for k, v in before.items():
        np.testing.assert_array_equal(tr.state_dict()[k], v)
        np.testing.assert_array_equal(tr.engine.opt.m[k], m1[k])
    huge = Trainer(config(model=m, optim=OptimConfig(name="sgd", lr=1e3, momentum=0.0, clip=None)))
    assert huge.step(60) < 60 and huge.status == "diverged"
    assert all(np.isfinite(v).all() for v in huge.state_dict().values())


@pytest.mark.parametrize("engine", ["torch", "numpy"])
def test_momentum_and_optimizer_change_live_in_both_engines(engine):
    o = OptimConfig(name="rmsprop", momentum=0.0, lr=1e-3, batch_size=8)
    tr = Trainer(config(model=ModelConfig(hidden_size=5, engine=engine), optim=o))
    tr.step(2)
    changes = tr.apply(replace(tr.config, optim=replace(o, momentum=0.5)))
    assert changes == ["momentum: 0.0 -> 0.5"] and tr.step(2) == 2
    changes = tr.apply(replace(tr.config, optim=replace(o, momentum=0.5, name="sgd")))
    assert "optimizer: rmsprop -> sgd" in changes[0] and tr.step(2) == 2
    assert tr.history.step == [1, 2, 3, 4, 5, 6]


def test_thinning_keeps_first_last_and_even_spacing_over_a_long_run():
    kept = []
    for step in range(0, 10_001, 10):  # a snapshot every 10 steps, thinned after each one
        kept = thin(kept + [step], 8, key=lambda s: s)
        assert len(kept) <= 8 and kept[0] == 0 and kept[-1] == step
    gaps = np.diff(kept)
    assert max(gaps) <= 2 * 10_000 / 7 and kept == sorted(kept)
