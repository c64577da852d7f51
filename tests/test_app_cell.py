"""AppTest of "Inside the cell" and "Cell sandbox": the pages render, their widgets drive what
is drawn, and every number shown equals what lstm_core computes."""

import json
import re

import numpy as np
import pytest
from apptest_helpers import open_page, plotly_array

from lstm_core import inspect as ins
from lstm_core.config import ModelConfig, TrainConfig
from lstm_core.reference import lstm_forward, lstm_step_forward
from lstm_core.train import Trainer
from ui import state

INSIDE, SANDBOX = "pages/2_Inside_the_cell.py", "pages/3_Cell_sandbox.py"
GATE_ROW = {"i": 0, "f": 1, "g": 2, "o": 3}


def figures(at):
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


# ============================================================================= Cell sandbox
def params_from_sliders(sliders: dict, H: int, I: int):
    """Rebuild the cell from the slider values alone (not from the page's own state)."""
    p = {"W_ih": np.zeros((4 * H, I)), "W_hh": np.zeros((4 * H, H)), "b": np.zeros(4 * H)}
    p |= {"x": np.zeros(I), "h": np.zeros(H), "c": np.zeros(H)}
    for key, value in sliders.items():
        name = key.removeprefix("sandbox_p_")
        if m := re.fullmatch(r"([xhc])(\d)", name):
            p[m[1]][int(m[2])] = value
        elif m := re.fullmatch(r"b_([ifgo])(\d)", name):
            p["b"][GATE_ROW[m[1]] * H + int(m[2])] = value
        elif m := re.fullmatch(r"w([xh])_([ifgo])(\d)_(\d)", name):
            W = p["W_ih"] if m[1] == "x" else p["W_hh"]
            W[GATE_ROW[m[2]] * H + int(m[3]), int(m[4])] = value
    return p


def sliders_now(at) -> dict:
    return {s.key: s.value for s in at.slider if s.key.startswith("sandbox_p_")}


def expected_step(p):
    h, c, cache = lstm_step_forward(
        p["x"][None],
        p["h"][None],
        p["c"][None],
        p["W_ih"],
        p["W_hh"],
        p["b"],
        np.zeros_like(p["b"]),
    )
    a = p["W_ih"] @ p["x"] + p["W_hh"] @ p["h"] + p["b"]
    H = len(p["h"])
    rows = [a[k * H : (k + 1) * H] for k in range(4)]
    rows += [getattr(cache, q)[0, 0] for q in "ifgo"] + [c[0], h[0]]
    return np.array(rows)  # (10, H): a_i a_f a_g a_o i f g o c h


def frame(at, first_column: str):
    """The table on the page whose first column is ``first_column``."""
    return next(d.value for d in at.dataframe if str(d.value.columns[0]) == first_column)


def shown_table(at):
    return frame(at, "unit 0").to_numpy()


def test_sandbox_shows_what_the_reference_computes_for_the_sliders():
    at = open_page(SANDBOX)
    np.testing.assert_allclose(
        shown_table(at), expected_step(params_from_sliders(sliders_now(at), 1, 1))
    )
    moves = {"x0": 0.7, "h0": -0.35, "c0": 1.2, "b_f0": -2.0, "wx_i0_0": 3.5, "wh_o0_0": -1.5}
    for key, value in moves.items():
        at.slider(key=f"sandbox_p_{key}").set_value(value).run()
    assert not at.exception
    sliders = sliders_now(at)
    assert all(sliders[f"sandbox_p_{k}"] == v for k, v in moves.items())
    np.testing.assert_allclose(
        shown_table(at), expected_step(params_from_sliders(sliders, 1, 1)), atol=1e-12
    )
    diagram = figures(at)[0]
    text = " ".join(a["text"] for a in diagram["layout"]["annotations"])
    f_t = shown_table(at)[5, 0]
    assert f"f<sub>t</sub> = {f_t:.3f}" in text


def test_sandbox_with_several_units_and_two_inputs():
    at = open_page(SANDBOX)
    at.radio(key="sandbox_units").set_value(3).run()
    at.radio(key="sandbox_inputs").set_value(2).run()
    seen = {}
    for u, (xv, hv) in enumerate([(1.5, 2.0), (-0.5, -3.0), (0.25, 4.0)]):
        at.radio(key="sandbox_unit").set_value(u).run()
        at.slider(key=f"sandbox_p_wx_g{u}_1").set_value(xv).run()
        at.slider(key=f"sandbox_p_wh_f{u}_2").set_value(hv).run()
        seen |= sliders_now(at)
    at.slider(key="sandbox_p_x1").set_value(-1.0).run()
    at.slider(key="sandbox_p_h2").set_value(0.5).run()
    seen |= sliders_now(at)
    assert not at.exception
    assert len([k for k in seen if k.startswith("sandbox_p_wh_")]) == 4 * 3 * 3
    expected = expected_step(params_from_sliders(seen, 3, 2))
    np.testing.assert_allclose(shown_table(at), expected, atol=1e-12)
    assert shown_table(at).shape == (10, 3)


