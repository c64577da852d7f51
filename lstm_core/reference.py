"""LSTM, GRU and plain tanh RNN written by hand in NumPy: forward pass and backpropagation
through time (BPTT). The tests check every number against PyTorch (forward <= 1e-10, gradients
<= 1e-8 in float64).

Layout and symbols are PyTorch's (``torch.nn.LSTM`` / ``GRU`` / ``RNN``, one layer):
time-major ``x (T, B, I)``, states ``(T, B, H)``, one row per sequence of the batch, so the
matrix-vector product ``W x_t`` of the equations is written ``x_t @ W.T`` in the code.
Arrays are float64 unless the inputs are float32 (the dtype follows the inputs).

LSTM, one step. ``W_ih (4H, I)``, ``W_hh (4H, H)``, ``b_ih (4H,)``, ``b_hh (4H,)`` stack the
rows of the four gates in the order i, f, g, o::

    a_t = W_ih x_t + b_ih + W_hh h_{t-1} + b_hh        (B, 4H), split into a_i, a_f, a_g, a_o
    i_t = sigmoid(a_i)                                 input gate
    f_t = sigmoid(a_f)                                 forget gate
    g_t = tanh(a_g)                                    candidate cell value
    o_t = sigmoid(a_o)                                 output gate
    c_t = f_t * c_{t-1} + i_t * g_t                    cell state
    h_t = o_t * tanh(c_t)                              hidden state (what the layer outputs)

Gate order: Karpathy's NumPy LSTM gist and CS231n's ``rnn_layers.py`` stack the gates i, f, o, g
(the three sigmoid gates side by side). We follow PyTorch's i, f, g, o so that ``W_ih, W_hh,
b_ih, b_hh`` are exactly ``torch.nn.LSTM``'s ``weight_ih_l0, weight_hh_l0, bias_ih_l0,
bias_hh_l0`` and weights move between the two engines without permuting rows.

GRU, one step (``torch.nn.GRU``; rows stacked r, z, n in ``(3H, .)``)::

    r_t = sigmoid(W_ir x_t + b_ir + W_hr h_{t-1} + b_hr)          reset gate
    z_t = sigmoid(W_iz x_t + b_iz + W_hz h_{t-1} + b_hz)          update gate
    n_t = tanh(W_in x_t + b_in + r_t * (W_hn h_{t-1} + b_hn))     candidate state
    h_t = (1 - z_t) * n_t + z_t * h_{t-1}

Plain RNN, one step (``torch.nn.RNN`` with tanh; ``(H, .)``)::

    a_t = W_ih x_t + b_ih + W_hh h_{t-1} + b_hh
    h_t = tanh(a_t)

Backward. ``*_backward(trace, dh)`` takes ``dh (T, B, H)``, the gradient of the loss with
respect to each h_t arriving from above (the head or the next layer), and runs the chain rule
backwards in time. The gradient reaching h_t is that plus what flows back from step t + 1
through W_hh; for the LSTM, c_t also receives f_{t+1} * dc_{t+1} from the next step::

    dc_t = dh_t * o_t * (1 - tanh^2(c_t)) + f_{t+1} * dc_{t+1}
    do_t = dh_t * tanh(c_t)     da_o = do_t * o_t (1 - o_t)
    df_t = dc_t * c_{t-1}       da_f = df_t * f_t (1 - f_t)
    di_t = dc_t * g_t           da_i = di_t * i_t (1 - i_t)
    dg_t = dc_t * i_t           da_g = dg_t * (1 - g_t^2)
    dW_ih += da_t x_t^T    dW_hh += da_t h_{t-1}^T    dh_{t-1} = W_hh^T da_t (+ from above)

Two codings of the same maths:
  * the step functions (``lstm_step_forward`` / ``lstm_step_backward``, ``gru_step_*``,
    ``rnn_step_*``) are the ones to read: one equation per line, with the names above, sigmoid
    written as sigmoid, and every backward line one chain-rule step (``dc_t`` is built in one
    line of ``lstm_step_backward``; the forget gate's gradient is ``df_t``, then ``da_f``);
  * the sequence functions (``lstm_forward`` / ``lstm_backward`` ...) run the same equations
    fused for speed: sigmoid(a) = (1 + tanh(a / 2)) / 2 so that one ``tanh`` call computes all
    the gates of a step; the input projections ``W_ih x_t + b`` of all steps are one matmul
    before the loop; the loops write into preallocated arrays (``out=``) that are the trace
    itself (``hs (T + 1, B, H)`` with ``hs[0] = h0``, so ``hs[:-1]`` is every h_{t-1}); the
    backward pass computes every step's local derivatives at once before the loop, keeps only
    the recurrence in the loop, and forms the weight gradients after it with one matmul.
The tests check that stepping through a sequence with the step functions gives the sequence
functions' trace and gradients, and both against PyTorch.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

# ---------------------------------------------------------------------------------- helpers


def sigmoid(a):
    """sigmoid(a) = 1 / (1 + exp(-a)); exp(-a) may overflow to inf for a << 0, giving 0."""
    with np.errstate(over="ignore"):
        return 1 / (1 + np.exp(-a))


def _float_dtype(*arrays) -> np.dtype:
    """The dtype the computation runs in: the inputs' common float type, float64 for ints."""
    dt = np.result_type(*[a for a in arrays if a is not None])
    return dt if np.issubdtype(dt, np.floating) else np.dtype(np.float64)


