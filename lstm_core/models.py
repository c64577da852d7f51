"""PyTorch sequence models that expose every gate: a recurrent core and a head per task kind.

  core    standard LSTM, GRU, RNN: the fused ``torch.nn.LSTM/GRU/RNN`` (attribute ``rnn``)
          LSTM variants of Greff et al. 2017: ``variants.VariantLSTM`` (hand-written BPTT)
  head    next_step: a linear map of every h_t (T, B, O); regression / classification: of the
          last h_T (B, O) / (B, C); labelling / next_token: of every h_t (T, B, C)

Parameter names are the state-dict names (``rnn.weight_ih_l0`` ...), shared with the NumPy
reference model. ``trace`` recomputes every gate, step by step, from the weights the model
trains with; ``gradient_flow`` measures ||dL/dh_t||, ||dL/dc_t|| and the input saliency with
autograd. All randomness comes from the ``torch.Generator`` passed in: never a global seed.

GRU (``torch.nn.GRU``'s equations, gates r, z, n)::

    r_t = sigmoid(W_ir x_t + b_ir + W_hr h_{t-1} + b_hr)
    z_t = sigmoid(W_iz x_t + b_iz + W_hz h_{t-1} + b_hz)
    n_t = tanh(W_in x_t + b_in + r_t * (W_hn h_{t-1} + b_hn))
    h_t = (1 - z_t) * n_t + z_t * h_{t-1}

RNN: ``a_t = W_ih x_t + b_ih + W_hh h_{t-1} + b_hh``, ``h_t = tanh(a_t)``.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import torch
from torch import nn

from .config import (
    CELLS,
    GATE_COUNT,
    GATE_INITS,
    KINDS,
    RECURRENT_INITS,
    VARIANTS,
    ModelConfig,
    TaskSpec,
)
from .gate_init import chrono_biases
from .losses import PER_STEP_CLASS_KINDS, REGRESSION_KINDS
from .variants import (
    VariantLSTM,
    VariantLSTMFunction,
    input_projection,
    lstm_sequence,
    lstm_step,
)

DEVICES = ("cpu", "cuda", "mps", "auto")


class ModelError(ValueError):
    """A model configuration, input or weight set that cannot work, with the reason."""


class DeviceError(ModelError):
    """A device that was asked for but is not available here."""


# ---------------------------------------------------------------- device


def resolve_device(name: str = "cpu") -> torch.device:
    """ "cpu" | "cuda" | "mps" | "auto" (the accelerator if there is one, else the CPU)."""
    if name not in DEVICES:
        raise DeviceError(f"unknown device {name!r}; choose one of {DEVICES}")
    if name == "cpu":
        return torch.device("cpu")
    found = torch.accelerator.current_accelerator() if torch.accelerator.is_available() else None
    if name == "auto":
        return torch.device(found) if found is not None else torch.device("cpu")
    if found is None or found.type != name:
        have = "no accelerator" if found is None else f"only {found.type!r}"
        raise DeviceError(
            f"device {name!r} was asked for but this machine has {have} available to PyTorch "
            f"{torch.__version__}; use device 'cpu' (or 'auto' to take an accelerator when "
            "there is one)"
        )
    return torch.device(name)


# ---------------------------------------------------------------- the model


class SequenceModel(nn.Module):
    """Embedding (token inputs only) -> recurrent core ``rnn`` -> linear ``head``."""

    def __init__(self, spec: TaskSpec, cfg: ModelConfig):
        super().__init__()
        self.spec, self.cfg = spec, replace(cfg)
        self.cell, self.variant, self.kind = cfg.cell, cfg.variant, spec.kind
        self.embedding = nn.Embedding(spec.vocab_size, cfg.embed_size) if spec.vocab_size else None
        width = cfg.embed_size if spec.vocab_size else spec.input_size
        H, L = cfg.hidden_size, cfg.num_layers
        if cfg.cell == "lstm" and cfg.variant != "standard":
            self.rnn = VariantLSTM(width, H, L, cfg.variant)
        else:
            fused = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}[cfg.cell]
            self.rnn = fused(width, H, L)
        self.head = nn.Linear(H, spec.output_size)
        self.dropout_generator: torch.Generator | None = None  # set by build_model

    def features(self, x: torch.Tensor) -> torch.Tensor:
        """The core's input (T, B, I): the embedding of token ids, or x itself."""
        if self.embedding is None:
            if x.dim() != 3 or x.shape[-1] != self.spec.input_size or not x.is_floating_point():
                raise ModelError(
                    f"expected float input (T, B, {self.spec.input_size}), got {x.dtype} "
                    f"{tuple(x.shape)}"
                )
            return x.to(self.head.weight.dtype)
        if x.dim() != 2 or x.dtype != torch.int64:
            raise ModelError(f"expected int64 token ids (T, B), got {x.dtype} {tuple(x.shape)}")
        if x.numel() and (x.min() < 0 or x.max() >= self.spec.vocab_size):
            raise ModelError(f"token ids must lie in [0, {self.spec.vocab_size})")
        return self.embedding(x)

    def readout(self, h: torch.Tensor) -> torch.Tensor:
        """The head applied to the top layer's h (T, B, H): every step, or the last one."""
        if self.kind in ("regression", "classification"):
            return self.head(h[-1])  # (B, O) / (B, C)
        return self.head(h)  # (T, B, O) / (T, B, C)

    def forward(self, x: torch.Tensor, masks: list[torch.Tensor] | None = None) -> torch.Tensor:
        """The head's output. ``masks``: one dropout mask (T, B, H) per layer, multiplied into
        that layer's h (between layers, and before the head for the top one); in training mode
        with ``cfg.dropout > 0`` they are drawn from ``dropout_generator`` when not given."""
        if x.shape[0] == 0:
            raise ModelError("the input sequence is empty (T = 0)")
        inp = self.features(x)  # (T, B, I)
        if masks is None and self.training and self.cfg.dropout > 0:
            masks = self.draw_masks(inp.shape[0], inp.shape[1])
        if masks is None:
            h, _ = self.rnn(inp)  # (T, B, H): all layers in one fused call
            return self.readout(h)
        for k in range(self.cfg.num_layers):
            inp = self.layer(k, inp) * masks[k].to(inp)  # h_t of layer k, dropped out
        return self.readout(inp)

    def draw_masks(self, T: int, B: int) -> list[torch.Tensor]:
        """Inverted dropout masks, one (T, B, H) per layer: 0 with probability p, else 1/(1-p)."""
        shape = (T, B, self.cfg.hidden_size)
        if self.dropout_generator is None:  # a model not made by build_model
            self.dropout_generator = torch.Generator().manual_seed(0)
        return dropout_masks(self.cfg.dropout, self.cfg.num_layers, shape, self.dropout_generator)

    def layer(self, k: int, x: torch.Tensor) -> torch.Tensor:
        """Layer k alone (T, B, I) -> (T, B, H), with the same kernels as the fused stack."""
        W_ih, W_hh, b_ih, b_hh, peep = self.layer_weights(k)
        h0 = x.new_zeros(1, x.shape[1], self.cfg.hidden_size)  # (1, B, H)
        if isinstance(self.rnn, VariantLSTM):
            xp = input_projection(x, W_ih, b_ih, b_hh)  # (T, B, 4H)
            return VariantLSTMFunction.apply(xp, W_hh, h0[0], h0[0], peep, self.variant)[0]
        weights, train = [W_ih, W_hh, b_ih, b_hh], self.training
        if self.cell == "lstm":
            return torch.lstm(x, (h0, h0), weights, True, 1, 0.0, train, False, False)[0]
        if self.cell == "gru":
            return torch.gru(x, h0, weights, True, 1, 0.0, train, False, False)[0]
        return torch.rnn_tanh(x, h0, weights, True, 1, 0.0, train, False, False)[0]

    def layer_weights(self, k: int):
        """(W_ih, W_hh, b_ih, b_hh, peep or None) of layer k, as trained."""
        if isinstance(self.rnn, VariantLSTM):
            return self.rnn.layer_weights(k)
        names = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
        return (*(getattr(self.rnn, f"{n}_l{k}") for n in names), None)


