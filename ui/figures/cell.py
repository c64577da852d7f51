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
from plotly.subplots import make_subplots

from lstm_core.inspect import GATES, value_range
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


def scale_of(name: str) -> str:
    """The colour scale of a quantity: sequential for gates, diverging otherwise."""
    return GATE_SCALE if name in GATES else SIGNED_SCALE


def quantity_label(name: str, lang: str) -> str:
    return translate(f"cell.q.{name}", lang)


def ranges_for(seq: dict[str, np.ndarray]) -> dict[str, tuple[float, float]]:
    """The fixed colour range of every quantity in ``seq`` (name -> (T, H))."""
    return {q: value_range(q, v) for q, v in seq.items()}


def _look(fig: go.Figure, **layout) -> go.Figure:
    """White background and classroom-sized text, plus the figure's own layout."""
    fig.update_layout(template=TEMPLATE, font=dict(size=13), **layout)
    fig.update_annotations(font=dict(size=15, color="#222222"), selector=dict(xref="paper"))
    return fig


def _unit_ticks(fig: go.Figure, H: int, axis: str = "y") -> None:
    """One tick per unit while they fit."""
    if H <= 16:
        (fig.update_yaxes if axis == "y" else fig.update_xaxes)(dtick=1, tick0=0)


def _cursor(fig: go.Figure, t: int) -> None:
    """One vertical line at step ``t`` through every subplot (they share the x axis)."""
    fig.add_shape(
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


def _input_traces(fig: go.Figure, x_input: np.ndarray, tokens: list[str] | None, lang: str):
    """The input sequence in row 1: characters as text, a few features as lines, many as a
    heatmap. ``x_input`` is ``(T,)`` token ids or ``(T, I)`` values."""
    T = len(x_input)
    steps = np.arange(T)
    if tokens is not None and max(map(len, tokens), default=0) > 1:  # words: slanted labels
        fig.add_trace(
            go.Scatter(
                x=steps,
                y=np.zeros(T),
                mode="markers",
                marker=dict(size=4),
                text=tokens,
                hovertemplate="t=%{x}: %{text}<extra></extra>",
                showlegend=False,
            ),
            row=1,
            col=1,
        )
        for k, word in enumerate(tokens):
            fig.add_annotation(
                x=k,
                y=0,
                text=html.escape(word),
                textangle=-50,
                showarrow=False,
                yshift=4,
                yanchor="bottom",
                font=dict(size=11),
                row=1,
                col=1,
            )
        fig.update_yaxes(visible=False, range=[-0.2, 1], row=1, col=1)
        return
    if tokens is not None:
        # Characters side by side while they fit; beyond that one tick per step, with the
        # character on hover (the coloured text below the chart reads the whole sequence).
        readable = T <= MAX_TEXT_STEPS
        fig.add_trace(
            go.Scatter(
                x=steps,
                y=np.zeros(T),
                mode="text" if readable else "markers",
                text=tokens,
                textfont=dict(size=15, family="monospace"),
                marker=dict(size=9, symbol="line-ns-open", color="#555555"),
                showlegend=False,
                hovertemplate="t=%{x}: %{text}<extra></extra>",
            ),
            row=1,
            col=1,
        )
        fig.update_yaxes(visible=False, range=[-1, 1], row=1, col=1)
        return
    x = np.asarray(x_input, dtype=np.float64).reshape(T, -1)  # (T, I)
    if x.shape[1] <= 4:
        for k in range(x.shape[1]):
            fig.add_trace(
                go.Scatter(
                    x=steps,
                    y=x[:, k],
                    mode="lines+markers",
                    marker=dict(size=4),
                    line=dict(color=UNIT_COLOURS[k]),
                    name=f"x[{k}]",
                    legendgroup="input",
                    showlegend=x.shape[1] > 1,
                ),
                row=1,
                col=1,
            )
    else:
        fig.add_trace(
            go.Heatmap(z=x.T, x=steps, colorscale="Greys", showscale=False, name="x"),
            row=1,
            col=1,
        )


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
    fig = make_subplots(
        rows=rows,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=min(0.08, 0.25 / rows),
        subplot_titles=titles,
        row_heights=[0.7] + [1.0] * len(names),
    )
    _input_traces(fig, x_input, tokens, lang)
    for r, q in enumerate(names, start=2):
        z = np.asarray(seq[q]).T  # (H, T)
        lo, hi = ranges[q]
        dom = fig.layout[f"yaxis{r}"].domain
        fig.add_trace(
            go.Heatmap(
                z=z,
                x=np.arange(z.shape[1]),
                y=np.arange(z.shape[0]),
                zmin=lo,
                zmax=hi,
                colorscale=scale_of(q),
                name=q,
                colorbar=dict(
                    y=(dom[0] + dom[1]) / 2,
                    len=(dom[1] - dom[0]) * 1.05,
                    thickness=12,
                    x=1.01,
                    tickfont=dict(size=10),
                ),
                hovertemplate=f"{q}  t=%{{x}}  unit=%{{y}}: %{{z:.3f}}<extra></extra>",
            ),
            row=r,
            col=1,
        )
        fig.update_yaxes(title_text=translate("cell.axis.unit", lang), row=r, col=1)
    fig.update_xaxes(title_text=translate("cell.axis.time", lang), row=rows, col=1)
    _cursor(fig, t_cursor)
    _unit_ticks(fig, max(np.shape(v)[1] for v in seq.values()))
    fig.update_yaxes(row=1, col=1, dtick=None)
    return _look(
        fig,
        height=150 + 130 * len(names),
        margin=dict(l=60, r=20, t=40, b=50),
        legend=dict(orientation="h", y=1.04, x=1, xanchor="right"),
    )


def _grid(n: int, cols: int) -> tuple[int, int]:
    cols = min(n, cols)
    return (n + cols - 1) // cols, cols


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
    nrows, ncols = _grid(len(names), cols)
    fig = make_subplots(
        rows=nrows,
        cols=ncols,
        subplot_titles=[quantity_label(q, lang) for q in names],
        vertical_spacing=0.16,
        horizontal_spacing=0.06,
    )
    for k, q in enumerate(names):
        v = np.asarray(seq[q])[t]  # (H,)
        lo, hi = ranges[q]
        r, c = divmod(k, ncols)
        fig.add_trace(
            go.Bar(
                x=np.arange(len(v)),
                y=v,
                name=q,
                showlegend=False,
                marker=dict(
                    color=v,
                    colorscale=scale_of(q),
                    cmin=lo,
                    cmax=hi,
                    line=dict(color="#444", width=0.5),
                ),
                hovertemplate=f"{q}  unit=%{{x}}: %{{y:.3f}}<extra></extra>",
            ),
            row=r + 1,
            col=c + 1,
        )
        pad = 0.05 * (hi - lo)
        fig.update_yaxes(range=[lo - (pad if lo < 0 else 0), hi + pad], row=r + 1, col=c + 1)
        fig.update_xaxes(title_text=translate("cell.axis.unit", lang), row=r + 1, col=c + 1)
    _unit_ticks(fig, max(np.shape(v)[1] for v in seq.values()), axis="x")
    return _look(
        fig,
        height=230 * nrows + 60,
        margin=dict(l=40, r=20, t=80, b=40),
        bargap=0.15,
        title=dict(text=translate("cell.bars.title", lang, t=t), x=0, font=dict(size=15)),
    )


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
    fig = make_subplots(
        rows=len(names),
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.03,
        subplot_titles=[quantity_label(q, lang) for q in names],
    )
    for r, q in enumerate(names, start=1):
        v = np.asarray(seq[q])  # (T, H)
        for k, u in enumerate(units):
            fig.add_trace(
                go.Scatter(
                    x=np.arange(len(v)),
                    y=v[:, u],
                    mode="lines",
                    line=dict(color=UNIT_COLOURS[k % len(UNIT_COLOURS)], width=2),
                    name=translate("cell.unit_n", lang, n=u),
                    legendgroup=str(u),
                    showlegend=r == 1,
                ),
                row=r,
                col=1,
            )
        lo, hi = ranges[q]
        pad = 0.05 * (hi - lo)
        fig.update_yaxes(range=[lo - pad, hi + pad], row=r, col=1)
    fig.update_xaxes(title_text=translate("cell.axis.time", lang), row=len(names), col=1)
    _cursor(fig, t_cursor)
    return _look(
        fig,
        height=110 + 120 * len(names),
        margin=dict(l=50, r=20, t=50, b=50),
        legend=dict(orientation="h", y=1.02, x=1, xanchor="right", yanchor="bottom"),
    )


def saturation_figure(stats: dict[str, np.ndarray], lang: str = "en") -> go.Figure:
    """Per gate: the fraction of steps each unit spends closed (< 0.1) and open (> 0.9).

    ``stats``: gate -> ``(2, H)`` (row 0 closed, row 1 open), as ``lstm_core.records.saturation``.
    """
    names = list(stats)
    fig = make_subplots(
        rows=1,
        cols=max(len(names), 1),
        shared_yaxes=True,
        horizontal_spacing=0.03,
        subplot_titles=[quantity_label(q, lang) for q in names],
    )
    low_name, high_name = (translate(k, lang) for k in SAT_KEYS)
    for c, q in enumerate(names, start=1):
        units = np.arange(stats[q].shape[1])
        for part, label, colour in ((0, low_name, "#0072B2"), (1, high_name, "#E69F00")):
            fig.add_trace(
                go.Bar(
                    x=units,
                    y=stats[q][part],
                    name=label,
                    marker_color=colour,
                    legendgroup=str(part),
                    showlegend=c == 1,
                    hovertemplate=f"{q}  unit=%{{x}}: %{{y:.0%}}<extra>{label}</extra>",
                ),
                row=1,
                col=c,
            )
        fig.update_xaxes(title_text=translate("cell.axis.unit", lang), row=1, col=c)
    fig.update_yaxes(range=[0, 1], tickformat=".0%", row=1, col=1)
    if stats:
        _unit_ticks(fig, next(iter(stats.values())).shape[1], axis="x")
    return _look(
        fig,
        barmode="stack",
        height=320,
        margin=dict(l=50, r=20, t=80, b=40),
        legend=dict(orientation="h", y=1.3, x=0, xanchor="left", yanchor="bottom"),
    )


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
    lo, hi = (0.0, 1.0) if name in GATES else (-1.0, 1.0)
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
                font=dict(size=14),
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
