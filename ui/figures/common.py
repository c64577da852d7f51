"""Shared look of every figure: colour-blind-safe palettes, projector-friendly lines, tables.

Colours are the Okabe-Ito set (distinguishable with every common colour-vision deficiency).
Gates (0..1) use a sequential scale, c and h (signed) a diverging one centred on zero.
Figure builders take ``lang`` and translate through ``ui.i18n.translate`` (no streamlit).
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd
import plotly.graph_objects as go

# One colour per quantity of the cell, used by the diagram, line plots and legends alike.
GATE_COLOURS = {
    "i": "#0072B2",  # input gate: blue
    "f": "#D55E00",  # forget gate: vermillion
    "g": "#009E73",  # candidate: bluish green
    "o": "#CC79A7",  # output gate: reddish purple
    "c": "#E69F00",  # cell state: orange
    "h": "#56B4E9",  # hidden state: sky blue
}
# Series colours for curves that are not gates (train / validation / target / prediction ...).
SERIES = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#000000")
GREY = "#7f7f7f"

SEQUENTIAL = "Cividis"  # gates and other 0..1 quantities
DIVERGING = "RdBu_r"  # c and h: blue negative, white zero, red positive
LINE_WIDTH = 3  # readable from the back of a classroom
MARKER_SIZE = 7
FONT_SIZE = 15
PROJECTOR_FONT = 1.25  # projector mode: font sizes times this
PROJECTOR_LINE = 2.0  # projector mode: line widths times this (a 3 px line becomes 6 px)

# Projector mode is a per-session choice: the page passes it to every builder as
# ``projector=`` (there is no module-level switch, so one session's choice never restyles
# another's figures).


# A small explicit template: Plotly's named templates cost ~25 ms per figure to copy, too
# much for charts redrawn twice a second.
TEMPLATE = {
    "layout": {
        "colorway": list(SERIES),
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "font": {"color": "#222222"},
        "xaxis": {"gridcolor": "#e5e5e5", "linecolor": "#bbbbbb", "zeroline": False},
        "yaxis": {"gridcolor": "#e5e5e5", "linecolor": "#bbbbbb", "zeroline": False},
    }
}


def merge(base: dict, extra: dict) -> dict:
    """``base`` updated by ``extra``, recursively for nested dicts (neither is modified)."""
    out = dict(base)
    for k, v in extra.items():
        out[k] = merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def base_layout(
    title: str = "", x_title: str = "", y_title: str = "", projector: bool = False, **extra
) -> dict:
    """The house layout as a dict: large fonts, light grid, legend under the plot;
    ``extra`` is merged on top; ``projector``: every font scaled up for a classroom."""
    layout = {
        "template": TEMPLATE,
        "title": {
            "text": title,
            "x": 0.0,
            "xanchor": "left",
            "y": 0.98,
            "yanchor": "top",
            "font": {"size": FONT_SIZE + 3},
        },
        "font": {"size": FONT_SIZE},
        "margin": {"l": 70, "r": 20, "t": 50 if title else 30, "b": 20},
        # The legend goes under the x axis: above the plot it collides with the title when
        # a narrow chart wraps it onto several rows.
        "legend": {"orientation": "h", "yanchor": "top", "y": -0.22, "xanchor": "left", "x": 0.0},
        "hovermode": "x unified",
        "xaxis": {"title": {"text": x_title, "standoff": 4}, "showgrid": True, "automargin": True},
        "yaxis": {"title": {"text": y_title}, "showgrid": True, "automargin": True},
    }
    layout = merge(layout, extra)
    return _projected(layout) if projector else layout


def _projected(layout: dict, top: bool = True) -> dict:
    """Every font size in ``layout`` scaled up for the back of a classroom; a legend under
    the plot moves down to clear the larger tick labels and axis title."""
    out = {}
    legend = layout.get("legend")
    if top and isinstance(legend, dict) and isinstance(legend.get("y"), int | float):
        if legend["y"] < 0:
            layout = {**layout, "legend": {**legend, "y": legend["y"] * 1.5}}
    for k, v in layout.items():
        if k == "size" and isinstance(v, int | float) and not isinstance(v, bool):
            out[k] = round(v * PROJECTOR_FONT)
        elif isinstance(v, dict):
            out[k] = _projected(v, top=False)
        else:
            out[k] = v
    return out


def _thick(trace: dict) -> dict:
    line = trace.get("line")
    if isinstance(line, dict) and isinstance(line.get("width"), int | float):
        return {**trace, "line": {**line, "width": line["width"] * PROJECTOR_LINE}}
    return trace


def text_width(text: str) -> int:
    """Width of ``text`` in Latin characters: a CJK character counts two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


_CJK = "\u2e80-\u9fff\uff00-\uffef"
_TOKENS = re.compile(rf"\s+|[{_CJK}]|[^\s{_CJK}]+")


def wrap(text: str, width: int) -> str:
    """``text`` broken with <br> into lines of at most ``width`` (``text_width``), at spaces
    or between two CJK characters (Chinese has no spaces). A longer word keeps its own line."""
    lines, line, last_break = [], "", 0  # last_break: where ``line`` may be cut
    for token in _TOKENS.findall(text):
        if token.isspace():
            line += " " if line else ""
            last_break = len(line)
            continue
        if text_width(token) == 2 and line and text_width(line[-1]) == 2:
            last_break = len(line)
        line += token
        if text_width(line) > width and 0 < last_break < len(line):
            lines.append(line[:last_break].rstrip())
            line, last_break = line[last_break:], 0
    return "<br>".join([*lines, line.rstrip()] if line.strip() else lines)


