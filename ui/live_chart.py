"""A Plotly chart that updates in place: ``live_chart(fig, key, height)``.

``st.plotly_chart`` derives its element id from the figure data in Streamlit 1.67, so every
data change remounts the chart (flicker, lost zoom). This component keeps one <div> per key
and calls ``Plotly.react`` on it with each new figure. plotly.min.js is the copy of the
installed plotly package's bundle in ``static/`` (``[server] enableStaticServing = true``),
loaded once per browser tab. ``isolate_styles=False``: inside a shadow root Plotly's CSS
does not apply and titles and colour bars land in the wrong place (see ../shared/NOTES.md).
"""

from __future__ import annotations

import base64
import json
import math
import time
from collections.abc import Callable, Hashable
from functools import partial

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from plotly.utils import PlotlyJSONEncoder

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

// The overlay: what moves with a cursor or unit (data.overlay, in the (x, y) axes' data
// coordinates: a cursor line; optionally dots on stems, outlined rows, texts) drawn as one
// SVG over the plot, placed with Plotly's own axis mapping, so a
// move never redraws the heatmaps. Redrawn after every Plotly draw (zoom, resize, new data).
const ESC = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" };
const esc = (text) => String(text).replace(/[&<>"]/g, (c) => ESC[c]);

// The cursor at pixel x: one segment over each subplot's height, so that it never runs
// through the titles between stacked subplots (a title starts where t = 0 is).
function cursorPath(x, fl) {
  const ids = (fl._subplots && fl._subplots.yaxis) || ["y"];
  const axes = ids.map((id) => fl["yaxis" + id.slice(1)]).filter((a) => a && a._length);
  if (!axes.length) return `M${x.toFixed(1)} ${fl._size.t}V${fl._size.t + fl._size.h}`;
  return axes.map((a) => `M${x.toFixed(1)} ${a._offset}V${a._offset + a._length}`).join("");
}

function overlaySvg(o, fl, clipId) {
  const xa = fl.xaxis, ya = fl.yaxis, size = fl._size, c = o.colour, font = fl.font || {};
  const X = (x) => (xa._offset + xa.l2p(x)).toFixed(1);
  const Y = (y) => (ya._offset + ya.l2p(y)).toFixed(1);
  const box = `x="${xa._offset}" y="${ya._offset}" width="${xa._length}" height="${ya._length}"`;
  let stems = "", dots = "", rows = "", texts = "";
  const d = o.dots || { x: [] }, zero = X(o.zero || 0);
  for (let k = 0; k < d.x.length; k++) {
    const x = X(d.x[k]), y = Y(d.y[k]);
    stems += `M${zero} ${y}H${x}`;
    dots += `<circle cx="${x}" cy="${y}" r="2.5" fill="${d.colour[k]}">` +
      `<title>${d.value[k].toFixed(3)}</title></circle>`;
  }
  for (const y of (o.rows || { y: [] }).y) {
    const x0 = X(o.rows.x0), x1 = X(o.rows.x1);
    rows += `M${x0} ${Y(y - 0.5)}H${x1}V${Y(y + 0.5)}H${x0}Z`;
  }
  if (o.text) {
    const tx = X(o.text.x);
    texts = o.text.y.map((y, k) =>
      `<text x="${tx}" y="${(Y(y) - 3).toFixed(1)}">${esc(o.text.text[k])}</text>`).join("");
  }
  const [lines, clips] = overlayLines(o.lines || [], fl, clipId);
  const cx = xa._offset + xa.l2p(o.cursor);
  const inside = cx >= xa._offset && cx <= xa._offset + xa._length;
  const cursor = !inside ? "" : `<path d="${cursorPath(cx, fl)}" ` +
    `stroke="${c.cursor}" stroke-width="2" stroke-dasharray="3,3"/>`;
  const type = `text-anchor="end" font-size="${font.size || 13}" ` +
    `font-family="${esc(font.family || "sans-serif")}" fill="${font.color || "#444"}"`;
  return `<defs><clipPath id="${clipId}"><rect ${box}/></clipPath>${clips}</defs>` +
    lines + overlayLegend(o.legend || [], size, font) +
    `<g clip-path="url(#${clipId})">` +
    `<path d="${stems}" stroke="${c.stem}" stroke-width="1" fill="none"/>` +
    `<path d="${rows}" stroke="${c.outline}" stroke-width="1" fill="none"/>` +
    `<g stroke="#444444" stroke-width="0.5" style="pointer-events:all">${dots}</g>` +
    `<g ${type}>${texts}</g></g>${cursor}`;
}

// Lines (a unit's values over time: y at x = 0, 1, ...), each on the axes of its subplot
// (l.axis: "", "2", ...) and clipped to it, l.width px wide; null breaks a line.
function overlayLines(lines, fl, clipId) {
  let out = "", clips = "";
  const clipped = {};
  for (const l of lines) {
    const a = l.axis || "", xa = fl["xaxis" + a], ya = fl["yaxis" + a];
    if (!xa || !ya) continue;
    const id = `${clipId}-${a || 1}`;
    if (!clipped[a]) {
      clipped[a] = true;
      clips += `<clipPath id="${id}"><rect x="${xa._offset}" y="${ya._offset}" ` +
        `width="${xa._length}" height="${ya._length}"/></clipPath>`;
    }
    let d = "", pen = "M";
    l.y.forEach((y, k) => {
      if (y === null) { pen = "M"; return; }
      d += `${pen}${(xa._offset + xa.l2p(k)).toFixed(1)} ${(ya._offset + ya.l2p(y)).toFixed(1)}`;
      pen = "L";
    });
    out += `<path d="${d}" stroke="${l.colour}" stroke-width="${l.width || 2}" fill="none" ` +
      `clip-path="url(#${id})" style="pointer-events:stroke"><title>${esc(l.name)}</title></path>`;
  }
  return [out, clips];
}

// A legend (a short line in each entry's colour, then its text) in the top margin, from the
// plot's left edge, wrapping at its width.
function overlayLegend(entries, size, font) {
  const px = font.size || 13;
  let x = size.l, y = Math.round(1.5 * px), out = "";  // the first row's baseline
  for (const e of entries) {
    const w = 32 + 0.6 * px * String(e.text).length;
    if (x > size.l && x + w > size.l + size.w) { x = size.l; y += px + 6; }
    out += `<path d="M${x} ${y - px / 3}h22" stroke="${e.colour}" stroke-width="2"/>` +
      `<text x="${x + 26}" y="${y}">${esc(e.text)}</text>`;
    x += w;
  }
  const type = `font-size="${px}" font-family="${esc(font.family || "sans-serif")}" ` +
    `fill="${font.color || "#444"}"`;
  return out && `<g class="lstm-legend" ${type}>${out}</g>`;
}

let overlayCount = 0;

function drawOverlay(div) {
  const o = div.__lstmOverlay, fl = div._fullLayout;
  let svg = div.__lstmSvg;
  if (!o || !fl || !fl.xaxis || !fl.yaxis || !fl._size) {
    if (svg) svg.style.display = "none";
    return;
  }
  if (!svg) {
    svg = div.__lstmSvg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    svg.setAttribute("class", "lstm-overlay");
    // At the plot's own corner: the plot is its holder's first child, at (0, 0). (Reading
    // the plot's offsetLeft here, just after Plotly changed the page, forced the browser to
    // lay the page out once more on every draw.)
    Object.assign(svg.style, {
      position: "absolute", pointerEvents: "none", overflow: "visible", left: "0px", top: "0px",
    });
    div.parentElement.style.position = "relative";
    div.parentElement.appendChild(svg);
  }
  svg.style.display = "";
  svg.setAttribute("width", fl.width);
  svg.setAttribute("height", fl.height);
  if (!div.__lstmClip) div.__lstmClip = "lstm-clip-" + ++overlayCount;
  svg.innerHTML = overlaySvg(o, fl, div.__lstmClip);
  div.__lstmOverlayDrawn = o;  // what the overlay shows now (tests and bench read it)
  div.__lstmOverlayDraws = (div.__lstmOverlayDraws || 0) + 1;
}

// The figures this tab holds: chart key -> {token, figure}. A versioned chart's figure is
// sent once per version; the runs after send its token only (a cursor move: the overlay).
const FIGURES = window.__lstmFigures || (window.__lstmFigures = {});

function figureOf(data, setTriggerValue) {
  if (data.token === undefined || data.token === null) return data.figure;
  const held = FIGURES[data.key];
  if (typeof data.figure === "string") {
    FIGURES[data.key] = { token: data.token, figure: data.figure };
    return data.figure;
  }
  if (held && held.token === data.token) return held.figure;
  setTriggerValue("missing", data.token);  // not here (a new tab): the server sends it again
  return null;
}

// A chart out of view is not redrawn while the page trains (the server sends "defer"): its
// newest figure waits, and is drawn as soon as a quarter of it scrolls into view (or its tab
// opens). Drawing the charts nobody sees took a third of the browser's time on a 2-core
// machine, time the trainer lacked.
const IN_VIEW = 0.25;  // the share of a chart that must be in view (bench/tests use the same)

function inView(div) {
  if (!window.__lstmInView) {
    window.__lstmInView = new IntersectionObserver((entries) => {
      for (const e of entries) {
        e.target.__lstmInView = e.isIntersecting && e.intersectionRatio >= IN_VIEW - 0.001;
        const pending = e.isIntersecting && e.target.__lstmPending;
        e.target.__lstmPending = null;
        if (pending) pending();
      }
    }, { threshold: [0, IN_VIEW] });
  }
  if (!div.__lstmWatched) {
    div.__lstmWatched = true;
    window.__lstmInView.observe(div);
  }
  return div.__lstmInView !== false;  // unknown until the observer's first report: drawn
}

export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  if (data.preload) { loadPlotly(); return; }  // parse the library before the first chart
  let div = parentElement.querySelector("div.lstm-live-chart");
  if (!div) {
    div = document.createElement("div");
    div.className = "lstm-live-chart";
    parentElement.appendChild(div);
  }
  div.style.height = data.height + "px";
  div.style.width = "100%";
  const step = data.step === undefined || data.step === null ? null : data.step;
  const overlay = data.overlay || null;
  const overlayText = overlay ? JSON.stringify(overlay) : null;
  const overlayChanged = overlayText !== div.__lstmOverlayText;
  div.__lstmOverlay = overlay;
  div.__lstmOverlayText = overlayText;
  const figure = figureOf(data, setTriggerValue);
  if (figure === null) return;
  if (div.__lstmFigure === figure && div.__lstmPending) {  // waiting out of view
    div.__lstmPending = null;
    if (data.defer) div.__lstmPending = () => drawFigure(div, figure, step);  // still waits
    else drawFigure(div, figure, step);  // training stopped: draw it now
    return;
  }
  if (div.__lstmFigure === figure && div.layout) {
    // Same figure as drawn (its data changes only at evaluations): no redraw, but it is
    // current at this step; a moved cursor or unit moves only the overlay.
    if (step !== null) div.layout.meta = Object.assign({}, div.layout.meta, { step });
    if (overlayChanged) drawOverlay(div);
    return;
  }
  div.__lstmFigure = figure;
  const shown = inView(div);  // (watches the chart from its first figure on)
  div.__lstmPending = null;
  if (data.defer && div.layout && !shown) {  // training, drawn once, out of view: later
    div.__lstmPending = () => drawFigure(div, figure, step);
    return;
  }
  drawFigure(div, figure, step);
}

function drawFigure(div, figure, step) {
  const fig = JSON.parse(figure);
  if (step !== null) fig.layout.meta = Object.assign({}, fig.layout.meta, { step });
  loadPlotly().then((Plotly) => {
    if (div.__lstmFigure !== figure) return;  // a newer figure came in meanwhile
    Plotly.react(div, fig.data, fig.layout, {
      responsive: true, displaylogo: false, modeBarButtonsToRemove: ["select2d", "lasso2d"],
    }).then(() => {
      if (!div.__lstmOverlayHooked) {  // zoom, pan and resize redraw the plot: follow it
        div.__lstmOverlayHooked = true;
        div.on("plotly_afterplot", () => drawOverlay(div));
      }
      drawOverlay(div);
    });
  });
}
""".replace("%SRC%", PLOTLY_SRC)

# While a fragment tick runs (mostly training), Streamlit marks the previous tick's elements
# stale and fades them to 33% opacity: a live chart would pulse with every tick.
# (Two lines: Streamlit takes a one-line string with "[" for a file glob.) Each chart is a
# layout container: Plotly measures the page while it redraws, and without containment each
# redraw laid out the whole page (five charts in view saturated the tab on 2 cores).
_CSS = """/* live charts are never shown faded */
[data-stale="true"]:has(.lstm-live-chart) { opacity: 1 !important; transition: none !important; }
.lstm-live-chart { contain: layout style; }
"""

_component = st.components.v2.component("lstm_live_chart", js=_JS, css=_CSS, isolate_styles=False)


def figure_payload(fig: go.Figure, key: str, height: int) -> dict:
    """The JSON the component receives: the figure (zoom kept across updates) and its height."""
    if fig.layout.uirevision is None:
        fig.layout.uirevision = key  # Plotly keeps the user's zoom while this is unchanged
    fig.layout.height = height
    return {"figure": figure_json(fig), "height": int(height)}


def preload(key: str) -> None:
    """Load plotly.min.js into the tab now, drawing nothing: a page whose first live chart
    comes after seconds of work (a quick model) does not then block the tab on parsing it."""
    _component(key=key, data={"preload": True}, height=0)


# plotly.js typed arrays: {"dtype", "bdata" (base64 of the values), "shape"} for numpy arrays
_TYPED = {"float64": "f8", "float32": "f4", "int8": "i1", "uint8": "u1", "int16": "i2"}
_TYPED |= {"uint16": "u2", "int32": "i4", "uint32": "u4"}


def figure_json(fig: go.Figure) -> str:
    """``fig.to_json()``, in a third of the time for large figures: numpy arrays go straight to
    plotly.js typed arrays and numpy scalars to numbers, so Plotly's encoder (which walks
    every element through its fallbacks) sees only plain values. NaN and inf outside arrays
    become null, as in ``fig.to_json()``."""
    return json.dumps(_plain(fig.to_plotly_json()), cls=PlotlyJSONEncoder, separators=(",", ":"))


def _plain(v):
    if isinstance(v, np.ndarray):
        return _typed(v)
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [_plain(x) for x in v]
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


def _typed(a: np.ndarray):
    if a.dtype.kind in "iu" and a.dtype.itemsize == 8:  # plotly.js has no 64-bit integers
        small = a.size == 0 or (a.min() >= -(2**31) and a.max() < 2**31)
        a = a.astype(np.int32 if small else np.float64)
    code = _TYPED.get(a.dtype.name)
    if code is None or a.size == 0:  # dates, strings, booleans: Plotly's encoder, as before
        return a
    out = {"dtype": code, "bdata": base64.b64encode(np.ascontiguousarray(a).tobytes()).decode()}
    if a.ndim > 1:
        out["shape"] = ", ".join(str(n) for n in a.shape)
    return out


def live_chart(
    fig: go.Figure,
    key: str,
    height: int = 320,
    step: int | None = None,
    overlay: dict | None = None,
) -> None:
    """Draw ``fig`` under ``key``; later calls with the same key update the same plot.
    ``step``: the training step the chart is current at, kept in ``layout.meta.step`` in the
    browser (the tests compare it with the Steps counter). ``overlay``: a cursor and unit
    drawn over the plot without redrawing it (``ui.figures.inside.live_cell_overlay``)."""
    _draw(key, figure_payload(fig, key, height), height, step, overlay)


_SENT = "live_chart_sent"  # session key: chart key -> token of the figure the browser holds


def _draw(
    key: str, payload: dict, height: int, step: int | None, overlay=None, token=None, defer=False
):
    """Send the chart. With a ``token`` (the figure's build), a figure the browser already
    holds is not sent again (a cursor move then costs the overlay, not 1-2 MB); if the tab
    lacks it, the component asks for it ("missing") and the next run sends it."""
    data = payload if step is None else {**payload, "step": int(step)}
    if defer:  # training: out of view, the browser draws it once it scrolls into view
        data = {**data, "defer": True}
    if overlay is not None:
        data = {**data, "overlay": overlay}
    if token is not None:
        sent = st.session_state.setdefault(_SENT, {})
        data = {**data, "key": key, "token": token}
        if sent.get(key) == token:
            data.pop("figure")
        sent[key] = token
    _component(key=key, data=data, height=height, on_missing_change=partial(_forget, key))


def _forget(key: str) -> None:
    st.session_state.get(_SENT, {}).pop(key, None)


_CACHE = "live_chart_payloads"  # session key: chart key -> (version, payload)
COSTS = "live_chart_costs"  # session key: chart key -> (build s, JSON s, bytes), this run's


def live_chart_versioned(
    build: Callable[[], go.Figure],
    key: str,
    version: Hashable,
    height: int = 320,
    step: int | None = None,
    overlay: dict | None = None,
    defer: bool = False,
) -> go.Figure:
    """Like ``live_chart``, but calls ``build()`` only when ``version`` changes (e.g. the step
    of the last evaluation): charts whose data did not change cost nothing to rebuild, and
    the browser does not redraw them (only their ``step`` moves on, and their ``overlay``).
    ``defer`` (while training): a chart out of view waits until it scrolls into view.
    Returns the figure drawn (built now or kept from the run that built it)."""
    cache = st.session_state.setdefault(_CACHE, {})
    hit = cache.get(key)
    if hit is None or hit[0] != version:
        start = time.perf_counter()
        fig = build()
        built = time.perf_counter()
        token = f"{time.time_ns():x}"  # this build: the browser keeps it under this name
        hit = cache[key] = (version, figure_payload(fig, key, height), fig, token)
        spent = (built - start, time.perf_counter() - built, len(hit[1]["figure"]))
        st.session_state.setdefault(COSTS, {})[key] = spent
    _draw(key, hit[1], height, step, overlay, hit[3], defer)
    return hit[2]


def live_chart_with_table(
    build: Callable[[], go.Figure],
    key: str,
    version: Hashable,
    height: int,
    table: bool,
    frame: Callable[[], pd.DataFrame] | None = None,
    step: int | None = None,
    overlay: dict | None = None,
    defer: bool = False,
) -> None:
    """``live_chart_versioned``, or (``table``) the chart rebuilt every time with its data as
    a table under it: the accessible alternative to the chart. ``frame``: that table, where
    the figure's own traces do not read as one (the live cell)."""
    if not table:
        live_chart_versioned(build, key, version, height, step, overlay, defer)
        return
    fig = build()
    live_chart(fig, key, height, step, overlay)
    data = frame() if frame is not None else figure_table(fig)
    st.dataframe(data, height=200, hide_index=frame is None, key=f"{key}_table")
