"""The lessons are well-formed: real tasks, knobs and presets; texts in both languages."""

import re

import pytest

from lstm_core import arena, gradients, inspect
from lstm_core.tasks import make_task
from lstm_core.train import Trainer, check_config
from ui.i18n import catalogues
from ui.lessons import LESSONS
from ui.page import PAGES

CJK = re.compile(r"[\u4e00-\u9fff]")
PARTS = ("title", "summary", "story", "predict", "run", "look")


def test_eight_lessons_from_the_issue_each_opening_a_page_of_the_app():
    assert len(LESSONS) == 8 and len({lesson.key for lesson in LESSONS}) == 8
    paths = {p.path for p in PAGES}
    assert {lesson.page for lesson in LESSONS} <= paths
    pages = {lesson.key: lesson.page for lesson in LESSONS}
    assert pages["gates"].endswith("Cell_sandbox.py")
    assert pages["long_lags"].endswith("Arena.py") and pages["forget"].endswith("Arena.py")
    assert pages["vanishing"].endswith("Gradient_flow.py")
    assert pages["counting"].endswith("Inside_the_cell.py")


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.key)
def test_each_lessons_run_builds_and_trains(lesson):
    cfg = lesson.run_config()
    check_config(cfg)
    task = make_task(cfg.task, **cfg.task_knobs)  # real task, real knobs, in range
    assert set(cfg.task_knobs) <= {k.name for k in task.knobs}
    tr = Trainer(cfg)
    assert tr.step(3) == 3 and len(tr.history.loss) == 3
    assert all(v == v for v in tr.history.loss)  # finite, no NaN
    assert lesson.run_config() is not lesson.config


def test_lesson_presets_name_real_presets_and_match_their_configs():
    by_key = {lesson.key: lesson for lesson in LESSONS}
    assert by_key["long_lags"].arena == "long_lags" and by_key["forget"].arena == "reber_nfg"
    for lesson in LESSONS:
        if lesson.arena:
            preset = arena.PRESETS[lesson.arena]
            assert preset.config == lesson.config
        if lesson.gradient:
            cfg, steps = gradients.preset(lesson.gradient)
            assert cfg == lesson.config and steps > 0
        if lesson.sandbox:
            assert lesson.sandbox in inspect.PRESETS
    nfg = [c.variant for c in arena.PRESETS["reber_nfg"].models]
    assert "nfg" in nfg and "standard" in nfg
    assert by_key["long_lags"].config.task == "adding"
    assert by_key["forget"].config.task == "reber"
    assert by_key["counting"].config.task == "brackets"
    assert by_key["negation"].config.task == "sentiment"
    assert by_key["forecast"].config.task == "series"
    assert by_key["tutorial"].config.task == "seed-example"


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.key)
def test_each_lesson_tells_its_story_in_english_and_chinese(lesson):
    en, zh = catalogues()["en"], catalogues()["zh"]
    for part in PARTS:
        key = f"lessons.{lesson.key}.{part}"
        assert en[key].strip() and zh[key].strip(), key
        assert CJK.search(zh[key]) and len(CJK.findall(en[key])) < 8, key  # en may quote 不好
        assert en[key] != zh[key]
    assert "?" in en[f"lessons.{lesson.key}.predict"]  # a question to answer before running
    assert "？" in zh[f"lessons.{lesson.key}.predict"]


def test_lesson_texts_match_what_the_lesson_opens():
    en, zh = catalogues()["en"], catalogues()["zh"]
    by_key = {lesson.key: lesson for lesson in LESSONS}
    # The forecast lesson names the shipped series it opens, with its years and sampling.
    from lstm_core.tasks.real_series import DATASETS

    data = DATASETS[by_key["forecast"].config.task_knobs["dataset"]]
    years = re.search(r"\d{4}-\d{4}", data.title["en"]).group()
    for lang, text, cadence in (("en", en, "yearly"), ("zh", zh, "年度")):
        story = text["lessons.forecast.story"]
        assert years in story and cadence in story and cadence in data.title[lang].lower(), lang
        assert "monthly" not in story and "月度" not in story
    # A lesson whose question is about a sequence opens the sandbox in sequence mode.
    for lesson in LESSONS:
        if lesson.sandbox:
            asks = "sequence" in en[f"lessons.{lesson.key}.predict"]
            assert lesson.sequence == asks, lesson.key
