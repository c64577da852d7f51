"""The run store: saved runs in one SQLite file (standard library sqlite3, WAL mode).

Where: ``$LSTM_PLAYGROUND_HOME/runs.sqlite``, default ``~/.local/share/lstm-playground``
(``$XDG_DATA_HOME/lstm-playground`` when XDG_DATA_HOME is set).

Tables (one row per run in each, deleted together):
    runs       id, name, created (UTC ISO time), config (JSON), summary (JSON)
    histories  run_id, data: the History columns as .npz bytes
    snapshots  run_id, data: the probe traces as .npz bytes (loaded with allow_pickle=False)
    weights    run_id, data: safetensors bytes, names as in the PyTorch state dict
    task_data  run_id, data: what the task was built from besides its knobs (an uploaded CSV
               file and its column, a custom text) as .npz bytes; empty for built-in tasks

Every write is one transaction (BEGIN IMMEDIATE), each call opens its own connection, and
readers never block writers (WAL), so many sessions may save, rename and delete at once.
Loading reads JSON, .npz and safetensors only: nothing is ever unpickled.
"""

from __future__ import annotations

import builtins
import json
import math
import os
import sqlite3
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from lstm_core.config import TrainConfig
from lstm_core.records import (
    History,
    RecordError,
    Snapshot,
    from_npz,
    snapshots_from_arrays,
    snapshots_to_arrays,
    task_data_from_arrays,
    task_data_to_arrays,
    to_npz,
)

