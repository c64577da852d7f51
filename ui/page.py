"""Every page starts with ``setup("train")``: page config, one torch thread, language, sidebar;
a page that hosts lessons calls ``lesson_box()`` right under its title.

The sidebar draws translated ``st.page_link``s from ``ui.nav.PAGES`` (the default navigation
is hidden by ``client.showSidebarNavigation = false``). A new page is one line in ``PAGES``;
a page whose file does not exist yet is left out of the sidebar.
"""

from __future__ import annotations

import sys

import streamlit as st
from streamlit.errors import StreamlitAPIException

from lstm_core.runtime import single_thread, warm_up_later
from ui import classroom, keep
from ui.i18n import LANGUAGES, current_language, t
from ui.nav import LANG, available_pages
from ui.nav import PAGES as PAGES  # re-exported: pages read the menu from ui.page

# Less empty space around the page: charts get the width (projectors are often 1280 wide).
# Labels in narrow columns (metrics, toggles) wrap onto a second line instead of ending in "...".
_CSS = """<style>
[data-testid="stMainBlockContainer"] { padding: 2.5rem 2rem 2rem 2rem; max-width: 100%; }
[data-stale="true"]:has([data-testid="stMetric"]) { opacity: 1 !important; transition: none; }
.stMarkdownEllipsis, .stMarkdownEllipsis p {
    white-space: normal !important; text-overflow: clip !important; overflow: visible !important;
}
</style>"""
PAGE = "page_current"  # session key of the page being drawn (set by setup)
_LANG_WIDGET = "nav_lang"


def browser_language() -> str:
    """'zh' when the browser prefers Chinese, otherwise 'en' (the default)."""
    try:
        locale = st.context.locale or ""
    except Exception:  # no browser context (AppTest, bare mode)
        locale = ""
    return "zh" if locale.lower().startswith("zh") else "en"


def _one_torch_thread() -> None:
    """Sessions are threads of one process: one torch and one BLAS thread (runtime.py).
    A page that has not loaded torch (Home) leaves its import to a background thread, so a
    class opening a just-started server gets its first pages without waiting for torch."""
    if "torch" in sys.modules:
        single_thread()
    else:
        warm_up_later()


def _on_language_change() -> None:
    st.session_state[LANG] = st.session_state[_LANG_WIDGET]
    _relabel_widgets()


def _relabel_widgets() -> None:
    """Make every select box show its option in the new language. The browser keeps the
    label it last showed (options are stable values, labelled by ``format_func``) unless the
    script sets the value: setting each widget to its own value re-sends it, relabelled.
    Buttons and uploads cannot be set (and need no label): they are skipped."""
    for key in list(st.session_state):
        value = st.session_state[key]
        if key in (LANG, _LANG_WIDGET) or isinstance(value, bool):
            continue
        if isinstance(value, str | int | float):
            try:
                st.session_state[key] = value
            except StreamlitAPIException:
                pass


def setup(page_key: str) -> None:
    """Call first on every page: config, language, sidebar navigation."""
    if LANG not in st.session_state:
        st.session_state[LANG] = browser_language()
    st.session_state[PAGE] = page_key
    classroom.open_link(page_key)  # a shared link: configuration, language, teacher's flags
    st.set_page_config(page_title=f"{t('nav.' + page_key)} · {t('app.title')}", layout="wide")
    _one_torch_thread()
    st.markdown(_CSS, unsafe_allow_html=True)
    with st.sidebar:
        st.markdown(f"### {t('app.title')}")
        for page in available_pages():
            st.page_link(page.path, label=t("nav." + page.key), icon=page.icon)
        st.divider()
        st.session_state[_LANG_WIDGET] = current_language()
        st.selectbox(
            t("nav.language"),
            options=list(LANGUAGES),
            format_func=LANGUAGES.get,
            key=_LANG_WIDGET,
            on_change=_on_language_change,
        )
    classroom.after_setup(page_key)  # projector style, link notices
    keep.notices()  # a run a preset or lesson replaced: Undo


def lesson_box() -> None:
    """Call right after the page's title: the lesson in progress on this page, if any."""
    classroom.lesson_box(st.session_state.get(PAGE, ""))
