"""The LSTM equations with the numbers of one unit at one step: what the Equations page shows.

Forward (PyTorch's gate order i, f, g, o; row r = k H + u of the stacked weights is unit u of
gate k)::

    a_q = W_iq x_t + b_iq + W_hq h_{t-1} + b_hq        q in i, f, g, o
    i_t = sigmoid(a_i)   f_t = sigmoid(a_f)   g_t = tanh(a_g)   o_t = sigmoid(a_o)
    c_t = f_t c_{t-1} + i_t g_t
    h_t = o_t tanh(c_t)

Backward (BPTT, the gradient of the loss L on each quantity is written d.)::

    dh_t = dh_t(from above) + W_hh^T da_{t+1}            (the head or the layer above; step t+1)
    dc_t = dh_t o_t (1 - tanh^2 c_t) + f_{t+1} dc_{t+1}
    da_i = dc_t g_t i_t (1 - i_t)        da_f = dc_t c_{t-1} f_t (1 - f_t)
    da_g = dc_t i_t (1 - g_t^2)          da_o = dh_t tanh(c_t) o_t (1 - o_t)
    dW_iq += da_q x_t^T    dW_hq += da_q h_{t-1}^T    db_q += da_q     (summed over t and batch)

The tutorial's simplified rules (a plain RNN h_t = f(W x_t + U h_{t-1} + b)) are
dW = Dh_t x_t^T, dU = Dh_t h_{t-1}^T, db = Dh_t. ``simplified_gap`` applies them to every gate
of the LSTM, with Dh_t the true dL/dh_t, and measures how far that lands from the true gradient.

Every number comes from the NumPy reference (``lstm_core.gradients.numpy_bptt``): the trace and
the total dh_t of its BPTT, and each step's gate gradients from ``reference.lstm_step_backward``
(the readable step the page links to), fed that dh_t and the dc_t arriving from step t+1. The
functions here only pick the numbers out and recombine them, and the tests check that each
recombination equals the reference's BPTT.
"""

from __future__ import annotations

import inspect

import numpy as np

from lstm_core.config import GATE_ORDER
from lstm_core.reference import LSTMTrace, lstm_step_backward, lstm_step_forward, sigmoid

ACTIVATION = {"i": sigmoid, "f": sigmoid, "g": np.tanh, "o": sigmoid}


def code_lines() -> dict[str, int]:
    """Where the readable step functions start in ``lstm_core/reference.py``: {"forward": line,
    "backward": line}, read from the source so that the page's pointer never goes stale."""
    return {
        "forward": inspect.getsourcelines(lstm_step_forward)[1],
        "backward": inspect.getsourcelines(lstm_step_backward)[1],
    }


def _gate(a: np.ndarray, k: int, H: int) -> np.ndarray:
    return a[..., k * H : (k + 1) * H]


def step_backward(tr: LSTMTrace, back: dict, t: int) -> dict:
    """``reference.lstm_step_backward`` at step t, fed the BPTT's total dL/dh_t and the
    dL/dc_t arriving from step t+1 (f_{t+1} dc_{t+1}; zero at the last step)."""
    last = t == tr.x.shape[0] - 1
    dc_next = np.zeros_like(tr.c0) if last else tr.f[t + 1] * back["dc"][t + 1]
    return lstm_step_backward(back["dh"][t], dc_next, tr.step(t))


def pre_activation_grads(tr: LSTMTrace, back: dict) -> np.ndarray:
    """dL/da_t (T, B, 4H), gates i|f|g|o: ``lstm_step_backward``'s da_t at every step."""
    return np.stack([step_backward(tr, back, t)["a"] for t in range(tr.x.shape[0])])


def weight_grads(tr: LSTMTrace, da: np.ndarray) -> dict[str, np.ndarray]:
    """Every step's contribution summed over steps and sequences: dW_ih, dW_hh, db."""
    return {
        "W_ih": np.einsum("tbr,tbi->ri", da, tr.x),
        "W_hh": np.einsum("tbr,tbh->rh", da, tr.hs[:-1]),
        "b": da.sum(axis=(0, 1)),
    }


