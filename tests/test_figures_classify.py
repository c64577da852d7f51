"""The input-and-prediction panel: what it shows is the trainer's own validation input and the
engine's own output for it (``Trainer.predict``), for every task that has the panel."""

from __future__ import annotations

import re
from html import unescape

import numpy as np
import pytest

from lstm_core.config import ModelConfig, OptimConfig, TrainConfig
from lstm_core.tasks import TASKS
from lstm_core.train import Trainer
from ui import predict_view as pv
from ui.figures import classify
from ui.i18n import translate

CARD = re.compile(
    r'<div class="pred-card" data-truth="([^"]*)" data-pred="([^"]*)" data-prob="([^"]*)" '
    r'data-right="(\d)".*?<div class="pred-input"[^>]*>(.*?)</div>',
    re.S,
)


def trained(task: str, steps: int = 4, **knobs) -> Trainer:
    cfg = TrainConfig(
        task=task,
        task_knobs=knobs,
        model=ModelConfig(hidden_size=8),
        optim=OptimConfig(batch_size=8),
        eval_every=1000,
    )
    tr = Trainer(cfg)
    tr.step(steps)
    return tr


def engine(tr: Trainer, n: int):
    """The oracle: the first n validation sequences and the engine's probabilities."""
    batch = tr.val_batch.subset(slice(0, n))
    out = tr.predict(batch.x)
    if tr.task.kind == "next_token":
        out = out[-1]  # the answer after the whole session
    e = np.exp(out - out.max(axis=-1, keepdims=True))
    return batch, e / e.sum(axis=-1, keepdims=True)


def cards(html: str) -> list[dict]:
    return [
        {
            "truth": unescape(t),
            "pred": unescape(p),
            "prob": float(q),
            "right": r == "1",
            "input": unescape(re.sub(r"<[^>]+>", "\x00", body)),
        }
        for t, p, q, r, body in CARD.findall(html)
    ]


def test_every_classification_task_has_the_panel():
    kinds = {name: cls.kind for name, cls in TASKS.items()}
    classification = {n for n, k in kinds.items() if k == "classification"}
    assert classification == {"sentiment", "temporal-order", "gesture"}
    assert classification | {"adding", "next-action"} == set(pv.SHOWN)
    assert all(pv.has_input_view(TASKS[n].demo()) for n in pv.SHOWN)
    assert not pv.has_input_view(TASKS["sine"].demo())


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_sentiment_cards_show_the_sentences_and_the_engines_answers(lang):
    tr = trained("sentiment")
    task, n = tr.task, pv.SHOWN["sentiment"]
    batch, probs = engine(tr, n)
    shown = cards(pv.panel(tr, lang, False)[1])
    assert len(shown) == n
    for b, card in enumerate(shown):
        assert card["input"].replace("\x00", "") == task.decode(batch.x[:, b])  # the sentence
        k = int(np.argmax(probs[b]))
        assert card["truth"] == task.class_name(int(batch.y[b]), lang)
        assert card["pred"] == task.class_name(k, lang)
        assert card["prob"] == pytest.approx(probs[b, k], abs=1e-6)
        assert card["right"] == (k == int(batch.y[b]))


def test_sentiment_marks_the_negations():
    tr = trained("sentiment", negation=1.0, language="en")
    html = pv.panel(tr, "en", False)[1]
    marked = [unescape(m) for m in re.findall(r"<mark[^>]*>([^<]*)</mark>", html)]
    assert marked and set(marked) <= pv.NEGATION_WORDS


