"""Inside the cell: the gates, cell state and hidden state of the session's model for one
validation sequence, now or at any snapshot taken during training."""

import pandas as pd
import streamlit as st

from lstm_core import inspect as ins
from lstm_core.records import saturation
from ui.a11y import chart_with_table
from ui.figures import cell as fc
from ui.i18n import current_language, t
from ui.page import lesson_box, setup
from ui.state import get_trainer, has_trainer, trainer_turn

QUICK_STEPS = 200  # the "train a quick model" button

setup("inside")
lang = current_language()
st.title(t("nav.inside"))
lesson_box()
st.markdown(t("cell.intro"))


def clamp(key: str, allowed: list, default) -> None:
    """Reset widget ``key`` to ``default`` when its value is no longer allowed."""
    if st.session_state.get(key, default) not in allowed:
        st.session_state[key] = default


if not has_trainer():
    st.info(t("cell.none"))
    st.page_link("pages/1_Train.py", label=t("cell.go_train"), icon=":material/play_circle:")
    if st.button(t("cell.quick_train", n=QUICK_STEPS), key="cell_quick", type="primary"):
        with st.spinner(t("cell.quick_training")), trainer_turn() as mine:
            try:
                if mine:
                    get_trainer().step(QUICK_STEPS)
            except ValueError as err:  # a configuration the engine cannot build
                st.error(t("cell.build_failed", why=str(err)))
                st.stop()
        st.rerun()
    st.stop()

tr = get_trainer()
if dropped := ins.drop_incomplete_snapshots(tr):
    st.warning(t("cell.snapshots_dropped", n=dropped))
n_layers = tr.config.model.num_layers
times = ins.training_times(tr)
# Follow the newest model unless the user chose an earlier snapshot.
if st.session_state.get("cell_step") in (None, st.session_state.get("cell_latest")):
    st.session_state["cell_step"] = times[-1]
clamp("cell_step", times, times[-1])
st.session_state["cell_latest"] = times[-1]

*c_layer, c_seq, c_time = st.columns([1, 1, 4] if n_layers > 1 else [1, 5])
layer = 0
if c_layer:
    layer = c_layer[0].selectbox(
        t("cell.layer"),
        range(n_layers),
        key="cell_layer",
        format_func=lambda k: t("cell.layer_n", n=k + 1),
    )
b = c_seq.selectbox(
    t("cell.sequence"),
    range(tr.probe.B),
    key="cell_seq",
    format_func=lambda k: t("cell.sequence_n", n=k),
)
step = c_time.select_slider(
    t("cell.when"),
    options=times,
    key="cell_step",
    help=t("cell.when_help"),
    format_func=lambda s: t("cell.step_n", step=s),  # stable labels: the widget keeps its id
)

traces = ins.traces_at(tr, step)
seq = ins.one_sequence(traces[layer], b)  # name -> (T, H)
T, H = seq["h"].shape
# c (and an RNN's a) keep one colour range over every snapshot, so training-time changes show.
ranges = {
    q: ins.value_range(q, *(s.traces[layer][q] for s in tr.snapshots), traces[layer][q])
    for q in seq
}
x_seq = tr.probe.x[:, b]  # (T,) token ids or (T, I) values
vocab = tr.task.vocab if tr.spec.vocab_size > 0 else None
tokens = [vocab[int(k)] for k in x_seq] if vocab else None
left, right = st.columns([3, 2])
clamp("cell_t", list(range(T)), 0)
t_cur = left.slider(t("cell.cursor"), 0, T - 1, key="cell_t")
with left:
    chart_with_table(fc.trace_heatmaps(seq, x_seq, t_cur, lang, tokens, ranges), "cell_heatmaps")
right.plotly_chart(fc.step_bars(seq, t_cur, lang, ranges, cols=2), key="cell_bars")
with right.expander(t("cell.table")):
    values = pd.DataFrame({fc.quantity_label(q, lang): seq[q][t_cur] for q in seq})
    st.dataframe(values.rename_axis(t("cell.axis.unit")), key="cell_values")

st.subheader(t("cell.units_title"))
if any(u >= H for u in st.session_state.setdefault("cell_units", list(range(min(3, H))))):
    st.session_state["cell_units"] = list(range(min(3, H)))
units = st.multiselect(
    t("cell.units"), range(H), key="cell_units", format_func=lambda u: t("cell.unit_n", n=u)
)
if units:
    chart_with_table(fc.unit_lines(seq, units, t_cur, lang, ranges), key="cell_lines")

stats = saturation(traces)[layer]  # gate -> (2, H), over the probe's sequences and steps
if stats:
    st.subheader(t("cell.sat_title"))
    st.caption(t("cell.sat_caption", n=tr.probe.B, step=step))
    if not any(v.any() for v in stats.values()):
        st.info(t("cell.sat_none"))
    st.plotly_chart(fc.saturation_figure(stats, lang), key="cell_saturation")
    with st.expander(t("cell.sat_table")):
        table = {f"{q} {t(k)}": stats[q][r] for q in stats for r, k in enumerate(fc.SAT_KEYS)}
        st.dataframe(pd.DataFrame(table).rename_axis(t("cell.axis.unit")), key="cell_sat_table")

if tokens:
    st.subheader(t("cell.text_title"))
    c_unit, c_q = st.columns(2)
    clamp("cell_text_unit", list(range(H)), 0)
    u = c_unit.selectbox(
        t("cell.text_unit"),
        range(H),
        key="cell_text_unit",
        format_func=lambda k: t("cell.unit_n", n=k),
    )
    q = c_q.selectbox(
        t("cell.text_quantity"),
        list(seq),
        index=len(seq) - 1,
        key="cell_text_q",
        format_func=lambda k: fc.quantity_label(k, lang),
    )
    lo, hi = ranges[q]
    caption = t("cell.text_caption", q=fc.quantity_label(q, lang), u=u)
    st.html(fc.activation_html(tokens, seq[q][:, u], lo, hi, fc.scale_of(q), caption, t_cur))
