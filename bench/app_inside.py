"""Inside the cell render time (quality bar: a page renders in under 1 s after the
first load): server time of one time-cursor move and of one training-time (snapshot) move.

Drives ``pages/2_Inside_the_cell.py`` with AppTest and one shared bytecode cache, as the
server keeps it (see ``bench.app_sandbox``), for a trained model per case: the default sine
LSTM (H=32, T=100), a two-layer H=128 LSTM, and a character task (Reber, T=240).
Wall and process CPU time per move.

    python -m bench.app_inside [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics

import torch

from bench.app_sandbox import APP, server_bytecode_cache, timed_runs_ms
from lstm_core.config import ModelConfig, TrainConfig
from lstm_core.train import Trainer

PAGE = "pages/2_Inside_the_cell.py"
TARGET_MS = 1000.0
CASES = (
    ("sine LSTM H=32", TrainConfig()),
    ("sine LSTM H=128 L=2", TrainConfig(model=ModelConfig(hidden_size=128, num_layers=2))),
    ("reber LSTM H=32 T=240", TrainConfig(task="reber")),
)


def moves_ms(cfg: TrainConfig, moves: int) -> dict[str, tuple[list[float], list[float]]]:
    """Wall and CPU ms of ``moves`` cursor moves and ``moves`` snapshot moves."""
    from streamlit.testing.v1 import AppTest

    trainer = Trainer(cfg)
    trainer.step(100)
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page(PAGE)
    at.session_state["trainer"] = trainer
    at.run()
    steps = [s.step for s in trainer.snapshots]
    out = {}
    for name, move in (
        ("cursor", lambda k: at.slider(key="inside_t").set_value(7 * (k + 1) % 50)),
        (
            "snapshot",
            lambda k: at.select_slider(key="inside_step").set_value(steps[(k + 1) % len(steps)]),
        ),
    ):
        out[name] = timed_runs_ms(move, moves, warm_up=2)
        assert not at.exception, at.exception
    return out


def run(quick: bool = False) -> dict:
    torch.set_num_threads(1)
    moves = 5 if quick else 15
    result = {"target_ms": TARGET_MS, "moves": moves, "load_1min": round(os.getloadavg()[0], 1)}
    print(f"{'model':<24}{'move':<10}{'wall median':>12}{'CPU median':>12}")
    with server_bytecode_cache(True):
        for name, cfg in CASES:
            key = name.split()[0] + "_" + name.split()[-1].replace("=", "")
            for move, (wall, cpu) in moves_ms(cfg, moves).items():
                w, c = statistics.median(wall), statistics.median(cpu)
                print(f"{name:<24}{move:<10}{w:>12.1f}{c:>12.1f}")
                result[f"{key}_{move}_median_ms"] = round(w, 1)
                result[f"{key}_{move}_cpu_median_ms"] = round(c, 1)
    walls = [v for k, v in result.items() if k.endswith("_median_ms") and "_cpu_" not in k]
    result["worst_median_ms"] = max(walls)
    result["meets_target"] = result["worst_median_ms"] <= TARGET_MS
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5 moves per case instead of 15")
    print(json.dumps(run(parser.parse_args().quick)))
