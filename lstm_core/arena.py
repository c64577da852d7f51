"""The arena: 2-4 models trained side by side on the identical batch stream.

    arena = Arena(base_config, [("lstm", "standard"), ("rnn", "standard")])
    arena.step(10)          # ten rounds: each round draws ONE batch and trains every model on it
    arena.advance(0.14)     # as many rounds as fit in 0.14 s (at least one): a live UI's tick
    arena.solved_at()       # per model: the first evaluation step whose metric passed, or None
    arena.results()         # per model: final loss, metric, solved step, steps/s, status

Every model is an ordinary ``Trainer`` built from ``base_config`` with only the cell and the
variant changed (and, for translate, the task knobs a contestant names, such as a reversed
source or attention; when a slot asks for it, the LSTM's gate-bias initialisation): the same
task, seed, batch size, optimizer, clipping and schedule.
The arena draws the batches once from its own copy of the task's stream
(``task.train_batches(seed, batch_size)``, the stream a lone Trainer would draw) and hands the
same ``Batch`` object to every model (``Trainer.train_on``), so each model's history is
bit-identical to a lone Trainer's with its config, and the comparison is fair by construction:
equal steps, equal data. A contestant that changes a task knob gets the same examples written
its way (``task.batch_of``: the same numbers, e.g. with the source reversed). Time is
shared in rounds, so a slow model (a variant's Python loop) slows the round rather than
getting fewer steps.

A slot may also name a regularisation (``REGULARIZATIONS``: dropout, weight decay or both),
so one model can race itself with and without it on the same fixed training set.

A model that diverges stops (its trainer says why); the others train on. Reset builds a new
arena. The presets reproduce classic comparisons, translation and overfitting (see ``PRESETS``).
"""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass, field, replace

from lstm_core.config import CELLS, GATE_INITS, VARIANTS, TrainConfig
from lstm_core.presets import ARENA
from lstm_core.tasks import TaskError, make_task
from lstm_core.train import Trainer, TrainError

MIN_MODELS, MAX_MODELS = 2, 4
LAG_KNOBS = ("seq_len", "lag", "window")  # the knob that sets how far back a task must look
# A slot's regularisation: its name -> (dropout p, weight decay); "" keeps the base's.
REGULARIZATIONS = {
    "": None,
    "dropout": (0.3, 0.0),
    "decay": (0.0, 0.5),  # AdamW with the preset's Adam
    "both": (0.3, 0.5),
}


class ArenaError(ValueError):
    """The arena cannot be built as asked; the message says why in plain words."""


@dataclass(frozen=True)
class Contestant:
    """One slot of the arena: a cell and, for an LSTM, a Greff et al. variant; optionally task
    knobs of its own (translate: reverse, attention), as (name, value) pairs, and a
    regularisation (a key of REGULARIZATIONS), and a gate-bias initialisation (None: the base
    config's)."""

    cell: str = "lstm"  # one of CELLS
    variant: str = "standard"  # one of VARIANTS (LSTM only)
    knobs: tuple = ()  # ((name, value), ...) task knobs this model sets differently
    regularization: str = ""  # "" (the base config's) | "dropout" | "decay" | "both"
    init: str | None = None  # one of GATE_INITS (LSTM only), or None

    @property
    def label(self) -> str:
        """LSTM, LSTM-NFG, GRU, RNN (+reverse, attention=dot), LSTM +dropout: legend-sized."""
        name = self.cell.upper()
        name = name if self.variant == "standard" else f"{name}-{self.variant.upper()}"
        for knob, value in self.knobs:
            if isinstance(value, bool):
                name += f" {'+' if value else '-'}{knob}"
            else:
                name += f" {knob}={value}"
        name = f"{name} +{self.regularization}" if self.regularization else name
        return f"{name} +{self.init}" if self.init else name


def contestants(models) -> list[Contestant]:
    """Check 2-4 distinct (cell, variant) pairs; return them as Contestants."""
    out = [m if isinstance(m, Contestant) else Contestant(*m) for m in models]
    if not MIN_MODELS <= len(out) <= MAX_MODELS:
        raise ArenaError(f"the arena trains {MIN_MODELS} to {MAX_MODELS} models, got {len(out)}")
    for c in out:
        if c.cell not in CELLS:
            raise ArenaError(f"unknown cell {c.cell!r}; choose one of: {', '.join(CELLS)}")
        if c.variant not in VARIANTS:
            raise ArenaError(f"unknown variant {c.variant!r}; choose one of: {', '.join(VARIANTS)}")
        if c.cell != "lstm" and c.variant != "standard":
            raise ArenaError(f"variant {c.variant!r} is an LSTM variant; a {c.cell} has none")
        if c.regularization not in REGULARIZATIONS:
            known = ", ".join(k for k in REGULARIZATIONS if k)
            raise ArenaError(f"unknown regularisation {c.regularization!r}; choose one of: {known}")
        if c.init is not None and (c.init not in GATE_INITS or c.cell != "lstm"):
            raise ArenaError(
                f"gate initialisation {c.init!r}: an LSTM takes one of {', '.join(GATE_INITS)}"
            )
    labels = [c.label for c in out]
    twice = sorted({x for x in labels if labels.count(x) > 1})
    if twice:
        raise ArenaError(f"each model may appear once; {', '.join(twice)} appears twice")
    return out


