"""Pure figure builders for the inside of a recurrent cell: data in, Plotly figure out.

Arrays follow the trace convention of ``lstm_core.inspect.one_sequence``: name -> ``(T, H)``.
Every quantity keeps one colour scale wherever it appears: gates on a sequential 0..1 scale,
candidate/c/h on a diverging scale symmetric around 0 (``lstm_core.inspect.value_range``).
No streamlit here; text comes from ``ui.i18n.translate`` in the language passed in.
"""

from __future__ import annotations

import html
from functools import cache

import numpy as np
import plotly.graph_objects as go
from plotly.colors import get_colorscale, hex_to_rgb, unlabel_rgb

from lstm_core.config import SIGMOID_GATES
from lstm_core.inspect import value_range
from ui.figures.common import (
    DIVERGING,
    GATE_COLOURS,
    SEQUENTIAL,
    SERIES,
    TEMPLATE,
    make_figure,
)
from ui.i18n import translate

# The house colour-blind-safe scales: sequential for gates (0..1), diverging for signed values.
GATE_SCALE = SEQUENTIAL
SIGNED_SCALE = DIVERGING
UNIT_COLOURS = SERIES  # Okabe-Ito, one colour per chosen unit
CURSOR = "#222222"
MAX_TEXT_STEPS = 80  # longer token inputs are drawn as markers, not characters
SAT_KEYS = ("cell.sat.low", "cell.sat.high")  # rows 0 and 1 of a (2, H) saturation array


@cache
def _stops(scale: str) -> tuple[np.ndarray, np.ndarray]:
    """A named colour scale as stop positions ``(n,)`` and RGB values ``(n, 3)``, looked up
    once: Plotly's own sampling costs about a millisecond per call, and the sandbox colours a
    dozen boxes on every slider move."""
    stops = get_colorscale(scale)
    pos = np.array([float(p) for p, _ in stops])
    rgb = np.array([hex_to_rgb(c) if c.startswith("#") else unlabel_rgb(c) for _, c in stops])
    return pos, rgb.astype(float)


def colours_on(scale: str, positions) -> list[str]:
    """``rgb(r, g, b)`` colours at ``positions`` in [0, 1] of the named scale (linear between
    stops, as Plotly draws it)."""
    pos, rgb = _stops(scale)
    x = np.clip(np.asarray(positions, dtype=np.float64), 0.0, 1.0)
    cols = np.stack([np.interp(x, pos, rgb[:, k]) for k in range(3)], axis=-1)
    return [f"rgb({r:.0f}, {g:.0f}, {b:.0f})" for r, g, b in cols]


@cache
def _scale(name: str) -> list:
    """A named scale as explicit [position, colour] stops: figures built without validation
    reach Plotly.js as they are, and Plotly.js does not know Python's names such as "RdBu_r"."""
    return [list(stop) for stop in get_colorscale(name)]


def scale_of(name: str) -> str:
    """The colour scale of a quantity: sequential for gates, diverging otherwise."""
    return GATE_SCALE if name in SIGMOID_GATES else SIGNED_SCALE


def quantity_label(name: str, lang: str) -> str:
    return translate(f"cell.q.{name}", lang)


def ranges_for(seq: dict[str, np.ndarray]) -> dict[str, tuple[float, float]]:
    """The fixed colour range of every quantity in ``seq`` (name -> (T, H))."""
    return {q: value_range(q, v) for q, v in seq.items()}


# ------------------------------------------------------------------ subplots from plain dicts
# These figures are rebuilt on every slider move; Plotly's make_subplots/add_trace validate
# every property and cost 40-70 ms a figure, plain dicts (``make_figure``) a few.
def _axis(k: int) -> str:
    """Axis suffix of subplot ``k`` (0-based, row-major): "", "2", "3", ..."""
    return "" if k == 0 else str(k + 1)


def _spans(n: int, gap: float, weights=None) -> list[tuple[float, float]]:
    """``n`` (start, end) intervals of [0, 1] with ``gap`` between them, sized by weights."""
    weights = list(weights or [1.0] * n)
    free = 1.0 - gap * (n - 1)
    out, start = [], 0.0
    for w in weights:
        end = start + free * w / sum(weights)
        out.append((start, end))
        start = end + gap
    return out


