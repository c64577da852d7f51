"""The LSTM variants of Greff et al. 2017 ("LSTM: A Search Space Odyssey"), in PyTorch, with a
hand-written backward pass through time.

Gate order i, f, g, o (PyTorch's): ``W_ih (4H, I)``, ``W_hh (4H, H)``, ``b_ih, b_hh (4H,)``.
Every variant keeps all four blocks so that weights move between variants unchanged; a clamped
gate's rows are simply unused (their gradient is zero). Per step, with the input projection of
all steps computed in one matmul before the loop (``xp = x W_ih^T + b_ih + b_hh``)::

    a_t = xp_t + W_hh h_{t-1}                     a_i | a_f | a_g | a_o
    i_t = sigmoid(a_i)    f_t = sigmoid(a_f)    g_t = tanh(a_g)    o_t = sigmoid(a_o)
    c_t = f_t * c_{t-1} + i_t * g_t
    h_t = o_t * tanh(c_t)

  standard  the equations above (forget gate, Gers et al. 2000)
  nfg       no forget gate:        f_t = 1           (the original 1997 LSTM)
  nig       no input gate:         i_t = 1
  nog       no output gate:        o_t = 1           h_t = tanh(c_t)
  cifg      coupled gates:         i_t = 1 - f_t     (the i rows are unused)
  niaf      no input activation:   g_t = a_g
  noaf      no output activation:  h_t = o_t * c_t
  ph        peepholes (diagonal):  a_i += w_ci * c_{t-1},  a_f += w_cf * c_{t-1},
                                   a_o += w_co * c_t     (``weight_peep (3, H)`` = w_ci|w_cf|w_co)

A clamped gate holds exactly 1.0 (or exactly 1 - f_t) in the trace.

The backward pass. Every gate's pre-activation gradient is a per-step coefficient times either
dc_t or dh_t, and the coefficients depend only on the forward values, so they are computed for all
steps at once; the loop over time only carries dh and dc::

    dh_t  = dh_t(from above) + W_hh^T da_{t+1}
    dc_t  = dh_t * Kc_t + dc_{t+1} * F_{t+1}            (plus dL/dc_t from above, if any)
    da_i  = dc_t * K_i    da_f = dc_t * K_f    da_g = dc_t * K_g    da_o = dh_t * K_o

This is the third hand-written LSTM backward pass, beside ``reference.lstm_step_backward`` (the
readable one; ``equations`` calls it) and ``reference.lstm_backward``. It cannot call them: it
runs on torch tensors inside a custom autograd ``Function`` (on any device, without a NumPy
round trip) and carries the clamps and peepholes in its coefficients. A test checks the standard
variant's gradients against ``reference.lstm_backward``.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from .config import VARIANTS


@dataclass
class SequenceCache:
    """What one layer's forward pass keeps: the trace and the backward cache at once."""

    G: torch.Tensor  # (T, B, 4H) gates i|f|g|o after their activations
    c: torch.Tensor  # (T, B, H) cell states c_t
    tc: torch.Tensor  # (T, B, H) tanh(c_t) (c_t itself for noaf)
    h: torch.Tensor  # (T, B, H) hidden states h_t