def _cast(dtype, *arrays):
    return [None if a is None else np.asarray(a, dtype=dtype) for a in arrays]


def _own(dtype, *weights):
    """Copies of the weights: the trace keeps the weights its forward pass used, even when the
    caller's optimizer later updates its own arrays in place."""
    return [np.array(w, dtype=dtype) for w in weights]


def _sigmoid_scale(order: str, H: int, dtype):
    """Per-column scale s and offset s0 so that s * tanh(s * a) + s0 is sigmoid(a) on the
    sigmoid gates (s = 1/2, s0 = 1/2) and tanh(a) on the tanh gates (s = 1, s0 = 0); ``order``
    has one letter per gate block, "s" (sigmoid) or "t" (tanh)."""
    s = np.concatenate([np.full(H, 0.5 if k == "s" else 1.0) for k in order]).astype(dtype)
    s0 = np.concatenate([np.full(H, 0.5 if k == "s" else 0.0) for k in order]).astype(dtype)
    return s, s0


def _initial(state, T: int, B: int, H: int, dtype) -> np.ndarray:
    """(T + 1, B, H) state storage: [state_0 (zeros when None), state_1, ..., state_T]."""
    out = np.empty((T + 1, B, H), dtype)
    out[0] = 0 if state is None else state
    return out


def _input_projection(x, W_ih, b, s):
    """s * (W_ih x_t + b) for every step at once: x (..., I) -> (..., G*H)."""
    W = W_ih.T * s  # (I, G*H), scaled columns
    out = np.empty(x.shape[:-1] + W.shape[-1:], W.dtype)
    if x.shape[-1] == 1:
        np.multiply(x, W[0], out=out)  # I = 1: a plain product (BLAS is slow for K = 1)
    else:
        np.matmul(x, W, out=out)
    out += b * s
    return out


# ======================================================================================= LSTM


@dataclass
class LSTMTrace:
    """Everything one LSTM layer computed over a sequence: the backward cache and what the app
    plots. ``i, f, g, o, c, h`` are (T, B, H); ``h0, c0`` (B, H)."""

    x: np.ndarray  # (T, B, I) input
    W_ih: np.ndarray  # (4H, I)
    W_hh: np.ndarray  # (4H, H)
    b_ih: np.ndarray  # (4H,)
    b_hh: np.ndarray  # (4H,)
    gates: np.ndarray  # (T, B, 4H) activated gates i | f | g | o
    cs: np.ndarray  # (T + 1, B, H) cell states c_0, c_1, ..., c_T
    tanh_c: np.ndarray  # (T, B, H) tanh(c_t)
    hs: np.ndarray  # (T + 1, B, H) hidden states h_0, h_1, ..., h_T

    def _gate(self, k: int) -> np.ndarray:
        H = self.hs.shape[-1]
        return self.gates[..., k * H : (k + 1) * H]

    i = property(lambda self: self._gate(0), doc="(T, B, H) input gate")
    f = property(lambda self: self._gate(1), doc="(T, B, H) forget gate")
    g = property(lambda self: self._gate(2), doc="(T, B, H) candidate cell value")
    o = property(lambda self: self._gate(3), doc="(T, B, H) output gate")
    c = property(lambda self: self.cs[1:], doc="(T, B, H) cell states")
    h = property(lambda self: self.hs[1:], doc="(T, B, H) hidden states")
    c0 = property(lambda self: self.cs[0], doc="(B, H) initial cell state")
    h0 = property(lambda self: self.hs[0], doc="(B, H) initial hidden state")

    def step(self, t: int) -> LSTMTrace:
        """Step t as a T = 1 trace (views, no copy): the cache ``lstm_step_backward`` takes."""
        return LSTMTrace(
            self.x[t : t + 1],
            self.W_ih,
            self.W_hh,
            self.b_ih,
            self.b_hh,
            self.gates[t : t + 1],
            self.cs[t : t + 2],
            self.tanh_c[t : t + 1],
            self.hs[t : t + 2],
        )


def _lstm_cell(a, c_prev, s, s0, c_t, tanh_c, h_t):
    """``lstm_forward``'s fused cell, the maths of ``lstm_step_forward``: from the scaled
    pre-activations ``a = s * a_t`` (B, 4H), in place, ``a`` becomes the activated gates
    i|f|g|o; c_t, tanh(c_t), h_t are written out."""
    H = c_prev.shape[-1]
    np.tanh(a, out=a)  # tanh(a_g), and tanh(a / 2) for the sigmoid gates
    a *= s
    a += s0  # sigmoid(a) = tanh(a / 2) / 2 + 1 / 2
    i_t, f_t, g_t, o_t = a[:, :H], a[:, H : 2 * H], a[:, 2 * H : 3 * H], a[:, 3 * H :]
    np.multiply(f_t, c_prev, out=c_t)  # c_t = f_t * c_{t-1}
    np.multiply(i_t, g_t, out=tanh_c)  #       (i_t * g_t, parked in tanh_c)
    c_t += tanh_c  #                             + i_t * g_t
    np.tanh(c_t, out=tanh_c)
    np.multiply(o_t, tanh_c, out=h_t)  # h_t = o_t * tanh(c_t)


