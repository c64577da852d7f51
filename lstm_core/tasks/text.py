"""Task 10: character-level text, predicting the next character.

Corpora (the ``source`` knob):
  module      the source code of a Python standard-library module, read from this Python's own
              files at run time (code has brackets and indentation: where interpretable cells
              that count depth or track quotes were first seen, Karpathy et al. 2015)
  brackets    a generated language of nested (), [] and {} up to a depth (seeded)
  arithmetic  generated expressions like (12+7)*(3-40) (seeded)
  custom      the user's own text: make_task("text", text="...") (str, or bytes of a file)

The last ``val_fraction`` of the text is held out for validation. The vocabulary is the set of
characters of the training part, sorted, after id 0 = unknown ("\ufffd", for characters that
appear only in the validation part, and for the rarest characters beyond MAX_VOCAB: a Chinese
text may hold thousands of distinct characters). A window of W characters reads ids
c_t..c_{t+W-1} and predicts c_{t+1}..c_{t+W}. The metric is bits per character, the
cross-entropy in base 2:

    bpc = -mean log2 p(c_{t+1} | c_1..c_t)

The baseline is the unigram model (each character's frequency in the training part, one
pseudo-count for unknown); its entropy H = -sum_c p(c) log2 p(c) over the training text sets the
bar: solved when bpc <= 0.8 * H, 20% fewer bits than knowing only the letter frequencies.
"""

from __future__ import annotations

import importlib.util
import math
import unicodedata
from collections import Counter
from collections.abc import Callable
from typing import Any

import numpy as np

from lstm_core.config import TaskSpec
from lstm_core.losses import loss as kind_loss
from lstm_core.tasks.base import Batch, Knob, Metric, NeedsInput, Task, TaskError, register
from lstm_core.tasks.csv_loader import decode_text
from lstm_core.tasks.windows import gather, min_length, random_starts, split_index, spread_starts

MODULES = ("textwrap", "json.decoder", "heapq", "fractions", "calendar", "difflib")
UNKNOWN = "\ufffd"  # the symbol of id 0
MAX_TEXT_CHARS = 2_000_000
MAX_TEXT_BYTES = 4 * MAX_TEXT_CHARS  # UTF-8 takes at most 4 bytes a character
MAX_VOCAB = 1000  # the unknown symbol and the 999 most frequent characters of the training part
SOLVED_SHARE = 0.8  # solved at bpc <= SOLVED_SHARE * unigram entropy


def _knob(name, default, low, high, kind, en, zh, **kw) -> Knob:
    return Knob(name, default, low, high, kind, {"en": en, "zh": zh}, **kw)


# --------------------------------------------------------------------------- corpora
def module_source(name: str) -> str:
    """The source file of a standard-library module, read without importing it."""
    if name not in MODULES:
        raise TaskError(f"unknown module {name!r}; choose one of: {', '.join(MODULES)}")
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.origin or not spec.origin.endswith(".py"):
        raise TaskError(f"the source of module {name!r} is not available in this Python")
    with open(spec.origin, encoding="utf-8") as f:
        return f.read()


def brackets_text(rng: np.random.Generator, length: int, depth: int) -> str:
    """Lines of balanced (), [], {} nested at most ``depth`` deep, ``length`` chars in all."""
    pairs = {"(": ")", "[": "]", "{": "}"}
    out: list[str] = []
    stack: list[str] = []
    line = 0
    while len(out) < length or stack:
        can_close, can_open = bool(stack), len(stack) < depth
        if can_close and (not can_open or rng.random() < 0.5 or len(out) >= length):
            out.append(pairs[stack.pop()])
        elif line >= 40 and not stack:  # end the line between top-level groups
            out.append("\n")
            line = -1
        else:
            stack.append("([{"[rng.integers(3)])
            out.append(stack[-1])
        line += 1
    return "".join(out) + "\n"


def arithmetic_text(rng: np.random.Generator, length: int, depth: int) -> str:
    """Lines of random expressions over 0-99 with + - * and brackets up to ``depth`` deep."""

    def expr(d: int) -> str:
        if d == 0 or rng.random() < 0.3:
            return str(rng.integers(100))
        left, right = expr(d - 1), expr(d - 1)
        op = "+-*"[rng.integers(3)]
        text = f"{left}{op}{right}"
        return f"({text})" if rng.random() < 0.5 else text

    lines, total = [], 0
    while total < length:
        lines.append(expr(depth))
        total += len(lines[-1]) + 1
    return "\n".join(lines) + "\n"


