"""Task 13: forecast a column of the user's own CSV file.

The file goes through the CSV loader (``csv_loader.load_csv``); the windows, the split by time,
the scaling on the training part and the persistence baseline are those of the real series
(``real_series.SeriesTask``). Input columns, when chosen, are extra features at every step.
"""

from __future__ import annotations

import os
from importlib import resources

from lstm_core.tasks.base import TaskError, register
from lstm_core.tasks.csv_loader import SeriesTable, load_csv, load_csv_once
from lstm_core.tasks.real_series import SeriesTask


@register
class CsvTask(SeriesTask):
    """make_task("csv", data=<bytes or path>, target=..., inputs=[...], window=16)."""

    name, menu_order = "csv", 13
    knobs = (SeriesTask.window_knob, SeriesTask.val_knob)
    title = {"en": "Your own CSV", "zh": "你自己的 CSV 文件"}
    description = {
        "en": "Upload a table (CSV, with any common delimiter, decimal comma, encoding, with or "
        "without a header) and pick the column to forecast, plus optional input columns. A date "
        "column, if there is one, puts the rows in time order; missing values are dropped or "
        "interpolated, as you choose, and counted. The end of the series is held out for "
        "validation, the scaling uses the training part only, and the bar to beat is "
        "persistence ('next value = this value').",
        "zh": "上传一张表格（CSV，常见分隔符、小数逗号、各种编码、有无表头均可），"
        "选择要预测的列，以及可选的输入列。如果有日期列，就按日期给行排序；缺失值按你的选择删除或插值，并统计数量。序列末尾留作"
        "验证，标准化只用训练部分，要超越的基准是“持续预测”（下一个值 = 当前值）。",
    }
    teaches = {
        "en": "Your data, the same rules: split by time, no peeking at the future when scaling, "
        "and an honest baseline. Extra input columns show whether the input gate finds them "
        "useful.",
        "zh": "你的数据，同样的规则：按时间划分，标准化时不偷看未来，并与诚实的基准比较。"
        "额外的输入列可以看出输入门是否觉得它们有用。",
    }

    def __init__(
        self,
        data: bytes | str | os.PathLike | None = None,
        *,
        table: SeriesTable | None = None,
        target: str | None = None,
        inputs: list[str] | None = None,
        missing: str = "interpolate",
        **values,
    ):
        if table is None:
            if data is None:
                raise TaskError("the csv task needs a file: data=<bytes or a path>, or table=...")
            if isinstance(data, bytes | bytearray):  # an upload: parsed once, not per rerun
                table = load_csv_once(bytes(data), target, inputs, missing)
            else:
                table = load_csv(data, target=target, inputs=inputs, missing=missing)
        self._table = table
        super().__init__(**values)

    def current_table(self) -> SeriesTable:
        return self._table

    @classmethod
    def demo(cls) -> CsvTask:
        """A built-in example: the shipped El Nino file, read as if the user had uploaded it."""
        raw = resources.files("lstm_core").joinpath("data", "elnino.csv").read_bytes()
        return cls(raw)
