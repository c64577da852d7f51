"""The LSTM cell diagram of the home page: boxes for the four gates, the cell-state line,
and each gate's equation in PyTorch's form (gate order i, f, g, o)."""

from __future__ import annotations

import plotly.graph_objects as go

from ui.figures.common import FONT_SIZE, GATE_COLOURS, GREY
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

CELL_Y, BUS_Y, GATE_Y = 6.0, 0.8, 2.6  # heights of the cell-state line, input bus, gate boxes
GATE_X = {"f": 2.5, "i": 4.3, "g": 6.1, "o": 7.9}
GATE_FN = {"i": "σ", "f": "σ", "g": "tanh", "o": "σ"}


def _line(fig, x0, y0, x1, y1, colour=GREY, width=3):
    fig.add_shape(type="line", x0=x0, y0=y0, x1=x1, y1=y1, line={"color": colour, "width": width})


def _node(fig, x, y, symbol, colour=GREY):
    """A pointwise operation (⊙, +, tanh) drawn as a circle."""
    r = 0.38 if len(symbol) == 1 else 0.55
    fig.add_shape(
        type="circle",
        x0=x - r,
        y0=y - 0.38,
        x1=x + r,
        y1=y + 0.38,
        line={"color": colour, "width": 2},
        fillcolor="white",
    )
    fig.add_annotation(
        x=x,
        y=y,
        text=f"<b>{symbol}</b>",
        showarrow=False,
        font={"size": FONT_SIZE + 3, "color": colour},
    )


def _gate(fig, name, lang):
    x, colour = GATE_X[name], GATE_COLOURS[name]
    fig.add_shape(
        type="rect",
        x0=x - 0.65,
        y0=GATE_Y - 0.5,
        x1=x + 0.65,
        y1=GATE_Y + 0.5,
        line={"color": colour, "width": 3},
        fillcolor=colour,
        opacity=0.9,
    )
    fig.add_annotation(
        x=x,
        y=GATE_Y,
        showarrow=False,
        font={"size": FONT_SIZE + 2, "color": "white"},
        text=f"<b>{name}<sub>t</sub></b> {GATE_FN[name]}",
    )
    fig.add_annotation(
        x=x,
        y=GATE_Y - 0.78,
        showarrow=False,
        font={"size": FONT_SIZE - 2},
        text=translate(f"home.gate.{name}", lang),
        bgcolor="white",
    )
    _line(fig, x, BUS_Y, x, GATE_Y - 0.5)  # inputs up into the gate


def cell_diagram(lang: str = "en") -> go.Figure:
    """One LSTM time step: c_{t-1}, h_{t-1}, x_t in; c_t, h_t out; equations on the right."""
    fig = go.Figure()
    # Cell state: c_{t-1} --(x f)--(+ i*g)--> c_t
    _line(fig, 0.4, CELL_Y, 9.6, CELL_Y, GATE_COLOURS["c"], 5)
    _node(fig, GATE_X["f"], CELL_Y, "×")
    _node(fig, 5.2, CELL_Y, "+")
    _line(fig, GATE_X["f"], GATE_Y + 0.5, GATE_X["f"], CELL_Y - 0.38, GATE_COLOURS["f"])
    # Write: i_t * g_t joins the cell line.
    _line(fig, GATE_X["i"], GATE_Y + 0.5, GATE_X["i"], 4.3, GATE_COLOURS["i"])
    _line(fig, GATE_X["g"], GATE_Y + 0.5, GATE_X["g"], 4.3, GATE_COLOURS["g"])
    _line(fig, GATE_X["i"], 4.3, 4.82, 4.3, GATE_COLOURS["i"])
    _line(fig, GATE_X["g"], 4.3, 5.58, 4.3, GATE_COLOURS["g"])
    _node(fig, 5.2, 4.3, "×")
    _line(fig, 5.2, 4.68, 5.2, CELL_Y - 0.38)
    # Read: h_t = o_t * tanh(c_t)
    _line(fig, 9.2, CELL_Y, 9.2, 4.9, GATE_COLOURS["c"])
    _node(fig, 9.2, 4.3, "tanh", GATE_COLOURS["c"])
    _line(fig, 9.2, 3.92, 9.2, GATE_Y + 0.38)
    _line(fig, GATE_X["o"] + 0.65, GATE_Y, 8.82, GATE_Y, GATE_COLOURS["o"])
    _node(fig, 9.2, GATE_Y, "×")
    _line(fig, 9.2, GATE_Y - 0.38, 9.2, 1.6, GATE_COLOURS["h"], 5)
    _line(fig, 9.2, 1.6, 9.9, 1.6, GATE_COLOURS["h"], 5)
    # Inputs: h_{t-1} and x_t meet on the bus that feeds every gate.
    _line(fig, 0.4, BUS_Y, GATE_X["o"], BUS_Y, GATE_COLOURS["h"], 4)
    _line(fig, 1.3, -0.2, 1.3, BUS_Y, GREY, 4)
    for name in GATE_X:
        _gate(fig, name, lang)
    labels = [
        (0.05, CELL_Y, "c<sub>t−1</sub>"),
        (10.0, CELL_Y, "c<sub>t</sub>"),
        (0.05, BUS_Y, "h<sub>t−1</sub>"),
        (1.3, -0.55, "x<sub>t</sub>"),
        (10.3, 1.6, "h<sub>t</sub>"),
    ]
    for x, y, text in labels:
        fig.add_annotation(
            x=x, y=y, text=f"<b>{text}</b>", showarrow=False, font={"size": FONT_SIZE + 4}
        )
    # The six equations beside the diagram, each keyed by its quantity's colour.
    for row, name in enumerate("ifgoch"):
        swatch = f"<span style='color:{GATE_COLOURS[name]}'>■</span>"
        fig.add_annotation(
            x=11.0,
            y=6.4 - row * 1.25,
            xanchor="left",
            showarrow=False,
            text=f"{swatch}  {EQUATIONS[name]}",
            font={"size": FONT_SIZE + 1, "color": "#222222"},
        )
    fig.add_annotation(
        x=11.0,
        y=-0.55,
        xanchor="left",
        showarrow=False,
        font={"size": FONT_SIZE - 2, "color": GREY},
        text=translate("home.diagram.legend", lang),
    )
    fig.update_xaxes(visible=False, range=[-0.4, 19.0], fixedrange=True)
    fig.update_yaxes(visible=False, range=[-1.0, 7.0], fixedrange=True, scaleanchor="x")
    fig.update_layout(
        template="plotly_white",
        margin={"l": 0, "r": 0, "t": 10, "b": 0},
        height=420,
        showlegend=False,
        dragmode=False,
    )
    return fig
