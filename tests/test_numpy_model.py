"""The NumPy-only model against a PyTorch model with the same weights (outputs, loss, every
gradient, per-layer dh/dc), its initialization, the hand-written optimizers against
torch.optim, and a NumPy-only model that learns a sine wave."""

from types import SimpleNamespace

import numpy as np
import pytest
import torch
from torch import nn

from lstm_core.config import KINDS, ModelConfig, TaskSpec
from lstm_core.losses import loss_and_grad
from lstm_core.numpy_model import (
    SGD,
    Adam,
    NumpySequenceModel,
    RMSprop,
    clip_grad_norm,
    make_optimizer,
)

TORCH_LAYER = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}


class TorchOracle(nn.Module):
    """The same architecture from torch.nn parts, with the same state-dict names."""

    def __init__(self, spec, cfg):
        super().__init__()
        self.kind = spec.kind
        if spec.vocab_size:
            self.embedding = nn.Embedding(spec.vocab_size, cfg.embed_size)
        width = cfg.embed_size if spec.vocab_size else spec.input_size
        self.rnn = TORCH_LAYER[cfg.cell](width, cfg.hidden_size, cfg.num_layers)
        self.head = nn.Linear(cfg.hidden_size, spec.output_size)

    def forward(self, x):
        inp = self.embedding(x) if hasattr(self, "embedding") else x
        h, _ = self.rnn(inp)
        return self.head(h[-1] if self.kind in ("regression", "classification") else h)


def _oracle(model: NumpySequenceModel) -> TorchOracle:
    o = TorchOracle(model.spec, model.cfg).double()
    o.load_state_dict({k: torch.tensor(v) for k, v in model.params.items()}, strict=True)
    return o


def _torch_loss(kind, out, y, mask):
    if kind in ("next_step", "regression"):
        se = ((out - y) ** 2).mean(-1)
    else:
        se = -torch.log_softmax(out, -1).gather(-1, y[..., None])[..., 0]
    if mask is None:
        return se.mean()
    m = mask.to(out.dtype)
    return (se * m).sum() / m.sum()


def _spec(kind, I=3, O=4, V=7):
    if kind == "next_token":
        return TaskSpec(kind, input_size=0, output_size=V, vocab_size=V)
    return TaskSpec(kind, input_size=I, output_size=O)


def _batch(spec, T, B, rng, masked=False):
    if spec.vocab_size:
        x = rng.integers(0, spec.vocab_size, size=(T, B))
    else:
        x = rng.normal(size=(T, B, spec.input_size))
    O = spec.output_size
    y = {
        "next_step": lambda: rng.normal(size=(T, B, O)),
        "regression": lambda: rng.normal(size=(B, O)),
        "classification": lambda: rng.integers(0, O, size=B),
        "labelling": lambda: rng.integers(0, O, size=(T, B)),
        "next_token": lambda: rng.integers(0, O, size=(T, B)),
    }[spec.kind]()
    mask = None
    if masked and spec.kind in ("next_step", "labelling", "next_token"):
        mask = rng.random((T, B)) > 0.3
        mask[0, 0] = True
    return SimpleNamespace(x=x, y=y, mask=mask)


def _model(kind, cell="lstm", layers=1, H=5, seed=0, dtype=np.float64, **cfg_kw):
    cfg = ModelConfig(cell=cell, hidden_size=H, num_layers=layers, embed_size=4, **cfg_kw)
    return NumpySequenceModel(_spec(kind), cfg, np.random.default_rng(seed), dtype=dtype)


# -------------------------------------------------------------------- parity with torch


@pytest.mark.parametrize("cell", ["lstm", "gru", "rnn"])
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("layers", [1, 2, 3])
def test_output_loss_and_grads_equal_torch_model(cell, kind, layers):
    m = _model(kind, cell, layers, seed=layers)
    rng = np.random.default_rng(100 + layers)
    batch = _batch(m.spec, T=6, B=3, rng=rng, masked=layers == 2)
    out = m.predict(batch.x)
    loss, grads = m.loss_and_grads(batch)
    o = _oracle(m)
    out_t = o(torch.tensor(batch.x))
    mask = None if batch.mask is None else torch.tensor(batch.mask)
    loss_t = _torch_loss(kind, out_t, torch.tensor(batch.y), mask)
    loss_t.backward()
    assert out.shape == tuple(out_t.shape)
    assert np.abs(out - out_t.detach().numpy()).max() <= 1e-10
    assert abs(loss - loss_t.item()) <= 1e-10
    assert list(grads) == list(m.params)
    for name, p in o.named_parameters():
        assert np.abs(grads[name] - p.grad.numpy()).max() <= 1e-8, name