def lstm_step_forward(x_t, h_prev, c_prev, W_ih, W_hh, b_ih, b_hh):
    """One LSTM step, one equation per line: x_t (B, I), h_prev and c_prev (B, H).
    Returns (h_t, c_t, cache); the cache is an LSTMTrace with T = 1 (``cache.f[0]`` is f_t)."""
    dt = _float_dtype(x_t, h_prev, c_prev, W_ih, W_hh, b_ih, b_hh)
    x_t, h_prev, c_prev = _cast(dt, x_t, h_prev, c_prev)
    W_ih, W_hh, b_ih, b_hh = _own(dt, W_ih, W_hh, b_ih, b_hh)
    # a_t = W_ih x_t + b_ih + W_hh h_{t-1} + b_hh          (B, 4H), rows stacked i | f | g | o
    a_t = x_t @ W_ih.T + b_ih + h_prev @ W_hh.T + b_hh
    a_i, a_f, a_g, a_o = np.split(a_t, 4, axis=1)  # (B, H) each
    i_t = sigmoid(a_i)  # input gate
    f_t = sigmoid(a_f)  # forget gate
    g_t = np.tanh(a_g)  # candidate cell value
    o_t = sigmoid(a_o)  # output gate
    c_t = f_t * c_prev + i_t * g_t  # c_t = f_t * c_{t-1} + i_t * g_t
    h_t = o_t * np.tanh(c_t)  # h_t = o_t * tanh(c_t)
    cache = LSTMTrace(
        x=x_t[None],
        W_ih=W_ih,
        W_hh=W_hh,
        b_ih=b_ih,
        b_hh=b_hh,
        gates=np.concatenate([i_t, f_t, g_t, o_t], axis=1)[None],
        cs=np.stack([c_prev, c_t]),
        tanh_c=np.tanh(c_t)[None],
        hs=np.stack([h_prev, h_t]),
    )
    return h_t, c_t, cache


def lstm_forward(x, W_ih, W_hh, b_ih, b_hh, h0=None, c0=None) -> LSTMTrace:
    """Run an LSTM layer over x (T, B, I) from h0, c0 (B, H) (zeros when None): the maths of
    ``lstm_step_forward`` at every step, fused for speed (see the module docstring)."""
    dt = _float_dtype(x, W_ih, W_hh, b_ih, b_hh, h0, c0)
    x, h0, c0 = _cast(dt, x, h0, c0)
    W_ih, W_hh, b_ih, b_hh = _own(dt, W_ih, W_hh, b_ih, b_hh)
    T, B, _ = x.shape
    H = W_hh.shape[1]
    s, s0 = _sigmoid_scale("ssts", H, dt)
    # Input projections of every step in one go; the gate array starts as pre-activations.
    gates = _input_projection(x, W_ih, b_ih + b_hh, s)  # (T, B, 4H)
    W_hh_T = np.ascontiguousarray(W_hh.T * s)  # (H, 4H), scaled like the pre-activations
    hs, cs, tanh_c = _initial(h0, T, B, H, dt), _initial(c0, T, B, H, dt), np.empty((T, B, H), dt)
    rec = np.empty((B, 4 * H), dt)  # W_hh h_{t-1}, scaled
    for t in range(T):
        np.matmul(hs[t], W_hh_T, out=rec)
        gates[t] += rec  # a_t = (W_ih x_t + b_ih + b_hh) + W_hh h_{t-1}
        _lstm_cell(gates[t], cs[t], s, s0, cs[t + 1], tanh_c[t], hs[t + 1])
    return LSTMTrace(x, W_ih, W_hh, b_ih, b_hh, gates, cs, tanh_c, hs)


def _lstm_local_derivatives(tr: LSTMTrace, P: np.ndarray) -> np.ndarray:
    """For every step at once, fill P (..., 4H) with the derivative of what each gate feeds with
    respect to that gate's pre-activation; return K (..., H) = dh_t/dc_t."""
    H = tr.hs.shape[-1]
    P_i, P_f, P_g, P_o = P[..., :H], P[..., H : 2 * H], P[..., 2 * H : 3 * H], P[..., 3 * H :]
    np.subtract(1, tr.gates, out=P)
    P *= tr.gates  # sigmoid'(a) = y (1 - y) for i, f, o
    np.multiply(tr.g, tr.g, out=P_g)
    np.subtract(1, P_g, out=P_g)  # tanh'(a_g) = 1 - g^2
    P_i *= tr.g  # dc_t/da_i = g_t * sigmoid'(a_i)
    P_f *= tr.cs[:-1]  # dc_t/da_f = c_{t-1} * sigmoid'(a_f)
    P_g *= tr.i  # dc_t/da_g = i_t * tanh'(a_g)
    P_o *= tr.tanh_c  # dh_t/da_o = tanh(c_t) * sigmoid'(a_o)
    K = np.multiply(tr.tanh_c, tr.tanh_c)
    np.subtract(1, K, out=K)
    K *= tr.o  # dh_t/dc_t = o_t * tanh'(c_t)
    return K


