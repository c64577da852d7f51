"""The Trainer: one run of (task, model, optimizer, seed) that you can step while watching.

    tr = Trainer(TrainConfig(task="adding", task_knobs={"seq_len": 50}))
    tr.step(10)            # ten optimizer steps
    tr.advance(0.1)        # as many steps as fit in 0.1 s (at least one): a live UI's tick
    tr.history, tr.snapshots, tr.summary(), tr.status, tr.problem, tr.message

It never plots and never prints: it reports through its attributes and return values.

Each step: draw the next batch of ``task.train_batches(seed, batch_size)`` (so two trainers
with the same task and seed see the same stream), forward, loss, backward, global gradient
norm, and only then, if loss and gradient are finite, clip and let the optimizer step. A
non-finite loss or gradient (or weights that an update would make non-finite) leaves the
weights and the optimizer state as they were, and the trainer pauses with status "diverged".

Live changes (``apply``): learning rate, clipping, momentum, optimizer, schedule, eval and
snapshot intervals, dropout, weight decay, early stopping, and the task's live knobs. Anything
that changes the model, the data stream (the training-set size too) or the seed raises
``NeedsReset`` with the reasons as Problems (lstm_core.problems): codes with parameters, worded
in English by the engine and in the reader's language by the app.

Overfitting: with a fixed training set (``train_size`` N) or a finite data set, the trainer
records the steps where an epoch ended (``epoch_steps``). It keeps the weights of the best
validation loss (``best``, ``restore_best()``), stops with status "stopped" after
``early_stop`` evaluations without a new best, and ``overfitting_since`` names the step from
which the run overfits (``lstm_core.overfit``).
"""

from __future__ import annotations

import math
import time
from collections import deque
from dataclasses import replace

import numpy as np

from lstm_core import budget
from lstm_core.config import OptimConfig, TrainConfig, validate
from lstm_core.engines import NumpyEngine, TorchEngine
from lstm_core.models import ModelError, gradient_flow
from lstm_core.overfit import overfitting_since
from lstm_core.problems import Problem
from lstm_core.records import History, Snapshot, saturation, thin
from lstm_core.seq2seq_engines import engine_for
from lstm_core.tasks import Batch, TaskError, make_task

PROBE_SIZE = budget.PROBE_SIZE  # sequences of the validation set traced in every snapshot
NOT_LEARNING_FACTOR = 3.0  # validation loss this many times the baseline's is "not learning"
NOT_LEARNING_EVALS = 8  # evaluations in a row like that pause the run
EVAL_BYTES = 4 << 20  # model output predicted at once while evaluating (float64)
SPEED_WINDOW = 50  # steps over which steps/s is measured
HALTED = ("diverged", "stopped")  # statuses in which step() trains nothing until resume()


class TrainError(ValueError):
    """The configuration cannot be trained; ``problem`` says what is wrong (str: English)."""

    def __init__(self, problem: Problem):
        super().__init__(problem.english())
        self.problem = problem


class NeedsReset(Exception):
    """A change needs a new model or data stream; ``problems`` says why, one each;
    ``reasons`` holds them in English."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        self.reasons = [p.english() for p in self.problems]
        super().__init__("; ".join(self.reasons))


# --------------------------------------------------------------------------- checks
def check_config(cfg: TrainConfig) -> None:
    """Raise TrainError naming the first setting out of the engine's range (config.LIMITS)."""
    problem = validate(cfg)
    if problem is not None:
        raise TrainError(problem)


def check_budget(cfg: TrainConfig, spec, seq_len: int) -> None:
    """Raise TrainError when a run of ``cfg`` would need more memory than a session may use
    (lstm_core.budget), naming the knob to lower and the largest value that fits."""
    over = budget.over_budget(cfg, spec, seq_len)
    if over is None:
        return
    sizes = {"need": budget.mb(over.need), "limit": budget.mb(over.limit)}
    if not over.knob:
        raise TrainError(Problem("budget.over.none", sizes))
    knob = Problem(f"budget.knob.{over.knob}")
    raise TrainError(Problem("budget.over", {**sizes, "knob": knob, "fits": over.fits}))


