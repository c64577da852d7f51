"""What the Train page does each tick, kept out of the page: train one time-boxed chunk,
measure the live speed, and pick the prediction view for the task's kind."""

from __future__ import annotations

import time
from collections import deque

import numpy as np

from ui.figures import predictions
from ui.figures import train as figs

# The fragment's timer fires every TICK_S; a tick that runs longer is followed by the next one
# as soon as the browser has drawn it. Each tick trains for a time box chosen by TickClock:
# long enough that training gets most of the time, short enough that the charts still
# update at least twice a second and a button press waits at most MAX_CHUNK_S.
TICK_S = 0.05
CHUNK_S = 0.14  # the time box when nothing is known yet about the overhead
MIN_CHUNK_S, MAX_CHUNK_S = 0.12, 0.4
TRAIN_SHARE = 0.8  # the share of wall time training should get while the user watches
MIN_UPDATES_PER_S = 2.2  # the bar is 2; a margin for the jitter of the measured overhead
MAX_UPDATES_PER_S = 2.5
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
        from lstm_core.tasks.synthetic import free_run

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


def prediction_figure(
    trainer, lang: str, free_run: FreeRun | None = None, projector: bool | None = None
):
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