def _lstm_cell_backward(dh_t, dc_next, P_t, K_t, f_t, W_hh, da, dc_t, dh_prev, dc_prev):
    """``lstm_backward``'s fused step, the maths of ``lstm_step_backward`` (where it reads one
    line per equation). dh_t: total gradient on h_t; dc_next: gradient on c_t from step t+1;
    P_t, K_t: local derivatives. Writes da (B, 4H) (may be P_t's buffer), dc_t,
    dh_prev, dc_prev (may be dc_next's buffer)."""
    B, H = dh_t.shape
    np.multiply(dh_t, K_t, out=dc_t)  # through h_t = o_t * tanh(c_t)
    dc_t += dc_next  # ... plus through c_{t+1} = f_{t+1} * c_t + ...
    da4, P4 = da.reshape(B, 4, H), P_t.reshape(B, 4, H)
    np.multiply(dc_t[:, None, :], P4[:, :3], out=da4[:, :3])  # da_i, da_f, da_g: through c_t
    np.multiply(dh_t, P4[:, 3], out=da4[:, 3])  # da_o: through h_t
    np.matmul(da, W_hh, out=dh_prev)  # h_{t-1} reaches every gate through W_hh
    np.multiply(dc_t, f_t, out=dc_prev)  # c_{t-1} reaches c_t through f_t


def lstm_step_backward(dh_t, dc_next, cache: LSTMTrace) -> dict:
    """Backward through one LSTM step, one chain-rule step per line. dh_t (B, H): total gradient
    on h_t (from above and from step t+1); dc_next (B, H): the gradient on c_t arriving from
    step t+1, f_{t+1} * dc_{t+1} (zeros at the last step). Returns the gradients of x_t,
    h_prev, c_prev and the weights, plus "c": dc_t and "a": da_t (B, 4H), stacked i|f|g|o."""
    dt = cache.hs.dtype
    dh_t, dc_next = _cast(dt, dh_t, dc_next)
    x_t, h_prev, c_prev = cache.x[0], cache.h0, cache.c0
    i_t, f_t, g_t, o_t = cache.i[0], cache.f[0], cache.g[0], cache.o[0]
    tanh_c = cache.tanh_c[0]  # tanh(c_t)
    # backprop through h_t = o_t * tanh(c_t)
    do_t = dh_t * tanh_c  # do_t = dh_t * tanh(c_t)
    # dc_t = dh_t * o_t * (1 - tanh^2(c_t)) + f_{t+1} * dc_{t+1}: c_t feeds h_t and c_{t+1}
    dc_t = dh_t * o_t * (1 - tanh_c**2) + dc_next
    # backprop through c_t = f_t * c_{t-1} + i_t * g_t
    df_t = dc_t * c_prev  # forget gate: df_t = dc_t * c_{t-1}
    di_t = dc_t * g_t  # input gate: di_t = dc_t * g_t
    dg_t = dc_t * i_t  # candidate: dg_t = dc_t * i_t
    dc_prev = dc_t * f_t  # dc_{t-1} = dc_t * f_t, step t-1's dc_next
    # backprop through the activations: sigmoid'(a) = s (1 - s), tanh'(a) = 1 - tanh^2(a)
    da_i = di_t * i_t * (1 - i_t)
    da_f = df_t * f_t * (1 - f_t)
    da_g = dg_t * (1 - g_t**2)
    da_o = do_t * o_t * (1 - o_t)
    da_t = np.concatenate([da_i, da_f, da_g, da_o], axis=1)  # (B, 4H), stacked like W_ih
    # backprop through a_t = W_ih x_t + b_ih + W_hh h_{t-1} + b_hh (weights: sum over batch)
    dx_t = da_t @ cache.W_ih  # dx_t = W_ih^T da_t
    dh_prev = da_t @ cache.W_hh  # dh_{t-1} = W_hh^T da_t (step t-1 adds its dh from above)
    dW_ih = da_t.T @ x_t  # dW_ih = da_t x_t^T
    dW_hh = da_t.T @ h_prev  # dW_hh = da_t h_{t-1}^T
    db = da_t.sum(axis=0)  # db_ih = db_hh = da_t
    return {
        "W_ih": dW_ih,
        "W_hh": dW_hh,
        "b_ih": db,
        "b_hh": db.copy(),
        "x": dx_t,
        "h_prev": dh_prev,
        "c_prev": dc_prev,
        "c": dc_t,
        "a": da_t,
    }


