"""The hand-written NumPy LSTM / GRU / RNN against PyTorch: forward equals torch.nn.LSTM/GRU/RNN
(<= 1e-10), backward equals autograd (<= 1e-8) down to the per-step dh and dc, centred finite
differences agree, and stepping one cell at a time equals the whole-sequence pass."""

import warnings

import numpy as np
import pytest
import torch
from torch import nn

from lstm_core import reference as ref
from lstm_core.config import GATE_COUNT

TORCH_LAYER = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}
TORCH_CELL = {"lstm": nn.LSTMCell, "gru": nn.GRUCell, "rnn": nn.RNNCell}
# (T, B, I, H): T=1, B=1, H=1, I>1 and a longer sequence
SHAPES = [(1, 1, 1, 1), (5, 3, 2, 4), (7, 1, 3, 1), (1, 4, 5, 6), (12, 2, 1, 8), (20, 3, 4, 5)]


def _weights(cell, I, H, rng, scale=0.6, dtype=np.float64):
    G = GATE_COUNT[cell]
    return [
        (rng.uniform(-scale, scale, shape)).astype(dtype)
        for shape in [(G * H, I), (G * H, H), (G * H,), (G * H,)]
    ]


def _torch_layer(cell, W):
    layer = TORCH_LAYER[cell](W[0].shape[1], W[1].shape[1]).double()
    with torch.no_grad():
        names = ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0")
        for name, w in zip(names, W, strict=True):
            getattr(layer, name).copy_(torch.from_numpy(w))
    return layer


def _torch_cell(cell, W):
    c = TORCH_CELL[cell](W[0].shape[1], W[1].shape[1]).double()
    with torch.no_grad():
        for name, w in zip(("weight_ih", "weight_hh", "bias_ih", "bias_hh"), W, strict=True):
            getattr(c, name).copy_(torch.from_numpy(w))
    return c


def _forward(cell, x, W, h0=None, c0=None):
    if cell == "lstm":
        return ref.lstm_forward(x, *W, h0=h0, c0=c0)
    return ref.FORWARD[cell](x, *W, h0=h0)


def _torch_cell_loop(cell, x, W, h0, c0, G_h):
    """Per-step torch cell loop; the loss is sum_t <G_h[t], h_t>. Returns per-step h, c, their
    total gradients (retain_grad), and the gradients of the parameters, x, h0, c0."""
    tc = _torch_cell(cell, W)
    xt = torch.tensor(x, requires_grad=True)
    h = torch.tensor(h0, requires_grad=True)
    c = torch.tensor(c0, requires_grad=True)
    h_prev, c_prev, hs, cs = h, c, [], []
    for t in range(x.shape[0]):
        if cell == "lstm":
            h_t, c_prev = tc(xt[t], (h_prev, c_prev))
            c_prev.retain_grad()
            cs.append(c_prev)
        else:
            h_t = tc(xt[t], h_prev)
        h_t.retain_grad()
        hs.append(h_t)
        h_prev = h_t
    loss = sum((h_t * torch.tensor(G_h[t])).sum() for t, h_t in enumerate(hs))
    loss.backward()
    out = {
        "h": np.stack([v.detach().numpy() for v in hs]),
        "dh": np.stack([v.grad.numpy() for v in hs]),
        "x": xt.grad.numpy(),
        "h0": h.grad.numpy(),
        "W_ih": tc.weight_ih.grad.numpy(),
        "W_hh": tc.weight_hh.grad.numpy(),
        "b_ih": tc.bias_ih.grad.numpy(),
        "b_hh": tc.bias_hh.grad.numpy(),
    }
    if cell == "lstm":
        out["c"] = np.stack([v.detach().numpy() for v in cs])
        out["dc"] = np.stack([v.grad.numpy() for v in cs])
        out["c0"] = c.grad.numpy()
    return out


def _sample(cell, shape, seed):
    T, B, I, H = shape
    rng = np.random.default_rng(seed)
    W = _weights(cell, I, H, rng)
    x = rng.normal(size=(T, B, I))
    h0, c0 = rng.normal(size=(B, H)) * 0.5, rng.normal(size=(B, H)) * 0.5
    return W, x, h0, c0, rng


# ------------------------------------------------------------------------------- forward


@pytest.mark.parametrize("cell", ["lstm", "gru", "rnn"])
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("zero_state", [True, False])
def test_forward_equals_torch_layer(cell, shape, zero_state):
    W, x, h0, c0, _ = _sample(cell, shape, seed=sum(shape))
    if zero_state:
        h0 = c0 = None
    tr = _forward(cell, x, W, h0, c0)
    layer = _torch_layer(cell, W)
    args = ()
    if not zero_state:
        hx = torch.tensor(h0)[None]
        args = ((hx, torch.tensor(c0)[None]),) if cell == "lstm" else (hx,)
    with torch.no_grad():
        out, state = layer(torch.tensor(x), *args)
    T, B, _, H = shape
    assert tr.h.shape == (T, B, H) and tr.h.dtype == np.float64
    assert np.abs(tr.h - out.numpy()).max() <= 1e-10
    if cell == "lstm":
        assert np.abs(tr.c[-1] - state[1][0].numpy()).max() <= 1e-10


