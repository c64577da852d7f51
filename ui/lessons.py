"""The lessons listed on the home page (filled by the classroom issue).

A lesson is a key plus the page it opens; its title and summary are the catalogue keys
``lessons.<key>.title`` and ``lessons.<key>.summary``.
"""

from __future__ import annotations

from typing import NamedTuple


class Lesson(NamedTuple):
    key: str  # e.g. "gates"; names the catalogue keys lessons.<key>.title / .summary
    page: str  # script path of the page the lesson opens, e.g. "pages/3_Cell_sandbox.py"


LESSONS: list[Lesson] = []
