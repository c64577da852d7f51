"""The Gradient flow figures draw exactly the arrays they are given, on readable log axes."""

import numpy as np
import pytest

from ui.figures import gradients as fg
from ui.figures.common import figure_table


def flows():
    dh = np.array([[1e-9, 1e-6, 1e-3]])
    return [
        ("LSTM", "lstm", {"dh": dh * 1e3, "dc": dh * 2e3}),
        ("RNN", "rnn", {"dh": dh, "dc": None}),
    ]


def test_flow_figure_draws_every_curve():
    fig = fg.flow_figure(flows(), "en")
    names = [d.name for d in fig.data]
    assert names == ["LSTM ‖∂L/∂h_t‖", "LSTM ‖∂L/∂c_t‖", "RNN ‖∂L/∂h_t‖"]
    np.testing.assert_array_equal(fig.data[2].y, [1e-9, 1e-6, 1e-3])
    assert fig.layout.yaxis.type == "log"
    table = figure_table(fig)
    assert len(table) == 9 and set(table.series) == set(names)


def decades(axis: dict) -> list[int]:
    return [round(np.log10(v)) for v in axis["tickvals"]]


def test_log_axis_labels_at_most_a_few_decades():
    assert decades(fg.log_axis([1e-3, 1e-1])) == [-3, -2, -1]  # every power of ten
    assert decades(fg.log_axis([1e-12, 1.0])) == list(range(-12, 1, 2))  # every second
    # zeros and NaN are ignored; 20 decades: every third
    assert decades(fg.log_axis([0.0, np.nan, 1e-20, 1.0])) == list(range(-18, 1, 3))


def test_the_gradient_norm_chart_labels_decades_not_the_digits_between():
    axis = fg.flow_figure(flows(), "en").layout.yaxis
    assert axis.type == "log" and axis.tickmode == "array"
    # the norms run from 1e-9 to 2: over seven decades, every second power of ten
    np.testing.assert_allclose(axis.tickvals, [1e-8, 1e-6, 1e-4, 1e-2, 1.0])
    assert list(axis.ticktext) == ["1e-8", "1e-6", "1e-4", "0.01", "1"]
    # a range under two decades: 1-2-5, never the digits 3, 4, 6, ...
    narrow = fg.log_axis([0.3, 4.0])
    assert narrow["ticktext"] == ["0.1", "0.2", "0.5", "1", "2", "5", "10", "20", "50"]
    # within one decade (a text model's loss, 3 to 6.5): every digit, not a lone "5"
    tight = fg.log_axis([3.02, 6.475])
    inside = [x for x in tight["tickvals"] if 3.02 <= x <= 6.475]
    assert inside == [4.0, 5.0, 6.0]


def test_factor_figures_and_saliency():
    T = 5
    rnn = fg.rnn_factor_figure(
        [{"step_norm": np.full(T, 0.9), "path_norm": 0.9 ** np.arange(T)[::-1], "sigma_max": 1.2}]
    )
    bound = [d for d in rnn.data if d.name.startswith("1/γ")][0]
    assert list(bound.y) == [1.0, 1.0] and list(bound.x) == [0, T - 1]
    sigma = [d for d in rnn.data if d.name.startswith("σ_max")][0]
    assert sigma.name == "σ_max(W_hh) = 1.200" and list(sigma.y) == [1.2, 1.2]
    lstm = fg.forget_figure([{"mean_f": np.full(T, 0.8), "product": 0.8 ** np.arange(T)[::-1]}])
    assert [d.yaxis for d in lstm.data] == ["y2", None]
    x = np.arange(2 * T, dtype=float).reshape(T, 2)
    sal = fg.saliency_figure(x, [("LSTM", "lstm", np.linspace(1e-3, 1, T))], "zh")
    assert [d.name for d in sal.data] == ["x[0]", "x[1]", "LSTM |∂y/∂x_t|"]
    tokens = fg.saliency_figure(np.arange(T), [("GRU", "gru", np.ones(T))], "en", list("abcde"))
    assert tokens.data[0].mode == "text" and list(tokens.data[0].text) == list("abcde")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_titles_are_translated(lang):
    fig = fg.flow_figure(flows(), lang)
    assert fig.layout.title.text and (lang == "en") == fig.layout.title.text.isascii()