def test_sequence_mode_after_choosing_two_inputs_has_two_numbers_per_step():
    at = open_page(SANDBOX)
    at.radio(key="sandbox_inputs").set_value(2).run()
    at.toggle(key="sandbox_seq_on").set_value(True).run()
    assert not at.exception and not at.warning
    assert at.text_input(key="sandbox_seq").value == "1 0, 0 0, 0 0, -1 0, 0 0"
    assert frame(at, "x[0]")["x[1]"].tolist() == [0.0] * 5
    at.radio(key="sandbox_inputs").set_value(1).run()
    assert at.text_input(key="sandbox_seq").value == "1, 0, 0, -1, 0" and not at.warning


def test_resize_sequence_pads_or_cuts_each_step():
    assert ins.resize_sequence("1, -0.5; 2", 2) == "1 0, -0.5 0, 2 0"
    assert ins.resize_sequence("1 2, 3 4", 1) == "1, 3"
    assert ins.resize_sequence("1, oops", 2) == "1, oops"  # left for its own message


@pytest.mark.parametrize("name", list(ins.PRESETS))
def test_presets_apply(name):
    at = open_page(SANDBOX)
    at.button(key=f"sandbox_preset_{name}").click().run()
    assert not at.exception
    assert at.info[0].value.startswith("**")
    p, _ = ins.preset_cell(name, 1, 1)
    v = ins.cell_step(p["x"], p["h_prev"], p["c_prev"], p["W_ih"], p["W_hh"], p["b_ih"], p["b_hh"])
    rows = ("a_i", "a_f", "a_g", "a_o", "i", "f", "g", "o", "c", "h")
    np.testing.assert_allclose(shown_table(at)[:, 0], [v[r][0] for r in rows])
    sliders = sliders_now(at)
    assert sliders["sandbox_p_b_f0"] == p["b_ih"][1] and sliders["sandbox_p_c0"] == p["c_prev"][0]


def test_sequence_mode_equals_lstm_forward():
    at = open_page(SANDBOX)
    at.button(key="sandbox_preset_read").click().run()
    at.slider(key="sandbox_p_h0").set_value(0.3).run()
    at.toggle(key="sandbox_seq_on").set_value(True).run()
    assert at.text_input(key="sandbox_seq").value == "0, 0, 1, 0, 1"
    at.text_input(key="sandbox_seq").input("1, -0.5, 0, 2, 1, 0").run()
    assert not at.exception and not at.warning
    p = params_from_sliders(sliders_now(at), 1, 1)
    xs = np.array([1, -0.5, 0, 2, 1, 0.0])
    tr = lstm_forward(
        xs[:, None, None], p["W_ih"], p["W_hh"], p["b"], 0 * p["b"], p["h"][None], p["c"][None]
    )
    table = frame(at, "x[0]")
    np.testing.assert_array_equal(table["x[0]"], xs)
    for q in "ifgoch":
        np.testing.assert_allclose(table[q], getattr(tr, q)[:, 0, 0], atol=1e-12)
    lines = figures(at)[1]
    c_line = next(d for d in lines["data"] if d["name"] == "c")
    np.testing.assert_allclose(_array(c_line["y"]), tr.c[:, 0, 0], atol=1e-12)


def _array(y):
    return plotly_array(y, dtype=float)


@pytest.mark.parametrize(
    "text,fragment",
    [
        ("", "at least one number"),
        ("1, oops", "not a number"),
        ("1 2, 3", "input(s)"),
        ("99", "between"),
    ],
)
def test_bad_sequence_text_shows_a_message_not_an_exception(text, fragment):
    at = open_page(SANDBOX)
    at.toggle(key="sandbox_seq_on").set_value(True).run()
    at.text_input(key="sandbox_seq").input(text).run()
    assert not at.exception
    assert fragment in at.warning[0].value


def test_sandbox_in_chinese_keeps_the_cell():
    at = open_page(SANDBOX)
    at.slider(key="sandbox_p_x0").set_value(-1.25).run()
    at.session_state["lang"] = "zh"
    at.run()
    assert not at.exception
    assert at.title[0].value == "单元沙盒"
    assert frame(at, "单元 0").index[4] == "i_t 输入门"
    assert at.slider(key="sandbox_p_x0").value == -1.25


# ============================================================================ Inside the cell
def trainer(cfg: TrainConfig, steps: int) -> Trainer:
    tr = Trainer(cfg)
    tr.step(steps)
    return tr


