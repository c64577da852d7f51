"""Real time series: next-step forecasting, split by time, scaled on the training part only.

A series v_1..v_N (the target, plus optional input columns) is cut at split s: the model trains
on windows inside v_1..v_s and is validated on windows inside v_{s+1}..v_N, so validation is
always the future of training. Each column is z-scored with the mean and standard deviation of
the training part alone (the validation part must not leak into the scaling):

    z_t = (v_t - mean_train) / std_train            (std_train = 1 for a constant column)

A window of W steps reads z_t..z_{t+W-1} (all columns) and predicts the target's z_{t+1}..z_{t+W}.
The honest bar for a forecast is persistence, "tomorrow equals today": the metric is the skill

    skill = 1 - MSE(model) / MSE(persistence)       (0: as good as persistence; 1: perfect)

and a task counts as solved when the model beats persistence by 10% (skill >= 0.1).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

import numpy as np

from lstm_core.config import TaskSpec
from lstm_core.tasks.base import Batch, Knob, Metric, Task, TaskError, register
from lstm_core.tasks.csv_loader import SeriesTable, check_window, load_csv
from lstm_core.tasks.windows import gather, random_starts, split_index, spread_starts

SKILL = Metric(
    "skill",
    True,
    0.1,
    {
        "en": "skill vs persistence: 1 - MSE / MSE(tomorrow = today)",
        "zh": "相对“持续预测”的技巧分：1 - MSE / MSE(明天 = 今天)",
    },
)


@dataclass(frozen=True)
class Dataset:
    """One shipped series: its file in lstm_core/data and what it measures."""

    file: str
    column: str  # the target column
    units: str
    title: dict  # {"en": ..., "zh": ...}
    about: dict  # one or two sentences each


DATASETS = {
    "sunspots": Dataset(
        "sunspots.csv",
        "SUNACTIVITY",
        "sunspot number",
        {"en": "Yearly sunspots, 1700-2008", "zh": "年度太阳黑子数，1700-2008"},
        {
            "en": "Sunspot activity rises and falls in a cycle of about 11 years, with peaks of "
            "different heights: a rhythm a model can learn to continue.",
            "zh": "太阳黑子活动大约以 11 年为周期起落，而每次峰值高低不同："
            "这是模型可以学着延续的节律。",
        },
    ),
    "nile": Dataset(
        "nile.csv",
        "volume",
        "10^8 m^3 per year",
        {"en": "Nile flow at Aswan, 1871-1970", "zh": "尼罗河阿斯旺年流量，1871-1970"},
        {
            "en": "Yearly flow of the Nile: noisy, with a drop around 1898. Only 100 values, so "
            "small windows; persistence is weak here because next year is mostly noise.",
            "zh": "尼罗河的年流量：噪声很大，约在 1898 年出现一次下降。"
            "只有 100 个数据点，所以窗口要小；这里“持续预测”很弱，因为下一年主要是噪声。",
        },
    ),
    "co2": Dataset(
        "co2.csv",
        "co2",
        "ppmv",
        {"en": "Mauna Loa CO2, weekly, 1958-2001", "zh": "莫纳罗亚二氧化碳浓度（每周），1958-2001"},
        {
            "en": "A rising trend with a yearly wave on top. 59 missing weeks are interpolated. "
            "The trend takes the validation part above anything seen in training.",
            "zh": "上升趋势叠加一年一度的波动。缺失的 59 周用线性插值补上。由于趋势，验证部分的数值"
            "高于训练中见过的任何值。",
        },
    ),
    "elnino": Dataset(
        "elnino.csv",
        "temperature",
        "deg C",
        {
            "en": "El Nino sea temperature, monthly, 1950-2010",
            "zh": "厄尔尼诺海表温度（每月），1950-2010",
        },
        {
            "en": "Sea-surface temperature off Peru: a strong yearly season plus irregular "
            "El Nino warm spells every few years.",
            "zh": "秘鲁外海的海表温度：明显的年度季节变化，"
            "加上每隔几年一次、不规则的厄尔尼诺暖期。",
        },
    ),
    "stocks": Dataset(
        "stocks.csv",
        "GOOG",
        "price / price on 2018-01-01",
        {"en": "Google share price, weekly, 2018-2019", "zh": "谷歌股价（每周），2018-2019"},
        {
            "en": "Close to a random walk: persistence is nearly the best any model can do, "
            "so expect the skill to stay near zero. That is the lesson.",
            "zh": "接近随机游走：“持续预测”几乎就是任何模型能做到的最好结果，"
            "所以技巧分会停在零附近。这本身就是要学的一课。",
        },
    ),
}


def load_dataset(name: str) -> SeriesTable:
    """Read one shipped series (lstm_core/data/<file>) with the CSV loader."""
    if name not in DATASETS:
        raise TaskError(f"unknown dataset {name!r}; choose one of: {', '.join(DATASETS)}")
    d = DATASETS[name]
    raw = resources.files("lstm_core").joinpath("data", d.file).read_bytes()
    return load_csv(raw, target=d.column)


@dataclass(frozen=True)
class Scaler:
    """Per-column z-score fitted on the training part: z = (v - mean) / std."""

    columns: tuple[str, ...]
    mean: np.ndarray  # (C,)
    std: np.ndarray  # (C,); 1.0 where the training part is constant (z is then 0, never NaN)

    @classmethod
    def fit(cls, train: np.ndarray, columns) -> Scaler:
        """train: (N_train, C) values of the training part only."""
        std = train.std(axis=0)
        return cls(tuple(columns), train.mean(axis=0), np.where(std > 0, std, 1.0))

    def transform(self, values: np.ndarray) -> np.ndarray:
        return (values - self.mean) / self.std

    def inverse(self, z: np.ndarray, column: int = 0) -> np.ndarray:
        """Scaled values of one column back to original units."""
        return z * self.std[column] + self.mean[column]

    def to_dict(self) -> dict:
        return {
            c: {"mean": float(m), "std": float(s)}
            for c, m, s in zip(self.columns, self.mean, self.std, strict=True)
        }


class SeriesTask(Task):
    """Next-step forecasting over one SeriesTable; subclasses say where the table comes from."""

    kind = "next_step"
    metric = SKILL
    window_knob = Knob(
        "window",
        16,
        2,
        256,
        "int",
        {"en": "Window: steps the model reads per sequence.", "zh": "窗口：每条序列读入的步数。"},
        live=True,
    )
    val_knob = Knob(
        "val_fraction",
        0.2,
        0.05,
        0.5,
        "float",
        {
            "en": "Share of the series, at its end, held out for validation.",
            "zh": "序列末尾留作验证的比例。",
        },
    )

    def current_table(self) -> SeriesTable:
        raise NotImplementedError

    def validate(self) -> None:
        """Split by time and fit the scaler on the training part (raises if too short)."""
        table = self.current_table()
        window, fraction = self.values["window"], self.values["val_fraction"]
        n = len(table.values)
        check_window(n, window, fraction)
        split = split_index(n, fraction)
        scaler = Scaler.fit(table.values[:split], table.columns)
        self.table, self.split, self.scaler = table, split, scaler
        self.scaled = scaler.transform(table.values)  # (N, C)

    @property
    def spec(self) -> TaskSpec:
        return TaskSpec("next_step", input_size=len(self.table.columns), output_size=1)

    # ----- batches
    def windows(self, starts: np.ndarray) -> Batch:
        """x = z[t : t+W] (all columns), y = target z[t+1 : t+W+1], for each start t."""
        W = self.values["window"]
        x = gather(self.scaled, starts, W).astype(np.float32)  # (W, B, C)
        y = gather(self.scaled[:, :1], starts + 1, W).astype(np.float32)  # (W, B, 1)
        return Batch(x, y, per_step=True, aux={"start": starts})

    def sample(self, rng: np.random.Generator, size: int) -> Batch:
        """Random windows from the training part only."""
        last = self.split - self.values["window"] - 1
        return self.windows(random_starts(rng, 0, last, size))

    def validation(self, seed: int, size: int = 256) -> Batch:
        """Windows evenly spread over the validation part (the same for every seed)."""
        if int(size) < 1:
            raise TaskError(f"validation size must be at least 1, got {size!r}")
        last = len(self.scaled) - self.values["window"] - 1
        return self.windows(spread_starts(self.split, last, int(size)))

    # ----- scoring
    def score(self, out: np.ndarray, batch: Batch) -> float:
        """skill = 1 - MSE(out) / MSE(persistence); when persistence is perfect, -MSE(out)."""
        mse = float(np.mean((out - batch.y) ** 2))
        mse_persist = float(np.mean((self.baseline_output(batch) - batch.y) ** 2))
        return 1.0 - mse / mse_persist if mse_persist > 0 else -mse

    def evaluate(self, out, batch: Batch) -> dict:
        """Loss and skill in scaled units, plus the RMSE in the target's own units."""
        result = super().evaluate(out, batch)
        rmse = np.sqrt(np.mean((np.asarray(out, np.float64) - batch.y) ** 2))
        result["rmse"] = float(rmse * self.scaler.std[0])
        return result

    def baseline_output(self, batch: Batch) -> np.ndarray:
        """Persistence: predict that the next value equals the current one."""
        return batch.x[:, :, :1].astype(np.float64)

    def baseline(self, batch: Batch) -> dict:
        result = self.evaluate(self.baseline_output(batch), batch)
        return {"loss": result["loss"], "metric": result["metric"], "rmse": result["rmse"]}

    def baselines(self, batch: Batch) -> dict:
        """Both trivial forecasts: persistence (the baseline) and the training mean (z = 0)."""
        mean = np.zeros(batch.y.shape)
        m = self.evaluate(mean, batch)
        return {
            "persistence": self.baseline(batch),
            "mean": {"loss": m["loss"], "metric": m["metric"], "rmse": m["rmse"]},
        }

    # ----- display
    def to_units(self, z: np.ndarray) -> np.ndarray:
        """Scaled target values back to the units of the file (the scaler's inverse)."""
        return self.scaler.inverse(np.asarray(z, dtype=np.float64), 0)

    @property
    def report(self) -> dict:
        """What the UI shows about the data: the split, the scaler, and the loader's report."""
        n, t = len(self.scaled), self.table.time
        return {
            "rows": n,
            "train_rows": self.split,
            "validation_rows": n - self.split,
            "split_time": None if t is None else t[self.split],
            "columns": list(self.table.columns),
            "target": self.table.target,
            "scaler": self.scaler.to_dict(),
            "loader": self.table.report,
        }

    def overview(self) -> dict:
        """The whole series for plotting: time, original target, scaled target, split index."""
        return {
            "time": self.table.time,
            "target": self.table.values[:, 0].copy(),
            "scaled": self.scaled[:, 0].copy(),
            "split": self.split,
        }

    def example(self, batch: Batch, i: int) -> dict:
        d = super().example(batch, i)
        start = int(batch.aux["start"][i])
        t = self.table.time
        d["caption"] = {"en": f"from {_when(t, start)}", "zh": f"始于 {_when(t, start, 'zh')}"}
        d["label"] = d["caption"]["en"]
        return d


