"""Export a run to a .zip bundle and import one back, validating everything first.

A bundle holds:
    config.json          {"format", "version", "name", "config" (TrainConfig), "spec",
                          "task_values", "summary", "lstm_core"}
    history.csv          one row per step: step, loss, grad_norm, clipped, lr, val_loss,
                         metric, solved (empty where a step had no training or no evaluation)
    weights.safetensors  the weights, named as in the PyTorch state dict
    traces.npz           the snapshots of the probe trace, plus probe_x / probe_y / probe_out
    task_data.npz        only for tasks built from your data: the CSV file and its columns,
                         or the custom text (bytes and strings as plain arrays)
    train.py             a standalone PyTorch script that rebuilds and trains the model
                         (lstm_core/standalone.py; it imports nothing from lstm_core)

Import checks the archive (size, entry count, unpacked size, names), then every file (JSON
keys and values, format version, CSV columns, safetensors names and shapes against the model
the config builds, arrays without pickle) and only then writes one run to the store.
"""

from __future__ import annotations

import io
import json
import math
import os
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
from safetensors import numpy as safetensors_np

from lstm_core import __version__
from lstm_core.budget import (
    HISTORY_MAX_ROWS,
    MAX_ZIP_RATIO,
    SNAPSHOT_BUDGET_BYTES,
    TASK_DATA_MAX_BYTES,
    FileTooBig,
    read_capped,
)
from lstm_core.config import LIMITS, TrainConfig, value_at
from lstm_core.records import (
    History,
    RecordError,
    from_npz,
    saturation,
    snapshots_from_arrays,
    snapshots_to_arrays,
    task_data_from_arrays,
    task_data_to_arrays,
    to_npz,
)
from lstm_core.store import RunStore, SavedRun, StoreError, clean_name, dumps, weights_to_bytes
from lstm_core.tasks import TaskError
from lstm_core.train import Trainer, TrainError, check_config

FORMAT, VERSION = "lstm-playground-run", 1
REQUIRED = ("config.json", "history.csv", "weights.safetensors")
OPTIONAL = ("traces.npz", "train.py", "task_data.npz")
MAX_ZIP_BYTES = 64 << 20  # the .zip file itself
MAX_UNPACKED_BYTES = 256 << 20  # everything inside, as declared (checked before reading)
MAX_ENTRIES = 16
MAX_RATIO = MAX_ZIP_RATIO  # an entry that unpacks to more than 200x its packed size: a bomb
MAX_HISTORY_ROWS = 2 * HISTORY_MAX_ROWS  # a row per kept step and per evaluation
CSV_COLUMNS = ("step", "loss", "grad_norm", "clipped", "lr", "val_loss", "metric", "solved")
SUMMARY_KEYS = ("seconds", "steps_per_s")


class BundleError(ValueError):
    """The bundle cannot be written or read; the message says what is wrong."""


# --------------------------------------------------------------------------- CSV
def csv_safe(df):
    """Neutralize spreadsheet formulas: text cells starting with = + - @ get a leading '.

    Numeric and boolean columns stay plain numbers (-0.5 is a number, not a formula).
    """
    df = df.copy()
    for col in df.columns:
        if df[col].dtype == object or str(df[col].dtype).startswith(("string", "str")):
            df[col] = [
                "'" + v if isinstance(v, str) and v[:1] in ("=", "+", "-", "@", "\t", "\r") else v
                for v in df[col]
            ]
    return df


def history_csv(history: History) -> str:
    """One row per step number that had a training step or an evaluation."""
    steps, evals = history.frames()
    evals = evals.rename(columns={"val_step": "step"})
    df = pd.merge(steps, evals, on="step", how="outer").sort_values("step")
    df["clipped"] = df["clipped"].map({True: 1, False: 0})
    df["solved"] = df["solved"].map({True: 1, False: 0})
    return csv_safe(df[list(CSV_COLUMNS)]).to_csv(index=False, float_format="%.17g")


