"""Pure figure builders of ui.figures.cell: what they draw is exactly the data they were given,
on fixed colour ranges, with the time cursor where it was asked for. No Streamlit here."""

import numpy as np
import pytest
from plotly.colors import sample_colorscale

from lstm_core import inspect as ins
from lstm_core.reference import lstm_forward
from ui.figures import cell as fc
from ui.figures.common import DIVERGING, SEQUENTIAL

T, H = 12, 5


@pytest.fixture
def seq():
    """One sequence of a real NumPy LSTM trace: name -> (T, H)."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(T, 2, 1))
    tr = lstm_forward(
        x,
        rng.normal(size=(4 * H, 1)) * 2,
        rng.normal(size=(4 * H, H)),
        rng.normal(size=4 * H),
        np.zeros(4 * H),
    )
    return ins.one_sequence({q: getattr(tr, q) for q in "ifgoch"}, 1), x[:, 1, :]


def stops(scale):
    """A colour scale as plain [position, colour] pairs, however it is stored."""
    return [[round(float(p), 9), c] for p, c in scale]


def heatmaps(fig):
    return {tr.name: tr for tr in fig.data if tr.type == "heatmap"}


def cursor_x(fig):
    lines = [s for s in fig.layout.shapes if s.name == "cursor"]
    assert len(lines) == 1 and lines[0].x0 == lines[0].x1 and lines[0].yref == "paper"
    return lines[0].x0


def test_heatmap_z_is_the_trace_with_fixed_colour_ranges(seq):
    s, x = seq
    fig = fc.trace_heatmaps(s, x, 7)
    hm = heatmaps(fig)
    assert list(hm) == ["i", "f", "g", "o", "c", "h"]
    for q, trace in hm.items():
        np.testing.assert_array_equal(np.asarray(trace.z), s[q].T)  # (H, T): units x time
        np.testing.assert_array_equal(np.asarray(trace.x), np.arange(T))
    for q in "ifo":
        assert (hm[q].zmin, hm[q].zmax) == (0, 1)
        assert stops(hm[q].colorscale) == stops(fc.go.Heatmap(colorscale=SEQUENTIAL).colorscale)
    for q in "gh":
        assert (hm[q].zmin, hm[q].zmax) == (-1, 1)
    m = np.abs(s["c"]).max()
    assert hm["c"].zmin == -m and hm["c"].zmax == m
    assert stops(hm["c"].colorscale) == stops(fc.go.Heatmap(colorscale=DIVERGING).colorscale)
    assert stops(hm["c"].colorscale)[0][1] == "rgb(5,48,97)"  # RdBu reversed: blue at -max
    assert cursor_x(fig) == 7
    # The input is drawn in the first row, on the same (shared) time axis.
    line = fig.data[0]
    np.testing.assert_array_equal(np.asarray(line.y), x[:, 0])
    bottom = f"x{len(hm) + 1}"
    for k in ["", *range(2, len(hm) + 1)]:
        assert fig.layout[f"xaxis{k}"].matches == bottom


def test_heatmap_ranges_can_be_widened_for_every_snapshot(seq):
    s, x = seq
    fig = fc.trace_heatmaps(s, x, 0, ranges={"c": (-5.0, 5.0)})
    assert (heatmaps(fig)["c"].zmin, heatmaps(fig)["c"].zmax) == (-5, 5)


def test_gru_and_rnn_quantities_and_token_inputs():
    rng = np.random.default_rng(1)
    gru = {q: rng.uniform(size=(6, H)) for q in ("r", "z")} | {
        q: rng.uniform(-1, 1, size=(6, H)) for q in ("n", "h")
    }
    fig = fc.trace_heatmaps(gru, np.arange(6), 2, "zh", tokens=list("abcdef"))
    hm = heatmaps(fig)
    assert list(hm) == ["r", "z", "n", "h"]
    assert (hm["z"].zmin, hm["z"].zmax) == (0, 1) and (hm["n"].zmin, hm["n"].zmax) == (-1, 1)
    assert list(fig.data[0].text) == list("abcdef")
    titles = [a.text for a in fig.layout.annotations]
    assert "z — 更新门" in titles
    rnn = {"a": rng.normal(size=(6, H)) * 3, "h": rng.uniform(-1, 1, size=(6, H))}
    hm = heatmaps(fc.trace_heatmaps(rnn, rng.normal(size=(6, 3)), 0))
    assert hm["a"].zmin == -hm["a"].zmax == -np.abs(rnn["a"]).max()


def test_long_token_inputs_become_ticks_with_the_token_on_hover():
    T_long = fc.MAX_TEXT_STEPS + 1
    tokens = list("ab" * T_long)[:T_long]
    fig = fc.trace_heatmaps({"h": np.zeros((T_long, 2))}, np.zeros(T_long), 0, tokens=tokens)
    assert fig.data[0].mode == "markers" and list(fig.data[0].text) == tokens


def test_word_tokens_are_slanted_labels():
    words = ["the", "food", "was", "not", "bad"]
    fig = fc.trace_heatmaps({"h": np.zeros((5, 2))}, np.arange(5), 0, tokens=words)
    labels = [a.text for a in fig.layout.annotations if a.textangle == -50]
    assert labels == words


def test_step_bars_are_the_values_at_the_cursor(seq):
    s, _ = seq
    fig = fc.step_bars(s, 4, cols=2)
    bars = {tr.name: tr for tr in fig.data}
    for q in s:
        np.testing.assert_array_equal(np.asarray(bars[q].y), s[q][4])
    assert (bars["f"].marker.cmin, bars["f"].marker.cmax) == (0, 1)
    assert bars["c"].marker.cmin == -bars["c"].marker.cmax
    assert "t = 4" in fig.layout.title.text


def test_unit_lines_follow_the_chosen_units(seq):
    s, _ = seq
    fig = fc.unit_lines(s, [0, 3], 9)
    assert cursor_x(fig) == 9
    lines = [tr for tr in fig.data]
    assert len(lines) == 2 * len(s)
    for k, q in enumerate(s):
        np.testing.assert_array_equal(np.asarray(lines[2 * k].y), s[q][:, 0])
        np.testing.assert_array_equal(np.asarray(lines[2 * k + 1].y), s[q][:, 3])
    assert lines[1].name == "unit 3"


def test_saturation_figure_draws_the_fractions():
    stats = {"i": np.array([[0.1, 0.5], [0.2, 0.0]]), "f": np.array([[0.0, 1.0], [1.0, 0.0]])}
    fig = fc.saturation_figure(stats)
    assert len(fig.data) == 4 and fig.layout.barmode == "stack"
    np.testing.assert_array_equal(fig.data[0].y, stats["i"][0])
    np.testing.assert_array_equal(fig.data[3].y, stats["f"][1])
    assert fig.data[0].name == "closed (< 0.1)" and fig.data[1].name == "open (> 0.9)"


def test_activation_html_colours_each_token_on_the_scale():
    values = np.array([-1.0, 0.0, 1.0, 0.5])
    html = fc.activation_html(list("a<b "), values, -1.0, 1.0, DIVERGING, "h, unit 0")
    assert html.count("<span title=") == 4
    assert "&lt;" in html and "<b" not in html.replace("<br", "")  # escaped
    lo, hi = fc.colours_on(DIVERGING, [0.0, 1.0])
    assert f"background:{lo}" in html and f"background:{hi}" in html
    assert 'title="0.500"' in html and "h, unit 0" in html
    assert "outline" not in html
    marked = fc.activation_html(list("abcd"), values, -1.0, 1.0, DIVERGING, "h", mark=2)
    assert marked.count("outline:") == 1 and marked.index("outline:") > marked.index(">b<")


@pytest.mark.parametrize("scale", [SEQUENTIAL, DIVERGING])
def test_colours_on_match_plotlys_own_sampling(scale):
    at = np.linspace(0, 1, 23)
    ours = fc.colours_on(scale, at)
    theirs = sample_colorscale(scale, list(at), colortype="rgb")
    for a, b in zip(ours, theirs, strict=True):
        rgb = lambda c: np.array([float(v) for v in c[4:-1].split(",")])  # noqa: E731
        np.testing.assert_allclose(rgb(a), rgb(b), atol=0.51)


def diagram_values(H=1):
    p, _ = ins.preset_cell("read", H, 1)
    v = ins.cell_step(p["x"], p["h_prev"], p["c_prev"], p["W_ih"], p["W_hh"], p["b_ih"], p["b_hh"])
    vals = {k: float(a[0]) for k, a in v.items()}
    return p, vals | {"x": list(p["x"]), "h_prev": 0.0, "c_prev": float(p["c_prev"][0])}


def test_cell_diagram_writes_every_value_in():
    _, v = diagram_values()
    fig = fc.cell_diagram(v, "en", title="Unit 0")
    text = " ".join(a.text for a in fig.layout.annotations)
    for q in "ifgo":
        assert f"{q}<sub>t</sub> = {v[q]:.3f}" in text
        assert f"a<sub>{q}</sub> = {v['a_' + q]:+.2f}" in text
    assert f"c<sub>t</sub> = {v['c']:+.3f}" in text and f"h<sub>t</sub> = {v['h']:+.3f}" in text
    assert "forget gate" in text
    boxes = [s for s in fig.layout.shapes if s.type == "rect"]
    f_fill = fc.colours_on(SEQUENTIAL, [v["f"]])[0]
    assert any(b.fillcolor == f_fill for b in boxes)
    assert "遗忘门" in " ".join(a.text for a in fc.cell_diagram(v, "zh").layout.annotations)


def test_equations_substitute_the_numbers():
    p, v = diagram_values()
    md = fc.equations_markdown(ins.gate_terms(p, 0), v)
    assert f"{v['o']:+.3f}" in md and f"{v['a_o']:+.3f}" in md and f"{v['h']:+.3f}" in md
    assert md.count("$") == 12


def test_sequence_lines_draw_one_unit_over_the_sequence():
    p, _ = ins.preset_cell("write", 2, 1)
    xs = ins.parse_sequence("1, 0, -1", 1)
    out = ins.cell_sequence(
        xs, p["h_prev"], p["c_prev"], p["W_ih"], p["W_hh"], p["b_ih"], p["b_hh"]
    )
    fig = fc.sequence_lines(out, xs, 1)
    by_name = {tr.name: tr for tr in fig.data}
    np.testing.assert_array_equal(by_name["x[0]"].y, xs[:, 0])
    for q in "ifgoch":
        np.testing.assert_array_equal(by_name[q].y, out[q][:, 1])