def _check(spec: TaskSpec, cfg: ModelConfig) -> None:
    """Raise ModelError naming the first field that cannot work."""
    checks = [
        (spec.kind in KINDS, f"task kind {spec.kind!r} is not one of {KINDS}"),
        (cfg.cell in CELLS, f"cell {cfg.cell!r} is not one of {CELLS}"),
        (cfg.variant in VARIANTS, f"variant {cfg.variant!r} is not one of {VARIANTS}"),
        (
            cfg.cell == "lstm" or cfg.variant == "standard",
            f"variant {cfg.variant!r} is an LSTM variant; cell {cfg.cell!r} has only 'standard'",
        ),
        (1 <= cfg.num_layers <= 3, f"num_layers must be 1-3, got {cfg.num_layers}"),
        (cfg.hidden_size >= 1, f"hidden_size must be >= 1, got {cfg.hidden_size}"),
        (spec.output_size >= 1, f"output_size must be >= 1, got {spec.output_size}"),
        (spec.vocab_size >= 0, f"vocab_size must be >= 0, got {spec.vocab_size}"),
        (
            spec.vocab_size > 0 or spec.input_size >= 1,
            f"input_size must be >= 1 for float inputs, got {spec.input_size}",
        ),
        (
            spec.vocab_size == 0 or cfg.embed_size >= 1,
            f"embed_size must be >= 1, got {cfg.embed_size}",
        ),
        (
            cfg.recurrent_init in RECURRENT_INITS,
            f"recurrent_init {cfg.recurrent_init!r} is not one of {RECURRENT_INITS}",
        ),
        (
            math.isfinite(cfg.recurrent_scale) and cfg.recurrent_scale > 0,
            f"recurrent_scale must be a positive number, got {cfg.recurrent_scale}",
        ),
        (math.isfinite(cfg.forget_bias), f"forget_bias must be finite, got {cfg.forget_bias}"),
        (
            _is_real(cfg.dropout) and 0.0 <= cfg.dropout <= 0.9,
            f"dropout must be a probability from 0 to 0.9, got {cfg.dropout}",
        ),
        (cfg.gate_init in GATE_INITS, f"gate_init {cfg.gate_init!r} is not one of {GATE_INITS}"),
        (cfg.chrono_t_max >= 2, f"chrono_t_max must be >= 2, got {cfg.chrono_t_max}"),
    ]
    for ok, message in checks:
        if not ok:
            raise ModelError(message)


