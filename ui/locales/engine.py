"""What the engine reports (lstm_core.problems codes), as ``problem.<code>`` keys.

The English column is the engine's own (``lstm_core.problems.EN``); only Chinese lives here.
"""

from lstm_core.problems import EN as ENGINE_EN

EN = {f"problem.{code}": text for code, text in ENGINE_EN.items()}

ZH = {
    "problem.diverged": (
        "训练在第 {next} 步停止：{what}，因此这一步没有执行。"
        "权重保持为最后一组正常的值（第 {step} 步之后）。{hint}"
        "如果一继续就再次停止，说明权重已经变得过大：请重置这次运行。"
    ),
    "problem.diverged.inputs": "训练批次里有 NaN 或无穷大的输入",
    "problem.diverged.weights": "这次更新会让部分权重变为无穷大",
    "problem.diverged.loss": "损失变成了 {value}",
    "problem.diverged.grad": "梯度范数变成了 {value}",
    "problem.diverged.hint.data": "请检查数据（CSV 中有缺失或极大的值），然后按“继续”。",
    "problem.diverged.hint.lr": (
        "请降低学习率（当前为 {lr:g}，可试 {lr_try:g}）或{clip}，然后按“继续”。"
    ),
    "problem.diverged.clip.off": "打开梯度裁剪（例如 1.0）",
    "problem.diverged.clip.on": "调低裁剪阈值（当前为 {clip:g}）",
    "problem.not_learning": (
        "训练已暂停：验证损失（{loss:.3g}）已连续 {n} 次评估远高于基准（{baseline:.3g}），"
        "模型没有在学习。请降低学习率（当前为 {lr:g}，可试 {lr_try:g}），然后按“继续”。"
    ),
    "problem.budget.over": (
        "这次训练大约需要 {need} 内存，超过了共享服务器给每个会话的 {limit}。"
        "请把{knob}降到 {fits} 或更小。"
    ),
    "problem.budget.over.none": (
        "这次训练大约需要 {need} 内存，超过了共享服务器给每个会话的 {limit}。"
        "请选择更小的模型、批大小和序列长度。"
    ),
    "problem.budget.knob.batch_size": "批大小",
    "problem.budget.knob.hidden_size": "隐藏层大小",
    "problem.budget.knob.num_layers": "层数",
    "problem.budget.knob.seq_len": "序列长度",
    "problem.crashed": (
        "训练在第 {step} 步停止：这次运行出现了意外错误（{error}）。"
        "模型和训练历史保持在第 {step} 步之后的状态。"
        "点击“继续”重试，或点击“重置”开始新的训练。"
    ),
    "problem.reset.model": "{field}已更改（{old} -> {new}）：需要一个新模型",
    "problem.reset.task": "任务已更改（{old} -> {new}）：需要一个新模型",
    "problem.reset.seed": "随机种子已更改：它决定初始权重和数据",
    "problem.reset.batch_size": "批大小已更改：它决定训练批次的数据流",
    "problem.reset.train_size": "训练集大小已更改（{old} -> {new}）：它决定训练数据",
    "problem.reset.knob": "任务设置 `{name}` 已更改（{old} -> {new}）：训练过程中不能更改",
    "problem.reset.knob_rejected": "{error}",
    "problem.applied.value": "{field}：{old} -> {new}",
    "problem.applied.optimizer": "优化器：{old} -> {new}（其状态重新开始）",
    "problem.applied.plain": "{field}：{new}",
    "problem.config.unknown": "未知的{field} {value!r}；可选：{allowed}",
    "problem.config.variant_cell": "变体 {variant!r} 是 LSTM 的变体；{cell} 没有变体",
    "problem.config.whole": "{field}必须是 {low} 到 {high} 之间的整数，实际为 {value!r}",
    "problem.config.positive": "{field}必须是正数，实际为 {value!r}",
    "problem.config.range": "{field}必须是 {low:g} 到 {high:g} 之间的数，实际为 {value!r}",
    "problem.config.momentum": "动量必须在 [0, 1) 之间，实际为 {value!r}",
    "problem.config.finite": "{field}必须是有限的数，实际为 {value!r}",
    "problem.config.zero_or": (
        "{field}必须是 0（关闭）或 {low} 到 {high} 之间的整数，实际为 {value!r}"
    ),
    "problem.stopped.early": (
        "在第 {step} 步早停：验证损失连续 {patience} 次评估没有创出新低。最佳值为 {best:.4g}"
        "（第 {best_step} 步）；按“恢复最佳”放回那时的权重，或按“播放”继续训练。"
    ),
    "problem.saved.names": "保存的权重与这个模型不匹配：{names}",
    "problem.saved.shape": "权重 {name} 的形状是 {shape}；模型需要 {needed}",
    "problem.field.cell": "单元类型",
    "problem.field.variant": "LSTM 变体",
    "problem.field.hidden_size": "隐藏单元数",
    "problem.field.num_layers": "层数",
    "problem.field.embed_size": "嵌入维度",
    "problem.field.forget_bias": "初始遗忘门偏置",
    "problem.field.recurrent_init": "循环权重初始化",
    "problem.field.recurrent_scale": "循环权重缩放",
    "problem.field.gate_init": "门偏置初始化",
    "problem.field.chrono_t_max": "chrono 的最长时滞 T_max",
    "problem.field.engine": "计算引擎",
    "problem.field.device": "计算设备",
    "problem.name.cell": "单元类型",
    "problem.name.variant": "变体",
    "problem.name.engine": "计算引擎",
    "problem.name.device": "计算设备",
    "problem.name.recurrent_init": "循环权重初始化",
    "problem.name.optimizer": "优化器",
    "problem.name.schedule": "学习率调度",
    "problem.name.hidden_size": "隐藏单元数",
    "problem.name.num_layers": "层数",
    "problem.name.embed_size": "嵌入维度",
    "problem.name.batch_size": "批大小",
    "problem.name.schedule_steps": "调度步数",
    "problem.name.eval_every": "评估间隔",
    "problem.name.snapshot_every": "快照间隔",
    "problem.name.max_snapshots": "最多快照数",
    "problem.name.seed": "随机种子",
    "problem.name.lr": "学习率",
    "problem.name.clip": "梯度裁剪",
    "problem.name.momentum": "动量",
    "problem.name.forget_bias": "遗忘门偏置",
    "problem.name.recurrent_scale": "循环权重缩放",
    "problem.name.dropout": "dropout",
    "problem.name.weight_decay": "权重衰减",
    "problem.name.train_size": "训练集大小",
    "problem.name.early_stop": "早停耐心",
    "problem.name.gate_init": "门偏置初始化",
    "problem.name.chrono_t_max": "chrono T_max",
}
