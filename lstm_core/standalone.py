"""Reproduce an LSTM Playground run with plain PyTorch: no lstm_core needed.

This file is copied into every exported bundle as ``train.py``. Next to it:
    config.json          the run's configuration (model, optimizer, task, seed)
    weights.safetensors  the trained weights, named as in the PyTorch state dict
    traces.npz           probe_x / probe_y / probe_out: a few validation sequences, and what the
                         trained model output for them in LSTM Playground

What it reproduces:
  * the model: the same architecture (LSTM, GRU, RNN, and the LSTM variants of Greff et al.
    2017, written out step by step), with the trained weights loaded; ``--check`` verifies
    that its outputs on the probe sequences equal the saved ones;
  * training: ``--steps N`` trains N more steps with the run's optimizer, learning rate and
    clipping. Data: fresh sequences from a built-in generator for the adding and
    temporal-order problems (the same definitions as LSTM Playground, not the same random
    stream); for any other task, the saved probe sequences (a smoke test, not the full data).

Usage:
    python train.py --check                 # outputs equal the saved ones?
    python train.py --steps 200             # train further
    python train.py --predict x.npy out.npy # run the model on your own input (time-major)
"""

import argparse
import json
import math
import sys
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import load_file
from torch import nn

HERE = Path(__file__).resolve().parent


# ---------------------------------------------------------------- the model
class VariantLSTM(nn.Module):
    """LSTM variants, one step at a time. Gate order i, f, g, o (PyTorch's).

    a = W_ih x_t + b_ih + b_hh + W_hh h_{t-1};  i, f, o = sigmoid, g = tanh
    c_t = f * c_{t-1} + i * g;  h_t = o * tanh(c_t)
    nfg: f = 1   nig: i = 1   nog: o = 1   cifg: i = 1 - f   niaf: g = a_g
    noaf: h = o * c   ph: peepholes w_ci, w_cf read c_{t-1}, w_co reads c_t
    """

    def __init__(self, input_size, hidden_size, num_layers, variant):
        super().__init__()
        self.H, self.L, self.variant = hidden_size, num_layers, variant
        for k in range(num_layers):
            width = input_size if k == 0 else hidden_size
            H = hidden_size
            setattr(self, f"weight_ih_l{k}", nn.Parameter(torch.zeros(4 * H, width)))
            setattr(self, f"weight_hh_l{k}", nn.Parameter(torch.zeros(4 * H, H)))
            setattr(self, f"bias_ih_l{k}", nn.Parameter(torch.zeros(4 * H)))
            setattr(self, f"bias_hh_l{k}", nn.Parameter(torch.zeros(4 * H)))
            if variant == "ph":
                setattr(self, f"weight_peep_l{k}", nn.Parameter(torch.zeros(3, H)))

    def step(self, xp_t, h, c, W_hh, peep):
        v, H = self.variant, self.H
        a_i, a_f, a_g, a_o = (xp_t + h @ W_hh.t()).split(H, dim=-1)
        if v == "ph":
            a_i, a_f = a_i + peep[0] * c, a_f + peep[1] * c
        f = torch.ones_like(a_f) if v == "nfg" else torch.sigmoid(a_f)
        i = torch.ones_like(a_i) if v == "nig" else (1 - f if v == "cifg" else torch.sigmoid(a_i))
        g = a_g if v == "niaf" else torch.tanh(a_g)
        c = f * c + i * g
        if v == "ph":
            a_o = a_o + peep[2] * c
        o = torch.ones_like(a_o) if v == "nog" else torch.sigmoid(a_o)
        h = o * (c if v == "noaf" else torch.tanh(c))
        return h, c

    def forward(self, x):
        for k in range(self.L):
            W_ih, W_hh = getattr(self, f"weight_ih_l{k}"), getattr(self, f"weight_hh_l{k}")
            b = getattr(self, f"bias_ih_l{k}") + getattr(self, f"bias_hh_l{k}")
            peep = getattr(self, f"weight_peep_l{k}", None)
            xp = x @ W_ih.t() + b  # (T, B, 4H)
            h = c = x.new_zeros(x.shape[1], self.H)
            hs = []
            for t in range(x.shape[0]):
                h, c = self.step(xp[t], h, c, W_hh, peep)
                hs.append(h)
            x = torch.stack(hs)  # (T, B, H)
        return x, None


class Model(nn.Module):
    """Embedding (token inputs) -> recurrent core ``rnn`` -> linear ``head``."""

    def __init__(self, spec, m):
        super().__init__()
        self.kind = spec["kind"]
        vocab = spec.get("vocab_size", 0)
        self.embedding = nn.Embedding(vocab, m["embed_size"]) if vocab else None
        width = m["embed_size"] if vocab else spec["input_size"]
        H, L = m["hidden_size"], m["num_layers"]
        if m["cell"] == "lstm" and m["variant"] != "standard":
            self.rnn = VariantLSTM(width, H, L, m["variant"])
        else:
            self.rnn = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}[m["cell"]](width, H, L)
        self.head = nn.Linear(H, spec["output_size"])

    def forward(self, x):
        x = self.embedding(x) if self.embedding is not None else x.float()
        h, _ = self.rnn(x)  # (T, B, H)
        if self.kind in ("regression", "classification"):
            return self.head(h[-1])  # read at the last step
        return self.head(h)


