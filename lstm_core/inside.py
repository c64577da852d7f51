"""What "Inside the cell", the Train page's live cell and the "Cell sandbox" show, computed
from traces (NumPy only).

A layer's trace is a dict of ``(T, B, H)`` arrays (see ``lstm_core.models.trace``):
LSTM ``i f g o c h``, GRU ``r z n h``, RNN ``a h`` (``a`` = pre-activation). This module picks
one sequence out of a trace, says which colour range each quantity lives in, counts gate
saturation, parses a sequence a user types, and runs one LSTM step with every intermediate
value named, through the NumPy reference.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from lstm_core import records
from lstm_core.config import SIGMOID_GATES
from lstm_core.reference import lstm_forward, lstm_step_forward

# Display order of every quantity a trace may hold.
ORDER = ("i", "f", "g", "o", "r", "z", "n", "a", "c", "h")
SQUASHED = frozenset("gnh")  # tanh outputs: always in (-1, 1)
# c (LSTM cell state) and a (RNN pre-activation) are unbounded.


def quantities(layer_trace: dict) -> tuple[str, ...]:
    """The trace's quantities in display order (gates first, then c, h)."""
    return tuple(q for q in ORDER if q in layer_trace)


def gates(layer_trace: dict) -> tuple[str, ...]:
    """The sigmoid gates in the trace (i f o for LSTM, r z for GRU, none for RNN)."""
    return tuple(q for q in quantities(layer_trace) if q in SIGMOID_GATES)


def one_sequence(layer_trace: dict, b: int) -> dict[str, np.ndarray]:
    """Sequence ``b`` of a layer's trace: name -> ``(T, H)`` float64 array."""
    return {
        q: np.asarray(layer_trace[q][:, b, :], dtype=np.float64) for q in quantities(layer_trace)
    }


OUTLIER_FACTOR = 3.0  # a unit whose largest |v| exceeds this many times the median unit's


def value_range(name: str, *arrays: np.ndarray) -> tuple[float, float]:
    """The fixed colour range of a quantity: (0, 1) for gates, (-1, 1) for tanh outputs, and
    for the unbounded c and a symmetric around 0, out to the largest |v| of the units that
    stay within 3 x the median unit's largest |v|, over every array given (``(..., H)``).
    One runaway unit (a counter at -30 among units within +-1) would otherwise set the range
    and leave every other unit near white; its values beyond the range are clipped, and the
    figures mark them."""
    if name in SIGMOID_GATES:
        return 0.0, 1.0
    if name in SQUASHED:
        return -1.0, 1.0
    tops = [
        np.nanmax(np.abs(np.reshape(a, (-1, np.shape(a)[-1]))), axis=0)
        for a in arrays
        if np.size(a)
    ]
    if not tops:
        return -1.0, 1.0
    top = np.max(tops, axis=0)  # (H,): each unit's largest |v|
    top = top[np.isfinite(top)]
    inliers = top[top <= OUTLIER_FACTOR * np.median(top)] if top.size else top
    m = float(inliers.max()) if inliers.size else 0.0
    return (-m, m) if m > 0 else (-1.0, 1.0)


def per_unit(name: str, v: np.ndarray) -> np.ndarray:
    """``v (T, H)`` with each unit scaled to its own range, so a unit that moves little still
    shows its pattern: gates min-max to 0..1, signed quantities by their largest |v| to -1..1
    (a constant unit stays where it is)."""
    v = np.asarray(v, dtype=np.float64)
    if name in SIGMOID_GATES:
        lo, hi = v.min(axis=0), v.max(axis=0)
        span = np.where(hi > lo, hi - lo, 1.0)
        return np.where(hi > lo, (v - lo) / span, v)
    m = np.abs(v).max(axis=0)
    return v / np.where(m > 0, m, 1.0)


def per_unit_range(name: str) -> tuple[float, float]:
    """The colour range of ``per_unit`` values."""
    return (0.0, 1.0) if name in SIGMOID_GATES else (-1.0, 1.0)


def saturation(layer_trace: dict, b: int) -> dict[str, np.ndarray]:
    """Per gate of sequence ``b``: ``(2, H)`` fractions of its time steps below 0.1 (closed,
    row 0) and above 0.9 (open, row 1); the same statistic the trainer keeps per snapshot."""
    one = {q: np.asarray(v)[:, b : b + 1, :] for q, v in layer_trace.items()}
    return records.saturation([one])[0]


