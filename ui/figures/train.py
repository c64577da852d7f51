"""Figures of the Train page: pure functions, arrays in, ``go.Figure`` out.

Every curve is exactly the data passed in (after ``downsample`` for long histories).
Reference values (baseline, solved threshold, clipping threshold) are drawn as two-point
line traces named after them, so they appear in the legend and in the data tables.
These figures are redrawn several times a second, so they are assembled from plain dicts
(``make_figure``) rather than through Plotly's slower helpers.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ui.figures.common import (
    FONT_SIZE,
    GREY,
    LINE_WIDTH,
    MARKER_SIZE,
    PROJECTOR_FONT,
    SERIES,
    base_layout,
    downsample,
    log_axis,
    make_figure,
    merge,
    wrap,
)
from ui.i18n import translate

TRAIN, VAL, TARGET, PRED, CLIP, FREE, SOLVED = (
    SERIES[0],
    SERIES[1],
    SERIES[6],
    SERIES[0],
    SERIES[4],
    SERIES[3],
    SERIES[2],
)


# A chart half the live column wide at 1280 px holds about this many characters of its title
# (18 px) and of one legend entry (15 px) on a line.
TITLE_CHARS, LEGEND_CHARS = 34, 38


def _line(x, y, name, colour, width=LINE_WIDTH, dash="solid", mode="lines", **kw) -> dict:
    return {
        "type": "scatter",
        "x": x,
        "y": y,
        "name": name,
        "mode": mode,
        "line": {"color": colour, "width": width, "dash": dash},
        **kw,
    }


def _ref_line(x0, x1, y, name, colour=GREY, dash="dash", **kw) -> dict:
    """A horizontal reference line at ``y`` from x0 to x1, as a named trace."""
    return _line([x0, x1], [y, y], name, colour, 2, dash, hoverinfo="name+y", **kw)


def _x_span(steps) -> tuple[float, float]:
    return (0.0, float(max(steps[-1], 1))) if len(steps) else (0.0, 1.0)


def value_range(*values, room: float = 0.05) -> list[float] | None:
    """A y range holding every finite value, with ``room`` (a share of the span) on each
    side; None when there is nothing finite to show."""
    v = np.concatenate([np.ravel(np.asarray(a, dtype=float)) for a in values if a is not None])
    v = v[np.isfinite(v)]
    if not len(v):
        return None
    lo, hi = float(v.min()), float(v.max())
    pad = room * (hi - lo) if hi > lo else max(abs(hi), 1.0) * room
    return [lo - pad, hi + pad]


# Projector mode, on the studio's narrow loss, metric and gradient charts: a reference line is
# named on the line itself (no legend entry to look up from the back of the room), and the
# legend lists one entry per row at the bottom of the figure, under the x axis title, with
# the bottom margin sized for it (a legend under the plot in paper coordinates sat on the
# axis title when the larger type shrank the plot).
ROW_PX = 30  # one legend row, projector type
AXIS_PX = 62  # x tick labels and the x axis title under the plot, projector type


def _ref_label(ref: dict, log: bool = False, below: bool = False) -> dict:
    """The name of reference line ``ref`` written above (or ``below``) its right end."""
    y = ref["y"][-1]
    return {
        "text": ref["name"],
        "x": 1,
        "xref": "paper",
        "y": float(np.log10(y)) if log else y,
        "yref": "y",
        "xanchor": "right",
        "yanchor": "top" if below else "bottom",
        "showarrow": False,
        "bgcolor": "rgba(255, 255, 255, 0.7)",
        "font": {"color": ref["line"]["color"]},
    }


LABEL_SHARE = 0.12  # a reference line's name: its height as a share of the data's y span


def _level(y: float, log: bool = False) -> float:
    """``y`` in axis units: log10 on a log axis (NaN where a log axis has no place for it)."""
    if not log:
        return float(y)
    return float(np.log10(y)) if y > 0 else float("nan")


def _values(trace: dict, log: bool = False) -> np.ndarray:
    """The trace's finite y values (log10 on a log axis)."""
    y = trace.get("y")
    y = np.asarray([] if y is None else y, dtype=float)
    y = y[np.isfinite(y) & (y > 0)] if log else y[np.isfinite(y)]
    return np.log10(y) if log else y


