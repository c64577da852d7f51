"""Figures of the Saved runs page: the loss curves of several stored runs, overlaid."""

from __future__ import annotations

import plotly.graph_objects as go

from ui.figures.arena import loss_overlay
from ui.i18n import translate


def compare_figure(curves: list[dict], lang: str = "en", projector: bool = False) -> go.Figure:
    """Validation loss (bold) over training loss (faint) of each run, log y, with a dotted line
    where each run was first solved. ``curves`` as in ``ui.figures.arena``."""
    title = translate("runs.chart.title", lang)
    return loss_overlay(curves, lang, title=title, projector=projector)