@pytest.mark.parametrize("cell", ["lstm", "gru", "rnn"])
def test_trace_internals_equal_torch(cell):
    """Every traced quantity, step by step, recomputed with torch ops from torch's own states."""
    W, x, h0, c0, _ = _sample(cell, (6, 3, 2, 5), seed=3)
    tr = _forward(cell, x, W, h0, c0)
    Wt = [torch.tensor(w) for w in W]
    ref_cell = _torch_cell(cell, W)
    h, c = torch.tensor(h0), torch.tensor(c0)
    H = h0.shape[1]
    with torch.no_grad():
        for t in range(x.shape[0]):
            xt = torch.tensor(x[t])
            gi = xt @ Wt[0].T + Wt[2]
            gh = h @ Wt[1].T + Wt[3]
            if cell == "lstm":
                a = gi + gh
                want = dict(
                    i=torch.sigmoid(a[:, :H]),
                    f=torch.sigmoid(a[:, H : 2 * H]),
                    g=torch.tanh(a[:, 2 * H : 3 * H]),
                    o=torch.sigmoid(a[:, 3 * H :]),
                )
                h, c = ref_cell(xt, (h, c))
                want.update(c=c, h=h)
            elif cell == "gru":
                r = torch.sigmoid(gi[:, :H] + gh[:, :H])
                z = torch.sigmoid(gi[:, H : 2 * H] + gh[:, H : 2 * H])
                n = torch.tanh(gi[:, 2 * H :] + r * gh[:, 2 * H :])
                h = ref_cell(xt, h)
                want = dict(r=r, z=z, n=n, h=h)
            else:
                want = dict(a=gi + gh)
                h = ref_cell(xt, h)
                want["h"] = h
            assert set(want) == set(ref.TRACE_FIELDS[cell])
            for k, v in want.items():
                assert np.abs(getattr(tr, k)[t] - v.numpy()).max() <= 1e-10, (k, t)


# ------------------------------------------------------------------------------ backward


@pytest.mark.parametrize("cell", ["lstm", "gru", "rnn"])
@pytest.mark.parametrize("shape", SHAPES)
def test_backward_equals_autograd(cell, shape):
    W, x, h0, c0, rng = _sample(cell, shape, seed=7 + sum(shape))
    G_h = rng.normal(size=(shape[0], shape[1], shape[3]))  # dL/dh_t from above
    tr = _forward(cell, x, W, h0, c0)
    got = ref.BACKWARD[cell](tr, G_h)
    want = _torch_cell_loop(cell, x, W, h0, c0, G_h)
    assert np.abs(tr.h - want["h"]).max() <= 1e-10
    keys = ["W_ih", "W_hh", "b_ih", "b_hh", "x", "h0", "dh"]
    keys += ["c0", "dc"] if cell == "lstm" else []
    assert set(got) == set(keys)
    for k in keys:
        assert got[k].shape == want[k].shape, k
        assert np.abs(got[k] - want[k]).max() <= 1e-8, k


@pytest.mark.parametrize("cell", ["lstm", "gru", "rnn"])
def test_parameter_gradients_equal_fused_layer_autograd(cell):
    """The fused torch.nn.LSTM/GRU/RNN kernel's gradients too (not only the cell loop's)."""
    W, x, h0, c0, rng = _sample(cell, (9, 4, 3, 6), seed=11)
    G_h = rng.normal(size=(9, 4, 6))
    got = ref.BACKWARD[cell](_forward(cell, x, W, h0, c0), G_h)
    layer = _torch_layer(cell, W)
    xt = torch.tensor(x, requires_grad=True)
    hx = torch.tensor(h0[None], requires_grad=True)
    cx = torch.tensor(c0[None], requires_grad=True)
    out, _ = layer(xt, (hx, cx) if cell == "lstm" else hx)
    (out * torch.tensor(G_h)).sum().backward()
    names = {"W_ih": "weight_ih_l0", "W_hh": "weight_hh_l0", "b_ih": "bias_ih_l0"}
    names["b_hh"] = "bias_hh_l0"
    for k, name in names.items():
        assert np.abs(got[k] - getattr(layer, name).grad.numpy()).max() <= 1e-8, k
    assert np.abs(got["x"] - xt.grad.numpy()).max() <= 1e-8
    assert np.abs(got["h0"] - hx.grad[0].numpy()).max() <= 1e-8
    if cell == "lstm":
        assert np.abs(got["c0"] - cx.grad[0].numpy()).max() <= 1e-8


