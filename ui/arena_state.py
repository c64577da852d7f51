"""The Arena page's session state: its setup, its ``lstm_core.arena.Arena``, Play/Pause/Step/Reset.

The setup (preset, models, lag) lives in the non-widget key ``arena_setup`` so that it
survives page switches; widgets are seeded from it and write back through ``on_change``.
Any change of setup builds a new arena (step 0): a comparison only means something when
every model starts together. The session lock of ``ui.state`` guards the arena as it
guards the Train page's trainer (one training chunk at a time per session).
"""

from __future__ import annotations

import copy
from dataclasses import replace

import pandas as pd
import streamlit as st

from lstm_core.arena import PRESETS, REGULARIZATIONS, Arena, ArenaError, Contestant, lag_knob
from lstm_core.config import VARIANTS
from lstm_core.tasks import TASKS
from ui import guard, keep, state
from ui.i18n import t
from ui.train_view import short

SETUP = "arena_setup"  # {"preset": key, "models": [(cell, variant[, init]), ...], "lag": ...}
ARENA = "arena_obj"  # the Arena
RUNNING = "arena_running"
ERROR = "arena_error"  # the last ArenaError message (a setup the engine refused)
FROM_TRAIN = "train"  # preset key: the Train page's task, model size and optimizer
CHUNK_S = 0.14  # one tick's training time, all models together (<= 150 ms)
TICK_S = 0.1
# Every model a slot can hold: the LSTM and its variants, then GRU and RNN.
CHOICES = (
    tuple(("lstm", v) for v in VARIANTS)
    + (("gru", "standard"), ("rnn", "standard"))
    + tuple(("lstm", "standard", (), r) for r in REGULARIZATIONS if r)  # the overfitting preset
    + (("lstm", "standard", (), "", "chrono"),)  # the long-lag preset
)


def preset_keys() -> list[str]:
    return [*PRESETS, FROM_TRAIN]


def base_config(preset: str):
    """The shared configuration of a preset (or of the Train page's current setup)."""
    if preset == FROM_TRAIN:
        cfg = copy.deepcopy(state.get_config())
        return replace(cfg, model=replace(cfg.model, cell="lstm", variant="standard"))
    return copy.deepcopy(PRESETS[preset].config)


def default_setup(preset: str) -> dict:
    cfg = base_config(preset)
    models = (
        [_model_tuple(c) for c in PRESETS[preset].models]
        if preset in PRESETS
        else [("lstm", "standard"), ("rnn", "standard")]
    )
    knob = lag_knob(TASKS[cfg.task])
    default = next((k.default for k in TASKS[cfg.task].knobs if k.name == knob), None)
    lag = cfg.task_knobs.get(knob, default) if knob else None
    return {"preset": preset, "models": models, "lag": lag}


def get_setup() -> dict:
    if SETUP not in st.session_state:
        st.session_state[SETUP] = default_setup(next(iter(PRESETS)))
    return st.session_state[SETUP]


def setup_config(setup: dict):
    """The shared TrainConfig of ``setup`` with its lag applied."""
    cfg = base_config(setup["preset"])
    knob = lag_knob(TASKS[cfg.task])
    if knob and setup["lag"] is not None:
        cfg = replace(cfg, task_knobs={**cfg.task_knobs, knob: int(setup["lag"])})
    return cfg


def setup_data(setup: dict) -> dict:
    """What the task is built from besides its knobs: the Train page's uploaded data (csv,
    text) when the arena uses the Train page's task; nothing for the presets."""
    if setup["preset"] != FROM_TRAIN or not state.has_trainer():
        return {}
    trainer = state.get_trainer()
    return dict(trainer.task_data) if trainer.config.task == state.get_config().task else {}


def build(setup: dict) -> None:
    """A new arena from ``setup``; on a refusal the old arena stays and the message shows."""
    try:
        arena = Arena(setup_config(setup), setup["models"], setup_data(setup))
    except (ArenaError, ValueError) as e:
        st.session_state[ERROR] = str(e)
        return
    st.session_state[SETUP] = copy.deepcopy(setup)
    st.session_state[ARENA] = arena
    st.session_state[RUNNING] = False
    st.session_state.pop(ERROR, None)


def get_arena() -> Arena:
    if st.session_state.get(ARENA) is None:
        build(get_setup())
        if st.session_state.get(ARENA) is None:  # the stored setup was refused: defaults
            build(default_setup(next(iter(PRESETS))))
    return st.session_state[ARENA]


def _model_tuple(c: Contestant) -> tuple:
    """(cell, variant), then (knobs), (knobs, regularization) and (knobs, regularization, init)
    only when they are set."""
    if c.init:
        return (c.cell, c.variant, c.knobs, c.regularization, c.init)
    if c.regularization:
        return (c.cell, c.variant, c.knobs, c.regularization)
    return (c.cell, c.variant, c.knobs) if c.knobs else (c.cell, c.variant)


def labels(setup: dict) -> list[str]:
    return [Contestant(*m).label for m in setup["models"]]


