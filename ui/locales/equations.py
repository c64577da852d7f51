"""Equations: the LSTM's forward and backward equations with one unit's live numbers."""

EN = {
    "eq.intro": (
        "The equations of one LSTM step, with the numbers your model computes for one unit at "
        "one time step of a validation sequence. Forward: how the gates and the states are made. "
        "Backward: how the gradient of the loss reaches them, and what this step adds to the "
        "weight gradients. Every number comes from the hand-written NumPy reference, checked "
        "against PyTorch."
    ),
    "eq.code": (
        "The same equations as code, one line each: `lstm_step_forward` (line {forward}) and "
        "`lstm_step_backward` (line {backward}) in `lstm_core/reference.py`. In the backward "
        "pass, look for `dc_t` and for the forget gate's `df_t` and `da_f`."
    ),
    "eq.not_lstm": (
        "These are the equations of the standard LSTM; your run is a {model}. Train a quick "
        "standard LSTM on the same task for this page (your run is kept), or switch your model "
        "to a standard LSTM on the Train page."
    ),
    "eq.quick_train": "Train a quick LSTM ({n} steps)",
    "eq.quick_training": "Training…",
    "eq.quick_line": "A standard LSTM trained {steps} steps on the same task (your run is kept).",
    "eq.model_line": "Your model: **LSTM** on **{task}**, after **{steps}** training steps.",
    "eq.build_failed": "The model could not be built: {why}",
    "eq.layer": "Layer",
    "eq.layer_n": "layer {n}",
    "eq.sequence": "Validation sequence",
    "eq.step": "Time step t",
    "eq.unit": "Unit",
    "eq.forward": "Forward: this step, this unit",
    "eq.where": (
        "Layer {layer}, sequence {b}, step t = {t}, unit {u}. W_if x_t is row {u} of the f block "
        "of W_ih times x_t; σ is the sigmoid."
    ),
    "eq.backward": "Backward: the gradient arriving at this step",
    "eq.backward_explain": (
        "The loss is the mean over the {B} validation sequences shown on the Inside the cell "
        "page. δ means ∂L/∂(·); δh_t↑ arrives from the head (or the layer above), the other term "
        "from step t+1. At the last step nothing comes from t+1."
    ),
    "eq.contrib": "This step's contribution (this sequence) to the weight gradients of unit {u}",
    "eq.check.ok": (
        "✓ The NumPy BPTT equals PyTorch autograd for this model and batch: largest difference "
        "over all {n} parameter gradients {diff}."
    ),
    "eq.check.bad": (
        "✗ The NumPy BPTT and PyTorch autograd differ on this batch (largest difference {diff})."
    ),
    "eq.simple.title": "The tutorial's simplified formulas, and the exact ones",
    "eq.simple.plain": (
        "The tutorial writes h_t = f(W x_t + U h_{t−1} + b) and ΔW = Δh_t x_t. Those formulas "
        "describe a plain RNN, not an LSTM: they have no gates and no cell state. (For a plain "
        "RNN they are exact when Δh_t is read as the gradient on the pre-activation.) The LSTM "
        "has four weight blocks, and each gate's gradient passes through that gate's derivative "
        "and, for i, f and g, through the cell state first."
    ),
    "eq.simple.tutorial": "Tutorial (a plain RNN)",
    "eq.simple.exact": "Exact LSTM (what the model computes)",
    "eq.gap.title": "How far the simplified gradient is from the true one, on this batch",
    "eq.gap.explain": (
        "Simplified: every gate's ΔW = Σ_t Δh_t x_tᵀ (and likewise ΔU, Δb) with Δh_t the true "
        "∂L/∂h_t from the BPTT. True: the BPTT's gradient. Relative error ‖S − G‖ / ‖G‖ "
        "(0 is exact); cosine similarity (1: same direction, 0: unrelated, −1: opposite)."
    ),
    "eq.gap.param": "gradient",
    "eq.gap.rel": "relative error",
    "eq.gap.cos": "cosine similarity",
    "eq.values": "All the numbers of this step (layer {layer}, sequence {b})",
    "eq.col.a": "pre-activation a",
    "eq.col.value": "after the activation",
    "eq.col.da": "δa = ∂L/∂a",
}

