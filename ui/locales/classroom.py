"""Shareable links, teacher and projector modes, accessibility helpers (ui.classroom, ui.a11y)."""

from ui.links import CONTROLS

_CONTROL_EN = {
    "task": "task",
    "knobs": "task settings",
    "seed": "seed",
    "cell": "cell",
    "variant": "LSTM variant",
    "hidden": "hidden units",
    "layers": "layers",
    "forget_bias": "forget-gate bias",
    "init": "recurrent init",
    "scale": "recurrent scale",
    "engine": "engine",
    "optimizer": "optimizer",
    "lr": "learning rate",
    "batch": "batch size",
    "clip": "gradient clipping",
    "train_size": "training-set size",
    "dropout": "dropout",
    "weight_decay": "weight decay",
    "early_stop": "early stopping",
    "gate_init": "gate biases at start (chrono)",
}
_CONTROL_ZH = {
    "task": "任务",
    "knobs": "任务设置",
    "seed": "随机种子",
    "cell": "单元类型",
    "variant": "LSTM 变体",
    "hidden": "隐藏单元数",
    "layers": "层数",
    "forget_bias": "遗忘门偏置",
    "init": "循环权重初始化",
    "scale": "循环权重缩放",
    "engine": "计算引擎",
    "optimizer": "优化器",
    "lr": "学习率",
    "batch": "批大小",
    "clip": "梯度裁剪",
    "train_size": "训练集大小",
    "dropout": "dropout",
    "weight_decay": "权重衰减",
    "early_stop": "早停",
    "gate_init": "初始门偏置（chrono）",
}
assert set(_CONTROL_EN) == set(CONTROLS) == set(_CONTROL_ZH)

EN = {
    "links.changed": "This link had values the app cannot use; it changed them:",
    "links.why.unknown": "`{name}` = `{given}` is not a setting; ignored",
    "links.why.range": "`{name}` = `{given}` is out of range; used {used}",
    "links.why.number": "`{name}` = `{given}` is not a number; used {used}",
    "links.why.choice": "`{name}` = `{given}` is not one of the choices; used {used}",
    "links.why.task": (
        "`{name}` = `{given}` cannot be opened from a link (it needs your own data); used {used}"
    ),
    "links.why.build": "the configuration could not be built ({given}); used {used}",
    "links.dismiss": "OK",
    "links.defaults": "the defaults",
    "links.share": "Share link",
    "links.share.help": (
        "Anyone who opens this link gets the same task, model, settings and seed, so the same "
        "training curve. Teachers can lock or hide controls and switch on the projector mode."
    ),
    "links.projector": "Projector mode (large type, thick lines)",
    "links.qr": "Scan to open this run",
    "links.full": "Full link (every value, also if the defaults change)",
    "links.lock": "Lock these controls",
    "links.hide": "Hide these controls",
    "links.lock.none": "No control locked",
    "links.hide.none": "No control hidden",
    **{f"links.control.{k}": v for k, v in _CONTROL_EN.items()},
    "a11y.data_table": "Data table",
    "a11y.col.series": "series",
    "a11y.col.x": "x",
    "a11y.col.y": "y",
    "a11y.col.z": "value",
}

ZH = {
    "links.changed": "此链接中有应用无法使用的值，已作如下修改：",
    "links.why.unknown": "`{name}` = `{given}` 不是一个设置项，已忽略",
    "links.why.range": "`{name}` = `{given}` 超出范围，改用 {used}",
    "links.why.number": "`{name}` = `{given}` 不是数字，改用 {used}",
    "links.why.choice": "`{name}` = `{given}` 不在可选项中，改用 {used}",
    "links.why.task": "`{name}` = `{given}` 无法通过链接打开（它需要你自己的数据），改用 {used}",
    "links.why.build": "无法构建该配置（{given}），改用 {used}",
    "links.dismiss": "知道了",
    "links.defaults": "默认值",
    "links.share": "分享链接",
    "links.share.help": (
        "任何人打开此链接，都会得到相同的任务、模型、设置和随机种子，因此得到相同的训练曲线。"
        "老师可以锁定或隐藏控件，并打开投影模式。"
    ),
    "links.projector": "投影模式（大字号、粗线条）",
    "links.qr": "扫码打开这次运行",
    "links.full": "完整链接（包含每个值，默认值改变时也不受影响）",
    "links.lock": "锁定这些控件",
    "links.hide": "隐藏这些控件",
    "links.lock.none": "不锁定任何控件",
    "links.hide.none": "不隐藏任何控件",
    **{f"links.control.{k}": v for k, v in _CONTROL_ZH.items()},
    "a11y.data_table": "数据表",
    "a11y.col.series": "曲线",
    "a11y.col.x": "x",
    "a11y.col.y": "y",
    "a11y.col.z": "数值",
}
