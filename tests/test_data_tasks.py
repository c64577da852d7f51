"""Data tasks: real series [series], your own CSV [csv] and text [text], checked against direct
computations of their splits, scalers, windows, baselines and metrics."""

import ast
import math
import re
from collections import Counter
from importlib import resources
from itertools import islice

import numpy as np
import pytest

from lstm_core.tasks import TASKS, TaskError, make_task
from lstm_core.tasks.csv_loader import CsvError, load_csv
from lstm_core.tasks.real_series import DATASETS, SeriesTask
from lstm_core.tasks.text import MODULES, pick, sample


def starts(batch) -> np.ndarray:
    return np.asarray(batch.aux["start"])


# --------------------------------------------------------------------------- real series
@pytest.mark.parametrize("name", list(DATASETS))
def test_every_dataset_loads_and_splits_by_time(name):
    task = make_task("series", dataset=name, window=12)
    n, W, s = len(task.scaled), 12, task.split
    assert np.isfinite(task.scaled).all() and task.table.time_column is not None
    assert np.all(np.diff(task.table.time) >= np.zeros(1, np.diff(task.table.time).dtype))
    assert s == n - round(n * 0.2)
    train = np.concatenate([starts(b) for b in islice(task.train_batches(1, 64), 20)])
    val = starts(task.validation(0))
    assert train.min() >= 0 and train.max() + W + 1 <= s  # inputs and targets before the split
    assert val.min() >= s and val.max() + W + 1 <= n  # validation only after it


def test_shipped_files_are_documented():
    data = resources.files("lstm_core").joinpath("data")
    files = sorted(p.name for p in data.iterdir() if p.name.endswith(".csv"))
    sources = data.joinpath("SOURCES.md").read_text(encoding="utf-8")
    assert files == sorted(d.file for d in DATASETS.values())
    for f in files:
        assert f"`{f}`" in sources


def test_scaler_is_fitted_on_the_training_part_only():
    task = make_task("series", dataset="co2", window=20, val_fraction=0.3)
    raw = task.table.values[:, 0]
    train = raw[: task.split]
    assert task.scaler.mean[0] == pytest.approx(np.mean(train), rel=1e-12)
    assert task.scaler.std[0] == pytest.approx(np.std(train), rel=1e-12)
    assert task.scaler.mean[0] != pytest.approx(np.mean(raw))  # the trend: the future differs
    np.testing.assert_allclose(task.scaled[:, 0], (raw - np.mean(train)) / np.std(train))
    shown = task.report["scaler"]["co2"]
    assert shown == {"mean": float(task.scaler.mean[0]), "std": float(task.scaler.std[0])}
    assert task.report["loader"]["interpolated"] == {"co2": 59}  # the 59 missing weeks


def test_windows_are_slices_of_the_scaled_series():
    task = make_task("series", dataset="sunspots", window=10)
    batch = next(task.train_batches(5, 8))
    assert batch.x.shape == (10, 8, 1) and batch.y.shape == (10, 8, 1)
    assert batch.x.dtype == np.float32
    z = task.scaled[:, 0].astype(np.float32)
    for b, t in enumerate(starts(batch)):
        np.testing.assert_array_equal(batch.x[:, b, 0], z[t : t + 10])
        np.testing.assert_array_equal(batch.y[:, b, 0], z[t + 1 : t + 11])


def test_batches_are_deterministic_per_seed():
    task = make_task("series", dataset="elnino")
    a = [b.x for b in islice(task.train_batches(7, 16), 3)]
    b = [b.x for b in islice(make_task("series", dataset="elnino").train_batches(7, 16), 3)]
    c = next(task.train_batches(8, 16)).x
    for u, v in zip(a, b, strict=True):
        np.testing.assert_array_equal(u, v)
    assert not np.array_equal(a[0], c)
    np.testing.assert_array_equal(task.validation(0).x, task.validation(9).x)


