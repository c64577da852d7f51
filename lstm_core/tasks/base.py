"""The task contract: knobs, metrics, batches and the Task base class every task extends.

A task is a seeded generator of sequences plus the rules to score a model on them:

    task = make_task("adding", seq_len=50)
    for batch in task.train_batches(seed=0, batch_size=32): ...   # endless, deterministic
    val = task.validation(seed=0)                                  # fixed, independent set
    task.evaluate(out, val) -> {"loss", "metric", "solved"}
    task.baseline(val)      -> {"loss", "metric"}                  # a trivial predictor

Randomness comes only from ``np.random.default_rng`` seeded per call, never from global state:
the training stream of seed s draws from SeedSequence([s, 0]), validation from [s, 1] and
previews from [s, 2], so the three never overlap and the same stream can feed several models.

Registering a new task is one decorator, ``@register``, on a subclass of ``Task``; its
``menu_order`` (the issue's task number) places it in ``lstm_core.tasks.TASKS``.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from lstm_core.config import TASK_KINDS, TRAIN_SIZE_RANGE, TaskSpec
from lstm_core.losses import loss as kind_loss

KNOB_KINDS = ("int", "float", "choice", "bool")
TRAIN_STREAM, VALIDATION_STREAM, PREVIEW_STREAM = 0, 1, 2  # SeedSequence([seed, stream])
SHUFFLE_STREAM = 3  # the order in which a fixed training set is visited, epoch after epoch

NEG = -1e9  # a logit that is "impossible": exp(NEG - max) == 0.0 exactly


class TaskError(ValueError):
    """A task was asked for something it cannot do: a bad knob, name or input.

    ``str(error)`` is the English message (command line, logs); ``texts`` may hold the message
    for the page in other languages, {"en": ..., "zh": ...}; ``message_in(lang)`` reads it.
    """

    def __init__(self, message: str, texts: dict | None = None):
        super().__init__(message)
        self.texts = dict(texts) if texts else {}

    def message_in(self, lang: str) -> str:
        """The message in ``lang`` (English where it has no translation)."""
        return self.texts.get(lang) or self.texts.get("en") or str(self)


class NeedsInput(TaskError):
    """The task needs data the user has not given yet (a text, a file): a prompt, not a fault."""


# --------------------------------------------------------------------------- knobs and metrics
def _finite(value: numbers.Real) -> bool:
    """A finite number that fits a float (a 400-digit integer does not)."""
    try:
        return math.isfinite(float(value))
    except OverflowError:
        return False


def _shorten(text: str, width: int = 40) -> str:
    """Long user text cut to ``width`` characters for a message."""
    return text if len(text) <= width else text[: width - 3] + "..."


@dataclass(frozen=True)
class Knob:
    """One setting of a task, with its safe range and a bilingual help line."""

    name: str
    default: Any
    low: float | None = None  # inclusive lower bound (int / float knobs)
    high: float | None = None  # inclusive upper bound (int / float knobs)
    kind: str = "int"  # "int" | "float" | "choice" | "bool"
    help: dict = field(default_factory=dict)  # {"en": ..., "zh": ...}
    choices: tuple = ()  # allowed values of a "choice" knob
    live: bool = False  # may change mid-training without a reset (set_knobs)
    choice_labels: dict = field(default_factory=dict)  # {"en": {value: label}, "zh": {...}}

    def choice_label(self, value: Any, lang: str = "en") -> str:
        """A choice as the user reads it in ``lang`` (falls back to English, then the value)."""
        for labels in (self.choice_labels.get(lang, {}), self.choice_labels.get("en", {})):
            if value in labels:
                return labels[value]
        return str(value)

    @property
    def help_en(self) -> str:
        return self.help.get("en", "")

    @property
    def help_zh(self) -> str:
        return self.help.get("zh", "")

    def check(self, value: Any) -> Any:
        """Return ``value`` in this knob's type, or raise TaskError naming knob, value and range."""
        if self.kind == "bool":
            if isinstance(value, bool | np.bool_):
                return bool(value)
            raise self._error(
                f"knob {self.name!r} must be true or false, got {value!r}",
                f"设置 {self.name!r} 必须是真或假，收到的是 {value!r}",
            )
        if self.kind == "choice":
            if value in self.choices:
                return value
            raise self._error(
                f"knob {self.name!r} must be one of {list(self.choices)}, got {value!r}",
                f"设置 {self.name!r} 必须是 {list(self.choices)} 之一，收到的是 {value!r}",
            )
        return self._check_number(value)

    @staticmethod
    def _error(en: str, zh: str) -> TaskError:
        return TaskError(en, {"en": en, "zh": zh})

    def _check_number(self, value: Any) -> int | float:
        allowed = f"allowed range {self.low}..{self.high}"
        allowed_zh = f"允许的范围是 {self.low}..{self.high}"
        ok_type = isinstance(value, numbers.Real) and not isinstance(value, bool | np.bool_)
        if not ok_type or not _finite(value):
            shown = _shorten(repr(value))
            raise self._error(
                f"knob {self.name!r} must be a number ({allowed}), got {shown}",
                f"设置 {self.name!r} 必须是数字（{allowed_zh}），收到的是 {shown}",
            )
        if self.kind == "int":
            if float(value) != int(value):
                raise self._error(
                    f"knob {self.name!r} must be a whole number, got {value!r}",
                    f"设置 {self.name!r} 必须是整数，收到的是 {value!r}",
                )
            value = int(value)
        else:
            value = float(value)
        if (self.low is not None and value < self.low) or (
            self.high is not None and value > self.high
        ):
            raise self._error(
                f"knob {self.name!r} = {value!r} is outside the {allowed}",
                f"设置 {self.name!r} = {value!r} 超出了允许的范围 {self.low}..{self.high}",
            )
        return value


