"""Pure figure builders of the Train and Home pages: the traces hold exactly the data given."""

import json
import re

import numpy as np
import pytest

from lstm_core.tasks import make_task
from ui.figures import train as figs
from ui.figures.common import downsample, figure_table
from ui.live_chart import figure_payload
from ui.train_view import LiveMeter, output_symbols, short, softmax, solved_step


def trace(fig, name):
    (match,) = [t for t in fig.data if t.name == name]
    return match


def test_loss_figure_holds_the_history_the_baseline_and_a_log_axis():
    task = make_task("adding", seq_len=20)
    val = task.validation(seed=3, size=64)
    baseline = task.baseline(val)["loss"]
    steps, loss = [1, 2, 3, 4], [0.9, 0.5, 0.3, 0.2]
    fig = figs.loss_figure(steps, loss, [0, 4], [1.0, 0.25], baseline, solved_step=4)
    train, val_tr = trace(fig, "training"), trace(fig, "validation")
    assert list(train.x) == steps and list(train.y) == loss
    assert list(val_tr.x) == [0, 4] and list(val_tr.y) == [1.0, 0.25]
    base = trace(fig, f"baseline {baseline:.3g}")
    assert list(base.y) == [baseline, baseline] and list(base.x) == [0.0, 4.0]
    assert fig.layout.yaxis.type == "log"
    assert fig.layout.shapes[0].x0 == 4  # the "solved" marker


def test_loss_figure_downsamples_long_histories_to_real_points():
    steps = np.arange(1, 5001)
    loss = 1.0 / steps
    fig = figs.loss_figure(steps, loss, [], [], float("nan"))
    train = trace(fig, "training")
    x, y = np.asarray(train.x), np.asarray(train.y)
    assert len(x) <= 600 and x[0] == 1 and x[-1] == 5000
    np.testing.assert_array_equal(y, 1.0 / x)  # every point shown is a real (step, loss)
    assert len(fig.data) == 2  # no baseline line for a NaN baseline


def test_downsample_keeps_short_series_whole():
    x, y = downsample(np.arange(10), np.arange(10) * 2.0)
    np.testing.assert_array_equal(y, np.arange(10) * 2.0)


def test_metric_figure_threshold_and_baseline_lines_come_from_the_task():
    task = make_task("temporal-order", seq_len=20)
    val = task.validation(seed=0, size=64)
    base = task.baseline(val)["metric"]
    m = task.metric
    fig = figs.metric_figure([0, 25, 50], [0.2, 0.6, 0.97], m.threshold, base, "accuracy")
    assert list(trace(fig, "accuracy").y) == [0.2, 0.6, 0.97]
    assert list(trace(fig, f"solved at {m.threshold:g}").y) == [m.threshold] * 2
    assert list(trace(fig, f"baseline {base:.2f}").y) == [base] * 2


def test_grad_norm_figure_marks_exactly_the_clipped_steps():
    steps, norms = [1, 2, 3, 4, 5], [0.5, 3.0, 0.7, 2.5, 0.1]
    clipped = [n > 1.0 for n in norms]
    fig = figs.grad_norm_figure(steps, norms, clipped, 1.0)
    assert list(trace(fig, "gradient norm").y) == norms
    marks = trace(fig, "clipped")
    assert list(marks.x) == [2, 4] and list(marks.y) == [3.0, 2.5]
    assert list(trace(fig, "clip at 1").y) == [1.0, 1.0]
    assert fig.layout.yaxis.type == "log"
    no_clip = figs.grad_norm_figure(steps, norms, [False] * 5, None)
    assert [t.name for t in no_clip.data] == ["gradient norm", "clipped"]


def test_forecast_figure_one_step_and_free_running_panels():
    t = np.linspace(0, 6, 30)
    x, y, pred = np.sin(t), np.sin(t + 0.2), np.sin(t + 0.25)
    mask = np.arange(30) >= 3
    warm, future, free = np.sin(t[:20]), np.sin(t[20:]), np.sin(t[20:]) * 0.9
    fig = figs.forecast_figure(x, y, pred, mask, warm, future, free)
    upper = {t.name: t for t in fig.data if t.xaxis in (None, "x")}
    np.testing.assert_array_equal(upper["target"].y, y)
    np.testing.assert_array_equal(upper["prediction"].y, pred)
    fc = trace(fig, "free-running forecast")
    np.testing.assert_array_equal(fc.y, free)
    assert fc.xaxis == "x2" and list(fc.x) == list(range(20, 30))  # continues after warm-up
    lower = {t.name: t for t in fig.data if t.xaxis == "x2"}
    np.testing.assert_array_equal(lower["input"].y, warm)  # the warm-up the model read
    np.testing.assert_array_equal(lower["target"].y, future)  # the true continuation
    assert fig.layout.shapes[0].x1 == 2.5  # steps 0..2 are not scored
    single = figs.forecast_figure(x, y, pred)
    assert {tr.name for tr in single.data} == {"input", "target", "prediction"}


