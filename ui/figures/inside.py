"""Pure figure builders for the inside of a recurrent cell: data in, Plotly figure out.

Arrays follow the trace convention of ``lstm_core.inside.one_sequence``: name -> ``(T, H)``.
Every quantity keeps one colour scale wherever it appears: gates on a sequential 0..1 scale,
candidate/c/h on a diverging scale symmetric around 0 (``lstm_core.inside.value_range``).
No streamlit here; text comes from ``ui.i18n.translate`` in the language passed in.
"""

from __future__ import annotations

import html
from functools import cache

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from lstm_core.config import SIGMOID_GATES
from lstm_core.inside import per_unit, per_unit_range, value_range
from ui.figures.common import PROJECTOR_LINE, SERIES, TEMPLATE, styled_figure
from ui.figures.scales import (
    GATE_SCALE,
    SIGNED_SCALE,
    colours_on,
    plotly_scale,
    scale_of,
    text_colour,
)
from ui.i18n import translate

UNIT_COLOURS = SERIES  # Okabe-Ito, one colour per chosen unit
CURSOR = "#222222"
MAX_TEXT_STEPS = 80  # longer token inputs are drawn as markers, not characters
ROW_GAP_PX = 19  # trace_heatmaps: the gap above each row, where its title sits
SAT_KEYS = ("inside.sat.low", "inside.sat.high")  # rows 0 and 1 of a (2, H) saturation array


def quantity_label(name: str, lang: str) -> str:
    return translate(f"inside.q.{name}", lang)


def ranges_for(seq: dict[str, np.ndarray]) -> dict[str, tuple[float, float]]:
    """The fixed colour range of every quantity in ``seq`` (name -> (T, H))."""
    return {q: value_range(q, v) for q, v in seq.items()}


# ------------------------------------------------------------------ subplots from plain dicts
# These figures are rebuilt on every slider move; Plotly's make_subplots/add_trace validate
# every property and cost 40-70 ms a figure, plain dicts (``styled_figure``) a few.
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


def _unit_ticks(axis: dict, H: int, row_px: float = 200) -> None:
    """One tick per unit while they fit (about 12 px each), else the first and last unit."""
    if H <= 16 and row_px >= 12 * H:
        axis.update(dtick=1, tick0=0)
    elif H > 1:
        axis.update(tickmode="array", tickvals=[0, H - 1])


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


def cursor_overlay(t: int) -> dict:
    """The cursor line at step ``t`` for the browser to draw over a chart (``live_chart``'s
    ``overlay``), in place of the ``_cursor`` shape that ``without_cursor`` takes out."""
    return dict(cursor=int(t), colour=dict(cursor=CURSOR))


def without_cursor(fig: go.Figure) -> go.Figure:
    """``fig`` without its cursor line: a cursor move then changes only the overlay."""
    fig.layout.shapes = [s for s in fig.layout.shapes if s.name != "cursor"]
    return fig


def _padded(lo: float, hi: float, floor_at_zero: bool = False) -> list[float]:
    pad = 0.05 * (hi - lo)
    return [lo if (floor_at_zero and lo >= 0) else lo - pad, hi + pad]


def _input_traces(
    x_input: np.ndarray, tokens: list[str] | None, layout: dict, axes=("x", "y")
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
                    xref=axes[0],
                    yref=axes[1],
                    text=html.escape(w),
                    textangle=-50,
                    showarrow=False,
                    yshift=4,
                    yanchor="bottom",
                    font=dict(size=11),
                )
                for k, w in enumerate(tokens)
            ]
        layout["yaxis" + axes[1][1:]].update(visible=False, range=[-0.2, 1] if words else [-1, 1])
        return _on_axes([trace], axes), notes
    x = np.asarray(x_input, dtype=np.float64).reshape(T, -1)  # (T, I)
    if x.shape[1] > 4:
        return _on_axes(
            [
                dict(
                    type="heatmap",
                    z=x.T,
                    x=steps,
                    colorscale=plotly_scale("Greys"),
                    showscale=False,
                    name="x",
                )
            ],
            axes,
        ), []
    return _on_axes(
        [
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
        ],
        axes,
    ), []


