"""AppTest: a preset, a lesson or a load never replaces a trained run silently. The run is
saved to Saved runs first and Undo puts the very same run back (same steps, same weights)."""

from __future__ import annotations

import numpy as np
from apptest_helpers import click, open_page

from lstm_core.config import ModelConfig, OptimConfig, TrainConfig
from lstm_core.store import RunStore
from ui import arena_state, keep, runs, state

SMALL = TrainConfig(
    task="sine",
    task_knobs={"seq_len": 20},
    model=ModelConfig(hidden_size=8),
    optim=OptimConfig(batch_size=8),
    eval_every=5,
)


def trained_session(page: str, steps: int = 3, lang: str = "en"):
    """``page`` open on a session whose run trained ``steps`` steps on the Train page."""
    at = open_page("pages/1_Train.py", **{state.CONFIG: SMALL, "lang": lang})
    for _ in range(steps):
        click(at, "train_step")
    tr = at.session_state[state.TRAINER]
    assert tr.steps == steps
    if page != "pages/1_Train.py":
        at.switch_page(page).run()
        assert not at.exception, at.exception
    return at, tr


def weights(tr) -> dict:
    return {k: np.array(v, copy=True) for k, v in tr.state_dict().items()}


def assert_same_weights(a: dict, b: dict) -> None:
    assert a.keys() == b.keys()
    for k in a:
        np.testing.assert_array_equal(a[k], b[k])


def notice_text(at) -> str:
    return " ".join(m.value for m in at.markdown if ":material/history:" in m.value)


def test_a_gradient_preset_saves_the_trained_run_and_undo_restores_it_exactly():
    at, old = trained_session("pages/4_Gradient_flow.py", steps=3)
    before, cfg = weights(old), at.session_state[state.CONFIG]
    n_runs = len(RunStore().list())
    click(at, "grad_preset_exploding")
    new = at.session_state[state.TRAINER]
    assert new is not old and new.config.model.cell == "rnn"
    kept = at.session_state[keep.RUN]
    assert kept["trainer"] is old and kept["run_id"] is not None
    assert "step 3 was replaced" in notice_text(at) and f"#{kept['run_id']}" in notice_text(at)
    # Saved runs holds it: its steps and weights are those of the replaced run.
    assert len(RunStore().list()) == n_runs + 1
    saved = RunStore().load(kept["run_id"]).trainer()
    assert saved.steps == 3
    assert_same_weights(weights(saved), before)
    click(at, "keep_undo_run")
    back = at.session_state[state.TRAINER]
    assert back is old and back.steps == 3 and not at.session_state[state.RUNNING]
    assert_same_weights(weights(back), before)
    assert at.session_state[state.CONFIG] == cfg
    assert keep.RUN not in at.session_state and not notice_text(at)


def test_a_lesson_saves_the_run_first_and_undo_brings_it_back_to_the_train_page():
    at, old = trained_session("pages/8_Lessons.py", steps=2, lang="zh")
    before = weights(old)
    click(at, "lessons_lesson_negation")  # opens the Train page with the lesson's run
    assert at.session_state[state.TRAINER].config.task == "sentiment"
    text = notice_text(at)
    assert "第 2 步的运行已被替换" in text and "撤销" in [b.label for b in at.button]
    click(at, "keep_undo_run")
    assert at.session_state[state.TRAINER] is old
    assert_same_weights(weights(old), before)
    assert at.session_state[state.CONFIG].task == "sine"
    at.switch_page("pages/1_Train.py").run()  # (AppTest reruns the page it last switched to)
    assert not at.exception and not notice_text(at)
    assert at.select_slider(key="train_hidden").value == 8  # the widgets show the old run


