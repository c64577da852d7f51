"""Losses for each task kind, in NumPy, with their gradient with respect to the model output.

The PyTorch models use the same definitions (``lstm_core.models``); tests check the two agree.

  next_step, regression        mean squared error, averaged over every (masked) element
  classification               cross-entropy of softmax(logits) at the last step
  labelling, next_token        cross-entropy averaged over every (masked) step
"""

from __future__ import annotations

import numpy as np

REGRESSION_KINDS = ("next_step", "regression")
PER_STEP_CLASS_KINDS = ("labelling", "next_token")


def log_softmax(z: np.ndarray) -> np.ndarray:
    """Stable log-softmax over the last axis."""
    z = z - z.max(axis=-1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=-1, keepdims=True))


def _weights(mask: np.ndarray | None, shape: tuple) -> np.ndarray:
    """Per-element weights that average over the counted elements."""
    w = np.ones(shape) if mask is None else mask.astype(np.float64)
    n = w.sum()
    return w / max(n, 1.0)


def loss_and_grad(kind: str, out: np.ndarray, y: np.ndarray, mask: np.ndarray | None = None):
    """Return (loss, dL/dout) for one batch; ``out`` is what the model's head produced."""
    if kind in REGRESSION_KINDS:
        # L = sum w * (out - y)^2, with w averaging over the (masked) elements
        w = _weights(mask, out.shape[:-1])[..., None] / out.shape[-1]
        diff = out - y
        return float((w * diff**2).sum()), (2.0 * w * diff).astype(out.dtype)
    if kind == "classification" or kind in PER_STEP_CLASS_KINDS:
        # L = -sum w * log softmax(out)[y]
        logp = log_softmax(out.astype(np.float64))
        w = _weights(mask, y.shape)
        at_y = y[..., None].astype(np.int64)
        picked = np.take_along_axis(logp, at_y, axis=-1)[..., 0]
        dout = np.exp(logp, out=logp)  # softmax, in place of logp
        np.put_along_axis(dout, at_y, np.take_along_axis(dout, at_y, axis=-1) - 1.0, axis=-1)
        dout *= w[..., None]  # (softmax - one_hot(y)) * w, without a one-hot array
        return float(-(w * picked).sum()), dout.astype(out.dtype, copy=False)
    raise ValueError(f"unknown task kind {kind!r}")


def loss(kind: str, out: np.ndarray, y: np.ndarray, mask: np.ndarray | None = None) -> float:
    """The loss alone (for class kinds without building dL/dout, which is as big as ``out``)."""
    if kind in REGRESSION_KINDS:
        return loss_and_grad(kind, out, y, mask)[0]
    if kind == "classification" or kind in PER_STEP_CLASS_KINDS:
        logp = log_softmax(out.astype(np.float64))
        at_y = y[..., None].astype(np.int64)
        picked = np.take_along_axis(logp, at_y, axis=-1)[..., 0]
        return float(-(_weights(mask, y.shape) * picked).sum())
    raise ValueError(f"unknown task kind {kind!r}")
