"""The widgets and caches of the "Inside the cell" page, kept out of the page: the layer,
sequence and training-time pickers, the traces cached per (run, step), and the offer of a
quick model when there is none."""

from __future__ import annotations

import streamlit as st

from lstm_core import inside as ins
from ui.a11y import data_tables
from ui.i18n import t
from ui.live_chart import live_chart_versioned, preload
from ui.progress import bar, train_steps
from ui.state import get_trainer, trainer_turn

QUICK_STEPS = 200  # the "train a quick model" button


class TraceCache:
    """The probe's per-layer traces at one training step: computed once per (run, step
    shown, step trained), reused by every chart and every cursor move."""

    def __init__(self):
        self.key, self.traces = None, None

    def get(self, trainer, step: int) -> list[dict]:
        key = (id(trainer), step, trainer.steps)
        if self.key != key:
            self.traces, self.key = ins.traces_at(trainer, step), key
        return self.traces


def moved() -> None:
    """A widget of the page moved: its fragment run redraws without training a chunk."""
    st.session_state["inside_moved"] = True


def clamp(key: str, allowed: list, default) -> None:
    """Reset widget ``key`` to ``default`` when its value is no longer allowed."""
    if st.session_state.get(key, default) not in allowed:
        st.session_state[key] = default


def quick_model() -> None:
    """No model yet: a link to Train, or a quick one trained here. Stops the page."""
    st.info(t("inside.none"))
    preload("inside_preload")  # the heatmaps come after the quick model: Plotly is ready then
    st.page_link("pages/1_Train.py", label=t("inside.go_train"), icon=":material/play_circle:")
    if st.button(t("inside.quick_train", n=QUICK_STEPS), key="inside_quick", type="primary"):
        with trainer_turn() as mine:
            try:
                if mine:
                    progress = bar(t("inside.quick_training"))  # before the model is built
                    train_steps(get_trainer(), QUICK_STEPS, t("inside.quick_training"), progress)
            except ValueError as err:  # a configuration the engine cannot build
                st.error(t("inside.build_failed", why=str(err)))
                st.stop()
        st.rerun()
    st.stop()


NOW = "now"  # the training-time option that always means the model as it is now


def view_controls(tr) -> tuple[int, int, int]:
    """Layer, validation sequence and training time (a snapshot's step, or now). The time
    follows the newest model unless the user chose an earlier snapshot: "now" is an option
    of its own, with a label that does not change while the model trains (an option that
    changed with every step stopped being an option a tick later, and the slider fell back
    to its first one: step 0)."""
    n_layers = tr.config.model.num_layers
    times = [s for s in ins.training_times(tr) if s != tr.steps] + [NOW]
    st.session_state.setdefault("inside_step", NOW)
    clamp("inside_step", times, NOW)  # also a snapshot that was thinned out: back to now
    # The sequence box holds "sequence 0" in projector type too.
    *c_layer, c_seq, c_time = st.columns([1, 1.4, 4] if n_layers > 1 else [1.4, 5])
    layer = 0
    if c_layer:
        layer = c_layer[0].selectbox(
            t("inside.layer"),
            range(n_layers),
            key="inside_layer",
            on_change=moved,
            format_func=lambda k: t("inside.layer_n", n=k + 1),
        )
    b = c_seq.selectbox(
        t("inside.sequence"),
        range(tr.probe.B),
        key="inside_seq",
        on_change=moved,
        format_func=lambda k: t("inside.sequence_n", n=k),
    )
    step = c_time.select_slider(
        t("inside.when"),
        options=times,
        key="inside_step",
        on_change=moved,
        help=t("inside.when_help"),
        # stable labels: the widget's value is its label, and keeps its id
        format_func=lambda s: t("inside.step_now") if s == NOW else t("inside.step_n", step=s),
    )
    return layer, b, tr.steps if step == NOW else step


TABLES = "inside_tables"  # chart key -> (data version, its data tables)


def chart(
    build, key: str, version, height: int, data_version=None, overlay=None, tables=None
) -> None:
    """A live chart (rebuilt only when ``version`` changes) and its data as tables in a
    folded "Data table" under it: the accessible alternative to the chart. The tables (the
    figure's data, or ``tables()``: (caption, table) pairs) are rebuilt only when
    ``data_version`` (default ``version``) changes. ``overlay``: what is drawn over the chart
    (the cursor; the unit lines): changing it redraws neither the figure nor the tables."""
    fig = live_chart_versioned(build, key, version, height, overlay=overlay)
    data_version = version if data_version is None else data_version
    cache = st.session_state.setdefault(TABLES, {})
    if key not in cache or cache[key][0] != data_version:
        cache[key] = (data_version, tables() if tables is not None else data_tables(fig))
    with st.expander(t("a11y.data_table"), icon=":material/table:"):
        for n, (caption, table) in enumerate(cache[key][1]):
            if caption:
                st.caption(caption)
            st.dataframe(table, key=f"{key}_table_{n}")
