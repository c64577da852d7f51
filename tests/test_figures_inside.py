"""Pure figure builders of ui.figures.inside: what they draw is exactly the data they were given,
on fixed colour ranges, with the time cursor where it was asked for. No Streamlit here."""

import json

import numpy as np
import pytest

from lstm_core import inside as ins
from lstm_core.reference import lstm_forward
from ui.figures import inside as fi
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
    fig = fi.trace_heatmaps(s, x, 7)
    hm = heatmaps(fig)
    assert list(hm) == ["i", "f", "g", "o", "c", "h"]
    for q, trace in hm.items():
        np.testing.assert_array_equal(np.asarray(trace.z), s[q].T.astype(np.float32))  # (H, T)
        np.testing.assert_array_equal(np.asarray(trace.x), np.arange(T))
    for q in "ifo":
        assert (hm[q].zmin, hm[q].zmax) == (0, 1)
        assert stops(hm[q].colorscale) == stops(fi.go.Heatmap(colorscale=SEQUENTIAL).colorscale)
    for q in "gh":
        assert (hm[q].zmin, hm[q].zmax) == (-1, 1)
    m = np.abs(s["c"]).max()  # no far outlier: the range holds every value
    assert hm["c"].zmin == -m and hm["c"].zmax == m
    assert stops(hm["c"].colorscale) == stops(fi.go.Heatmap(colorscale=DIVERGING).colorscale)
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
    fig = fi.trace_heatmaps(s, x, 0, ranges={"c": (-5.0, 5.0)})
    assert (heatmaps(fig)["c"].zmin, heatmaps(fig)["c"].zmax) == (-5, 5)


def test_gru_and_rnn_quantities_and_token_inputs():
    rng = np.random.default_rng(1)
    gru = {q: rng.uniform(size=(6, H)) for q in ("r", "z")} | {
        q: rng.uniform(-1, 1, size=(6, H)) for q in ("n", "h")
    }
    fig = fi.trace_heatmaps(gru, np.arange(6), 2, "zh", tokens=list("abcdef"))
    hm = heatmaps(fig)
    assert list(hm) == ["r", "z", "n", "h"]
    assert (hm["z"].zmin, hm["z"].zmax) == (0, 1) and (hm["n"].zmin, hm["n"].zmax) == (-1, 1)
    assert list(fig.data[0].text) == list("abcdef")
    titles = [a.text for a in fig.layout.annotations]
    assert "z — 更新门" in titles
    rnn = {"a": rng.normal(size=(6, H)) * 3, "h": rng.uniform(-1, 1, size=(6, H))}
    hm = heatmaps(fi.trace_heatmaps(rnn, rng.normal(size=(6, 3)), 0))
    assert hm["a"].zmin == -hm["a"].zmax == -np.abs(rnn["a"]).max()


def test_long_token_inputs_become_ticks_with_the_token_on_hover():
    T_long = fi.MAX_TEXT_STEPS + 1
    tokens = list("ab" * T_long)[:T_long]
    fig = fi.trace_heatmaps({"h": np.zeros((T_long, 2))}, np.zeros(T_long), 0, tokens=tokens)
    assert fig.data[0].mode == "markers" and list(fig.data[0].text) == tokens


def test_word_tokens_are_slanted_labels():
    words = ["the", "food", "was", "not", "bad"]
    fig = fi.trace_heatmaps({"h": np.zeros((5, 2))}, np.arange(5), 0, tokens=words)
    labels = [a.text for a in fig.layout.annotations if a.textangle == -50]
    assert labels == words


def test_step_bars_are_the_values_at_the_cursor(seq):
    s, _ = seq
    fig = fi.step_bars(s, 4, cols=2)
    bars = {tr.name: tr for tr in fig.data}
    for q in s:
        np.testing.assert_array_equal(np.asarray(bars[q].y), s[q][4])
    assert (bars["f"].marker.cmin, bars["f"].marker.cmax) == (0, 1)
    assert bars["c"].marker.cmin == -bars["c"].marker.cmax
    assert "t = 4" in fig.layout.title.text


def test_unit_lines_follow_the_chosen_units(seq):
    s, _ = seq
    fig = fi.unit_lines(s, [0, 3], 9)
    assert cursor_x(fig) == 9
    lines = [tr for tr in fig.data]
    assert len(lines) == 2 * len(s)
    for k, q in enumerate(s):
        np.testing.assert_array_equal(np.asarray(lines[2 * k].y), s[q][:, 0])
        np.testing.assert_array_equal(np.asarray(lines[2 * k + 1].y), s[q][:, 3])
    assert lines[1].name == "unit 3"


def test_saturation_figure_draws_the_fractions():
    stats = {"i": np.array([[0.1, 0.5], [0.2, 0.0]]), "f": np.array([[0.0, 1.0], [1.0, 0.0]])}
    fig = fi.saturation_figure(stats)
    assert len(fig.data) == 4 and fig.layout.barmode == "stack"
    np.testing.assert_array_equal(fig.data[0].y, stats["i"][0])
    np.testing.assert_array_equal(fig.data[3].y, stats["f"][1])
    assert fig.data[0].name == "closed (< 0.1)" and fig.data[1].name == "open (> 0.9)"


