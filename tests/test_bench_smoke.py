"""``python -m bench.engine --quick`` runs and reports every row (numbers, not speed limits)."""

import json
import subprocess
import sys
from pathlib import Path

from bench.engine import ROWS

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