def _is_real(v) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


def dropout_masks(p: float, n: int, shape, generator: torch.Generator) -> list[torch.Tensor]:
    """``n`` inverted-dropout masks of ``shape``: each entry 0 with probability p, else
    1 / (1 - p), so that the expected activation is unchanged (no rescaling at test time)."""
    keep = 1.0 - p
    return [(torch.rand(shape, generator=generator) < keep).float() / keep for _ in range(n)]


def build_model(
    spec: TaskSpec, cfg: ModelConfig, generator: torch.Generator, seed: int | None = None
) -> SequenceModel:
    """A new model, initialized from ``generator`` alone, on ``cfg.device``. Its dropout masks
    come from ``model.dropout_generator``, seeded from ``generator`` after the weights.
    ``seed``: the run's seed, for ``gate_init`` chrono's draws (default: the generator's)."""
    _check(spec, cfg)
    device = resolve_device(cfg.device)
    with torch.device("meta"):  # no storage and no draws from the global RNG yet
        model = SequenceModel(spec, cfg)
    model = model.to_empty(device="cpu")
    init_weights(model, generator)
    if cfg.cell == "lstm" and cfg.gate_init == "chrono":
        init_chrono(model, generator.initial_seed() if seed is None else seed)
    mask_seed = int(torch.randint(0, 2**62, (1,), generator=generator))
    model.dropout_generator = torch.Generator().manual_seed(mask_seed)
    return model.to(device)


# ---------------------------------------------------------------- initialization


def _orthogonal(n: int, generator: torch.Generator) -> torch.Tensor:
    """A random (n, n) orthogonal matrix: QR of a Gaussian matrix, signs fixed (Haar)."""
    q, r = torch.linalg.qr(torch.randn(n, n, generator=generator, dtype=torch.float64))
    return (q * torch.sign(torch.diagonal(r))).float()


@torch.no_grad()
def init_weights(model: SequenceModel, generator: torch.Generator) -> None:
    """PyTorch's defaults drawn from ``generator``, then the recurrent init and forget bias.

    Embedding N(0, 1); every core and head weight U(-1/sqrt(H), 1/sqrt(H)); W_hh per gate block
    replaced by an orthogonal or identity matrix when asked, then times ``recurrent_scale``;
    ``forget_bias`` added to the f slice of every LSTM b_ih. (``gate_init`` "chrono" replaces
    the i and f biases afterwards: ``init_chrono``.)
    """
    init_defaults(model, model.cfg.hidden_size, generator)
    for k in range(model.cfg.num_layers):
        _, W_hh, b_ih, _, _ = model.layer_weights(k)
        init_recurrent(model.cfg, W_hh, b_ih, generator)


