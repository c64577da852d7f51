"""The encoder-decoder (Sutskever et al. 2014), in PyTorch and in NumPy, with optional Luong
dot-product attention (Luong et al. 2015, "global" attention with the dot score).

    encoder   e_s, (h_S, c_S) = core_enc(embed_src(x_1..x_S))         every cell and variant
    decoder   d_t, state      = core_dec(embed_tgt(y_{t-1}), start (h_S, c_S))   y_0 = BOS
    no attention   logits_t = W_out d_t + b_out
    attention      score_ts = d_t . e_s      (PAD source positions get -1e9)
                   alpha_t  = softmax_s(score_t)
                   ctx_t    = sum_s alpha_ts e_s
                   a_t      = tanh(W_c [ctx_t; d_t] + b_c)
                   logits_t = W_out a_t + b_out

Training feeds the decoder the true previous character (teacher forcing); ``greedy`` feeds it
its own most likely character. Stacked layers hand over layer by layer: decoder layer k starts
from encoder layer k's final state. Parameter names (PyTorch and NumPy alike)::

    src_embedding.weight (V, E)   encoder.weight_ih_l{k} ...   (nn.LSTM / GRU / RNN names)
    tgt_embedding.weight (V, E)   decoder.weight_ih_l{k} ...
    combine.weight (H, 2H), combine.bias (H,)    attention only
    head.weight (V, H), head.bias (V,)

The NumPy model is built on ``lstm_core.reference``: the decoder's backward pass returns the
gradient on its start state (dh0, dc0), which becomes the gradient on the encoder's last
(h_S, c_S). It implements the standard cells (LSTM, GRU, RNN) and the attention by hand.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import torch
from torch import nn

from lstm_core import reference as ref
from lstm_core.config import GATE_COUNT, ModelConfig, TaskSpec
from lstm_core.losses import loss_and_grad
from lstm_core.models import (
    ModelError,
    _check,
    init_defaults,
    init_recurrent,
    resolve_device,
    trace_weights,
)
from lstm_core.variants import VariantLSTM

PAD_ID, BOS_ID, EOS_ID = 0, 1, 2  # the translate task's vocabulary starts <pad> <s> </s>
MASKED = -1e9  # the score of a PAD source position: exp(MASKED - max) == 0


# ====================================================================== PyTorch
def make_core(cfg: ModelConfig, width: int) -> nn.Module:
    """A stacked recurrent core: the fused kernel, or VariantLSTM for the Greff variants."""
    H, L = cfg.hidden_size, cfg.num_layers
    if cfg.cell == "lstm" and cfg.variant != "standard":
        return VariantLSTM(width, H, L, cfg.variant)
    return {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}[cfg.cell](width, H, L)


def core_weights(core: nn.Module, k: int):
    """(W_ih, W_hh, b_ih, b_hh, peep or None) of layer k of a core."""
    if isinstance(core, VariantLSTM):
        return core.layer_weights(k)
    names = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
    return (*(getattr(core, f"{n}_l{k}") for n in names), None)


class Seq2SeqModel(nn.Module):
    """Source embedding -> encoder -> (h, c) -> decoder <- target embedding -> [attention] ->
    head."""

    def __init__(self, spec: TaskSpec, cfg: ModelConfig):
        super().__init__()
        self.spec, self.cfg = spec, replace(cfg)
        self.cell, self.variant, self.kind = cfg.cell, cfg.variant, spec.kind
        V, E, H = spec.vocab_size, cfg.embed_size, cfg.hidden_size
        self.src_embedding = nn.Embedding(V, E)
        self.encoder = make_core(cfg, E)
        self.tgt_embedding = nn.Embedding(V, E)
        self.decoder = make_core(cfg, E)
        self.combine = nn.Linear(2 * H, H) if spec.attention == "dot" else None
        self.head = nn.Linear(H, V)

    def encode(self, x: torch.Tensor):
        """x (S, B) source ids -> encoder states e (S, B, H) and the final state to hand over."""
        if x.dim() != 2 or x.dtype != torch.int64 or x.shape[0] == 0:
            raise ModelError(f"expected int64 source ids (S, B), got {x.dtype} {tuple(x.shape)}")
        if x.min() < 0 or x.max() >= self.spec.vocab_size:
            raise ModelError(f"token ids must lie in [0, {self.spec.vocab_size})")
        return self.encoder(self.src_embedding(x))

    def readout(self, d, e, x):
        """Logits (T, B, V) from decoder states d (T, B, H); attention weights (T, B, S) or
        None."""
        if self.combine is None:
            return self.head(d), None
        score = torch.einsum("tbh,sbh->tbs", d, e)
        score = score.masked_fill((x == PAD_ID).t().unsqueeze(0), MASKED)
        alpha = torch.softmax(score, dim=-1)  # (T, B, S)
        ctx = torch.einsum("tbs,sbh->tbh", alpha, e)
        a = torch.tanh(self.combine(torch.cat([ctx, d], dim=-1)))
        return self.head(a), alpha

    def forward(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """Teacher forcing: logits (T, B, V) for target y (T, B), the decoder reading BOS, y_1..
        y_{T-1}."""
        e, state = self.encode(x)
        y_in = torch.cat([torch.full_like(y[:1], BOS_ID), y[:-1]])
        d, _ = self.decoder(self.tgt_embedding(y_in), state)
        return self.readout(d, e, x)[0]

    @torch.no_grad()
    def greedy(self, x: torch.Tensor, steps: int) -> dict:
        """Greedy decoding for ``steps`` steps: logits (T, B, V), tokens (T, B), the decoder's
        inputs (T, B), attention (T, B, S) or None."""
        e, state = self.encode(x)
        token = torch.full((1, x.shape[1]), BOS_ID, dtype=torch.int64, device=x.device)
        logits, tokens, inputs, alphas = [], [], [], []
        for _ in range(int(steps)):
            inputs.append(token)
            d, state = self.decoder(self.tgt_embedding(token), state)
            out, alpha = self.readout(d, e, x)
            token = out.argmax(-1)  # (1, B)
            logits.append(out)
            tokens.append(token)
            alphas.append(alpha)
        return {
            "logits": torch.cat(logits),
            "tokens": torch.cat(tokens),
            "inputs": torch.cat(inputs),
            "attention": None if self.combine is None else torch.cat(alphas),
        }


def build_seq2seq(spec: TaskSpec, cfg: ModelConfig, generator: torch.Generator) -> Seq2SeqModel:
    """A new encoder-decoder initialized from ``generator`` alone, on ``cfg.device``."""
    if spec.kind != "seq2seq" or spec.vocab_size < 3 or spec.target_len < 1:
        raise ModelError("an encoder-decoder needs a seq2seq task with a vocabulary and targets")
    _check(replace(spec, kind="next_token"), cfg)  # cell, variant, sizes: as for one network
    device = resolve_device(cfg.device)
    with torch.device("meta"):
        model = Seq2SeqModel(spec, cfg)
    model = model.to_empty(device="cpu")
    init_seq2seq(model, generator)
    return model.to(device)


@torch.no_grad()
def init_seq2seq(model: Seq2SeqModel, generator: torch.Generator) -> None:
    """As ``models.init_weights``: embeddings N(0, 1), the rest U(-1/sqrt(H), 1/sqrt(H)), then
    the recurrent init, ``recurrent_scale`` and ``forget_bias`` in both cores."""
    cfg = model.cfg
    init_defaults(model, cfg.hidden_size, generator)
    for core in (model.encoder, model.decoder):
        for k in range(cfg.num_layers):
            _, W_hh, b_ih, _, _ = core_weights(core, k)
            init_recurrent(cfg, W_hh, b_ih, generator)


def _trace_core(core, cfg: ModelConfig, k: int, x: torch.Tensor, h0, c0) -> dict:
    """Every internal of layer k of a core for input x (T, B, I) from (h0, c0)."""
    return trace_weights(cfg, core_weights(core, k), x, h0, c0)


@torch.no_grad()
def trace(model: Seq2SeqModel, x) -> list[dict[str, np.ndarray]]:
    """Per layer, the encoder's internals over the source followed by the decoder's over its
    greedy steps, each (S + T, B, H): the hand-over is between step S - 1 and step S."""
    x = torch.as_tensor(np.asarray(x), device=model.head.weight.device).long()
    inputs = model.greedy(x, model.spec.target_len)["inputs"]  # (T, B)
    enc_in, dec_in = model.src_embedding(x), model.tgt_embedding(inputs)
    zeros = enc_in.new_zeros(x.shape[1], model.cfg.hidden_size)
    layers = []
    for k in range(model.cfg.num_layers):
        enc = _trace_core(model.encoder, model.cfg, k, enc_in, zeros, zeros)
        c_S = enc["c"][-1] if "c" in enc else None
        dec = _trace_core(model.decoder, model.cfg, k, dec_in, enc["h"][-1], c_S)
        layers.append({n: torch.cat([enc[n], dec[n]]).cpu().numpy() for n in enc})
        enc_in, dec_in = enc["h"], dec["h"]
    return layers


def model_loss(logits: torch.Tensor, y: torch.Tensor, mask) -> torch.Tensor:
    """Cross-entropy averaged over the counted target positions (``losses`` kind seq2seq)."""
    logp = torch.log_softmax(logits, dim=-1)
    picked = logp.gather(-1, y.long().unsqueeze(-1)).squeeze(-1)
    w = torch.as_tensor(mask, device=logits.device).to(logits.dtype)
    return -(w * picked).sum() / w.sum().clamp(min=1.0)


def to_numpy(model: nn.Module) -> dict[str, np.ndarray]:
    """The state dict as float64 NumPy arrays."""
    return {k: v.detach().cpu().double().numpy().copy() for k, v in model.state_dict().items()}


def load_numpy(model: nn.Module, params: dict[str, np.ndarray]) -> None:
    """Load float64 NumPy weights (names as in the state dict) into the model."""
    own = model.state_dict()
    missing = sorted(set(own) - set(params))
    if missing:
        raise ModelError(f"weights are missing {missing}")
    model.load_state_dict({k: torch.as_tensor(np.asarray(params[k])).to(own[k]) for k in own})


# ====================================================================== NumPy
@dataclass
class Seq2SeqCache:
    """What ``NumpySeq2Seq.forward`` keeps for ``backward``."""

    x: np.ndarray  # (S, B) source ids
    y_in: np.ndarray  # (T, B) decoder input ids
    enc: list  # reference traces, one per encoder layer
    dec: list  # reference traces, one per decoder layer
    a: np.ndarray  # (T, B, H) what the head read: d_t, or the attentional a_t
    alpha: np.ndarray | None  # (T, B, S) attention weights
    ctx: np.ndarray | None  # (T, B, H) context vectors


class NumpySeq2Seq:
    """The same encoder-decoder in NumPy: forward, backward and greedy decoding by hand."""

    def __init__(self, spec: TaskSpec, cfg: ModelConfig, rng: np.random.Generator, dtype=None):
        if cfg.cell == "lstm" and cfg.variant != "standard":
            raise ValueError(
                f"the NumPy engine implements the standard LSTM cell only, not variant "
                f"{cfg.variant!r}; use the torch engine for the LSTM variants"
            )
        self.spec, self.cfg = spec, cfg
        self.dtype = np.dtype(dtype or np.float32)
        self.cell, self.num_layers = cfg.cell, cfg.num_layers
        self.attention = spec.attention == "dot"
        self.params = self._init_params(rng)

    def _init_params(self, rng: np.random.Generator) -> dict[str, np.ndarray]:
        """The PyTorch model's initialization, drawn from ``rng`` (same names and shapes)."""
        cfg, spec = self.cfg, self.spec
        H, G, V, E = cfg.hidden_size, GATE_COUNT[cfg.cell], spec.vocab_size, cfg.embed_size
        k = 1.0 / np.sqrt(H)
        p = {}
        for side in ("encoder", "decoder"):
            emb = "src_embedding" if side == "encoder" else "tgt_embedding"
            p[f"{emb}.weight"] = rng.standard_normal((V, E))
            for layer in range(cfg.num_layers):
                n_in = E if layer == 0 else H
                W_hh = rng.uniform(-k, k, (G * H, H))
                for gate in range(G):
                    if cfg.recurrent_init == "orthogonal":
                        W_hh[gate * H : (gate + 1) * H] = np.linalg.qr(rng.standard_normal((H, H)))[
                            0
                        ]
                    elif cfg.recurrent_init == "identity":
                        W_hh[gate * H : (gate + 1) * H] = np.eye(H)
                b_ih = rng.uniform(-k, k, G * H)
                if cfg.cell == "lstm":
                    b_ih[H : 2 * H] += cfg.forget_bias
                p[f"{side}.weight_ih_l{layer}"] = rng.uniform(-k, k, (G * H, n_in))
                p[f"{side}.weight_hh_l{layer}"] = W_hh * cfg.recurrent_scale
                p[f"{side}.bias_ih_l{layer}"] = b_ih
                p[f"{side}.bias_hh_l{layer}"] = rng.uniform(-k, k, G * H)
        if self.attention:
            p["combine.weight"] = rng.uniform(-k, k, (H, 2 * H))
            p["combine.bias"] = rng.uniform(-k, k, H)
        p["head.weight"] = rng.uniform(-k, k, (V, H))
        p["head.bias"] = rng.uniform(-k, k, V)
        return {name: a.astype(self.dtype) for name, a in p.items()}

    def weights(
        self, side: str, layer: int
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        names = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
        W_ih, W_hh, b_ih, b_hh = (self.params[f"{side}.{n}_l{layer}"] for n in names)
        return W_ih, W_hh, b_ih, b_hh

    # ------------------------------------------------------------------ forward
    def _run(self, side: str, inp: np.ndarray, start: list | None) -> list:
        """Every layer of one side over inp (T, B, E); start: per layer (h0, c0) or None."""
        traces = []
        for layer in range(self.num_layers):
            h0, c0 = start[layer] if start else (None, None)
            W = self.weights(side, layer)
            if self.cell == "lstm":
                tr = ref.lstm_forward(inp, *W, h0, c0)
            else:
                tr = ref.FORWARD[self.cell](inp, *W, h0)
            traces.append(tr)
            inp = tr.h
        return traces

    @staticmethod
    def final_state(traces: list) -> list:
        """Per layer, the last (h, c) of a side (c is None for GRU / RNN)."""
        return [(tr.hs[-1], tr.cs[-1] if hasattr(tr, "cs") else None) for tr in traces]

    def _readout(self, d: np.ndarray, e: np.ndarray, x: np.ndarray):
        """(logits (T, B, V), a, alpha, ctx) from decoder states d and encoder states e."""
        p = self.params
        if not self.attention:
            return d @ p["head.weight"].T + p["head.bias"], d, None, None
        score = np.einsum("tbh,sbh->tbs", d, e)
        score = np.where((x == PAD_ID).T[None], MASKED, score)
        score = score - score.max(axis=-1, keepdims=True)
        alpha = np.exp(score)
        alpha /= alpha.sum(axis=-1, keepdims=True)  # softmax over the source positions
        ctx = np.einsum("tbs,sbh->tbh", alpha, e)
        z = np.concatenate([ctx, d], axis=-1) @ p["combine.weight"].T + p["combine.bias"]
        a = np.tanh(z)
        return a @ p["head.weight"].T + p["head.bias"], a, alpha, ctx

    def forward(self, x, y) -> tuple[np.ndarray, Seq2SeqCache]:
        """Teacher forcing: logits (T, B, V) and the cache."""
        x, y = np.asarray(x), np.asarray(y)
        y_in = np.concatenate([np.full_like(y[:1], BOS_ID), y[:-1]])
        enc = self._run("encoder", self.params["src_embedding.weight"][x], None)
        dec = self._run("decoder", self.params["tgt_embedding.weight"][y_in], self.final_state(enc))
        out, a, alpha, ctx = self._readout(dec[-1].h, enc[-1].h, x)
        return out, Seq2SeqCache(x, y_in, enc, dec, a, alpha, ctx)

    def greedy(self, x, steps: int) -> dict:
        """Greedy decoding: logits (T, B, V), tokens (T, B), inputs (T, B), attention or None."""
        x = np.asarray(x)
        enc = self._run("encoder", self.params["src_embedding.weight"][x], None)
        state, e = self.final_state(enc), enc[-1].h
        token = np.full((1, x.shape[1]), BOS_ID, dtype=np.int64)
        logits, tokens, inputs, alphas = [], [], [], []
        for _ in range(int(steps)):
            inputs.append(token)
            dec = self._run("decoder", self.params["tgt_embedding.weight"][token], state)
            state = self.final_state(dec)
            out, _, alpha, _ = self._readout(dec[-1].h, e, x)
            token = out.argmax(-1)
            logits.append(out)
            tokens.append(token)
            alphas.append(alpha)
        return {
            "logits": np.concatenate(logits),
            "tokens": np.concatenate(tokens),
            "inputs": np.concatenate(inputs),
            "attention": np.concatenate(alphas) if self.attention else None,
        }

    def predict(self, x) -> np.ndarray:
        return self.greedy(x, self.spec.target_len)["logits"]

    # ------------------------------------------------------------------ backward
    def _readout_backward(self, cache: Seq2SeqCache, dout, grads) -> tuple[np.ndarray, np.ndarray]:
        """Head (and attention) backward: gradients on d (T, B, H) and on e (S, B, H)."""
        p = self.params
        grads["head.weight"] = np.einsum("tbv,tbh->vh", dout, cache.a)
        grads["head.bias"] = dout.sum(axis=(0, 1))
        da = dout @ p["head.weight"]
        e, d = cache.enc[-1].h, cache.dec[-1].h
        if not self.attention:
            return da, np.zeros_like(e)
        dz = da * (1 - cache.a**2)  # backprop through a = tanh(z)
        grads["combine.weight"] = np.einsum("tbh,tbk->hk", dz, np.concatenate([cache.ctx, d], -1))
        grads["combine.bias"] = dz.sum(axis=(0, 1))
        dcat = dz @ p["combine.weight"]
        H = d.shape[-1]
        dctx, dd = dcat[..., :H], dcat[..., H:]
        alpha = cache.alpha
        assert alpha is not None  # kept whenever attention is on
        de = np.einsum("tbs,tbh->sbh", alpha, dctx)  # ctx = sum_s alpha e_s
        dalpha = np.einsum("tbh,sbh->tbs", dctx, e)
        dscore = alpha * (dalpha - (alpha * dalpha).sum(-1, keepdims=True))  # softmax backward
        dd = dd + np.einsum("tbs,sbh->tbh", dscore, e)  # score = d . e
        de += np.einsum("tbs,tbh->sbh", dscore, d)
        return dd, de

    def _side_backward(self, side, traces, dh_top, dstart, grads) -> tuple[list, np.ndarray]:
        """BPTT through every layer of one side, top down. dstart: per layer (dh_T, dc_T) from
        what started from this side's last state, or None. Returns the gradients on this side's
        start state per layer and on its embedded inputs."""
        dh = dh_top
        dstarts: list[tuple | None] = [None] * self.num_layers
        for layer in reversed(range(self.num_layers)):
            dh = np.array(dh, copy=True)
            dc_T = None
            if dstart is not None:
                dh[-1] += dstart[layer][0]  # h_S also started the decoder
                dc_T = dstart[layer][1]
            if self.cell == "lstm":
                g = ref.lstm_backward(traces[layer], dh, dc_T)
            else:
                g = ref.BACKWARD[self.cell](traces[layer], dh)
            dstarts[layer] = (g["h0"], g.get("c0"))
            for key, n in (("W_ih", "weight_ih"), ("W_hh", "weight_hh"), ("b_ih", "bias_ih")):
                grads[f"{side}.{n}_l{layer}"] = g[key]
            grads[f"{side}.bias_hh_l{layer}"] = g["b_hh"]
            dh = g["x"]
        return dstarts, dh

    def backward(self, cache: Seq2SeqCache, dout) -> dict[str, np.ndarray]:
        """Gradients of the loss (keyed like params) given dout = dL/dlogits (T, B, V)."""
        grads: dict[str, np.ndarray] = {}
        dd, de = self._readout_backward(cache, np.asarray(dout, self.dtype), grads)
        dstart, demb_tgt = self._side_backward("decoder", cache.dec, dd, None, grads)
        _, demb_src = self._side_backward("encoder", cache.enc, de, dstart, grads)
        for name, ids, demb in (
            ("tgt_embedding.weight", cache.y_in, demb_tgt),
            ("src_embedding.weight", cache.x, demb_src),
        ):
            dE = np.zeros_like(self.params[name])
            np.add.at(dE, ids, demb)  # every use of a token adds to its row
            grads[name] = dE
        return {name: grads[name].astype(self.dtype) for name in self.params}

    def loss_and_grads(self, batch) -> tuple[float, dict[str, np.ndarray]]:
        out, cache = self.forward(batch.x, batch.y)
        loss, dout = loss_and_grad("seq2seq", out, batch.y, batch.mask)
        return loss, self.backward(cache, dout)

    def trace(self, x) -> list[dict[str, np.ndarray]]:
        """As ``trace`` of the PyTorch model: encoder then greedy decoder steps, per layer."""
        x = np.asarray(x)
        inputs = self.greedy(x, self.spec.target_len)["inputs"]
        enc = self._run("encoder", self.params["src_embedding.weight"][x], None)
        dec = self._run(
            "decoder", self.params["tgt_embedding.weight"][inputs], self.final_state(enc)
        )
        fields = ref.TRACE_FIELDS[self.cell]
        return [
            {k: np.concatenate([getattr(te, k), getattr(td, k)]) for k in fields}
            for te, td in zip(enc, dec, strict=True)
        ]
