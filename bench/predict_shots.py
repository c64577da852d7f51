"""Screenshots of the Train page's input-and-prediction panel for a human to look at: every
task that has it, in English and Chinese, at 1280 x 800 and 1440 x 900, after a few seconds
of training, scrolled so that the panel is in view. Into
artifacts/screenshots/predict_<task>_<lang>_<width>.png.

    python -m bench.predict_shots [--tasks gesture,adding] [--langs en,zh] [--sizes 1280x800]
                                  [--projector]  (files end in _projector.png)
"""

from __future__ import annotations

import argparse

from bench.server import CHROMIUM, CHROMIUM_ARGS, ROOT, StreamlitServer
from ui.i18n import translate
from ui.predict_view import SHOWN

OUT = ROOT / "artifacts" / "screenshots"


def shoot(browser, url, task, lang, width, height, train_s, projector=False):
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    try:
        page.goto(f"{url}/?page=train&task={task}&lang={lang}{'&projector=1' * projector}")
        page.wait_for_selector(".lstm-live-chart .main-svg", timeout=180_000)
        play, pause = translate("train.play", lang), translate("train.pause", lang)
        page.get_by_role("button", name=play, exact=True).click()
        page.wait_for_timeout(int(train_s * 1000))
        page.get_by_role("button", name=pause, exact=True).click()
        page.get_by_role("button", name=play, exact=True).wait_for(timeout=30_000)
        title = page.get_by_text(translate("predict.title", lang), exact=True)
        title.evaluate("e => e.scrollIntoView({block: 'start'})")  # the panel at the top
        page.wait_for_timeout(1200)
        path = OUT / f"predict_{task}_{lang}_{width}{'_projector' * projector}.png"
        page.screenshot(path=str(path))
        return path
    finally:
        context.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tasks", default=",".join(SHOWN))
    parser.add_argument("--langs", default="en,zh")
    parser.add_argument("--sizes", default="1280x800,1440x900")
    parser.add_argument("--train-seconds", type=float, default=3.0)
    parser.add_argument("--projector", action="store_true")
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
                for task in args.tasks.split(","):
                    for lang in args.langs.split(","):
                        path = shoot(
                            browser,
                            server.url,
                            task,
                            lang,
                            w,
                            h,
                            args.train_seconds,
                            args.projector,
                        )
                        print(path.relative_to(ROOT))
            browser.close()
    finally:
        server.stop()


if __name__ == "__main__":
    main()
