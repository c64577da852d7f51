"""Teacher mode in the app: the key is typed once and the session remembers "teacher" (never
the key); the teacher's panel sets the class's settings.

Teacher powers: locked links a student cannot lift (signed with the server's secret), deleting
any saved run, closing the class gallery, and the number of students who train at once.
The key and the secret come from ``lstm_core.teacher``.
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from lstm_core import admission
from lstm_core.store import GALLERY, StoreError, Viewer, default_home
from lstm_core.teacher import TeacherError, attempts, key_matches, server_secret, teacher_key
from ui import owner
from ui.i18n import t

ON = "teacher_on"  # session key: True once the key was given in this session
FLASH = "teacher_flash"
KEY_FIELD = "teacher_key_field"
MAX_LIMIT = 64  # students training at once: the panel's largest choice


def is_teacher() -> bool:
    return bool(st.session_state.get(ON))


def viewer() -> Viewer:
    """Who is asking the run store: this browser's owner id, and teacher or not."""
    return Viewer(owner.owner_id(), is_teacher())


def secret() -> bytes:
    """The server's secret for signing links (environment, or the store folder's file)."""
    return server_secret(default_home())


def _session_id() -> str:
    ctx = get_script_run_ctx()
    return ctx.session_id if ctx else "no-session"


def try_key() -> None:
    """The key field's button: rate-limited, compared in constant time."""
    given = st.session_state.get(KEY_FIELD, "")
    st.session_state[KEY_FIELD] = ""  # the key never stays in a widget
    wait = attempts().wait_s(_session_id())
    if wait:
        st.session_state[FLASH] = ("error", t("teacher.wait", s=int(wait) + 1))
        return
    try:
        key = teacher_key(default_home())
    except TeacherError as e:
        st.session_state[FLASH] = ("error", t("teacher.bad_setting", message=str(e)))
        return
    if key is None:
        st.session_state[FLASH] = ("warning", t("teacher.no_key"))
    elif key_matches(given, key):
        st.session_state[ON] = True
        st.session_state[FLASH] = ("success", t("teacher.on"))
    else:
        st.session_state[FLASH] = ("error", t("teacher.wrong"))


def leave() -> None:
    st.session_state[ON] = False


def _set_gallery(run_store) -> None:
    value = "open" if st.session_state.get("teacher_gallery") else "closed"
    try:
        run_store.set_setting(GALLERY, value)
    except StoreError as e:
        st.session_state[FLASH] = ("error", str(e))


def _set_limit() -> None:
    admission.shared().set_limit(int(st.session_state["teacher_limit"]))


def panel(run_store) -> None:
    """The teacher's expander on the Saved runs page: the key, then the class's settings."""
    with st.expander(t("teacher.title"), icon=":material/school:", expanded=is_teacher()):
        msg = st.session_state.pop(FLASH, None)
        if msg:
            getattr(st, msg[0])(msg[1])
        if not is_teacher():
            st.caption(t("teacher.help"))
            st.text_input(t("teacher.key"), type="password", key=KEY_FIELD, max_chars=200)
            st.button(t("teacher.enter"), on_click=try_key, key="teacher_enter")
            return
        st.caption(t("teacher.powers"))
        st.session_state["teacher_gallery"] = run_store.gallery_open()
        st.toggle(
            t("teacher.gallery"),
            key="teacher_gallery",
            on_change=_set_gallery,
            args=(run_store,),
            help=t("teacher.gallery.help"),
        )
        gate = admission.shared()
        limit = MAX_LIMIT if gate.limit is None else min(MAX_LIMIT, gate.limit)
        st.session_state["teacher_limit"] = limit
        st.number_input(
            t("teacher.limit"),
            min_value=0,
            max_value=MAX_LIMIT,
            step=1,
            key="teacher_limit",
            on_change=_set_limit,
            help=t("teacher.limit.help"),
        )
        st.button(t("teacher.leave"), on_click=leave, key="teacher_leave")