@pytest.mark.parametrize("shape", [(1, 1, 1, 1), (1, 4, 3, 2), (9, 1, 1, 6), (4, 2, 5, 1)])
@pytest.mark.parametrize("cell", ["lstm", "gru", "rnn"])
def test_stacked_forward_edge_shapes(shape, cell):
    T, B, I, H = shape
    spec = TaskSpec("next_step", input_size=I, output_size=2)
    cfg = ModelConfig(cell=cell, hidden_size=H, num_layers=3)
    m = NumpySequenceModel(spec, cfg, np.random.default_rng(1), dtype=np.float64)
    x = np.random.default_rng(2).normal(size=(T, B, I))
    with torch.no_grad():
        want = _oracle(m)(torch.tensor(x)).numpy()
    assert np.abs(m.predict(x) - want).max() <= 1e-10


def test_per_layer_dh_dc_equal_autograd():
    """Each layer's total dL/dh_t and dL/dc_t, from a per-step torch cell loop with retain_grad."""
    T, B, I, H, L = 7, 3, 2, 4, 2
    spec = TaskSpec("next_step", input_size=I, output_size=2)
    m = NumpySequenceModel(
        spec, ModelConfig(hidden_size=H, num_layers=L), np.random.default_rng(3), np.float64
    )
    batch = _batch(spec, T, B, np.random.default_rng(4))
    out, cache = m.forward(batch.x)
    _, dout = loss_and_grad("next_step", out, batch.y)
    _, per_layer = m.backward(cache, dout)

    P = {k: torch.tensor(v) for k, v in m.params.items()}
    inp = [xt for xt in torch.tensor(batch.x)]
    hs, cs = [], []
    for k in range(L):
        cell = nn.LSTMCell(I if k == 0 else H, H).double()
        with torch.no_grad():
            for n in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
                getattr(cell, n).copy_(P[f"rnn.{n}_l{k}"])
        h, c = torch.zeros(B, H, dtype=torch.float64), torch.zeros(B, H, dtype=torch.float64)
        hs.append([]), cs.append([])
        for t in range(T):
            h, c = cell(inp[t], (h, c))
            h.retain_grad(), c.retain_grad()
            hs[k].append(h), cs[k].append(c)
        inp = hs[k]
    out_t = torch.stack(hs[-1]) @ P["head.weight"].T + P["head.bias"]
    ((out_t - torch.tensor(batch.y)) ** 2).mean().backward()
    for k in range(L):
        dh = np.stack([h.grad.numpy() for h in hs[k]])
        dc = np.stack([c.grad.numpy() for c in cs[k]])
        assert np.abs(per_layer[k]["dh"] - dh).max() <= 1e-8
        assert np.abs(per_layer[k]["dc"] - dc).max() <= 1e-8


# ---------------------------------------------------------------------- trace and dtype


@pytest.mark.parametrize("cell,fields", [("lstm", "ifgoch"), ("gru", "rznh"), ("rnn", ["a", "h"])])
def test_trace_format(cell, fields):
    m = _model("labelling", cell, layers=2, H=5)
    x = np.random.default_rng(0).normal(size=(8, 2, 3))
    traces = m.trace(x)
    assert len(traces) == 2
    for tr in traces:
        assert list(tr) == list(fields)
        assert all(v.shape == (8, 2, 5) for v in tr.values())
    _, cache = m.forward(x)
    np.testing.assert_array_equal(traces[1]["h"], cache.h_top)


def test_float32_model_gives_float32():
    m = _model("next_step", dtype=np.float32)
    batch = _batch(m.spec, 5, 2, np.random.default_rng(0))
    assert all(p.dtype == np.float32 for p in m.params.values())
    assert m.predict(batch.x).dtype == np.float32
    _, grads = m.loss_and_grads(batch)
    assert all(g.dtype == np.float32 for g in grads.values())
    assert all(v.dtype == np.float32 for v in m.trace(batch.x)[0].values())


