"""Translation catalogues, one module per area, each with EN and ZH dicts of the same keys.

Keys are dotted by area (``train.play``). ``ui.i18n`` merges every module listed in AREAS.
"""

AREAS = (
    "common",
    "hardening",
    "nav",
    "home",
    "train",
    "inside",
    "diagram",
    "sandbox",
    "gradients",
    "equations",
    "arena",
    "runs",
    "lessons",
    "classroom",
    "teacher",
    "engine",
    "translate",
    "overfit",
    "predict",
    "keep",
)
