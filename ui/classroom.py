"""Classroom links in the app: open a shared link, keep the URL in step with the run, and the
teacher's flags (locked / hidden controls, projector mode).

``ui.page.setup`` calls ``open_link`` (first run of a session: the URL's configuration,
language and flags) and ``after_setup`` (projector style, notices about clamped values, URL
sync); ``ui.page.lesson_box`` draws the lesson in progress under the page's title. The
Train page's controls ask ``is_hidden(name)`` / ``is_locked(name)`` through ``widget``.
Encoding and clamping are pure functions in ``ui.links``.
"""

from __future__ import annotations

import streamlit as st

from lstm_core.config import TrainConfig
from ui import lesson_state, links, state
from ui.i18n import current_language, t
from ui.nav import LANG, page_path
from ui.qr import qr_png

OPENED = "link_opened"  # set once the session has read its URL
FLAGS = "classroom_flags"  # {"lock": tuple, "hide": tuple, "projector": bool}
NOTICES = "link_notices"  # list[links.Change] to show until dismissed

# Larger type everywhere (Streamlit sizes in rem), black text and strong borders. Chart lines
# are thickened by the figure builders (``projector=``), each by its role: a rule here would
# give every line one width and hide a prediction under its target.
PROJECTOR_CSS = """
<style>
html { font-size: 20px; }
.stApp, .stApp p, .stApp li, .stApp label, .stMarkdown { color: #000000 !important; }
[data-testid="stMetricValue"] { font-size: 1.6rem; font-weight: 700; }
[data-testid="stWidgetLabel"] p { font-weight: 600; }
button, [data-baseweb="select"] > div, input {
    border-width: 2px !important; border-color: #000 !important;
}
[data-testid="stSidebar"] { background: #ffffff; border-right: 2px solid #000; }
</style>
"""


def flags() -> dict:
    return st.session_state.get(FLAGS, {"lock": (), "hide": (), "projector": False})


def is_hidden(name: str) -> bool:
    return name in flags()["hide"]


def is_locked(name: str) -> bool:
    return name in flags()["lock"]


def projector_on() -> bool:
    try:
        return bool(flags()["projector"])
    except Exception:  # outside a script run (a figure built by a test or the CLI)
        return False


def widget(name: str, draw, *args, key: str, **kwargs):
    """Draw a control unless the teacher's link hides it (then its stored value stands);
    a locked control is drawn disabled. ``draw`` is e.g. ``st.selectbox`` or ``col.slider``."""
    if is_hidden(name):
        return st.session_state.get(key)
    kwargs["disabled"] = bool(kwargs.get("disabled")) or is_locked(name)
    return draw(*args, key=key, **kwargs)


def open_link(page_key: str) -> None:
    """On a session's first run: take configuration, language and flags from the URL; open
    the link's page. Values that were changed on the way are kept for ``after_setup``."""
    if st.session_state.get(OPENED):
        return
    st.session_state[OPENED] = True
    params = st.query_params.to_dict()
    if not params:
        return
    link = links.decode(params)
    changes = list(link.changes)
    lock, hide, sig = _checked_locks(params, link, changes)
    st.session_state[FLAGS] = {"lock": lock, "hide": hide, "projector": link.projector, "sig": sig}
    if link.lang and "lang" in params:
        st.session_state[LANG] = link.lang
    if links.has_config(params):
        try:
            state.reset_trainer(link.config)
        except Exception as e:  # noqa: BLE001 -- a link never crashes the app
            changes.append(links.Change("task", str(e)[:120], "defaults", "build"))
            state.reset_trainer(TrainConfig())
    st.session_state[NOTICES] = changes
    target = link.page or page_key
    path = page_path(target)
    if path is None:
        st.session_state[NOTICES].append(links.Change("page", target, page_key, "choice"))
    elif target != page_key:
        st.switch_page(path)


def _checked_locks(params: dict, link: links.Link, changes: list) -> tuple:
    """(lock, hide, signature) of a link: only a teacher's signed locks are taken; unsigned
    or tampered ones are refused and noted in ``changes``."""
    if not link.lock and not link.hide:
        return (), (), ""
    from ui import teacher_mode  # lazy: the run store (sqlalchemy) loads only for locked links

    try:
        verdict = links.signature_state(params, teacher_mode.secret())
    except (OSError, ValueError):  # no secret can be read or made: no lock can be trusted
        verdict = "unsigned"
    if verdict == "valid":
        return link.lock, link.hide, str(params.get(links.SIG, ""))
    changes.append(links.Change("lock", ",".join(link.lock + link.hide), "", verdict))
    return (), (), ""