ZH = {
    "eq.intro": (
        "一个 LSTM 时间步的公式，代入的是你的模型在一个验证序列的某个时间步、某个单元上实际算出的"
        "数值。前向：各个门和状态是怎样得到的。反向：损失的梯度怎样到达它们，以及这一步对权重梯度"
        "贡献了多少。所有数字都来自手写的 NumPy 参考实现，并与 PyTorch 核对过。"
    ),
    "eq.code": (
        "同样的公式写成代码，一行一个：`lstm_core/reference.py` 中的 `lstm_step_forward`"
        "（第 {forward} 行）和 `lstm_step_backward`（第 {backward} 行）。在反向传播中找 `dc_t`，"
        "以及遗忘门的 `df_t` 和 `da_f`。"
    ),
    "eq.not_lstm": (
        "这里是标准 LSTM 的公式；你当前的运行是 {model}。可以在同一任务上为本页快速训练一个标准 "
        "LSTM（你的运行会被保留），或者在训练页把模型换成标准 LSTM。"
    ),
    "eq.quick_train": "快速训练一个 LSTM（{n} 步）",
    "eq.quick_training": "正在训练…",
    "eq.quick_line": "一个在同一任务上训练了 {steps} 步的标准 LSTM（你的运行保持不变）。",
    "eq.model_line": "你的模型：**LSTM**，任务 **{task}**，已训练 **{steps}** 步。",
    "eq.build_failed": "无法构建模型：{why}",
    "eq.layer": "层",
    "eq.layer_n": "第 {n} 层",
    "eq.sequence": "验证序列",
    "eq.step": "时间步 t",
    "eq.unit": "单元",
    "eq.forward": "前向：这一步，这个单元",
    "eq.where": (
        "第 {layer} 层，序列 {b}，时间步 t = {t}，单元 {u}。"
        "W_if x_t 指 W_ih 中 f 块的第 {u} 行乘以 x_t；σ 是 sigmoid 函数。"
    ),
    "eq.backward": "反向：到达这一步的梯度",
    "eq.backward_explain": (
        "损失是“单元内部”页面所示的 {B} 个验证序列上的平均值。δ 表示 ∂L/∂(·)；δh_t↑ 来自输出层"
        "（或上一层），另一项来自第 t+1 步。最后一步没有来自 t+1 的梯度。"
    ),
    "eq.contrib": "这一步（这个序列）对单元 {u} 权重梯度的贡献",
    "eq.check.ok": (
        "✓ 在这个模型和批次上，NumPy BPTT 与 PyTorch 自动求导一致："
        "全部 {n} 个参数梯度的最大差值为 {diff}。"
    ),
    "eq.check.bad": "✗ 在这个批次上，NumPy BPTT 与 PyTorch 自动求导不一致（最大差值 {diff}）。",
    "eq.simple.title": "教程里的简化公式，以及精确公式",
    "eq.simple.plain": (
        "教程写的是 h_t = f(W x_t + U h_{t−1} + b) 和 ΔW = Δh_t x_t。这些公式描述的是普通 RNN，"
        "而不是 LSTM：其中没有门，也没有单元状态。（对普通 RNN，只要把 Δh_t 理解为预激活上的梯度，"
        "它们就是精确的。）LSTM 有四个权重块，每个门的梯度都要乘上该门的导数，而 i、f、g 三个门的"
        "梯度还要先经过单元状态。"
    ),
    "eq.simple.tutorial": "教程（普通 RNN）",
    "eq.simple.exact": "精确的 LSTM（模型实际计算的）",
    "eq.gap.title": "在这个批次上，简化梯度离真实梯度有多远",
    "eq.gap.explain": (
        "简化：每个门都用 ΔW = Σ_t Δh_t x_tᵀ（ΔU、Δb 同理），其中 Δh_t 是 BPTT 得到的真实 "
        "∂L/∂h_t。真实：BPTT 的梯度。相对误差 ‖S − G‖ / ‖G‖（0 表示完全一致）；余弦相似度"
        "（1：方向相同，0：无关，−1：方向相反）。"
    ),
    "eq.gap.param": "梯度",
    "eq.gap.rel": "相对误差",
    "eq.gap.cos": "余弦相似度",
    "eq.values": "这一步的全部数值（第 {layer} 层，序列 {b}）",
    "eq.col.a": "预激活 a",
    "eq.col.value": "激活之后",
    "eq.col.da": "梯度 δa = ∂L/∂a",
}
