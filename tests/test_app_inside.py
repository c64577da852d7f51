"""AppTest of "Inside the cell": the page renders, its widgets drive what is drawn, every
number shown equals what lstm_core computes, and it follows a playing trainer."""

import re

import numpy as np
import pytest
from apptest_helpers import live_figure, live_overlay, open_page, plotly_array

from lstm_core.config import ModelConfig, TrainConfig
from lstm_core.train import Trainer
from ui import state
from ui.inside_view import NOW

INSIDE = "pages/2_Inside_the_cell.py"


def _array(y):
    return plotly_array(y, dtype=float)


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


def frame(at, first_column: str):
    """The table on the page whose first column is ``first_column``."""
    return next(d.value for d in at.dataframe if str(d.value.columns[0]) == first_column)


def heatmap_figure(at):
    return live_figure(at, "inside_heatmaps")


def heat_z(fig):
    return {d["name"]: _array(d["z"]) for d in fig["data"] if d["type"] == "heatmap"}


def test_inside_without_a_model_offers_a_quick_one():
    at = open_page(INSIDE)
    assert "no model yet" in at.info[0].value
    at.button(key="inside_quick").click().run()
    assert not at.exception
    tr = at.session_state[state.TRAINER]
    assert tr.steps == 200
    assert at.select_slider(key="inside_step").value == NOW  # the newest model
    assert len(heat_z(heatmap_figure(at))) == 6


def test_sliders_move_the_cursor_and_the_bars_are_the_trace_at_that_step():
    tr = trainer(small(), 30)
    at = open_page(INSIDE, **{state.TRAINER: tr})
    at.selectbox(key="inside_seq").set_value(2).run()
    at.slider(key="inside_t").set_value(37).run()
    assert not at.exception
    heat, bars, lines = (live_figure(at, f"inside_{k}") for k in ("heatmaps", "bars", "lines"))
    for key, fig in (("heatmaps", heat), ("lines", lines)):  # the cursor: drawn over the data
        assert not [s for s in fig["layout"].get("shapes", []) if s.get("name") == "cursor"]
        assert live_overlay(at, f"inside_{key}")["cursor"] == 37
    now = tr.trace(tr.probe.x)[0]
    for d in bars["data"]:
        np.testing.assert_allclose(_array(d["y"]), now[d["name"]][37, 2], atol=1e-6)
    for q, z in heat_z(heat).items():
        np.testing.assert_allclose(z, now[q][:, 2].T, atol=1e-6)
    table = frame(at, "i — input gate")
    np.testing.assert_allclose(table["f — forget gate"], now["f"][37, 2], atol=1e-6)


def test_unit_lines_are_an_overlay_of_the_trace_and_a_pick_keeps_the_figure():
    tr = trainer(small(), 20)
    at = open_page(INSIDE, **{state.TRAINER: tr})
    token = at.session_state["live_chart_payloads"]["inside_lines"][3]
    at.multiselect(key="inside_units").select(4).run()
    assert not at.exception
    # A pick changes the overlay only: the figure (the axes) is the one built before.
    assert at.session_state["live_chart_payloads"]["inside_lines"][3] == token
    assert all(d["mode"] == "none" for d in live_figure(at, "inside_lines")["data"])
    overlay, now = live_overlay(at, "inside_lines"), tr.trace(tr.probe.x)[0]
    units, names = [0, 1, 2, 4], ["i", "f", "g", "o", "c", "h"]
    assert [e["text"] for e in overlay["legend"]] == [f"unit {u}" for u in units]
    lines = iter(overlay["lines"])
    for u in units:  # each unit's line in each quantity's subplot: the engine's values
        for r, q in enumerate(names):
            line = next(lines)
            assert line["axis"] == ("" if r == 0 else str(r + 1)) and f"{q}[{u}]" in line["name"]
            np.testing.assert_allclose(line["y"], now[q][:, 0, u], atol=1e-4)
    table = frame(at, "i[0]")  # the data table: a column per quantity and unit
    np.testing.assert_allclose(table["h[4]"], now["h"][:, 0, 4], atol=1e-6)
    assert list(table.columns) == [f"{q}[{u}]" for u in units for q in names]