@torch.no_grad()
def init_defaults(model: nn.Module, H: int, generator: torch.Generator) -> None:
    """PyTorch's defaults from ``generator``, in parameter order: every embedding N(0, 1), every
    other weight and bias U(-1/sqrt(H), 1/sqrt(H))."""
    bound = 1.0 / math.sqrt(H)
    for name, p in model.named_parameters():  # a fixed order: same generator, same weights
        if "embedding" in name:
            p.normal_(0.0, 1.0, generator=generator)
        else:
            p.uniform_(-bound, bound, generator=generator)


@torch.no_grad()
def init_recurrent(cfg: ModelConfig, W_hh, b_ih, generator: torch.Generator) -> None:
    """One layer: W_hh per gate block orthogonal or identity when asked, then times
    ``recurrent_scale``; ``forget_bias`` added to the f slice of an LSTM's b_ih."""
    H = cfg.hidden_size
    for gate in range(GATE_COUNT[cfg.cell]):
        block = W_hh[gate * H : (gate + 1) * H]  # (H, H)
        if cfg.recurrent_init == "orthogonal":
            block.copy_(_orthogonal(H, generator))
        elif cfg.recurrent_init == "identity":
            block.copy_(torch.eye(H))
    W_hh.mul_(cfg.recurrent_scale)
    if cfg.cell == "lstm":
        b_ih[H : 2 * H] += cfg.forget_bias  # gate order i|f|g|o


@torch.no_grad()
def init_chrono(model: SequenceModel, seed: int) -> None:
    """Chrono initialisation of every LSTM layer's i and f biases (``lstm_core.gate_init``)."""
    H = model.cfg.hidden_size
    for k in range(model.cfg.num_layers):
        _, _, b_ih, b_hh, _ = model.layer_weights(k)
        old = b_ih.detach().numpy(), b_hh.detach().numpy()
        new_ih, new_hh = chrono_biases(H, model.cfg.chrono_t_max, seed, k, *old)
        b_ih.copy_(torch.from_numpy(new_ih))
        b_hh.copy_(torch.from_numpy(new_hh))


# ---------------------------------------------------------------- loss


def model_loss(kind: str, out: torch.Tensor, y, mask=None) -> torch.Tensor:
    """The loss of ``lstm_core.losses`` in torch: MSE for regression kinds, cross-entropy for
    class kinds, each averaged over the counted (masked) elements."""
    y = torch.as_tensor(y, device=out.device)
    if kind in REGRESSION_KINDS:
        positions = out.shape[:-1]
        w = _weights(mask, positions, out) / out.shape[-1]  # per position
        if y.shape != out.shape:
            raise ModelError(f"{kind}: y has shape {tuple(y.shape)}, output {tuple(out.shape)}")
        return (w.unsqueeze(-1) * (out - y.to(out.dtype)) ** 2).sum()
    if kind == "classification" or kind in PER_STEP_CLASS_KINDS:
        if y.shape != out.shape[:-1]:
            raise ModelError(
                f"{kind}: y has shape {tuple(y.shape)}, expected {tuple(out.shape[:-1])}"
            )
        logp = torch.log_softmax(out, dim=-1)
        picked = logp.gather(-1, y.long().unsqueeze(-1)).squeeze(-1)
        return -(_weights(mask, y.shape, out) * picked).sum()
    raise ModelError(f"unknown task kind {kind!r}; choose one of {KINDS}")


def _weights(mask, shape, out: torch.Tensor) -> torch.Tensor:
    """Per-position weights averaging over the counted positions (as ``losses._weights``)."""
    if mask is None:
        w = torch.ones(shape, dtype=out.dtype, device=out.device)
    else:
        w = torch.as_tensor(mask, device=out.device).to(out.dtype)
        if w.shape != shape:
            raise ModelError(f"mask has shape {tuple(w.shape)}, expected {tuple(shape)}")
    return w / w.sum().clamp(min=1.0)


# ---------------------------------------------------------------- trace


def _as_input(model: SequenceModel, x) -> torch.Tensor:
    """A torch tensor on the model's device (NumPy arrays accepted)."""
    x = torch.as_tensor(x, device=model.head.weight.device)
    if model.embedding is not None and not x.is_floating_point():
        x = x.long()
    if x.dim() < 2 or x.shape[0] == 0:
        raise ModelError(
            f"expected a time-major batch (T, B, ...) with T >= 1, got {tuple(x.shape)}"
        )
    return x


