"""Inside the cell: the gates, cell state and hidden state of the session's model for one
validation sequence, now or at any snapshot taken during training. While the session's
trainer plays, the page keeps training it and its heatmaps follow live."""

import pandas as pd
import streamlit as st

from lstm_core import inside as ins
from lstm_core.records import saturation
from ui import guard, state
from ui.classroom import projector_on
from ui.figures import inside as fi
from ui.figures.overfit import step_window, windowed
from ui.i18n import current_language, t
from ui.inside_view import TraceCache, chart, clamp, moved, quick_model, view_controls
from ui.live_chart import live_chart_versioned
from ui.page import lesson_box, setup
from ui.sending import end_of_tick
from ui.train_view import TICK_S, TickClock, studio_style, tick
from ui.translate_view import cell_tokens, show_handover

setup("inside")
lang, projector = current_language(), projector_on()
st.title(t("nav.inside"))
lesson_box()
if not state.has_trainer():
    quick_model()  # offers Train, or a quick model here; stops the page
tr = state.get_trainer()
st.markdown(t(f"inside.intro.{tr.config.model.cell}"))
if dropped := ins.drop_incomplete_snapshots(tr):
    st.warning(t("inside.snapshots_dropped", n=dropped))
running = state.is_running()
if running:  # the same large amber Pause as on Train
    studio_style(running)
    st.button(t("train.pause"), on_click=state.pause, key="train_pause")


@st.fragment(run_every=TICK_S if running else None)
def view() -> None:
    """Train a chunk while playing (not when a widget here was just moved), then draw."""
    with state.trainer_turn() as mine:
        if mine and state.is_running() and not st.session_state.pop("inside_moved", False):
            clock = st.session_state.setdefault("inside_clock", TickClock())
            guard.train(tick, tr, st.session_state.get(state.SPEED) or "auto", clock.start())
            clock.trained()
    if state.is_running():
        st.caption(t("inside.live", step=f"{tr.steps:,}"))
    layer, b, step = view_controls(tr)
    traces = st.session_state.setdefault("inside_traces", TraceCache()).get(tr, step)
    seq = ins.one_sequence(traces[layer], b)  # name -> (T, H)
    T, H = seq["h"].shape
    # c (and an RNN's a) keep one colour range over every snapshot, so training-time changes
    # show; the range is robust (98th percentile), values beyond it are marked.
    ranges = {
        q: ins.value_range(q, *(s.traces[layer][q] for s in tr.snapshots), traces[layer][q])
        for q in seq
    }
    x_seq, tokens = ins.probe_input(tr, b)
    if tr.spec.kind == "seq2seq":  # encoder steps, then decoder steps
        x_seq, tokens = cell_tokens(tr, b)
    version = (tr, tr.steps, step, layer, b, lang, projector)
    left, right = st.columns([3, 2])
    clamp("inside_t", list(range(T)), 0)
    t_cur = left.slider(t("inside.cursor"), 0, T - 1, key="inside_t", on_change=moved)
    norm = right.toggle(
        t("inside.normalise"), key="inside_norm", on_change=moved, help=t("inside.normalise_help")
    )
    with left:
        chart(
            lambda: windowed(  # long reviews: a window around the cursor
                fi.without_cursor(
                    fi.trace_heatmaps(
                        seq, x_seq, t_cur, lang, tokens, ranges, projector=projector, normalise=norm
                    )
                ),
                T,
                t_cur,
            ),
            "inside_heatmaps",
            (version, step_window(T, t_cur), norm),  # the cursor: an overlay on the same data
            150 + 130 * len(seq),
            data_version=(version, norm),
            overlay=fi.cursor_overlay(t_cur),
        )
    with right:
        chart(
            lambda: fi.step_bars(seq, t_cur, lang, ranges, cols=2, projector=projector),
            "inside_bars",
            (version, t_cur),
            fi.step_bars_height(len(seq), cols=2),
        )
    with right.expander(t("inside.table")):
        values = pd.DataFrame({fi.quantity_label(q, lang): seq[q][t_cur] for q in seq})
        st.dataframe(values.rename_axis(t("inside.axis.unit")), key="inside_values")
    if tr.spec.kind == "seq2seq":
        show_handover(tr, seq, b, lang)

    st.subheader(t("inside.units_title"))
    unit_lines_view(seq, t_cur, ranges, version)
    saturation_view(traces, layer, step)
    if tokens:
        text_view(seq, tokens, ranges, t_cur, H)
    end_of_tick()


@st.fragment
def unit_lines_view(seq, t_cur: int, ranges, version) -> None:
    """The chosen units' lines: a fragment of its own, so a unit pick reruns only this part
    (not the heatmaps, the bars and their tables). The figure is the axes; the lines, their
    legend and the cursor are its overlay, so a pick redraws no Plotly chart."""
    H = seq["h"].shape[1]
    if any(u >= H for u in st.session_state.setdefault("inside_units", list(range(min(3, H))))):
        st.session_state["inside_units"] = list(range(min(3, H)))
    units = st.multiselect(
        t("inside.units"),
        range(H),
        key="inside_units",
        format_func=lambda u: t("inside.unit_n", n=u),
        placeholder=t("inside.units.none"),
    )
    if units:
        chart(
            lambda: fi.unit_lines(seq, [], t_cur, lang, ranges, projector=projector, overlay=True),
            "inside_lines",
            version,
            110 + 120 * len(seq),
            data_version=(version, tuple(units)),
            overlay=fi.unit_lines_overlay(seq, units, t_cur, lang, projector),
            tables=lambda: [("", fi.unit_lines_table(seq, units, lang))],
        )


def saturation_view(traces, layer: int, step: int) -> None:
    stats = saturation(traces)[layer]  # gate -> (2, H), over the probe's sequences and steps
    if not stats:
        return
    st.subheader(t("inside.sat_title"))
    st.caption(t("inside.sat_caption", n=tr.probe.B, step=step))
    if not any(v.any() for v in stats.values()):
        st.info(t("inside.sat_none"))
    live_chart_versioned(  # its table, with named columns, is the expander below
        lambda: fi.saturation_figure(stats, lang, projector),
        "inside_saturation",
        (tr, tr.steps, step, layer, lang, projector),
        320,
    )
    with st.expander(t("inside.sat_table")):
        table = {f"{q} {t(k)}": stats[q][r] for q in stats for r, k in enumerate(fi.SAT_KEYS)}
        st.dataframe(pd.DataFrame(table).rename_axis(t("inside.axis.unit")), key="inside_sat_table")


def text_view(seq, tokens, ranges, t_cur: int, H: int) -> None:
    st.subheader(t("inside.text_title"))
    c_unit, c_q = st.columns(2)
    clamp("inside_text_unit", list(range(H)), 0)
    u = c_unit.selectbox(
        t("inside.text_unit"),
        range(H),
        key="inside_text_unit",
        on_change=moved,
        format_func=lambda k: t("inside.unit_n", n=k),
    )
    q = c_q.selectbox(
        t("inside.text_quantity"),
        list(seq),
        index=len(seq) - 1,
        key="inside_text_q",
        on_change=moved,
        format_func=lambda k: fi.quantity_label(k, lang),
    )
    lo, hi = ranges[q]
    caption = t("inside.text_caption", q=fi.quantity_label(q, lang), u=u)
    st.html(fi.activation_html(tokens, seq[q][:, u], lo, hi, fi.scale_of(q), caption, t_cur))


view()
