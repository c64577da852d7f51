"""The overfitting and review figures draw exactly the data they are given."""

import numpy as np

from lstm_core.overfit import loss_gap
from lstm_core.records import History
from ui.figures.overfit import (
    LONG_T,
    MAX_EPOCH_LINES,
    ROW_CHARS,
    epoch_lines,
    gap_figure,
    review_figure,
    step_window,
)


def _history():
    h = History()
    for s in range(1, 41):
        h.add_step(s, 1.0 / s, 1.0, False, 0.01)
        if s % 10 == 0:
            h.add_eval(s, 0.5 + 0.01 * s, 0.0, False)
    return h


def test_gap_figure_draws_train_and_val_at_evaluations_with_markers():
    h = _history()
    gap = loss_gap(h)
    fig = gap_figure(gap, [4, 8, 12], overfit_step=10, best_step=10, lang="zh")
    train, val = fig.data
    assert list(train.x) == [10, 20, 30, 40] and list(val.x) == [10, 20, 30, 40]
    assert np.allclose(train.y, [np.mean(1.0 / np.arange(k - 9, k + 1)) for k in (10, 20, 30, 40)])
    assert np.allclose(val.y, h.val_loss)
    xs = sorted(s.x0 for s in fig.layout.shapes)
    assert xs == [4, 8, 10, 10, 12]  # three epochs, the best and the overfitting step
    assert "过拟合" in fig.layout.annotations[0].text


def test_epoch_lines_are_thinned():
    assert len(epoch_lines(range(1, 11))) == 10
    assert len(epoch_lines(range(1, 1001))) <= MAX_EPOCH_LINES


def test_review_figure_wraps_characters_and_values():
    chars = list("这本书非常好看") * 6  # 42 characters: two rows
    values = np.linspace(-1, 1, len(chars))
    fig = review_figure(chars, values, signed=True)
    (hm,) = fig.data
    z = np.array(hm.z, dtype=float)
    assert z.shape == (2, ROW_CHARS)
    assert np.allclose(z.ravel()[: len(chars)], values) and np.isnan(z.ravel()[len(chars) :]).all()
    assert [c for row in hm.text for c in row][: len(chars)] == chars
    assert hm.zmin == -1 and hm.zmax == 1
    sal = review_figure(chars, np.abs(values), signed=False)
    assert sal.data[0].zmin == 0


def test_step_window_follows_the_cursor():
    assert step_window(LONG_T, 10) is None
    assert step_window(150, 0) == (-0.5, LONG_T - 0.5)
    assert step_window(150, 149) == (150 - LONG_T - 0.5, 149.5)
    lo, hi = step_window(150, 75)
    assert lo < 75 < hi and hi - lo == LONG_T
    for t in range(150):  # the cursor stays clear of the edges; most moves keep the window
        lo, hi = step_window(150, t)
        assert hi - lo == LONG_T and (lo + LONG_T // 4 <= t or lo < 0)
        assert t <= hi - LONG_T // 4 or hi > 149
    moves = sum(step_window(150, t) != step_window(150, t + 1) for t in range(149))
    assert moves <= 150 // (LONG_T // 2)
