"""Inside the cell: heatmaps, time cursor, snapshots, unit plots, saturation, coloured text."""

EN = {
    # quantities, as chart titles
    "inside.q.i": "i — input gate",
    "inside.q.f": "f — forget gate",
    "inside.q.g": "g — candidate",
    "inside.q.o": "o — output gate",
    "inside.q.c": "c — cell state",
    "inside.q.h": "h — hidden state",
    "inside.q.r": "r — reset gate",
    "inside.q.z": "z — update gate",
    "inside.q.n": "n — candidate",
    "inside.q.a": "a — pre-activation",
    "inside.input": "input x_t",
    "inside.axis.unit": "unit",
    "inside.axis.time": "time step t",
    "inside.unit_n": "unit {n}",
    "inside.bars.title": "Values at step t = {t}",
    "inside.sat.low": "closed (< 0.1)",
    "inside.sat.high": "open (> 0.9)",
    "inside.intro.lstm": (
        "Every number on this page comes from your LSTM: the trace of one validation sequence "
        "through each layer. Its gates i, f and o run from 0 (closed) to 1 (open); the "
        "candidate g and the hidden state h from −1 to 1; the cell state c is the memory the "
        "forget gate keeps and the input gate writes. Slide the time cursor along the sequence, "
        "or the training time back to an earlier snapshot to see how the gates learned. "
        "Signed values are blue when negative, red when positive."
    ),
    "inside.intro.gru": (
        "Every number on this page comes from your GRU: the trace of one validation sequence "
        "through each layer. A GRU has no separate cell state: its update gate z (0..1) mixes "
        "the old hidden state with the candidate n, and its reset gate r (0..1) decides how "
        "much of the old state the candidate sees. Slide the time cursor along the sequence, "
        "or the training time back to an earlier snapshot to see how the gates learned. "
        "n and h are blue when negative, red when positive."
    ),
    "inside.intro.rnn": (
        "Every number on this page comes from your plain RNN: the trace of one validation "
        "sequence through each layer. It has no gates and no cell state: each step computes "
        "a = W·x + W·h + b and h = tanh(a), so all it remembers must fit in h. Slide the time "
        "cursor along the sequence, or the training time back to an earlier snapshot to see "
        "how the state learned. a and h are blue when negative, red when positive."
    ),
    "inside.live": "Training: the heatmaps follow the model live (step {step}).",
    "inside.none": "There is no model yet. Set one up and train it on the Train page, or train a "
    "quick one here with the current settings.",
    "inside.go_train": "Go to Train",
    "inside.snapshots_dropped": "{n} saved snapshot(s) of this run lacked gates or layers of the "
    "model and are not shown.",
    "inside.quick_train": "Train a quick model ({n} steps)",
    "inside.quick_training": "Training…",
    "inside.build_failed": "The model could not be built: {why}",
    "inside.layer": "Layer",
    "inside.layer_n": "layer {n}",
    "inside.sequence": "Validation sequence",
    "inside.sequence_n": "sequence {n}",
    "inside.when": "Training time: model snapshot",
    "inside.when_help": "How did the forget gate learn? Each mark is a snapshot taken during "
    "training; the last one is the model as it is now.",
    "inside.step_n": "step {step}",
    "inside.step_now": "now",
    "inside.cursor": "Time cursor: step t of the sequence",
    "inside.table": "These values as a table",
    "inside.units_title": "Chosen units over time",
    "inside.units": "Units",
    "inside.units.none": "Choose units",
    "inside.sat_title": "Gate saturation",
    "inside.sat_caption": "For each gate and unit, the share of time steps (over the {n} traced "
    "validation sequences, model after step {step}) where the gate is nearly closed or nearly "
    "open. A saturated gate acts like a switch, and passes almost no gradient.",
    "inside.sat_table": "Saturation as a table",
    "inside.sat_none": "No gate of this layer is ever below 0.1 or above 0.9 here: "
    "every gate still works as a soft dimmer, not yet as a switch.",
    "inside.text_title": "The text, coloured by one unit",
    "inside.text_unit": "Unit",
    "inside.text_quantity": "Quantity",
    "inside.text_caption": "{q}, unit {u} (hover a token for its value)",
    "inside.clipped": "({n} values beyond {lo:.2g}..{hi:.2g}, marked ▲▼)",
    "inside.normalise": "Per-unit colours",
    "inside.normalise_help": (
        "Scale each unit to its own range, so a unit that moves little still shows its "
        "pattern. Off: one colour range for every unit (c and a: up to the 98th percentile; "
        "values beyond are marked ▲▼)."
    ),
    "inside.input_short": "x_t",
}