def _subplots(
    rows: int,
    cols: int,
    titles: list[str],
    vgap: float,
    hgap: float,
    row_heights=None,
    share_x: bool = False,
) -> tuple[dict, list[tuple[str, str]]]:
    """A layout with a ``rows`` x ``cols`` grid of axes (top row first) and a title above each
    cell; returns it and each cell's (x axis, y axis) trace references, row-major. With
    ``share_x`` every x axis follows the bottom one and only it shows tick labels."""
    ys = _spans(rows, vgap, list(reversed(row_heights)) if row_heights else None)[::-1]
    xs = _spans(cols, hgap)
    bottom = _axis((rows - 1) * cols)
    layout = dict(template=TEMPLATE, font=dict(size=13), annotations=[])
    refs = []
    for k in range(rows * cols):
        r, c = divmod(k, cols)
        a = _axis(k)
        layout[f"xaxis{a}"] = dict(domain=list(xs[c]), anchor=f"y{a}")
        layout[f"yaxis{a}"] = dict(domain=list(ys[r]), anchor=f"x{a}")
        if share_x and a != bottom:
            layout[f"xaxis{a}"].update(matches=f"x{bottom}", showticklabels=False)
        if k < len(titles):
            layout["annotations"].append(
                dict(
                    text=titles[k],
                    x=sum(xs[c]) / 2,
                    y=ys[r][1],
                    xref="paper",
                    yref="paper",
                    xanchor="center",
                    yanchor="bottom",
                    showarrow=False,
                    font=dict(size=15, color="#222222"),
                )
            )
        refs.append((f"x{a}", f"y{a}"))
    return layout, refs


def _unit_ticks(axis: dict, H: int) -> None:
    """One tick per unit while they fit."""
    if H <= 16:
        axis.update(dtick=1, tick0=0)


def _cursor(t: int) -> dict:
    """One vertical line at step ``t`` through every subplot (they share the x axis)."""
    return dict(
        type="line",
        xref="x",
        yref="paper",
        x0=t,
        x1=t,
        y0=0,
        y1=1,
        line=dict(color=CURSOR, width=2, dash="dot"),
        name="cursor",
    )


def _padded(lo: float, hi: float, floor_at_zero: bool = False) -> list[float]:
    pad = 0.05 * (hi - lo)
    return [lo if (floor_at_zero and lo >= 0) else lo - pad, hi + pad]


def _input_traces(
    x_input: np.ndarray, tokens: list[str] | None, layout: dict
) -> tuple[list[dict], list[dict]]:
    """Traces (and annotations) drawing the input in subplot 1: characters as text, words as
    slanted labels, a few features as lines, many as a grey heatmap.
    ``x_input`` is ``(T,)`` token ids or ``(T, I)`` values."""
    T = len(x_input)
    steps = np.arange(T)
    hover = "t=%{x}: %{text}<extra></extra>"
    if tokens is not None:
        words = max(map(len, tokens), default=0) > 1
        readable = T <= MAX_TEXT_STEPS
        mode = "text" if readable and not words else "markers"
        trace = dict(
            type="scatter",
            x=steps,
            y=np.zeros(T),
            mode=mode,
            text=tokens,
            textfont=dict(size=15, family="monospace"),
            showlegend=False,
            marker=dict(size=9, symbol="line-ns-open", color="#555555"),
            hovertemplate=hover,
        )
        notes = []
        if words and readable:  # words: slanted labels above a tick per step
            notes = [
                dict(
                    x=k,
                    y=0,
                    xref="x",
                    yref="y",
                    text=html.escape(w),
                    textangle=-50,
                    showarrow=False,
                    yshift=4,
                    yanchor="bottom",
                    font=dict(size=11),
                )
                for k, w in enumerate(tokens)
            ]
        layout["yaxis"].update(visible=False, range=[-0.2, 1] if words else [-1, 1])
        return [trace], notes
    x = np.asarray(x_input, dtype=np.float64).reshape(T, -1)  # (T, I)
    if x.shape[1] > 4:
        return [
            dict(
                type="heatmap",
                z=x.T,
                x=steps,
                colorscale=_scale("Greys"),
                showscale=False,
                name="x",
            )
        ], []
    return [
        dict(
            type="scatter",
            x=steps,
            y=x[:, k],
            mode="lines+markers",
            marker=dict(size=4),
            line=dict(color=UNIT_COLOURS[k]),
            name=f"x[{k}]",
            legendgroup="input",
            showlegend=x.shape[1] > 1,
        )
        for k in range(x.shape[1])
    ], []


