"""Per-session state: the run's configuration, the user's Trainer, a lock, and reset.

Everything lives in ``st.session_state`` under plain (non-widget) keys, so it survives page
switches; widgets are seeded from these keys. The user's own data (a CSV file, a text) is
kept here too (``ui.upload`` checks it before it is stored); the task built from it is built
once per (task, knobs, data) and reused across reruns (``task_for``), or read from the
Trainer, which holds the same task. ``st.cache_resource`` is never used for a user's model:
it is shared by every session of the server.
"""

from __future__ import annotations

import copy
import threading
from contextlib import contextmanager
from importlib import resources

import streamlit as st

from lstm_core.config import TrainConfig
from lstm_core.runtime import single_thread
from lstm_core.tasks import TASKS, Task, TaskError, make_task
from ui import guard

CONFIG = "train_config"  # TrainConfig the next (or current) run uses
TRAINER = "trainer"  # the session's Trainer, built from CONFIG
RUNNING = "train_running"  # True while Play is on
LOCK = "trainer_lock"  # threading.Lock guarding the trainer
SPEED = "train_speed"  # training steps per tick (None: as many as fit in the time box)
DATA = "train_task_data"  # {"name", "sha256", "data", "target", "inputs", "missing", "numeric"}
TEXT = "train_task_text"  # {"text", "sha256", "chars"}: the text task's "your own text"
TASK = "train_task_built"  # [(key, Task), ...]: the tasks task_for built last, newest first
TASKS_KEPT = 3  # the run's task, and a task or knob value being tried in the menus
TASKS_WITH_FILES = ("csv",)


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
    """A Trainer on a copy of ``cfg``, with the user's file for tasks built from one."""
    from lstm_core.train import Trainer  # lazy: the Home page imports this module without torch

    single_thread()  # the process's first Trainer may come before any page limited torch
    return Trainer(copy.deepcopy(cfg), data=data_for(cfg.task))


# ----- the user's data and the task built from it
def example_bytes() -> bytes:
    return resources.files("lstm_core").joinpath("data", "elnino.csv").read_bytes()


def data_for(task_name: str) -> dict:
    """What ``make_task(task_name, ...)`` needs besides its knobs ({} for built-in tasks)."""
    if task_name == "text":
        own = st.session_state.get(TEXT)
        return {"text": own["text"]} if own else {}
    if task_name not in TASKS_WITH_FILES:
        return {}
    d = st.session_state.get(DATA)
    if not d:
        return {"data": example_bytes()}
    return {"data": d["data"], "target": d["target"], "inputs": list(d["inputs"]),
            "missing": d["missing"]}  # fmt: skip


def _data_key(task_name: str) -> tuple:
    """What identifies the data ``data_for(task_name)`` gives, without reading it again."""
    if task_name == "text":
        return ("text", (st.session_state.get(TEXT) or {}).get("sha256"))
    if task_name in TASKS_WITH_FILES:
        d = st.session_state.get(DATA) or {}
        return ("file", d.get("sha256"), d.get("target"), tuple(d.get("inputs", ())),
                d.get("missing"))  # fmt: skip
    return ()


def _task_key(task_name: str, knobs: dict) -> tuple:
    """What identifies a built task: its name, every knob value in force, and its data."""
    try:
        values = TASKS[task_name].resolve(knobs)  # {} and the defaults spelled out: one task
    except (KeyError, TaskError):
        values = knobs
    return (task_name, repr(sorted(values.items())), _data_key(task_name))


def _trainers_task(key: tuple) -> Task | None:
    """The session's Trainer's own task when it is the one asked for (same knobs in force,
    same data), else None."""
    trainer = st.session_state.get(TRAINER)
    task = getattr(trainer, "task", None)
    if task is None or key[:2] != (task.name, repr(sorted(task.values.items()))):
        return None
    return task if trainer.task_data == data_for(task.name) else None


def task_for(task_name: str, knobs: dict) -> Task:
    """The task ``task_name`` with ``knobs`` and the user's data: the Trainer's own when it
    is that task, else built once and reused while none of them changes (an uploaded file
    is parsed once, not on every rerun). Read it, do not change it. Raises what
    ``make_task`` raises."""
    key = _task_key(task_name, knobs)
    task = _trainers_task(key)
    if task is not None:
        return task
    built = st.session_state.get(TASK) or []
    for k, task in built:
        if k == key:
            return task
    task = make_task(task_name, **data_for(task_name), **knobs)
    st.session_state[TASK] = [(key, task), *[e for e in built if e[0] != key]][:TASKS_KEPT]
    return task


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
    if trainer.status in ("diverged", "stopped"):  # a pause or an early stop
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
