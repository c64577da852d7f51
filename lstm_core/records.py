"""What a run records: its loss history and its snapshots of the probe trace, and how both
turn into plain arrays (``.npz`` bytes, never pickled) for the run store and the bundles.

    History     per training step: step, loss, grad_norm (before clipping), clipped, lr
                per evaluation:    val_step, val_loss, metric, solved
    Snapshot    step, traces (one dict per layer, each field (T, B, H)), saturation
                (one dict per layer: gate -> (2, H), row 0 = fraction of time steps below
                0.1, row 1 = fraction above 0.9, over the probe's time steps and sequences)
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from lstm_core import budget
from lstm_core.budget import MAX_NPZ_ENTRIES, MAX_ZIP_RATIO
from lstm_core.config import SIGMOID_GATES

STEP_COLUMNS = ("step", "loss", "grad_norm", "clipped", "lr")
EVAL_COLUMNS = ("val_step", "val_loss", "metric", "solved")
COLUMN_DTYPES = {
    "step": np.int64,
    "loss": np.float64,
    "grad_norm": np.float64,
    "clipped": np.bool_,
    "lr": np.float64,
    "val_step": np.int64,
    "val_loss": np.float64,
    "metric": np.float64,
    "solved": np.bool_,
}
LOW, HIGH = 0.1, 0.9  # a gate "saturates" below LOW (closed) or above HIGH (open)


class RecordError(ValueError):
    """Stored arrays do not form a valid history or snapshot list."""


@dataclass
class History:
    """Columns of plain Python lists; one entry per training step / per evaluation."""

    step: list = field(default_factory=list)
    loss: list = field(default_factory=list)
    grad_norm: list = field(default_factory=list)
    clipped: list = field(default_factory=list)
    lr: list = field(default_factory=list)
    val_step: list = field(default_factory=list)
    val_loss: list = field(default_factory=list)
    metric: list = field(default_factory=list)
    solved: list = field(default_factory=list)

    def add_step(self, step: int, loss: float, grad_norm: float, clipped: bool, lr: float):
        self.step.append(int(step))
        self.loss.append(float(loss))
        self.grad_norm.append(float(grad_norm))
        self.clipped.append(bool(clipped))
        self.lr.append(float(lr))

    def add_eval(self, step: int, val_loss: float, metric: float, solved: bool):
        self.val_step.append(int(step))
        self.val_loss.append(float(val_loss))
        self.metric.append(float(metric))
        self.solved.append(bool(solved))

    def bound(self, cap: int) -> None:
        """Keep at most ``cap`` per-step rows: beyond it, every other row of the older half
        is dropped (the newest half stays whole), so old training is thinned, never lost
        entirely, and the cost is constant per step on average. Evaluations likewise."""
        for group, key in ((STEP_COLUMNS, "step"), (EVAL_COLUMNS, "val_step")):
            n = len(getattr(self, key))
            if n <= cap:
                continue
            old = n - cap // 2  # rows [0, old) are thinned to every other one
            keep = [*range(0, old, 2), *range(old, n)]
            for k in group:
                column = getattr(self, k)
                setattr(self, k, [column[i] for i in keep])

    def arrays(self) -> dict[str, np.ndarray]:
        """Every column as a typed NumPy array."""
        return {k: np.asarray(getattr(self, k), dtype=COLUMN_DTYPES[k]) for k in COLUMN_DTYPES}

    @classmethod
    def from_arrays(cls, arrays: dict) -> History:
        """Rebuild from ``arrays()`` output; checks names and lengths."""
        missing = [k for k in COLUMN_DTYPES if k not in arrays]
        if missing:
            raise RecordError(f"history lacks the column(s) {', '.join(missing)}")
        h = cls(
            **{k: np.asarray(arrays[k]).astype(COLUMN_DTYPES[k]).tolist() for k in COLUMN_DTYPES}
        )
        for group in (STEP_COLUMNS, EVAL_COLUMNS):
            lengths = {len(getattr(h, k)) for k in group}
            if len(lengths) > 1:
                raise RecordError(f"history columns {', '.join(group)} differ in length")
        return h

    def frames(self):
        """Two pandas DataFrames: per step and per evaluation."""
        a = self.arrays()
        return (
            pd.DataFrame({k: a[k] for k in STEP_COLUMNS}),
            pd.DataFrame({k: a[k] for k in EVAL_COLUMNS}),
        )


@dataclass
class Snapshot:
    """The probe batch's trace at one training step, with gate-saturation statistics."""

    step: int
    traces: list  # one dict per layer: field -> (T, B, H)
    saturation: list  # one dict per layer: gate -> (2, H) [fraction < 0.1, fraction > 0.9]

    @classmethod
    def from_traces(cls, step: int, traces: list[dict]) -> Snapshot:
        """The snapshot of ``traces`` (one dict per layer) at ``step``: float32, with saturation."""
        traces = [
            {k: np.asarray(v, dtype=np.float32) for k, v in layer.items()} for layer in traces
        ]
        return cls(step, traces, saturation(traces))


