"""What the engine reports when it stops or refuses: a code with parameters, never prose.

    Problem("diverged", {"step": 4, "what": Problem("diverged.loss", {"value": nan}), ...})

The engine words a problem in English only (``english``), for the command line and for
exception messages. The app words the same codes in the reader's language through its
catalogue (``ui.i18n.problem_text``), whose English entries are ``EN`` below.
A parameter may itself be a Problem: it is worded first, in the same language.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    """A code (a key of ``EN``) and the values its text is formatted with."""

    code: str
    params: dict = field(default_factory=dict)

    def english(self) -> str:
        return describe(self, EN.__getitem__)

    def __str__(self) -> str:
        return self.english()


def describe(problem: Problem, template: Callable[[str], str], word=str) -> str:
    """``problem`` in one language: ``template(code)`` gives its text, ``word(value)`` words
    a parameter that is an error from elsewhere (e.g. a TaskError)."""
    params = {}
    for name, value in problem.params.items():
        if isinstance(value, Problem):
            value = describe(value, template, word)
        elif isinstance(value, Exception):
            value = word(value)
        params[name] = value
    return template(problem.code).format(**params)


# The English text of every code (the app's catalogue uses these as its English column).
EN = {
    # ----- divergence: what happened, then what to try
    "diverged": (
        "Training stopped at step {next}: {what}, so that step was not applied. "
        "The weights are the last good ones (after step {step}). {hint} "
        "If it stops again at once, the weights have already grown too large: reset the run."
    ),
    "diverged.inputs": "the training batch contains NaN or infinite inputs",
    "diverged.weights": "this update would have made some weights infinite",
    "diverged.loss": "the loss became {value}",
    "diverged.grad": "the gradient norm became {value}",
    "diverged.hint.data": (
        "Check the data (a CSV column with gaps or huge values), then press Resume."
    ),
    "diverged.hint.lr": (
        "Lower the learning rate (now {lr:g}, try {lr_try:g}) or {clip}, then press Resume."
    ),
    "diverged.clip.off": "turn on gradient clipping (e.g. 1.0)",
    "diverged.clip.on": "clip harder (now {clip:g})",
    "not_learning": (
        "Training paused: the validation loss ({loss:.3g}) has stayed far above the baseline's "
        "({baseline:.3g}) for {n} evaluations in a row, so the model is not learning. Lower "
        "the learning rate (now {lr:g}, try {lr_try:g}), then press Resume."
    ),
    "budget.over": (
        "This run would need about {need} of memory, more than the {limit} each session may "
        "use on a shared server. Lower the {knob} to {fits} or less."
    ),
    "budget.over.none": (
        "This run would need about {need} of memory, more than the {limit} each session may "
        "use on a shared server. Choose a smaller model, batch and sequence length."
    ),
    "budget.knob.batch_size": "batch size",
    "budget.knob.hidden_size": "hidden size",
    "budget.knob.num_layers": "number of layers",
    "budget.knob.seq_len": "sequence length",
    "crashed": (
        "Training stopped at step {step} because of an unexpected error in this run "
        "({error}). Your model and its history are kept as they were after step {step}. "
        "Press Resume to try again, or Reset to start a new run."
    ),
    # ----- changes that need a new run
    "reset.model": "{field} changed ({old} -> {new}): that needs a new model",
    "reset.task": "the task changed ({old} -> {new}): that needs a new model",
    "reset.seed": "the seed changed: it fixes the initial weights and the data",
    "reset.batch_size": "the batch size changed: it fixes the stream of training batches",
    "reset.train_size": "the training-set size changed ({old} -> {new}): it fixes the data",
    "reset.knob": (
        "the task setting {name!r} changed ({old} -> {new}): it cannot change during training"
    ),
    "reset.knob_rejected": "{error}",
    # ----- live changes applied
    "applied.value": "{field}: {old} -> {new}",
    "applied.optimizer": "optimizer: {old} -> {new} (its state starts fresh)",
    "applied.plain": "{field}: {new}",
    # ----- configurations the engine refuses
    "config.unknown": "unknown {field} {value!r}; choose one of: {allowed}",
    "config.variant_cell": "variant {variant!r} is an LSTM variant; a {cell} has none",
    "config.whole": "{field} must be a whole number from {low} to {high}, got {value!r}",
    "config.positive": "{field} must be a positive number, got {value!r}",
    "config.range": "{field} must be a number from {low:g} to {high:g}, got {value!r}",
    "config.momentum": "momentum must be in [0, 1), got {value!r}",
    "config.finite": "{field} must be a finite number, got {value!r}",
    "config.zero_or": (
        "{field} must be 0 (off) or a whole number from {low} to {high}, got {value!r}"
    ),
    # ----- early stopping
    "stopped.early": (
        "Early stopping at step {step}: no new best validation loss for {patience} "
        "evaluations. The best was {best:.4g} at step {best_step}; press 'Restore best' to put "
        "its weights back, or Play to train on."
    ),
    "saved.names": "the saved weights do not fit this model: {names}",
    "saved.shape": "weight {name} has shape {shape}; the model needs {needed}",
    # ----- names of settings, used inside the texts above
    "field.cell": "the cell type",
    "field.variant": "the LSTM variant",
    "field.hidden_size": "the hidden size",
    "field.num_layers": "the number of layers",
    "field.embed_size": "the embedding size",
    "field.forget_bias": "the forget-gate bias at initialization",
    "field.recurrent_init": "the recurrent initialization",
    "field.recurrent_scale": "the recurrent weight scale",
    "field.gate_init": "the gate-bias initialization",
    "field.chrono_t_max": "chrono's longest lag T_max",
    "field.engine": "the engine",
    "field.device": "the device",
    # short names of settings, in the texts of refused configurations and live changes
    "name.cell": "cell",
    "name.variant": "variant",
    "name.engine": "engine",
    "name.device": "device",
    "name.recurrent_init": "recurrent init",
    "name.optimizer": "optimizer",
    "name.schedule": "schedule",
    "name.hidden_size": "hidden size",
    "name.num_layers": "layers",
    "name.embed_size": "embedding size",
    "name.batch_size": "batch size",
    "name.schedule_steps": "schedule steps",
    "name.eval_every": "eval every",
    "name.snapshot_every": "snapshot every",
    "name.max_snapshots": "max snapshots",
    "name.seed": "seed",
    "name.lr": "learning rate",
    "name.clip": "clipping",
    "name.momentum": "momentum",
    "name.forget_bias": "forget bias",
    "name.recurrent_scale": "recurrent scale",
    "name.dropout": "dropout",
    "name.weight_decay": "weight decay",
    "name.train_size": "training-set size",
    "name.early_stop": "early-stopping patience",
    "name.gate_init": "gate init",
    "name.chrono_t_max": "chrono T_max",
}
