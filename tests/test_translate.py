"""The translate task: the number and date converters against a table written by hand from the
rules, round trips over every number, the knobs (direction, reverse, largest), the held-out
split and the scoring."""

import numpy as np
import pytest

from lstm_core.tasks import TaskError, make_task
from lstm_core.tasks.translate import (
    ATOMS,
    DIRECTIONS,
    EOS_ID,
    MAX_NUMBER,
    PAD_ID,
    VOCAB,
    _longest,
    _pools,
    chinese_to_number,
    date_forms,
    english_to_number,
    number_to_chinese,
    number_to_english,
)

# Written by hand from the rules in the module docstring (not produced by the code).
KNOWN = [
    (0, "zero", "零"),
    (2, "two", "二"),
    (7, "seven", "七"),
    (10, "ten", "十"),
    (12, "twelve", "十二"),
    (19, "nineteen", "十九"),
    (20, "twenty", "二十"),
    (45, "forty-five", "四十五"),
    (99, "ninety-nine", "九十九"),
    (100, "one hundred", "一百"),
    (105, "one hundred and five", "一百零五"),
    (110, "one hundred and ten", "一百一十"),
    (112, "one hundred and twelve", "一百一十二"),
    (200, "two hundred", "两百"),
    (222, "two hundred and twenty-two", "两百二十二"),
    (312, "three hundred and twelve", "三百一十二"),
    (1000, "one thousand", "一千"),
    (1001, "one thousand and one", "一千零一"),
    (1010, "one thousand and ten", "一千零一十"),
    (1200, "one thousand two hundred", "一千二百"),
    (2000, "two thousand", "两千"),
    (2222, "two thousand two hundred and twenty-two", "两千二百二十二"),
    (10000, "ten thousand", "一万"),
    (10010, "ten thousand and ten", "一万零一十"),
    (10500, "ten thousand five hundred", "一万零五百"),
    (12000, "twelve thousand", "一万两千"),
    (20000, "twenty thousand", "两万"),
    (100000, "one hundred thousand", "十万"),
    (110000, "one hundred and ten thousand", "十一万"),
    (200000, "two hundred thousand", "二十万"),
    (220000, "two hundred and twenty thousand", "二十二万"),
    (312045, "three hundred and twelve thousand and forty-five", "三十一万两千零四十五"),
    (999999, "nine hundred and ninety-nine thousand nine hundred and ninety-nine",
     "九十九万九千九百九十九"),
]  # fmt: skip


@pytest.mark.parametrize(("n", "en", "zh"), KNOWN)
def test_known_pairs(n, en, zh):
    assert number_to_english(n) == en and number_to_chinese(n) == zh
    assert english_to_number(en) == n and chinese_to_number(zh) == n


def test_every_number_round_trips_through_both_languages():
    """digits -> zh -> digits and digits -> en -> digits, for every number 0..999,999 (the
    English and Chinese texts are also all different: each names one number)."""
    step = 11  # every 11th number, plus all below 20,000: fast enough and covers every pattern
    numbers = list(range(20_000)) + list(range(20_000, MAX_NUMBER + 1, step))
    zh = [number_to_chinese(n) for n in numbers]
    en = [number_to_english(n) for n in numbers]
    assert [chinese_to_number(t) for t in zh] == numbers
    assert [english_to_number(t) for t in en] == numbers
    assert len(set(zh)) == len(set(en)) == len(numbers)


def test_chinese_rules_hold_everywhere():
    """The rules as properties: 两 only at the head of a group before 百/千/万, never two 零 in a
    row, never a trailing 零, 一十 only after a higher digit."""
    for n in range(1, 120_000, 3):
        zh = number_to_chinese(n)
        assert "零零" not in zh and not zh.endswith("零")
        assert not zh.startswith("一十")
        for i, ch in enumerate(zh):
            if ch == "两":
                assert zh[i + 1] in "百千万"
                assert i == 0 or zh[i - 1] in "万零"
    assert chinese_to_number("二百") == chinese_to_number("两百") == 200


def test_english_reads_british_and():
    assert english_to_number("one thousand and five") == 1005
    with pytest.raises(ValueError, match="bogus"):
        english_to_number("one bogus")
    with pytest.raises(ValueError, match="999,999"):
        number_to_english(1_000_000)


def test_dates_in_three_forms():
    import datetime as dt

    forms = date_forms(dt.date(2026, 12, 3).toordinal())
    assert forms == {"en": "3 December 2026", "zh": "2026年12月3日", "iso": "2026-12-03"}
    assert date_forms(dt.date(1900, 1, 1).toordinal())["zh"] == "1900年1月1日"


def _texts(task, batch):
    return [task.read(batch.y[:, i]) for i in range(batch.B)], [str(s) for s in batch.aux["source"]]


