"""The task contract, checked on every registered task: determinism, shapes against the spec,
knob validation, scoring of perfect and trivial predictions, previews and bilingual texts."""

import random
import subprocess
import sys

import numpy as np
import pytest
import torch

from lstm_core.losses import loss as kind_loss
from lstm_core.tasks import TASKS, Batch, Knob, Metric, Task, TaskError, make_task

NAMES = list(TASKS)
MINE = ["sine", "adding", "temporal-order", "copy", "reber", "brackets", "sentiment",
        "next-action", "seed-example", "gesture"]  # fmt: skip


def _same(a: Batch, b: Batch) -> bool:
    same_mask = (a.mask is None and b.mask is None) or np.array_equal(a.mask, b.mask)
    same_aux = a.aux.keys() == b.aux.keys() and all(
        np.array_equal(a.aux[k], b.aux[k]) for k in a.aux
    )
    return np.array_equal(a.x, b.x) and np.array_equal(a.y, b.y) and same_mask and same_aux


def perfect_output(task, batch: Batch) -> np.ndarray:
    """What a perfect model outputs: the target itself, or confident logits on it."""
    if task.kind in ("next_step", "regression"):
        return batch.y.astype(np.float64)
    return 20.0 * np.eye(task.spec.output_size)[batch.y]


def test_menu_order_and_names():
    assert [n for n in NAMES if n in MINE] == MINE
    assert [TASKS[n].menu_order for n in NAMES] == sorted(TASKS[n].menu_order for n in NAMES)
    for name in NAMES:
        assert TASKS[name].name == name


def test_unknown_task_and_knob():
    with pytest.raises(TaskError, match="unknown task 'nope'"):
        make_task("nope")
    with pytest.raises(TaskError, match="has no knob 'wings'"):
        make_task("adding", wings=3)
    with pytest.raises(TaskError, match=r"'seq_len' = 5 is outside the allowed range 10..200"):
        make_task("adding", seq_len=5)


@pytest.mark.parametrize("name", NAMES)
def test_same_seed_same_batches_whatever_the_global_rng(name):
    task = TASKS[name].demo()
    np.random.seed(1), torch.manual_seed(1), random.seed(1)
    val_a, train_a = task.validation(7, 16), task.train_batches(7, 8)
    first_a = [next(train_a) for _ in range(2)]
    np.random.seed(2), torch.manual_seed(2), random.seed(2)
    np.random.rand(5), torch.rand(5)
    val_b, train_b = TASKS[name].demo().validation(7, 16), TASKS[name].demo().train_batches(7, 8)
    first_b = [next(train_b) for _ in range(2)]
    assert _same(val_a, val_b)
    assert all(_same(a, b) for a, b in zip(first_a, first_b, strict=True))
    assert _same(task.validation(7, 16), val_a)  # asking again gives the same fixed set


@pytest.mark.parametrize("name", NAMES)
def test_different_seeds_and_streams_differ(name):
    task = TASKS[name].demo()
    v0, v1 = task.validation(0, 16), task.validation(1, 16)
    if type(task).validation is Task.validation:  # data-file tasks validate on a fixed time split
        assert not _same(v0, v1)
    train0 = next(task.train_batches(0, 16))
    assert not _same(train0, next(task.train_batches(1, 16)))
    assert not _same(train0, v0)  # validation is not the first training batch
    stream = task.train_batches(0, 8)
    assert not _same(next(stream), next(stream))


@pytest.mark.parametrize("name", NAMES)
def test_shapes_and_dtypes_follow_the_spec(name):
    task = TASKS[name].demo()
    spec, b = task.spec, task.validation(3, 12)
    assert spec.kind == task.kind and b.B == 12
    if spec.vocab_size > 0:
        assert b.x.ndim == 2 and b.x.dtype == np.int64
        assert 0 <= b.x.min() and b.x.max() < spec.vocab_size
        if task.vocab is not None:
            assert len(task.vocab) == spec.vocab_size
    else:
        assert b.x.dtype == np.float32 and b.x.shape == (b.T, 12, spec.input_size)
    expected_y = {
        "next_step": (b.T, 12, spec.output_size),
        "regression": (12, spec.output_size),
        "classification": (12,),
        "labelling": (b.T, 12),
        "next_token": (b.T, 12),
        "seq2seq": (spec.target_len, 12),  # the decoder's steps, not the source's
    }[spec.kind]
    assert b.y.shape == expected_y
    assert b.per_step == (spec.kind in ("next_step", "labelling", "next_token", "seq2seq"))
    if spec.kind in ("next_step", "regression"):
        assert b.y.dtype == np.float32
    else:
        assert b.y.dtype == np.int64 and 0 <= b.y.min() and b.y.max() < spec.output_size
    if b.mask is not None:
        steps = spec.target_len if spec.kind == "seq2seq" else b.T  # the mask follows y
        assert b.mask.shape == (steps, 12) and b.mask.dtype == bool and b.mask.any()
    for value in b.aux.values():
        assert len(value) == 12
    assert next(task.train_batches(3, 5)).B == 5