def model_config(base: TrainConfig, c: Contestant) -> TrainConfig:
    """``base`` with the cell and variant of ``c`` (and its knobs, gate init and regularisation,
    if it names them); everything else identical."""
    cfg = copy.deepcopy(base)
    knobs = {**cfg.task_knobs, **dict(c.knobs)}
    cfg = replace(cfg, task_knobs=knobs, model=replace(cfg.model, cell=c.cell, variant=c.variant))
    if c.init is not None:  # chrono's T_max is the task's lag
        lag = next((cfg.task_knobs[k] for k in LAG_KNOBS if k in cfg.task_knobs), None)
        t_max = int(lag or cfg.model.chrono_t_max)
        cfg = replace(cfg, model=replace(cfg.model, gate_init=c.init, chrono_t_max=t_max))
    regularization = REGULARIZATIONS.get(c.regularization)
    if regularization is None:
        return cfg
    dropout, decay = regularization
    return replace(
        cfg,
        model=replace(cfg.model, dropout=dropout),
        optim=replace(cfg.optim, weight_decay=decay),
    )


def lag_knob(task) -> str | None:
    """The task's sequence-length (lag) knob: seq_len, lag (copy) or window (series)."""
    names = {k.name for k in task.knobs}
    return next((n for n in LAG_KNOBS if n in names), None)


def solved_at(history) -> int | None:
    """The first evaluation step at which the task's metric passed its threshold."""
    return next(
        (int(s) for s, ok in zip(history.val_step, history.solved, strict=True) if ok), None
    )


class Arena:
    """2-4 Trainers stepped together on one stream of batches."""

    def __init__(self, base: TrainConfig, models, data: dict | None = None):
        """``base``: the shared configuration (its model's cell/variant are overridden per
        slot); ``models``: 2-4 (cell, variant[, init]) tuples; ``data``: as for ``Trainer``."""
        self.contestants = contestants(models)
        self.base = copy.deepcopy(base)
        self.data = dict(data or {})
        try:
            self.trainers = [Trainer(model_config(base, c), data) for c in self.contestants]
        except (TrainError, TaskError) as e:
            raise ArenaError(str(e)) from None
        # The shared stream: the very batches each trainer's own stream would yield.
        self.task = make_task(base.task, **self.data, **base.task_knobs)
        if any(c.knobs for c in self.contestants) and not hasattr(self.task, "batch_of"):
            raise ArenaError(
                f"models with task settings of their own need a task that can write the same "
                f"examples their way (translate); {base.task!r} cannot"
            )
        self._batches = self.task.train_batches(base.seed, base.optim.batch_size, base.train_size)
        self.rounds = 0  # batches drawn so far
        self.seconds = 0.0  # time spent training (all models)

    @property
    def labels(self) -> list[str]:
        return [c.label for c in self.contestants]

    @property
    def active(self) -> list[Trainer]:
        """The trainers still training (a diverged one sits out)."""
        return [tr for tr in self.trainers if tr.status not in ("diverged", "stopped")]

    def step(self, n: int = 1) -> int:
        """Train ``n`` rounds (fewer if every model has diverged); return the rounds done."""
        done = 0
        start = time.perf_counter()
        for _ in range(int(n)):
            active = self.active
            if not active:
                break
            batch = next(self._batches)  # one batch, every model
            for tr in active:
                tr.train_on(self._batch_for(tr, batch))
            self.rounds += 1
            done += 1
        self.seconds += time.perf_counter() - start
        return done

    def _batch_for(self, tr: Trainer, batch):
        """The round's batch as this model's task writes it (the same examples)."""
        if tr.task.values == self.task.values:
            return batch
        # batch_of is duck-typed (translate): __init__ checked hasattr(task, "batch_of")
        return tr.task.batch_of(batch.aux["value"])  # type: ignore[attr-defined]

    def advance(self, seconds: float = 0.14) -> int:
        """Train whole rounds within ``seconds``: at least one, and no further round once the
        last one's duration says it would overrun the budget. Returns the rounds done."""
        start = time.perf_counter()
        done = 0
        while self.active:
            t0 = time.perf_counter()
            done += self.step(1)
            now = time.perf_counter()
            if now - start + (now - t0) > seconds:
                break
        return done

    def solved_at(self) -> list[int | None]:
        """Per model: the step of its solved badge, or None."""
        return [solved_at(tr.history) for tr in self.trainers]

    def results(self) -> list[dict]:
        """Per model: label, steps, final loss (mean of the last 20 steps), last validation
        loss and metric, the step it was solved at, steps/s, status."""
        rows = []
        for c, tr, solved in zip(self.contestants, self.trainers, self.solved_at(), strict=True):
            s = tr.summary()
            rows.append(
                {
                    "model": c.label,
                    "steps": tr.steps,
                    "train_loss": s["train_loss"],
                    "val_loss": s["val_loss"],
                    "metric": s["metric_value"],
                    "solved_at": solved,
                    "steps_per_s": tr.steps_per_s,
                    "status": tr.status,
                }
            )
        return rows


