"""Lessons: eight guided stories. Each sets the task, model and training settings, then opens
the page to watch; the prompts stay on that page while the lesson is on."""

import streamlit as st

from ui.i18n import t
from ui.lesson_state import LESSONS, lesson_card
from ui.page import PAGES, setup

setup("lessons")
st.title(t("lessons.title"))
st.write(t("lessons.intro"))
page_names = {p.path: t(f"nav.{p.key}") for p in PAGES}
for n, lesson in enumerate(LESSONS, start=1):
    with st.container(border=True):
        st.caption(f"{n} / {len(LESSONS)} · " + t("lessons.opens", page=page_names[lesson.page]))
        lesson_card(lesson, prefix="lessons")
