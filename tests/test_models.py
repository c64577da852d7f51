"""The PyTorch models: fused paths, trace, loss, init, weights both ways, gradient flow, device.

Oracles: torch's fused modules, the NumPy reference (``lstm_core.reference``) and losses
(``lstm_core.losses``), autograd through torch's own cells, and finite differences.
"""

from types import SimpleNamespace

import numpy as np
import pytest
import torch

from lstm_core import losses, reference
from lstm_core.config import KINDS, ModelConfig, TaskSpec
from lstm_core.models import (
    DeviceError,
    ModelError,
    build_model,
    gradient_flow,
    load_numpy,
    model_loss,
    resolve_device,
    to_numpy,
    trace,
)
from lstm_core.variants import VariantLSTM

SPECS = {
    "next_step": TaskSpec("next_step", 2, 3),
    "regression": TaskSpec("regression", 2, 1),
    "classification": TaskSpec("classification", 2, 4),
    "labelling": TaskSpec("labelling", 2, 3),
    "next_token": TaskSpec("next_token", 0, 6, vocab_size=6),
}


def gen(seed=0):
    return torch.Generator().manual_seed(seed)


def make(kind="next_step", seed=0, double=False, **cfg):
    model = build_model(SPECS[kind], ModelConfig(**cfg), gen(seed))
    return model.double() if double else model


def inputs(model, T, B, seed=1):
    """A batch x for the model's spec, and targets y of the right kind."""
    g, spec = gen(seed), model.spec
    dtype = model.head.weight.dtype
    if spec.vocab_size:
        x = torch.randint(0, spec.vocab_size, (T, B), generator=g)
    else:
        x = torch.randn(T, B, spec.input_size, generator=g, dtype=dtype)
    shape = {"next_step": (T, B, spec.output_size), "regression": (B, spec.output_size)}
    if spec.kind in shape:
        y = torch.randn(*shape[spec.kind], generator=g, dtype=dtype)
    else:
        y = torch.randint(
            0, spec.output_size, (B,) if spec.kind == "classification" else (T, B), generator=g
        )
    return x, y


# ---------------------------------------------------------------- fused path and trace


@pytest.mark.parametrize("cell", ["lstm", "gru", "rnn"])
@pytest.mark.parametrize("T,B,H,layers", [(9, 4, 8, 1), (1, 1, 1, 1), (6, 1, 5, 2), (5, 3, 4, 3)])
def test_trace_equals_fused_module(cell, T, B, H, layers):
    model = make(cell=cell, hidden_size=H, num_layers=layers)
    x, _ = inputs(model, T, B)
    with torch.no_grad():
        out, state = model.rnn(x)  # the fused kernel
    traces = trace(model, x)
    assert len(traces) == layers
    assert set(traces[0]) == {"lstm": set("ifgoch"), "gru": set("rznh"), "rnn": {"a", "h"}}[cell]
    assert all(v.shape == (T, B, H) for v in traces[0].values())
    h_n = state[0] if cell == "lstm" else state
    np.testing.assert_allclose(traces[-1]["h"], out.numpy(), atol=1e-5, rtol=0)
    for k in range(layers):
        np.testing.assert_allclose(traces[k]["h"][-1], h_n[k].numpy(), atol=1e-5, rtol=0)
        if cell == "lstm":
            np.testing.assert_allclose(traces[k]["c"][-1], state[1][k].numpy(), atol=1e-5, rtol=0)


