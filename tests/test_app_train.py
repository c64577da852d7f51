"""AppTest of the home and Train pages: under AppTest one ``run()`` is one training tick."""

import json

import numpy as np
import pytest
from apptest_helpers import APP, live_data, live_figure, live_overlay, open_page, plotly_array
from streamlit.testing.v1 import AppTest

from lstm_core.config import ModelConfig, OptimConfig, TrainConfig
from lstm_core.tasks import Batch, make_task
from lstm_core.train import Trainer
from ui import state
from ui.controls import PENDING
from ui.train_view import short

TRAIN = "pages/1_Train.py"
SMALL = TrainConfig(
    task="sine",
    task_knobs={"seq_len": 30},
    model=ModelConfig(hidden_size=8),
    optim=OptimConfig(batch_size=8),
    eval_every=5,
    snapshot_every=10,
)


def open_train(cfg: TrainConfig = SMALL) -> AppTest:
    return open_page(TRAIN, **{state.CONFIG: cfg})


def trainer(at) -> Trainer:
    return at.session_state[state.TRAINER]


def metric(at, label: str) -> str:
    (m,) = [m for m in at.metric if m.label == label]
    return m.value


def chart_data(at, key: str) -> list[dict]:
    """The traces a live chart received, with Plotly's base64 arrays decoded."""
    (el,) = [e for e in at.get("bidi_component") if e.proto.id.endswith(key)]
    fig = json.loads(json.loads(el.proto.json)["figure"])

    return [
        {k: plotly_array(v) if k in ("x", "y") else v for k, v in t.items()} for t in fig["data"]
    ]


def test_home_renders_with_links_and_the_lessons():
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    assert at.title[0].value == "LSTM Playground"
    assert "What the gates do" in " ".join(m.value for m in at.markdown)
    at.session_state["lang"] = "zh"
    at.run()
    assert at.title[0].value == "LSTM 游乐场" and not at.exception


def test_train_page_shows_the_trainers_numbers_before_training():
    at = open_train()
    tr = trainer(at)
    assert tr.steps == 0 and metric(at, "Steps") == "0"
    assert metric(at, "Metric") == f"{tr.history.metric[-1]:.3f}"
    val = [
        t for t in chart_data(at, "train_metric_chart") if t["name"] == tr.task.metric.label["en"]
    ]
    np.testing.assert_allclose(val[0]["y"], tr.history.metric)


def test_play_trains_pause_stops_step_advances_by_one_reset_returns_to_zero():
    at = open_train()
    at.button(key="train_play").click().run()
    at.run()
    tr = trainer(at)
    assert tr.steps > 0 and state.RUNNING in at.session_state and at.session_state[state.RUNNING]
    # The numbers on the page are the trainer's.
    assert metric(at, "Steps") == f"{tr.steps:,}"
    assert metric(at, "Sequences seen") == f"{tr.sequences_seen:,}"
    assert metric(at, "Training loss") == short(tr.history.loss[-1])
    loss = [t for t in chart_data(at, "train_loss_chart") if t["name"] == "training"][0]
    np.testing.assert_allclose(loss["y"], tr.history.loss)

    at.button(key="train_pause").click().run()
    paused = tr.steps
    at.run().run()
    assert tr.steps == paused

    at.button(key="train_step").click().run()
    assert tr.steps == paused + 1 and metric(at, "Steps") == f"{paused + 1:,}"

    at.button(key="train_reset").click().run()
    assert trainer(at) is not tr and trainer(at).steps == 0 and metric(at, "Steps") == "0"


def test_learning_rate_and_clipping_change_live_without_losing_steps():
    at = open_train()
    at.button(key="train_play").click().run()
    tr = trainer(at)
    before = tr.steps
    at.select_slider(key="train_lr").set_value(0.001).run()
    assert trainer(at) is tr and tr.steps >= before > 0
    assert tr.config.optim.lr == 0.001  # applied to the running trainer
    assert at.session_state[state.CONFIG].optim.lr == 0.001
    at.toggle(key="train_clip_on").set_value(False).run()
    assert trainer(at) is tr and tr.config.optim.clip is None


def test_structural_change_asks_then_resets_or_cancels():
    at = open_train()
    at.button(key="train_step").click().run()
    tr = trainer(at)
    at.select_slider(key="train_hidden").set_value(16).run()
    assert trainer(at) is tr and tr.steps == 1  # nothing reset yet: the page asks
    assert "new run" in at.warning[0].value and "hidden size" in at.warning[0].value
    at.button(key="train_cancel").click().run()
    assert at.select_slider(key="train_hidden").value == 8 and PENDING not in at.session_state
    assert trainer(at) is tr and not at.warning

    at.select_slider(key="train_hidden").set_value(16).run()
    at.button(key="train_confirm").click().run()
    new = trainer(at)
    assert new is not tr and new.steps == 0 and new.config.model.hidden_size == 16
    assert metric(at, "Steps") == "0"


