"""AppTest of Saved runs and "Save run": the list shows the store's numbers, a loaded run shows
the history it was saved with on every page, rename / delete / compare / download work, a
hostile upload is refused plainly and leaves the store untouched, and unsaved training
survives switching pages."""

import io
import json
import zipfile

import numpy as np
import pytest
from apptest_helpers import open_page, plotly_array

from lstm_core.bundle import export_bundle, load_bundle
from lstm_core.config import ModelConfig, OptimConfig, TrainConfig
from lstm_core.store import RunStore
from lstm_core.train import Trainer
from ui import runs, state
from ui.train_view import short

TRAIN, RUNS = "pages/1_Train.py", "pages/7_Saved_runs.py"


@pytest.fixture(autouse=True)
def fresh_store(tmp_path, monkeypatch):
    """Each test gets its own empty run store."""
    monkeypatch.setenv("LSTM_PLAYGROUND_HOME", str(tmp_path / "store"))
    return RunStore()


def config(**kw):
    base = dict(
        task="adding",
        task_knobs={"seq_len": 12},
        model=ModelConfig(hidden_size=6),
        optim=OptimConfig(lr=1e-2, batch_size=8),
        eval_every=5,
        snapshot_every=10,
    )
    base.update(kw)
    return TrainConfig(**base)


def saved(store, name, steps, **kw):
    tr = Trainer(config(**kw))
    tr.step(steps)
    return store.save(tr, name), tr


def listing(store):
    return [(i.id, i.name, i.summary) for i in store.list()]


def test_an_empty_store_says_so():
    at = open_page(RUNS)
    assert "No saved runs yet" in at.info[0].value
    assert at.title[0].value == "Saved runs"


def test_the_list_shows_the_stored_numbers(fresh_store):
    saved(fresh_store, "first", 10)
    saved(fresh_store, "second", 20, model=ModelConfig(cell="lstm", variant="nfg", hidden_size=6))
    at = open_page(RUNS)
    shown = at.dataframe[0].value
    infos = fresh_store.list()
    assert list(shown["#"]) == [i.id for i in infos]
    assert list(shown["Name"]) == ["second", "first"]
    assert list(shown["Model"]) == ["LSTM-NFG · H=6", "LSTM · H=6"]
    assert list(shown["Steps"]) == [20, 10]
    assert list(shown["Final loss"]) == [i.summary["train_loss"] for i in infos]
    assert list(shown["Value"]) == [i.summary["metric_value"] for i in infos]
    assert list(shown["Solved"]) == [i.summary["solved"] for i in infos]


def test_save_run_on_the_train_page(fresh_store):
    at = open_page(TRAIN)
    for _ in range(3):
        at.button(key="train_step").click()
        at.run()
    at.text_input(key="train_save_name").input("my first run")
    at.button(key="train_save").click()
    at.run()
    assert not at.exception
    (info,) = fresh_store.list()
    assert info.name == "my first run" and info.summary["steps"] == 3
    assert "my first run" in at.success[0].value
    trainer = at.session_state[state.TRAINER]
    np.testing.assert_array_equal(fresh_store.history(info.id).loss, trainer.history.loss)
    assert at.text_input(key="train_save_name").value == ""  # cleared for the next save
    at.button(key="train_save").click()  # no name typed: a default name
    at.run()
    assert fresh_store.list()[0].name == runs.default_name(trainer, "en")
    assert fresh_store.list()[0].name.endswith("· H=32 · step 3")


def test_the_name_placeholder_does_not_show_a_step_that_goes_stale():
    at = open_page(TRAIN)
    placeholder = at.text_input(key="train_save_name").placeholder
    for _ in range(2):
        at.button(key="train_step").click()
        at.run()
    assert at.text_input(key="train_save_name").placeholder == placeholder
    assert placeholder.endswith("· step when saved")  # no step number that could go stale


def test_a_loaded_run_shows_the_history_it_was_saved_with(fresh_store):
    run_id, original = saved(fresh_store, "keep me", 30)
    saved(fresh_store, "other", 5)
    at = open_page(RUNS)
    at.selectbox(key="runs_pick").set_value(run_id)
    at.run()
    at.button(key="runs_load").click()
    at.run()
    assert not at.exception and "Loaded “keep me” at step 30" in at.success[0].value
    trainer = at.session_state[state.TRAINER]
    stored = fresh_store.history(run_id).arrays()
    for key, column in trainer.history.arrays().items():
        np.testing.assert_array_equal(column, stored[key])
    for key, w in original.state_dict().items():
        np.testing.assert_array_equal(trainer.state_dict()[key], w)
    assert at.session_state[state.CONFIG] == original.config
    # the Train page now shows this run, and does not start a new one
    at.switch_page(TRAIN)
    at.run()
    assert not at.exception
    assert at.session_state[state.TRAINER] is trainer and trainer.steps == 30
    shown = {m.label: m.value for m in at.metric}
    assert shown["Steps"] == "30"
    assert shown["Training loss"] == short(stored["loss"][-1])
    assert shown["Metric"] == f"{stored['metric'][-1]:.3f}"
    loss = json.loads(at.session_state["live_chart_payloads"]["train_loss_chart"][1]["figure"])
    np.testing.assert_array_equal(plotly_array(loss["data"][0]["y"]), stored["loss"])
    np.testing.assert_array_equal(plotly_array(loss["data"][1]["y"]), stored["val_loss"])


