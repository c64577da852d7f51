"""AppTest of "Gradient flow" and "Equations": both pages render, show their check marks, and
every number checked here is the one lstm_core computes for the session's model."""

import json
import re

import numpy as np
import pytest
from apptest_helpers import click, open_page, plotly_array

from lstm_core import equations as eq
from lstm_core import gradients as gr
from lstm_core.config import ModelConfig, TrainConfig
from lstm_core.train import Trainer
from ui import gradient_view as view
from ui import state

GRADIENTS, EQUATIONS = "pages/4_Gradient_flow.py", "pages/6_Equations.py"


def array(y) -> np.ndarray:
    return plotly_array(y, dtype=float)


def chart(at, name: str) -> dict:
    (spec,) = [json.loads(c.proto.spec) for c in at.get("plotly_chart") if name in c.proto.id]
    return spec


# ============================================================================ Gradient flow
def test_gradient_page_renders_with_the_check_mark():
    at = open_page(GRADIENTS)
    assert any(s.value.startswith("✓") for s in at.success)
    tr = at.session_state[state.TRAINER]
    flow = gr.flow_check(tr.model, view.flow_batch(tr))
    table = at.dataframe[0].value  # the first / last step table: your model only so far
    assert len(table) == 1
    assert table.iloc[0, 1] == pytest.approx(flow["dh"][0, 0], rel=1e-12)
    assert table.iloc[0, 2] == pytest.approx(flow["dh"][0, -1], rel=1e-12)
    spec = chart(at, "grad_flow_chart")
    dh = [tr for tr in spec["data"] if "h_t" in tr["name"]][0]
    np.testing.assert_allclose(array(dh["y"]), flow["dh"][0], rtol=1e-12)


def test_adding_preset_rnn_gradient_at_t0_is_orders_below_the_lstm():
    at = open_page(GRADIENTS)
    click(at, "grad_preset_vanishing")
    tr = at.session_state[state.TRAINER]
    cfg, steps = gr.preset("vanishing")
    assert tr.config.task == "adding" and tr.steps == steps
    click(at, "grad_compare")
    table = at.dataframe[0].value.set_index(at.dataframe[0].value.columns[0])
    assert list(table.index) == ["LSTM", "GRU", "RNN"]
    first = table.iloc[:, 0]
    assert first["RNN"] < 1e-2 * first["LSTM"], first  # measured: ~5e-9
    # The displayed values are lstm_core's, for the comparison trainers the page keeps.
    comps = at.session_state[view.COMPARE]["trainers"]
    batch = view.flow_batch(tr)
    for name, model in (("LSTM", tr.model), ("RNN", comps["rnn"].model)):
        assert first[name] == pytest.approx(gr.flow_check(model, batch)["dh"][0, 0], rel=1e-12)
    assert comps["rnn"].steps == comps["gru"].steps == steps
    assert f"RNN: {steps} of {steps} steps" in [c.value for c in at.caption]
    assert any("✓" in s.value for s in at.success)
    # Factors: the RNN's (from the comparison model) and the LSTM's forget path are drawn.
    rnn_fig, lstm_fig = chart(at, "grad_factors_rnn"), chart(at, "grad_factors_lstm")
    (rf,) = gr.model_factors(comps["rnn"].model, batch.x)
    step = [d for d in rnn_fig["data"] if d["name"].startswith("‖W_hh")][0]
    np.testing.assert_allclose(array(step["y"]), rf["step_norm"], rtol=1e-12)
    assert any(d["name"] == "∏ f" for d in lstm_fig["data"])
    # Saliency of sequence 0 for all three models, under the input sequence.
    sal = chart(at, "grad_sal_chart")
    lstm_sal = [d for d in sal["data"] if d["name"].startswith("LSTM")][0]
    expected = gr.saliency(tr.model, batch, 0)
    np.testing.assert_allclose(array(lstm_sal["y"]), expected, rtol=1e-12)
    assert sum(d["name"].endswith("|∂y/∂x_t|") for d in sal["data"]) == 3
    # A restarted run with the same configuration does not show models ahead of it.
    at.session_state[state.TRAINER] = Trainer(tr.config)
    at.run()
    assert not at.exception and len(at.dataframe[0].value) == 1
    assert not [c.value for c in at.caption if c.value.startswith(("GRU:", "RNN:"))]


