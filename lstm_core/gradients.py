"""Gradient flow through time: what the Gradient flow page shows, computed two ways.

For a model and a batch, the total gradient of the loss on every hidden state h_t and cell
state c_t of every layer comes from PyTorch autograd (``models.gradient_flow``) and from the
hand-written NumPy BPTT (``reference.*_backward``'s ``"dh"`` / ``"dc"``); ``flow_check`` runs
both in float64 and says how far apart they are. Nothing here is simulated.

Why the curves fall (or climb) as t goes back from the end, per step of the backward pass::

    RNN    dL/dh_{t-1} = W_hh^T diag(1 - h_t^2) dL/dh_t           (from h_t = tanh(a_t))
           ||W_hh^T diag(1 - h_t^2)|| <= sigma_max(W_hh) * gamma,  gamma = max tanh' = 1
    LSTM   dL/dc_{t-1} = f_t * dL/dc_t + (what reaches c_{t-1} through h_{t-1})
           along the cell path alone: dL/dc_t = (prod_{s=t+1}^{T} f_s) * dL/dc_T

Pascanu, Mikolov & Bengio (2013): if sigma_max(W_hh) < 1 / gamma, every factor has norm below
one and the gradient vanishes exponentially in the lag (a sufficient condition); exploding
needs sigma_max(W_hh) > 1 / gamma (a necessary condition).

Also: the presets of the page (a vanishing-gradient and an exploding-gradient run on the adding
problem) and ``train_to``, which trains a comparison model in time-boxed chunks.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace

import numpy as np
import torch

from lstm_core import models
from lstm_core.config import ModelConfig, TrainConfig
from lstm_core.losses import loss_and_grad
from lstm_core.numpy_model import LAST_STEP_KINDS, NumpySequenceModel
from lstm_core.presets import GRADIENTS

GAMMA_TANH = 1.0  # the largest slope of tanh: the gamma of Pascanu et al. for a tanh RNN
AGREE_RTOL = 1e-9  # autograd and NumPy BPTT, both float64, must agree this closely

PRESETS = GRADIENTS  # (configuration, training steps the page runs after building it)


def preset(name: str, seed: int = 0) -> tuple[TrainConfig, int]:
    """A fresh copy of preset ``name``'s configuration (with ``seed``) and its step count."""
    cfg, steps = PRESETS[name]
    return replace(copy.deepcopy(cfg), seed=int(seed)), steps


def has_numpy_twin(cfg: ModelConfig) -> bool:
    """The NumPy reference implements the standard LSTM, GRU and RNN (not Greff's variants)."""
    return cfg.cell != "lstm" or cfg.variant == "standard"


# ------------------------------------------------------------------ NumPy BPTT of a model


@dataclass
class BPTT:
    """One forward and backward pass of a whole model in NumPy (float64)."""

    loss: float
    grads: dict[str, np.ndarray]  # keyed like the state dict
    layers: list  # reference traces (LSTMTrace / GRUTrace / RNNTrace), bottom layer first
    backward: list[dict]  # reference *_backward dicts: "dh", "dc" (T, B, H), "x", weights ...
    dh_above: list[np.ndarray]  # per layer (T, B, H): dL/dh_t arriving from the head or layer above
    inputs: list[np.ndarray]  # per layer (T, B, I_k): what the layer read


def numpy_twin(model: models.SequenceModel) -> NumpySequenceModel:
    """The NumPy reference model with ``model``'s weights, in float64."""
    if not has_numpy_twin(model.cfg):
        raise ValueError(f"the NumPy reference has no {model.cfg.variant!r} LSTM variant")
    twin = NumpySequenceModel(model.spec, model.cfg, np.random.default_rng(0), dtype=np.float64)
    twin.params = models.to_numpy(model)
    return twin


def numpy_bptt(model: models.SequenceModel, batch) -> BPTT:
    """Loss and every gradient of ``model`` on ``batch`` by the hand-written NumPy BPTT."""
    twin = numpy_twin(model)
    out, cache = twin.forward(batch.x)
    loss, dout = loss_and_grad(twin.kind, out, batch.y, batch.mask)
    grads, per_layer = twin.backward(cache, dout)
    dfeats = dout @ twin.params["head.weight"]  # through out = W_head h + b
    top = np.zeros_like(cache.h_top)
    if twin.kind in LAST_STEP_KINDS:
        top[-1] = dfeats  # only h_T feeds the head
    else:
        top[...] = dfeats
    dh_above = [per_layer[k + 1]["x"] for k in range(len(per_layer) - 1)] + [top]
    inputs = [tr.x for tr in cache.layers]
    return BPTT(float(loss), grads, cache.layers, per_layer, dh_above, inputs)