def test_regression_and_class_probability_figures():
    target, pred = np.array([0.1, 0.5, 0.9]), np.array([0.2, 0.4, 1.0])
    fig = figs.regression_figure(target, pred)
    pts = trace(fig, "validation sequences")
    assert list(pts.x) == list(target) and list(pts.y) == list(pred)
    assert list(trace(fig, "perfect").x) == [0.1, 1.0]
    probs = softmax(np.array([1.0, 2.0, 0.5]))
    bars = figs.class_prob_figure(probs, 1, ["a", "b", "c"])
    np.testing.assert_allclose(bars.data[0].y, probs)
    assert abs(sum(bars.data[0].y) - 1) < 1e-12
    colours = bars.data[0].marker.color
    assert colours[1] != colours[0] == colours[2]  # the true class stands out


def test_preview_figure_draws_each_example_in_its_own_panel():
    examples = make_task("gesture").preview(seed=0, n=3)
    fig = figs.preview_figure(examples)
    assert len(fig.data) == 3 * 2  # 3 examples x 2 input channels
    np.testing.assert_allclose(fig.data[2].y, examples[1]["x"][:, 0])
    assert [a.text for a in fig.layout.annotations] == [e["caption"]["en"] for e in examples]
    zh = figs.preview_figure(examples, "zh")  # each title in the user's language
    assert [a.text for a in zh.layout.annotations] == [e["caption"]["zh"] for e in examples]
    assert all(re.search("[\u4e00-\u9fff]", a.text) for a in zh.layout.annotations)


def test_log_axes_label_decades_only():
    loss = figs.loss_figure([0, 1, 2], [5.0, 0.1, 0.0004], [0], [5.0], 0.5)
    axis = loss.layout.yaxis
    assert axis.type == "log" and list(axis.ticktext) == ["1e-4", "0.001", "0.01", "0.1", "1", "10"]
    np.testing.assert_allclose(axis.tickvals, [1e-4, 1e-3, 1e-2, 0.1, 1, 10])
    narrow = figs.grad_norm_figure([0, 1], [0.3, 0.5], [False, False], 1.0).layout.yaxis
    assert list(narrow.ticktext) == ["0.1", "0.2", "0.5", "1", "2", "5"]  # under 2 decades: 1-2-5


def test_solved_marker_sits_above_the_plot_area():
    fig = figs.loss_figure([0, 50, 100], [1.0, 0.1, 0.01], [0], [1.0], 0.5, solved_step=25)
    (note,) = fig.layout.annotations
    assert note.yref == "paper" and note.y == 1 and note.yanchor == "bottom"


def test_forecast_legend_sits_under_the_lower_axis_title():
    t = np.arange(20.0)
    fig = figs.forecast_figure(t, t, t, None, t, t[:5], t[:5])
    assert fig.layout.legend.yref == "container" and fig.layout.legend.y == 0
    assert fig.layout.xaxis2.title.text and not fig.layout.xaxis.title.text
    assert fig.layout.yaxis.domain[0] - fig.layout.yaxis2.domain[1] >= 0.2  # room between panels


def test_figure_table_lists_every_point():
    fig = figs.grad_norm_figure([1, 2], [0.5, 2.0], [False, True], 1.0)
    table = figure_table(fig)
    assert len(table) == 2 + 1 + 2  # norm, clipped mark, clip line
    assert table[table.series == "clipped"].y.tolist() == [2.0]


def test_live_chart_payload_keeps_zoom_and_data():
    fig = figs.loss_figure([1, 2], [0.5, 0.25], [], [], 1.0)
    payload = figure_payload(fig, "k", 300)
    spec = json.loads(payload["figure"])
    assert payload["height"] == 300 and spec["layout"]["uirevision"] == "k"
    assert spec["layout"]["height"] == 300