def saturation(traces: list[dict]) -> list[dict]:
    """Per layer and sigmoid gate: (2, H) fractions of (time, sequence) below LOW / above HIGH."""
    out = []
    for layer in traces:
        stats = {}
        for gate in SIGMOID_GATES:
            if gate in layer:
                g = np.asarray(layer[gate])  # (T, B, H)
                stats[gate] = np.stack([(g < LOW).mean(axis=(0, 1)), (g > HIGH).mean(axis=(0, 1))])
        out.append(stats)
    return out


def thin(items: list, cap: int, key=None) -> list:
    """Keep at most ``cap`` items: the first, the last and evenly spaced ones between.

    Repeatedly drops the inner item whose neighbours are closest (by ``key``, e.g. the step),
    so that however often it runs, the kept items stay about evenly spaced.
    """
    if len(items) <= cap:
        return items
    if cap <= 1:
        return items[-1:]
    items = list(items)
    pos = [key(x) if key else i for i, x in enumerate(items)]
    while len(items) > cap:
        i = min(range(1, len(items) - 1), key=lambda j: pos[j + 1] - pos[j - 1])
        del items[i], pos[i]
    return items


def keep_snapshot(snapshots: list[Snapshot], snap: Snapshot, max_snapshots: int) -> list:
    """``snapshots`` with ``snap`` added (replacing one of the same step), thinned to at most
    max_snapshots, fewer when they would hold more than the snapshot budget in bytes (always
    at least the first and the last)."""
    kept = list(snapshots)
    if kept and kept[-1].step == snap.step:
        kept[-1] = snap
    else:
        kept.append(snap)
    size = sum(v.nbytes for layer in snap.traces for v in layer.values())
    cap = max(2, min(max_snapshots, budget.SNAPSHOT_BUDGET_BYTES // max(size, 1)))
    return thin_snapshots(kept, cap)


def thin_snapshots(snapshots: list[Snapshot], max_snapshots: int) -> list:
    """At most ``max_snapshots``, evenly spaced by step (``thin``)."""
    return thin(snapshots, max_snapshots, key=lambda s: s.step)


def run_summary(tr) -> dict:
    """A Trainer's run in one flat dict (the CLI's --json line and the store's summary)."""
    h, best, epoch = tr.history, tr.best, tr.epoch
    recent = h.loss[-20:]
    return {
        "task": tr.config.task,
        "cell": tr.config.model.cell,
        "variant": tr.config.model.variant,
        "steps": tr.steps,
        "train_loss": float(np.mean(recent)) if recent else float("nan"),
        "val_loss": h.val_loss[-1] if h.val_loss else float("nan"),
        "metric": tr.task.metric.name,
        "metric_value": h.metric[-1] if h.metric else float("nan"),
        "solved": bool(h.solved[-1]) if h.solved else False,
        "baseline": float(tr.baseline["metric"]),
        "seconds": round(tr.seconds, 3),
        "steps_per_s": round(tr.steps_per_s, 2),
        "best_val_loss": best["val_loss"] if best else float("nan"),
        "best_step": best["step"] if best else None,
        "overfitting_since": tr.overfitting_since,
        "epoch": round(epoch, 3) if epoch is not None else None,
    }


# --------------------------------------------------------------------------- npz bytes
def to_npz(arrays: dict[str, np.ndarray]) -> bytes:
    """Arrays -> compressed .npz bytes (plain arrays only: object arrays are refused)."""
    for k, v in arrays.items():
        if np.asarray(v).dtype == object:
            raise RecordError(f"array {k!r} holds Python objects")
    buf = io.BytesIO()
    np.savez_compressed(buf, allow_pickle=False, **arrays)
    return buf.getvalue()


def from_npz(data: bytes, max_bytes: int = 1 << 30, strict: bool = False) -> dict[str, np.ndarray]:
    """.npz bytes -> arrays, without pickle, checking before anything is inflated: at most
    ``max_bytes`` once unpacked and each array's header agreeing with its size. ``strict``
    (for files from outside): also at most MAX_NPZ_ENTRIES arrays, and no entry that unpacks
    to more than MAX_ZIP_RATIO times its packed size."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            infos = z.infolist()
            _check_entries(infos, max_bytes, strict)
            for info in infos:
                _check_npy_header(z, info)
            return {_array_name(i.filename): _read_npy(z, i) for i in infos}
    except RecordError:
        raise
    except Exception as e:  # zipfile.BadZipFile, ValueError (pickled arrays), OSError
        raise RecordError(f"not a valid array file ({e})") from None


def _check_entries(infos: list, max_bytes: int, strict: bool) -> None:
    total = sum(info.file_size for info in infos)
    if total > max_bytes:
        raise RecordError(f"arrays unpack to {total} bytes, more than the {max_bytes} allowed")
    if not strict:
        return
    if len(infos) > MAX_NPZ_ENTRIES:
        raise RecordError(f"it holds {len(infos)} arrays, more than the {MAX_NPZ_ENTRIES} allowed")
    for info in infos:
        if info.file_size > MAX_ZIP_RATIO * max(info.compress_size, 1024):
            raise RecordError(
                f"{info.filename} unpacks to {info.file_size} bytes from "
                f"{info.compress_size}: refused as a zip bomb"
            )


def _check_npy_header(z: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """The array's declared shape and type must fit in the bytes the archive declares."""
    with z.open(info) as f:
        version = np.lib.format.read_magic(f)
        fmt = np.lib.format
        read = fmt.read_array_header_1_0 if version == (1, 0) else fmt.read_array_header_2_0
        shape, _, dtype = read(f)
    if dtype.hasobject:
        raise RecordError(f"{info.filename} holds Python objects")
    if int(np.prod(shape, dtype=np.float64)) * dtype.itemsize > info.file_size:
        raise RecordError(f"{info.filename} declares a shape {shape} larger than its data")


def _read_npy(z: zipfile.ZipFile, info: zipfile.ZipInfo) -> np.ndarray:
    with z.open(info) as f:
        return np.lib.format.read_array(f, allow_pickle=False)


def _array_name(filename: str) -> str:
    return filename[: -len(".npy")] if filename.endswith(".npy") else filename


def snapshots_to_arrays(snapshots: list[Snapshot]) -> dict[str, np.ndarray]:
    """Flatten snapshots into named arrays: s{n}__step, s{n}__l{k}__{field}, s{n}__sat{k}__{g}."""
    arrays = {"count": np.asarray(len(snapshots))}
    for n, s in enumerate(snapshots):
        arrays[f"s{n}__step"] = np.asarray(s.step)
        for k, layer in enumerate(s.traces):
            for name, v in layer.items():
                arrays[f"s{n}__l{k}__{name}"] = np.asarray(v)
        for k, stats in enumerate(s.saturation):
            for gate, v in stats.items():
                arrays[f"s{n}__sat{k}__{gate}"] = np.asarray(v)
    return arrays


def snapshots_from_arrays(arrays: dict[str, np.ndarray]) -> list[Snapshot]:
    """Inverse of ``snapshots_to_arrays``; other keys (e.g. probe_x) are ignored."""
    if "count" not in arrays:
        return []
    if arrays["count"].shape != () or arrays["count"].dtype.kind not in "iu":
        raise RecordError("the snapshot count is not a whole number")
    count = int(arrays["count"])
    snaps = []
    for n in range(count):
        if f"s{n}__step" not in arrays:
            raise RecordError(f"snapshot {n} has no step")
        traces: dict[int, dict] = {}
        sat: dict[int, dict] = {}
        prefix = f"s{n}__"
        for key, v in arrays.items():
            if not key.startswith(prefix) or key == f"s{n}__step":
                continue
            where, _, name = key[len(prefix) :].partition("__")
            if where.startswith("sat") and where[3:].isdigit():
                sat.setdefault(int(where[3:]), {})[name] = v
            elif where.startswith("l") and where[1:].isdigit():
                traces.setdefault(int(where[1:]), {})[name] = v
            else:
                raise RecordError(f"unexpected array {key!r} in snapshots")
        layers = sorted(traces)
        snaps.append(
            Snapshot(
                step=int(arrays[f"s{n}__step"]),
                traces=[traces[k] for k in layers],
                saturation=[sat.get(k, {}) for k in layers],
            )
        )
    return snaps


# --------------------------------------------------------------------------- task data
TASK_DATA_KEYS = ("data", "text", "target", "inputs", "missing")  # make_task's non-knob inputs


def task_data_to_arrays(data: dict) -> dict[str, np.ndarray]:
    """The inputs a task was built from (an uploaded file, a column) as plain arrays:
    bytes -> uint8, text -> a unicode scalar, a list of names -> a unicode vector."""
    arrays = {}
    for k, v in data.items():
        if k not in TASK_DATA_KEYS:
            raise RecordError(f"unknown task input {k!r}")
        if v is None:
            continue
        if isinstance(v, bytes | bytearray):
            arrays[f"bytes__{k}"] = np.frombuffer(bytes(v), dtype=np.uint8)
        elif isinstance(v, str):
            arrays[f"str__{k}"] = np.array(v)
        elif isinstance(v, list | tuple) and all(isinstance(s, str) for s in v):
            arrays[f"list__{k}"] = np.array(list(v), dtype=str)
        else:
            raise RecordError(f"task input {k!r} must be bytes, text or a list of names")
    return arrays


def task_data_from_arrays(arrays: dict) -> dict:
    """Inverse of ``task_data_to_arrays``; unknown names are refused."""
    data = {}
    for key, a in arrays.items():
        kind, _, k = key.partition("__")
        if k not in TASK_DATA_KEYS or kind not in ("bytes", "str", "list"):
            raise RecordError(f"unknown task input {key!r}")
        if kind == "bytes" and a.dtype == np.uint8 and a.ndim == 1:
            data[k] = a.tobytes()
        elif kind == "str" and a.dtype.kind == "U" and a.ndim == 0:
            data[k] = str(a)
        elif kind == "list" and a.dtype.kind == "U" and a.ndim == 1:
            data[k] = [str(s) for s in a]
        else:
            raise RecordError(f"task input {key!r} has the wrong type")
    return data