def history_from_csv(text: str) -> History:
    """Parse and check history.csv (BundleError naming the problem)."""
    rows = text.count("\n") - 1  # counted before parsing: pandas would hold them all
    if rows > MAX_HISTORY_ROWS:
        raise BundleError(f"history.csv has {rows:,} rows; at most {MAX_HISTORY_ROWS:,} allowed")
    try:
        df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except Exception as e:
        raise BundleError(f"history.csv is not a readable CSV file ({e})") from None
    cols = list(df.columns)
    if cols != list(CSV_COLUMNS):
        missing = [c for c in CSV_COLUMNS if c not in cols]
        extra = [c for c in cols if c not in CSV_COLUMNS]
        raise BundleError(
            "history.csv must have the columns "
            + ", ".join(CSV_COLUMNS)
            + (f"; missing: {', '.join(missing)}" if missing else "")
            + (f"; unknown: {', '.join(map(str, extra))}" if extra else "")
        )
    if len(df) > MAX_HISTORY_ROWS:
        raise BundleError(f"history.csv has {len(df):,} rows; at most {MAX_HISTORY_ROWS:,} allowed")
    h = History()
    previous = -1
    for row, r in enumerate(df.itertuples(index=False), start=2):
        step = _number(r.step, "step", row, integer=True)
        if step <= previous:
            raise BundleError(f"history.csv line {row}: steps must increase")
        previous = step
        if r.clipped != "":
            h.add_step(
                step,
                _number(r.loss, "loss", row),
                _number(r.grad_norm, "grad_norm", row),
                _flag(r.clipped, "clipped", row),
                _number(r.lr, "lr", row),
            )
        if r.solved != "":
            h.add_eval(
                step,
                _number(r.val_loss, "val_loss", row, allow_nan=True),
                _number(r.metric, "metric", row, allow_nan=True),
                _flag(r.solved, "solved", row),
            )
    return h


def _number(text, column, row, integer=False, allow_nan=False):
    shown = repr(text) if len(str(text)) <= 30 else repr(str(text)[:27] + "...")
    try:
        ok = not integer or len(text) <= 18  # whole numbers must fit an int64
        value = int(text) if integer else float(text if text != "" else "nan")
    except (TypeError, ValueError):
        ok = False
    if not ok:
        raise BundleError(f"history.csv line {row}: {column} is not a number: {shown}")
    if not integer and not allow_nan and not math.isfinite(value):
        raise BundleError(f"history.csv line {row}: {column} must be a finite number")
    if integer and value < 0:
        raise BundleError(f"history.csv line {row}: {column} cannot be negative")
    return value


def _flag(text, column, row) -> bool:
    if text not in ("0", "1"):
        raise BundleError(f"history.csv line {row}: {column} must be 0 or 1, got {text!r}")
    return text == "1"


# --------------------------------------------------------------------------- export
def export_bundle(trainer, path, name: str = "run", summary: dict | None = None) -> Path:
    """Write ``trainer``'s run to ``path`` (.zip), atomically; return the path."""
    path = Path(path)
    probe = trainer.probe
    arrays = snapshots_to_arrays(trainer.snapshots)
    arrays.update(probe_x=probe.x, probe_y=probe.y, probe_out=trainer.predict(probe.x))
    if probe.mask is not None:
        arrays["probe_mask"] = probe.mask
    spec = trainer.spec
    meta = {
        "format": FORMAT,
        "version": VERSION,
        "lstm_core": __version__,
        "name": name,
        "config": trainer.config.to_dict(),
        "spec": {
            "kind": spec.kind,
            "input_size": spec.input_size,
            "output_size": spec.output_size,
            "vocab_size": spec.vocab_size,
            "target_len": spec.target_len,
            "attention": spec.attention,
        },
        "task_values": trainer.task.values,
        "summary": {**trainer.summary(), **(summary or {})},
    }
    files: dict[str, str | bytes] = {
        "config.json": json.dumps(json.loads(dumps(meta)), indent=2),
        "history.csv": history_csv(trainer.history),
        "weights.safetensors": weights_to_bytes(trainer.state_dict()),
        "traces.npz": to_npz(arrays),
        "train.py": (Path(__file__).parent / "standalone.py").read_text(),
    }
    if trainer.task_data:
        files["task_data.npz"] = to_npz(task_data_to_arrays(trainer.task_data))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".zip.part")
        with os.fdopen(fd, "wb") as f, zipfile.ZipFile(f, "w", zipfile.ZIP_DEFLATED) as z:
            for fname, data in files.items():
                z.writestr(fname, data)
        os.replace(tmp, path)
    except OSError as e:
        raise BundleError(f"cannot write {path} ({e.strerror})") from None
    return path


def export_saved(run: SavedRun, path) -> Path:
    """Export a run loaded from the store."""
    keep = {k: run.summary[k] for k in SUMMARY_KEYS if k in run.summary}
    return export_bundle(run.trainer(), path, run.name, keep)


