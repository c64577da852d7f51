"""The Saved runs page, and "Save run" on the Train page."""

EN = {
    "runs.title": "Saved runs",
    "runs.intro": (
        "Every run you save is kept with its settings, loss history, snapshots and weights. "
        "Load one to continue training it or to look inside it on every page, compare the "
        "loss curves of several, or download a run as a bundle to share. Your runs are "
        "private to this browser; Share with the class publishes a read-only copy."
    ),
    "runs.empty": "No saved runs yet. Train a model on the Train page and press Save run.",
    "runs.store_error": "The run store cannot be used: {message}",
    "runs.col.id": "#",
    "runs.col.name": "Name",
    "runs.col.task": "Task",
    "runs.col.model": "Model",
    "runs.col.steps": "Steps",
    "runs.col.loss": "Final loss",
    "runs.col.metric": "Metric",
    "runs.col.value": "Value",
    "runs.col.solved": "Solved",
    "runs.col.created": "Created (UTC)",
    "runs.yes": "yes",
    "runs.no": "no",
    "runs.pick": "Run",
    "runs.actions": "Load, rename, delete, share, download",
    "runs.load": "Load into the session",
    "runs.load.help": (
        "Replaces the session's current model with this run: Train, Inside the cell, "
        "Gradient flow and Equations then show it."
    ),
    "runs.loaded": "Loaded “{name}” at step {steps}. Open Train or any other page to look at it.",
    "runs.load_error": "This run cannot be loaded: {message}",
    "runs.new_name": "New name",
    "runs.rename": "Rename",
    "runs.renamed": "Renamed to “{name}”.",
    "runs.delete": "Delete…",
    "runs.confirm_delete": "Delete “{name}” for good? This cannot be undone.",
    "runs.delete_yes": "Yes, delete it",
    "runs.delete_no": "Cancel",
    "runs.deleted": "Deleted “{name}”.",
    "runs.download": "Download bundle (.zip)",
    "runs.download.help": (
        "config.json, history.csv, weights.safetensors, traces.npz and a standalone train.py "
        "that rebuilds the model with plain PyTorch."
    ),
    "runs.compare": "Compare loss curves",
    "runs.compare.pick": "Runs to compare",
    "runs.compare.none": "Choose runs",
    "runs.compare.hint": "Pick two or more runs to overlay their validation loss.",
    "runs.chart.title": "Validation loss (bold) and training loss (faint)",
    "runs.upload": "Import a bundle",
    "runs.upload.label": "A run bundle (.zip) exported from this app, at most {mb} MB",
    "runs.upload.help": (
        "Everything in it is checked before anything is saved: file names, sizes, settings, "
        "the history, and the weights' names and shapes. Nothing is ever unpickled."
    ),
    "runs.imported": "Imported “{name}” as run #{id}.",
    "runs.rejected": "This bundle was not imported, and nothing was saved: {message}",
    "runs.save": "Save run",
    "runs.save.name": "Name of the saved run",
    "runs.default_name": "{task} · {model} · step {steps}",
    "runs.name_hint": "{task} · {model} · step when saved",
    "runs.save.help": "Keeps this run's settings, history, snapshots and weights in the run store.",
    "runs.saved": "Saved as “{name}” (run #{id}). Find it under Saved runs.",
    "runs.save_error": "The run was not saved: {message}",
    "runs.current": "This session's model: {task}, {model}, step {steps} (not saved yet).",
    "runs.current_saved": (
        "This session's model: {task}, {model}, step {steps} (saved as run #{id})."
    ),
    "runs.col.owner": "Whose",
    "runs.owner.you": "yours",
    "runs.owner.class": "class copy",
    "runs.owner.student": "student {id}",
    "runs.owner.none": "no owner",
    "runs.load_no_data": (
        "This class copy was shared without the data it was trained on, so it cannot be "
        "rebuilt here; its curves can still be compared. ({message})"
    ),
    "runs.download_ready": "Save the .zip",
    "runs.download_error": "This run is no longer available: {message}",
    "runs.gone": (
        "The run this model was saved as (#{id}) is gone: it was deleted. Save it again to keep it."
    ),
    "runs.class_copy": (
        "A read-only copy shared with the class: only its owner or the teacher can rename or "
        "delete it."
    ),
    "runs.share": "Share with the class",
    "runs.share_data": "Include my uploaded data (CSV or text)",
    "runs.share_data.help": (
        "Off: the class gets the settings, curves, snapshots and weights, but not the file "
        "or text you trained on."
    ),
    "runs.shared": "Shared a read-only copy with the class as run #{id}, without your data.",
    "runs.shared_with_data": (
        "Shared a read-only copy with the class as run #{id}, with your uploaded data."
    ),
}

