"""Shareable links: a TrainConfig (plus page, language and classroom flags) <-> flat query
parameters. Pure functions, no streamlit: ``ui.classroom`` reads and writes ``st.query_params``.

``encode(cfg, page, lang)`` gives ``{"task": "adding", "k.seq_len": "50", "cell": "lstm", ...}``;
``decode(params)`` gives a ``Link`` whose configuration always builds: every value that is
unknown, malformed or out of range is replaced (clamped to the nearest bound, or the default)
and reported in ``Link.changes``. A link never raises.

Ranges are the classroom column of ``lstm_core.config.LIMITS`` (a shared server must not be
asked for a 1024-unit model by a tampered link): the same ranges as the Train page's widgets,
inside the engine's own limits.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from urllib.parse import urlencode

from lstm_core.config import (
    CELLS,
    ENGINES,
    GATE_INITS,
    LIMITS,
    OPTIMIZERS,
    RECURRENT_INITS,
    SCHEDULES,
    VARIANTS,
    ZERO_OR_FROM,
    ModelConfig,
    OptimConfig,
    TrainConfig,
    value_at,
)
from lstm_core.tasks import TASKS, TaskError, make_task

LANGS = ("en", "zh")
DEVICES = ("cpu", "auto")  # "cuda"/"mps" would fail on a server without one: "auto" is portable
KNOB_PREFIX = "k."

# Controls a teacher's link can lock or hide (names the Train page's widgets answer to), and
# groups that stand for several at once.
CONTROLS = (
    "task", "knobs", "seed",
    "cell", "variant", "hidden", "layers", "forget_bias", "init", "scale", "engine",
    "optimizer", "lr", "batch", "clip",
    "train_size", "dropout", "weight_decay", "early_stop",
    "gate_init",
)  # fmt: skip
GROUPS = {
    "model": (
        *("cell", "variant", "hidden", "layers", "forget_bias", "init", "scale", "engine"),
        "gate_init",
    ),
    "optim": ("optimizer", "lr", "batch", "clip"),
    "overfit": ("train_size", "dropout", "weight_decay", "early_stop"),
    "all": CONTROLS,
}


@dataclass(frozen=True)
class Field:
    """One flat parameter: where it lives in TrainConfig and what it may hold."""

    key: str  # the query-parameter name
    path: tuple[str, str | None]  # ("model", "hidden_size") or ("seed", None)
    kind: str  # "int" | "float" | "choice" | "clip"
    low: float | None = None
    high: float | None = None
    choices: tuple = ()


def _limited(key: str, name: str, kind: str) -> Field:
    """A numeric field whose range is the classroom column of LIMITS[name]."""
    limit = LIMITS[name]
    return Field(key, limit.path, kind, limit.class_low, limit.class_high)


FIELDS = (
    Field("cell", ("model", "cell"), "choice", choices=CELLS),
    Field("variant", ("model", "variant"), "choice", choices=VARIANTS),
    _limited("hidden", "hidden_size", "int"),
    _limited("layers", "num_layers", "int"),
    _limited("emb", "embed_size", "int"),
    _limited("fbias", "forget_bias", "float"),
    Field("init", ("model", "recurrent_init"), "choice", choices=RECURRENT_INITS),
    _limited("rscale", "recurrent_scale", "float"),
    Field("ginit", ("model", "gate_init"), "choice", choices=GATE_INITS),
    _limited("tmax", "chrono_t_max", "int"),
    Field("engine", ("model", "engine"), "choice", choices=ENGINES),
    Field("device", ("model", "device"), "choice", choices=DEVICES),
    Field("opt", ("optim", "name"), "choice", choices=OPTIMIZERS),
    _limited("lr", "lr", "float"),
    _limited("mom", "momentum", "float"),
    _limited("clip", "clip", "clip"),
    _limited("batch", "batch_size", "int"),
    Field("sched", ("optim", "schedule"), "choice", choices=SCHEDULES),
    _limited("ssteps", "schedule_steps", "int"),
    _limited("seed", "seed", "int"),
    _limited("eval", "eval_every", "int"),
    _limited("snap", "snapshot_every", "int"),
    _limited("nsnap", "max_snapshots", "int"),
    _limited("drop", "dropout", "float"),
    _limited("wd", "weight_decay", "float"),
    _limited("ntrain", "train_size", "int"),
    _limited("stop", "early_stop", "int"),
)
FLAGS = ("page", "lang", "lock", "hide", "projector", "sig")  # not part of the TrainConfig
CONFIG_KEYS = ("task", *(f.key for f in FIELDS))


@dataclass(frozen=True)
class Change:
    """A link value that was not used as given: ``why`` is "unknown" (no such parameter),
    "range" (clamped), "choice" (not an allowed name), "number" (not a number) or "task"
    (the task refused the values: its defaults were used)."""

    key: str
    given: str
    used: str
    why: str


@dataclass
class Link:
    config: TrainConfig
    page: str | None = None
    lang: str | None = None
    lock: tuple[str, ...] = ()
    hide: tuple[str, ...] = ()
    projector: bool = False
    changes: list[Change] = field(default_factory=list)


# ------------------------------------------------------------------------------ encode
def _text(value) -> str:
    """Exact text of a value: repr() of a float reads back bit for bit."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def encode(
    cfg: TrainConfig,
    page: str | None = None,
    lang: str | None = None,
    lock=(),
    hide=(),
    projector: bool = False,
) -> dict[str, str]:
    """Flat query parameters of a configuration (every field, so a link keeps its meaning
    when defaults change) and of the optional page, language and classroom flags."""
    out: dict[str, str] = {}
    if page:
        out["page"] = page
    if lang:
        out["lang"] = lang
    out["task"] = cfg.task
    for name, value in resolved_knobs(cfg).items():
        out[KNOB_PREFIX + name] = _text(value)
    for f in FIELDS:
        value = value_at(cfg, f.path)
        out[f.key] = "off" if f.kind == "clip" and value is None else _text(value)
    if lock:
        out["lock"] = ",".join(lock)
    if hide:
        out["hide"] = ",".join(hide)
    if projector:
        out["projector"] = "1"
    return out