def scheduled_lr(o: OptimConfig, step: int) -> float:
    """The learning rate for training step ``step`` (0-based).

    constant: lr.  cosine: lr * (1 + cos(pi * t / S)) / 2 with t = step mod S (restarts every
    S = schedule_steps).  step: lr * 0.5 ** (step // S).
    """
    if o.schedule == "cosine":
        t = step % o.schedule_steps
        return o.lr * 0.5 * (1.0 + math.cos(math.pi * t / o.schedule_steps))
    if o.schedule == "step":
        return o.lr * 0.5 ** (step // o.schedule_steps)
    return o.lr


class Trainer:
    """One run: model, optimizer, batch stream, history and snapshots."""

    def __init__(self, config: TrainConfig, data: dict | None = None):
        """``data``: what the task is built from besides its knobs, e.g. {"data": csv_bytes,
        "target": "temp"} for the csv task or {"text": "..."} for the text task."""
        check_config(config)
        self.config = replace(
            config,
            task_knobs=dict(config.task_knobs),
            model=replace(config.model),
            optim=replace(config.optim),
        )
        self.task_data = dict(data or {})
        self.task = make_task(config.task, **self.task_data, **config.task_knobs)
        self.spec = self.task.spec
        self._refresh_validation()
        check_budget(self.config, self.spec, self.val_batch.T)  # before any weight exists
        engine = TorchEngine if config.model.engine == "torch" else NumpyEngine
        if self.spec.kind == "seq2seq":  # the encoder-decoder has engines of its own
            engine = engine_for(config.model.engine)
        self.engine = engine(self.spec, self.config)
        self.model = self.engine.model
        self._batches = self.task.train_batches(
            config.seed, config.optim.batch_size, config.train_size
        )
        # Sequences in one epoch: the fixed training set, or a finite task's own data.
        self.epoch_size = config.train_size or self.task.train_pool_size()
        self.epoch_steps: list[int] = []  # steps at which an epoch ended
        self.best: dict | None = None  # {"step", "val_loss", "weights"} of the best evaluation
        self.evals_since_best = 0
        self.history = History()
        self.snapshots: list[Snapshot] = []
        self.steps = 0
        self.sequences_seen = 0
        self.seconds = 0.0  # time spent inside step()
        self.status = "ready"  # "ready" | "diverged" | "stopped" (early): halted until resume()
        self.problem: Problem | None = None  # why it stopped; the app words it per language
        self.applied: list[Problem] = []  # the last apply()'s changes
        self._speed: deque[float] = deque(maxlen=SPEED_WINDOW)  # seconds per recent step
        self._far_evals = 0  # evaluations in a row far above the baseline (not learning)
        self.evaluate()
        self.snapshot()

    # ----- data the views need
    def _refresh_validation(self):
        self.val_batch = self.task.validation(self.config.seed)
        self.probe = self.val_batch.subset(slice(0, PROBE_SIZE))
        self.baseline = self.task.baseline(self.val_batch)

    @property
    def steps_per_s(self) -> float:
        total = sum(self._speed)
        return len(self._speed) / total if total > 0 else 0.0

    @property
    def seqs_per_s(self) -> float:
        return self.steps_per_s * self.config.optim.batch_size

    @property
    def lr(self) -> float:
        return scheduled_lr(self.config.optim, self.steps)

    @property
    def epoch(self) -> float | None:
        """Training sequences seen / sequences in an epoch (None when the data never repeat)."""
        return self.sequences_seen / self.epoch_size if self.epoch_size else None

    @property
    def overfitting_since(self) -> int | None:
        """The step of the best validation loss when the run overfits, else None."""
        return overfitting_since(self.history)

    # ----- training
    def step(self, n: int = 1) -> int:
        """Train ``n`` steps (fewer if training diverges); return how many were applied."""
        done = 0
        for _ in range(int(n)):
            if self.status in HALTED or not self.train_on(next(self._batches)):
                break
            done += 1
        return done

    def advance(self, seconds: float = 0.1) -> int:
        """Train until ``seconds`` have passed (at least one step); return the steps applied."""
        start = time.perf_counter()
        done = 0
        while self.status not in HALTED:
            done += self.step(1)
            if time.perf_counter() - start >= seconds:
                break
        return done

    def train_on(self, batch: Batch) -> bool:
        """One optimizer step on ``batch``; False (and status "diverged") if it was refused."""
        if self.status in HALTED:
            return False
        start = time.perf_counter()
        o = self.config.optim
        lr = scheduled_lr(o, self.steps)
        self.engine.set_hyper(lr, o.momentum)
        loss, grad_norm = self.engine.gradients(batch)
        if not (math.isfinite(loss) and math.isfinite(grad_norm)):
            self._diverged(loss, grad_norm, batch)
            return False
        clip_coef = o.clip / grad_norm if o.clip is not None and grad_norm > o.clip else 1.0
        clipped = clip_coef < 1.0
        if not self.engine.update(clip_coef):
            self._diverged(loss, grad_norm, batch, weights=True)
            return False
        self.steps += 1
        if self.epoch_size and (self.sequences_seen + batch.B) // self.epoch_size > (
            self.sequences_seen // self.epoch_size
        ):
            self.epoch_steps.append(self.steps)  # this step finished an epoch
        self.sequences_seen += batch.B
        self.history.add_step(self.steps, loss, grad_norm, clipped, lr)
        self.history.bound(budget.HISTORY_MAX_ROWS)
        elapsed = time.perf_counter() - start
        self._speed.append(elapsed)
        self.seconds += elapsed
        if self.steps % self.config.eval_every == 0:
            self.evaluate()
        if self.steps % self.config.snapshot_every == 0:
            self.snapshot()
        return True

    def _diverged(self, loss, grad_norm, batch, weights=False):
        self.pause(divergence(self, loss, grad_norm, batch, weights))

    def pause(self, problem: Problem, status: str = "diverged") -> None:
        """Stop training until resume(): step() applies nothing; ``problem`` says why."""
        self.status, self.problem = status, problem

    @property
    def message(self) -> str:
        """Why training stopped, in English ("" while it runs)."""
        return self.problem.english() if self.problem is not None else ""

    def resume(self) -> None:
        """Clear a pause or an early stop; the next step draws the next batch."""
        self.status, self.problem = "ready", None
        self.evals_since_best = 0
        self._far_evals = 0

    # ----- evaluation and snapshots
    def evaluate(self) -> dict:
        """Validation loss, metric and solved on the fixed validation set; recorded. A run
        whose loss stays far above the baseline pauses (``not_learning``)."""
        result = evaluate_in_chunks(self.task, self.predict, self.val_batch)
        self.history.add_eval(self.steps, result["loss"], result["metric"], result["solved"])
        self._track_best(result["loss"])
        self._check_learning(result["loss"])
        return result

    def _track_best(self, val_loss: float) -> None:
        """Keep the weights of the best validation loss; stop early when patience runs out."""
        if math.isfinite(val_loss) and (self.best is None or val_loss < self.best["val_loss"]):
            self.best = {"step": self.steps, "val_loss": val_loss, "weights": self.state_dict()}
            self.evals_since_best = 0
            return
        self.evals_since_best += 1
        patience = self.config.early_stop
        if patience and self.evals_since_best >= patience and self.status == "ready":
            assert self.best is not None  # evals_since_best counts from a kept best
            best = {"best": self.best["val_loss"], "best_step": self.best["step"]}
            params = {"step": self.steps, "patience": patience, **best}
            self.pause(Problem("stopped.early", params), status="stopped")

    def restore_best(self) -> int | None:
        """Load the best validation weights into the model; returns their step (None if no
        evaluation was finite). Training continues from them; the history is kept."""
        if self.best is None:
            return None
        self.engine.load(self.best["weights"])
        return self.best["step"]

    def _check_learning(self, val_loss: float) -> None:
        """Count evaluations in a row whose loss is over NOT_LEARNING_FACTOR x the baseline's;
        after NOT_LEARNING_EVALS of them, pause with the advice to lower the learning rate."""
        base = self.baseline["loss"]
        far = self.steps > 0 and val_loss > NOT_LEARNING_FACTOR * base + 1e-3
        self._far_evals = self._far_evals + 1 if far else 0
        if self._far_evals >= NOT_LEARNING_EVALS and self.status == "ready":
            params = {"n": self._far_evals, "loss": val_loss, "baseline": base,
                      "lr": self.lr, "lr_try": self.lr / 10}  # fmt: skip
            self.pause(Problem("not_learning", params))

    def snapshot(self) -> Snapshot:
        """Trace the probe now; keep at most max_snapshots (first, last, evenly spaced)."""
        traces = [
            {k: np.asarray(v, dtype=np.float32) for k, v in layer.items()}
            for layer in self.trace(self.probe.x)
        ]
        snap = Snapshot(self.steps, traces, saturation(traces))
        if self.snapshots and self.snapshots[-1].step == self.steps:
            self.snapshots[-1] = snap
        else:
            self.snapshots.append(snap)
        self.snapshots = thin(self.snapshots, self.snapshot_cap(snap), key=_step)
        return snap

    def snapshot_cap(self, snap: Snapshot) -> int:
        """How many snapshots are kept: max_snapshots, fewer when they would hold more than
        the snapshot budget in bytes (always at least the first and the last)."""
        size = sum(v.nbytes for layer in snap.traces for v in layer.values())
        return max(2, min(self.config.max_snapshots, budget.SNAPSHOT_BUDGET_BYTES // max(size, 1)))

    # ----- passthroughs
    def predict(self, x: np.ndarray) -> np.ndarray:
        """Head output for ``x`` (time-major), as float64 NumPy."""
        return self.engine.predict(x)

    def trace(self, x: np.ndarray) -> list[dict]:
        """Gates, c and h per layer for ``x``: see models.trace."""
        return self.engine.trace(x)

    def gradient_flow(self, batch: Batch | None = None) -> dict:
        """dL/dh_t, dL/dc_t per layer and input saliency (models.gradient_flow)."""
        if self.spec.kind == "seq2seq":
            raise ModelError("gradient flow is not measured for the encoder-decoder (translate)")
        return gradient_flow(self.engine.torch_model(), batch or self.probe, self.spec.kind)

    def state_dict(self) -> dict[str, np.ndarray]:
        """The weights as float64 NumPy arrays, named as in the PyTorch state dict."""
        return self.engine.state_dict()

    # ----- live changes
    def apply(self, new: TrainConfig) -> list[str]:
        """Apply what can change mid-training; raise NeedsReset listing what cannot."""
        check_config(new)
        if new.task == self.task.name:
            for k in new.task_knobs:
                self.task.knob(k)  # TaskError naming the unknown knob
        problems = reset_problems(self.config, new, self.task)
        if problems:
            raise NeedsReset(problems)
        old, changes = self.config, []
        wanted = {k: self.task.knob(k).default for k in old.task_knobs} | new.task_knobs
        knobs = {k: v for k, v in wanted.items() if self.task.values.get(k) != v}
        if knobs:
            previous = {k: self.task.values[k] for k in knobs}
            try:
                self.task.set_knobs(**knobs)
            except TaskError as e:
                raise NeedsReset([Problem("reset.knob_rejected", {"error": e})]) from None
            try:  # a longer sequence must still fit the memory budget
                check_budget(new, self.spec, self.task.validation(new.seed, size=1).T)
            except TrainError:
                self.task.set_knobs(**previous)
                raise
            changes += [
                Problem("applied.plain", {"field": k, "new": self.task.values[k]}) for k in knobs
            ]
            self._refresh_validation()
        o, n = old.optim, new.optim
        for name, a, b in (
            ("lr", o.lr, n.lr),
            ("clip", o.clip, n.clip),
            ("momentum", o.momentum, n.momentum),
            ("schedule", o.schedule, n.schedule),
            ("schedule_steps", o.schedule_steps, n.schedule_steps),
            ("weight_decay", o.weight_decay, n.weight_decay),
            ("dropout", old.model.dropout, new.model.dropout),
            ("early_stop", old.early_stop, new.early_stop),
        ):
            if a != b:
                field = Problem(f"name.{name}")
                changes.append(Problem("applied.value", {"field": field, "old": a, "new": b}))
        self.config = replace(
            new, task_knobs=dict(new.task_knobs), model=replace(new.model), optim=replace(new.optim)
        )
        if (o.weight_decay, old.model.dropout) != (n.weight_decay, new.model.dropout):
            self.engine.set_regularization(new.model.dropout, n.weight_decay, n)
        if o.name != n.name:
            self.engine.make_optimizer(n)
            changes.append(Problem("applied.optimizer", {"old": o.name, "new": n.name}))
        for label in ("eval_every", "snapshot_every", "max_snapshots"):
            if getattr(old, label) != getattr(new, label):
                field = Problem(f"name.{label}")
                changes.append(
                    Problem("applied.plain", {"field": field, "new": getattr(new, label)})
                )
        self.snapshots = thin(self.snapshots, self.config.max_snapshots, key=_step)
        if self.status == "diverged" and (n.lr != o.lr or n.clip != o.clip):
            self.resume()
        self.applied = changes  # for the app to word in the reader's language
        return [change.english() for change in changes]

    # ----- reports and restoring
    def summary(self) -> dict:
        """The run in one flat dict (the CLI's --json line and the store's summary)."""
        h = self.history
        recent = h.loss[-20:]
        return {
            "task": self.config.task,
            "cell": self.config.model.cell,
            "variant": self.config.model.variant,
            "steps": self.steps,
            "train_loss": float(np.mean(recent)) if recent else float("nan"),
            "val_loss": h.val_loss[-1] if h.val_loss else float("nan"),
            "metric": self.task.metric.name,
            "metric_value": h.metric[-1] if h.metric else float("nan"),
            "solved": bool(h.solved[-1]) if h.solved else False,
            "baseline": float(self.baseline["metric"]),
            "seconds": round(self.seconds, 3),
            "steps_per_s": round(self.steps_per_s, 2),
            "best_val_loss": self.best["val_loss"] if self.best else float("nan"),
            "best_step": self.best["step"] if self.best else None,
            "overfitting_since": self.overfitting_since,
            "epoch": round(self.epoch, 3) if self.epoch is not None else None,
        }

    @classmethod
    def from_saved(
        cls,
        config: TrainConfig,
        weights: dict,
        history: History,
        snapshots: list[Snapshot] | None = None,
        data: dict | None = None,
    ) -> Trainer:
        """Rebuild a saved run: its weights, history and snapshots.

        The optimizer's state is not saved: training on from here restarts its moments, and
        the batch stream starts again from its first batch.
        """
        tr = cls(config, data)
        expected = tr.state_dict()
        bad = sorted(set(expected) ^ set(weights))
        if bad:
            raise TrainError(Problem("saved.names", {"names": ", ".join(bad)}))
        for k, v in expected.items():
            if np.shape(weights[k]) != v.shape:
                shapes = {"name": k, "shape": np.shape(weights[k]), "needed": v.shape}
                raise TrainError(Problem("saved.shape", shapes))
        tr.engine.load(weights)
        tr.history = History.from_arrays(history.arrays())
        tr.steps = int(history.step[-1]) if history.step else 0
        tr.sequences_seen = tr.steps * config.optim.batch_size
        tr.snapshots = list(snapshots) if snapshots else []
        if not tr.snapshots:
            tr.snapshot()
        return tr


def _step(snapshot: Snapshot) -> int:
    return snapshot.step


def evaluate_in_chunks(task, predict, batch: Batch) -> dict:
    """``task.evaluate(predict(batch.x), batch)``, predicting a few sequences at a time when
    the whole output would be large (a (T, B, V) of a big vocabulary). Only for tasks whose
    loss and metric are means over the counted steps (``task.mean_per_step``): the chunks'
    means, weighted by their counted steps, are then exactly the whole batch's."""
    T, B = batch.T, batch.B
    per_sequence = T * task.spec.output_size * 8
    if not getattr(task, "mean_per_step", False) or per_sequence * B <= EVAL_BYTES:
        return task.evaluate(predict(batch.x), batch)
    size = max(1, EVAL_BYTES // per_sequence)
    totals, counted = {"loss": 0.0, "metric": 0.0}, 0
    for start in range(0, B, size):
        part = batch.subset(slice(start, min(start + size, B)))
        n = int(part.mask.sum()) if part.mask is not None else part.T * part.B
        result = task.evaluate(predict(part.x), part)
        for k in totals:
            totals[k] += n * result[k]
        counted += n
    loss, metric = (totals[k] / max(counted, 1) for k in ("loss", "metric"))
    return {"loss": loss, "metric": metric, "solved": task.metric.passes(metric)}


def divergence(tr: Trainer, loss, grad_norm, batch, weights) -> Problem:
    """Why step ``tr.steps + 1`` was refused, and what to try."""
    o, lr = tr.config.optim, tr.lr
    if not np.isfinite(np.asarray(batch.x, dtype=np.float64)).all():
        what, hint = Problem("diverged.inputs"), Problem("diverged.hint.data")
    else:
        if weights:
            what = Problem("diverged.weights")
        elif not math.isfinite(loss):
            what = Problem("diverged.loss", {"value": loss})
        else:
            what = Problem("diverged.grad", {"value": grad_norm})
        if o.clip is None:
            clip = Problem("diverged.clip.off")
        else:
            clip = Problem("diverged.clip.on", {"clip": o.clip})
        hint = Problem("diverged.hint.lr", {"lr": lr, "lr_try": lr / 10, "clip": clip})
    params = {"step": tr.steps, "next": tr.steps + 1, "what": what, "hint": hint}
    return Problem("diverged", params)


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


def reset_reasons(old: TrainConfig, new: TrainConfig, task) -> list[str]:
    """The reasons of reset_problems in English."""
    return [p.english() for p in reset_problems(old, new, task)]


def _has_knob(task, name) -> bool:
    return any(k.name == name for k in task.knobs)


__all__ = ["NeedsReset", "Trainer", "TrainError", "check_config", "scheduled_lr"]
