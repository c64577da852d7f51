"""The colour scales of the cell's quantities, shared by the Inside-the-cell heatmaps, the
cell diagram and the sandbox: gates on a sequential 0..1 scale, candidate/c/h on a diverging
scale symmetric around 0 (``lstm_core.inside.value_range``). No streamlit, no figures."""

from __future__ import annotations

from functools import cache

import numpy as np
from plotly.colors import get_colorscale, hex_to_rgb, unlabel_rgb

from lstm_core.config import SIGMOID_GATES
from ui.figures.common import DIVERGING, SEQUENTIAL

# The house colour-blind-safe scales: sequential for gates (0..1), diverging for signed values.
GATE_SCALE = SEQUENTIAL
SIGNED_SCALE = DIVERGING


@cache
def _stops(scale: str) -> tuple[np.ndarray, np.ndarray]:
    """A named colour scale as stop positions ``(n,)`` and RGB values ``(n, 3)``, looked up
    once: Plotly's own sampling costs about a millisecond per call, and the sandbox colours a
    dozen boxes on every slider move."""
    stops = get_colorscale(scale)
    pos = np.array([float(p) for p, _ in stops])
    rgb = np.array([hex_to_rgb(c) if c.startswith("#") else unlabel_rgb(c) for _, c in stops])
    return pos, rgb.astype(float)


def colours_on(scale: str, positions) -> list[str]:
    """``rgb(r, g, b)`` colours at ``positions`` in [0, 1] of the named scale (linear between
    stops, as Plotly draws it)."""
    pos, rgb = _stops(scale)
    x = np.clip(np.asarray(positions, dtype=np.float64), 0.0, 1.0)
    cols = np.stack([np.interp(x, pos, rgb[:, k]) for k in range(3)], axis=-1)
    return [f"rgb({r:.0f}, {g:.0f}, {b:.0f})" for r, g, b in cols]


@cache
def plotly_scale(name: str) -> list:
    """A named scale as explicit [position, colour] stops: figures built without validation
    reach Plotly.js as they are, and Plotly.js does not know Python's names such as "RdBu_r"."""
    return [list(stop) for stop in get_colorscale(name)]


def scale_of(name: str) -> str:
    """The colour scale of a quantity: sequential for gates, diverging otherwise."""
    return GATE_SCALE if name in SIGMOID_GATES else SIGNED_SCALE


def text_colour(rgb: str) -> str:
    r, g, b = (float(v) for v in rgb[rgb.index("(") + 1 : -1].split(","))
    return "#000" if 0.299 * r + 0.587 * g + 0.114 * b > 140 else "#fff"
