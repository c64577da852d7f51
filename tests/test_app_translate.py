"""The translation views in the app: the Train page's table, top-3 and attention, Inside the
cell's hand-over, in English and Chinese; and the pure helpers behind them."""

import json

import numpy as np
import pytest
from apptest_helpers import open_page, plotly_array

from lstm_core.config import ModelConfig, OptimConfig, TrainConfig
from lstm_core.train import Trainer
from ui import state
from ui.figures import translate as figs
from ui.translate_view import translations, written

TRAIN, INSIDE = "pages/1_Train.py", "pages/2_Inside_the_cell.py"


def _trainer(attention="dot", steps=5):
    cfg = TrainConfig(
        task="translate",
        task_knobs={"direction": "en-zh", "largest": 999, "attention": attention},
        model=ModelConfig(hidden_size=16),
        optim=OptimConfig(batch_size=16),
        snapshot_every=5,
    )
    tr = Trainer(cfg)
    tr.step(steps)
    return tr


def test_marking_wrong_missing_and_extra_characters():
    assert figs.mark_output("三百一十二", "三百一十二") == [(c, False) for c in "三百一十二"]
    assert figs.mark_output("三百二", "三百一十二") == [
        ("三", False), ("百", False), ("二", True), (figs.MISSING, True), (figs.MISSING, True),
    ]  # fmt: skip
    assert figs.mark_output("12x", "12")[-1] == ("x", True)
    assert "color" in figs.marked_html("三百二", "三百一") and figs.marked_html("", "x")


def test_translations_are_the_models_greedy_outputs():
    tr = _trainer()
    data = translations(tr, 4)
    assert len(data["rows"]) == 4
    for i, row in enumerate(data["rows"]):
        assert row["output"] == tr.task.read(data["tokens"][:, i])
        chars = written(tr.task, data["tokens"][:, i])
        assert "".join(c for c in chars if c != "⟨/s⟩").startswith(row["output"])
    np.testing.assert_allclose(data["attention"].sum(-1), 1.0, atol=1e-5)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_train_page_shows_the_translation_views(lang):
    tr = _trainer()
    at = open_page(TRAIN, lang=lang, **{state.TRAINER: tr, state.CONFIG: tr.config})
    captions = " ".join(e.value for e in at.caption)
    assert ("Character accuracy" if lang == "en" else "字符准确率") in captions
    rows = translations(tr)["rows"]
    assert at.selectbox(key="translate_example").options == [r["source"] for r in rows]


def test_train_page_without_attention_says_so():
    tr = _trainer(attention="none")
    at = open_page(TRAIN, **{state.TRAINER: tr, state.CONFIG: tr.config})
    assert any("Attention is off" in e.value for e in at.info)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_inside_the_cell_shows_the_hand_over(lang):
    tr = _trainer(attention="none")
    at = open_page(INSIDE, lang=lang, **{state.TRAINER: tr})
    told = [c for c in at.get("plotly_chart") if "translate_told" in c.proto.id]
    assert len(told) == 1
    spec = json.loads(told[0].proto.spec)
    S = tr.probe.x.shape[0]
    c_S = tr.trace(tr.probe.x)[0]["c"][S - 1, 0]
    np.testing.assert_allclose(plotly_array(spec["data"][0]["y"], float), c_S, atol=1e-5)


def test_gradient_flow_page_explains_instead_of_failing():
    tr = _trainer(attention="none", steps=1)
    at = open_page("pages/4_Gradient_flow.py", **{state.TRAINER: tr})
    assert any("encoder-decoder" in e.value for e in at.info)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_arena_translation_preset_names_its_models(lang):
    at = open_page("pages/5_Arena.py")
    at.selectbox(key="arena_preset").set_value("translate_reverse")  # (labels read in English)
    at.run(timeout=120)
    at.session_state["lang"] = lang
    at.run(timeout=120)
    assert not at.exception, at.exception
    slot = at.selectbox(key="arena_slot_1")
    assert slot.value == ("lstm", "standard", (("reverse", True),))
    label = "LSTM (standard, with forget gate) · reversed source"
    label = label if lang == "en" else "LSTM（标准，有遗忘门） · 倒序源序列"
    assert label in slot.options  # the labels as drawn


def test_equations_page_explains_instead_of_failing():
    tr = _trainer(attention="none", steps=1)
    at = open_page("pages/6_Equations.py", **{state.TRAINER: tr})
    assert any("encoder-decoder" in e.value for e in at.info)
