"""Gradient flow: ||dL/dh_t|| and ||dL/dc_t|| of the session's model over time, next to a GRU
and a plain RNN trained on the same batches; the per-step factors behind the curves; input
saliency; and where gradient clipping acted."""

import streamlit as st

from lstm_core import gradients as gr
from ui import gradient_view as view
from ui import keep, state
from ui.a11y import chart_with_table
from ui.classroom import projector_on
from ui.figures import gradients as fg
from ui.figures.common import figure_table
from ui.figures.train import grad_norm_figure
from ui.i18n import current_language, t
from ui.page import lesson_box, setup
from ui.progress import bar, train_steps

setup("gradients")
lang, big = current_language(), projector_on()
st.title(t("nav.gradients"))
lesson_box()
st.markdown(t("grad.intro"))

c_van, c_exp = st.columns(2)
for col, name in ((c_van, "vanishing"), (c_exp, "exploding")):
    cfg, steps = gr.preset(name, seed=state.get_config().seed)
    if col.button(
        t(f"grad.preset.{name}"),
        key=f"grad_preset_{name}",
        help=t(f"grad.preset.{name}.help", n=steps),
        width="stretch",
    ):
        progress = bar(t("grad.preset.training"))  # shown before the run is saved and built
        keep.keep_run()  # a trained run is saved first, with Undo (before taking the lock)
        with state.trainer_turn() as mine:
            if mine:
                state.reset_trainer(cfg)
                train_steps(state.get_trainer(), steps, t("grad.preset.training"), progress)
        st.rerun()

try:
    tr = state.get_trainer()
except ValueError as err:  # a configuration the engine cannot build
    st.error(t("grad.build_failed", why=str(err)))
    st.stop()
if tr.spec.kind == "seq2seq":  # the encoder-decoder has no gradient-flow view yet
    st.info(t("translate.no_gradient_flow"))
    st.stop()

batch = view.flow_batch(tr)
me = view.label(tr)
st.markdown(
    t(
        "grad.model_line",
        cell=me,
        task=tr.task.title.get(lang, tr.task.name),
        steps=tr.steps,
        B=batch.B,
        T=batch.T,
    )
)
flow = view.flow(tr)
if flow["numpy"] is None:
    st.info(t("grad.check.variant"))
elif flow["agree"]:
    st.success(t("grad.check.ok", diff=f"{flow['max_rel_diff']:.1e}"))
else:
    st.error(t("grad.check.bad", diff=f"{flow['max_rel_diff']:.1e}"))

# ------------------------------------------------------------ comparison models
names = " + ".join(view.CELL_NAMES[c] for c in view.others(tr.config.model.cell))
st.subheader(t("grad.compare.title", models=names))
st.caption(t("grad.compare.explain", s=view.COMPARE_SECONDS))
comps = view.comparisons(tr)
behind = any(c.steps < tr.steps for c in comps.values())
if st.button(
    t("grad.compare.button" if tr.steps else "grad.compare.button_first", models=names, n=tr.steps),
    key="grad_compare",
    type="primary" if not comps or behind else "secondary",
    disabled=tr.steps == 0,
):
    view.train_comparisons(tr, st.progress(0.0))
    st.rerun()
if not comps:
    st.caption(t("grad.compare.none"))
for cell, comp in comps.items():
    done = "grad.compare.timeout" if view.hit_limit(cell) else "grad.compare.done"
    st.caption(
        t(done, model=view.CELL_NAMES[cell], steps=comp.steps, n=tr.steps, s=view.COMPARE_SECONDS)
    )

models = [(me, tr)] + [(view.CELL_NAMES[c], comp) for c, comp in comps.items()]
flows = [(name, m.config.model.cell, view.flow(m)) for name, m in models]
left, right = st.columns([3, 2])
fig = fg.flow_figure(flows, lang, projector=big)
left.plotly_chart(fig, key="grad_flow_chart")
right.markdown(f"**{t('grad.table.title')}**")
table = view.first_last_table([(name, f) for name, _, f in flows])
right.dataframe(
    table,
    hide_index=True,
    key="grad_table",
    column_config={c: st.column_config.NumberColumn(format="%.2e") for c in table.columns[1:]},
)
with right.expander(t("grad.table.data")):
    st.dataframe(figure_table(fig), hide_index=True, key="grad_flow_data")

# ------------------------------------------------------------ per-step factors
st.subheader(t("grad.factors.title"))
st.markdown(t("grad.pascanu"))
by_cell = {m.config.model.cell: m for _, m in reversed(models)}  # your model wins a tie
c_rnn, c_lstm = st.columns(2)
for col, cell, figure, missing in (
    (c_rnn, "rnn", fg.rnn_factor_figure, "grad.factor.need_rnn"),
    (c_lstm, "lstm", fg.forget_figure, "grad.factor.need_lstm"),
):
    m = by_cell.get(cell)
    if m is None:
        col.info(t(missing))
        continue
    factors = view.memo(m, "factors", lambda m=m: gr.model_factors(m.engine.torch_model(), batch.x))
    with col:
        chart_with_table(figure(factors, lang, projector=big), key=f"grad_factors_{cell}")
if "gru" in by_cell:
    st.caption(t("grad.factor.gru"))

# ------------------------------------------------------------ saliency
st.subheader(t("grad.sal.section"))
st.caption(t("grad.sal.explain"))
b = st.selectbox(
    t("grad.sal.sequence"),
    range(min(8, batch.B)),
    key="grad_seq",
)
sal = [
    (
        name,
        m.config.model.cell,
        view.memo(m, f"saliency{b}", lambda m=m: gr.saliency(m.engine.torch_model(), batch, b)),
    )
    for name, m in models
]
vocab = tr.task.vocab if tr.spec.vocab_size > 0 else None
x_seq = batch.x[:, b]
tokens = [vocab[int(k)] for k in x_seq] if vocab else None
chart_with_table(fg.saliency_figure(x_seq, sal, lang, tokens, projector=big), key="grad_sal_chart")

# ------------------------------------------------------------ exploding gradients, clipping
st.subheader(t("grad.clip.section"))
st.caption(t("grad.clip.explain"))
h, clip = tr.history, tr.config.optim.clip
if not h.step:
    st.info(t("grad.clip.none_yet"))
else:
    if clip is None:
        st.markdown(t("grad.clip.off"))
    else:
        st.markdown(t("grad.clip.count", k=sum(h.clipped), n=len(h.step), clip=f"{clip:g}"))
    chart_with_table(
        grad_norm_figure(h.step, h.grad_norm, h.clipped, clip, lang, projector=big),
        key="grad_clip_chart",
    )