def test_persistence_and_mean_baselines_match_direct_computation():
    task = make_task("series", dataset="nile", window=8)
    val = task.validation(0)
    raw = task.table.values[:, 0]
    idx = starts(val)[None, :] + np.arange(8)[:, None]  # (W, B) input rows
    persist_err = raw[idx] - raw[idx + 1]  # "next = this", in original units
    base = task.baseline(val)
    assert base["metric"] == 0.0  # persistence against itself
    assert base["rmse"] == pytest.approx(np.sqrt(np.mean(persist_err**2)), rel=1e-5)
    assert base["loss"] == pytest.approx(np.mean((persist_err / task.scaler.std[0]) ** 2), rel=1e-5)
    mean_err = task.scaler.mean[0] - raw[idx + 1]  # the training mean as the forecast
    skill = 1 - np.mean(mean_err**2) / np.mean(persist_err**2)
    both = task.baselines(val)
    assert both["persistence"] == base
    assert both["mean"]["metric"] == pytest.approx(skill, rel=1e-5)
    assert both["mean"]["rmse"] == pytest.approx(np.sqrt(np.mean(mean_err**2)), rel=1e-5)


def test_skill_threshold_means_beating_persistence_by_ten_percent():
    task = make_task("series", dataset="sunspots")
    val = task.validation(0)
    persist = task.baseline_output(val)
    perfect = task.evaluate(val.y, val)
    assert perfect["metric"] == 1.0 and perfect["solved"] and perfect["rmse"] == 0.0
    # an output whose squared error is 0.85 of persistence's: skill 0.15, solved
    closer = val.y + np.sqrt(0.85) * (persist - val.y)
    assert task.evaluate(closer, val)["metric"] == pytest.approx(0.15, abs=1e-6)
    assert task.evaluate(closer, val)["solved"]
    worse = val.y + np.sqrt(0.95) * (persist - val.y)
    assert not task.evaluate(worse, val)["solved"]


def test_window_too_long_names_the_minimum_length():
    with pytest.raises(TaskError, match=r"100 rows.*at least 103 rows"):
        make_task("series", dataset="nile", window=20)  # 20% of 103 rounds to 21 = 20 + 1
    task = make_task("series", dataset="nile", window=10)
    with pytest.raises(TaskError, match="at least"):
        task.set_knobs(window=30)
    assert task.values["window"] == 10  # unchanged after the refusal
    task.set_knobs(window=12)  # live: a new length, same split
    assert next(task.train_batches(0, 2)).x.shape == (12, 2, 1)


def test_preview_labels_name_the_start_date():
    task = make_task("series", dataset="nile", window=8)
    shows = task.preview(0, n=2)
    assert len(shows) == 2 and re.fullmatch(r"from \d{4}-01-01", shows[0]["label"])
    assert shows[0]["x"].shape == (8, 1)


# --------------------------------------------------------------------------- your own CSV
def csv_bytes(n: int = 80) -> bytes:
    """Shuffled dated rows: a target, an input, and a text column."""
    rng = np.random.default_rng(0)
    days = np.arange("2021-01-01", n, dtype="datetime64[D]")
    rows = [f"{d};{i % 7},5;{i * 2};x" for i, d in enumerate(days)]
    order = rng.permutation(n)
    return ("Tag;Wert;Menge;Notiz\n" + "\n".join(rows[k] for k in order)).encode("utf-8-sig")


def test_csv_task_reuses_the_series_rules_with_input_columns():
    task = make_task("csv", data=csv_bytes(), target="Wert", inputs=["Menge"], window=6)
    assert isinstance(task, SeriesTask) and task.spec.input_size == 2
    raw = np.stack([np.arange(80) % 7 + 0.5, np.arange(80) * 2.0], axis=1)  # in date order
    np.testing.assert_array_equal(task.table.values, raw)
    train = raw[: task.split]
    np.testing.assert_allclose(task.scaled, (raw - train.mean(axis=0)) / train.std(axis=0))
    batch = next(task.train_batches(3, 4))
    for b, t in enumerate(starts(batch)):
        np.testing.assert_allclose(batch.x[:, b], task.scaled[t : t + 6], rtol=1e-6)
        np.testing.assert_allclose(batch.y[:, b, 0], task.scaled[t + 1 : t + 7, 0], rtol=1e-6)
    assert task.report["loader"]["non_numeric_columns"] == ["Notiz"]
    assert task.report["loader"]["sorted_by_time"]


