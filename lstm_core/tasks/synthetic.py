"""Generated real-valued sequences: waves, the tutorial's random example, 2-D gestures."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from lstm_core.config import TaskSpec
from lstm_core.tasks.base import (
    PREVIEW_STREAM,
    TRAIN_STREAM,
    Batch,
    Knob,
    Metric,
    Task,
    TaskError,
    derived_rng,
    register,
)

R2 = {"en": "R² (share of variance explained)", "zh": "R²（解释方差的比例）"}


def free_run(
    predict_next: Callable[[np.ndarray], np.ndarray], warmup_x: np.ndarray, steps: int
) -> np.ndarray:
    """Forecast ``steps`` values by feeding each prediction back in as the next input.

    ``predict_next(x (T, B, I)) -> (T, B, I)``: the model's next-step prediction at every step
    (a next_step model whose output size equals its input size). Returns ``(steps, B, I)``.
    """
    x = np.asarray(warmup_x, dtype=np.float64)  # (W, B, I)
    if x.ndim != 3 or x.shape[0] < 1:
        raise TaskError(f"warmup_x must be (T, B, I) with T >= 1, got shape {x.shape}")
    forecast = []
    for _ in range(int(steps)):
        x_next = np.asarray(predict_next(x), dtype=np.float64)[-1:]  # (1, B, I)
        forecast.append(x_next)
        x = np.concatenate([x, x_next])
    return np.concatenate(forecast) if forecast else np.zeros((0, *x.shape[1:]))


# --------------------------------------------------------------------------- 1. waves
@register
class Waves(Task):
    """Next-step prediction of noisy periodic signals; the target is the next clean value."""

    name, kind, menu_order = "sine", "next_step", 1
    shapes = ("sine", "sum", "square", "sawtooth", "damped")
    freq_jitter = 0.2  # each sequence's frequency is freq * exp(U(-0.2, 0.2))
    knobs = (
        Knob(
            "shape",
            "sine",
            kind="choice",
            choices=shapes,
            choice_labels={
                "en": {s: s for s in shapes} | {"sum": "sum of two sines", "damped": "damped sine"},
                "zh": {
                    "sine": "正弦波",
                    "sum": "两个正弦波之和",
                    "square": "方波",
                    "sawtooth": "锯齿波",
                    "damped": "衰减正弦波",
                },
            },
            help={"en": "Wave form.", "zh": "波形。"},
            live=True,
        ),
        Knob(
            "seq_len",
            100,
            20,
            500,
            "int",
            {"en": "Steps per sequence.", "zh": "每条序列的步数。"},
            live=True,
        ),
        Knob(
            "freq",
            0.04,
            0.01,
            0.25,
            "float",
            {
                "en": "Cycles per step (each sequence varies ±20%).",
                "zh": "每步的周期数（每条序列上下浮动 20%）。",
            },
            live=True,
        ),
        Knob(
            "noise",
            0.05,
            0.0,
            0.5,
            "float",
            {"en": "Std of the noise added to the inputs.", "zh": "加在输入上的噪声标准差。"},
            live=True,
        ),
    )
    metric = Metric("r2", True, 0.9, R2)
    title = {"en": "Waves", "zh": "波形"}
    description = {
        "en": "Sine, sum of two sines, square, sawtooth or damped waves with a random phase and a "
        "frequency that varies a little from sequence to sequence. The network sees the noisy "
        "signal one step at a time and predicts the next clean value. The first tenth of each "
        "sequence is not scored: nobody can know the phase before seeing some of the wave. "
        "After training, feed the model's predictions back as its input to draw a free-running "
        "forecast.",
        "zh": "正弦波、两个正弦之和、方波、锯齿波或衰减波，相位随机，频率在不同序列之间略有变化。"
        "网络逐步看到带噪声的信号，并预测下一步的干净值。每条序列的前十分之一不计分：没看到一段"
        "波形之前，谁也无法知道相位。训练后，把模型的预测当作下一步输入反馈回去，就能画出自由运行"
        "的多步预测。",
    }
    teaches = {
        "en": "Short memory and smoothing: the network must estimate phase and frequency from "
        "recent steps and average out the noise. The free-running forecast shows how small "
        "errors compound once the model feeds on its own output.",
        "zh": "短期记忆与平滑：网络要从最近几步估计相位和频率，并把噪声平均掉。自由运行的预测展示了"
        "模型以自己的输出为输入时，小误差如何逐步累积。",
    }

    @property
    def spec(self) -> TaskSpec:
        return TaskSpec("next_step", input_size=1, output_size=1)

    def signal(self, rng: np.random.Generator, size: int, length: int) -> np.ndarray:
        """Clean signals ``(length, size)`` of the current shape."""
        f = self.values["freq"] * np.exp(rng.uniform(-self.freq_jitter, self.freq_jitter, size))
        phase = rng.uniform(0.0, 2 * np.pi, size)
        t = np.arange(length)[:, None]  # (L, 1)
        angle = 2 * np.pi * f * t + phase  # (L, B)
        shape = self.values["shape"]
        if shape == "sine":
            return np.sin(angle)
        if shape == "sum":
            return (
                np.sin(angle) + 0.5 * np.sin(2.3 * angle + rng.uniform(0, 2 * np.pi, size))
            ) / 1.5
        if shape == "square":
            return np.where(np.sin(angle) >= 0.0, 1.0, -1.0)
        if shape == "sawtooth":
            return 2.0 * np.mod(angle / (2 * np.pi), 1.0) - 1.0
        tau = rng.uniform(0.3, 1.0, size) * length  # damped: e^(-t / tau) sin(angle)
        return np.exp(-t / tau) * np.sin(angle)

    def sample(self, rng: np.random.Generator, size: int) -> Batch:
        T = self.values["seq_len"]
        s = self.signal(rng, size, T + 1)  # (T + 1, B)
        x = s[:-1] + self.values["noise"] * rng.standard_normal((T, size))
        mask = np.ones((T, size), dtype=bool)
        mask[: self.warmup(T)] = False
        return Batch(
            x[..., None].astype(np.float32), s[1:, :, None].astype(np.float32), mask, per_step=True
        )

    @staticmethod
    def warmup(T: int) -> int:
        """Steps at the start that are not scored (the phase is unknown there)."""
        return max(1, T // 10)

    def forecast_inputs(
        self, seed: int, warmup: int | None = None, steps: int | None = None, n: int = 1
    ) -> dict:
        """A noisy warm-up ``(W, n, 1)`` and the clean continuation ``(steps, n, 1)`` to compare
        with ``free_run(predict, warmup_x, steps)``."""
        W = int(warmup or self.values["seq_len"])
        S = int(steps or self.values["seq_len"])
        rng = derived_rng(seed, PREVIEW_STREAM + 1)
        s = self.signal(rng, int(n), W + S)
        x = s[:W] + self.values["noise"] * rng.standard_normal((W, int(n)))
        return {"warmup_x": x[..., None], "future": s[W : W + S, :, None]}

    def example(self, batch: Batch, i: int) -> dict:
        d = super().example(batch, i)
        shape = self.knob("shape")
        d["caption"] = {
            lang: shape.choice_label(self.values["shape"], lang) for lang in ("en", "zh")
        }
        d["label"] = d["caption"]["en"]
        return d


# --------------------------------------------------------------------------- 11. seed example
@register
class SeedExample(Task):
    """The tutorial's example: random 10-dim inputs, a random target, mean squared error.

    The training set is a fixed small set of random sequences (``train_size``); validation is
    fresh random sequences. The target is independent of the input, so nothing generalizes.
    """

    name, kind, menu_order = "seed-example", "next_step", 11
    knobs = (
        Knob(
            "seq_len", 100, 10, 200, "int", {"en": "Steps per sequence.", "zh": "每条序列的步数。"}
        ),
        Knob(
            "features",
            10,
            1,
            32,
            "int",
            {"en": "Input and target size per step.", "zh": "每步输入与目标的维度。"},
        ),
        Knob(
            "train_size",
            16,
            1,
            512,
            "int",
            {"en": "Sequences in the fixed training set.", "zh": "固定训练集中的序列条数。"},
        ),
    )
    metric = Metric("r2", True, 0.5, R2)
    title = {"en": "The tutorial's example (random data)", "zh": "教程自带的例子（随机数据）"}
    description = {
        "en": "Exactly what the tutorial runs: sequences of 100 steps of random 10-dimensional "
        "input, an LSTM (10 units in the tutorial), Adam, and mean squared error to a random "
        "target of the same shape. Here the training set is a fixed small set of such random "
        "sequences, and validation uses fresh random sequences.",
        "zh": "与教程完全一致：每条序列 100 步、每步 10 维的随机输入，一个 LSTM（教程里是 10 个"
        "单元），Adam 优化器，以及与同形状随机目标之间的均方误差。这里的训练集是一小组固定的"
        "随机序列，验证则使用全新的随机序列。",
    }
    teaches = {
        "en": "Why a model can only memorize noise. The target is drawn independently of the "
        "input, so no function of the input predicts it: the best possible validation loss is "
        "the variance of the target (about 1), the baseline of predicting the mean. The training "
        "loss still falls, because the network memorizes its few fixed sequences; the validation "
        "loss stays at or above the baseline. A falling training loss proves nothing until "
        "validation falls too.",
        "zh": "为什么模型只能记住噪声。目标与输入相互独立地随机生成，任何关于输入的函数都无法预测"
        "它：验证损失最好也只能等于目标的方差（约为 1），也就是“总是预测平均值”的基线。训练损失依然"
        "会下降，因为网络记住了那几条固定的序列；验证损失却停在基线上或更高。只要验证损失没有一起"
        "下降，训练损失下降就什么也证明不了。",
    }

    @property
    def spec(self) -> TaskSpec:
        F = self.values["features"]
        return TaskSpec("next_step", input_size=F, output_size=F)

    def sample(self, rng: np.random.Generator, size: int) -> Batch:
        T, F = self.values["seq_len"], self.values["features"]
        x = rng.standard_normal((T, size, F)).astype(np.float32)
        y = rng.standard_normal((T, size, F)).astype(np.float32)  # independent of x
        return Batch(x, y, per_step=True)

    def example(self, batch: Batch, i: int) -> dict:
        d = super().example(batch, i)
        d["caption"] = {"en": "random input, random target", "zh": "随机输入，随机目标"}
        d["label"] = d["caption"]["en"]
        return d

    def training_set(self, seed: int) -> Batch:
        """The fixed training set of this seed."""
        return self.sample(derived_rng(seed, TRAIN_STREAM), self.values["train_size"])

    def train_pool_size(self) -> int:
        """The fixed training set is the task's own: ``train_size`` sequences."""
        return self.values["train_size"]

    def train_batches(self, seed: int, batch_size: int, size: int = 0):
        """Batches drawn (without replacement within a batch) from the fixed training set;
        a training-set size ``size`` > 0 replaces it with the general fixed set of ``Task``."""
        if int(size):
            yield from super().train_batches(seed, batch_size, size)
        if int(batch_size) < 1:
            raise TaskError(f"batch_size must be at least 1, got {batch_size!r}")
        data, rng = self.training_set(seed), derived_rng(seed, PREVIEW_STREAM + 2)
        n = data.B
        while True:
            if batch_size >= n:
                yield data
            else:
                yield data.subset(np.sort(rng.choice(n, size=int(batch_size), replace=False)))


