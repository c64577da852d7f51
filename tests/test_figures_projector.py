"""Projector mode is an argument of every figure builder: ``projector=True`` scales fonts and
lines up, ``projector=False`` (the default) keeps the plain look. There is no module-level
switch: a projector session never restyles the figures another session builds."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from pathlib import Path

import numpy as np
import pytest

import ui.figures
from ui import classroom
from ui.figures import arena, common, gradients, overfit, runs
from ui.figures import train as figs
from ui.figures import translate as ft

CURVE = {
    "label": "LSTM",
    "steps": [1, 2, 3],
    "loss": [1.0, 0.5, 0.1],
    "val_steps": [1, 3],
    "val_loss": [1.0, 0.2],
    "metric": [0.1, 0.9],
    "solved_at": 3,
}
FLOW = {"dh": np.array([[1e-3, 1e-2, 1.0]]), "dc": None}
FACTORS = [{"step_norm": np.ones(3), "path_norm": np.ones(3), "sigma_max": 1.0}]
GAP = {"step": [1, 2, 3], "train": [1.0, 0.5, 0.3], "val": [1.1, 0.7, 0.6]}
BUILDERS = {
    "loss": lambda p: figs.loss_figure([1, 2], [1.0, 0.5], [2], [0.6], 1.0, 2, projector=p),
    "metric": lambda p: figs.metric_figure([1, 2], [0.1, 0.9], 0.5, 0.0, "acc", projector=p),
    "grad_norm": lambda p: figs.grad_norm_figure([1, 2], [1.0, 2.0], [0, 1], 1.0, projector=p),
    "forecast": lambda p: figs.forecast_figure([0, 1.0], [1, 2.0], [1, 1.5], projector=p),
    "regression": lambda p: figs.regression_figure([0, 1.0], [0.2, 0.8], projector=p),
    "class_prob": lambda p: figs.class_prob_figure([0.2, 0.8], 1, ["a", "b"], projector=p),
    "preview": lambda p: figs.preview_figure([{"x": [0, 1.0], "label": "x"}], projector=p),
    "loss_overlay": lambda p: arena.loss_overlay([CURVE], projector=p),
    "metric_overlay": lambda p: arena.metric_overlay([CURVE], 0.9, "acc", projector=p),
    "compare": lambda p: runs.compare_figure([CURVE], projector=p),
    "flow": lambda p: gradients.flow_figure([("RNN", "rnn", FLOW)], projector=p),
    "rnn_factor": lambda p: gradients.rnn_factor_figure(FACTORS, projector=p),
    "forget": lambda p: gradients.forget_figure(
        [{"mean_f": np.full(3, 0.5), "product": np.ones(3)}], projector=p
    ),
    "saliency": lambda p: gradients.saliency_figure(
        np.zeros((3, 1)), [("LSTM", "lstm", np.ones(3))], projector=p
    ),
    "gap": lambda p: overfit.gap_figure(GAP, projector=p),
    "review": lambda p: overfit.review_figure(list("abc"), [0.1, -0.2, 0.3], projector=p),
    "topk": lambda p: ft.topk_figure([["a", "b"]], np.array([[0.7, 0.3]]), ["a"], projector=p),
    "attention": lambda p: ft.attention_figure(np.eye(2), ["a", "b"], ["a", "b"], projector=p),
    "told": lambda p: ft.told_figure(np.array([0.5, -0.5]), projector=p),
}


def _sizes(fig) -> tuple[float, float]:
    layout = fig.to_dict()["layout"]
    widths = [t["line"]["width"] for t in fig.to_dict()["data"] if t.get("line", {}).get("width")]
    return layout["font"]["size"], max(widths, default=0)


@pytest.mark.parametrize("name", list(BUILDERS))
def test_projector_is_an_argument(name):
    big, plain = _sizes(BUILDERS[name](True)), _sizes(BUILDERS[name](False))
    assert big[0] > plain[0]
    assert big[1] > plain[1] or big[1] == plain[1] == 0


def _builders():
    """Every public function of ui.figures.* annotated to return a go.Figure."""
    for info in pkgutil.iter_modules(ui.figures.__path__):
        module = importlib.import_module(f"ui.figures.{info.name}")
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            returns = inspect.signature(fn).return_annotation
            if fn.__module__ == module.__name__ and not name.startswith("_"):
                # windowed and without_cursor take a built figure (already styled), not data
                if "go.Figure" in str(returns) and name not in ("windowed", "without_cursor"):
                    yield f"{info.name}.{name}", fn


def test_every_figure_builder_takes_projector_defaulting_to_plain():
    found = dict(_builders())
    assert len(found) >= 25, sorted(found)
    for name, fn in found.items():
        param = inspect.signature(fn).parameters.get("projector")
        assert param is not None, f"{name} has no projector argument"
        plain = param.default is False or param.default is inspect.Parameter.empty
        assert plain, f"{name}: projector defaults to {param.default!r}"


def test_the_session_hook_is_gone():
    for name in ("set_projector_source", "projector", "projecting", "_projector_source"):
        assert not hasattr(common, name), f"ui.figures.common.{name} still exists"
    assert not hasattr(classroom, "install_figure_style")
    root = Path(common.__file__).parents[1]
    for path in [*root.glob("*.py"), *root.glob("figures/*.py")]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        assert not [n for n in ast.walk(tree) if isinstance(n, ast.Global)], f"{path}: global"
        text = path.read_text(encoding="utf-8")
        assert "templates.default" not in text, f"{path} changes Plotly's default template"


def test_a_projector_session_leaves_plain_figures_unchanged():
    """A Train page run in projector mode (AppTest) between two plain builds of each figure."""
    from apptest_helpers import APP
    from streamlit.testing.v1 import AppTest

    before = {name: build(False).to_json() for name, build in BUILDERS.items()}
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"page": "train", "projector": "1"})
    at.run()
    assert not at.exception and at.session_state[classroom.FLAGS]["projector"]
    after = {name: build(False).to_json() for name, build in BUILDERS.items()}
    assert after == before


def test_projector_forecast_draws_solid_lines_on_the_datas_own_steps():
    """The prediction is solid and thick on top of a wider, paler target band; both at the
    data's time steps (no dash, no offset); the plain look keeps its dashed prediction."""
    y, pred = np.array([0.0, 1.0, 0.5]), np.array([0.1, 0.9, 0.4])
    warm, future, free = np.zeros(3), np.ones(2), np.ones(2)
    fig = figs.forecast_figure(y, y, pred, None, warm, future, free, projector=True)
    lines = {(t.name, t.xaxis or "x"): t for t in fig.data}
    target, guess = lines[("target", "x")], lines[("prediction", "x")]
    forecast = lines[("free-running forecast", "x2")]
    for line in (target, guess, forecast):
        assert line.line.dash in (None, "solid")
    assert guess.line.width >= 6 and forecast.line.width >= 6
    assert target.line.width > guess.line.width and target.opacity < 1
    assert list(guess.x) == list(target.x) == [0, 1, 2]
    assert list(guess.y) == list(pred)
    plain = figs.forecast_figure(y, y, pred)
    assert {t.name: t.line.dash for t in plain.data}["prediction"] == "dash"


