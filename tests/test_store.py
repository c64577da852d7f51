"""The run store on both backends (SQLite and PostgreSQL): round trips, rename/delete/compare,
owners and class copies, concurrency, hostile rows, migration of older stores."""

import sqlite3
import threading

import numpy as np
import pytest

from lstm_core.config import ModelConfig, TrainConfig
from lstm_core.records import History, Snapshot, saturation, to_npz
from lstm_core.store import TABLES, RunStore, StoreError, Viewer, default_home
from tests.store_backends import BACKENDS, backend_store, raw


def make_parts(seed=0, steps=30):
    rng = np.random.default_rng(seed)
    h = History()
    for s in range(1, steps + 1):
        h.add_step(s, rng.random(), rng.random() * 3, s % 3 == 0, 0.01)
        if s % 10 == 0:
            h.add_eval(s, rng.random(), rng.random(), s == steps)
    traces = [{k: rng.random((5, 2, 3)).astype(np.float32) for k in "ifgoch"}]
    snaps = [Snapshot(0, traces, saturation(traces)), Snapshot(30, traces, saturation(traces))]
    weights = {
        "rnn.weight_ih_l0": rng.standard_normal((12, 1)),
        "head.bias": rng.standard_normal(1),
    }
    cfg = TrainConfig(task="adding", model=ModelConfig(hidden_size=3), seed=seed)
    summary = {"steps": steps, "val_loss": float("nan"), "solved": False}
    return cfg, summary, h, snaps, weights


store = pytest.fixture(params=BACKENDS, name="store")(backend_store)


def test_round_trip_keeps_every_part_exactly(store):
    cfg, summary, h, snaps, w = make_parts()
    run_id = store.save_parts("my run", cfg, summary, h, snaps, w)
    run = store.load(run_id)
    assert run.name == "my run" and run.config == cfg
    assert run.summary["steps"] == 30 and run.summary["val_loss"] is None  # NaN -> null
    for k, v in h.arrays().items():
        np.testing.assert_array_equal(run.history.arrays()[k], v)
    assert [s.step for s in run.snapshots] == [0, 30]
    for k, v in snaps[1].traces[0].items():
        np.testing.assert_array_equal(run.snapshots[1].traces[0][k], v)
    np.testing.assert_array_equal(run.snapshots[0].saturation[0]["f"], snaps[0].saturation[0]["f"])
    for k, v in w.items():
        assert run.weights[k].dtype == v.dtype
        np.testing.assert_array_equal(run.weights[k], v)


def test_list_rename_delete_compare(store):
    ids = [store.save_parts(f"run {i}", *make_parts(seed=i)) for i in range(3)]
    assert [r.id for r in store.list()] == ids[::-1]  # newest first
    store.rename(ids[0], "  renamed\x00 ")
    assert store.list()[-1].name == "renamed"
    hist = store.compare([ids[2], ids[0]])
    assert list(hist) == [ids[2], ids[0]]
    np.testing.assert_array_equal(hist[ids[0]].loss, make_parts(seed=0)[2].loss)
    store.delete(ids[1])
    assert [r.id for r in store.list()] == [ids[2], ids[0]]
    # the deleted run's blobs went with it (ON DELETE CASCADE)
    for table in ("histories", "snapshots", "weights", "task_data"):
        [(n,)] = raw(store, f"SELECT COUNT(*) FROM {table} WHERE run_id = :r", r=ids[1])
        assert n == 0


def test_bad_requests_have_plain_messages_and_change_nothing(store):
    run_id = store.save_parts("keep", *make_parts())
    with pytest.raises(StoreError, match="no saved run with id 999"):
        store.load(999)
    with pytest.raises(StoreError, match="no saved run with id 999"):
        store.rename(999, "x")
    with pytest.raises(StoreError, match="no saved run with id 999"):
        store.delete(999)
    with pytest.raises(StoreError, match="cannot be empty"):
        store.rename(run_id, "   ")
    with pytest.raises(StoreError, match="at most 120"):
        store.save_parts("x" * 200, *make_parts())
    assert [(r.id, r.name) for r in store.list()] == [(run_id, "keep")]


def test_pickled_blob_is_refused_not_unpickled(store):
    run_id = store.save_parts("victim", *make_parts())
    import io

    buf = io.BytesIO()
    np.save(buf, np.array([{"evil": 1}], dtype=object), allow_pickle=True)
    import zipfile

    zbuf = io.BytesIO()
    with zipfile.ZipFile(zbuf, "w") as z:
        z.writestr("loss.npy", buf.getvalue())
    raw(store, "UPDATE histories SET data = :d WHERE run_id = :r", d=zbuf.getvalue(), r=run_id)
    raw(store, "UPDATE weights SET data = :d WHERE run_id = :r", d=b"\x80\x04no", r=run_id)
    with pytest.raises(StoreError, match="damaged"):
        store.load(run_id)
    empty = to_npz(History().arrays())
    raw(store, "UPDATE histories SET data = :d WHERE run_id = :r", d=empty, r=run_id)
    with pytest.raises(StoreError, match="not a valid safetensors"):
        store.load(run_id)


