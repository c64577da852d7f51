"""How much memory a run may take, estimated before it is built, and bounded reads of files.

One student's session shares the server with a whole class, so every run has a memory budget
(``SESSION_BUDGET_BYTES``). ``estimate(config, spec)`` adds up what a run will hold (weights,
optimizer state, the activations of one training step, the validation set and its outputs,
the snapshots and the history) before anything is allocated; ``check(config, spec)`` refuses
a configuration over budget with a ``BudgetError`` that names the knob to lower.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

SESSION_BUDGET_BYTES = 200 << 20  # what one run may hold: weights, activations, records
SNAPSHOT_BUDGET_BYTES = 24 << 20  # all the snapshots of one run together
HISTORY_MAX_ROWS = 20_000  # per-step rows kept; older rows are thinned beyond this
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
    """A byte count in plain words: "812 bytes", "3.4 MB"."""
    return f"{int(n):,} bytes" if n < 1_000_000 else f"{n / 1e6:.1f} MB"


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
