"""A whole sequence model in NumPy alone: embedding (token inputs) -> 1-3 stacked LSTM / GRU /
RNN layers (``lstm_core.reference``) -> linear head, with hand-written optimizers.

It mirrors ``lstm_core.models.SequenceModel`` (the PyTorch model) parameter for parameter, with
the same state-dict names, so weights move between the two engines unchanged::

    embedding.weight (V, E)                       token inputs only
    rnn.weight_ih_l{k} (G*H, I_k)  rnn.weight_hh_l{k} (G*H, H)     G = 4 (lstm), 3 (gru), 1 (rnn)
    rnn.bias_ih_l{k} (G*H,)        rnn.bias_hh_l{k} (G*H,)
    head.weight (O, H)  head.bias (O,)

Head by task kind (``config.KINDS``): next_step, labelling, next_token read every step
(out (T, B, O)); regression and classification read the last step (out (B, O)).
The optimizers (SGD, Adam, RMSprop) follow ``torch.optim``'s update rules exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lstm_core import reference as ref
from lstm_core.config import (
    CELLS,
    GATE_COUNT,
    GATE_INITS,
    KINDS,
    RECURRENT_INITS,
    ModelConfig,
    TaskSpec,
)
from lstm_core.gate_init import chrono_biases
from lstm_core.losses import loss_and_grad

LAST_STEP_KINDS = ("regression", "classification")  # many-to-one: the head reads h_T


@dataclass
class ForwardCache:
    """What ``NumpySequenceModel.forward`` keeps for ``backward``."""

    tokens: np.ndarray | None  # (T, B) token ids, when the model has an embedding
    layers: list  # one reference trace per layer (LSTMTrace / GRUTrace / RNNTrace)
    h_top: np.ndarray  # (T, B, H) the top layer's hidden states (dropped out, with masks)
    features: np.ndarray  # (..., H) what the head read: h_top, or h_top[-1]
    masks: list | None = None  # one dropout mask (T, B, H) per layer, or None


def _orthogonal(n: int, rng: np.random.Generator) -> np.ndarray:
    """A random (n, n) orthogonal matrix: QR of a Gaussian matrix, signs fixed (Haar)."""
    q, r = np.linalg.qr(rng.standard_normal((n, n)))
    return q * np.sign(np.diagonal(r))


class NumpySequenceModel:
    """Embedding -> stacked recurrent layers -> linear head, forward and backward in NumPy."""

    def __init__(
        self,
        spec: TaskSpec,
        cfg: ModelConfig,
        rng: np.random.Generator,
        dtype=np.float32,
        seed: int = 0,
    ):
        """``seed``: the run's seed, for chrono's draws (``lstm_core.gate_init``)."""
        _check(spec, cfg)
        self.spec, self.cfg, self.dtype = spec, cfg, np.dtype(dtype)
        self.cell, self.kind, self.num_layers = cfg.cell, spec.kind, cfg.num_layers
        self.seed = seed
        self.params = self._init_params(rng)
        self.dropout_rng = np.random.default_rng(rng.integers(2**63))  # drawn after the weights

    # ------------------------------------------------------------------ initialization

    def _init_params(self, rng: np.random.Generator) -> dict[str, np.ndarray]:
        """PyTorch's defaults, drawn from ``rng``: embedding N(0, 1); every other weight and bias
        U(-1/sqrt(H), 1/sqrt(H)); then W_hh per gate block orthogonal or identity when asked,
        times ``recurrent_scale``, and ``forget_bias`` added to the f slice of each LSTM b_ih
        (or, with ``gate_init`` "chrono", chrono's i and f biases from ``lstm_core.gate_init``)."""
        spec, cfg = self.spec, self.cfg
        H, G = cfg.hidden_size, GATE_COUNT[cfg.cell]
        k = 1.0 / np.sqrt(H)
        p: dict[str, np.ndarray] = {}
        if spec.vocab_size:
            p["embedding.weight"] = rng.standard_normal((spec.vocab_size, cfg.embed_size))
        width = cfg.embed_size if spec.vocab_size else spec.input_size
        for layer in range(cfg.num_layers):
            n_in = width if layer == 0 else H
            W_ih = rng.uniform(-k, k, (G * H, n_in))
            W_hh = rng.uniform(-k, k, (G * H, H))
            b_ih, b_hh = rng.uniform(-k, k, G * H), rng.uniform(-k, k, G * H)
            for gate in range(G):
                if cfg.recurrent_init == "orthogonal":
                    W_hh[gate * H : (gate + 1) * H] = _orthogonal(H, rng)
                elif cfg.recurrent_init == "identity":
                    W_hh[gate * H : (gate + 1) * H] = np.eye(H)
            W_hh *= cfg.recurrent_scale
            if cfg.cell == "lstm" and cfg.gate_init == "chrono":
                b_ih, b_hh = chrono_biases(H, cfg.chrono_t_max, self.seed, layer, b_ih, b_hh)
            elif cfg.cell == "lstm":
                b_ih[H : 2 * H] += cfg.forget_bias  # gate order i|f|g|o
            p[f"rnn.weight_ih_l{layer}"], p[f"rnn.weight_hh_l{layer}"] = W_ih, W_hh
            p[f"rnn.bias_ih_l{layer}"], p[f"rnn.bias_hh_l{layer}"] = b_ih, b_hh
        p["head.weight"] = rng.uniform(-k, k, (spec.output_size, H))
        p["head.bias"] = rng.uniform(-k, k, spec.output_size)
        return {name: a.astype(self.dtype) for name, a in p.items()}

    def layer_weights(self, layer: int) -> tuple[np.ndarray, ...]:
        """(W_ih, W_hh, b_ih, b_hh) of one layer."""
        p = self.params
        names = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
        return tuple(p[f"rnn.{n}_l{layer}"] for n in names)

    # ------------------------------------------------------------------ forward

    def _features(self, x) -> tuple[np.ndarray, np.ndarray | None]:
        """The first layer's input (T, B, I) and the token ids (or None)."""
        x = np.asarray(x)
        if self.spec.vocab_size:
            if x.ndim != 2 or not np.issubdtype(x.dtype, np.integer):
                raise ValueError(f"expected integer token ids (T, B), got {x.dtype} {x.shape}")
            if x.size and (x.min() < 0 or x.max() >= self.spec.vocab_size):
                raise ValueError(f"token ids must lie in [0, {self.spec.vocab_size})")
            return self.params["embedding.weight"][x], x  # (T, B, E)
        if x.ndim != 3 or x.shape[-1] != self.spec.input_size:
            raise ValueError(f"expected input (T, B, {self.spec.input_size}), got {x.shape}")
        return x.astype(self.dtype, copy=False), None

    def forward(self, x, masks: list | None = None) -> tuple[np.ndarray, ForwardCache]:
        """Head output ((T, B, O) or (B, O), see the module docstring) and the cache.
        ``masks``: one dropout mask (T, B, H) per layer, multiplied into that layer's h."""
        inp, tokens = self._features(x)
        if inp.shape[0] == 0:
            raise ValueError("the input sequence is empty (T = 0)")
        layers = []
        for layer in range(self.num_layers):
            tr = ref.FORWARD[self.cell](inp, *self.layer_weights(layer))
            layers.append(tr)
            inp = tr.h if masks is None else tr.h * masks[layer]  # (T, B, H): the next input
        h_top = inp
        feats = h_top[-1] if self.kind in LAST_STEP_KINDS else h_top
        out = feats @ self.params["head.weight"].T + self.params["head.bias"]
        return out, ForwardCache(tokens, layers, h_top, feats, masks)

    def draw_masks(self, T: int, B: int) -> list[np.ndarray]:
        """Inverted dropout masks from ``dropout_rng``, one (T, B, H) per layer: 0 with
        probability p = cfg.dropout, else 1 / (1 - p)."""
        keep = 1.0 - self.cfg.dropout
        shape = (T, B, self.cfg.hidden_size)
        draws = (self.dropout_rng.random(shape) for _ in range(self.num_layers))
        return [((u < keep) / keep).astype(self.dtype) for u in draws]

    def predict(self, x) -> np.ndarray:
        """The head output for x."""
        return self.forward(x)[0]

    # ------------------------------------------------------------------ backward

    def backward(self, cache: ForwardCache, dout) -> tuple[dict[str, np.ndarray], list[dict]]:
        """Gradients of the loss given dout = dL/d(output). Returns (grads keyed like params,
        per-layer reference backward dicts, bottom layer first: each has "dh" (and "dc" for
        the LSTM), the total gradient on every h_t (c_t) of that layer)."""
        p, dt = self.params, self.dtype
        dout = np.asarray(dout, dt)
        grads: dict[str, np.ndarray] = {}
        # out = feats @ W.T + b
        dout2, feats2 = (
            dout.reshape(-1, dout.shape[-1]),
            cache.features.reshape(-1, self.cfg.hidden_size),
        )
        grads["head.weight"] = dout2.T @ feats2
        grads["head.bias"] = dout2.sum(0)
        dfeats = dout @ p["head.weight"]
        if self.kind in LAST_STEP_KINDS:
            dh = np.zeros_like(cache.h_top)
            dh[-1] = dfeats  # only h_T feeds the head
        else:
            dh = dfeats  # (T, B, H)
        per_layer: list[dict] = [{}] * self.num_layers
        for layer in reversed(range(self.num_layers)):
            if cache.masks is not None:
                dh = dh * cache.masks[layer]  # backprop through the dropout mask
            g = ref.BACKWARD[self.cell](cache.layers[layer], dh)
            per_layer[layer] = g
            for key, n in (("W_ih", "weight_ih"), ("W_hh", "weight_hh")):
                grads[f"rnn.{n}_l{layer}"] = g[key]
            for key, n in (("b_ih", "bias_ih"), ("b_hh", "bias_hh")):
                grads[f"rnn.{n}_l{layer}"] = g[key]
            dh = g["x"]  # the layer below's h_t (or the embedding) fed this layer's x_t
        if cache.tokens is not None:
            dE = np.zeros_like(p["embedding.weight"])
            np.add.at(dE, cache.tokens, dh)  # each row got the gradient of every use of its token
            grads["embedding.weight"] = dE
        return {name: grads[name] for name in p}, per_layer

    def loss_and_grads(self, batch) -> tuple[float, dict[str, np.ndarray]]:
        """(loss, grads) for a batch with .x, .y, .mask; the loss of ``lstm_core.losses``.
        Training: with ``cfg.dropout > 0`` fresh dropout masks are drawn for this batch."""
        T, B = np.shape(batch.x)[:2]
        masks = self.draw_masks(T, B) if self.cfg.dropout > 0 else None
        out, cache = self.forward(batch.x, masks)
        loss, dout = loss_and_grad(self.kind, out, batch.y, getattr(batch, "mask", None))
        grads, _ = self.backward(cache, dout)
        return loss, grads

    def trace(self, x) -> list[dict[str, np.ndarray]]:
        """Per layer, the internals over the sequence, each (T, B, H): lstm i f g o c h;
        gru r z n h; rnn a h (the format of ``models.trace``)."""
        _, cache = self.forward(x)
        fields = ref.TRACE_FIELDS[self.cell]
        return [{k: np.ascontiguousarray(getattr(tr, k)) for k in fields} for tr in cache.layers]


def _check(spec: TaskSpec, cfg: ModelConfig) -> None:
    """Raise ValueError naming the first field the NumPy engine cannot build."""
    if cfg.cell not in CELLS:
        raise ValueError(f"cell {cfg.cell!r} is not one of {CELLS}")
    if cfg.cell == "lstm" and cfg.variant != "standard":
        raise ValueError(
            f"the NumPy engine implements the standard LSTM cell only, not variant "
            f"{cfg.variant!r}; use the torch engine for the LSTM variants"
        )
    if spec.kind not in KINDS:
        raise ValueError(f"task kind {spec.kind!r} is not one of {KINDS}")
    if not 1 <= cfg.num_layers <= 3:
        raise ValueError(f"num_layers must be 1-3, got {cfg.num_layers}")
    if cfg.hidden_size < 1 or spec.output_size < 1:
        raise ValueError("hidden_size and output_size must be >= 1")
    if spec.vocab_size == 0 and spec.input_size < 1:
        raise ValueError(f"input_size must be >= 1 for float inputs, got {spec.input_size}")
    if cfg.recurrent_init not in RECURRENT_INITS:
        raise ValueError(f"recurrent_init {cfg.recurrent_init!r} is not one of {RECURRENT_INITS}")
    if not 0.0 <= cfg.dropout <= 0.9:
        raise ValueError(f"dropout must be a probability from 0 to 0.9, got {cfg.dropout}")
    if cfg.gate_init not in GATE_INITS or cfg.chrono_t_max < 2:
        raise ValueError(
            f"gate_init must be one of {GATE_INITS} and chrono_t_max >= 2, got "
            f"{cfg.gate_init!r}, {cfg.chrono_t_max}"
        )


# ============================================================================ optimizers


class SGD:
    """torch.optim.SGD (no dampening): with L2 weight decay wd, g = g + wd * p; with momentum
    mu, buf = g (first step), buf = mu * buf + g (later); step = g + mu * buf (Nesterov) or buf;
    p -= lr * step."""

    def __init__(
        self,
        params: dict,
        lr: float,
        momentum: float = 0.0,
        nesterov: bool = False,
        weight_decay: float = 0.0,
    ):
        self.params, self.lr, self.momentum, self.nesterov = params, lr, momentum, nesterov
        self.weight_decay = weight_decay
        self.buf: dict[str, np.ndarray] = {}

    def step(self, grads: dict) -> None:
        mu = self.momentum
        for name, p in self.params.items():
            g = grads[name]
            if self.weight_decay:
                g = g + self.weight_decay * p  # L2: the gradient of wd / 2 * ||p||^2
            if mu:
                buf = self.buf.get(name)
                if buf is None:
                    buf = self.buf[name] = g.copy()
                else:
                    buf *= mu
                    buf += g
                g = g + mu * buf if self.nesterov else buf
            p -= self.lr * g


class Adam:
    """torch.optim.Adam (no amsgrad), step count t from 1, or torch.optim.AdamW when
    weight_decay wd > 0 (decoupled: p = p * (1 - lr wd) before the Adam step):
    m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2;
    p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)."""

    def __init__(
        self,
        params: dict,
        lr: float,
        betas=(0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ):
        self.params, self.lr, self.betas, self.eps = params, lr, betas, eps
        self.weight_decay = weight_decay
        self.m = {k: np.zeros_like(p) for k, p in params.items()}
        self.v = {k: np.zeros_like(p) for k, p in params.items()}
        self.t = 0

    def step(self, grads: dict) -> None:
        b1, b2 = self.betas
        self.t += 1
        step_size = self.lr / (1 - b1**self.t)
        bc2_sqrt = np.sqrt(1 - b2**self.t)
        for name, p in self.params.items():
            g, m, v = grads[name], self.m[name], self.v[name]
            if self.weight_decay:
                p *= 1 - self.lr * self.weight_decay  # AdamW: decay the weight, not the gradient
            m += (1 - b1) * (g - m)  # m = b1 m + (1 - b1) g (torch: lerp)
            v *= b2
            v += (1 - b2) * g * g
            denom = np.sqrt(v)
            denom /= bc2_sqrt
            denom += self.eps
            p -= step_size * (m / denom)


class RMSprop:
    """torch.optim.RMSprop (not centered): with L2 weight decay wd, g = g + wd * p;
    v = alpha v + (1 - alpha) g^2; d = g / (sqrt(v) + eps);
    with momentum mu: buf = mu * buf + d, p -= lr * buf; else p -= lr * d."""

    def __init__(
        self,
        params: dict,
        lr: float,
        alpha=0.99,
        eps=1e-8,
        momentum: float = 0.0,
        weight_decay: float = 0.0,
    ):
        self.params, self.lr, self.alpha, self.eps, self.momentum = params, lr, alpha, eps, momentum
        self.weight_decay = weight_decay
        self.v = {k: np.zeros_like(p) for k, p in params.items()}
        self.buf = {k: np.zeros_like(p) for k, p in params.items()} if momentum else {}

    def step(self, grads: dict) -> None:
        a = self.alpha
        for name, p in self.params.items():
            g, v = grads[name], self.v[name]
            if self.weight_decay:
                g = g + self.weight_decay * p  # L2
            v *= a
            v += (1 - a) * g * g
            d = g / (np.sqrt(v) + self.eps)
            if self.momentum:
                buf = self.buf[name]
                buf *= self.momentum
                buf += d
                d = buf
            p -= self.lr * d


def make_optimizer(
    name: str, params: dict, lr: float, momentum: float = 0.0, weight_decay: float = 0.0
):
    """ "sgd" (with momentum), "adam" (momentum unused; AdamW when weight_decay > 0),
    "rmsprop" (with momentum); weight_decay is L2 for sgd and rmsprop."""
    if name == "sgd":
        return SGD(params, lr, momentum=momentum, weight_decay=weight_decay)
    if name == "adam":
        return Adam(params, lr, weight_decay=weight_decay)
    if name == "rmsprop":
        return RMSprop(params, lr, momentum=momentum, weight_decay=weight_decay)
    raise ValueError(f"unknown optimizer {name!r}; choose sgd, adam or rmsprop")


def clip_grad_norm(grads: dict, max_norm: float) -> float:
    """Scale all gradients in place so their global 2-norm is at most max_norm (as
    torch.nn.utils.clip_grad_norm_: factor max_norm / (norm + 1e-6) when below 1). Returns
    the norm before clipping."""
    total = float(
        np.sqrt(sum(float(np.sum(np.square(g, dtype=np.float64))) for g in grads.values()))
    )
    coef = max_norm / (total + 1e-6)
    if coef < 1:
        for g in grads.values():
            g *= coef
    return total