def resolved_knobs(cfg: TrainConfig) -> dict:
    """Every knob of the task with the value in force (defaults filled in), read from the
    task's knobs without building it (``Task.resolve``): no file is parsed, no corpus loaded.
    An unknown task, knob or value: the knobs as given."""
    try:
        return TASKS[cfg.task].resolve(cfg.task_knobs)
    except (KeyError, TaskError):
        return dict(cfg.task_knobs)


def normalized(cfg: TrainConfig) -> TrainConfig:
    """``cfg`` with every task knob spelled out: what ``decode(encode(cfg))`` gives back."""
    return replace(cfg, task_knobs=resolved_knobs(cfg))


# ------------------------------------------------------------------------------ decode
def _number(text: str, kind: str) -> float | int | None:
    try:
        value = float(text)
    except (TypeError, ValueError):
        return None
    if not math.isfinite(value):
        return None
    if kind == "int":
        return int(round(value))
    return value


def _clamp(value, low, high):
    if low is not None and value < low:
        return type(value)(low)
    if high is not None and value > high:
        return type(value)(high)
    return value


def _read(text: str, kind: str, low, high, choices, default, key: str, changes: list):
    """A value of ``kind`` read from ``text``; a bad one is replaced and noted in ``changes``."""
    if kind == "choice":
        # A choice may be a number in disguise (a knob whose choices are ints).
        match = next((c for c in choices if _text(c) == text), None)
        if match is None:
            changes.append(Change(key, text, _text(default), "choice"))
            return default
        return match
    if kind == "bool":
        if text.lower() in ("1", "true", "yes", "on"):
            return True
        if text.lower() in ("0", "false", "no", "off"):
            return False
        changes.append(Change(key, text, _text(default), "choice"))
        return default
    if kind == "clip" and text.lower() in ("off", "none", ""):
        return None
    value = _number(text, "int" if kind == "int" else "float")
    if value is None:
        changes.append(Change(key, text, _text(default), "number"))
        return default
    clamped = _clamp(value, low, high)
    if clamped != value or (kind == "int" and _number(text, "float") != value):
        changes.append(Change(key, text, _text(clamped), "range"))
    return clamped


