"""The Trainer: one run of (task, model, optimizer, seed) that you can step while watching.

    tr = Trainer(TrainConfig(task="adding", task_knobs={"seq_len": 50}))
    tr.step(10)            # ten optimizer steps
    tr.advance(0.1)        # as many steps as fit in 0.1 s (at least one): a live UI's tick
    tr.history, tr.snapshots, tr.summary(), tr.status, tr.message

It never plots and never prints: it reports through its attributes and return values.

Each step: draw the next batch of ``task.train_batches(seed, batch_size)`` (so two trainers
with the same task and seed see the same stream), forward, loss, backward, global gradient
norm, and only then, if loss and gradient are finite, clip and let the optimizer step. A
non-finite loss or gradient (or weights that an update would make non-finite) leaves the
weights and the optimizer state as they were, and the trainer pauses with status "diverged".

Live changes (``apply``): learning rate, clipping, momentum, optimizer, schedule, eval and
snapshot intervals, dropout, weight decay, early stopping, and the task's live knobs. Anything
that changes the model, the data stream (the training-set size too) or the seed raises
``NeedsReset`` with the reasons in plain words.

Overfitting: with a fixed training set (``train_size`` N) the trainer records the steps where
an epoch ended (``epoch_steps``), keeps the weights of the best validation loss (``best``,
``restore_best()``), stops with status "stopped" after ``early_stop`` evaluations without a new
best, and ``overfitting_since`` names the step from which it overfits (``lstm_core.overfit``).
"""

from __future__ import annotations

import math
import time
from collections import deque
from dataclasses import replace

import numpy as np
import torch

from lstm_core.config import (
    CELLS,
    ENGINES,
    OPTIMIZERS,
    RECURRENT_INITS,
    SCHEDULES,
    VARIANTS,
    OptimConfig,
    TrainConfig,
)
from lstm_core.overfit import overfitting_since
from lstm_core.records import History, Snapshot, saturation, thin
from lstm_core.tasks import Batch, TaskError, make_task
from lstm_core.tasks.base import TRAIN_SIZE_RANGE

PROBE_SIZE = 4  # sequences of the validation set traced in every snapshot
SPEED_WINDOW = 50  # steps over which steps/s is measured
HALTED = ("diverged", "stopped")  # statuses in which step() trains nothing until resume()
ADAM_BETAS = (0.9, 0.999)


class TrainError(ValueError):
    """The configuration cannot be trained; the message names what is wrong."""


class NeedsReset(Exception):
    """A change needs a new model or data stream; ``reasons`` says why, one line each
    (English); ``texts`` holds each reason as {"en": ..., "zh": ...}."""

    def __init__(self, reasons: list[str], texts: list[dict] | None = None):
        super().__init__("; ".join(reasons))
        self.reasons = list(reasons)
        self.texts = list(texts) if texts is not None else [{"en": r} for r in self.reasons]

    def reasons_in(self, lang: str) -> list[str]:
        """The reasons in ``lang`` (English where a reason has no translation)."""
        return [text.get(lang) or text["en"] for text in self.texts]


# --------------------------------------------------------------------------- checks
def check_config(cfg: TrainConfig) -> None:
    """Raise TrainError naming the first field that is out of range."""
    m, o = cfg.model, cfg.optim
    for label, value, allowed in (
        ("cell", m.cell, CELLS),
        ("variant", m.variant, VARIANTS),
        ("engine", m.engine, ENGINES),
        ("recurrent init", m.recurrent_init, RECURRENT_INITS),
        ("optimizer", o.name, OPTIMIZERS),
        ("schedule", o.schedule, SCHEDULES),
    ):
        if value not in allowed:
            raise TrainError(f"unknown {label} {value!r}; choose one of: {', '.join(allowed)}")
    if m.cell != "lstm" and m.variant != "standard":
        raise TrainError(f"variant {m.variant!r} is an LSTM variant; a {m.cell} has none")
    _int_in("hidden size", m.hidden_size, 1, 1024)
    _int_in("layers", m.num_layers, 1, 3)
    _int_in("embedding size", m.embed_size, 1, 1024)
    _int_in("batch size", o.batch_size, 1, 4096)
    _int_in("schedule steps", o.schedule_steps, 1, 10**9)
    _int_in("eval every", cfg.eval_every, 1, 10**9)
    _int_in("snapshot every", cfg.snapshot_every, 1, 10**9)
    _int_in("max snapshots", cfg.max_snapshots, 2, 10_000)
    _int_in("seed", cfg.seed, 0, 2**63 - 1)
    _positive("learning rate", o.lr)
    if o.clip is not None:
        _positive("clip", o.clip)
    if not _is_number(o.momentum) or not 0 <= o.momentum < 1:
        raise TrainError(f"momentum must be in [0, 1), got {o.momentum!r}")
    for label, v in (("forget bias", m.forget_bias), ("recurrent scale", m.recurrent_scale)):
        if not _is_number(v):
            raise TrainError(f"{label} must be a finite number, got {v!r}")
    if m.device not in ("cpu", "cuda", "mps", "auto"):
        raise TrainError(f"unknown device {m.device!r}; choose cpu, cuda, mps or auto")
    _check_regularization(cfg)


