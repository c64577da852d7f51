"""lstm_core.gradients against direct computations: autograd equals the NumPy BPTT, every
per-step factor equals its definition, and on the adding problem the plain RNN's gradient at
t = 0 is orders of magnitude below the LSTM's."""

import numpy as np
import pytest
import torch

from lstm_core import gradients as gr
from lstm_core import models
from lstm_core.config import ModelConfig, OptimConfig, TrainConfig
from lstm_core.tasks import make_task
from lstm_core.train import Trainer


def tiny(cell="lstm", task="adding", layers=1, steps=3, **knobs) -> Trainer:
    cfg = TrainConfig(
        task=task,
        task_knobs=knobs or ({"seq_len": 12} if task == "adding" else {}),
        model=ModelConfig(cell=cell, hidden_size=5, num_layers=layers),
        optim=OptimConfig(batch_size=8),
        seed=3,
    )
    tr = Trainer(cfg)
    tr.step(steps)
    return tr


@pytest.mark.parametrize("cell", ["lstm", "gru", "rnn"])
@pytest.mark.parametrize("task,layers", [("adding", 2), ("reber", 1), ("sine", 1)])
def test_autograd_equals_numpy_bptt(cell, task, layers):
    knobs = {"seq_len": 12} if task == "adding" else {}
    tr = tiny(cell, task, layers, **knobs)
    batch = tr.val_batch.subset(slice(0, 6))
    flow = gr.flow_check(tr.model, batch)
    assert flow["agree"], flow["max_rel_diff"]
    np.testing.assert_allclose(flow["numpy"]["dh"], flow["dh"], rtol=1e-10)
    if cell == "lstm":
        np.testing.assert_allclose(flow["numpy"]["dc"], flow["dc"], rtol=1e-10)
    else:
        assert flow["dc"] is None and flow["numpy"]["dc"] is None
    # The float64 check does not drift from the model's own float32 autograd.
    own = models.gradient_flow(tr.model, batch)
    np.testing.assert_allclose(own["dh"], flow["dh"], rtol=1e-3)
    # Parameter gradients too, and the BPTT's loss is the model's loss.
    check = gr.grads_check(tr.model, batch)
    assert check["agree"] and check["max_diff"] < 1e-12
    loss, grads = gr.autograd_grads(tr.model, batch)
    assert check["bptt"].loss == pytest.approx(loss, rel=1e-12)
    assert set(grads) == set(check["bptt"].grads)


def test_numpy_flow_is_the_mean_norm_of_the_reference_dh():
    tr = tiny("lstm", layers=2)
    bptt = gr.numpy_bptt(gr.float64_copy(tr.model), tr.probe)
    flow = gr.numpy_flow(bptt)
    for k in range(2):
        dh, dc = bptt.backward[k]["dh"], bptt.backward[k]["dc"]  # (T, B, H)
        for t in (0, 5, dh.shape[0] - 1):
            assert flow["dh"][k, t] == pytest.approx(np.mean([np.linalg.norm(v) for v in dh[t]]))
            assert flow["dc"][k, t] == pytest.approx(np.mean([np.linalg.norm(v) for v in dc[t]]))
    # dh_above of the lower layer is what the upper layer's input received.
    np.testing.assert_array_equal(bptt.dh_above[0], bptt.backward[1]["x"])


def test_variants_have_autograd_only():
    cfg = TrainConfig(task="adding", task_knobs={"seq_len": 10}, model=ModelConfig(variant="nfg"))
    tr = Trainer(cfg)
    flow = gr.flow_check(tr.model, tr.probe)
    assert flow["numpy"] is None and not flow["agree"]
    assert flow["dh"].shape == (1, 10) and np.isfinite(flow["dh"]).all()