def trace_heatmaps(
    seq: dict[str, np.ndarray],
    x_input: np.ndarray,
    t_cursor: int,
    lang: str = "en",
    tokens: list[str] | None = None,
    ranges: dict[str, tuple[float, float]] | None = None,
) -> go.Figure:
    """Input on top, then one (unit x time) heatmap per quantity, all on one time axis,
    with a dotted cursor at ``t_cursor``. ``seq``: name -> (T, H); heatmap z is (H, T)."""
    names = list(seq)
    ranges = {**ranges_for(seq), **(ranges or {})}
    rows = 1 + len(names)
    titles = [translate("cell.input", lang)] + [quantity_label(q, lang) for q in names]
    layout, refs = _subplots(
        rows,
        1,
        titles,
        min(0.08, 0.25 / rows),
        0.0,
        row_heights=[0.7] + [1.0] * len(names),
        share_x=True,
    )
    traces, notes = _input_traces(x_input, tokens, layout)
    layout["annotations"] += notes
    for k, q in enumerate(names, start=1):
        z = np.asarray(seq[q]).T  # (H, T)
        lo, hi = ranges[q]
        (xa, ya), dom = refs[k], layout[f"yaxis{_axis(k)}"]["domain"]
        traces.append(
            dict(
                type="heatmap",
                z=z,
                x=np.arange(z.shape[1]),
                y=np.arange(z.shape[0]),
                zmin=lo,
                zmax=hi,
                colorscale=_scale(scale_of(q)),
                name=q,
                xaxis=xa,
                yaxis=ya,
                colorbar=dict(
                    y=(dom[0] + dom[1]) / 2,
                    len=(dom[1] - dom[0]) * 1.05,
                    thickness=12,
                    x=1.01,
                    tickfont=dict(size=10),
                ),
                hovertemplate=f"{q}  t=%{{x}}  unit=%{{y}}: %{{z:.3f}}<extra></extra>",
            )
        )
        layout[f"yaxis{_axis(k)}"]["title"] = dict(text=translate("cell.axis.unit", lang))
        _unit_ticks(layout[f"yaxis{_axis(k)}"], z.shape[0])
    layout[f"xaxis{_axis(rows - 1)}"]["title"] = dict(text=translate("cell.axis.time", lang))
    layout.update(
        shapes=[_cursor(t_cursor)],
        height=150 + 130 * len(names),
        margin=dict(l=60, r=20, t=40, b=50),
        legend=dict(orientation="h", y=1.04, x=1, xanchor="right"),
    )
    return make_figure(traces, layout)


def step_bars(
    seq: dict[str, np.ndarray],
    t: int,
    lang: str = "en",
    ranges: dict[str, tuple[float, float]] | None = None,
    cols: int = 3,
) -> go.Figure:
    """Every quantity's value per unit at step ``t``: one bar chart per quantity (``cols``
    per row), bars coloured on that quantity's scale, y fixed to its range."""
    names = list(seq)
    ranges = {**ranges_for(seq), **(ranges or {})}
    cols = min(len(names), cols)
    nrows = (len(names) + cols - 1) // cols
    titles = [quantity_label(q, lang) for q in names]
    layout, refs = _subplots(nrows, cols, titles, 0.16, 0.06)
    traces = []
    for k, q in enumerate(names):
        v = np.asarray(seq[q])[t]  # (H,)
        lo, hi = ranges[q]
        traces.append(
            dict(
                type="bar",
                x=np.arange(len(v)),
                y=v,
                name=q,
                showlegend=False,
                xaxis=refs[k][0],
                yaxis=refs[k][1],
                marker=dict(
                    color=v,
                    colorscale=_scale(scale_of(q)),
                    cmin=lo,
                    cmax=hi,
                    line=dict(color="#444", width=0.5),
                ),
                hovertemplate=f"{q}  unit=%{{x}}: %{{y:.3f}}<extra></extra>",
            )
        )
        layout[f"yaxis{_axis(k)}"]["range"] = _padded(lo, hi, floor_at_zero=True)
        layout[f"xaxis{_axis(k)}"]["title"] = dict(text=translate("cell.axis.unit", lang))
        _unit_ticks(layout[f"xaxis{_axis(k)}"], len(v))
    layout.update(
        height=230 * nrows + 60,
        margin=dict(l=40, r=20, t=80, b=40),
        bargap=0.15,
        title=dict(text=translate("cell.bars.title", lang, t=t), x=0, font=dict(size=15)),
    )
    return make_figure(traces, layout)