def _on_axes(traces: list[dict], axes) -> list[dict]:
    return [tr | dict(xaxis=axes[0], yaxis=axes[1]) for tr in traces]


def _clipped(q: str, t: np.ndarray, u: np.ndarray, v: np.ndarray, refs, symbol: str) -> dict:
    """Markers on the heatmap cells whose value lies beyond the colour range."""
    return dict(
        type="scatter",
        x=t,
        y=u,
        mode="markers",
        marker=dict(symbol=symbol, size=7, color="#000000", line=dict(color="#ffffff", width=1)),
        customdata=v,
        name=f"{q} ▲▼",
        showlegend=False,
        xaxis=refs[0],
        yaxis=refs[1],
        hovertemplate=f"{q}  t=%{{x}}  unit=%{{y}}: %{{customdata:.3f}}<extra></extra>",
    )


def _heatmap(q: str, z: np.ndarray, lo: float, hi: float, refs, dom, raw=None) -> dict:
    """One quantity as a (unit x time) heatmap; ``raw`` (H, T): the true values for the
    hover text when ``z`` is normalised."""
    hover = "%{customdata:.3f}" if raw is not None else "%{z:.3f}"
    return dict(
        type="heatmap",
        z=z.astype(np.float32),  # half the payload of float64, far below what a screen shows
        x=np.arange(z.shape[1]),
        y=np.arange(z.shape[0]),
        zmin=lo,
        zmax=hi,
        customdata=None if raw is None else raw.astype(np.float32),
        colorscale=plotly_scale(scale_of(q)),
        name=q,
        xaxis=refs[0],
        yaxis=refs[1],
        colorbar=dict(
            y=(dom[0] + dom[1]) / 2,
            len=(dom[1] - dom[0]) * 1.05,
            thickness=12,
            tickfont=dict(size=12),
        ),
        hovertemplate=f"{q}  t=%{{x}}  unit=%{{y}}: {hover}<extra></extra>",
    )


def _bars_at(q: str, v: np.ndarray, lo: float, hi: float, unit, refs) -> dict:
    """The values of every unit at the cursor, as horizontal bars beside the heatmap row."""
    width = np.full(len(v), 0.5)
    if unit is not None:
        width[unit] = 2.5
    return dict(
        type="bar",
        orientation="h",
        x=v,
        y=np.arange(len(v)),
        marker=dict(
            color=v,
            colorscale=plotly_scale(scale_of(q)),
            cmin=lo,
            cmax=hi,
            line=dict(color="#222222", width=width),
        ),
        name=f"{q}(t)",
        showlegend=False,
        xaxis=refs[0],
        yaxis=refs[1],
        hovertemplate=f"{q}  unit=%{{y}}: %{{x:.3f}}<extra></extra>",
    )


def _outline(unit: int, T: int, refs) -> dict:
    """A box around the chosen unit's row of a heatmap."""
    return dict(
        type="rect",
        xref=refs[0],
        yref=refs[1],
        x0=-0.5,
        x1=T - 0.5,
        y0=unit - 0.5,
        y1=unit + 0.5,
        line=dict(color="#000000", width=1.5),
        name="unit",
    )


def _row_title(text: str, x: float, y: float) -> dict:
    return dict(
        text=text,
        x=x,
        y=y,
        xref="paper",
        yref="paper",
        xanchor="left",
        yanchor="bottom",
        showarrow=False,
        font=dict(size=13, color="#222222"),
    )


