"""The Train page's input-and-prediction panel (validation examples of the classification
tasks, adding and next-action)."""

EN = {
    "predict.title": "Validation examples: the input and the model's answer",
    "predict.example": "validation example {n}",
    "predict.true": "true:",
    "predict.next_true": "next action:",
    "predict.predicted": "predicted:",
    "predict.path": "path drawn",
    "predict.start": "start",
    "predict.end": "end",
    "predict.gesture_title": "{true} → {pred} {p} {sign}",
    "predict.step": "time step",
    "predict.value": "value",
    "predict.marked": "marked value",
    "predict.adding_title": "target {target} · predicted {pred} (error {error}) {sign}",
    "predict.action.browse": "browse",
    "predict.action.search": "search",
    "predict.action.cart": "cart",
    "predict.action.buy": "buy",
    "predict.action.return": "return",
    "predict.caption.gesture": (
        "Each gesture as the network read it, point by point (● start, ✕ end); the title gives "
        "the true gesture → the model's answer and its probability."
    ),
    "predict.caption.adding": (
        "The values of each sequence; the two marked ones are highlighted. "
        "Target = 0.5 + (X1 + X2) / 4; ✓ when the error is under 0.04."
    ),
    "predict.caption.sentiment": (
        "Each sentence as the network read it (negations and 'but' highlighted), its true "
        "label and the model's answer with its probability."
    ),
    "predict.caption.temporal-order": (
        "Each sequence as the network read it: the two order symbols (X or Y) highlighted "
        "among the distractors; the true order and the model's answer."
    ),
    "predict.caption.next-action": (
        "The end of each shopping session, then the action that really came next and the "
        "model's three most probable next actions."
    ),
}

ZH = {
    "predict.title": "验证样例：输入与模型的回答",
    "predict.example": "验证样例 {n}",
    "predict.true": "真实：",
    "predict.next_true": "真实的下一步：",
    "predict.predicted": "预测：",
    "predict.path": "绘制的路径",
    "predict.start": "起点",
    "predict.end": "终点",
    "predict.gesture_title": "{true} → {pred} {p} {sign}",
    "predict.step": "时间步",
    "predict.value": "数值",
    "predict.marked": "被标记的数",
    "predict.adding_title": "目标 {target} · 预测 {pred}（误差 {error}）{sign}",
    "predict.action.browse": "浏览",
    "predict.action.search": "搜索",
    "predict.action.cart": "加购",
    "predict.action.buy": "购买",
    "predict.action.return": "退货",
    "predict.caption.gesture": (
        "网络逐点读入的每个手势（● 起点，✕ 终点）；标题为真实手势 → 模型的回答及其概率。"
    ),
    "predict.caption.adding": (
        "每条序列的数值，两个被标记的数已突出显示。目标 = 0.5 + (X1 + X2) / 4；误差小于 0.04 "
        "时记为 ✓。"
    ),
    "predict.caption.sentiment": (
        "网络读入的每个句子（否定词和“但是/but”已突出显示）、它的真实标签，以及模型的回答和概率。"
    ),
    "predict.caption.temporal-order": (
        "网络读入的每条序列：两个顺序符号（X 或 Y）在干扰符号中突出显示；下面是真实顺序和模型的"
        "回答。"
    ),
    "predict.caption.next-action": (
        "每个购物会话的末尾，接着是实际发生的下一步操作，以及模型认为最可能的三个下一步操作。"
    ),
}