@dataclass(frozen=True)
class Metric:
    """How a task is scored, and the value at which it counts as solved."""

    name: str  # short id, e.g. "accuracy"
    higher_is_better: bool
    threshold: float  # solved when the metric reaches this (>= or <=)
    label: dict = field(default_factory=dict)  # {"en": ..., "zh": ...}

    def passes(self, value: float) -> bool:
        if not math.isfinite(value):
            return False
        return value >= self.threshold if self.higher_is_better else value <= self.threshold


# --------------------------------------------------------------------------- batches
@dataclass
class Batch:
    """One batch, time-major: ``x (T, B, I)`` float32 or ``(T, B)`` int64 token ids.

    ``y`` follows the task kind (``config.KINDS``): per step ``(T, B, ...)`` or per sequence
    ``(B, ...)``; ``per_step`` says which (None: inferred from the shapes). ``mask (T, B)`` bool
    marks the steps that count (None: all). ``aux`` holds extra per-sequence arrays with the
    batch on axis 0 (e.g. class names, positions that matter), used by metrics and previews.
    """

    x: np.ndarray
    y: np.ndarray
    mask: np.ndarray | None = None
    per_step: bool | None = None
    aux: dict = field(default_factory=dict)

    def __post_init__(self):
        if self.per_step is None:
            self.per_step = self.y.ndim >= 2 and self.y.shape[:2] == self.x.shape[:2]

    @property
    def T(self) -> int:
        return int(self.x.shape[0])

    @property
    def B(self) -> int:
        return int(self.x.shape[1])

    def subset(self, indices) -> Batch:
        """The sequences at ``indices`` (an index array, a list or a slice)."""
        idx = np.arange(self.B)[indices]
        y = self.y[:, idx] if self.per_step else self.y[idx]
        mask = None if self.mask is None else self.mask[:, idx]
        aux = {k: np.asarray(v)[idx] for k, v in self.aux.items()}
        return Batch(self.x[:, idx], y, mask, self.per_step, aux)


