"""Strings shared by every page."""

EN = {
    "app.title": "LSTM Playground",
    "app.tagline": "Train an LSTM live and watch its gates, cell state and gradients as it learns.",
    "nav.language": "Language",
    "nav.home": "Home",
    "progress.steps": "{what} Step {done:,} of {n:,}.",
}

ZH = {
    "app.title": "LSTM 游乐场",
    "app.tagline": "实时训练一个 LSTM，观察它学习时的门、单元状态和梯度。",
    "nav.language": "语言",
    "nav.home": "首页",
    "progress.steps": "{what} 第 {done:,} 步，共 {n:,} 步。",
}
