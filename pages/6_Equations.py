"""Equations: the LSTM's forward and backward equations for one layer, time step and unit, with
the numbers of the session's model substituted; and the tutorial's simplified (plain RNN)
formulas next to the exact ones, with the gap between their gradients on the same batch."""

from dataclasses import replace

import pandas as pd
import streamlit as st

from lstm_core import equations as eq
from lstm_core import gradients as gr
from lstm_core.config import GATE_ORDER, ModelConfig
from lstm_core.train import Trainer
from ui import state
from ui.figures import equations as fe
from ui.gradient_view import label, memo
from ui.i18n import current_language, t
from ui.page import setup
from ui.progress import bar, train_steps

QUICK_STEPS = 200  # the "train a quick LSTM" button
QUICK = "eq_quick_trainer"  # that LSTM, when the session's run is not a standard LSTM

setup("equations")
lang = current_language()
st.title(t("nav.equations"))
st.markdown(t("eq.intro"))
st.caption(t("eq.code", **eq.code_lines()))


def clamp(key: str, n: int, default: int) -> None:
    """Reset widget ``key`` to ``default`` when its value is no longer in range(n)."""
    if st.session_state.get(key) not in range(n):
        st.session_state[key] = default


try:
    user = state.get_trainer()
except ValueError as err:  # a configuration the engine cannot build
    st.error(t("eq.build_failed", why=str(err)))
    st.stop()
if user.spec.kind == "seq2seq":  # the encoder-decoder has no equations view yet
    st.info(t("translate.no_equations"))
    st.stop()

if gr.has_numpy_twin(user.config.model) and user.config.model.cell == "lstm":
    tr = user
    task = tr.task.title.get(lang, tr.task.name)
    st.markdown(t("eq.model_line", task=task, steps=tr.steps))
else:
    st.info(t("eq.not_lstm", model=label(user)))
    quick_cfg = replace(user.config, model=ModelConfig())  # same task, seed and optimizer
    tr = st.session_state.get(QUICK)
    if tr is not None and (tr.config.task, tr.config.seed) != (quick_cfg.task, quick_cfg.seed):
        tr = None
    if tr is None:
        if st.button(t("eq.quick_train", n=QUICK_STEPS), key="eq_quick", type="primary"):
            progress = bar(t("eq.quick_training"))  # shown before the model is built
            quick = Trainer(quick_cfg, data=user.task_data)
            train_steps(quick, QUICK_STEPS, t("eq.quick_training"), progress)
            st.session_state[QUICK] = quick
            st.rerun()
        st.stop()
    st.caption(t("eq.quick_line", steps=tr.steps))

batch = tr.probe  # the loss of the backward pass is this batch's
check = memo(tr, "eq_check", lambda: gr.grads_check(tr.engine.torch_model(), batch))
bptt = check["bptt"]
L, T, H = len(bptt.layers), batch.T, tr.config.model.hidden_size
for key, n, default in (("eq_layer", L, 0), ("eq_seq", batch.B, 0), ("eq_t", T, T - 1)):
    clamp(key, n, default)
clamp("eq_unit", H, 0)


@st.fragment
def numbers() -> None:
    """The pickers and the equations with their numbers: moving one reruns only this part
    (a layer change reruns the page: the gap table below is the layer's)."""
    c_layer, c_seq, c_unit = st.columns(3)
    k = c_layer.selectbox(
        t("eq.layer"),
        range(L),
        key="eq_layer",
        disabled=L == 1,
        format_func=lambda n: str(n + 1),
    )
    if k != st.session_state.get("eq_gap_layer", k):
        st.rerun()
    b = c_seq.selectbox(t("eq.sequence"), range(batch.B), key="eq_seq")
    u = c_unit.selectbox(t("eq.unit"), range(H), key="eq_unit")
    step = st.slider(t("eq.step"), 0, T - 1, key="eq_t")
    diff = f"{check['max_diff']:.1e}"
    if check["agree"]:
        st.success(t("eq.check.ok", n=len(bptt.grads), diff=diff))
    else:
        st.error(t("eq.check.bad", diff=diff))
    fn = eq.forward_numbers(bptt.layers[k], b, step, u)
    bn = eq.backward_numbers(bptt.layers[k], bptt.backward[k], bptt.dh_above[k], b, step, u)
    equations(k, b, step, u, fn, bn)


def equations(k: int, b: int, step: int, u: int, fn: dict, bn: dict) -> None:
    st.subheader(t("eq.forward"))
    st.caption(t("eq.where", layer=k + 1, b=b, t=step, u=u))
    for q in GATE_ORDER:
        st.latex(fe.two_lines(fe.gate_latex(q, fn["gates"][q])))
    st.latex(fe.cell_latex(fn))
    st.latex(fe.hidden_latex(fn))
    st.subheader(t("eq.backward"))
    st.caption(t("eq.backward_explain", B=batch.B))
    st.latex(fe.dh_latex(bn))
    st.latex(fe.dc_latex(bn))
    for q in GATE_ORDER:
        st.latex(fe.two_lines(fe.da_latex(q, bn, fn)))
    st.markdown(f"**{t('eq.contrib', u=u)}**")
    for q in GATE_ORDER:  # one gate per row: a row of weights does not fit half the page
        st.latex(fe.contribution_latex(q, bn))
    with st.expander(t("eq.values", layer=k + 1, b=b)):
        rows = {
            q: {
                t("eq.col.a"): fn["gates"][q]["a"],
                t("eq.col.value"): fn["gates"][q]["value"],
                t("eq.col.da"): bn["gates"][q]["da"],
            }
            for q in GATE_ORDER
        }
        st.dataframe(pd.DataFrame(rows).T, key="eq_values")
        contrib = {
            q: {**{f"ΔW_i·[{u}, {j}]": v for j, v in enumerate(g["dW_ih"])},
                **{f"ΔW_h·[{u}, {j}]": v for j, v in enumerate(g["dW_hh"])}}
            for q, g in bn["gates"].items()
        }  # fmt: skip
        st.dataframe(pd.DataFrame(contrib).T, key="eq_contrib")


st.session_state["eq_gap_layer"] = st.session_state.get("eq_layer", 0)  # the gap table's
numbers()
k = st.session_state["eq_gap_layer"]

st.subheader(t("eq.simple.title"))
st.markdown(t("eq.simple.plain"))
c_tut, c_exact = st.columns(2)
c_tut.markdown(f"**{t('eq.simple.tutorial')}**")
c_exact.markdown(f"**{t('eq.simple.exact')}**")
for tutorial, exact in zip(fe.TUTORIAL, fe.EXACT, strict=True):
    c_tut, c_exact = st.columns(2, vertical_alignment="center")
    c_tut.latex(tutorial)
    c_exact.latex(exact)
st.markdown(f"**{t('eq.gap.title')}**")
st.caption(t("eq.gap.explain"))
gap = memo(tr, f"eq_gap{k}", lambda: eq.simplified_gap(bptt.layers[k], bptt.backward[k]))
table = pd.DataFrame(
    [
        {
            t("eq.gap.param"): f"d{name} ({t('eq.layer_n', n=k + 1)})",
            t("eq.gap.rel"): g["rel_err"],
            t("eq.gap.cos"): g["cosine"],
        }
        for name, g in gap.items()
    ]
)
st.dataframe(
    table,
    hide_index=True,
    key="eq_gap",
    column_config={c: st.column_config.NumberColumn(format="%.4f") for c in table.columns[1:]},
)