def lstm_backward(trace: LSTMTrace, dh, dc_T=None) -> dict:
    """BPTT through a whole sequence: the maths of ``lstm_step_backward`` at every step, fused
    for speed. dh (T, B, H): gradient on each h_t from above; dc_T (B, H): gradient on the last
    c_T from outside (e.g. a decoder that starts from it), or None. Returns parameter
    gradients, "x" (T, B, I), "h0", "c0" (B, H), and "dh", "dc" (T, B, H): the total gradient
    on every h_t and c_t."""
    tr = trace
    dt = tr.hs.dtype
    dh = np.asarray(dh, dt)
    T, B, H = dh.shape
    da = np.empty((T, B, 4 * H), dt)  # gradient on the pre-activations, every step ...
    K = _lstm_local_derivatives(tr, da)  # ... holding the local derivatives until step t
    dh_tot, dc_tot = np.empty((T, B, H), dt), np.empty((T, B, H), dt)
    dh_next, dc_next = np.zeros((B, H), dt), np.zeros((B, H), dt)  # from step t+1
    if dc_T is not None:
        dc_next += dc_T  # c_T also feeds whatever starts from it
    f = tr.f
    for t in reversed(range(T)):
        np.add(dh[t], dh_next, out=dh_tot[t])  # h_t feeds the head and step t+1
        _lstm_cell_backward(
            dh_tot[t], dc_next, da[t], K[t], f[t], tr.W_hh, da[t], dc_tot[t], dh_next, dc_next
        )
    # The weights are shared by all steps: sum each step's contribution, in one matmul.
    da2 = da.reshape(T * B, 4 * H)
    db = da2.sum(0)
    return {
        "W_ih": da2.T @ tr.x.reshape(T * B, -1),
        "W_hh": da2.T @ tr.hs[:-1].reshape(T * B, H),
        "b_ih": db,
        "b_hh": db.copy(),
        "x": da @ tr.W_ih,
        "h0": dh_next,
        "c0": dc_next,
        "dh": dh_tot,
        "dc": dc_tot,
    }


# ======================================================================================== RNN


@dataclass
class RNNTrace:
    """One tanh-RNN layer over a sequence: ``a`` (pre-activation) and ``h``, each (T, B, H)."""

    x: np.ndarray  # (T, B, I)
    W_ih: np.ndarray  # (H, I)
    W_hh: np.ndarray  # (H, H)
    b_ih: np.ndarray  # (H,)
    b_hh: np.ndarray  # (H,)
    a: np.ndarray  # (T, B, H) pre-activations
    hs: np.ndarray  # (T + 1, B, H) hidden states h_0, h_1, ..., h_T

    h = property(lambda self: self.hs[1:], doc="(T, B, H) hidden states")
    h0 = property(lambda self: self.hs[0], doc="(B, H) initial hidden state")


def rnn_step_forward(x_t, h_prev, W_ih, W_hh, b_ih, b_hh):
    """One tanh-RNN step: x_t (B, I), h_prev (B, H). Returns (h_t, cache), cache an RNNTrace
    with T = 1."""
    dt = _float_dtype(x_t, h_prev, W_ih, W_hh, b_ih, b_hh)
    x_t, h_prev = _cast(dt, x_t, h_prev)
    W_ih, W_hh, b_ih, b_hh = _own(dt, W_ih, W_hh, b_ih, b_hh)
    # a_t = W_ih x_t + b_ih + W_hh h_{t-1} + b_hh          (B, H)
    a_t = x_t @ W_ih.T + b_ih + h_prev @ W_hh.T + b_hh
    h_t = np.tanh(a_t)  # h_t = tanh(a_t)
    cache = RNNTrace(x_t[None], W_ih, W_hh, b_ih, b_hh, a=a_t[None], hs=np.stack([h_prev, h_t]))
    return h_t, cache


def rnn_forward(x, W_ih, W_hh, b_ih, b_hh, h0=None) -> RNNTrace:
    """Run a tanh-RNN layer over x (T, B, I) from h0 (B, H) (zeros when None): the maths of
    ``rnn_step_forward`` at every step, with the input projections in one matmul."""
    dt = _float_dtype(x, W_ih, W_hh, b_ih, b_hh, h0)
    x, h0 = _cast(dt, x, h0)
    W_ih, W_hh, b_ih, b_hh = _own(dt, W_ih, W_hh, b_ih, b_hh)
    T, B, _ = x.shape
    H = W_hh.shape[1]
    a = _input_projection(x, W_ih, b_ih + b_hh, 1)  # (T, B, H) input part, all steps
    W_hh_T = np.ascontiguousarray(W_hh.T)
    hs = _initial(h0, T, B, H, dt)
    rec = np.empty((B, H), dt)
    for t in range(T):
        np.matmul(hs[t], W_hh_T, out=rec)
        a[t] += rec  # a_t = W_ih x_t + b_ih + b_hh + W_hh h_{t-1}
        np.tanh(a[t], out=hs[t + 1])  # h_t = tanh(a_t)
    return RNNTrace(x, W_ih, W_hh, b_ih, b_hh, a, hs)


def _rnn_cell_backward(dh_t, D_t, W_hh, da, dh_prev):
    """One step of BPTT: dh_t total gradient on h_t, D_t = tanh'(a_t). Writes da (may be D_t's
    buffer) and dh_prev."""
    np.multiply(dh_t, D_t, out=da)  # through h_t = tanh(a_t)
    np.matmul(da, W_hh, out=dh_prev)  # h_{t-1} reaches a_t through W_hh


