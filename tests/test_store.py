"""The SQLite run store: round trips, rename/delete/compare, concurrency, hostile rows."""

import sqlite3
import threading

import numpy as np
import pytest

from lstm_core.config import ModelConfig, TrainConfig
from lstm_core.records import History, Snapshot, saturation, to_npz
from lstm_core.store import RunStore, StoreError, default_home


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


@pytest.fixture
def store(tmp_path):
    return RunStore(tmp_path / "home")


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
    with sqlite3.connect(store.path) as db:
        for table in ("histories", "snapshots", "weights"):
            n = db.execute(f"SELECT COUNT(*) FROM {table} WHERE run_id = ?", (ids[1],)).fetchone()
            assert n[0] == 0


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
    with sqlite3.connect(store.path) as db:
        db.execute("UPDATE histories SET data = ? WHERE run_id = ?", (zbuf.getvalue(), run_id))
        db.execute(
            "UPDATE weights SET data = ? WHERE run_id = ?", (b"\x80\x04not safetensors", run_id)
        )
    with pytest.raises(StoreError, match="damaged"):
        store.load(run_id)
    with sqlite3.connect(store.path) as db:
        db.execute(
            "UPDATE histories SET data = ? WHERE run_id = ?", (to_npz(History().arrays()), run_id)
        )
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
    with sqlite3.connect(store.path) as db:
        db.execute("UPDATE runs SET config = ? WHERE id = ?", ("{not json", bad))
    assert [r.id for r in store.list()] == [good]
    [(run_id, reason)] = store.unreadable()
    assert run_id == bad and "unreadable config" in reason
    with pytest.raises(StoreError, match="unreadable config"):
        store.load(bad)