def unit_lines(
    seq: dict[str, np.ndarray],
    units: list[int],
    t_cursor: int,
    lang: str = "en",
    ranges: dict[str, tuple[float, float]] | None = None,
) -> go.Figure:
    """For the chosen units, every quantity over time (one row per quantity, shared x)."""
    names = list(seq)
    ranges = {**ranges_for(seq), **(ranges or {})}
    titles = [quantity_label(q, lang) for q in names]
    layout, refs = _subplots(
        len(names), 1, titles, 0.03 * 6 / max(len(names), 1), 0.0, share_x=True
    )
    traces = []
    for r, q in enumerate(names):
        v = np.asarray(seq[q])  # (T, H)
        for k, u in enumerate(units):
            traces.append(
                dict(
                    type="scatter",
                    x=np.arange(len(v)),
                    y=v[:, u],
                    mode="lines",
                    line=dict(color=UNIT_COLOURS[k % len(UNIT_COLOURS)], width=2),
                    name=translate("cell.unit_n", lang, n=u),
                    legendgroup=str(u),
                    showlegend=r == 0,
                    xaxis=refs[r][0],
                    yaxis=refs[r][1],
                )
            )
        layout[f"yaxis{_axis(r)}"]["range"] = _padded(*ranges[q])
    layout[f"xaxis{_axis(len(names) - 1)}"]["title"] = dict(text=translate("cell.axis.time", lang))
    layout.update(
        shapes=[_cursor(t_cursor)],
        height=110 + 120 * len(names),
        margin=dict(l=50, r=20, t=50, b=50),
        legend=dict(orientation="h", y=1.02, x=1, xanchor="right", yanchor="bottom"),
    )
    return make_figure(traces, layout)


def saturation_figure(stats: dict[str, np.ndarray], lang: str = "en") -> go.Figure:
    """Per gate: the fraction of steps each unit spends closed (< 0.1) and open (> 0.9).

    ``stats``: gate -> ``(2, H)`` (row 0 closed, row 1 open), as ``lstm_core.records.saturation``.
    """
    names = list(stats)
    layout, refs = _subplots(
        1, max(len(names), 1), [quantity_label(q, lang) for q in names], 0.0, 0.03
    )
    labels = [translate(k, lang) for k in SAT_KEYS]
    traces = []
    for c, q in enumerate(names):
        units = np.arange(stats[q].shape[1])
        for part, colour in ((0, "#0072B2"), (1, "#E69F00")):
            traces.append(
                dict(
                    type="bar",
                    x=units,
                    y=stats[q][part],
                    name=labels[part],
                    marker_color=colour,
                    legendgroup=str(part),
                    showlegend=c == 0,
                    xaxis=refs[c][0],
                    yaxis=refs[c][1],
                    hovertemplate=f"{q}  unit=%{{x}}: %{{y:.0%}}<extra>{labels[part]}</extra>",
                )
            )
        layout[f"xaxis{_axis(c)}"]["title"] = dict(text=translate("cell.axis.unit", lang))
        _unit_ticks(layout[f"xaxis{_axis(c)}"], len(units))
        layout[f"yaxis{_axis(c)}"].update(range=[0, 1], tickformat=".0%", showticklabels=c == 0)
        if c:
            layout[f"yaxis{_axis(c)}"]["matches"] = "y"
    layout.update(
        barmode="stack",
        height=320,
        margin=dict(l=50, r=20, t=80, b=40),
        legend=dict(orientation="h", y=1.3, x=0, xanchor="left", yanchor="bottom"),
    )
    return make_figure(traces, layout)


def _text_colour(rgb: str) -> str:
    r, g, b = (float(v) for v in rgb[rgb.index("(") + 1 : -1].split(","))
    return "#000" if 0.299 * r + 0.587 * g + 0.114 * b > 140 else "#fff"