def _check_regularization(cfg: TrainConfig) -> None:
    """Dropout, weight decay, training-set size, early stopping, chrono init."""
    m, o = cfg.model, cfg.optim
    if not _is_number(m.dropout) or not 0 <= m.dropout <= 0.9:
        raise TrainError(f"dropout must be a probability from 0 to 0.9, got {m.dropout!r}")
    if not _is_number(o.weight_decay) or not 0 <= o.weight_decay <= 1:
        raise TrainError(f"weight decay must be a number from 0 to 1, got {o.weight_decay!r}")
    if cfg.train_size != 0:
        _int_in("training-set size (0 = stream)", cfg.train_size, *TRAIN_SIZE_RANGE)
    _int_in("early-stopping patience (0 = off)", cfg.early_stop, 0, 10_000)
    if m.chrono_T != 0:
        _int_in("chrono T_max (0 = off)", m.chrono_T, 2, 10**6)


def _is_number(v) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


def _int_in(label, v, low, high):
    if isinstance(v, bool) or not isinstance(v, int) or not low <= v <= high:
        raise TrainError(f"{label} must be a whole number from {low} to {high}, got {v!r}")


def _positive(label, v):
    if not _is_number(v) or v <= 0:
        raise TrainError(f"{label} must be a positive number, got {v!r}")


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


# --------------------------------------------------------------------------- the engines
class TorchEngine:
    """PyTorch model + torch.optim, fused kernels."""

    def __init__(self, spec, cfg: TrainConfig):
        from lstm_core import models

        self.models, self.spec = models, spec
        generator = torch.Generator().manual_seed(cfg.seed)
        self.model = models.build_model(spec, cfg.model, generator)  # on cfg.model.device
        self.device = self.model.head.weight.device
        self.params = [p for p in self.model.parameters() if p.requires_grad]
        self.make_optimizer(cfg.optim)

    def make_optimizer(self, o: OptimConfig):
        wd = o.weight_decay  # L2 for SGD / RMSprop; decoupled (AdamW) for Adam
        if o.name == "sgd":
            self.opt = torch.optim.SGD(self.params, lr=o.lr, momentum=o.momentum, weight_decay=wd)
        elif o.name == "adam" and wd:
            self.opt = torch.optim.AdamW(self.params, lr=o.lr, betas=ADAM_BETAS, weight_decay=wd)
        elif o.name == "adam":
            self.opt = torch.optim.Adam(self.params, lr=o.lr, betas=ADAM_BETAS)
        else:
            self.opt = torch.optim.RMSprop(
                self.params, lr=o.lr, momentum=o.momentum, weight_decay=wd
            )

    def set_regularization(self, dropout: float, weight_decay: float, o: OptimConfig):
        """Dropout p and weight decay, live (Adam <-> AdamW restarts the optimizer's state)."""
        self.model.cfg.dropout = dropout
        adamw = isinstance(self.opt, torch.optim.AdamW)
        if o.name == "adam" and adamw != bool(weight_decay):
            self.make_optimizer(replace(o, weight_decay=weight_decay))
        for group in self.opt.param_groups:
            group["weight_decay"] = weight_decay

    def set_hyper(self, lr: float, momentum: float):
        for group in self.opt.param_groups:
            group["lr"] = lr
            if "momentum" in group:
                group["momentum"] = momentum
        if momentum and isinstance(self.opt, torch.optim.RMSprop):  # momentum turned on live
            for p, state in self.opt.state.items():
                if state and "momentum_buffer" not in state:
                    state["momentum_buffer"] = torch.zeros_like(p)

    def tensor(self, a: np.ndarray | None):
        return None if a is None else torch.as_tensor(np.asarray(a), device=self.device)

    def gradients(self, batch: Batch) -> tuple[float, float]:
        """Forward + backward; returns (loss, global gradient norm). Nothing is updated."""
        self.model.train()
        self.opt.zero_grad(set_to_none=True)
        out = self.model(self.tensor(batch.x))
        loss = self.models.model_loss(
            self.spec.kind, out, self.tensor(batch.y), self.tensor(batch.mask)
        )
        loss_value = float(loss.detach())
        if not math.isfinite(loss_value):
            return loss_value, float("nan")
        loss.backward()
        grads = [p.grad for p in self.params if p.grad is not None]
        norm = torch.linalg.vector_norm(torch.stack([torch.linalg.vector_norm(g) for g in grads]))
        return loss_value, float(norm)

    def update(self, clip_coef: float) -> bool:
        """Scale the gradients, step; undo and return False if any weight became non-finite."""
        if clip_coef < 1.0:
            for p in self.params:
                if p.grad is not None:
                    p.grad.mul_(clip_coef)
        before = [p.detach().clone() for p in self.params]
        state = {
            p: {k: v.clone() if torch.is_tensor(v) else v for k, v in s.items()}
            for p, s in self.opt.state.items()
        }
        self.opt.step()
        if all(bool(torch.isfinite(p).all()) for p in self.params):
            return True
        with torch.no_grad():
            for p, b in zip(self.params, before, strict=True):
                p.copy_(b)
        self.opt.state.clear()
        self.opt.state.update(state)
        return False

    def predict(self, x: np.ndarray) -> np.ndarray:
        self.model.eval()
        with torch.no_grad():
            out = self.model(self.tensor(x))
        return out.detach().cpu().double().numpy()

    def trace(self, x: np.ndarray) -> list[dict]:
        self.model.eval()
        return self.models.trace(self.model, self.tensor(x))

    def torch_model(self):
        return self.model

    def state_dict(self) -> dict[str, np.ndarray]:
        return self.models.to_numpy(self.model)

    def load(self, weights: dict[str, np.ndarray]):
        self.models.load_numpy(self.model, weights)