# ----------------------------------------------------------------------- initialization


def test_init_like_pytorch_plus_forget_bias():
    H = 8
    m = _model("next_step", "lstm", layers=2, H=H, forget_bias=3.0)
    bound = 1 / np.sqrt(H)
    for name, p in m.params.items():
        if name.startswith("rnn.bias_ih"):
            assert np.all(np.abs(p[H : 2 * H] - 3.0) <= bound)  # f slice moved by forget_bias
            p = np.concatenate([p[:H], p[2 * H :]])
        assert np.all(np.abs(p) <= bound), name
    again = _model("next_step", "lstm", layers=2, H=H, forget_bias=3.0)
    assert all(np.array_equal(m.params[k], again.params[k]) for k in m.params)
    other = _model("next_step", "lstm", layers=2, H=H, forget_bias=3.0, seed=1)
    assert not np.array_equal(m.params["head.weight"], other.params["head.weight"])


@pytest.mark.parametrize("cell", ["lstm", "gru", "rnn"])
def test_recurrent_init_orthogonal_and_identity(cell):
    H, G = 6, {"lstm": 4, "gru": 3, "rnn": 1}[cell]
    for init in ("orthogonal", "identity"):
        m = _model("next_step", cell, H=H, recurrent_init=init, recurrent_scale=1.5)
        W = m.params["rnn.weight_hh_l0"].reshape(G, H, H)
        for block in W:
            np.testing.assert_allclose(block @ block.T, 2.25 * np.eye(H), atol=1e-12)
            if init == "identity":
                np.testing.assert_array_equal(block, 1.5 * np.eye(H))


def test_embedding_init_and_names():
    m = _model("next_token", "gru", layers=2)
    assert list(m.params) == [
        "embedding.weight",
        *[
            f"rnn.{n}_l{k}"
            for k in (0, 1)
            for n in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
        ],
        "head.weight",
        "head.bias",
    ]
    assert m.params["embedding.weight"].shape == (7, 4)
    assert m.params["rnn.weight_ih_l0"].shape == (15, 4)


@pytest.mark.parametrize("variant", ["nfg", "cifg", "ph"])
def test_lstm_variants_are_refused_clearly(variant):
    with pytest.raises(ValueError, match="standard LSTM"):
        _model("next_step", "lstm", variant=variant)


def test_bad_inputs_are_refused():
    with pytest.raises(ValueError, match="num_layers"):
        _model("next_step", layers=4)
    m = _model("next_token")
    with pytest.raises(ValueError, match="token ids"):
        m.predict(np.full((3, 2), 99))


# ------------------------------------------------------------------ optimizers vs torch


def _quadratic_grads(params, A):
    """Gradients of sum(A * p^2) / 2 + sum(sin(p)): changing every step, same in both."""
    return {k: A[k] * p + np.cos(p) for k, p in params.items()}