def _projector_legend(traces: list[dict], refs: list[dict], extra: dict, log=False) -> dict:
    """``extra`` (layout) with the reference lines named on the chart and the legend (the
    other traces, one per row) at the bottom of the figure. The lowest of several lines is
    named under it, the others above (two close lines keep their names apart); a name that
    would cover the data's newest value (``traces[0]``), the value a class is watching, goes
    to the other side of its line, unless another line is there."""
    for ref in refs:
        ref["showlegend"] = False
    data = _values(traces[0], log) if traces else np.array([])
    at = {id(r): _level(r["y"][-1], log) for r in refs}
    every = np.concatenate([data, [v for v in at.values() if np.isfinite(v)]])
    reach = LABEL_SHARE * (float(every.max() - every.min()) if every.size else 0.0)
    lowest = min(refs, key=lambda r: r["y"][-1]) if len(refs) > 1 else None

    def below(ref: dict) -> bool:
        y, under = at[id(ref)], ref is lowest
        if not data.size or not reach:
            return under
        lo, hi = (y - reach, y) if under else (y, y + reach)
        if not lo <= data[-1] <= hi:
            return under
        lo, hi = (y, y + reach) if under else (y - reach, y)  # the other side
        crowded = any(lo <= at[id(r)] <= hi for r in refs if r is not ref)
        return under if crowded else not under

    labels = [_ref_label(r, log, below=below(r)) for r in refs]
    notes = [*extra.get("annotations", []), *labels]
    return _bottom_legend(traces, {**extra, "annotations": notes}, projector=True)


def _title(text: str, top: float) -> dict:
    """A panel title as a paper-positioned annotation."""
    return {
        "text": f"<b>{text}</b>",
        "x": 0,
        "y": top,
        "xref": "paper",
        "yref": "paper",
        "xanchor": "left",
        "yanchor": "bottom",
        "showarrow": False,
        "font": {"size": FONT_SIZE},
    }


def loss_figure(
    steps,
    loss,
    val_steps,
    val_loss,
    baseline_loss: float,
    solved_step: int | None = None,
    lang: str = "en",
    projector: bool = False,
) -> go.Figure:
    """Training loss per step and validation loss per evaluation, log y; the baseline's loss
    as a dashed line; a dotted vertical line where the task was first solved."""
    tr = lambda key, **f: translate(key, lang, **f)  # noqa: E731
    x, y = downsample(np.asarray(steps), np.asarray(loss, dtype=float))
    traces = [
        _line(x, y, tr("train.chart.train_loss"), TRAIN),
        _line(
            list(val_steps),
            list(val_loss),
            tr("train.chart.val_loss"),
            VAL,
            mode="lines+markers",
            marker={"size": MARKER_SIZE},
        ),
    ]
    refs = []
    if np.isfinite(baseline_loss) and baseline_loss > 0:
        x0, x1 = _x_span(list(steps) or list(val_steps))
        name = tr("train.chart.baseline", value=f"{baseline_loss:.3g}")
        refs.append(_ref_line(x0, x1, baseline_loss, name))
    traces += refs
    # Few x ticks: the chart is half the page wide and must not tilt its labels on a projector.
    extra = {"yaxis": log_axis(loss, val_loss, [baseline_loss]), "xaxis": {"nticks": 5}}
    if solved_step is not None:
        extra["shapes"] = [
            {
                "type": "line",
                "x0": solved_step,
                "x1": solved_step,
                "y0": 0,
                "y1": 1,
                "xref": "x",
                "yref": "paper",
                "line": {"color": SOLVED, "width": 2, "dash": "dot"},
            }
        ]
        extra["annotations"] = [
            {  # above the plot area, where no curve can run through it
                "x": solved_step,
                "y": 1,
                "xref": "x",
                "yref": "paper",
                "text": tr("train.chart.solved_at", step=solved_step),
                "showarrow": False,
                # Label on the side of the line with more room.
                "xanchor": "left" if solved_step < 0.6 * _x_span(list(steps))[1] else "right",
                "yanchor": "bottom",
                "font": {"color": SOLVED},
            }
        ]
    if projector:
        extra = _projector_legend(traces, refs, extra, log=True)
    else:
        extra = _bottom_legend(traces, extra)
    layout = base_layout(
        tr("train.chart.loss_title"),
        tr("train.chart.step"),
        tr("train.chart.loss"),
        **extra,
        projector=projector,
    )
    return make_figure(traces, layout, projector=projector)