def test_csv_constant_series_scales_to_zeros():
    task = make_task("csv", data=b"v\n" + b"3.5\n" * 50, window=5)
    assert task.scaler.std[0] == 1.0
    np.testing.assert_array_equal(task.scaled, np.zeros((50, 1)))
    val = task.validation(0)
    result = task.evaluate(np.zeros(val.y.shape), val)
    assert all(math.isfinite(result[k]) for k in ("loss", "metric", "rmse"))
    assert task.baseline(val)["loss"] == 0.0


def test_csv_too_short_names_the_minimum_length():
    with pytest.raises(CsvError, match=r"30 rows.*at least 53 rows"):
        make_task("csv", data=b"v\n" + b"".join(b"%d\n" % i for i in range(30)), window=10)


def test_csv_task_needs_a_file_and_accepts_a_loaded_table():
    with pytest.raises(TaskError, match="needs a file"):
        make_task("csv")
    table = load_csv(csv_bytes(), target="Menge")
    task = make_task("csv", table=table, window=4)
    assert task.table is table and task.spec.input_size == 1


def test_an_upload_is_parsed_once_per_file_and_column_choice(monkeypatch):
    from lstm_core.tasks import csv_loader

    calls = []
    real = csv_loader.load_csv
    monkeypatch.setattr(csv_loader, "load_csv", lambda *a, **k: calls.append(k) or real(*a, **k))
    raw = csv_bytes(90)  # bytes no other test uses, so the cache starts cold
    first = make_task("csv", data=raw, target="Wert", window=6)
    again = make_task("csv", data=bytearray(raw), target="Wert", window=8)
    assert again.table is first.table and len(calls) == 1
    assert not first.table.values.flags.writeable  # shared between sessions: read-only
    other = make_task("csv", data=raw, target="Menge", window=6)
    assert other.table.target == "Menge" and len(calls) == 2
    with pytest.raises(CsvError):  # refusals are never cached
        make_task("csv", data=b"a\n1e999\n" * 20, window=4)
    with pytest.raises(CsvError):
        make_task("csv", data=b"a\n1e999\n" * 20, window=4)
    assert len(calls) == 4


# --------------------------------------------------------------------------- text
def test_module_corpus_is_the_module_source_file():
    import textwrap

    task = make_task("text", source="module", module="textwrap", seq_len=32)
    with open(textwrap.__file__, encoding="utf-8") as f:
        assert task.corpus() == f.read()
    assert all(m for m in MODULES)


def test_vocabulary_comes_from_the_training_part():
    text = "abcabcabc" * 30 + "xyz" * 10  # x, y, z appear only in the held-out tail
    task = make_task("text", text=text, seq_len=8, val_fraction=0.1)
    assert task.values["source"] == "custom"
    train = text[: task.split]
    assert task.vocab == ["\ufffd", *sorted(set(train))]
    expected = [task.vocab.index(ch) if ch in train else 0 for ch in text]
    np.testing.assert_array_equal(task.ids, expected)
    assert task.report["unknown_in_validation"] == sum(ch not in train for ch in text[task.split :])


def test_text_windows_split_and_determinism():
    task = make_task("text", source="brackets", seq_len=16, length=3000)
    a, b = next(task.train_batches(4, 32)), next(task.train_batches(4, 32))
    np.testing.assert_array_equal(a.x, b.x)
    assert a.x.dtype == np.int64 and a.x.shape == (16, 32)
    for k, t in enumerate(starts(a)):
        np.testing.assert_array_equal(a.x[:, k], task.ids[t : t + 16])
        np.testing.assert_array_equal(a.y[:, k], task.ids[t + 1 : t + 17])
        assert t + 17 <= task.split
    assert starts(task.validation(0)).min() >= task.split
    assert task.decode(a.x[:, 0]) == task.corpus()[starts(a)[0] :][:16]


