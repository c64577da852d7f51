"""Saved runs: list, load, rename, delete, share, compare, download and upload run bundles.

Each browser sees its own runs and the class's shared copies; the teacher sees every run."""

import streamlit as st

from lstm_core.store import StoreError
from ui import keep, owner, runs, state, teacher_mode
from ui.classroom import projector_on
from ui.figures.runs import compare_figure
from ui.i18n import current_language, t
from ui.page import setup

setup("runs")
st.title(t("runs.title"))
st.write(t("runs.intro"))
lang = current_language()
owner.remember()
runs.show_flash()

try:
    run_store = runs.store()
    who = runs.viewer()
    infos = run_store.list(who)
except StoreError as e:
    st.error(t("runs.store_error", message=runs.plain(e)))
    st.stop()

if state.has_trainer():
    trainer = state.get_trainer()
    saved_as = runs.saved_as(trainer)
    gone = saved_as is not None and saved_as not in {i.id for i in infos}
    st.caption(
        t(
            "runs.current" if saved_as is None or gone else "runs.current_saved",
            task=runs.plain(runs.task_title(trainer.config.task, lang)),
            model=runs.plain(runs.model_label(trainer.config)),
            steps=trainer.steps,
            **({} if saved_as is None or gone else {"id": saved_as}),
        )
    )
    if gone:
        st.warning(t("runs.gone", id=saved_as))
    runs.save_run_button("runs")

if not infos:
    st.info(t("runs.empty"))
else:
    st.dataframe(
        runs.table(infos, lang, who),
        hide_index=True,
        key="runs_table",
        column_config={
            t("runs.col.loss"): st.column_config.NumberColumn(format="%.4g"),
            t("runs.col.value"): st.column_config.NumberColumn(format="%.3f"),
        },
    )
    by_id = {i.id: i for i in infos}
    st.subheader(t("runs.actions"))
    pick = st.selectbox(
        t("runs.pick"), list(by_id), key="runs_pick", format_func=lambda i: f"#{i} {by_id[i].name}"
    )
    chosen = by_id[pick]
    editable = chosen.editable_by(who)
    if chosen.shared:
        st.caption(t("runs.class_copy"))
    c = st.columns([1.3, 1.3, 1], vertical_alignment="bottom")
    c[0].button(
        t("runs.load"),
        on_click=runs.load,
        args=(pick, keep.keep_run),  # a trained, unsaved run is saved first, with Undo
        key="runs_load",
        type="primary",
        help=t("runs.load.help"),
        icon=":material/upload:",
        width="stretch",
    )
    bundle = runs.prepared_bundle(pick)
    if bundle is None:
        c[1].button(
            t("runs.download"),
            on_click=runs.prepare_download,
            args=(pick,),
            key="runs_download",
            help=t("runs.download.help"),
            icon=":material/download:",
            width="stretch",
        )
    else:
        c[1].download_button(
            t("runs.download_ready"),
            data=bundle,
            file_name=f"lstm-run-{pick}.zip",
            mime="application/zip",
            key="runs_download_zip",
            icon=":material/download:",
            width="stretch",
        )
    c[2].button(
        t("runs.delete"),
        on_click=runs.ask_delete,
        args=(pick,),
        key="runs_delete",
        width="stretch",
        disabled=not editable,
    )
    if editable and st.session_state.get(runs.CONFIRM) == pick:
        st.warning(t("runs.confirm_delete", name=runs.plain(chosen.name)))
        d = st.columns([1, 1, 3])
        d[0].button(
            t("runs.delete_yes"),
            on_click=runs.delete,
            args=(pick, chosen.name),
            key="runs_delete_yes",
            type="primary",
        )
        d[1].button(t("runs.delete_no"), on_click=runs.cancel_delete, key="runs_delete_no")
    r = st.columns([3, 1], vertical_alignment="bottom")
    r[0].text_input(
        t("runs.new_name"),
        key="runs_new_name",
        placeholder=chosen.name,
        max_chars=120,
        disabled=not editable,
    )
    r[1].button(
        t("runs.rename"),
        on_click=runs.rename,
        args=(pick,),
        key="runs_rename",
        width="stretch",
        disabled=not editable,
    )
    if editable and not chosen.shared:
        s = st.columns([3, 1], vertical_alignment="bottom")
        s[0].checkbox(t("runs.share_data"), key="runs_share_data", help=t("runs.share_data.help"))
        s[1].button(
            t("runs.share"), on_click=runs.share, args=(pick,), key="runs_share", width="stretch"
        )

    st.subheader(t("runs.compare"))
    compare = st.multiselect(
        t("runs.compare.pick"),
        list(by_id),
        default=list(by_id)[:2],
        key="runs_compare",
        format_func=lambda i: f"#{i} {by_id[i].name}",
        placeholder=t("runs.compare.none"),
    )
    if compare:
        try:
            curves = runs.curves(run_store, [by_id[i] for i in compare])
        except StoreError as e:  # a run deleted since the list was read
            st.warning(t("runs.download_error", message=runs.plain(e)))
        else:
            fig = compare_figure(curves, lang, projector=projector_on())
            st.plotly_chart(fig, key="runs_compare_chart", width="stretch", theme=None)
    else:
        st.caption(t("runs.compare.hint"))

st.subheader(t("runs.upload"))
upload = st.file_uploader(
    t("runs.upload.label", mb=runs.MAX_UPLOAD_MB),
    type=["zip"],
    key="runs_upload",
    max_upload_size=runs.MAX_UPLOAD_MB,
    help=t("runs.upload.help"),
    on_change=runs.on_upload,  # imports before the list above is drawn
)
if upload is not None:
    kind, message = runs.import_upload(upload.getvalue())
    getattr(st, kind)(message)

teacher_mode.panel(run_store)