def test_activation_html_colours_each_token_on_the_scale():
    values = np.array([-1.0, 0.0, 1.0, 0.5])
    html = fi.activation_html(list("a<b "), values, -1.0, 1.0, DIVERGING, "h, unit 0")
    assert html.count("<span title=") == 4
    assert "&lt;" in html and "<b" not in html.replace("<br", "")  # escaped
    lo, hi = fi.colours_on(DIVERGING, [0.0, 1.0])
    assert f"background:{lo}" in html and f"background:{hi}" in html
    assert 'title="0.500"' in html and "h, unit 0" in html
    assert "outline" not in html
    marked = fi.activation_html(list("abcd"), values, -1.0, 1.0, DIVERGING, "h", mark=2)
    assert marked.count("outline:") == 1 and marked.index("outline:") > marked.index(">b<")


def clipped_markers(fig, q):
    return [tr for tr in fig.data if tr.name == f"{q} ▲▼"]


def test_values_beyond_the_colour_range_are_marked(seq):
    s, x = seq
    s = dict(s, c=s["c"].copy())
    s["c"][3, 2], s["c"][5, 0] = 40.0, -40.0  # one runaway value each way
    fig = fi.trace_heatmaps(s, x, 0)
    lo, hi = heatmaps(fig)["c"].zmin, heatmaps(fig)["c"].zmax
    assert hi < 40
    marks = clipped_markers(fig, "c")
    points = {
        (int(t), int(u), float(v))
        for tr in marks
        for t, u, v in zip(tr.x, tr.y, tr.customdata, strict=False)
    }
    expected = {
        (int(t), int(u), float(s["c"][t, u]))
        for t, u in zip(*np.nonzero((s["c"] > hi) | (s["c"] < lo)), strict=False)
    }
    assert points == expected and (3, 2, 40.0) in points and (5, 0, -40.0) in points
    assert {tr.marker.symbol for tr in marks} == {"triangle-up", "triangle-down"}
    assert any("▲▼" in a.text for a in fig.layout.annotations)
    assert not clipped_markers(fig, "f")  # gates live in 0..1: nothing to clip


def test_per_unit_colours_show_each_unit_on_its_own_range(seq):
    s, x = seq
    fig = fi.trace_heatmaps(s, x, 0, normalise=True)
    hm = heatmaps(fig)
    np.testing.assert_allclose(np.asarray(hm["c"].z), ins.per_unit("c", s["c"]).T, rtol=1e-6)
    assert (hm["c"].zmin, hm["c"].zmax) == (-1, 1)
    np.testing.assert_allclose(np.asarray(hm["c"].customdata), s["c"].T, rtol=1e-6)  # hover: raw
    assert not clipped_markers(fig, "c")


def test_beside_bars_are_every_units_value_at_the_cursor_and_the_unit_is_outlined(seq):
    s, x = seq
    fig = fi.trace_heatmaps(s, x, 4, unit=2, beside=True)
    bars = {tr.name: tr for tr in fig.data if tr.type == "bar"}
    assert list(bars) == [f"{q}(t)" for q in "ifgoch"]
    for q in "ifgoch":
        np.testing.assert_array_equal(np.asarray(bars[f"{q}(t)"].x), s[q][4])
        axis = bars[f"{q}(t)"].yaxis[1:]
        assert fig.layout[f"yaxis{axis}"].matches == heatmaps(fig)[q].yaxis
    outlines = [sh for sh in fig.layout.shapes if sh.name == "unit"]
    assert len(outlines) == 6 and all(sh.y0 == 1.5 and sh.y1 == 2.5 for sh in outlines)
    texts = " ".join(a.text for a in fig.layout.annotations)
    assert f"h[2] = {s['h'][4, 2]:+.3f}" in texts


def test_projector_mode_enlarges_heatmap_and_colour_bar_labels(seq):
    s, x = seq
    plain, big = fi.trace_heatmaps(s, x, 0), fi.trace_heatmaps(s, x, 0, projector=True)
    size = lambda fig: heatmaps(fig)["c"].colorbar.tickfont.size  # noqa: E731
    assert size(big) > size(plain) >= 12
    assert big.layout.font.size > plain.layout.font.size


def band_rows(fig, seq):
    """Each quantity's rows in the live cell's one heatmap, from the raw values it carries."""
    heat = next(tr for tr in fig.data if tr.type == "heatmap")
    raw = np.asarray(heat.customdata, dtype=float)  # (rows, T)
    return heat, raw


