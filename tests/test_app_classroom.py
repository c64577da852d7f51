"""AppTest of the classroom features: shared links (open, reproduce, clamp), teacher flags,
projector mode, language switching with state kept, and lessons."""

import pytest
from apptest_helpers import APP
from streamlit.testing.v1 import AppTest

from lstm_core import gradients
from lstm_core.config import ModelConfig, OptimConfig, TrainConfig
from lstm_core.train import Trainer
from ui import links, state, teacher_mode
from ui.figures import common
from ui.lesson_state import ACTIVE
from ui.lessons import BY_KEY, LESSONS

CFG = TrainConfig(
    task="adding",
    task_knobs={"seq_len": 20},
    model=ModelConfig(hidden_size=8),
    optim=OptimConfig(lr=0.005, batch_size=8),
    seed=7,
    eval_every=5,
)


def open_link(params: dict) -> AppTest:
    """A new session opened on the home page's address with ``params`` (as a shared link)."""
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params.update(params)
    at.run()
    assert not at.exception, at.exception
    return at


def test_a_shared_link_opens_its_page_with_its_values_and_reproduces_the_curve():
    at = open_link(links.encode(CFG, "train", "en"))
    assert at.title[0].value == "Train"  # the home page's address opened the Train page
    assert at.session_state[state.CONFIG] == links.normalized(CFG)
    assert at.selectbox(key="train_task").value == "adding"
    assert at.select_slider(key="train_hidden").value == 8
    assert at.select_slider(key="train_lr").value == 0.005
    assert at.number_input(key="train_seed").value == 7
    assert not at.warning  # a clean link: no notice
    for _ in range(6):
        at.button(key="train_step").click().run()
    ref = Trainer(CFG)
    ref.step(6)
    got = at.session_state[state.TRAINER].history
    assert got.loss == ref.history.loss and got.val_loss == ref.history.val_loss


def test_bad_link_values_are_clamped_with_a_visible_notice():
    at = open_link(
        {"page": "train", "task": "adding", "k.seq_len": "9999", "hidden": "x", "lr": "50"}
    )
    cfg = at.session_state[state.CONFIG]
    assert cfg.task_knobs["seq_len"] == 200 and cfg.model.hidden_size == 32
    assert cfg.optim.lr == 10.0
    (notice,) = at.warning
    assert "`k.seq_len` = `9999` is out of range; used 200" in notice.value
    assert "`hidden` = `x` is not a number; used 32" in notice.value
    assert "`lr` = `50` is out of range; used 10.0" in notice.value
    at.button(key="link_dismiss").click().run()
    assert not at.warning and not at.exception


def test_a_link_cannot_inject_markdown_into_its_notice():
    at = open_link({"page": "train", "hidden": "1`](http://evil)` **x**\n# big", "zz" * 40: "1"})
    (notice,) = at.warning
    assert "- `hidden` = `1'](http://evil)' **x** # big` is not a number; used 32" in notice.value
    assert "\n# big" not in notice.value and "zz" * 40 not in notice.value


def test_garbage_link_never_crashes_and_the_notice_is_translated():
    at = open_link({"page": "nowhere", "task": "csv", "lang": "zh", "cell": "☃", "seed": "1e99"})
    assert at.title[0].value == "LSTM 游乐场"  # unknown page: the page the link was opened on
    (notice,) = at.warning
    assert "已作如下修改" in notice.value and "`page` = `nowhere`" in notice.value
    assert "需要你自己的数据" in notice.value  # csv cannot travel in a link
    assert at.session_state[state.CONFIG].seed == 2**31 - 1


def teacher_link(params: dict) -> dict:
    """``params`` signed as the teacher's app signs them (the server's secret)."""
    return links.sign(params, teacher_mode.secret())


def test_teacher_link_locks_and_hides_controls():
    locked = {**links.encode(CFG, "train", "en"), "lock": "lr,task", "hide": "engine,seed"}
    at = open_link(teacher_link(locked))
    assert at.select_slider(key="train_lr").disabled
    assert at.selectbox(key="train_task").disabled
    assert not at.select_slider(key="train_hidden").disabled
    assert not [r for r in at.radio if r.key == "train_engine"]
    assert not [n for n in at.number_input if n.key == "train_seed"]
    at.select_slider(key="train_hidden").set_value(16).run()  # an unlocked change still works
    cfg = at.session_state[state.CONFIG]
    assert cfg.model.hidden_size == 16 and cfg.model.engine == "torch" and cfg.seed == 7
    assert at.query_params["lock"] == "lr,task" and at.query_params["hide"] == "engine,seed"
    # the URL keeps the teacher's signature: a reload keeps the locks
    assert links.signature_state(dict(at.query_params), teacher_mode.secret()) == "valid"