class NumpyEngine:
    """The hand-written NumPy model and optimizers (lstm_core.numpy_model)."""

    def __init__(self, spec, cfg: TrainConfig):
        from lstm_core import numpy_model

        self.nm, self.spec, self.cfg = numpy_model, spec, cfg
        rng = np.random.default_rng(np.random.SeedSequence([cfg.seed, 7]))
        self.model = numpy_model.NumpySequenceModel(spec, cfg.model, rng)
        self.make_optimizer(cfg.optim)
        self.grads = None

    def make_optimizer(self, o: OptimConfig):
        self.opt = self.nm.make_optimizer(
            o.name, self.model.params, lr=o.lr, momentum=o.momentum, weight_decay=o.weight_decay
        )

    def set_regularization(self, dropout: float, weight_decay: float, o: OptimConfig):
        """Dropout p and weight decay, live."""
        self.model.cfg = replace(self.model.cfg, dropout=dropout)
        self.opt.weight_decay = weight_decay

    def set_hyper(self, lr: float, momentum: float):
        self.opt.lr = lr
        if hasattr(self.opt, "momentum"):
            self.opt.momentum = momentum
        if momentum and isinstance(self.opt, self.nm.RMSprop):  # momentum turned on live
            for k, p in self.model.params.items():
                self.opt.buf.setdefault(k, np.zeros_like(p))

    def gradients(self, batch: Batch) -> tuple[float, float]:
        with np.errstate(all="ignore"):  # non-finite values are caught by the trainer
            loss, self.grads = self.model.loss_and_grads(batch)
        if not math.isfinite(loss):
            return float(loss), float("nan")
        norm = math.sqrt(
            sum(float(np.sum(np.square(g, dtype=np.float64))) for g in self.grads.values())
        )
        return float(loss), norm

    def update(self, clip_coef: float) -> bool:
        grads = self.grads
        if clip_coef < 1.0:
            grads = {k: g * g.dtype.type(clip_coef) for k, g in grads.items()}
        before = {k: v.copy() for k, v in self.model.params.items()}
        state = _copy_state(self.opt)
        with np.errstate(all="ignore"):
            self.opt.step(grads)
        if all(np.isfinite(v).all() for v in self.model.params.values()):
            return True
        for k, v in before.items():
            self.model.params[k][...] = v
        _restore_state(self.opt, state)
        return False

    def predict(self, x: np.ndarray) -> np.ndarray:
        return np.asarray(self.model.predict(x), dtype=np.float64)

    def trace(self, x: np.ndarray) -> list[dict]:
        return self.model.trace(x)

    def torch_model(self):
        """A PyTorch twin with the same weights (for gradient_flow)."""
        from lstm_core import models

        m = models.build_model(self.spec, self.cfg.model, torch.Generator().manual_seed(0))
        models.load_numpy(m, self.state_dict())
        return m

    def state_dict(self) -> dict[str, np.ndarray]:
        return {k: np.array(v, dtype=np.float64) for k, v in self.model.params.items()}

    def load(self, weights: dict[str, np.ndarray]):
        for k, v in self.model.params.items():
            v[...] = weights[k]


