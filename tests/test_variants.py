"""The Greff et al. LSTM variants: the hand-written loop against a naive per-step autograd
implementation written here from the equations, torch.nn.LSTM, finite differences (gradcheck),
and the clamps held exactly."""

from types import SimpleNamespace

import numpy as np
import pytest
import torch

from lstm_core import reference as ref
from lstm_core.config import VARIANTS, ModelConfig, TaskSpec
from lstm_core.models import build_model, gradient_flow, model_loss, trace
from lstm_core.variants import (
    VariantLSTM,
    VariantLSTMFunction,
    input_projection,
    lstm_sequence,
    lstm_sequence_backward,
)

F64 = torch.float64


def gen(seed=0):
    return torch.Generator().manual_seed(seed)


def naive_cell(a, peep, variant, c_prev):
    """The oracle's step from the pre-activations a (B, 4H), the equations as written:
    i_t, f_t, g_t, o_t, c_t, h_t."""
    a_i, a_f, a_g, a_o = a.chunk(4, dim=-1)
    if variant == "ph":
        a_i, a_f = a_i + peep[0] * c_prev, a_f + peep[1] * c_prev
    f = torch.ones_like(a_f) if variant == "nfg" else torch.sigmoid(a_f)
    i = {"nig": torch.ones_like(a_i), "cifg": 1 - f}.get(variant, torch.sigmoid(a_i))
    g = a_g if variant == "niaf" else torch.tanh(a_g)
    c = f * c_prev + i * g
    a_o = a_o + peep[2] * c if variant == "ph" else a_o
    o = torch.ones_like(a_o) if variant == "nog" else torch.sigmoid(a_o)
    h = o * (c if variant == "noaf" else torch.tanh(c))
    return i, f, g, o, c, h


def naive_layer(x, W_ih, W_hh, b_ih, b_hh, peep, variant, h, c):
    """The oracle: one step at a time, ordinary autograd, the equations as written."""
    hs, cs = [], []
    for t in range(x.shape[0]):
        a = x[t] @ W_ih.T + b_ih + h @ W_hh.T + b_hh
        *_, c, h = naive_cell(a, peep, variant, c)
        hs.append(h)
        cs.append(c)
    return torch.stack(hs), torch.stack(cs)


def naive_stack(rnn: VariantLSTM, x, h0, c0):
    for k in range(rnn.num_layers):
        x, c = naive_layer(x, *rnn.layer_weights(k), rnn.variant, h0[k], c0[k])
    return x, c


def random_rnn(variant, I=3, H=4, layers=2, dtype=F64, seed=0):
    rnn = VariantLSTM(I, H, layers, variant).to(dtype)
    with torch.no_grad():
        for p in rnn.parameters():
            p.uniform_(-0.8, 0.8, generator=gen(seed))
            seed += 1
    return rnn


@pytest.mark.parametrize("variant", VARIANTS)
def test_hand_written_backward_equals_autograd_of_naive_loop(variant):
    T, B, I, H, L = 6, 3, 3, 4, 2
    rnn = random_rnn(variant, I, H, L)
    g = gen(7)
    x = torch.randn(T, B, I, generator=g, dtype=F64, requires_grad=True)
    h0 = torch.randn(L, B, H, generator=g, dtype=F64, requires_grad=True)
    c0 = torch.randn(L, B, H, generator=g, dtype=F64, requires_grad=True)
    w_out = torch.randn(T, B, H, generator=g, dtype=F64)
    w_c = torch.randn(B, H, generator=g, dtype=F64)
    out, (h_n, c_n) = rnn(x, (h0, c0))
    ref_out, ref_c = naive_stack(rnn, x, h0, c0)
    torch.testing.assert_close(out, ref_out, atol=1e-10, rtol=0)
    torch.testing.assert_close(c_n[-1], ref_c[-1], atol=1e-10, rtol=0)
    wrt = [x, h0, c0, *rnn.parameters()]
    got = torch.autograd.grad((out * w_out).sum() + (c_n[-1] * w_c).sum(), wrt)
    want = torch.autograd.grad((ref_out * w_out).sum() + (ref_c[-1] * w_c).sum(), wrt)
    names = ["x", "h0", "c0", *(n for n, _ in rnn.named_parameters())]
    for name, a, b in zip(names, got, want, strict=True):
        torch.testing.assert_close(a, b, atol=1e-8, rtol=0, msg=f"{variant}: d{name}")