def _when(time: np.ndarray | None, row: int, lang: str = "en") -> str:
    """A row's time as text: the date for datetimes, else the number, else the row number."""
    if time is None:
        return f"row {row + 1}" if lang == "en" else f"第 {row + 1} 行"
    if time.dtype.kind == "M":
        return str(np.datetime_as_string(time[row], unit="D"))
    return f"{time[row]:g}"


@register
class Series(SeriesTask):
    """Task 9: a real series shipped with the app (see lstm_core/data/SOURCES.md)."""

    name, menu_order = "series", 9
    knobs = (
        Knob(
            "dataset",
            "sunspots",
            kind="choice",
            choices=tuple(DATASETS),
            choice_labels={
                lang: {k: d.title[lang] for k, d in DATASETS.items()} for lang in ("en", "zh")
            },
            help={"en": "Which real series.", "zh": "选择哪一条真实序列。"},
        ),
        SeriesTask.window_knob,
        SeriesTask.val_knob,
    )
    title = {"en": "Real time series", "zh": "真实时间序列"}
    description = {
        "en": "Forecast the next value of a real measurement: sunspots, the Nile's flow, CO2 at "
        "Mauna Loa, El Nino sea temperature or a share price. The last part of the series is "
        "held out as the future to validate on, and the values are standardized with the "
        "mean and spread of the training part only. The bar to beat is persistence, "
        "'next value = this value'; solved when the model's error is 10% below it.",
        "zh": "预测一条真实测量序列的下一个值：太阳黑子、尼罗河流量、莫纳罗亚的二氧化碳、"
        "厄尔尼诺海温或股价。序列的最后一段留作“未来”用于验证，数值只用训练部分的均值和标准差做标准化。要超越的"
        "基准是“持续预测”，即“下一个值 = 当前值”；当模型的误差比它低 10% 时视为解决。",
    }
    teaches = {
        "en": "Real data is not a clean sine: cycles change length, trends leave the range seen "
        "in training, noise cannot be predicted. Watch the cell state track the phase of the "
        "sunspot cycle, and compare with persistence to see what the gates really add.",
        "zh": "真实数据不是干净的正弦波：周期长短会变，趋势会超出训练时见过的范围，噪声无法预测。"
        "可以看到单元状态跟随太阳黑子周期的相位，再和“持续预测”比较，看看门控究竟带来了什么。",
    }

    def __init__(self, **values):
        self._loaded: tuple[str, SeriesTable] | None = None  # (dataset, table) read last
        super().__init__(**values)

    def current_table(self) -> SeriesTable:
        name = self.values["dataset"]
        if self._loaded is None or self._loaded[0] != name:
            self._loaded = (name, load_dataset(name))
        return self._loaded[1]

    @property
    def dataset(self) -> Dataset:
        return DATASETS[self.values["dataset"]]
