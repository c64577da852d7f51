"""The two engines a Trainer drives: the same model, optimizer and update, two implementations.

TorchEngine: the PyTorch model (fused kernels) and torch.optim.
NumpyEngine: the hand-written NumPy reference (lstm_core.reference) and its optimizers.

Both offer set_hyper(lr, momentum), gradients(batch) -> (loss, global grad norm), update(scale)
-> False when the update would make a weight non-finite (then nothing changes), predict,
trace, state_dict, load and make_optimizer. What the Trainer hands them each step is the same
for both: the learning rate of the schedule (``scheduled_lr``) and the clipping scale
(``clip_coef``).
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import torch

from lstm_core import models, numpy_model
from lstm_core.config import OptimConfig, TrainConfig
from lstm_core.tasks import Batch

ADAM_BETAS = (0.9, 0.999)


# --------------------------------------------------------------------------- lr and clipping
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


def clip_coef(clip: float | None, grad_norm: float) -> float:
    """Clipping by global norm: the gradients' scale, clip / ||g|| when ||g|| > clip, else 1."""
    return clip / grad_norm if clip is not None and grad_norm > clip else 1.0


# --------------------------------------------------------------------------- the engines
class TorchEngine:
    """PyTorch model + torch.optim, fused kernels."""

    def __init__(self, spec, cfg: TrainConfig):
        self.spec = spec
        generator = torch.Generator().manual_seed(cfg.seed)
        self.model = models.build_model(spec, cfg.model, generator, cfg.seed)  # on its device
        self.device = self.model.head.weight.device
        self.params = [p for p in self.model.parameters() if p.requires_grad]
        self.make_optimizer(cfg.optim)

    def make_optimizer(self, o: OptimConfig):
        self.opt: torch.optim.Optimizer
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

    def training_loss(self, batch: Batch) -> torch.Tensor:
        """The batch's loss from a forward pass in training mode (a scalar tensor)."""
        out = self.model(self.tensor(batch.x))
        return models.model_loss(self.spec.kind, out, self.tensor(batch.y), self.tensor(batch.mask))

    def gradients(self, batch: Batch) -> tuple[float, float]:
        """Forward + backward; returns (loss, global gradient norm). Nothing is updated."""
        self.model.train()
        self.opt.zero_grad(set_to_none=True)
        loss = self.training_loss(batch)
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
        return models.trace(self.model, self.tensor(x))

    def torch_model(self):
        return self.model

    def state_dict(self) -> dict[str, np.ndarray]:
        return models.to_numpy(self.model)

    def load(self, weights: dict[str, np.ndarray]):
        models.load_numpy(self.model, weights)


class NumpyEngine:
    """The hand-written NumPy model and optimizers (lstm_core.numpy_model)."""

    def __init__(self, spec, cfg: TrainConfig):
        self.nm, self.spec, self.cfg = numpy_model, spec, cfg
        rng = np.random.default_rng(np.random.SeedSequence([cfg.seed, 7]))
        self.model = numpy_model.NumpySequenceModel(spec, cfg.model, rng, seed=cfg.seed)
        self.make_optimizer(cfg.optim)
        self.grads: dict[str, np.ndarray] = {}

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
        state = copy_state(self.opt)
        with np.errstate(all="ignore"):
            self.opt.step(grads)
        if all(np.isfinite(v).all() for v in self.model.params.values()):
            return True
        for k, v in before.items():
            self.model.params[k][...] = v
        restore_state(self.opt, state)
        return False

    def predict(self, x: np.ndarray) -> np.ndarray:
        return np.asarray(self.model.predict(x), dtype=np.float64)

    def trace(self, x: np.ndarray) -> list[dict]:
        return self.model.trace(x)

    def torch_model(self):
        """A PyTorch twin with the same weights (for gradient_flow)."""
        m = models.build_model(self.spec, self.cfg.model, torch.Generator().manual_seed(0))
        models.load_numpy(m, self.state_dict())
        return m

    def state_dict(self) -> dict[str, np.ndarray]:
        return {k: np.array(v, dtype=np.float64) for k, v in self.model.params.items()}

    def load(self, weights: dict[str, np.ndarray]):
        for k, v in self.model.params.items():
            v[...] = weights[k]


def copy_state(opt) -> dict:
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


def restore_state(opt, state: dict):
    """Put back what copy_state copied."""
    for k, v in state.items():
        setattr(opt, k, v)
