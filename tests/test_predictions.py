"""The prediction rows of token tasks: aligned columns, visible whitespace, the legal set of
tasks with several correct answers, and separate, wrapping tokens."""

from __future__ import annotations

from html.parser import HTMLParser

import numpy as np

from lstm_core.tasks import make_task
from ui.figures.predictions import blocks, prediction_steps, rows_html, visible
from ui.train_view import text_rows

LABELS = {k: k for k in ("input", "target", "prediction", "errors", "legal")}


class _Rows(HTMLParser):
    """Tables -> list of {row label: [cell texts]}."""

    def __init__(self):
        super().__init__()
        self.tables, self.cell = [], None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append({})
        elif tag == "tr":
            self.row = []
        elif tag in ("td", "th"):
            self.cell = ""

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self.row.append(self.cell)
            self.cell = None
        elif tag == "tr":
            self.tables[-1][self.row[0]] = self.row[1:]

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data


def parse(html: str) -> list[dict]:
    p = _Rows()
    p.feed(html)
    return p.tables


def test_whitespace_is_visible_and_every_row_has_one_cell_per_step():
    task = make_task("text", source="custom", text="a b\tc d\n" * 100)
    ids = [task.vocab.index(ch) for ch in "a\tb\nc d"]
    pred = [task.vocab.index(ch) for ch in "\tb\nc dd"]
    tables = parse(text_rows(task, ids, ids[1:] + ids[:1], pred, LABELS))
    assert len(tables) == 1
    rows = tables[0]
    assert {len(cells) for cells in rows.values()} == {7}  # aligned: one column per step
    assert rows["input"] == ["a", "→", "b", "↵", "c", "·", "d"]
    assert rows["prediction"][:4] == ["→", "b", "↵", "c"]
    target = ["→", "b", "↵", "c", "·", "d", "a"]
    assert rows["target"] == target
    marks = ["^" if p != t else "" for p, t in zip(rows["prediction"], target, strict=True)]
    assert rows["errors"] == marks
    assert visible("a\n\tb ") == "a↵→b·"


def test_reber_marks_a_prediction_wrong_only_when_the_grammar_forbids_it():
    task = make_task("reber", seq_len=40)
    batch = task.validation(0).subset([0])
    legal = task.legal_targets(batch)[:, 0]  # (T, V)
    y = batch.y[:, 0]
    assert legal[np.arange(len(y)), y].all()  # the sampled target is always legal
    branch = np.flatnonzero(legal.sum(axis=1) > 1)
    assert len(branch), "a Reber string has branches"
    pred = y.copy()
    for k in branch:  # the other legal branch: right, though not the sampled target
        pred[k] = [v for v in np.flatnonzero(legal[k]) if v != y[k]][0]
    illegal = int(np.flatnonzero(~legal[0])[0])
    pred[0] = illegal
    html = text_rows(task, batch.x[:, 0], y, pred, LABELS, legal)
    cells = [c for table in parse(html) for c in table["errors"]]
    assert cells[0] == "^" and cells[1:].count("^") == 0
    shown = [c for table in parse(html) for c in table["legal"]]
    assert shown[branch[0]] == "/".join(task.vocab[v] for v in np.flatnonzero(legal[branch[0]]))
    assert task.metric.name and make_task("copy").legal_targets(batch) is None


def test_next_action_tokens_get_a_cell_each_and_wrap_into_blocks():
    task = make_task("next-action", seq_len=80)
    batch = task.validation(0).subset([0])
    y = batch.y[:, 0]
    html = text_rows(task, batch.x[:, 0], y, y, LABELS)
    tables = parse(html)
    assert len(tables) > 1  # 80 words do not fit one line
    targets = [c for table in tables for c in table["target"]]
    assert targets == [task.vocab[int(k)] for k in y]
    for table in tables:
        assert sum(len(c) + 1 for c in table["target"]) <= 60 + 7


def test_blocks_keep_every_step_once_and_in_order():
    steps = prediction_steps(None, [0, 1] * 50, [0, 0] * 50, ["ab", "c"])
    parts = blocks(steps, line_chars=10)
    assert [s for b in parts for s in b] == steps and all(parts)
    assert "&lt;" in rows_html(prediction_steps(None, [0], [0], ["<"]), LABELS)


def test_brackets_rows_align_target_and_prediction():
    task = make_task("brackets", seq_len=12)
    rows = parse(text_rows(task, np.array([0, 0, 1, 1]), [1, 2, 1, 0], [1, 2, 2, 0], LABELS))[0]
    assert rows == {
        "input": list("(())"),
        "target": list("1210"),
        "prediction": list("1220"),
        "errors": ["", "", "^", ""],
    }
