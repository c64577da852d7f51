"""lstm_core.inspect: the sandbox cell equals the NumPy reference, presets do what they say,
typed sequences parse or fail with a code, and trainer traces are picked by training step."""

import numpy as np
import pytest

from lstm_core import inspect as ins
from lstm_core.config import ModelConfig, TrainConfig
from lstm_core.records import saturation as records_saturation
from lstm_core.reference import lstm_forward, lstm_step_forward


def random_cell(H, I, seed=0):
    rng = np.random.default_rng(seed)
    p = {
        "W_ih": rng.normal(size=(4 * H, I)),
        "W_hh": rng.normal(size=(4 * H, H)),
        "b_ih": rng.normal(size=4 * H),
        "b_hh": rng.normal(size=4 * H),
        "x": rng.normal(size=I),
        "h_prev": np.tanh(rng.normal(size=H)),
        "c_prev": rng.normal(size=H),
    }
    return p


def weights(p):
    return p["W_ih"], p["W_hh"], p["b_ih"], p["b_hh"]


@pytest.mark.parametrize("H,I", [(1, 1), (3, 2), (4, 2)])
def test_cell_step_equals_the_reference_and_names_every_value(H, I):
    p = random_cell(H, I)
    v = ins.cell_step(p["x"], p["h_prev"], p["c_prev"], *weights(p))
    h_t, c_t, cache = lstm_step_forward(
        p["x"][None], p["h_prev"][None], p["c_prev"][None], *weights(p)
    )
    np.testing.assert_array_equal(v["h"], h_t[0])
    np.testing.assert_array_equal(v["c"], c_t[0])
    for q in "ifgo":
        np.testing.assert_array_equal(v[q], getattr(cache, q)[0, 0])
    sig = lambda a: 1 / (1 + np.exp(-a))  # noqa: E731
    np.testing.assert_allclose(v["i"], sig(v["a_i"]), atol=1e-12)
    np.testing.assert_allclose(v["f"], sig(v["a_f"]), atol=1e-12)
    np.testing.assert_allclose(v["g"], np.tanh(v["a_g"]), atol=1e-12)
    np.testing.assert_allclose(v["o"], sig(v["a_o"]), atol=1e-12)
    np.testing.assert_allclose(v["c"], v["f"] * p["c_prev"] + v["i"] * v["g"], atol=1e-12)
    np.testing.assert_allclose(v["h"], v["o"] * np.tanh(v["c"]), atol=1e-12)


def test_gate_terms_sum_to_the_pre_activation():
    p = random_cell(3, 2)
    v = ins.cell_step(p["x"], p["h_prev"], p["c_prev"], *weights(p))
    for u in range(3):
        for gate, (wx, wh, b) in ins.gate_terms(p, u).items():
            assert wx + wh + b == pytest.approx(v[f"a_{gate}"][u], abs=1e-12)


def test_cell_sequence_equals_lstm_forward_and_stepping():
    p = random_cell(2, 2, seed=3)
    xs = np.random.default_rng(4).normal(size=(6, 2))
    out = ins.cell_sequence(xs, p["h_prev"], p["c_prev"], *weights(p))
    tr = lstm_forward(xs[:, None], *weights(p), p["h_prev"][None], p["c_prev"][None])
    for q in "ifgoch":
        np.testing.assert_array_equal(out[q], getattr(tr, q)[:, 0])
    h, c = p["h_prev"], p["c_prev"]
    for t in range(len(xs)):
        v = ins.cell_step(xs[t], h, c, *weights(p))
        for q in ("a_i", "a_f", "a_g", "a_o", "i", "f", "g", "o", "c", "h"):
            np.testing.assert_allclose(out[q][t], v[q], atol=1e-12)
        h, c = v["h"], v["c"]


def run_preset(name, text=None, H=1, I=1):
    p, seq = ins.preset_cell(name, H, I)
    xs = ins.parse_sequence(text or seq, I)
    return p, xs, ins.cell_sequence(xs, p["h_prev"], p["c_prev"], *weights(p))


def test_remember_keeps_the_cell_state_whatever_the_input():
    p, _, out = run_preset("remember", "1, -1, 2, 0, -2")
    np.testing.assert_allclose(out["c"][:, 0], 0.8, atol=0.02)
    assert (out["f"] > 0.99).all() and (out["i"] < 0.01).all()


def test_forget_wipes_the_cell_state_in_one_step():
    _, _, out = run_preset("forget")
    assert abs(out["c"][0, 0]) < 0.01


def test_write_copies_the_input_into_the_cell():
    _, xs, out = run_preset("write", "1, 0, -0.5, 0.3")
    np.testing.assert_allclose(out["c"][:, 0], np.tanh(3 * xs[:, 0]), atol=0.01)


def test_read_shows_the_memory_only_when_asked():
    _, xs, out = run_preset("read", "0, 1, 0, 1")
    h = out["h"][:, 0]
    assert abs(h[0]) < 0.02 and abs(h[2]) < 0.02
    np.testing.assert_allclose(h[[1, 3]], np.tanh(out["c"][[1, 3], 0]), atol=0.02)


def test_presets_fill_every_unit_and_a_two_input_sequence():
    p, seq = ins.preset_cell("write", 3, 2)
    assert ins.parse_sequence(seq, 2).shape == (5, 2)
    assert (p["b_ih"][:3] == 6).all() and (p["W_ih"][:, 1] == 0).all()


