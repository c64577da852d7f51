"""The browser latency benchmarks are registered in ``python -m bench`` and their numbers reach
the combined table, each next to its goal (the benchmarks themselves need Chromium and a
server: they run from the command line, never as timed tests)."""

from bench.__main__ import BENCHMARKS, HEADLINES, available, combined_table
from bench.browser import longest_gap, summary


def test_browser_benchmarks_are_registered_with_headlines():
    names = {"app_cursor", "app_equations", "app_pages", "app_buttons"}
    assert names <= set(available(BENCHMARKS))
    assert names <= set(HEADLINES)


def test_combined_table_shows_each_case_next_to_its_goal():
    row = {"median_ms": 240.0, "max_ms": 410.0, "n": 4}
    results = {
        "app_cursor": {"inside_cursor": row, "train_live_cell_unit": {**row, "median_ms": 350}},
        "app_equations": {"cases": ["step slider"], "step slider": row},
        "app_pages": {"cases": ["Home -> Train"], "Home -> Train": row},
        "app_buttons": {"buttons": {"lesson": {"longest_gap_ms": 620, "seconds": 3.2}}},
    }
    lines = combined_table(results).splitlines()
    expect = {
        "Inside cursor": "<= 300 ms",
        "live cell unit": "<= 300 ms",
        "step slider": "<= 500 ms",
        "Home -> Train": "<= 1500 ms",
        "lesson: longest gap (3.2 s run)": "<= 1000 ms",
    }
    for case, goal in expect.items():
        line = next(x for x in lines if case in x)
        assert goal in line, line
    assert "350 ms (max 410)" in next(x for x in lines if "live cell unit" in x)


class FakePage:
    """``page.evaluate`` of the update recorder: the stamps it saw, then "now"."""

    def __init__(self, stamps):
        self.stamps = stamps

    def evaluate(self, _js):
        return self.stamps


def test_longest_gap_counts_from_the_click_to_now():
    # click at 100; updates at 150, 900, 1000; now 2300: the gap to "now" is the longest
    assert longest_gap(FakePage([50, 150, 900, 1000, 2300]), since=100) == (1300, 3)
    assert longest_gap(FakePage([400]), since=100) == (300, 0)  # no update at all


def test_summary_is_median_and_max():
    assert summary([3.0, 1.0, 2.0]) == {"median_ms": 2.0, "max_ms": 3.0, "n": 3}


def test_judged_summarises_each_case_and_judges_the_worst_median():
    from bench.browser import judged

    result = judged({}, {"a": [100.0, 300.0, 200.0], "b": [400.0, 500.0]}, 420.0)
    assert result["a"] == {"median_ms": 200.0, "max_ms": 300.0, "n": 3}
    assert result["b"]["median_ms"] == 450.0
    assert result["worst_median_ms"] == 450.0 and result["meets_target"] is False
    assert judged({}, {"a": [100.0]}, 420.0)["meets_target"] is True
