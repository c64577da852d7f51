"""The Train page builds its task once: the Trainer builds it, and the menus, the preview and
the shared link read that one (no file is parsed again on a rerun)."""

import traceback

import pytest
from apptest_helpers import APP
from streamlit.testing.v1 import AppTest

from lstm_core.config import ModelConfig, OptimConfig, TrainConfig
from lstm_core.tasks.base import Task
from ui import state

TRAIN = "pages/1_Train.py"
SMALL = TrainConfig(
    task="sine",
    task_knobs={"seq_len": 30},
    model=ModelConfig(hidden_size=8),
    optim=OptimConfig(batch_size=8),
)


@pytest.fixture
def builds(monkeypatch) -> list[str]:
    """Every Task built from now on, as "<task> from <file of the caller>"."""
    seen: list[str] = []
    original = Task.__init__

    def counting(self, **values):
        caller = next(
            f for f in reversed(traceback.extract_stack()[:-1]) if "/tasks/" not in f.filename
        )
        seen.append(f"{self.name} from {caller.filename.rsplit('/', 2)[-2:]}")
        original(self, **values)

    monkeypatch.setattr(Task, "__init__", counting)
    return seen


def test_train_page_builds_the_task_once_then_never_on_a_rerun(builds):
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert builds == [], "the home page builds no task (links read the knobs, not a task)"
    at.session_state[state.CONFIG] = SMALL
    at.switch_page(TRAIN)
    at.run()
    assert not at.exception, at.exception
    assert len(builds) == 1, builds  # the Trainer's; the menus and the link reuse it
    assert "train.py" in builds[0]
    builds.clear()
    at.run()  # a rerun with the same configuration
    assert not at.exception
    assert builds == []


def test_a_task_tried_in_the_menu_is_built_once(builds):
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.session_state[state.CONFIG] = SMALL
    at.switch_page(TRAIN).run()
    builds.clear()
    at.selectbox(key="train_task").set_value("adding").run()  # a new task: a fresh run
    assert not at.exception, at.exception
    # two: the menu reads the new task (its knobs and preview) before the run exists, then
    # the new Trainer builds its own; the Trainer holds its task, so they are not shared
    assert [b.split(" from ")[0] for b in builds] == ["adding", "adding"], builds
    assert "state.py" in builds[0] and "train.py" in builds[1], builds
    builds.clear()
    at.run()
    assert builds == []
