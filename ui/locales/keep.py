"""A run (or an arena) that a preset, a lesson or a load replaced: the notice and its Undo."""

EN = {
    "keep.name": "Autosaved: {run}",
    "keep.run_saved": (
        "Your run at step {steps} was replaced. It was saved to Saved runs first (run #{id}); "
        "Undo puts it back here."
    ),
    "keep.run_not_saved": (
        "Your run at step {steps} was replaced. It could not be saved ({why}); Undo puts it "
        "back while this session lasts."
    ),
    "keep.arena_replaced": (
        "The arena you trained for {steps} rounds was replaced. Undo puts it back while this "
        "session lasts."
    ),
    "keep.undo": "Undo",
    "keep.dismiss": "Dismiss",
}

ZH = {
    "keep.name": "自动保存：{run}",
    "keep.run_saved": (
        "你在第 {steps} 步的运行已被替换。替换前它已保存到“已保存的运行”（第 {id} 号运行）；"
        "点“撤销”可把它放回这里。"
    ),
    "keep.run_not_saved": (
        "你在第 {steps} 步的运行已被替换。它没能保存（{why}）；在本次会话内点“撤销”可把它放回。"
    ),
    "keep.arena_replaced": "你训练了 {steps} 轮的竞技场已被替换。在本次会话内点“撤销”可把它放回。",
    "keep.undo": "撤销",
    "keep.dismiss": "关闭",
}
