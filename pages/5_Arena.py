"""Arena: 2-4 models trained side by side on the identical batch stream, one Play for all."""

import streamlit as st

from lstm_core.arena import lag_knob
from lstm_core.tasks import TASKS
from ui import arena_state as A
from ui.classroom import projector_on
from ui.figures import arena as figs
from ui.figures.common import figure_table
from ui.i18n import current_language, problem_text, t
from ui.live_chart import live_chart, live_chart_versioned
from ui.page import lesson_box, setup
from ui.sending import end_of_tick

setup("arena")
st.title(t("arena.title"))
lesson_box()
st.write(t("arena.intro"))
lang = current_language()
arena = A.get_arena()
A.seed_widgets()
chosen = A.get_setup()

top = st.columns([2.4, 2.2, 1.2], vertical_alignment="bottom")
top[0].selectbox(
    t("arena.preset"),
    A.preset_keys(),
    key="arena_preset",
    format_func=lambda k: t(f"arena.preset.{k}"),
    on_change=A.on_preset,
)
knob = lag_knob(arena.task)
if knob:
    spec = arena.task.knob(knob)
    top[1].slider(
        t("arena.lag", knob=knob),
        int(spec.low),
        int(spec.high),
        key="arena_lag",
        on_change=A.on_lag,
        help=t("arena.lag.help"),
    )
else:
    top[1].caption(t("arena.no_lag"))
top[2].radio(t("arena.models"), [2, 3, 4], key="arena_count", horizontal=True, on_change=A.on_count)
st.info(t(f"arena.about.{chosen['preset']}"))

slots = st.columns(4)
for k in range(len(chosen["models"])):
    slots[k].selectbox(
        t("arena.slot", n=k + 1),
        A.slot_choices(chosen),
        key=f"arena_slot_{k}",
        format_func=A.slot_label,
        on_change=A.on_slot,
        args=(k,),
    )
cfg = arena.base
OPTIMIZER_NAMES = {"adam": "Adam", "sgd": "SGD", "rmsprop": "RMSprop"}
st.caption(
    t(
        "arena.setup_note",
        task=TASKS[cfg.task].title.get(lang, cfg.task),
        hidden=cfg.model.hidden_size,
        forget_bias=f"{cfg.model.forget_bias:g}",
        optimizer=OPTIMIZER_NAMES.get(cfg.optim.name, cfg.optim.name),
        lr=f"{cfg.optim.lr:g}",
        clip=t("arena.clip_off") if cfg.optim.clip is None else f"{cfg.optim.clip:g}",
        batch=cfg.optim.batch_size,
        seed=cfg.seed,
    )
)
if st.session_state.get(A.ERROR):
    st.error(t("arena.refused", message=st.session_state[A.ERROR]))

running = A.is_running()
b = st.columns([1, 1, 1, 1, 3], vertical_alignment="bottom")
b[0].button(t("arena.play"), on_click=A.play, type="primary", disabled=running, key="arena_play")
b[1].button(t("arena.pause"), on_click=A.pause, disabled=not running, key="arena_pause")
b[2].button(t("arena.step"), on_click=A.step_once, key="arena_step", help=t("arena.step.help"))
b[3].button(t("arena.reset"), on_click=A.reset, key="arena_reset")
show_tables = b[4].toggle(t("arena.tables"), key="arena_tables")
BADGE_COLOURS = ("blue", "orange", "green", "red")  # the slot colours of figs.COLOURS


def chart(build, key: str, version, height: int = 380) -> None:
    if show_tables:
        fig = build()
        live_chart(fig, key, height)
        st.dataframe(figure_table(fig), height=200, hide_index=True, key=f"{key}_table")
    else:
        live_chart_versioned(build, key, version, height)


@st.fragment(run_every=A.TICK_S if running else None)
def live() -> None:
    """One tick: a chunk of whole rounds (when playing), then badges, curves and the table."""
    A.tick()
    if running and not A.is_running():
        st.rerun()  # every model stopped: a full run turns the timer off
    arena = A.get_arena()
    metric = arena.task.metric
    label = metric.label.get(lang, metric.name)
    rows = arena.results()
    c = st.columns(4)
    for k, row in enumerate(rows):
        if row["status"] == "diverged":
            badge = t("arena.badge.diverged")
        elif row["solved_at"] is not None:
            badge = t("arena.badge.solved", step=row["solved_at"])
        else:
            badge = t("arena.badge.not_yet")
        value = f"{row['metric']:.3f}"
        help_ = t("arena.badge.help", metric=label, value=value, threshold=f"{metric.threshold:g}")
        c[k].metric(f":{BADGE_COLOURS[k]}[**{row['model']}**]", badge, help=help_, border=True)
        c[k].caption(f"{label}: {value}")
    for row, tr in zip(rows, arena.trainers, strict=True):
        if row["status"] == "diverged":
            st.error(
                t("arena.diverged", model=row["model"], message=problem_text(tr.problem, lang))
            )
    steps = arena.rounds
    st.caption(
        f"{t('arena.steps')}: {steps:,} · {t('arena.sequences')}: "
        f"{steps * arena.base.optim.batch_size:,}"
    )
    curves, big = figs.curves_of(arena), projector_on()
    left, right = st.columns(2)
    with left:
        chart(
            lambda: figs.loss_overlay(curves, lang, projector=big),
            "arena_loss_chart",
            (arena, steps, lang, big),
        )
    with right:
        last_eval = max((cv["val_steps"][-1] for cv in curves if cv["val_steps"]), default=0)
        chart(
            lambda: figs.metric_overlay(curves, metric.threshold, label, lang, projector=big),
            "arena_metric_chart",
            (arena, last_eval, lang, big),
        )
    st.markdown(f"**{t('arena.results')}**")
    st.dataframe(A.results_table(rows, label), hide_index=True, key="arena_results")
    end_of_tick()


live()
