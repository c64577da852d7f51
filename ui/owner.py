"""Who owns a saved run: an anonymous owner per browser, kept across reloads.

The first time a browser saves or lists runs, it gets a random token (``secrets``), kept in a
cookie (``lstm_owner``, one year, SameSite=Strict) written by a tiny component; a reload or a
new tab sends the cookie back and ``st.context.cookies`` reads it. The store never sees the
token itself, only its SHA-256 (the owner id): whoever reads the database cannot act as a
student. Clearing the browser's cookies, or another browser, is another owner.
"""

from __future__ import annotations

import hashlib
import re
import secrets

import streamlit as st

COOKIE = "lstm_owner"
TOKEN = "owner_token"  # session key: this session's token
_VALID = re.compile(r"[A-Za-z0-9_-]{32,64}")
_JS = """
export default function (component) {
  const token = component.data && component.data.token;
  if (!token) return;
  const secure = window.location.protocol === "https:" ? "; Secure" : "";
  document.cookie = `lstm_owner=${token}; path=/; max-age=31536000; SameSite=Strict${secure}`;
}
"""
_component = st.components.v2.component("lstm_owner_cookie", js=_JS, isolate_styles=False)


def _cookie() -> str | None:
    try:
        value = st.context.cookies.get(COOKIE)
    except Exception:  # noqa: BLE001 -- no browser (AppTest, bare mode)
        return None
    return value if isinstance(value, str) and _VALID.fullmatch(value) else None


def token() -> str:
    """This browser's token: its cookie's, or a new one for this session."""
    if TOKEN not in st.session_state:
        st.session_state[TOKEN] = _cookie() or secrets.token_urlsafe(32)
    return st.session_state[TOKEN]


def owner_id() -> str:
    """The id the store keeps for this browser's runs."""
    return hashlib.sha256(token().encode("ascii")).hexdigest()[:32]


def remember(where: str) -> None:
    """Write the token into the browser's cookie unless it came from there (draws nothing;
    ``where`` names the call site, as each element of a page needs its own key)."""
    value = token()
    if _cookie() != value:
        _component(key=f"owner_cookie_{where}", data={"token": value}, height=0)
