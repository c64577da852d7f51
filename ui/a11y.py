"""Accessibility helpers: every chart comes with its numbers as a table.

``chart_with_table(fig, key)`` draws a Plotly figure and, under it, an expander "Data table"
with the figure's line/bar data (one long table) and one table per heatmap. Column headers
are translated. Figures stay pure (``ui.figures.common.figure_table``/``heatmap_tables``).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ui.figures.common import figure_table, heatmap_tables
from ui.i18n import t


def data_tables(fig) -> list[tuple[str, pd.DataFrame]]:
    """The figure's data as (caption, table) pairs, headers in the session's language."""
    tables = []
    lines = figure_table(fig)
    if len(lines):
        names = {c: t(f"a11y.col.{c}") for c in lines.columns}
        tables.append(("", lines.rename(columns=names)))
    tables.extend(heatmap_tables(fig))
    return tables


def chart_with_table(fig, key: str, df: pd.DataFrame | None = None, **chart_kwargs) -> None:
    """``st.plotly_chart(fig)`` with a "Data table" expander (``df``, or the figure's data)."""
    st.plotly_chart(fig, key=key, **chart_kwargs)
    with st.expander(t("a11y.data_table"), icon=":material/table:"):
        tables = [("", df)] if df is not None else data_tables(fig)
        for n, (caption, table) in enumerate(tables):
            if caption:
                st.caption(caption)
            st.dataframe(table, key=f"{key}_table_{n}")
