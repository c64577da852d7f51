"""How much memory a run may take, estimated before it is built, and bounded reads of files.

One student's session shares the server with a whole class, so every run has a memory budget
(``SESSION_BUDGET_BYTES``, set in ``config.MEMORY_LIMITS``). ``estimate(config, spec, T)``
adds up what a run will hold (weights, optimizer state, the activations of one training step,
the validation set and its outputs, the snapshots and the history) before anything is
allocated; ``over_budget`` says by how much a configuration is over, and the knob to lower
(the Trainer refuses it with a ``budget.over`` problem).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace

from lstm_core.config import MEMORY_LIMITS

SESSION_BUDGET_BYTES = MEMORY_LIMITS["session_bytes"]  # set in lstm_core.config
SNAPSHOT_BUDGET_BYTES = MEMORY_LIMITS["snapshot_bytes"]
HISTORY_MAX_ROWS = MEMORY_LIMITS["history_rows"]
FLOAT32, FLOAT64 = 4, 8
MAX_ZIP_RATIO = 200  # an archive entry that unpacks to more than 200x its packed size: a bomb
MAX_NPZ_ENTRIES = 8192  # arrays in one .npz of a bundle (snapshots x layers x fields)
TASK_DATA_MAX_BYTES = 40 << 20  # an uploaded CSV (20 MB) or text (2M characters, 4 bytes each)


class FileTooBig(ValueError):
    """A file is larger than its limit; the message names the file and both sizes."""


def read_capped(path, max_bytes: int, what: str = "the file") -> bytes:
    """Read at most ``max_bytes`` of a file, refusing a larger one without reading it all.

    The size on disk is checked first; a device or pipe (``/dev/zero``, size 0 on disk) is
    still read only up to ``max_bytes + 1`` bytes, so it is refused just as fast.
    """
    path = os.fspath(path)
    size = os.path.getsize(path)
    if size > max_bytes:
        raise FileTooBig(f"{what} {path} is {mb(size)}; the limit is {mb(max_bytes)}")
    with open(path, "rb") as f:
        data = f.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise FileTooBig(f"{what} {path} is larger than the limit of {mb(max_bytes)}")
    return data


def mb(n: float) -> str:
    """A byte count in plain words: "812 bytes", "3.4 MB", "4.9 GB"."""
    if n < 1_000_000:
        return f"{int(n):,} bytes"
    return f"{n / 1e6:.1f} MB" if n < 1e9 else f"{n / 1e9:.1f} GB"


@dataclass(frozen=True)
class Estimate:
    """Bytes a run will hold, by part; ``total`` is what the budget is checked against."""

    weights: int  # parameters, gradients and optimizer state
    activations: int  # one training step: autograd keeps every gate of every step
    validation: int  # the validation inputs, targets and model outputs
    records: int  # snapshots (bounded in bytes) and history (bounded in rows)

    @property
    def total(self) -> int:
        return self.weights + self.activations + self.validation + self.records


GATES = {"lstm": 4, "gru": 3, "rnn": 1}  # row blocks of W_ih per cell
TRACE_FIELDS = {"lstm": 6, "gru": 4, "rnn": 2}  # i f g o c h | r z n h | a h
VALIDATION_SIZE = 256  # sequences in the fixed validation set
EVAL_CHUNK = 32  # validation sequences predicted at once
PROBE_SIZE = 4  # validation sequences traced in every snapshot
HISTORY_ROW_BYTES = 5 * 32  # five columns of Python floats in lists, per step
AUTOGRAD_FACTOR = 2  # saved gates and their gradients, per step (measured: 1.3-1.8x)
KNOBS_TO_LOWER = ("batch_size", "hidden_size", "num_layers", "seq_len")  # tried in this order


def count_params(spec, model) -> int:
    """Weights of the model: embedding, every recurrent layer, the head."""
    G, H = GATES[model.cell], model.hidden_size
    width = model.embed_size if spec.vocab_size > 0 else spec.input_size
    total = spec.vocab_size * model.embed_size + H * spec.output_size + spec.output_size
    for _ in range(model.num_layers):
        total += G * H * (width + H) + 2 * G * H + 3 * H  # W_ih, W_hh, biases, peepholes
        width = H
    return total


def snapshot_bytes(model, seq_len: int) -> int:
    """One snapshot: every trace field of every layer, (T, PROBE_SIZE, H) float32."""
    fields = TRACE_FIELDS[model.cell] * model.num_layers
    return fields * seq_len * PROBE_SIZE * model.hidden_size * FLOAT32


def estimate(config, spec, seq_len: int) -> Estimate:
    """Bytes a run of ``config`` on a task of ``spec`` with sequences of ``seq_len`` will hold."""
    m, B, T = config.model, config.optim.batch_size, seq_len
    G, H, O = GATES[m.cell], m.hidden_size, spec.output_size
    width = m.embed_size if spec.vocab_size > 0 else spec.input_size
    weights = count_params(spec, m) * (4 * FLOAT32 + FLOAT64)  # w, grad, 2 moments; a copy
    per_step = m.num_layers * (G + 2) * H + width + 2 * O  # gates, c, h, input, output
    activations = AUTOGRAD_FACTOR * T * B * per_step * FLOAT32
    chunk = min(EVAL_CHUNK, VALIDATION_SIZE)
    if spec.vocab_size > 0:  # token ids in and out, int64
        inputs = VALIDATION_SIZE * T * 2 * FLOAT64
    else:
        inputs = VALIDATION_SIZE * T * (spec.input_size + O) * FLOAT32
    validation = inputs + chunk * T * ((G + 2) * H * FLOAT32 + 2 * O * FLOAT64)
    snapshots = min(SNAPSHOT_BUDGET_BYTES, config.max_snapshots * snapshot_bytes(m, T))
    records = snapshots + HISTORY_MAX_ROWS * HISTORY_ROW_BYTES
    return Estimate(weights, activations, validation, records)


@dataclass(frozen=True)
class Overrun:
    """A configuration over budget: what it needs, and the knob to lower first."""

    need: int  # bytes estimated
    limit: int  # bytes allowed
    knob: str  # one of KNOBS_TO_LOWER, or "" when no single knob brings it under the limit
    now: int  # the knob's value now
    fits: int  # the largest value of the knob that fits (0 when knob is "")


def over_budget(config, spec, seq_len: int, limit: int = SESSION_BUDGET_BYTES) -> Overrun | None:
    """None when the run fits in ``limit`` bytes; else what it needs and the knob to lower:
    the first of KNOBS_TO_LOWER with a lower value that fits, and the largest such value."""
    need = estimate(config, spec, seq_len).total
    if need <= limit:
        return None
    for knob in KNOBS_TO_LOWER:
        now = seq_len if knob == "seq_len" else _value(config, knob)
        for value in _lower_values(knob, now):
            trial = _with(config, knob, value)
            if estimate(trial, spec, value if knob == "seq_len" else seq_len).total <= limit:
                return Overrun(need, limit, knob, now, value)
    return Overrun(need, limit, "", 0, 0)


def _value(config, knob: str) -> int:
    return getattr(config.optim if knob == "batch_size" else config.model, knob)


def _lower_values(knob: str, now: int) -> list[int]:
    """Candidate values below ``now``, largest first: one layer less, or halving."""
    if knob == "num_layers":
        return list(range(now - 1, 0, -1))
    values, v = [], now // 2
    while v >= 1:
        values.append(v)
        v //= 2
    return values


def _with(config, knob: str, value: int):
    if knob == "seq_len":
        return config
    if knob == "batch_size":
        return replace(config, optim=replace(config.optim, batch_size=value))
    return replace(config, model=replace(config.model, **{knob: value}))