def gru_sequence(xg, W_hh, b_hh, h0) -> dict:
    """One GRU layer without autograd. ``xg (T, B, 3H) = x W_ih^T + b_ih``. Returns r z n h."""
    T, B, H3 = xg.shape
    H = H3 // 3
    R, Z, N, Hs = (xg.new_empty(T, B, H) for _ in range(4))
    W_t, h = W_hh.t(), h0
    for t in range(T):
        gh = torch.addmm(b_hh, h, W_t)  # (B, 3H): W_h{r,z,n} h_{t-1} + b_h{r,z,n}
        torch.sigmoid(xg[t, :, :H] + gh[:, :H], out=R[t])  # r_t
        torch.sigmoid(xg[t, :, H : 2 * H] + gh[:, H : 2 * H], out=Z[t])  # z_t
        torch.tanh(torch.addcmul(xg[t, :, 2 * H :], R[t], gh[:, 2 * H :]), out=N[t])  # n_t
        h = torch.addcmul(N[t], Z[t], h - N[t], out=Hs[t])  # h_t = (1 - z) n + z h_{t-1}
    return {"r": R, "z": Z, "n": N, "h": Hs}


def rnn_sequence(xp, W_hh, h0) -> dict:
    """One tanh RNN layer without autograd. ``xp (T, B, H)`` includes both biases. Returns a h."""
    A, Hs = torch.empty_like(xp), torch.empty_like(xp)
    W_t, h = W_hh.t(), h0
    for t in range(xp.shape[0]):
        torch.addmm(xp[t], h, W_t, out=A[t])  # a_t = W_ih x_t + b + W_hh h_{t-1}
        h = torch.tanh(A[t], out=Hs[t])  # h_t
    return {"a": A, "h": Hs}


def _trace_layer(model: SequenceModel, k: int, x: torch.Tensor) -> dict:
    """Every internal of layer k for input x (T, B, I), as torch tensors (T, B, H)."""
    h0 = x.new_zeros(x.shape[1], model.cfg.hidden_size)
    return trace_weights(model.cfg, model.layer_weights(k), x, h0, h0)


def trace_weights(cfg: ModelConfig, weights: tuple, x: torch.Tensor, h0, c0) -> dict:
    """Every internal of one layer with ``weights`` (W_ih, W_hh, b_ih, b_hh, peep) for input
    x (T, B, I) from (h0, c0), as torch tensors (T, B, H)."""
    W_ih, W_hh, b_ih, b_hh, peep = weights
    if cfg.cell == "gru":
        return gru_sequence(input_projection(x, W_ih, b_ih, torch.zeros_like(b_hh)), W_hh, b_hh, h0)
    xp = input_projection(x, W_ih, b_ih, b_hh)
    if cfg.cell == "rnn":
        return rnn_sequence(xp, W_hh, h0)
    cache = lstm_sequence(xp, W_hh, h0, c0, cfg.variant, peep)
    i, f, g, o = cache.G.chunk(4, dim=2)
    return {"i": i, "f": f, "g": g, "o": o, "c": cache.c, "h": cache.h}


@torch.no_grad()
def trace(model: SequenceModel, x) -> list[dict[str, np.ndarray]]:
    """Per layer, every internal at every step, each (T, B, H), recomputed from the model's
    weights: lstm (and variants) i f g o c h; gru r z n h; rnn a h."""
    layer_in = model.features(_as_input(model, x))  # (T, B, I)
    traces = []
    for k in range(model.cfg.num_layers):
        layer = _trace_layer(model, k, layer_in)
        traces.append({name: np.ascontiguousarray(v.cpu().numpy()) for name, v in layer.items()})
        layer_in = layer["h"]
    return traces


# ---------------------------------------------------------------- gradient flow


def _autograd_layer(model: SequenceModel, k: int, x: torch.Tensor):
    """Layer k step by step with ordinary autograd: lists of T tensors h_t and c_t (B, H)."""
    W_ih, W_hh, b_ih, b_hh, peep = model.layer_weights(k)
    H = model.cfg.hidden_size
    h = c = x.new_zeros(x.shape[1], H)
    hs, cs = [], []
    if model.cell == "gru":
        xg = input_projection(x, W_ih, b_ih, torch.zeros_like(b_hh))  # (T, B, 3H)
        for t in range(x.shape[0]):
            gr, gz, gn = (h @ W_hh.t() + b_hh).split(H, dim=-1)
            xr, xz, xn = xg[t].split(H, dim=-1)
            r_t, z_t = torch.sigmoid(xr + gr), torch.sigmoid(xz + gz)
            n_t = torch.tanh(xn + r_t * gn)
            h = (1 - z_t) * n_t + z_t * h
            hs.append(h)
        return hs, None
    xp = input_projection(x, W_ih, b_ih, b_hh)
    for t in range(x.shape[0]):
        if model.cell == "rnn":
            h = torch.tanh(xp[t] + h @ W_hh.t())
        else:
            *_, c, h = lstm_step(xp[t], h, c, W_hh, model.variant, peep)
            cs.append(c)
        hs.append(h)
    return hs, (cs if model.cell == "lstm" else None)


