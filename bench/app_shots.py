"""Screenshots of the studio for a human to look at: Home, Train (ready and training) and
Inside the cell (following the run), in English, Chinese and projector mode, at 1280 x 800
and 1440 x 900. Viewport only (what a projector shows without scrolling), into
artifacts/screenshots/studio_<case>_<width>_<page>.png.

    python -m bench.app_shots [--sizes 1280x800,1440x900] [--cases en,zh,projector]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from bench.server import CHROMIUM, CHROMIUM_ARGS, ROOT, StreamlitServer

OUT = ROOT / "artifacts" / "screenshots"
CASES = {"en": "lang=en", "zh": "lang=zh", "projector": "lang=en&projector=1"}
PLAY = {"en": "Play", "zh": "播放", "projector": "Play"}
INSIDE = {"en": "Inside the cell", "zh": "单元内部", "projector": "Inside the cell"}


def _wait(page) -> None:
    page.wait_for_selector('[data-testid="stPageLink-NavLink"]', timeout=90_000)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=90_000
    )
    page.wait_for_timeout(800)


def shoot(browser, url: str, case: str, width: int, height: int, train_s: float) -> list[Path]:
    """Home, Train ready, Train after ``train_s`` s of Play, Inside while training."""
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    shots = []

    def snap(name: str) -> None:
        path = OUT / f"studio_{case}_{width}_{name}.png"
        page.screenshot(path=str(path))
        shots.append(path)

    try:
        page.goto(f"{url}/?{CASES[case]}")
        _wait(page)
        snap("home")
        page.goto(f"{url}/?page=train&{CASES[case]}")
        _wait(page)
        page.wait_for_selector(".lstm-live-chart .main-svg", timeout=90_000)
        snap("train_ready")
        page.get_by_role("button", name=PLAY[case], exact=True).click()
        page.wait_for_timeout(int(train_s * 1000))
        snap("train_running")
        sidebar = page.get_by_test_id("stSidebar")
        sidebar.get_by_role("link", name=INSIDE[case], exact=True).click()
        page.wait_for_timeout(int(train_s * 1000))
        snap("inside_running")
    finally:
        context.close()
    return shots


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1280x800,1440x900")
    parser.add_argument("--cases", default="en,zh,projector")
    parser.add_argument("--train-seconds", type=float, default=4.0)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    server = StreamlitServer(log_dir=ROOT / "artifacts")
    try:
        server.wait_healthy()
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for size in args.sizes.split(","):
                w, h = (int(v) for v in size.split("x"))
                for case in args.cases.split(","):
                    for path in shoot(browser, server.url, case, w, h, args.train_seconds):
                        print(path.relative_to(ROOT))
            browser.close()
    finally:
        server.stop()


if __name__ == "__main__":
    main()
