"""The home page (app.py) and its cell diagram."""

EN = {
    "home.intro": (
        "LSTM Playground trains a small recurrent network in your browser while you watch. "
        "Pick a task, press Play, and see the loss fall as the model learns. "
        "Then look inside the cell: every gate value, the cell state and the gradients "
        "are computed from the model you just trained."
    ),
    "home.diagram.title": "One LSTM time step",
    "home.diagram.caption": (
        "Inputs x_t and h_(t-1) feed four gates. The forget gate f_t scales the old cell "
        "state, the input gate i_t writes the candidate g_t, the output gate o_t reads the "
        "new cell state out as h_t. ⊙ is element-wise multiplication, σ the logistic sigmoid."
    ),
    "home.diagram.legend": "PyTorch's form, gate order i, f, g, o",
    "home.gate.i": "input gate",
    "home.gate.f": "forget gate",
    "home.gate.g": "candidate",
    "home.gate.o": "output gate",
    "home.pages.title": "Pages",
    "home.pages.train": "Pick a task and a model, press Play, watch the loss fall.",
    "home.pages.inside": "Heatmaps of every gate and the cell state over a sequence.",
    "home.pages.sandbox": "One cell with sliders for its inputs and weights.",
    "home.pages.gradients": "Backpropagation through time: where gradients vanish or explode.",
    "home.pages.arena": "Train RNN, GRU and LSTM side by side on the same batches.",
    "home.pages.equations": "The equations with this model's numbers substituted.",
    "home.pages.runs": "Save, load, compare and export runs.",
    "home.pages.lessons": "Guided lessons: predict, then run.",
    "home.lessons.title": "Lessons",
    "home.lessons.none": "No lessons are installed in this version yet.",
}

ZH = {
    "home.intro": (
        "LSTM 游乐场在你眼前训练一个小型循环神经网络。"
        "选择一个任务，按下“播放”，看着损失随着模型学习而下降。"
        "然后走进单元内部：每个门的值、单元状态和梯度，都是从你刚训练的模型中计算出来的。"
    ),
    "home.diagram.title": "LSTM 的一个时间步",
    "home.diagram.caption": (
        "输入 x_t 和 h_(t-1) 送入四个门。遗忘门 f_t 缩放旧的单元状态，输入门 i_t 写入候选值 g_t，"
        "输出门 o_t 把新的单元状态读出为 h_t。⊙ 表示逐元素相乘，σ 是 logistic sigmoid 函数。"
    ),
    "home.diagram.legend": "PyTorch 的写法，门的顺序为 i、f、g、o",
    "home.gate.i": "输入门",
    "home.gate.f": "遗忘门",
    "home.gate.g": "候选值",
    "home.gate.o": "输出门",
    "home.pages.title": "页面",
    "home.pages.train": "选择任务和模型，按下播放，看损失下降。",
    "home.pages.inside": "一个序列上每个门和单元状态的热力图。",
    "home.pages.sandbox": "单个单元，用滑块调节它的输入和权重。",
    "home.pages.gradients": "随时间反向传播：梯度在哪里消失或爆炸。",
    "home.pages.arena": "在相同的批次上并排训练 RNN、GRU 和 LSTM。",
    "home.pages.equations": "代入当前模型数值的公式。",
    "home.pages.runs": "保存、加载、比较和导出训练运行。",
    "home.pages.lessons": "引导式课程：先预测，再运行。",
    "home.lessons.title": "课程",
    "home.lessons.none": "此版本尚未安装任何课程。",
}
