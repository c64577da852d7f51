"""Setup widgets of the Train page: each group returns a config dataclass.

Widgets are seeded from the session's TrainConfig (``seed_widgets``) rather than from their
own state, so the configuration survives page switches and Cancel can put them back.
Keys are prefixed ``train_``.
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from lstm_core.config import (
    GATE_INITS,
    LIMITS,
    OPTIMIZERS,
    RECURRENT_INITS,
    VARIANTS,
    TrainConfig,
)
from lstm_core.tasks import TASKS, NeedsInput, Task, TaskError
from lstm_core.train import NeedsReset, TrainError
from ui import links, state, upload
from ui.classroom import projector_on, widget
from ui.figures.train import caption, preview_figure
from ui.i18n import current_language, problem_text, t, translate


def _classroom(name: str, grid) -> tuple:
    """The points of ``grid`` inside the classroom range of LIMITS[name] (lstm_core.config)."""
    limit = LIMITS[name]
    return tuple(v for v in grid if limit.class_low <= v <= limit.class_high)


LR_GRID = _classroom(
    "lr", (1e-4, 2e-4, 5e-4, 1e-3, 2e-3, 5e-3, 1e-2, 2e-2, 5e-2, 0.1, 0.2, 0.5, 1.0)
)
CLIP_GRID = _classroom("clip", (0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0))
HIDDEN_GRID = _classroom("hidden_size", (2**k for k in range(11)))
BATCH_GRID = _classroom("batch_size", (2**k for k in range(13)))
SCALE_GRID = _classroom("recurrent_scale", (0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 4.0))
LAYERS = tuple(range(LIMITS["num_layers"].class_low, LIMITS["num_layers"].class_high + 1))
FORGET_BIAS = (LIMITS["forget_bias"].class_low, LIMITS["forget_bias"].class_high)
T_MAX = (LIMITS["chrono_t_max"].class_low, LIMITS["chrono_t_max"].class_high)
CELL_NAMES = {"lstm": "LSTM", "gru": "GRU", "rnn": "RNN (tanh)"}
TRAIN_SIZE_GRID = (0, 16, 32, 64, 128, 256, 512, 1024, 2048, 5000, 10_000, 20_000)  # 0: stream
DROPOUT_GRID = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5)
DECAY_GRID = (0.0, 1e-5, 1e-4, 1e-3, 1e-2, 0.1)
PATIENCE_GRID = (0, 3, 5, 10, 20)  # evaluations without a new best; 0: off


def _labels(prefix: str):
    """A select box's ``format_func``: option v -> the catalogue's ``prefix.v`` in the language
    of this run (options stay stable values, so a language switch only relabels them)."""
    lang = current_language()
    return lambda v: translate(f"{prefix}.{v}", lang)


def _with(grid: tuple, value) -> list:
    """The grid plus ``value`` (a configured value is never silently rounded away)."""
    return sorted(set(grid) | {value})


def knob_key(task: str, name: str) -> str:
    return f"train_knob_{task}_{name}"


def widget_values(cfg: TrainConfig) -> dict:
    """Widget key -> value that shows ``cfg``."""
    m, o = cfg.model, cfg.optim
    values = {
        "train_task": cfg.task,
        "train_cell": m.cell,
        "train_variant": m.variant,
        "train_hidden": m.hidden_size,
        "train_layers": m.num_layers,
        "train_forget_bias": float(m.forget_bias),
        "train_init": m.recurrent_init,
        "train_gate_init": m.gate_init,
        "train_t_max": int(m.chrono_t_max),
        "train_scale": float(m.recurrent_scale),
        "train_engine": m.engine,
        "train_opt": o.name,
        "train_lr": o.lr,
        "train_batch": o.batch_size,
        "train_clip_on": o.clip is not None,
        "train_clip": o.clip if o.clip is not None else 1.0,
        "train_seed": int(cfg.seed),
        "train_size": int(cfg.train_size),
        "train_dropout": float(m.dropout),
        "train_decay": float(o.weight_decay),
        "train_patience": int(cfg.early_stop),
    }
    task = state.task_for(cfg.task, cfg.task_knobs)
    for name, value in task.values.items():
        values[knob_key(cfg.task, name)] = value
    return values


def seed_widgets(cfg: TrainConfig, force: bool = False) -> None:
    """Put ``cfg`` into the widgets (only missing keys unless ``force``)."""
    for key, value in widget_values(cfg).items():
        if force or key not in st.session_state:
            st.session_state[key] = value


def _knob_widget(task: Task, knob) -> object:
    """One widget for one task knob, labelled with its help line in the user's language."""
    lang = current_language()
    key = knob_key(task.name, knob.name)
    if key not in st.session_state:
        st.session_state[key] = task.values[knob.name]
    # A plain label; the name the code and the links use is in the help tooltip.
    label = (knob.help.get(lang) or knob.help_en).rstrip("。.")
    code = t("train.knob.code", name=knob.name)
    if knob.kind == "choice":  # options are the values; labels follow the current language
        return widget(
            "knobs",
            st.selectbox,
            label,
            knob.choices,
            key=key,
            format_func=lambda v: knob.choice_label(v, lang),
            help=code,
        )
    if knob.kind == "bool":
        return widget("knobs", st.checkbox, label, key=key, help=code)
    if knob.kind == "int":
        return widget("knobs", st.slider, label, int(knob.low), int(knob.high), key=key, help=code)
    step = round((knob.high - knob.low) / 100, 6)
    low, high = float(knob.low), float(knob.high)
    return widget("knobs", st.slider, label, low, high, step=step, key=key, help=code)