class SequenceError(ValueError):
    """Typed sequence text that cannot be read; ``code`` and ``params`` name the problem
    (the app turns them into a translated message)."""

    def __init__(self, code: str, **params):
        super().__init__(f"{code}: {params}")
        self.code = code
        self.params = params


_STEP_SEP = re.compile(r"[,;\n，；]")  # Chinese comma and semicolon too


def parse_sequence(
    text: str, n_inputs: int, max_steps: int = 60, limit: float = 10.0
) -> np.ndarray:
    """Read "1, 0, 0, -1" (one input) or "1 0, 0 1" (two inputs per step) into ``(T, I)``.

    Steps are separated by commas, semicolons or new lines; the numbers of one step by
    spaces. Raises SequenceError with code "empty", "too_long", "not_a_number", "width"
    or "too_large".
    """
    steps = [s.strip() for s in _STEP_SEP.split(text or "")]
    steps = [s for s in steps if s]
    if not steps:
        raise SequenceError("empty")
    if len(steps) > max_steps:
        raise SequenceError("too_long", steps=len(steps), max=max_steps)
    rows = []
    for t, step in enumerate(steps):
        parts = step.split()
        try:
            row = [float(p) for p in parts]
        except ValueError:
            raise SequenceError("not_a_number", step=t, text=step) from None
        if len(row) != n_inputs:
            raise SequenceError("width", step=t, text=step, n=n_inputs, got=len(row))
        if not all(np.isfinite(row)) or max(abs(v) for v in row) > limit:
            raise SequenceError("too_large", step=t, text=step, limit=limit)
        rows.append(row)
    return np.asarray(rows, dtype=np.float64)  # (T, I)


# ----------------------------------------------------------------------- the one-cell sandbox
GATE_ORDER = ("i", "f", "g", "o")  # PyTorch's row blocks of W_ih, W_hh, b_ih, b_hh


def pre_activations(x, h_prev, W_ih, W_hh, b_ih, b_hh) -> np.ndarray:
    """a = W_ih x + b_ih + W_hh h_prev + b_hh for ``x (..., I)``, ``h_prev (..., H)``."""
    return x @ W_ih.T + b_ih + h_prev @ W_hh.T + b_hh  # (..., 4H)


def _split(a: np.ndarray, H: int) -> dict[str, np.ndarray]:
    return {f"a_{q}": a[..., k * H : (k + 1) * H] for k, q in enumerate(GATE_ORDER)}


def cell_step(x_t, h_prev, c_prev, W_ih, W_hh, b_ih, b_hh) -> dict[str, np.ndarray]:
    """One step of one LSTM cell through ``reference.lstm_step_forward``, every value named.

    ``x_t (I,)``, ``h_prev, c_prev (H,)``; returns ``(H,)`` arrays ``a_i a_f a_g a_o``
    (pre-activations), ``i f g o`` (gates), ``c`` and ``h``.
    """
    x_t, h_prev, c_prev = (np.asarray(v, dtype=np.float64) for v in (x_t, h_prev, c_prev))
    h_t, c_t, cache = lstm_step_forward(
        x_t[None], h_prev[None], c_prev[None], W_ih, W_hh, b_ih, b_hh
    )
    out = _split(pre_activations(x_t, h_prev, W_ih, W_hh, b_ih, b_hh), len(h_prev))
    out.update({q: getattr(cache, q)[0, 0] for q in GATE_ORDER})
    out.update(c=c_t[0], h=h_t[0])
    return out


def cell_sequence(xs, h0, c0, W_ih, W_hh, b_ih, b_hh) -> dict[str, np.ndarray]:
    """A typed sequence ``xs (T, I)`` through one LSTM cell (``reference.lstm_forward``) from
    ``h0, c0 (H,)``: ``(T, H)`` arrays ``a_i a_f a_g a_o i f g o c h``."""
    xs, h0, c0 = (np.asarray(v, dtype=np.float64) for v in (xs, h0, c0))
    tr = lstm_forward(xs[:, None, :], W_ih, W_hh, b_ih, b_hh, h0[None], c0[None])
    h_prev = tr.hs[:-1, 0]  # (T, H): the h_{t-1} each step saw
    out = _split(pre_activations(xs, h_prev, W_ih, W_hh, b_ih, b_hh), len(h0))
    out.update({q: getattr(tr, q)[:, 0] for q in (*GATE_ORDER, "c", "h")})
    return out