def activation_html(
    chars: list[str],
    values: np.ndarray,
    lo: float,
    hi: float,
    scale: str,
    caption: str,
    mark: int | None = None,
) -> str:
    """Characters on a background coloured by one unit's activation, plus a legend bar.

    ``values`` is ``(T,)``; colours come from ``scale`` over ``[lo, hi]``; the token at step
    ``mark`` (the time cursor) is outlined.
    """
    v = np.clip((np.asarray(values, dtype=np.float64) - lo) / (hi - lo), 0.0, 1.0)
    colours = colours_on(scale, list(v))
    spans = []
    gap = "0 4px" if max(map(len, chars), default=0) > 1 else "0 1px"  # words or characters
    for k, (ch, val, col) in enumerate(zip(chars, values, colours, strict=True)):
        shown = {" ": "\u2423", "\n": "\u21b5"}.get(ch, ch)
        outline = "outline:3px solid #000;" if k == mark else ""
        spans.append(
            f'<span title="{float(val):.3f}" style="background:{col};color:{_text_colour(col)};'
            f'{outline}padding:2px 2px;margin:{gap};border-radius:3px">{html.escape(shown)}</span>'
        )
    stops = colours_on(scale, [k / 10 for k in range(11)])
    legend = (
        f'<div style="display:flex;align-items:center;gap:8px;margin-top:10px;font-size:0.85em">'
        f"<span>{lo:.2f}</span>"
        f'<span style="width:220px;height:12px;border-radius:3px;'
        f'background:linear-gradient(to right,{",".join(stops)})"></span>'
        f"<span>{hi:.2f}</span><span>{html.escape(caption)}</span></div>"
    )
    body = "".join(spans)
    return (
        f'<div style="font-family:monospace;font-size:1.15em;line-height:2.1;'
        f'word-break:break-all">{body}</div>{legend}'
    )


# --------------------------------------------------------------------------- the cell diagram
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


def _ink(fill: str) -> str:
    return _text_colour(fill)


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


