"""Figures that hold no user data, built once per language and shared by every visitor.

The home page's cell diagram takes 0.3-4 s of server CPU to build (its shapes and labels are
added one at a time), and every new visitor used to build it again: a class arriving at once
queued behind thirty copies of the same figure. Streamlit copies a figure before sending it
(``st.plotly_chart`` validates it into a new one), so a cached figure is never changed.
"""

from __future__ import annotations

from functools import cache

from ui.figures.home import cell_diagram


@cache
def home_diagram(lang: str):
    """The home page's cell diagram in ``lang`` (built on first use)."""
    return cell_diagram(lang)
