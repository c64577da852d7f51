"""Train: one studio. The run bar on top, then the live cell (the gates of one validation
sequence, redrawn while the model learns) beside the loss and the metric; predictions, the
gradient norm and the setup below."""

import streamlit as st

from lstm_core.config import TrainConfig
from lstm_core.tasks import NeedsInput, TaskError
from lstm_core.train import TrainError
from ui import guard, state
from ui.classroom import projector_on, share_link
from ui.controls import apply_setup, error_text, setup_controls
from ui.figures import train as figs
from ui.i18n import current_language, problem_text, t
from ui.live_chart import COSTS, live_chart_with_table
from ui.overfit_view import overfit_panel, review_panel
from ui.page import lesson_box, setup
from ui.predict_view import has_input_view, show_inputs
from ui.runs import save_run_button
from ui.sending import end_of_tick, wait_until_sent
from ui.train_view import (
    TEXT_KINDS,
    TICK_S,
    FreeRun,
    LiveMeter,
    LiveTrace,
    TickClock,
    TickTimer,
    counters,
    curve_height,
    live_cell_controls,
    live_cell_figure,
    live_cell_height,
    live_cell_overlay,
    live_cell_table,
    prediction_figure,
    prediction_height,
    prediction_text,
    run_bar,
    solved_step,
    tick,
)
from ui.translate_view import show_translation

setup("train")
st.title(t("train.title"))
lesson_box()
try:
    state.get_trainer()
except (TaskError, TrainError) as e:
    if isinstance(e, NeedsInput):  # a prompt (e.g. "paste a text"), not a fault
        st.info(error_text(e))
    else:
        st.error(t("train.bad_config", message=error_text(e)))
    st.button(
        t("train.use_defaults"),
        on_click=state.reset_trainer,
        args=(TrainConfig(),),
        key="train_defaults",
    )
    st.stop()

running = state.is_running()
speed, show_tables = run_bar(running)
studio = st.container()  # filled by the live fragment below, drawn above the setup
st.subheader(t("train.setup_title"))
st.caption(t("train.intro"))
setup_col, side_col = st.columns([1.2, 2], gap="large")
with setup_col:
    new_config = setup_controls(state.get_config())
    if new_config != state.get_config():
        apply_setup(new_config)
with side_col:
    share_link("train")  # a copyable link to this run (and the teacher's classroom flags)
    save_run_button("train")


def chart(build, key: str, version, height: int = 330, frame=None, overlay=None) -> None:
    """A live chart, current at the trainer's step (``layout.meta.step`` in the browser)."""
    step, playing = state.get_trainer().steps, state.is_running()  # out of view: waits
    live_chart_with_table(build, key, version, height, show_tables, frame, step, overlay, playing)


@st.fragment(run_every=TICK_S if running else None)
def live() -> None:
    """One tick: wait until the last tick's charts have left the server, train a chunk (when
    playing and no live-cell widget was just moved), trace the live cell once, draw every
    chart of the new step and then the counters above them, and wait until all of it has
    left the server."""
    trainer, lang, projector = state.get_trainer(), current_language(), projector_on()
    moved = st.session_state.pop("train_cell_moved", False)
    timer = TickTimer()  # where the tick's time goes (bench/app_train.py reads it)
    wait_until_sent()  # training would starve the thread that sends them (one GIL)
    timer.mark("wait")
    with state.trainer_turn() as mine:
        if mine and state.is_running() and not moved:
            clock = st.session_state.setdefault("train_clock", TickClock())
            guard.train(tick, trainer, speed, clock.start())  # admission; a failed chunk pauses
            clock.trained()
    timer.mark("train")
    meter = st.session_state.setdefault("train_meter", LiveMeter())
    meter.add(trainer.steps)
    if trainer.status == "diverged":
        if state.is_running():
            state.pause()
            st.rerun()  # a full run stops the timer and shows Resume
        st.error(f"**{t('train.diverged')}** {problem_text(trainer.problem, lang)}")
        st.button(t("train.resume"), on_click=state.play, key="train_resume")
    h, metric = trainer.history, trainer.task.metric
    label, solved = metric.label.get(lang, metric.name), solved_step(h)
    # The counters are filled last, into this container above the charts: the browser draws
    # them after the charts (a cursor move redraws its chart first, 60-100 ms sooner than with
    # the counters first), and the counter never shows a step whose charts have not arrived.
    # Being last, they are what the next tick's start would drop if still queued: hence the
    # wait at the end of the tick.
    counter_row = st.container()
    traces = st.session_state.setdefault("train_live_trace", LiveTrace()).get(trainer)
    timer.mark("trace")
    now = (trainer, trainer.steps, lang, projector)  # versions: redraw when these change
    cell_col, curves_col = st.columns([1.55, 1], gap="small")
    with cell_col:
        view = live_cell_controls(trainer, traces)
        playing = state.is_running()  # compact while playing; with hover values once paused
        chart(
            lambda: live_cell_figure(trainer, traces, view, lang, projector, playing),
            "train_cell_chart",
            (now, view["layer"], view["normalise"], playing),  # a cursor or unit: overlay only
            live_cell_height(projector),
            lambda: live_cell_table(traces, view, lang),
            live_cell_overlay(traces, view),
        )
    with curves_col:
        chart(
            lambda: figs.loss_figure(
                h.step,
                h.loss,
                h.val_step,
                h.val_loss,
                trainer.baseline["loss"],
                solved,
                lang,
                projector=projector,
            ),
            "train_loss_chart",
            now,
            curve_height("loss", projector),
        )
        chart(
            lambda: figs.metric_figure(
                h.val_step,
                h.metric,
                metric.threshold,
                trainer.baseline["metric"],
                label,
                lang,
                projector=projector,
            ),
            "train_metric_chart",
            (trainer, tuple(h.val_step[-1:]), lang, projector),  # changes at evaluations
            curve_height("metric", projector),
        )
    pred_col, grad_col = st.columns([1.55, 1], gap="small")
    with pred_col:
        if trainer.task.kind == "seq2seq":  # translation: its own views (ui.translate_view)
            show_translation(trainer, lang, now, chart)
        elif has_input_view(trainer.task):  # the input beside the answer (ui.predict_view)
            show_inputs(trainer, lang, projector, now, chart)
        elif trainer.task.kind in TEXT_KINDS:
            st.markdown(f"**{t('train.text.title')}**")
            labels = {k: t(f"train.text.{k}") for k in ("input", "target", "prediction", "errors")}
            st.html(prediction_text(trainer, labels | {"legal": t("train.text.legal")}))
        else:
            free_run = st.session_state.setdefault("train_free_run", FreeRun())
            chart(
                lambda: prediction_figure(trainer, lang, free_run, projector),
                "train_pred_chart",
                now,
                prediction_height(trainer),
            )
    with grad_col:
        chart(
            lambda: figs.grad_norm_figure(
                h.step, h.grad_norm, h.clipped, trainer.config.optim.clip, lang, projector=projector
            ),
            "train_grad_chart",
            (now, trainer.config.optim.clip),
            300,
        )
    overfit_panel(trainer, lang, chart)  # the train/val gap, epochs, early stopping
    review_panel(trainer, lang, chart)  # real reviews only
    timer.mark("charts")
    with counter_row:
        counters(trainer, meter, state.is_running(), lang)
    timer.mark("counters")
    end_of_tick()
    timer.mark("sent")
    timer.write(trainer.steps, st.session_state.pop(COSTS, {}))


with studio:
    live()