@pytest.mark.parametrize("variant", VARIANTS)
def test_layer_function_passes_gradcheck(variant):
    """Centred finite differences on one layer, with gradient arriving on every h_t and c_t."""
    T, B, H = 4, 2, 3
    g = gen(3)
    xp = torch.randn(T, B, 4 * H, generator=g, dtype=F64, requires_grad=True)
    W_hh = (0.5 * torch.randn(4 * H, H, generator=g, dtype=F64)).requires_grad_()
    h0 = torch.randn(B, H, generator=g, dtype=F64, requires_grad=True)
    c0 = torch.randn(B, H, generator=g, dtype=F64, requires_grad=True)
    peep = torch.randn(3, H, generator=g, dtype=F64, requires_grad=True)

    def layer(xp, W_hh, h0, c0, *peep_arg):
        return VariantLSTMFunction.apply(
            xp, W_hh, h0, c0, peep_arg[0] if peep_arg else None, variant
        )

    args = (xp, W_hh, h0, c0) + ((peep,) if variant == "ph" else ())
    assert torch.autograd.gradcheck(layer, args, eps=1e-6, atol=1e-7)


@pytest.mark.parametrize("dtype,tol", [(torch.float32, 1e-6), (F64, 1e-10)])
def test_standard_loop_equals_torch_lstm(dtype, tol):
    T, B, I, H, L = 12, 5, 2, 8, 2
    fused = torch.nn.LSTM(I, H, L).to(dtype)
    with torch.no_grad():
        for k, p in enumerate(fused.parameters()):
            p.uniform_(-0.4, 0.4, generator=gen(k))
    loop = VariantLSTM(I, H, L).to(dtype)
    loop.load_state_dict(fused.state_dict())
    x = torch.randn(T, B, I, generator=gen(9), dtype=dtype, requires_grad=True)
    w = torch.randn(T, B, H, generator=gen(10), dtype=dtype)
    outs, grads = [], []
    for rnn in (fused, loop):
        out, (h_n, c_n) = rnn(x)
        outs.append((out, h_n, c_n))
        grads.append(torch.autograd.grad((out * w).sum() + c_n.sum(), [x, *rnn.parameters()]))
    for a, b in zip(outs[0], outs[1], strict=True):
        torch.testing.assert_close(a, b, atol=tol, rtol=0)
    for a, b in zip(grads[0], grads[1], strict=True):
        torch.testing.assert_close(a, b, atol=tol * 10, rtol=0)


def _model(variant, kind="next_step", H=5, layers=2, dtype=F64):
    spec = TaskSpec(kind, 2, 3)
    cfg = ModelConfig(variant=variant, hidden_size=H, num_layers=layers, forget_bias=1.0)
    return build_model(spec, cfg, gen(1)).to(dtype)