# --------------------------------------------------------------------------- scoring helpers
def accuracy(out: np.ndarray, y: np.ndarray, mask: np.ndarray | None = None) -> float:
    """Fraction of (counted) positions where argmax(out) == y."""
    hit = np.argmax(out, axis=-1) == y
    if mask is None:
        return float(hit.mean())
    return float(hit[mask].mean()) if mask.any() else 0.0


def r_squared(out: np.ndarray, y: np.ndarray, mask: np.ndarray | None = None) -> float:
    """Coefficient of determination 1 - SSE / SST over the (counted) elements."""
    err, dev = (out - y) ** 2, (y - _masked_mean(y, mask)) ** 2
    if mask is not None:
        err, dev = err[mask], dev[mask]
    sst = float(dev.sum())
    return 1.0 - float(err.sum()) / sst if sst > 0 else 0.0


def _masked_mean(y: np.ndarray, mask: np.ndarray | None) -> np.ndarray:
    """Mean over every axis but the last (the output channels), counting masked steps only."""
    flat = y.reshape(-1, y.shape[-1]) if mask is None else y[mask]
    return flat.mean(axis=0)


def prior_logits(y: np.ndarray, n_classes: int, mask: np.ndarray | None = None) -> np.ndarray:
    """Log of each class's frequency in ``y`` (the best constant guess under cross-entropy)."""
    counted = y if mask is None else y[mask]
    p = np.bincount(counted.ravel().astype(np.int64), minlength=n_classes) / max(counted.size, 1)
    return np.where(p > 0, np.log(np.maximum(p, 1e-300)), NEG)


def derived_rng(seed: int, stream: int) -> np.random.Generator:
    """A generator for one stream of one seed; streams never share draws."""
    return np.random.default_rng(np.random.SeedSequence([int(seed), int(stream)]))


