"""English and Simplified Chinese: every visible string goes through ``t(key)``."""

from __future__ import annotations

import importlib
from functools import cache

from lstm_core.problems import Problem, describe
from ui.locales import AREAS

LANGUAGES = {"en": "English", "zh": "简体中文"}
DEFAULT = "en"


@cache
def catalogues() -> dict[str, dict[str, str]]:
    """Merge every area's EN/ZH dicts; a key defined twice is a bug."""
    merged: dict[str, dict[str, str]] = {"en": {}, "zh": {}}
    for area in AREAS:
        mod = importlib.import_module(f"ui.locales.{area}")
        for lang, table in (("en", mod.EN), ("zh", mod.ZH)):
            clash = merged[lang].keys() & table.keys()
            if clash:
                raise KeyError(f"keys defined twice in ui.locales.{area}: {sorted(clash)}")
            merged[lang].update(table)
    return merged


def translate(key: str, lang: str, **fmt) -> str:
    """The string for ``key`` in ``lang`` (falling back to English), formatted with ``fmt``."""
    table = catalogues()
    text = table.get(lang, table["en"]).get(key) or table["en"].get(key)
    if text is None:
        raise KeyError(f"no translation for {key!r}")
    return text.format(**fmt) if fmt else text


def current_language() -> str:
    import streamlit as st  # here only: the figure builders translate without streamlit

    lang = st.session_state.get("lang")
    return lang if lang in LANGUAGES else DEFAULT


def t(key: str, **fmt) -> str:
    """Translate ``key`` into the session's language."""
    return translate(key, current_language(), **fmt)


def problem_text(problem: Problem | None, lang: str | None = None) -> str:
    """What the engine reported (a code with parameters), worded in ``lang`` (default: the
    session's); a parameter that is a task's error is worded in the same language. None: ""."""
    if problem is None:
        return ""
    lang = lang or current_language()

    def word(error: Exception) -> str:
        message_in = getattr(error, "message_in", None)
        return message_in(lang) if message_in else str(error)

    return describe(problem, lambda code: translate(f"problem.{code}", lang), word)
