"""Teacher mode: the key, the teacher's panel, signed locks, the class gallery."""

EN = {
    "teacher.title": "Teacher",
    "teacher.help": (
        "Teachers: type the key set on this server (LSTM_PLAYGROUND_TEACHER_KEY) once. "
        "This browser tab then keeps teacher mode; the key is never put in a link."
    ),
    "teacher.key": "Teacher key",
    "teacher.enter": "Enter",
    "teacher.on": "Teacher mode is on in this tab.",
    "teacher.wrong": "That is not the teacher key.",
    "teacher.wait": "Too many tries. Wait {s} s before trying again.",
    "teacher.no_key": "No teacher key is set on this server, so nobody has teacher powers.",
    "teacher.bad_setting": "The server's teacher key cannot be used: {message}",
    "teacher.powers": (
        "Teacher mode: you see every saved run and may delete any of them; the locks of the "
        "links you share are signed, so students cannot lift them."
    ),
    "teacher.gallery": "Class gallery open",
    "teacher.gallery.help": "Closed: students see only their own runs, not the class's copies.",
    "teacher.limit": "Students training at once",
    "teacher.limit.help": "The others wait in line. 0: nobody trains (e.g. during a test).",
    "teacher.leave": "Leave teacher mode",
    "teacher.lock_needs_key": (
        "Locking or hiding controls needs teacher mode (Saved runs → Teacher): a student's "
        "link cannot lock anything."
    ),
    "links.why.unsigned": (
        "this link's locked and hidden controls are not signed by the teacher; they were ignored"
    ),
    "links.why.tampered": (
        "this link was changed after the teacher signed it; its locks were refused and the "
        "values it locks may not be the teacher's"
    ),
}

ZH = {
    "teacher.title": "教师",
    "teacher.help": (
        "教师：输入本服务器设置的密钥（LSTM_PLAYGROUND_TEACHER_KEY），只需一次。"
        "之后此浏览器标签页保持教师模式；密钥永远不会放进链接。"
    ),
    "teacher.key": "教师密钥",
    "teacher.enter": "进入",
    "teacher.on": "此标签页已进入教师模式。",
    "teacher.wrong": "这不是教师密钥。",
    "teacher.wait": "尝试次数过多。请等待 {s} 秒后再试。",
    "teacher.no_key": "本服务器没有设置教师密钥，因此没有人拥有教师权限。",
    "teacher.bad_setting": "服务器的教师密钥无法使用：{message}",
    "teacher.powers": (
        "教师模式：你可以看到所有已保存的运行并删除其中任何一个；你分享的链接中的锁定经过签名，"
        "学生无法解除。"
    ),
    "teacher.gallery": "开放班级展示区",
    "teacher.gallery.help": "关闭时：学生只能看到自己的运行，看不到班级共享的副本。",
    "teacher.limit": "同时训练的学生人数",
    "teacher.limit.help": "其余学生排队等候。0：任何人都不能训练（例如考试期间）。",
    "teacher.leave": "退出教师模式",
    "teacher.lock_needs_key": (
        "锁定或隐藏控件需要教师模式（已保存的运行 → 教师）：学生的链接不能锁定任何内容。"
    ),
    "links.why.unsigned": "此链接中锁定和隐藏的控件没有教师签名，已被忽略",
    "links.why.tampered": "此链接在教师签名后被修改过；其锁定被拒绝，所锁定的值可能不是教师设定的",
}
