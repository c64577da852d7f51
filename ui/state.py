"""Per-session state: the run's configuration, the user's Trainer, a lock, and reset.

Everything lives in ``st.session_state`` under plain (non-widget) keys, so it survives page
switches; widgets are seeded from these keys. ``st.cache_resource`` is never used for a
user's model: it is shared by every session of the server.
"""

from __future__ import annotations

import copy
import threading
from contextlib import contextmanager

import streamlit as st

from lstm_core.config import TrainConfig

CONFIG = "train_config"  # TrainConfig the next (or current) run uses
TRAINER = "trainer"  # the session's Trainer, built from CONFIG
RUNNING = "train_running"  # True while Play is on
LOCK = "trainer_lock"  # threading.Lock guarding the trainer
SPEED = "train_speed"  # training steps per tick (None: as many as fit in the time box)


def get_config() -> TrainConfig:
    """The session's run configuration (a default TrainConfig on first use)."""
    if CONFIG not in st.session_state:
        st.session_state[CONFIG] = TrainConfig()
    return st.session_state[CONFIG]


def set_config(cfg: TrainConfig) -> None:
    st.session_state[CONFIG] = copy.deepcopy(cfg)


def has_trainer() -> bool:
    return st.session_state.get(TRAINER) is not None


def get_trainer():
    """The session's Trainer, built from the configuration the first time it is asked for.

    Raises whatever the engine raises for a configuration it cannot build (``TaskError``,
    ``ValueError``); pages show that as a plain message.
    """
    trainer = st.session_state.get(TRAINER)
    if trainer is None:
        trainer = _build(get_config())
        st.session_state[TRAINER] = trainer
    return trainer


def _build(cfg: TrainConfig):
    """A Trainer on a copy of ``cfg``, with the user's file for tasks built from one
    (ui.upload)."""
    from lstm_core.train import Trainer
    from ui import upload

    return Trainer(copy.deepcopy(cfg), data=upload.data_for(cfg.task))


def reset_trainer(cfg: TrainConfig | None = None) -> None:
    """Stop, and start a fresh run (step 0) from ``cfg`` (default: the current configuration).

    The new Trainer is built before anything changes: a configuration the engine rejects
    raises (``TaskError``, ``TrainError``) and leaves the old run in place.
    """
    cfg = copy.deepcopy(cfg if cfg is not None else get_config())
    trainer = _build(cfg)
    st.session_state[CONFIG] = cfg
    st.session_state[TRAINER] = trainer
    set_running(False)


def is_running() -> bool:
    return bool(st.session_state.get(RUNNING, False))


def set_running(running: bool) -> None:
    st.session_state[RUNNING] = bool(running)
    if not running:  # give the server's training slot to the next student in line
        from ui import guard

        guard.release()


def session_lock() -> threading.Lock:
    """One lock per session: a training chunk and a widget callback never overlap."""
    if LOCK not in st.session_state:
        st.session_state[LOCK] = threading.Lock()
    return st.session_state[LOCK]


@contextmanager
def trainer_turn():
    """``with trainer_turn() as mine:`` -- ``mine`` is False when another thread holds the
    trainer (skip this tick rather than wait: the next tick comes in half a second)."""
    lock = session_lock()
    mine = lock.acquire(blocking=False)
    try:
        yield mine
    finally:
        if mine:
            lock.release()


# ----- Play / Pause / Step / Reset (on_click callbacks: they run before the script)
def play() -> None:
    trainer = get_trainer()
    if trainer.status == "diverged":
        trainer.resume()
    set_running(True)


def pause() -> None:
    set_running(False)


def step_once() -> None:
    """Pause, then train exactly one step."""
    set_running(False)
    with trainer_turn() as mine:
        if mine:
            get_trainer().step(1)