def _one(value) -> str:
    """Streamlit's query params give the last value of a repeated key; so do we."""
    if isinstance(value, list | tuple):
        return str(value[-1]) if value else ""
    return str(value)


def _names(text: str, key: str, changes: list) -> tuple[str, ...]:
    """A comma list of control names (groups expanded); unknown names are noted."""
    out: list[str] = []
    for name in (n.strip() for n in text.split(",")):
        if not name:
            continue
        if name in GROUPS:
            out.extend(GROUPS[name])
        elif name in CONTROLS:
            out.append(name)
        else:
            changes.append(Change(key, name, "", "unknown"))
    return tuple(dict.fromkeys(out))


def _task_knobs(task_name: str, params: dict, changes: list) -> tuple[str, dict]:
    """The task and its knob values from ``k.<name>`` parameters, each checked against the
    knob's kind, range and choices; a task that still refuses them (e.g. one that needs an
    uploaded file) is replaced by the default task."""
    default_task = TrainConfig().task
    if task_name not in TASKS:
        changes.append(Change("task", task_name, default_task, "choice"))
        task_name = default_task
    try:
        knobs = TASKS[task_name]().knobs
    except TaskError:  # a task that cannot be built without user data (csv)
        changes.append(Change("task", task_name, default_task, "task"))
        return _task_knobs(default_task, {}, changes)
    by_name = {k.name: k for k in knobs}
    values = {}
    for key, text in params.items():
        name = key[len(KNOB_PREFIX) :]
        knob = by_name.get(name)
        if knob is None:
            changes.append(Change(key, text, "", "unknown"))
            continue
        low = None if knob.low is None else (int(knob.low) if knob.kind == "int" else knob.low)
        high = None if knob.high is None else (int(knob.high) if knob.kind == "int" else knob.high)
        values[name] = _read(text, knob.kind, low, high, knob.choices, knob.default, key, changes)
    try:
        task = make_task(task_name, **values)
    except TaskError:  # e.g. text with source=custom and no text
        changes.append(Change("task", task_name, "defaults", "task"))
        task = make_task(task_name)
    return task_name, dict(task.values)


def decode(params: Mapping) -> Link:
    """A Link from query parameters (``st.query_params`` or a plain dict). Missing values
    take TrainConfig's defaults; bad ones are replaced and listed in ``changes``."""
    flat = {str(k): _one(v) for k, v in params.items()}
    changes: list[Change] = []
    base = TrainConfig()
    knob_params = {k: v for k, v in flat.items() if k.startswith(KNOB_PREFIX)}
    task, knobs = _task_knobs(flat.get("task", base.task), knob_params, changes)
    parts = {"model": {}, "optim": {}, "top": {}}
    for f in FIELDS:
        default = value_at(base, f.path)
        value = default
        if f.key in flat:
            value = _read(flat[f.key], f.kind, f.low, f.high, f.choices, default, f.key, changes)
        top, name = f.path
        if name is None:
            parts["top"][top] = value
        else:
            parts[top][name] = value
    size = parts["top"].get("train_size", 0)
    if 0 < size < ZERO_OR_FROM["train_size"]:  # 0 is a stream; a fixed set has at least 16
        changes.append(Change("ntrain", str(size), str(ZERO_OR_FROM["train_size"]), "range"))
        parts["top"]["train_size"] = ZERO_OR_FROM["train_size"]
    model = ModelConfig(**{**_defaults(ModelConfig), **parts["model"]})
    if model.cell != "lstm" and model.variant != "standard":
        changes.append(Change("variant", model.variant, "standard", "choice"))
        model.variant = "standard"
    cfg = TrainConfig(
        task=task,
        task_knobs=knobs,
        model=model,
        optim=OptimConfig(**{**_defaults(OptimConfig), **parts["optim"]}),
        **parts["top"],
    )
    link = Link(config=cfg, changes=changes)
    for key in flat:
        if key not in CONFIG_KEYS and key not in FLAGS and not key.startswith(KNOB_PREFIX):
            changes.append(Change(key, flat[key], "", "unknown"))
    if "lang" in flat:
        link.lang = _read(flat["lang"], "choice", None, None, LANGS, "en", "lang", changes)
    link.page = flat.get("page") or None
    link.lock = _names(flat.get("lock", ""), "lock", changes)
    link.hide = _names(flat.get("hide", ""), "hide", changes)
    link.projector = flat.get("projector", "0").lower() in ("1", "true", "yes", "on")
    return link


