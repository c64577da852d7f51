"""AppTest of private runs, class copies and teacher mode: two browsers (two owner tokens)
each see their own runs; a class copy is read-only and leaves the raw data behind unless
ticked; names render as plain text; a deleted run is reported plainly; the teacher's key."""

import hashlib
import io
import zipfile

import pytest
from apptest_helpers import open_page

from lstm_core import admission
from lstm_core.config import ModelConfig, OptimConfig, TrainConfig
from lstm_core.store import RunStore, StoreError, Viewer
from lstm_core.teacher import KEY_ENV
from lstm_core.train import Trainer
from ui import owner, runs, teacher_mode

RUNS, TRAIN = "pages/7_Saved_runs.py", "pages/1_Train.py"
ANN, BOB = "ann-browser-token-0123456789abcdef", "bob-browser-token-0123456789abcdef"
CSV = TrainConfig(
    task="csv",
    model=ModelConfig(hidden_size=4),
    optim=OptimConfig(batch_size=4),
    eval_every=5,
)
SECRET_CSV = b"day,temp\n" + b"".join(f"{d},{20 + d % 9}.5\n".encode() for d in range(120))
HOSTILE_NAME = "[x](https://example.com/a) ![](https://example.com/i.png) *b* :red[c]"


def owner_of(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()[:32]


def browser(token: str, page: str = RUNS, **session):
    return open_page(page, **{owner.TOKEN: token, **session})


@pytest.fixture(autouse=True)
def fresh_store(tmp_path, monkeypatch):
    monkeypatch.setenv("LSTM_PLAYGROUND_HOME", str(tmp_path / "store"))
    monkeypatch.delenv(KEY_ENV, raising=False)
    return RunStore()


def csv_run(store, token: str, name: str = "ann's data") -> int:
    tr = Trainer(CSV, {"data": SECRET_CSV, "target": "temp"})
    tr.step(3)
    return store.save(tr, name, owner=owner_of(token))


def test_two_browsers_see_only_their_own_runs(fresh_store):
    mine = csv_run(fresh_store, ANN)
    ann, bob = browser(ANN), browser(BOB)
    assert list(ann.dataframe[0].value["#"]) == [mine]
    assert list(ann.dataframe[0].value["Whose"]) == ["yours"]
    assert "No saved runs yet" in bob.info[0].value
    with pytest.raises(StoreError, match="no saved run"):
        runs.bundle_bytes(mine, Viewer(owner_of(BOB)))


def test_a_class_copy_is_read_only_and_has_no_raw_data_unless_ticked(fresh_store):
    mine = csv_run(fresh_store, ANN)
    ann = browser(ANN)
    ann.button(key="runs_share").click()
    ann.run()
    assert "without your data" in ann.success[0].value
    bob = browser(BOB)
    [copy] = list(bob.dataframe[0].value["#"])
    assert list(bob.dataframe[0].value["Whose"]) == ["class copy"]
    assert bob.button(key="runs_rename").disabled and bob.button(key="runs_delete").disabled
    assert any("read-only copy" in c.value for c in bob.caption)
    assert not [b for b in bob.button if b.key == "runs_share"]
    bob.button(key="runs_download").click()
    bob.run()
    assert "shared without the data" in bob.error[0].value  # a CSV run cannot be rebuilt
    assert fresh_store.load(copy).task_data == {}
    ann.checkbox(key="runs_share_data").check()
    ann.button(key="runs_share").click()
    ann.run()
    bob = browser(BOB)
    ticked = max(bob.dataframe[0].value["#"])
    bob.selectbox(key="runs_pick").set_value(ticked)
    bob.run()
    bob.button(key="runs_download").click()
    bob.run()
    _, data = bob.session_state[runs.BUNDLE]
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert "task_data.npz" in z.namelist()
    assert fresh_store.load(mine).task_data["data"] == SECRET_CSV


def test_names_are_plain_text_in_every_message(fresh_store):
    ann = browser(ANN, TRAIN)
    ann.button(key="train_step").click()
    ann.run()
    ann.text_input(key="train_save_name").input(HOSTILE_NAME)
    ann.button(key="train_save").click()
    ann.run()
    shown = ann.success[0].value
    assert runs.plain(HOSTILE_NAME) in shown
    assert "](" not in shown and "https://" not in shown and ":red[" not in shown
    assert shown.replace(runs.ZWSP, "").replace("\\", "").count(HOSTILE_NAME) == 1
    [info] = fresh_store.list()
    assert info.name == HOSTILE_NAME  # stored exactly as typed
    ann.switch_page(RUNS)
    ann.run()
    ann.button(key="runs_load").click()
    ann.run()
    assert "](" not in ann.success[0].value
    ann.button(key="runs_delete").click()
    ann.run()
    assert "](" not in ann.warning[0].value


def test_a_deleted_run_is_reported_where_it_was_referenced(fresh_store):
    ann = browser(ANN, TRAIN)
    ann.button(key="train_step").click()
    ann.run()
    ann.button(key="train_save").click()
    ann.run()
    [info] = fresh_store.list()
    ann.switch_page(RUNS)
    ann.run()
    assert any(f"saved as run #{info.id}" in c.value for c in ann.caption)
    fresh_store.delete(info.id)  # e.g. the teacher, or the same student in another tab
    ann.button(key="runs_download").click()  # the page still lists it: clicked anyway
    ann.run()
    assert "no longer available" in ann.error[0].value
    assert f"#{info.id}) is gone" in ann.warning[0].value
    assert not any("saved as run" in c.value for c in ann.caption)


def test_the_teacher_key_unlocks_the_panel_and_is_rate_limited(fresh_store, monkeypatch):
    monkeypatch.setenv(KEY_ENV, "correct horse battery")
    theirs = csv_run(fresh_store, BOB, "bob's")
    ann = browser(ANN)
    ann.text_input(key=teacher_mode.KEY_FIELD).input("wrong guess")
    ann.button(key="teacher_enter").click()
    ann.run()
    assert "not the teacher key" in ann.error[0].value
    assert ann.text_input(key=teacher_mode.KEY_FIELD).value == ""  # never kept in a widget
    ann.text_input(key=teacher_mode.KEY_FIELD).input("correct horse battery")
    ann.button(key="teacher_enter").click()
    ann.run()
    assert ann.session_state[teacher_mode.ON] is True
    assert "correct horse" not in str(dict(ann.query_params))
    assert list(ann.dataframe[0].value["#"]) == [theirs]  # the teacher sees every run
    ann.button(key="runs_delete").click()
    ann.run()
    ann.button(key="runs_delete_yes").click()
    ann.run()
    assert len(fresh_store) == 0
    ann.toggle(key="teacher_gallery").set_value(False).run()
    assert not fresh_store.gallery_open()
    try:
        ann.number_input(key="teacher_limit").set_value(3).run()
        assert admission.shared().limit == 3  # this server's gate
    finally:
        admission.reset_shared(admission.limit_from_env())
    guesser = browser(BOB)
    for _ in range(5):
        guesser.text_input(key=teacher_mode.KEY_FIELD).input("guess")
        guesser.button(key="teacher_enter").click()
        guesser.run()
    guesser.text_input(key=teacher_mode.KEY_FIELD).input("correct horse battery")
    guesser.button(key="teacher_enter").click()
    guesser.run()
    assert "Too many tries" in guesser.error[0].value  # even the right key waits now
    assert (
        teacher_mode.ON not in guesser.session_state or not guesser.session_state[teacher_mode.ON]
    )


def test_a_browser_without_a_cookie_gets_a_new_token_and_the_cookie_writer():
    fresh = open_page(RUNS)
    token = fresh.session_state[owner.TOKEN]
    assert len(token) >= 32 and token not in (ANN, BOB)
    writers = [h for h in fresh.get("html") if "document.cookie" in h.proto.body]
    assert writers and token in writers[0].proto.body  # AppTest sends no cookie back
