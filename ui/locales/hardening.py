"""Messages of the shared-server safeguards: the training line and a run that failed."""

EN = {
    "guard.queue.next": (
        "{training} students are training right now, the most this server runs at once. "
        "You are next in line: your run starts by itself in a moment. Keep this tab open."
    ),
    "guard.queue.later": (
        "{training} students are training right now, the most this server runs at once. "
        "You are number {position} in line: your run starts by itself when it is your turn. "
        "Keep this tab open; your settings and your run so far are kept."
    ),
    "guard.queue.closed": (
        "Training is switched off on this server for now (the teacher set the limit to 0). "
        "Your settings and your run so far are kept."
    ),
    "guard.chunk_failed": (
        "Training stopped because of an unexpected error in this run ({error}). The models are "
        "kept as they were. Press Play to try again, or Reset to start over."
    ),
}

ZH = {
    "guard.queue.next": (
        "现在有 {training} 位同学在训练，这是本服务器同时运行的上限。"
        "下一个就轮到你：稍后你的训练会自动开始。请保持此页面打开。"
    ),
    "guard.queue.later": (
        "现在有 {training} 位同学在训练，这是本服务器同时运行的上限。"
        "你排在第 {position} 位：轮到你时训练会自动开始。"
        "请保持此页面打开；你的设置和目前的训练进度都会保留。"
    ),
    "guard.queue.closed": (
        "本服务器暂时关闭了训练（老师把上限设为 0）。你的设置和目前的训练进度都会保留。"
    ),
    "guard.chunk_failed": (
        "训练已停止：这次运行出现了意外错误（{error}）。各个模型保持原样。"
        "点击“播放”重试，或点击“重置”重新开始。"
    ),
}

EN.update(
    {
        "upload.csv": "Your CSV file",
        "upload.csv.help": (
            "A table with a header row or none; comma, semicolon, tab or pipe; decimal point or "
            "comma; UTF-8, UTF-16 or Latin-1. At most {limit} MB, 200,000 rows and 200 columns."
        ),
        "upload.example": (
            "No file yet: the built-in example (monthly El Niño sea temperatures) stands in."
        ),
        "upload.using": "Using {name}: {rows} rows.",
        "upload.rejected": "{name} cannot be used: {message}. Nothing was changed.",
        "upload.too_big": "the file is {size} MB; the limit is {limit} MB",
        "upload.new_run": "A new run started on {name}.",
        "upload.target": "Column to predict",
        "upload.inputs": "Extra input columns",
        "upload.inputs.none": "None: the column to predict only",
        "upload.missing": "Missing values",
        "upload.missing.interpolate": "interpolate",
        "upload.missing.drop": "drop the row",
        "upload.text": "Your own text",
        "upload.text.help": (
            "Paste any text (up to 2,000,000 characters), or upload a text file below."
        ),
        "upload.text_file": "…or a text file",
        "upload.text.pasted": "The pasted text",
        "upload.text.using": "Training on your text: {chars} characters.",
        "upload.text.prompt": "Paste a text or upload a text file to train on it.",
    }
)

ZH.update(
    {
        "upload.csv": "你的 CSV 文件",
        "upload.csv.help": (
            "表格可以有表头，也可以没有；分隔符可以是逗号、分号、制表符或竖线；小数点或小数逗号；"
            "UTF-8、UTF-16 或 Latin-1 编码。最大 {limit} MB，最多 200,000 行、200 列。"
        ),
        "upload.example": "还没有上传文件：先用内置示例（每月厄尔尼诺海温）代替。",
        "upload.using": "正在使用 {name}：{rows} 行。",
        "upload.rejected": "无法使用 {name}：{message}。没有做任何更改。",
        "upload.too_big": "文件大小为 {size} MB，上限是 {limit} MB",
        "upload.new_run": "已用 {name} 开始新的训练。",
        "upload.target": "要预测的列",
        "upload.inputs": "额外的输入列",
        "upload.inputs.none": "无：只用要预测的列",
        "upload.missing": "缺失值",
        "upload.missing.interpolate": "插值",
        "upload.missing.drop": "删除该行",
        "upload.text": "你自己的文本",
        "upload.text.help": "粘贴任意文本（最多 2,000,000 个字符），或在下方上传文本文件。",
        "upload.text_file": "……或上传一个文本文件",
        "upload.text.pasted": "粘贴的文本",
        "upload.text.using": "正在用你的文本训练：{chars} 个字符。",
        "upload.text.prompt": "粘贴一段文本或上传一个文本文件，即可用它来训练。",
    }
)
