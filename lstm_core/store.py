"""The run store: saved runs in SQLite (the embedded default) or PostgreSQL, one interface.

Where: ``LSTM_PLAYGROUND_DB`` (a SQLAlchemy URL such as ``postgresql://user:pw@db/lstm``)
when set; otherwise ``$LSTM_PLAYGROUND_HOME/runs.sqlite``, default
``~/.local/share/lstm-playground`` (``$XDG_DATA_HOME/lstm-playground`` when XDG_DATA_HOME is
set). The SQL is written once, with SQLAlchemy Core; the two backends differ only in how a
connection is set up (SQLite: WAL, a busy timeout, foreign keys, BEGIN IMMEDIATE for writes).

Tables (one row per run in each, deleted together):
    runs       id, name, created (UTC ISO time), config (JSON), summary (JSON),
               owner (the owner id of the browser that saved it; "" for the command line and
               runs saved before owners existed), shared (1: a read-only copy published to
               the class), source (the run a class copy was made from)
    histories  run_id, data: the History columns as .npz bytes
    snapshots  run_id, data: the probe traces as .npz bytes (loaded with allow_pickle=False)
    weights    run_id, data: safetensors bytes, names as in the PyTorch state dict
    task_data  run_id, data: what the task was built from besides its knobs (an uploaded CSV
               file and its column, a custom text) as .npz bytes; empty for built-in tasks
    settings   key, value: the class's settings (the gallery open or closed), shared by every
               server that uses the store

Who sees what: every call that reads or changes a run takes a ``Viewer`` (an owner id, and
whether the teacher is asking). A student sees their own runs and the class's shared copies
(while the gallery is open), and may rename or delete only their own; the teacher sees and
may change every run. ``viewer=None`` (the command line, on the user's own machine) is not
restricted. A run the viewer may not see is reported exactly like a missing one.

Every write is one transaction, and readers never block writers (WAL in SQLite, MVCC in
PostgreSQL), so many sessions and servers may save, rename and delete at once. Loading reads
JSON, .npz and safetensors only: nothing is ever unpickled.
"""

from __future__ import annotations

import builtins
import json
import math
import os
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import sqlalchemy as sa
from safetensors import numpy as safetensors_np
from sqlalchemy import event
from sqlalchemy.pool import NullPool

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

SCHEMA_VERSION = 2  # 2: owner, shared and source columns; the settings table
MAX_NAME = 120
BUSY_TIMEOUT_MS = 30_000
DB_ENV = "LSTM_PLAYGROUND_DB"
TABLES = ("histories", "snapshots", "weights", "task_data")
GALLERY = "gallery"  # settings key: "open" (the default) or "closed"
_MIGRATION_LOCK = 0x15714  # PostgreSQL advisory lock held while one server migrates

