"""The Arena page: 2-4 models on the identical batch stream."""

EN = {
    "arena.title": "Arena",
    "arena.intro": (
        "Train two to four models side by side. They start from the same seed and every step "
        "they all train on the very same batch, so any difference comes from the cell alone. "
        "Pick a preset, press Play, and see which one reaches the task's threshold first."
    ),
    "arena.preset": "Preset",
    "arena.preset.greff": "Greff et al.: which LSTM parts matter?",
    "arena.preset.reber_nfg": "1997 LSTM without a forget gate on continual Reber",
    "arena.preset.long_lags": "Long lags at T = 100: chrono LSTM vs LSTM vs RNN (adding problem)",
    "arena.preset.train": "The Train page's task and settings",
    "arena.about.greff": (
        "Standard LSTM, NFG (no forget gate), NOAF (no output activation: h = o·c) and CIFG "
        "(input gate coupled to the forget gate: i = 1 − f) on bracket depth counting. Greff "
        "et al. (2017) compared eight variants on speech, handwriting and music: removing the "
        "forget gate or the output activation hurt most, and coupling the gates (CIFG) cost "
        "almost nothing. Here CIFG keeps pace with the standard LSTM and NFG is the slowest. "
        "NOAF is the exception: a count is easiest to output unsquashed, so on this task "
        "h = o·c helps. Predict the order, then press Play."
    ),
    "arena.about.reber_nfg": (
        "The original 1997 LSTM had no forget gate: c_t = c_(t−1) + i_t·g_t. Fed a continual "
        "stream of Reber strings, with no reset between them, its cells can only accumulate. "
        "Gers, Schmidhuber & Cummins (2000) added the forget gate so that the cell can reset "
        "itself after each string. Predict which curve stalls, then press Play."
    ),
    "arena.about.long_lags": (
        "The adding problem at Hochreiter & Schmidhuber's T = 100: add the two marked numbers of "
        "a long sequence; the first marker comes early, so the answer must be held for at least "
        "half the sequence. All three models are the same size and see the same batches. Only "
        "the start differs: LSTM +chrono sets its forget-gate biases to log(U(1, T − 1)) and its "
        "input-gate biases to their negatives (Tallec & Ollivier 2018, chrono initialisation), "
        "so its cells start out remembering for 2 to T steps. It solves the task in about 7,000 "
        "sequences; H&S needed 74,000. The LSTM with the usual start (forget bias 1) and the "
        "plain RNN stay near the baseline for all 74,000. Then lower the lag and reset: how "
        "short must it be before the usual LSTM learns it too?"
    ),
    "arena.about.train": (
        "The task, knobs, hidden size, optimizer and seed set on the Train page, for the models "
        "you choose below."
    ),
    "arena.models": "Models",
    "arena.slot": "Model {n}",
    "arena.model.lstm.standard": "LSTM (standard, with forget gate)",
    "arena.model.lstm.nfg": "LSTM-NFG: no forget gate (1997)",
    "arena.model.lstm.nig": "LSTM-NIG: no input gate",
    "arena.model.lstm.nog": "LSTM-NOG: no output gate",
    "arena.model.lstm.cifg": "LSTM-CIFG: coupled input and forget gate",
    "arena.model.lstm.niaf": "LSTM-NIAF: no input activation",
    "arena.model.lstm.noaf": "LSTM-NOAF: no output activation",
    "arena.model.lstm.ph": "LSTM-PH: peepholes",
    "arena.model.lstm.standard.chrono": "LSTM +chrono: chrono gate biases (Tallec & Ollivier)",
    "arena.model.gru.standard": "GRU",
    "arena.model.rnn.standard": "RNN (tanh)",
    "arena.lag": "Lag: `{knob}` (sequence length)",
    "arena.lag.help": (
        "Sets the task's length for every model. Longer lags make the dependency harder to "
        "learn. Changing it starts all models again from step 0."
    ),
    "arena.no_lag": "This task has no sequence-length setting.",
    "arena.setup_note": (
        "Shared by all models: task {task}, hidden size {hidden}, LSTM forget-gate bias "
        "{forget_bias}, {optimizer} with learning rate {lr}, gradient clipping {clip}, batch "
        "{batch}, seed {seed}. Changing any setting starts them all again."
    ),
    "arena.refused": "That setup cannot be built: {message}",
    "arena.clip_off": "off",
    "arena.play": "Play",
    "arena.pause": "Pause",
    "arena.step": "Step",
    "arena.step.help": "One step for every model, on the same next batch.",
    "arena.reset": "Reset",
    "arena.steps": "Steps (each model)",
    "arena.sequences": "Sequences seen (each model)",
    "arena.badge.solved": "✓ step {step}",
    "arena.badge.not_yet": "Not solved yet",
    "arena.badge.help": (
        "{metric}: {value}. Solved when it passes {threshold} on the validation set; the badge "
        "shows the first evaluation step where it did (✓ step N)."
    ),
    "arena.badge.diverged": "Stopped (diverged)",
    "arena.chart.loss_title": "Loss: bold = validation, faint = training",
    "arena.chart.loss": "loss (log scale)",
    "arena.chart.step": "training step",
    "arena.chart.train_loss": "{model} training loss",
    "arena.chart.threshold": "solved at {value}",
    "arena.chart.solved": "{model} solved",
    "arena.results": "Results",
    "arena.col.model": "Model",
    "arena.col.steps": "Steps",
    "arena.col.train_loss": "Final loss (last 20 steps)",
    "arena.col.val_loss": "Validation loss",
    "arena.col.metric": "{metric}",
    "arena.col.solved_at": "Solved at step",
    "arena.col.steps_per_s": "Steps/s",
    "arena.tables": "Show data tables",
    "arena.diverged": "{model} stopped: {message}",
}