def slot_choices(setup: dict) -> tuple:
    """The models a slot offers: every cell and variant, plus the setup's own models with task
    settings of their own (a translation preset's reversed or attentive LSTM)."""
    own = tuple(tuple(m) for m in setup["models"] if len(m) > 2 and m[2])
    return CHOICES + tuple(dict.fromkeys(own))


def slot_label(m: tuple) -> str:
    """A slot's model as the user reads it: the cell, then its own task settings."""
    regularization = m[3] if len(m) > 3 else ""
    init = m[4] if len(m) > 4 and m[4] else ""  # the chrono LSTM
    text = t(".".join(("arena.model", m[0], m[1], regularization or init)).rstrip("."))
    for knob, value in m[2] if len(m) > 2 else ():
        text += " · " + t(f"arena.knob.{knob}.{value}")
    return text


# ----- a trained arena that a change replaces is kept for Undo (ui.keep)
def keep_for_undo() -> None:
    keep.keep_arena(ARENA, SETUP, restore)


def restore(arena: Arena, setup: dict) -> None:
    """Put a kept arena back, paused, with its setup in the widgets."""
    st.session_state[RUNNING] = False
    st.session_state[ARENA] = arena
    st.session_state[SETUP] = setup
    seed_widgets(force=True)


# ----- widget callbacks (they run before the script)
def on_preset() -> None:
    keep_for_undo()  # a trained arena is kept, with Undo
    build(default_setup(st.session_state["arena_preset"]))
    seed_widgets(force=True)


def on_count() -> None:
    keep_for_undo()  # a trained arena is kept, with Undo
    setup = copy.deepcopy(get_setup())
    models = list(setup["models"])[: int(st.session_state["arena_count"])]
    while len(models) < int(st.session_state["arena_count"]):
        models.append(spare_model(models))
    setup["models"] = models
    build(setup)
    seed_widgets(force=True)


def on_slot(k: int) -> None:
    keep_for_undo()  # a trained arena is kept, with Undo
    setup = copy.deepcopy(get_setup())
    setup["models"][k] = tuple(st.session_state[f"arena_slot_{k}"])
    build(setup)
    seed_widgets(force=True)  # a refused choice (a model twice) goes back to the last good one


def on_lag() -> None:
    keep_for_undo()  # a trained arena is kept, with Undo
    setup = copy.deepcopy(get_setup())
    setup["lag"] = int(st.session_state["arena_lag"])
    build(setup)
    seed_widgets(force=True)


def seed_widgets(force: bool = False) -> None:
    """Put the stored setup into the widgets (missing keys only unless ``force``)."""
    setup = get_setup()
    values = {"arena_preset": setup["preset"], "arena_count": len(setup["models"])}
    if setup["lag"] is not None:
        values["arena_lag"] = int(setup["lag"])
    for k, m in enumerate(setup["models"]):
        values[f"arena_slot_{k}"] = tuple(m)
    for key, value in values.items():
        if force or key not in st.session_state:
            st.session_state[key] = value


def spare_model(taken: list) -> tuple:
    """The first model not yet in the arena (for a slot that was just added)."""
    return next(m for m in (("gru", "standard"), *CHOICES) if m not in taken)


def play() -> None:
    guard.clear("arena")
    arena = get_arena()
    if not arena.active:  # every model diverged: nothing to play
        return
    st.session_state[RUNNING] = True


def pause() -> None:
    st.session_state[RUNNING] = False
    guard.release()  # the next student in line may train


def step_once() -> None:
    """Pause, then one round: every model trains on the same next batch."""
    st.session_state[RUNNING] = False
    with state.trainer_turn() as mine:
        if mine:
            get_arena().step(1)


def reset() -> None:
    build(get_setup())


def is_running() -> bool:
    return bool(st.session_state.get(RUNNING, False))


def tick() -> int:
    """One live tick: whole rounds for up to CHUNK_S (skipped if another thread trains)."""
    guard.notice("arena")  # a chunk that raised: a plain message until Play
    with state.trainer_turn() as mine:
        if mine and is_running() and guard.admitted():  # the server's training line
            arena = get_arena()
            done = guard.chunk("arena", arena.advance, CHUNK_S)
            if done is None:  # it raised: pause; the message shows from the next run
                st.session_state[RUNNING] = False
                return 0
            if not arena.active:
                st.session_state[RUNNING] = False
            return done
    return 0


def results_table(rows: list[dict], metric_label: str) -> pd.DataFrame:
    """The results table of ``Arena.results()`` rows, as shown (losses like the Train page)."""

    def num(v):
        return "–" if v is None or v != v else short(v)  # v != v: NaN (no step yet)

    return pd.DataFrame(
        {
            t("arena.col.model"): [r["model"] for r in rows],
            t("arena.col.steps"): [r["steps"] for r in rows],
            t("arena.col.train_loss"): [num(r["train_loss"]) for r in rows],
            t("arena.col.val_loss"): [num(r["val_loss"]) for r in rows],
            t("arena.col.metric", metric=metric_label): [f"{r['metric']:.3f}" for r in rows],
            t("arena.col.solved_at"): [str(r["solved_at"] or "–") for r in rows],
            t("arena.col.steps_per_s"): [f"{r['steps_per_s']:.0f}" for r in rows],
        }
    )