# --------------------------------------------------------------------------- the Task contract
class Task:
    """Base class: subclasses set the class attributes and implement ``spec`` and ``sample``.

    Override ``score`` for a metric other than the kind's default (accuracy for class kinds,
    R^2 for regression kinds), ``baseline_output`` for a better trivial predictor, and
    ``example`` for richer previews.
    """

    name: ClassVar[str] = ""  # CLI name, e.g. "adding"
    kind: ClassVar[str] = ""  # one of config.TASK_KINDS
    menu_order: ClassVar[float] = 99.0  # position in TASKS (the task number)
    knobs: ClassVar[tuple[Knob, ...]] = ()
    metric: ClassVar[Metric] = Metric("accuracy", True, 0.95, {"en": "accuracy", "zh": "准确率"})
    title: ClassVar[dict] = {}  # {"en": ..., "zh": ...}
    description: ClassVar[dict] = {}  # one paragraph each
    teaches: ClassVar[dict] = {}  # one paragraph each: what this task shows about the gates
    classes: ClassVar[tuple] = ()  # class names of a classification task (English ids)
    class_labels: ClassVar[dict] = {}  # {"en": (...), "zh": (...)}: classes as shown
    vocab: list[str] | None = None  # token id -> symbol, when tokens are used

    def __init__(self, **values):
        self._values = self.resolve(values)
        self.validate()

    @classmethod
    def resolve(cls, values: dict) -> dict:
        """The knob values a task built with ``values`` holds, without building it: the
        defaults, then ``values``, each checked by its knob (TaskError for an unknown knob
        or a bad value). Combinations of knobs are checked by ``validate`` when built."""
        by_name = {k.name: k for k in cls.knobs}
        resolved = {k.name: k.check(k.default) for k in cls.knobs}
        for name, value in values.items():
            if name not in by_name:
                known = ", ".join(by_name) or "none"
                raise TaskError(f"task {cls.name!r} has no knob {name!r} (knobs: {known})")
            resolved[name] = by_name[name].check(value)
        return resolved

    @classmethod
    def demo(cls) -> Task:
        """An instance for previews and the contract tests: the defaults. A task that needs
        user data (csv) overrides this with a small built-in example."""
        return cls()

    # ----- knobs
    @property
    def values(self) -> dict:
        """The knob values in force (a copy)."""
        return dict(self._values)

    def knob(self, name: str) -> Knob:
        for k in self.knobs:
            if k.name == name:
                return k
        known = ", ".join(k.name for k in self.knobs) or "none"
        raise TaskError(f"task {self.name!r} has no knob {name!r} (knobs: {known})")

    def _checked(self, values: dict) -> dict:
        return {name: self.knob(name).check(v) for name, v in values.items()}

    def set_knobs(self, **values) -> None:
        """Change live knobs mid-training; a structural knob raises TaskError (needs a reset)."""
        checked = self._checked(values)
        for name, v in checked.items():
            if not self.knob(name).live and v != self._values[name]:
                raise TaskError(
                    f"knob {name!r} of task {self.name!r} cannot change during training: "
                    "reset the run to use a new value"
                )
        old = dict(self._values)
        self._values.update(checked)
        try:
            self.validate()
        except TaskError:
            self._values = old
            raise

    def validate(self) -> None:
        """Check combinations of knobs (single knobs are range-checked already)."""

    # ----- data
    @property
    def spec(self) -> TaskSpec:
        raise NotImplementedError

    def sample(self, rng: np.random.Generator, size: int) -> Batch:
        """Draw ``size`` fresh sequences from ``rng`` under the current knob values."""
        raise NotImplementedError

    def train_batches(self, seed: int, batch_size: int, size: int = 0) -> Iterator[Batch]:
        """Endless deterministic batches. ``size`` 0: a fresh stream, where live knob changes
        apply from the next batch. ``size`` N: ``fixed_training_set`` (N sequences drawn once),
        visited in a new random order every epoch; an epoch is ceil(N / batch_size) batches,
        the last one smaller when batch_size does not divide N."""
        if int(batch_size) < 1:
            raise TaskError(f"batch_size must be at least 1, got {batch_size!r}")
        if int(size):
            yield from self._epochs(self.fixed_training_set(seed, size), seed, int(batch_size))
        rng = derived_rng(seed, TRAIN_STREAM)
        while True:
            yield self.sample(rng, int(batch_size))

    def fixed_training_set(self, seed: int, size: int) -> Batch:
        """N training sequences drawn once from the training stream (the first N it gives)."""
        low, high = TRAIN_SIZE_RANGE
        assert high is not None  # the train_size limit has an upper bound
        if not low <= int(size) <= high:
            raise TaskError(
                f"the training-set size must be {low}..{high} sequences (or 0 for a fresh "
                f"stream), got {size!r}",
                {
                    "en": f"the training-set size must be {low}..{high} sequences (or 0 for a "
                    f"fresh stream), got {size!r}",
                    "zh": f"训练集大小必须是 {low}..{high} 条序列（或 0 表示不断生成新数据），"
                    f"收到的是 {size!r}",
                },
            )
        return self.sample(derived_rng(seed, TRAIN_STREAM), int(size))

    def _epochs(self, pool: Batch, seed: int, batch_size: int) -> Iterator[Batch]:
        rng = derived_rng(seed, SHUFFLE_STREAM)
        while True:
            order = rng.permutation(pool.B)
            for start in range(0, pool.B, batch_size):
                yield self.trim(pool.subset(order[start : start + batch_size]))

    def train_pool_size(self) -> int | None:
        """How many distinct training sequences the task has when streaming (one epoch), or
        None when it generates fresh ones without end. Finite data sets override this."""
        return None

    def trim(self, batch: Batch) -> Batch:
        """A batch taken from a fixed set, tidied (e.g. padding that no sequence uses dropped)."""
        return batch

    def validation(self, seed: int, size: int = 256) -> Batch:
        """A fixed validation set, drawn from its own stream (independent of training)."""
        if int(size) < 1:
            raise TaskError(f"validation size must be at least 1, got {size!r}")
        return self.sample(derived_rng(seed, VALIDATION_STREAM), int(size))

    # ----- scoring
    def evaluate(self, out, batch: Batch) -> dict:
        """Loss (as in lstm_core.losses), metric and whether the metric passes the threshold."""
        out = np.asarray(out, dtype=np.float64)
        metric = self.score(out, batch)
        return {
            "loss": kind_loss(self.kind, out, batch.y, batch.mask),
            "metric": metric,
            "solved": self.metric.passes(metric),
        }

    def score(self, out: np.ndarray, batch: Batch) -> float:
        if self.kind in ("next_step", "regression"):
            return r_squared(out, batch.y, batch.mask)
        return accuracy(out, batch.y, batch.mask)

    def baseline(self, batch: Batch) -> dict:
        """Loss and metric of ``baseline_output`` on this batch."""
        result = self.evaluate(self.baseline_output(batch), batch)
        return {"loss": result["loss"], "metric": result["metric"]}

    def baseline_output(self, batch: Batch) -> np.ndarray:
        """A trivial predictor: the mean target (regression) or the class prior (classes)."""
        y, mask = batch.y, batch.mask
        if self.kind in ("next_step", "regression"):
            return np.broadcast_to(_masked_mean(y, mask), y.shape).astype(np.float64)
        logits = prior_logits(y, self.spec.output_size, mask)
        return np.broadcast_to(logits, (*y.shape, len(logits))).copy()

    # ----- display
    def preview(self, seed: int, n: int = 3) -> list[dict]:
        """``n`` example sequences for plotting, drawn from their own stream."""
        batch = self.sample(derived_rng(seed, PREVIEW_STREAM), int(n))
        return [self.example(batch, i) for i in range(batch.B)]

    def class_name(self, k: int, lang: str = "en") -> str:
        """Class ``k`` as the user reads it in ``lang`` (``class_labels``, else ``classes``)."""
        names = self.class_labels.get(lang) or self.class_labels.get("en") or self.classes
        return str(names[k]) if k < len(names) else str(k)

    def example(self, batch: Batch, i: int) -> dict:
        """One sequence of a batch as plain arrays: x (T, I) or (T,), y, mask, text, and its
        ``label`` (English) with ``caption`` ({"en", "zh"}: the label in each language)."""
        one = batch.subset([i])
        d = {
            "x": one.x[:, 0],
            "y": one.y[:, 0] if one.per_step else one.y[0],
            "mask": None if one.mask is None else one.mask[:, 0],
            "label": "",
            "caption": {"en": "", "zh": ""},
        }
        if self.vocab is not None and one.x.ndim == 2:
            d["text"] = self.decode(one.x[:, 0])
        return d

    def decode(self, ids) -> str:
        """Token ids -> text, joining the vocabulary's symbols."""
        if self.vocab is None:
            raise TaskError(f"the task {self.name!r} has no vocabulary to decode")
        return "".join(self.vocab[int(t)] for t in ids)

    def to_units(self, z: np.ndarray) -> np.ndarray:
        """Values of the (first) target as the model sees them -> the units the user knows;
        unchanged for a task that does not rescale its data."""
        return z

    def legal_targets(self, batch: Batch) -> np.ndarray | None:
        """(T, B, V) bool: every output the task accepts at each step, for a task with several
        correct answers; None when only the target is correct."""
        return None


# --------------------------------------------------------------------------- the registry
_REGISTRY: dict[str, type[Task]] = {}


def register(cls: type[Task]) -> type[Task]:
    """Class decorator: make ``cls`` available as ``TASKS[cls.name]``."""
    if not cls.name or cls.kind not in TASK_KINDS:
        raise TaskError(f"{cls.__name__} needs a name and a kind in {TASK_KINDS}")
    if cls.name in _REGISTRY and _REGISTRY[cls.name] is not cls:
        raise TaskError(f"two tasks are named {cls.name!r}")
    _REGISTRY[cls.name] = cls
    return cls


def registered() -> dict[str, type[Task]]:
    """Every registered task, in menu order."""
    return dict(sorted(_REGISTRY.items(), key=lambda kv: kv[1].menu_order))
