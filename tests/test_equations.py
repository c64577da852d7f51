"""lstm_core.equations: the numbers substituted into the equations are the trace's, the parts
of every sum add up to it, the per-step contributions add up to the BPTT's gradients, and the
simplified-rule gap is computed as defined. Plus the LaTeX the page prints."""

import re
from pathlib import Path

import numpy as np
import pytest

from lstm_core import equations as eq
from lstm_core import gradients as gr
from lstm_core import models
from lstm_core.config import GATE_ORDER, ModelConfig, OptimConfig, TrainConfig
from lstm_core.train import Trainer
from ui.figures import equations as fe


@pytest.fixture(scope="module")
def run():
    cfg = TrainConfig(
        task="adding",
        task_knobs={"seq_len": 10},
        model=ModelConfig(hidden_size=5, num_layers=2),
        optim=OptimConfig(batch_size=8),
        seed=1,
    )
    tr = Trainer(cfg)
    tr.step(20)
    return tr, gr.numpy_bptt(gr.float64_copy(tr.model), tr.probe)


SPOTS = [(0, 0, 0, 0), (0, 2, 4, 3), (1, 1, 9, 4), (1, 3, 5, 1)]  # layer, b, t, u


@pytest.mark.parametrize("k,b,t,u", SPOTS)
def test_forward_numbers_are_the_trace(run, k, b, t, u):
    tr, bptt = run
    fn = eq.forward_numbers(bptt.layers[k], b, t, u)
    trace = models.trace(tr.model, tr.probe.x)[k]  # the model's own (float32) trace
    for q, g in fn["gates"].items():
        assert sum(g["terms"]) == pytest.approx(g["a"], abs=1e-15)  # the parts make the sum
        assert eq.ACTIVATION[q](g["a"]) == pytest.approx(g["value"], abs=1e-14)
        assert g["value"] == pytest.approx(float(trace[q][t, b, u]), abs=1e-6)
    assert fn["c"] == pytest.approx(float(trace["c"][t, b, u]), abs=1e-6)
    assert fn["h"] == pytest.approx(float(trace["h"][t, b, u]), abs=1e-6)
    gv = {q: g["value"] for q, g in fn["gates"].items()}
    assert fn["c"] == pytest.approx(gv["f"] * fn["c_prev"] + gv["i"] * gv["g"], abs=1e-14)
    assert fn["h"] == pytest.approx(gv["o"] * np.tanh(fn["c"]), abs=1e-14)
    prev = 0.0 if t == 0 else float(trace["h"][t - 1, b, u])
    assert fn["h_prev"] == pytest.approx(prev, abs=1e-6)


def test_terms_are_the_weight_rows_times_the_inputs(run):
    _, bptt = run
    layer = bptt.layers[1]
    H = 5
    fn = eq.forward_numbers(layer, 2, 6, 3)
    r = 1 * H + 3  # the f block, unit 3
    wx, bi, wh, bh = fn["gates"]["f"]["terms"]
    assert wx == pytest.approx(layer.W_ih[r] @ bptt.inputs[1][6, 2])
    assert wh == pytest.approx(layer.W_hh[r] @ layer.hs[6, 2])
    assert (bi, bh) == (layer.b_ih[r], layer.b_hh[r])


def test_pre_activation_grads_give_the_bptt_weight_gradients(run):
    _, bptt = run
    for layer, back in zip(bptt.layers, bptt.backward, strict=True):
        w = eq.weight_grads(layer, eq.pre_activation_grads(layer, back))
        np.testing.assert_allclose(w["W_ih"], back["W_ih"], rtol=1e-10, atol=1e-16)
        np.testing.assert_allclose(w["W_hh"], back["W_hh"], rtol=1e-10, atol=1e-16)
        np.testing.assert_allclose(w["b"], back["b_ih"], rtol=1e-10, atol=1e-16)


@pytest.mark.parametrize("k,b,t,u", SPOTS)
def test_backward_numbers_add_up(run, k, b, t, u):
    _, bptt = run
    bn = eq.backward_numbers(bptt.layers[k], bptt.backward[k], bptt.dh_above[k], b, t, u)
    assert bn["dh_above"] + bn["dh_next"] == pytest.approx(bn["dh"], rel=1e-10, abs=1e-18)
    assert bn["dc_from_h"] + bn["dc_next"] == pytest.approx(bn["dc"], rel=1e-10, abs=1e-18)
    # dc from reference.lstm_step_backward equals the fused BPTT's
    want_dc = float(bptt.backward[k]["dc"][t, b, u])
    assert bn["dc"] == pytest.approx(want_dc, rel=1e-10, abs=1e-18)
    if t == 9:  # the last step: nothing arrives from t + 1
        assert bn["dh_next"] == 0 and bn["dc_next"] == 0