def test_rnn_step_factor_equals_its_definition():
    rng = np.random.default_rng(0)
    W_hh = rng.normal(size=(4, 4))
    h = np.tanh(rng.normal(size=(6, 3, 4)))  # (T, B, H)
    got = gr.rnn_step_factors(W_hh, h)
    for t in range(6):
        norms = [np.linalg.norm(W_hh.T @ np.diag(1 - h[t, b] ** 2), 2) for b in range(3)]
        assert got[t] == pytest.approx(np.mean(norms), rel=1e-12)
    assert gr.sigma_max(W_hh) == pytest.approx(np.linalg.norm(W_hh, 2), rel=1e-12)
    # The bound of Pascanu et al.: every factor is at most sigma_max * gamma (gamma = 1 for tanh).
    assert (got <= gr.sigma_max(W_hh) * gr.GAMMA_TANH + 1e-12).all()


def test_rnn_step_factor_is_the_backward_jacobian():
    """dL/dh_{t-1} = W_hh^T diag(1 - h_t^2) dL/dh_t, by autograd through one RNN step."""
    g = torch.Generator().manual_seed(1)
    W = torch.randn(4, 4, generator=g, dtype=torch.float64)
    h_prev = torch.randn(4, dtype=torch.float64, requires_grad=True)
    h_t = torch.tanh(W @ h_prev + 0.3)
    J = torch.autograd.functional.jacobian(lambda v: torch.tanh(W @ v + 0.3), h_prev)  # (H, H)
    back = J.T.numpy()  # maps dL/dh_t to dL/dh_{t-1}
    direct = W.numpy().T @ np.diag(1 - h_t.detach().numpy() ** 2)
    np.testing.assert_allclose(back, direct, rtol=1e-12)
    factor = gr.rnn_step_factors(W.numpy(), h_t.detach().numpy()[None, None])[0]
    assert factor == pytest.approx(np.linalg.norm(back, 2), rel=1e-12)


