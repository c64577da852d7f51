"""AppTest of the shared-server safeguards on the Train page: the training line (admission
limit), a training chunk that raises, NaN in the middle of training, extreme settings and the
CSV upload. Every case: a plain message, no exception element, nothing lost."""

import hashlib

import numpy as np
import pytest
from apptest_helpers import open_page
from streamlit.testing.v1 import AppTest

from lstm_core import admission
from lstm_core.config import ModelConfig, OptimConfig, TrainConfig
from lstm_core.tasks import Batch
from lstm_core.train import Trainer
from ui import owner, state

APP = "../app.py"
TRAIN = "pages/1_Train.py"
SMALL = TrainConfig(
    task="sine",
    task_knobs={"seq_len": 30},
    model=ModelConfig(hidden_size=8),
    optim=OptimConfig(batch_size=8),
    eval_every=5,
    snapshot_every=10,
)


@pytest.fixture
def gate():
    """A fresh server-wide gate for the test; the environment's one afterwards."""
    yield admission.reset_shared
    admission.reset_shared(admission.limit_from_env())


def open_train(cfg: TrainConfig = SMALL) -> AppTest:
    return open_page(TRAIN, timeout=60, **{state.CONFIG: cfg})


def texts(elements) -> str:
    return "\n".join(e.value for e in elements)


def test_limit_zero_queues_play_with_a_plain_message(gate):
    gate(0)
    at = open_train()
    at.button(key="train_play").click().run()
    at.run()
    assert not at.exception
    assert "Training is switched off on this server" in texts(at.info)
    assert at.session_state[state.TRAINER].steps == 0
    assert at.session_state[state.RUNNING]  # still waiting, not refused: Play stays on


def test_a_full_server_shows_the_place_in_line_then_trains_when_a_slot_frees(gate):
    g = gate(2)
    assert g.try_acquire("student-1").granted and g.try_acquire("student-2").granted
    at = open_train()
    at.button(key="train_play").click().run()
    assert not at.exception
    assert "2 students are training right now" in texts(at.info)
    assert "You are next in line" in texts(at.info)
    tr = at.session_state[state.TRAINER]
    assert tr.steps == 0
    g.try_acquire("student-3")  # arrives later: behind this session
    assert g.snapshot()[1][-1] == "student-3"
    g.release("student-1")
    at.run()
    assert tr.steps > 0 and "next in line" not in texts(at.info)
    # Pause gives the slot back to the next in line
    at.button(key="train_pause").click().run()
    assert g.try_acquire("student-3").granted


def test_the_place_in_line_counts_sessions_ahead(gate):
    g = gate(1)
    g.try_acquire("a"), g.try_acquire("b"), g.try_acquire("c")
    at = open_train()
    at.button(key="train_play").click().run()
    assert "You are number 3 in line" in texts(at.info)
    at.session_state["lang"] = "zh"
    at.run()
    assert "你排在第 3 位" in texts(at.info) and not at.exception


def test_a_training_chunk_that_raises_pauses_with_a_message_and_the_session_lives_on(
    monkeypatch,
):
    at = open_train()
    at.button(key="train_step").click().run()
    tr = at.session_state[state.TRAINER]
    weights = tr.state_dict()
    history = list(tr.history.loss)

    def broken(self, seconds=0.1):
        raise RuntimeError("simulated failure inside a training step")

    monkeypatch.setattr(Trainer, "advance", broken)
    at.button(key="train_play").click().run()
    at.run()
    assert not at.exception
    message = texts(at.error)
    assert "unexpected error in this run (RuntimeError)" in message
    assert "simulated failure" not in message  # the details stay in the server log
    assert not at.session_state[state.RUNNING]
    assert tr.steps == 1 and tr.history.loss == history
    for k, v in tr.state_dict().items():
        np.testing.assert_array_equal(v, weights[k])
    # the session keeps working: the other pages' controls, and training once fixed
    monkeypatch.undo()
    at.button(key="train_resume").click().run()
    at.run()
    assert not at.exception and tr.status == "ready" and tr.steps > 1