def _with_signature(params: dict, lock, hide) -> dict:
    """The teacher's links are signed afresh; a student's keep the signature they came with
    (valid while the locked values are unchanged, which the disabled controls ensure)."""
    if not (lock or hide):
        return params
    from ui import teacher_mode  # lazy: the run store (sqlalchemy) loads only for locked links

    if teacher_mode.is_teacher():
        return links.sign(params, teacher_mode.secret())
    sig = flags().get("sig")
    return {**params, links.SIG: sig} if sig else params


def _dismiss() -> None:
    st.session_state[NOTICES] = []


def notice_lines(changes: list) -> list[str]:
    """One translated line per changed value."""

    def used(c) -> str:
        return t("links.defaults") if c.used == "defaults" else (c.used or "–")

    return [
        t(f"links.why.{c.why}", name=_plain(c.key), given=_plain(c.given), used=_plain(used(c)))
        for c in changes
    ]


def _plain(text: str, limit: int = 40) -> str:
    """A link's text shown inside backticks: no backtick or line break can end the code span
    (a tampered link must not inject markdown), and at most ``limit`` characters."""
    text = " ".join(str(text).replace("`", "'").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def after_setup(page_key: str) -> None:
    """Projector style and the notice about a shared link's changed values (the lesson box
    comes under the page's title: ``lesson_box``)."""
    if projector_on():
        st.markdown(PROJECTOR_CSS, unsafe_allow_html=True)
    changes = st.session_state.get(NOTICES)
    if changes:
        lines = "\n".join(f"- {line}" for line in notice_lines(changes))
        st.warning(f"**{t('links.changed')}**\n\n{lines}", icon=":material/link:")
        st.button(t("links.dismiss"), key="link_dismiss", on_click=_dismiss)
    sync_url(page_key)


def lesson_box(page_key: str) -> None:
    """The prompts of the lesson in progress, when it belongs to this page."""
    path = page_path(page_key)
    if path:
        lesson_state.banner(path)


def current_params(page_key: str) -> dict[str, str]:
    f = flags()
    params = links.encode(
        state.get_config(),
        page=page_key,
        lang=current_language(),
        lock=f["lock"],
        hide=f["hide"],
        projector=f["projector"],
    )
    return _with_signature(params, f["lock"], f["hide"])


def sync_url(page_key: str) -> None:
    """Write the session's configuration into the address bar (replaces, never reruns)."""
    params = current_params(page_key)
    if st.query_params.to_dict() != params:
        st.query_params.from_dict(params)


def base_url() -> str:
    try:
        url = st.context.url or ""
    except Exception:  # noqa: BLE001 -- no browser (AppTest)
        url = ""
    return url.split("?")[0] or "http://localhost:8501/"


def share_link(page_key: str = "train") -> str:
    """The "Share" affordance: a copyable link to this configuration, with the teacher's
    options (projector, locked and hidden controls). Returns the link."""
    with st.popover(t("links.share"), icon=":material/link:"):
        st.caption(t("links.share.help"))
        projector = st.toggle(
            t("links.projector"), key="link_projector", value=flags()["projector"]
        )
        lock, hide = _lock_choices()
        args = (state.get_config(), page_key, current_language())
        flags_ = {"lock": lock, "hide": hide, "projector": projector}
        short = links.encode_short(*args, **flags_)  # only what differs from the defaults
        short = _with_signature(short, lock, hide)
        url = f"{base_url()}?{links.query_string(short)}"
        st.code(url, language=None, wrap_lines=True)
        st.image(qr_png(url), caption=t("links.qr"), width=220)
        with st.expander(t("links.full")):
            full = _with_signature(links.encode(*args, **flags_), lock, hide)
            st.code(f"{base_url()}?{links.query_string(full)}", language=None, wrap_lines=True)
    sync_url(page_key)
    return url


def _lock_choices() -> tuple:
    """The teacher picks the controls to lock and hide; a student's link keeps the session's
    own (signed) locks and cannot add or lift any."""
    from ui import teacher_mode  # lazy: the run store (sqlalchemy); only the Share box needs it

    names = list(links.CONTROLS)
    if not teacher_mode.is_teacher():
        st.caption(t("teacher.lock_needs_key"))
        return flags()["lock"], flags()["hide"]
    lock = st.multiselect(
        t("links.lock"),
        names,
        key="link_lock",
        format_func=lambda n: t(f"links.control.{n}"),
        placeholder=t("links.lock.none"),
    )
    hide = st.multiselect(
        t("links.hide"),
        names,
        key="link_hide",
        format_func=lambda n: t(f"links.control.{n}"),
        placeholder=t("links.hide.none"),
    )
    return tuple(lock), tuple(hide)
