"""Pure figure builders for translation (no streamlit): the table of translations with wrong
characters marked, the decoder's top-3 characters per step, the attention heatmap, and the
encoder -> decoder hand-over inside the cell."""

from __future__ import annotations

import html

import numpy as np
import plotly.graph_objects as go

from ui.figures.common import DIVERGING, PROJECTOR_FONT, SEQUENTIAL, SERIES, base_layout
from ui.i18n import translate

MISSING = "▯"  # a target character the output did not write
WRONG = "#D55E00"  # Okabe-Ito vermillion


def mark_output(output: str, target: str) -> list[tuple[str, bool]]:
    """The output's characters, position by position against the target, each with whether it
    is wrong; missing characters (output too short) appear as MISSING and count as wrong."""
    marked = [(ch, i >= len(target) or ch != target[i]) for i, ch in enumerate(output)]
    marked += [(MISSING, True)] * max(0, len(target) - len(output))
    return marked


def marked_html(output: str, target: str) -> str:
    """The output with its wrong characters in bold vermillion (Plotly's HTML subset)."""
    parts = []
    for ch, wrong in mark_output(output, target):
        text = html.escape(ch)
        parts.append(f"<b><span style='color:{WRONG}'>{text}</span></b>" if wrong else text)
    return "".join(parts) or MISSING


def table_figure(rows: list[dict], lang: str = "en", projector: bool = False) -> go.Figure:
    """rows: {"source", "target", "output"} each; one table row per translation."""
    cols = ("source", "target", "output", "right")
    header = [translate(f"translate.col.{c}", lang) for c in cols]
    cells = [
        [html.escape(r["source"]) for r in rows],
        [html.escape(r["target"]) for r in rows],
        [marked_html(r["output"], r["target"]) for r in rows],
        ["✓" if r["output"] == r["target"] else "✗" for r in rows],
    ]
    size = round(15 * PROJECTOR_FONT) if projector else 15
    fig = go.Figure(
        go.Table(
            header=dict(
                values=header,
                align="left",
                font=dict(size=size, color="black"),
                fill_color="#e8e8e8",
            ),
            cells=dict(
                values=cells,
                align="left",
                font=dict(size=size, color="black"),
                fill_color="white",
                height=28,
            ),
            columnwidth=[3, 2, 2, 0.7],
        )
    )
    fig.update_layout(base_layout(height=40 + 30 * (len(rows) + 1), projector=projector))
    fig.update_layout(margin=dict(l=5, r=5, t=5, b=5))
    return fig


def _step_labels(written: list[str]) -> list[str]:
    return [f"{t}: {ch}" for t, ch in enumerate(written)]


def topk_figure(
    chars, probs, written: list[str], lang: str = "en", projector: bool = False
) -> go.Figure:
    """chars, probs (T, k): the k most likely next characters per output step and their
    probabilities; written: the character the decoder wrote at each step."""
    probs = np.asarray(probs, dtype=float)
    ranks = [f"#{r + 1}" for r in range(probs.shape[1])]
    steps, k = range(len(written)), range(probs.shape[1])
    text = [[f"{chars[t][r]}<br>{probs[t, r]:.2f}" for t in steps] for r in k]
    fig = go.Figure(
        go.Heatmap(
            z=probs.T,
            x=_step_labels(written),
            y=ranks,
            text=text,
            texttemplate="%{text}",
            zmin=0,
            zmax=1,
            colorscale=SEQUENTIAL,
            colorbar=dict(title="p"),
            hovertemplate="%{x}<br>%{y}: %{text}<extra></extra>",
        )
    )
    fig.update_layout(
        base_layout(
            translate("translate.topk_title", lang),
            translate("translate.topk_axis_step", lang),
            translate("translate.topk_axis_rank", lang),
            height=260,
            yaxis={"autorange": "reversed"},
            hovermode="closest",
            projector=projector,
        )
    )
    return fig


def attention_figure(
    alpha, source: list[str], written: list[str], lang: str = "en", projector: bool = False
):
    """alpha (T, S): attention weight of output step t on source position s."""
    fig = go.Figure(
        go.Heatmap(
            z=np.asarray(alpha, dtype=float),
            x=[f"{s}: {ch}" for s, ch in enumerate(source)],
            y=_step_labels(written),
            zmin=0,
            zmax=1,
            colorscale=SEQUENTIAL,
            colorbar=dict(title="α"),
            hovertemplate="%{y} → %{x}: %{z:.2f}<extra></extra>",
        )
    )
    fig.update_layout(
        base_layout(
            translate("translate.attention_title", lang),
            translate("translate.attention_axis_source", lang),
            translate("translate.attention_axis_output", lang),
            height=140 + 24 * len(written),
            yaxis={"autorange": "reversed"},
            hovermode="closest",
            projector=projector,
        )
    )
    return fig


def handover_figure(
    values, S: int, tokens: list[str], q: str, lang: str = "en", projector: bool = False
) -> go.Figure:
    """values (S + T, H) of one quantity, encoder steps then decoder steps, with a line at the
    hand-over (between step S - 1 and S)."""
    z = np.asarray(values, dtype=float).T  # (H, S + T)
    signed = q in ("c", "h", "a", "n", "g")
    bound = float(np.max(np.abs(z))) or 1.0
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=[f"{t}: {tok}" for t, tok in enumerate(tokens)],
            y=np.arange(z.shape[0]),
            zmin=-bound if signed else 0,
            zmax=bound if signed else 1,
            colorscale=DIVERGING if signed else SEQUENTIAL,
            colorbar=dict(title=q),
            hovertemplate="%{x}<br>unit %{y}: %{z:.3f}<extra></extra>",
        )
    )
    fig.add_vline(x=S - 0.5, line=dict(color="black", width=3))
    for text, x in (("encoder", (S - 1) / 2), ("decoder", S + (z.shape[1] - S - 1) / 2)):
        fig.add_annotation(
            x=x, y=1.06, yref="paper", showarrow=False, text=translate(f"translate.{text}", lang)
        )
    fig.update_layout(
        base_layout(
            translate("translate.handover_title", lang),
            "",
            translate("translate.axis_unit", lang),
            height=320,
            hovermode="closest",
            projector=projector,
        )
    )
    return fig


def told_figure(c_final, lang: str = "en", projector: bool = False) -> go.Figure:
    """The encoder's final c (H,): what the decoder starts from."""
    c_final = np.asarray(c_final, dtype=float)
    fig = go.Figure(
        go.Bar(
            x=np.arange(len(c_final)),
            y=c_final,
            marker_color=[SERIES[1] if v >= 0 else SERIES[0] for v in c_final],
            hovertemplate="unit %{x}: %{y:.3f}<extra></extra>",
        )
    )
    fig.update_layout(
        base_layout(
            translate("translate.told_title", lang),
            translate("translate.axis_unit", lang),
            "c",
            height=260,
            hovermode="closest",
            projector=projector,
        )
    )
    return fig