# --------------------------------------------------------------------------- presets
@dataclass(frozen=True)
class Preset:
    """A classic comparison: the shared configuration, the models and a step budget."""

    key: str  # "greff" | "reber_nfg" | "long_lags"
    config: TrainConfig
    models: tuple[Contestant, ...]
    steps: int  # steps after which the finding shows (seed 0, measured; see docs)
    cite: str = ""  # the paper
    extra: dict = field(default_factory=dict)

    def build(self, seed: int | None = None, lag: int | None = None) -> Arena:
        """A fresh Arena for this preset (optionally another seed or lag)."""
        cfg = copy.deepcopy(self.config)
        if seed is not None:
            cfg = replace(cfg, seed=int(seed))
        if lag is not None:
            knob = lag_knob(make_task(cfg.task))
            cfg = replace(cfg, task_knobs={**cfg.task_knobs, knob: int(lag)})
        return Arena(cfg, self.models)


PRESETS: dict[str, Preset] = {
    p.key: p
    for p in (
        Preset(
            "greff",
            ARENA["greff"],
            (
                Contestant("lstm", "standard"),
                Contestant("lstm", "nfg"),
                Contestant("lstm", "noaf"),
                Contestant("lstm", "cifg"),
            ),
            steps=500,
            cite="Greff et al. 2017, LSTM: A Search Space Odyssey",
        ),
        Preset(
            "reber_nfg",
            ARENA["reber_nfg"],
            (Contestant("lstm", "standard"), Contestant("lstm", "nfg")),
            steps=600,
            cite="Gers, Schmidhuber & Cummins 2000, Learning to Forget",
        ),
        Preset(
            "long_lags",
            ARENA["long_lags"],
            (Contestant("lstm", init="chrono"), Contestant("lstm"), Contestant("rnn")),
            steps=600,
            cite="Hochreiter & Schmidhuber 1997; Tallec & Ollivier 2018 (chrono initialisation)",
        ),
        Preset(
            "translate_reverse",
            ARENA["translate_reverse"],
            (Contestant("lstm"), Contestant("lstm", knobs=(("reverse", True),))),
            steps=400,
            cite="Sutskever, Vinyals & Le 2014, Sequence to Sequence Learning",
        ),
        Preset(
            "translate_attention",
            ARENA["translate_attention"],
            (Contestant("lstm"), Contestant("lstm", knobs=(("attention", "dot"),))),
            steps=2000,
            cite="Luong, Pham & Manning 2015, Effective Approaches to Attention-based NMT",
        ),
        Preset(
            "translate_cells",
            ARENA["translate_cells"],
            (Contestant("lstm"), Contestant("gru"), Contestant("rnn")),
            steps=600,
            cite="Cho et al. 2014 (GRU); Sutskever et al. 2014 (LSTM)",
        ),
        Preset(
            "overfit",
            ARENA["overfit"],
            (
                Contestant("lstm", "standard"),
                Contestant("lstm", regularization="dropout"),
                Contestant("lstm", regularization="decay"),
            ),
            steps=250,
            cite="Srivastava et al. 2014 (dropout); Loshchilov & Hutter 2019 (AdamW)",
        ),
    )
}


__all__ = [
    "Arena",
    "ArenaError",
    "Contestant",
    "LAG_KNOBS",
    "PRESETS",
    "Preset",
    "REGULARIZATIONS",
    "contestants",
    "lag_knob",
    "model_config",
    "solved_at",
]
