"""Each generated target recomputed directly from its inputs, and each special baseline and
metric checked against a hand computation."""

import math
import re

import numpy as np
import pytest

from lstm_core.tasks import make_task
from lstm_core.tasks.synthetic import free_run


# --------------------------------------------------------------------------- adding
@pytest.mark.parametrize("T", [10, 57, 200])
def test_adding_target_is_half_plus_quarter_of_the_marked_sum(T):
    b = make_task("adding", seq_len=T).validation(0, 64)
    values, markers = b.x[..., 0].astype(np.float64), b.x[..., 1]
    assert set(np.unique(markers)) == {0.0, 1.0}
    assert (markers.sum(axis=0) == 2).all()
    assert (np.argwhere(markers.T == 1)[:, 1] < T // 2).all()  # both marks in the first half
    assert np.abs(values).max() <= 1.0
    expected = 0.5 + (values * markers).sum(axis=0) / 4.0
    np.testing.assert_allclose(b.y[:, 0], expected, atol=1e-6)


def test_adding_metric_counts_errors_below_0_04():
    task = make_task("adding")
    b = task.validation(1, 100)
    out = b.y.astype(np.float64).copy()
    out[:3, 0] += 0.05  # 3 of 100 off by more than 0.04
    out[3:10, 0] -= 0.03  # 7 within tolerance
    assert task.evaluate(out, b)["metric"] == pytest.approx(0.97)
    assert task.evaluate(out, b)["solved"]
    out[10:13, 0] += 0.05  # 3 more
    assert task.evaluate(out, b)["metric"] == pytest.approx(0.94)
    assert not task.evaluate(out, b)["solved"]
    mean = b.y.astype(np.float64).mean()
    assert task.baseline(b)["metric"] == pytest.approx(np.mean(np.abs(b.y[:, 0] - mean) < 0.04))


# --------------------------------------------------------------------------- temporal order
@pytest.mark.parametrize("T", [20, 100, 200])
def test_temporal_order_class_is_the_order_of_x_and_y(T):
    task = make_task("temporal-order", seq_len=T)
    b = task.validation(2, 64)
    text = ["".join(task.vocab[t] for t in b.x[:, i]) for i in range(b.B)]
    for i, s in enumerate(text):
        assert s[0] == "B" and s[-1] == "E" and set(s[1:-1]) <= set("abcdXY")
        marks = [(t, c) for t, c in enumerate(s) if c in "XY"]
        assert len(marks) == 2
        (t1, c1), (t2, c2) = marks
        assert round(0.1 * T) <= t1 <= round(0.2 * T) and round(0.5 * T) <= t2 <= round(0.6 * T)
        assert task.classes[b.y[i]] == c1 + c2


# --------------------------------------------------------------------------- copy
@pytest.mark.parametrize(("lag", "k", "n"), [(20, 10, 8), (1, 1, 2), (100, 5, 16)])
def test_copy_layout_and_targets(lag, k, n):
    task = make_task("copy", lag=lag, k=k, n_symbols=n)
    b = task.validation(3, 32)
    assert b.T == lag + 2 * k
    blank, delim = 0, n + 1
    assert ((b.x[:k] >= 1) & (b.x[:k] <= n)).all()
    assert (b.x[k : lag + k - 1] == blank).all() and (b.x[lag + k - 1] == delim).all()
    assert (b.x[lag + k :] == blank).all()
    assert (b.y[: lag + k] == blank).all() and np.array_equal(b.y[-k:], b.x[:k])


@pytest.mark.parametrize(("lag", "k", "n"), [(20, 10, 8), (100, 10, 8), (7, 3, 5)])
def test_copy_memoryless_baseline_is_k_log_n_over_length(lag, k, n):
    task = make_task("copy", lag=lag, k=k, n_symbols=n)
    b = task.validation(4, 16)
    # direct: p(blank) = 1 before the recall, p = 1/n for each symbol during it
    p = np.ones((b.T, b.B))
    p[-k:] = 1.0 / n
    direct = float(-np.log(p).mean())
    assert task.baseline(b)["loss"] == pytest.approx(direct, rel=1e-12)
    assert task.memoryless_loss() == pytest.approx(k * math.log(n) / (lag + 2 * k))
    if (k, n) == (10, 8):
        assert direct == pytest.approx(10 * math.log(8) / (lag + 20))


def test_copy_metric_counts_only_the_recalled_symbols():
    task = make_task("copy", lag=10, k=4, n_symbols=8)
    b = task.validation(5, 50)
    out = 20.0 * np.eye(9)[b.y]
    out[:10] = 0.0  # wrong-ish before the recall: not scored
    assert task.evaluate(out, b)["metric"] == 1.0
    out[-1, :25] = 20.0 * np.eye(9)[(b.y[-1, :25] % 8) + 1]  # 25 of 200 recalled symbols wrong
    assert task.evaluate(out, b)["metric"] == pytest.approx(175 / 200)


# --------------------------------------------------------------------------- Reber
REBER = r"B(?:TS*X(?:XT*VP)*(?:S|XT*VV)|PT*V(?:PXT*V)*(?:V|PS))E"
EMBEDDED = re.compile(rf"B(?P<tp>[TP]){REBER}(?P=tp)E")
# The grammar's transition graph (Reber 1967), written out independently of the module.
GRAPH = {0: "B1", 1: "T2P3", 2: "S2X4", 3: "T3V5", 4: "X3S6", 5: "P4V6", 6: "E7"}


def _legal_sets(s: str) -> list[set]:
    """Legal next symbols after each prefix of one embedded string, by walking GRAPH."""
    out, state = [{"T", "P"}, {"B"}], 0
    for c in s[2:-2]:
        edges = dict(zip(GRAPH[state][::2], GRAPH[state][1::2], strict=True))
        state = int(edges[c])
        nxt = GRAPH.get(state)
        out.append(set(nxt[::2]) if nxt else {s[1]})
    return out + [{"E"}, {"B"}]


def test_reber_stream_is_a_concatenation_of_legal_strings():
    task = make_task("reber", seq_len=200)
    b = task.validation(6, 24)
    for i in range(b.B):
        stream = "".join(task.vocab[t] for t in np.r_[b.x[:, i], b.y[-1, i]])
        assert "".join(task.vocab[t] for t in b.x[1:, i]) == stream[1:-1]
        sid = b.aux["string_id"][i]
        ids = sorted(set(sid[sid >= 0]))
        assert ids == list(range(len(ids))) and len(ids) >= 5
        for s_id in ids:
            pos = np.flatnonzero(sid == s_id)
            s = stream[pos[0] : pos[-1] + 1]
            assert EMBEDDED.fullmatch(s), s
            legal = [{task.vocab[v] for v in np.flatnonzero(b.aux["legal"][i, t])} for t in pos]
            assert legal == _legal_sets(s)
        rest = stream[np.flatnonzero(sid >= 0)[-1] + 1 :]  # the cut-off last string
        assert rest.startswith("B") and not EMBEDDED.fullmatch(rest[:-1])
    hit = np.take_along_axis(b.aux["legal"], b.y.T[..., None], axis=-1)
    assert hit.all()  # every target is a legal next symbol


def test_reber_metric_needs_the_long_range_symbol():
    """A predictor that knows the grammar but forgets the string's T/P scores about 50%."""
    task = make_task("reber", seq_len=300)
    b = task.validation(7, 64)
    legal = b.aux["legal"].transpose(1, 0, 2)  # (T, B, V)
    assert task.evaluate(np.where(legal, 0.0, -1e9), b)["metric"] == 1.0
    T_id, P_id = task.vocab.index("T"), task.vocab.index("P")
    out = np.where(legal, 0.0, -1e9)
    n = n_t = 0
    for i in range(b.B):
        sid = b.aux["string_id"][i]
        for s_id in np.unique(sid[sid >= 0]):
            pos = np.flatnonzero(sid == s_id)
            critical = pos[-3]  # reading the inner E; next comes the repeated T/P
            assert b.y[critical, i] in (T_id, P_id) and legal[critical, i].sum() == 1
            out[critical, i] = np.where(np.arange(7) == T_id, 0.0, -1e9)  # always guess T
            n, n_t = n + 1, n_t + (b.x[pos[1], i] == T_id)
    score = task.evaluate(out, b)["metric"]
    assert score == pytest.approx(n_t / n)  # right exactly when the string's T/P was T
    assert 0.4 < score < 0.6 and not task.evaluate(out, b)["solved"]


# --------------------------------------------------------------------------- brackets
@pytest.mark.parametrize(("T", "top", "filler"), [(60, 5, 0.3), (300, 2, 0.0), (10, 12, 0.8)])
def test_brackets_depth_is_the_running_count(T, top, filler):
    task = make_task("brackets", seq_len=T, max_depth=top, filler=filler)
    b = task.validation(8, 64)
    step = np.select([b.x == 0, b.x == 1], [1, -1], 0)  # '(' +1, ')' -1, 'x' 0
    depth = np.cumsum(step, axis=0)
    assert np.array_equal(b.y, depth)
    assert depth.min() >= 0 and depth.max() <= top
    if filler == 0.0:
        assert not (b.x == 2).any()


# --------------------------------------------------------------------------- sentiment
POSITIVE = {"good", "great", "nice", "excellent", "wonderful", "fun", "好", "棒", "出色", "不错"}
NEGATIVE = {"bad", "terrible", "awful", "boring", "poor", "差", "糟糕", "烂", "差劲"}
NEGATIONS = {"not", "isn't", "never", "不", "不是", "并不"}


def _label(words: list[str]) -> int:
    """The rule, applied to words: the clause after 'but' decides; each negation flips."""
    for but in ("but", "但是"):
        if but in words:
            words = words[words.index(but) + 1 :]
    adjectives = [w for w in words if w in POSITIVE | NEGATIVE]
    assert len(adjectives) == 1
    flips = sum(w in NEGATIONS for w in words)
    return int((adjectives[0] in POSITIVE) == (flips % 2 == 0))


@pytest.mark.parametrize("language", ["en", "zh", "both"])
def test_sentiment_labels_follow_negation_and_contrast(language):
    task = make_task("sentiment", language=language, negation=0.6, contrast=0.5)
    b = task.validation(9, 128)
    langs = set()
    for i in range(b.B):
        ids = b.x[:, i]
        n_pad = int(np.argmax(ids != 0))
        assert (ids[:n_pad] == 0).all() and (ids[n_pad:] != 0).all()  # left-padded with id 0
        words = [task.vocab[t] for t in ids[n_pad:]]
        assert b.y[i] == _label(words), words
        langs.add("en" if words[0].isascii() else "zh")
    assert langs == ({"en", "zh"} if language == "both" else {language})
    assert b.x[-1].min() > 0  # the last step is always a real word


def test_sentiment_examples_of_the_rule():
    cases = {"不是 不 好": 1, "不 太 好": 0, "很 不错": 1, "并不 差": 1, "非常 好": 1,
             "is not very good": 0, "is not bad": 1, "good but is awful": 0}  # fmt: skip
    for text, label in cases.items():
        assert _label(text.split()) == label
    vocab = make_task("sentiment").vocab
    assert vocab[0] == "<pad>" and {"不错", "不是", "非常", "isn't"} <= set(vocab)


# --------------------------------------------------------------------------- next action
def test_next_action_habits_without_noise_repeat_exactly():
    task = make_task("next-action", noise=0.0, period=9, seq_len=80)
    b = task.validation(10, 64)
    seq = np.concatenate([b.x, b.y[-1:]])  # (T + 1, B)
    periods = {0: 3, 1: 3, 2: 5, 3: 9}
    for i, user in enumerate(b.aux["user_type"]):
        p = periods[int(user)]
        assert np.array_equal(seq[p:, i], seq[:-p, i])
        if user == 3:  # weekly shopper: exactly one purchase per period
            assert (seq[:, i] == 3).sum() in (80 // 9, 80 // 9 + 1)
    assert np.array_equal(b.y.T, b.aux["planned_next"])
    assert task.evaluate(task.oracle_output(b), b)["metric"] == 1.0


@pytest.mark.parametrize("noise", [0.1, 0.4])
def test_next_action_oracle_accuracy_matches_the_formula(noise):
    task = make_task("next-action", noise=noise)
    b = task.validation(11, 512)
    measured = task.evaluate(task.oracle_output(b), b)["metric"]
    expected = 1 - noise + noise / 5
    assert measured == pytest.approx(expected, abs=0.01)
    assert task.metric.threshold == pytest.approx(0.9 * expected, abs=1e-4)
    assert task.evaluate(task.oracle_output(b), b)["solved"]


# --------------------------------------------------------------------------- waves
@pytest.mark.parametrize("shape", ["sine", "sum", "square", "sawtooth", "damped"])
def test_waves_target_is_the_next_clean_value(shape):
    task = make_task("sine", shape=shape, noise=0.0, seq_len=50)
    b = task.validation(12, 16)
    np.testing.assert_array_equal(b.x[1:], b.y[:-1])  # without noise, x_{t+1} = y_t
    assert np.abs(b.y).max() <= 1.0 + 1e-6
    assert (~b.mask[:5]).all() and b.mask[5:].all()  # the first tenth is not scored
    noisy = make_task("sine", shape=shape, noise=0.3, seq_len=50).validation(12, 16)
    np.testing.assert_array_equal(noisy.y, b.y)  # same draws, noise only on the inputs
    assert 0.2 < float(np.std(noisy.x - b.x)) < 0.4


def test_sine_frequency_and_shape():
    b = make_task("sine", freq=0.05, noise=0.0, seq_len=400).validation(13, 8)
    for i in range(b.B):
        s = b.y[:, i, 0].astype(np.float64)
        spectrum = np.abs(np.fft.rfft(s * np.hanning(len(s))))
        f_peak = np.fft.rfftfreq(len(s))[np.argmax(spectrum)]
        assert 0.05 * np.exp(-0.2) - 0.005 <= f_peak <= 0.05 * np.exp(0.2) + 0.005
    square = make_task("sine", shape="square", noise=0.0).validation(13, 8)
    assert set(np.unique(square.y)) == {-1.0, 1.0}


def test_free_run_with_an_exact_recurrence_continues_the_sine():
    w = 2 * np.pi * 0.03
    t = np.arange(60)
    truth = np.sin(w * t + 0.4)[:, None, None]  # (60, 1, 1)

    def predict_next(x):  # sin(w (t+1)) = 2 cos(w) sin(w t) - sin(w (t-1))
        prev = np.concatenate([x[:1] * np.nan, x[:-1]])
        return 2 * np.cos(w) * x - prev

    forecast = free_run(predict_next, truth[:20], steps=40)
    assert forecast.shape == (40, 1, 1)
    np.testing.assert_allclose(forecast, truth[20:], atol=1e-9)


def test_forecast_inputs_line_up_with_free_run():
    task = make_task("sine", noise=0.0, shape="sawtooth")
    f = task.forecast_inputs(seed=0, warmup=30, steps=20, n=2)
    assert f["warmup_x"].shape == (30, 2, 1) and f["future"].shape == (20, 2, 1)
    series = np.concatenate([f["warmup_x"], f["future"]])  # one continuous sawtooth
    steps = np.diff(series[:, :, 0], axis=0)
    rising = steps[steps > 0]
    np.testing.assert_allclose(rising, rising[0] if rising.size else 0, rtol=0.25)


# --------------------------------------------------------------------------- seed example
def test_seed_example_trains_on_a_fixed_set_and_validates_on_fresh_data():
    task = make_task("seed-example", train_size=6)
    fixed = task.training_set(seed=0)
    rows = {fixed.x[:, i].tobytes(): fixed.y[:, i].tobytes() for i in range(6)}
    stream = task.train_batches(0, 4)
    for _ in range(5):
        b = next(stream)
        for i in range(b.B):
            assert rows[b.x[:, i].tobytes()] == b.y[:, i].tobytes()
    assert next(task.train_batches(0, 32)).B == 6  # the whole set when the batch is larger
    val = task.validation(0, 64)
    assert not any(val.x[:, i].tobytes() in rows for i in range(val.B))
    # the target is independent noise: the mean predictor's MSE is the target variance, about 1
    assert task.baseline(val)["loss"] == pytest.approx(1.0, abs=0.05)
    corr = np.corrcoef(val.x.ravel(), val.y.ravel())[0, 1]
    assert abs(corr) < 0.02


# --------------------------------------------------------------------------- gestures
def test_gesture_geometry_matches_the_class():
    task = make_task("gesture", noise=0.0, speed_var=0.0, seq_len=60)
    b = task.validation(14, 200)
    assert set(b.y) == set(range(5))
    for i in range(b.B):
        xy = b.x[:, i].astype(np.float64)
        name = task.classes[b.y[i]]
        disp = xy[-1] - xy[0]
        if name == "circle":
            assert np.linalg.norm(disp) < 1e-5
            radius = np.linalg.norm(xy - xy[:-1].mean(0), axis=1)  # last point = first point
            assert radius.std() < 1e-5  # a circle: constant distance to the centre
        elif name == "swipe_right":
            assert disp[0] > 1.2
        elif name == "swipe_left":
            assert disp[0] < -1.2
        elif name == "zigzag":
            assert disp[0] > 1.2
            turns = np.diff(np.sign(np.diff(xy @ _perpendicular(disp))))
            assert (turns != 0).sum() >= 4  # goes up and down several times
        else:  # check: first down-right, then a longer stroke up-right
            low = np.argmin(xy @ _perpendicular(disp))
            assert 0 < low < len(xy) - 1
    ex = task.preview(0, 4)
    assert all(e["xy"].shape == (60, 2) and e["label"] in task.classes for e in ex)


def _perpendicular(v: np.ndarray) -> np.ndarray:
    return np.array([-v[1], v[0]]) / np.linalg.norm(v)


def test_gesture_speed_variation_keeps_the_path():
    slow = make_task("gesture", noise=0.0, speed_var=0.0)
    fast = make_task("gesture", noise=0.0, speed_var=0.9)
    s = fast.path_fractions(np.random.default_rng(0))
    assert s[0] == 0.0 and s[-1] == pytest.approx(1.0) and (np.diff(s) > 0).all()
    assert np.diff(s).max() / np.diff(s).min() > 5  # uneven speed
    even = slow.path_fractions(np.random.default_rng(0))
    np.testing.assert_allclose(np.diff(even), 1 / (len(even) - 1))