MAX_DECADES = 7  # labelled powers of ten on a log axis, at most (about)


def _decade(k: int) -> str:
    """10**k as a tick label: 0.001, 0.01, ..., 100, and 1e-4 below."""
    return f"{10.0**k:g}" if k >= -3 else f"1e{k}"


def log_axis(*values) -> dict:
    """A log y axis labelled at decades only (every 2nd, 3rd, ... when the data span more than
    MAX_DECADES decades; 1-2-5 within a range under two decades, every digit when fewer than two
    of those fall inside the data), with explicit ticks: Plotly's
    own labels the minor digits too ("2 0.1 5"). Zeros, negatives and NaN are ignored."""
    v = np.concatenate([np.ravel(np.asarray(x, dtype=float)) for x in values] or [[]])
    v = v[np.isfinite(v) & (v > 0)]
    if not len(v):
        return {"type": "log"}
    lo, hi = int(np.floor(np.log10(v.min()))), int(np.ceil(np.log10(v.max())))
    span = np.log10(v.max() / v.min())
    if span >= 2:
        every = max(1, int(np.ceil(span / MAX_DECADES)))
        decades = [k for k in range(lo, hi + 1) if k % every == 0]
        vals, text = [10.0**k for k in decades], [_decade(k) for k in decades]
    else:
        vals = [m * 10.0**k for k in range(lo, hi + 1) for m in (1, 2, 5)]
        inside = [x for x in vals if v.min() <= x <= v.max()]
        if len(inside) < 2:  # a narrow range (e.g. 3 to 6.5): every digit, or it shows one label
            vals = [m * 10.0**k for k in range(lo, hi + 1) for m in range(1, 10)]
        text = [f"{x:g}" if 1e-3 <= x < 1e4 else f"{x:.0e}".replace("e-0", "e-") for x in vals]
    return {"type": "log", "tickmode": "array", "tickvals": vals, "ticktext": text}


def make_figure(traces: list[dict], layout: dict, projector: bool = False) -> go.Figure:
    """A figure from plain trace and layout dicts (``projector``: thicker lines; the layout's
    fonts are scaled by ``base_layout``). Validation is skipped: it (and Plotly's named
    templates) dominated the redraw time of charts drawn twice a second."""
    if projector:
        traces = [_thick(tr) if isinstance(tr, dict) else tr for tr in traces]
    return go.Figure(data=traces, layout=layout, _validate=False)


def styled_figure(traces: list[dict], layout: dict, projector: bool) -> go.Figure:
    """A figure from plain trace and layout dicts, without validation; ``projector``: every
    font (annotations included) scaled up and every line thickened for the back of a classroom,
    for layouts that did not come from ``base_layout``."""
    if projector:
        notes = [_projected(a, top=False) for a in layout.get("annotations", [])]
        layout = {**_projected(layout), "annotations": notes}
        traces = [_thick(tr) if isinstance(tr, dict) else tr for tr in traces]
    return go.Figure(data=traces, layout=layout, _validate=False)


def downsample(x: np.ndarray, *ys: np.ndarray, max_points: int = 600) -> tuple[np.ndarray, ...]:
    """Keep at most ``max_points`` evenly spaced points (always the last one): the payload of a
    live chart must not grow with the number of steps."""
    x = np.asarray(x)
    n = len(x)
    if n <= max_points:
        return (x, *(np.asarray(y) for y in ys))
    idx = np.unique(np.linspace(0, n - 1, max_points).round().astype(int))
    return (x[idx], *(np.asarray(y)[idx] for y in ys))


def figure_table(fig: go.Figure) -> pd.DataFrame:
    """The data of a figure's line/scatter/bar traces as one long table (the accessible
    alternative to the chart): one row per point, with the trace name, x and y."""
    rows = []
    for trace in fig.data:
        if trace.type not in ("scatter", "scattergl", "bar") or trace.x is None:
            continue
        ys = trace.y if trace.y is not None else [None] * len(trace.x)
        for x, y in zip(trace.x, ys, strict=False):
            rows.append({"series": trace.name or "", "x": x, "y": y})
    return pd.DataFrame(rows, columns=["series", "x", "y"])


def heatmap_tables(fig: go.Figure) -> list[tuple[str, pd.DataFrame]]:
    """One wide table per heatmap trace of ``fig``: rows are its y labels, columns its x."""
    out = []
    for k, trace in enumerate(fig.data):
        if trace.type != "heatmap" or trace.z is None:
            continue
        z = np.asarray(trace.z, dtype=float)
        rows = list(trace.y) if trace.y is not None else list(range(z.shape[0]))
        cols = list(trace.x) if trace.x is not None else list(range(z.shape[1]))
        name = trace.name or f"{k + 1}"
        out.append(
            (name, pd.DataFrame(z, index=[str(r) for r in rows], columns=[str(c) for c in cols]))
        )
    return out
