"""Starting a lesson in the session: its run, the presets of its page, and the prompt box that
stays on that page while the lesson is on. Lessons themselves are data (``ui.lessons``)."""

from __future__ import annotations

import streamlit as st

from lstm_core import inside as ins
from ui import state
from ui.i18n import t
from ui.lessons import BY_KEY, LESSONS, Lesson
from ui.live_chart import preload
from ui.progress import bar, train_steps

ACTIVE = "lesson_active"  # key of the lesson in progress (non-widget)


def prepare(lesson: Lesson, progress=None) -> None:
    """Put ``lesson`` into the session: configuration, fresh run, page presets, steps (with
    ``progress``, a ``ui.progress.bar``, updated while they train)."""
    from lstm_core import gradients as gr  # lazy: torch; the Home page imports this module
    from ui import keep  # lazy: the run store and torch; the Home page imports this module

    keep.keep_run()  # a trained run is saved first, with Undo (ui.keep)
    state.reset_trainer(lesson.run_config())
    steps = lesson.train_steps
    if lesson.gradient:
        cfg, steps = gr.preset(lesson.gradient, seed=lesson.config.seed)
        state.reset_trainer(cfg)
    if lesson.arena:
        from ui import arena_state  # lazy: the arena loads torch; Home imports this module

        arena_state.keep_for_undo()
        arena_state.build(arena_state.default_setup(lesson.arena))
        arena_state.seed_widgets(force=True)
    if lesson.sandbox:
        cell = st.session_state.get("sandbox_cell")
        H, I = (len(cell["h_prev"]), len(cell["x"])) if cell else (1, 1)
        st.session_state["sandbox_cell"], st.session_state["sandbox_seq_text"] = ins.preset_cell(
            lesson.sandbox, H, I
        )
        st.session_state["sandbox_preset"] = lesson.sandbox
        for key in [k for k in st.session_state if str(k).startswith("sandbox_p_")]:
            del st.session_state[key]  # the sliders re-read the preset cell
        st.session_state.pop("sandbox_seq", None)
        st.session_state["sandbox_seq_on"] = lesson.sequence
    if steps:
        with state.trainer_turn() as mine:
            if mine:
                train_steps(state.get_trainer(), steps, t("lessons.preparing"), progress)
    # The Train page's widgets show the new configuration.
    for key in [k for k in st.session_state if str(k).startswith("train_")]:
        if key not in (state.CONFIG, state.RUNNING, state.SPEED):
            del st.session_state[key]
    st.session_state[ACTIVE] = lesson.key


def start(lesson: Lesson) -> None:
    """Prepare ``lesson`` and open its page (call from the script, not a callback)."""
    progress = bar(t("lessons.preparing"))  # up before the run is built (seconds when cold)
    preload("lesson_preload")  # the lesson's page draws live charts: Plotly parses meanwhile
    prepare(lesson, progress)
    st.switch_page(lesson.page)


def lesson_card(lesson: Lesson, prefix: str, details: bool = True) -> None:
    """A lesson's title, summary, story and prompts, and its Start button."""
    st.markdown(f"**{t(f'lessons.{lesson.key}.title')}**")
    st.caption(t(f"lessons.{lesson.key}.summary"))
    if details:
        with st.expander(t("lessons.read")):
            prompts(lesson)
    if st.button(t("lessons.start"), key=f"{prefix}_lesson_{lesson.key}", icon=":material/school:"):
        start(lesson)


def prompts(lesson: Lesson) -> None:
    k = lesson.key
    st.markdown(t(f"lessons.{k}.story"))
    st.info(
        f"**{t('lessons.predict')}** · {t(f'lessons.{k}.predict')}", icon=":material/psychology:"
    )
    st.markdown(f"**{t('lessons.run')}** · {t(f'lessons.{k}.run')}")
    st.markdown(f"**{t('lessons.look')}** · {t(f'lessons.{k}.look')}")


def _finish() -> None:
    st.session_state.pop(ACTIVE, None)


def banner(page_path: str) -> None:
    """On the page of the lesson in progress: its prompts, folded, and an End button."""
    lesson = BY_KEY.get(st.session_state.get(ACTIVE))
    if lesson is None or lesson.page != page_path:
        return
    with st.expander(
        t("lessons.active", title=t(f"lessons.{lesson.key}.title")),
        expanded=True,
        icon=":material/school:",
    ):
        prompts(lesson)
        st.button(t("lessons.finish"), key="lesson_finish", on_click=_finish)


__all__ = ["ACTIVE", "LESSONS", "banner", "lesson_card", "prepare", "start"]