def metric_figure(
    val_steps,
    metric,
    threshold: float,
    baseline_metric: float,
    label: str,
    lang: str = "en",
    projector: bool = False,
) -> go.Figure:
    """The task's metric per evaluation, with the solved threshold and the baseline's value."""
    tr = lambda key, **f: translate(key, lang, **f)  # noqa: E731
    x0, x1 = _x_span(list(val_steps))
    traces = [
        _line(
            list(val_steps),
            list(metric),
            wrap(label, LEGEND_CHARS),
            VAL,
            mode="lines+markers",
            marker={"size": MARKER_SIZE},
            showlegend=not projector,  # projector: the title names it, no legend row needed
        ),
    ]
    threshold_name = tr("train.chart.threshold", value=f"{threshold:g}")
    refs = [_ref_line(x0, x1, threshold, threshold_name, SOLVED, "dot")]
    if np.isfinite(baseline_metric):
        name = tr("train.chart.baseline", value=f"{baseline_metric:.2f}")
        refs.append(_ref_line(x0, x1, baseline_metric, name))
    traces += refs
    scale = PROJECTOR_FONT if projector else 1.0
    title = wrap(label, int(TITLE_CHARS / scale))
    lines, line_px = title.count("<br>") + 1, round(22 * scale)
    # A title of several lines stands on the plot area, its lower lines lifted by the bottom
    # pad (Plotly anchors a title by its first line): hung from the top of the figure, its
    # first line would be cut off.
    pad = {"b": line_px * (lines - 1) + 6}
    top = {"y": 1.0, "yref": "paper", "yanchor": "bottom", "pad": pad}
    extra = {"xaxis": {"nticks": 5}, "margin": {"t": 30 + line_px * lines}}
    if projector:
        extra = _projector_legend(traces, refs, extra)
    else:
        extra = _bottom_legend(traces, extra)
    layout = base_layout(title, tr("train.chart.step"), "", **extra, projector=projector)
    if lines > 1:
        layout = merge(layout, {"title": top})
    return make_figure(traces, layout, projector=projector)


# Without projector mode the legend of those charts sits at the bottom of the figure too, in
# rows across it, with the bottom margin sized for the rows it needs: placed in paper
# coordinates under a 275 px chart it ran into the x axis title.
STUDIO_PX = 330  # the narrowest the loss / metric / gradient column gets (1280 px window)
ENTRY_PX, LINE_PX = 44, 20  # a legend entry's symbol and gap; a row
CHAR_PX, WIDE_PX = 8, 15  # a Latin character; a Chinese one (full width)
AXIS_PLAIN_PX = 46  # x tick labels and the x axis title under the plot


def legend_rows(names: list[str], width: int = STUDIO_PX, scale: float = 1.0) -> int:
    """Rows a horizontal legend of ``names`` fills in a chart ``width`` px wide, its type
    ``scale`` times the usual (a wrapped name counts by its longest line and line count)."""
    rows, used, lines = 1, 0, 1
    for name in names:
        parts = str(name).split("<br>")
        w = scale * (ENTRY_PX + max(_text_px(p) for p in parts))
        if used and used + w > width:
            rows, used, lines = rows + lines, 0, 1
        used, lines = used + w, max(lines, len(parts))
    return rows + lines - 1


def _text_px(text: str) -> int:
    return sum(WIDE_PX if ord(c) >= 0x2E80 else CHAR_PX for c in text)


def _bottom_legend(traces: list[dict], extra: dict, projector: bool = False) -> dict:
    """``extra`` (layout) with the legend in rows at the bottom of the figure, under the x
    axis title, and the bottom margin sized for them (in projector type when ``projector``)."""
    names = [tr["name"] for tr in traces if tr.get("showlegend", True)]
    scale, axis, row, pad = (
        (PROJECTOR_FONT, AXIS_PX, ROW_PX, 8) if projector else (1, AXIS_PLAIN_PX, LINE_PX, 6)
    )
    rows = legend_rows(names, scale=scale) if names else 0
    legend = {"orientation": "h", "yref": "container", "y": 0.0, "yanchor": "bottom", "x": 0}
    margin = {**extra.get("margin", {}), "b": axis + row * rows + pad}
    return {**extra, "legend": legend, "margin": margin}


