"""Pure figure builders of the Cell sandbox (ui.figures.sandbox): the typed sequence through
one cell and the equations with one unit's numbers."""

import numpy as np

from lstm_core import inside as ins
from ui.figures import sandbox as fs


def diagram_values(H=1):
    p, _ = ins.preset_cell("read", H, 1)
    v = ins.cell_step(p["x"], p["h_prev"], p["c_prev"], p["W_ih"], p["W_hh"], p["b_ih"], p["b_hh"])
    vals = {k: float(a[0]) for k, a in v.items()}
    return p, vals | {"x": list(p["x"]), "h_prev": 0.0, "c_prev": float(p["c_prev"][0])}


def test_equations_substitute_the_numbers():
    p, v = diagram_values()
    md = fs.equations_markdown(ins.gate_terms(p, 0), v)
    assert f"{v['o']:+.3f}" in md and f"{v['a_o']:+.3f}" in md and f"{v['h']:+.3f}" in md
    assert md.count("$") == 12


def test_sequence_lines_draw_one_unit_over_the_sequence():
    p, _ = ins.preset_cell("write", 2, 1)
    xs = ins.parse_sequence("1, 0, -1", 1)
    out = ins.cell_sequence(
        xs, p["h_prev"], p["c_prev"], p["W_ih"], p["W_hh"], p["b_ih"], p["b_hh"]
    )
    fig = fs.sequence_lines(out, xs, 1)
    by_name = {tr.name: tr for tr in fig.data}
    np.testing.assert_array_equal(by_name["x[0]"].y, xs[:, 0])
    for q in "ifgoch":
        np.testing.assert_array_equal(by_name[q].y, out[q][:, 1])
