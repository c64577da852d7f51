"""``python -m bench.engine --quick`` runs and reports every row (numbers, not speed limits)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench.engine import ROWS

pytestmark = pytest.mark.slow  # each test runs benchmarks in a subprocess

ROOT = Path(__file__).resolve().parents[1]


def test_engine_bench_quick_reports_every_row():
    done = subprocess.run(
        [sys.executable, "-m", "bench.engine", "--quick"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["bench"] == "engine" and result["threads"] == 1
    rows = result["shapes"]["16,50,32"]
    for name in ROWS:
        assert rows[name]["ms"] > 0 and rows[name]["ratio"] > 0, name
        assert name in done.stdout  # and it is in the printed table
    assert rows["nn.LSTM"]["ratio"] == 1.0
    assert set(rows["variants"]) == {"nfg", "nig", "nog", "cifg", "niaf", "noaf", "ph"}
    assert rows["fastest variant"]["ms"] <= rows["slowest variant"]["ms"]


def test_python_m_bench_quick_runs_the_load_test_and_prints_the_combined_table():
    """``python -m bench --quick load``: a small class on a real server, every session its
    own state, the summary table and the JSON line. (Timing bars are for a quiet machine.)"""
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "load"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=500,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["bench"] == "load" and result["server_up"]
    assert result["connected"] == result["sessions"] == 4 and result["trained"] >= 1
    assert result["exceptions"] == 0 and result["health_failures"] == 0
    assert result["same_seed_identical"] == result["same_seed_pairs"] >= 1
    assert result["urls_keep_own_seed"] and 0 < result["mb_per_session"] < 30
    assert "== summary (measured in this one run)" in done.stdout
    assert "health p99, 4 sessions" in done.stdout and "memory per session" in done.stdout


def test_bench_registers_every_benchmark_and_keeps_papers_out_of_the_default_set():
    from bench.__main__ import BENCHMARKS, SLOW, available, combined_table

    assert {"engine", "app_train", "app_sandbox", "app_inside", "load"} <= set(BENCHMARKS)
    assert "papers" in SLOW and "papers" not in BENCHMARKS
    assert set(available(BENCHMARKS)) == set(BENCHMARKS)  # every module exists
    table = combined_table({"load": {"error": "RuntimeError: boom"}})
    assert "load" in table and "failed" in table and "boom" in table


def test_memory_bench_measures_refusals_in_their_own_process():
    """Two hostile inputs through ``python -m bench.memory``: each is refused, costs the
    fresh process under 300 MB, and takes under 5 s (the bars the bench checks itself)."""
    cases = ["CSV 100,000 columns", "bundle, nested npz bombs"]
    done = subprocess.run(
        [sys.executable, "-m", "bench.memory", *cases],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert [c["case"] for c in result["cases"]] == cases
    for c in result["cases"]:
        assert c["refused"] and c["mb"] < 300 and c["seconds"] < 5, c
    assert result["ok"] and done.returncode == 0