@pytest.mark.parametrize("kind", ["unsigned", "tampered"])
def test_a_lock_not_signed_by_the_teacher_is_refused_with_a_notice(kind):
    locked = {**links.encode(CFG, "train", "en"), "lock": "lr", "hide": "seed"}
    params = locked if kind == "unsigned" else {**teacher_link(locked), "lr": "10.0"}
    at = open_link(params)
    assert not at.select_slider(key="train_lr").disabled  # no lock was taken
    assert [n for n in at.number_input if n.key == "train_seed"]  # nothing hidden either
    notice = at.warning[0].value
    assert ("not signed by the teacher" if kind == "unsigned" else "changed after") in notice
    assert "lock" not in at.query_params


def test_a_students_share_link_keeps_the_teachers_locks():
    at = open_link(teacher_link({**links.encode(CFG, "train", "en"), "lock": "lr"}))
    at.select_slider(key="train_hidden").set_value(16).run()
    assert not at.multiselect  # a student cannot pick locks to lift or add
    params = dict(at.query_params)
    assert params["lock"] == "lr" and params["hidden"] == "16"
    assert links.signature_state(params, teacher_mode.secret()) == "valid"


def test_projector_mode_styles_the_page_and_the_figures():
    at = open_link({"page": "train", "projector": "1"})
    assert any("html { font-size: 20px; }" in m.value for m in at.markdown)
    plain = common.base_layout("t")["font"]["size"]
    big = common.base_layout("t", projector=True)
    fig = common.make_figure([{"type": "scatter", "y": [1], "line": {"width": 3}}], big, True)
    assert big["font"]["size"] > plain and big["title"]["font"]["size"] > plain
    assert fig.data[0].line.width > 3
    assert common.base_layout("t")["font"]["size"] == plain  # only when asked for


def test_switching_language_keeps_the_run():
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state[state.CONFIG] = CFG
    at.run()
    at.switch_page("pages/1_Train.py").run()
    for _ in range(3):
        at.button(key="train_step").click().run()
    losses = list(at.session_state[state.TRAINER].history.loss)
    at.selectbox(key="nav_lang").set_value("zh").run()
    assert at.title[0].value == "训练" and not at.exception
    tr = at.session_state[state.TRAINER]
    assert tr.steps == 3 and tr.history.loss == losses
    assert at.session_state[state.CONFIG] == links.normalized(CFG)
    assert at.query_params["lang"] == "zh"


def test_the_address_follows_the_run_and_the_share_link_carries_it():
    at = open_link(links.encode(CFG, "train", "en"))
    at.select_slider(key="train_lr").set_value(0.02).run()
    at.run()
    assert at.query_params["lr"] == "0.02"
    short, full = [c.value for c in at.code if "?page=train" in c.value]
    for code in (short, full):
        shared = links.decode(dict(p.split("=", 1) for p in code.split("?")[1].split("&")))
        assert shared.config == links.normalized(at.session_state[state.CONFIG])
        assert shared.config.optim.lr == 0.02 and shared.changes == []
    assert len(short) < len(full) / 2 and "lr=0.02" in short  # only what differs
    assert at.get("image"), "no QR code"


@pytest.mark.parametrize("key", [lesson.key for lesson in LESSONS])
def test_starting_a_lesson_sets_it_up_and_opens_its_page(key):
    lesson = BY_KEY[key]
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("pages/8_Lessons.py").run()
    assert len([b for b in at.button if b.key.startswith("lessons_lesson_")]) == len(LESSONS)
    at.button(key=f"lessons_lesson_{key}").click().run()
    assert not at.exception, at.exception
    assert at.session_state[ACTIVE] == key
    assert links.normalized(at.session_state[state.CONFIG]) == links.normalized(lesson.config)
    from ui.i18n import translate
    from ui.page import PAGES

    page = next(p for p in PAGES if p.path == lesson.page)
    title = translate("arena.title" if page.key == "arena" else f"nav.{page.key}", "en")
    assert at.title[0].value == title
    banner = [e for e in at.expander if e.label.startswith("Lesson: ")]
    assert banner and banner[0].label.endswith(_title(key))
    if key == "gates":
        assert at.session_state["sandbox_preset"] == "remember"
        assert at.toggle(key="sandbox_seq_on").value  # the story asks about a sequence
        assert at.text_input(key="sandbox_seq").value == "1, 0, 0, -1, 0" and not at.warning
    if key == "long_lags":
        assert at.session_state["arena_setup"]["preset"] == "long_lags"
    if key == "counting":
        assert at.session_state[state.TRAINER].steps == lesson.train_steps
    if key == "vanishing":  # the gradient preset's own training steps
        assert at.session_state[state.TRAINER].steps == gradients.preset("vanishing")[1]
    at.button(key="lesson_finish").click().run()
    assert ACTIVE not in at.session_state


def _title(key: str) -> str:
    from ui.i18n import translate

    return translate(f"lessons.{key}.title", "en")