def trace_heatmaps(
    seq: dict[str, np.ndarray],
    x_input: np.ndarray,
    t_cursor: int,
    lang: str = "en",
    tokens: list[str] | None = None,
    ranges: dict[str, tuple[float, float]] | None = None,
    *,
    projector: bool = False,
    unit: int | None = None,
    normalise: bool = False,
    beside: bool = False,
    height: int | None = None,
) -> go.Figure:
    """Input on top, then one (unit x time) heatmap per quantity, all on one time axis, with
    a dotted cursor at ``t_cursor``. ``seq``: name -> (T, H); heatmap z is (H, T).

    ``ranges`` fix the colour ranges (default ``value_range``); values beyond are clipped and
    marked with black triangles (up: above, down: below). ``normalise``: every unit on its own
    range (``inside.per_unit``). ``unit``: that row outlined. ``beside``: right of each row,
    every unit's value at the cursor as a bar, the chosen unit's value written above."""
    names = list(seq)
    ranges = {**ranges_for(seq), **(ranges or {})}
    rows = 1 + len(names)
    height = height or 150 + 130 * len(names)
    margin = dict(l=55, r=10, t=24, b=40)
    plot_px = height - margin["t"] - margin["b"]
    gap = ROW_GAP_PX / plot_px  # room for the next row's title
    ys = _spans(rows, gap, [1.0] * len(names) + [0.6])[::-1]  # top row first
    right = 0.74 if beside else 0.93
    row_px = (plot_px * (1 - gap * (rows - 1))) / (len(names) + 0.6)
    layout = dict(template=TEMPLATE, font=dict(size=13), annotations=[], shapes=[])
    layout["annotations"].append(_row_title(translate("inside.input", lang), 0, ys[0][1]))
    bottom = _axis(len(names))
    layout["xaxis"] = dict(
        domain=[0, right], anchor="y", showticklabels=False, matches=f"x{bottom}"
    )
    layout["yaxis"] = dict(domain=list(ys[0]), anchor="x")
    traces, notes = _input_traces(x_input, tokens, layout)
    layout["annotations"] += notes
    layout["yaxis"].setdefault("nticks", 3 if row_px >= 60 else 2)
    for k, q in enumerate(names, start=1):
        a, dom = _axis(k), ys[k]
        v = np.asarray(seq[q], dtype=np.float64)  # (T, H)
        lo, hi = per_unit_range(q) if normalise else ranges[q]
        z = per_unit(q, v) if normalise else v
        refs = (f"x{a}", f"y{a}")
        layout[f"xaxis{a}"] = dict(domain=[0, right], anchor=f"y{a}", showticklabels=a == bottom)
        if a != bottom:
            layout[f"xaxis{a}"]["matches"] = f"x{bottom}"
        layout[f"yaxis{a}"] = dict(domain=list(dom), anchor=f"x{a}")
        _unit_ticks(layout[f"yaxis{a}"], v.shape[1], row_px)
        trace = _heatmap(q, z.T, lo, hi, refs, dom, v.T if normalise else None)
        trace["colorbar"]["x"] = right + 0.005
        if row_px < 80:  # a short row: its colour bar names only the ends of its range
            trace["colorbar"].update(
                tickmode="array", tickvals=[lo, hi], ticktext=[f"{lo:.2g}", f"{hi:.2g}"]
            )
        traces.append(trace)
        title = quantity_label(q, lang)
        if not normalise:
            over, under = np.nonzero(v > hi), np.nonzero(v < lo)
            n_out = len(over[0]) + len(under[0])
            if n_out:
                title += "  " + translate("inside.clipped", lang, n=n_out, lo=lo, hi=hi)
            for (t_idx, u_idx), symbol in ((over, "triangle-up"), (under, "triangle-down")):
                if len(t_idx):
                    traces.append(_clipped(q, t_idx, u_idx, v[t_idx, u_idx], refs, symbol))
        layout["annotations"].append(_row_title(title, 0, dom[1]))
        if unit is not None:
            layout["shapes"].append(_outline(unit, v.shape[0], refs))
        if beside:
            _beside(
                layout,
                traces,
                q,
                v[t_cursor],
                (lo, hi) if not normalise else ranges[q],
                unit,
                k,
                len(names),
                dom,
                right,
            )
    layout[f"xaxis{bottom}"]["title"] = dict(text=translate("inside.axis.time", lang), standoff=2)
    mid = _axis(1 + len(names) // 2)
    layout[f"yaxis{mid}"]["title"] = dict(text=translate("inside.axis.unit", lang))
    layout["shapes"].append(_cursor(t_cursor))
    layout.update(
        height=height,
        margin=margin,
        legend=dict(orientation="h", y=1.0, x=right, xanchor="right", yanchor="bottom"),
    )
    if projector:  # the colour bars' labels grow with the rest of the type
        for tr in traces:
            if tr.get("type") == "heatmap" and "colorbar" in tr:
                tr["colorbar"].update(thickness=18, tickfont=dict(size=15))
    return styled_figure(traces, layout, projector)


def _beside(layout, traces, q, v_t, lo_hi, unit, k, n, dom, right) -> None:
    """The bars of every unit's value at the cursor, right of heatmap row ``k``."""
    lo, hi = lo_hi
    a = _axis(n + k)
    refs = (f"x{a}", f"y{a}")
    layout[f"xaxis{a}"] = dict(
        domain=[right + 0.1, 1.0],
        anchor=f"y{a}",
        range=_padded(min(lo, v_t.min()), max(hi, v_t.max())),
        showticklabels=k == n,
        nticks=3,
    )
    layout[f"yaxis{a}"] = dict(
        domain=list(dom), anchor=f"x{a}", matches=f"y{_axis(k)}", showticklabels=False
    )
    traces.append(_bars_at(q, v_t, lo, hi, unit, refs))
    if unit is not None:
        label = f"{q}[{unit}] = {float(v_t[unit]):+.3f}"
        note = _row_title(label, 1.0, dom[1])
        layout["annotations"].append({**note, "xanchor": "right"})


BARS_ROW_PX, BARS_GAP_PX = 190, 64  # step_bars: a panel's height, the gap between rows
BARS_MARGIN = dict(l=45, r=20, t=80, b=45)


def step_bars_height(n: int, cols: int = 3) -> int:
    """The pixel height of ``step_bars`` for ``n`` quantities in ``cols`` columns."""
    rows = (n + min(n, cols) - 1) // min(n, cols)
    return BARS_MARGIN["t"] + BARS_MARGIN["b"] + rows * BARS_ROW_PX + (rows - 1) * BARS_GAP_PX


def step_bars(
    seq: dict[str, np.ndarray],
    t: int,
    lang: str = "en",
    ranges: dict[str, tuple[float, float]] | None = None,
    cols: int = 3,
    projector: bool = False,
) -> go.Figure:
    """Every quantity's value per unit at step ``t``: one bar chart per quantity (``cols``
    per row), bars coloured on that quantity's scale, y fixed to its range."""
    names = list(seq)
    ranges = {**ranges_for(seq), **(ranges or {})}
    cols = min(len(names), cols)
    nrows = (len(names) + cols - 1) // cols
    titles = [quantity_label(q, lang) for q in names]
    height = step_bars_height(len(names), cols)
    plot_px = height - BARS_MARGIN["t"] - BARS_MARGIN["b"]
    # Fixed gaps in pixels: a row's tick labels and the next row's titles need the room,
    # and the y tick labels of one panel must clear the bars of the panel to its left.
    layout, refs = _subplots(nrows, cols, titles, BARS_GAP_PX / plot_px, 0.14)
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
                    colorscale=plotly_scale(scale_of(q)),
                    cmin=lo,
                    cmax=hi,
                    line=dict(color="#444", width=0.5),
                ),
                hovertemplate=f"{q}  unit=%{{x}}: %{{y:.3f}}<extra></extra>",
            )
        )
        span = _padded(min(lo, v.min()), max(hi, v.max()), floor_at_zero=True)
        layout[f"yaxis{_axis(k)}"].update(range=span, nticks=5)
        if k >= len(names) - cols:  # the bottom panel of each column names its axis
            layout[f"xaxis{_axis(k)}"]["title"] = dict(text=translate("inside.axis.unit", lang))
        _unit_ticks(layout[f"xaxis{_axis(k)}"], len(v))
    layout.update(
        height=height,
        margin=BARS_MARGIN,
        bargap=0.15,
        title=dict(text=translate("inside.bars.title", lang, t=t), x=0, font=dict(size=15)),
    )
    return styled_figure(traces, layout, projector)