def clean_text(text: str | bytes) -> tuple[str, dict]:
    """User text: decode bytes, unify newlines, drop control characters; what was done."""
    report: dict[str, Any] = {"encoding": None, "control_chars_removed": 0}
    if isinstance(text, bytes | bytearray):
        if len(text) > MAX_TEXT_BYTES:
            raise TaskError(f"the file has {len(text):,} bytes; the limit is {MAX_TEXT_BYTES:,}")
        if not text.strip():
            raise TaskError("the text is empty")
        text, report["encoding"] = decode_text(bytes(text))
    if not isinstance(text, str):
        raise TaskError(f"the text must be a string or bytes, not {type(text).__name__}")
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    kept = [ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc"]
    report["control_chars_removed"] = len(text) - len(kept)
    text = "".join(kept)
    if not text.strip():
        raise TaskError("the text is empty")
    if len(text) > MAX_TEXT_CHARS:
        raise TaskError(f"the text has {len(text):,} characters; the limit is {MAX_TEXT_CHARS:,}")
    return text, report


# --------------------------------------------------------------------------- sampling
def frequent_characters(text: str, n: int) -> list[str]:
    """The ``n`` most frequent characters of ``text``, sorted (ties: the smaller code point)."""
    counts = Counter(text)
    if len(counts) <= n:
        return sorted(counts)
    ranked = sorted(counts, key=lambda ch: (-counts[ch], ch))
    return sorted(ranked[:n])


def pick(logits: np.ndarray, temperature: float, rng: np.random.Generator) -> int:
    """One token id from softmax(logits / temperature); temperature 0 takes the argmax."""
    if temperature == 0:
        return int(np.argmax(logits))
    z = np.asarray(logits, dtype=np.float64) / temperature
    p = np.exp(z - z.max())
    return int(rng.choice(len(p), p=p / p.sum()))


def sample(
    predict_logits: Callable[[np.ndarray], np.ndarray],
    prime: list[int],
    length: int,
    temperature: float,
    rng: np.random.Generator,
    context: int | None = None,
) -> list[int]:
    """Extend ``prime`` (token ids) by ``length`` sampled ids.

    predict_logits(ids (T,) int64) returns logits whose last axis is the vocabulary; the row of
    the last position predicts the next id. Only the last ``context`` ids are passed, if set.
    """
    ids = list(prime)
    for _ in range(int(length)):
        window = np.asarray(ids[-context:] if context else ids, dtype=np.int64)
        logits = np.asarray(predict_logits(window), dtype=np.float64)
        ids.append(pick(logits.reshape(-1, logits.shape[-1])[-1], temperature, rng))
    return ids[len(prime) :]


# --------------------------------------------------------------------------- the task
@register
class Text(Task):
    """Character-level next-character prediction over one text, split by position."""

    name, kind, menu_order = "text", "next_token", 10
    vocab: list[str]  # set in __init__ from the training split
    mean_per_step = True  # loss and bpc are means over steps: evaluated in chunks when large
    knobs = (
        _knob(
            "source",
            "module",
            None,
            None,
            "choice",
            "Which text to learn.",
            "学习哪一段文本。",
            choices=("module", "brackets", "arithmetic", "custom"),
            choice_labels={
                "en": {
                    "module": "Python module source",
                    "brackets": "brackets",
                    "arithmetic": "arithmetic",
                    "custom": "your own text",
                },
                "zh": {
                    "module": "Python 模块源代码",
                    "brackets": "括号",
                    "arithmetic": "算术式",
                    "custom": "自定义文本",
                },
            },
        ),
        _knob(
            "module",
            "textwrap",
            None,
            None,
            "choice",
            "Standard-library module whose source code is the text.",
            "以哪个 Python 标准库模块的源代码作为文本。",
            choices=MODULES,
        ),
        _knob(
            "seq_len",
            64,
            8,
            256,
            "int",
            "Characters per training window.",
            "每个训练窗口的字符数。",
            live=True,
        ),
        _knob(
            "val_fraction",
            0.1,
            0.05,
            0.5,
            "float",
            "Share of the text, at its end, held out for validation.",
            "文本末尾留作验证的比例。",
        ),
        _knob(
            "length",
            20_000,
            1_000,
            200_000,
            "int",
            "Characters to generate (brackets, arithmetic).",
            "生成的字符数（括号、算式）。",
        ),
        _knob(
            "depth",
            4,
            1,
            8,
            "int",
            "Deepest nesting (brackets, arithmetic).",
            "最大嵌套深度（括号、算式）。",
        ),
        _knob(
            "corpus_seed",
            0,
            0,
            1_000_000,
            "int",
            "Seed of the generated text.",
            "生成文本所用的随机种子。",
        ),
    )
    title = {"en": "Text, character by character", "zh": "逐字符的文本"}
    description = {
        "en": "Read a text one character at a time and predict the next character. The text is "
        "the source code of a Python standard-library module, a generated language of nested "
        "brackets or of arithmetic, or your own text. The end of the text is held out for "
        "validation. The score is bits per character; the bar is the unigram model, which "
        "knows only how often each character occurs: solved at 20% fewer bits than it.",
        "zh": "逐个字符读入一段文本，预测下一个字符。文本可以是某个 Python 标准库模块的源代码、"
        "生成的嵌套括号语言或算式语言，也可以是你自己的文本。文本末尾留作验证。评分是每字符比特数；"
        "基准是只知道每个字符出现频率的一元模型：比它少 20% 的比特数即视为解决。",
    }
    teaches = {
        "en": "To predict a closing bracket the network must count how many are open; to "
        "predict indentation it must remember the block it is in. Look for a cell whose state "
        "rises with every opening bracket and falls with every closing one, and for cells that "
        "switch on inside quotes.",
        "zh": "要预测右括号，网络必须数清还有多少个括号没有闭合；要预测缩进，它必须记住自己在哪个"
        "代码块里。可以找一找这样的单元：它的状态随每个左括号上升、随每个右括号下降；还有在引号"
        "内部才打开的单元。",
    }

    def __init__(self, text: str | bytes | None = None, **values):
        if text is not None:
            values.setdefault("source", "custom")
        self._custom = None if text is None else clean_text(text)
        self._built: tuple[tuple, str] | None = None  # (corpus knobs, text) made last
        super().__init__(**values)

    # ----- the corpus
    def corpus(self) -> str:
        """The whole text under the current knobs (rebuilt only when a corpus knob changes)."""
        v = self.values
        key = (v["source"], v["module"], v["length"], v["depth"], v["corpus_seed"])
        if self._built is None or self._built[0] != key:
            self._built = (key, self._make_corpus(v))
        return self._built[1]

    def _make_corpus(self, v: dict) -> str:
        rng = np.random.default_rng(v["corpus_seed"])
        if v["source"] == "module":
            return module_source(v["module"])
        if v["source"] == "brackets":
            return brackets_text(rng, v["length"], v["depth"])
        if v["source"] == "arithmetic":
            return arithmetic_text(rng, v["length"], v["depth"])
        if self._custom is None:
            raise NeedsInput(
                'source "custom" needs the text: make_task("text", text=...)',
                {
                    "en": "Paste a text or upload a text file to train on it.",
                    "zh": "粘贴一段文本或上传一个文本文件，即可用它来训练。",
                },
            )
        return self._custom[0]

    def validate(self) -> None:
        """Split the text, build the vocabulary and the unigram baseline from the training part."""
        text = self.corpus()
        W, fraction = self.values["seq_len"], self.values["val_fraction"]
        need = min_length(W, fraction)
        if len(text) < need:
            raise TaskError(
                f"the text has {len(text)} characters, too short for windows of {W} with "
                f"{fraction:.0%} held out: it needs at least {need} characters"
            )
        split = split_index(len(text), fraction)
        vocab = [UNKNOWN, *frequent_characters(text[:split], MAX_VOCAB - 1)]
        index = {ch: i for i, ch in enumerate(vocab)}
        ids = np.array([index.get(ch, 0) for ch in text], dtype=np.int64)  # (N,)
        counts = np.bincount(ids[:split], minlength=len(vocab)).astype(np.float64)
        p = counts[counts > 0] / split  # training frequencies (rare characters as unknown)
        entropy = float(-(p * np.log2(p)).sum())
        counts[0] += 1.0  # one pseudo-count, so an unknown character costs finite bits
        self.vocab, self.ids, self.split, self.unigram_entropy = vocab, ids, split, entropy
        self.unigram_logits = np.log(counts / counts.sum())  # (V,)
        self.metric = Metric(  # type: ignore[misc]  # the threshold follows this text's entropy
            "bpc",
            False,
            SOLVED_SHARE * entropy,
            {"en": "bits per character (lower is better)", "zh": "每字符比特数（越低越好）"},
        )

    @property
    def spec(self) -> TaskSpec:
        V = len(self.vocab)
        return TaskSpec("next_token", input_size=0, output_size=V, vocab_size=V)

    def encode(self, text: str) -> np.ndarray:
        index = {ch: i for i, ch in enumerate(self.vocab)}
        return np.array([index.get(ch, 0) for ch in text], dtype=np.int64)

    # ----- batches
    def windows(self, starts: np.ndarray) -> Batch:
        """x = ids[t : t+W], y = ids[t+1 : t+W+1] for each start t: (W, B) each."""
        W = self.values["seq_len"]
        x, y = gather(self.ids, starts, W), gather(self.ids, starts + 1, W)
        return Batch(x, y, per_step=True, aux={"start": starts})

    def sample(self, rng: np.random.Generator, size: int) -> Batch:
        """Random windows from the training part only."""
        return self.windows(random_starts(rng, 0, self.split - self.values["seq_len"] - 1, size))

    def train_pool_size(self) -> int:
        """The distinct training windows: one epoch."""
        return self.split - self.values["seq_len"]

    def validation(self, seed: int, size: int = 256) -> Batch:
        """Windows evenly spread over the held-out tail (the same for every seed)."""
        if int(size) < 1:
            raise TaskError(f"validation size must be at least 1, got {size!r}")
        last = len(self.ids) - self.values["seq_len"] - 1
        return self.windows(spread_starts(self.split, last, int(size)))

    # ----- scoring
    def score(self, out: np.ndarray, batch: Batch) -> float:
        """Bits per character: the mean cross-entropy in nats divided by ln 2."""
        return kind_loss("next_token", out, batch.y, batch.mask) / math.log(2)

    def baseline_output(self, batch: Batch) -> np.ndarray:
        """The unigram model: the same training-frequency logits at every step, (T, B, V).
        (A read-only view: ``baseline`` never needs it.)"""
        return np.broadcast_to(self.unigram_logits, (*batch.y.shape, len(self.vocab)))

    def baseline(self, batch: Batch) -> dict:
        """The unigram model's loss, read from its log-probabilities at the targets, without
        building its (T, B, V) logits: the unigram logits are already log-probabilities."""
        nll = -self.unigram_logits[batch.y]  # (T, B)
        loss = float(nll[batch.mask].mean() if batch.mask is not None else nll.mean())
        return {"loss": loss, "metric": loss / math.log(2)}

    # ----- generation and display
    def generate(
        self,
        predict_logits: Callable[[np.ndarray], np.ndarray],
        prime: str,
        length: int,
        temperature: float = 1.0,
        rng: np.random.Generator | None = None,
    ) -> str:
        """Continue ``prime`` by ``length`` sampled characters (see ``sample``)."""
        if not (isinstance(temperature, int | float) and 0 <= temperature <= 100):
            raise TaskError(f"temperature must be between 0 and 100, got {temperature!r}")
        if not 0 <= int(length) <= 100_000:
            raise TaskError(f"length must be between 0 and 100000, got {length!r}")
        if not prime:  # start from a newline, or else the most frequent character
            prime = "\n" if "\n" in self.vocab else self.vocab[int(np.argmax(self.unigram_logits))]
        rng = rng if rng is not None else np.random.default_rng(0)
        ids = sample(
            predict_logits,
            list(self.encode(prime)),
            length,
            temperature,
            rng,
            context=self.values["seq_len"],
        )
        return self.decode(ids)

    @property
    def report(self) -> dict:
        """What the UI shows about the text: sizes, split, vocabulary, baseline, cleaning."""
        n = len(self.ids)
        return {
            "characters": n,
            "train_characters": self.split,
            "validation_characters": n - self.split,
            "vocab_size": len(self.vocab),
            "unknown_in_validation": int((self.ids[self.split :] == 0).sum()),
            "rare_in_training": int((self.ids[: self.split] == 0).sum()),
            "unigram_entropy_bits": self.unigram_entropy,
            "solved_below_bits": self.metric.threshold,
            "custom": None if self._custom is None else self._custom[1],
        }