metadata = sa.MetaData()
runs_table = sa.Table(
    "runs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("created", sa.Text, nullable=False),
    sa.Column("config", sa.Text, nullable=False),
    sa.Column("summary", sa.Text, nullable=False),
    sa.Column("owner", sa.Text, nullable=False, server_default=""),
    sa.Column("shared", sa.Integer, nullable=False, server_default="0"),
    sa.Column("source", sa.Integer, nullable=True),
    sqlite_autoincrement=True,
)
blob_tables = {
    name: sa.Table(
        name,
        metadata,
        sa.Column(
            "run_id",
            sa.Integer,
            sa.ForeignKey("runs.id", ondelete="CASCADE"),
            primary_key=True,
            autoincrement=False,
        ),
        sa.Column("data", sa.LargeBinary, nullable=False),
    )
    for name in TABLES
}
settings_table = sa.Table(
    "settings",
    metadata,
    sa.Column("key", sa.Text, primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)
# Columns a schema-1 store lacks: added in place, every run kept (owner "": nobody's).
NEW_COLUMNS = {
    "owner": "owner TEXT NOT NULL DEFAULT ''",
    "shared": "shared INTEGER NOT NULL DEFAULT 0",
    "source": "source INTEGER",
}


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
    owner: str = ""  # owner id of whoever saved it ("": the command line or an older store)
    shared: bool = False  # a read-only copy published to the class
    source: int | None = None  # for a class copy: the run it was copied from

    def editable_by(self, viewer: Viewer | None) -> bool:
        """Whether ``viewer`` may rename or delete this run: its owner or the teacher."""
        return viewer is None or viewer.teacher or (bool(self.owner) and self.owner == viewer.owner)


@dataclass(frozen=True)
class Viewer:
    """Who is asking: the owner id of a browser, and whether the teacher's key was given."""

    owner: str = ""
    teacher: bool = False


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
    owner: str = ""
    shared: bool = False

    def trainer(self):
        """A Trainer with these weights, history and snapshots (see Trainer.from_saved)."""
        from lstm_core.train import Trainer  # lazy: torch; teacher mode reads the store without it

        return Trainer.from_saved(
            self.config, self.weights, self.history, self.snapshots, self.task_data
        )


def default_home() -> Path:
    """The per-user data directory (LSTM_PLAYGROUND_HOME overrides it)."""
    if os.environ.get("LSTM_PLAYGROUND_HOME"):
        return Path(os.environ["LSTM_PLAYGROUND_HOME"]).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "lstm-playground"


def default_url(home: Path) -> str:
    """LSTM_PLAYGROUND_DB when set, otherwise the SQLite file ``<home>/runs.sqlite``."""
    return os.environ.get(DB_ENV, "").strip() or f"sqlite:///{home / 'runs.sqlite'}"


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
    return safetensors_np.save({k: np.ascontiguousarray(v) for k, v in weights.items()})


def weights_from_bytes(data: bytes) -> dict[str, np.ndarray]:
    try:
        return safetensors_np.load(bytes(data))
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


# --------------------------------------------------------------------------- connections
_engines: dict[str, sa.Engine] = {}
_engines_lock = threading.Lock()


def _sqlite_connect(dbapi_conn, _record) -> None:
    """Each SQLite connection: no implicit transactions (we send BEGIN), a busy timeout,
    foreign keys (ON DELETE CASCADE) and WAL (readers never block the writer)."""
    dbapi_conn.isolation_level = None
    for pragma in (f"busy_timeout = {BUSY_TIMEOUT_MS}", "foreign_keys = ON", "journal_mode=WAL"):
        dbapi_conn.execute(f"PRAGMA {pragma}")


def _sqlite_begin(conn) -> None:
    """Writes take the write lock at BEGIN (IMMEDIATE): two writers queue instead of one
    failing half-way; reads begin a plain (deferred) transaction."""
    conn.exec_driver_sql(
        "BEGIN IMMEDIATE" if conn.get_execution_options().get("write") else "BEGIN"
    )


def forget_engine(url: str) -> None:
    """Close the pooled connections to ``url`` (tests drop their throwaway databases)."""
    with _engines_lock:
        engine = _engines.pop(url, None)
    if engine is not None:
        engine.dispose()


def engine_for(url: str) -> sa.Engine:
    """One engine (and connection pool) per database URL for the whole process."""
    with _engines_lock:
        if url not in _engines:
            _engines[url] = _make_engine(url)
        return _engines[url]


def _make_engine(url: str) -> sa.Engine:
    try:
        parsed = sa.make_url(url)
    except sa.exc.ArgumentError:
        raise StoreError(f"{DB_ENV} is not a database URL: {url[:80]!r}") from None
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")  # psycopg 3 (requirements.txt)
    if parsed.get_backend_name() == "sqlite":
        engine = sa.create_engine(
            parsed, poolclass=NullPool, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000}
        )
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    if parsed.get_backend_name() != "postgresql":
        raise StoreError(f"{DB_ENV} must be a postgresql:// or sqlite:/// URL")
    try:
        return sa.create_engine(parsed, pool_size=4, max_overflow=8, pool_pre_ping=True)
    except ImportError as e:
        raise StoreError(f"the PostgreSQL driver is missing ({e})") from None


