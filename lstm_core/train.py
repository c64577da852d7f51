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

Overfitting: the trainer records where epochs ended (``epoch_steps``), keeps the best
validation weights (``best``, ``restore_best()``), stops after ``early_stop`` evaluations
without a new best (lstm_core.pauses) and names the step from which the run overfits
(``overfitting_since``, lstm_core.overfit).
"""

from __future__ import annotations

import math
import time
from collections import deque

import numpy as np

from lstm_core import budget
from lstm_core.changes import (
    NeedsReset,
    applied_changes,
    check_live_change,
    reconfigure_engine,
    reset_problems,
    reset_reasons,
    set_live_knobs,
)
from lstm_core.checks import TrainError, check_budget, check_config, check_weights
from lstm_core.config import TrainConfig
from lstm_core.engines import clip_coef, scheduled_lr
from lstm_core.evaluation import evaluate_in_chunks
from lstm_core.models import ModelError, gradient_flow
from lstm_core.overfit import overfitting_since
from lstm_core.pauses import EarlyStopping, NotLearning, divergence
from lstm_core.problems import Problem
from lstm_core.records import History, Snapshot, keep_snapshot, run_summary, thin_snapshots
from lstm_core.seq2seq_engines import make_engine
from lstm_core.tasks import Batch, make_task

PROBE_SIZE = budget.PROBE_SIZE  # sequences of the validation set traced in every snapshot
SPEED_WINDOW = 50  # steps over which steps/s is measured
HALTED = ("diverged", "stopped")  # statuses in which step() trains nothing until resume()


class Trainer:
    """One run: model, optimizer, batch stream, history and snapshots."""

    def __init__(self, config: TrainConfig, data: dict | None = None):
        """``data``: what the task is built from besides its knobs, e.g. {"data": csv_bytes,
        "target": "temp"} for the csv task or {"text": "..."} for the text task."""
        check_config(config)
        self.config = config.copy()
        self.task_data = dict(data or {})
        self.task = make_task(config.task, **self.task_data, **config.task_knobs)
        self.spec = self.task.spec
        self._refresh_validation()
        check_budget(self.config, self.spec, self.val_batch.T)  # before any weight exists
        self.engine = make_engine(self.spec, self.config)  # seq2seq: engines of its own
        self.model = self.engine.model
        self._batches = self.task.train_batches(
            config.seed, config.optim.batch_size, config.train_size
        )
        # Sequences in one epoch: the fixed training set, or a finite task's own data.
        self.epoch_size = config.train_size or self.task.train_pool_size()
        self.epoch_steps: list[int] = []  # steps at which an epoch ended
        self.early_stopping = EarlyStopping()  # the best evaluation's weights; patience
        self.history = History()
        self.snapshots: list[Snapshot] = []
        self.steps = 0
        self.sequences_seen = 0
        self.seconds = 0.0  # time spent inside step()
        self.status = "ready"  # "ready" | "diverged" | "stopped" (early): halted until resume()
        self.problem: Problem | None = None  # why it stopped; the app words it per language
        self.applied: list[Problem] = []  # the last apply()'s changes
        self._speed: deque[float] = deque(maxlen=SPEED_WINDOW)  # seconds per recent step
        self.not_learning = NotLearning()  # evaluations in a row far above the baseline
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
    def best(self) -> dict | None:
        """{"step", "val_loss", "weights"} of the best validation loss (None: none finite)."""
        return self.early_stopping.best

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
        scale = clip_coef(o.clip, grad_norm)
        clipped = scale < 1.0
        if not self.engine.update(scale):
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
        o = self.config.optim
        self.pause(divergence(self.steps, self.lr, o.clip, loss, grad_norm, batch.x, weights))

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
        self.early_stopping.evals_since_best = 0
        self.not_learning.far_evals = 0

    # ----- evaluation and snapshots
    def evaluate(self) -> dict:
        """Validation loss, metric and solved on the fixed validation set; recorded. Keeps the
        best weights; pauses when ``early_stop`` runs out or the loss stays far above the
        baseline's (lstm_core.pauses)."""
        result = evaluate_in_chunks(self.task, self.predict, self.val_batch)
        loss, steps = result["loss"], self.steps
        self.history.add_eval(steps, loss, result["metric"], result["solved"])
        stop = self.early_stopping.record(steps, loss, self.state_dict, self.config.early_stop)
        if stop is not None and self.status == "ready":
            self.pause(stop, status="stopped")
        far = self.not_learning.record(steps, loss, self.baseline["loss"], self.lr)
        if far is not None and self.status == "ready":
            self.pause(far)
        return result

    def restore_best(self) -> int | None:
        """Load the best validation weights into the model; returns their step (None if no
        evaluation was finite). Training continues from them; the history is kept."""
        if self.best is None:
            return None
        self.engine.load(self.best["weights"])
        return self.best["step"]

    def snapshot(self) -> Snapshot:
        """Trace the probe now; keep at most max_snapshots (records.keep_snapshot)."""
        snap = Snapshot.from_traces(self.steps, self.trace(self.probe.x))
        self.snapshots = keep_snapshot(self.snapshots, snap, self.config.max_snapshots)
        return snap

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
        check_live_change(self.config, new, self.task)
        old = self.config
        changes = set_live_knobs(self.task, old, new, self.spec)
        if changes:
            self._refresh_validation()
        changes += applied_changes(old, new)
        self.config = new.copy()
        reconfigure_engine(self.engine, old, new)
        self.snapshots = thin_snapshots(self.snapshots, self.config.max_snapshots)
        o, n = old.optim, new.optim
        if self.status == "diverged" and (n.lr != o.lr or n.clip != o.clip):
            self.resume()
        self.applied = changes  # for the app to word in the reader's language
        return [change.english() for change in changes]

    # ----- reports and restoring
    def summary(self) -> dict:
        """The run in one flat dict (the CLI's --json line and the store's summary)."""
        return run_summary(self)

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
        check_weights(weights, tr.state_dict())
        tr.engine.load(weights)
        tr.history = History.from_arrays(history.arrays())
        tr.steps = int(history.step[-1]) if history.step else 0
        tr.sequences_seen = tr.steps * config.optim.batch_size
        tr.snapshots = list(snapshots) if snapshots else []
        if not tr.snapshots:
            tr.snapshot()
        return tr


# Also importable from here: the checks, live changes, schedule and chunked evaluation it uses.
__all__ = ["NeedsReset", "TrainError", "Trainer", "check_budget", "check_config"]
__all__ += ["evaluate_in_chunks", "reset_problems", "reset_reasons", "scheduled_lr"]