def test_a_diverged_run_shows_the_trainers_message_and_no_traceback():
    tr = Trainer(SMALL)
    val = tr.val_batch
    bad = Batch(np.full_like(val.x[:, :4], np.nan), val.y[:, :4], val.mask[:, :4], True)
    assert not tr.train_on(bad) and tr.status == "diverged"
    at = open_train()
    at.session_state[state.TRAINER] = tr
    at.run()
    assert not at.exception
    assert tr.message in at.error[0].value
    at.button(key="train_resume").click().run()
    assert tr.status == "ready" and tr.steps > 0


@pytest.mark.parametrize("task", ["reber", "gesture", "adding"])
def test_prediction_view_follows_the_task_kind(task):
    cfg = TrainConfig(task=task, model=ModelConfig(hidden_size=8), optim=OptimConfig(batch_size=8))
    at = open_train(cfg)
    tr = trainer(at)
    if task == "reber":
        one = tr.val_batch.subset([0])
        from test_predictions import parse

        target = [tr.task.vocab[int(k)] for k in one.y[:80, 0]]
        (rows,) = [e.proto.body for e in at.get("html") if "prediction-rows" in e.proto.body]
        shown = [c for table in parse(rows) for c in table["target"]]
        assert shown == target
    else:
        assert any(e.proto.id.endswith("train_pred_chart") for e in at.get("bidi_component"))


def test_a_bad_configuration_shows_a_plain_message():
    bad = TrainConfig(task="sine", task_knobs={"seq_len": 5})  # below the knob's range
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state[state.CONFIG] = bad
    at.run()
    at.switch_page(TRAIN).run()
    assert not at.exception
    assert "seq_len" in at.error[0].value
    at.button(key="train_defaults").click().run()
    tr = trainer(at)
    assert tr.task.values == make_task("sine").values and not at.error
    assert tr.config.model == ModelConfig() and tr.config.optim == OptimConfig()


def test_switching_language_keeps_the_run():
    at = open_train()
    at.button(key="train_step").click().run()
    tr = trainer(at)
    at.selectbox(key="nav_lang").set_value("zh").run()
    assert not at.exception and at.title[0].value == "训练"
    assert trainer(at) is tr and tr.steps == 1 and metric(at, "步数") == "1"
    assert at.select_slider(key="train_hidden").value == 8  # the setup is kept too


def test_data_tables_hold_the_chart_data():
    at = open_train()
    at.button(key="train_step").click().run()
    at.toggle(key="train_tables").set_value(True).run()
    tr = trainer(at)
    cell, loss, metric_table, prediction, grad, *_gap = (df.value for df in at.dataframe)
    h_now = tr.trace(tr.probe.x[:, :1])[0]["h"][
        -1, 0
    ]  # the live cell: every unit's h at the cursor
    np.testing.assert_allclose(cell["h — hidden state"], h_now, atol=1e-6)
    np.testing.assert_allclose(loss[loss.series == "training"].y, tr.history.loss)
    np.testing.assert_allclose(loss[loss.series == "validation"].y, tr.history.val_loss)
    np.testing.assert_allclose(grad[grad.series == "gradient norm"].y, tr.history.grad_norm)
    label = tr.task.metric.label["en"]
    np.testing.assert_allclose(metric_table[metric_table.series == label].y, tr.history.metric)
    one = tr.val_batch.subset([0])
    np.testing.assert_allclose(
        prediction[prediction.series == "prediction"].y, tr.predict(one.x)[:, 0, 0]
    )


def test_knobs_have_plain_labels_with_the_code_name_in_the_help():
    from apptest_helpers import open_page as open_at

    from lstm_core.tasks import make_task

    at = open_at("pages/1_Train.py", timeout=120)
    task = make_task(at.session_state["train_config"].task)
    for knob in task.knobs:
        (w,) = [s for s in [*at.slider, *at.selectbox, *at.checkbox] if s.key.endswith(knob.name)]
        assert "`" not in w.label and not w.label.startswith(knob.name), w.label
        assert w.label == knob.help["en"].rstrip(".")
        assert f"`{knob.name}`" in w.help
    speed = at.select_slider(key="train_speed")
    assert speed.label == "Steps per chart update" and "tick" not in speed.label
    assert speed.format_func("auto") == "auto (fastest)" and "auto:" in speed.help


def test_live_cell_cursor_and_unit_move_only_the_overlay():
    at = open_train()
    at.button(key="train_step").click().run()
    tr = trainer(at)
    figure = live_figure(at, "train_cell_chart")
    at.slider(key="train_cell_t").set_value(3).run()
    at.selectbox(key="train_cell_unit").set_value(1).run()
    assert not at.exception
    assert "figure" not in live_data(at, "train_cell_chart")  # the browser holds it
    assert live_figure(at, "train_cell_chart") == figure  # the same figure: no redraw
    overlay = live_overlay(at, "train_cell_chart")
    now = tr.trace(tr.probe.x[:, :1])[0]  # (T, 1, H) per quantity
    assert overlay["cursor"] == 3
    values = np.concatenate([now[q][3, 0] for q in now])
    np.testing.assert_allclose(sorted(overlay["dots"]["value"]), sorted(values), atol=1e-6)
    assert f"h[1] = {now['h'][3, 0, 1]:+.3f}" in overlay["text"]["text"]
