"""AppTest of the shared-server safeguards on the Train page: the training line (admission
limit), a training chunk that raises, NaN in the middle of training, extreme settings and the
CSV upload. Every case: a plain message, no exception element, nothing lost."""

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from lstm_core import admission
from lstm_core.config import ModelConfig, OptimConfig, TrainConfig
from lstm_core.tasks import Batch
from lstm_core.train import Trainer
from ui import state

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
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state[state.CONFIG] = cfg
    at.run()
    at.switch_page(TRAIN).run()
    assert not at.exception, at.exception
    return at


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
        for _ in range(60):
            if tr.status == "diverged":
                break
            at.button(key="train_step").click().run()
        assert tr.status == "diverged"
        assert "Lower the learning rate" in texts(at.error)
        assert all(np.isfinite(v).all() for v in tr.state_dict().values())
    elif expect == "either":  # Adam's steps are bounded by lr: huge weights, finite loss
        assert tr.status == "ready" or "Lower the learning rate" in texts(at.error)
        assert all(np.isfinite(v).all() for v in tr.state_dict().values())
    else:
        assert tr.status == "ready" and tr.steps == 3
        assert np.isfinite(tr.history.loss).all()


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
