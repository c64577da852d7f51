"""LSTM Playground: the home page. What the app does, the cell, and where to go next."""

import streamlit as st

from ui.i18n import current_language, t
from ui.lesson_state import LESSONS, lesson_card
from ui.page import available_pages, setup
from ui.shared_figures import home_diagram

setup("home")
st.title(t("app.title"))
st.write(t("home.intro"))

st.subheader(t("home.diagram.title"))
st.plotly_chart(
    home_diagram(current_language()),
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
