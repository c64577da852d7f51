"""The run store in the app: save the session's run, load one back into the session, rename,
delete, compare, and move runs in and out as bundles.

Callbacks (``on_click``) do the work and leave a message under ``runs_flash`` that the page
shows on its next run. Loading replaces the session's Trainer and configuration (the keys of
``ui.state``), so every page (Train, Inside the cell, Gradient flow, Equations) shows the
loaded run. Uploads are handled once per file content (keyed on its SHA-256): a rerun does not
import the same bundle twice. Nothing here unpickles anything: the store and the bundles read
JSON, .npz (allow_pickle=False) and safetensors only.
"""

from __future__ import annotations

import copy
import hashlib
import html
import inspect
import re
import string
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from lstm_core.arena import Contestant, solved_at
from lstm_core.bundle import BundleError, csv_safe, export_saved, import_bundle
from lstm_core.store import RunStore, StoreError, Viewer
from lstm_core.tasks import TASKS, TaskError
from lstm_core.tasks.base import Metric
from lstm_core.train import TrainError
from ui import owner, state, teacher_mode
from ui.i18n import current_language, t, translate

MAX_UPLOAD_MB = 25  # per-widget upload limit (the bundle reader allows at most 64 MB)
FLASH = "runs_flash"  # (kind, text) shown once by show_flash()
UPLOADS = "runs_uploads"  # SHA-256 of an uploaded file -> (kind, text) of its outcome
CONFIRM = "runs_confirm_delete"  # id of the run waiting for "Yes, delete it"
LAST_SAVE = "runs_last_save"  # (trainer, its steps, run id) of the session's latest save
BUNDLE = "runs_bundle"  # (run id, .zip bytes) built by the last Download click
LOCK_WAIT_S = 2.0  # how long a save waits for a training tick to finish


def store() -> RunStore:
    """The run store (``LSTM_PLAYGROUND_DB`` or ``$LSTM_PLAYGROUND_HOME``); StoreError when it
    cannot be opened."""
    return RunStore()


def viewer() -> Viewer:
    """Who is asking the store: this browser's owner id, and whether it is the teacher."""
    return teacher_mode.viewer()


_MARKDOWN = re.compile("([" + re.escape(string.punctuation) + "])")
ZWSP = "\u200b"  # a zero-width space: invisible, but no autolink pattern matches across it
_AUTOLINK = {".": ZWSP + "\\." + ZWSP, ":": "\\:" + ZWSP, "@": ZWSP + "\\@"}


def plain(text) -> str:
    """A run name as plain text inside markdown (st.success, st.caption, st.warning...), so
    that a name like ``[x](https://...)`` or ``![](https://...)`` shows as typed and never
    becomes a link, an image, emphasis or a colour: ASCII punctuation is backslash-escaped,
    and zero-width spaces surround ``.`` and follow ``:`` and precede ``@``, as Streamlit's
    markdown turns ``https://...``, ``www.x.y`` and ``a@b.c`` into links after parsing,
    escaped or not. Select boxes and tables show text as it is: they need no escaping."""
    return _MARKDOWN.sub(lambda m: _AUTOLINK.get(m[1], "\\" + m[1]), str(text))


def chart_label(run_id: int, name: str) -> str:
    """A legend label for Plotly, which reads a few HTML tags (``<a href>``) in text."""
    return html.escape(f"#{run_id} {name}")


def owner_label(info, who: Viewer) -> str:
    """Whose run it is, from the asker's side: yours, the class's copy, or a student's."""
    if info.shared:
        return t("runs.owner.class")
    if info.owner and info.owner == who.owner:
        return t("runs.owner.you")
    return t("runs.owner.student", id=info.owner[:6]) if info.owner else t("runs.owner.none")


def model_label(cfg) -> str:
    """LSTM-NFG · H=16 (· 2 layers)."""
    label = f"{Contestant(cfg.model.cell, cfg.model.variant).label} · H={cfg.model.hidden_size}"
    return label + (f" · {cfg.model.num_layers} layers" if cfg.model.num_layers > 1 else "")


def task_title(name: str, lang: str) -> str:
    return TASKS[name].title.get(lang, name) if name in TASKS else name


def metric_label(task: str, name: str, lang: str) -> str:
    """The task's own words for its metric (the store keeps the metric's short name)."""
    metric = inspect.getattr_static(TASKS[task], "metric", None) if task in TASKS else None
    if isinstance(metric, Metric) and metric.name == name:
        return metric.label.get(lang, name)
    return name  # a metric that depends on the knobs (a property): its name


def default_name(trainer, lang: str) -> str:
    return translate(
        "runs.default_name",
        lang,
        task=task_title(trainer.config.task, lang),
        model=model_label(trainer.config),
        steps=trainer.steps,
    )


