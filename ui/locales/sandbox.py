"""Cell sandbox: one LSTM cell, its sliders, presets and sequence mode."""

EN = {
    "sandbox.intro": (
        "One LSTM cell, small enough to hold in your head. Move a slider and every value on "
        "the diagram is recomputed by the NumPy reference implementation "
        "(`lstm_core.reference.lstm_step_forward`). Try a preset, then predict what a slider "
        "will do before you move it."
    ),
    "sandbox.units": "Units H",
    "sandbox.inputs": "Inputs I",
    "sandbox.presets": "Presets",
    "sandbox.preset.remember": "Remember",
    "sandbox.preset.forget": "Forget",
    "sandbox.preset.write": "Write",
    "sandbox.preset.read": "Read",
    "sandbox.why.remember": (
        "**Remember:** the forget gate is open ($f \\approx 1$) and the input gate shut "
        "($i \\approx 0$), so $c_t$ keeps $c_{t-1}$ whatever the input is."
    ),
    "sandbox.why.forget": (
        "**Forget:** the forget gate is shut ($f \\approx 0$), so whatever $c_{t-1}$ held is "
        "wiped out in a single step."
    ),
    "sandbox.why.write": (
        "**Write:** the input gate is open and the forget gate shut, so $c_t$ becomes the "
        "candidate $g_t = \\tanh(3 x_t)$: a fresh copy of the input."
    ),
    "sandbox.why.read": (
        "**Read:** the cell keeps its content, and the output gate $o_t = \\sigma(8 x_t - 4)$ "
        "opens only when $x_t$ is near 1: only then does $h_t$ show the memory $\\tanh(c_t)$."
    ),
    "sandbox.unit": "Unit shown on the diagram and edited below",
    "sandbox.diagram": "Unit {u}: one step, every value computed by the reference",
    "sandbox.table": "All units (the table behind the diagram)",
    "sandbox.row.a_i": "a_i (pre-activation)",
    "sandbox.row.a_f": "a_f (pre-activation)",
    "sandbox.row.a_g": "a_g (pre-activation)",
    "sandbox.row.a_o": "a_o (pre-activation)",
    "sandbox.row.i": "i_t input gate",
    "sandbox.row.f": "f_t forget gate",
    "sandbox.row.g": "g_t candidate",
    "sandbox.row.o": "o_t output gate",
    "sandbox.row.c": "c_t cell state",
    "sandbox.row.h": "h_t hidden state",
    "sandbox.equations": "The equations with unit {u}'s numbers",
    "sandbox.equations_hint": (
        "Each gate applies σ (tanh for g) to the sum of three terms: "
        "W·x_t (from the input), W·h_(t-1) (from the previous hidden state) and the bias b."
    ),
    "sandbox.tab.state": "Input and state",
    "sandbox.tab.f": "Forget f",
    "sandbox.tab.i": "Input i",
    "sandbox.tab.g": "Candidate g",
    "sandbox.tab.o": "Output o",
    "sandbox.x": "xₜ[{j}]",
    "sandbox.h_prev": "hₜ₋₁[{k}]",
    "sandbox.c_prev": "cₜ₋₁[{k}]",
    "sandbox.bias": "bias b",
    "sandbox.w_x": "weight from xₜ[{j}]",
    "sandbox.w_h": "weight from hₜ₋₁[{k}]",
    "sandbox.gate_of": "{gate}, unit {u}",
    "sandbox.seq.mode": "Sequence mode: step a whole sequence through the cell",
    "sandbox.seq.text": (
        "Sequence (steps separated by commas; with two inputs, two numbers per step)"
    ),
    "sandbox.seq.help": (
        "Starts from the $h_{t-1}$ and $c_{t-1}$ set above, with the weights above. "
        "Example: 1, 0, 0, -1, 0"
    ),
    "sandbox.seq.figure": "Unit {u} over the sequence",
    "sandbox.seq.table": "Every step, every unit",
    "sandbox.err.empty": "Type at least one number, for example: 1, 0, 0, -1, 0",
    "sandbox.err.too_long": "That is {steps} steps; the sandbox takes at most {max}.",
    "sandbox.err.not_a_number": "Step {step} (“{text}”) is not a number. Example: 1, 0, -0.5",
    "sandbox.err.width": (
        "Step {step} (“{text}”) has {got} number(s) but the cell has {n} input(s): "
        "give {n} per step, separated by spaces."
    ),
    "sandbox.err.too_large": "Step {step} (“{text}”): keep inputs between −{limit} and {limit}.",
}