ZH = {
    "arena.title": "竞技场",
    "arena.intro": (
        "并排训练两到四个模型。它们使用同一个随机种子，每一步都在完全相同的批次上训练，"
        "所以差别只来自单元结构本身。选一个预设，按“播放”，看谁先达到任务的阈值。"
    ),
    "arena.preset": "预设",
    "arena.preset.greff": "Greff 等人：LSTM 的哪些部件最重要？",
    "arena.preset.reber_nfg": "1997 年无遗忘门 LSTM 与连续 Reber 语法",
    "arena.preset.long_lags": "T = 100 的长时滞：chrono LSTM、LSTM 与 RNN（加法问题）",
    "arena.preset.train": "训练页的任务与设置",
    "arena.about.greff": (
        "在括号深度计数任务上比较标准 LSTM、NFG（无遗忘门）、NOAF（无输出激活：h = o·c）"
        "和 CIFG（输入门与遗忘门耦合：i = 1 − f）。Greff 等人（2017）在语音、手写和音乐上比较了"
        "八种变体：去掉遗忘门或输出激活损害最大，而耦合两个门（CIFG）几乎没有代价。在这里 CIFG "
        "与标准 LSTM 齐头并进，NFG 最慢。NOAF 是例外：计数值不经压缩直接输出最容易，所以在这个"
        "任务上 h = o·c 反而有帮助。先预测名次，再按“播放”。"
    ),
    "arena.about.reber_nfg": (
        "最初的 1997 年 LSTM 没有遗忘门：c_t = c_(t−1) + i_t·g_t。输入一串连续的 Reber "
        "字符串、中间不重置时，它的单元只能不断累加。Gers、Schmidhuber 和 Cummins（2000）"
        "加入了遗忘门，让单元在每个字符串结束后自行重置。先预测哪条曲线会停滞，再按“播放”。"
    ),
    "arena.about.long_lags": (
        "Hochreiter 和 Schmidhuber 的 T = 100 加法问题：把长序列中两个被标记的数相加；第一个"
        "标记出现得很早，所以答案至少要保持半个序列。三个模型大小相同，看到的批次也相同，"
        "只有初始化不同：LSTM +chrono 把遗忘门偏置设为 log(U(1, T − 1))，输入门偏置取其相反数"
        "（Tallec 和 Ollivier 2018，chrono 初始化），因此它的单元一开始就能记住 2 到 T 步。"
        "它大约用 7,000 条序列就解决了任务，而 H&S 用了 74,000 条。采用常规初始化（遗忘门偏置 1）"
        "的 LSTM 和普通 RNN 在全部 74,000 条序列中都停留在基线附近。然后减小时滞并重置："
        "时滞要短到多少，常规初始化的 LSTM 才能学会？"
    ),
    "arena.about.train": (
        "使用训练页设置的任务、参数、隐藏层大小、优化器和种子，训练下面选择的模型。"
    ),
    "arena.models": "模型",
    "arena.slot": "模型 {n}",
    "arena.model.lstm.standard": "LSTM（标准，有遗忘门）",
    "arena.model.lstm.nfg": "LSTM-NFG：无遗忘门（1997）",
    "arena.model.lstm.nig": "LSTM-NIG：无输入门",
    "arena.model.lstm.nog": "LSTM-NOG：无输出门",
    "arena.model.lstm.cifg": "LSTM-CIFG：输入门与遗忘门耦合",
    "arena.model.lstm.niaf": "LSTM-NIAF：无输入激活",
    "arena.model.lstm.noaf": "LSTM-NOAF：无输出激活",
    "arena.model.lstm.ph": "LSTM-PH：窥视孔连接",
    "arena.model.lstm.standard.chrono": "LSTM +chrono：chrono 门偏置（Tallec 和 Ollivier）",
    "arena.model.gru.standard": "GRU",
    "arena.model.rnn.standard": "RNN（tanh 激活）",
    "arena.lag": "时滞：`{knob}`（序列长度）",
    "arena.lag.help": (
        "为所有模型设置任务的长度。时滞越长，依赖越难学。改变它会让所有模型从第 0 步重新开始。"
    ),
    "arena.no_lag": "这个任务没有序列长度设置。",
    "arena.setup_note": (
        "所有模型共用：任务 {task}，隐藏层大小 {hidden}，LSTM 遗忘门偏置 {forget_bias}，"
        "{optimizer}，学习率 {lr}，梯度裁剪 {clip}，批大小 {batch}，种子 {seed}。"
        "改变任何设置都会让它们全部重新开始。"
    ),
    "arena.refused": "无法建立这个设置：{message}",
    "arena.clip_off": "关闭",
    "arena.play": "播放",
    "arena.pause": "暂停",
    "arena.step": "单步",
    "arena.step.help": "每个模型在同一个下一批次上训练一步。",
    "arena.reset": "重置",
    "arena.steps": "步数（每个模型）",
    "arena.sequences": "已见序列数（每个模型）",
    "arena.badge.solved": "✓ 第 {step} 步",
    "arena.badge.not_yet": "尚未解决",
    "arena.badge.help": (
        "{metric}：{value}。在验证集上超过 {threshold} 即为解决；"
        "徽章显示第一次达到时的评估步数（✓ 第 N 步）。"
    ),
    "arena.badge.diverged": "已停止（发散）",
    "arena.chart.loss_title": "损失：粗线 = 验证，浅线 = 训练",
    "arena.chart.loss": "损失（对数刻度）",
    "arena.chart.step": "训练步数",
    "arena.chart.train_loss": "{model} 训练损失",
    "arena.chart.threshold": "解决阈值 {value}",
    "arena.chart.solved": "{model} 已解决",
    "arena.results": "结果",
    "arena.col.model": "模型",
    "arena.col.steps": "步数",
    "arena.col.train_loss": "最终损失（最近 20 步）",
    "arena.col.val_loss": "验证损失",
    "arena.col.metric": "{metric}",
    "arena.col.solved_at": "解决于第几步",
    "arena.col.steps_per_s": "步/秒",
    "arena.tables": "显示数据表",
    "arena.diverged": "{model} 已停止：{message}",
}