SCHEMA_VERSION = 1
MAX_NAME = 120
BUSY_TIMEOUT_MS = 30_000
TABLES = ("histories", "snapshots", "weights", "task_data")

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    created TEXT NOT NULL,
    config TEXT NOT NULL,
    summary TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS histories (
    run_id INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE, data BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS snapshots (
    run_id INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE, data BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS weights (
    run_id INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE, data BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS task_data (
    run_id INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE, data BLOB NOT NULL);
"""


class StoreError(ValueError):
    """The store cannot do what was asked; the message says why in plain words."""


@dataclass
class RunInfo:
    """One line of the run list."""

    id: int
    name: str
    created: str
    config: TrainConfig
    summary: dict


@dataclass
class SavedRun:
    """A run as stored: enough to rebuild a Trainer and every view of it."""

    id: int | None
    name: str
    created: str
    config: TrainConfig
    summary: dict
    history: History
    snapshots: list[Snapshot]
    weights: dict[str, np.ndarray]
    task_data: dict = field(default_factory=dict)  # make_task inputs besides knobs

    def trainer(self):
        """A Trainer with these weights, history and snapshots (see Trainer.from_saved)."""
        from lstm_core.train import Trainer

        return Trainer.from_saved(
            self.config, self.weights, self.history, self.snapshots, self.task_data
        )


def default_home() -> Path:
    """The per-user data directory (LSTM_PLAYGROUND_HOME overrides it)."""
    if os.environ.get("LSTM_PLAYGROUND_HOME"):
        return Path(os.environ["LSTM_PLAYGROUND_HOME"]).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "lstm-playground"


def clean_name(name) -> str:
    """A run name: text, 1-120 printable characters, surrounding spaces removed."""
    if not isinstance(name, str):
        raise StoreError("a run name must be text")
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    if not name:
        raise StoreError("a run name cannot be empty")
    if len(name) > MAX_NAME:
        raise StoreError(f"a run name can have at most {MAX_NAME} characters")
    return name


# --------------------------------------------------------------------------- encoding
def weights_to_bytes(weights: dict[str, np.ndarray]) -> bytes:
    from safetensors.numpy import save

    return save({k: np.ascontiguousarray(v) for k, v in weights.items()})


def weights_from_bytes(data: bytes) -> dict[str, np.ndarray]:
    from safetensors.numpy import load

    try:
        return load(bytes(data))
    except Exception as e:  # safetensors raises its own error types
        raise StoreError(f"the weights are not a valid safetensors file ({e})") from None


def _json_safe(value):
    """Summary values as JSON: NaN and infinities become None (JSON has no NaN)."""
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def dumps(value) -> str:
    return json.dumps(_json_safe(value), allow_nan=False, sort_keys=True)


# --------------------------------------------------------------------------- the store
class RunStore:
    """Saved runs in ``<home>/runs.sqlite``."""

    def __init__(self, home: str | os.PathLike | None = None):
        self.home = Path(home).expanduser() if home is not None else default_home()
        self.path = self.home / "runs.sqlite"
        try:
            self.home.mkdir(parents=True, exist_ok=True)
            with self._connect() as db:
                db.execute("PRAGMA journal_mode=WAL")
                version = db.execute("PRAGMA user_version").fetchone()[0]
                if version > SCHEMA_VERSION:
                    raise StoreError(
                        f"the run store at {self.path} was written by a newer version "
                        f"(schema {version}); this version reads schema {SCHEMA_VERSION}"
                    )
                db.executescript(SCHEMA)
                db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        except sqlite3.DatabaseError as e:
            raise StoreError(f"the run store at {self.path} cannot be opened ({e})") from None
        except OSError as e:
            raise StoreError(f"cannot create the data folder {self.home} ({e.strerror})") from None

    @contextmanager
    def _connect(self):
        db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        with closing(db):
            db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            db.execute("PRAGMA foreign_keys = ON")
            yield db

    @contextmanager
    def _write(self):
        """One write transaction: all of it happens, or none of it."""
        try:
            with self._connect() as db:
                db.execute("BEGIN IMMEDIATE")
                try:
                    yield db
                    db.execute("COMMIT")
                except BaseException:
                    db.execute("ROLLBACK")
                    raise
        except sqlite3.DatabaseError as e:
            raise StoreError(f"the run store could not be written ({e})") from None

    # ----- writing
    def save(self, trainer, name: str) -> int:
        """Store a trainer's config, summary, history, snapshots and weights; return its id."""
        return self.save_parts(
            name,
            trainer.config,
            trainer.summary(),
            trainer.history,
            trainer.snapshots,
            trainer.state_dict(),
            trainer.task_data,
        )

    def save_parts(self, name, config, summary, history, snapshots, weights, task_data=None):
        """Store a run from its parts (used by ``save`` and by bundle import)."""
        name = clean_name(name)
        row = (
            name,
            datetime.now(UTC).isoformat(timespec="seconds"),
            dumps(config.to_dict()),
            dumps(summary),
        )
        blobs = (
            to_npz(history.arrays()),
            to_npz(snapshots_to_arrays(snapshots)),
            weights_to_bytes(weights),
            to_npz(task_data_to_arrays(task_data or {})),
        )
        with self._write() as db:
            cur = db.execute(
                "INSERT INTO runs (name, created, config, summary) VALUES (?, ?, ?, ?)", row
            )
            run_id = cur.lastrowid
            for table, blob in zip(TABLES, blobs, strict=True):
                db.execute(f"INSERT INTO {table} (run_id, data) VALUES (?, ?)", (run_id, blob))
        return int(run_id)

    def rename(self, run_id: int, name: str) -> None:
        name = clean_name(name)
        with self._write() as db:
            cur = db.execute("UPDATE runs SET name = ? WHERE id = ?", (name, int(run_id)))
            if cur.rowcount == 0:
                raise StoreError(f"there is no saved run with id {run_id}")

    def delete(self, run_id: int) -> None:
        with self._write() as db:
            cur = db.execute("DELETE FROM runs WHERE id = ?", (int(run_id),))
            if cur.rowcount == 0:
                raise StoreError(f"there is no saved run with id {run_id}")

    # ----- reading
    def list(self) -> list[RunInfo]:
        """Every readable saved run, newest first; ``unreadable()`` names the others."""
        return [r for r in self._scan() if isinstance(r, RunInfo)]

    def unreadable(self) -> builtins.list[tuple[int, str]]:
        """(run id, reason) for each saved run whose config cannot be read."""
        return [r for r in self._scan() if not isinstance(r, RunInfo)]

    def _scan(self) -> builtins.list[RunInfo | tuple[int, str]]:
        with self._connect() as db:
            rows = db.execute(
                "SELECT id, name, created, config, summary FROM runs ORDER BY id DESC"
            ).fetchall()
        out: builtins.list[RunInfo | tuple[int, str]] = []
        for row in rows:
            try:
                out.append(self._info(row))
            except StoreError as e:  # one damaged row must not hide every other run
                out.append((int(row[0]), str(e)))
        return out

    def _info(self, row) -> RunInfo:
        run_id, name, created, config, summary = row
        try:
            cfg = TrainConfig.from_dict(json.loads(config))
            return RunInfo(int(run_id), name, created, cfg, json.loads(summary))
        except (ValueError, TypeError) as e:
            raise StoreError(f"saved run {run_id} has an unreadable config ({e})") from None

    def load(self, run_id: int) -> SavedRun:
        """Everything stored for one run."""
        with self._connect() as db:
            row = db.execute(
                "SELECT id, name, created, config, summary FROM runs WHERE id = ?", (int(run_id),)
            ).fetchone()
            if row is None:
                raise StoreError(f"there is no saved run with id {run_id}")
            blobs = [
                db.execute(f"SELECT data FROM {t} WHERE run_id = ?", (int(run_id),)).fetchone()
                for t in TABLES
            ]
        if any(b is None for b in blobs):
            raise StoreError(f"saved run {run_id} is incomplete")
        info = self._info(row)
        try:
            history = History.from_arrays(from_npz(blobs[0][0]))
            snapshots = snapshots_from_arrays(from_npz(blobs[1][0]))
            task_data = task_data_from_arrays(from_npz(blobs[3][0]))
        except RecordError as e:
            raise StoreError(f"saved run {run_id} is damaged: {e}") from None
        weights = weights_from_bytes(blobs[2][0])
        return SavedRun(
            info.id,
            info.name,
            info.created,
            info.config,
            info.summary,
            history,
            snapshots,
            weights,
            task_data,
        )

    def history(self, run_id: int) -> History:
        with self._connect() as db:
            row = db.execute(
                "SELECT data FROM histories WHERE run_id = ?", (int(run_id),)
            ).fetchone()
        if row is None:
            raise StoreError(f"there is no saved run with id {run_id}")
        try:
            return History.from_arrays(from_npz(row[0]))
        except RecordError as e:
            raise StoreError(f"saved run {run_id} is damaged: {e}") from None

    def compare(self, run_ids) -> dict[int, History]:
        """The histories of several runs, keyed by id, in the order asked."""
        return {int(i): self.history(i) for i in run_ids}

    def __len__(self) -> int:
        with self._connect() as db:
            return int(db.execute("SELECT COUNT(*) FROM runs").fetchone()[0])