# --------------------------------------------------------------------------- import
def read_bundle(source) -> dict:
    """Open and check a bundle (a path or bytes); return its files' bytes by name."""
    if isinstance(source, bytes | bytearray):
        data = bytes(source)
    else:
        try:
            data = read_capped(source, MAX_ZIP_BYTES, "the bundle")
        except FileTooBig as e:
            raise BundleError(str(e)) from None
        except OSError as e:
            raise BundleError(f"cannot read {source} ({e.strerror})") from None
    if len(data) > MAX_ZIP_BYTES:
        raise BundleError(f"the bundle is {len(data)} bytes; at most {MAX_ZIP_BYTES} allowed")
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise BundleError("the bundle is not a .zip file") from None
    with z:
        infos = z.infolist()
        if len(infos) > MAX_ENTRIES:
            raise BundleError(f"the bundle has {len(infos)} entries; at most {MAX_ENTRIES}")
        _check_names([i.filename for i in infos])
        total = sum(i.file_size for i in infos)
        if total > MAX_UNPACKED_BYTES:
            raise BundleError(
                f"the bundle unpacks to {total} bytes; at most {MAX_UNPACKED_BYTES} allowed"
            )
        for i in infos:
            if i.file_size > MAX_RATIO * max(i.compress_size, 1024):
                raise BundleError(
                    f"{i.filename} unpacks to {i.file_size} bytes from "
                    f"{i.compress_size}: refused as a zip bomb"
                )
        files = {}
        for i in infos:
            try:
                with z.open(i) as f:
                    files[i.filename] = f.read(i.file_size + 1)
            except (zipfile.BadZipFile, OSError, RuntimeError, EOFError) as e:
                raise BundleError(f"{i.filename} is damaged ({e})") from None
            if len(files[i.filename]) > i.file_size:
                raise BundleError(f"{i.filename} is larger than the archive declares")
    return files


def _check_names(names: list[str]) -> None:
    for n in names:
        if n.startswith(("/", "\\")) or ".." in n.replace("\\", "/").split("/") or ":" in n:
            raise BundleError(f"the bundle holds an unsafe file name {n!r}")
        if "/" in n or "\\" in n:
            raise BundleError(f"the bundle holds a folder entry {n!r}; files must be at the top")
        if n not in REQUIRED + OPTIONAL:
            raise BundleError(
                f"the bundle holds an unknown file {n!r}; expected "
                + ", ".join(REQUIRED + OPTIONAL)
            )
    if len(set(names)) != len(names):
        raise BundleError("the bundle holds the same file twice")
    missing = [n for n in REQUIRED if n not in names]
    if missing:
        raise BundleError(f"the bundle lacks {', '.join(missing)}")


def parse_config(data: bytes) -> tuple[dict, TrainConfig]:
    """config.json -> (its metadata, the TrainConfig), checked."""
    try:
        meta = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:  # ValueError: also a 5,000-digit number
        raise BundleError(f"config.json is not valid JSON ({str(e)[:120]})") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise BundleError("config.json is not an LSTM Playground run (its format is wrong)")
    version = meta.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise BundleError("config.json has no format version")
    if version > VERSION:
        raise BundleError(
            f"the bundle has format version {version}, made by a newer version "
            f"of LSTM Playground; this one reads version {VERSION}"
        )
    if version < 1:
        raise BundleError(f"config.json has an unknown format version {version}")
    raw = meta.get("config")
    if not isinstance(raw, dict):
        raise BundleError('config.json has no "config" section')
    try:
        for section in ("model", "optim"):
            if not isinstance(raw.get(section, {}), dict):
                raise BundleError(f'config.json: "{section}" must be an object')
        if not isinstance(raw.get("task_knobs", {}), dict):
            raise BundleError('config.json: "task_knobs" must be an object')
        cfg = TrainConfig.from_dict(raw)
        check_config(cfg)
    except TypeError as e:
        raise BundleError(f"config.json has an unknown or missing setting ({e})") from None
    except TrainError as e:
        raise BundleError(f"config.json: {e}") from None
    if not isinstance(cfg.task, str):
        raise BundleError("config.json: the task must be a name")
    return meta, cfg


def load_bundle(source) -> SavedRun:
    """Read and fully validate a bundle; nothing is written anywhere."""
    files = read_bundle(source)
    meta, cfg = parse_config(files["config.json"])
    try:
        text = files["history.csv"].decode("utf-8")
    except UnicodeDecodeError:
        raise BundleError("history.csv is not UTF-8 text") from None
    history = history_from_csv(text)
    weights = _weights(files["weights.safetensors"])
    snapshots = _snapshots(files, cfg)
    task_data = _task_data(files)
    try:
        trainer = Trainer.from_saved(cfg, weights, history, snapshots, task_data)
    except TrainError as e:
        raise BundleError(f"weights.safetensors: {e}") from None
    except (TaskError, ValueError) as e:
        raise BundleError(f"config.json: {e}") from None
    _check_pages(cfg, trainer.history)
    expected = trainer.trace(trainer.probe.x)
    for s in trainer.snapshots:
        _check_snapshot(s, expected)
    summary = _summary(meta, trainer)
    name = _name(meta)
    return SavedRun(
        None,
        name,
        "",
        cfg,
        summary,
        trainer.history,
        trainer.snapshots,
        trainer.state_dict(),
        trainer.task_data,
    )