def test_nan_in_the_middle_of_training_stops_at_the_last_good_step():
    at = open_train()
    at.button(key="train_play").click().run()
    tr = at.session_state[state.TRAINER]
    good = tr.steps
    assert good > 0
    weights = tr.state_dict()
    clean = tr._batches

    def poisoned():
        batch = next(clean)
        x = batch.x.copy()
        x[x.shape[0] // 2, 0] = np.nan  # one value, mid-sequence
        yield Batch(x, batch.y, batch.mask, batch.per_step)

    tr._batches = poisoned()
    at.run()
    assert not at.exception
    assert "NaN or infinite inputs" in texts(at.error)
    assert tr.steps == good and len(tr.history.loss) == good
    for k, v in tr.state_dict().items():
        np.testing.assert_array_equal(v, weights[k])
    tr._batches = clean
    at.button(key="train_resume").click().run()
    at.run()
    assert tr.steps > good and not at.exception


@pytest.mark.parametrize(
    "cfg, expect",
    [
        (TrainConfig(task="sine", optim=OptimConfig("sgd", lr=1e3, clip=None)), "diverged"),
        (TrainConfig(task="sine", optim=OptimConfig("adam", lr=1e3, clip=None)), "either"),
        (TrainConfig(task="sine", model=ModelConfig(hidden_size=1)), "ready"),
        (TrainConfig(task="sine", optim=OptimConfig(batch_size=1)), "ready"),
        (TrainConfig(task="copy", task_knobs={"lag": 1, "k": 1}), "ready"),  # shortest allowed
    ],
    ids=["sgd-lr=1e3", "adam-lr=1e3", "hidden=1", "batch=1", "shortest-sequence"],
)
def test_extreme_settings_train_or_stop_with_a_message(cfg, expect):
    at = open_train(cfg)
    for _ in range(3):
        at.button(key="train_step").click().run()
    assert not at.exception
    tr = at.session_state[state.TRAINER]
    if expect == "diverged":
        tr.step(60)  # the trainer directly: step() stops at the step that diverges
        at.run()
        assert tr.status == "diverged"
        assert "Lower the learning rate" in texts(at.error)
        assert all(np.isfinite(v).all() for v in tr.state_dict().values())
    elif expect == "either":  # Adam's steps are bounded by lr: huge weights, finite loss
        assert tr.status == "ready" or "Lower the learning rate" in texts(at.error)
        assert all(np.isfinite(v).all() for v in tr.state_dict().values())
    else:
        assert tr.status == "ready" and tr.steps == 3
        assert np.isfinite(tr.history.loss).all()


@pytest.mark.parametrize(
    "lang, message",
    [
        ("en", "'seq_len' = 1 is outside the allowed range 20..500"),
        ("zh", "无法使用这个设置：设置 'seq_len' = 1 超出了允许的范围 20..500"),
    ],
)
def test_a_knob_out_of_range_is_refused_in_the_readers_language(lang, message):
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["lang"] = lang
    at.session_state[state.CONFIG] = TrainConfig(task="sine", task_knobs={"seq_len": 1})
    at.run()
    at.switch_page(TRAIN).run()
    assert not at.exception and message in texts(at.error)


def test_sequence_length_1_is_refused_with_the_allowed_range_and_a_way_out():
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state[state.CONFIG] = TrainConfig(task="sine", task_knobs={"seq_len": 1})
    at.run()
    at.switch_page(TRAIN).run()
    assert not at.exception
    assert "'seq_len' = 1 is outside the allowed range 20..500" in texts(at.error)
    at.button(key="train_defaults").click().run()
    assert not at.exception and not at.error
    assert at.session_state[state.TRAINER].task.values["seq_len"] == 100


# --------------------------------------------------------------------------- CSV upload
CSV = TrainConfig(
    task="csv", model=ModelConfig(hidden_size=4), optim=OptimConfig(batch_size=4), eval_every=5
)
GOOD = b"day,temp,wind\n" + b"".join(
    f"{d},{20 + 5 * np.sin(d / 5):.3f},{d % 7}\n".encode() for d in range(120)
)
BAD_FILES = [
    ("empty", b"", "the file is empty"),
    ("header-only", b"date,value\n", "header row but no data rows"),
    ("delimiters-only", b",,\n , ,\n", "holds no values"),
    ("binary", bytes(range(256)) * 4, "looks binary"),
    ("bad-utf16", b"\xff\xfe\x00\xd8", "byte-order mark but is not valid"),
    ("ragged", b"a,b\n1,2\n3\n4,5\n", "line 3 has 1 field"),
    ("infinite", b"a\n1\n1e999\n" + b"2\n" * 40, 'column "a", line 3'),
    ("text-in-numbers", b"a\n1\n2\nabc\n4\n", 'column "a", line 4: "abc" is not a number'),
    ("no-numeric-column", b"name,city\nAda,Paris\nBo,Rome\n", "no numeric column"),
    ("unclosed-quote", b'a\n1\n"' + b"x" * 140_000 + b"\n", "line 3"),
    ("shorter-than-window", b"v\n" + b"1\n2\n" * 5, "too short for a window of 16"),
    ("oversize", b"v\n" + b"1.5\n" * 5_300_000, "the limit is 20 MB"),
]


def upload(at, name: str, data: bytes) -> AppTest:
    at.get("file_uploader")[0].set_value((name, data, "text/csv"))
    return at.run()


def test_the_csv_task_builds_on_the_example_until_a_file_is_uploaded():
    at = open_train(CSV)
    tr = at.session_state[state.TRAINER]
    assert tr.task.name == "csv" and "built-in example" in texts(at.caption)
    upload(at, "weather.csv", GOOD)
    assert not at.exception and not at.error
    new = at.session_state[state.TRAINER]
    assert new is not tr and new.task_data["data"] == GOOD and new.task_data["target"] == "temp"
    assert "Using weather.csv: 120 rows." in texts(at.caption)
    at.selectbox(key="train_upload_target").set_value("wind").run()
    assert at.session_state[state.TRAINER].task_data["target"] == "wind" and not at.exception


@pytest.mark.parametrize("name, data, message", BAD_FILES, ids=[c[0] for c in BAD_FILES])
def test_a_bad_csv_upload_gets_the_loaders_message_and_changes_nothing(name, data, message):
    at = open_train(CSV)
    upload(at, "good.csv", GOOD)
    at.button(key="train_step").click().run()
    tr = at.session_state[state.TRAINER]
    assert tr.steps == 1
    upload(at, f"{name}.csv", data)
    assert not at.exception
    shown = texts(at.error)
    assert (
        f"{name}.csv cannot be used" in shown
        and message in shown
        and "Nothing was changed" in shown
    )
    assert at.session_state[state.TRAINER] is tr and tr.steps == 1  # the run is untouched
    assert tr.task_data["data"] == GOOD  # and so is the file in use
    at.button(key="train_step").click().run()
    assert tr.steps == 2 and not at.exception


def test_a_window_longer_than_the_series_is_refused_with_the_minimum_length():
    at = open_train(CSV)
    upload(at, "short.csv", b"v\n" + "".join(f"{k % 9}\n" for k in range(100)).encode())
    tr = at.session_state[state.TRAINER]
    assert not at.error and tr.task.values["window"] == 16
    at.slider(key="train_knob_csv_window").set_value(64).run()
    assert not at.exception
    assert "too short for a window of 64" in texts(at.error) + texts(at.warning)
    assert "it needs at least" in texts(at.error) + texts(at.warning)
    assert at.session_state[state.TRAINER] is tr and tr.task.values["window"] == 16


def test_a_window_too_long_for_a_run_in_progress_offers_no_reset_and_keeps_the_run():
    at = open_train(CSV)
    upload(at, "short.csv", b"v\n" + "".join(f"{k % 9}\n" for k in range(100)).encode())
    at.button(key="train_step").click().run()
    tr = at.session_state[state.TRAINER]
    at.slider(key="train_knob_csv_window").set_value(64).run()
    assert not at.exception and "it needs at least 323 rows" in texts(at.error)
    assert "train_confirm" not in [b.key for b in at.button]  # no reset that cannot be built
    assert at.session_state[state.TRAINER] is tr and tr.steps == 1
    at.slider(key="train_knob_csv_window").set_value(16).run()
    at.button(key="train_step").click().run()
    assert tr.steps == 2 and not at.error and not at.exception


def test_the_arena_waits_in_the_same_line(gate):
    from ui import arena_state as A

    g = gate(1)
    g.try_acquire("student-1")
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("pages/5_Arena.py").run()
    at.button(key="arena_play").click().run()
    assert not at.exception and "You are next in line" in texts(at.info)
    arena = at.session_state[A.ARENA]
    assert arena.rounds == 0
    g.release("student-1")
    at.run()
    assert arena.rounds >= 1 and "next in line" not in texts(at.info)
    at.button(key="arena_pause").click().run()
    assert g.snapshot() == ([], [])  # Pause gave the slot back


# --------------------------------------------------------------------------- Saved runs page
def test_hostile_bundles_on_the_saved_runs_page_never_run_a_pickle(tmp_path, monkeypatch):
    import zipfile

    from safetensors.numpy import load, save
    from test_hardening import pickled_npz, zipped

    from lstm_core.bundle import export_bundle
    from lstm_core.store import RunStore

    monkeypatch.setenv("LSTM_PLAYGROUND_HOME", str(tmp_path / "store"))
    tr = Trainer(SMALL)
    tr.step(3)
    with zipfile.ZipFile(export_bundle(tr, tmp_path / "ok.zip")) as z:
        files = {n: z.read(n) for n in z.namelist()}
    weights = load(files["weights.safetensors"])
    weights["head.weight"] = np.zeros((7, 7), dtype=np.float32)
    marker = tmp_path / "PWNED"
    cases = [
        (zipped({**files, "traces.npz": pickled_npz(marker)}), "traces.npz"),
        (zipped({**files, "task_data.npz": pickled_npz(marker)}), "task_data.npz"),
        (zipped({**files, "traces.npz": b"\0" * (60 << 20)}), "zip bomb"),
        (zipped({**files, "weights.safetensors": save(weights)}), "head.weight has shape (7, 7)"),
    ]
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("pages/7_Saved_runs.py").run()
    for k, (data, words) in enumerate(cases):
        at.file_uploader(key="runs_upload").set_value((f"b{k}.zip", data, "application/zip"))
        at.run()
        assert not at.exception
        # as the reader sees it: markdown escapes and link-breaking zero-width spaces removed
        message = texts(at.error).replace("\u200b", "").replace("\\", "")
        assert "This bundle was not imported, and nothing was saved" in message and words in message
        assert not marker.exists() and len(RunStore()) == 0


def test_a_run_named_like_a_formula_is_neutralized_in_the_runs_table(tmp_path, monkeypatch):
    from lstm_core.store import RunStore

    monkeypatch.setenv("LSTM_PLAYGROUND_HOME", str(tmp_path / "store"))
    store = RunStore()
    tr = Trainer(SMALL)
    token = "hardening-browser-token-0123456789ab"  # this browser's owner cookie
    mine = hashlib.sha256(token.encode()).hexdigest()[:32]  # runs are private to their owner
    store.save(tr, '=HYPERLINK("http://evil.example","click")', owner=mine)
    store.save(tr, "-1+2", owner=mine)
    store.save(tr, "plain name", owner=mine)
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state[owner.TOKEN] = token
    at.run()
    at.switch_page("pages/7_Saved_runs.py").run()
    assert not at.exception
    names = list(at.dataframe[0].value["Name"])
    assert names == ["plain name", "'-1+2", '\'=HYPERLINK("http://evil.example","click")']


def test_a_tampered_link_opens_with_a_notice_and_clamped_values():
    at = AppTest.from_file(APP, default_timeout=60)
    hostile = {
        "page": "train",
        "hidden": "99999",
        "lr": "nan",
        "cell": "<script>alert(1)</script>",
        "k.seq_len": "1",
        "seed": "-5",
        "__class__": "x",
    }
    for key, value in hostile.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception
    notice = texts(at.warning)
    for key in ("hidden", "lr", "cell", "seq_len", "seed", "__class__"):
        assert key in notice, key
    assert "<script>" not in "".join(m.value for m in at.markdown)  # shown as text only
    cfg = at.session_state[state.CONFIG]
    assert (cfg.model.hidden_size, cfg.model.cell, cfg.seed) == (256, "lstm", 0)
    assert cfg.optim.lr == OptimConfig().lr and cfg.task_knobs["seq_len"] == 20


def test_an_arena_chunk_that_raises_pauses_with_a_message_and_the_page_lives_on(monkeypatch):
    from lstm_core.arena import Arena
    from ui import arena_state as A

    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("pages/5_Arena.py").run()
    arena = at.session_state[A.ARENA]

    def broken(self, seconds):
        raise RuntimeError("simulated failure inside the arena")

    monkeypatch.setattr(Arena, "advance", broken)
    at.button(key="arena_play").click().run()
    at.run()
    assert not at.exception and not at.session_state[A.RUNNING]
    message = texts(at.error)
    assert "unexpected error in this run (RuntimeError)" in message
    assert "simulated failure" not in message and arena.rounds == 0
    monkeypatch.undo()
    at.button(key="arena_play").click().run()
    at.run()
    assert not at.exception and arena.rounds >= 1 and not at.error


# --------------------------------------------------------------------------- your own text
def test_your_own_text_is_pasted_or_uploaded_checked_and_trained_on():
    at = open_train(TrainConfig(task="text", model=ModelConfig(hidden_size=8)))
    at.selectbox(key="train_knob_text_source").set_value("custom").run()
    assert not at.exception
    at.text_area(key="train_text_area").set_value("to be or not to be, that is it. " * 50).run()
    tr = at.session_state[state.TRAINER]
    assert not at.exception and tr.task.values["source"] == "custom"
    assert tr.task_data["text"].startswith("to be or not to be")
    at.button(key="train_step").click().run()
    assert tr.steps == 1 and "Training on your text: 1,600 characters." in texts(at.caption)
    # a binary file is refused with the reason; the text in use and the run stay
    at.get("file_uploader")[0].set_value(("photo.txt", bytes(range(256)) * 8, "text/plain"))
    at.run()
    assert not at.exception and "photo.txt cannot be used" in texts(at.error)
    assert at.session_state[state.TRAINER] is tr and tr.steps == 1


@pytest.mark.parametrize(
    "lang, prompt",
    [
        ("en", "Paste a text or upload a text file to train on it."),
        ("zh", "粘贴一段文本或上传一个文本文件，即可用它来训练。"),
    ],
)
def test_your_own_text_before_any_text_shows_a_plain_prompt(lang, prompt):
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["lang"] = lang
    at.session_state[state.CONFIG] = TrainConfig(task="text", model=ModelConfig(hidden_size=8))
    at.run()
    at.switch_page(TRAIN).run()
    at.selectbox(key="train_knob_text_source").set_value("custom").run()
    assert not at.exception
    assert texts(at.info) == prompt
    assert not at.error and not at.warning
    assert "make_task" not in texts(at.info)
