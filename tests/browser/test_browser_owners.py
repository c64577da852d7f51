"""Browser: two students in two browser contexts (two cookie jars). A run is private to the
browser that saved it, also after a reload (the owner cookie); its name shows as plain text
(no link, no image fetched); a class copy is read-only and its bundle has no raw data."""

import io
import re
import zipfile

import pytest
from harness import assert_no_exception, open_page, screenshot, wait_for_app

pytestmark = pytest.mark.browser

NAME = "[x](https://example.com/a) ![](https://example.com/i.png) *b*"


def student(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US")
    fetched = []
    context.on("request", lambda r: fetched.append(r.url) if "example.com" in r.url else None)
    return context, context.new_page(), fetched


def test_two_students_private_runs_and_a_read_only_class_copy(app_url, browser):
    (ctx_a, ann, fetched), (ctx_b, bob, _) = student(browser), student(browser)
    try:
        ann.goto(app_url)
        wait_for_app(ann)
        open_page(ann, "Train")
        ann.get_by_role("button", name="Step", exact=True).click(timeout=120_000)
        ann.wait_for_timeout(1000)
        wait_for_app(ann)
        ann.get_by_label("Name of the saved run").fill(NAME)
        ann.get_by_role("button", name="Save run", exact=True).click()
        success = ann.get_by_test_id("stAlertContentSuccess").first
        success.wait_for(timeout=60_000)
        assert f"Saved as “{NAME}”" in success.inner_text().replace("\u200b", "")
        assert ann.locator('a[href*="example.com"]').count() == 0
        assert ann.locator('img[src*="example.com"]').count() == 0
        assert any(c["name"] == "lstm_owner" for c in ctx_a.cookies())
        # a reload is a new session: the cookie brings the same owner back
        ann.goto(f"{app_url}/Saved_runs")
        wait_for_app(ann, '[data-testid="stDataFrame"]')
        ann.get_by_text(re.compile(r"#\d+ \[x\]")).first.wait_for(timeout=30_000)
        shown = ann.get_by_test_id("stMain").inner_text()
        run_id = int(re.search(r"#(\d+) " + re.escape(NAME[:12]), shown)[1])  # the run picker
        assert ann.locator('a[href*="example.com"]').count() == 0

        bob.goto(f"{app_url}/Saved_runs")
        wait_for_app(bob)
        bob.get_by_text("No saved runs yet").wait_for(timeout=30_000)  # ann's run is private

        ann.get_by_role("button", name="Share with the class").click()
        ann.get_by_text("without your data").wait_for(timeout=30_000)
        bob.reload()
        wait_for_app(bob, '[data-testid="stDataFrame"]')
        assert bob.get_by_text(f"#{run_id} ").count() == 0  # still not the original
        assert bob.get_by_role("button", name="Rename").is_disabled()
        assert bob.get_by_role("button", name="Delete…").is_disabled()
        bob.get_by_text("A read-only copy shared with the class").wait_for(timeout=30_000)
        bob.get_by_role("button", name="Download bundle (.zip)").click()
        with bob.expect_download(timeout=60_000) as download:
            bob.get_by_role("button", name="Save the .zip").click()
        with zipfile.ZipFile(io.BytesIO(open(download.value.path(), "rb").read())) as z:
            assert "task_data.npz" not in z.namelist() and "config.json" in z.namelist()
        assert_no_exception(bob)
        screenshot(bob, "class_copy_read_only")
        assert fetched == []  # no image or link target was ever requested
    finally:
        ctx_a.close()
        ctx_b.close()