def test_an_untrained_or_already_saved_run_is_not_saved_again():
    at = open_page("pages/8_Lessons.py", **{state.CONFIG: SMALL})
    n_runs = len(RunStore().list())
    click(at, "lessons_lesson_negation")  # step 0: nothing to lose
    assert keep.RUN not in at.session_state and not notice_text(at)
    assert len(RunStore().list()) == n_runs
    at, old = trained_session("pages/1_Train.py", steps=1)
    click(at, "train_save")
    trainer, steps, saved = at.session_state[runs.LAST_SAVE]
    assert trainer is old and steps == 1
    n_runs = len(RunStore().list())
    at.switch_page("pages/8_Lessons.py").run()
    click(at, "lessons_lesson_negation")
    assert len(RunStore().list()) == n_runs  # no second copy
    assert at.session_state[keep.RUN]["run_id"] == saved  # Undo still offered


def test_the_lesson_key_is_the_lesson_states():
    from ui import lesson_state

    assert keep.LESSON == lesson_state.ACTIVE


def test_dismiss_keeps_the_new_run():
    at, old = trained_session("pages/4_Gradient_flow.py", steps=1)
    click(at, "grad_preset_exploding")
    new = at.session_state[state.TRAINER]
    click(at, "keep_undo_run_dismiss")
    assert at.session_state[state.TRAINER] is new and not notice_text(at)


def test_an_arena_preset_keeps_the_trained_arena_for_undo():
    at = open_page("pages/5_Arena.py")
    click(at, "arena_step")
    old = at.session_state[arena_state.ARENA]
    assert old.rounds == 1
    before = [weights(tr) for tr in old.trainers]
    setup = dict(at.session_state[arena_state.SETUP])
    other = next(k for k in arena_state.preset_keys() if k != setup["preset"])
    at.selectbox(key="arena_preset").set_value(other).run()
    assert not at.exception and at.session_state[arena_state.ARENA] is not old
    assert "1 rounds was replaced" in notice_text(at)
    click(at, "keep_undo_arena")
    assert at.session_state[arena_state.ARENA] is old and old.rounds == 1
    for a, b in zip(before, old.trainers, strict=True):
        assert_same_weights(a, weights(b))
    assert at.session_state[arena_state.SETUP]["preset"] == setup["preset"]
    assert at.selectbox(key="arena_preset").value == setup["preset"]


def test_loading_a_saved_run_keeps_the_trained_one_for_undo():
    at, old = trained_session("pages/1_Train.py", steps=2)
    click(at, "train_save")
    saved_id = at.session_state[runs.LAST_SAVE][2]
    click(at, "train_step")  # step 3: trained since the save
    before = weights(old)
    at.switch_page("pages/7_Saved_runs.py").run()
    at.selectbox(key="runs_pick").set_value(saved_id).run()
    click(at, "runs_load")
    loaded = at.session_state[state.TRAINER]
    assert loaded is not old and loaded.steps == 2
    kept = at.session_state[keep.RUN]
    assert kept["trainer"] is old and kept["run_id"] not in (None, saved_id)
    assert RunStore().load(kept["run_id"]).trainer().steps == 3
    click(at, "keep_undo_run")
    assert at.session_state[state.TRAINER] is old and old.steps == 3
    assert_same_weights(weights(old), before)


def test_a_new_csv_file_keeps_the_trained_run_of_the_old_one():
    from importlib import resources

    cfg = TrainConfig(task="csv", model=ModelConfig(hidden_size=8), optim=OptimConfig(batch_size=8))
    at = open_page("pages/1_Train.py", **{state.CONFIG: cfg})
    click(at, "train_step")
    old = at.session_state[state.TRAINER]
    before = weights(old)
    raw = resources.files("lstm_core").joinpath("data", "elnino.csv").read_bytes()
    lines = raw.decode("utf-8").splitlines()
    own = "\n".join(lines[: len(lines) * 3 // 4]).encode()  # a different file: fewer rows
    at.file_uploader(key="train_upload").set_value(("mine.csv", own, "text/csv")).run()
    assert not at.exception, at.exception
    assert at.session_state[state.TRAINER] is not old
    assert "step 1 was replaced" in notice_text(at)
    assert at.session_state[state.DATA]["name"] == "mine.csv"
    click(at, "keep_undo_run")
    assert at.session_state[state.TRAINER] is old
    assert_same_weights(weights(old), before)
    assert state.DATA not in at.session_state  # the run's own data: the built-in example
