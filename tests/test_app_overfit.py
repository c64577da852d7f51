"""AppTest of the overfitting views: the Train page's gap chart, epochs, "overfitting since",
Restore best, the regularisation controls, a real review with its prediction, and the Inside
the cell window over a long review."""

from apptest_helpers import click, live_figure, open_page

from lstm_core.config import ModelConfig, OptimConfig, TrainConfig
from ui import state

TRAIN = "pages/1_Train.py"
SMALL = TrainConfig(
    task="gesture",
    task_knobs={"noise": 0.3},
    model=ModelConfig(hidden_size=32),
    optim=OptimConfig(lr=0.01, batch_size=16),
    train_size=64,
    eval_every=10,
)
REVIEWS = TrainConfig(
    task="sentiment",
    task_knobs={"source": "reviews", "vocab_size": 500, "max_len": 120},
    model=ModelConfig(hidden_size=8),
    optim=OptimConfig(batch_size=8),
    train_size=64,
    eval_every=5,
)


def test_train_page_flags_overfitting_and_restores_the_best_weights():
    at = open_page(TRAIN, **{state.CONFIG: SMALL})
    tr = at.session_state[state.TRAINER]
    tr.step(250)  # trained outside the page: same run, then redrawn
    at.run()
    assert not at.exception
    since = tr.overfitting_since
    assert since is not None
    assert any(f"step {since}" in w.value for w in at.warning)
    assert any("Epoch" in c.value for c in at.caption)
    keys = {b.key for b in at.button}
    assert "train_restore_best" in keys
    click(at, "train_restore_best")
    assert at.session_state[state.TRAINER].history.val_loss[-1] == tr.best["val_loss"]
    assert any("Restored" in s.value for s in at.success)
    for key in ("train_size", "train_dropout", "train_decay", "train_patience"):
        assert at.select_slider(key=key) is not None


def test_train_page_shows_a_real_review_with_its_prediction():
    at = open_page(TRAIN, timeout=60, **{state.CONFIG: REVIEWS})
    assert not at.exception
    assert any("probability" in m.value for m in at.markdown)
    at.selectbox(key="train_review_colour").set_value(3)
    at.run(timeout=60)
    assert not at.exception


def test_inside_the_cell_windows_a_long_review():
    at = open_page(TRAIN, timeout=60, **{state.CONFIG: REVIEWS})
    at.switch_page("pages/2_Inside_the_cell.py")
    at.run(timeout=60)
    assert not at.exception
    T = at.session_state[state.TRAINER].probe.T
    assert T > 80  # a long review: the heatmaps show an 80-step window of it
    layout = live_figure(at, "inside_heatmaps")["layout"]
    ranges = [v.get("range") for k, v in layout.items() if k.startswith("xaxis")]
    assert [-0.5, 79.5] in ranges
