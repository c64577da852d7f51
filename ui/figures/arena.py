"""Figures of the Arena page: pure functions, one curve per model, ``go.Figure`` out.

A curve is a dict: ``label``, ``steps``, ``loss`` (per training step), ``val_steps``,
``val_loss``, ``metric`` (per evaluation) and ``solved_at`` (step or None). Each model keeps
its colour (by slot) in every chart; its solved badge is a dotted vertical line in that colour.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ui.figures.common import (
    GREY,
    LINE_WIDTH,
    MARKER_SIZE,
    SERIES,
    base_layout,
    downsample,
    log_axis,
    make_figure,
)
from ui.i18n import translate

# Slot colours: blue, orange, bluish green, vermillion (Okabe-Ito, distinct for every CVD),
# then reddish purple, sky blue and black for longer lists (the run comparison).
COLOURS = (SERIES[0], SERIES[1], SERIES[2], SERIES[4], SERIES[3], SERIES[5], SERIES[6])


def curves_of(arena) -> list[dict]:
    """The arena's histories as curve dicts (the numbers the charts and the table show)."""
    out = []
    for label, tr, solved in zip(arena.labels, arena.trainers, arena.solved_at(), strict=True):
        h = tr.history
        out.append(
            {
                "label": label,
                "steps": h.step,
                "loss": h.loss,
                "val_steps": h.val_step,
                "val_loss": h.val_loss,
                "metric": h.metric,
                "solved_at": solved,
            }
        )
    return out


NEAR = 0.12  # solved steps closer than this share of the x span share one label
LABEL_ROW = 0.08  # height of one label line, as a share of the plot area


def _badge_marks(curves, lang) -> tuple[list, list]:
    """A dotted vertical line at each model's solved step, and labels: models solved at the
    same or nearby steps share one label, a line each in its colour (never on top of each
    other)."""
    solved = sorted(
        (c["solved_at"], k, c["label"]) for k, c in enumerate(curves) if c["solved_at"] is not None
    )
    shapes = [
        {
            "type": "line",
            "x0": step,
            "x1": step,
            "y0": 0,
            "y1": 1,
            "xref": "x",
            "yref": "paper",
            "line": {"color": COLOURS[k % len(COLOURS)], "width": 2, "dash": "dot"},
        }
        for step, k, _ in sorted(solved, key=lambda mark: mark[1])  # in the models' order
    ]
    span = max([1.0, *(float(c["steps"][-1]) for c in curves if len(c["steps"]))])
    groups: list[list] = []
    for mark in solved:
        if groups and mark[0] - groups[-1][0][0] <= NEAR * span:
            groups[-1].append(mark)
        else:
            groups.append([mark])
    notes, top = [], 1.0
    for group in groups:  # each group under the one before: labels never share a row
        lines = [
            f'<span style="color:{COLOURS[k % len(COLOURS)]}">'
            f"{translate('arena.chart.solved', lang, model=label)}</span>"
            for _, k, label in group
        ]
        notes.append(
            {
                "x": group[0][0],
                "y": top,
                "xref": "x",
                "yref": "paper",
                "text": "<br>".join(lines),
                "showarrow": False,
                "align": "left",
                # Label on the side of the line with more room.
                "xanchor": "left" if group[0][0] < 0.6 * span else "right",
                "yanchor": "top",
                "bgcolor": "rgba(255,255,255,0.8)",
            }
        )
        top -= LABEL_ROW * len(group)
    return shapes, notes


def loss_overlay(
    curves: list[dict],
    lang: str = "en",
    max_points: int = 400,
    title: str | None = None,
    projector: bool = False,
) -> go.Figure:
    """Every model's validation loss (bold, per evaluation) over its training loss (thin,
    per step), log y; dotted lines at the solved badges."""
    traces = []
    for k, c in enumerate(curves):
        colour = COLOURS[k % len(COLOURS)]
        x, y = downsample(
            np.asarray(c["steps"]), np.asarray(c["loss"], float), max_points=max_points
        )
        traces.append(
            {
                "type": "scatter",
                "x": x,
                "y": y,
                "name": translate("arena.chart.train_loss", lang, model=c["label"]),
                "legendgroup": c["label"],
                "showlegend": False,
                "mode": "lines",
                "opacity": 0.35,
                "line": {"color": colour, "width": 1},
            }
        )
        vx, vy = downsample(
            np.asarray(c["val_steps"]), np.asarray(c["val_loss"], float), max_points=max_points
        )
        traces.append(
            {
                "type": "scatter",
                "x": vx,
                "y": vy,
                "name": c["label"],
                "legendgroup": c["label"],
                "mode": "lines+markers",
                "line": {"color": colour, "width": LINE_WIDTH},
                "marker": {"size": MARKER_SIZE - 2},
            }
        )
    shapes, notes = _badge_marks(curves, lang)
    layout = base_layout(
        title if title is not None else translate("arena.chart.loss_title", lang),
        translate("arena.chart.step", lang),
        translate("arena.chart.loss", lang),
        yaxis=log_axis(*[c["loss"] for c in curves], *[c["val_loss"] for c in curves]),
        shapes=shapes,
        annotations=notes,
        projector=projector,
    )
    return make_figure(traces, layout, projector=projector)


def metric_overlay(
    curves: list[dict],
    threshold: float,
    label: str,
    lang: str = "en",
    max_points: int = 400,
    projector: bool = False,
) -> go.Figure:
    """Every model's task metric per evaluation, with the solved threshold."""
    traces = []
    x1 = 1.0
    for k, c in enumerate(curves):
        vx, vm = downsample(
            np.asarray(c["val_steps"]), np.asarray(c["metric"], float), max_points=max_points
        )
        x1 = max(x1, float(vx[-1]) if len(vx) else 1.0)
        traces.append(
            {
                "type": "scatter",
                "x": vx,
                "y": vm,
                "name": c["label"],
                "mode": "lines+markers",
                "line": {"color": COLOURS[k % len(COLOURS)], "width": LINE_WIDTH},
                "marker": {"size": MARKER_SIZE - 2},
            }
        )
    traces.append(
        {
            "type": "scatter",
            "x": [0.0, x1],
            "y": [threshold, threshold],
            "name": translate("arena.chart.threshold", lang, value=f"{threshold:g}"),
            "mode": "lines",
            "line": {"color": GREY, "width": 2, "dash": "dash"},
            "hoverinfo": "name+y",
        }
    )
    shapes, notes = _badge_marks(curves, lang)
    layout = base_layout(
        label,
        translate("arena.chart.step", lang),
        "",
        shapes=shapes,
        annotations=notes,
        projector=projector,
    )
    return make_figure(traces, layout, projector=projector)