def _saliency_score(kind: str, out: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """The output the saliency explains: the last step's prediction (regression kinds, summed
    over outputs) or the last step's logit of the target class (class kinds), summed over B."""
    last = out if kind in ("regression", "classification") else out[-1]  # (B, O) | (B, C)
    if kind in REGRESSION_KINDS:
        return last.sum()
    target = y if kind == "classification" else y[-1]  # (B,)
    return last.gather(-1, target.long().unsqueeze(-1)).sum()


def _norms(grads, like) -> np.ndarray:
    """Mean over the batch of the L2 norm over units, for each gradient (None -> zeros)."""
    pairs = zip(grads, like, strict=True)
    g = torch.stack([torch.zeros_like(t) if d is None else d for d, t in pairs])
    return g.norm(dim=-1).mean(dim=1).detach().cpu().double().numpy()  # (N, B, H) -> (N,)


def gradient_flow(model: SequenceModel, batch, kind: str | None = None) -> dict:
    """||dL/dh_t||, ||dL/dc_t|| (L, T) and the input saliency ||dy/dx_t|| (T,), from autograd.

    ``batch`` has ``x, y, mask`` (a ``tasks.Batch``). Norms are over units (features for the
    saliency), then averaged over the batch. The saliency is taken with respect to the core's
    input (the embedding output for token inputs); ``y`` there is the score of
    ``_saliency_score``, so that a well-trained model still shows what its answer depends on.
    Returns dict ``dh``, ``dc`` (None for gru/rnn), ``saliency`` and ``loss``.
    """
    kind = kind or model.kind
    x = _as_input(model, batch.x)
    y = torch.as_tensor(batch.y, device=x.device)
    mask = getattr(batch, "mask", None)
    L, T = model.cfg.num_layers, x.shape[0]
    with torch.enable_grad():
        inp = model.features(x).detach().requires_grad_(True)  # (T, B, I)
        hs: list[torch.Tensor] = []
        cs: list[torch.Tensor] = []
        layer_in = inp
        for k in range(L):
            layer_h, layer_c = _autograd_layer(model, k, layer_in)
            hs += layer_h
            cs += layer_c or []
            layer_in = torch.stack(layer_h)  # (T, B, H)
        out = model.readout(layer_in)
        loss = model_loss(kind, out, y, mask)
        grads = torch.autograd.grad(loss, hs + cs, retain_graph=True, allow_unused=True)
        loss = loss.detach()
        (dx,) = torch.autograd.grad(_saliency_score(kind, out, y), inp)
    dh = _norms(grads[: L * T], hs).reshape(L, T)
    dc = _norms(grads[L * T :], cs).reshape(L, T) if cs else None
    saliency = dx.norm(dim=-1).mean(dim=1).detach().cpu().double().numpy()
    return {"dh": dh, "dc": dc, "saliency": saliency, "loss": loss.item()}


# ---------------------------------------------------------------- weights to and from NumPy


def to_numpy(model: nn.Module) -> dict[str, np.ndarray]:
    """Every weight as a float64 array, keyed by its state-dict name."""
    return {k: v.detach().cpu().to(torch.float64).numpy() for k, v in model.state_dict().items()}


@torch.no_grad()
def load_numpy(model: nn.Module, params: dict[str, np.ndarray]) -> None:
    """Copy arrays keyed by state-dict name into the model (cast to its dtype and device)."""
    own = model.state_dict()
    missing, extra = sorted(set(own) - set(params)), sorted(set(params) - set(own))
    if missing or extra:
        raise ModelError(f"weights do not fit this model: missing {missing}, unexpected {extra}")
    for name, p in own.items():
        a = np.asarray(params[name])
        if a.shape != tuple(p.shape):
            raise ModelError(f"{name}: shape {a.shape}, the model needs {tuple(p.shape)}")
        if not np.isfinite(a).all():
            raise ModelError(f"{name}: holds NaN or infinite values")
        p.copy_(torch.as_tensor(a, dtype=p.dtype))