def error_text(error: Exception) -> str:
    """A task or training error as the reader reads it: in their language where it has one."""
    if isinstance(error, TaskError):
        return error.message_in(current_language())
    if isinstance(error, TrainError):
        return problem_text(error.problem)
    return str(error)


def task_controls(cfg: TrainConfig) -> tuple[str, dict]:
    """Task selector and its knobs; returns (task name, knob values)."""
    lang = current_language()
    name = widget(
        "task",
        st.selectbox,
        t("train.task"),
        list(TASKS),
        key="train_task",
        format_func=lambda n: TASKS[n].title.get(lang, n),
    )
    knobs = cfg.task_knobs if name == cfg.task else {}
    upload.data_controls(name, knobs)  # the csv task's file (ui.upload)
    task = state.task_for(name, knobs)
    with st.expander(t("train.about_task")):
        st.write(task.description.get(lang, ""))
        st.caption(task.teaches.get(lang, ""))
    values = {k.name: _knob_widget(task, k) for k in task.knobs}
    task_preview(name, values, int(st.session_state["train_seed"]))
    return name, values


def task_preview(name: str, values: dict, seed: int) -> None:
    """A few example sequences of the task as it is set now (text, or a plot of numbers)."""
    try:
        examples = state.task_for(name, values).preview(seed, n=3)
    except NeedsInput:
        return  # the data controls ask for the text or file
    except TaskError as e:
        st.warning(t("train.bad_config", message=error_text(e)))
        return
    st.markdown(f"**{t('train.preview')}**")
    if "text" in examples[0]:
        lang = current_language()
        lines = [f"{e['text'][:70]}  → {caption(e, lang)}" for e in examples]
        st.code("\n".join(lines), language=None)
    else:
        st.plotly_chart(
            preview_figure(examples, current_language(), projector=projector_on()),
            width="stretch",
            key="train_preview_chart",
            config={"displayModeBar": False},
        )


