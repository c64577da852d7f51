"""The Train page and the engine's messages in the session's language: task previews and knob
choices, the divergence message and the reasons a change needs a new run; the lesson box sits
under the page title."""

import json
import math
import re
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from lstm_core.config import ModelConfig, OptimConfig, TrainConfig
from lstm_core.problems import Problem
from lstm_core.tasks import TASKS
from lstm_core.train import NeedsReset, Trainer
from ui import state
from ui.i18n import problem_text

APP = str(Path(__file__).resolve().parent.parent / "app.py")
TRAIN = "pages/1_Train.py"
HAN = re.compile("[\u4e00-\u9fff]")
WORD = re.compile(r"[A-Za-z]{4,}")


def small(task: str, **knobs) -> TrainConfig:
    return TrainConfig(
        task=task,
        task_knobs=knobs,
        model=ModelConfig(hidden_size=4),
        optim=OptimConfig(batch_size=4),
        eval_every=5,
    )


def open_train(cfg: TrainConfig, lang: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["lang"] = lang
    at.session_state[state.CONFIG] = cfg
    at.run()
    at.switch_page(TRAIN).run()
    assert not at.exception, at.exception
    return at


def preview_titles(at) -> list[str]:
    (chart,) = [c for c in at.get("plotly_chart") if c.proto.id.endswith("train_preview_chart")]
    return [a["text"] for a in json.loads(chart.proto.spec)["layout"]["annotations"]]


# ----- the engine: bilingual texts
@pytest.mark.parametrize("name", list(TASKS))
def test_every_preview_has_a_caption_in_both_languages(name):
    for ex in TASKS[name].demo().preview(seed=0, n=3):
        en, zh = ex["caption"]["en"], ex["caption"]["zh"]
        assert isinstance(ex["label"], str) and bool(en) == bool(zh)
        assert zh != en or not WORD.search(en)  # English words have a translation


def test_word_choices_have_chinese_labels():
    for task, knob in (("sine", "shape"), ("sentiment", "language"), ("series", "dataset")):
        k = TASKS[task].demo().knob(knob)
        for choice in k.choices:
            assert HAN.search(k.choice_label(choice, "zh")), (task, choice)
            assert k.choice_label(choice, "en")
    assert TASKS["gesture"].demo().class_name(0, "zh") == "画圈"
    assert TASKS["sentiment"].demo().class_name(1, "en") == "positive"


def test_divergence_message_in_both_languages():
    tr = Trainer(small("adding", seq_len=10))
    tr._diverged(math.inf, math.nan, next(tr._batches))  # what step() calls on a bad loss
    assert tr.status == "diverged" and tr.problem.code == "diverged"
    assert problem_text(tr.problem, "en") == tr.message and "learning rate" in tr.message
    zh = problem_text(tr.problem, "zh")
    assert "学习率" in zh and f"第 {tr.steps + 1} 步" in zh and not WORD.search(zh)
    tr.pause(Problem("crashed", {"step": tr.steps, "error": "ValueError"}))  # ui.guard's pause
    assert "意外错误" in problem_text(tr.problem, "zh") and "unexpected" in tr.message
    tr.resume()
    assert problem_text(tr.problem, "zh") == "" and tr.message == ""


def test_reset_reasons_in_both_languages():
    cfg = small("adding", seq_len=10)
    tr = Trainer(cfg)
    tr.step(1)
    new = TrainConfig(**{**cfg.__dict__, "seed": 3, "model": ModelConfig(hidden_size=8)})
    with pytest.raises(NeedsReset) as e:
        tr.apply(new)
    assert e.value.reasons == [problem_text(p, "en") for p in e.value.problems]
    assert any("hidden size" in r for r in e.value.reasons)
    zh = [problem_text(p, "zh") for p in e.value.problems]
    assert len(zh) == 2 and all(HAN.search(r) and not WORD.search(r) for r in zh)
    assert any("隐藏单元数" in r for r in zh) and any("随机种子" in r for r in zh)


# ----- the page
@pytest.mark.parametrize(("task", "knobs"), [("adding", {"seq_len": 10}), ("sine", {})])
def test_train_page_in_chinese_shows_chinese_preview_titles(task, knobs):
    at = open_train(small(task, **knobs), "zh")
    titles = preview_titles(at)
    assert titles and all(HAN.search(t) and not WORD.search(t) for t in titles), titles
    en = preview_titles(open_train(small(task, **knobs), "en"))
    assert all(WORD.search(t) for t in en), en


def test_knob_choices_follow_the_language_switch():
    at = open_train(small("sine"), "zh")
    shape = at.selectbox(key="train_knob_sine_shape")
    assert shape.options[0] == "正弦波" and all(HAN.search(o) for o in shape.options)
    assert shape.value == "sine"  # the value stays the task's own name
    at.session_state["lang"] = "en"
    at.run()
    shape = at.selectbox(key="train_knob_sine_shape")
    assert shape.options[0] == "sine" and shape.value == "sine"


def test_reset_question_in_chinese():
    at = open_train(small("adding", seq_len=10), "zh")
    at.button(key="train_step").click().run()
    at.select_slider(key="train_hidden").set_value(8).run()
    (warning,) = [w for w in at.warning if "隐藏单元数" in w.value]
    assert "hidden" not in warning.value


def test_divergence_shows_in_chinese_on_the_page():
    at = open_train(small("adding", seq_len=10), "zh")
    tr = at.session_state[state.TRAINER]
    batch = next(tr._batches)
    tr._diverged(math.nan, math.nan, batch)
    at.run()
    (error,) = [e for e in at.error if "训练已停止" in e.value]
    assert problem_text(tr.problem, "zh") in error.value and not WORD.search(error.value)


def test_lesson_box_comes_under_the_title():
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("pages/8_Lessons.py").run()
    at.button(key="lessons_lesson_negation").click().run()
    assert not at.exception, at.exception
    kinds = [type(node).__name__ for node in at.main.children.values()]
    assert kinds.index("Title") < kinds.index("Expander")
    np.testing.assert_equal(at.title[0].value, "Train")


def test_long_equations_break_after_their_symbols():
    from ui.figures import equations as fe

    latex = fe.two_lines(r"f_t = \sigma(W x_t + b) = \sigma(0.1 + (-0.2)) = \sigma(a) = 0.5")
    assert latex == r"f_t = \sigma(W x_t + b) \\ = \sigma(0.1 + (-0.2)) \\ = \sigma(a) = 0.5"
    da = fe.two_lines(r"\delta a_i = \delta c_t\, g_t = (-0.1) \cdot 0.2 = 0.02")
    assert da == r"\delta a_i = \delta c_t\, g_t \\ = (-0.1) \cdot 0.2 = 0.02"
    assert fe.two_lines("h_t = 0.5") == "h_t = 0.5"  # short lines stay as they are
    assert fe.vec([1e-5, -2e-3, 0.5, 7.0]) == (
        r"\left[1.00 \times 10^{-5},\ (-0.0020),\ 0.500,\ \dots\right]"
    )


def test_switching_language_resends_select_boxes_relabelled():
    """The browser keeps a select box's last label unless the value is sent again."""
    at = open_train(small("sine"), "en")
    at.selectbox(key="nav_lang").set_value("zh").run()
    task = at.selectbox(key="train_task").proto
    assert task.set_value and task.raw_value == TASKS["sine"].title["zh"]
    shape = at.selectbox(key="train_knob_sine_shape").proto
    assert shape.set_value and shape.raw_value == "正弦波"
    assert at.session_state["train_task"] == "sine" and at.session_state["train_hidden"] == 4
    at.run()  # the next run does not send them again
    assert not at.selectbox(key="train_task").proto.set_value