# --------------------------------------------------------------------------- the store
class RunStore:
    """Saved runs in a SQLite file (``<home>/runs.sqlite``) or in PostgreSQL (``url``)."""

    def __init__(self, home: str | os.PathLike | None = None, url: str | None = None):
        self.home = Path(home).expanduser() if home is not None else default_home()
        self.url = url or (default_url(self.home) if home is None else _sqlite_url(self.home))
        self.engine = engine_for(self.url)
        self.sqlite = self.engine.dialect.name == "sqlite"
        db_file = self.engine.url.database
        assert db_file is not None or not self.sqlite, "a SQLite store needs a database file"
        self.path = Path(db_file) if db_file is not None and self.sqlite else None
        self.where = str(self.path) if self.sqlite else self.engine.url.render_as_string()
        try:
            if self.path is not None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            self._migrate()
        except sa.exc.SQLAlchemyError as e:
            raise StoreError(
                f"the run store at {self.where} cannot be opened ({_why(e)})"
            ) from None
        except OSError as e:
            raise StoreError(f"cannot create the data folder {self.home} ({e.strerror})") from None

    def _migrate(self) -> None:
        """Create the tables, or bring an older store up to this schema, keeping every run."""
        with self._write(wrap=False) as db:
            if not self.sqlite:  # two servers starting at once: one migrates, then the other
                db.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _MIGRATION_LOCK})
            version = self._version(db)
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"the run store at {self.where} was written by a newer version "
                    f"(schema {version}); this version reads schema {SCHEMA_VERSION}"
                )
            metadata.create_all(db)
            have = {c["name"] for c in sa.inspect(db).get_columns("runs")}
            for name, ddl in NEW_COLUMNS.items():
                if name not in have:
                    db.exec_driver_sql(f"ALTER TABLE runs ADD COLUMN {ddl}")
            self._put(db, "schema_version", str(SCHEMA_VERSION))
            if self.sqlite:  # older versions of this app read PRAGMA user_version
                db.exec_driver_sql(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _version(self, db) -> int:
        if self.sqlite:
            version = db.exec_driver_sql("PRAGMA user_version").scalar() or 0
        else:
            version = 0
        if sa.inspect(db).has_table("settings"):
            stored = self._get(db, "schema_version")
            version = max(version, int(stored) if stored and stored.isdigit() else 0)
        return int(version)

    @contextmanager
    def _read(self):
        try:
            with self.engine.connect() as db:
                yield db
        except sa.exc.SQLAlchemyError as e:
            raise StoreError(f"the run store could not be read ({_why(e)})") from None

    @contextmanager
    def _write(self, wrap: bool = True):
        """One write transaction: all of it happens, or none of it."""
        try:
            with self.engine.connect() as db:
                db.execution_options(write=True)
                with db.begin():
                    yield db
        except sa.exc.SQLAlchemyError as e:
            if not wrap:
                raise
            raise StoreError(f"the run store could not be written ({_why(e)})") from None

    # ----- settings
    def _get(self, db, key: str) -> str | None:
        t = settings_table
        return db.execute(sa.select(t.c.value).where(t.c.key == key)).scalar()

    def _put(self, db, key: str, value: str) -> None:
        db.execute(settings_table.delete().where(settings_table.c.key == key))
        db.execute(settings_table.insert().values(key=key, value=str(value)))

    def setting(self, key: str, default: str | None = None) -> str | None:
        with self._read() as db:
            value = self._get(db, key)
        return default if value is None else value

    def set_setting(self, key: str, value: str) -> None:
        with self._write() as db:
            self._put(db, key, value)

    def gallery_open(self) -> bool:
        """Whether students see the class's shared runs (the teacher may close it)."""
        return self.setting(GALLERY, "open") != "closed"

    # ----- writing
    def save(self, trainer, name: str, owner: str = "") -> int:
        """Store a trainer's config, summary, history, snapshots and weights; return its id."""
        return self.save_parts(
            name,
            trainer.config,
            trainer.summary(),
            trainer.history,
            trainer.snapshots,
            trainer.state_dict(),
            trainer.task_data,
            owner=owner,
        )

    def save_parts(
        self, name, config, summary, history, snapshots, weights, task_data=None, owner=""
    ):
        """Store a run from its parts (used by ``save`` and by bundle import)."""
        row = {
            "name": clean_name(name),
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "config": dumps(config.to_dict()),
            "summary": dumps(summary),
            "owner": str(owner or ""),
        }
        blobs = (
            to_npz(history.arrays()),
            to_npz(snapshots_to_arrays(snapshots)),
            weights_to_bytes(weights),
            to_npz(task_data_to_arrays(task_data or {})),
        )
        with self._write() as db:
            return self._insert(db, row, blobs)

    def _insert(self, db, row: dict, blobs) -> int:
        run_id = int(db.execute(runs_table.insert().values(**row)).inserted_primary_key[0])
        for table, blob in zip(TABLES, blobs, strict=True):
            db.execute(blob_tables[table].insert().values(run_id=run_id, data=blob))
        return run_id

    def share(self, run_id: int, viewer: Viewer | None = None, with_data: bool = False) -> int:
        """Publish a read-only copy of a run to the class; return the copy's id. The task's
        raw data (an uploaded CSV, a custom text) goes with it only when ``with_data``."""
        with self._write() as db:
            info = self._row(db, run_id, viewer)
            if not info.editable_by(viewer):
                raise StoreError(_read_only(run_id))
            blobs = [self._blob(db, t, run_id) for t in TABLES]
            if not with_data:
                blobs[3] = to_npz(task_data_to_arrays({}))
            row = db.execute(sa.select(*_INFO).where(runs_table.c.id == int(run_id))).one()
            copy = dict(row._mapping, shared=1, source=int(run_id))
            del copy["id"]
            return self._insert(db, copy, blobs)

    def rename(self, run_id: int, name: str, viewer: Viewer | None = None) -> None:
        name = clean_name(name)
        with self._write() as db:
            if not self._row(db, run_id, viewer).editable_by(viewer):
                raise StoreError(_read_only(run_id))
            db.execute(runs_table.update().where(runs_table.c.id == int(run_id)).values(name=name))

    def delete(self, run_id: int, viewer: Viewer | None = None) -> None:
        with self._write() as db:
            if not self._row(db, run_id, viewer).editable_by(viewer):
                raise StoreError(_read_only(run_id))
            for table in TABLES:  # explicit, not only ON DELETE CASCADE: old SQLite files
                t = blob_tables[table]
                db.execute(t.delete().where(t.c.run_id == int(run_id)))
            db.execute(runs_table.delete().where(runs_table.c.id == int(run_id)))

    # ----- reading
    def list(self, viewer: Viewer | None = None) -> builtins.list[RunInfo]:
        """Every readable run ``viewer`` may see, newest first; ``unreadable()`` names the
        others."""
        return [r for r in self._scan(viewer) if isinstance(r, RunInfo)]

    def unreadable(self, viewer: Viewer | None = None) -> builtins.list[tuple[int, str]]:
        """(run id, reason) for each saved run whose config cannot be read."""
        return [r for r in self._scan(viewer) if not isinstance(r, RunInfo)]

    def _visible(self, db, viewer: Viewer | None):
        """The SQL condition for the runs ``viewer`` may see."""
        if viewer is None or viewer.teacher:
            return sa.true()
        c = runs_table.c
        mine = sa.and_(c.owner == viewer.owner, c.owner != "")
        if self._get(db, GALLERY) == "closed":
            return mine
        return sa.or_(mine, c.shared == 1)

    def _scan(self, viewer: Viewer | None) -> builtins.list[RunInfo | tuple[int, str]]:
        with self._read() as db:
            query = sa.select(*_INFO).where(self._visible(db, viewer))
            rows = db.execute(query.order_by(runs_table.c.id.desc())).all()
        out: builtins.list[RunInfo | tuple[int, str]] = []
        for row in rows:
            try:
                out.append(self._info(row))
            except StoreError as e:  # one damaged row must not hide every other run
                out.append((int(row[0]), str(e)))
        return out

    def _row(self, db, run_id: int, viewer: Viewer | None) -> RunInfo:
        """One run's row, if ``viewer`` may see it: else reported as missing."""
        query = sa.select(*_INFO).where(runs_table.c.id == _id(run_id))
        row = db.execute(query.where(self._visible(db, viewer))).first()
        if row is None:
            raise StoreError(f"there is no saved run with id {run_id}")
        return self._info(row)

    def _info(self, row) -> RunInfo:
        run_id, name, created, config, summary, owner, shared, source = row
        try:
            cfg = TrainConfig.from_dict(json.loads(config))
            info = json.loads(summary)
        except (ValueError, TypeError) as e:
            raise StoreError(f"saved run {run_id} has an unreadable config ({e})") from None
        return RunInfo(int(run_id), name, created, cfg, info, owner or "", bool(shared), source)

    def _blob(self, db, table: str, run_id: int) -> bytes:
        t = blob_tables[table]
        data = db.execute(sa.select(t.c.data).where(t.c.run_id == int(run_id))).scalar()
        if data is None:
            raise StoreError(f"saved run {run_id} is incomplete")
        return bytes(data)

    def load(self, run_id: int, viewer: Viewer | None = None) -> SavedRun:
        """Everything stored for one run."""
        with self._read() as db:
            info = self._row(db, run_id, viewer)
            blobs = [self._blob(db, t, info.id) for t in TABLES]
        try:
            history = History.from_arrays(from_npz(blobs[0]))
            snapshots = snapshots_from_arrays(from_npz(blobs[1]))
            task_data = task_data_from_arrays(from_npz(blobs[3]))
        except RecordError as e:
            raise StoreError(f"saved run {run_id} is damaged: {e}") from None
        weights = weights_from_bytes(blobs[2])
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
            info.owner,
            info.shared,
        )

    def history(self, run_id: int, viewer: Viewer | None = None) -> History:
        with self._read() as db:
            info = self._row(db, run_id, viewer)
            blob = self._blob(db, "histories", info.id)
        try:
            return History.from_arrays(from_npz(blob))
        except RecordError as e:
            raise StoreError(f"saved run {run_id} is damaged: {e}") from None

    def compare(self, run_ids, viewer: Viewer | None = None) -> dict[int, History]:
        """The histories of several runs, keyed by id, in the order asked."""
        return {int(i): self.history(i, viewer) for i in run_ids}

    def exists(self, run_id: int, viewer: Viewer | None = None) -> bool:
        """Whether the run is still there for ``viewer`` (not deleted, not hidden)."""
        with self._read() as db:
            query = sa.select(runs_table.c.id).where(runs_table.c.id == _id(run_id))
            return db.execute(query.where(self._visible(db, viewer))).first() is not None

    def __len__(self) -> int:
        with self._read() as db:
            return int(db.execute(sa.select(sa.func.count()).select_from(runs_table)).scalar())


_INFO = tuple(
    runs_table.c[n]
    for n in ("id", "name", "created", "config", "summary", "owner", "shared", "source")
)


def _id(run_id) -> int:
    """A run id as the database's integer (a huge number cannot match: -1)."""
    try:
        value = int(run_id)
    except (TypeError, ValueError):
        return -1
    return value if 0 < value < 2**31 else -1


def _read_only(run_id) -> str:
    return f"saved run {run_id} is read-only: only its owner or the teacher can change it"


def _sqlite_url(home: Path) -> str:
    return f"sqlite:///{home / 'runs.sqlite'}"


def _why(error: Exception) -> str:
    """The database's own words, first line only (no SQL statement, no parameters)."""
    inner = getattr(error, "orig", None) or error
    return str(inner).strip().splitlines()[0] if str(inner).strip() else type(inner).__name__
