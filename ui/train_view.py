"""What the Train page does each tick, kept out of the page: train one time-boxed chunk,
measure the live speed, trace the live cell once per step, and pick the prediction view for
the task's kind."""

from __future__ import annotations

import json
import os
import time
from collections import deque

import numpy as np
import pandas as pd
import streamlit as st

from lstm_core import inside as ins
from lstm_core.tasks.synthetic import free_run
from ui import state
from ui.figures import inside as fi
from ui.figures import predictions
from ui.figures import train as figs
from ui.i18n import t, translate

# The fragment's timer fires every TICK_S; a tick that runs longer is followed by the next one
# as soon as the browser has drawn it. Each tick trains for a time box chosen by TickClock:
# long enough that training gets most of the time, short enough that the charts still
# update at least twice a second and a button press waits at most MAX_CHUNK_S.
TICK_S = 0.05
CHUNK_S = 0.14  # the time box when nothing is known yet about the overhead
MIN_CHUNK_S, MAX_CHUNK_S = 0.12, 0.4
TRAIN_SHARE = 0.8  # the share of wall time training should get while the user watches
MIN_UPDATES_PER_S = 2.2  # the bar is 2; a margin for the jitter of the measured overhead
MAX_UPDATES_PER_S = 2.3  # more costs training time; 2.2-2.3 keeps a margin over the bar of 2
SPEEDS = ("auto", 1, 5, 20, 100)  # steps per tick; "auto": as many as fit in CHUNK_S
FREE_RUN_SHARE = 0.05  # the free-running forecast may cost at most this share of the time
TEXT_STEPS = 80  # characters of a sequence shown in the text view


def tick(trainer, speed, seconds: float = CHUNK_S) -> int:
    """Train one chunk: ``speed`` steps or, for "auto", as many as fit in ``seconds`` (always
    at least one step; never past ``seconds`` once a step is done). Returns the steps."""
    if speed == "auto":
        return trainer.advance(seconds)
    start, done = time.perf_counter(), 0
    while done < int(speed) and (done == 0 or time.perf_counter() - start < seconds):
        applied = trainer.step(1)
        if not applied:
            break
        done += applied
    return done


class TickClock:
    """Chooses each tick's training time box from the last ticks: their overhead (redraw,
    network, the browser drawing the charts, the timer's wait) and how far training ran past
    its box (the last step, an evaluation or a snapshot finish after the box has closed)."""

    def __init__(self):
        self.started = self.trained_until = None  # perf_counter of the last tick's phases
        self.planned = 0.0  # the last tick's time box
        self.overhead = deque(maxlen=8)  # seconds per tick not spent training
        self.overrun = deque(maxlen=8)  # seconds per tick trained beyond the box

    def start(self) -> float:
        """Call at the start of a tick; returns the time box for this tick's training."""
        now = time.perf_counter()
        if self.trained_until is not None and now - self.trained_until < 2.0:
            self.overhead.append(now - self.trained_until)  # redraw + round trip
        self.started = now
        self.planned = chunk_seconds(_median(self.overhead), _median(self.overrun) or 0.0)
        return self.planned

    def trained(self) -> None:
        """Call when this tick's training is done."""
        self.trained_until = time.perf_counter()
        self.overrun.append(max(0.0, self.trained_until - self.started - self.planned))