def blank_cell(H: int, I: int) -> dict[str, np.ndarray]:
    """Sandbox parameters and state: every weight 0, biases 0, forget bias 1."""
    p = {
        "W_ih": np.zeros((4 * H, I)), "W_hh": np.zeros((4 * H, H)),
        "b_ih": np.zeros(4 * H), "b_hh": np.zeros(4 * H),
        "x": np.zeros(I), "h_prev": np.zeros(H), "c_prev": np.zeros(H),
    }  # fmt: skip
    p["b_ih"][H : 2 * H] = 1.0
    return p


def _set_gate(p: dict, gate: str, w_x: float, b: float, H: int) -> None:
    """Every unit: gate pre-activation a = w_x * x[0] + b (no recurrence)."""
    rows = slice(GATE_ORDER.index(gate) * H, (GATE_ORDER.index(gate) + 1) * H)
    p["W_ih"][rows] = 0.0
    p["W_ih"][rows, 0] = w_x
    p["W_hh"][rows] = 0.0
    p["b_ih"][rows] = b
    p["b_hh"][rows] = 0.0


# Per preset: (w_x, b) of gates i, f, g, o, then x[0], c_prev and a sequence that shows it.
PRESETS = {
    "remember": ({"i": (0, -6), "f": (0, 6), "g": (2, 0), "o": (0, 6)}, 1.0, 0.8, "1, 0, 0, -1, 0"),
    "forget": ({"i": (0, -6), "f": (0, -6), "g": (2, 0), "o": (0, 6)}, 1.0, 0.8, "1, 0, 0, -1, 0"),
    "write": ({"i": (0, 6), "f": (0, -6), "g": (3, 0), "o": (0, 6)}, 0.5, 0.8, "1, 0, 0, -1, 0"),
    "read": ({"i": (0, -6), "f": (0, 6), "g": (2, 0), "o": (8, -4)}, 1.0, 0.8, "0, 0, 1, 0, 1"),
}


def preset_cell(name: str, H: int, I: int) -> tuple[dict[str, np.ndarray], str]:
    """The parameters and state of a preset (every unit alike) and its example sequence."""
    gate_params, x0, c0, sequence = PRESETS[name]
    p = blank_cell(H, I)
    for gate, (w_x, b) in gate_params.items():
        _set_gate(p, gate, w_x, b, H)
    p["x"][0], p["c_prev"][:] = x0, c0
    if I > 1:  # the same numbers for the second input in every step
        sequence = ", ".join(f"{v.strip()} 0" for v in sequence.split(","))
    return p, sequence


def resize_sequence(text: str, n_inputs: int) -> str:
    """A typed sequence with ``n_inputs`` numbers per step: each step padded with zeros or cut
    to its first numbers. Text that is not a sequence of numbers comes back unchanged (its
    own message says what is wrong)."""
    steps = [s.split() for s in _STEP_SEP.split(text or "") if s.strip()]
    try:
        [float(v) for step in steps for v in step]
    except ValueError:
        return text
    return ", ".join(" ".join((step + ["0"] * n_inputs)[:n_inputs]) for step in steps)


def default_cell(H: int, I: int) -> dict[str, np.ndarray]:
    """The sandbox's starting cell: every gate reads x[0] with weight 1, forget bias 1,
    x[0] = 1 and c_{t-1} = 0.5, so every value on the diagram is visibly non-zero."""
    p = blank_cell(H, I)
    p["W_ih"][:, 0] = 1.0
    p["x"][0], p["c_prev"][:] = 1.0, 0.5
    return p


