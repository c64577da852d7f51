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
    clipping. Data: fresh sequences from a built-in generator for the adding, temporal-order
    and translate problems (the same definitions as LSTM Playground, not the same random
    stream; translate keeps LSTM Playground's held-out numbers out of training); for any
    other task, the saved probe sequences (a smoke test, not the full data).

Usage:
    python train.py --check                 # outputs equal the saved ones?
    python train.py --steps 200             # train further
    python train.py --predict x.npy out.npy # run the model on your own input (time-major)
"""

import argparse
import json
import math
import sys
from collections.abc import Callable
from datetime import date
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

    def forward(self, x, hx=None):
        h_n, c_n = [], []
        for k in range(self.L):
            W_ih, W_hh = getattr(self, f"weight_ih_l{k}"), getattr(self, f"weight_hh_l{k}")
            b = getattr(self, f"bias_ih_l{k}") + getattr(self, f"bias_hh_l{k}")
            peep = getattr(self, f"weight_peep_l{k}", None)
            xp = x @ W_ih.t() + b  # (T, B, 4H)
            h = c = x.new_zeros(x.shape[1], self.H)
            if hx is not None:  # the start state (the encoder's last, in a decoder)
                h, c = hx[0][k], hx[1][k]
            hs = []
            for t in range(x.shape[0]):
                h, c = self.step(xp[t], h, c, W_hh, peep)
                hs.append(h)
            x = torch.stack(hs)  # (T, B, H)
            h_n.append(h)
            c_n.append(c)
        return x, (torch.stack(h_n), torch.stack(c_n))


def make_core(m, width):
    """The recurrent core: PyTorch's fused LSTM / GRU / RNN, or an LSTM variant."""
    H, L = m["hidden_size"], m["num_layers"]
    if m["cell"] == "lstm" and m["variant"] != "standard":
        return VariantLSTM(width, H, L, m["variant"])
    return {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}[m["cell"]](width, H, L)


class Model(nn.Module):
    """Embedding (token inputs) -> recurrent core ``rnn`` -> linear ``head``."""

    def __init__(self, spec, m):
        super().__init__()
        self.kind = spec["kind"]
        vocab = spec.get("vocab_size", 0)
        self.embedding = nn.Embedding(vocab, m["embed_size"]) if vocab else None
        width = m["embed_size"] if vocab else spec["input_size"]
        self.rnn = make_core(m, width)
        self.head = nn.Linear(m["hidden_size"], spec["output_size"])

    def forward(self, x):
        x = self.embedding(x) if self.embedding is not None else x.float()
        h, _ = self.rnn(x)  # (T, B, H)
        if self.kind in ("regression", "classification"):
            return self.head(h[-1])  # read at the last step
        return self.head(h)


class Seq2Seq(nn.Module):
    """Translation: the encoder's final (h, c) starts the decoder; optional Luong attention.

    score_ts = d_t . e_s;  alpha_t = softmax_s(score_t);  ctx_t = sum_s alpha_ts e_s
    a_t = tanh(W_c [ctx_t; d_t] + b_c);  logits_t = W_out a_t + b_out   (attention "dot")
    """

    def __init__(self, spec, m):
        super().__init__()
        V, E, H = spec["vocab_size"], m["embed_size"], m["hidden_size"]
        self.kind, self.steps = spec["kind"], spec["target_len"]
        self.src_embedding, self.encoder = nn.Embedding(V, E), make_core(m, E)
        self.tgt_embedding, self.decoder = nn.Embedding(V, E), make_core(m, E)
        self.combine = nn.Linear(2 * H, H) if spec.get("attention") == "dot" else None
        self.head = nn.Linear(H, V)

    def readout(self, d, e, x):
        if self.combine is None:
            return self.head(d)
        score = torch.einsum("tbh,sbh->tbs", d, e).masked_fill((x == 0).t()[None], -1e9)
        ctx = torch.einsum("tbs,sbh->tbh", torch.softmax(score, -1), e)
        return self.head(torch.tanh(self.combine(torch.cat([ctx, d], -1))))

    def forward(self, x, y=None):
        """Teacher forcing when the target y is given, else greedy decoding: logits (T, B, V)."""
        e, state = self.encoder(self.src_embedding(x))
        if y is not None:
            y_in = torch.cat([torch.full_like(y[:1], BOS_ID), y[:-1]])
            return self.readout(self.decoder(self.tgt_embedding(y_in), state)[0], e, x)
        token, logits = torch.full((1, x.shape[1]), BOS_ID, dtype=torch.long), []
        for _ in range(self.steps):
            d, state = self.decoder(self.tgt_embedding(token), state)
            logits.append(self.readout(d, e, x))
            token = logits[-1].argmax(-1)
        return torch.cat(logits)


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


ONES = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen "
    "fourteen fifteen sixteen seventeen eighteen nineteen"
).split()
TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
MONTHS = (
    "January February March April May June July August September October November December"
).split()
ZH_DIGITS = "零一二三四五六七八九"
CHARS = sorted(
    set(" -0123456789abcdefghijklmnopqrstuvwxyz" + "".join(MONTHS) + ZH_DIGITS + "两十百千万年月日")
)
VOCAB = ["<pad>", "<s>", "</s>", *CHARS]  # the same ids as LSTM Playground's translate task
BOS_ID, EOS_ID = 1, 2
DIRECTIONS = {
    "en-zh": ("number", "en", "zh"),
    "zh-en": ("number", "zh", "en"),
    "words-digits": ("number", "en", "digits"),
    "digits-words": ("number", "digits", "en"),
    "zh-digits": ("number", "zh", "digits"),
    "digits-zh": ("number", "digits", "zh"),
    "date-en-zh": ("date", "en", "zh"),
    "date-zh-en": ("date", "zh", "en"),
    "date-en-iso": ("date", "en", "iso"),
    "date-iso-en": ("date", "iso", "en"),
}