@pytest.mark.parametrize("cell", ["lstm", "gru", "rnn"])
def test_trace_gates_equal_numpy_reference(cell):
    """Every gate of every layer equals the hand-written NumPy forward with the same weights."""
    model = make(cell=cell, hidden_size=5, num_layers=2, double=True)
    x, _ = inputs(model, 7, 3)
    params = to_numpy(model)
    traces = trace(model, x)
    layer_in = x.numpy()
    forward = {
        "lstm": reference.lstm_forward,
        "gru": reference.gru_forward,
        "rnn": reference.rnn_forward,
    }[cell]
    for k, got in enumerate(traces):
        w = [params[f"rnn.{n}_l{k}"] for n in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")]
        ref = forward(layer_in, *w)
        for name in got:
            if name == "a":  # the RNN pre-activation: W_ih x_t + b + W_hh h_{t-1}
                h_prev = np.concatenate([np.zeros_like(ref.h[:1]), ref.h[:-1]])
                want = layer_in @ w[0].T + h_prev @ w[1].T + w[2] + w[3]
            else:
                want = getattr(ref, name)
            np.testing.assert_allclose(got[name], want, atol=1e-10, rtol=0)
        layer_in = ref.h
    # and the model's output is the head on the last layer's h
    out = model(x).detach().numpy()
    np.testing.assert_allclose(
        out, traces[-1]["h"] @ params["head.weight"].T + params["head.bias"], atol=1e-10, rtol=0
    )


@pytest.mark.parametrize("kind", KINDS)
def test_head_shapes_and_token_input(kind):
    model = make(kind, hidden_size=6)
    T, B = 5, 3
    x, y = inputs(model, T, B)
    out = model(x)
    O = model.spec.output_size
    want = {
        "next_step": (T, B, O),
        "regression": (B, O),
        "classification": (B, O),
        "labelling": (T, B, O),
        "next_token": (T, B, O),
    }[kind]
    assert out.shape == want
    # many-to-one reads the last step: it equals the head on the last h of the per-step output
    h = torch.from_numpy(trace(model, x)[-1]["h"])
    per_step = model.head(h)
    expect = per_step[-1] if kind in ("regression", "classification") else per_step
    torch.testing.assert_close(out, expect, atol=1e-5, rtol=0)
    if model.spec.vocab_size:
        assert model.embedding.weight.shape == (6, model.cfg.embed_size)
        assert trace(model, x)[0]["i"].shape == (T, B, 6)


# ---------------------------------------------------------------- loss


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("masked", [False, True])
def test_model_loss_equals_numpy_losses(kind, masked):
    model = make(kind, hidden_size=4, double=True)
    T, B = 6, 5
    x, y = inputs(model, T, B)
    out = model(x)
    mask = None
    if masked:
        shape = out.shape[:-1]
        mask = torch.rand(shape, generator=gen(3)) > 0.4
    loss = model_loss(kind, out, y, mask)
    (dout,) = torch.autograd.grad(loss, out)
    np_mask = None if mask is None else mask.numpy()
    want, want_grad = losses.loss_and_grad(kind, out.detach().numpy(), y.numpy(), np_mask)
    assert abs(loss.item() - want) <= 1e-12 * max(1.0, abs(want))
    np.testing.assert_allclose(dout.numpy(), want_grad, atol=1e-12, rtol=0)


def test_model_loss_rejects_bad_shapes_and_kind():
    out = torch.zeros(4, 3, 2)
    with pytest.raises(ModelError, match="y has shape"):
        model_loss("next_step", out, torch.zeros(4, 3, 1))
    with pytest.raises(ModelError, match="mask has shape"):
        model_loss("next_step", out, torch.zeros(4, 3, 2), torch.ones(3, 4, dtype=torch.bool))
    with pytest.raises(ModelError, match="unknown task kind"):
        model_loss("ranking", out, out)


# ---------------------------------------------------------------- initialization


@pytest.mark.parametrize(
    "cell,variant", [("lstm", "standard"), ("gru", "standard"), ("rnn", "standard"), ("lstm", "ph")]
)
def test_init_is_a_function_of_the_generator_alone(cell, variant):
    before = torch.random.get_rng_state()
    a = make("next_token", seed=5, cell=cell, variant=variant, num_layers=2)
    b = make("next_token", seed=5, cell=cell, variant=variant, num_layers=2)
    c = make("next_token", seed=6, cell=cell, variant=variant, num_layers=2)
    assert torch.equal(before, torch.random.get_rng_state())  # the global RNG is untouched
    for name, p in a.state_dict().items():
        assert torch.equal(p, b.state_dict()[name]), name
        assert not torch.equal(p, c.state_dict()[name]), name


def test_default_init_ranges_and_forget_bias():
    H = 16
    zero = make(hidden_size=H, num_layers=2, forget_bias=0.0).state_dict()
    two = make(hidden_size=H, num_layers=2, forget_bias=2.0).state_dict()
    bound = 1 / np.sqrt(H)
    for name, p in zero.items():
        assert p.abs().max() <= bound, name
        delta = two[name] - p
        if name.startswith("rnn.bias_ih"):  # gate order i|f|g|o: +2 on the f slice only
            want = torch.zeros(4 * H)
            want[H : 2 * H] = 2.0
            torch.testing.assert_close(delta, want, atol=1e-6, rtol=0)
        else:
            assert torch.equal(delta, torch.zeros_like(p)), name


@pytest.mark.parametrize("cell,gates", [("lstm", 4), ("gru", 3), ("rnn", 1)])
def test_orthogonal_and_identity_recurrent_init(cell, gates):
    H, scale = 8, 1.5
    ortho = make(cell=cell, hidden_size=H, recurrent_init="orthogonal", recurrent_scale=scale)
    ident = make(cell=cell, hidden_size=H, recurrent_init="identity", recurrent_scale=scale)
    for k in range(gates):
        Q = ortho.rnn.weight_hh_l0[k * H : (k + 1) * H].detach().double()
        torch.testing.assert_close(
            Q.T @ Q, scale**2 * torch.eye(H, dtype=torch.float64), atol=1e-5, rtol=0
        )
        block = ident.rnn.weight_hh_l0[k * H : (k + 1) * H].detach()
        assert torch.equal(block, scale * torch.eye(H))
    default = make(cell=cell, hidden_size=H).rnn.weight_hh_l0
    scaled = make(cell=cell, hidden_size=H, recurrent_scale=3.0).rnn.weight_hh_l0
    torch.testing.assert_close(scaled, 3.0 * default, atol=1e-6, rtol=0)


@pytest.mark.parametrize(
    "spec,cfg,match",
    [
        (SPECS["next_step"], ModelConfig(cell="lstmx"), "cell"),
        (SPECS["next_step"], ModelConfig(cell="gru", variant="nfg"), "LSTM variant"),
        (SPECS["next_step"], ModelConfig(variant="xyz"), "variant"),
        (SPECS["next_step"], ModelConfig(num_layers=4), "num_layers"),
        (SPECS["next_step"], ModelConfig(hidden_size=0), "hidden_size"),
        (SPECS["next_step"], ModelConfig(recurrent_init="he"), "recurrent_init"),
        (SPECS["next_step"], ModelConfig(recurrent_scale=0.0), "recurrent_scale"),
        (SPECS["next_step"], ModelConfig(forget_bias=float("nan")), "forget_bias"),
        (TaskSpec("next_step", 0, 1), ModelConfig(), "input_size"),
        (TaskSpec("sorting", 1, 1), ModelConfig(), "task kind"),
        (SPECS["next_step"], ModelConfig(device="tpu"), "unknown device"),
    ],
)
def test_build_model_rejects_bad_configs(spec, cfg, match):
    with pytest.raises(ModelError, match=match):
        build_model(spec, cfg, gen())


def test_bad_inputs_are_named():
    model = make(hidden_size=3)
    with pytest.raises(ModelError, match=r"float input \(T, B, 2\)"):
        model(torch.zeros(4, 2, 3))
    tokens = make("next_token", hidden_size=3)
    with pytest.raises(ModelError, match="token ids must lie"):
        tokens(torch.full((3, 2), 6, dtype=torch.int64))
    with pytest.raises(ModelError, match="int64 token ids"):
        tokens(torch.zeros(3, 2, 1))
    with pytest.raises(ModelError, match="T >= 1"):
        trace(model, np.zeros((0, 2, 2), np.float32))


# ---------------------------------------------------------------- weights both ways


def test_weights_round_trip_and_move_between_engines():
    model = make("next_token", cell="lstm", hidden_size=5, num_layers=2)
    params = to_numpy(model)
    assert all(a.dtype == np.float64 for a in params.values())
    assert set(params) == {"embedding.weight", "head.weight", "head.bias"} | {
        f"rnn.{n}_l{k}" for n in ("weight_ih", "weight_hh", "bias_ih", "bias_hh") for k in (0, 1)
    }
    other = make("next_token", seed=9, cell="lstm", hidden_size=5, num_layers=2)
    load_numpy(other, params)
    x, _ = inputs(model, 6, 2)
    assert torch.equal(model(x), other(x))
    # the same weights drive the hand-written loop of the "standard" variant identically
    loop = VariantLSTM(model.cfg.embed_size, 5, 2)
    load_numpy(loop, {k[4:]: v for k, v in params.items() if k.startswith("rnn.")})
    feats = model.features(x)
    torch.testing.assert_close(loop(feats)[0], model.rnn(feats)[0], atol=1e-6, rtol=0)
    bad = dict(params)
    bad["head.bias"] = np.zeros(3)
    with pytest.raises(ModelError, match="head.bias: shape"):
        load_numpy(other, bad)
    del bad["head.bias"]
    with pytest.raises(ModelError, match="missing"):
        load_numpy(other, bad)
    bad["head.bias"] = np.full(6, np.nan)
    with pytest.raises(ModelError, match="NaN"):
        load_numpy(other, bad)


# ---------------------------------------------------------------- gradient flow


def _reference_flow(model, x, y, kind):
    """dh, dc norms from the NumPy BPTT (one layer) fed with dL/dout from lstm_core.losses."""
    p = to_numpy(model)
    w = [p[f"rnn.{n}_l0"] for n in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")]
    forward, backward = {
        "lstm": (reference.lstm_forward, reference.lstm_backward),
        "gru": (reference.gru_forward, reference.gru_backward),
        "rnn": (reference.rnn_forward, reference.rnn_backward),
    }[model.cell]
    tr = forward(x.numpy(), *w)
    out = tr.h @ p["head.weight"].T + p["head.bias"]  # next_step head on every step
    _, dout = losses.loss_and_grad(kind, out, y.numpy())
    d = backward(tr, dout @ p["head.weight"])
    dc = None if "dc" not in d else np.linalg.norm(d["dc"], axis=-1).mean(1)
    return np.linalg.norm(d["dh"], axis=-1).mean(1), dc


@pytest.mark.parametrize("cell", ["lstm", "gru", "rnn"])
def test_gradient_flow_equals_numpy_bptt(cell):
    model = make("next_step", cell=cell, hidden_size=6, double=True)
    x, y = inputs(model, 8, 4)
    flow = gradient_flow(model, SimpleNamespace(x=x, y=y, mask=None), "next_step")
    dh, dc = _reference_flow(model, x, y, "next_step")
    assert flow["dh"].shape == (1, 8) and flow["saliency"].shape == (8,)
    np.testing.assert_allclose(flow["dh"][0], dh, atol=1e-12, rtol=1e-9)
    if cell == "lstm":
        np.testing.assert_allclose(flow["dc"][0], dc, atol=1e-12, rtol=1e-9)
    else:
        assert flow["dc"] is None
    assert flow["loss"] == pytest.approx(model_loss("next_step", model(x), y).item(), rel=1e-12)


def test_gradient_flow_two_layers_equals_stepwise_torch_lstm():
    """Oracles: torch.nn.LSTM called one step at a time (dh), the NumPy BPTT (dh, dc)."""
    model = make("regression", hidden_size=5, num_layers=2, double=True)
    x, y = inputs(model, 6, 3)
    flow = gradient_flow(model, SimpleNamespace(x=x, y=y), "regression")
    cells = []
    for k in range(2):
        cell = torch.nn.LSTM(2 if k == 0 else 5, 5).double()
        names = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
        cell.load_state_dict({f"{n}_l0": getattr(model.rnn, f"{n}_l{k}") for n in names})
        cells.append(cell)
    layer_in, hs = x, []
    for cell in cells:
        h = c = torch.zeros(1, 3, 5, dtype=torch.float64)
        outs = []
        for t in range(6):
            h, (_, c) = cell(layer_in[t : t + 1], (h, c))  # h (1, B, H) feeds step t+1 and up
            hs.append(h)
            outs.append(h[0])
        layer_in = torch.stack(outs)
    loss = model_loss("regression", model.head(layer_in[-1]), y)
    grads = torch.autograd.grad(loss, hs)
    norms = np.array([g[0].norm(dim=-1).mean().item() for g in grads])
    np.testing.assert_allclose(flow["dh"].ravel(), norms, atol=1e-12, rtol=1e-9)
    # dc: the NumPy BPTT chained through both layers (the fused op's c_n carries only the
    # recurrent part of dL/dc_t, so it cannot serve as the oracle for dc)
    p = to_numpy(model)
    w = [
        [p[f"rnn.{n}_l{k}"] for n in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")]
        for k in range(2)
    ]
    tr0 = reference.lstm_forward(x.numpy(), *w[0])
    tr1 = reference.lstm_forward(tr0.h, *w[1])
    out = tr1.h[-1] @ p["head.weight"].T + p["head.bias"]
    _, dout = losses.loss_and_grad("regression", out, y.numpy())
    dh_top = np.zeros_like(tr1.h)
    dh_top[-1] = dout @ p["head.weight"]
    d1 = reference.lstm_backward(tr1, dh_top)
    d0 = reference.lstm_backward(tr0, d1["x"])
    for k, d in enumerate((d0, d1)):
        np.testing.assert_allclose(
            flow["dh"][k], np.linalg.norm(d["dh"], axis=-1).mean(1), atol=1e-12, rtol=1e-9
        )
        np.testing.assert_allclose(
            flow["dc"][k], np.linalg.norm(d["dc"], axis=-1).mean(1), atol=1e-12, rtol=1e-9
        )


@pytest.mark.parametrize(
    "kind,cell",
    [
        ("regression", "lstm"),
        ("classification", "gru"),
        ("next_step", "rnn"),
        ("next_token", "lstm"),
    ],
)
def test_saliency_equals_finite_differences(kind, cell):
    model = make(kind, cell=cell, hidden_size=4, double=True)
    T, B = 5, 2
    x, y = inputs(model, T, B)
    flow = gradient_flow(model, SimpleNamespace(x=x, y=y, mask=None), kind)
    feats = model.features(x).detach()  # saliency is measured on the core's input

    def score(f):  # the last step's output (regression) or target-class logit, per sequence
        out = model.readout(model.rnn(f)[0])
        last = out if kind in ("regression", "classification") else out[-1]
        if kind in ("regression", "next_step"):
            return last.sum(-1)
        target = y if kind == "classification" else y[-1]
        return last.gather(-1, target[:, None])[:, 0]

    eps, grad = 1e-6, torch.zeros_like(feats)
    with torch.no_grad():
        for idx in np.ndindex(*feats.shape):
            t, b, _ = idx
            up, down = feats.clone(), feats.clone()
            up[idx] += eps
            down[idx] -= eps
            grad[idx] = (score(up)[b] - score(down)[b]) / (2 * eps)
    want = grad.norm(dim=-1).mean(dim=1).numpy()
    np.testing.assert_allclose(flow["saliency"], want, atol=1e-8, rtol=1e-6)


def test_gradient_flow_leaves_parameter_gradients_alone():
    model = make(hidden_size=4)
    x, y = inputs(model, 5, 2)
    gradient_flow(model, SimpleNamespace(x=x, y=y, mask=None))
    assert all(p.grad is None for p in model.parameters())


# ---------------------------------------------------------------- device


def test_resolve_device():
    assert resolve_device("cpu") == torch.device("cpu")
    auto = resolve_device("auto")
    if torch.accelerator.is_available():
        assert auto.type == torch.accelerator.current_accelerator().type
    else:
        assert auto == torch.device("cpu")
        for name in ("cuda", "mps"):
            with pytest.raises(DeviceError, match=f"device '{name}' was asked for but"):
                resolve_device(name)
            with pytest.raises(DeviceError, match="not available|has no accelerator"):
                build_model(SPECS["next_step"], ModelConfig(device=name), gen())
    with pytest.raises(DeviceError, match="unknown device"):
        resolve_device("gpu")


@pytest.mark.parametrize(
    "cell,variant",
    [
        ("lstm", "standard"),
        ("gru", "standard"),
        ("rnn", "standard"),
        ("lstm", "ph"),
        ("lstm", "cifg"),
    ],
)
def test_model_on_auto_device_matches_cpu(cell, variant):
    """On a machine with an accelerator, "auto" puts the model there: outputs, gradients, trace
    and gradient flow equal the CPU model's (on a CPU-only machine "auto" is the CPU)."""
    device = resolve_device("auto")
    cpu = make("classification", cell=cell, variant=variant, hidden_size=6, num_layers=2)
    acc = make(
        "classification", cell=cell, variant=variant, hidden_size=6, num_layers=2, device="auto"
    )
    assert acc.head.weight.device.type == device.type
    x, y = inputs(cpu, 7, 3)
    results = []
    for model in (cpu, acc):
        xd, yd = x.to(device if model is acc else "cpu"), y.to(device if model is acc else "cpu")
        loss = model_loss("classification", model(xd), yd)
        grads = torch.autograd.grad(loss, list(model.parameters()))
        flow = gradient_flow(model, SimpleNamespace(x=xd, y=yd, mask=None))
        results.append((loss.item(), [g.cpu() for g in grads], trace(model, xd), flow))
    (l0, g0, t0, f0), (l1, g1, t1, f1) = results
    # cuDNN's fused RNNs use TF32 matmuls by default (about 3 decimal digits)
    tol = 0.0 if device.type == "cpu" else 2e-3
    assert l1 == pytest.approx(l0, abs=tol + 1e-7)
    for a, b in zip(g0, g1, strict=True):
        torch.testing.assert_close(b, a, atol=tol + 1e-6, rtol=tol + 1e-5)
    for k in range(2):
        for name in t0[k]:
            np.testing.assert_allclose(t1[k][name], t0[k][name], atol=tol + 1e-6)
    np.testing.assert_allclose(f1["dh"], f0["dh"], atol=tol + 1e-7, rtol=tol + 1e-5)
    np.testing.assert_allclose(f1["saliency"], f0["saliency"], atol=tol + 1e-7, rtol=tol + 1e-5)


@pytest.mark.parametrize(
    "kind,cell", [("next_token", "lstm"), ("regression", "gru"), ("labelling", "rnn")]
)
def test_weights_move_between_torch_and_the_numpy_model(kind, cell):
    """The NumPy engine with to_numpy's weights predicts what the torch model predicts, and
    the NumPy engine's own weights, loaded into torch, do the same."""
    from lstm_core.numpy_model import NumpySequenceModel

    torch_model = make(kind, cell=cell, hidden_size=5, num_layers=2, double=True)
    np_model = NumpySequenceModel(
        torch_model.spec, torch_model.cfg, np.random.default_rng(3), dtype=np.float64
    )
    x, _ = inputs(torch_model, 6, 3)
    np_model.params = to_numpy(torch_model)
    np.testing.assert_allclose(
        np_model.predict(x.numpy()), torch_model(x).detach().numpy(), atol=1e-10, rtol=0
    )
    fresh = NumpySequenceModel(
        torch_model.spec, torch_model.cfg, np.random.default_rng(4), dtype=np.float64
    )
    load_numpy(torch_model, fresh.params)
    np.testing.assert_allclose(
        torch_model(x).detach().numpy(), fresh.predict(x.numpy()), atol=1e-10, rtol=0
    )