def _rnn_local_derivatives(tr: RNNTrace, D: np.ndarray) -> None:
    """Fill D (..., H) with tanh'(a_t) = 1 - h_t^2, every step at once."""
    np.multiply(tr.h, tr.h, out=D)
    np.subtract(1, D, out=D)


def rnn_step_backward(dh_t, cache: RNNTrace) -> dict:
    """Backward through one step; dh_t (B, H) is the total gradient on h_t. Returns the
    gradients of x_t, h_prev and the weights, plus "a": da_t (B, H)."""
    dh_t = np.asarray(dh_t, cache.hs.dtype)
    x_t, h_prev, h_t = cache.x[0], cache.h0, cache.h[0]
    da_t = dh_t * (1 - h_t**2)  # h_t = tanh(a_t): da_t = dh_t * (1 - h_t^2)
    dx_t = da_t @ cache.W_ih  # dx_t = W_ih^T da_t
    dh_prev = da_t @ cache.W_hh  # dh_{t-1} = W_hh^T da_t
    dW_ih = da_t.T @ x_t  # dW_ih = da_t x_t^T
    dW_hh = da_t.T @ h_prev  # dW_hh = da_t h_{t-1}^T
    db = da_t.sum(axis=0)  # db_ih = db_hh = da_t
    return {
        "W_ih": dW_ih,
        "W_hh": dW_hh,
        "b_ih": db,
        "b_hh": db.copy(),
        "x": dx_t,
        "h_prev": dh_prev,
        "a": da_t,
    }


def rnn_backward(trace: RNNTrace, dh) -> dict:
    """BPTT through a whole sequence, the maths of ``rnn_step_backward`` at every step, fused
    for speed; same keys as lstm_backward minus "c0" and "dc"."""
    tr = trace
    dt = tr.hs.dtype
    dh = np.asarray(dh, dt)
    T, B, H = dh.shape
    da = np.empty((T, B, H), dt)  # gradient on the pre-activations, holding tanh' until step t
    _rnn_local_derivatives(tr, da)
    dh_tot = np.empty((T, B, H), dt)
    dh_next = np.zeros((B, H), dt)
    for t in reversed(range(T)):
        np.add(dh[t], dh_next, out=dh_tot[t])  # h_t feeds the head and step t+1
        _rnn_cell_backward(dh_tot[t], da[t], tr.W_hh, da[t], dh_next)
    da2 = da.reshape(T * B, H)
    db = da2.sum(0)
    return {
        "W_ih": da2.T @ tr.x.reshape(T * B, -1),
        "W_hh": da2.T @ tr.hs[:-1].reshape(T * B, H),
        "b_ih": db,
        "b_hh": db.copy(),
        "x": da @ tr.W_ih,
        "h0": dh_next,
        "dh": dh_tot,
    }


# ======================================================================================== GRU


@dataclass
class GRUTrace:
    """One GRU layer over a sequence: ``r, z, n, h``, each (T, B, H)."""

    x: np.ndarray  # (T, B, I)
    W_ih: np.ndarray  # (3H, I)
    W_hh: np.ndarray  # (3H, H)
    b_ih: np.ndarray  # (3H,)
    b_hh: np.ndarray  # (3H,)
    rz: np.ndarray  # (T, B, 2H) activated r | z
    hn: np.ndarray  # (T, B, H) W_hn h_{t-1} + b_hn (what r_t gates)
    n: np.ndarray  # (T, B, H) candidate state
    hs: np.ndarray  # (T + 1, B, H) hidden states h_0, h_1, ..., h_T

    r = property(lambda self: self.rz[..., : self.hs.shape[-1]], doc="(T, B, H) reset gate")
    z = property(lambda self: self.rz[..., self.hs.shape[-1] :], doc="(T, B, H) update gate")
    h = property(lambda self: self.hs[1:], doc="(T, B, H) hidden states")
    h0 = property(lambda self: self.hs[0], doc="(B, H) initial hidden state")


def _gru_input_part(x, W_ih, b_ih, b_hh, s):
    """(.., 3H): W_ih x + b_ih, plus b_hr and b_hz (b_hn stays inside r * (...)), scaled by s."""
    H = b_hh.shape[0] // 3
    b = b_ih.copy()
    b[: 2 * H] += b_hh[: 2 * H]
    return _input_projection(x, W_ih, b, s)


def _gru_cell(gx, rec, b_hn, h_prev, rz, hn, n, h_t):
    """One GRU cell. gx (B, 3H): scaled input part; rec (B, 3H): scaled W_hh h_{t-1}.
    Writes rz (B, 2H), hn, n, h_t (B, H)."""
    H = h_prev.shape[-1]
    np.add(gx[:, : 2 * H], rec[:, : 2 * H], out=rz)
    np.tanh(rz, out=rz)
    rz *= 0.5
    rz += 0.5  # r_t, z_t = sigmoid(a) = tanh(a / 2) / 2 + 1 / 2
    r_t, z_t = rz[:, :H], rz[:, H:]
    np.add(rec[:, 2 * H :], b_hn, out=hn)  # W_hn h_{t-1} + b_hn
    np.multiply(r_t, hn, out=n)
    n += gx[:, 2 * H :]
    np.tanh(n, out=n)  # n_t = tanh(W_in x_t + b_in + r_t * (W_hn h_{t-1} + b_hn))
    np.subtract(h_prev, n, out=h_t)
    h_t *= z_t
    h_t += n  # h_t = (1 - z_t) * n_t + z_t * h_{t-1} = n_t + z_t * (h_{t-1} - n_t)