def test_contributions_sum_to_the_gradient(run):
    """Summing one unit's per-step, per-sequence contributions gives the BPTT's gradient rows."""
    _, bptt = run
    k, u, H = 1, 2, 5
    layer, back, above = bptt.layers[k], bptt.backward[k], bptt.dh_above[k]
    T, B = layer.x.shape[:2]
    for gi, q in enumerate(GATE_ORDER):
        r = gi * H + u
        parts = [eq.backward_numbers(layer, back, above, b, t, u)["gates"][q]
                 for t in range(T) for b in range(B)]  # fmt: skip
        np.testing.assert_allclose(sum(p["dW_ih"] for p in parts), back["W_ih"][r], rtol=1e-9)
        np.testing.assert_allclose(sum(p["dW_hh"] for p in parts), back["W_hh"][r], rtol=1e-9)
        assert sum(p["db"] for p in parts) == pytest.approx(back["b_ih"][r], rel=1e-9)


def test_simplified_gap_as_defined(run):
    _, bptt = run
    layer, back = bptt.layers[0], bptt.backward[0]
    dh, x, h_prev = back["dh"], layer.x, layer.hs[:-1]
    S_W = np.tile(np.einsum("tbh,tbi->hi", dh, x), (4, 1))  # the same Dh_t x_t^T for each gate
    S_U = np.tile(np.einsum("tbh,tbj->hj", dh, h_prev), (4, 1))
    S_b = np.tile(dh.sum(axis=(0, 1)), 4)
    gap = eq.simplified_gap(layer, back)
    for name, S, G in (("W_ih", S_W, back["W_ih"]), ("W_hh", S_U, back["W_hh"]),
                       ("b", S_b, back["b_ih"])):  # fmt: skip
        rel = np.linalg.norm(S - G) / np.linalg.norm(G)
        cos = np.sum(S * G) / (np.linalg.norm(S) * np.linalg.norm(G))
        assert gap[name]["rel_err"] == pytest.approx(rel, rel=1e-12)
        assert gap[name]["cosine"] == pytest.approx(cos, rel=1e-12)
        assert -1 <= gap[name]["cosine"] <= 1
    # Where the simplified rule happens to be the true gradient, the gap is zero.
    simple = eq.simplified_grads(layer, back)
    same = dict(back, W_ih=simple["W_ih"], W_hh=simple["W_hh"], b_ih=simple["b"])
    for g in eq.simplified_gap(layer, same).values():
        assert g["rel_err"] == pytest.approx(0, abs=1e-12)
        assert g["cosine"] == pytest.approx(1, abs=1e-12)


NUMBER = r"\(?(-?\d+\.\d+(?: \\times 10\^\{-?\d+\})?)\)?"


def parse(text: str) -> float:
    m = re.fullmatch(NUMBER, text.strip())
    mant, _, exp = m[1].partition(r" \times 10^{")
    return float(mant) * (10 ** int(exp.rstrip("}")) if exp else 1)


def test_latex_prints_the_numbers(run):
    _, bptt = run
    fn = eq.forward_numbers(bptt.layers[0], 1, 4, 2)
    g = fn["gates"]["f"]
    latex = fe.gate_latex("f", g)
    assert latex.startswith(r"f_t = \sigma(W_{if} x_t + b_{if} + W_{hf} h_{t-1} + b_{hf})")
    inner = latex.split(r"= \sigma(")[2].rstrip()[:-1]  # the four terms, without the ")"
    terms = [parse(p) for p in re.split(r" \+ (?=[\d(-])", inner)]
    assert terms == pytest.approx(g["terms"], abs=5e-5)
    assert parse(latex.rsplit("=", 1)[1]) == pytest.approx(g["value"], abs=5e-5)
    assert fe.num(-0.0) == "0.0000" and fe.num(-0.5) == "(-0.5000)"
    assert fe.num(-3.2e-7, paren=False) == r"-3.200 \times 10^{-7}"
    assert parse(fe.num(-3.2e-7)) == pytest.approx(-3.2e-7)


def test_code_lines_point_at_the_readable_step_functions():
    """The Equations page's pointer into reference.py is computed, and lands on the defs."""
    path = Path(eq.__file__).with_name("reference.py")
    lines = path.read_text().splitlines()
    where = eq.code_lines()
    assert lines[where["forward"] - 1].startswith("def lstm_step_forward(")
    assert lines[where["backward"] - 1].startswith("def lstm_step_backward(")