def test_live_cell_stacks_every_quantity_as_a_band_of_units(seq):
    s, x = seq
    fig = fi.live_cell(s, x, 4, unit=2)
    heat, raw = band_rows(fig, s)
    z = np.asarray(heat.z, dtype=float)
    n = len(s)
    for q in s:
        rows = [r for r in range(len(raw)) if np.allclose(raw[r], s[q][:, 0], atol=1e-6)]
        assert len(rows) == 1, q
        base = rows[0]
        np.testing.assert_allclose(raw[base : base + H], s[q].T, atol=1e-6)
        half = z[base : base + H]
        assert (half <= 0.5).all() if q in "ifo" else (half >= 0.5).all()  # its own scale
    assert np.isnan(z).any()  # blank bands between the quantities
    dots = next(
        tr for tr in fig.data if tr.type == "scatter" and tr.mode == "markers" and tr.name == "t"
    )
    assert len(dots.x) == n * H
    np.testing.assert_allclose(
        sorted(dots.customdata), sorted(np.concatenate([s[q][4] for q in s])), atol=1e-9
    )
    values = next(
        tr for tr in fig.data if tr.type == "scatter" and tr.mode == "text" and "[2]" in tr.text[0]
    )
    assert list(values.text) == [f"{q}[2] = {s[q][4, 2]:+.3f}" for q in s]
    outline = next(tr for tr in fig.data if tr.name == "u")
    assert len(outline.x) == 6 * n and cursor_x(fig) == 4


def test_live_cell_marks_values_beyond_each_range(seq):
    s, x = seq
    s = dict(s, c=s["c"].copy())
    s["c"][:, 1] *= 40  # a runaway unit
    fig = fi.live_cell(s, x, 0)
    lo, hi = ins.value_range("c", s["c"])
    marks = clipped_markers(fig, "")
    assert marks and hi < np.abs(s["c"][:, 1]).max()
    clipped = np.abs(s["c"]) > hi
    assert len(marks[0].x) == clipped.sum()
    titles = " ".join(
        next(tr for tr in fig.data if tr.type == "scatter" and tr.mode == "text").text
    )
    assert f"±{hi:.2g}" in titles and "▲▼" in titles
    plain = fi.live_cell(s, x, 0, normalise=True)
    assert not clipped_markers(plain, "")


def test_live_cell_overlay_holds_what_the_cursor_and_unit_move(seq):
    s, x = seq
    full = fi.live_cell(s, x, 4, unit=2)
    base = fi.live_cell(s, x, 9, unit=0, overlay=True)  # cursor and unit do not shape it
    assert not base.layout.shapes and all(tr.name not in ("t", "u") for tr in base.data)
    np.testing.assert_array_equal(band_rows(base, s)[1], band_rows(full, s)[1])
    o = fi.live_cell_overlay(s, 4, unit=2)
    assert o["cursor"] == cursor_x(full) == 4
    dots = next(tr for tr in full.data if tr.name == "t" and tr.mode == "markers")
    np.testing.assert_allclose(o["dots"]["value"], dots.customdata, atol=1e-12)
    np.testing.assert_allclose(o["dots"]["x"], dots.x, atol=1e-3)
    assert o["dots"]["y"] == list(dots.y) and len(set(o["dots"]["colour"])) > 1
    texts = [tr for tr in full.data if tr.type == "scatter" and tr.mode == "text"]
    values = next(tr for tr in texts if "[2]" in tr.text[0])
    assert o["text"]["text"] == list(values.text) and o["text"]["y"] == list(values.y)
    outline = next(tr for tr in full.data if tr.name == "u")
    assert [y - 0.5 for y in o["rows"]["y"]] == list(outline.y[::6])
    json.dumps(o)  # plain JSON for the browser


def test_compact_live_cell_is_the_same_picture_in_bytes(seq):
    s, x = seq
    full, compact = (
        fi.live_cell(s, x, 4, overlay=True),
        fi.live_cell(s, x, 4, overlay=True, compact=True),
    )
    z_full = np.asarray(next(tr for tr in full.data if tr.type == "heatmap").z, dtype=float)
    heat = next(tr for tr in compact.data if tr.type == "heatmap")
    codes = np.asarray(heat.z)
    assert codes.dtype == np.uint8 and heat.customdata is None and heat.hoverinfo == "skip"
    blank = np.isnan(z_full)
    assert blank.any() and (codes[blank] == fi.GAP_CODE).all() and (codes[~blank] >= 1).all()
    # each code is its cell's position on the combined scale, to half a code
    np.testing.assert_allclose((codes[~blank] - 1) / fi.CODES, z_full[~blank], atol=0.5 / fi.CODES)
    # and is drawn in that position's colour: code / (zmax - zmin) on the coded scale
    from plotly.colors import sample_colorscale

    zmax = heat.zmax
    cells = np.unique(codes[~blank])
    on_codes = sample_colorscale([list(c) for c in heat.colorscale], list(cells / zmax))
    on_positions = sample_colorscale(list(fi._combined_scale()), list((cells - 1) / fi.CODES))
    assert on_codes == on_positions
    assert sample_colorscale([list(c) for c in heat.colorscale], [fi.GAP_CODE / zmax]) == [
        "rgb(255, 255, 255)"
    ]
