"""Gradient flow and Equations in headless Chromium: run the vanishing-gradient preset, train
the comparison models, open the equations of the same run, in English and Chinese; no
exception element anywhere; screenshots in artifacts/screenshots/ for a person to look at."""

import harness
import pytest

pytestmark = pytest.mark.browser

PLOT = ".js-plotly-plot"
LATEX = ".katex"


def settle(page, timeout_ms: int = 180_000) -> None:
    """Wait for the rerun a click starts, then for it to finish."""
    page.wait_for_timeout(500)
    harness.wait_for_app(page, timeout_ms=timeout_ms)
    page.wait_for_timeout(800)


def expect_text(page, text: str, timeout_ms: int = 180_000) -> None:
    """Wait until ``text`` is on the page (a rerun may still be drawing it)."""
    page.get_by_text(text).first.wait_for(timeout=timeout_ms)


def test_gradient_flow_presets_comparison_and_equations(app_url, page):
    """One page load for both presets: exploding first (a preset starts a new run), then
    vanishing, its comparison models, its equations, and both pages in Chinese."""
    page.goto(f"{app_url}/Gradient_flow")
    harness.wait_for_app(page, PLOT, timeout_ms=180_000)
    harness.assert_no_exception(page)
    expect_text(page, "✓ PyTorch autograd and the hand-written NumPy BPTT agree")

    page.get_by_role(
        "button", name="Preset: exploding gradients (RNN, recurrent weights × 4)"
    ).click()
    settle(page)
    harness.assert_no_exception(page)
    expect_text(page, "Clipping acted on")
    harness.screenshot(page, "gradients_exploding")

    page.get_by_role("button", name="Preset: vanishing gradients (adding problem, T = 50)").click()
    settle(page)
    harness.assert_no_exception(page)
    expect_text(page, "Your model: LSTM on Adding problem, after 150 training steps")

    page.get_by_role("button", name="Train GRU + RNN on the same batches (up to 150 steps)").click()
    settle(page)
    harness.assert_no_exception(page)
    expect_text(page, "RNN: 150 of 150 steps")
    # Three models drawn in the gradient chart: LSTM (dh and dc), GRU and RNN (the chart is
    # redrawn a moment after the rerun's text appears).
    chart = f"document.querySelectorAll('{PLOT}')[0]"
    page.wait_for_function(f"() => {chart} && {chart}.data && {chart}.data.length === 4")
    names = page.evaluate(f"() => {chart}.data.map(d => d.name)")
    assert [n.split(" ")[0] for n in names] == ["LSTM", "LSTM", "GRU", "RNN"]
    harness.screenshot(page, "gradients_vanishing")

    # The same run's equations, reached through the sidebar (the session is kept).
    page.get_by_role("link", name="Equations").click()
    harness.wait_for_app(page, LATEX, timeout_ms=120_000)
    settle(page)
    harness.assert_no_exception(page)
    expect_text(page, "Your model: LSTM on Adding problem, after 150 training steps")
    expect_text(page, "✓ The NumPy BPTT equals PyTorch autograd")
    assert page.locator(LATEX).count() >= 20
    harness.screenshot(page, "equations")

    # Chinese, with the state kept.
    page.get_by_label("Language").click()
    page.get_by_role("option", name="简体中文").click()
    settle(page)
    harness.assert_no_exception(page)
    expect_text(page, "已训练 150 步")
    harness.screenshot(page, "equations_zh")
    page.get_by_role("link", name="梯度流").click()
    harness.wait_for_app(page, PLOT, timeout_ms=120_000)
    settle(page)
    harness.assert_no_exception(page)
    harness.screenshot(page, "gradients_zh")