def test_projector_studio_charts_name_reference_lines_on_the_chart_and_legend_at_the_bottom():
    fig = figs.metric_figure([0, 5], [0.1, 0.2], 0.1, 0.0, "skill", projector=True)
    layout = fig.to_dict()["layout"]
    assert not [t for t in fig.data if t.showlegend is not False]  # the title names the metric
    notes = sorted(layout["annotations"], key=lambda a: a["y"])
    assert [a["text"] for a in notes] == ["baseline 0.00", "solved at 0.1"]
    assert [a["yanchor"] for a in notes] == ["top", "bottom"]  # two close lines, names apart
    # A name never covers the newest value: R² at 0.997 just above "solved at 0.9" puts that
    # name under its line; with the baseline just under the line, it stays above.
    solved = figs.metric_figure([0, 5, 10], [0.07, 0.99, 0.997], 0.9, 0.0, "R²", projector=True)
    anchors = {a.text: a.yanchor for a in solved.layout.annotations}
    assert anchors == {"solved at 0.9": "top", "baseline 0.00": "top"}
    crowded = figs.metric_figure([0, 5], [0.1, 0.55], 0.5, 0.45, "skill", projector=True)
    anchors = {a.text: a.yanchor for a in crowded.layout.annotations}
    assert anchors == {"solved at 0.5": "bottom", "baseline 0.45": "top"}
    loss = figs.loss_figure([1, 2], [1.0, 0.5], [2], [0.6], 1.0, None, projector=True)
    layout = loss.to_dict()["layout"]
    assert layout["legend"]["yref"] == "container" and layout["legend"]["orientation"] == "h"
    shown = [t.name for t in loss.data if t.showlegend is not False]
    assert shown == ["training", "validation"]
    assert figs.legend_rows(shown, scale=1.25) == 1  # both fit one row of a 330 px chart
    assert layout["margin"]["b"] >= 62 + 30 * 1
    assert layout["annotations"][0]["y"] == pytest.approx(0.0)  # log axis: log10(1.0)
    plain = figs.loss_figure([1, 2], [1.0, 0.5], [2], [0.6], 1.0, None)
    assert len([t for t in plain.data if t.showlegend is not False]) == 3
    # Without projector mode the legend sits at the bottom too, its margin sized for its rows.
    plain_layout = plain.to_dict()["layout"]
    assert plain_layout["legend"]["yref"] == "container"
    assert plain_layout["margin"]["b"] >= 46 + 20 * 2  # three entries need two rows


def test_legend_rows_count_wide_characters_and_wrapped_names():
    assert figs.legend_rows(["a"]) == 1
    assert figs.legend_rows(["training", "validation", "baseline 0.5"]) == 2
    # Chinese characters are about twice as wide as Latin ones.
    assert figs.legend_rows(["训练训练训练训练训练", "验证验证验证验证验证"]) == 2
    assert figs.legend_rows(["training", "validation"]) == 1
    # A name wrapped onto two lines takes two lines of its row.
    assert figs.legend_rows(["R² (share of variance<br>explained)"]) == 2
