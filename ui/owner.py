"""Who owns a saved run: an anonymous owner per browser, kept across reloads.

The first time a browser saves or lists runs, it gets a random token (``secrets``), kept in a
cookie (``lstm_owner``, one year, SameSite=Strict) that a few lines of JavaScript write
(``st.html``); a reload or a new tab sends the cookie back and ``st.context.cookies`` reads
it. The store never sees the token itself, only its SHA-256 (the owner id): whoever reads the
database cannot act as a student. Clearing the browser's cookies, or another browser, is
another owner.
"""

from __future__ import annotations

import hashlib
import re
import secrets

import streamlit as st

COOKIE = "lstm_owner"
TOKEN = "owner_token"  # session key: this session's token
_VALID = re.compile(r"[A-Za-z0-9_-]{32,64}")
# The token is [A-Za-z0-9_-] only (token_urlsafe, or a cookie that matched _VALID): safe to
# put inside a JavaScript string.
_JS = """<script>
(function () {
  const secure = window.location.protocol === "https:" ? "; Secure" : "";
  document.cookie = "lstm_owner=TOKEN; path=/; max-age=31536000; SameSite=Strict" + secure;
})();
</script>"""


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


def remember() -> None:
    """Write the token into the browser's cookie unless it came from there (draws nothing)."""
    value = token()
    if _cookie() != value and _VALID.fullmatch(value):
        st.html(_JS.replace("TOKEN", value), unsafe_allow_javascript=True)