def test_rnn_path_norm_maps_the_last_gradient_back():
    """For a one-layer many-to-one RNN, dL/dh_t = J_{t+1} ... J_{T-1} dL/dh_{T-1} exactly."""
    tr = tiny("rnn")
    bptt = gr.numpy_bptt(gr.float64_copy(tr.model), tr.probe)
    layer, dh = bptt.layers[0], bptt.backward[0]["dh"]  # (T, B, H)
    W, h = layer.W_hh, layer.h
    T, B, H = h.shape
    norms = gr.rnn_path_norms(W, h)
    for b in range(B):
        M = np.eye(H)
        for t in reversed(range(T)):
            np.testing.assert_allclose(dh[t, b], M @ dh[-1, b], rtol=1e-9, atol=1e-300)
            M = W.T @ np.diag(1 - h[t, b] ** 2) @ M
    for t in (0, T // 2, T - 1):
        direct = []
        for b in range(B):
            M = np.eye(H)
            for s in range(T - 1, t, -1):
                M = W.T @ np.diag(1 - h[s, b] ** 2) @ M
            direct.append(np.linalg.norm(M, 2))
        assert norms[t] == pytest.approx(np.mean(direct), rel=1e-10)
    assert norms[-1] == pytest.approx(1.0)


def test_forget_path_equals_direct_products():
    rng = np.random.default_rng(2)
    f = rng.uniform(0.5, 1.0, size=(7, 3, 2))
    path = gr.forget_path(f)
    np.testing.assert_allclose(path["mean_f"], f.mean(axis=(1, 2)))
    for t in range(7):
        assert path["product"][t] == pytest.approx(np.prod(f[t + 1 :], axis=0).mean(), rel=1e-12)
    assert path["product"][-1] == 1.0


def test_model_factors_follow_the_trace():
    rnn = tiny("rnn", layers=2)
    x = rnn.probe.x
    factors = gr.model_factors(rnn.model, x)
    traces = models.trace(rnn.model, x)
    for k in range(2):
        W_hh = rnn.model.layer_weights(k)[1].detach().double().numpy()
        h = traces[k]["h"].astype(np.float64)
        np.testing.assert_allclose(factors[k]["step_norm"], gr.rnn_step_factors(W_hh, h))
        assert factors[k]["sigma_max"] == pytest.approx(np.linalg.norm(W_hh, 2))
    lstm = tiny("lstm")
    (lf,) = gr.model_factors(lstm.model, x)
    f = models.trace(lstm.model, x)[0]["f"]
    np.testing.assert_allclose(lf["mean_f"], f.mean(axis=(1, 2)), rtol=1e-6)
    assert gr.model_factors(tiny("gru").model, x) == [{}]


def test_saliency_of_one_sequence():
    tr = tiny("lstm")
    own = gr.saliency(tr.model, tr.probe, 2)
    direct = models.gradient_flow(tr.model, tr.probe.subset([2]))["saliency"]
    np.testing.assert_array_equal(own, direct)
    assert own.shape == (12,)


def test_comparison_trains_on_the_same_batches():
    tr = tiny("lstm", steps=0)
    cfg = gr.comparison_config(tr.config, "rnn")
    assert cfg.model.cell == "rnn" and cfg.model.variant == "standard"
    assert (cfg.task, cfg.task_knobs, cfg.seed, cfg.optim) == (
        tr.config.task,
        tr.config.task_knobs,
        tr.config.seed,
        tr.config.optim,
    )
    a = make_task(cfg.task, **cfg.task_knobs).train_batches(cfg.seed, cfg.optim.batch_size)
    b = Trainer(cfg)._batches
    for _ in range(3):
        np.testing.assert_array_equal(next(a).x, next(b).x)


def test_train_to_stops_at_the_step_budget_and_the_time_limit():
    tr = tiny("rnn", steps=0)
    fractions = list(gr.train_to(tr, 7, seconds=60))
    assert tr.steps == 7 and fractions[-1] == 1.0
    assert list(gr.train_to(tr, 50, seconds=0)) == [] and tr.steps == 7


@pytest.mark.slow
def test_vanishing_preset_rnn_gradient_at_t0_orders_below_lstm():
    cfg, steps = gr.preset("vanishing")
    assert cfg.task == "adding" and cfg.task_knobs["seq_len"] == 50
    lstm = Trainer(cfg)
    rnn = Trainer(gr.comparison_config(cfg, "rnn"))
    lstm.step(steps)
    rnn.step(steps)
    batch = lstm.val_batch.subset(slice(0, 64))
    f_lstm, f_rnn = gr.flow_check(lstm.model, batch), gr.flow_check(rnn.model, batch)
    assert f_lstm["agree"] and f_rnn["agree"]
    ratio = f_rnn["dh"][0, 0] / f_lstm["dh"][0, 0]
    assert ratio < 1e-2, ratio  # measured: ~5e-9
    # At the last step both receive a gradient of the same size (from the head).
    assert 0.1 < f_rnn["dh"][0, -1] / f_lstm["dh"][0, -1] < 10
    # The way back from the last step to t = 0 shrinks every direction, although each single
    # step's factor is about 1.05 (the norm of a product is far below the product of norms).
    (rf,) = gr.model_factors(rnn.model, batch.x)
    assert rf["path_norm"][0] < 1e-3 * rf["path_norm"][-1]


def test_exploding_preset_grows_backwards_and_is_clipped():
    cfg, steps = gr.preset("exploding")
    tr = Trainer(cfg)
    batch = tr.val_batch.subset(slice(0, 64))
    flow = gr.flow_check(tr.model, batch)
    assert flow["agree"]
    assert flow["dh"][0, 0] > 100 * flow["dh"][0, -1]  # the gradient grows going back in time
    (rf,) = gr.model_factors(tr.model, batch.x)
    assert rf["sigma_max"] > 1.0 / gr.GAMMA_TANH  # necessary for exploding
    tr.step(steps)
    h = tr.history
    assert sum(h.clipped) >= steps // 2
    assert all(c == (g > cfg.optim.clip) for c, g in zip(h.clipped, h.grad_norm, strict=True))
    assert max(h.grad_norm) > 100 * cfg.optim.clip