def test_unigram_entropy_baseline_and_threshold():
    task = make_task("text", source="arithmetic", length=4000, seq_len=20)
    train = task.corpus()[: task.split]
    counts = Counter(train)
    p = np.array(list(counts.values())) / len(train)
    entropy = -(p * np.log2(p)).sum()
    assert task.unigram_entropy == pytest.approx(entropy, rel=1e-12)
    assert task.metric.threshold == pytest.approx(0.8 * entropy)
    assert not task.metric.higher_is_better
    val = task.validation(0)
    # the unigram model: training counts, plus one pseudo-count for "unknown"
    prob = {ch: c / (len(train) + 1) for ch, c in counts.items()}
    text = task.decode(val.y.ravel())
    bits = -np.mean([math.log2(prob[ch]) for ch in text])
    assert task.baseline(val)["metric"] == pytest.approx(bits, rel=1e-9)


def test_the_baseline_equals_evaluating_the_unigram_logits_without_building_them():
    import tracemalloc

    task = make_task("text", source="module", module="difflib", seq_len=64)
    val = task.validation(0)
    logits = np.broadcast_to(task.unigram_logits, (*val.y.shape, len(task.vocab))).copy()
    full = task.evaluate(logits, val)
    tracemalloc.start()
    fast = task.baseline(val)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert fast["loss"] == pytest.approx(full["loss"], rel=1e-12)
    assert fast["metric"] == pytest.approx(full["metric"], rel=1e-12)
    assert peak < logits.nbytes / 20  # (T, B) of floats, not (T, B, V)


def test_a_text_with_thousands_of_characters_keeps_the_most_frequent():
    from lstm_core.tasks.text import MAX_VOCAB

    rng = np.random.default_rng(0)
    hanzi = [chr(0x4E00 + k) for k in range(3000)]
    weights = 1.0 / np.arange(1, 3001)  # Zipf: a few characters are common, most are rare
    text = "".join(rng.choice(hanzi, size=60_000, p=weights / weights.sum()))
    task = make_task("text", text=text, seq_len=32)
    train = Counter(text[: task.split])
    assert len(task.vocab) == MAX_VOCAB < len(train)
    kept = set(task.vocab[1:])
    assert min(train[ch] for ch in kept) >= max(train[ch] for ch in train if ch not in kept)
    rare = sum(n for ch, n in train.items() if ch not in kept)
    assert task.report["rare_in_training"] == rare > 0
    p = np.array([*(train[ch] for ch in kept), rare]) / task.split
    assert task.unigram_entropy == pytest.approx(-(p * np.log2(p)).sum(), rel=1e-12)


def test_bits_per_character_of_a_perfect_and_a_uniform_model():
    task = make_task("text", source="brackets", length=2000, seq_len=10)
    val = task.validation(0, size=16)
    V = len(task.vocab)
    assert task.evaluate(np.zeros((*val.y.shape, V)), val)["metric"] == pytest.approx(np.log2(V))
    sure = np.where(np.arange(V) == val.y[..., None], 50.0, -50.0)
    result = task.evaluate(sure, val)
    assert result["metric"] < 1e-6 and result["solved"]


def test_generated_languages_are_well_formed_and_seeded():
    brackets = make_task("text", source="brackets", length=3000, depth=3).corpus()
    for line in brackets.splitlines():
        stack = []
        for ch in line:
            if ch in "([{":
                stack.append(ch)
                assert len(stack) <= 3
            else:
                assert "([{"[")]}".index(ch)] == stack.pop()
        assert not stack
    arithmetic = make_task("text", source="arithmetic", length=3000, corpus_seed=5).corpus()
    for line in arithmetic.splitlines():
        ast.parse(line, mode="eval")  # every line is a valid expression
    again = make_task("text", source="arithmetic", length=3000, corpus_seed=5).corpus()
    other = make_task("text", source="arithmetic", length=3000, corpus_seed=6).corpus()
    assert arithmetic == again and arithmetic != other