def model_controls(cfg: TrainConfig):
    """Cell, variant, size, layers, initialization and engine -> ModelConfig. Choices with
    long option labels take the whole width of the setup column (at 1440 px half of it cut
    them off); only the sliders share a row."""
    cell = widget(
        "cell",
        st.selectbox,
        t("train.cell"),
        list(CELL_NAMES),
        key="train_cell",
        format_func=CELL_NAMES.get,
    )
    if cell != "lstm":
        st.session_state["train_variant"] = "standard"
    variant = widget(
        "variant",
        st.selectbox,
        t("train.variant"),
        VARIANTS,
        key="train_variant",
        format_func=_labels("train.variant"),
        disabled=cell != "lstm",
    )
    layers = widget(
        "layers", st.radio, t("train.layers"), LAYERS, key="train_layers", horizontal=True
    )
    c1, c2 = st.columns(2)
    hidden = widget(
        "hidden",
        c1.select_slider,
        t("train.hidden"),
        _with(HIDDEN_GRID, cfg.model.hidden_size),
        key="train_hidden",
    )
    forget_bias = widget(
        "forget_bias",
        c2.slider,
        t("train.forget_bias"),
        *FORGET_BIAS,
        step=0.5,
        key="train_forget_bias",
        disabled=cell != "lstm",
        help=t("train.forget_bias.help"),
    )
    gate_init, t_max = gate_init_controls(cell)
    init = widget(
        "init",
        st.selectbox,
        t("train.init"),
        RECURRENT_INITS,
        key="train_init",
        format_func=_labels("train.init"),
    )
    scale = widget(
        "scale",
        st.select_slider,
        t("train.scale"),
        _with(SCALE_GRID, cfg.model.recurrent_scale),
        key="train_scale",
        help=t("train.scale.help"),
    )
    engine = widget(
        "engine",
        st.radio,
        t("train.engine"),
        ["torch", "numpy"],
        key="train_engine",
        format_func=_labels("train.engine"),
    )
    return replace(
        cfg.model,
        cell=cell,
        variant=variant if cell == "lstm" else "standard",
        hidden_size=int(hidden),
        num_layers=int(layers),
        forget_bias=float(forget_bias),
        gate_init=gate_init,
        chrono_t_max=int(t_max),
        recurrent_init=init,
        recurrent_scale=float(scale),
        engine=engine,
    )


def gate_init_controls(cell: str) -> tuple[str, int]:
    """The LSTM's gate-bias initialisation (default or chrono) and chrono's T_max, each the
    whole column wide (in half of it at 1440 px the select cut its value off)."""
    gate_init = widget(
        "gate_init",
        st.selectbox,
        t("train.gate_init"),
        GATE_INITS,
        key="train_gate_init",
        format_func=_labels("train.gate_init"),
        disabled=cell != "lstm",
        help=t("train.gate_init.help"),
    )
    t_max = widget(
        "gate_init",
        st.number_input,
        t("train.t_max"),
        *T_MAX,
        step=10,
        key="train_t_max",
        disabled=cell != "lstm" or gate_init != "chrono",
        help=t("train.t_max.help"),
    )
    return gate_init, t_max


def optim_controls(cfg: TrainConfig):
    """Optimizer, learning rate (log scale), batch size and clipping -> OptimConfig."""
    c1, c2 = st.columns(2)
    name = widget(
        "optimizer",
        c1.selectbox,
        t("train.optimizer"),
        OPTIMIZERS,
        key="train_opt",
        format_func=_labels("train.optimizer"),
    )
    batch = widget(
        "batch",
        c2.select_slider,
        t("train.batch"),
        _with(BATCH_GRID, cfg.optim.batch_size),
        key="train_batch",
    )
    lr = widget(
        "lr",
        st.select_slider,
        t("train.lr"),
        _with(LR_GRID, cfg.optim.lr),
        key="train_lr",
        format_func=lambda v: f"{v:g}",
        help=t("train.lr.help"),
    )
    clip_on = widget(
        "clip", c1.toggle, t("train.clip_on"), key="train_clip_on", help=t("train.clip.help")
    )
    clip = widget(
        "clip",
        c2.select_slider,
        t("train.clip"),
        _with(CLIP_GRID, st.session_state["train_clip"]),
        key="train_clip",
        disabled=not clip_on,
    )
    return replace(
        cfg.optim,
        name=name,
        lr=float(lr),
        batch_size=int(batch),
        clip=float(clip) if clip_on else None,
    )


