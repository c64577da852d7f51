"""Figures of the Gradient flow page: pure functions, arrays in, ``go.Figure`` out.

Every curve is exactly the array passed in (from ``lstm_core.gradients``); reference values
(sigma_max(W_hh), the 1/gamma bound) are two-point line traces named after them, so they show
in the legend and in the data tables (``common.figure_table``). No streamlit here.
Two-panel figures share one time axis through ``yaxis2`` domains (no ``make_subplots``).
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ui.figures.common import (
    FONT_SIZE,
    GATE_COLOURS,
    GREY,
    LINE_WIDTH,
    SERIES,
    base_layout,
    log_axis,
    make_figure,
)
from ui.i18n import translate

MODEL_COLOURS = {"lstm": SERIES[0], "gru": SERIES[2], "rnn": SERIES[4]}  # blue, green, vermillion
LAYER_DASH = ("solid", "dot", "dashdot")  # layers 1, 2, 3
INPUT_COLOURS = (SERIES[6], GREY, SERIES[5], SERIES[3])


def _line(y, name, colour, width=LINE_WIDTH, dash="solid", mode="lines", x=None, **kw) -> dict:
    x = np.arange(len(y)) if x is None else x
    line = {"color": colour, "width": width, "dash": dash}
    return {"type": "scatter", "x": x, "y": y, "name": name, "mode": mode, "line": line, **kw}


def _hline(x1, y, name, colour, dash, **kw) -> dict:
    """A horizontal reference line from t = 0 to x1, as a named trace (legend and table)."""
    return _line([y, y], name, colour, 2, dash, x=[0, x1], hoverinfo="name+y", **kw)


def _layer_suffix(k: int, n_layers: int, lang: str) -> str:
    return "" if n_layers == 1 else " · " + translate("grad.layer_n", lang, n=k + 1)


def _panel_title(text: str, y: float) -> dict:
    """A panel title as a paper annotation at height ``y``."""
    return {
        "text": f"<b>{text}</b>",
        "x": 0,
        "xref": "paper",
        "xanchor": "left",
        "y": y,
        "yref": "paper",
        "yanchor": "bottom",
        "showarrow": False,
        "font": {"size": FONT_SIZE},
    }


def _two_panels(top: float, lang: str, title: str = "", projector: bool = False, **extra) -> dict:
    """Layout with two stacked panels on one time axis: y2 on top (share ``top``), y below."""
    split = 1 - top
    return base_layout(
        title,
        translate("grad.axis.t", lang),
        "",
        yaxis={"domain": [0, split - 0.1]},
        yaxis2={"domain": [split, 1], "anchor": "x", "gridcolor": "#e5e5e5"},
        **extra,
        projector=projector,
    )


def flow_figure(
    curves: list[tuple[str, str, dict]], lang: str = "en", projector: bool = False
) -> go.Figure:
    """||dL/dh_t|| (solid / dotted per layer) and ||dL/dc_t|| (dashed) against t, log y.

    ``curves``: (label, cell, flow) with flow["dh"] (L, T) and flow["dc"] (L, T) or None.
    """
    traces = []
    for label, cell, flow in curves:
        colour = MODEL_COLOURS[cell]
        L = flow["dh"].shape[0]
        for k in range(L):
            sfx = _layer_suffix(k, L, lang)
            traces.append(
                _line(flow["dh"][k], f"{label} ‖∂L/∂h_t‖{sfx}", colour, dash=LAYER_DASH[k])
            )
            if flow.get("dc") is not None:
                traces.append(
                    _line(flow["dc"][k], f"{label} ‖∂L/∂c_t‖{sfx}", colour, LINE_WIDTH - 1, "dash")
                )
    layout = base_layout(
        translate("grad.flow.title", lang),
        translate("grad.axis.t", lang),
        translate("grad.axis.norm", lang),
        yaxis=log_axis(
            *[c[2]["dh"] for c in curves],
            *[c[2]["dc"] for c in curves if c[2].get("dc") is not None],
        ),
        height=480,
        margin={"t": 70},
        showlegend=True,  # also for a single curve (a one-layer RNN alone): say what it is
        projector=projector,
    )
    return make_figure(traces, layout, projector=projector)


def rnn_factor_figure(factors: list[dict], lang: str = "en", projector: bool = False) -> go.Figure:
    """Per layer: ||W_hh^T diag(1 - h_t^2)|| per step, the norm of their product from the last
    step back to t, sigma_max(W_hh) and the bound 1/gamma = 1.
    ``factors``: per layer {"step_norm": (T,), "path_norm": (T,), "sigma_max": float}."""
    traces = []
    T = len(factors[0]["step_norm"])
    for k, f in enumerate(factors):
        sfx = _layer_suffix(k, len(factors), lang)
        colour = MODEL_COLOURS["rnn"] if k == 0 else SERIES[(2 * k + 1) % 7]
        name = translate("grad.factor.step_norm", lang) + sfx
        traces.append(
            _line(
                f["step_norm"],
                name,
                colour,
                dash=LAYER_DASH[k],
                mode="lines+markers",
                marker={"size": 5},
            )
        )
        name = translate("grad.factor.path_norm", lang) + sfx
        traces.append(_line(f["path_norm"], name, colour, dash="dash" if k == 0 else LAYER_DASH[k]))
        sigma = translate("grad.factor.sigma", lang, value=f"{f['sigma_max']:.3f}") + sfx
        traces.append(_hline(T - 1, f["sigma_max"], sigma, GREY, "dashdot"))
    traces.append(_hline(T - 1, 1.0, translate("grad.factor.bound", lang), "#000000", "dot"))
    layout = base_layout(
        translate("grad.factor.rnn_title", lang),
        translate("grad.axis.t", lang),
        translate("grad.axis.factor", lang),
        yaxis=log_axis(*[[f["sigma_max"], *f["step_norm"], *f["path_norm"]] for f in factors], 1.0),
        height=440,
        margin={"t": 70},
        projector=projector,
    )
    return make_figure(traces, layout, projector=projector)


def forget_figure(factors: list[dict], lang: str = "en", projector: bool = False) -> go.Figure:
    """Per layer: mean f_t (top, 0..1) and the cell-path product prod_{s>t} f_s (bottom, log).
    ``factors``: per layer {"mean_f": (T,), "product": (T,)}."""
    traces = []
    for k, f in enumerate(factors):
        sfx = _layer_suffix(k, len(factors), lang)
        colour, dash = GATE_COLOURS["f"], LAYER_DASH[k]
        mean_f = translate("grad.factor.mean_f", lang) + sfx
        traces.append(_line(f["mean_f"], mean_f, colour, dash=dash, yaxis="y2"))
        traces.append(_line(f["product"], "∏ f" + sfx, colour, dash=dash))
    layout = _two_panels(
        0.42,
        lang,
        translate("grad.factor.lstm_title", lang),
        annotations=[
            _panel_title(translate("grad.factor.mean_f", lang), 1.0),
            _panel_title(translate("grad.factor.product", lang), 0.48),
        ],
        height=440,
        margin={"t": 90},
        showlegend=len(factors) > 1,
        projector=projector,
    )
    layout["yaxis"].update(log_axis(*[f["product"] for f in factors]))
    layout["yaxis2"].update(range=[0, 1.05])
    return make_figure(traces, layout, projector=projector)


def saliency_figure(
    x_seq: np.ndarray,
    saliencies: list[tuple[str, str, np.ndarray]],
    lang: str = "en",
    tokens: list[str] | None = None,
    projector: bool = False,
) -> go.Figure:
    """The input sequence on top and |dy/dx_t| of each model under it (log y), one time axis.

    ``x_seq``: (T, I) values, or (T,) token ids with ``tokens`` their symbols;
    ``saliencies``: (label, cell, (T,) array)."""
    T = len(x_seq)
    traces = []
    if tokens is not None:
        traces.append(
            {
                "type": "scatter",
                "x": np.arange(T),
                "y": np.zeros(T),
                "mode": "text",
                "text": tokens,
                "textfont": {"size": 16},
                "yaxis": "y2",
                "name": translate("grad.sal.input", lang),
                "showlegend": False,
            }
        )
    else:
        x2 = np.asarray(x_seq, dtype=float).reshape(T, -1)
        for j in range(x2.shape[1]):
            traces.append(
                _line(
                    x2[:, j],
                    f"x[{j}]",
                    INPUT_COLOURS[j % 4],
                    2,
                    mode="lines+markers",
                    marker={"size": 4},
                    yaxis="y2",
                )
            )
    for label, cell, s in saliencies:
        traces.append(
            _line(
                s,
                f"{label} |∂y/∂x_t|",
                MODEL_COLOURS[cell],
                mode="lines+markers",
                marker={"size": 5},
            )
        )
    layout = _two_panels(
        0.35,
        lang,
        annotations=[
            _panel_title(translate("grad.sal.input", lang), 1.0),
            _panel_title(translate("grad.sal.title", lang), 0.55),
        ],
        height=460,
        margin={"t": 50},
        projector=projector,
    )
    layout["yaxis"].update(log_axis(*[s for _, _, s in saliencies]))
    if tokens is not None:
        layout["yaxis2"].update(visible=False)
    return make_figure(traces, layout, projector=projector)
