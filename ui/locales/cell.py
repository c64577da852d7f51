"""Inside the cell: heatmaps, time cursor, snapshots, unit plots, saturation, coloured text."""

EN = {
    # quantities, as chart titles
    "cell.q.i": "i — input gate",
    "cell.q.f": "f — forget gate",
    "cell.q.g": "g — candidate",
    "cell.q.o": "o — output gate",
    "cell.q.c": "c — cell state",
    "cell.q.h": "h — hidden state",
    "cell.q.r": "r — reset gate",
    "cell.q.z": "z — update gate",
    "cell.q.n": "n — candidate",
    "cell.q.a": "a — pre-activation",
    # gate names under the diagram's boxes
    "cell.gate.f": "forget gate",
    "cell.gate.i": "input gate",
    "cell.gate.g": "candidate",
    "cell.gate.o": "output gate",
    "cell.input": "input x_t",
    "cell.axis.unit": "unit",
    "cell.axis.time": "time step t",
    "cell.unit_n": "unit {n}",
    "cell.bars.title": "Values at step t = {t}",
    "cell.sat.low": "closed (< 0.1)",
    "cell.sat.high": "open (> 0.9)",
    "cell.seq.gates": "gates i, f, o (0..1) and candidate g (−1..1)",
    "cell.seq.state": "cell state c and hidden state h",
    "cell.intro": (
        "Every number on this page comes from your model: the trace of one validation sequence "
        "through each layer. Slide the time cursor along the sequence, or slide the training "
        "time back to an earlier snapshot to see how the gates learned. "
        "Gates run from 0 (closed) to 1 (open); c and h are blue when negative, red when positive."
    ),
    "cell.none": "There is no model yet. Set one up and train it on the Train page, or train a "
    "quick one here with the current settings.",
    "cell.go_train": "Go to Train",
    "cell.snapshots_dropped": "{n} saved snapshot(s) of this run lacked gates or layers of the "
    "model and are not shown.",
    "cell.quick_train": "Train a quick model ({n} steps)",
    "cell.quick_training": "Training…",
    "cell.build_failed": "The model could not be built: {why}",
    "cell.layer": "Layer",
    "cell.layer_n": "layer {n}",
    "cell.sequence": "Validation sequence",
    "cell.sequence_n": "sequence {n}",
    "cell.when": "Training time: model snapshot",
    "cell.when_help": "How did the forget gate learn? Each mark is a snapshot taken during "
    "training; the last one is the model as it is now.",
    "cell.step_n": "step {step}",
    "cell.cursor": "Time cursor: step t of the sequence",
    "cell.table": "These values as a table",
    "cell.units_title": "Chosen units over time",
    "cell.units": "Units",
    "cell.sat_title": "Gate saturation",
    "cell.sat_caption": "For each gate and unit, the share of time steps (over the {n} traced "
    "validation sequences, model after step {step}) where the gate is nearly closed or nearly "
    "open. A saturated gate acts like a switch, and passes almost no gradient.",
    "cell.sat_table": "Saturation as a table",
    "cell.sat_none": "No gate of this layer is ever below 0.1 or above 0.9 here: "
    "every gate still works as a soft dimmer, not yet as a switch.",
    "cell.text_title": "The text, coloured by one unit",
    "cell.text_unit": "Unit",
    "cell.text_quantity": "Quantity",
    "cell.text_caption": "{q}, unit {u} (hover a token for its value)",
}

ZH = {
    "cell.q.i": "i — 输入门",
    "cell.q.f": "f — 遗忘门",
    "cell.q.g": "g — 候选值",
    "cell.q.o": "o — 输出门",
    "cell.q.c": "c — 单元状态",
    "cell.q.h": "h — 隐藏状态",
    "cell.q.r": "r — 重置门",
    "cell.q.z": "z — 更新门",
    "cell.q.n": "n — 候选值",
    "cell.q.a": "a — 预激活",
    "cell.gate.f": "遗忘门",
    "cell.gate.i": "输入门",
    "cell.gate.g": "候选值",
    "cell.gate.o": "输出门",
    "cell.input": "输入 x_t",
    "cell.axis.unit": "单元",
    "cell.axis.time": "时间步 t",
    "cell.unit_n": "单元 {n}",
    "cell.bars.title": "第 t = {t} 步的值",
    "cell.sat.low": "关闭（< 0.1）",
    "cell.sat.high": "打开（> 0.9）",
    "cell.seq.gates": "门 i、f、o（0..1）与候选值 g（−1..1）",
    "cell.seq.state": "单元状态 c 与隐藏状态 h",
    "cell.intro": (
        "本页的每个数字都来自你的模型：一条验证序列在各层中的轨迹。沿序列拖动时间光标，"
        "或把训练时间拖回较早的快照，看看门是怎样学会的。"
        "门的取值从 0（关闭）到 1（打开）；c 和 h 为负时显示蓝色，为正时显示红色。"
    ),
    "cell.none": "还没有模型。请在“训练”页设置并训练一个模型，或在这里用当前设置快速训练一个。",
    "cell.go_train": "前往训练",
    "cell.snapshots_dropped": "此运行有 {n} 个保存的快照缺少模型的门或层，因此不显示。",
    "cell.quick_train": "快速训练一个模型（{n} 步）",
    "cell.quick_training": "训练中…",
    "cell.build_failed": "无法构建模型：{why}",
    "cell.layer": "层",
    "cell.layer_n": "第 {n} 层",
    "cell.sequence": "验证序列",
    "cell.sequence_n": "序列 {n}",
    "cell.when": "训练时间：模型快照",
    "cell.when_help": "遗忘门是怎样学会的？每个刻度是训练中保存的一个快照；最后一个是当前的模型。",
    "cell.step_n": "第 {step} 步",
    "cell.cursor": "时间光标：序列中的第 t 步",
    "cell.table": "以表格显示这些数值",
    "cell.units_title": "所选单元随时间的变化",
    "cell.units": "单元",
    "cell.sat_title": "门的饱和度",
    "cell.sat_caption": "对每个门和单元，统计门几乎关闭或几乎打开的时间步所占比例"
    "（基于 {n} 条被追踪的验证序列，第 {step} 步之后的模型）。"
    "饱和的门像开关一样工作，几乎不传递梯度。",
    "cell.sat_table": "以表格显示饱和度",
    "cell.sat_none": "这一层的门在这里从未低于 0.1 或高于 0.9："
    "每个门仍像柔和的调光器，还没有变成开关。",
    "cell.text_title": "按某个单元着色的文本",
    "cell.text_unit": "单元",
    "cell.text_quantity": "量",
    "cell.text_caption": "{q}，单元 {u}（将鼠标悬停在词元上可查看数值）",
}