def _copy_state(opt) -> dict:
    """The optimizer's array state (moments, step counts), copied."""
    return {
        k: (
            {n: a.copy() for n, a in v.items()}
            if isinstance(v, dict)
            else (v.copy() if isinstance(v, np.ndarray) else v)
        )
        for k, v in vars(opt).items()
        if k != "params"
    }


def _restore_state(opt, state: dict):
    for k, v in state.items():
        setattr(opt, k, v)


# --------------------------------------------------------------------------- the trainer
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
        engine = TorchEngine if config.model.engine == "torch" else NumpyEngine
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
        self._refresh_validation()
        self.history = History()
        self.snapshots: list[Snapshot] = []
        self.steps = 0
        self.sequences_seen = 0
        self.seconds = 0.0  # time spent inside step()
        self.status = "ready"
        self.message = ""  # English; message_in(lang) for the user's language
        self.messages: dict = {}  # {"en": message, "zh": ...} of the trainer's own message
        self.applied: list[dict] = []  # the last apply()'s changes, {"en", "zh"} each
        self._speed = deque(maxlen=SPEED_WINDOW)  # seconds per recent step
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
        clipped = o.clip is not None and grad_norm > o.clip
        if not self.engine.update(o.clip / grad_norm if clipped else 1.0):
            self._diverged(loss, grad_norm, batch, weights=True)
            return False
        self.steps += 1
        if self.epoch_size and (self.sequences_seen + batch.B) // self.epoch_size > (
            self.sequences_seen // self.epoch_size
        ):
            self.epoch_steps.append(self.steps)  # this step finished an epoch
        self.sequences_seen += batch.B
        self.history.add_step(self.steps, loss, grad_norm, clipped, lr)
        elapsed = time.perf_counter() - start
        self._speed.append(elapsed)
        self.seconds += elapsed
        if self.steps % self.config.eval_every == 0:
            self.evaluate()
        if self.steps % self.config.snapshot_every == 0:
            self.snapshot()
        return True

    def _diverged(self, loss, grad_norm, batch, weights=False):
        self.status = "diverged"
        en, zh = _divergence_texts(self, loss, grad_norm, batch, weights)
        self.message, self.messages = en, {"en": en, "zh": zh}

    def message_in(self, lang: str) -> str:
        """``message`` in ``lang`` (as set, when someone else has replaced the message)."""
        messages = getattr(self, "messages", {})
        if messages.get("en") == self.message:
            return messages.get(lang) or self.message
        return self.message

    def resume(self) -> None:
        """Clear a divergence pause or an early stop; the next step draws the next batch."""
        self.status, self.message, self.messages = "ready", "", {}
        self.evals_since_best = 0

    # ----- evaluation and snapshots
    def evaluate(self) -> dict:
        """Validation loss, metric and solved on the fixed validation set; recorded."""
        result = self.task.evaluate(self.predict(self.val_batch.x), self.val_batch)
        self.history.add_eval(self.steps, result["loss"], result["metric"], result["solved"])
        self._track_best(result["loss"])
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
            self.status = "stopped"
            best, step = self.best["val_loss"], self.best["step"]
            self.messages = {
                "en": f"Early stopping at step {self.steps}: no new best validation loss for "
                f"{patience} evaluations. The best was {best:.4g} at step {step}; press "
                "'Restore best' to put its weights back, or Play to train on.",
                "zh": f"在第 {self.steps} 步早停：验证损失连续 {patience} 次评估没有创出新低。"
                f"最佳值为 {best:.4g}（第 {step} 步）；按“恢复最佳”放回那时的权重，或按“播放”"
                "继续训练。",
            }
            self.message = self.messages["en"]

    def restore_best(self) -> int | None:
        """Load the best validation weights into the model; returns their step (None if no
        evaluation was finite). Training continues from them; the history is kept."""
        if self.best is None:
            return None
        self.engine.load(self.best["weights"])
        return self.best["step"]

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
        self.snapshots = thin(self.snapshots, self.config.max_snapshots, key=_step)
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
        from lstm_core.models import gradient_flow

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
        texts = reset_texts(self.config, new, self.task)
        if texts:
            raise NeedsReset([text["en"] for text in texts], texts)
        old, changes = self.config, []  # changes: {"en": ..., "zh": ...} each
        wanted = {k: self.task.knob(k).default for k in old.task_knobs} | new.task_knobs
        knobs = {k: v for k, v in wanted.items() if self.task.values.get(k) != v}
        if knobs:
            try:
                self.task.set_knobs(**knobs)
            except TaskError as e:
                raise NeedsReset([str(e)]) from None
            changes += [_both(f"{k}: {self.task.values[k]}") for k in knobs]
            self._refresh_validation()
        o, n = old.optim, new.optim
        for (en, zh), a, b in (
            (("learning rate", "学习率"), o.lr, n.lr),
            (("clipping", "梯度裁剪"), o.clip, n.clip),
            (("momentum", "动量"), o.momentum, n.momentum),
            (("schedule", "学习率调度"), o.schedule, n.schedule),
            (("schedule steps", "调度步数"), o.schedule_steps, n.schedule_steps),
            (("weight decay", "权重衰减"), o.weight_decay, n.weight_decay),
            (("dropout", "dropout"), old.model.dropout, new.model.dropout),
            (("early stopping", "早停"), old.early_stop, new.early_stop),
        ):
            if a != b:
                changes.append({"en": f"{en}: {a} -> {b}", "zh": f"{zh}：{a} -> {b}"})
        self.config = replace(
            new, task_knobs=dict(new.task_knobs), model=replace(new.model), optim=replace(new.optim)
        )
        if (o.weight_decay, old.model.dropout) != (n.weight_decay, new.model.dropout):
            self.engine.set_regularization(new.model.dropout, n.weight_decay, n)
        if o.name != n.name:
            self.engine.make_optimizer(n)
            changes.append(
                {
                    "en": f"optimizer: {o.name} -> {n.name} (its state starts fresh)",
                    "zh": f"优化器：{o.name} -> {n.name}（其状态重新开始）",
                }
            )
        for label in ("eval_every", "snapshot_every", "max_snapshots"):
            if getattr(old, label) != getattr(new, label):
                changes.append(_both(f"{label.replace('_', ' ')}: {getattr(new, label)}"))
        self.snapshots = thin(self.snapshots, self.config.max_snapshots, key=_step)
        if self.status == "diverged" and (n.lr != o.lr or n.clip != o.clip):
            self.resume()
        self.applied = changes  # the same changes in both languages, for the UI
        return [change["en"] for change in changes]

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
            raise TrainError(f"the saved weights do not fit this model: {', '.join(bad)}")
        for k, v in expected.items():
            if np.shape(weights[k]) != v.shape:
                raise TrainError(
                    f"weight {k} has shape {np.shape(weights[k])}; the model needs {v.shape}"
                )
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


