"""Live changes to a running Trainer: which need a new run (``reset_problems``, raised as
``NeedsReset`` by ``check_live_change``) and which apply in place (``applied_changes``), each as
a Problem (lstm_core.problems) that the engine words in English and the app in the reader's
language; ``reconfigure_engine`` hands the engine its new dropout, weight decay and optimizer.
"""

from __future__ import annotations

from lstm_core.checks import TrainError, check_budget, check_config
from lstm_core.config import TaskSpec, TrainConfig, value_at
from lstm_core.problems import Problem
from lstm_core.tasks import TaskError

# Model fields whose change needs a new model.
MODEL_FIELDS = (
    "cell",
    "variant",
    "hidden_size",
    "num_layers",
    "embed_size",
    "forget_bias",
    "recurrent_init",
    "recurrent_scale",
    "gate_init",
    "chrono_t_max",
    "engine",
    "device",
)
# Settings that change in place, each reported with its old and new value.
LIVE_VALUES = (
    ("lr", ("optim", "lr")),
    ("clip", ("optim", "clip")),
    ("momentum", ("optim", "momentum")),
    ("schedule", ("optim", "schedule")),
    ("schedule_steps", ("optim", "schedule_steps")),
    ("weight_decay", ("optim", "weight_decay")),
    ("dropout", ("model", "dropout")),
    ("early_stop", ("early_stop", None)),
)
# Settings that change in place, reported with their new value.
LIVE_INTERVALS = ("eval_every", "snapshot_every", "max_snapshots")


class NeedsReset(Exception):
    """A change needs a new model or data stream; ``problems`` says why, one each;
    ``reasons`` holds them in English."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        self.reasons = [p.english() for p in self.problems]
        super().__init__("; ".join(self.reasons))


def reset_problems(old: TrainConfig, new: TrainConfig, task) -> list[Problem]:
    """Why ``new`` cannot be applied to a running ``old`` run, one Problem per reason."""
    problems = []
    for name in MODEL_FIELDS:
        a, b = getattr(old.model, name), getattr(new.model, name)
        if a != b:
            field = Problem(f"field.{name}")
            problems.append(Problem("reset.model", {"field": field, "old": a, "new": b}))
    if old.task != new.task:
        problems.append(Problem("reset.task", {"old": old.task, "new": new.task}))
    if old.seed != new.seed:
        problems.append(Problem("reset.seed"))
    if old.optim.batch_size != new.optim.batch_size:
        problems.append(Problem("reset.batch_size"))
    if old.train_size != new.train_size:
        problems.append(Problem("reset.train_size", {"old": old.train_size, "new": new.train_size}))
    if old.task == new.task:
        for k in sorted(set(old.task_knobs) | set(new.task_knobs)):
            a = old.task_knobs.get(k, task.values.get(k))
            b = new.task_knobs.get(k, task.knob(k).default if _has_knob(task, k) else None)
            if a != b and not (_has_knob(task, k) and task.knob(k).live):
                problems.append(Problem("reset.knob", {"name": k, "old": a, "new": b}))
    return problems


def check_live_change(old: TrainConfig, new: TrainConfig, task) -> None:
    """Raise TrainError for a bad ``new``, TaskError for a knob ``task`` lacks, and NeedsReset
    when ``new`` cannot replace the running ``old`` in place."""
    check_config(new)
    if new.task == task.name:
        for k in new.task_knobs:
            task.knob(k)  # TaskError naming the unknown knob
    problems = reset_problems(old, new, task)
    if problems:
        raise NeedsReset(problems)


def reset_reasons(old: TrainConfig, new: TrainConfig, task) -> list[str]:
    """The reasons of reset_problems in English."""
    return [p.english() for p in reset_problems(old, new, task)]


def set_live_knobs(task, old: TrainConfig, new: TrainConfig, spec: TaskSpec) -> list[Problem]:
    """Set the task knobs that ``new`` changes (the others back to their defaults when ``new``
    leaves them out); one Problem per knob set. NeedsReset when the task refuses the values;
    TrainError (knobs left as they were) when the longer sequences exceed the memory budget."""
    wanted = {k: task.knob(k).default for k in old.task_knobs} | new.task_knobs
    knobs = {k: v for k, v in wanted.items() if task.values.get(k) != v}
    if not knobs:
        return []
    previous = {k: task.values[k] for k in knobs}
    try:
        task.set_knobs(**knobs)
    except TaskError as e:
        raise NeedsReset([Problem("reset.knob_rejected", {"error": e})]) from None
    try:
        check_budget(new, spec, task.validation(new.seed, size=1).T)
    except TrainError:
        task.set_knobs(**previous)
        raise
    return [Problem("applied.plain", {"field": k, "new": task.values[k]}) for k in knobs]


def applied_changes(old: TrainConfig, new: TrainConfig) -> list[Problem]:
    """The in-place settings that differ between ``old`` and ``new``, the optimizer included
    (not the task's knobs: the Trainer reports those as it sets them)."""
    changes = []
    for name, path in LIVE_VALUES:
        a, b = value_at(old, path), value_at(new, path)
        if a != b:
            field = Problem(f"name.{name}")
            changes.append(Problem("applied.value", {"field": field, "old": a, "new": b}))
    if old.optim.name != new.optim.name:
        changes.append(Problem("applied.optimizer", {"old": old.optim.name, "new": new.optim.name}))
    for name in LIVE_INTERVALS:
        if getattr(old, name) != getattr(new, name):
            field = Problem(f"name.{name}")
            changes.append(Problem("applied.plain", {"field": field, "new": getattr(new, name)}))
    return changes


def reconfigure_engine(engine, old: TrainConfig, new: TrainConfig) -> None:
    """Hand ``engine`` the new dropout and weight decay, and a fresh optimizer when its name
    changes (lr and momentum reach it every step through set_hyper)."""
    o, n = old.optim, new.optim
    if (o.weight_decay, old.model.dropout) != (n.weight_decay, new.model.dropout):
        engine.set_regularization(new.model.dropout, n.weight_decay, n)
    if o.name != n.name:
        engine.make_optimizer(n)


def _has_knob(task, name) -> bool:
    return any(k.name == name for k in task.knobs)