def test_direction_changes_the_data():
    """The same seed gives the same numbers, written in the forms the direction names."""
    seen = {}
    for direction, (what, src, tgt) in DIRECTIONS.items():
        task = make_task("translate", direction=direction, largest=999)
        b = task.validation(0, 8)
        targets, sources = _texts(task, b)
        seen[direction] = (tuple(sources), tuple(targets))
        for v, s, t in zip(b.aux["value"], sources, targets, strict=True):
            if what == "number":
                read = {"en": english_to_number, "zh": chinese_to_number, "digits": int}
                assert read[src](s) == v and read[tgt](t) == v
            else:
                assert (s, t) == (date_forms(v)[src], date_forms(v)[tgt])
        assert task.decode(b.x[:, 0]).replace("<pad>", "") == sources[0]
    assert seen["en-zh"][0] == seen["zh-en"][1] and seen["en-zh"][1] == seen["zh-en"][0]
    assert len({pair for pair in seen.values()}) == len(DIRECTIONS)


def test_reverse_feeds_the_source_backwards():
    plain = make_task("translate", direction="en-zh")
    flipped = make_task("translate", direction="en-zh", reverse=True)
    a, b = plain.validation(1, 5), flipped.validation(1, 5)
    assert np.array_equal(a.y, b.y)
    for i in range(5):
        assert plain.read(a.x[:, i]) == flipped.read(b.x[:, i])[::-1]
        assert a.x[-1, i] != PAD_ID and b.x[-1, i] != PAD_ID  # left-padded: last step is real


def test_held_out_numbers_never_appear_in_training():
    task = make_task("translate", direction="digits-words", largest=9999)
    train, held = _pools("number", 9999)
    assert len(set(train) & set(held)) == 0 and len(train) + len(held) == 10_000
    assert 0.07 < len(held) / 10_000 < 0.13 and held.min() >= ATOMS
    stream = task.train_batches(0, 64)
    drawn = np.concatenate([next(stream).aux["value"] for _ in range(30)])
    assert not np.isin(drawn, held).any()
    assert np.isin(task.validation(0, 256).aux["value"], held).all()
    # the split is a property of the number, not of the largest number asked for
    assert set(_pools("number", 999)[1]) == {n for n in held if n <= 999}


def test_largest_sets_the_range_and_lengths():
    small = make_task("translate", direction="digits-zh", largest=99)
    assert small.validation(0, 256).aux["value"].max() <= 99
    assert small.spec.target_len == len("九十九") + 1
    for form, largest in (("zh", 23_456), ("en", 23_456), ("zh", 120_500), ("en", 1234)):
        assert _longest(form, largest) == _brute_longest(form, largest)
    assert _longest("en", 999) == len("seven hundred and seventy-seven")
    dates = make_task("translate", direction="date-zh-en")
    assert dates.spec.target_len == len("28 September 2000") + 1
    with pytest.raises(TaskError, match="largest"):
        make_task("translate", largest=50)


def _brute_longest(form, largest):
    convert = number_to_chinese if form == "zh" else number_to_english
    return max(len(convert(n)) for n in range(0, largest + 1, 1))


def test_targets_end_with_eos_and_the_mask_covers_it():
    task = make_task("translate", direction="zh-en", largest=999)
    b = task.validation(2, 16)
    for i in range(b.B):
        n = len(str(b.aux["target"][i]))
        assert b.y[n, i] == EOS_ID and b.mask[: n + 1, i].all() and not b.mask[n + 1 :, i].any()
    assert b.y.max() < len(VOCAB)


def test_exact_match_and_character_accuracy():
    task = make_task("translate", direction="en-zh")
    b = task.validation(0, 4)
    perfect = 20.0 * np.eye(len(VOCAB))[b.y]
    result = task.evaluate(perfect, b)
    assert result["metric"] == 1.0 and result["char_accuracy"] == 1.0 and result["solved"]
    wrong = perfect.copy()
    wrong[0, 0] = 0.0
    wrong[0, 0, (b.y[0, 0] + 5) % len(VOCAB)] = 20.0  # one wrong character in sequence 0
    result = task.evaluate(wrong, b)
    counted = int(b.mask.sum())
    assert result["metric"] == 0.75 and result["char_accuracy"] == (counted - 1) / counted
    base = task.baseline(task.validation(0, 256))
    assert base["metric"] < 0.1 and 0 < base["char_accuracy"] < 0.6


def test_preview_reads_like_a_translation():
    ex = make_task("translate", direction="digits-words").preview(0, 2)[0]
    assert ex["label"] == f"{ex['source']} → {ex['target']}"
    assert english_to_number(ex["target"]) == int(ex["source"])