@pytest.mark.parametrize("variant", VARIANTS)
def test_trace_equals_training_path_and_naive_gates(variant):
    model = _model(variant, dtype=torch.float32)
    x = torch.randn(9, 4, 2, generator=gen(2))
    traces = trace(model, x)
    with torch.no_grad():
        out, (h_n, c_n) = model.rnn(x)
    # variants train on the loop the trace runs: bit for bit; standard trains on the fused kernel
    tol = 1e-5 if variant == "standard" else 0.0
    np.testing.assert_allclose(traces[-1]["h"], out.numpy(), atol=tol, rtol=0)
    for k in range(2):
        np.testing.assert_allclose(traces[k]["c"][-1], c_n[k].numpy(), atol=tol, rtol=0)
    np.testing.assert_allclose(
        model(x).detach().numpy(),
        traces[-1]["h"] @ model.head.weight.detach().numpy().T + model.head.bias.detach().numpy(),
        atol=1e-5,
        rtol=0,
    )
    # every gate equals the naive float64 loop with the same weights
    model64 = _model(variant)
    tr64 = trace(model64, x.double())
    layer_in = x.double()
    for k in range(2):
        W_ih, W_hh, b_ih, b_hh, peep = model64.layer_weights(k)
        xp = input_projection(layer_in, W_ih, b_ih, b_hh)
        want = _naive_gates(xp, W_hh, peep, variant)
        for name, value in want.items():
            np.testing.assert_allclose(tr64[k][name], value, atol=1e-12, rtol=0, err_msg=name)
        layer_in = torch.from_numpy(tr64[k]["h"])


@torch.no_grad()
def _naive_gates(xp, W_hh, peep, variant):
    """i f g o c h, step by step from the equations (float64)."""
    T, B, H4 = xp.shape
    H = H4 // 4
    h = c = torch.zeros(B, H, dtype=F64)
    rec = {k: [] for k in "ifgoch"}
    for t in range(T):
        gates = naive_cell(xp[t] + h @ W_hh.T, peep, variant, c)
        c, h = gates[4], gates[5]
        for name, v in zip("ifgoch", gates, strict=True):
            rec[name].append(v)
    return {k: torch.stack(v).numpy() for k, v in rec.items()}


@pytest.mark.parametrize("dtype", [torch.float32, F64])
def test_clamps_hold_exactly(dtype):
    x = torch.randn(20, 3, 2, generator=gen(4), dtype=dtype)
    t = {v: trace(_model(v, dtype=dtype), x) for v in VARIANTS}
    for layer in range(2):
        assert (t["nfg"][layer]["f"] == 1.0).all()
        assert (t["nig"][layer]["i"] == 1.0).all()
        assert (t["nog"][layer]["o"] == 1.0).all()
        cifg = t["cifg"][layer]
        assert np.array_equal(cifg["i"], 1 - cifg["f"])
        noaf = t["noaf"][layer]
        assert np.array_equal(noaf["h"], noaf["o"] * noaf["c"])
        nog = t["nog"][layer]
        np.testing.assert_allclose(nog["h"], np.tanh(nog["c"]), atol=1e-6, rtol=0)
        std = t["standard"][layer]
        assert ((std["f"] > 0) & (std["f"] < 1)).all()  # a real gate elsewhere
    # NIAF: g is the bare pre-activation, so it is not confined to (-1, 1) for large inputs
    big = 5 * torch.ones(3, 1, 2, dtype=dtype)
    model = _model("niaf", dtype=dtype)
    with torch.no_grad():
        model.rnn.weight_ih_l0[10:15] = 2.0  # the g rows of layer 0 (H = 5)
    assert np.abs(trace(model, big)[0]["g"]).max() > 1.0


@pytest.mark.parametrize("variant", VARIANTS)
def test_every_variant_trains_and_clamped_rows_get_no_gradient(variant):
    H = 4
    model = _model(variant, kind="classification", H=H, dtype=torch.float32)
    x = torch.randn(7, 5, 2, generator=gen(5))
    y = torch.randint(0, 3, (5,), generator=gen(6))
    opt = torch.optim.Adam(model.parameters(), lr=0.05)
    first = None
    for _ in range(15):
        opt.zero_grad()
        loss = model_loss("classification", model(x), y)
        loss.backward()
        first = first if first is not None else loss.item()
        assert all(torch.isfinite(p.grad).all() for p in model.parameters())
        if variant in ("nfg", "nig", "nog", "cifg"):
            gate = {"nfg": 1, "nig": 0, "cifg": 0, "nog": 3}[variant]
            rows = slice(gate * H, (gate + 1) * H)
            for name in ("weight_ih_l0", "weight_hh_l0", "bias_ih_l1", "bias_hh_l1"):
                assert (getattr(model.rnn, name).grad[rows] == 0).all(), name
        opt.step()
    assert loss.item() < first  # the gradient points downhill


