"""No Chinese page shows Streamlit's English placeholder ("Choose options", "Choose an
option"): every multiselect, and every selectbox that can show nothing chosen, passes its own
placeholder in the page's language. Streamlit draws its English one when the placeholder it
sends is empty."""

import pytest
from apptest_helpers import APP
from streamlit.testing.v1 import AppTest

from lstm_core.config import ModelConfig, OptimConfig, TrainConfig
from lstm_core.store import RunStore
from lstm_core.train import Trainer
from ui import state, teacher_mode
from ui.i18n import catalogues
from ui.page import available_pages

CFG = TrainConfig(
    task="adding",
    task_knobs={"seq_len": 10},
    model=ModelConfig(hidden_size=4),
    optim=OptimConfig(batch_size=8),
    eval_every=5,
    snapshot_every=5,
)
PAGES = [p.path for p in available_pages()]


@pytest.fixture
def teacher_with_runs(tmp_path, monkeypatch):
    """A run store with two saved runs (the compare picker shows), seen by the teacher (the
    lock and hide pickers show)."""
    monkeypatch.setenv("LSTM_PLAYGROUND_HOME", str(tmp_path))
    store = RunStore(tmp_path)
    for name in ("a", "b"):
        trainer = Trainer(CFG)
        trainer.step(5)
        store.save(trainer, name)


def pickers(path: str, lang: str) -> list:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["lang"] = lang
    at.session_state[state.CONFIG] = CFG
    at.session_state[teacher_mode.ON] = True
    trainer = Trainer(CFG)
    trainer.step(10)
    at.session_state[state.TRAINER] = trainer
    at.run()
    if path != "app.py":
        at.switch_page(path).run()
    assert not at.exception, at.exception
    chosen_none = [s for s in at.selectbox if s.value is None]
    return [*at.multiselect, *chosen_none]


@pytest.mark.parametrize("path", PAGES)
def test_no_chinese_page_falls_back_to_streamlits_english_placeholder(path, teacher_with_runs):
    zh = set(catalogues()["zh"].values())
    for picker in pickers(path, "zh"):
        text = picker.proto.placeholder
        assert text.strip(), f"{path}: {picker.key} shows Streamlit's 'Choose options'"
        assert text in zh, f"{path}: {picker.key} placeholder {text!r} is not Chinese"


def test_the_pickers_were_reached(teacher_with_runs):
    """The pages above really draw the pickers (with a placeholder of their own)."""
    found = set()
    for path in ("pages/1_Train.py", "pages/2_Inside_the_cell.py", "pages/7_Saved_runs.py"):
        found |= {p.key for p in pickers(path, "en") if p.proto.placeholder}
    assert {"link_lock", "link_hide", "inside_units", "runs_compare"} <= found, found