def gru_step_forward(x_t, h_prev, W_ih, W_hh, b_ih, b_hh):
    """One GRU step, one equation per line: x_t (B, I), h_prev (B, H). Returns (h_t, cache),
    cache a GRUTrace with T = 1."""
    dt = _float_dtype(x_t, h_prev, W_ih, W_hh, b_ih, b_hh)
    x_t, h_prev = _cast(dt, x_t, h_prev)
    W_ih, W_hh, b_ih, b_hh = _own(dt, W_ih, W_hh, b_ih, b_hh)
    # the input parts W_i? x_t + b_i? and the recurrent parts W_h? h_{t-1} + b_h?, (B, H) each
    ax_r, ax_z, ax_n = np.split(x_t @ W_ih.T + b_ih, 3, axis=1)
    ah_r, ah_z, ah_n = np.split(h_prev @ W_hh.T + b_hh, 3, axis=1)
    r_t = sigmoid(ax_r + ah_r)  # r_t = sigmoid(W_ir x_t + b_ir + W_hr h_{t-1} + b_hr)
    z_t = sigmoid(ax_z + ah_z)  # z_t = sigmoid(W_iz x_t + b_iz + W_hz h_{t-1} + b_hz)
    n_t = np.tanh(ax_n + r_t * ah_n)  # n_t = tanh(W_in x_t + b_in + r_t * (W_hn h_{t-1} + b_hn))
    h_t = (1 - z_t) * n_t + z_t * h_prev  # h_t = (1 - z_t) * n_t + z_t * h_{t-1}
    rz = np.concatenate([r_t, z_t], axis=1)[None]
    cache = GRUTrace(
        x_t[None], W_ih, W_hh, b_ih, b_hh, rz, ah_n[None], n_t[None], np.stack([h_prev, h_t])
    )
    return h_t, cache


def gru_forward(x, W_ih, W_hh, b_ih, b_hh, h0=None) -> GRUTrace:
    """Run a GRU layer over x (T, B, I) from h0 (B, H) (zeros when None): the maths of
    ``gru_step_forward`` at every step, fused for speed."""
    dt = _float_dtype(x, W_ih, W_hh, b_ih, b_hh, h0)
    x, h0 = _cast(dt, x, h0)
    W_ih, W_hh, b_ih, b_hh = _own(dt, W_ih, W_hh, b_ih, b_hh)
    T, B, _ = x.shape
    H = W_hh.shape[1]
    s, _ = _sigmoid_scale("sst", H, dt)
    gx = _gru_input_part(x, W_ih, b_ih, b_hh, s)  # (T, B, 3H)
    W_hh_T = np.ascontiguousarray(W_hh.T * s)  # (H, 3H)
    b_hn = b_hh[2 * H :]
    rz = np.empty((T, B, 2 * H), dt)
    hn, n = np.empty((T, B, H), dt), np.empty((T, B, H), dt)
    hs = _initial(h0, T, B, H, dt)
    rec = np.empty((B, 3 * H), dt)
    for t in range(T):
        np.matmul(hs[t], W_hh_T, out=rec)
        _gru_cell(gx[t], rec, b_hn, hs[t], rz[t], hn[t], n[t], hs[t + 1])
    return GRUTrace(x, W_ih, W_hh, b_ih, b_hh, rz, hn, n, hs)


def _gru_local_derivatives(tr: GRUTrace, Qx: np.ndarray) -> np.ndarray:
    """For every step at once, fill Qx (..., 3H) with the derivative of h_t with respect to the
    input part of each gate's pre-activation; return Qh, the same for the recurrent part."""
    r, z, n, h_prev = tr.r, tr.z, tr.n, tr.hs[:-1]
    H = n.shape[-1]
    Q_n = Qx[..., 2 * H :]
    Q_n[...] = (1 - z) * (1 - n * n)  # dh_t/da_n (tanh'), a_n = W_in x + b_in + r * hn
    Qx[..., :H] = Q_n * tr.hn * r * (1 - r)  # dh_t/da_r: a_r -> r -> a_n (sigmoid')
    Qx[..., H : 2 * H] = (h_prev - n) * z * (1 - z)  # dh_t/da_z (sigmoid')
    Qh = Qx.copy()  # W_ih x + b_ih and W_hh h + b_hh enter a_r and a_z alike ...
    Qh[..., 2 * H :] *= r  # ... but W_hn h_{t-1} + b_hn enters a_n multiplied by r_t
    return Qh