def test_a_file_that_is_not_a_database_is_reported(tmp_path):
    home = tmp_path / "broken"
    home.mkdir()
    (home / "runs.sqlite").write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="cannot be opened"):
        RunStore(home)


def test_env_var_sets_the_home(monkeypatch, tmp_path):
    monkeypatch.setenv("LSTM_PLAYGROUND_HOME", str(tmp_path / "elsewhere"))
    assert default_home() == tmp_path / "elsewhere"
    assert RunStore().path == tmp_path / "elsewhere" / "runs.sqlite"


def test_eight_threads_saving_renaming_deleting_at_once(store):
    errors, kept = [], {}
    parts = make_parts(steps=50)

    def worker(k):
        try:
            mine = []
            for j in range(6):
                rid = store.save_parts(f"t{k}-{j}", *parts)
                store.rename(rid, f"thread {k} run {j}")
                mine.append(rid)
                if j % 2 == 0:
                    store.delete(rid)
                    mine.remove(rid)
                store.list()
            kept[k] = mine
        except Exception as e:  # pragma: no cover - the assertion below shows it
            errors.append(repr(e))

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    expected = {rid for ids in kept.values() for rid in ids}
    assert {r.id for r in store.list()} == expected and len(expected) == 8 * 3
    for r in store.list():
        k, j = r.name.split()[1], r.name.split()[3]
        assert int(j) % 2 == 1 and int(k) in kept
        np.testing.assert_array_equal(store.load(r.id).history.loss, parts[2].loss)


def test_one_damaged_row_does_not_hide_the_other_runs(store):
    good = store.save_parts("good", *make_parts(seed=1))
    bad = store.save_parts("bad", *make_parts(seed=2))
    raw(store, "UPDATE runs SET config = :c WHERE id = :r", c="{not json", r=bad)
    assert [r.id for r in store.list()] == [good]
    [(run_id, reason)] = store.unreadable()
    assert run_id == bad and "unreadable config" in reason
    with pytest.raises(StoreError, match="unreadable config"):
        store.load(bad)


ANN, BOB, TEACHER = Viewer("ann"), Viewer("bob"), Viewer("", teacher=True)


def csv_parts():
    """A run with raw task data (what an uploaded CSV leaves in the store)."""
    *parts, w = make_parts()
    return (*parts, w, {"data": b"t,secret\n1,42\n", "target": "secret"})


def test_runs_are_private_to_their_owner(store):
    mine = store.save_parts("ann's", *make_parts(), owner="ann")
    theirs = store.save_parts("bob's", *make_parts(), owner="bob")
    legacy = store.save_parts("from the command line", *make_parts())
    assert [r.id for r in store.list(ANN)] == [mine]
    assert [r.id for r in store.list(BOB)] == [theirs]
    assert [r.id for r in store.list(Viewer(""))] == []  # no owner id: sees nobody's runs
    assert [r.id for r in store.list(TEACHER)] == [legacy, theirs, mine]
    assert [r.id for r in store.list()] == [legacy, theirs, mine]  # the command line
    for call in (store.load, store.history, store.delete):
        with pytest.raises(StoreError, match=f"no saved run with id {theirs}"):
            call(theirs, ANN)  # reported exactly like a missing run
    with pytest.raises(StoreError, match=f"no saved run with id {theirs}"):
        store.rename(theirs, "mine now", ANN)
    assert not store.exists(theirs, ANN) and store.exists(theirs, BOB)
    assert store.load(theirs, BOB).name == "bob's" and store.load(theirs, TEACHER).owner == "bob"


def test_a_class_copy_is_read_only_and_leaves_the_raw_data_behind(store):
    own = store.save_parts("with data", *csv_parts(), owner="ann")
    copy = store.share(own, ANN)
    assert copy != own
    seen = {r.id: r for r in store.list(BOB)}
    assert list(seen) == [copy] and seen[copy].shared and seen[copy].source == own
    run = store.load(copy, BOB)
    assert run.task_data == {} and run.name == "with data"
    np.testing.assert_array_equal(run.history.loss, make_parts()[2].loss)
    with pytest.raises(StoreError, match="read-only"):
        store.rename(copy, "bob's now", BOB)
    with pytest.raises(StoreError, match="read-only"):
        store.delete(copy, BOB)
    with pytest.raises(StoreError, match="no saved run"):
        store.share(own, BOB)  # the original stays private
    assert store.load(own, ANN).task_data["data"] == b"t,secret\n1,42\n"
    ticked = store.share(own, ANN, with_data=True)
    assert store.load(ticked, BOB).task_data["target"] == "secret"
    store.rename(copy, "renamed by its owner", ANN)
    store.delete(ticked, TEACHER)
    assert [r.name for r in store.list(BOB)] == ["renamed by its owner"]


