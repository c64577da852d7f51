"""Cell sandbox: one LSTM cell with 1-4 units. Every slider re-runs the NumPy reference step
(``lstm_core.reference.lstm_step_forward``); sequence mode runs ``lstm_forward``."""

import pandas as pd
import streamlit as st

from lstm_core import inspect as ins
from ui.figures.cell import cell_diagram, equations_markdown, quantity_label, sequence_lines
from ui.i18n import current_language, t
from ui.page import lesson_box, setup

CELL = "sandbox_cell"  # the cell's parameters and state (non-widget: survives page switches)
PRESET = "sandbox_preset"  # the preset last applied: its explanation stays on screen
SEQ = "sandbox_seq_text"  # the typed sequence (non-widget copy of the text box)
ROWS = ("a_i", "a_f", "a_g", "a_o", "i", "f", "g", "o", "c", "h")
DIAGRAM_GATES = ("f", "i", "g", "o")  # left to right, as on the diagram

setup("sandbox")
lang = current_language()
st.session_state.setdefault(CELL, ins.default_cell(1, 1))
st.session_state.setdefault(SEQ, "1, 0, 0, -1, 0")


def seeded(key: str, value) -> str:
    """Give widget ``key`` the stored value when it has no state of its own (first run, after
    a page switch or a preset), and return the key."""
    if key not in st.session_state:
        st.session_state[key] = value
    return key


def apply_preset(name: str) -> None:
    cell = st.session_state[CELL]
    st.session_state[CELL], st.session_state[SEQ] = ins.preset_cell(
        name, len(cell["h_prev"]), len(cell["x"])
    )
    st.session_state[PRESET] = name
    for key in [k for k in st.session_state if str(k).startswith("sandbox_p_")] + ["sandbox_seq"]:
        st.session_state.pop(key, None)  # the sliders re-read the new cell


def resize() -> None:
    H, I = st.session_state["sandbox_units"], st.session_state["sandbox_inputs"]
    st.session_state[CELL] = ins.resize_cell(st.session_state[CELL], H, I)
    st.session_state[SEQ] = ins.resize_sequence(st.session_state[SEQ], I)  # I numbers a step
    st.session_state.pop("sandbox_seq", None)  # the text box re-reads it


def slider(label: str, array, idx, lo: float, hi: float, key: str) -> None:
    """A slider bound to ``array[idx]`` of the cell."""
    key = seeded(f"sandbox_p_{key}", float(array[idx]))
    array[idx] = st.slider(label, lo, hi, step=0.05, key=key)


p = st.session_state[CELL]
H, I = len(p["h_prev"]), len(p["x"])

st.title(t("nav.sandbox"))
lesson_box()
st.markdown(t("sandbox.intro"))
c_units, c_inputs, c_presets = st.columns([1.3, 0.8, 3])
c_units.radio(
    t("sandbox.units"),
    [1, 2, 3, 4],
    key=seeded("sandbox_units", H),
    horizontal=True,
    on_change=resize,
)
c_inputs.radio(
    t("sandbox.inputs"), [1, 2], key=seeded("sandbox_inputs", I), horizontal=True, on_change=resize
)
with c_presets:
    st.markdown(f"**{t('sandbox.presets')}**")
    for col, name in zip(st.columns(4), ins.PRESETS, strict=True):
        col.button(
            t(f"sandbox.preset.{name}"),
            key=f"sandbox_preset_{name}",
            on_click=apply_preset,
            args=(name,),
            width="stretch",
        )
if st.session_state.get(PRESET):
    st.info(t(f"sandbox.why.{st.session_state[PRESET]}"))

u = 0
if H > 1:
    if st.session_state.get("sandbox_unit", 0) >= H:
        st.session_state["sandbox_unit"] = 0
    u = st.radio(
        t("sandbox.unit"),
        range(H),
        key="sandbox_unit",
        horizontal=True,
        format_func=lambda k: t("cell.unit_n", n=k),
    )
diagram_col, controls = st.columns([3, 2])  # the sliders sit beside what they move
with controls:
    state_tab, *gate_tabs = st.tabs(
        [t("sandbox.tab.state")] + [t(f"sandbox.tab.{g}") for g in DIAGRAM_GATES]
    )
with state_tab:
    for j in range(I):
        slider(t("sandbox.x", j=j), p["x"], j, -2.0, 2.0, f"x{j}")
    for k in range(H):
        slider(t("sandbox.h_prev", k=k), p["h_prev"], k, -1.0, 1.0, f"h{k}")
    for k in range(H):
        slider(t("sandbox.c_prev", k=k), p["c_prev"], k, -3.0, 3.0, f"c{k}")
for tab, gate in zip(gate_tabs, DIAGRAM_GATES, strict=True):
    row = ins.GATE_ORDER.index(gate) * H + u  # this gate's row of W_ih, W_hh, b_ih
    with tab:
        st.caption(t("sandbox.gate_of", gate=quantity_label(gate, lang), u=u))
        slider(t("sandbox.bias"), p["b_ih"], row, -8.0, 8.0, f"b_{gate}{u}")
        for j in range(I):
            slider(t("sandbox.w_x", j=j), p["W_ih"], (row, j), -8.0, 8.0, f"wx_{gate}{u}_{j}")
        for k in range(H):
            slider(t("sandbox.w_h", k=k), p["W_hh"], (row, k), -8.0, 8.0, f"wh_{gate}{u}_{k}")

v = ins.cell_step(p["x"], p["h_prev"], p["c_prev"], p["W_ih"], p["W_hh"], p["b_ih"], p["b_hh"])
unit_values = ins.unit_values(v, p, u)
diagram_col.plotly_chart(
    cell_diagram(unit_values, lang, title=t("sandbox.diagram", u=u)),
    key="sandbox_diagram",
    config={"displayModeBar": False},
)
table_col, equations_col = st.columns([2, 3])
table = pd.DataFrame(
    {t("cell.unit_n", n=k): [float(v[r][k]) for r in ROWS] for k in range(H)},
    index=[t(f"sandbox.row.{r}") for r in ROWS],
)
table_col.markdown(f"**{t('sandbox.table')}**")
number = st.column_config.NumberColumn(format="%+.4f")
table_col.dataframe(table, key="sandbox_table", column_config=dict.fromkeys(table.columns, number))
equations_col.markdown(f"**{t('sandbox.equations', u=u)}**")
equations_col.caption(t("sandbox.equations_hint"))
equations_col.markdown(equations_markdown(ins.gate_terms(p, u), unit_values))

st.divider()
if st.toggle(t("sandbox.seq.mode"), key="sandbox_seq_on"):
    text = st.text_input(
        t("sandbox.seq.text"),
        key=seeded("sandbox_seq", st.session_state[SEQ]),
        help=t("sandbox.seq.help"),
    )
    st.session_state[SEQ] = text
    try:
        xs = ins.parse_sequence(text, I)
    except ins.SequenceError as err:
        st.warning(t(f"sandbox.err.{err.code}", **err.params))
    else:
        out = ins.cell_sequence(
            xs, p["h_prev"], p["c_prev"], p["W_ih"], p["W_hh"], p["b_ih"], p["b_hh"]
        )
        st.markdown(f"**{t('sandbox.seq.figure', u=u)}**")
        st.plotly_chart(sequence_lines(out, xs, u, lang), key="sandbox_seq_chart")
        st.markdown(f"**{t('sandbox.seq.table')}**")
        table = pd.DataFrame(ins.sequence_columns(xs, out)).rename_axis("t")
        st.dataframe(table, key="sandbox_seq_table")