def _batch_norms(g: np.ndarray) -> np.ndarray:
    """(T, B, H) -> (T,): the L2 norm over units, averaged over the batch."""
    return np.linalg.norm(g, axis=-1).mean(axis=1)


def numpy_flow(bptt: BPTT) -> dict:
    """||dL/dh_t|| and ||dL/dc_t|| (L, T) from the NumPy BPTT (dc None for GRU / RNN)."""
    dh = np.stack([_batch_norms(b["dh"]) for b in bptt.backward])
    has_c = "dc" in bptt.backward[0]
    dc = np.stack([_batch_norms(b["dc"]) for b in bptt.backward]) if has_c else None
    return {"dh": dh, "dc": dc}


def float64_copy(model: models.SequenceModel) -> models.SequenceModel:
    """A float64 copy of the model (the original is left as it is)."""
    return copy.deepcopy(model).to(torch.float64)


def _max_rel_diff(a: np.ndarray, b: np.ndarray) -> float:
    """max |a - b| / max(|b|, tiny), elementwise: the relative gap of the worst entry."""
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(b), 1e-300)))


def flow_check(model: models.SequenceModel, batch) -> dict:
    """Gradient flow of ``model`` on ``batch`` by autograd, checked against the NumPy BPTT.

    Returns ``models.gradient_flow``'s dict (float64 autograd: ``dh``, ``dc``, ``saliency``,
    ``loss``) plus ``numpy`` (numpy_flow's dict, or None for a variant the reference lacks),
    ``max_rel_diff`` (over every dh and dc entry) and ``agree`` (max_rel_diff <= AGREE_RTOL).
    """
    m64 = float64_copy(model)
    flow = models.gradient_flow(m64, batch, m64.kind)
    flow["numpy"], flow["max_rel_diff"], flow["agree"] = None, float("nan"), False
    if has_numpy_twin(model.cfg):
        npf = numpy_flow(numpy_bptt(m64, batch))
        diff = _max_rel_diff(npf["dh"], flow["dh"])
        if flow["dc"] is not None:
            diff = max(diff, _max_rel_diff(npf["dc"], flow["dc"]))
        flow.update(numpy=npf, max_rel_diff=diff, agree=bool(diff <= AGREE_RTOL))
    return flow


def saliency(model: models.SequenceModel, batch, b: int) -> np.ndarray:
    """|dy/dx_t| (T,) for sequence ``b`` of ``batch`` alone (autograd)."""
    return models.gradient_flow(model, batch.subset([b]), model.kind)["saliency"]


def autograd_grads(model: models.SequenceModel, batch) -> tuple[float, dict[str, np.ndarray]]:
    """Loss and parameter gradients by PyTorch autograd, in float64 (a copy of the model)."""
    m64 = float64_copy(model)
    m64.zero_grad(set_to_none=True)
    x = torch.as_tensor(batch.x)
    out = m64(x if not x.is_floating_point() else x.double())
    mask = None if batch.mask is None else torch.as_tensor(batch.mask)
    loss = models.model_loss(m64.kind, out, torch.as_tensor(batch.y), mask)
    loss.backward()
    grads = {
        n: (torch.zeros_like(p) if p.grad is None else p.grad).detach().numpy().copy()
        for n, p in m64.named_parameters()
    }
    return float(loss.detach()), grads