def unit_lines(
    seq: dict[str, np.ndarray],
    units: list[int],
    t_cursor: int,
    lang: str = "en",
    ranges: dict[str, tuple[float, float]] | None = None,
    projector: bool = False,
    overlay: bool = False,
) -> go.Figure:
    """For the chosen units, every quantity over time (one row per quantity, shared x).
    ``overlay``: only the axes (no lines, no legend, no cursor): the lines and the legend are
    ``unit_lines_overlay``, drawn by the browser over the chart, so a unit pick never
    redraws it."""
    names = list(seq)
    ranges = {**ranges_for(seq), **(ranges or {})}
    titles = [quantity_label(q, lang) for q in names]
    layout, refs = _subplots(
        len(names), 1, titles, 0.03 * 6 / max(len(names), 1), 0.0, share_x=True
    )
    traces = []
    T = len(seq[names[0]])
    for r, q in enumerate(names):
        v = np.asarray(seq[q])  # (T, H)
        for k, u in enumerate([] if overlay else units):
            traces.append(
                dict(
                    type="scatter",
                    x=np.arange(len(v)),
                    y=v[:, u],
                    mode="lines",
                    line=dict(color=UNIT_COLOURS[k % len(UNIT_COLOURS)], width=2),
                    name=translate("inside.unit_n", lang, n=u),
                    legendgroup=str(u),
                    showlegend=r == 0,
                    xaxis=refs[r][0],
                    yaxis=refs[r][1],
                )
            )
        layout[f"yaxis{_axis(r)}"]["range"] = _padded(*ranges[q])
        if overlay:  # Plotly draws a subplot only with a trace on it: an invisible one
            traces.append(
                dict(
                    type="scatter",
                    mode="none",
                    x=[0, T - 1],
                    y=list(ranges[q]),
                    hoverinfo="skip",
                    showlegend=False,
                    xaxis=refs[r][0],
                    yaxis=refs[r][1],
                )
            )
    bottom = layout[f"xaxis{_axis(len(names) - 1)}"]
    bottom["title"] = dict(text=translate("inside.axis.time", lang))
    if overlay:  # no data to autorange on: the axes span the sequence
        bottom["range"] = [0, max(T - 1, 1)]
    layout.update(
        shapes=[] if overlay else [_cursor(t_cursor)],
        height=110 + 120 * len(names),
        margin=dict(l=50, r=20, t=50, b=50),
        legend=dict(orientation="h", y=1.02, x=1, xanchor="right", yanchor="bottom"),
    )
    return styled_figure(traces, layout, projector)