def resize_cell(p: dict, H: int, I: int) -> dict[str, np.ndarray]:
    """``p`` with H units and I inputs: the values that exist in both sizes are kept, gate by
    gate; new units and inputs start as in ``default_cell``."""
    H0, I0 = len(p["h_prev"]), len(p["x"])
    q = default_cell(H, I)
    h, i = min(H, H0), min(I, I0)
    for k in range(4):  # gate blocks i, f, g, o
        new, old = slice(k * H, k * H + h), slice(k * H0, k * H0 + h)
        q["W_ih"][new, :i] = p["W_ih"][old, :i]
        q["W_hh"][new, :h] = p["W_hh"][old, :h]
        q["b_ih"][new], q["b_hh"][new] = p["b_ih"][old], p["b_hh"][old]
    q["x"][:i], q["h_prev"][:h], q["c_prev"][:h] = p["x"][:i], p["h_prev"][:h], p["c_prev"][:h]
    return q


def gate_terms(p: dict, unit: int) -> dict[str, tuple[float, float, float]]:
    """For one unit, each gate's pre-activation split into its three terms
    ``(W_ih[row] · x, W_hh[row] · h_prev, b_ih[row] + b_hh[row])``; they sum to ``a``."""
    H = len(p["h_prev"])
    out = {}
    for k, gate in enumerate(GATE_ORDER):
        r = k * H + unit
        out[gate] = (
            float(p["W_ih"][r] @ p["x"]),
            float(p["W_hh"][r] @ p["h_prev"]),
            float(p["b_ih"][r] + p["b_hh"][r]),
        )
    return out


# ----------------------------------------------------------------------- a trainer's traces
def drop_incomplete_snapshots(trainer) -> int:
    """Drop the snapshots that lack a layer or a field of the model's own trace (a damaged
    saved run); return how many were dropped, so that a page can say so."""
    want = [set(layer) for layer in trainer.trace(trainer.probe.x[:, :1])]
    kept = [s for s in trainer.snapshots if [set(layer) for layer in s.traces] == want]
    dropped = len(trainer.snapshots) - len(kept)
    trainer.snapshots = kept
    return dropped


def training_times(trainer) -> list[int]:
    """The training steps whose trace of the probe can be shown: every snapshot, and now."""
    return sorted({s.step for s in trainer.snapshots} | {trainer.steps})


def live_trace(trainer, b: int = 0) -> list[dict]:
    """Per-layer traces of probe sequence ``b`` through the current model: each quantity
    ``(T, 1, H)``. One sequence is all the live cell shows, and tracing one costs a few ms."""
    return trainer.trace(trainer.probe.x[:, b : b + 1])


def probe_input(trainer, b: int = 0) -> tuple[np.ndarray, list[str] | None]:
    """Probe sequence ``b``'s input, ``(T,)`` token ids or ``(T, I)`` values, and its tokens
    as text when the task reads tokens (else None)."""
    x_seq = trainer.probe.x[:, b]
    vocab = trainer.task.vocab if trainer.spec.vocab_size > 0 else None
    return x_seq, ([vocab[int(k)] for k in x_seq] if vocab else None)


def traces_at(trainer, step: int) -> list[dict]:
    """Per-layer traces of ``trainer.probe`` after training step ``step``: the current model
    when ``step`` is now, else the snapshot taken at that step."""
    if step == trainer.steps:
        return trainer.trace(trainer.probe.x)
    for snap in trainer.snapshots:
        if snap.step == step:
            return snap.traces
    raise KeyError(f"no snapshot at step {step}")


def unit_values(v: dict[str, np.ndarray], p: dict, u: int) -> dict:
    """Unit ``u``'s scalars from ``cell_step`` output ``v``, with its inputs ``x``, ``h_prev``,
    ``c_prev`` from the cell ``p``: what the sandbox diagram and equations show."""
    out: dict[str, Any] = {k: float(a[u]) for k, a in v.items()}
    out.update(x=[float(a) for a in p["x"]], h_prev=float(p["h_prev"][u]))
    out["c_prev"] = float(p["c_prev"][u])
    return out


def sequence_columns(xs: np.ndarray, out: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The sequence table: each input ``x[j]``, then ``i f g o c h`` of every unit (named
    ``i`` for a one-unit cell, ``i[k]`` otherwise)."""
    H = out["h"].shape[1]
    cols = {f"x[{j}]": xs[:, j] for j in range(xs.shape[1])}
    for q in ("i", "f", "g", "o", "c", "h"):
        cols.update({q if H == 1 else f"{q}[{k}]": out[q][:, k] for k in range(H)})
    return cols
