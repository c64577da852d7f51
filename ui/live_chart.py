"""A Plotly chart that updates in place: ``live_chart(fig, key, height)``.

``st.plotly_chart`` derives its element id from the figure data in Streamlit 1.67, so every
data change remounts the chart (flicker, lost zoom). This component keeps one <div> per key
and calls ``Plotly.react`` on it with each new figure. plotly.min.js is the copy of the
installed plotly package's bundle in ``static/`` (``[server] enableStaticServing = true``),
loaded once per browser tab. ``isolate_styles=False``: inside a shadow root Plotly's CSS
does not apply and titles and colour bars land in the wrong place (see ../shared/NOTES.md).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from ui.figures.common import figure_table

PLOTLY_SRC = "app/static/plotly.min.js"  # relative to the page, so a base URL path works

_JS = """
const SRC = "%SRC%";

function loadPlotly() {
  if (window.Plotly) return Promise.resolve(window.Plotly);
  if (!window.__lstmPlotlyLoading) {
    window.__lstmPlotlyLoading = new Promise((resolve, reject) => {
      const s = document.createElement("script");
      s.src = SRC;
      s.async = true;
      s.onload = () => resolve(window.Plotly);
      s.onerror = () => {
        window.__lstmPlotlyLoading = null;
        reject(new Error("could not load " + SRC));
      };
      document.head.appendChild(s);
    });
  }
  return window.__lstmPlotlyLoading;
}

export default function (component) {
  const { data, parentElement } = component;
  if (data.preload) { loadPlotly(); return; }  // parse the library before the first chart
  let div = parentElement.querySelector("div.lstm-live-chart");
  if (!div) {
    div = document.createElement("div");
    div.className = "lstm-live-chart";
    parentElement.appendChild(div);
  }
  div.style.height = data.height + "px";
  div.style.width = "100%";
  const fig = JSON.parse(data.figure);
  loadPlotly().then((Plotly) => {
    Plotly.react(div, fig.data, fig.layout, {
      responsive: true, displaylogo: false, modeBarButtonsToRemove: ["select2d", "lasso2d"],
    });
  });
}
""".replace("%SRC%", PLOTLY_SRC)

# While a fragment tick runs (mostly training), Streamlit marks the previous tick's elements
# stale and fades them to 33% opacity: a live chart would pulse with every tick.
# (Two lines: Streamlit takes a one-line string with "[" for a file glob.)
_CSS = """/* live charts are never shown faded */
[data-stale="true"]:has(.lstm-live-chart) { opacity: 1 !important; transition: none !important; }
"""

_component = st.components.v2.component("lstm_live_chart", js=_JS, css=_CSS, isolate_styles=False)


def figure_payload(fig: go.Figure, key: str, height: int) -> dict:
    """The JSON the component receives: the figure (zoom kept across updates) and its height."""
    if fig.layout.uirevision is None:
        fig.layout.uirevision = key  # Plotly keeps the user's zoom while this is unchanged
    fig.layout.height = height
    return {"figure": fig.to_json(), "height": int(height)}


def preload(key: str) -> None:
    """Load plotly.min.js into the tab now, drawing nothing: a page whose first live chart
    comes after seconds of work (a quick model) does not then block the tab on parsing it."""
    _component(key=key, data={"preload": True}, height=0)


def live_chart(fig: go.Figure, key: str, height: int = 320) -> None:
    """Draw ``fig`` under ``key``; later calls with the same key update the same plot."""
    _component(key=key, data=figure_payload(fig, key, height), height=height)


_CACHE = "live_chart_payloads"  # session key: chart key -> (version, payload)


def live_chart_versioned(
    build: Callable[[], go.Figure], key: str, version: Hashable, height: int = 320
) -> go.Figure:
    """Like ``live_chart``, but calls ``build()`` only when ``version`` changes (e.g. the step
    of the last evaluation): charts whose data did not change cost nothing to redraw.
    Returns the figure drawn (built now or kept from the run that built it)."""
    cache = st.session_state.setdefault(_CACHE, {})
    hit = cache.get(key)
    if hit is None or hit[0] != version:
        fig = build()
        hit = cache[key] = (version, figure_payload(fig, key, height), fig)
    _component(key=key, data=hit[1], height=height)
    return hit[2]


def live_chart_with_table(
    build: Callable[[], go.Figure],
    key: str,
    version: Hashable,
    height: int,
    table: bool,
    frame: Callable[[], pd.DataFrame] | None = None,
) -> None:
    """``live_chart_versioned``, or (``table``) the chart rebuilt every time with its data as
    a table under it: the accessible alternative to the chart. ``frame``: that table, where
    the figure's own traces do not read as one (the live cell)."""
    if not table:
        live_chart_versioned(build, key, version, height)
        return
    fig = build()
    live_chart(fig, key, height)
    data = frame() if frame is not None else figure_table(fig)
    st.dataframe(data, height=200, hide_index=frame is None, key=f"{key}_table")
