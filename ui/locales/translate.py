"""Strings of the translation views (Train page table, top-3, attention; Inside the cell)."""

EN = {
    "translate.table_title": "Translations of held-out examples (never trained on)",
    "translate.col.source": "source",
    "translate.col.target": "target",
    "translate.col.output": "model output",
    "translate.col.right": "right?",
    "translate.marked": "Wrong characters are bold and red; a missing character is shown "
    "as ▯. Character accuracy {char:.1%}, exact match {exact:.1%}.",
    "translate.example": "Example to look inside",
    "translate.topk_title": "The decoder's top 3 next characters at each output step",
    "translate.topk_axis_step": "output step (character written)",
    "translate.topk_axis_rank": "rank",
    "translate.attention_title": "Attention: where each output step looks in the source",
    "translate.attention_axis_source": "source character",
    "translate.attention_axis_output": "output character",
    "translate.attention_off": "Attention is off: the decoder knows the source only through "
    "the encoder's final h and c. Turn the task's attention knob to 'dot product' to see where "
    "it looks.",
    "translate.end": "end",
    "translate.handover_title": "Encoder, then decoder: the hand-over",
    "translate.handover_caption": "Steps 0 to {S} read the source (encoder); after the line the "
    "decoder writes the translation, starting from the encoder's last h and c.",
    "translate.told_title": "What the decoder is told: the encoder's final c",
    "translate.told_caption": "Every unit of the encoder's last cell state c (sequence {b}). The "
    "decoder starts from this vector (and h): without attention it is all it knows of the "
    "source.",
    "translate.axis_unit": "unit",
    "translate.encoder": "encoder",
    "translate.decoder": "decoder",
    "translate.no_gradient_flow": "Gradient flow is not drawn for the encoder-decoder "
    "(translate) yet: pick another task on the Train page, or press a preset above.",
    "translate.no_equations": "The equations are shown for one-network models: the "
    "encoder-decoder (translate) has two. Pick another task on the Train page; the "
    "encoder and decoder traces are in Inside the cell.",
    # the Arena's translation presets (lstm_core.arena.PRESETS)
    "arena.preset.translate_reverse": "Translation: reversed source vs plain (Sutskever 2014)",
    "arena.preset.translate_attention": "Translation: attention vs none on long numbers",
    "arena.preset.translate_cells": "Translation: LSTM vs GRU vs RNN",
    "arena.about.translate_reverse": (
        "Two encoder-decoder LSTMs translate English number words (up to 999) into Chinese "
        "numerals on the same numbers; one reads each source backwards. Sutskever et al. "
        "(2014) found reversing helps: the first words end up right before the decoder "
        "starts. Exact match counts held-out numbers only."
    ),
    "arena.about.translate_attention": (
        "Numbers up to 999,999: sources of up to 72 characters. Without attention the decoder "
        "knows the source only through the encoder's final (h, c); with Luong dot attention it "
        "looks back at every encoder state. Slow: a long source per step."
    ),
    "arena.about.translate_cells": (
        "The same encoder-decoder built from LSTM, GRU and plain RNN cells, on the same "
        "numbers (English words up to 999 into Chinese numerals)."
    ),
    "arena.knob.reverse.True": "reversed source",
    "arena.knob.reverse.False": "plain source",
    "arena.knob.attention.dot": "attention",
    "arena.knob.attention.none": "no attention",
}

ZH = {
    "translate.table_title": "留出样本的翻译（从未用于训练）",
    "translate.col.source": "源",
    "translate.col.target": "目标",
    "translate.col.output": "模型输出",
    "translate.col.right": "正确？",
    "translate.marked": "错误的字符标为红色粗体；缺少的字符显示为 ▯。字符准确率 {char:.1%}，"
    "完全正确率 {exact:.1%}。",
    "translate.example": "查看内部的例子",
    "translate.topk_title": "解码器在每个输出步最可能的 3 个下一个字符",
    "translate.topk_axis_step": "输出步（写出的字符）",
    "translate.topk_axis_rank": "名次",
    "translate.attention_title": "注意力：每个输出步在源序列中看向哪里",
    "translate.attention_axis_source": "源字符",
    "translate.attention_axis_output": "输出字符",
    "translate.attention_off": "注意力已关闭：解码器只能通过编码器最后的 h 和 c 了解源序列。"
    "把任务的注意力设置改为“点积”即可看到它看向哪里。",
    "translate.end": "结束",
    "translate.handover_title": "先编码器，后解码器：交接",
    "translate.handover_caption": "第 0 到 {S} 步读入源序列（编码器）；"
    "竖线之后解码器从编码器最后的 h 和 c 出发写出译文。",
    "translate.told_title": "解码器被告知的内容：编码器最后的 c",
    "translate.told_caption": "编码器最后的单元状态 c 的每个隐藏单元（序列 {b}）。"
    "解码器从这个向量（以及 h）出发：没有注意力时，这就是它对源序列的全部了解。",
    "translate.axis_unit": "单元",
    "translate.encoder": "编码器",
    "translate.decoder": "解码器",
    "translate.no_gradient_flow": "编码器-解码器（翻译）暂时还没有梯度流视图："
    "请在训练页选择其他任务，或点击上面的预设。",
    "translate.no_equations": "方程页只展示单个网络的模型：编码器-解码器（翻译）有两个网络。"
    "请在训练页选择其他任务；编码器和解码器的轨迹在“单元内部”页。",
    # 竞技场的翻译预设
    "arena.preset.translate_reverse": "翻译：倒序源序列与正常顺序（Sutskever 2014）",
    "arena.preset.translate_attention": "翻译：长数字上有无注意力",
    "arena.preset.translate_cells": "翻译：LSTM、GRU 与 RNN",
    "arena.about.translate_reverse": (
        "两个编码器-解码器 LSTM 在相同的数字上把英文数字单词（最大 999）翻译成中文数字；"
        "其中一个把源序列倒过来读。Sutskever 等人（2014）发现倒序有帮助：开头的单词紧挨着"
        "解码器开始。完全正确率只统计留出的数字。"
    ),
    "arena.about.translate_attention": (
        "数字最大到 999,999：源序列最长 72 个字符。没有注意力时，解码器只能通过编码器最后的 "
        "(h, c) 了解源序列；有 Luong 点积注意力时，它可以回看编码器的每个状态。"
        "较慢：每步的源序列很长。"
    ),
    "arena.about.translate_cells": (
        "用 LSTM、GRU 和普通 RNN 单元搭建同样的编码器-解码器，在相同的数字上训练"
        "（英文单词最大 999，译成中文数字）。"
    ),
    "arena.knob.reverse.True": "倒序源序列",
    "arena.knob.reverse.False": "正常顺序",
    "arena.knob.attention.dot": "注意力",
    "arena.knob.attention.none": "无注意力",
}