def _defaults(cls) -> dict:
    return {f.name: getattr(cls(), f.name) for f in fields(cls)}


def has_config(params: Mapping) -> bool:
    """True when the parameters carry any part of a configuration (not just flags)."""
    return any(k in CONFIG_KEYS or str(k).startswith(KNOB_PREFIX) for k in params)


def query_string(params: Mapping[str, str]) -> str:
    """``a=1&b=x%2Cy``: the text after ``?`` in a link."""
    return urlencode(dict(params), safe=",")


# ------------------------------------------------------------------------------ signed locks
SIG = "sig"  # the query parameter holding a teacher link's signature
# The query parameters whose values each lockable control stands for.
CONTROL_KEYS = {
    "task": ("task",),
    "seed": ("seed",),
    "cell": ("cell",),
    "variant": ("variant",),
    "hidden": ("hidden",),
    "layers": ("layers",),
    "forget_bias": ("fbias",),
    "init": ("init",),
    "scale": ("rscale",),
    "engine": ("engine",),
    "optimizer": ("opt",),
    "lr": ("lr",),
    "batch": ("batch",),
    "clip": ("clip",),
}


def _signed_text(params: Mapping) -> bytes:
    """What a signature covers: the locked and hidden control lists and the values of those
    controls (so a student can change every other value, and the link stays valid)."""
    flat = {str(k): _one(v) for k, v in params.items()}
    lock = _names(flat.get("lock", ""), "lock", [])  # groups expanded: "model" = its controls
    hide = _names(flat.get("hide", ""), "hide", [])
    names = set(lock) | set(hide)
    # the values in force, so that the short link (defaults left out) and the full one that
    # the address bar then shows carry the same signature
    values = encode(decode(flat).config)
    keys = {k for n in names for k in CONTROL_KEYS.get(n, ())}
    if "knobs" in names:
        keys |= {k for k in values if k.startswith(KNOB_PREFIX)}
    lines = [f"lock={','.join(lock)}", f"hide={','.join(hide)}"]
    lines += [f"{k}={values.get(k, '')}" for k in sorted(keys)]
    return "\n".join(["lstm-playground link v1", *lines]).encode("utf-8")


def sign(params: Mapping, secret: bytes) -> dict[str, str]:
    """``params`` with the teacher's signature (HMAC-SHA256 with the server's secret)."""
    digest = hmac.new(secret, _signed_text(params), hashlib.sha256).digest()
    out = {k: _one(v) for k, v in params.items() if k != SIG}
    out[SIG] = base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")
    return out


def signature_state(params: Mapping, secret: bytes) -> str:
    """ "none" (no lock or hide asked for), "valid", "unsigned" or "tampered"."""
    flat = {str(k): _one(v) for k, v in params.items()}
    if not flat.get("lock") and not flat.get("hide"):
        return "none"
    if not flat.get(SIG):
        return "unsigned"
    expected = sign(flat, secret)[SIG]
    return "valid" if hmac.compare_digest(expected, flat[SIG]) else "tampered"


def encode_short(
    cfg: TrainConfig,
    page: str | None = None,
    lang: str | None = None,
    lock=(),
    hide=(),
    projector: bool = False,
) -> dict[str, str]:
    """Like ``encode``, but only the values that differ from what ``decode`` fills in for a
    missing one (TrainConfig's defaults, the task's knob defaults): the same configuration
    today in a link short enough to type or scan. Unlike the full link, it takes the new
    defaults if they ever change."""
    full = encode(cfg, page, lang, lock, hide, projector)
    base = encode(TrainConfig(task=cfg.task))  # defaults, with this task's knob defaults
    default_task = TrainConfig().task
    return {
        k: v
        for k, v in full.items()
        if k in FLAGS or (k == "task" and v != default_task) or (k != "task" and base.get(k) != v)
    }
