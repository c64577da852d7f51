"""The cell diagram (ui.figures.diagram), shared by the Home page and the Cell sandbox."""

EN = {
    "diagram.gate.f": "forget gate",
    "diagram.gate.i": "input gate",
    "diagram.gate.g": "candidate",
    "diagram.gate.o": "output gate",
    "diagram.legend": "PyTorch's form, gate order i, f, g, o",
}

ZH = {
    "diagram.gate.f": "遗忘门",
    "diagram.gate.i": "输入门",
    "diagram.gate.g": "候选值",
    "diagram.gate.o": "输出门",
    "diagram.legend": "PyTorch 的写法，门的顺序为 i、f、g、o",
}