def unit_lines_overlay(
    seq: dict[str, np.ndarray],
    units: list[int],
    t_cursor: int,
    lang: str = "en",
    projector: bool = False,
) -> dict:
    """What of ``unit_lines(..., overlay=True)`` changes with the units and the cursor, for
    the browser to draw over the chart: each chosen unit's line in each quantity's subplot
    (its y values, x = 0..T-1, on that subplot's axes; thicker with ``projector``, like
    the figure's lines), the legend (a unit per colour) and the cursor line."""
    width = 2 * (PROJECTOR_LINE if projector else 1)
    lines, legend = [], []
    for k, u in enumerate(units):
        colour, name = UNIT_COLOURS[k % len(UNIT_COLOURS)], translate("inside.unit_n", lang, n=u)
        legend.append(dict(text=name, colour=colour))
        for r, q in enumerate(seq):
            y = np.round(np.asarray(seq[q], dtype=float)[:, u], 4)
            line = dict(axis=_axis(r), y=y.tolist(), colour=colour, width=width)
            lines.append(line | dict(name=f"{name}: {q}[{u}]"))
    return dict(cursor_overlay(t_cursor), lines=lines, legend=legend)


def unit_lines_table(
    seq: dict[str, np.ndarray], units: list[int], lang: str = "en"
) -> pd.DataFrame:
    """The chosen units' values as one wide table: a row per time step, a column per
    quantity and unit (``h[3]``), the accessible alternative to ``unit_lines``."""
    columns = {f"{q}[{u}]": np.asarray(seq[q])[:, u] for u in units for q in seq}
    return pd.DataFrame(columns).rename_axis(translate("inside.axis.time", lang))


def saturation_figure(
    stats: dict[str, np.ndarray], lang: str = "en", projector: bool = False
) -> go.Figure:
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
        layout[f"xaxis{_axis(c)}"]["title"] = dict(text=translate("inside.axis.unit", lang))
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
    return styled_figure(traces, layout, projector)


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
            f'<span title="{float(val):.3f}" style="background:{col};color:{text_colour(col)};'
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


# ------------------------------------------------------------------ the live cell, one axis
# Redrawn on every training tick: one heatmap on one pair of axes (the quantities stacked,
# a blank band between them) draws several times faster in the browser than a subplot per
# quantity. Gates and signed values share one trace through a combined colour scale: the
# gates' scale on 0..0.5, the signed scale on 0.5..1.
_SPLIT = 0.5