@pytest.mark.parametrize("name", NAMES)
def test_perfect_predictions_solve_and_baseline_does_not(name):
    task = TASKS[name].demo()
    b = task.validation(4, 64)
    perfect = task.evaluate(perfect_output(task, b), b)
    assert perfect["solved"] is True
    assert perfect["loss"] == pytest.approx(
        kind_loss(task.kind, perfect_output(task, b), b.y, b.mask)
    )
    trivial = task.evaluate(task.baseline_output(b), b)
    assert trivial["solved"] is False
    baseline = task.baseline(b)
    assert (baseline["loss"], baseline["metric"]) == (trivial["loss"], trivial["metric"])
    assert perfect["loss"] < trivial["loss"]


@pytest.mark.parametrize("name", NAMES)
def test_default_baseline_is_the_mean_or_the_prior(name):
    """Direct computation: MSE of the mean target, or cross-entropy of the class frequencies."""
    task = TASKS[name].demo()
    if type(task).baseline_output is not Task.baseline_output:
        return  # a task-specific baseline (copy, real series, text): tested with its task
    b = task.validation(5, 32)
    y, m = b.y.astype(np.float64), (np.ones(b.y.shape, bool) if b.mask is None else b.mask)
    if task.kind in ("next_step", "regression"):
        counted = y[m] if y.ndim == m.ndim + 1 else y.reshape(-1, y.shape[-1])
        expected = float(((counted - counted.mean(axis=0)) ** 2).mean())
    else:
        counted = b.y[m]
        p = np.bincount(counted, minlength=task.spec.output_size) / counted.size
        expected = float(-np.log(p[counted]).mean())
    assert task.baseline(b)["loss"] == pytest.approx(expected, rel=1e-9)


@pytest.mark.parametrize("name", NAMES)
def test_preview_shapes(name):
    task = TASKS[name].demo()
    examples = task.preview(seed=0, n=3)
    assert len(examples) == 3
    for ex in examples:
        assert {"x", "y", "mask", "label"} <= ex.keys()
        assert isinstance(ex["label"], str)
        T = len(ex["x"])
        if task.spec.vocab_size == 0:
            assert ex["x"].shape == (T, task.spec.input_size)
        else:
            assert ex["x"].shape == (T,) and isinstance(ex["text"], str) and ex["text"]
        if task.kind in ("next_step", "labelling", "next_token"):
            assert len(ex["y"]) == T
    again = task.preview(seed=0, n=3)
    assert all(np.array_equal(a["x"], b["x"]) for a, b in zip(examples, again, strict=True))


@pytest.mark.parametrize("name", NAMES)
def test_texts_in_english_and_chinese(name):
    task = TASKS[name].demo()
    for field in ("title", "description", "teaches"):
        text = getattr(task, field)
        assert text["en"].strip() and text["zh"].strip()
        assert any("\u4e00" <= ch <= "\u9fff" for ch in text["zh"]), f"{name}.{field} zh"
    for knob in task.knobs:
        assert knob.help_en and knob.help_zh
    assert isinstance(task.metric, Metric) and task.metric.label["en"] and task.metric.label["zh"]


def bad_values(knob: Knob) -> list:
    outside = [knob.low - 1] if knob.low is not None else []
    outside += [knob.high + 1] if knob.high is not None else []
    if knob.kind == "int":
        return [*outside, 2.5, "ten", True]
    if knob.kind == "float":
        return [*outside, float("nan"), "x"]
    if knob.kind == "choice":
        return ["no-such-choice", 3]
    return ["yes", 1]


@pytest.mark.parametrize("name", NAMES)
def test_every_bad_knob_value_is_named_in_the_error(name):
    task = TASKS[name].demo()
    for knob in task.knobs:
        assert knob.check(knob.default) == task.values[knob.name]
        bad = bad_values(knob)
        for value in bad:
            with pytest.raises(TaskError) as err:
                task.set_knobs(**{knob.name: value})  # checked as in make_task(name, ...)
            assert knob.name in str(err.value) and repr(value)[:6] in str(err.value)


