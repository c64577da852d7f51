"""Translation: numbers and dates between English words, Chinese numerals and digits.

A sequence-to-sequence task (kind ``seq2seq``): an encoder reads the source characters, a
decoder writes the target characters. Both sides are character level and share one vocabulary
(``VOCAB``: PAD, BOS, EOS, then every character any direction uses).

Number words, exactly as generated (``number_to_english``, ``number_to_chinese``):
  * English, British style: "three hundred and twelve", "one thousand and five",
    "forty-five"; "and" after "hundred" when tens or units follow, and after "thousand" when
    the rest is below one hundred.
  * Chinese: digits 一..九 with the units 十 百 千 and the group unit 万 (10,000):
      - 零 stands for one run of zeros between written digits: 一百零五 (105), 一千零一十 (1,010),
        一万零五百 (10,500); trailing zeros are dropped (一千二百, 1,200);
      - the 一 of 一十 is dropped only at the very start of the number: 十二 (12), 十万 (100,000),
        but 一百一十二 (112), 一万零一十 (10,010);
      - 两 (not 二) for a 2 that is the first digit written in its four-digit group and stands
        directly before 百, 千 or 万: 两百 (200), 两千 (2,000), 两万 (20,000), 一万两千 (12,000),
        两百二十二 (222); elsewhere 二: 二十 (20), 十二 (12), 一千二百 (1,200), 二十二万 (220,000).
Dates: "3 December 2026" (English), "2026年12月3日" (Chinese), "2026-12-03" (ISO), years
1900-2099.

Held out: a number (or a date) belongs to validation when a fixed integer hash of it falls in
bucket 0 of ``HOLD_OUT_BUCKETS``; training never draws those, so validation measures
translation of numbers the model has never seen. The numbers 0-19 are never held out: their
words (eleven, thirteen, ...) cannot be composed from parts seen in training.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import numpy as np

from lstm_core.config import TaskSpec
from lstm_core.tasks.base import (
    NEG,
    VALIDATION_STREAM,
    Batch,
    Knob,
    Metric,
    Task,
    TaskError,
    derived_rng,
    register,
)

# --------------------------------------------------------------------------- English words
ONES = ("zero one two three four five six seven eight nine ten eleven twelve thirteen "
        "fourteen fifteen sixteen seventeen eighteen nineteen").split()  # fmt: skip
TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
MONTHS = ("January February March April May June July August September October November "
          "December").split()  # fmt: skip
MAX_NUMBER = 999_999


def _english_below_100(n: int) -> str:
    if n < 20:
        return ONES[n]
    tens, unit = divmod(n, 10)
    return TENS[tens] + (f"-{ONES[unit]}" if unit else "")


def _english_below_1000(n: int) -> str:
    hundreds, rest = divmod(n, 100)
    if not hundreds:
        return _english_below_100(rest)
    words = f"{ONES[hundreds]} hundred"
    return words + (f" and {_english_below_100(rest)}" if rest else "")


def number_to_english(n: int) -> str:
    """0..999,999 in British English words: 312 -> "three hundred and twelve"."""
    _check_range(n)
    if n == 0:
        return "zero"
    thousands, rest = divmod(n, 1000)
    words = [f"{_english_below_1000(thousands)} thousand"] if thousands else []
    if rest:
        words.append(("and " if thousands and rest < 100 else "") + _english_below_1000(rest))
    return " ".join(words)


def english_to_number(text: str) -> int:
    """The inverse of ``number_to_english`` (ValueError on a word it does not know)."""
    values = {w: i for i, w in enumerate(ONES)} | {w: 10 * i for i, w in enumerate(TENS) if i > 1}
    total = current = 0
    for word in text.replace("-", " ").split():
        if word == "and":
            continue
        if word == "hundred":
            current *= 100
        elif word == "thousand":
            total, current = total + current * 1000, 0
        elif word in values:
            current += values[word]
        else:
            raise ValueError(f"not an English number word: {word!r}")
    return total + current


# --------------------------------------------------------------------------- Chinese numerals
ZH_DIGITS = "零一二三四五六七八九"
ZH_UNITS = ("千", "百", "十", "")  # the four places of a group, highest first


def _chinese_group(n: int, number_start: bool, before_wan: bool) -> str:
    """One four-digit group 1..9999 (the rules in the module docstring)."""
    out, started, zero = [], False, False
    for digit, unit in zip(f"{n:04d}", ZH_UNITS, strict=True):
        d = int(digit)
        if d == 0:
            zero = zero or started
            continue
        if zero:
            out.append("零")
            zero = False
        if d == 2 and not started and (unit in ("千", "百") or (unit == "" and before_wan)):
            out.append("两")
        elif not (d == 1 and unit == "十" and not started and number_start):
            out.append(ZH_DIGITS[d])
        out.append(unit)
        started = True
    return "".join(out)


def number_to_chinese(n: int) -> str:
    """0..999,999 in Chinese numerals: 105 -> 一百零五, 1010 -> 一千零一十, 200 -> 两百."""
    _check_range(n)
    if n == 0:
        return "零"
    wan, rest = divmod(n, 10_000)
    out = _chinese_group(wan, number_start=True, before_wan=True) + "万" if wan else ""
    if rest:
        gap = "零" if wan and rest < 1000 else ""
        out += gap + _chinese_group(rest, number_start=not wan, before_wan=False)
    return out


def chinese_to_number(text: str) -> int:
    """The inverse of ``number_to_chinese`` (also reads 二 for 两 and 一十 for 十)."""
    digits = {c: i for i, c in enumerate(ZH_DIGITS)} | {"两": 2}
    units = {"十": 10, "百": 100, "千": 1000}
    total = section = digit = 0
    for ch in text:
        if ch in digits:
            digit = digits[ch]
        elif ch in units:
            section += (digit or 1) * units[ch]  # a bare 十 at the start is 一十
            digit = 0
        elif ch == "万":
            total, section, digit = (section + digit) * 10_000, 0, 0
        else:
            raise ValueError(f"not a Chinese numeral: {ch!r}")
    return total + section + digit


def _check_range(n: int) -> None:
    if not 0 <= int(n) <= MAX_NUMBER:
        raise ValueError(f"numbers run from 0 to {MAX_NUMBER:,}, got {n}")


# --------------------------------------------------------------------------- dates
FIRST_DAY = dt.date(1900, 1, 1).toordinal()
LAST_DAY = dt.date(2099, 12, 31).toordinal()


def date_forms(ordinal: int) -> dict[str, str]:
    """One date in its three forms: en "3 December 2026", zh "2026年12月3日", iso "2026-12-03"."""
    d = dt.date.fromordinal(int(ordinal))
    return {
        "en": f"{d.day} {MONTHS[d.month - 1]} {d.year}",
        "zh": f"{d.year}年{d.month}月{d.day}日",
        "iso": d.isoformat(),
    }


# --------------------------------------------------------------------------- vocabulary
PAD, BOS, EOS = "<pad>", "<s>", "</s>"
PAD_ID, BOS_ID, EOS_ID = 0, 1, 2
_CHARS = sorted(set(" -0123456789abcdefghijklmnopqrstuvwxyz" + "".join(MONTHS)
                    + ZH_DIGITS + "两十百千万年月日"))  # fmt: skip
VOCAB = [PAD, BOS, EOS, *_CHARS]
CHAR_ID = {c: i for i, c in enumerate(VOCAB)}

# direction -> (what the numbers or dates are, source form, target form)
DIRECTIONS = {
    "en-zh": ("number", "en", "zh"),
    "zh-en": ("number", "zh", "en"),
    "words-digits": ("number", "en", "digits"),
    "digits-words": ("number", "digits", "en"),
    "zh-digits": ("number", "zh", "digits"),
    "digits-zh": ("number", "digits", "zh"),
    "date-en-zh": ("date", "en", "zh"),
    "date-zh-en": ("date", "zh", "en"),
    "date-en-iso": ("date", "en", "iso"),
    "date-iso-en": ("date", "iso", "en"),
}
FORM_LABELS = {
    "en": {"en": "English words", "zh": "Chinese numerals", "digits": "digits", "iso": "ISO"},
    "zh": {"en": "英文单词", "zh": "中文数字", "digits": "阿拉伯数字", "iso": "ISO 格式"},
}
HOLD_OUT_BUCKETS = 10  # one bucket in ten is held out for validation
ATOMS = 20  # numbers below this are words of their own: always trained on


def number_form(n: int, form: str) -> str:
    """A number as English words, Chinese numerals or digits."""
    if form == "en":
        return number_to_english(n)
    if form == "zh":
        return number_to_chinese(n)
    return str(int(n))


def held_out(values: np.ndarray) -> np.ndarray:
    """True for the numbers (or date ordinals) kept for validation: a fixed integer hash."""
    z = np.asarray(values, dtype=np.uint64) + np.uint64(0x9E3779B97F4A7C15)  # splitmix64
    with np.errstate(over="ignore"):
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    z ^= z >> np.uint64(31)
    return (z % np.uint64(HOLD_OUT_BUCKETS)) == 0


@lru_cache(maxsize=16)
def _pools(what: str, largest: int) -> tuple[np.ndarray, np.ndarray]:
    """(training values, held-out values) for numbers 0..largest or every date."""
    values = np.arange(FIRST_DAY, LAST_DAY + 1) if what == "date" else np.arange(largest + 1)
    out = held_out(values) & ((values >= ATOMS) | (what == "date"))
    return values[~out], values[out]


def _encode(texts: list[str], length: int, left: bool) -> np.ndarray:
    """Character ids (length, B), padded with PAD on the left (sources) or right (targets)."""
    ids = np.full((length, len(texts)), PAD_ID, dtype=np.int64)
    for b, text in enumerate(texts):
        row = [CHAR_ID[c] for c in text]
        if left:
            ids[length - len(row) :, b] = row
        else:
            ids[: len(row), b] = row
    return ids


# --------------------------------------------------------------------------- the task
DIRECTION_LABELS = {
    lang: {
        name: f"{FORM_LABELS[lang][src]} → {FORM_LABELS[lang][tgt]}"
        + (" (日期)" if what == "date" and lang == "zh" else " (dates)" if what == "date" else "")
        for name, (what, src, tgt) in DIRECTIONS.items()
    }
    for lang in ("en", "zh")
}


@register
class Translate(Task):
    """Numbers and dates translated character by character by an encoder-decoder."""

    name, kind, menu_order = "translate", "seq2seq", 14
    knobs = (
        Knob(
            "direction",
            "en-zh",
            kind="choice",
            choices=tuple(DIRECTIONS),
            choice_labels=DIRECTION_LABELS,
            help={"en": "What is translated into what.", "zh": "从什么翻译成什么。"},
        ),
        Knob(
            "largest",
            999,
            99,
            MAX_NUMBER,
            "int",
            {
                "en": "Largest number (0 up to this); sets the difficulty. Dates ignore it.",
                "zh": "最大的数（从 0 到它），决定难度。日期不使用它。",
            },
        ),
        Knob(
            "reverse",
            False,
            kind="bool",
            help={
                "en": "Feed the source backwards (Sutskever et al. 2014): its first characters "
                "are then read last, right before the decoder starts.",
                "zh": "把源序列倒过来输入（Sutskever 等 2014）：开头的字符最后读到，"
                "紧挨着解码器开始。",
            },
        ),
        Knob(
            "attention",
            "none",
            kind="choice",
            choices=("none", "dot"),
            choice_labels={
                "en": {"none": "none", "dot": "dot product (Luong)"},
                "zh": {"none": "无", "dot": "点积（Luong）"},
            },
            help={
                "en": "Let the decoder look back at every encoder state (Luong et al. 2015).",
                "zh": "让解码器在每一步回看编码器的所有状态（Luong 等 2015）。",
            },
        ),
    )
    metric = Metric("exact", True, 0.95, {"en": "exact match", "zh": "完全正确率"})
    title = {"en": "Translate numbers and dates", "zh": "翻译数字和日期"}
    description = {
        "en": "An encoder LSTM reads a number or a date character by character ('three hundred "
        "and twelve'); its final h and c start a decoder LSTM, which writes the translation "
        "one character at a time ('三百一十二'). Training feeds the decoder the true previous "
        "character (teacher forcing); validation lets it read its own guesses (greedy). One "
        "number in ten is never trained on: validation translates only those.",
        "zh": "编码器 LSTM 逐个字符读入一个数或日期（'three hundred and twelve'），它最后的 h 和 c "
        "作为解码器 LSTM 的起点，解码器一次写出一个字符的译文（'三百一十二'）。"
        "训练时解码器读入真实的上一个字符（教师强制）；验证时它读自己的猜测（贪心解码）。每十个数中有一个从不用于训练：验证"
        "只翻译这些数。",
    }
    teaches = {
        "en": "Everything the decoder knows about the source must pass through one (h, c) pair: "
        "watch long numbers fail without attention, and see reversing the source shorten the "
        "path between a source character and the output it decides.",
        "zh": "解码器对源序列的全部了解都要经过一对 (h, c)：可以看到没有注意力时长数字会失败，"
        "也能看到倒序输入如何缩短源字符到它决定的输出之间的距离。",
    }
    vocab = VOCAB

    # ----- what the knobs mean
    @property
    def forms(self) -> tuple[str, str, str]:
        """(what, source form, target form), e.g. ("number", "en", "zh")."""
        return DIRECTIONS[self.values["direction"]]

    def pair(self, value: int) -> tuple[str, str]:
        """(source, target) text of one number or date ordinal (source not reversed)."""
        what, src, tgt = self.forms
        if what == "date":
            forms = date_forms(value)
            return forms[src], forms[tgt]
        return number_form(value, src), number_form(value, tgt)

    def _lengths(self) -> tuple[int, int]:
        """(source length, target length + EOS): the longest text each side can have."""
        what, src, tgt = self.forms
        if what == "date":
            sample = [date_forms(dt.date(2000, m, 28).toordinal()) for m in range(1, 13)]
            return max(len(f[src]) for f in sample), max(len(f[tgt]) for f in sample) + 1
        return _longest(src, self.values["largest"]), _longest(tgt, self.values["largest"]) + 1

    @property
    def spec(self) -> TaskSpec:
        V = len(VOCAB)
        return TaskSpec(
            "seq2seq",
            input_size=0,
            output_size=V,
            vocab_size=V,
            target_len=self._lengths()[1],
            attention=self.values["attention"],
        )

    # ----- data
    def values_pool(self, held: bool) -> np.ndarray:
        what = self.forms[0]
        return _pools(what, self.values["largest"] if what == "number" else 0)[int(held)]

    def batch_of(self, values) -> Batch:
        """The batch translating exactly these numbers (or date ordinals)."""
        pairs = [self.pair(int(v)) for v in values]
        sources = [s[::-1] if self.values["reverse"] else s for s, _ in pairs]
        S, T = self._lengths()
        x = _encode(sources, S, left=True)  # (S, B), left-padded: the last step is real
        y = _encode([t for _, t in pairs], T, left=False)  # (T, B)
        lengths = np.array([len(t) for _, t in pairs])
        y[lengths, np.arange(len(pairs))] = EOS_ID
        mask = np.arange(T)[:, None] <= lengths[None, :]  # every character and the EOS
        aux = {
            "value": np.asarray(values, dtype=np.int64),
            "source": np.array([s for s, _ in pairs], dtype=object),
            "target": np.array([t for _, t in pairs], dtype=object),
        }
        return Batch(x, y, mask, per_step=True, aux=aux)

    def sample(self, rng: np.random.Generator, size: int) -> Batch:
        return self.batch_of(rng.choice(self.values_pool(held=False), size))

    def validation(self, seed: int, size: int = 256) -> Batch:
        """Held-out numbers only (never drawn for training)."""
        if int(size) < 1:
            raise TaskError(f"validation size must be at least 1, got {size!r}")
        pool = self.values_pool(held=True)
        return self.batch_of(derived_rng(seed, VALIDATION_STREAM).choice(pool, int(size)))

    # ----- scoring
    def score(self, out: np.ndarray, batch: Batch) -> float:
        return float(exact_match(out, batch).mean())

    def evaluate(self, out, batch: Batch) -> dict:
        result = super().evaluate(out, batch)
        result["char_accuracy"] = char_accuracy(np.asarray(out), batch)
        return result

    def baseline(self, batch: Batch) -> dict:
        result = self.evaluate(self.baseline_output(batch), batch)
        return {k: result[k] for k in ("loss", "metric", "char_accuracy")}

    def baseline_output(self, batch: Batch) -> np.ndarray:
        """The most frequent output: at every position the most frequent target character
        there (counted positions only), with the positional character frequencies as logits."""
        assert batch.mask is not None  # translation batches always carry their mask
        T, V = batch.y.shape[0], len(VOCAB)
        logits = np.full((T, V), NEG)
        for t in range(T):
            counted = batch.y[t][batch.mask[t]]
            if counted.size:
                p = np.bincount(counted, minlength=V) / counted.size
                logits[t] = np.where(p > 0, np.log(np.maximum(p, 1e-300)), NEG)
            else:
                logits[t, EOS_ID] = 0.0
        return np.broadcast_to(logits[:, None, :], (T, batch.B, V)).copy()

    # ----- display
    def read(self, ids) -> str:
        """Output ids -> text, up to the first EOS (PAD and BOS dropped)."""
        chars = []
        for t in np.asarray(ids).ravel():
            if int(t) == EOS_ID:
                break
            if int(t) > EOS_ID:
                chars.append(VOCAB[int(t)])
        return "".join(chars)

    def example(self, batch: Batch, i: int) -> dict:
        d = super().example(batch, i)
        d["text"] = self.read(batch.x[:, i])
        src, tgt = str(batch.aux["source"][i]), str(batch.aux["target"][i])
        d["source"], d["target"] = src, tgt
        d["label"] = f"{src} → {tgt}"
        d["caption"] = {"en": f"source → target: {d['label']}", "zh": f"原文 → 译文：{d['label']}"}
        return d


@lru_cache(maxsize=64)
def _longest(form: str, largest: int) -> int:
    """The longest text of any number 0..largest in ``form``, computed exactly."""
    n = np.arange(largest + 1)
    if form == "digits":
        return len(str(largest))
    high, low = (n // 1000, n % 1000) if form == "en" else (n // 10_000, n % 10_000)
    if form == "en":
        below = np.array([len(_english_below_1000(k)) for k in range(1000)])
        rest = np.where(low == 0, 0, np.where(low < 100, 5, 1) + below[low])  # " and " / " "
        lengths = np.where(high > 0, below[high] + len(" thousand") + rest, below[low])
    else:
        group = np.array(
            [[len(_chinese_group(k, s, w)) if k else 0 for k in range(10_000)]
             for s, w in ((True, True), (False, False), (True, False))]
        )  # fmt: skip
        gap = (high > 0) & (low > 0) & (low < 1000)  # 零 between the groups
        lengths = np.where(high > 0, group[0][high] + 1 + gap + group[1][low], group[2][low])
    return int(max(lengths.max(), 1))


def exact_match(out: np.ndarray, batch: Batch) -> np.ndarray:
    """(B,) bool: every counted position (the characters and the EOS) is right."""
    assert batch.mask is not None  # translation batches always carry their mask
    hit = np.argmax(out, axis=-1) == batch.y  # (T, B)
    return (hit | ~batch.mask).all(axis=0)


def char_accuracy(out: np.ndarray, batch: Batch) -> float:
    """Fraction of counted positions where the output character is right."""
    hit = np.argmax(out, axis=-1) == batch.y
    return float(hit[batch.mask].mean())
