"""Small configuration dataclasses shared by the engine, the trainer, the CLI and the app."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, replace

from lstm_core.problems import Problem

CELLS = ("lstm", "gru", "rnn")
# Greff et al. 2017, "LSTM: A Search Space Odyssey".
VARIANTS = ("standard", "nfg", "nig", "nog", "cifg", "niaf", "noaf", "ph")
RECURRENT_INITS = ("default", "orthogonal", "identity")
# Gate biases: PyTorch's plus forget_bias (Gers et al. 2000), or chrono (Tallec & Ollivier 2018).
GATE_INITS = ("default", "chrono")
ENGINES = ("torch", "numpy")
OPTIMIZERS = ("sgd", "adam", "rmsprop")
SCHEDULES = ("constant", "cosine", "step")
DEVICES = ("cpu", "cuda", "mps", "auto")

# Task kinds: what the model reads and what it must output.
#   next_step      many-to-many regression: y (T, B, O) float
#   regression     many-to-one regression:  y (B, O) float, read at the last step
#   classification many-to-one:             y (B,) int class ids, read at the last step
#   labelling      sequence labelling:      y (T, B) int class ids
#   next_token     character-level LM:      x (T, B) int token ids, y (T, B) int token ids
KINDS = ("next_step", "regression", "classification", "labelling", "next_token")
# One more kind, for an encoder-decoder (lstm_core.seq2seq) rather than one SequenceModel:
#   seq2seq        encoder-decoder:         x (S, B) source ids, y (T, B) target ids + EOS,
#                                           mask (T, B); T = TaskSpec.target_len
TASK_KINDS = (*KINDS, "seq2seq")

# Gate names, each defined once.
GATE_ORDER = ("i", "f", "g", "o")  # LSTM: PyTorch's stacking of W_ih / W_hh rows, (4H, .)
GRU_GATE_ORDER = ("r", "z", "n")  # GRU: (3H, .)
GATE_COUNT = {"lstm": 4, "gru": 3, "rnn": 1}  # row blocks of W_ih per cell type
SIGMOID_GATES = frozenset("ifozr")  # gates that are sigmoids: always in (0, 1)


@dataclass(frozen=True)
class TaskSpec:
    """Shapes a model needs to fit a task."""

    kind: str  # one of TASK_KINDS
    input_size: int  # features per step; 0 when the input is token ids
    output_size: int  # regression outputs, or number of classes / vocabulary size
    vocab_size: int = 0  # > 0: x holds token ids and the model starts with an embedding
    target_len: int = 0  # seq2seq: decoder steps (the longest target plus its EOS)
    attention: str = "none"  # seq2seq: "none" | "dot" (Luong dot-product attention)


@dataclass
class ModelConfig:
    """The recurrent core and its initialization."""

    cell: str = "lstm"  # "lstm" | "gru" | "rnn"
    variant: str = "standard"  # LSTM only: one of VARIANTS
    hidden_size: int = 32  # H, units per layer
    num_layers: int = 1  # stacked layers, 1-3
    embed_size: int = 16  # embedding width for token inputs
    forget_bias: float = 1.0  # added to the forget-gate slice of b_ih at init (LSTM)
    recurrent_init: str = "default"  # "default" (PyTorch's) | "orthogonal" | "identity"
    recurrent_scale: float = 1.0  # multiplies W_hh after init (> 1: exploding-gradient preset)
    gate_init: str = "default"  # LSTM gate biases: "default" | "chrono" (lstm_core.gate_init)
    chrono_t_max: int = 100  # chrono: the longest lag, in steps, the memory times spread to
    engine: str = "torch"  # "torch" (fused kernels) | "numpy" (the hand-written reference)
    dropout: float = 0.0  # p of zeroing each h_t unit between layers and before the head; 0 = off
    device: str = "cpu"  # "cpu" | "cuda" | "mps" | "auto"


@dataclass
class OptimConfig:
    """The optimizer, its schedule and gradient clipping."""

    name: str = "adam"  # "sgd" | "adam" | "rmsprop"
    lr: float = 1e-2  # learning rate
    momentum: float = 0.9  # SGD momentum / RMSprop momentum
    clip: float | None = 1.0  # clip the global gradient norm to this; None = off
    batch_size: int = 32  # sequences per step
    schedule: str = "constant"  # "constant" | "cosine" | "step"
    schedule_steps: int = 2000  # cosine period / step-decay interval
    weight_decay: float = 0.0  # L2 for sgd / rmsprop; decoupled (AdamW) for adam; 0 = off


@dataclass
class TrainConfig:
    """Everything that defines a run: same config and seed, same loss history."""

    task: str = "sine"  # CLI name of the task
    task_knobs: dict = field(default_factory=dict)  # knob name -> value
    model: ModelConfig = field(default_factory=ModelConfig)
    optim: OptimConfig = field(default_factory=OptimConfig)
    seed: int = 0
    eval_every: int = 25  # steps between validation evaluations
    snapshot_every: int = 50  # steps between trace snapshots of the probe sequence
    max_snapshots: int = 40  # older snapshots are thinned beyond this
    train_size: int = 0  # 0 = a fresh stream; N = N fixed training sequences reused every epoch
    early_stop: int = 0  # > 0: stop after this many evaluations without a new best val loss

    def to_dict(self) -> dict:
        return asdict(self)

    def copy(self) -> TrainConfig:
        """A copy that shares no mutable part with this one (knobs, model and optim copied)."""
        model, optim = replace(self.model), replace(self.optim)
        return replace(self, task_knobs=dict(self.task_knobs), model=model, optim=optim)

    @classmethod
    def from_dict(cls, d: dict) -> TrainConfig:
        d = dict(d)
        model = ModelConfig(**upgrade_model(d.pop("model", {})))
        optim = OptimConfig(**d.pop("optim", {}))
        return cls(model=model, optim=optim, **d)


def upgrade_model(d: dict) -> dict:
    """A saved model section in today's fields. Older runs set chrono with ``chrono_T`` (T_max,
    0 = off): it becomes ``gate_init`` "chrono" with that ``chrono_t_max``, unless the section
    already asks for chrono through ``gate_init`` (which then wins)."""
    d = dict(d)
    chrono_T = d.pop("chrono_T", 0)
    if chrono_T and d.get("gate_init", "default") != "chrono":
        d["gate_init"], d["chrono_t_max"] = "chrono", chrono_T
    return d


# --------------------------------------------------------------------------- limits
@dataclass(frozen=True)
class Limit:
    """What one setting may hold: the engine's range, and the tighter classroom range that the
    app's widgets and shared links keep to (a server shared by a class must stay responsive).

    kind: "int" (whole numbers low..high), "positive" (> 0), "fraction" ([0, 1)), "interval"
    (a number low..high inclusive) or "finite"; a float's classroom range is low..high
    inclusive. ``ZERO_OR_FROM`` adds "0 (off), or at least this" to some whole numbers."""

    path: tuple[str, str | None]  # where it lives in TrainConfig: ("model", "hidden_size")
    kind: str
    low: float | None = None  # engine range (ints only; floats are bounded by their kind)
    high: float | None = None
    class_low: float | None = None  # classroom range
    class_high: float | None = None


# Every numeric limit, once. The engine (check_config), the links and the widgets read it.
LIMITS = {
    "hidden_size": Limit(("model", "hidden_size"), "int", 1, 1024, 1, 256),
    "num_layers": Limit(("model", "num_layers"), "int", 1, 3, 1, 3),
    "embed_size": Limit(("model", "embed_size"), "int", 1, 1024, 1, 256),
    "batch_size": Limit(("optim", "batch_size"), "int", 1, 4096, 1, 256),
    "schedule_steps": Limit(("optim", "schedule_steps"), "int", 1, 10**9, 1, 1_000_000),
    "eval_every": Limit(("eval_every", None), "int", 1, 10**9, 1, 10_000),
    "snapshot_every": Limit(("snapshot_every", None), "int", 1, 10**9, 1, 10_000),
    "max_snapshots": Limit(("max_snapshots", None), "int", 2, 10_000, 2, 200),
    "seed": Limit(("seed", None), "int", 0, 2**63 - 1, 0, 2**31 - 1),
    "lr": Limit(("optim", "lr"), "positive", class_low=1e-5, class_high=10.0),
    "clip": Limit(("optim", "clip"), "positive", class_low=0.01, class_high=100.0),
    "momentum": Limit(("optim", "momentum"), "fraction", class_low=0.0, class_high=0.99),
    "forget_bias": Limit(("model", "forget_bias"), "finite", class_low=-3.0, class_high=5.0),
    "recurrent_scale": Limit(
        ("model", "recurrent_scale"), "finite", class_low=0.25, class_high=4.0
    ),
    "dropout": Limit(("model", "dropout"), "interval", 0.0, 0.9, 0.0, 0.9),
    "weight_decay": Limit(("optim", "weight_decay"), "interval", 0.0, 1.0, 0.0, 1.0),
    "train_size": Limit(("train_size", None), "int", 0, 20_000, 0, 20_000),
    "early_stop": Limit(("early_stop", None), "int", 0, 10_000, 0, 1000),
    "chrono_t_max": Limit(("model", "chrono_t_max"), "int", 2, 10**6, 2, 10_000),
}
# Whole numbers where 0 means "off" and any other value must be at least this.
ZERO_OR_FROM = {"train_size": 16}
TRAIN_SIZE_RANGE = (ZERO_OR_FROM["train_size"], LIMITS["train_size"].high)  # a fixed set's size

# What one session's run may hold in memory, once for the whole app: lstm_core.budget estimates
# a run against it before building it, and the trainer keeps its records within it.
MEMORY_LIMITS = {
    "session_bytes": 200_000_000,  # a run: weights, activations, validation, records
    "snapshot_bytes": 24_000_000,  # all the snapshots of one run together
    "history_rows": 20_000,  # per-step rows kept; older rows are thinned beyond this
}

# Named choices: where each lives and what it may be.
CHOICES = {
    "cell": (("model", "cell"), CELLS),
    "variant": (("model", "variant"), VARIANTS),
    "engine": (("model", "engine"), ENGINES),
    "recurrent_init": (("model", "recurrent_init"), RECURRENT_INITS),
    "gate_init": (("model", "gate_init"), GATE_INITS),
    "optimizer": (("optim", "name"), OPTIMIZERS),
    "schedule": (("optim", "schedule"), SCHEDULES),
    "device": (("model", "device"), DEVICES),
}


def value_at(cfg: TrainConfig, path: tuple[str, str | None]):
    """The value at ``path`` of ``cfg``: ("model", "hidden_size") or ("seed", None)."""
    head, tail = path
    value = getattr(cfg, head)
    return value if tail is None else getattr(value, tail)


def validate(cfg: TrainConfig, classroom: bool = False) -> Problem | None:
    """The first setting of ``cfg`` out of range, as a Problem; None when all are fine.
    ``classroom``: hold numbers to the classroom column of LIMITS as well."""
    for name, (path, allowed) in CHOICES.items():
        value = value_at(cfg, path)
        if value not in allowed:
            field_name = Problem(f"name.{name}")
            return Problem(
                "config.unknown",
                {"field": field_name, "value": value, "allowed": ", ".join(allowed)},
            )
    if cfg.model.cell != "lstm" and cfg.model.variant != "standard":
        return Problem(
            "config.variant_cell", {"variant": cfg.model.variant, "cell": cfg.model.cell}
        )
    for name, limit in LIMITS.items():
        value = value_at(cfg, limit.path)
        if value is None and name == "clip":
            continue  # clipping off
        problem = _check(name, limit, value, classroom)
        if problem is not None:
            return problem
        if name in ZERO_OR_FROM and 0 < value < ZERO_OR_FROM[name]:
            params = {"field": Problem(f"name.{name}"), "low": ZERO_OR_FROM[name]}
            return Problem("config.zero_or", {**params, "high": limit.high, "value": value})
    return None


def _check(name: str, limit: Limit, value, classroom: bool) -> Problem | None:
    label = Problem(f"name.{name}")
    if limit.kind == "int":
        low, high = (limit.class_low, limit.class_high) if classroom else (limit.low, limit.high)
        whole = isinstance(value, int) and not isinstance(value, bool)
        if not whole or not low <= value <= high:
            return Problem(
                "config.whole", {"field": label, "low": low, "high": high, "value": value}
            )
        return None
    if not is_number(value):
        return Problem("config.finite", {"field": label, "value": value})
    if limit.kind == "positive" and value <= 0:
        return Problem("config.positive", {"field": label, "value": value})
    if limit.kind == "fraction" and not 0 <= value < 1:
        return Problem("config.momentum", {"value": value})
    if limit.kind == "interval" and not limit.low <= value <= limit.high:
        params = {"field": label, "low": limit.low, "high": limit.high, "value": value}
        return Problem("config.range", params)
    if classroom and not limit.class_low <= value <= limit.class_high:
        params = {"field": label, "low": limit.class_low, "high": limit.class_high, "value": value}
        return Problem("config.range", params)
    return None


def is_number(v) -> bool:
    """A finite int or float (not a bool)."""
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