def _both(text: str) -> dict:
    """A text that reads the same in both languages (names and numbers)."""
    return {"en": text, "zh": text}


def _divergence_texts(tr, loss, grad_norm, batch, weights) -> tuple[str, str]:
    """The divergence message in English and Chinese: what happened and what to try."""
    o, step, lr = tr.config.optim, tr.steps, tr.lr
    if not np.isfinite(np.asarray(batch.x, dtype=np.float64)).all():
        what = (
            "the training batch contains NaN or infinite inputs",
            "训练批次里有 NaN 或无穷大的输入",
        )
        hint = (
            "Check the data (a CSV column with gaps or huge values), then press Resume.",
            "请检查数据（CSV 中有缺失或极大的值），然后按“继续”。",
        )
    else:
        if weights:
            what = (
                "this update would have made some weights infinite",
                "这次更新会让部分权重变为无穷大",
            )
        elif not math.isfinite(loss):
            what = (f"the loss became {loss}", f"损失变成了 {loss}")
        else:
            what = (f"the gradient norm became {grad_norm}", f"梯度范数变成了 {grad_norm}")
        if o.clip is None:
            clip = ("turn on gradient clipping (e.g. 1.0)", "打开梯度裁剪（例如 1.0）")
        else:
            clip = (f"clip harder (now {o.clip:g})", f"调低裁剪阈值（当前为 {o.clip:g}）")
        hint = (
            f"Lower the learning rate (now {lr:g}, try {lr / 10:g}) or {clip[0]}, "
            "then press Resume.",
            f"请降低学习率（当前为 {lr:g}，可试 {lr / 10:g}）或{clip[1]}，然后按“继续”。",
        )
    en = (
        f"Training stopped at step {step + 1}: {what[0]}, so that step was not applied. "
        f"The weights are the last good ones (after step {step}). {hint[0]} "
        "If it stops again at once, the weights have already grown too large: reset the run."
    )
    zh = (
        f"训练在第 {step + 1} 步停止：{what[1]}，因此这一步没有执行。"
        f"权重保持为最后一组正常的值（第 {step} 步之后）。{hint[1]}"
        "如果一继续就再次停止，说明权重已经变得过大：请重置这次运行。"
    )
    return en, zh


