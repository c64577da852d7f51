"""Figures for overfitting and for real reviews: pure functions, arrays in, ``go.Figure`` out.

gap_figure      training loss r_k and validation loss v_k at every evaluation, the gap
                between them shaded, epoch boundaries as thin vertical lines, the best
                validation step and "overfitting since step N" marked
review_figure   a review's characters in reading order, wrapped into rows, each cell
                coloured by a value per character (a unit's h_t, or the saliency)
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ui.figures.common import (
    DIVERGING,
    GREY,
    LINE_WIDTH,
    MARKER_SIZE,
    SEQUENTIAL,
    SERIES,
    base_layout,
    log_axis,
    make_figure,
)
from ui.i18n import translate

TRAIN, VAL, BEST, OVERFIT = SERIES[0], SERIES[1], SERIES[2], SERIES[4]
MAX_EPOCH_LINES = 60  # beyond this, every k-th epoch boundary is drawn
ROW_CHARS = 30  # characters per row of a review


def _vline(x, colour, dash, width=1) -> dict:
    return {
        "type": "line",
        "x0": x,
        "x1": x,
        "y0": 0,
        "y1": 1,
        "xref": "x",
        "yref": "paper",
        "line": {"color": colour, "width": width, "dash": dash},
    }


def _label(x, text, colour, right: bool) -> dict:
    return {
        "x": x,
        "y": 1,
        "xref": "x",
        "yref": "paper",
        "text": text,
        "showarrow": False,
        "xanchor": "right" if right else "left",
        "yanchor": "bottom",
        "font": {"color": colour},
    }


def epoch_lines(epoch_steps, max_lines: int = MAX_EPOCH_LINES) -> list[dict]:
    """Thin grey vertical lines at the steps where an epoch ended (thinned when many)."""
    steps = list(epoch_steps)
    every = max(1, int(np.ceil(len(steps) / max_lines)))
    return [_vline(s, GREY, "dot") for s in steps[every - 1 :: every]]


def gap_figure(
    gap: dict,
    epoch_steps=(),
    overfit_step: int | None = None,
    best_step: int | None = None,
    lang: str = "en",
    projector: bool = False,
) -> go.Figure:
    """``gap``: ``lstm_core.overfit.loss_gap`` (step, train, val). Log y."""
    tr = lambda key, **f: translate(key, lang, **f)  # noqa: E731
    steps = np.asarray(gap["step"])
    train, val = np.asarray(gap["train"], float), np.asarray(gap["val"], float)
    ok = np.isfinite(train)
    traces = [
        {
            "type": "scatter",
            "x": steps[ok].tolist(),
            "y": train[ok].tolist(),
            "name": tr("overfit.chart.train"),
            "mode": "lines+markers",
            "line": {"color": TRAIN, "width": LINE_WIDTH},
            "marker": {"size": MARKER_SIZE - 2},
        },
        {
            "type": "scatter",
            "x": steps[ok].tolist(),
            "y": val[ok].tolist(),
            "name": tr("overfit.chart.val"),
            "mode": "lines+markers",
            "line": {"color": VAL, "width": LINE_WIDTH},
            "marker": {"size": MARKER_SIZE - 2},
            "fill": "tonexty",  # the gap between the two curves
            "fillcolor": "rgba(230, 159, 0, 0.15)",
        },
    ]
    shapes, notes = epoch_lines(epoch_steps), []
    right_edge = float(steps[-1]) if len(steps) else 1.0
    if best_step is not None:
        shapes.append(_vline(best_step, BEST, "dash", 2))
        notes.append(
            _label(best_step, tr("overfit.chart.best", step=best_step), BEST, False)
            if overfit_step is None
            else None
        )
    if overfit_step is not None:
        shapes.append(_vline(overfit_step, OVERFIT, "solid", 2))
        right = overfit_step > 0.6 * right_edge
        notes.append(
            _label(overfit_step, tr("overfit.chart.since", step=overfit_step), OVERFIT, right)
        )
    extra = {
        "yaxis": log_axis(train[ok], val[ok]),
        "xaxis": {"nticks": 6},
        "shapes": shapes,
        "annotations": [n for n in notes if n],
    }
    layout = base_layout(
        tr("overfit.chart.title"),
        tr("train.chart.step"),
        tr("train.chart.loss"),
        **extra,
        projector=projector,
    )
    return make_figure(traces, layout, projector=projector)


def review_figure(
    chars: list[str],
    values,
    signed: bool = True,
    title: str = "",
    lang: str = "en",
    projector: bool = False,
) -> go.Figure:
    """Characters in rows of ``ROW_CHARS``, each cell coloured by its value: a unit's h_t
    (``signed``, diverging scale centred on 0) or a saliency (sequential, from 0)."""
    tr = lambda key, **f: translate(key, lang, **f)  # noqa: E731
    v = np.asarray(values, dtype=float)
    n = len(chars)
    rows = max(1, int(np.ceil(n / ROW_CHARS)))
    z = np.full((rows, ROW_CHARS), np.nan)
    text = np.full((rows, ROW_CHARS), "", dtype=object)
    z.flat[:n], text.flat[:n] = v[:n], chars
    bound = float(np.nanmax(np.abs(v))) if n and np.isfinite(v).any() else 1.0
    scale = {"zmin": -bound, "zmax": bound, "colorscale": DIVERGING} if signed else {}
    if not signed:
        scale = {"zmin": 0.0, "zmax": bound or 1.0, "colorscale": SEQUENTIAL}
    trace = {
        "type": "heatmap",
        "z": z.tolist(),
        "text": text.tolist(),
        "texttemplate": "%{text}",
        "textfont": {"size": 16},
        "hovertemplate": "%{text}: %{z:.3f}<extra></extra>",
        "x": list(range(ROW_CHARS)),
        "y": [r * ROW_CHARS for r in range(rows)],
        "xgap": 1,
        "ygap": 1,
        "name": title,
        **scale,
    }
    extra = {
        "yaxis": {"autorange": "reversed", "title": {"text": tr("overfit.review.row")}},
        "xaxis": {"showticklabels": False, "showgrid": False},
        "height": 90 + 34 * rows,
        "hovermode": "closest",
    }
    layout = base_layout(title, "", "", **extra, projector=projector)
    return make_figure([trace], layout, projector=projector)


LONG_T = 80  # sequences longer than this are shown through a window of this many steps


def step_window(T: int, t_cursor: int, width: int = LONG_T) -> tuple[float, float] | None:
    """The x range of a window of ``width`` steps around the cursor, or None when the whole
    sequence fits. It moves in steps of half its width, the cursor at least a quarter of the
    width from either edge (except at the ends): most cursor moves keep the window, and the
    chart then redraws only its cursor."""
    if T <= width:
        return None
    half = max(width // 2, 1)
    start = min(max(t_cursor // half * half - half // 2, 0), T - width)
    return (start - 0.5, start + width - 0.5)


def windowed(fig: go.Figure, T: int, t_cursor: int, width: int = LONG_T) -> go.Figure:
    """Long sequences (a real review of 150 characters): show ``width`` steps around the
    cursor on every x axis; the rest stays in the figure, one pan or cursor move away."""
    window = step_window(T, t_cursor, width)
    if window is not None:
        for axis in [k for k in fig.layout.to_plotly_json() if k.startswith("xaxis")]:
            fig.layout[axis].range = window
    return fig
