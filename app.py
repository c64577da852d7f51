"""LSTM Playground: home page (a minimal one until the app lands)."""

import streamlit as st

st.set_page_config(page_title="LSTM Playground", layout="wide")
st.title("LSTM Playground")
st.write("Train an LSTM live and watch its gates, cell state and gradients as it learns.")