def regularization_controls(cfg: TrainConfig) -> TrainConfig:
    """Training-set size, dropout, weight decay and early stopping -> the config."""
    c1, c2 = st.columns(2)
    size = widget(
        "train_size",
        c1.select_slider,
        t("overfit.train_size"),
        _with(TRAIN_SIZE_GRID, cfg.train_size),
        key="train_size",
        format_func=lambda n: t("overfit.stream") if n == 0 else f"{n:,}",
        help=t("overfit.train_size.help"),
    )
    patience = widget(
        "early_stop",
        c2.select_slider,
        t("overfit.early_stop"),
        _with(PATIENCE_GRID, cfg.early_stop),
        key="train_patience",
        format_func=lambda n: t("overfit.off") if n == 0 else str(n),
        help=t("overfit.early_stop.help"),
    )
    dropout = widget(
        "dropout",
        c1.select_slider,
        t("overfit.dropout"),
        _with(DROPOUT_GRID, cfg.model.dropout),
        key="train_dropout",
        format_func=lambda p: f"{p:g}",
        help=t("overfit.dropout.help"),
    )
    decay = widget(
        "weight_decay",
        c2.select_slider,
        t("overfit.weight_decay"),
        _with(DECAY_GRID, cfg.optim.weight_decay),
        key="train_decay",
        format_func=lambda v: f"{v:g}",
        help=t("overfit.weight_decay.help"),
    )
    return replace(
        cfg,
        train_size=int(size),
        early_stop=int(patience),
        model=replace(cfg.model, dropout=float(dropout)),
        optim=replace(cfg.optim, weight_decay=float(decay)),
    )


def setup_controls(cfg: TrainConfig) -> TrainConfig:
    """All setup widgets in three tabs; returns the configuration they show."""
    seed_widgets(cfg)
    tab_task, tab_model, tab_optim = st.tabs(
        [t("train.tab.task"), t("train.tab.model"), t("train.tab.optim")]
    )
    with tab_task:
        task, knobs = task_controls(cfg)
        seed = widget(
            "seed",
            st.number_input,
            t("train.seed"),
            0,
            2**31 - 1,
            step=1,
            key="train_seed",
            help=t("train.seed.help"),
        )
    with tab_model:
        model = model_controls(cfg)
    with tab_optim:
        optim = optim_controls(cfg)
        st.caption(t("overfit.controls"))
        new = replace(cfg, task=task, task_knobs=knobs, model=model, optim=optim, seed=int(seed))
        return regularization_controls(new)


# ----- applying a changed setup
PENDING = "train_pending"  # a configuration that needs a reset, waiting for Confirm / Cancel


def _confirm_reset() -> None:
    state.reset_trainer(st.session_state.pop(PENDING))


def _cancel_reset() -> None:
    st.session_state.pop(PENDING, None)
    seed_widgets(state.get_config(), force=True)


def apply_setup(new: TrainConfig) -> None:
    """Live changes (learning rate, clipping, live knobs) go straight to the trainer; a
    structural change asks first, then starts a new run. Bad values: a plain message."""
    trainer = state.get_trainer()
    with state.trainer_turn() as mine:
        if not mine:
            return  # a tick holds the trainer; the next run applies the change
        try:
            # nothing to lose at step 0: rebuild without asking, unless only the spelling
            # changed (the menus fill in every knob): the Trainer then keeps its task
            if trainer.steps == 0 and links.normalized(new) != links.normalized(trainer.config):
                state.reset_trainer(new)
                return
            changes = trainer.apply(new)
        except NeedsReset as e:
            try:  # offer a new run only if one can be built (e.g. a window longer than the file)
                state.task_for(new.task, new.task_knobs)
            except NeedsInput:
                return  # the data controls ask for the text or file
            except TaskError as bad:
                st.error(t("train.bad_config", message=error_text(bad)))
                return
            st.session_state[PENDING] = new
            reasons = [problem_text(p) for p in e.problems]
            st.warning(t("train.ask_reset") + "\n\n" + "\n".join(f"- {r}" for r in reasons))
            st.button(
                t("train.confirm_reset"),
                on_click=_confirm_reset,
                type="primary",
                key="train_confirm",
                width="stretch",
            )
            st.button(
                t("train.cancel_reset"), on_click=_cancel_reset, key="train_cancel", width="stretch"
            )
            return
        except NeedsInput:
            return  # the data controls ask for the text or file
        except (TaskError, TrainError) as e:
            st.error(t("train.bad_config", message=error_text(e)))
            return
    state.set_config(new)
    st.session_state.pop(PENDING, None)
    if changes:
        lang = current_language()
        texts = [problem_text(c, lang) for c in trainer.applied] or changes
        st.toast(t("train.changed", changes="; ".join(texts)))