@torch.no_grad()
def lstm_sequence(xp, W_hh, h0, c0, variant="standard", peep=None) -> SequenceCache:
    """Run one layer over a sequence. ``xp (T, B, 4H)`` is the input projection, biases included.

    No autograd: this is the forward of the training path (``VariantLSTMFunction``) and the trace.
    """
    T, B, H4 = xp.shape
    H = H4 // 4
    A = torch.empty_like(xp)  # (T, B, 4H) pre-activations a_i|a_f|a_g|a_o
    G = torch.empty_like(xp)  # (T, B, 4H) gates i|f|g|o after their activations
    C, TC, Hs = (xp.new_empty(T, B, H) for _ in range(3))
    if variant == "noaf":
        TC = C  # h_t = o_t * c_t
    # Every step's views, made once: indexing a tensor in the loop costs as much as an op.
    x, a, gates = xp.unbind(0), A.unbind(0), G.unbind(0)
    a_g = A[:, :, 2 * H : 3 * H].unbind(0)
    if variant == "ph":
        a_if = A[:, :, : 2 * H].unflatten(2, (2, H)).unbind(0)  # (B, 2, H): a_i and a_f
        a_o = A[:, :, 3 * H :].unbind(0)
        w_if = peep[:2]  # (2, H): w_ci, w_cf
    i, f, g, o = (part.unbind(0) for part in G.split(H, dim=2))
    c_all, tc, h_all = C.unbind(0), TC.unbind(0), Hs.unbind(0)
    W_t = W_hh.t()
    h, c = h0, c0
    for t in range(T):
        torch.addmm(x[t], h, W_t, out=a[t])  # a_t = xp_t + W_hh h_{t-1}
        if variant == "ph":  # peepholes: i and f look at c_{t-1}
            a_if[t].addcmul_(w_if, c.unsqueeze(1))
        torch.sigmoid(a[t], out=gates[t])  # i, f, o (g is replaced next)
        g_t = a_g[t] if variant == "niaf" else torch.tanh(a_g[t], out=g[t])
        # c_t = f_t * c_{t-1} + i_t * g_t, with the clamped gate left out
        if variant == "nfg":
            c = torch.addcmul(c, i[t], g_t, out=c_all[t])  # f_t = 1
        elif variant == "nig":
            c = torch.mul(f[t], c, out=c_all[t]).add_(g_t)  # i_t = 1
        elif variant == "cifg":
            c = torch.addcmul(g_t, f[t], c - g_t, out=c_all[t])  # i_t = 1 - f_t
        else:
            c = torch.mul(f[t], c, out=c_all[t]).addcmul_(i[t], g_t)
        if variant == "ph":  # the output gate looks at c_t
            torch.sigmoid(a_o[t].addcmul_(peep[2], c), out=o[t])
        if variant != "noaf":
            torch.tanh(c, out=tc[t])
        # h_t = o_t * tanh(c_t)
        h = tc[t] if variant == "nog" else torch.mul(o[t], tc[t], out=h_all[t])
    _store_clamped_gates(A, G, Hs, TC, variant)
    return SequenceCache(G, C, TC, Hs)


def _store_clamped_gates(A, G, Hs, TC, variant) -> None:
    """Write the exact values of the gates the loop left out (all steps at once)."""
    i, f, g, o = G.chunk(4, dim=2)
    if variant == "nfg":
        f.fill_(1.0)
    elif variant == "nig":
        i.fill_(1.0)
    elif variant == "cifg":
        torch.neg(f, out=i).add_(1.0)  # i_t = 1 - f_t
    elif variant == "niaf":
        g.copy_(A.chunk(4, dim=2)[2])  # g_t = a_g
    elif variant == "nog":
        o.fill_(1.0)
        Hs.copy_(TC)  # h_t = tanh(c_t)


def _coefficients(cache: SequenceCache, c0, variant, peep):
    """Per-step backward coefficients K (T, B, 4, H), Kc and F (T, B, H); see the docstring."""
    i, f, g, o = cache.G.chunk(4, dim=2)
    c_prev = torch.cat([c0.unsqueeze(0), cache.c[:-1]])  # (T, B, H)
    K = torch.empty(cache.G.shape[:2] + (4, i.shape[-1]), dtype=i.dtype, device=i.device)
    torch.mul(g, i * (1 - i), out=K[:, :, 0])  # da_i = dc * g * sigmoid'
    torch.mul(c_prev, f * (1 - f), out=K[:, :, 1])  # da_f = dc * c_{t-1} * sigmoid'
    if variant == "niaf":
        K[:, :, 2] = i  # g = a_g: da_g = dc * i
    else:
        torch.mul(i, 1 - g * g, out=K[:, :, 2])  # da_g = dc * i * tanh'
    torch.mul(cache.tc, o * (1 - o), out=K[:, :, 3])  # da_o = dh * tanh(c) * sigmoid'
    # dc from h_t = o_t * tanh(c_t): o * tanh'(c); o = 1 covers nog, tanh' = 1 covers noaf
    Kc = o.clone() if variant == "noaf" else o * (1 - cache.tc * cache.tc)
    F = f  # dc_{t-1} = dc_t * f_t (f = 1 for nfg, already stored)
    if variant in ("nig", "cifg"):
        K[:, :, 0] = 0.0  # i is not a gate of its own
    if variant == "cifg":  # c = f c_prev + (1 - f) g: dc/df = c_prev - g
        torch.mul(c_prev - g, f * (1 - f), out=K[:, :, 1])
    if variant == "nfg":
        K[:, :, 1] = 0.0
    if variant == "nog":
        K[:, :, 3] = 0.0
    if variant == "ph":  # o_t reads c_t; i_t and f_t read c_{t-1}
        Kc = Kc + K[:, :, 3] * peep[2]
        F = f + K[:, :, 0] * peep[0] + K[:, :, 1] * peep[1]
    return K, Kc, F, c_prev


