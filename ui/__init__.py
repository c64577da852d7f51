"""Streamlit helpers for LSTM Playground: session state, controls, the live chart component,
the i18n catalogue, and pure figure builders (``ui.figures``: data in, Plotly figure out)."""