def test_output_symbols_of_a_next_token_task_are_its_vocabulary():
    assert output_symbols(make_task("reber")) == make_task("reber").vocab


def test_small_helpers():
    assert short(0.0312) == "0.0312" and short(0.00024) == "2.4e-4" and short(2.5) == "2.5"
    meter = LiveMeter(window_s=5)
    for k in range(11):
        meter.add(steps=20 * k, now=0.5 * k)
    assert meter.rate() == pytest.approx(40.0)

    class H:
        val_step, solved = [0, 25, 50], [False, True, True]

    assert solved_step(H) == 25


def test_chunk_seconds_gives_training_most_of_each_tick_within_bounds():
    from ui.train_view import (
        MAX_CHUNK_S,
        MAX_UPDATES_PER_S,
        MIN_CHUNK_S,
        MIN_UPDATES_PER_S,
        TRAIN_SHARE,
        chunk_seconds,
    )

    share = TRAIN_SHARE / (1 - TRAIN_SHARE)  # box per second of overhead for TRAIN_SHARE
    assert chunk_seconds(0.09) == pytest.approx(0.09 * share)  # 80% of the tick
    # Small overhead: no need to redraw more than MAX_UPDATES_PER_S times a second.
    assert chunk_seconds(0.04) == pytest.approx(1 / MAX_UPDATES_PER_S - 0.04)
    # Large overhead: keep MIN_UPDATES_PER_S chart updates, training gets the rest.
    assert chunk_seconds(0.2) == pytest.approx(1 / MIN_UPDATES_PER_S - 0.2)
    # Training that ran past its box (a long last step, an evaluation) shrinks the next box.
    assert chunk_seconds(0.09, overrun=0.05) == pytest.approx(0.09 * share - 0.05)
    assert chunk_seconds(5.0) == MIN_CHUNK_S and chunk_seconds(None) <= MAX_CHUNK_S


def test_csv_forecast_is_drawn_in_the_files_units_with_a_range_that_holds_the_data():
    from importlib import resources

    from lstm_core.config import TrainConfig
    from lstm_core.train import Trainer
    from ui.train_view import FreeRun, prediction_figure

    raw = resources.files("lstm_core").joinpath("data", "elnino.csv").read_bytes()
    tr = Trainer(TrainConfig(task="csv"), {"data": raw})
    tr.step(3)
    fig = prediction_figure(tr, "en", FreeRun())
    one = tr.val_batch.subset([0])
    target = [t for t in fig.data if t.name == "target"][0]
    expected = tr.task.to_units(one.y[:, 0, 0])
    assert np.allclose(target.y, expected)  # the file's units, not z-scores
    assert not np.allclose(target.y, one.y[:, 0, 0])
    layout = fig.to_dict()["layout"]
    assert layout["yaxis"]["title"]["text"] == tr.task.table.target
    lo, hi = layout["yaxis"]["range"]
    for t in fig.data:
        v = np.asarray(t.y, dtype=float)
        assert lo <= v.min() and v.max() <= hi, f"{t.name} leaves the y range"


def test_value_range_holds_every_value_with_room():
    assert figs.value_range([1.0, 3.0], [np.nan, -1.0]) == pytest.approx([-1.2, 3.2])
    assert figs.value_range([np.nan]) is None


def test_long_metric_titles_and_legend_entries_wrap_to_fit_a_half_width_chart():
    from ui.figures.common import text_width, wrap

    for lang in ("en", "zh"):
        label = make_task("series").metric.label[lang]
        fig = figs.metric_figure([0, 10], [0.1, 0.3], 0.1, 0.0, label, lang)
        layout = fig.to_dict()["layout"]
        title_lines = layout["title"]["text"].split("<br>")
        assert len(title_lines) > 1 and max(map(text_width, title_lines)) <= figs.TITLE_CHARS
        assert layout["margin"]["t"] >= 30 + 22 * len(title_lines)
        legend = fig.data[0].name.split("<br>")
        assert max(map(text_width, legend)) <= figs.LEGEND_CHARS
        assert "".join(title_lines).replace(" ", "") == label.replace(" ", "")
    assert wrap("accuracy", 10) == "accuracy" and wrap("门控循环单元", 4) == "门控<br>循环<br>单元"