@pytest.mark.parametrize("variant", ["nfg", "ph", "cifg"])
def test_gradient_flow_of_variants_equals_hand_written_bptt(variant):
    """Two different computations: per-step autograd (gradient_flow) vs the recorded BPTT."""
    model = _model(variant, kind="next_step", layers=1)
    x = torch.randn(8, 3, 2, generator=gen(8), dtype=F64)
    y = torch.randn(8, 3, 3, generator=gen(9), dtype=F64)
    flow = gradient_flow(model, SimpleNamespace(x=x, y=y, mask=None))
    W_ih, W_hh, b_ih, b_hh, peep = model.layer_weights(0)
    with torch.no_grad():
        xp = input_projection(x, W_ih, b_ih, b_hh)
        zero = torch.zeros(3, 5, dtype=F64)
        cache = lstm_sequence(xp, W_hh, zero, zero, variant, peep)
    h = cache.h.clone().requires_grad_()
    (dh_out,) = torch.autograd.grad(model_loss("next_step", model.head(h), y), h)
    d = lstm_sequence_backward(cache, W_hh, zero, zero, dh_out, None, variant, peep)
    np.testing.assert_allclose(flow["dh"][0], d["dh"].norm(dim=-1).mean(1).numpy(), rtol=1e-9)
    np.testing.assert_allclose(flow["dc"][0], d["dc"].norm(dim=-1).mean(1).numpy(), rtol=1e-9)


def test_standard_backward_equals_the_numpy_reference():
    """Two of the three hand-written LSTM backward passes, against each other: the variants'
    torch BPTT (it cannot call the NumPy reference: it runs on tensors inside a custom autograd
    Function and carries the clamps) and ``reference.lstm_backward`` (whose step maths
    ``equations`` reuses), same weights, float64."""
    T, B, I, H = 7, 3, 2, 4
    g = gen(5)
    W_ih, W_hh = (
        torch.randn(4 * H, I, generator=g, dtype=F64),
        torch.randn(4 * H, H, generator=g, dtype=F64),
    )
    b_ih, b_hh = (
        torch.randn(4 * H, generator=g, dtype=F64),
        torch.randn(4 * H, generator=g, dtype=F64),
    )
    x, dh = (
        torch.randn(T, B, I, generator=g, dtype=F64),
        torch.randn(T, B, H, generator=g, dtype=F64),
    )
    h0, c0 = torch.randn(B, H, generator=g, dtype=F64), torch.randn(B, H, generator=g, dtype=F64)
    cache = lstm_sequence(input_projection(x, W_ih, b_ih, b_hh), W_hh, h0, c0)
    got = lstm_sequence_backward(cache, W_hh, h0, c0, dh)
    n = [t.numpy() for t in (x, W_ih, W_hh, b_ih, b_hh, h0, c0)]
    tr = ref.lstm_forward(*n[:5], h0=n[5], c0=n[6])
    want = ref.lstm_backward(tr, dh.numpy())
    np.testing.assert_allclose(cache.h.numpy(), tr.h, atol=1e-12)
    np.testing.assert_allclose(cache.c.numpy(), tr.c, atol=1e-12)
    for key in ("W_hh", "h0", "c0", "dh", "dc"):
        np.testing.assert_allclose(got[key].numpy(), want[key], atol=1e-11, err_msg=key)
    # the variants return dL/dxp (xp = x W_ih^T + b_ih + b_hh); the reference, its consequences
    dxp = got["xp"].numpy()
    np.testing.assert_allclose(dxp @ n[1], want["x"], atol=1e-11)
    np.testing.assert_allclose(np.einsum("tbr,tbi->ri", dxp, n[0]), want["W_ih"], atol=1e-11)
    np.testing.assert_allclose(dxp.sum((0, 1)), want["b_ih"], atol=1e-11)
