"""The Train page's data upload: your own CSV file for the csv task, checked before it is used.

    data = state.data_for("csv")  # make_task inputs besides knobs: the file and its columns
    data_controls("csv", knobs)   # the uploader and the column choice (Train page, task tab)

Nothing reaches the run until the whole file has been read by the loader and the task has
been built from it with the knobs in force: a rejected file shows the loader's message and
leaves the current file, the current run and the settings exactly as they were. Until the
user uploads a file, the built-in example (monthly El Niño temperatures) stands in, so the
task always builds. The bytes live in this session's state only: nothing is written to disk
(a saved run stores them in the run store, like any other part of the run).
"""

from __future__ import annotations

import hashlib

import streamlit as st

from lstm_core.tasks import TaskError, make_task
from lstm_core.tasks.csv_loader import load_csv
from ui import keep, state
from ui.i18n import current_language, t
from ui.state import DATA, TASKS_WITH_FILES, TEXT

MAX_MB = 20  # per-widget limit; the loader refuses more than 20 MB too (server: 25 MB)
TEXT_MB = 8  # the text task refuses more than 8 MB of bytes (2,000,000 characters)


def checked(raw: bytes, knobs: dict, **choice) -> tuple[dict | None, str | None]:
    """Read ``raw`` and build the csv task with ``knobs``: (the data entry, None), or
    (None, the plain reason it cannot be used)."""
    if len(raw) > MAX_MB * 1_000_000:
        return None, t("upload.too_big", size=f"{len(raw) / 1e6:.1f}", limit=MAX_MB)
    try:
        table = load_csv(raw, **choice)
        make_task("csv", table=table, **knobs)
    except TaskError as e:  # CsvError is a TaskError
        return None, str(e)
    entry = {
        "data": raw,
        "sha256": hashlib.sha256(raw).hexdigest(),
        "target": table.target,
        "inputs": list(table.inputs),
        "missing": choice.get("missing", "interpolate"),
        "numeric": [c for c in table.report.get("numeric_columns", []) if c],
        "rows": int(len(table.values)),
    }
    return entry, None


def _use(entry: dict, name: str) -> None:
    """Store a checked file; a run of the csv task restarts on it."""
    st.session_state[DATA] = {**entry, "name": name}
    if state.has_trainer() and state.get_trainer().task.name in TASKS_WITH_FILES:
        kept = keep.keep_run()  # a trained run is saved first, with Undo
        state.reset_trainer()
        st.toast(t("upload.new_run", name=name))
        if kept:
            st.rerun()  # the page's top shows the Undo notice


def data_controls(task_name: str, knobs: dict) -> None:
    """The uploader and, once a file is in use, its target / input / missing-value choices."""
    if task_name == "text":
        return text_controls(knobs)
    if task_name not in TASKS_WITH_FILES:
        return
    up = st.file_uploader(
        t("upload.csv"),
        type=["csv", "tsv", "txt"],
        max_upload_size=MAX_MB,
        key="train_upload",
        help=t("upload.csv.help", limit=MAX_MB),
    )
    current = st.session_state.get(DATA)
    if up is not None:
        raw = up.getvalue()
        if current is None or current["sha256"] != hashlib.sha256(raw).hexdigest():
            entry, why = checked(raw, knobs)
            if why:
                st.error(t("upload.rejected", name=up.name, message=why))
            else:
                _use(entry, up.name)
                current = st.session_state[DATA]
    if current is None:
        st.caption(t("upload.example"))
        return
    st.caption(t("upload.using", name=current["name"], rows=f"{current['rows']:,}"))
    _column_choice(current, knobs)


def _column_choice(current: dict, knobs: dict) -> None:
    numeric = current["numeric"] or [current["target"]]
    c1, c2 = st.columns(2)
    target = c1.selectbox(
        t("upload.target"),
        numeric,
        index=numeric.index(current["target"]) if current["target"] in numeric else 0,
        key="train_upload_target",
    )
    missing = c2.radio(
        t("upload.missing"),
        ["interpolate", "drop"],
        horizontal=True,
        index=0 if current["missing"] == "interpolate" else 1,
        format_func=lambda v: t(f"upload.missing.{v}"),
        key="train_upload_missing",
    )
    inputs = st.multiselect(
        t("upload.inputs"),
        [c for c in numeric if c != target],
        default=[c for c in current["inputs"] if c != target and c in numeric],
        key="train_upload_inputs",
        placeholder=t("upload.inputs.none"),
    )
    choice = {"target": target, "inputs": list(inputs), "missing": missing}
    if choice != {k: current[k] for k in choice}:
        entry, why = checked(current["data"], knobs, **choice)
        if why:
            st.error(t("upload.rejected", name=current["name"], message=why))
        else:
            _use(entry, current["name"])


# ----- the text task's "your own text"
def text_controls(knobs: dict) -> None:
    """A text box and a .txt uploader, shown when the text source is "your own text"."""
    if st.session_state.get("train_knob_text_source", knobs.get("source")) != "custom":
        return
    own = st.session_state.get(TEXT)
    pasted = st.text_area(
        t("upload.text"),
        value=own["text"][:20_000] if own else "",
        height=140,
        key="train_text_area",
        help=t("upload.text.help"),
    )
    up = st.file_uploader(
        t("upload.text_file"),
        type=["txt", "md", "py", "csv"],
        max_upload_size=TEXT_MB,
        key="train_text_upload",
    )
    candidates = [(up.name, up.getvalue())] if up is not None else []
    if pasted.strip() and (own is None or pasted != own["text"][:20_000]):
        candidates.append((t("upload.text.pasted"), pasted))
    for name, raw in candidates:
        digest = hashlib.sha256(raw if isinstance(raw, bytes) else raw.encode()).hexdigest()
        if own is not None and own["sha256"] == digest:
            continue
        try:
            task = make_task("text", text=raw, **{**knobs, "source": "custom"})
        except TaskError as e:
            st.error(t("upload.rejected", name=name, message=e.message_in(current_language())))
            continue
        text = task.corpus()
        st.session_state[TEXT] = {"text": text, "sha256": digest, "chars": len(text)}
        own = st.session_state[TEXT]
        _restart_text_run(name)
        break
    if own is None:
        st.info(t("upload.text.prompt"))
    else:
        st.caption(t("upload.text.using", chars=f"{own['chars']:,}"))


def _restart_text_run(name: str) -> None:
    if state.has_trainer() and state.get_trainer().task.name == "text":
        if state.get_trainer().task.values.get("source") == "custom":
            kept = keep.keep_run()
            state.reset_trainer()
            st.toast(t("upload.new_run", name=name))
            if kept:
                st.rerun()
