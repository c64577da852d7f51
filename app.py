"""LSTM Playground: the home page. Where to start, the cell, and where to go next."""

import streamlit as st

from ui.classroom import projector_on
from ui.i18n import current_language, t
from ui.lesson_state import LESSONS, lesson_card
from ui.page import available_pages, setup
from ui.shared_figures import home_diagram

setup("home")
st.title(t("app.title"))
st.write(t("home.intro"))

# Where to start, above everything else: one large action, and the guided way beside it.
st.markdown(
    "<style>.st-key-home_start button, .st-key-home_start_lesson button { min-height: 3.4rem; }"
    " .st-key-home_start button p { font-size: 1.4rem; font-weight: 700; }"
    " .st-key-home_start_lesson button p { font-size: 1.15rem; }</style>",
    unsafe_allow_html=True,
)
start, lesson = st.columns([3, 2], vertical_alignment="center")
if start.button(
    t("home.start"), type="primary", icon=":material/play_arrow:", key="home_start", width="stretch"
):
    st.switch_page("pages/1_Train.py")
if lesson.button(
    t("home.start_lesson"), icon=":material/school:", key="home_start_lesson", width="stretch"
):
    st.switch_page("pages/8_Lessons.py")

st.subheader(t("home.diagram.title"))
st.plotly_chart(
    home_diagram(current_language(), projector_on()),
    width="stretch",
    config={"displayModeBar": False, "staticPlot": True},
    key="home_diagram",
)
st.caption(t("home.diagram.caption"))

st.subheader(t("home.pages.title"))
cols = st.columns(2)
for n, page in enumerate(p for p in available_pages() if p.key != "home"):
    with cols[n % 2]:
        st.page_link(page.path, label=t("nav." + page.key), icon=page.icon)
        st.caption(t("home.pages." + page.key))

st.subheader(t("home.lessons.title"))
if not LESSONS:
    st.caption(t("home.lessons.none"))
cols = st.columns(2)
for n, lesson in enumerate(LESSONS):
    with cols[n % 2]:
        lesson_card(lesson, prefix="home", details=False)