def grad_norm_figure(
    steps, grad_norm, clipped, clip: float | None, lang: str = "en", projector: bool = False
) -> go.Figure:
    """Global gradient norm (before clipping) per step, log y; crosses where clipping acted and
    the clipping threshold as a line."""
    tr = lambda key, **f: translate(key, lang, **f)  # noqa: E731
    steps, norm = np.asarray(steps), np.asarray(grad_norm, dtype=float)
    cl = np.asarray(clipped, dtype=bool)
    x, y = downsample(steps, norm)
    cx, cy = downsample(steps[cl], norm[cl], max_points=300)
    traces = [
        _line(x, y, tr("train.chart.grad_norm"), TRAIN),
        {
            "type": "scatter",
            "x": cx,
            "y": cy,
            "name": tr("train.chart.clipped"),
            "mode": "markers",
            "marker": {"color": CLIP, "symbol": "x", "size": MARKER_SIZE + 2},
        },
    ]
    refs = []
    if clip is not None:
        x0, x1 = _x_span(steps)
        refs.append(_ref_line(x0, x1, clip, tr("train.chart.clip_at", value=f"{clip:g}"), CLIP))
    traces += refs
    extra = {"yaxis": log_axis(norm, [] if clip is None else [clip])}
    if projector:
        extra = _projector_legend(traces, refs, extra, log=True)
    else:
        extra = _bottom_legend(traces, extra)
    layout = base_layout(
        tr("train.chart.grad_title"), tr("train.chart.step"), "‖∇L‖", **extra, projector=projector
    )
    return make_figure(traces, layout, projector=projector)


# Projector mode: the target is a wide pale band and the prediction a solid line on top of
# it, both on the data's own x: where they agree the prediction runs inside the band (a
# dashed line of the same width would vanish into the target).
BAND_WIDTH, BAND_OPACITY = 3 * LINE_WIDTH, 0.35


def _target_and_guess(projector: bool) -> tuple[dict, dict]:
    """Line styles (keyword arguments of ``_line``) of a target and of a model's guess."""
    if projector:
        return {"width": BAND_WIDTH, "opacity": BAND_OPACITY}, {}
    return {}, {"dash": "dash"}


def forecast_figure(
    x,
    y,
    pred,
    mask=None,
    warmup_x=None,
    future=None,
    free=None,
    lang: str = "en",
    y_title: str = "",
    projector: bool = False,
) -> go.Figure:
    """One validation sequence of a next-step task (first channel): the noisy input, the
    target and the model's prediction; unscored steps shaded. With ``free`` (a free-running
    forecast after ``warmup_x``), a lower panel compares it with the true ``future``."""
    tr = lambda key, **f: translate(key, lang, **f)  # noqa: E731
    two = free is not None
    t = np.arange(len(y))
    target, guess = _target_and_guess(projector)
    traces = [
        _line(t, x, tr("train.chart.input"), GREY, 1.5, legendgroup="input"),
        _line(t, y, tr("train.chart.target"), TARGET, legendgroup="target", **target),
        _line(t, pred, tr("train.chart.prediction"), PRED, **guess),
    ]
    shapes, notes = [], [_title(tr("train.chart.one_step"), 1.0)]
    if mask is not None and not np.all(mask):
        last = int(np.flatnonzero(~np.asarray(mask, dtype=bool)).max())
        shapes.append(
            {
                "type": "rect",
                "x0": -0.5,
                "x1": last + 0.5,
                "y0": 0,
                "y1": 1,
                "xref": "x",
                "yref": "y domain",
                "fillcolor": GREY,
                "opacity": 0.15,
                "line": {"width": 0},
            }
        )
    # The legend sits at the bottom of the figure (container coordinates) under the x axis
    # title, whatever the panels' heights; the bottom margin holds ticks, title and legend.
    bottom = 100 if projector else 84
    # The axes follow the data (an explicit range: a kept autorange can lag new data).
    extra = {
        "hovermode": "x",
        "margin": {"t": 30, "b": bottom},
        "shapes": shapes,
        "legend": {"yref": "container", "y": 0.0, "yanchor": "bottom"},
        "yaxis": {"range": value_range(x, y, pred), "title": {"text": y_title}},
    }
    if two:
        w = np.arange(len(warmup_x))
        f = len(warmup_x) + np.arange(len(future))
        lower = {"xaxis": "x2", "yaxis": "y2"}
        traces += [
            # The warm-up is input and the continuation is target: one legend entry each.
            _line(
                w,
                warmup_x,
                tr("train.chart.input"),
                GREY,
                1.5,
                legendgroup="input",
                showlegend=False,
                **lower,
            ),
            _line(
                f,
                future,
                tr("train.chart.target"),
                TARGET,
                legendgroup="target",
                showlegend=False,
                **target,
                **lower,
            ),
            _line(f, free, tr("train.chart.forecast"), FREE, **guess, **lower),
        ]
        notes.append(_title(tr("train.chart.free_run"), 0.4))
        extra["yaxis"]["domain"] = [0.62, 1.0]  # the gap holds ticks and the lower title
        extra["xaxis2"] = {
            "anchor": "y2",
            "showgrid": True,
            "title": {"text": tr("train.chart.time"), "standoff": 4},
        }
        extra["yaxis2"] = {
            "anchor": "x2",
            "domain": [0.0, 0.4],
            "showgrid": True,
            "range": value_range(warmup_x, future, free),
        }
    extra["annotations"] = notes
    layout = base_layout(
        "", "" if two else tr("train.chart.time"), "", **extra, projector=projector
    )
    return make_figure(traces, layout, projector=projector)


