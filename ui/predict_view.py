"""The input beside the prediction, for the tasks that answer with one class or one number
per sequence (and for next-action, whose answer is the session's next action).

``examples`` reads the trainer's own outputs on the first validation sequences; the panel
builders in ``ui.figures.classify`` draw them in the form of each task's input: the sentence,
the gesture's 2-D path, the sequence with its marked positions, the shopping session. Only
``show_inputs`` draws (and imports streamlit); everything above it is plain.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ui.figures import classify
from ui.i18n import translate

SHOWN = {"gesture": 4, "sentiment": 4, "temporal-order": 4, "adding": 3, "next-action": 3}
FIGURES = ("gesture", "adding")  # drawn as live charts; the others as HTML
TOP_K = 3  # next actions listed with their probability
SESSION_TAIL = 14  # actions of a session shown before the next one
TEXT_CHARS = 90  # characters of a real review shown (the rest is cut with "…")
NEGATION_WORDS = {"not", "isn't", "never", "不", "不是", "并不", "but", "但是"}


@dataclass(frozen=True)
class Example:
    """One validation sequence: its input, the true answer and what the model said."""

    index: int  # position in the trainer's validation batch
    x: np.ndarray  # (T,) token ids, or (T, I) values: exactly what the model read
    target: float | int  # the true class (or number, for adding)
    output: np.ndarray  # the head's output: (C,) probabilities, or (1,) for adding


def softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def has_input_view(task) -> bool:
    """Whether the task has a panel that shows its input beside its prediction."""
    return task.name in SHOWN


def examples(trainer, n: int | None = None) -> list[Example]:
    """The first ``n`` validation sequences with the model's output for each."""
    task = trainer.task
    n = min(n or SHOWN.get(task.name, 4), trainer.val_batch.B)
    batch = trainer.val_batch.subset(slice(0, n))
    out = trainer.predict(batch.x)  # (B, C) | (B, 1) | (T, B, V)
    rows = []
    for b in range(n):
        if task.kind == "next_token":  # the next action after the whole session
            x, y, o = batch.x[:, b], int(batch.y[-1, b]), softmax(out[-1, b])
        elif task.kind == "regression":
            x, y, o = batch.x[:, b], float(batch.y[b, 0]), out[b]
        else:
            x, y, o = batch.x[:, b], int(batch.y[b]), softmax(out[b])
        rows.append(Example(b, np.asarray(x), y, np.asarray(o, dtype=float)))
    return rows


def _ranked(probs: np.ndarray, names, k: int) -> list[tuple[str, float]]:
    order = np.argsort(-probs, kind="stable")[:k]
    return [(str(names[int(c)]), float(probs[int(c)])) for c in order]


def class_names(task, lang: str) -> list[str]:
    """The answers as the user reads them: the classes, or for next-action the actions."""
    if task.name == "next-action":
        return [translate(f"predict.action.{a}", lang) for a in task.vocab]
    return [task.class_name(c, lang) for c in range(task.spec.output_size)]


def _card(task, ex: Example, tokens, lang: str, k: int = 1, joined: bool = False):
    names = class_names(task, lang)
    return classify.Card(
        tokens=tokens,
        truth=names[int(ex.target)],
        ranked=_ranked(ex.output, names, k),
        right=int(np.argmax(ex.output)) == int(ex.target),
        joined=joined,
    )


def sentiment_tokens(task, x: np.ndarray) -> list[tuple[str, bool]]:
    """The words (or characters) of a sentence without its padding; negations and 'but'
    marked. A real review is cut after TEXT_CHARS characters."""
    words = [task.vocab[int(k)] for k in x if int(k) != 0]
    if task.corpus is not None:  # a real review: characters or jieba words, no spaces
        out, used = [], 0
        for w in words:
            if used >= TEXT_CHARS:
                return out + [("…", False)]
            out.append((w, False))
            used += len(w)
        return out
    return [(w, w in NEGATION_WORDS) for w in words]


def temporal_tokens(task, x: np.ndarray) -> list[tuple[str, bool]]:
    """Every symbol of the sequence; the two order symbols (X, Y) marked."""
    symbols = [task.vocab[int(k)] for k in x]
    return [(s, s in ("X", "Y")) for s in symbols]


def session_tokens(task, x: np.ndarray, lang: str) -> list[tuple[str, bool]]:
    """The last SESSION_TAIL actions of a session (earlier ones summed up as "…")."""
    actions = class_names(task, lang)
    names = [actions[int(k)] for k in x]
    tail = [(a, False) for a in names[-SESSION_TAIL:]]
    return ([("…", False)] if len(names) > SESSION_TAIL else []) + tail


def panel(trainer, lang: str, projector: bool):
    """("figure", go.Figure) or ("html", str): the input-and-prediction panel of the task."""
    task, rows = trainer.task, examples(trainer)
    if task.name == "gesture":
        return "figure", classify.gesture_figure(rows, class_names(task, lang), lang, projector)
    if task.name == "adding":
        return "figure", classify.adding_figure(rows, lang, projector, task.tolerance)
    if task.name == "next-action":
        cards = [_card(task, r, session_tokens(task, r.x, lang), lang, k=TOP_K) for r in rows]
        return "html", classify.cards_html(cards, "next", lang, projector)
    if task.name == "sentiment":  # characters and Chinese words are not spaced
        cards = []
        for r in rows:
            words = sentiment_tokens(task, r.x)
            joined = task.corpus is not None or not words[0][0].isascii()
            cards.append(_card(task, r, words, lang, joined=joined))
        return "html", classify.cards_html(cards, "words", lang, projector)
    cards = [_card(task, r, temporal_tokens(task, r.x), lang, joined=True) for r in rows]
    return "html", classify.cards_html(cards, "symbols", lang, projector)


def panel_height(trainer, projector: bool) -> int:
    """Chart height of a figure panel (gesture, adding)."""
    name = trainer.task.name
    return classify.panel_height(name, min(SHOWN[name], trainer.val_batch.B), projector)


def show_inputs(trainer, lang: str, projector: bool, version, chart) -> None:
    """Draw the panel on the page: a live chart (``chart``, the page's helper) or HTML."""
    import streamlit as st  # only the drawing needs it: the functions above stay plain

    from ui.i18n import t  # the session's language (t reads it from streamlit)

    st.markdown(f"**{t('predict.title')}**")
    st.caption(t(f"predict.caption.{trainer.task.name}"))
    if trainer.task.name not in FIGURES:
        st.html(panel(trainer, lang, projector)[1])
        return
    chart(
        lambda: panel(trainer, lang, projector)[1],
        "train_pred_chart",
        version,
        panel_height(trainer, projector),
    )