# Model fields whose change needs a new model: (English, Chinese) names.
_MODEL_FIELDS = {
    "cell": ("the cell type", "单元类型"),
    "variant": ("the LSTM variant", "LSTM 变体"),
    "hidden_size": ("the hidden size", "隐藏单元数"),
    "num_layers": ("the number of layers", "层数"),
    "embed_size": ("the embedding size", "嵌入维度"),
    "forget_bias": ("the forget-gate bias at initialization", "初始遗忘门偏置"),
    "recurrent_init": ("the recurrent initialization", "循环权重初始化"),
    "recurrent_scale": ("the recurrent weight scale", "循环权重缩放"),
    "chrono_T": ("the chrono initialisation", "chrono 初始化"),
    "engine": ("the engine", "计算引擎"),
    "device": ("the device", "计算设备"),
}


def reset_texts(old: TrainConfig, new: TrainConfig, task) -> list[dict]:
    """Why ``new`` cannot be applied to a running ``old`` run: {"en", "zh"} per reason."""
    texts = []
    m_old, m_new = old.model, new.model
    for name, (en, zh) in _MODEL_FIELDS.items():
        a, b = getattr(m_old, name), getattr(m_new, name)
        if a != b:
            texts.append(
                {
                    "en": f"{en} changed ({a} -> {b}): that needs a new model",
                    "zh": f"{zh}已更改（{a} -> {b}）：需要一个新模型",
                }
            )
    if old.task != new.task:
        texts.append(
            {
                "en": f"the task changed ({old.task} -> {new.task}): that needs a new model",
                "zh": f"任务已更改（{old.task} -> {new.task}）：需要一个新模型",
            }
        )
    if old.seed != new.seed:
        texts.append(
            {
                "en": "the seed changed: it fixes the initial weights and the data",
                "zh": "随机种子已更改：它决定初始权重和数据",
            }
        )
    if old.train_size != new.train_size:
        texts.append(
            {
                "en": f"the training-set size changed ({old.train_size} -> {new.train_size}): "
                "it fixes the training data",
                "zh": f"训练集大小已更改（{old.train_size} -> {new.train_size}）：它决定训练数据",
            }
        )
    if old.optim.batch_size != new.optim.batch_size:
        texts.append(
            {
                "en": "the batch size changed: it fixes the stream of training batches",
                "zh": "批大小已更改：它决定训练批次的数据流",
            }
        )
    if old.task == new.task:
        for k in sorted(set(old.task_knobs) | set(new.task_knobs)):
            a = old.task_knobs.get(k, task.values.get(k))
            b = new.task_knobs.get(k, task.knob(k).default if _has_knob(task, k) else None)
            if a != b and not (_has_knob(task, k) and task.knob(k).live):
                texts.append(
                    {
                        "en": f"the task setting {k!r} changed ({a} -> {b}): "
                        "it cannot change during training",
                        "zh": f"任务设置 `{k}` 已更改（{a} -> {b}）：训练过程中不能更改",
                    }
                )
    return texts


def reset_reasons(old: TrainConfig, new: TrainConfig, task) -> list[str]:
    """Plain-word reasons (English) why ``new`` cannot be applied to a running ``old`` run."""
    return [text["en"] for text in reset_texts(old, new, task)]


def _has_knob(task, name) -> bool:
    return any(k.name == name for k in task.knobs)


__all__ = ["NeedsReset", "Trainer", "TrainError", "check_config", "scheduled_lr"]