def _snapshots(files: dict[str, bytes], cfg: TrainConfig) -> list:
    """The snapshots of traces.npz (none without it), at most max_snapshots + 1."""
    if "traces.npz" not in files:
        return []
    try:
        snapshots = snapshots_from_arrays(
            from_npz(files["traces.npz"], 2 * SNAPSHOT_BUDGET_BYTES, strict=True)
        )
    except RecordError as e:
        raise BundleError(f"traces.npz: {e}") from None
    if len(snapshots) > max(cfg.max_snapshots, 1) + 1:
        raise BundleError(
            f"traces.npz holds {len(snapshots)} snapshots; max_snapshots is {cfg.max_snapshots}"
        )
    return snapshots


def _task_data(files: dict[str, bytes]) -> dict:
    """The task's user data of task_data.npz (empty without it); CSV data as bytes only."""
    if "task_data.npz" not in files:
        return {}
    try:
        task_data = task_data_from_arrays(
            from_npz(files["task_data.npz"], TASK_DATA_MAX_BYTES, strict=True)
        )
    except RecordError as e:
        raise BundleError(f"task_data.npz: {e}") from None
    if isinstance(task_data.get("data"), str):
        raise BundleError("task_data.npz: the CSV data must be the file's bytes, not a path")
    return task_data


def _summary(meta: dict, trainer) -> dict:
    """The rebuilt trainer's summary, with the bundle's own numbers where it has them."""
    summary = trainer.summary()
    old = meta.get("summary")
    if not isinstance(old, dict):
        old = {}
    for k in SUMMARY_KEYS:
        if isinstance(old.get(k), int | float) and not isinstance(old.get(k), bool):
            summary[k] = float(old[k])
    return summary


def _name(meta: dict) -> str:
    """The bundle's run name, cleaned; "imported run" when it has none or a bad one."""
    name = meta.get("name") if isinstance(meta.get("name"), str) else "imported run"
    try:
        return clean_name(name)
    except StoreError:
        return "imported run"


def _weights(data: bytes) -> dict[str, np.ndarray]:
    try:
        weights = safetensors_np.load(data)
    except Exception:
        raise BundleError("weights.safetensors is not a safetensors file") from None
    for k, v in weights.items():
        if not np.issubdtype(v.dtype, np.floating):
            raise BundleError(f"weights.safetensors: {k} is {v.dtype}, not floating point")
        if not np.isfinite(v).all():
            raise BundleError(f"weights.safetensors: {k} holds NaN or infinite values")
    return weights


def _check_snapshot(s, expected: list[dict]) -> None:
    """A snapshot must hold what the pages read: every layer, with every field of the model's
    own trace (i, f, g, o, c, h for an LSTM) in its shape."""
    if len(s.traces) != len(expected):
        raise BundleError(
            f"traces.npz: snapshot at step {s.step} has {len(s.traces)} layers; "
            f"the model has {len(expected)}"
        )
    for k, (layer, want) in enumerate(zip(s.traces, expected, strict=True)):
        missing = [name for name in want if name not in layer]
        if missing or set(layer) != set(want):
            raise BundleError(
                f"traces.npz: snapshot at step {s.step}, layer {k + 1} has the fields "
                f"{', '.join(sorted(layer)) or 'none'}; expected {', '.join(want)}"
            )
        for name, v in layer.items():
            T, H = want[name].shape[0], want[name].shape[-1]
            if v.ndim != 3 or v.shape[0] != T or v.shape[-1] != H or v.dtype.kind != "f":
                raise BundleError(
                    f"traces.npz: snapshot at step {s.step}, {name} has shape "
                    f"{v.shape}; expected ({T}, B, {H}) floats"
                )
    s.saturation = saturation(s.traces)  # recomputed: never trusted from the file


def _check_pages(cfg: TrainConfig, history) -> None:
    """What the pages read and the bundle could still lack or set out of their range."""
    for name in ("forget_bias", "recurrent_scale"):  # the Train page's sliders
        limit, value = LIMITS[name], value_at(cfg, LIMITS[name].path)
        if not limit.class_low <= value <= limit.class_high:
            raise BundleError(
                f"config.json: {name.replace('_', ' ')} {value:g} is outside the "
                f"range {limit.class_low:g} to {limit.class_high:g}"
            )
    if not history.val_step:
        raise BundleError("history.csv has no evaluation rows (a run evaluates at step 0)")


def import_bundle(source, store: RunStore, name: str | None = None, owner: str = "") -> int:
    """Validate a bundle completely, then save it as one new run of ``owner``; return its id."""
    run = load_bundle(source)
    return store.save_parts(
        name or run.name,
        run.config,
        run.summary,
        run.history,
        run.snapshots,
        run.weights,
        run.task_data,
        owner=owner,
    )
