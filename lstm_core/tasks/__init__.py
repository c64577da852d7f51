"""Seeded sequence tasks: ``TASKS`` (CLI name -> class, in menu order) and ``make_task``.

To add a task: subclass ``Task`` in a module of this package, decorate it with ``@register``,
set its ``menu_order``, and add one import line below. See docs/ARCHITECTURE.md ("Tasks").
"""

# One import line per module of tasks: importing a module registers its tasks.
import lstm_core.tasks.classic  # noqa: F401  (adding, temporal-order, copy, reber, brackets)
import lstm_core.tasks.csv_task  # noqa: F401  (csv)
import lstm_core.tasks.language  # noqa: F401  (sentiment, next-action)
import lstm_core.tasks.real_series  # noqa: F401  (series)
import lstm_core.tasks.synthetic  # noqa: F401  (sine, seed-example, gesture)
import lstm_core.tasks.text  # noqa: F401  (text)
import lstm_core.tasks.translate  # noqa: F401  (translate)
from lstm_core.tasks.base import (
    Batch,
    Knob,
    Metric,
    NeedsInput,
    Task,
    TaskError,
    register,
    registered,
)

TASKS: dict[str, type[Task]] = registered()


def make_task(name: str, **knobs) -> Task:
    """Build the task called ``name`` with the given knob values (TaskError when invalid)."""
    if name not in TASKS:
        raise TaskError(f"unknown task {name!r}; choose one of: {', '.join(TASKS)}")
    return TASKS[name](**knobs)


__all__ = [
    "TASKS",
    "Batch",
    "Knob",
    "Metric",
    "NeedsInput",
    "Task",
    "TaskError",
    "make_task",
    "register",
]