ZH = {
    "inside.q.i": "i — 输入门",
    "inside.q.f": "f — 遗忘门",
    "inside.q.g": "g — 候选值",
    "inside.q.o": "o — 输出门",
    "inside.q.c": "c — 单元状态",
    "inside.q.h": "h — 隐藏状态",
    "inside.q.r": "r — 重置门",
    "inside.q.z": "z — 更新门",
    "inside.q.n": "n — 候选值",
    "inside.q.a": "a — 预激活",
    "inside.input": "输入 x_t",
    "inside.axis.unit": "单元",
    "inside.axis.time": "时间步 t",
    "inside.unit_n": "单元 {n}",
    "inside.bars.title": "第 t = {t} 步的值",
    "inside.sat.low": "关闭（< 0.1）",
    "inside.sat.high": "打开（> 0.9）",
    "inside.intro.lstm": (
        "本页的每个数字都来自你的 LSTM：一条验证序列在各层中的轨迹。"
        "门 i、f、o 的取值从 0（关闭）到 1（打开）；候选值 g 和隐藏状态 h 在 −1 到 1 之间；"
        "单元状态 c 是遗忘门保留、输入门写入的记忆。"
        "沿序列拖动时间光标，或把训练时间拖回较早的快照，看看门是怎样学会的。"
        "有正负的值为负时显示蓝色，为正时显示红色。"
    ),
    "inside.intro.gru": (
        "本页的每个数字都来自你的 GRU：一条验证序列在各层中的轨迹。GRU 没有单独的单元状态："
        "更新门 z（0..1）把旧的隐藏状态与候选值 n 混合，"
        "重置门 r（0..1）决定候选值能看到多少旧状态。"
        "沿序列拖动时间光标，或把训练时间拖回较早的快照，看看门是怎样学会的。"
        "n 和 h 为负时显示蓝色，为正时显示红色。"
    ),
    "inside.intro.rnn": (
        "本页的每个数字都来自你的普通 RNN：一条验证序列在各层中的轨迹。"
        "它没有门，也没有单元状态："
        "每一步计算 a = W·x + W·h + b 和 h = tanh(a)，它记住的一切都必须放进 h。"
        "沿序列拖动时间光标，或把训练时间拖回较早的快照，看看状态是怎样学会的。"
        "a 和 h 为负时显示蓝色，为正时显示红色。"
    ),
    "inside.live": "正在训练：热力图随模型实时更新（第 {step} 步）。",
    "inside.none": "还没有模型。请在“训练”页设置并训练一个模型，或在这里用当前设置快速训练一个。",
    "inside.go_train": "前往训练",
    "inside.snapshots_dropped": "此运行有 {n} 个保存的快照缺少模型的门或层，因此不显示。",
    "inside.quick_train": "快速训练一个模型（{n} 步）",
    "inside.quick_training": "训练中…",
    "inside.build_failed": "无法构建模型：{why}",
    "inside.layer": "层",
    "inside.layer_n": "第 {n} 层",
    "inside.sequence": "验证序列",
    "inside.sequence_n": "序列 {n}",
    "inside.when": "训练时间：模型快照",
    "inside.when_help": (
        "遗忘门是怎样学会的？每个刻度是训练中保存的一个快照；最后一个是当前的模型。"
    ),
    "inside.step_n": "第 {step} 步",
    "inside.step_now": "当前",
    "inside.cursor": "时间光标：序列中的第 t 步",
    "inside.table": "以表格显示这些数值",
    "inside.units_title": "所选单元随时间的变化",
    "inside.units": "单元",
    "inside.units.none": "选择单元",
    "inside.sat_title": "门的饱和度",
    "inside.sat_caption": "对每个门和单元，统计门几乎关闭或几乎打开的时间步所占比例"
    "（基于 {n} 条被追踪的验证序列，第 {step} 步之后的模型）。"
    "饱和的门像开关一样工作，几乎不传递梯度。",
    "inside.sat_table": "以表格显示饱和度",
    "inside.sat_none": "这一层的门在这里从未低于 0.1 或高于 0.9："
    "每个门仍像柔和的调光器，还没有变成开关。",
    "inside.text_title": "按某个单元着色的文本",
    "inside.text_unit": "单元",
    "inside.text_quantity": "量",
    "inside.text_caption": "{q}，单元 {u}（将鼠标悬停在词元上可查看数值）",
    "inside.clipped": "（{n} 个值超出 {lo:.2g}..{hi:.2g}，以 ▲▼ 标出）",
    "inside.normalise": "按单元着色",
    "inside.normalise_help": (
        "把每个单元缩放到它自己的范围，变化小的单元也能显出规律。"
        "关闭时所有单元共用一个颜色范围（c 和 a 取到第 98 百分位；超出的值以 ▲▼ 标出）。"
    ),
    "inside.input_short": "x_t",
}
