"""The one cell diagram (ui.figures.diagram), as the Home page and the Cell sandbox draw it,
and the colour scales it shares with the heatmaps (ui.figures.scales)."""

import numpy as np
import pytest
from plotly.colors import sample_colorscale

from lstm_core import inside as ins
from ui.figures.common import DIVERGING, SEQUENTIAL
from ui.figures.diagram import EQUATIONS, cell_diagram
from ui.figures.scales import colours_on


@pytest.mark.parametrize("scale", [SEQUENTIAL, DIVERGING])
def test_colours_on_match_plotlys_own_sampling(scale):
    at = np.linspace(0, 1, 23)
    ours = colours_on(scale, at)
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
    fig = cell_diagram(v, "en", title="Unit 0")
    text = " ".join(a.text for a in fig.layout.annotations)
    for q in "ifgo":
        assert f"{q}<sub>t</sub> = {v[q]:.3f}" in text
        assert f"a<sub>{q}</sub> = {v['a_' + q]:+.2f}" in text
    assert f"c<sub>t</sub> = {v['c']:+.3f}" in text and f"h<sub>t</sub> = {v['h']:+.3f}" in text
    assert "forget gate" in text
    boxes = [s for s in fig.layout.shapes if s.type == "rect"]
    f_fill = colours_on(SEQUENTIAL, [v["f"]])[0]
    assert any(b.fillcolor == f_fill for b in boxes)
    assert "遗忘门" in " ".join(a.text for a in cell_diagram(v, "zh").layout.annotations)


def test_the_home_schematic_labels_each_gate_with_its_equation():
    fig = cell_diagram(None, "en")
    texts = " ".join(a.text for a in fig.layout.annotations)
    for name in "ifgoch":
        assert EQUATIONS[name] in texts
    assert "forget gate" in texts and "PyTorch" in texts
    assert "遗忘门" in " ".join(a.text for a in cell_diagram(None, "zh").layout.annotations)


def test_home_and_sandbox_draw_one_diagram():
    """The same wires and nodes: only the box colours and the written values differ."""
    _, v = diagram_values()
    home, sandbox = cell_diagram(None, "en"), cell_diagram(v, "en")
    geometry = lambda fig: [(s.type, s.x0, s.y0, s.x1, s.y1, s.path) for s in fig.layout.shapes]  # noqa: E731
    assert geometry(home) == geometry(sandbox)


def test_projector_draws_larger_type():
    _, v = diagram_values()
    size = lambda fig: max(a.font.size for a in fig.layout.annotations if a.font.size)  # noqa: E731
    assert size(cell_diagram(v, "en", projector=True)) > size(cell_diagram(v, "en"))