def name_hint(trainer, lang: str) -> str:
    """The name field's placeholder: the default name without the step, which the field
    (drawn outside the live fragment) could not keep up to date while training."""
    return translate(
        "runs.name_hint",
        lang,
        task=task_title(trainer.config.task, lang),
        model=model_label(trainer.config),
    )


def flash(kind: str, text: str, where: str = FLASH) -> None:
    st.session_state[where] = (kind, text)


def show_flash(where: str = FLASH) -> None:
    """Show (once) the message a callback left."""
    msg = st.session_state.pop(where, None)
    if msg:
        getattr(st, msg[0])(msg[1])


# --------------------------------------------------------------------------- the list
def table(infos, lang: str, who: Viewer | None = None) -> pd.DataFrame:
    """One row per saved run: the store's own numbers (summary), not recomputed."""

    def num(v):
        return float("nan") if v is None else float(v)

    return csv_safe(  # the table's CSV download must not carry a name like "=HYPERLINK(...)"
        pd.DataFrame(
            {
                t("runs.col.id"): [i.id for i in infos],
                t("runs.col.name"): [i.name for i in infos],
                t("runs.col.task"): [task_title(i.config.task, lang) for i in infos],
                t("runs.col.model"): [model_label(i.config) for i in infos],
                t("runs.col.steps"): [int(i.summary.get("steps", 0)) for i in infos],
                t("runs.col.loss"): [num(i.summary.get("train_loss")) for i in infos],
                t("runs.col.metric"): [
                    metric_label(i.config.task, str(i.summary.get("metric", "")), lang)
                    for i in infos
                ],
                t("runs.col.value"): [num(i.summary.get("metric_value")) for i in infos],
                t("runs.col.solved"): [bool(i.summary.get("solved")) for i in infos],
                t("runs.col.created"): [i.created.replace("T", " ")[:19] for i in infos],
                t("runs.col.owner"): [owner_label(i, who or Viewer()) for i in infos],
            }
        )
    )


def curves(run_store: RunStore, infos) -> list[dict]:
    """Stored histories as curve dicts for ``ui.figures.runs.compare_figure``."""
    out = []
    for info in infos:
        h = run_store.history(info.id, viewer())
        out.append(
            {
                "label": chart_label(info.id, info.name),
                "steps": h.step,
                "loss": h.loss,
                "val_steps": h.val_step,
                "val_loss": h.val_loss,
                "metric": h.metric,
                "solved_at": solved_at(h),
            }
        )
    return out


# --------------------------------------------------------------------------- callbacks
def save_current(name_key: str, where: str) -> None:
    """Save the session's trainer under the name typed in ``name_key`` (or a default)."""
    trainer = state.get_trainer()
    name = (st.session_state.get(name_key) or "").strip() or default_name(
        trainer, current_language()
    )
    lock = state.session_lock()
    if not lock.acquire(timeout=LOCK_WAIT_S):
        flash("error", t("runs.save_error", message=plain("training is busy; try again")), where)
        return
    try:
        run_id = store().save(trainer, name, owner=owner.owner_id())
    except StoreError as e:
        flash("error", t("runs.save_error", message=plain(e)), where)
        return
    finally:
        lock.release()
    st.session_state[name_key] = ""  # the next save gets its own (default) name
    st.session_state[LAST_SAVE] = (trainer, trainer.steps, run_id)
    flash("success", t("runs.saved", name=plain(name), id=run_id), where)


def saved_as(trainer) -> int | None:
    """The run id this very trainer was last saved under, if nothing changed since."""
    last = st.session_state.get(LAST_SAVE)
    if last and last[0] is trainer and last[1] == trainer.steps:
        return last[2]
    return None


def still_there(run_id: int) -> bool:
    """Whether a run this session referred to is still in the store for it."""
    try:
        return store().exists(run_id, viewer())
    except StoreError:
        return False


def load(run_id: int, before_replace=lambda: None) -> None:
    """Make saved run ``run_id`` the session's run (paused): every page then shows it;
    ``before_replace()`` runs once the run has loaded, just before it replaces the old one."""
    try:
        run = store().load(run_id, viewer())
        trainer = run.trainer()
    except (TrainError, TaskError) as e:
        key = "runs.load_no_data" if run.shared and not run.task_data else "runs.load_error"
        flash("error", t(key, message=plain(e)))
        return
    except (StoreError, ValueError) as e:
        flash("error", t("runs.load_error", message=plain(e)))
        return
    before_replace()  # the page passes ui.keep.keep_run: a trained run is saved first (Undo)
    st.session_state[state.CONFIG] = copy.deepcopy(run.config)
    st.session_state[state.TRAINER] = trainer
    st.session_state[LAST_SAVE] = (trainer, trainer.steps, run.id)
    state.set_running(False)
    flash("success", t("runs.loaded", name=plain(run.name), steps=trainer.steps))