@cache
def _combined_scale() -> list:
    """The gate scale squeezed into [0, 0.5) and the signed scale into (0.5, 1]."""
    gates = [[p * (_SPLIT - 1e-3), c] for p, c in plotly_scale(GATE_SCALE)]
    signed = [[_SPLIT + 1e-3 + p * (1 - _SPLIT - 1e-3), c] for p, c in plotly_scale(SIGNED_SCALE)]
    return gates + signed


# The live cell while training: each cell's position on the combined scale as one byte (1-255;
# 0: the blank rows between bands), a ninth of the float32 values with their hover copies.
GAP_CODE, CODES = 0, 254


def _coded(z: np.ndarray) -> np.ndarray:
    """Positions on the combined scale (NaN: blank) as bytes: 0 blank, 1 + 254 * position."""
    codes = 1 + np.rint(np.nan_to_num(z, nan=0.0) * CODES)
    return np.where(np.isnan(z), GAP_CODE, codes).astype(np.uint8)


def _coded_scale() -> list:
    """The combined scale over the byte codes 0-255: code 0 in the background colour (as NaN
    is drawn), code 1 + 254 p in the combined scale's colour at position p."""
    steps = [[(1 + p * CODES) / (CODES + 1), c] for p, c in _combined_scale()]
    return [[0.0, "#ffffff"], [0.9 / (CODES + 1), "#ffffff"], *steps]  # white, as the plot