@pytest.mark.parametrize("name", NAMES)
def test_set_knobs_live_only(name):
    task = TASKS[name].demo()
    for knob in task.knobs:
        if knob.kind == "choice":
            others = [c for c in knob.choices if c != knob.default]
        elif knob.kind == "bool":
            others = [not knob.default]
        else:
            others = [v for v in (knob.high, knob.low) if v is not None and v != knob.default]
        if knob.live:
            accepted = []
            for other in others:
                before = task.values
                try:
                    task.set_knobs(**{knob.name: other})
                except TaskError:  # a valid value may clash with other knobs or the data
                    assert task.values == before  # ... and then nothing changed
                    continue
                accepted.append(other)
                assert task.values[knob.name] == other
                task.set_knobs(**{knob.name: knob.default})
            assert accepted, f"no other value of live knob {knob.name!r} was accepted"
        else:
            for other in others:
                with pytest.raises(TaskError, match=f"{knob.name}.*reset"):
                    task.set_knobs(**{knob.name: other})
                assert task.values[knob.name] == knob.default
            task.set_knobs(**{knob.name: knob.default})  # the same value is no change


def test_live_knob_changes_the_stream_from_the_next_batch():
    task = make_task("adding", seq_len=20)
    stream = task.train_batches(0, 4)
    assert next(stream).T == 20
    task.set_knobs(seq_len=80)
    assert next(stream).T == 80


def test_knob_and_metric_rules():
    k = Knob("noise", 0.1, 0.0, 0.5, "float", {"en": "n", "zh": "噪"})
    assert k.check(0) == 0.0 and isinstance(k.check(0), float)
    with pytest.raises(TaskError, match=r"'noise' = 0.6 is outside the allowed range 0.0..0.5"):
        k.check(0.6)
    assert Knob("n", 3, 1, 5).check(4.0) == 4
    flag = Knob("on", False, kind="bool", help={"en": "x", "zh": "x"})
    assert flag.check(True) is True
    with pytest.raises(TaskError, match="'on' must be true or false"):
        flag.check(1)
    low = Metric("mse", False, 0.1)
    assert low.passes(0.05) and not low.passes(0.2) and not low.passes(float("nan"))


def test_batch_subset_and_properties():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((5, 4, 2))
    per_step = Batch(
        x, rng.standard_normal((5, 4, 1)), np.ones((5, 4), bool), aux={"k": np.arange(4)}
    )
    per_seq = Batch(x, np.arange(4))
    assert per_step.per_step and not per_seq.per_step and (per_step.T, per_step.B) == (5, 4)
    sub = per_step.subset([3, 1])
    assert np.array_equal(sub.x, x[:, [3, 1]]) and np.array_equal(sub.y, per_step.y[:, [3, 1]])
    assert np.array_equal(sub.aux["k"], [3, 1]) and sub.mask.shape == (5, 2)
    assert np.array_equal(per_seq.subset(slice(1, 3)).y, [1, 2])


def test_validation_and_batch_size_are_checked():
    task = make_task("adding")
    with pytest.raises(TaskError, match="batch_size"):
        next(task.train_batches(0, 0))
    with pytest.raises(TaskError, match="validation size"):
        task.validation(0, 0)


def test_tasks_import_numpy_only():
    code = "import sys, lstm_core.tasks; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_knob_errors_read_in_english_and_chinese():
    with pytest.raises(TaskError) as err:
        make_task("adding", seq_len=5)
    assert err.value.message_in("en") == str(err.value)
    assert err.value.message_in("zh") == "设置 'seq_len' = 5 超出了允许的范围 10..200"
    with pytest.raises(TaskError) as err:
        make_task("text", source="poetry")
    assert "必须是" in err.value.message_in("zh") and "must be one of" in str(err.value)
    # an error without a translation reads in English in every language
    assert TaskError("plain").message_in("zh") == "plain"


@pytest.mark.parametrize("name", NAMES)
def test_resolve_gives_the_values_of_a_built_task_without_building_it(name):
    task = TASKS[name].demo()  # the defaults (csv: on its built-in example file)
    cls = TASKS[name]
    assert cls.resolve({}) == task.values
    knob = task.knobs[0]
    value = knob.choices[-1] if knob.kind == "choice" else knob.default
    assert cls.resolve({knob.name: value}) == {**task.values, knob.name: knob.check(value)}
    with pytest.raises(TaskError, match="no knob 'nope'"):
        cls.resolve({"nope": 1})