def regression_figure(target, pred, lang: str = "en", projector: bool = False) -> go.Figure:
    """Predicted against true value for validation sequences, with the line y = x."""
    tr = lambda key, **f: translate(key, lang, **f)  # noqa: E731
    target, pred = np.ravel(target), np.ravel(pred)
    lo = float(min(target.min(), pred.min()))
    hi = float(max(target.max(), pred.max()))
    traces = [
        _line([lo, hi], [lo, hi], tr("train.chart.perfect"), GREY, 2, "dash"),
        {
            "type": "scatter",
            "x": target,
            "y": pred,
            "mode": "markers",
            "name": tr("train.chart.sequences"),
            "marker": {"color": PRED, "size": MARKER_SIZE, "opacity": 0.7},
        },
    ]
    layout = base_layout(
        tr("train.chart.pred_vs_true"),
        tr("train.chart.target"),
        tr("train.chart.prediction"),
        hovermode="closest",
        projector=projector,
    )
    return make_figure(traces, layout, projector=projector)


def class_prob_figure(
    probs, true_class: int, class_names, lang: str = "en", projector: bool = False
) -> go.Figure:
    """The model's class probabilities for one validation sequence; the true class marked."""
    tr = lambda key, **f: translate(key, lang, **f)  # noqa: E731
    probs = np.asarray(probs, dtype=float)
    names = [str(n) for n in class_names]
    colours = [SOLVED if k == true_class else TRAIN for k in range(len(probs))]
    bar = {
        "type": "bar",
        "x": names,
        "y": probs,
        "marker": {"color": colours},
        "name": tr("train.chart.probability"),
        "text": [f"{p:.2f}" for p in probs],
        "textposition": "outside",
    }
    layout = base_layout(
        tr("train.chart.class_probs", true=names[true_class]),
        "",
        tr("train.chart.probability"),
        hovermode="closest",
        showlegend=False,
        yaxis={"range": [0, 1.15]},
        projector=projector,
    )
    return make_figure([bar], layout, projector=projector)


def caption(example: dict, lang: str = "en") -> str:
    """A preview example's title in ``lang``: its ``caption`` ({"en", "zh"}), else ``label``."""
    return example.get("caption", {}).get(lang) or str(example.get("label", ""))


def preview_figure(examples: list[dict], lang: str = "en", projector: bool = False) -> go.Figure:
    """Example input sequences of a numeric task: one panel per example (stacked, shared
    time axis), one line per input channel (at most 4), titled with the example's label."""
    tr = lambda key, **f: translate(key, lang, **f)  # noqa: E731
    n, gap = len(examples), 0.1
    height = (1.0 - gap * (n - 1)) / n
    traces, notes = [], []
    extra = {"height": 100 + 110 * n, "margin": {"t": 30, "b": 30, "l": 50}, "hovermode": "x"}
    for row, ex in enumerate(examples):
        x = np.asarray(ex["x"], dtype=float)
        x = x[:, None] if x.ndim == 1 else x
        top = 1.0 - row * (height + gap)
        ax = "" if row == 0 else str(row + 1)
        extra[f"yaxis{ax}"] = {
            "domain": [max(0.0, round(top - height, 6)), round(top, 6)],
            "anchor": f"x{ax}",
        }
        extra[f"xaxis{ax}"] = {"anchor": f"y{ax}", "showticklabels": row == n - 1}
        if row:
            extra[f"xaxis{ax}"]["matches"] = "x"
        for ch in range(min(x.shape[1], 4)):
            traces.append(
                _line(
                    np.arange(len(x)),
                    x[:, ch],
                    tr("train.chart.channel", k=ch),
                    SERIES[ch],
                    2,
                    xaxis=f"x{ax}",
                    yaxis=f"y{ax}",
                    showlegend=row == 0 and x.shape[1] > 1,
                    legendgroup=str(ch),
                )
            )
        notes.append(
            {
                "text": caption(ex, lang),
                "x": 0,
                "y": top,
                "xref": "paper",
                "yref": "paper",
                "xanchor": "left",
                "yanchor": "bottom",
                "showarrow": False,
            }
        )
    extra["annotations"] = notes
    return make_figure(
        traces, base_layout("", "", "", **extra, projector=projector), projector=projector
    )