ZH = {
    "runs.title": "已保存的运行",
    "runs.intro": (
        "你保存的每次运行都会连同设置、损失历史、快照和权重一起保留。加载一次运行可以继续训练，"
        "或在每个页面查看它的内部；可以比较多次运行的损失曲线，也可以把运行下载为压缩包分享。"
        "你的运行只属于这个浏览器；“与全班共享”会发布一份只读副本。"
    ),
    "runs.empty": "还没有保存的运行。在训练页训练一个模型，然后按“保存运行”。",
    "runs.store_error": "无法使用运行存储：{message}",
    "runs.col.id": "#",
    "runs.col.name": "名称",
    "runs.col.task": "任务",
    "runs.col.model": "模型",
    "runs.col.steps": "步数",
    "runs.col.loss": "最终损失",
    "runs.col.metric": "指标",
    "runs.col.value": "数值",
    "runs.col.solved": "已解决",
    "runs.col.created": "创建时间（UTC）",
    "runs.yes": "是",
    "runs.no": "否",
    "runs.pick": "运行",
    "runs.actions": "加载、重命名、删除、共享、下载",
    "runs.load": "加载到当前会话",
    "runs.load.help": (
        "用这次运行替换会话中的当前模型：训练、单元内部、梯度流和公式页面都会显示它。"
    ),
    "runs.loaded": "已加载“{name}”（第 {steps} 步）。打开训练页或其他页面查看。",
    "runs.load_error": "无法加载这次运行：{message}",
    "runs.new_name": "新名称",
    "runs.rename": "重命名",
    "runs.renamed": "已重命名为“{name}”。",
    "runs.delete": "删除…",
    "runs.confirm_delete": "确定永久删除“{name}”吗？此操作无法撤销。",
    "runs.delete_yes": "是的，删除",
    "runs.delete_no": "取消",
    "runs.deleted": "已删除“{name}”。",
    "runs.download": "下载压缩包（.zip）",
    "runs.download.help": (
        "包含 config.json、history.csv、weights.safetensors、traces.npz，以及一个只用 PyTorch "
        "重建模型的独立 train.py。"
    ),
    "runs.compare": "比较损失曲线",
    "runs.compare.pick": "要比较的运行",
    "runs.compare.none": "选择运行",
    "runs.compare.hint": "选择两个或更多运行，叠加显示它们的验证损失。",
    "runs.chart.title": "验证损失（粗线）与训练损失（浅线）",
    "runs.upload": "导入压缩包",
    "runs.upload.label": "从本应用导出的运行压缩包（.zip），最大 {mb} MB",
    "runs.upload.help": (
        "保存之前会检查其中的一切：文件名、大小、设置、历史，以及权重的名称和形状。"
        "绝不会反序列化（unpickle）任何内容。"
    ),
    "runs.imported": "已将“{name}”导入为第 {id} 号运行。",
    "runs.rejected": "未导入这个压缩包，也没有保存任何内容：{message}",
    "runs.save": "保存运行",
    "runs.save.name": "保存的运行名称",
    "runs.default_name": "{task} · {model} · 第 {steps} 步",
    "runs.name_hint": "{task} · {model} · 保存时的步数",
    "runs.save.help": "把这次运行的设置、历史、快照和权重保存到运行存储中。",
    "runs.saved": "已保存为“{name}”（第 {id} 号运行）。可在“已保存的运行”中找到。",
    "runs.save_error": "运行未保存：{message}",
    "runs.current": "本会话的模型：{task}，{model}，第 {steps} 步（尚未保存）。",
    "runs.current_saved": (
        "本会话的模型：{task}，{model}，第 {steps} 步（已保存为第 {id} 号运行）。"
    ),
    "runs.col.owner": "归属",
    "runs.owner.you": "你的",
    "runs.owner.class": "班级副本",
    "runs.owner.student": "学生 {id}",
    "runs.owner.none": "无归属",
    "runs.load_no_data": (
        "这个班级副本分享时没有附带训练所用的数据，因此无法在此重建；仍可比较它的曲线。（{message}）"
    ),
    "runs.download_ready": "保存 .zip 文件",
    "runs.download_error": "这次运行已不可用：{message}",
    "runs.gone": "此模型保存的运行（第 {id} 号）已不存在：它被删除了。请重新保存以保留它。",
    "runs.class_copy": "与全班共享的只读副本：只有其所有者或教师可以重命名或删除。",
    "runs.share": "与全班共享",
    "runs.share_data": "包含我上传的数据（CSV 或文本）",
    "runs.share_data.help": (
        "关闭时：全班得到设置、曲线、快照和权重，但得不到你训练所用的文件或文本。"
    ),
    "runs.shared": "已将只读副本作为第 {id} 号运行与全班共享，不含你的数据。",
    "runs.shared_with_data": "已将只读副本作为第 {id} 号运行与全班共享，包含你上传的数据。",
}
