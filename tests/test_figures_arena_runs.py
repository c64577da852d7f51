"""Figure builders of the Arena and Saved runs pages: pure, the data passed in, badges drawn."""

import re

import numpy as np

from ui.figures.arena import COLOURS, loss_overlay, metric_overlay
from ui.figures.runs import compare_figure


def curve(label, n, solved=None, scale=1.0):
    steps = list(range(1, n + 1))
    return {
        "label": label,
        "steps": steps,
        "loss": [scale / s for s in steps],
        "val_steps": steps[::5],
        "val_loss": [scale / s for s in steps[::5]],
        "metric": [min(1.0, s / n) for s in steps[::5]],
        "solved_at": solved,
    }


def test_loss_overlay_draws_each_models_numbers_and_badges():
    curves = [curve("LSTM", 40, solved=30), curve("RNN", 40)]
    fig = loss_overlay(curves, "en")
    assert [t.name for t in fig.data] == ["LSTM training loss", "LSTM", "RNN training loss", "RNN"]
    for k, c in enumerate(curves):
        np.testing.assert_array_equal(fig.data[2 * k].y, c["loss"])
        np.testing.assert_array_equal(fig.data[2 * k + 1].x, c["val_steps"])
        assert fig.data[2 * k + 1].line.color == COLOURS[k]
    assert [s.x0 for s in fig.layout.shapes] == [30]
    assert re.sub("<[^>]+>", "", fig.layout.annotations[0].text) == "LSTM solved"
    assert fig.layout.yaxis.type == "log"


def test_every_loss_chart_labels_its_log_axis_the_same_way():
    """Arena, Saved runs and Train: one style (common.log_axis), never Plotly's SI "100μ"."""
    from ui.figures.common import log_axis
    from ui.figures.train import loss_figure

    for scale in (1e-4, 1.0):  # deep decades and a range under two decades
        curves = [curve("A", 40, scale=scale), curve("B", 40, scale=2 * scale)]
        want = log_axis(*[c["loss"] for c in curves], *[c["val_loss"] for c in curves])
        for fig in (loss_overlay(curves, "en"), compare_figure(curves, "en")):
            axis = fig.to_dict()["layout"]["yaxis"]
            assert axis["tickmode"] == "array" and axis["ticktext"] == want["ticktext"]
            assert not any("μ" in t for t in axis["ticktext"])
        c = curves[0]
        train = loss_figure(c["steps"], c["loss"], c["val_steps"], c["val_loss"], np.nan)
        text = train.to_dict()["layout"]["yaxis"]["ticktext"]
        assert text == log_axis(c["loss"], c["val_loss"])["ticktext"]
    assert "1e-4" in log_axis([1e-4, 1.0])["ticktext"]


def test_metric_overlay_has_the_threshold_and_chinese_labels():
    fig = metric_overlay([curve("GRU", 20, solved=10), curve("LSTM", 20)], 0.95, "准确率", "zh")
    assert fig.data[-1].name == "解决阈值 0.95" and list(fig.data[-1].y) == [0.95, 0.95]
    np.testing.assert_array_equal(fig.data[0].y, curve("GRU", 20)["metric"])
    assert fig.layout.xaxis.title.text == "训练步数"


def test_compare_figure_takes_any_number_of_runs():
    fig = compare_figure([curve(f"#{i} run", 10) for i in range(6)], "en")
    assert len(fig.data) == 12
    assert fig.layout.title.text == "Validation loss (bold) and training loss (faint)"


def test_models_solved_at_the_same_or_nearby_steps_share_one_label():
    curves = [
        curve("LSTM", 100, solved=50),
        curve("GRU", 100, solved=50),
        curve("RNN", 100, solved=55),
        curve("NFG", 100, solved=90),
    ]
    for fig in (loss_overlay(curves, "en"), metric_overlay(curves, 0.9, "accuracy", "en")):
        notes = fig.layout.annotations
        assert len(fig.layout.shapes) == 4  # one dotted line per model
        assert len(notes) == 2  # 50, 50, 55 together; 90 alone
        lines = [re.sub("<[^>]+>", "", line) for line in notes[0].text.split("<br>")]
        assert lines == ["LSTM solved", "GRU solved", "RNN solved"]
        assert f"color:{COLOURS[1]}" in notes[0].text.split("<br>")[1]  # GRU keeps its colour
        assert re.sub("<[^>]+>", "", notes[1].text) == "NFG solved"
        assert notes[1].xanchor == "right" and notes[0].yanchor == "top"
        assert notes[1].y <= notes[0].y - 3 * 0.08 + 1e-9  # under the first group's 3 lines
