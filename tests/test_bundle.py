"""Export/import bundles: round trip, the standalone train.py, and every hostile case
rejected with a plain message before the store is touched."""

import copy
import io
import json
import os
import pickle
import subprocess
import sys
import zipfile

import numpy as np
import pandas as pd
import pytest

from lstm_core.bundle import (
    MAX_UNPACKED_BYTES,
    BundleError,
    csv_safe,
    export_bundle,
    export_saved,
    import_bundle,
)
from lstm_core.config import ModelConfig, OptimConfig, TrainConfig
from lstm_core.store import RunStore
from lstm_core.train import Trainer


@pytest.fixture(scope="module")
def trained():
    cfg = TrainConfig(
        task="temporal-order",
        task_knobs={"seq_len": 20},
        model=ModelConfig(hidden_size=5, variant="cifg"),
        optim=OptimConfig(batch_size=8),
        eval_every=3,
        snapshot_every=3,
    )
    tr = Trainer(cfg)
    tr.step(7)
    return tr


@pytest.fixture(scope="module")
def bundle_bytes(trained, tmp_path_factory):
    path = export_bundle(trained, tmp_path_factory.mktemp("b") / "run.zip", "exported")
    return path.read_bytes()


def files_of(data: bytes) -> dict:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {n: z.read(n) for n in z.namelist()}


def zip_of(files: dict) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for n, d in files.items():
            z.writestr(n, d)
    return buf.getvalue()


def test_round_trip_through_the_store(trained, bundle_bytes, tmp_path):
    store = RunStore(tmp_path)
    run = store.load(import_bundle(bundle_bytes, store))
    assert run.name == "exported" and run.config == trained.config
    assert run.history.loss == trained.history.loss
    assert run.history.val_loss == trained.history.val_loss
    assert [s.step for s in run.snapshots] == [s.step for s in trained.snapshots]
    np.testing.assert_array_equal(
        run.snapshots[-1].traces[0]["f"], trained.snapshots[-1].traces[0]["f"]
    )
    x = trained.probe.x
    np.testing.assert_array_equal(run.trainer().predict(x), trained.predict(x))
    # and out again: a saved run exports to an equivalent bundle
    again = export_saved(run, tmp_path / "again.zip")
    assert files_of(again.read_bytes())["history.csv"] == files_of(bundle_bytes)["history.csv"]


def test_an_old_bundle_with_chrono_T_loads_as_gate_init_chrono(trained, bundle_bytes, tmp_path):
    store = RunStore(tmp_path)
    files = files_of(bundle_bytes)
    meta = json.loads(files["config.json"])
    meta["config"]["model"]["chrono_T"] = 40  # how runs saved chrono before gate_init
    old = zip_of({**files, "config.json": json.dumps(meta).encode()})
    run = store.load(import_bundle(old, store))
    assert (run.config.model.gate_init, run.config.model.chrono_t_max) == ("chrono", 40)
    x = trained.probe.x
    np.testing.assert_array_equal(run.trainer().predict(x), trained.predict(x))  # its weights


def test_history_csv_is_plain_numbers_and_text_cells_are_neutralized(bundle_bytes):
    text = files_of(bundle_bytes)["history.csv"].decode()
    df = pd.read_csv(io.StringIO(text))
    assert list(df.columns)[:3] == ["step", "loss", "grad_norm"]
    assert df["loss"].dtype == float and df["step"].tolist() == list(range(8))
    unsafe = pd.DataFrame(
        {"name": ["=HYPERLINK(1)", "+1", "-x", "@a", "ok"], "v": [-1.5, 2, 3, 4, 5]}
    )
    safe = csv_safe(unsafe)
    assert safe["name"].tolist() == ["'=HYPERLINK(1)", "'+1", "'-x", "'@a", "ok"]
    assert safe["v"].tolist() == [-1.5, 2, 3, 4, 5]