@pytest.mark.parametrize(
    "text,message",
    [
        ("", "the text is empty"),
        ("  \n\t ", "the text is empty"),
        ("short text", r"10 characters.*at least 646 characters"),  # 10% of 646 -> 65
        ("a" * 2_000_001, "the limit is 2,000,000"),
        (bytes(range(32)) * 10, "looks binary"),
    ],
)
def test_custom_text_rejections(text, message):
    with pytest.raises(TaskError, match=message):
        make_task("text", text=text)


def test_custom_text_cleaning_and_bytes():
    raw = "línea\x07 uno\r\ndos\rtres\x00 " * 10
    task = make_task("text", text=raw, seq_len=8)
    assert task.report["custom"] == {"encoding": None, "control_chars_removed": 20}
    assert task.corpus() == "línea uno\ndos\ntres " * 10
    upload = ("línea uno\r\ndos\rtres " * 20 + "\x07").encode("utf-16")  # one bell: kept < 1%
    task = make_task("text", text=upload, seq_len=8)
    assert task.report["custom"] == {"encoding": "utf-16", "control_chars_removed": 1}
    assert task.corpus() == "línea uno\ndos\ntres " * 20
    with pytest.raises(TaskError, match="needs the text"):
        make_task("text", source="custom")


def test_sampling_temperature():
    logits = np.log(np.array([0.1, 0.2, 0.7]))
    rng = np.random.default_rng(0)
    assert {pick(logits, 0, rng) for _ in range(5)} == {2}  # temperature 0: the argmax
    for temperature in (1.0, 2.0):
        draws = np.array([pick(logits, temperature, rng) for _ in range(20_000)])
        p = np.exp(logits / temperature) / np.exp(logits / temperature).sum()
        np.testing.assert_allclose(np.bincount(draws, minlength=3) / 20_000, p, atol=0.015)


def test_generate_follows_the_model_and_is_seeded():
    task = make_task("text", text="abcd" * 50, seq_len=8)
    nxt = {task.vocab.index(a): task.vocab.index(b) for a, b in zip("abcd", "bcda", strict=True)}
    seen = []

    def predict_logits(ids):  # a "model" that knows the cycle a -> b -> c -> d -> a
        seen.append(len(ids))
        out = np.full((len(ids), 1, len(task.vocab)), -10.0)
        out[-1, 0, nxt[int(ids[-1])]] = 10.0
        return out

    assert task.generate(predict_logits, "ab", 9, temperature=0) == "cdabcdabc"
    assert max(seen) == 8  # the context is cut to the window
    noisy = [task.generate(predict_logits, "a", 30, 5.0, np.random.default_rng(s)) for s in (1, 1)]
    assert noisy[0] == noisy[1] and len(noisy[0]) == 30
    ids = sample(lambda ids: np.zeros(3), [0], 4, 1.0, np.random.default_rng(0))
    assert len(ids) == 4 and set(ids) <= {0, 1, 2}
    with pytest.raises(TaskError, match="temperature"):
        task.generate(predict_logits, "a", 3, temperature=-1)


def test_registry_names_and_kinds():
    assert TASKS["series"].menu_order == 9 and TASKS["series"].kind == "next_step"
    assert TASKS["text"].menu_order == 10 and TASKS["text"].kind == "next_token"
    assert TASKS["csv"].menu_order == 13 and TASKS["csv"].kind == "next_step"
    for name in ("series", "text", "csv"):
        assert TASKS[name].title["en"] and TASKS[name].title["zh"]
        assert TASKS[name].description["zh"] and TASKS[name].teaches["zh"]


def test_csv_demo_reads_the_shipped_file_like_an_upload():
    demo = TASKS["csv"].demo()
    series = make_task("series", dataset="elnino")
    np.testing.assert_array_equal(demo.table.values, series.table.values)
    assert demo.table.target == "temperature" and demo.split == series.split