def test_resize_keeps_the_values_both_sizes_share():
    p = random_cell(2, 2, seed=5)
    q = ins.resize_cell(p, 3, 1)
    for k in range(4):
        np.testing.assert_array_equal(
            q["W_ih"][k * 3 : k * 3 + 2, 0], p["W_ih"][k * 2 : k * 2 + 2, 0]
        )
        np.testing.assert_array_equal(
            q["W_hh"][k * 3 : k * 3 + 2, :2], p["W_hh"][k * 2 : k * 2 + 2]
        )
        np.testing.assert_array_equal(q["b_ih"][k * 3 : k * 3 + 2], p["b_ih"][k * 2 : k * 2 + 2])
    np.testing.assert_array_equal(q["h_prev"][:2], p["h_prev"])
    assert q["W_ih"].shape == (12, 1) and q["W_hh"].shape == (12, 3)
    back = ins.resize_cell(q, 2, 1)
    np.testing.assert_array_equal(back["W_hh"], ins.resize_cell(p, 2, 1)["W_hh"])


@pytest.mark.parametrize(
    "text,n,expected",
    [
        ("1, 0, 0, -1, 0", 1, [[1], [0], [0], [-1], [0]]),
        ("1 0; 0 1\n-0.5 2", 2, [[1, 0], [0, 1], [-0.5, 2]]),
        ("1，2；3", 1, [[1], [2], [3]]),
        (" 0.5 , ", 1, [[0.5]]),
    ],
)
def test_parse_sequence_reads_steps(text, n, expected):
    np.testing.assert_array_equal(ins.parse_sequence(text, n), expected)


@pytest.mark.parametrize(
    "text,n,code",
    [
        ("", 1, "empty"),
        (" , ;", 1, "empty"),
        ("1, x, 2", 1, "not_a_number"),
        ("1 2, 3", 2, "width"),
        ("1 2", 1, "width"),
        ("1, 1e9", 1, "too_large"),
        ("nan", 1, "too_large"),
        (", ".join(["1"] * 61), 1, "too_long"),
    ],
)
def test_parse_sequence_names_the_problem(text, n, code):
    with pytest.raises(ins.SequenceError) as err:
        ins.parse_sequence(text, n)
    assert err.value.code == code


def test_value_ranges_are_fixed_for_gates_and_symmetric_for_the_rest():
    assert ins.value_range("f") == (0.0, 1.0)
    assert ins.value_range("h", np.array([0.2])) == (-1.0, 1.0)
    assert ins.value_range("c", np.array([0.5, -2.5]), np.array([1.0])) == (-2.5, 2.5)
    assert ins.value_range("c", np.zeros(3)) == (-1.0, 1.0)


def test_saturation_of_one_sequence():
    rng = np.random.default_rng(0)
    layer = {q: rng.uniform(size=(20, 3, 4)) for q in "ifgo"} | {"c": rng.normal(size=(20, 3, 4))}
    stats = ins.saturation(layer, 1)
    assert set(stats) == {"i", "f", "o"}
    np.testing.assert_array_equal(stats["f"][0], (layer["f"][:, 1] < 0.1).mean(axis=0))
    np.testing.assert_array_equal(stats["f"][1], (layer["f"][:, 1] > 0.9).mean(axis=0))
    assert ins.quantities(layer) == ("i", "f", "g", "o", "c")
    assert ins.quantities({"h": 0, "a": 0}) == ("a", "h")
    assert ins.quantities({"h": 0, "n": 0, "z": 0, "r": 0}) == ("r", "z", "n", "h")


def test_traces_at_picks_the_snapshot_or_the_current_model():
    from lstm_core.train import Trainer

    cfg = TrainConfig(model=ModelConfig(hidden_size=4), snapshot_every=5, task_knobs={})
    tr = Trainer(cfg)
    tr.step(12)
    assert ins.training_times(tr) == [0, 5, 10, 12]
    snap = tr.snapshots[1]
    assert ins.traces_at(tr, 5) is snap.traces
    now = ins.traces_at(tr, 12)
    np.testing.assert_array_equal(now[0]["h"], tr.trace(tr.probe.x)[0]["h"])
    assert records_saturation(now)[0].keys() == {"i", "f", "o"}
    with pytest.raises(KeyError):
        ins.traces_at(tr, 7)


def test_snapshots_without_every_gate_are_dropped_and_counted():
    from lstm_core.train import Trainer

    tr = Trainer(TrainConfig(model=ModelConfig(hidden_size=4), snapshot_every=5, task_knobs={}))
    tr.step(12)
    assert ins.drop_incomplete_snapshots(tr) == 0 and len(tr.snapshots) == 3
    tr.snapshots[1].traces = [{"h": tr.snapshots[1].traces[0]["h"]}]
    assert ins.drop_incomplete_snapshots(tr) == 1
    assert ins.training_times(tr) == [0, 10, 12]


def test_unit_values_and_sequence_columns():
    p = random_cell(2, 2, seed=7)
    v = ins.cell_step(p["x"], p["h_prev"], p["c_prev"], *weights(p))
    one = ins.unit_values(v, p, 1)
    assert one["f"] == v["f"][1] and one["c_prev"] == p["c_prev"][1] and one["x"] == list(p["x"])
    xs = np.ones((3, 2))
    out = ins.cell_sequence(xs, p["h_prev"], p["c_prev"], *weights(p))
    cols = ins.sequence_columns(xs, out)
    assert list(cols)[:4] == ["x[0]", "x[1]", "i[0]", "i[1]"] and len(cols) == 2 + 6 * 2
    np.testing.assert_array_equal(cols["c[1]"], out["c"][:, 1])
    single = ins.cell_sequence(
        xs, p["h_prev"][:1], p["c_prev"][:1], *weights(ins.resize_cell(p, 1, 2))
    )
    assert "h" in ins.sequence_columns(xs, single)