@pytest.mark.slow
def test_standalone_train_py_reproduces_the_model(trained, bundle_bytes, tmp_path):
    with zipfile.ZipFile(io.BytesIO(bundle_bytes)) as z:
        z.extractall(tmp_path)
    source = (tmp_path / "train.py").read_text()
    assert "import lstm_core" not in source and "from lstm_core" not in source
    rng = np.random.default_rng(5)
    x = rng.integers(0, 8, size=(20, 3)).astype(np.int64)
    np.save(tmp_path / "x.npy", x)
    run = subprocess.run(
        [sys.executable, "train.py", "--check", "--predict", "x.npy", "out.npy", "--steps", "5"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"},  # no lstm_core there
    )
    assert run.returncode == 0, run.stderr
    assert "largest difference from the saved outputs" in run.stdout
    out = np.load(tmp_path / "out.npy")
    np.testing.assert_allclose(out, trained.predict(x), rtol=1e-5, atol=1e-6)
    summary = json.loads(run.stdout.strip().splitlines()[-1])
    assert summary["steps"] == 5 and np.isfinite(summary["loss"])


def rejected(store, data, match):
    before = [(r.id, r.name) for r in store.list()]
    with pytest.raises(BundleError, match=match):
        import_bundle(data, store)
    assert [(r.id, r.name) for r in store.list()] == before


def test_hostile_archives_are_rejected_and_the_store_is_unchanged(bundle_bytes, tmp_path):
    store = RunStore(tmp_path)
    store.save_parts("already here", *_parts_from(bundle_bytes))
    good = files_of(bundle_bytes)
    rejected(store, b"not a zip at all", "not a .zip file")
    rejected(store, zip_of({**good, "../evil.py": b"x"}), "unsafe file name '../evil.py'")
    rejected(store, zip_of({**good, "/etc/passwd": b"x"}), "unsafe file name")
    rejected(store, zip_of({**good, "sub/config.json": b"x"}), "folder entry")
    rejected(store, zip_of({**good, "notes.exe": b"x"}), "unknown file 'notes.exe'")
    rejected(
        store,
        zip_of({k: v for k, v in good.items() if k != "weights.safetensors"}),
        "lacks weights.safetensors",
    )
    rejected(store, zip_of({**good, **{f"x{i}": b"" for i in range(20)}}), "entries")
    # a pickle named as the weights is never unpickled
    evil = pickle.dumps({"rnn.weight_ih_l0": np.zeros(3)})
    rejected(store, zip_of({**good, "weights.safetensors": evil}), "not a safetensors file")
    rejected(store, zip_of({**good, "config.json": b"{not json"}), "not valid JSON")


def test_zip_bombs_and_lying_sizes_are_refused(bundle_bytes, tmp_path):
    store = RunStore(tmp_path)
    good = files_of(bundle_bytes)
    bomb = zip_of({**good, "train.py": b"\0" * (50 << 20)})  # 50 MB of zeros packs to ~50 KB
    rejected(store, bomb, "zip bomb")
    # declared sizes bigger than the cap, edited into the central directory
    data = bytearray(bundle_bytes)
    with zipfile.ZipFile(io.BytesIO(bundle_bytes)) as z:
        info = z.getinfo("history.csv")
    pos = bytes(data).find(b"history.csv", data.find(b"PK\x01\x02"))
    header = pos - 46  # the central directory record starts 46 bytes before the name
    assert data[header : header + 4] == b"PK\x01\x02"
    data[header + 24 : header + 28] = (MAX_UNPACKED_BYTES + 1).to_bytes(4, "little")
    assert info.file_size < MAX_UNPACKED_BYTES
    rejected(store, bytes(data), "unpacks to")


def npy_of_zeros(n_bytes: int, shape=None) -> bytes:
    """A .npy file of float64 zeros, or only its header when ``shape`` lies about the size."""
    buf = io.BytesIO()
    header = {"descr": "<f8", "fortran_order": False, "shape": shape or (n_bytes // 8,)}
    np.lib.format.write_array_header_1_0(buf, header)
    return buf.getvalue() + b"\0" * n_bytes


def test_nested_npz_bombs_are_refused_before_they_are_inflated(bundle_bytes, tmp_path):
    store = RunStore(tmp_path)
    good = files_of(bundle_bytes)
    big = zip_of({"count.npy": npy_of_zeros(60 << 20)})  # 60 MB of zeros in 60 KB
    rejected(store, zip_of({**good, "traces.npz": big}), "traces.npz: arrays unpack to")
    dense = zip_of({"bytes__data.npy": npy_of_zeros(8 << 20)})  # under the size cap
    rejected(store, zip_of({**good, "task_data.npz": dense}), "task_data.npz: .* zip bomb")
    lying = zip_of({"count.npy": npy_of_zeros(800, shape=(10**9,))})
    rejected(store, zip_of({**good, "traces.npz": lying}), "declares a shape")
    many = zip_of({f"s{k}__step.npy": npy_of_zeros(8, shape=()) for k in range(9000)})
    rejected(store, zip_of({**good, "traces.npz": many}), "9000 arrays")


def test_a_history_over_the_row_limit_is_refused_before_parsing(bundle_bytes, tmp_path):
    from lstm_core.bundle import MAX_HISTORY_ROWS

    store = RunStore(tmp_path)
    good = files_of(bundle_bytes)
    head, first = good["history.csv"].decode().splitlines()[:2]
    rows = "\n".join(f"{k + 1},0.5,0.1,0,0.01,,," for k in range(MAX_HISTORY_ROWS + 1))
    history = f"{head}\n{first}\n{rows}\n".encode()
    rejected(store, zip_of({**good, "history.csv": history}), "history.csv has 40,002 rows")


def test_what_the_pages_read_is_checked(trained, bundle_bytes, tmp_path):
    from lstm_core.records import snapshots_to_arrays, to_npz

    store = RunStore(tmp_path)
    good = files_of(bundle_bytes)
    meta = json.loads(good["config.json"])
    meta["config"]["model"]["forget_bias"] = 10.0
    bias = zip_of({**good, "config.json": json.dumps(meta).encode()})
    rejected(store, bias, "forget bias 10 is outside the range -3 to 5")
    rows = good["history.csv"].decode().splitlines()
    steps_only = [r for r in rows if not r.endswith((",0", ",1"))]
    no_eval = zip_of({**good, "history.csv": "\n".join(steps_only).encode()})
    rejected(store, no_eval, "history.csv has no evaluation rows")
    snaps = [copy.deepcopy(s) for s in trained.snapshots]
    for s in snaps:
        s.traces = [{"h": layer["h"]} for layer in s.traces]
    gateless = zip_of({**good, "traces.npz": to_npz(snapshots_to_arrays(snaps))})
    rejected(store, gateless, "layer 1 has the fields h; expected i, f, g, o, c, h")


def test_wrong_contents_are_named(trained, bundle_bytes, tmp_path):
    from lstm_core.store import weights_to_bytes

    store = RunStore(tmp_path)
    good = files_of(bundle_bytes)
    meta = json.loads(good["config.json"])

    def with_meta(**changes):
        m = json.loads(good["config.json"])
        m.update(changes)
        return zip_of({**good, "config.json": json.dumps(m).encode()})

    rejected(store, with_meta(version=99), "newer version")
    rejected(store, with_meta(format="something"), "not an LSTM Playground run")
    cfg = dict(meta["config"], model=dict(meta["config"]["model"], cell="transformer"))
    rejected(store, with_meta(config=cfg), "unknown cell 'transformer'")
    cfg = dict(meta["config"], colour="blue")
    rejected(store, with_meta(config=cfg), "unknown or missing setting")
    cfg = dict(meta["config"], task_knobs={"seq_len": 10**9})
    rejected(store, with_meta(config=cfg), "seq_len")
    w = trained.state_dict()
    w["rnn.weight_hh_l0"] = np.zeros((3, 3))
    rejected(
        store,
        zip_of({**good, "weights.safetensors": weights_to_bytes(w)}),
        "rnn.weight_hh_l0 has shape",
    )
    w = trained.state_dict()
    w["extra.weight"] = np.zeros(2)
    rejected(store, zip_of({**good, "weights.safetensors": weights_to_bytes(w)}), "extra.weight")
    w = trained.state_dict()
    w["head.bias"] = np.full(w["head.bias"].shape, np.nan)
    rejected(store, zip_of({**good, "weights.safetensors": weights_to_bytes(w)}), "NaN")
    csv = good["history.csv"].decode().replace("grad_norm", "gradient")
    rejected(store, zip_of({**good, "history.csv": csv.encode()}), "missing: grad_norm")
    lines = good["history.csv"].decode().splitlines()
    lines[2] = lines[2].replace(lines[2].split(",")[1], "=cmd|' /C calc'!A0", 1)
    rejected(
        store,
        zip_of({**good, "history.csv": "\n".join(lines).encode()}),
        "line 3: loss is not a number",
    )
    buf = io.BytesIO()
    np.save(buf, np.array([{"a": 1}], dtype=object), allow_pickle=True)
    rejected(
        store, zip_of({**good, "traces.npz": zip_of({"count.npy": buf.getvalue()})}), "traces.npz"
    )
    assert len(store) == 0


def test_numbers_too_long_for_python_or_int64_name_the_file(bundle_bytes, tmp_path):
    store = RunStore(tmp_path)
    good = files_of(bundle_bytes)
    seed = good["config.json"].replace(b'"seed": 0', b'"seed": ' + b"9" * 5000)
    rejected(store, zip_of({**good, "config.json": seed}), "config.json is not valid JSON")
    knob = json.loads(good["config.json"])
    knob["config"]["task_knobs"] = {"seq_len": 10**400}
    knob = json.dumps(knob).encode()
    rejected(store, zip_of({**good, "config.json": knob}), "config.json: knob 'seq_len'")
    lines = good["history.csv"].decode().splitlines()
    for step in (str(2**70), "9" * 5000, "1e5"):
        bad = [lines[0], lines[1], step + lines[2][lines[2].index(",") :], *lines[3:]]
        history = "\n".join(bad).encode()
        rejected(store, zip_of({**good, "history.csv": history}), "history.csv line 3: step")


def _parts_from(data):
    from lstm_core.bundle import load_bundle

    run = load_bundle(data)
    return run.config, run.summary, run.history, run.snapshots, run.weights


def test_a_run_on_your_own_text_keeps_its_text(tmp_path):
    cfg = TrainConfig(
        task="text", model=ModelConfig(hidden_size=4), optim=OptimConfig(batch_size=4)
    )
    text = "to be or not to be, that is the question. " * 20
    tr = Trainer(cfg, {"text": text})
    tr.step(2)
    path = export_bundle(tr, tmp_path / "text.zip", "mine")
    assert "task_data.npz" in files_of(path.read_bytes())
    store = RunStore(tmp_path / "home")
    run = store.load(import_bundle(path, store))
    assert run.task_data == {"text": text}
    back = run.trainer()
    assert back.task.corpus() == tr.task.corpus()
    np.testing.assert_array_equal(back.predict(tr.probe.x), tr.predict(tr.probe.x))
    bad = files_of(path.read_bytes())
    arrays = {"str__password": np.array("x")}
    from lstm_core.records import to_npz

    rejected(store, zip_of({**bad, "task_data.npz": to_npz(arrays)}), "unknown task input")