# --------------------------------------------------------------------------- 12. gestures
def _triangle(u: np.ndarray) -> np.ndarray:
    """Triangle wave with period 1, range [-1, 1]."""
    return 2.0 * np.abs(2.0 * (u - np.floor(u + 0.5))) - 1.0


def _polyline(s: np.ndarray, points: list[tuple[float, float]], knots: list[float]) -> np.ndarray:
    """Points along a polyline; ``knots`` are the path fractions at each point."""
    P = np.array(points)
    return np.stack([np.interp(s, knots, P[:, 0]), np.interp(s, knots, P[:, 1])], axis=-1)


def gesture_path(name: str, s: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The ideal path ``(T, 2)`` of a gesture at path fractions ``s`` in [0, 1]."""
    if name == "circle":
        angle = rng.uniform(0, 2 * np.pi) + rng.choice([-1.0, 1.0]) * 2 * np.pi * s
        return 0.8 * np.stack([np.cos(angle), np.sin(angle)], axis=-1)
    if name == "zigzag":
        return np.stack([-1.0 + 2.0 * s, 0.6 * _triangle(3.0 * s)], axis=-1)
    if name in ("swipe_left", "swipe_right"):
        sign = -1.0 if name == "swipe_left" else 1.0
        bend = rng.uniform(-0.2, 0.2) * np.sin(np.pi * s)  # a slightly curved swipe
        return np.stack([sign * (-1.0 + 2.0 * s), bend], axis=-1)
    if name == "check":
        return _polyline(s, [(-0.8, 0.1), (-0.3, -0.5), (0.9, 0.8)], [0.0, 0.3, 1.0])
    raise TaskError(f"unknown gesture {name!r}")


@register
class Gesture(Task):
    """Classify a 2-D trajectory of a moving point (a miniature of action recognition)."""

    name, kind, menu_order = "gesture", "classification", 12
    classes = ("circle", "zigzag", "swipe_left", "swipe_right", "check")
    class_labels = {
        "en": ("circle", "zigzag", "swipe left", "swipe right", "check mark"),
        "zh": ("画圈", "之字形", "向左滑", "向右滑", "打勾"),
    }
    knobs = (
        Knob(
            "seq_len",
            40,
            16,
            200,
            "int",
            {"en": "Points per trajectory.", "zh": "每条轨迹的点数。"},
            live=True,
        ),
        Knob(
            "noise",
            0.05,
            0.0,
            0.3,
            "float",
            {"en": "Std of the jitter on each point.", "zh": "每个点上抖动的标准差。"},
            live=True,
        ),
        Knob(
            "speed_var",
            0.3,
            0.0,
            0.9,
            "float",
            {
                "en": "How much the drawing speed varies along the path.",
                "zh": "沿路径绘制速度的变化幅度。",
            },
            live=True,
        ),
    )
    metric = Metric("accuracy", True, 0.95, {"en": "accuracy", "zh": "准确率"})
    title = {"en": "Gestures", "zh": "手势"}
    description = {
        "en": "A point draws a circle, a zigzag, a swipe to the left or right, or a check mark. "
        "Each trajectory is scaled, rotated and shifted a little, drawn at an uneven speed, and "
        "jittered by noise. The network reads the (x, y) positions one by one and names the "
        "gesture at the end.",
        "zh": "一个点画出圆圈、之字形、向左或向右滑动，或者一个对勾。每条轨迹都会被稍微缩放、旋转"
        "和平移，以不均匀的速度画出，并带有噪声抖动。网络逐个读入 (x, y) 坐标，在最后说出是哪种"
        "手势。",
    }
    teaches = {
        "en": "The tutorial's video and action-recognition use in miniature: the class is a "
        "property of the whole movement, not of any single frame. The network must accumulate "
        "evidence (direction, turns, whether the path closes) and decide at the end.",
        "zh": "教程中视频与动作识别用途的缩影：类别是整个运动的属性，而不属于任何单独一帧。网络必须"
        "逐步积累证据（方向、转折、路径是否闭合），在最后做出判断。",
    }

    @property
    def spec(self) -> TaskSpec:
        return TaskSpec("classification", input_size=2, output_size=len(self.classes))

    def path_fractions(self, rng: np.random.Generator) -> np.ndarray:
        """Where along the path each of the T points lies: uneven speed, from 0 to 1."""
        T, var = self.values["seq_len"], self.values["speed_var"]
        u = np.arange(T - 1) / max(T - 2, 1)
        speed = 1.0 + var * np.sin(2 * np.pi * (rng.uniform(0.5, 1.5) * u + rng.uniform()))
        s = np.concatenate([[0.0], np.cumsum(speed)])
        return s / s[-1]

    def sample(self, rng: np.random.Generator, size: int) -> Batch:
        T, noise = self.values["seq_len"], self.values["noise"]
        y = rng.integers(0, len(self.classes), size=size)
        xy = np.zeros((T, size, 2))
        for b in range(size):
            path = gesture_path(self.classes[y[b]], self.path_fractions(rng), rng)  # (T, 2)
            a, scale = rng.uniform(-0.25, 0.25), rng.uniform(0.8, 1.2)
            R = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
            xy[:, b] = scale * path @ R.T + rng.uniform(-0.2, 0.2, size=2)
        xy += noise * rng.standard_normal(xy.shape)
        return Batch(xy.astype(np.float32), y.astype(np.int64), per_step=False)

    def example(self, batch: Batch, i: int) -> dict:
        d = super().example(batch, i)
        d["xy"] = d["x"]  # (T, 2): the trajectory to draw
        k = int(d["y"])
        d["label"] = self.classes[k]
        d["caption"] = {lang: self.class_name(k, lang) for lang in ("en", "zh")}
        return d
