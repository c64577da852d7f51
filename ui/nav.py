"""The app's pages, in menu order: the one table that the sidebar (``ui.page``), shared links
(``ui.classroom``) and lessons read. A new page is one line in ``PAGES``; a page whose file
does not exist yet is left out of the sidebar."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent  # the folder holding app.py and pages/
LANG = "lang"  # session key of the chosen language (non-widget, survives page switches)


class Page(NamedTuple):
    key: str  # short name used by setup(), widget-key prefixes and the label "nav.<key>"
    path: str  # script path relative to ROOT
    icon: str


PAGES = (
    Page("home", "app.py", ":material/home:"),
    Page("train", "pages/1_Train.py", ":material/play_circle:"),
    Page("inside", "pages/2_Inside_the_cell.py", ":material/grid_on:"),
    Page("sandbox", "pages/3_Cell_sandbox.py", ":material/tune:"),
    Page("gradients", "pages/4_Gradient_flow.py", ":material/trending_down:"),
    Page("arena", "pages/5_Arena.py", ":material/compare_arrows:"),
    Page("equations", "pages/6_Equations.py", ":material/function:"),
    Page("runs", "pages/7_Saved_runs.py", ":material/folder_open:"),
    Page("lessons", "pages/8_Lessons.py", ":material/school:"),
)


def available_pages() -> list[Page]:
    """The pages whose script exists, in menu order."""
    return [p for p in PAGES if (ROOT / p.path).is_file()]


def page_path(page_key: str) -> str | None:
    """The script of the page called ``page_key``, or None when there is none."""
    return next((p.path for p in available_pages() if p.key == page_key), None)