def forward_numbers(tr: LSTMTrace, b: int, t: int, u: int) -> dict:
    """Unit u of sequence b at step t. Per gate q: ``terms`` (W_iq x_t, b_iq, W_hq h_{t-1},
    b_hq), ``a`` (their sum) and ``value`` (the gate as the trace holds it); plus c_prev, c,
    tanh_c, h_prev, h."""
    H = tr.hs.shape[-1]
    x_t, h_prev = tr.x[t, b], tr.hs[t, b]
    gates = {}
    for k, q in enumerate(GATE_ORDER):
        r = k * H + u
        terms = (
            float(tr.W_ih[r] @ x_t),
            float(tr.b_ih[r]),
            float(tr.W_hh[r] @ h_prev),
            float(tr.b_hh[r]),
        )
        gates[q] = {"terms": terms, "a": sum(terms), "value": float(_gate(tr.gates, k, H)[t, b, u])}
    return {
        "gates": gates,
        "c_prev": float(tr.cs[t, b, u]),
        "c": float(tr.cs[t + 1, b, u]),
        "tanh_c": float(tr.tanh_c[t, b, u]),
        "h_prev": float(tr.hs[t, b, u]),
        "h": float(tr.hs[t + 1, b, u]),
    }


def backward_numbers(tr: LSTMTrace, back: dict, dh_above: np.ndarray, b: int, t: int, u: int):
    """Unit u of sequence b at step t in the backward pass: dh (from above, from step t+1,
    total), dc (through h_t, from step t+1, total), da per gate, and this step's contribution
    (sequence b) to row u of each gate's dW_ih, dW_hh and db."""
    H = tr.hs.shape[-1]
    step = step_backward(tr, back, t)
    if t == tr.x.shape[0] - 1:
        dh_next = dc_next = 0.0
    else:  # what step t+1's backward sends to h_t (W_hh^T da_{t+1}) and to c_t (f_{t+1} dc_{t+1})
        after = step_backward(tr, back, t + 1)
        dh_next, dc_next = float(after["h_prev"][b, u]), float(after["c_prev"][b, u])
    dh, dc = float(back["dh"][t, b, u]), float(step["c"][b, u])
    gates = {}
    for k, q in enumerate(GATE_ORDER):
        d = float(step["a"][b, k * H + u])
        gates[q] = {"da": d, "dW_ih": d * tr.x[t, b], "dW_hh": d * tr.hs[t, b], "db": d}
    return {
        "dh_above": float(dh_above[t, b, u]),
        "dh_next": dh_next,
        "dh": dh,
        "dc_from_h": dh * float(tr.o[t, b, u]) * (1 - float(tr.tanh_c[t, b, u]) ** 2),
        "dc_next": dc_next,
        "dc": dc,
        "gates": gates,
    }


def _gap(simplified: np.ndarray, true: np.ndarray) -> dict:
    """Relative error ||S - G|| / ||G|| and cosine similarity <S, G> / (||S|| ||G||)."""
    s, g = simplified.ravel(), true.ravel()
    ns, ng = np.linalg.norm(s), np.linalg.norm(g)
    return {
        "rel_err": float(np.linalg.norm(s - g) / ng) if ng > 0 else float("nan"),
        "cosine": float(s @ g / (ns * ng)) if ns > 0 and ng > 0 else float("nan"),
    }


def simplified_grads(tr: LSTMTrace, back: dict) -> dict[str, np.ndarray]:
    """The tutorial's rules for every gate: dW_q = sum_t Dh_t x_t^T, dU_q = sum_t Dh_t h_{t-1}^T,
    db_q = sum_t Dh_t, with Dh_t the true dL/dh_t; stacked i|f|g|o like the true gradient."""
    dh = back["dh"]  # (T, B, H)
    da = np.concatenate([dh] * 4, axis=-1)  # the same Dh_t for every gate
    return weight_grads(tr, da)


def simplified_gap(tr: LSTMTrace, back: dict) -> dict[str, dict]:
    """For W_ih, W_hh, b: how far the simplified gradient is from the true one (the BPTT's)."""
    simple = simplified_grads(tr, back)
    true = {"W_ih": back["W_ih"], "W_hh": back["W_hh"], "b": back["b_ih"]}
    return {name: _gap(simple[name], true[name]) for name in true}