def test_training_time_slider_picks_the_snapshot():
    tr = trainer(small(), 30)
    at = open_page(INSIDE, **{state.TRAINER: tr})
    assert at.select_slider(key="inside_step").options == ["step 0", "step 10", "step 20", "now"]
    at.select_slider(key="inside_step").set_value(10).run()
    assert not at.exception
    snap = next(s for s in tr.snapshots if s.step == 10)
    for q, z in heat_z(heatmap_figure(at)).items():
        np.testing.assert_array_equal(z, snap.traces[0][q][:, 0].T.astype(float))
    sat = live_figure(at, "inside_saturation")
    np.testing.assert_allclose(_array(sat["data"][2]["y"]), snap.saturation[0]["f"][0])
    # "now" stays on the newest model as it trains; step 30 becomes a snapshot of its own.
    at.select_slider(key="inside_step").set_value(NOW).run()
    tr.step(10)
    at.run()
    assert at.select_slider(key="inside_step").value == NOW
    assert at.select_slider(key="inside_step").options[-2:] == ["step 30", "now"]
    now = tr.trace(tr.probe.x)[0]
    for q, z in heat_z(heatmap_figure(at)).items():
        np.testing.assert_allclose(z, now[q][:, 0].T, atol=1e-6)


@pytest.mark.parametrize(
    "lang, label", [("en", "Training time: model snapshot"), ("zh", "训练时间：模型快照")]
)
def test_training_time_label_is_short_and_whole(lang, label):
    # beside the sequence (and layer) menus it must fit the column at 1400 px: a short label,
    # no trailing "…" that reads as text cut off
    at = open_page(INSIDE, lang=lang, **{state.TRAINER: trainer(small(layers=2), 10)})
    assert not at.exception
    assert at.select_slider(key="inside_step").label == label and "…" not in label


def test_gru_layers_show_r_z_n_h():
    tr = trainer(small("gru", layers=2), 10)
    at = open_page(INSIDE, **{state.TRAINER: tr})
    at.selectbox(key="inside_layer").set_value(1).run()
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
    at.selectbox(key="inside_text_unit").set_value(4).run()
    assert not at.exception
    body = at.get("html")[0].proto.body
    now = tr.trace(tr.probe.x)[0]["h"][:, 0, 4]
    shown = [float(v) for v in re.findall(r'<span title="([-0-9.]+)"', body)]
    np.testing.assert_allclose(shown, now, atol=5e-4)
    assert len(shown) == tr.probe.x.shape[0]


def test_inside_follows_a_playing_trainer_and_the_snapshot_slider_still_works():
    tr = trainer(small(), 10)
    at = open_page(INSIDE, **{state.TRAINER: tr, state.RUNNING: True})
    first = tr.steps
    assert first > 10, "a playing trainer keeps training on this page"
    at.run()
    assert tr.steps > first and at.select_slider(key="inside_step").value == NOW
    now = tr.trace(tr.probe.x)[0]
    for q, z in heat_z(heatmap_figure(at)).items():  # the heatmaps are the newest model's
        np.testing.assert_allclose(z, now[q][:, 0].T, atol=1e-6)
    assert any(str(tr.steps) in c.value.replace(",", "") for c in at.caption)
    # Moving a widget redraws without training a chunk first; an old snapshot stays chosen.
    trained = tr.steps
    at.select_slider(key="inside_step").set_value(10).run()
    assert tr.steps == trained and at.select_slider(key="inside_step").value == 10
    snap = next(s for s in tr.snapshots if s.step == 10)
    for q, z in heat_z(heatmap_figure(at)).items():
        np.testing.assert_array_equal(z, snap.traces[0][q][:, 0].T.astype(float))


@pytest.mark.parametrize(
    "cell, says, not_says",
    [
        ("lstm", "forget gate", "no gates"),
        ("gru", "update gate z", "cell state c is"),
        ("rnn", "no gates and no cell state", "forget gate"),
    ],
)
def test_the_intro_is_written_for_the_cell_type(cell, says, not_says):
    at = open_page(INSIDE, **{state.TRAINER: trainer(small(cell), 1)})
    intro = " ".join(m.value for m in at.markdown)
    assert says in intro and not_says not in intro