def english(n):
    """British English words: 312 -> three hundred and twelve, 1005 -> one thousand and five."""

    def below_1000(k):
        hundreds, rest = divmod(k, 100)
        low = (
            ONES[rest]
            if rest < 20
            else TENS[rest // 10] + (f"-{ONES[rest % 10]}" * (rest % 10 > 0))
        )
        if not hundreds:
            return low
        return f"{ONES[hundreds]} hundred" + (f" and {low}" if rest else "")

    if n == 0:
        return "zero"
    thousands, rest = divmod(n, 1000)
    words = [f"{below_1000(thousands)} thousand"] if thousands else []
    if rest:
        words.append(("and " if thousands and rest < 100 else "") + below_1000(rest))
    return " ".join(words)


def chinese(n):
    """Chinese numerals: 105 -> 一百零五, 1010 -> 一千零一十, 200 -> 两百, 12 -> 十二."""

    def group(k, number_start, before_wan):
        out, started, zero = [], False, False
        for digit, unit in zip(f"{k:04d}", ("千", "百", "十", ""), strict=True):
            d = int(digit)
            if d == 0:
                zero = zero or started
                continue
            if zero:
                out.append("零")
                zero = False
            if d == 2 and not started and (unit in ("千", "百") or (unit == "" and before_wan)):
                out.append("两")
            elif not (d == 1 and unit == "十" and not started and number_start):
                out.append(ZH_DIGITS[d])
            out.append(unit)
            started = True
        return "".join(out)

    if n == 0:
        return "零"
    wan, rest = divmod(n, 10_000)
    out = group(wan, True, True) + "万" if wan else ""
    if rest:
        out += ("零" if wan and rest < 1000 else "") + group(rest, not wan, False)
    return out


def held_out(values):
    """The numbers / dates LSTM Playground keeps for validation (a splitmix64 hash)."""
    z = np.asarray(values, dtype=np.uint64) + np.uint64(0x9E3779B97F4A7C15)
    with np.errstate(over="ignore"):
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return ((z ^ (z >> np.uint64(31))) % np.uint64(10)) == 0


def text_of(value, what, form):
    if what == "date":
        d = date.fromordinal(int(value))
        return {
            "en": f"{d.day} {MONTHS[d.month - 1]} {d.year}",
            "zh": f"{d.year}年{d.month}月{d.day}日",
            "iso": d.isoformat(),
        }[form]
    spell: dict[str, Callable[[int], str]] = {"en": english, "zh": chinese, "digits": str}
    return spell[form](int(value))


def translate(rng, knobs, S, T, B):
    """Training pairs, never a held-out number: source ids (S, B) left-padded, target (T, B)."""
    what, src, tgt = DIRECTIONS[knobs["direction"]]
    if what == "date":
        values = np.arange(date(1900, 1, 1).toordinal(), date(2099, 12, 31).toordinal() + 1)
        pool = values[~held_out(values)]
    else:
        values = np.arange(knobs["largest"] + 1)
        pool = values[~(held_out(values) & (values >= 20))]
    x, y = np.zeros((S, B), np.int64), np.zeros((T, B), np.int64)
    mask = np.zeros((T, B), bool)
    for b, v in enumerate(rng.choice(pool, B)):
        source, target = text_of(v, what, src), text_of(v, what, tgt)
        source = source[::-1] if knobs.get("reverse") else source
        x[S - len(source) :, b] = [VOCAB.index(c) for c in source]
        y[: len(target) + 1, b] = [VOCAB.index(c) for c in target] + [EOS_ID]
        mask[: len(target) + 1, b] = True
    return x, y, mask


GENERATORS = {"adding": adding, "temporal-order": temporal_order}


def batches(bundle, probe, rng):
    """Endless training batches: a built-in generator, or the saved probe sequences."""
    cfg = bundle["config"]
    make = GENERATORS.get(cfg["task"])
    T = int(bundle.get("task_values", {}).get("seq_len", 0) or probe["x"].shape[0])
    B = cfg["optim"]["batch_size"]
    while True:
        if cfg["task"] == "translate":
            S, steps = probe["x"].shape[0], bundle["spec"]["target_len"]
            yield translate(rng, bundle["task_values"], S, steps, B)
        elif make is not None:
            yield make(rng, T, B)
        else:
            yield probe["x"], probe["y"], probe.get("mask")


# ---------------------------------------------------------------- main
def build(folder=HERE):
    bundle = json.loads((folder / "config.json").read_text())
    cfg = bundle["config"]
    spec = bundle["spec"]
    model = (Seq2Seq if spec["kind"] == "seq2seq" else Model)(spec, cfg["model"])
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
        if kind == "seq2seq":  # teacher forcing: the decoder reads the true previous char
            out = model(torch.as_tensor(x), torch.as_tensor(y))
        else:
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
