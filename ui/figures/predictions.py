"""The prediction rows of a token task (input, target, prediction, errors) as an HTML table:
one column per time step, so the rows stay aligned whatever the symbols are.

Whitespace is drawn as a visible symbol (a newline as ↵, a tab as →, a space as ·), tokens of
several letters ("browse") get a cell each, and long sequences wrap into blocks that each
repeat the row labels. For a task with several correct answers (``Task.legal_targets``) a
prediction is wrong only when it is not in the legal set, and a row shows that set.
Pure functions: no streamlit.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

import numpy as np

VISIBLE = {"\n": "↵", "\t": "→", "\r": "␍", " ": "·"}
LINE_CHARS = 60  # characters of symbols per block before the rows wrap
WRONG = "#D55E00"  # vermillion, as the clipping marks (colour-blind safe against black)
FAINT = "#9a9a9a"  # whitespace symbols: visible but quieter than the text


@dataclass(frozen=True)
class Step:
    """One time step: the input symbol, the target, the prediction, whether it is wrong, and
    the legal set when the task has one ("" otherwise)."""

    input: str
    target: str
    prediction: str
    wrong: bool
    legal: str = ""


def visible(symbol: str) -> str:
    """``symbol`` with whitespace replaced by a visible sign."""
    return "".join(VISIBLE.get(ch, ch) for ch in symbol)


def prediction_steps(inputs, targets, predictions, symbols, legal=None) -> list[Step]:
    """Steps from ids: ``inputs`` (list of str, or None), ``targets`` and ``predictions``
    (ids into ``symbols``), ``legal`` ((T, V) bool, or None: only the target is right)."""
    steps = []
    for k, (y, p) in enumerate(zip(targets, predictions, strict=True)):
        y, p = int(y), int(p)
        if legal is None:
            wrong, allowed = p != y, ""
        else:
            wrong = not bool(legal[k][p])
            allowed = "/".join(symbols[v] for v in np.flatnonzero(legal[k]))
        x = inputs[k] if inputs is not None else ""
        steps.append(Step(x, symbols[y], symbols[p], wrong, allowed))
    return steps


def _width(step: Step) -> int:
    return max(len(step.input), len(step.target), len(step.prediction), len(step.legal), 1)


def blocks(steps: list[Step], line_chars: int = LINE_CHARS) -> list[list[Step]]:
    """``steps`` cut into consecutive blocks of at most ``line_chars`` characters (a token of
    several letters counts its length plus a gap); every block has at least one step."""
    out, current, used = [], [], 0
    for step in steps:
        w = _width(step) + (1 if _width(step) > 1 else 0)
        if current and used + w > line_chars:
            out.append(current)
            current, used = [], 0
        current.append(step)
        used += w
    return out + [current] if current else out


def _cell(symbol: str, wide: bool, wrong: bool = False) -> str:
    pad = "0 0.6em 0 0" if wide else "0"
    colour = f"color:{WRONG};font-weight:700;" if wrong else ""
    text = "".join(
        f'<span style="color:{FAINT}">{escape(VISIBLE[ch])}</span>' if ch in VISIBLE else escape(ch)
        for ch in symbol
    )
    return f'<td style="padding:{pad};text-align:left;border:none;{colour}">{text}</td>'


def rows_html(steps: list[Step], labels: dict, line_chars: int = LINE_CHARS) -> str:
    """The rows as HTML tables (one per block). ``labels``: "input", "target", "prediction",
    "errors" and, for tasks with a legal set, "legal"."""
    has_input = any(s.input for s in steps)
    has_legal = any(s.legal for s in steps)
    wide = any(_width(s) > 1 for s in steps)
    label_style = f"padding:0 1em 0 0;border:none;color:{FAINT};white-space:nowrap;text-align:left"
    tables = []
    for block in blocks(steps, line_chars):
        rows = []
        if has_input:
            rows.append(("input", [_cell(s.input, wide) for s in block]))
        rows.append(("target", [_cell(s.target, wide) for s in block]))
        rows.append(("prediction", [_cell(s.prediction, wide, s.wrong) for s in block]))
        if has_legal:
            rows.append(("legal", [_cell(s.legal, wide) for s in block]))
        rows.append(("errors", [_cell("^" if s.wrong else "", wide, s.wrong) for s in block]))
        body = "".join(
            f'<tr style="border:none"><th scope="row" style="{label_style}">'
            f"{escape(labels[key])}</th>{''.join(cells)}</tr>"
            for key, cells in rows
        )
        tables.append(
            '<table class="prediction-rows" style="border-collapse:collapse;border:none;'
            "font-family:'Source Code Pro',monospace;font-size:0.95rem;line-height:1.35;"
            f'margin:0 0 0.6rem 0;width:auto">{body}</table>'
        )
    return "".join(tables)
