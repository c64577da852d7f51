"""The NumPy losses equal torch.nn.functional's, and their gradients equal autograd's."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from lstm_core.losses import loss_and_grad


def _torch_loss(kind, out, y, mask):
    if kind in ("next_step", "regression"):
        se = (out - y) ** 2
        if mask is None:
            return se.mean()
        m = mask[..., None].to(out.dtype).expand_as(se)
        return (se * m).sum() / m.sum()
    logp = F.log_softmax(out, dim=-1)
    nll = -logp.gather(-1, y[..., None])[..., 0]
    if mask is None:
        return nll.mean()
    m = mask.to(out.dtype)
    return (nll * m).sum() / m.sum()


@pytest.mark.parametrize("kind", ["next_step", "regression", "classification", "labelling"])
@pytest.mark.parametrize("masked", [False, True])
def test_loss_and_grad_match_autograd(kind, masked):
    rng = np.random.default_rng(0)
    T, B, C = 5, 4, 3
    if kind == "next_step":
        out, y = rng.normal(size=(T, B, C)), rng.normal(size=(T, B, C))
    elif kind == "regression":
        out, y = rng.normal(size=(B, C)), rng.normal(size=(B, C))
    elif kind == "classification":
        out, y = rng.normal(size=(B, C)), rng.integers(0, C, size=B)
    else:
        out, y = rng.normal(size=(T, B, C)), rng.integers(0, C, size=(T, B))
    mask = None
    if masked:
        mask = rng.random(out.shape[:-1] if kind in ("next_step", "regression") else y.shape) > 0.3
        mask.flat[0] = True
    L, dout = loss_and_grad(kind, out, y, mask)
    out_t = torch.tensor(out, requires_grad=True)
    y_t = torch.tensor(y)
    L_t = _torch_loss(kind, out_t, y_t, None if mask is None else torch.tensor(mask))
    L_t.backward()
    assert abs(L - L_t.item()) < 1e-12
    np.testing.assert_allclose(dout, out_t.grad.numpy(), atol=1e-12)
