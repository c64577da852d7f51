"""Shared by the AppTest files: open the app on a page with a prepared session, press a
button, read the arrays of a Plotly figure's JSON."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def open_page(page: str, timeout: float = 30, **session) -> AppTest:
    """A new session: the home page runs, ``session`` goes into its state, then ``page`` runs."""
    at = AppTest.from_file(APP, default_timeout=timeout)
    at.run()
    for key, value in session.items():
        at.session_state[key] = value
    at.switch_page(page)
    at.run()
    assert not at.exception, at.exception
    return at


def click(at: AppTest, key: str, timeout: float = 120) -> None:
    """Press the button ``key`` and run the script once."""
    at.button(key=key).click()
    at.run(timeout=timeout)
    assert not at.exception, at.exception


def plotly_array(a, dtype=None) -> np.ndarray:
    """A Plotly JSON array: a list, or a typed array ``{"dtype", "bdata"[, "shape"]}``
    (base64 of the raw values)."""
    if not isinstance(a, dict):
        return np.asarray(a, dtype=dtype)
    flat = np.frombuffer(base64.b64decode(a["bdata"]), dtype=np.dtype(a["dtype"]))
    shape = a.get("shape")
    out = flat.reshape([int(n) for n in str(shape).split(",")]) if shape else flat
    return out if dtype is None else out.astype(dtype)


def live_figure(at: AppTest, key: str) -> dict:
    """The figure JSON the live chart ``key`` (ui.live_chart) received in the last run."""
    (el,) = [e for e in at.get("bidi_component") if e.proto.id.endswith(key)]
    data = json.loads(el.proto.json)
    if "figure" not in data:  # sent in an earlier run: the run sent only its token
        _version, payload, _fig, token = at.session_state["live_chart_payloads"][key]
        assert data["token"] == token
        return json.loads(payload["figure"])
    return json.loads(data["figure"])


def live_data(at: AppTest, key: str) -> dict:
    """Everything the live chart ``key`` received in the last run."""
    (el,) = [e for e in at.get("bidi_component") if e.proto.id.endswith(key)]
    return json.loads(el.proto.json)


def live_overlay(at: AppTest, key: str) -> dict | None:
    """What the live chart ``key`` received to draw over its figure (cursor, unit), or None."""
    return live_data(at, key).get("overlay")
