"""The input beside the prediction: pure builders, data in, a figure or an HTML string out.

- ``cards_html``: token inputs (a sentence, a symbol sequence, a shopping session), one card
  per validation sequence, its marked tokens highlighted, then the true answer and the model's
  ranked answers with their probability. Each card carries its values as ``data-`` attributes.
- ``gesture_figure``: each gesture drawn as the 2-D path the network read (x against y, equal
  aspect), its start and end marked, titled with the true and the predicted class.
- ``adding_figure``: each adding sequence's values with its two marked values highlighted,
  titled with the target and the prediction.

Right answers are drawn in bluish green with ✓, wrong ones in vermillion with ✗, so the colour
is never the only sign.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

import numpy as np
import plotly.graph_objects as go

from ui.figures.common import FONT_SIZE, LINE_WIDTH, SERIES, base_layout, styled_figure
from ui.i18n import translate

RIGHT, WRONG = SERIES[2], SERIES[4]  # bluish green, vermillion
PATH, START, END, MARK = SERIES[0], SERIES[2], SERIES[4], SERIES[1]
MARK_BG = "#FBE3A6"  # a marked token's background: the marker orange, light
FAINT = "#8a8a8a"


@dataclass(frozen=True)
class Card:
    """One validation sequence of a token task, as shown."""

    tokens: list  # [(text, marked)], in reading order
    truth: str  # the true class, as the user reads it
    ranked: list  # [(class, probability)], most probable first (at least one)
    right: bool  # the most probable class is the true one
    joined: bool = False  # tokens without spaces between them (characters, Chinese words)
    note: str = field(default="")  # an extra line under the input (may be empty)


def _tr(lang: str):
    return lambda key, **f: translate(key, lang, **f)


def _sign(right: bool) -> str:
    return "✓" if right else "✗"


CHIP = "background:#eef2f7;border-radius:3px;padding:0 4px;white-space:nowrap"


def _tokens_html(card: Card, chips: bool = False) -> str:
    """The tokens in reading order; marked ones highlighted; ``chips``: each token boxed
    (whole actions, so that a session reads action by action)."""
    sep = "" if card.joined else " "
    spans = []
    for text, marked in card.tokens:
        text = escape(text)
        if chips and text != "…":
            spans.append(f'<span style="{CHIP}">{text}</span>')
        elif marked:
            spans.append(
                f'<mark style="background:{MARK_BG};font-weight:700;padding:0 2px;'
                f'border-radius:3px">{text}</mark>'
            )
        else:
            spans.append(text)
    return sep.join(spans)


def _answer_html(card: Card, mode: str, tr) -> str:
    colour = RIGHT if card.right else WRONG
    ranked = " · ".join(f"{escape(name)} {p:.0%}" for name, p in card.ranked)
    truth_key = "predict.next_true" if mode == "next" else "predict.true"
    return (
        f'<span style="color:{FAINT}">{escape(tr(truth_key))}</span> '
        f"<b>{escape(card.truth)}</b>&emsp;"
        f'<span style="color:{FAINT}">{escape(tr("predict.predicted"))}</span> '
        f'<span style="color:{colour};font-weight:700">{ranked} {_sign(card.right)}</span>'
    )


def cards_html(cards: list[Card], mode: str, lang: str = "en", projector: bool = False) -> str:
    """One card per sequence. ``mode``: "words" (a sentence), "symbols" (one letter per step,
    in a fixed-width font) or "next" (a session, then its next action's top answers)."""
    tr, size = _tr(lang), 1.2 if projector else 0.95
    out = [f'<div class="pred-cards" style="font-size:{size}rem;line-height:1.5">']
    for k, card in enumerate(cards):
        mono = "font-family:'Source Code Pro',monospace;" if mode == "symbols" else ""
        name, p = card.ranked[0]
        out.append(
            f'<div class="pred-card" data-truth="{escape(card.truth)}" '
            f'data-pred="{escape(name)}" data-prob="{p:.6f}" data-right="{int(card.right)}" '
            'style="border-left:3px solid '
            f"{RIGHT if card.right else WRONG};padding:0.15rem 0 0.15rem 0.6rem;"
            'margin:0 0 0.55rem 0">'
            f'<div style="color:{FAINT};font-size:0.8em">{escape(tr("predict.example", n=k + 1))}'
            f"{' · ' + escape(card.note) if card.note else ''}</div>"
            f'<div class="pred-input" style="{mono}overflow-wrap:anywhere;word-break:break-word">'
            f"{_tokens_html(card, chips=mode == 'next')}</div>"
            f'<div class="pred-answer">{_answer_html(card, mode, tr)}</div></div>'
        )
    return "".join(out) + "</div>"


# ------------------------------------------------------------------------------ figures
def _grid(n: int, cols: int, gap: float = 0.1) -> list[tuple[list, list]]:
    """(x domain, y domain) of ``n`` panels in rows of ``cols``, row by row from the top."""
    rows = -(-n // cols)
    w, h = (1 - gap * (cols - 1)) / cols, (1 - 1.6 * gap * (rows - 1)) / rows
    out = []
    for k in range(n):
        r, c = divmod(k, cols)
        x0, y1 = c * (w + gap), 1 - r * (h + 1.6 * gap)
        clip = lambda v: round(min(max(v, 0.0), 1.0), 6)  # noqa: E731  (float round-off)
        out.append(([clip(x0), clip(x0 + w)], [clip(y1 - h), clip(y1)]))
    return out


def _panel_title(x_dom, y_dom, text: str, colour: str) -> dict:
    return {
        "text": text,
        "x": sum(x_dom) / 2,
        "y": y_dom[1],
        "xref": "paper",
        "yref": "paper",
        "xanchor": "center",
        "yanchor": "bottom",
        "showarrow": False,
        "font": {"size": FONT_SIZE, "color": colour},
    }


def gesture_figure(examples, class_names, lang: str = "en", projector: bool = False) -> go.Figure:
    """Each example's path (x, y) with start and end marked, equal aspect, titled
    "true → predicted p ✓/✗". ``examples``: objects with ``x`` (T, 2), ``target``, ``output``
    (class probabilities)."""
    tr = _tr(lang)
    n = len(examples)
    cols = 2 if n > 1 else 1
    layout = base_layout(
        "",
        showlegend=True,
        hovermode="closest",
        margin={"l": 10, "r": 10, "t": 62, "b": 10},  # titles clear of Plotly's mode bar
        legend={"orientation": "h", "y": -0.02, "yanchor": "top", "x": 0.0},
    )
    traces, notes = [], []
    for k, (ex, (x_dom, y_dom)) in enumerate(zip(examples, _grid(n, cols), strict=True)):
        xs, ys = ("x" if k == 0 else f"x{k + 1}"), ("y" if k == 0 else f"y{k + 1}")
        xy = np.asarray(ex.x, dtype=float)  # (T, 2)
        pred = int(np.argmax(ex.output))
        right = pred == int(ex.target)
        common = {"xaxis": xs, "yaxis": ys, "hovertemplate": "x %{x:.2f}, y %{y:.2f}"}
        traces += [
            {"type": "scatter", "mode": "lines", "x": xy[:, 0], "y": xy[:, 1], "name":
             tr("predict.path"), "line": {"color": PATH, "width": LINE_WIDTH}, "showlegend":
             k == 0, "legendgroup": "path", **common},
            {"type": "scatter", "mode": "markers", "x": xy[:1, 0], "y": xy[:1, 1], "name":
             tr("predict.start"), "marker": {"color": START, "size": 12, "symbol": "circle"},
             "showlegend": k == 0, "legendgroup": "start", **common},
            {"type": "scatter", "mode": "markers", "x": xy[-1:, 0], "y": xy[-1:, 1], "name":
             tr("predict.end"), "marker": {"color": END, "size": 13, "symbol": "x"},
             "showlegend": k == 0, "legendgroup": "end", **common},
        ]  # fmt: skip
        axis = {"domain": None, "showticklabels": False, "showgrid": True, "zeroline": False}
        layout[f"xaxis{'' if k == 0 else k + 1}"] = {
            **axis, "domain": x_dom, "anchor": ys, "constrain": "domain"}  # fmt: skip
        layout[f"yaxis{'' if k == 0 else k + 1}"] = {
            **axis, "domain": y_dom, "anchor": xs, "scaleanchor": xs, "scaleratio": 1,
            "constrain": "domain"}  # fmt: skip
        title = tr(
            "predict.gesture_title",
            true=class_names[int(ex.target)],
            pred=class_names[pred],
            p=f"{float(ex.output[pred]):.0%}",
            sign=_sign(right),
        )
        notes.append(_panel_title(x_dom, y_dom, title, RIGHT if right else WRONG))
    layout["annotations"] = notes
    return styled_figure(traces, layout, bool(projector))


def adding_figure(
    examples, lang: str = "en", projector: bool = False, tolerance: float = 0.04
) -> go.Figure:
    """Each example's values over time (grey bars) with the two marked values highlighted,
    titled with the target 0.5 + (X1 + X2) / 4 and the prediction. ``examples``: objects with
    ``x`` (T, 2) (value, marker), ``target`` and ``output`` (1,)."""
    tr = _tr(lang)
    n = len(examples)
    layout = base_layout(
        "",
        tr("predict.step"),
        showlegend=True,
        hovermode="closest",
        margin={"l": 50, "r": 10, "t": 56, "b": 70},  # titles clear of Plotly's mode bar
        legend={"orientation": "h", "y": -0.2, "yanchor": "top", "x": 0.0},
    )
    traces, notes = [], []
    for k, (ex, (x_dom, y_dom)) in enumerate(zip(examples, _grid(n, 1, gap=0.12), strict=True)):
        xs, ys = ("x" if k == 0 else f"x{k + 1}"), ("y" if k == 0 else f"y{k + 1}")
        x = np.asarray(ex.x, dtype=float)  # (T, 2): value, marker
        t = np.arange(len(x))
        marked = np.flatnonzero(x[:, 1] > 0.5)
        pred, target = float(ex.output[0]), float(ex.target)
        right = abs(pred - target) < tolerance
        traces += [
            {"type": "bar", "x": t, "y": x[:, 0], "name": tr("predict.value"), "marker":
             {"color": "#c8c8c8"}, "xaxis": xs, "yaxis": ys, "showlegend": k == 0,
             "legendgroup": "value", "hovertemplate": "t %{x}: %{y:.2f}"},
            {"type": "scatter", "mode": "markers+text", "x": t[marked], "y": x[marked, 0],
             "text": [f"{v:+.2f}" for v in x[marked, 0]], "textposition": "middle right",
             "name": tr("predict.marked"), "marker": {"color": MARK, "size": 13, "symbol":
             "diamond"}, "xaxis": xs, "yaxis": ys, "showlegend": k == 0, "legendgroup":
             "marked", "cliponaxis": False, "hovertemplate": "t %{x}: %{y:.2f}"},
        ]  # fmt: skip
        last = k == n - 1
        layout[f"xaxis{'' if k == 0 else k + 1}"] = {
            "domain": x_dom, "anchor": ys, "showticklabels": last,
            "title": {"text": tr("predict.step") if last else ""},
            **({"matches": "x"} if k else {})}  # fmt: skip
        layout[f"yaxis{'' if k == 0 else k + 1}"] = {
            "domain": y_dom,
            "anchor": xs,
            "range": [-1.45, 1.45],
            "tickvals": [-1, 0, 1],
        }
        title = tr(
            "predict.adding_title",
            target=f"{target:.3f}",
            pred=f"{pred:.3f}",
            error=f"{abs(pred - target):.3f}",
            sign=_sign(right),
        )
        notes.append({**_panel_title(x_dom, y_dom, title, RIGHT if right else WRONG),
                      "x": x_dom[0], "xanchor": "left"})  # fmt: skip
    layout["annotations"] = notes
    return styled_figure(traces, layout, bool(projector))


def panel_height(kind: str, n: int, projector: bool = False) -> int:
    """Pixels for a panel of ``n`` examples: gestures in rows of two, adding one per row."""
    rows = -(-n // 2) if kind == "gesture" else n
    per = 210 if kind == "gesture" else 150
    return int((80 + per * rows) * (1.15 if projector else 1.0))