def _median(values) -> float | None:
    return sorted(values)[len(values) // 2] if values else None


def chunk_seconds(overhead: float | None, overrun: float = 0.0) -> float:
    """The training time box for a tick. Training (box + overrun) should get TRAIN_SHARE of
    the tick; the charts need not update more than MAX_UPDATES_PER_S (redrawing costs
    training time) and must not drop below MIN_UPDATES_PER_S; within the bounds."""
    if overhead is None:
        return CHUNK_S
    box = overhead * TRAIN_SHARE / (1 - TRAIN_SHARE) - overrun
    box = max(box, 1 / MAX_UPDATES_PER_S - overhead - overrun)
    box = min(box, 1 / MIN_UPDATES_PER_S - overhead - overrun)
    return min(max(box, MIN_CHUNK_S), MAX_CHUNK_S)


TICK_LOG = "LSTM_PLAYGROUND_TICK_LOG"  # env: a file that gets one JSON line per tick


class TickTimer:
    """Where one tick's server time goes (seconds per phase, and the figures' build and JSON
    time and bytes), appended as a JSON line to the file named by $LSTM_PLAYGROUND_TICK_LOG
    (bench/app_train.py sets it); without it, nothing is written."""

    def __init__(self):
        self.last, self.spans = time.perf_counter(), {}

    def mark(self, phase: str) -> None:
        now = time.perf_counter()
        self.spans[phase] = self.spans.get(phase, 0.0) + now - self.last
        self.last = now

    def write(self, steps: int, costs: dict) -> None:
        path = os.environ.get(TICK_LOG)
        if not path:
            return
        build, encode, size = (sum(c[k] for c in costs.values()) for k in range(3))
        line = dict(self.spans, steps=steps, build=build, json=encode, bytes=size, at=time.time())
        line["rebuilt"] = sorted(costs)
        with open(path, "a", encoding="utf-8") as f:
            f.write(json.dumps(line) + "\n")


class LiveMeter:
    """Steps per second of wall-clock time while the user watches (ticks included)."""

    def __init__(self, window_s: float = 5.0):
        self.window_s = window_s
        self.points: deque = deque()  # (time, steps)

    def add(self, steps: int, now: float | None = None) -> None:
        now = time.perf_counter() if now is None else now
        self.points.append((now, steps))
        while len(self.points) > 2 and now - self.points[0][0] > self.window_s:
            self.points.popleft()

    def rate(self) -> float:
        if len(self.points) < 2:
            return 0.0
        (t0, s0), (t1, s1) = self.points[0], self.points[-1]
        return (s1 - s0) / (t1 - t0) if t1 > t0 else 0.0


class LiveTrace:
    """The trace of validation sequence 0 through the current model, computed once per
    training step: every chart of a tick (and every cursor or unit move between steps)
    reuses it."""

    def __init__(self):
        self.run, self.step, self.traces = None, None, None

    def get(self, trainer) -> list[dict]:
        """Per-layer traces, each quantity ``(T, 1, H)``."""
        if self.run is not trainer or self.step != trainer.steps:
            self.traces = ins.live_trace(trainer, 0)
            self.run, self.step = trainer, trainer.steps
        return self.traces


LIVE_CELL_HEIGHT = 470  # the live cell's heatmaps: one screen at 1280 x 800 with the run bar
PROJECTOR_CELL_HEIGHT = 420  # the same with the projector's larger type above it


def live_cell_table(traces, view: dict, lang: str):
    """The live cell's numbers at the cursor: one row per unit, one column per quantity."""
    seq = ins.one_sequence(traces[view["layer"]], 0)  # name -> (T, H)
    t_cur = min(view["t"], len(seq["h"]) - 1)
    table = pd.DataFrame({fi.quantity_label(q, lang): v[t_cur] for q, v in seq.items()})
    return table.rename_axis(translate("inside.axis.unit", lang))


def live_cell_height(projector: bool) -> int:
    return PROJECTOR_CELL_HEIGHT if projector else LIVE_CELL_HEIGHT


# The loss and metric charts beside the live cell; projector mode gives the loss chart room for
# its legend rows under the axis title (ui.figures.train: the projector legend).
CURVE_HEIGHT = 275
PROJECTOR_CURVE_HEIGHT = {"loss": 270, "metric": 250}


def curve_height(chart: str, projector: bool) -> int:
    """Height of the "loss" or "metric" chart of the studio."""
    return PROJECTOR_CURVE_HEIGHT[chart] if projector else CURVE_HEIGHT


def live_cell_figure(trainer, traces, view: dict, lang: str, projector: bool, running=False):
    """The live cell: the input of validation sequence 0 over bands of every quantity of
    layer ``view["layer"]``; the chosen unit's outline, the cursor and the values at it come
    from ``live_cell_overlay``, drawn over it. ``running``: the compact figure (cells as
    bytes, no hover values), a ninth of the bytes to send and decode twice a second."""
    seq = ins.one_sequence(traces[view["layer"]], 0)  # name -> (T, H)
    x_seq, tokens = ins.probe_input(trainer, 0)
    return fi.live_cell(
        seq,
        x_seq,
        min(view["t"], len(seq["h"]) - 1),
        lang,
        tokens,
        unit=view["unit"],
        normalise=view["normalise"],
        projector=projector,
        height=live_cell_height(projector),
        overlay=True,
        compact=running,
    )


def live_cell_overlay(traces, view: dict) -> dict:
    """What a cursor or unit move changes on the live cell, drawn over it in the browser: the
    figure itself (``live_cell_figure``) depends only on the layer and ``normalise``."""
    seq = ins.one_sequence(traces[view["layer"]], 0)
    t_cur = min(view["t"], len(seq["h"]) - 1)
    return fi.live_cell_overlay(seq, t_cur, view["unit"], view["normalise"])


def solved_step(history) -> int | None:
    """The first evaluation step at which the metric passed the task's threshold."""
    for step, solved in zip(history.val_step, history.solved, strict=True):
        if solved:
            return int(step)
    return None


def softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def output_symbols(task) -> list[str]:
    """A symbol per output class: the vocabulary for next-token tasks and for labelling tasks
    whose classes index the vocabulary; otherwise the class number (e.g. a bracket depth)."""
    n = task.spec.output_size
    if task.vocab is not None and (task.kind == "next_token" or n <= len(task.vocab)):
        return list(task.vocab[:n])
    return [str(k) if k < 10 else chr(ord("a") + k - 10) for k in range(n)]


def text_rows(task, x_ids, y_ids, pred_ids, labels: dict, legal=None) -> str:
    """Aligned rows (HTML): input, target, prediction, the legal set (``legal`` (T, V) bool,
    for tasks with several correct answers) and ^ under every wrong prediction."""
    n = min(len(y_ids), TEXT_STEPS)
    inputs = [task.vocab[int(k)] for k in x_ids[:n]] if task.vocab else None
    legal = None if legal is None else legal[:n]
    steps = predictions.prediction_steps(
        inputs, y_ids[:n], pred_ids[:n], output_symbols(task), legal
    )
    return predictions.rows_html(steps, labels)


class FreeRun:
    """The free-running forecast of a next-step task that offers ``forecast_inputs``,
    recomputed only as often as keeps its cost under FREE_RUN_SHARE of the time."""

    def __init__(self):
        self.step, self.result, self.cost, self.at, self.run = None, None, 0.0, 0.0, None

    def get(self, trainer):
        task = trainer.task
        if not hasattr(task, "forecast_inputs") or task.spec.input_size != task.spec.output_size:
            return None
        now = time.perf_counter()
        stale = self.step != trainer.steps and now - self.at > self.cost / FREE_RUN_SHARE
        if self.result is None or self.run is not trainer or stale:
            seq_len = int(task.values.get("seq_len", 100))
            inputs = task.forecast_inputs(trainer.config.seed, warmup=seq_len, steps=seq_len // 2)
            free = free_run(trainer.predict, inputs["warmup_x"], seq_len // 2)
            self.result = (inputs["warmup_x"][:, 0, 0], inputs["future"][:, 0, 0], free[:, 0, 0])
            self.step, self.at, self.run = trainer.steps, time.perf_counter(), trainer
            self.cost = self.at - now
        return self.result


TEXT_KINDS = ("labelling", "next_token")  # shown as aligned text rather than a chart


def prediction_figure(trainer, lang: str, free_run: FreeRun | None = None, projector: bool = False):
    """Predictions against targets on validation data, for the task's kind: a scatter
    (regression), class probabilities (classification), or a forecast (next step)."""
    task, val = trainer.task, trainer.val_batch
    if task.kind == "regression":
        val = val.subset(slice(0, 64))
        pred = trainer.predict(val.x)[:, 0]
        return figs.regression_figure(val.y[:, 0], pred, lang, projector=projector)
    one = val.subset([0])
    out = trainer.predict(one.x)
    if task.kind == "classification":
        names = [task.class_name(k, lang) for k in range(task.spec.output_size)]
        probs = softmax(out[0])
        return figs.class_prob_figure(probs, int(one.y[0]), names, lang, projector=projector)
    mask = None if one.mask is None else one.mask[:, 0]
    free = free_run.get(trainer) if free_run is not None else None
    u = task.to_units  # the chart shows the user's units, not the model's scaled values
    warm, future, forecast = (u(a) for a in free) if free is not None else (None, None, None)
    table = getattr(task, "table", None)  # a real series: its axis is the target column
    return figs.forecast_figure(
        *(u(one.x[:, 0, 0]), u(one.y[:, 0, 0]), u(out[:, 0, 0]), mask, warm, future, forecast),
        lang,
        y_title=table.target if table is not None else "",
        projector=projector,
    )


def prediction_height(trainer) -> int:
    """Chart height of the prediction view: two stacked panels need more room than one."""
    return 500 if hasattr(trainer.task, "forecast_inputs") else 420


def prediction_text(trainer, labels: dict) -> str:
    """Input, target and predicted symbols of one validation sequence (TEXT_KINDS)."""
    one = trainer.val_batch.subset([0])
    pred = np.argmax(trainer.predict(one.x)[:, 0], axis=-1)  # (T,)
    legal = trainer.task.legal_targets(one)  # (T, 1, V) or None
    legal = None if legal is None else legal[:, 0]
    return text_rows(trainer.task, one.x[:, 0], one.y[:, 0], pred, labels, legal)


def short(value: float) -> str:
    """A loss in at most 6 characters: 0.0312, 2.4e-4."""
    if value != 0 and abs(value) < 0.01:
        mantissa, exponent = f"{value:.1e}".split("e")
        return f"{mantissa}e{int(exponent)}"
    return f"{value:.3g}"


# ----------------------------------------------------------------- the studio's controls
# Play and Pause must differ from the back of a room: Play is the primary (red) button, Pause a
# larger amber one, and the state beside them pulses while training. The counters are compact
# so the studio fits a 1280 x 800 projector without scrolling.
STUDIO_CSS = """<style>
[data-testid="stMainBlockContainer"] { padding-top: 1.4rem; }
[data-testid="stMainBlockContainer"] h1 { font-size: 1.8rem; padding: 0 0 0.2rem 0; }
[data-testid="stMainBlockContainer"] [data-testid="stVerticalBlock"] { gap: 0.55rem; }
.st-key-train_pause button {
    background: #E69F00 !important; border-color: #B37A00 !important; color: #000 !important;
}
.st-key-train_pause button, .st-key-train_play button { min-height: 3rem; }
.st-key-train_pause button p, .st-key-train_play button p { font-size: 1.35rem; font-weight: 700; }
.lstm-run-state { font-weight: 700; font-size: 1.1rem; white-space: nowrap; }
.lstm-run-state.lstm-on { color: #D55E00; }
.lstm-run-state.lstm-on::before { content: "\\25CF  "; animation: lstm-pulse 1s infinite; }
.lstm-run-state.lstm-off { color: #555555; }
.lstm-run-state.lstm-off::before { content: "\\25A0  "; }
@keyframes lstm-pulse { 50% { opacity: 0.2; } }
[data-testid="stMetric"] { padding: 0; }
[data-testid="stMetricValue"] { font-size: 1.5rem; }
</style>"""


# While training, every tick marks the last tick's elements stale and Streamlit fades them to
# 33% opacity until they are redrawn: the prediction rows and cards, headings and captions of
# the studio would pulse with every tick. Nothing fades while Play is on.
NO_FADE_CSS = """<style>
[data-stale="true"] { opacity: 1 !important; transition: none !important; }
</style>"""


def studio_style(running: bool = False) -> None:
    """The run bar's look (Play and Pause told apart at a glance, compact counters); while
    ``running``, no element fades between ticks."""
    st.markdown(STUDIO_CSS + (NO_FADE_CSS if running else ""), unsafe_allow_html=True)


def run_bar(running: bool) -> tuple:
    """The run bar: Play (or, while training, a large Pause), Step, Reset, speed and tables.
    Outside the live fragment, so a press starts or stops its timer. Returns (steps per
    tick, show data tables)."""
    studio_style(running)
    b = st.columns([1.4, 0.9, 0.9, 2.6, 1.6], vertical_alignment="bottom")
    if running:  # one button that changes: what a press will do, coloured by what is on
        b[0].button(t("train.pause"), on_click=state.pause, key="train_pause", width="stretch")
    else:
        b[0].button(
            t("train.play"), on_click=state.play, type="primary", key="train_play", width="stretch"
        )
    b[1].button(t("train.step"), on_click=state.step_once, key="train_step", width="stretch")
    b[2].button(t("train.reset"), on_click=state.reset_trainer, key="train_reset", width="stretch")
    auto = t("train.speed.auto")
    speed = b[3].select_slider(
        t("train.speed"),
        SPEEDS,
        value="auto",
        key="train_speed",
        format_func=lambda v: auto if v == "auto" else str(v),
        help=t("train.speed.help"),
    )
    return speed, b[4].toggle(t("train.tables"), key="train_tables")


def counters(trainer, meter: LiveMeter, running: bool, lang: str) -> None:
    """The counters of the run bar (inside the fragment: they change every tick), with a
    running indicator that reads from the back of a room."""
    h, metric = trainer.history, trainer.task.metric
    solved = solved_step(h)
    label = metric.label.get(lang, metric.name)
    c = st.columns([1.3, 1, 1, 1, 1, 1], vertical_alignment="center")
    state_key = "train.state.running" if running else "train.state.stopped"
    c[0].markdown(
        f'<div class="lstm-run-state lstm-{"on" if running else "off"}">{t(state_key)}</div>',
        unsafe_allow_html=True,
    )
    c[1].metric(t("train.steps"), f"{trainer.steps:,}")
    c[2].metric(t("train.sequences"), f"{trainer.sequences_seen:,}")
    c[3].metric(t("train.steps_per_s"), f"{meter.rate():.0f}" if running else "–")
    c[4].metric(t("train.loss_now"), short(h.loss[-1]) if h.loss else "–")
    why = (
        t("train.solved", step=solved)
        if solved
        else t("train.not_solved", threshold=f"{metric.threshold:g}")
    )
    value = f"{h.metric[-1]:.3f}" if h.metric else "–"
    c[5].metric(t("train.metric"), value, help=f"{label}. {why}")


def _moved() -> None:
    st.session_state["train_cell_moved"] = True  # this fragment run redraws, it does not train


def live_cell_controls(trainer, traces) -> dict:
    """Layer, unit, time cursor and per-unit colours of the live cell (inside the fragment:
    moving one redraws at once, without training a chunk first). Returns the view."""
    T, _, H = traces[0]["h"].shape
    layers = len(traces)
    for key, n in (("train_cell_layer", layers), ("train_cell_unit", H), ("train_cell_t", T)):
        if st.session_state.get(key, 0) >= n:
            st.session_state.pop(key)
    st.session_state.setdefault("train_cell_t", T - 1)  # the cursor starts on the last step
    # The toggle's column holds its label on one line in projector type, in both languages.
    widths = [0.8, 0.8, 1.4, 2.2] if layers > 1 else [0.9, 1.7, 2.4]
    c = st.columns(widths, vertical_alignment="bottom")
    *c_layer, c_unit, c_t, c_norm = c
    layer = 0
    if c_layer:
        layer = c_layer[0].selectbox(
            t("inside.layer"),
            range(layers),
            key="train_cell_layer",
            on_change=_moved,
            format_func=lambda k: str(k + 1),  # plain numbers: nothing to relabel per language
        )
    unit = c_unit.selectbox(
        t("train.cell.unit"),
        range(H),
        key="train_cell_unit",
        on_change=_moved,
    )
    t_cur = c_t.slider(t("train.cell.cursor"), 0, T - 1, key="train_cell_t", on_change=_moved)
    normalise = c_norm.toggle(
        t("inside.normalise"),
        key="train_cell_norm",
        on_change=_moved,
        help=t("inside.normalise_help"),
    )
    return {"layer": layer, "unit": unit, "t": t_cur, "normalise": normalise}