def _on_combined(q: str, v: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """``v`` as positions on the combined scale (clipped to its quantity's range)."""
    x = np.clip((v - lo) / (hi - lo), 0.0, 1.0)
    return x * _SPLIT if q in SIGMOID_GATES else _SPLIT + x * (1 - _SPLIT)


def _range_text(q: str, lo: float, hi: float) -> str:
    return f"{lo:g}..{hi:g}" if q in SIGMOID_GATES else f"±{hi:.2g}"


def _bands(seq, t_cursor: int, unit: int, normalise: bool, lang: str) -> dict:
    """Every quantity of ``seq`` as a band of unit rows: the heatmap's rows (positions on the
    combined scale, and the raw values), the bars at the cursor, the clipped cells, the titles
    and the chosen unit's outline."""
    names = list(seq)
    T, H = np.shape(seq[names[0]])
    band = H + max(2, round(0.45 * H))  # blank rows between bands: room for the next title
    out = dict(z=np.full((len(names) * band - band + H, T), np.nan, dtype=np.float32))
    out.update(raw=np.full_like(out["z"], np.nan), titles=[], values=[], box_x=[], box_y=[])
    out["top"] = len(out["z"]) - 0.5 + (band - H)  # room above the top band for its title
    out.update({k: [] for k in ("bar_x", "bar_c", "bar_y", "bar_raw", "t", "y", "v")})
    for k, q in enumerate(names):
        v = np.asarray(seq[q], dtype=np.float64)  # (T, H)
        lo, hi = per_unit_range(q) if normalise else value_range(q, v)
        shown = per_unit(q, v) if normalise else v
        base = (len(names) - 1 - k) * band  # the top band first
        out["z"][base : base + H] = _on_combined(q, shown, lo, hi).T
        out["raw"][base : base + H] = v.T
        t_out, u_out = np.nonzero((v > hi) | (v < lo)) if not normalise else ([], [])
        out["t"] += list(t_out)
        out["y"] += list(base + np.asarray(u_out, dtype=int))
        out["v"] += list(v[t_out, u_out]) if len(t_out) else []
        at_t = shown[t_cursor]  # (H,)
        out["bar_x"] += list(at_t if q in SIGMOID_GATES else at_t / max(abs(lo), abs(hi)))
        out["bar_c"] += list(_on_combined(q, at_t, lo, hi))
        out["bar_y"] += list(base + np.arange(H))
        out["bar_raw"] += list(v[t_cursor])
        title = f"{quantity_label(q, lang)}  ({_range_text(q, lo, hi)})"
        if len(t_out):
            title += "  " + translate("inside.clipped", lang, n=len(t_out), lo=lo, hi=hi)
        out["titles"].append((base + H - 0.5, title))
        out["values"].append((base + H - 0.5, f"{q}[{unit}] = {v[t_cursor, unit]:+.3f}"))
        y0, y1 = base + unit - 0.5, base + unit + 0.5  # the chosen unit's row, outlined
        out["box_x"] += [-0.5, T - 0.5, T - 0.5, -0.5, -0.5, None]
        out["box_y"] += [y0, y0, y1, y1, y0, None]
    return out


def live_cell(
    seq: dict[str, np.ndarray],
    x_input: np.ndarray,
    t_cursor: int,
    lang: str = "en",
    tokens: list[str] | None = None,
    *,
    unit: int = 0,
    normalise: bool = False,
    projector: bool = False,
    height: int = 470,
    overlay: bool = False,
    compact: bool = False,
) -> go.Figure:
    """The Train page's live cell: the input on top; under it every quantity of ``seq``
    (name -> (T, H)) as a band of H unit rows over time, on its own colour range (written in
    its title; values beyond it clipped and marked with triangles); the unit ``unit``
    outlined; at the right, every unit's value at ``t_cursor`` as a bar (gates 0..1, signed
    values scaled to -1..1), the chosen unit's value written above. ``overlay``: without
    what moves with the cursor and the unit (cursor, values at it, outline), which
    ``live_cell_overlay`` gives the browser to draw over the chart. ``compact`` (while
    training): the cells as byte codes on the same colours (``_coded``), without the hover
    values (the overlay writes the exact values at the cursor)."""
    b = _bands(seq, t_cursor, unit, normalise, lang)
    T = b["z"].shape[1]
    scale = _combined_scale()
    heat = dict(z=b["z"], customdata=b["raw"], zmin=0.0, zmax=1.0, colorscale=scale)
    heat["hovertemplate"] = "t=%{x}: %{customdata:.3f}<extra></extra>"
    if compact:
        heat = dict(z=_coded(b["z"]), zmin=0, zmax=CODES + 1, colorscale=_coded_scale())
        heat["hoverinfo"] = "skip"
    traces = [
        dict(
            type="heatmap",
            x=np.arange(T),
            y=np.arange(len(b["z"])),
            showscale=False,
            name="z",
            **heat,
        ),
        *([] if overlay else _lollipops(b, scale, T)),
    ]
    if b["t"]:
        traces.append(_clipped("", b["t"], b["y"], b["v"], ("x", "y"), "triangle-up"))
    traces += _live_texts(b, T)[:1] if overlay else _live_texts(b, T)
    layout = _live_layout(b["top"], T, t_cursor, lang, height)
    if overlay:
        layout["shapes"] = []
    inputs, notes = _input_traces(x_input, tokens, layout, axes=("x3", "y3"))
    layout["annotations"] = notes
    return styled_figure(inputs + traces, layout, projector)


def live_cell_overlay(
    seq: dict[str, np.ndarray], t_cursor: int, unit: int = 0, normalise: bool = False
) -> dict:
    """What of the live cell moves with the cursor and the unit, in data coordinates of its
    (x, y) axes, for the browser to draw over the chart without redrawing the heatmaps: the
    cursor line at ``t_cursor``, every unit's value at it (a dot on a stem from ``zero``, its
    colour, the exact value), the chosen unit's row (its centre) in each band, and its
    values as text."""
    b = _bands(seq, t_cursor, unit, normalise, "en")
    T = b["z"].shape[1]
    colours = sample_colorscale(_combined_scale(), np.nan_to_num(b["bar_c"]).tolist())
    (vy, values) = zip(*b["values"], strict=True)
    return dict(
        cursor=int(t_cursor),
        zero=round(float(_beside_x(0.0, T)), 4),
        dots=dict(
            x=np.round(_beside_x(b["bar_x"], T), 4).tolist(),
            y=[int(y) for y in b["bar_y"]],
            colour=colours,
            value=[float(v) for v in b["bar_raw"]],
        ),
        rows=dict(x0=-0.5, x1=T - 0.5, y=[float(y) + 0.5 for y in b["box_y"][::6]]),
        text=dict(x=round(float(_beside_x(1.0, T)), 4), y=list(vy), text=list(values)),
        colour=dict(cursor_overlay(t_cursor)["colour"], stem="#999999", outline="#000000"),
    )


def _beside_x(v, T: int):
    """Where value ``v`` in -1..1 lies in the strip right of the heatmap (on its time axis:
    a second x axis would cost the browser more than the whole heatmap)."""
    return T + 1 + BESIDE * T * (np.asarray(v, dtype=float) + 1) / 2


BESIDE = 0.25  # the strip of values at the cursor, as a share of the time axis


def _lollipops(b: dict, scale: list, T: int) -> list[dict]:
    """Every unit's value at the cursor as a stem from 0 and a dot on the value's colour,
    in the strip right of the heatmap: two scatter traces, far faster than coloured bars."""
    b = dict(b, bar_x=list(_beside_x(b["bar_x"], T)))
    zero = float(_beside_x(0.0, T))
    stems_x = [v for x in b["bar_x"] for v in (zero, x, None)]
    stems_y = [v for y in b["bar_y"] for v in (y, y, None)]
    return [
        dict(
            type="scatter",
            mode="lines",
            x=stems_x,
            y=stems_y,
            line=dict(color="#999999", width=1),
            hoverinfo="skip",
            name="t",
        ),
        dict(
            type="scatter",
            mode="markers",
            x=b["bar_x"],
            y=b["bar_y"],
            customdata=b["bar_raw"],
            marker=dict(
                color=b["bar_c"],
                colorscale=scale,
                cmin=0.0,
                cmax=1.0,
                size=5,
                line=dict(color="#444444", width=0.5),
            ),
            name="t",
            hovertemplate="%{customdata:.3f}<extra></extra>",
        ),
    ]


def _live_texts(b: dict, T: int) -> list[dict]:
    """The bands' titles and the chosen unit's values as text traces, and the unit's outline
    as one line: Plotly draws these far faster than annotations and shapes, which matters for
    a chart redrawn every tick."""
    text = dict(type="scatter", mode="text", hoverinfo="skip", textfont=dict(size=13))
    (ty, titles), (vy, values) = zip(*b["titles"], strict=True), zip(*b["values"], strict=True)
    return [
        text | dict(x=[-0.5] * len(ty), y=ty, text=titles, textposition="top right"),
        text | dict(x=[_beside_x(1.0, T)] * len(vy), y=vy, text=values, textposition="top left"),
        dict(
            type="scatter",
            mode="lines",
            x=b["box_x"],
            y=b["box_y"],
            line=dict(color="#000000", width=1),
            hoverinfo="skip",
            name="u",
        ),
    ]


def _live_layout(top: float, T: int, t_cursor: int, lang: str, height: int) -> dict:
    """Axes of the live cell: the bands and, right of them, the values at the cursor (x, y);
    the input (x3, y3) on the same time axis."""
    time_title = dict(text=translate("inside.axis.time", lang), standoff=2)
    unit_title = dict(text=translate("inside.axis.unit", lang), standoff=2)
    return dict(
        template=TEMPLATE,
        font=dict(size=13),
        height=height,
        margin=dict(l=40, r=8, t=8, b=36),
        showlegend=False,
        bargap=0.1,
        shapes=[_cursor(t_cursor)],
        xaxis=dict(
            domain=[0, 1],
            anchor="y",
            title=time_title,
            range=[-0.5, float(_beside_x(1.05, T))],
            tickvals=_time_ticks(T),
            zeroline=False,
            showgrid=False,
        ),
        yaxis=dict(domain=[0, 0.88], anchor="x", showticklabels=False, range=[-0.5, top])
        | dict(title=unit_title),
        xaxis3=dict(domain=[0, 1], anchor="y3", matches="x", showticklabels=False, showgrid=False),
        yaxis3=dict(
            domain=[0.9, 1.0],
            anchor="x3",
            nticks=2,
            title=dict(text=translate("inside.input_short", lang), standoff=2),
        ),
    )


def _time_ticks(T: int) -> list[int]:
    """About five round time steps within 0..T-1 (none in the strip of values)."""
    step = max(1, int(10 ** np.floor(np.log10(max(T, 2) / 5))))
    step *= next(m for m in (1, 2, 5, 10) if T / (step * m) <= 6)
    return list(range(0, T, step))
