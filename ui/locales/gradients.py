"""Gradient flow: dL/dh_t and dL/dc_t over time, per-step factors, saliency, clipping."""

EN = {
    "grad.intro": (
        "Backpropagation through time sends the loss's gradient backwards, step by step, from "
        "the output to the first input. Below: how large that gradient still is on every hidden "
        "state h_t and cell state c_t of your model, on a validation batch. Where the curve falls "
        "towards t = 0 the early inputs can no longer teach the model anything (vanishing); "
        "where it climbs, training becomes unstable (exploding)."
    ),
    "grad.preset.vanishing": "Preset: vanishing gradients (adding problem, T = 50)",
    "grad.preset.vanishing.help": (
        "Replaces your run: an LSTM (16 units, forget-gate bias 2) on the adding problem with "
        "T = 50, trained {n} steps. Then train the RNN and GRU below on the same batches."
    ),
    "grad.preset.exploding": "Preset: exploding gradients (RNN, recurrent weights × 4)",
    "grad.preset.exploding.help": (
        "Replaces your run: a plain RNN whose recurrent weights start 4 times larger than "
        "PyTorch's default, on the adding problem, clipped at 1, trained {n} steps."
    ),
    "grad.preset.training": "Training the preset…",
    "grad.build_failed": "The model could not be built: {why}",
    "grad.model_line": (
        "Your model: **{cell}** on **{task}**, after **{steps}** training steps; "
        "validation batch of {B} sequences, T = {T}."
    ),
    "grad.check.ok": (
        "✓ PyTorch autograd and the hand-written NumPy BPTT agree on every ‖∂L/∂h_t‖ and "
        "‖∂L/∂c_t‖ of this model and batch (largest relative difference {diff})."
    ),
    "grad.check.bad": (
        "✗ PyTorch autograd and the NumPy BPTT differ on this batch (largest relative "
        "difference {diff}). Please report this."
    ),
    "grad.check.variant": (
        "The NumPy reference implements the standard LSTM, GRU and RNN only; for this LSTM "
        "variant the curves come from PyTorch autograd alone."
    ),
    "grad.compare.title": "Next to it: the same task with {models}",
    "grad.compare.explain": (
        "They train on exactly the batches your model saw (same task, seed, batch size and "
        "optimizer) for the same number of steps, at most {s} s each."
    ),
    "grad.compare.button": "Train {models} on the same batches (up to {n} steps)",
    "grad.compare.button_first": "Train {models} on the same batches (train your model first)",
    "grad.compare.progress": "Training {model}: step {step} of {n}",
    "grad.compare.done": "{model}: {steps} of {n} steps",
    "grad.compare.timeout": "{model}: {steps} of {n} steps (stopped at the {s} s time limit)",
    "grad.compare.none": "Press the button to train them: their curves then join yours.",
    "grad.compare.stale": "The comparison models are behind your model ({steps} < {n} steps).",
    "grad.flow.title": "Gradient norm on every step (mean over the batch), log scale",
    "grad.axis.t": "time step t",
    "grad.axis.norm": "norm of the gradient",
    "grad.axis.factor": "factor per step",
    "grad.layer_n": "layer {n}",
    "grad.table.title": "The gradient at the first and the last step (layer 1)",
    "grad.table.model": "model",
    "grad.table.first": "‖∂L/∂h_0‖",
    "grad.table.last": "‖∂L/∂h_T‖ (last step)",
    "grad.table.ratio": "first / last",
    "grad.table.data": "Data of the chart",
    "grad.factors.title": "Why the curves fall: the factor of each step",
    "grad.pascanu": (
        "In a plain RNN each step back multiplies the gradient by W_hhᵀ diag(1 − h_t²), whose "
        "norm is at most σ_max(W_hh) · γ, with γ = 1 the largest slope of tanh. Pascanu, "
        "Mikolov & Bengio (2013): if σ_max(W_hh) < 1/γ every factor is below one, so the "
        "gradient vanishes exponentially with the distance (a sufficient condition); it can "
        "only explode when σ_max(W_hh) > 1/γ. Above that bound it can still vanish: a product of "
        "matrices can be far smaller than the product of their norms (dashed line). "
        "An LSTM's cell state is updated additively, "
        "c_t = f_t c_{t−1} + i_t g_t: along that path each step multiplies by f_t alone, so "
        "while f_t stays near 1 the gradient survives."
    ),
    "grad.factor.rnn_title": "RNN: ‖W_hhᵀ diag(1 − h_t²)‖ per step",
    "grad.factor.lstm_title": "LSTM: the forget gate along the cell path",
    "grad.factor.step_norm": "‖W_hhᵀ diag(1 − h_t²)‖",
    "grad.factor.sigma": "σ_max(W_hh) = {value}",
    "grad.factor.path_norm": "‖∂h_T/∂h_t‖: all the steps from the end back to t",
    "grad.factor.bound": "1/γ = 1 (tanh)",
    "grad.factor.mean_f": "mean forget gate f_t",
    "grad.factor.product": "∏ f_s from t+1 to the end (the cell path's factor)",
    "grad.factor.need_rnn": "Train the comparison models above to see the RNN's factors.",
    "grad.factor.need_lstm": (
        "The forget gate needs an LSTM: train the comparison models above, or make your model an "
        "LSTM on the Train page."
    ),
    "grad.factor.gru": "A GRU has no cell state; its update gate z_t plays the forget gate's role.",
    "grad.sal.title": "Input saliency |∂y/∂x_t| (log scale)",
    "grad.sal.input": "input sequence",
    "grad.sal.section": "What the answer depends on: input saliency",
    "grad.sal.explain": (
        "How much the model's final output y would change if input x_t changed a little "
        "(the gradient's norm, by autograd), for one validation sequence."
    ),
    "grad.sal.sequence": "Validation sequence",
    "grad.clip.section": "Exploding gradients and clipping",
    "grad.clip.explain": (
        "The global gradient norm of every training step of your run (before clipping). "
        "Crosses mark the steps where clipping scaled the gradient down to the threshold."
    ),
    "grad.clip.count": "Clipping acted on {k} of {n} training steps (threshold {clip}).",
    "grad.clip.off": "Clipping is off for this run: nothing limits a large gradient.",
    "grad.clip.none_yet": "No training steps yet: train your model, or use a preset above.",
}