def rename(run_id: int) -> None:
    name = st.session_state.get("runs_new_name", "")
    try:
        store().rename(run_id, name, viewer())
    except StoreError as e:
        flash("error", plain(e))
        return
    st.session_state["runs_new_name"] = ""
    flash("success", t("runs.renamed", name=plain(name.strip())))


def ask_delete(run_id: int) -> None:
    st.session_state[CONFIRM] = int(run_id)


def cancel_delete() -> None:
    st.session_state.pop(CONFIRM, None)


def delete(run_id: int, name: str) -> None:
    st.session_state.pop(CONFIRM, None)
    try:
        store().delete(run_id, viewer())
    except StoreError as e:
        flash("error", plain(e))
        return
    flash("success", t("runs.deleted", name=plain(name)))


def share(run_id: int) -> None:
    """Publish a read-only copy to the class (the raw data only when the box is ticked)."""
    with_data = bool(st.session_state.get("runs_share_data"))
    try:
        copy_id = store().share(run_id, viewer(), with_data=with_data)
    except StoreError as e:
        flash("error", plain(e))
        return
    key = "runs.shared_with_data" if with_data else "runs.shared"
    flash("success", t(key, id=copy_id))


def bundle_bytes(run_id: int, who: Viewer | None = None) -> bytes:
    """The export bundle of a saved run (as ``who``, default this session), as .zip bytes."""
    run = store().load(run_id, who or viewer())
    with tempfile.TemporaryDirectory(prefix="lstm-bundle-") as tmp:
        path = export_saved(run, Path(tmp) / "run.zip")
        return path.read_bytes()


def bundle_or_message(run_id: int) -> tuple[bytes | None, str]:
    """The bundle's bytes, or None and the plain reason it cannot be made (a run deleted
    meanwhile, a class copy shared without the data it was trained on)."""
    try:
        return bundle_bytes(run_id), ""
    except (TrainError, TaskError) as e:
        return None, t("runs.load_no_data", message=plain(e))
    except (StoreError, BundleError, ValueError) as e:
        return None, t("runs.download_error", message=plain(e))


def prepare_download(run_id: int) -> None:
    """Build the bundle now (a click), so that a run gone meanwhile gets a plain message."""
    data, message = bundle_or_message(run_id)
    if data is None:
        st.session_state.pop(BUNDLE, None)
        flash("error", message)
    else:
        st.session_state[BUNDLE] = (int(run_id), data)


def prepared_bundle(run_id: int) -> bytes | None:
    """The bundle built for ``run_id`` by the last Download click, if any."""
    ready = st.session_state.get(BUNDLE)
    return ready[1] if ready and ready[0] == int(run_id) else None


def import_upload(data: bytes) -> tuple[str, str]:
    """Import an uploaded bundle once per content; return (kind, message) of the outcome.

    Every check runs before the store is touched (``lstm_core.bundle.import_bundle``): a
    rejected bundle leaves the store exactly as it was."""
    digest = hashlib.sha256(data).hexdigest()
    done = st.session_state.setdefault(UPLOADS, {})
    if digest not in done:
        try:
            run_store = store()
            run_id = import_bundle(data, run_store, owner=owner.owner_id())
            name = run_store.load(run_id, viewer()).name
            done[digest] = ("success", t("runs.imported", name=plain(name), id=run_id))
        except (BundleError, StoreError) as e:
            done[digest] = ("error", t("runs.rejected", message=plain(e)))
        except Exception as e:  # a hostile file must never reach the user as a traceback
            done[digest] = ("error", t("runs.rejected", message=plain(f"{type(e).__name__}: {e}")))
    return done[digest]


def on_upload() -> None:
    upload = st.session_state.get("runs_upload")
    if upload is not None:
        import_upload(upload.getvalue())


# --------------------------------------------------------------------------- widgets
def save_run_button(prefix: str = "train") -> None:
    """ "Save run": a name field and a button that store the session's current run."""
    if not state.has_trainer():
        return
    trainer = state.get_trainer()
    where = f"{prefix}_save_flash"
    owner.remember()  # the browser keeps its owner token across reloads
    # stacked, not side by side: on the Train page this sits in the narrow setup column
    st.text_input(
        t("runs.save.name"),
        key=f"{prefix}_save_name",
        placeholder=name_hint(trainer, current_language()),
        max_chars=120,
    )
    st.button(
        t("runs.save"),
        key=f"{prefix}_save",
        on_click=save_current,
        args=(f"{prefix}_save_name", where),
        help=t("runs.save.help"),
        icon=":material/save:",
    )
    show_flash(where)