@pytest.mark.parametrize("cell", ["lstm", "gru", "rnn"])
def test_centred_finite_differences(cell):
    """L = sum_t <G, h_t> (+ <Gc, c_T> for the LSTM); every input and parameter element."""
    T, B, I, H = 3, 2, 2, 3
    W, x, h0, c0, rng = _sample(cell, (T, B, I, H), seed=5)
    G_h = rng.normal(size=(T, B, H))

    def loss(W, x, h0, c0):
        return float((_forward(cell, x, W, h0, c0).h * G_h).sum())

    got = ref.BACKWARD[cell](_forward(cell, x, W, h0, c0), G_h)
    inputs = {"W_ih": W[0], "W_hh": W[1], "b_ih": W[2], "b_hh": W[3], "x": x, "h0": h0}
    if cell == "lstm":
        inputs["c0"] = c0
    eps = 1e-6
    for name, arr in inputs.items():
        num = np.zeros_like(arr)
        for idx in np.ndindex(arr.shape):
            old = arr[idx]
            arr[idx] = old + eps
            up = loss(W, x, h0, c0)
            arr[idx] = old - eps
            down = loss(W, x, h0, c0)
            arr[idx] = old
            num[idx] = (up - down) / (2 * eps)
        np.testing.assert_allclose(got[name], num, rtol=1e-6, atol=1e-8, err_msg=name)


# ----------------------------------------------------------- step by step = whole sequence


def test_lstm_steps_equal_sequence():
    T, B, I, H = 6, 3, 2, 4
    W, x, h0, c0, rng = _sample("lstm", (T, B, I, H), seed=21)
    dh = rng.normal(size=(T, B, H))
    tr = ref.lstm_forward(x, *W, h0=h0, c0=c0)
    bw = ref.lstm_backward(tr, dh)
    h, c, caches = h0, c0, []
    for t in range(T):
        h, c, cache = ref.lstm_step_forward(x[t], h, c, *W)
        caches.append(cache)
        for k in ("i", "f", "g", "o", "c", "h"):
            np.testing.assert_allclose(getattr(cache, k)[0], getattr(tr, k)[t], atol=1e-14)
    acc = {k: 0.0 for k in ("W_ih", "W_hh", "b_ih", "b_hh")}
    dh_next, dc_next = np.zeros((B, H)), np.zeros((B, H))
    for t in reversed(range(T)):
        dh_t = dh[t] + dh_next
        g = ref.lstm_step_backward(dh_t, dc_next, caches[t])
        np.testing.assert_allclose(dh_t, bw["dh"][t], atol=1e-13)
        np.testing.assert_allclose(g["c"], bw["dc"][t], atol=1e-13)
        np.testing.assert_allclose(g["x"], bw["x"][t], atol=1e-13)
        for k in acc:
            acc[k] = acc[k] + g[k]
        dh_next, dc_next = g["h_prev"], g["c_prev"]
    for k in acc:
        np.testing.assert_allclose(acc[k], bw[k], atol=1e-12)
    np.testing.assert_allclose(dh_next, bw["h0"], atol=1e-13)
    np.testing.assert_allclose(dc_next, bw["c0"], atol=1e-13)


@pytest.mark.parametrize("cell", ["gru", "rnn"])
def test_gru_rnn_steps_equal_sequence(cell):
    T, B, I, H = 6, 3, 2, 4
    W, x, h0, _, rng = _sample(cell, (T, B, I, H), seed=22)
    dh = rng.normal(size=(T, B, H))
    tr = ref.FORWARD[cell](x, *W, h0=h0)
    bw = ref.BACKWARD[cell](tr, dh)
    step_f = ref.gru_step_forward if cell == "gru" else ref.rnn_step_forward
    step_b = ref.gru_step_backward if cell == "gru" else ref.rnn_step_backward
    h, caches = h0, []
    for t in range(T):
        h, cache = step_f(x[t], h, *W)
        caches.append(cache)
        for k in ref.TRACE_FIELDS[cell]:
            np.testing.assert_allclose(getattr(cache, k)[0], getattr(tr, k)[t], atol=1e-14)
    acc = {k: 0.0 for k in ("W_ih", "W_hh", "b_ih", "b_hh")}
    dh_next = np.zeros((B, H))
    for t in reversed(range(T)):
        dh_t = dh[t] + dh_next
        g = step_b(dh_t, caches[t])
        np.testing.assert_allclose(dh_t, bw["dh"][t], atol=1e-13)
        np.testing.assert_allclose(g["x"], bw["x"][t], atol=1e-13)
        for k in acc:
            acc[k] = acc[k] + g[k]
        dh_next = g["h_prev"]
    for k in acc:
        np.testing.assert_allclose(acc[k], bw[k], atol=1e-12)
    np.testing.assert_allclose(dh_next, bw["h0"], atol=1e-13)