def loss_fn(kind, out, y, mask):
    """Mean squared error or cross-entropy, averaged over the counted (masked) positions."""
    if kind in ("next_step", "regression"):
        w = torch.ones(out.shape[:-1]) if mask is None else mask.float()
        err = ((out - y.float()) ** 2).mean(-1)
        return (w * err).sum() / w.sum().clamp(min=1)
    w = torch.ones(y.shape) if mask is None else mask.float()
    logp = torch.log_softmax(out, -1).gather(-1, y.long().unsqueeze(-1)).squeeze(-1)
    return -(w * logp).sum() / w.sum().clamp(min=1)


# ---------------------------------------------------------------- data
def adding(rng, T, B):
    """Two marked numbers in [-1, 1]; target 0.5 + (X1 + X2) / 4 (H&S 1997, exp. 4)."""
    a = max(1, min(10, T // 4))
    values = rng.uniform(-1.0, 1.0, size=(T, B))
    first, second = rng.integers(0, a, size=B), rng.integers(a, T // 2, size=B)
    markers = np.zeros((T, B))
    markers[first, np.arange(B)] = markers[second, np.arange(B)] = 1.0
    x = np.stack([values, markers], axis=-1).astype(np.float32)
    y = (0.5 + (values[first, np.arange(B)] + values[second, np.arange(B)]) / 4)[:, None]
    return x, y.astype(np.float32), None


def temporal_order(rng, T, B):
    """B ... E with X/Y at two far-apart places; class = order XX, XY, YX, YY (exp. 6a)."""
    x = rng.integers(2, 6, size=(T, B))
    x[0], x[-1] = 0, 1
    t1 = rng.integers(round(0.1 * T), round(0.2 * T) + 1, size=B)
    t2 = rng.integers(round(0.5 * T), round(0.6 * T) + 1, size=B)
    y1, y2 = rng.integers(0, 2, size=B), rng.integers(0, 2, size=B)
    x[t1, np.arange(B)], x[t2, np.arange(B)] = 6 + y1, 6 + y2
    return x.astype(np.int64), (2 * y1 + y2).astype(np.int64), None


GENERATORS = {"adding": adding, "temporal-order": temporal_order}


def batches(bundle, probe, rng):
    """Endless training batches: a built-in generator, or the saved probe sequences."""
    cfg = bundle["config"]
    make = GENERATORS.get(cfg["task"])
    T = int(bundle.get("task_values", {}).get("seq_len", 0) or probe["x"].shape[0])
    B = cfg["optim"]["batch_size"]
    while True:
        if make is not None:
            yield make(rng, T, B)
        else:
            yield probe["x"], probe["y"], probe.get("mask")


# ---------------------------------------------------------------- main
def build(folder=HERE):
    bundle = json.loads((folder / "config.json").read_text())
    cfg = bundle["config"]
    model = Model(bundle["spec"], cfg["model"])
    model.load_state_dict(load_file(str(folder / "weights.safetensors")))
    return bundle, cfg, model


def make_optimizer(o, params):
    if o["name"] == "sgd":
        return torch.optim.SGD(params, lr=o["lr"], momentum=o["momentum"])
    if o["name"] == "rmsprop":
        return torch.optim.RMSprop(params, lr=o["lr"], momentum=o["momentum"])
    return torch.optim.Adam(params, lr=o["lr"])


def main(argv=None):
    p = argparse.ArgumentParser(description="Reproduce an LSTM Playground run with PyTorch.")
    p.add_argument("--steps", type=int, default=0, help="training steps to run (default 0)")
    p.add_argument("--check", action="store_true", help="compare outputs with traces.npz")
    p.add_argument("--predict", nargs=2, metavar=("IN_NPY", "OUT_NPY"))
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    torch.manual_seed(args.seed)
    bundle, cfg, model = build()
    with np.load(HERE / "traces.npz", allow_pickle=False) as f:
        probe = {k[6:]: f[k] for k in f.files if k.startswith("probe_")}
    if args.check:
        with torch.no_grad():
            out = model(torch.as_tensor(probe["x"])).double().numpy()
        diff = float(np.max(np.abs(out - probe["out"])))
        print(f"largest difference from the saved outputs: {diff:.3g}")
        if not diff <= 1e-4 * max(1.0, float(np.max(np.abs(probe["out"])))):
            sys.exit("the rebuilt model does not reproduce the saved outputs")
    if args.predict:
        x = np.load(args.predict[0], allow_pickle=False)
        with torch.no_grad():
            np.save(args.predict[1], model(torch.as_tensor(x)).double().numpy())
    o, kind = cfg["optim"], bundle["spec"]["kind"]
    opt = make_optimizer(o, model.parameters())
    stream = batches(bundle, probe, np.random.default_rng(args.seed))
    loss_value = float("nan")
    for step in range(1, args.steps + 1):
        x, y, mask = next(stream)
        out = model(torch.as_tensor(x))
        m = None if mask is None else torch.as_tensor(mask)
        loss = loss_fn(kind, out, torch.as_tensor(y), m)
        opt.zero_grad()
        loss.backward()
        if o.get("clip"):
            torch.nn.utils.clip_grad_norm_(model.parameters(), o["clip"])
        opt.step()
        loss_value = loss.item()
        if not math.isfinite(loss_value):
            sys.exit(f"the loss became {loss_value} at step {step}: lower the learning rate")
        if step % 50 == 0 or step == args.steps:
            print(f"step {step}: loss {loss_value:.5f}")
    print(json.dumps({"task": cfg["task"], "steps": args.steps, "loss": loss_value}))


if __name__ == "__main__":
    main()
