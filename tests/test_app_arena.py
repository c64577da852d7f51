"""AppTest of the Arena page: it renders, Play / Step / Reset drive every model together, and
the badges, the table and the charts show the arena's own numbers."""

import json

import numpy as np
import pytest
from apptest_helpers import open_page, plotly_array

from lstm_core.arena import PRESETS
from lstm_core.config import ModelConfig, OptimConfig, TrainConfig
from ui import arena_state as A
from ui import state
from ui.train_view import short

ARENA = "pages/5_Arena.py"


def open_arena(**session):
    return open_page(ARENA, **session)


def arena_of(at):
    return at.session_state[A.ARENA]


def table(at):
    return at.dataframe[-1].value  # the results table comes last


def chart_figure(at, key):
    """The figure last sent to the live chart ``key`` (the payload of ui.live_chart)."""
    return json.loads(at.session_state["live_chart_payloads"][key][1]["figure"])


def test_the_default_preset_renders_its_models():
    at = open_arena()
    arena = arena_of(at)
    first = next(iter(PRESETS.values()))
    assert arena.labels == [c.label for c in first.models]
    assert [m.label for m in at.metric] == [
        f":{colour}[**{label}**]"
        for colour, label in zip(("blue", "orange", "green", "red"), arena.labels, strict=False)
    ]
    assert all(m.value == "Not solved yet" for m in at.metric)
    assert list(table(at)["Model"]) == arena.labels
    assert [tr.steps for tr in arena.trainers] == [0] * len(arena.labels)


def test_play_then_a_tick_trains_every_model_equally():
    at = open_arena()
    at.button(key="arena_play").click()
    at.run()
    assert not at.exception and at.session_state[A.RUNNING]
    arena = arena_of(at)
    steps = {tr.steps for tr in arena.trainers}
    assert len(steps) == 1 and steps.pop() == arena.rounds >= 1
    at.run()  # another tick
    assert {tr.steps for tr in arena.trainers} == {arena.rounds}
    shown = table(at)
    rows = arena.results()
    assert list(shown["Steps"]) == [r["steps"] for r in rows]
    assert list(shown["Final loss (last 20 steps)"]) == [short(r["train_loss"]) for r in rows]
    assert list(shown[arena.task.metric.label["en"]]) == [f"{r['metric']:.3f}" for r in rows]
    at.button(key="arena_pause").click()
    at.run()
    assert not at.session_state[A.RUNNING]


def test_step_advances_each_model_by_one_and_reset_starts_over():
    at = open_arena()
    for n in (1, 2):
        at.button(key="arena_step").click()
        at.run()
        assert [tr.steps for tr in arena_of(at).trainers] == [n] * 4
    assert not at.session_state[A.RUNNING]
    old = arena_of(at)
    at.button(key="arena_reset").click()
    at.run()
    assert arena_of(at) is not old and arena_of(at).rounds == 0


def test_badges_and_curves_show_the_models_numbers():
    cfg = TrainConfig(
        task="sine",
        task_knobs={"seq_len": 20},
        model=ModelConfig(hidden_size=8),
        optim=OptimConfig(lr=0.02, batch_size=16),
        eval_every=10,
        snapshot_every=1000,
    )
    at = open_arena(**{state.CONFIG: cfg})
    at.selectbox(key="arena_preset").set_value(A.FROM_TRAIN)
    at.run()
    arena = arena_of(at)
    assert arena.labels == ["LSTM", "RNN"] and arena.base.task == "sine"
    arena.step(60)  # train the session's arena directly; the page then shows it
    at.run()
    badges = arena.solved_at()
    assert all(b is not None for b in badges)
    assert [m.value for m in at.metric] == [f"✓ step {b}" for b in badges]
    assert list(table(at)["Solved at step"]) == [str(b) for b in badges]
    loss = chart_figure(at, "arena_loss_chart")
    for k, tr in enumerate(arena.trainers):
        val = loss["data"][2 * k + 1]
        assert val["name"] == arena.labels[k]
        np.testing.assert_array_equal(plotly_array(val["x"]), tr.history.val_step)
        np.testing.assert_array_equal(plotly_array(val["y"]), tr.history.val_loss)
        np.testing.assert_array_equal(plotly_array(loss["data"][2 * k]["y"]), tr.history.loss)
    lines = [s["x0"] for s in loss["layout"]["shapes"]]
    assert lines == badges
    metric = chart_figure(at, "arena_metric_chart")
    for k, tr in enumerate(arena.trainers):
        np.testing.assert_array_equal(plotly_array(metric["data"][k]["y"]), tr.history.metric)


def test_presets_lag_and_model_slots():
    at = open_arena()
    at.selectbox(key="arena_preset").set_value("long_lags")
    at.run()
    assert arena_of(at).labels == ["LSTM +chrono", "LSTM", "RNN"]
    assert any("Tallec & Ollivier" in i.value for i in at.info)  # the preset says its recipe
    at.slider(key="arena_lag").set_value(80)
    at.run()
    arena = arena_of(at)
    assert arena.task.values["seq_len"] == 80
    assert all(tr.task.values["seq_len"] == 80 for tr in arena.trainers)
    assert all(tr.val_batch.x.shape[0] == 80 for tr in arena.trainers)
    assert arena.trainers[0].config.model.chrono_t_max == 80
    at.radio(key="arena_count").set_value(4)
    at.run()
    assert arena_of(at).labels == ["LSTM +chrono", "LSTM", "RNN", "GRU"]
    at.selectbox(key="arena_slot_3").set_value(("lstm", "cifg"))
    at.run()
    assert arena_of(at).labels == ["LSTM +chrono", "LSTM", "RNN", "LSTM-CIFG"]
    at.radio(key="arena_count").set_value(2)
    at.run()
    assert arena_of(at).labels == ["LSTM +chrono", "LSTM"] and len(at.metric) == 2
    at.selectbox(key="arena_slot_1").set_value(("rnn", "standard"))
    at.run()
    assert arena_of(at).labels == ["LSTM +chrono", "RNN"]


def test_a_model_twice_is_refused_with_a_message_and_the_arena_kept():
    at = open_arena()
    before = arena_of(at)
    at.selectbox(key="arena_slot_1").set_value(("lstm", "standard"))
    at.run()
    assert not at.exception
    assert "LSTM appears twice" in at.error[0].value
    assert arena_of(at) is before
    assert at.selectbox(key="arena_slot_1").value == ("lstm", "nfg")  # back to the last good


@pytest.mark.parametrize("lang", ["zh"])
def test_the_page_in_chinese(lang):
    at = open_arena(lang=lang)
    assert at.title[0].value == "竞技场"
    assert all(m.value == "尚未解决" for m in at.metric)


def test_a_diverged_model_is_marked_and_the_others_train_on():
    at = open_arena()
    arena = arena_of(at)
    nfg = arena.trainers[1]
    nfg._diverged(float("nan"), float("nan"), next(nfg._batches))  # what step() calls
    at.button(key="arena_step").click()
    at.run()
    assert [tr.steps for tr in arena.trainers] == [1, 0, 1, 1]
    assert at.metric[1].value == "Stopped (diverged)"
    assert at.error[0].value == f"LSTM-NFG stopped: {nfg.message}"
    for tr in arena.trainers:
        tr.status = "diverged"
    at.button(key="arena_play").click()  # nothing left to train: Play does not start
    at.run()
    assert not at.session_state[A.RUNNING]
