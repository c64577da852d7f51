"""Overfitting and its cures (training-set size, dropout, weight decay, early stopping) and the
real reviews view of the Train page."""

EN = {
    "overfit.controls": "Overfitting and its cures",
    "overfit.train_size": "Training-set size",
    "overfit.train_size.help": (
        "Stream: every batch is fresh data, so nothing can be memorised. A number: that many "
        "fixed sequences, reused epoch after epoch; the validation set stays separate."
    ),
    "overfit.stream": "stream (fresh data)",
    "overfit.off": "off",
    "overfit.early_stop": "Early stopping (patience)",
    "overfit.early_stop.help": (
        "Stop when the validation loss has not reached a new best for this many evaluations. "
        "The best weights are kept either way: 'Restore best' puts them back."
    ),
    "overfit.dropout": "Dropout p",
    "overfit.dropout.help": (
        "During training, each unit of h_t between layers and before the output layer is "
        "zeroed with probability p (the others are scaled by 1/(1-p)). Off when evaluating."
    ),
    "overfit.weight_decay": "Weight decay",
    "overfit.weight_decay.help": (
        "Pulls every weight towards zero at each step: L2 (added to the gradient) for SGD and "
        "RMSprop, decoupled AdamW for Adam."
    ),
    "overfit.chart.title": "Training vs validation loss (the gap)",
    "overfit.chart.train": "training loss (since the last evaluation)",
    "overfit.chart.val": "validation loss",
    "overfit.chart.best": "best validation, step {step}",
    "overfit.chart.since": "overfitting since step {step}",
    "overfit.epochs": (
        "Epoch {epoch:.1f}: {n:,} training sequences, each seen about {epoch:.1f} times."
    ),
    "overfit.stream_note": "Fresh data every batch: no epochs, nothing to memorise.",
    "overfit.flag": (
        "Overfitting since step {step}: the validation loss has risen above its best "
        "({best:.4g}) while the training loss kept falling. The training loss lies."
    ),
    "overfit.gap": "Gap (validation − training loss): {gap:.3g}",
    "overfit.best": "Best validation loss {loss:.4g} at step {step}.",
    "overfit.restore": "Restore best",
    "overfit.restore.help": "Put back the weights of the best validation loss so far.",
    "overfit.restored": "Restored the weights of step {step} (validation loss {loss:.4g}).",
    "overfit.review.title": "A validation review, read by the model",
    "overfit.review.pick": "Review",
    "overfit.review.colour": "Colour the characters by",
    "overfit.review.saliency": "saliency |dy/dx_t|",
    "overfit.review.unit": "unit {k}: h_t",
    "overfit.review.pred": "Predicted **{label}** with probability {p:.0%} (true: {truth}).",
    "overfit.review.row": "character",
    "overfit.review.cut": "The model reads the first {n} characters (length cap); the full text:",
    "arena.preset.overfit": "One LSTM with and without dropout / weight decay (64 sequences)",
    "arena.about.overfit": (
        "Three copies of one LSTM (32 units) on the same 64 fixed training sequences of noisy "
        "gestures, reused epoch after epoch: plain, with dropout p = 0.3, and with weight decay "
        "0.5 (AdamW). The plain model soon fits its 64 sequences almost perfectly, and its "
        "validation loss turns up after about 100 steps. Watch the validation curves, not the "
        "training loss: which cure keeps the validation loss lowest?"
    ),
    "arena.model.lstm.standard.dropout": "LSTM + dropout 0.3",
    "arena.model.lstm.standard.decay": "LSTM + weight decay 0.5",
    "arena.model.lstm.standard.both": "LSTM + dropout 0.3 + weight decay 0.5",
}

ZH = {
    "overfit.controls": "过拟合及其对策",
    "overfit.train_size": "训练集大小",
    "overfit.train_size.help": (
        "数据流：每个批次都是新数据，因此无从死记硬背。一个数字：这么多条固定的序列，一轮又一轮"
        "地重复使用；验证集始终独立。"
    ),
    "overfit.stream": "数据流（新数据）",
    "overfit.off": "关闭",
    "overfit.early_stop": "早停（耐心）",
    "overfit.early_stop.help": (
        "如果验证损失连续这么多次评估都没有创出新低，就停止训练。无论是否早停，最佳权重都会"
        "保留：“恢复最佳”会把它们放回模型。"
    ),
    "overfit.dropout": "Dropout 概率 p",
    "overfit.dropout.help": (
        "训练时，层与层之间以及输出层之前的 h_t 的每个单元以概率 p 被置零（其余单元乘以 "
        "1/(1-p)）。评估时关闭。"
    ),
    "overfit.weight_decay": "权重衰减",
    "overfit.weight_decay.help": (
        "每一步都把所有权重往零拉：SGD 和 RMSprop 用 L2（加到梯度上），Adam 用解耦的 AdamW。"
    ),
    "overfit.chart.title": "训练损失与验证损失（差距）",
    "overfit.chart.train": "训练损失（自上次评估以来）",
    "overfit.chart.val": "验证损失",
    "overfit.chart.best": "最佳验证，第 {step} 步",
    "overfit.chart.since": "自第 {step} 步起过拟合",
    "overfit.epochs": "第 {epoch:.1f} 轮：{n:,} 条训练序列，每条大约已看过 {epoch:.1f} 次。",
    "overfit.stream_note": "每个批次都是新数据：没有“轮”，也没有可以死记的东西。",
    "overfit.flag": (
        "自第 {step} 步起过拟合：训练损失仍在下降，验证损失却已升到最佳值（{best:.4g}）之上。"
        "训练损失在说谎。"
    ),
    "overfit.gap": "差距（验证损失 − 训练损失）：{gap:.3g}",
    "overfit.best": "最佳验证损失 {loss:.4g}，出现在第 {step} 步。",
    "overfit.restore": "恢复最佳",
    "overfit.restore.help": "把迄今验证损失最低时的权重放回模型。",
    "overfit.restored": "已恢复第 {step} 步的权重（验证损失 {loss:.4g}）。",
    "overfit.review.title": "模型读到的一条验证集评论",
    "overfit.review.pick": "评论",
    "overfit.review.colour": "字符着色依据",
    "overfit.review.saliency": "显著性 |dy/dx_t|",
    "overfit.review.unit": "单元 {k}：h_t",
    "overfit.review.pred": "预测为 **{label}**，概率 {p:.0%}（真实标签：{truth}）。",
    "overfit.review.row": "字符",
    "overfit.review.cut": "模型只读前 {n} 个字符（长度上限）；全文如下：",
    "arena.preset.overfit": "同一个 LSTM 加与不加 dropout / 权重衰减（64 条序列）",
    "arena.about.overfit": (
        "同一个 LSTM（32 个单元）的三个副本，在同样 64 条固定的含噪手势训练序列上一轮又一轮地"
        "训练：不加正则、加 dropout（p = 0.3）、加权重衰减 0.5（AdamW）。不加正则的模型很快就"
        "几乎完美地拟合了这 64 条序列，它的验证损失在大约 100 步后开始回升。请看验证曲线而不是"
        "训练损失：哪一种对策让验证损失保持得最低？"
    ),
    "arena.model.lstm.standard.dropout": "LSTM + dropout 0.3",
    "arena.model.lstm.standard.decay": "LSTM + 权重衰减 0.5",
    "arena.model.lstm.standard.both": "LSTM + dropout 0.3 + 权重衰减 0.5",
}