def test_temporal_order_marks_exactly_the_two_order_symbols():
    tr = trained("temporal-order")
    n = pv.SHOWN["temporal-order"]
    batch, probs = engine(tr, n)
    html = pv.panel(tr, "en", False)[1]
    blocks = re.findall(r'<div class="pred-input"[^>]*>(.*?)</div>', html, re.S)
    for b, (card, block) in enumerate(zip(cards(html), blocks, strict=True)):
        symbols = "".join(tr.task.vocab[int(k)] for k in batch.x[:, b])
        assert re.sub(r"<[^>]+>", "", block) == symbols  # every step, in order
        marked = re.findall(r"<mark[^>]*>([^<]*)</mark>", block)
        assert marked == [s for s in symbols if s in "XY"] and len(marked) == 2
        assert card["truth"] == tr.task.classes[int(batch.y[b])]
        assert card["pred"] == tr.task.classes[int(np.argmax(probs[b]))]
        assert card["prob"] == pytest.approx(probs[b].max(), abs=1e-6)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_next_action_shows_the_session_and_the_top_three_next_actions(lang):
    tr = trained("next-action", seq_len=20)
    n = pv.SHOWN["next-action"]
    batch, probs = engine(tr, n)
    names = [translate(f"predict.action.{a}", lang) for a in tr.task.vocab]
    html = pv.panel(tr, lang, False)[1]
    answers = re.findall(r'<div class="pred-answer">(.*?)</div>', html, re.S)
    for b, (card, answer) in enumerate(zip(cards(html), answers, strict=True)):
        session = [names[int(k)] for k in batch.x[:, b]]
        shown = [w.strip() for w in card["input"].split("\x00") if w.strip()]
        assert shown == ["…", *session[-pv.SESSION_TAIL :]]
        assert card["truth"] == names[int(batch.y[-1, b])]  # what really came next
        top = np.argsort(-probs[b], kind="stable")[: pv.TOP_K]
        ranked = " · ".join(f"{names[k]} {probs[b, k]:.0%}" for k in top)
        assert ranked in unescape(re.sub(r"<[^>]+>", "", answer))
        assert card["pred"] == names[top[0]]


def test_gesture_is_drawn_as_its_path_with_equal_aspect():
    tr = trained("gesture")
    n = pv.SHOWN["gesture"]
    batch, probs = engine(tr, n)
    fig = pv.panel(tr, "en", False)[1]
    paths = [t for t in fig.data if t.mode == "lines"]
    assert len(paths) == n
    layout = fig.layout
    for b, path in enumerate(paths):
        np.testing.assert_allclose(path.x, batch.x[:, b, 0])
        np.testing.assert_allclose(path.y, batch.x[:, b, 1])
        ya = layout[f"yaxis{'' if b == 0 else b + 1}"]
        assert ya.scaleanchor == path.xaxis and ya.scaleratio == 1
        k = int(np.argmax(probs[b]))
        title = layout.annotations[b].text
        names = tr.task.class_labels["en"]
        assert title.startswith(f"{names[int(batch.y[b])]} → {names[k]} {probs[b, k]:.0%}")
        assert title.endswith("✓" if k == int(batch.y[b]) else "✗")
    starts = [t for t in fig.data if t.name == "start"]
    np.testing.assert_allclose([s.x[0] for s in starts], batch.x[0, :n, 0])
    ends = [t for t in fig.data if t.name == "end"]
    np.testing.assert_allclose([e.y[0] for e in ends], batch.x[-1, :n, 1])


def test_adding_highlights_the_two_marked_values_and_states_the_prediction():
    tr = trained("adding")
    n = pv.SHOWN["adding"]
    batch = tr.val_batch.subset(slice(0, n))
    pred = tr.predict(batch.x)[:, 0]
    fig = pv.panel(tr, "zh", False)[1]
    bars = [t for t in fig.data if t.type == "bar"]
    marks = [t for t in fig.data if t.type == "scatter"]
    for b in range(n):
        np.testing.assert_allclose(bars[b].y, batch.x[:, b, 0])
        where = np.flatnonzero(batch.x[:, b, 1] == 1)
        assert len(where) == 2
        np.testing.assert_array_equal(marks[b].x, where)
        np.testing.assert_allclose(marks[b].y, batch.x[where, b, 0])
        # the target is the adding rule applied to the two marked values
        assert batch.y[b, 0] == pytest.approx(0.5 + batch.x[where, b, 0].sum() / 4, abs=1e-6)
        title = fig.layout.annotations[b].text
        assert f"目标 {batch.y[b, 0]:.3f}" in title and f"预测 {pred[b]:.3f}" in title


def test_the_panel_follows_training():
    tr = trained("temporal-order", steps=1)
    before = [c["prob"] for c in cards(pv.panel(tr, "en", False)[1])]
    tr.step(20)
    after = [c["prob"] for c in cards(pv.panel(tr, "en", False)[1])]
    assert before != after


def test_projector_mode_is_larger():
    card = classify.Card([("a", False)], "x", [("x", 0.9)], True)
    assert "font-size:1.2rem" in classify.cards_html([card], "words", "en", projector=True)
    tr = trained("gesture", steps=1)
    big = pv.panel(tr, "en", True)[1].layout.annotations[0].font.size
    assert big > pv.panel(tr, "en", False)[1].layout.annotations[0].font.size
