"""Presets, lessons and loads never replace a trained run silently.

Every path that puts a new run (or a new arena) in place of one that has trained calls
``keep_run`` (or ``keep_arena``) just before. A run that has trained (steps > 0) and was not
saved since is saved to Saved runs under an "autosaved" name; either way the old Trainer object
and its configuration are kept in the session, and every page shows a notice with Undo, which
puts that very object back (same steps, same weights, same history). An arena cannot be saved
to the store: it is kept in the session only, with the same Undo.
"""

from __future__ import annotations

import copy

import streamlit as st

from lstm_core.store import StoreError
from ui import owner, state
from ui.i18n import current_language, t, translate

RUN = "keep_run"  # {"trainer", "config", "run_id", "error", "data"}: the run that was replaced
ARENA = "keep_arena"  # {"arena", "setup", "key", "restore"}: the arena that was replaced
LESSON = "lesson_active"  # ui.lesson_state.ACTIVE (that module imports this one)


def keep_run() -> bool:
    """Call just before the session's run is replaced: save it if it trained and is unsaved,
    and remember it for Undo. A run at step 0 (nothing to lose) is not kept: False."""
    from ui import runs  # lazy: ui.runs loads torch; every page (Home too) imports this module

    trainer = st.session_state.get(state.TRAINER)
    if trainer is None or trainer.steps == 0:
        return False
    run_id, error = runs.saved_as(trainer), ""
    if run_id is None:
        run_id, error = _save(trainer)
    st.session_state[RUN] = {
        "trainer": trainer,
        "config": copy.deepcopy(state.get_config()),
        "run_id": run_id,
        "error": error,
        "data": {k: st.session_state.get(k) for k in (state.DATA, state.TEXT)},  # its own file
    }
    return True


def _save(trainer) -> tuple[int | None, str]:
    """(run id, "") once saved under the autosaved name; (None, why) when the store refused."""
    from ui import runs  # lazy: ui.runs loads torch; every page (Home too) imports this module

    lang = current_language()
    name = translate("keep.name", lang, run=runs.default_name(trainer, lang))
    lock = state.session_lock()
    if not lock.acquire(timeout=runs.LOCK_WAIT_S):
        return None, "training is busy"
    try:
        run_id = runs.store().save(trainer, name, owner=owner.owner_id())
    except StoreError as e:
        return None, runs.plain(e)
    finally:
        lock.release()
    st.session_state[runs.LAST_SAVE] = (trainer, trainer.steps, run_id)
    return run_id, ""


def keep_arena(arena_key: str, setup_key: str, restore) -> None:
    """Call just before the arena under ``arena_key`` is replaced: remember it (and its setup
    under ``setup_key``) if it has trained; Undo calls ``restore(arena, setup)``."""
    arena = st.session_state.get(arena_key)
    if arena is not None and arena.rounds > 0:
        setup = copy.deepcopy(st.session_state.get(setup_key))
        st.session_state[ARENA] = {
            "arena": arena, "setup": setup, "key": arena_key, "restore": restore}  # fmt: skip


def undo_run() -> None:
    """Put the kept run back: the very Trainer object, paused, with its configuration."""
    kept = st.session_state.pop(RUN, None)
    if kept is None:
        return
    state.set_running(False)
    st.session_state[state.CONFIG] = kept["config"]
    st.session_state[state.TRAINER] = kept["trainer"]
    for key, value in kept["data"].items():  # the file or text the run was trained on
        if value is None:
            st.session_state.pop(key, None)
        else:
            st.session_state[key] = value
    for key in [k for k in st.session_state if str(k).startswith("train_")]:
        if key not in (state.CONFIG, state.RUNNING, state.SPEED):
            del st.session_state[key]  # the Train page's widgets re-read the configuration
    st.session_state.pop(LESSON, None)  # the lesson's run is gone: its prompts would mislead


def undo_arena() -> None:
    kept = st.session_state.pop(ARENA, None)
    if kept is not None:
        kept["restore"](kept["arena"], kept["setup"])


def _dismiss(key: str) -> None:
    st.session_state.pop(key, None)


def notices() -> None:
    """On every page: what a preset or lesson replaced, with Undo and Dismiss."""
    kept = st.session_state.get(RUN)
    if kept is not None and st.session_state.get(state.TRAINER) is not kept["trainer"]:
        steps = f"{kept['trainer'].steps:,}"
        if kept["run_id"] is not None:
            text = t("keep.run_saved", steps=steps, id=kept["run_id"])
        else:
            text = t("keep.run_not_saved", steps=steps, why=kept["error"])
        _notice(text, "keep_undo_run", undo_run, RUN)
    elif kept is not None:
        st.session_state.pop(RUN, None)  # the kept run is the current one again (loaded back)
    kept = st.session_state.get(ARENA)
    if kept is not None and st.session_state.get(kept["key"]) is kept["arena"]:
        st.session_state.pop(ARENA, None)  # the replacement was refused: nothing was lost
    elif kept is not None:
        rounds = f"{kept['arena'].rounds:,}"
        _notice(t("keep.arena_replaced", steps=rounds), "keep_undo_arena", undo_arena, ARENA)


def _notice(text: str, key: str, undo, kept_key: str) -> None:
    with st.container(border=True, key=f"{key}_box"):
        left, mid, right = st.columns([5, 1.2, 1.2], vertical_alignment="center")
        left.markdown(f":material/history: {text}")
        mid.button(t("keep.undo"), key=key, on_click=undo, type="primary", width="stretch")
        right.button(
            t("keep.dismiss"),
            key=f"{key}_dismiss",
            on_click=_dismiss,
            args=(kept_key,),
            width="stretch",
        )
