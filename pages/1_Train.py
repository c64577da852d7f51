"""Train: pick a task and a model, press Play, and watch the loss fall."""

import streamlit as st

from lstm_core.config import TrainConfig
from lstm_core.tasks import NeedsInput, TaskError
from lstm_core.train import TrainError
from ui import guard, state
from ui.classroom import share_link
from ui.controls import apply_setup, error_text, run_controls, setup_controls
from ui.figures import train as figs
from ui.i18n import current_language, problem_text, t
from ui.live_chart import live_chart_with_table
from ui.page import lesson_box, setup
from ui.train_view import (
    TEXT_KINDS,
    TICK_S,
    FreeRun,
    LiveMeter,
    TickClock,
    prediction_figure,
    prediction_height,
    prediction_text,
    short,
    solved_step,
    tick,
)

setup("train")
st.title(t("train.title"))
lesson_box()
st.write(t("train.intro"))
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
speed, show_tables = run_controls(running)

setup_col, live_col = st.columns([1, 2.8], gap="medium")
with setup_col:
    new_config = setup_controls(state.get_config())
    if new_config != state.get_config():
        apply_setup(new_config)
    share_link("train")  # a copyable link to this run (and the teacher's classroom flags)


def chart(build, key: str, version, height: int = 330) -> None:
    live_chart_with_table(build, key, version, height, table=show_tables)


@st.fragment(run_every=TICK_S if running else None)
def live() -> None:
    """One tick: train a chunk (when playing), then draw counters and charts."""
    trainer, lang = state.get_trainer(), current_language()
    with state.trainer_turn() as mine:
        if mine and state.is_running():
            clock = st.session_state.setdefault("train_clock", TickClock())
            guard.train(tick, trainer, speed, clock.start())  # admission; a failed chunk pauses
            clock.trained()
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
    c = st.columns(5)
    c[0].metric(t("train.steps"), f"{trainer.steps:,}")
    c[1].metric(t("train.sequences"), f"{trainer.sequences_seen:,}")
    c[2].metric(t("train.steps_per_s"), f"{meter.rate():.0f}" if state.is_running() else "–")
    c[3].metric(t("train.loss_now"), short(h.loss[-1]) if h.loss else "–")
    c[4].metric(
        t("train.metric"),
        f"{h.metric[-1]:.3f}" if h.metric else "–",
        help=label
        + ". "
        + (
            t("train.solved", step=solved)
            if solved
            else t("train.not_solved", threshold=f"{metric.threshold:g}")
        ),
    )
    now = (trainer, trainer.steps, lang)  # versions: redraw when these change
    evaluated = (trainer, h.val_step[-1:], lang) if state.is_running() else now
    left, right = st.columns(2)  # loss and metric side by side; the wide views below
    with left:
        chart(
            lambda: figs.loss_figure(
                h.step, h.loss, h.val_step, h.val_loss, trainer.baseline["loss"], solved, lang
            ),
            "train_loss_chart",
            now,
        )
    with right:
        chart(
            lambda: figs.metric_figure(
                h.val_step, h.metric, metric.threshold, trainer.baseline["metric"], label, lang
            ),
            "train_metric_chart",
            evaluated,
        )
    if trainer.task.kind in TEXT_KINDS:
        st.markdown(f"**{t('train.text.title')}**")
        labels = {k: t(f"train.text.{k}") for k in ("input", "target", "prediction", "errors")}
        st.html(prediction_text(trainer, labels | {"legal": t("train.text.legal")}))
    else:
        free_run = st.session_state.setdefault("train_free_run", FreeRun())
        chart(
            lambda: prediction_figure(trainer, lang, free_run),
            "train_pred_chart",
            evaluated,
            prediction_height(trainer),
        )
    chart(
        lambda: figs.grad_norm_figure(
            h.step, h.grad_norm, h.clipped, trainer.config.optim.clip, lang
        ),
        "train_grad_chart",
        (now, trainer.config.optim.clip),
        280,
    )


with live_col:
    live()

from ui.runs import save_run_button  # noqa: E402  (Saved runs, issue 6)

with setup_col:
    save_run_button("train")