def _gru_cell_backward(dh_t, Qh_t, z_t, W_hh, dgh, dh_prev, scratch):
    """One step of BPTT. dh_t: total gradient on h_t. Writes dgh (B, 3H) (may be Qh_t's buffer),
    the gradient on the recurrent pre-activations W_hh h_{t-1} + b_hh, and dh_prev."""
    B, H = dh_t.shape
    np.multiply(dh_t[:, None, :], Qh_t.reshape(B, 3, H), out=dgh.reshape(B, 3, H))
    np.matmul(dgh, W_hh, out=dh_prev)  # through W_hh h_{t-1} in every gate
    np.multiply(dh_t, z_t, out=scratch)
    dh_prev += scratch  # ... plus directly through z_t * h_{t-1}


def gru_step_backward(dh_t, cache: GRUTrace) -> dict:
    """Backward through one GRU step, one chain-rule step per line; dh_t (B, H) is the total
    gradient on h_t. Returns the gradients of x_t, h_prev and the weights."""
    dh_t = np.asarray(dh_t, cache.hs.dtype)
    x_t, h_prev = cache.x[0], cache.h0
    r_t, z_t, n_t = cache.r[0], cache.z[0], cache.n[0]
    ah_n = cache.hn[0]  # W_hn h_{t-1} + b_hn
    # h_t = (1 - z_t) * n_t + z_t * h_{t-1}
    dn_t = dh_t * (1 - z_t)  # dn_t = dh_t * (1 - z_t)
    dz_t = dh_t * (h_prev - n_t)  # dz_t = dh_t * (h_{t-1} - n_t)
    # n_t = tanh(a_n), a_n = W_in x_t + b_in + r_t * (W_hn h_{t-1} + b_hn)
    da_n = dn_t * (1 - n_t**2)  # da_n = dn_t * (1 - n_t^2)
    dr_t = da_n * ah_n  # dr_t = da_n * (W_hn h_{t-1} + b_hn)
    dah_n = da_n * r_t  # on W_hn h_{t-1} + b_hn: da_n * r_t
    # r_t = sigmoid(a_r), z_t = sigmoid(a_z)
    da_r = dr_t * r_t * (1 - r_t)  # da_r = dr_t * r_t (1 - r_t)
    da_z = dz_t * z_t * (1 - z_t)  # da_z = dz_t * z_t (1 - z_t)
    dax = np.concatenate([da_r, da_z, da_n], axis=1)  # on W_ih x_t + b_ih, (B, 3H)
    dah = np.concatenate([da_r, da_z, dah_n], axis=1)  # on W_hh h_{t-1} + b_hh, (B, 3H)
    dx_t = dax @ cache.W_ih  # dx_t = W_ih^T dax
    dh_prev = dh_t * z_t + dah @ cache.W_hh  # dh_{t-1} = dh_t z_t + W_hh^T dah
    dW_ih = dax.T @ x_t  # dW_ih = dax x_t^T
    dW_hh = dah.T @ h_prev  # dW_hh = dah h_{t-1}^T
    return {
        "W_ih": dW_ih,
        "W_hh": dW_hh,
        "b_ih": dax.sum(axis=0),
        "b_hh": dah.sum(axis=0),
        "x": dx_t,
        "h_prev": dh_prev,
    }


def gru_backward(trace: GRUTrace, dh) -> dict:
    """BPTT through a whole sequence, the maths of ``gru_step_backward`` at every step, fused
    for speed; same keys as rnn_backward."""
    tr = trace
    dt = tr.hs.dtype
    dh = np.asarray(dh, dt)
    T, B, H = dh.shape
    dgx = np.empty((T, B, 3 * H), dt)  # gradient on the input parts, holding Qx until the end
    dgh = _gru_local_derivatives(tr, dgx)  # gradient on the recurrent parts, holding Qh ...
    dh_tot = np.empty((T, B, H), dt)
    dh_next, scratch = np.zeros((B, H), dt), np.empty((B, H), dt)
    z = tr.z
    for t in reversed(range(T)):
        np.add(dh[t], dh_next, out=dh_tot[t])  # h_t feeds the head and step t+1
        _gru_cell_backward(dh_tot[t], dgh[t], z[t], tr.W_hh, dgh[t], dh_next, scratch)
    # The input parts need no recurrence: all steps at once after the loop.
    dgx.reshape(T, B, 3, H)[...] *= dh_tot[:, :, None, :]
    dgx2, dgh2 = dgx.reshape(T * B, 3 * H), dgh.reshape(T * B, 3 * H)
    return {
        "W_ih": dgx2.T @ tr.x.reshape(T * B, -1),
        "W_hh": dgh2.T @ tr.hs[:-1].reshape(T * B, H),
        "b_ih": dgx2.sum(0),
        "b_hh": dgh2.sum(0),
        "x": dgx @ tr.W_ih,
        "h0": dh_next,
        "dh": dh_tot,
    }


# ============================================================================ by cell name

FORWARD: dict[str, Callable[..., Any]] = {
    "lstm": lstm_forward,
    "gru": gru_forward,
    "rnn": rnn_forward,
}
BACKWARD: dict[str, Callable[..., Any]] = {
    "lstm": lstm_backward,
    "gru": gru_backward,
    "rnn": rnn_backward,
}
TRACE_FIELDS = {
    "lstm": ("i", "f", "g", "o", "c", "h"),
    "gru": ("r", "z", "n", "h"),
    "rnn": ("a", "h"),
}