def cell_diagram(v: dict, lang: str = "en", title: str = ""):
    """One LSTM unit drawn as wires, gate boxes and pointwise nodes, every value written in.

    ``v`` holds that unit's scalars: ``x`` (list), ``h_prev``, ``c_prev``, pre-activations
    ``a_i a_f a_g a_o``, gates ``i f g o``, ``c`` and ``h``; gate boxes are coloured on their
    scales (the same as the heatmaps of "Inside the cell").
    """
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
    shapes += [_wire([(x, _H_Y), (x, _BOX_Y)]) for x in _BOXES.values()]
    notes = []
    for name, x in _BOXES.items():
        fill = _fill(name, v[name])
        shapes.append(_box(x, _BOX_Y, _BOX_W / 2, _BOX_H / 2, fill))
        body = (
            f"<b>{name}<sub>t</sub> = {v[name]:.3f}</b><br>{_FUNC[name]}(a<sub>{name}</sub>)"
            f"<br>a<sub>{name}</sub> = {v['a_' + name]:+.2f}"
        )
        notes.append(_text(x, _BOX_Y, body, 13, _ink(fill)))
        below = _BOX_Y - _BOX_H / 2 - 0.22
        label = translate(f"cell.gate.{name}", lang)
        notes.append(_text(x, below, label, 12, "#333", bgcolor="white"))
    nodes = ((_BOXES["f"], _C_Y, "×"), (_PLUS_X, _C_Y, "+"), (_PLUS_X, _IG_Y, "×"))
    for x, y, sym in (*nodes, (_TANH_X, _OUT_Y, "×")):
        shapes.append(_node(x, y))
        notes.append(_text(x, y, f"<b>{sym}</b>", 17))
    tanh_y = (_C_Y + _OUT_Y) / 2 + 0.1
    tanh_c = float(np.tanh(v["c"]))
    shapes.append(_box(_TANH_X, tanh_y, 0.5, 0.3, _fill("h", tanh_c)))
    xs = ", ".join(f"{a:+.2f}" for a in v["x"])
    notes += [
        _text(_TANH_X, tanh_y, "tanh", 12, _ink(_fill("h", tanh_c))),
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
    notes += [_arrow(*a) for a in _ARROWS]
    layout = dict(
        shapes=shapes,
        annotations=notes,
        height=440,
        margin=dict(l=10, r=10, t=40, b=10),
        xaxis=dict(range=[0.4, 11.6], visible=False, fixedrange=True),
        yaxis=dict(range=[-0.6, 6.9], visible=False, fixedrange=True, scaleanchor="x"),
        plot_bgcolor="white",
        paper_bgcolor="white",
        showlegend=False,
        title=dict(text=title, x=0, font=dict(size=15)),
        template=TEMPLATE,
    )
    return make_figure([], layout)


# Rows of the sequence figure: (bottom, top) of each y domain, top row first.
_SEQ_ROWS = ((0.76, 1.0), (0.39, 0.67), (0.0, 0.30))


def sequence_lines(out: dict[str, np.ndarray], xs: np.ndarray, unit: int, lang: str = "en"):
    """A typed sequence stepped through the sandbox cell, for one unit: the input, the four
    gates, then c and h, one row each on a shared step axis. ``out``: name -> (T, H).

    Built from plain dicts (``make_figure``): the sandbox redraws it on every slider move."""
    T = len(xs)
    steps = list(range(T))
    rows = [(1, f"x[{k}]", xs[:, k], SERIES[6 - k]) for k in range(xs.shape[1])]
    rows += [(2, q, out[q][:, unit], GATE_COLOURS[q]) for q in ("i", "f", "g", "o")]
    rows += [(3, q, out[q][:, unit], GATE_COLOURS[q]) for q in ("c", "h")]
    traces = [
        dict(
            type="scatter",
            x=steps,
            y=np.asarray(y).tolist(),
            name=name,
            xaxis=f"x{r}",
            yaxis=f"y{r}",
            mode="lines+markers",
            legendgroup=str(r),
            line=dict(color=colour, width=3),
            marker=dict(size=8),
            hovertemplate=f"{name}  t=%{{x}}: %{{y:.3f}}<extra></extra>",
        )
        for r, name, y, colour in rows
    ]
    titles = [translate(k, lang) for k in ("cell.input", "cell.seq.gates", "cell.seq.state")]
    layout = dict(
        template=TEMPLATE,
        height=560,
        margin=dict(l=50, r=20, t=40, b=50),
        font=dict(size=13),
        legend=dict(tracegroupgap=120),
        showlegend=True,
        annotations=[
            dict(
                text=title,
                x=0.5,
                y=top,
                xref="paper",
                yref="paper",
                xanchor="center",
                yanchor="bottom",
                showarrow=False,
                font=dict(size=15, color="#222222"),
            )
            for title, (_, top) in zip(titles, _SEQ_ROWS, strict=True)
        ],
    )
    for r, (bottom, top) in enumerate(_SEQ_ROWS, start=1):
        layout[f"yaxis{r}"] = dict(domain=[bottom, top], anchor=f"x{r}")
        layout[f"xaxis{r}"] = dict(
            anchor=f"y{r}",
            matches=None if r == 3 else "x3",
            showticklabels=r == 3,
            dtick=1 if T <= 30 else None,
        )
    layout["yaxis2"]["range"] = [-1.08, 1.08]
    layout["xaxis3"]["title"] = dict(text=translate("cell.axis.time", lang))
    return make_figure(traces, layout)


_ACT = {"i": r"\sigma", "f": r"\sigma", "g": r"\tanh", "o": r"\sigma"}


def equations_markdown(terms: dict[str, tuple[float, float, float]], v: dict) -> str:
    """The step's equations with one unit's numbers substituted, as Markdown with LaTeX, one
    short line each. ``terms``: gate -> (W_i·x, W_h·h, b) (``inspect.gate_terms``); ``v``:
    that unit's scalars as for ``cell_diagram``."""
    lines = []
    for q in ("i", "f", "g", "o"):
        wx, wh, b = terms[q]
        lines.append(
            rf"${q}_t = {_ACT[q]}\big(({wx:+.2f}) + ({wh:+.2f}) + ({b:+.2f})\big)"
            rf" = {_ACT[q]}({v['a_' + q]:+.3f}) = {v[q]:+.3f}$"
        )
    lines.append(
        rf"$c_t = f_t\,c_{{t-1}} + i_t\,g_t = {v['f']:.3f} \cdot ({v['c_prev']:+.3f}) + "
        rf"{v['i']:.3f} \cdot ({v['g']:+.3f}) = {v['c']:+.3f}$"
    )
    lines.append(
        rf"$h_t = o_t \tanh(c_t) = {v['o']:.3f} \cdot \tanh({v['c']:+.3f}) = {v['h']:+.3f}$"
    )
    return "  \n".join(lines)