@torch.no_grad()
def lstm_sequence_backward(
    cache, W_hh, h0, c0, dh_out, dc_out=None, variant="standard", peep=None
) -> dict:
    """BPTT for one layer. ``dh_out (T, B, H)``: dL/dh_t from above (None: zero); ``dc_out``
    likewise for c_t. Returns dict ``xp, W_hh, h0, c0, peep`` and ``dh, dc (T, B, H)``: the
    total gradients with respect to every h_t and c_t."""
    T, B, H = cache.h.shape
    K, Kc, F, c_prev = _coefficients(cache, c0, variant, peep)
    dA = torch.empty_like(cache.G).view(T, B, 4, H)  # pre-activation gradients da_t
    DH = torch.empty_like(cache.h)  # (T, B, H) total dL/dh_t
    DC = torch.empty_like(cache.h).unsqueeze(2)  # (T, B, 1, H) total dL/dc_t
    # Every step's views, made once (see lstm_sequence).
    K3, Ko, Kc, F = K[:, :, :3].unbind(0), K[:, :, 3].unbind(0), Kc.unbind(0), F.unbind(0)
    dA3, dAo, da = dA[:, :, :3].unbind(0), dA[:, :, 3].unbind(0), dA.view(T, B, 4 * H).unbind(0)
    dh_all, dc_all, dc_b = DH.unbind(0), DC[:, :, 0].unbind(0), DC.unbind(0)
    if dh_out is None:
        DH.zero_()
    else:
        DH.copy_(dh_out)  # dL/dh_t from above; the recurrent part is added in the loop
    dc_above = None if dc_out is None else dc_out.unbind(0)
    dc_next = cache.h.new_zeros(B, H)  # dc_{t+1} * F_{t+1}
    dh_prev = cache.h.new_zeros(B, H)  # dL/dh0
    for t in range(T - 1, -1, -1):
        dh = dh_all[t]  # total dL/dh_t: from the head and from step t+1
        dc = torch.addcmul(dc_next, dh, Kc[t], out=dc_all[t])  # c_t feeds h_t and c_{t+1}
        if dc_above is not None:
            dc.add_(dc_above[t])
        torch.mul(dc_b[t], K3[t], out=dA3[t])  # da_i, da_f, da_g
        torch.mul(dh, Ko[t], out=dAo[t])  # da_o
        dc_next = dc if variant == "nfg" else dc * F[t]  # f_t = 1: dc passes unchanged
        # h_{t-1} feeds step t: dh_{t-1} += W_hh^T da_t
        target = dh_all[t - 1] if t > 0 else dh_prev
        target.addmm_(da[t], W_hh)
    dA = dA.view(T, B, 4 * H)
    h_prev = torch.cat([h0.unsqueeze(0), cache.h[:-1]])  # (T, B, H)
    grads = {
        "xp": dA,
        "W_hh": dA.reshape(T * B, 4 * H).t() @ h_prev.reshape(T * B, H),  # sum over steps
        "h0": dh_prev,
        "c0": dc_next,
        "peep": None,
        "dh": DH,
        "dc": DC.squeeze(2),
    }
    if variant == "ph":
        dA4 = dA.view(T, B, 4, H)
        grads["peep"] = torch.stack(
            [
                (dA4[:, :, 0] * c_prev).sum((0, 1)),  # dw_ci
                (dA4[:, :, 1] * c_prev).sum((0, 1)),  # dw_cf
                (dA4[:, :, 3] * cache.c).sum((0, 1)),  # dw_co
            ]
        )
    return grads


class VariantLSTMFunction(torch.autograd.Function):
    """One layer: (xp, W_hh, h0, c0, peep) -> (h (T, B, H), c (T, B, H)), backward by hand."""

    @staticmethod
    def forward(ctx, xp, W_hh, h0, c0, peep, variant):
        cache = lstm_sequence(xp, W_hh, h0, c0, variant, peep)
        ctx.variant = variant
        ctx.save_for_backward(W_hh, h0, c0, peep, cache.G, cache.c, cache.tc, cache.h)
        ctx.set_materialize_grads(False)
        return cache.h, cache.c

    @staticmethod
    def backward(ctx, dh_out, dc_out):
        W_hh, h0, c0, peep, G, C, TC, Hs = ctx.saved_tensors
        cache = SequenceCache(G, C, TC, Hs)
        d = lstm_sequence_backward(cache, W_hh, h0, c0, dh_out, dc_out, ctx.variant, peep)
        return d["xp"], d["W_hh"], d["h0"], d["c0"], d["peep"], None


