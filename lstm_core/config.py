"""Small configuration dataclasses shared by the engine, the trainer, the CLI and the app."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

CELLS = ("lstm", "gru", "rnn")
# Greff et al. 2017, "LSTM: A Search Space Odyssey".
VARIANTS = ("standard", "nfg", "nig", "nog", "cifg", "niaf", "noaf", "ph")
RECURRENT_INITS = ("default", "orthogonal", "identity")
ENGINES = ("torch", "numpy")
OPTIMIZERS = ("sgd", "adam", "rmsprop")
SCHEDULES = ("constant", "cosine", "step")

# Task kinds: what the model reads and what it must output.
#   next_step      many-to-many regression: y (T, B, O) float
#   regression     many-to-one regression:  y (B, O) float, read at the last step
#   classification many-to-one:             y (B,) int class ids, read at the last step
#   labelling      sequence labelling:      y (T, B) int class ids
#   next_token     character-level LM:      x (T, B) int token ids, y (T, B) int token ids
KINDS = ("next_step", "regression", "classification", "labelling", "next_token")

# Gate names, each defined once.
GATE_ORDER = ("i", "f", "g", "o")  # LSTM: PyTorch's stacking of W_ih / W_hh rows, (4H, .)
GRU_GATE_ORDER = ("r", "z", "n")  # GRU: (3H, .)
GATE_COUNT = {"lstm": 4, "gru": 3, "rnn": 1}  # row blocks of W_ih per cell type
SIGMOID_GATES = frozenset("ifozr")  # gates that are sigmoids: always in (0, 1)


@dataclass(frozen=True)
class TaskSpec:
    """Shapes a model needs to fit a task."""

    kind: str  # one of KINDS
    input_size: int  # features per step; 0 when the input is token ids
    output_size: int  # regression outputs, or number of classes / vocabulary size
    vocab_size: int = 0  # > 0: x holds token ids and the model starts with an embedding


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
    engine: str = "torch"  # "torch" (fused kernels) | "numpy" (the hand-written reference)
    dropout: float = 0.0  # p of zeroing each h_t unit between layers and before the head; 0 = off
    chrono_T: int = 0  # > 1: chrono init of the LSTM f / i biases (Tallec & Ollivier 2018)
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

    @classmethod
    def from_dict(cls, d: dict) -> TrainConfig:
        d = dict(d)
        model = ModelConfig(**d.pop("model", {}))
        optim = OptimConfig(**d.pop("optim", {}))
        return cls(model=model, optim=optim, **d)