@pytest.mark.parametrize(
    "name,kw,torch_cls,torch_kw",
    [
        ("sgd", dict(lr=0.1), torch.optim.SGD, {}),
        ("sgd", dict(lr=0.05, momentum=0.9), torch.optim.SGD, dict(momentum=0.9)),
        (
            "sgd",
            dict(lr=0.05, momentum=0.8, nesterov=True),
            torch.optim.SGD,
            dict(momentum=0.8, nesterov=True),
        ),
        ("adam", dict(lr=0.01), torch.optim.Adam, {}),
        ("adam", dict(lr=0.02, betas=(0.8, 0.99), eps=1e-6), torch.optim.Adam, {}),
        ("rmsprop", dict(lr=0.01), torch.optim.RMSprop, {}),
        ("rmsprop", dict(lr=0.01, momentum=0.9), torch.optim.RMSprop, dict(momentum=0.9)),
        (
            "sgd",
            dict(lr=0.05, momentum=0.9, weight_decay=0.1),
            torch.optim.SGD,
            dict(momentum=0.9, weight_decay=0.1),
        ),
        ("sgd", dict(lr=0.1, weight_decay=0.3), torch.optim.SGD, dict(weight_decay=0.3)),
        ("adam", dict(lr=0.02, weight_decay=0.1), torch.optim.AdamW, dict(weight_decay=0.1)),
        ("adam", dict(lr=0.01, weight_decay=0.0), torch.optim.AdamW, dict(weight_decay=0.0)),
        (
            "rmsprop",
            dict(lr=0.01, momentum=0.5, weight_decay=0.05),
            torch.optim.RMSprop,
            dict(momentum=0.5, weight_decay=0.05),
        ),
    ],
)
def test_optimizers_equal_torch_optim(name, kw, torch_cls, torch_kw):
    rng = np.random.default_rng(0)
    shapes = {"a": (3, 4), "b": (5,)}
    params = {k: rng.normal(size=s) for k, s in shapes.items()}
    A = {k: rng.uniform(0.5, 2.0, size=s) for k, s in shapes.items()}
    tparams = {k: torch.tensor(v, requires_grad=True) for k, v in params.items()}
    cls = {"sgd": SGD, "adam": Adam, "rmsprop": RMSprop}[name]
    opt = cls(params, **kw)
    extra = {k: v for k, v in kw.items() if k in ("betas", "eps")}
    topt = torch_cls(list(tparams.values()), lr=kw["lr"], **torch_kw, **extra)
    for step in range(20):
        if step == 10:  # the learning rate changes live
            opt.lr = kw["lr"] / 3
            topt.param_groups[0]["lr"] = kw["lr"] / 3
        opt.step(_quadratic_grads(params, A))
        tg = _quadratic_grads({k: v.detach().numpy() for k, v in tparams.items()}, A)
        for k, v in tparams.items():
            v.grad = torch.tensor(tg[k])
        topt.step()
        for k in params:
            assert np.abs(params[k] - tparams[k].detach().numpy()).max() <= 1e-10, (step, k)


def test_make_optimizer():
    p = {"w": np.zeros(3)}
    assert isinstance(make_optimizer("sgd", p, lr=0.1, momentum=0.9), SGD)
    assert make_optimizer("sgd", p, lr=0.1, momentum=0.9).momentum == 0.9
    assert isinstance(make_optimizer("adam", p, lr=0.1, momentum=0.9), Adam)
    assert make_optimizer("rmsprop", p, lr=0.1, momentum=0.5).momentum == 0.5
    with pytest.raises(ValueError):
        make_optimizer("lbfgs", p, lr=0.1)


@pytest.mark.parametrize("max_norm", [0.5, 100.0])
def test_clip_grad_norm_equals_torch(max_norm):
    rng = np.random.default_rng(0)
    grads = {"a": rng.normal(size=(4, 3)), "b": rng.normal(size=5)}
    tp = [torch.zeros(g.shape, dtype=torch.float64, requires_grad=True) for g in grads.values()]
    for p, g in zip(tp, grads.values(), strict=True):
        p.grad = torch.tensor(g)
    want = torch.nn.utils.clip_grad_norm_(tp, max_norm).item()
    got = clip_grad_norm(grads, max_norm)
    assert abs(got - want) <= 1e-12
    for p, g in zip(tp, grads.values(), strict=True):
        np.testing.assert_allclose(g, p.grad.numpy(), rtol=0, atol=1e-14)


# --------------------------------------------------------------------- it learns a sine


def _sine_batch(rng, T=30, B=32, w=0.35):
    """Sine waves of random phase; target: the next value."""
    phase = rng.uniform(0, 2 * np.pi, size=(1, B, 1))
    t = np.arange(T + 1)[:, None, None]
    wave = np.sin(w * t + phase).astype(np.float32)  # (T + 1, B, 1)
    return SimpleNamespace(x=wave[:-1], y=wave[1:], mask=None)


@pytest.mark.slow
def test_numpy_model_learns_a_sine_wave():
    spec = TaskSpec("next_step", input_size=1, output_size=1)
    m = NumpySequenceModel(spec, ModelConfig(hidden_size=16), np.random.default_rng(0))
    opt = make_optimizer("adam", m.params, lr=0.01)
    rng = np.random.default_rng(1)
    val = _sine_batch(np.random.default_rng(2), B=64)
    before = m.loss_and_grads(val)[0]
    for _ in range(300):
        _, grads = m.loss_and_grads(_sine_batch(rng))
        clip_grad_norm(grads, 1.0)
        opt.step(grads)
    after = m.loss_and_grads(val)[0]
    assert after < before / 10, (before, after)