def input_projection(x, W_ih, b_ih, b_hh):
    """xp = x W_ih^T + b_ih + b_hh for every step in one matmul. x (T, B, I) -> (T, B, G)."""
    T, B, _ = x.shape
    return torch.addmm(b_ih + b_hh, x.reshape(T * B, -1), W_ih.t()).view(T, B, -1)


class VariantLSTM(nn.Module):
    """A stack of LSTM layers of one variant, with ``torch.nn.LSTM``'s parameter names and call:
    ``out, (h_n, c_n) = rnn(x)``. PH adds ``weight_peep_l{k} (3, H)``."""

    def __init__(
        self, input_size: int, hidden_size: int, num_layers: int = 1, variant: str = "standard"
    ):
        super().__init__()
        if variant not in VARIANTS:
            raise ValueError(f"unknown LSTM variant {variant!r}; choose one of {VARIANTS}")
        self.input_size, self.hidden_size = input_size, hidden_size
        self.num_layers, self.variant = num_layers, variant
        H = hidden_size
        for k in range(num_layers):
            width = input_size if k == 0 else H
            self.register_parameter(f"weight_ih_l{k}", nn.Parameter(torch.zeros(4 * H, width)))
            self.register_parameter(f"weight_hh_l{k}", nn.Parameter(torch.zeros(4 * H, H)))
            self.register_parameter(f"bias_ih_l{k}", nn.Parameter(torch.zeros(4 * H)))
            self.register_parameter(f"bias_hh_l{k}", nn.Parameter(torch.zeros(4 * H)))
            if variant == "ph":
                self.register_parameter(f"weight_peep_l{k}", nn.Parameter(torch.zeros(3, H)))

    def layer_weights(self, k: int):
        """(W_ih, W_hh, b_ih, b_hh, peep or None) of layer k."""
        peep = getattr(self, f"weight_peep_l{k}") if self.variant == "ph" else None
        return (
            *(getattr(self, f"{n}_l{k}") for n in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")),
            peep,
        )

    def forward(self, x, hx=None):
        """x (T, B, I) -> out (T, B, H), (h_n, c_n) each (L, B, H)."""
        B, H = x.shape[1], self.hidden_size
        h_n, c_n = [], []
        for k in range(self.num_layers):
            W_ih, W_hh, b_ih, b_hh, peep = self.layer_weights(k)
            h0 = x.new_zeros(B, H) if hx is None else hx[0][k]
            c0 = x.new_zeros(B, H) if hx is None else hx[1][k]
            xp = input_projection(x, W_ih, b_ih, b_hh)  # (T, B, 4H)
            x, c = VariantLSTMFunction.apply(xp, W_hh, h0, c0, peep, self.variant)
            h_n.append(x[-1])
            c_n.append(c[-1])
        return x, (torch.stack(h_n), torch.stack(c_n))


def lstm_step(xp_t, h_prev, c_prev, W_hh, variant="standard", peep=None):
    """One step with ordinary autograd (used by gradient_flow): returns i, f, g, o, c, h."""
    H = h_prev.shape[-1]
    a_i, a_f, a_g, a_o = (xp_t + h_prev @ W_hh.t()).split(H, dim=-1)
    if variant == "ph":
        a_i, a_f = a_i + peep[0] * c_prev, a_f + peep[1] * c_prev
    f_t = torch.ones_like(a_f) if variant == "nfg" else torch.sigmoid(a_f)
    if variant == "nig":
        i_t = torch.ones_like(a_i)
    elif variant == "cifg":
        i_t = 1.0 - f_t
    else:
        i_t = torch.sigmoid(a_i)
    g_t = a_g if variant == "niaf" else torch.tanh(a_g)
    c_t = f_t * c_prev + i_t * g_t
    if variant == "ph":
        a_o = a_o + peep[2] * c_t
    o_t = torch.ones_like(a_o) if variant == "nog" else torch.sigmoid(a_o)
    h_t = o_t * (c_t if variant == "noaf" else torch.tanh(c_t))
    return i_t, f_t, g_t, o_t, c_t, h_t
