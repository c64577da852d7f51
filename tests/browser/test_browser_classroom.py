"""Classroom features in headless Chromium: a shared link opens its page with its values, a
tampered link shows its notice, the lessons and projector mode in Chinese, with screenshots
for a person to look at (artifacts/screenshots/classroom_*.png)."""

import harness
import pytest

from lstm_core.config import ModelConfig, OptimConfig, TrainConfig
from ui import links, teacher_mode
from ui.lessons import LESSONS

pytestmark = pytest.mark.browser

CFG = TrainConfig(
    task="adding",
    task_knobs={"seq_len": 30},
    model=ModelConfig(hidden_size=16),
    optim=OptimConfig(lr=0.005, batch_size=16),
    seed=7,
)
H1 = '[data-testid="stMain"] h1'


def open_url(page, url: str) -> None:
    page.goto(url)
    harness.wait_for_app(page, H1, timeout_ms=120_000)
    page.wait_for_timeout(800)
    harness.assert_no_exception(page)


def no_horizontal_overflow(page) -> bool:
    return page.evaluate(
        "() => { const m = document.querySelector('[data-testid=\"stMain\"]');"
        " return m.scrollWidth <= m.clientWidth + 1; }"
    )


def test_a_shared_link_opens_the_configured_page_in_chinese(page, app_url):
    query = links.query_string(links.encode(CFG, "train", "zh"))
    open_url(page, f"{app_url}/?{query}")  # the home page's address, with the link
    assert page.locator(H1).first.inner_text() == "训练"
    main = page.get_by_test_id("stMain")
    task = main.get_by_test_id("stSelectbox").filter(has_text="任务").first
    html = task.evaluate("e => e.innerHTML")
    assert "加法问题" in html, html[:2000]
    seed = main.locator('input[aria-label="随机种子"]')
    assert seed.input_value() == "7"
    page.wait_for_function("() => location.search.includes('task=adding')")
    assert "seed=7" in page.url and "lr=0.005" in page.url
    assert no_horizontal_overflow(page)
    harness.screenshot(page, "classroom_train_link_zh")


def test_a_tampered_link_is_clamped_with_a_visible_notice(page, app_url):
    open_url(page, f"{app_url}/?page=train&lang=zh&task=adding&hidden=9999&k.seq_len=-3")
    alert = page.get_by_test_id("stAlert").filter(has_text="已作如下修改")
    alert.wait_for(timeout=30_000)
    text = alert.inner_text()
    assert "hidden" in text and "256" in text and "seq_len" in text and "10" in text
    harness.screenshot(page, "classroom_link_notice_zh", full_page=False)


def test_lessons_in_chinese_and_starting_one(page, app_url):
    open_url(page, f"{app_url}/?page=lessons&lang=zh")
    assert page.locator(H1).first.inner_text() == "课程"
    assert page.get_by_text("情感分析中的否定", exact=True).count() == 1
    assert no_horizontal_overflow(page)
    harness.screenshot(page, "classroom_lessons_zh")
    buttons = page.get_by_role("button", name="开始本课")
    assert buttons.count() == len(LESSONS)
    buttons.nth(5).click()  # "Negation in sentiment": opens Train
    page.wait_for_timeout(500)
    harness.wait_for_app(page, H1, timeout_ms=120_000)
    page.get_by_text("课程：情感分析中的否定").wait_for(timeout=60_000)
    assert page.locator(H1).first.inner_text() == "训练"
    harness.assert_no_exception(page)
    harness.screenshot(page, "classroom_lesson_train_zh", full_page=False)


def test_projector_mode_with_locked_and_hidden_controls(page, app_url):
    params = links.encode(CFG, "train", "en", lock=("lr", "task"), hide=("engine",), projector=True)
    query = links.query_string(links.sign(params, teacher_mode.secret()))  # a teacher's link
    open_url(page, f"{app_url}/?{query}")
    size = page.evaluate("() => getComputedStyle(document.documentElement).fontSize")
    assert size == "20px"
    main = page.get_by_test_id("stMain")
    assert main.get_by_text("Engine", exact=True).count() == 0  # hidden
    page.get_by_role("button", name="Step", exact=True).click()
    page.wait_for_timeout(1500)
    harness.assert_no_exception(page)
    # The data lines (training and validation loss) are drawn thick for the back of the room;
    # reference lines, stems and outlines are thickened too, but stay thinner than the data.
    widths = page.evaluate(
        """() => [...document.querySelectorAll('.st-key-train_loss_chart g.trace.scatter')]
            .filter((g) => !(g.__data__[0].trace.line || {}).dash ||
                           g.__data__[0].trace.line.dash === 'solid')
            .map((g) => g.querySelector('path.js-line'))
            .filter((p) => p && p.getAttribute('d'))
            .map((p) => parseFloat(getComputedStyle(p).strokeWidth))"""
    )
    assert len(widths) >= 2 and min(widths) >= 6, widths
    harness.screenshot(page, "classroom_projector")


def test_a_chinese_browser_gets_chinese_by_default(browser, app_url):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    try:
        page = context.new_page()
        open_url(page, app_url)
        assert page.locator(H1).first.inner_text() == "LSTM 游乐场"
        page.wait_for_function("() => location.search.includes('lang=zh')")
        assert no_horizontal_overflow(page)
        harness.screenshot(page, "classroom_home_zh")
    finally:
        context.close()
