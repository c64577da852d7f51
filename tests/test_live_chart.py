"""The live chart's payload: ``figure_json`` sends the same figure as ``fig.to_json()``
(arrays decoded and compared value by value), and the tick timer's log lines."""

import base64
import datetime as dt
import json

import numpy as np
import plotly.graph_objects as go
import pytest

from lstm_core import inside as ins
from lstm_core.config import TrainConfig
from lstm_core.train import Trainer
from ui.figures import train as figs
from ui.live_chart import figure_json
from ui.train_view import TICK_LOG, TickTimer, live_cell_figure

_NUMPY = {"f8": np.float64, "f4": np.float32, "i1": np.int8, "u1": np.uint8}
_NUMPY |= {"i2": np.int16, "u2": np.uint16, "i4": np.int32, "u4": np.uint32}


def _values(v):
    """The figure JSON with every array (typed or a list of numbers) as (values, shape)."""
    if isinstance(v, dict) and "bdata" in v:
        a = np.frombuffer(base64.b64decode(v["bdata"]), _NUMPY[v["dtype"]])
        if "shape" in v:
            a = a.reshape([int(n) for n in v["shape"].split(",")])
        return ("array", np.where(np.isnan(a.astype(float)), None, a).ravel().tolist(), a.shape)
    if isinstance(v, dict):
        return {k: _values(x) for k, x in v.items()}
    if isinstance(v, list):
        if v and all(_number(x) for x in v):
            return ("array", [None if x is None else x for x in v], (len(v),))
        return [_values(x) for x in v]
    return v


def _number(x) -> bool:
    return x is None or (isinstance(x, int | float) and not isinstance(x, bool))


def _same(fig: go.Figure) -> None:
    assert _values(json.loads(figure_json(fig))) == _values(json.loads(fig.to_json()))


@pytest.mark.parametrize(
    "fig",
    [
        go.Figure(go.Heatmap(z=np.random.default_rng(0).random((5, 7)).astype(np.float32))),
        go.Figure(go.Scatter(x=np.arange(5, dtype=np.int64), y=np.array([1, np.nan, 3, 4, 2.0]))),
        go.Figure(go.Scatter(x=np.array(["2020-01-01", "2020-02-01"], dtype="datetime64[ns]"))),
        go.Figure(go.Bar(x=[dt.date(2020, 1, 1)], y=np.array([2**40]), name=np.str_("n"))),
        go.Figure(go.Scatter(y=[np.float64(1.5), None, float("nan")], text=np.array(["a", "b"]))),
    ],
    ids=["heatmap", "nan_int64", "dates", "big_int", "scalars"],
)
def test_figure_json_sends_what_plotly_sends(fig):
    _same(fig)


def test_figure_json_of_the_live_cell_and_the_loss_chart():
    trainer = Trainer(TrainConfig())
    trainer.step(3)
    traces = ins.live_trace(trainer, 0)
    view = {"layer": 0, "unit": 1, "t": 5, "normalise": False}
    _same(live_cell_figure(trainer, traces, view, "en", False))
    h = trainer.history
    _same(figs.loss_figure(h.step, h.loss, h.val_step, h.val_loss, 1.0, None, "en"))


def test_tick_timer_writes_a_line_per_tick_only_when_asked(tmp_path, monkeypatch):
    monkeypatch.delenv(TICK_LOG, raising=False)
    TickTimer().write(1, {})  # no file named: nothing happens
    path = tmp_path / "ticks.jsonl"
    monkeypatch.setenv(TICK_LOG, str(path))
    for step in (1, 2):
        timer = TickTimer()
        timer.mark("train")
        timer.mark("charts")
        timer.write(step, {"a": (0.01, 0.02, 100), "b": (0.03, 0.0, 50)})
    lines = [json.loads(x) for x in path.read_text().splitlines()]
    assert [x["steps"] for x in lines] == [1, 2]
    assert lines[0]["bytes"] == 150 and lines[0]["build"] == pytest.approx(0.04)
    assert lines[0]["rebuilt"] == ["a", "b"] and lines[0]["train"] >= 0
