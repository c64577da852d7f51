"""Accessibility of the figures: colour-blind-safe palettes, and every chart's data as tables."""

import numpy as np
import plotly.graph_objects as go
from plotly.colors import get_colorscale, unlabel_rgb

from ui.a11y import data_tables
from ui.figures import common, inside

OKABE_ITO = {"#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000"}


def test_palettes_are_colour_blind_safe_sequential_for_gates_diverging_for_c_and_h():
    assert set(common.GATE_COLOURS.values()) <= OKABE_ITO
    assert set(common.SERIES) <= OKABE_ITO
    for gate in ("i", "f", "o", "z", "r"):  # sigmoid gates, in (0, 1)
        assert inside.scale_of(gate) == common.SEQUENTIAL == "Cividis"
    for signed in ("g", "c", "h"):  # tanh candidate, cell and hidden state: signed
        assert inside.scale_of(signed) == common.DIVERGING
    stops = get_colorscale(common.DIVERGING)
    mid = [c for p, c in stops if abs(p - 0.5) < 0.06]
    assert mid and all(min(unlabel_rgb(c)) > 200 for c in mid)  # near white at zero


def test_a_heatmap_becomes_a_wide_table_and_lines_a_long_one():
    z = np.arange(6.0).reshape(2, 3)  # (units, steps)
    fig = go.Figure(
        [
            go.Heatmap(z=z, x=[0, 1, 2], y=["u0", "u1"], name="c_t"),
            go.Scatter(x=[0, 1], y=[0.5, 0.25], name="loss"),
        ]
    )
    tables = data_tables(fig)
    (lines_caption, lines), (heat_caption, heat) = tables
    assert lines_caption == "" and list(lines.columns) == ["series", "x", "y"]
    assert lines["y"].tolist() == [0.5, 0.25] and set(lines["series"]) == {"loss"}
    assert heat_caption == "c_t" and heat.shape == (2, 3)
    assert heat.loc["u1", "2"] == 5.0 and list(heat.index) == ["u0", "u1"]