def test_exploding_preset_marks_clipping():
    at = open_page(GRADIENTS)
    click(at, "grad_preset_exploding")
    tr = at.session_state[state.TRAINER]
    h = tr.history
    k = sum(h.clipped)
    assert k >= len(h.step) // 2
    shown = [m.value for m in at.markdown if m.value.startswith("Clipping acted")]
    assert shown == [f"Clipping acted on {k} of {len(h.step)} training steps (threshold 1)."]
    spec = chart(at, "grad_clip_chart")
    marks = [d for d in spec["data"] if d.get("mode") == "markers"][0]
    assert len(array(marks["x"])) == k
    # The RNN's own factors: sigma_max(W_hh) above the 1/gamma bound.
    fig = chart(at, "grad_factors_rnn")
    sigma = [d for d in fig["data"] if d["name"].startswith("σ_max")][0]
    assert array(sigma["y"])[0] > 1.0
    assert any(i.value for i in at.info)  # no LSTM: the forget-gate panel says why
    # The heading names the models the button trains, and the one-curve chart has a legend.
    (heading,) = [h.value for h in at.subheader if h.value.startswith("Next to it")]
    assert heading.endswith("LSTM + GRU") and "LSTM + GRU" in at.button(key="grad_compare").label
    assert chart(at, "grad_flow_chart")["layout"]["showlegend"] is True


def test_the_compare_button_never_offers_up_to_0_steps():
    at = open_page(GRADIENTS, **{state.CONFIG: TrainConfig(task="adding")})
    at.session_state[state.TRAINER] = Trainer(TrainConfig(task="adding"))
    at.run()
    label = at.button(key="grad_compare").label
    assert "0 steps" not in label and "train your model first" in label


# ============================================================================ Equations
NUMBER = r"\(?(-?\d+\.\d+(?: \\times 10\^\{-?\d+\})?)\)?"


def parse(text: str) -> float:
    m = re.fullmatch(NUMBER, text.strip())
    mant, _, exp = m[1].partition(r" \times 10^{")
    return float(mant) * (10 ** int(exp.rstrip("}")) if exp else 1)


def latex_of(at, start: str) -> str:
    (text,) = [x.value.strip("$\n ") for x in at.latex if x.value.strip("$\n ").startswith(start)]
    return text


def test_equations_numbers_equal_the_trace():
    cfg = TrainConfig(task="adding", task_knobs={"seq_len": 12},
                      model=ModelConfig(hidden_size=6, num_layers=2))  # fmt: skip
    at = open_page(EQUATIONS, **{state.CONFIG: cfg})
    assert any(s.value.startswith("✓") for s in at.success)
    at.selectbox(key="eq_layer").set_value(1)
    at.selectbox(key="eq_seq").set_value(2)
    at.selectbox(key="eq_unit").set_value(4)
    at.slider(key="eq_t").set_value(7)
    at.run()
    assert not at.exception
    tr = at.session_state[state.TRAINER]
    trace = tr.trace(tr.probe.x)[1]  # lstm_core's trace, layer 2
    for q in "ifgo":
        value = parse(latex_of(at, f"{q}_t =").rsplit("=", 1)[1])
        assert value == pytest.approx(float(trace[q][7, 2, 4]), abs=6e-5)
    assert parse(latex_of(at, "c_t =").rsplit("=", 1)[1]) == pytest.approx(
        float(trace["c"][7, 2, 4]), abs=6e-5
    )
    assert parse(latex_of(at, "h_t = o_t").rsplit("=", 1)[1]) == pytest.approx(
        float(trace["h"][7, 2, 4]), abs=6e-5
    )
    # The backward numbers are the NumPy BPTT's.
    bptt = gr.numpy_bptt(gr.float64_copy(tr.model), tr.probe)
    bn = eq.backward_numbers(bptt.layers[1], bptt.backward[1], bptt.dh_above[1], 2, 7, 4)
    shown = parse(latex_of(at, r"\delta c_t").rsplit("=", 1)[1])
    assert shown == pytest.approx(bn["dc"], abs=5.01e-5)  # printed with 4 decimals
    # The gap table equals lstm_core's simplified_gap for the chosen layer.
    gap = eq.simplified_gap(bptt.layers[1], bptt.backward[1])
    table = at.dataframe[-1].value
    assert table.iloc[:, 1].tolist() == pytest.approx([g["rel_err"] for g in gap.values()])
    assert table.iloc[:, 2].tolist() == pytest.approx([g["cosine"] for g in gap.values()])


def test_equations_for_a_gru_run_offers_a_quick_lstm():
    at = open_page(EQUATIONS, **{state.CONFIG: TrainConfig(model=ModelConfig(cell="gru"))})
    assert at.info and "GRU" in at.info[0].value
    assert not at.latex  # nothing drawn for the GRU itself
    click(at, "eq_quick")
    assert any(s.value.startswith("✓") for s in at.success)
    assert any(x.value.strip("$\n ").startswith("f_t =") for x in at.latex)
    assert at.session_state[state.TRAINER].config.model.cell == "gru"  # the user's run is kept


def test_both_pages_in_chinese():
    for page, title in ((GRADIENTS, "梯度流"), (EQUATIONS, "公式")):
        at = open_page(page, lang="zh")
        assert at.title[0].value == title
        assert any("✓" in s.value and re.search(r"[\u4e00-\u9fff]", s.value) for s in at.success)
