"""The one LSTM cell diagram of the app: wires, gate boxes and pointwise nodes.

Two uses, one drawing. The Home page shows it as a schematic (gates in their house colours,
PyTorch's equations beside it); the Cell sandbox writes one unit's values into it, with each
gate box coloured on its quantity's scale (the same as the heatmaps of "Inside the cell").
No streamlit here; text comes from ``ui.i18n.translate`` in the language passed in.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from lstm_core.config import SIGMOID_GATES
from ui.figures.common import GATE_COLOURS, GREY, TEMPLATE, styled_figure
from ui.figures.scales import colours_on, scale_of, text_colour
from ui.i18n import translate

# PyTorch's equations (torch.nn.LSTM documentation), as Plotly rich text.
EQUATIONS = {
    "i": "i<sub>t</sub> = σ(W<sub>ii</sub>x<sub>t</sub> + b<sub>ii</sub>"
    " + W<sub>hi</sub>h<sub>t−1</sub> + b<sub>hi</sub>)",
    "f": "f<sub>t</sub> = σ(W<sub>if</sub>x<sub>t</sub> + b<sub>if</sub>"
    " + W<sub>hf</sub>h<sub>t−1</sub> + b<sub>hf</sub>)",
    "g": "g<sub>t</sub> = tanh(W<sub>ig</sub>x<sub>t</sub> + b<sub>ig</sub>"
    " + W<sub>hg</sub>h<sub>t−1</sub> + b<sub>hg</sub>)",
    "o": "o<sub>t</sub> = σ(W<sub>io</sub>x<sub>t</sub> + b<sub>io</sub>"
    " + W<sub>ho</sub>h<sub>t−1</sub> + b<sub>ho</sub>)",
    "c": "c<sub>t</sub> = f<sub>t</sub> ⊙ c<sub>t−1</sub> + i<sub>t</sub> ⊙ g<sub>t</sub>",
    "h": "h<sub>t</sub> = o<sub>t</sub> ⊙ tanh(c<sub>t</sub>)",
}

# Coordinates of the drawing (x 0..12, y 0..7): the cell-state line runs along the top, the
# hidden state and input along the bottom, the four gates sit in between.
_BOX_W, _BOX_H, _NODE_R = 1.5, 1.45, 0.33
_BOXES = {"f": 3.0, "i": 4.7, "g": 6.4, "o": 8.3}  # x centre of each gate box, y = _BOX_Y
_BOX_Y, _C_Y, _H_Y, _IG_Y, _OUT_Y = 2.75, 6.1, 0.75, 4.6, 4.0
_PLUS_X, _TANH_X = 5.55, 9.9
_FUNC = {"f": "σ", "i": "σ", "g": "tanh", "o": "σ"}


def _fill(name: str, value: float) -> str:
    lo, hi = (0.0, 1.0) if name in SIGMOID_GATES else (-1.0, 1.0)
    x = min(max((value - lo) / (hi - lo), 0.0), 1.0)
    return colours_on(scale_of(name), [x])[0]


def _wire(points: list[tuple[float, float]]) -> dict:
    path = "M " + " L ".join(f"{x},{y}" for x, y in points)
    return dict(type="path", path=path, line=dict(color="#555", width=2.5), layer="below")


def _box(x: float, y: float, half_w: float, half_h: float, fill: str) -> dict:
    return dict(
        type="rect",
        x0=x - half_w,
        x1=x + half_w,
        y0=y - half_h,
        y1=y + half_h,
        fillcolor=fill,
        line=dict(color="#333", width=2),
    )


def _node(x: float, y: float, fill: str = "#ffffff") -> dict:
    r = _NODE_R
    return dict(
        type="circle",
        x0=x - r,
        x1=x + r,
        y0=y - r,
        y1=y + r,
        fillcolor=fill,
        line=dict(color="#333", width=2),
    )


# Arrowheads (head x, head y, tail x, tail y) where the signal flows into a node or out.
_ARROWS = (
    (11.3, _C_Y, 10.8, _C_Y),
    (11.3, _H_Y, 10.8, _H_Y),
    (_BOXES["f"], _C_Y - _NODE_R, _BOXES["f"], _C_Y - 0.9),
    (_PLUS_X, _C_Y - _NODE_R, _PLUS_X, _C_Y - 0.9),
    (_PLUS_X - _NODE_R, _IG_Y, _PLUS_X - 0.9, _IG_Y),
    (_PLUS_X + _NODE_R, _IG_Y, _PLUS_X + 0.9, _IG_Y),
    (_TANH_X - _NODE_R, _OUT_Y, _TANH_X - 0.9, _OUT_Y),
    (_TANH_X, _OUT_Y + _NODE_R, _TANH_X, _OUT_Y + 0.5),
)


def _arrow(x: float, y: float, ax: float, ay: float) -> dict:
    return dict(
        x=x,
        y=y,
        ax=ax,
        ay=ay,
        xref="x",
        yref="y",
        axref="x",
        ayref="y",
        text="",
        showarrow=True,
        arrowhead=2,
        arrowsize=1.3,
        arrowwidth=2.5,
        arrowcolor="#555",
    )


def _text(x, y, text, size=13, colour="#111", **kw) -> dict:
    return dict(x=x, y=y, text=text, showarrow=False, font=dict(size=size, color=colour), **kw)


def _wiring() -> list[dict]:
    """The wires of the drawing, under everything else."""
    shapes = [
        _wire([(0.9, _C_Y), (11.3, _C_Y)]),  # c_{t-1} -> c_t
        _wire([(0.9, _H_Y), (_BOXES["o"], _H_Y)]),  # h_{t-1} along the bottom
        _wire([(1.9, -0.2), (1.9, _H_Y)]),  # x_t joins h_{t-1}
        _wire([(_BOXES["f"], _BOX_Y), (_BOXES["f"], _C_Y)]),  # f -> x on the c line
        _wire([(_BOXES["i"], _BOX_Y), (_BOXES["i"], _IG_Y), (_BOXES["g"], _IG_Y)]),
        _wire([(_BOXES["g"], _BOX_Y), (_BOXES["g"], _IG_Y)]),
        _wire([(_PLUS_X, _IG_Y), (_PLUS_X, _C_Y)]),  # i*g -> +
        _wire([(_BOXES["o"], _BOX_Y), (_BOXES["o"], _OUT_Y), (_TANH_X, _OUT_Y)]),
        _wire([(_TANH_X, _C_Y), (_TANH_X, _H_Y), (11.3, _H_Y)]),  # c -> tanh -> x o -> h_t
    ]
    return shapes + [_wire([(x, _H_Y), (x, _BOX_Y)]) for x in _BOXES.values()]


def _gates(v: dict | None, lang: str) -> tuple[list[dict], list[dict]]:
    """The four gate boxes: coloured by their value (``v``) or in the house colours."""
    shapes, notes = [], []
    for name, x in _BOXES.items():
        fill = GATE_COLOURS[name] if v is None else _fill(name, v[name])
        shapes.append(_box(x, _BOX_Y, _BOX_W / 2, _BOX_H / 2, fill))
        if v is None:
            body = f"<b>{name}<sub>t</sub></b><br>{_FUNC[name]}"
            notes.append(_text(x, _BOX_Y, body, 16, "#ffffff"))
        else:
            body = (
                f"<b>{name}<sub>t</sub> = {v[name]:.3f}</b><br>{_FUNC[name]}(a<sub>{name}</sub>)"
                f"<br>a<sub>{name}</sub> = {v['a_' + name]:+.2f}"
            )
            notes.append(_text(x, _BOX_Y, body, 13, text_colour(fill)))
        below = _BOX_Y - _BOX_H / 2 - 0.22
        label = translate(f"diagram.gate.{name}", lang)
        notes.append(_text(x, below, label, 12, "#333", bgcolor="white"))
    return shapes, notes


def _values(v: dict, tanh_y: float, tanh_c: float) -> list[dict]:
    """Every value of the step written at its wire."""
    xs = ", ".join(f"{a:+.2f}" for a in v["x"])
    return [
        _text(0.8, _C_Y + 0.45, f"c<sub>t-1</sub> = {v['c_prev']:+.3f}", 13, xanchor="left"),
        _text(0.8, _H_Y + 0.4, f"h<sub>t-1</sub> = {v['h_prev']:+.3f}", 13, xanchor="left"),
        _text(2.05, -0.15, f"x<sub>t</sub> = [{xs}]", 13, xanchor="left"),
        _text(11.4, _C_Y + 0.45, f"<b>c<sub>t</sub> = {v['c']:+.3f}</b>", 14, xanchor="right"),
        _text(11.4, _H_Y + 0.4, f"<b>h<sub>t</sub> = {v['h']:+.3f}</b>", 14, xanchor="right"),
        _text(
            _BOXES["f"] + 0.4,
            _C_Y - 0.45,
            f"f·c<sub>t-1</sub> = {v['f'] * v['c_prev']:+.3f}",
            11,
            xanchor="left",
        ),
        _text(_PLUS_X + 0.4, _IG_Y + 0.35, f"i·g = {v['i'] * v['g']:+.3f}", 11, xanchor="left"),
        _text(_TANH_X - 0.55, tanh_y, f"{tanh_c:+.3f}", 11, xanchor="right"),
    ]


def _names() -> list[dict]:
    """The schematic's wire names and, beside the drawing, PyTorch's six equations."""
    notes = [
        _text(0.8, _C_Y + 0.45, "<b>c<sub>t−1</sub></b>", 17, xanchor="left"),
        _text(0.8, _H_Y + 0.4, "<b>h<sub>t−1</sub></b>", 17, xanchor="left"),
        _text(2.05, -0.15, "<b>x<sub>t</sub></b>", 17, xanchor="left"),
        _text(11.4, _C_Y + 0.45, "<b>c<sub>t</sub></b>", 17, xanchor="right"),
        _text(11.4, _H_Y + 0.4, "<b>h<sub>t</sub></b>", 17, xanchor="right"),
    ]
    for row, name in enumerate("ifgoch"):
        swatch = f"<span style='color:{GATE_COLOURS[name]}'>■</span>"
        notes.append(
            _text(12.0, 6.3 - row * 1.2, f"{swatch}  {EQUATIONS[name]}", 15, xanchor="left")
        )
    return notes


def cell_diagram(
    v: dict | None = None, lang: str = "en", title: str = "", projector: bool = False
) -> go.Figure:
    """One LSTM unit drawn as wires, gate boxes and pointwise nodes.

    With ``v`` (that unit's scalars: ``x`` (list), ``h_prev``, ``c_prev``, pre-activations
    ``a_i a_f a_g a_o``, gates ``i f g o``, ``c`` and ``h``) every value is written in and each
    gate box is coloured on its scale; without, the schematic with the equations beside it.
    """
    shapes, notes = _wiring(), []
    gate_shapes, gate_notes = _gates(v, lang)
    shapes += gate_shapes
    notes += gate_notes
    nodes = ((_BOXES["f"], _C_Y, "×"), (_PLUS_X, _C_Y, "+"), (_PLUS_X, _IG_Y, "×"))
    for x, y, sym in (*nodes, (_TANH_X, _OUT_Y, "×")):
        shapes.append(_node(x, y))
        notes.append(_text(x, y, f"<b>{sym}</b>", 17))
    tanh_y = (_C_Y + _OUT_Y) / 2 + 0.1
    tanh_c = float(np.tanh(v["c"])) if v is not None else 0.0
    tanh_fill = _fill("h", tanh_c) if v is not None else "rgb(255, 255, 255)"
    shapes.append(_box(_TANH_X, tanh_y, 0.5, 0.3, tanh_fill))
    notes.append(_text(_TANH_X, tanh_y, "tanh", 12, text_colour(tanh_fill)))
    notes += _values(v, tanh_y, tanh_c) if v is not None else _names()
    notes += [_arrow(*a) for a in _ARROWS]
    if v is None:
        legend = translate("diagram.legend", lang)
        notes.append(_text(12.0, -0.4, legend, 12, GREY, xanchor="left"))
    right = 11.6 if v is not None else 20.5
    layout = dict(
        shapes=shapes,
        annotations=notes,
        height=440 if v is not None else 400,
        margin=dict(l=10, r=10, t=40 if title else 10, b=10),
        xaxis=dict(range=[0.4, right], visible=False, fixedrange=True),
        yaxis=dict(range=[-0.6, 6.9], visible=False, fixedrange=True, scaleanchor="x"),
        plot_bgcolor="white",
        paper_bgcolor="white",
        showlegend=False,
        dragmode=False,
        title=dict(text=title, x=0, font=dict(size=15)),
        template=TEMPLATE,
    )
    return styled_figure([], layout, projector)