# ----------------------------------------------------------------------------------- dtype


@pytest.mark.parametrize("cell", ["lstm", "gru", "rnn"])
def test_float32_in_float32_out(cell):
    T, B, I, H = 5, 2, 3, 4
    rng = np.random.default_rng(0)
    W = _weights(cell, I, H, rng, dtype=np.float32)
    x = rng.normal(size=(T, B, I)).astype(np.float32)
    tr = _forward(cell, x, W)
    for k in ref.TRACE_FIELDS[cell]:
        assert getattr(tr, k).dtype == np.float32, k
    grads = ref.BACKWARD[cell](tr, np.ones((T, B, H), np.float32))
    assert all(v.dtype == np.float32 for v in grads.values())
    tr64 = _forward(cell, x.astype(np.float64), [w.astype(np.float64) for w in W])
    assert np.abs(tr.h - tr64.h).max() < 1e-5


def test_trace_keeps_the_weights_its_forward_used():
    """An optimizer updating the caller's arrays in place does not change a trace's backward."""
    W, x, h0, c0, rng = _sample("lstm", (4, 2, 3, 5), seed=9)
    dh = rng.normal(size=(4, 2, 5))
    want = ref.lstm_backward(ref.lstm_forward(x, *W, h0=h0, c0=c0), dh)
    tr = ref.lstm_forward(x, *W, h0=h0, c0=c0)
    for w in W:
        w += 1.0
    got = ref.lstm_backward(tr, dh)
    for k in want:
        np.testing.assert_array_equal(got[k], want[k])


# ------------------------------------------------------------------- readable step functions


def test_step_sigmoid_saturates_without_warnings():
    """The step functions compute sigmoid as 1 / (1 + exp(-a)): huge pre-activations give gates
    of exactly 0 or 1, with no overflow warning and no NaN."""
    H, I = 3, 2
    W_ih = np.full((4 * H, I), 1e4)
    W_ih[H : 2 * H] *= -1  # a_f very negative: f_t = 0
    W_hh, b = np.zeros((4 * H, H)), np.zeros(4 * H)
    x_t, h_prev, c_prev = np.ones((1, I)), np.zeros((1, H)), np.ones((1, H))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        h_t, c_t, cache = ref.lstm_step_forward(x_t, h_prev, c_prev, W_ih, W_hh, b, b)
        g = ref.lstm_step_backward(np.ones((1, H)), np.zeros((1, H)), cache)
    assert (cache.i[0] == 1).all() and (cache.f[0] == 0).all() and (cache.o[0] == 1).all()
    np.testing.assert_array_equal(c_t, cache.g[0])  # c_t = 0 * c_{t-1} + 1 * g_t
    assert all(np.isfinite(v).all() for v in g.values())


@pytest.mark.parametrize("cell", ["lstm", "gru", "rnn"])
def test_step_functions_follow_the_input_dtype(cell):
    B, I, H = 2, 3, 4
    rng = np.random.default_rng(3)
    W = _weights(cell, I, H, rng, dtype=np.float32)
    x_t, h = rng.normal(size=(B, I)).astype(np.float32), np.zeros((B, H), np.float32)
    if cell == "lstm":
        h_t, c_t, cache = ref.lstm_step_forward(x_t, h, h, *W)
        grads = ref.lstm_step_backward(np.ones_like(h), np.zeros_like(h), cache)
    else:
        step_f = ref.gru_step_forward if cell == "gru" else ref.rnn_step_forward
        step_b = ref.gru_step_backward if cell == "gru" else ref.rnn_step_backward
        h_t, cache = step_f(x_t, h, *W)
        grads = step_b(np.ones_like(h), cache)
    assert h_t.dtype == np.float32
    assert all(v.dtype == np.float32 for v in grads.values())


def test_trace_step_is_the_step_cache():
    """``LSTMTrace.step(t)`` of a sequence trace is what ``lstm_step_forward`` caches at step t."""
    T, B, I, H = 4, 2, 3, 5
    W, x, h0, c0, _ = _sample("lstm", (T, B, I, H), seed=4)
    tr = ref.lstm_forward(x, *W, h0=h0, c0=c0)
    h, c = h0, c0
    for t in range(T):
        h, c, cache = ref.lstm_step_forward(x[t], h, c, *W)
        view = tr.step(t)
        for k in ("x", "gates", "cs", "tanh_c", "hs"):
            np.testing.assert_allclose(getattr(view, k), getattr(cache, k), atol=1e-14)
