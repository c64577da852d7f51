"""Pure figure builders of the Cell sandbox (besides the shared diagram, ``ui.figures.diagram``):
a typed sequence stepped through the cell, and the step's equations with one unit's numbers.
No streamlit here; text comes from ``ui.i18n.translate`` in the language passed in.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ui.figures.common import GATE_COLOURS, SERIES, TEMPLATE, styled_figure
from ui.i18n import translate

_SEQ_ROWS = ((0.76, 1.0), (0.39, 0.67), (0.0, 0.30))


def sequence_lines(
    out: dict[str, np.ndarray],
    xs: np.ndarray,
    unit: int,
    lang: str = "en",
    projector: bool = False,
) -> go.Figure:
    """A typed sequence stepped through the sandbox cell, for one unit: the input, the four
    gates, then c and h, one row each on a shared step axis. ``out``: name -> (T, H).

    Built from plain dicts (``styled_figure``): the sandbox redraws it on every slider move."""
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
    titles = [
        translate(k, lang) for k in ("inside.input", "sandbox.seq.gates", "sandbox.seq.state")
    ]
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
    layout["xaxis3"]["title"] = dict(text=translate("inside.axis.time", lang))
    return styled_figure(traces, layout, projector)


_ACT = {"i": r"\sigma", "f": r"\sigma", "g": r"\tanh", "o": r"\sigma"}


def equations_markdown(terms: dict[str, tuple[float, float, float]], v: dict) -> str:
    """The step's equations with one unit's numbers substituted, as Markdown with LaTeX, one
    short line each. ``terms``: gate -> (W_i·x, W_h·h, b) (``inside.gate_terms``); ``v``:
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
