"""Trainer engines for the encoder-decoder (task kind ``seq2seq``).

They keep the engine interface of ``lstm_core.engines`` (gradients, update, predict, trace,
state_dict, load): ``gradients`` trains with teacher forcing, ``predict`` decodes greedily
for ``spec.target_len`` steps (the logits the validation scores), ``trace`` gives the encoder's
internals followed by the decoder's. ``decode`` adds what the translation views show: the
greedy tokens, the decoder's probabilities and the attention weights. ``make_engine`` builds a
run's engine: one of these for a seq2seq task, a base engine for every other.
"""

from __future__ import annotations

import numpy as np
import torch

from lstm_core import numpy_model
from lstm_core import seq2seq as s2s
from lstm_core.config import TrainConfig
from lstm_core.engines import NumpyEngine, TorchEngine
from lstm_core.losses import log_softmax


class Seq2SeqTorchEngine(TorchEngine):
    """The PyTorch encoder-decoder with torch.optim."""

    # The base engine's model is a SequenceModel; this engine swaps in the encoder-decoder.
    model: s2s.Seq2SeqModel  # type: ignore[assignment]

    def __init__(self, spec, cfg: TrainConfig):
        self.spec = spec
        generator = torch.Generator().manual_seed(cfg.seed)
        self.model = s2s.build_seq2seq(spec, cfg.model, generator)
        self.device = self.model.head.weight.device
        self.params = [p for p in self.model.parameters() if p.requires_grad]
        self.make_optimizer(cfg.optim)

    def training_loss(self, batch) -> torch.Tensor:
        """The loss with teacher forcing: the decoder reads the true previous target token."""
        out = self.model(self.tensor(batch.x), self.tensor(batch.y))
        return s2s.model_loss(out, self.tensor(batch.y), self.tensor(batch.mask))

    def decode(self, x: np.ndarray) -> dict:
        """Greedy decoding: logits (T, B, V), tokens (T, B), attention (T, B, S) or None."""
        self.model.eval()
        found = self.model.greedy(self.tensor(np.asarray(x)).long(), self.spec.target_len)
        return {k: None if v is None else v.cpu().double().numpy() for k, v in found.items()}

    def predict(self, x: np.ndarray) -> np.ndarray:
        return self.decode(x)["logits"]

    def trace(self, x: np.ndarray) -> list[dict]:
        self.model.eval()
        return s2s.trace(self.model, x)

    def state_dict(self) -> dict[str, np.ndarray]:
        return s2s.to_numpy(self.model)

    def load(self, weights: dict[str, np.ndarray]):
        s2s.load_numpy(self.model, weights)


class Seq2SeqNumpyEngine(NumpyEngine):
    """The NumPy encoder-decoder (standard cells) with the hand-written optimizers."""

    # The base engine's model is a NumpySequenceModel; this engine swaps in the encoder-decoder.
    model: s2s.NumpySeq2Seq  # type: ignore[assignment]

    def __init__(self, spec, cfg: TrainConfig):
        self.nm, self.spec, self.cfg = numpy_model, spec, cfg
        rng = np.random.default_rng(np.random.SeedSequence([cfg.seed, 7]))
        self.model = s2s.NumpySeq2Seq(spec, cfg.model, rng)
        self.make_optimizer(cfg.optim)
        self.grads = {}  # as the base engine: filled by gradients()

    def decode(self, x: np.ndarray) -> dict:
        found = self.model.greedy(x, self.spec.target_len)
        return {k: None if v is None else np.asarray(v, np.float64) for k, v in found.items()}

    def predict(self, x: np.ndarray) -> np.ndarray:
        return self.decode(x)["logits"]

    def torch_model(self):
        """A PyTorch twin with the same weights."""
        m = s2s.build_seq2seq(self.spec, self.cfg.model, torch.Generator().manual_seed(0))
        s2s.load_numpy(m, self.state_dict())
        return m


def make_engine(spec, cfg: TrainConfig) -> TorchEngine | NumpyEngine:
    """A run's engine: ``cfg.model.engine`` (torch or numpy), the encoder-decoder's own for a
    seq2seq task, the base ones for every other kind."""
    torch_engine = cfg.model.engine == "torch"
    if spec.kind == "seq2seq":
        return Seq2SeqTorchEngine(spec, cfg) if torch_engine else Seq2SeqNumpyEngine(spec, cfg)
    return TorchEngine(spec, cfg) if torch_engine else NumpyEngine(spec, cfg)


def top_k(logits: np.ndarray, k: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """The k most likely tokens per step and their probabilities, each (T, k), from (T, V)."""
    p = np.exp(log_softmax(np.asarray(logits, np.float64)))
    ids = np.argsort(-p, axis=-1, kind="stable")[:, :k]
    return ids, np.take_along_axis(p, ids, axis=-1)