def test_the_teacher_closes_the_gallery_and_may_delete_any_run(store):
    own = store.save_parts("ann's", *make_parts(), owner="ann")
    copy = store.share(own, ANN)
    assert store.gallery_open() and [r.id for r in store.list(BOB)] == [copy]
    store.set_setting("gallery", "closed")
    assert not store.gallery_open() and store.list(BOB) == []
    with pytest.raises(StoreError, match="no saved run"):
        store.load(copy, BOB)
    assert {r.id for r in store.list(ANN)} == {own, copy}  # the owner still sees both
    store.set_setting("gallery", "open")
    store.delete(own, TEACHER)
    store.delete(copy, TEACHER)
    assert store.list(TEACHER) == []


def test_two_stores_on_one_database_see_the_same_runs(store):
    """Several servers of a school: a run saved through one is there for the other."""
    other = RunStore(store.home, url=store.url)
    run_id = other.save_parts("saved on server 2", *make_parts(), owner="ann")
    assert store.load(run_id, ANN).name == "saved on server 2"


def test_a_schema_1_sqlite_store_is_migrated_without_losing_runs(tmp_path):
    home = tmp_path / "old"
    home.mkdir()
    cfg, summary, h, snaps, w = make_parts()
    with sqlite3.connect(home / "runs.sqlite") as db:  # the schema this app wrote before owners
        db.executescript(SCHEMA_1)
        db.execute("PRAGMA user_version = 1")
        db.execute(
            "INSERT INTO runs (name, created, config, summary) VALUES (?, ?, ?, ?)",
            ("old run", "2026-01-01T00:00:00+00:00", store_dumps(cfg.to_dict()), "{}"),
        )
        blobs = (to_npz(h.arrays()), to_npz({}), _weights(w), to_npz({}))
        for table, blob in zip(TABLES, blobs, strict=True):
            db.execute(f"INSERT INTO {table} (run_id, data) VALUES (1, ?)", (blob,))
    store = RunStore(home)
    [old] = store.list()
    assert (old.id, old.name, old.owner, old.shared) == (1, "old run", "", False)
    np.testing.assert_array_equal(store.load(1).history.loss, h.loss)
    assert store.list(ANN) == [] and [r.id for r in store.list(TEACHER)] == [1]
    new = store.save_parts("new", *make_parts(), owner="ann")
    assert new == 2 and [r.id for r in RunStore(home).list(ANN)] == [2]  # reopens cleanly
    with sqlite3.connect(home / "runs.sqlite") as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == 2
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_store_from_a_newer_version_is_refused(store):
    raw(store, "UPDATE settings SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(StoreError, match="newer version"):
        RunStore(store.home, url=store.url)


def test_a_database_that_cannot_be_reached_is_reported(tmp_path):
    import socket

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(StoreError, match="cannot be opened"):
        RunStore(tmp_path, url=f"postgresql://nobody@127.0.0.1:{port}/none?connect_timeout=2")
    with pytest.raises(StoreError, match="not a database URL|must be a postgresql"):
        RunStore(tmp_path, url="mysql://x@y/z")


def test_the_db_env_var_chooses_the_backend(monkeypatch, tmp_path):
    url = f"sqlite:///{tmp_path / 'chosen.sqlite'}"
    monkeypatch.setenv("LSTM_PLAYGROUND_DB", url)
    monkeypatch.setenv("LSTM_PLAYGROUND_HOME", str(tmp_path / "home"))
    assert RunStore().path == tmp_path / "chosen.sqlite"


SCHEMA_1 = """
CREATE TABLE runs (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL,
    created TEXT NOT NULL, config TEXT NOT NULL, summary TEXT NOT NULL);
CREATE TABLE histories (
    run_id INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE, data BLOB NOT NULL);
CREATE TABLE snapshots (
    run_id INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE, data BLOB NOT NULL);
CREATE TABLE weights (
    run_id INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE, data BLOB NOT NULL);
CREATE TABLE task_data (
    run_id INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE, data BLOB NOT NULL);
"""


def store_dumps(value):
    from lstm_core.store import dumps

    return dumps(value)


def _weights(w):
    from lstm_core.store import weights_to_bytes

    return weights_to_bytes(w)