def test_rename_and_delete_with_a_confirmation(fresh_store):
    keep, _ = saved(fresh_store, "keep", 2)
    gone, _ = saved(fresh_store, "old name", 2)
    at = open_page(RUNS)
    at.selectbox(key="runs_pick").set_value(gone)
    at.text_input(key="runs_new_name").input("new name")
    at.button(key="runs_rename").click()
    at.run()
    assert [i.name for i in fresh_store.list()] == ["new name", "keep"]
    assert "new name" in list(at.dataframe[0].value["Name"])
    at.button(key="runs_delete").click()
    at.run()
    assert "Delete “new name” for good?" in at.warning[0].value
    at.button(key="runs_delete_no").click()
    at.run()
    assert len(fresh_store) == 2 and not at.warning
    at.button(key="runs_delete").click()
    at.run()
    at.button(key="runs_delete_yes").click()
    at.run()
    assert not at.exception
    assert [i.id for i in fresh_store.list()] == [keep]
    assert list(at.dataframe[0].value["Name"]) == ["keep"]


def test_an_empty_new_name_is_refused_plainly(fresh_store):
    run_id, _ = saved(fresh_store, "name", 1)
    at = open_page(RUNS)
    at.button(key="runs_rename").click()
    at.run()
    assert "cannot be empty" in at.error[0].value
    assert fresh_store.list()[0].name == "name"


def test_compare_overlays_the_stored_curves(fresh_store):
    a, _ = saved(fresh_store, "a", 10)
    b, _ = saved(fresh_store, "b", 15, seed=1)
    at = open_page(RUNS)
    at.multiselect(key="runs_compare").set_value([a, b])
    at.run()
    fig = json.loads(at.get("plotly_chart")[0].proto.spec)
    for k, run_id in enumerate([a, b]):
        h = fresh_store.history(run_id)
        np.testing.assert_array_equal(plotly_array(fig["data"][2 * k]["y"]), h.loss)
        np.testing.assert_array_equal(plotly_array(fig["data"][2 * k + 1]["y"]), h.val_loss)
        assert fig["data"][2 * k + 1]["name"] == f"#{run_id} {'ab'[k]}"


def test_the_download_bundle_holds_the_run(fresh_store):
    run_id, tr = saved(fresh_store, "shared", 12)
    at = open_page(RUNS)
    assert at.get("download_button")
    back = load_bundle(runs.bundle_bytes(run_id))
    assert back.name == "shared" and back.config == tr.config
    np.testing.assert_array_equal(back.history.arrays()["loss"], tr.history.arrays()["loss"])


def good_bundle(tmp_path) -> bytes:
    tr = Trainer(config())
    tr.step(6)
    return export_bundle(tr, tmp_path / "ok.zip", "from a friend").read_bytes()


def rezip(data: bytes, replace: dict) -> bytes:
    """The bundle ``data`` with some entries replaced (or added)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            if info.filename not in replace:
                dst.writestr(info.filename, src.read(info.filename))
        for name, content in replace.items():
            dst.writestr(name, content)
    return out.getvalue()


def pickled_npz() -> bytes:
    buf = io.BytesIO()
    np.savez(buf, step=np.array([{"evil": "payload"}], dtype=object))  # pickled inside
    return buf.getvalue()


HOSTILE = {
    "path": (lambda ok: rezip(ok, {"../evil.py": b"print('x')"}), "unsafe file name"),
    "pickle": (lambda ok: rezip(ok, {"traces.npz": pickled_npz()}), "traces.npz"),
    "json": (lambda ok: rezip(ok, {"config.json": b"{not json"}), "config.json"),
    "not a zip": (lambda ok: b"PK\x03\x04 this is no zip", "not a .zip file"),
}


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_a_hostile_upload_is_refused_and_the_store_is_untouched(fresh_store, tmp_path, kind):
    saved(fresh_store, "already there", 3)
    before = listing(fresh_store)
    make, words = HOSTILE[kind]
    at = open_page(RUNS)
    at.file_uploader(key="runs_upload").set_value(
        ("bundle.zip", make(good_bundle(tmp_path)), "application/zip")
    )
    at.run()
    assert not at.exception
    message = at.error[0].value
    assert message.startswith("This bundle was not imported, and nothing was saved:")
    assert words in message
    assert listing(fresh_store) == before


def test_a_good_upload_is_imported_once(fresh_store, tmp_path):
    at = open_page(RUNS)
    at.file_uploader(key="runs_upload").set_value(
        ("bundle.zip", good_bundle(tmp_path), "application/zip")
    )
    at.run()
    (info,) = fresh_store.list()
    assert info.name == "from a friend" and info.summary["steps"] == 6
    assert f"Imported “from a friend” as run #{info.id}" in at.success[0].value
    assert list(at.dataframe[0].value["Name"]) == ["from a friend"]  # listed at once
    at.run()  # a rerun with the same file does not import it again
    assert len(fresh_store) == 1


def test_unsaved_training_survives_switching_pages():
    at = open_page(TRAIN)
    for _ in range(3):
        at.button(key="train_step").click()
        at.run()
    trainer = at.session_state[state.TRAINER]
    losses = list(trainer.history.loss)
    for page in (RUNS, "pages/5_Arena.py", TRAIN):
        at.switch_page(page)
        at.run()
        assert not at.exception, (page, at.exception)
    assert at.session_state[state.TRAINER] is trainer
    assert trainer.steps == 3 and trainer.history.loss == losses
    assert {m.label: m.value for m in at.metric}["Steps"] == "3"


def test_the_page_in_chinese(fresh_store):
    saved(fresh_store, "运行", 2)
    at = open_page(RUNS, lang="zh")
    assert at.title[0].value == "已保存的运行"
    assert list(at.dataframe[0].value.columns)[:3] == ["#", "名称", "任务"]
