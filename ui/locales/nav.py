"""Navigation labels: one "nav.<page key>" per entry of ui.nav.PAGES (nav.home is in common)."""

EN = {
    "nav.train": "Train",
    "nav.inside": "Inside the cell",
    "nav.sandbox": "Cell sandbox",
    "nav.gradients": "Gradient flow",
    "nav.arena": "Arena",
    "nav.equations": "Equations",
    "nav.runs": "Saved runs",
    "nav.lessons": "Lessons",
}

ZH = {
    "nav.train": "训练",
    "nav.inside": "单元内部",
    "nav.sandbox": "单元沙盒",
    "nav.gradients": "梯度流",
    "nav.arena": "竞技场",
    "nav.equations": "公式",
    "nav.runs": "已保存的运行",
    "nav.lessons": "课程",
}