ZH = {
    "sandbox.intro": (
        "一个小到能装进脑子里的 LSTM 单元。移动任一滑块，图中的每个数值都会由 NumPy 参考实现"
        "（`lstm_core.reference.lstm_step_forward`）重新计算。先试一个预设，再在移动滑块之前"
        "预测它会带来什么变化。"
    ),
    "sandbox.units": "单元数 H",
    "sandbox.inputs": "输入数 I",
    "sandbox.presets": "预设",
    "sandbox.preset.remember": "记住",
    "sandbox.preset.forget": "遗忘",
    "sandbox.preset.write": "写入",
    "sandbox.preset.read": "读出",
    "sandbox.why.remember": (
        "**记住：**遗忘门打开（$f \\approx 1$），输入门关闭（$i \\approx 0$），"
        "所以无论输入是什么，$c_t$ 都保持 $c_{t-1}$。"
    ),
    "sandbox.why.forget": (
        "**遗忘：**遗忘门关闭（$f \\approx 0$），$c_{t-1}$ 中的内容在一步之内被清除。"
    ),
    "sandbox.why.write": (
        "**写入：**输入门打开、遗忘门关闭，所以 $c_t$ 变成候选值 "
        "$g_t = \\tanh(3 x_t)$：输入的一份新拷贝。"
    ),
    "sandbox.why.read": (
        "**读出：**单元保持其内容，而输出门 $o_t = \\sigma(8 x_t - 4)$ 只有在 $x_t$ 接近 1 "
        "时才打开：只有这时 $h_t$ 才会显示记忆 $\\tanh(c_t)$。"
    ),
    "sandbox.unit": "在图中显示并在下方编辑的单元",
    "sandbox.diagram": "单元 {u}：一步计算，每个数值都由参考实现算出",
    "sandbox.table": "所有单元（图背后的数据表）",
    "sandbox.row.a_i": "a_i（预激活）",
    "sandbox.row.a_f": "a_f（预激活）",
    "sandbox.row.a_g": "a_g（预激活）",
    "sandbox.row.a_o": "a_o（预激活）",
    "sandbox.row.i": "i_t 输入门",
    "sandbox.row.f": "f_t 遗忘门",
    "sandbox.row.g": "g_t 候选值",
    "sandbox.row.o": "o_t 输出门",
    "sandbox.row.c": "c_t 单元状态",
    "sandbox.row.h": "h_t 隐藏状态",
    "sandbox.equations": "代入单元 {u} 数值的公式",
    "sandbox.equations_hint": (
        "每个门对三项之和施加 σ（g 用 tanh）：W·x_t（来自输入）、W·h_(t-1)（来自上一步的隐藏状态）"
        "和偏置 b。"
    ),
    "sandbox.tab.state": "输入与状态",
    "sandbox.tab.f": "遗忘门 f",
    "sandbox.tab.i": "输入门 i",
    "sandbox.tab.g": "候选值 g",
    "sandbox.tab.o": "输出门 o",
    "sandbox.x": "xₜ[{j}]",
    "sandbox.h_prev": "hₜ₋₁[{k}]",
    "sandbox.c_prev": "cₜ₋₁[{k}]",
    "sandbox.bias": "偏置 b",
    "sandbox.w_x": "来自 xₜ[{j}] 的权重",
    "sandbox.w_h": "来自 hₜ₋₁[{k}] 的权重",
    "sandbox.gate_of": "{gate}，单元 {u}",
    "sandbox.seq.mode": "序列模式：让整段序列逐步通过单元",
    "sandbox.seq.text": "序列（各步之间用逗号分隔；有两个输入时每步写两个数）",
    "sandbox.seq.help": (
        "从上面设置的 $h_{t-1}$ 和 $c_{t-1}$ 出发，使用上面的权重。例如：1, 0, 0, -1, 0"
    ),
    "sandbox.seq.figure": "单元 {u} 在整段序列上的变化",
    "sandbox.seq.table": "每一步、每个单元",
    "sandbox.err.empty": "请至少输入一个数字，例如：1, 0, 0, -1, 0",
    "sandbox.err.too_long": "这是 {steps} 步；沙盒最多接受 {max} 步。",
    "sandbox.err.not_a_number": "第 {step} 步（“{text}”）不是数字。例如：1, 0, -0.5",
    "sandbox.err.width": (
        "第 {step} 步（“{text}”）有 {got} 个数字，但单元有 {n} 个输入："
        "每步请给 {n} 个数字，用空格分隔。"
    ),
    "sandbox.err.too_large": "第 {step} 步（“{text}”）：输入请保持在 −{limit} 到 {limit} 之间。",
}