def max_grad_diff(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> float:
    """The largest absolute difference between two gradient dicts over every parameter."""
    return max(float(np.max(np.abs(a[k] - b[k]))) for k in b)


def grads_check(model: models.SequenceModel, batch) -> dict:
    """NumPy BPTT against autograd for every parameter gradient (both float64): the BPTT,
    ``max_diff`` (largest absolute difference) and ``agree`` (within AGREE_RTOL of the largest
    gradient entry)."""
    bptt = numpy_bptt(float64_copy(model), batch)
    _, true = autograd_grads(model, batch)
    diff = max_grad_diff(bptt.grads, true)
    scale = max(float(np.max(np.abs(g))) for g in true.values())
    return {"bptt": bptt, "max_diff": diff, "agree": diff <= AGREE_RTOL * max(scale, 1e-30)}


# ------------------------------------------------------------------ per-step factors


def _rnn_jacobians(W_hh: np.ndarray, h: np.ndarray) -> np.ndarray:
    """W_hh^T diag(1 - h_t^2) for every step and sequence: (T, B, H, H)."""
    return W_hh.T[None, None] * (1.0 - h**2)[:, :, None, :]


def rnn_step_factors(W_hh: np.ndarray, h: np.ndarray) -> np.ndarray:
    """||W_hh^T diag(1 - h_t^2)||_2 for every step and sequence, averaged over the batch.

    W_hh (H, H), h (T, B, H): the factor that multiplies dL/dh_t to give dL/dh_{t-1}. Returns
    (T,); entry t is the factor applied when the gradient leaves step t for step t - 1.
    """
    return np.linalg.svd(_rnn_jacobians(W_hh, h), compute_uv=False)[..., 0].mean(axis=1)


def rnn_path_norms(W_hh: np.ndarray, h: np.ndarray) -> np.ndarray:
    """||dh_{T-1} / dh_t||_2 = ||J_{t+1} J_{t+2} ... J_{T-1}||_2 with J_s = W_hh^T diag(1 - h_s^2),
    averaged over the batch (T,): what the whole way back from the last step does to a
    gradient. It can vanish while every single factor is above one: the norm of a product is
    at most, and often far below, the product of the norms."""
    J = _rnn_jacobians(W_hh, h)  # (T, B, H, H)
    T, B, H = h.shape
    M = np.broadcast_to(np.eye(H), (B, H, H)).copy()  # M_{T-1} = I
    out = np.empty(T)
    for t in reversed(range(T)):
        out[t] = np.linalg.svd(M, compute_uv=False)[:, 0].mean()
        M = J[t] @ M  # M_{t-1} = J_t M_t
    return out


def sigma_max(W_hh: np.ndarray) -> float:
    """The largest singular value of W_hh."""
    return float(np.linalg.svd(W_hh, compute_uv=False)[0])


def forget_path(f: np.ndarray) -> dict:
    """The forget gate along the cell path. f (T, B, H).

    ``mean_f`` (T,): f_t averaged over batch and units. ``product`` (T,): entry t is
    prod_{s=t+1}^{T-1} f_s averaged over batch and units, the factor the cell path alone
    applies to dL/dc at the last step on its way back to c_t (1 at the last step).
    """
    T = f.shape[0]
    prod = np.ones_like(f)
    for t in reversed(range(T - 1)):
        prod[t] = prod[t + 1] * f[t + 1]  # dc_t <- f_{t+1} dc_{t+1}
    return {"mean_f": f.mean(axis=(1, 2)), "product": prod.mean(axis=(1, 2))}


def model_factors(model: models.SequenceModel, x) -> list[dict]:
    """Per layer, from the model's trace on x (T, B, ...): RNN ``step_norm``, ``path_norm`` (T,)
    and ``sigma_max``; LSTM (any variant) ``mean_f`` and ``product``; GRU: an empty dict."""
    out = []
    for k, layer in enumerate(models.trace(model, x)):
        if model.cell == "rnn":
            W_hh = model.layer_weights(k)[1].detach().cpu().double().numpy()
            h = layer["h"].astype(np.float64)
            out.append(
                {
                    "step_norm": rnn_step_factors(W_hh, h),
                    "path_norm": rnn_path_norms(W_hh, h),
                    "sigma_max": sigma_max(W_hh),
                }
            )
        elif model.cell == "lstm":
            out.append(forget_path(layer["f"].astype(np.float64)))
        else:
            out.append({})
    return out


# ------------------------------------------------------------------ comparison models


def comparison_config(cfg: TrainConfig, cell: str) -> TrainConfig:
    """``cfg`` with another cell (standard variant): same task, knobs, seed, batches, optimizer."""
    model = replace(cfg.model, cell=cell, variant="standard")
    return replace(copy.deepcopy(cfg), model=model)


def train_to(trainer, steps: int, seconds: float, chunk: float = 0.25) -> Iterator[float]:
    """Train ``trainer`` up to ``steps`` steps or ``seconds`` of wall time, whichever comes
    first, in chunks of about ``chunk`` seconds; yield the fraction done after each chunk."""
    start = time.perf_counter()
    while trainer.steps < steps and trainer.status != "diverged":
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            break
        budget = min(chunk, seconds - elapsed)
        t0 = time.perf_counter()
        while trainer.steps < steps and time.perf_counter() - t0 < budget:
            if not trainer.step(1):
                break
        yield trainer.steps / max(steps, 1)