def small(cell="lstm", task="sine", layers=1, H=6, **knobs):
    return TrainConfig(
        task=task,
        task_knobs=knobs,
        model=ModelConfig(cell=cell, hidden_size=H, num_layers=layers),
        snapshot_every=10,
    )


def heatmap_figure(at):
    return next(f for f in figures(at) if any(d["type"] == "heatmap" for d in f["data"]))


def heat_z(fig):
    return {d["name"]: _array(d["z"]) for d in fig["data"] if d["type"] == "heatmap"}


def test_inside_without_a_model_offers_a_quick_one():
    at = open_page(INSIDE)
    assert "no model yet" in at.info[0].value
    at.button(key="cell_quick").click().run()
    assert not at.exception
    tr = at.session_state[state.TRAINER]
    assert tr.steps == 200
    assert at.select_slider(key="cell_step").value == 200
    assert len(heat_z(heatmap_figure(at))) == 6


def test_sliders_move_the_cursor_and_the_bars_are_the_trace_at_that_step():
    tr = trainer(small(), 30)
    at = open_page(INSIDE, **{state.TRAINER: tr})
    at.selectbox(key="cell_seq").set_value(2).run()
    at.slider(key="cell_t").set_value(37).run()
    assert not at.exception
    heat, bars, lines = figures(at)[:3]
    for fig in (heat, lines):
        cursors = [s for s in fig["layout"]["shapes"] if s.get("name") == "cursor"]
        assert [c["x0"] for c in cursors] == [37]
    now = tr.trace(tr.probe.x)[0]
    for d in bars["data"]:
        np.testing.assert_allclose(_array(d["y"]), now[d["name"]][37, 2], atol=1e-6)
    for q, z in heat_z(heat).items():
        np.testing.assert_allclose(z, now[q][:, 2].T, atol=1e-6)
    table = frame(at, "i — input gate")
    np.testing.assert_allclose(table["f — forget gate"], now["f"][37, 2], atol=1e-6)


def test_training_time_slider_picks_the_snapshot():
    tr = trainer(small(), 30)
    at = open_page(INSIDE, **{state.TRAINER: tr})
    assert at.select_slider(key="cell_step").options == ["step 0", "step 10", "step 20", "step 30"]
    at.select_slider(key="cell_step").set_value(10).run()
    assert not at.exception
    snap = next(s for s in tr.snapshots if s.step == 10)
    for q, z in heat_z(heatmap_figure(at)).items():
        np.testing.assert_array_equal(z, snap.traces[0][q][:, 0].T.astype(float))
    sat = figures(at)[3]
    np.testing.assert_allclose(_array(sat["data"][2]["y"]), snap.saturation[0]["f"][0])
    # Training more moves a slider that was on the newest model to the new newest one.
    tr.step(10)
    at.select_slider(key="cell_step").set_value(30).run()
    at.run()
    assert at.select_slider(key="cell_step").value == 40


@pytest.mark.parametrize(
    "lang, label", [("en", "Training time: model snapshot"), ("zh", "训练时间：模型快照")]
)
def test_training_time_label_is_short_and_whole(lang, label):
    # beside the sequence (and layer) menus it must fit the column at 1400 px: a short label,
    # no trailing "…" that reads as text cut off
    at = open_page(INSIDE, lang=lang, **{state.TRAINER: trainer(small(layers=2), 10)})
    assert not at.exception
    assert at.select_slider(key="cell_step").label == label and "…" not in label


def test_gru_layers_show_r_z_n_h():
    tr = trainer(small("gru", layers=2), 10)
    at = open_page(INSIDE, **{state.TRAINER: tr})
    at.selectbox(key="cell_layer").set_value(1).run()
    assert not at.exception
    z = heat_z(heatmap_figure(at))
    assert list(z) == ["r", "z", "n", "h"]
    np.testing.assert_allclose(z["n"], tr.trace(tr.probe.x)[1]["n"][:, 0].T, atol=1e-6)


def test_rnn_shows_a_h_and_no_gate_saturation():
    tr = trainer(small("rnn"), 10)
    at = open_page(INSIDE, **{state.TRAINER: tr})
    assert not at.exception
    assert list(heat_z(heatmap_figure(at))) == ["a", "h"]
    assert all("saturation" not in s.value.lower() for s in at.subheader)


def test_character_task_colours_the_text_by_a_unit():
    tr = trainer(small(task="reber"), 10)
    at = open_page(INSIDE, **{state.TRAINER: tr})
    at.selectbox(key="cell_text_unit").set_value(4).run()
    assert not at.exception
    body = at.get("html")[0].proto.body
    now = tr.trace(tr.probe.x)[0]["h"][:, 0, 4]
    shown = [float(v) for v in re.findall(r'<span title="([-0-9.]+)"', body)]
    np.testing.assert_allclose(shown, now, atol=5e-4)
    assert len(shown) == tr.probe.x.shape[0]