ZH = {
    "grad.intro": (
        "随时间反向传播（BPTT）把损失的梯度从输出一步一步地往回传，直到第一个输入。下面显示的是："
        "在一个验证批次上，你的模型每一个隐藏状态 h_t 和单元状态 c_t 上的梯度还剩多大。曲线朝 "
        "t = 0 方向下降的地方，早期输入已经无法再教会模型任何东西（梯度消失）；曲线上升的地方，"
        "训练会变得不稳定（梯度爆炸）。"
    ),
    "grad.preset.vanishing": "预设：梯度消失（加法问题，T = 50）",
    "grad.preset.vanishing.help": (
        "替换你当前的运行：一个 LSTM（16 个单元，遗忘门偏置 2）在 T = 50 的加法问题上训练 {n} 步。"
        "然后在下方用同样的批次训练 RNN 和 GRU。"
    ),
    "grad.preset.exploding": "预设：梯度爆炸（RNN，循环权重 × 4）",
    "grad.preset.exploding.help": (
        "替换你当前的运行：一个普通 RNN，循环权重初始值是 PyTorch 默认值的 4 倍，在加法问题上"
        "训练 {n} 步，梯度裁剪阈值为 1。"
    ),
    "grad.preset.training": "正在训练预设模型…",
    "grad.build_failed": "无法构建模型：{why}",
    "grad.model_line": (
        "你的模型：**{cell}**，任务 **{task}**，已训练 **{steps}** 步；验证批次共 {B} 个序列，"
        "T = {T}。"
    ),
    "grad.check.ok": (
        "✓ 在这个模型和批次上，PyTorch 自动求导与手写的 NumPy BPTT 给出的每个 ‖∂L/∂h_t‖ 和 "
        "‖∂L/∂c_t‖ 都一致（最大相对差 {diff}）。"
    ),
    "grad.check.bad": (
        "✗ 在这个批次上，PyTorch 自动求导与 NumPy BPTT 不一致（最大相对差 {diff}）。请报告此问题。"
    ),
    "grad.check.variant": (
        "NumPy 参考实现只包含标准 LSTM、GRU 和 RNN；对这个 LSTM 变体，曲线只来自 PyTorch 自动求导。"
    ),
    "grad.compare.title": "对照：同一任务上的 {models}",
    "grad.compare.explain": (
        "它们使用与你的模型完全相同的批次（相同的任务、随机种子、批大小和优化器），训练相同的步数，"
        "每个最多 {s} 秒。"
    ),
    "grad.compare.button": "用同样的批次训练 {models}（最多 {n} 步）",
    "grad.compare.button_first": "用同样的批次训练 {models}（请先训练你的模型）",
    "grad.compare.progress": "正在训练 {model}：第 {step} 步，共 {n} 步",
    "grad.compare.done": "{model}：{steps} / {n} 步",
    "grad.compare.timeout": "{model}：{steps} / {n} 步（达到 {s} 秒时间上限后停止）",
    "grad.compare.none": "按下按钮开始训练，它们的曲线会和你的曲线画在一起。",
    "grad.compare.stale": "对照模型落后于你的模型（{steps} < {n} 步）。",
    "grad.flow.title": "每一步的梯度范数（批次平均），对数坐标",
    "grad.axis.t": "时间步 t",
    "grad.axis.norm": "梯度范数",
    "grad.axis.factor": "每一步的乘数",
    "grad.layer_n": "第 {n} 层",
    "grad.table.title": "第一步和最后一步的梯度（第 1 层）",
    "grad.table.model": "模型",
    "grad.table.first": "‖∂L/∂h_0‖",
    "grad.table.last": "‖∂L/∂h_T‖（末步）",
    "grad.table.ratio": "首步 / 末步",
    "grad.table.data": "图表数据",
    "grad.factors.title": "曲线为什么下降：每一步的乘数",
    "grad.pascanu": (
        "在普通 RNN 中，每往回传一步，梯度都要乘以 W_hhᵀ diag(1 − h_t²)，它的范数不超过 "
        "σ_max(W_hh) · γ，其中 γ = 1 是 tanh 的最大斜率。Pascanu、Mikolov 和 Bengio（2013）指出："
        "若 σ_max(W_hh) < 1/γ，每个乘数都小于 1，梯度随距离指数级消失（充分条件）；只有当 "
        "σ_max(W_hh) > 1/γ 时梯度才可能爆炸。超过这个界时梯度仍可能消失：一串矩阵乘积的范数可以"
        "远小于各自范数的乘积（虚线）。LSTM 的单元状态是加法更新的，"
        "c_t = f_t c_{t−1} + i_t g_t：沿这条路径每一步只乘以 f_t，"
        "所以只要 f_t 接近 1，梯度就能保留下来。"
    ),
    "grad.factor.rnn_title": "RNN：每一步的 ‖W_hhᵀ diag(1 − h_t²)‖",
    "grad.factor.lstm_title": "LSTM：单元状态路径上的遗忘门",
    "grad.factor.step_norm": "‖W_hhᵀ diag(1 − h_t²)‖",
    "grad.factor.sigma": "σ_max(W_hh) = {value}",
    "grad.factor.path_norm": "‖∂h_T/∂h_t‖：从结尾回到 t 的所有步合在一起",
    "grad.factor.bound": "界 1/γ = 1（tanh）",
    "grad.factor.mean_f": "遗忘门 f_t 的平均值",
    "grad.factor.product": "从 t+1 到结尾的 ∏ f_s（单元路径的乘数）",
    "grad.factor.need_rnn": "先训练上面的对照模型，才能看到 RNN 的乘数。",
    "grad.factor.need_lstm": "遗忘门需要 LSTM：请先训练上面的对照模型，或在训练页换成 LSTM。",
    "grad.factor.gru": "GRU 没有单元状态；它的更新门 z_t 起着遗忘门的作用。",
    "grad.sal.title": "输入显著性 |∂y/∂x_t|（对数坐标）",
    "grad.sal.input": "输入序列",
    "grad.sal.section": "答案取决于什么：输入显著性",
    "grad.sal.explain": (
        "对一个验证序列：如果输入 x_t 稍微改变，模型最终输出 y 会改变多少"
        "（梯度的范数，由自动求导得到）。"
    ),
    "grad.sal.sequence": "验证序列",
    "grad.clip.section": "梯度爆炸与梯度裁剪",
    "grad.clip.explain": (
        "你这次运行中每个训练步的全局梯度范数（裁剪之前）。"
        "叉号标出梯度裁剪把梯度缩小到阈值的那些步。"
    ),
    "grad.clip.count": "在 {n} 个训练步中，梯度裁剪起作用了 {k} 次（阈值 {clip}）。",
    "grad.clip.off": "这次运行没有开启梯度裁剪：没有任何东西限制过大的梯度。",
    "grad.clip.none_yet": "还没有训练步：先训练你的模型，或使用上面的预设。",
}
