"""Engine speed: median ms per training step (forward, backward, Adam).

For (H, T, B) in (16, 50, 32), (64, 100, 64), (128, 200, 64), input width 1, one torch thread:
a bare ``torch.nn.LSTM`` loop; our training path for the standard LSTM (``build_model`` +
``model_loss`` + Adam); our fastest and slowest LSTM variant; the NumPy reference model in
float32 with its own Adam; and one ``trace`` call on one sequence (B = 1). Each row carries its
ratio to the bare ``nn.LSTM`` loop measured in the same run.

    python -m bench.engine [--quick]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

import numpy as np
import torch

from lstm_core.config import VARIANTS, ModelConfig, TaskSpec
from lstm_core.models import build_model, model_loss, trace

SHAPES = ((16, 50, 32), (64, 100, 64), (128, 200, 64))  # (H, T, B)
ROWS = ("nn.LSTM", "standard", "fastest variant", "slowest variant", "numpy float32", "trace B=1")


def median_ms(steps: dict, repeats: int, warmup: int = 2) -> dict[str, float]:
    """Median wall time in ms of each ``steps[name]()``, timed in interleaved rounds so that a
    change of load on the machine hits every row alike."""
    for fn in steps.values():
        for _ in range(warmup):
            fn()
    times = {name: [] for name in steps}
    for _ in range(repeats):
        for name, fn in steps.items():
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    return {name: 1e3 * statistics.median(t) for name, t in times.items()}


def data(H: int, T: int, B: int, seed: int = 0):
    """A batch of the next-step kind: x (T, B, 1), y (T, B, 1), float32."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((T, B, 1)).astype(np.float32)
    return x, np.roll(x, -1, axis=0)


def bare_lstm_step(H, x, y):
    """The yardstick: torch.nn.LSTM + a linear head + MSE + Adam, nothing of ours."""
    g = torch.Generator().manual_seed(0)
    lstm, head = torch.nn.LSTM(1, H), torch.nn.Linear(H, 1)
    with torch.no_grad():
        for p in [*lstm.parameters(), *head.parameters()]:
            p.uniform_(-(H**-0.5), H**-0.5, generator=g)
    params = [*lstm.parameters(), *head.parameters()]
    opt = torch.optim.Adam(params, lr=1e-3)
    x, y = torch.from_numpy(x), torch.from_numpy(y)

    def step():
        opt.zero_grad()
        out, _ = lstm(x)
        torch.nn.functional.mse_loss(head(out), y).backward()
        opt.step()

    return step


def model_step(model, x, y):
    """Our training path: the model, model_loss, Adam."""
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    x, y = torch.from_numpy(x), torch.from_numpy(y)

    def step():
        opt.zero_grad()
        model_loss("next_step", model(x), y).backward()
        opt.step()

    return step


def numpy_step(H, x, y):
    """The NumPy reference model in float32 with its hand-written Adam (None if not there)."""
    try:
        from lstm_core.numpy_model import NumpySequenceModel, make_optimizer
    except ImportError:
        return None
    spec, cfg = TaskSpec("next_step", 1, 1), ModelConfig(hidden_size=H, engine="numpy")
    model = NumpySequenceModel(spec, cfg, np.random.default_rng(0), dtype=np.float32)
    opt = make_optimizer("adam", model.params, lr=1e-3)
    batch = type("Batch", (), {"x": x, "y": y, "mask": None})()

    def step():
        _, grads = model.loss_and_grads(batch)
        opt.step(grads)

    return step


def measure_shape(H: int, T: int, B: int, repeats: int, warmup: int = 2) -> dict[str, dict]:
    """Every row for one shape: {row: {"ms": ..., "ratio": ..., "what": ...}}."""
    x, y = data(H, T, B)
    spec = TaskSpec("next_step", 1, 1)

    def build(variant):
        cfg = ModelConfig(hidden_size=H, variant=variant)
        return build_model(spec, cfg, torch.Generator().manual_seed(0))

    standard = build("standard")
    steps = {
        "nn.LSTM": bare_lstm_step(H, x, y),
        "standard": model_step(standard, x, y),
        **{v: model_step(build(v), x, y) for v in VARIANTS[1:]},
        "trace B=1": lambda: trace(standard, x[:, :1]),
    }
    numpy_model = numpy_step(H, x, y)
    if numpy_model is not None:
        steps["numpy float32"] = numpy_model
    ms = median_ms(steps, repeats, warmup)
    variants = {v: ms[v] for v in VARIANTS[1:]}
    fastest, slowest = min(variants, key=variants.get), max(variants, key=variants.get)
    rows = {
        "nn.LSTM": (ms["nn.LSTM"], "torch.nn.LSTM + Linear + MSE + Adam"),
        "standard": (ms["standard"], "build_model + model_loss + Adam"),
        "fastest variant": (ms[fastest], fastest),
        "slowest variant": (ms[slowest], slowest),
        "numpy float32": (
            ms.get("numpy float32"),
            "NumpySequenceModel + Adam" if numpy_model else "n/a: lstm_core.numpy_model not found",
        ),
        "trace B=1": (ms["trace B=1"], "models.trace, one sequence"),
    }
    base = ms["nn.LSTM"]
    out = {
        name: {"ms": t, "ratio": None if t is None else t / base, "what": what}
        for name, (t, what) in rows.items()
    }
    out["variants"] = {v: {"ms": t, "ratio": t / base} for v, t in variants.items()}
    return out


def print_table(results: dict) -> None:
    print(f"{'H, T, B':<14}{'row':<18}{'ms/step':>9}{'x nn.LSTM':>11}  what")
    for shape, rows in results.items():
        for name in ROWS:
            r = rows[name]
            ms = "n/a" if r["ms"] is None else f"{r['ms']:.2f}"
            ratio = "n/a" if r["ratio"] is None else f"{r['ratio']:.2f}"
            print(f"{shape:<14}{name:<18}{ms:>9}{ratio:>11}  {r['what']}")


def run(quick: bool = False) -> dict:
    """Measure, print the table, return {"threads": 1, "shapes": {"H,T,B": rows}}."""
    torch.set_num_threads(1)
    shapes = SHAPES[:1] if quick else SHAPES
    results = {}
    for H, T, B in shapes:
        repeats = 2 if quick else max(5, 2000 // T // (H // 16))
        results[f"{H},{T},{B}"] = measure_shape(H, T, B, repeats, warmup=1 if quick else 2)
    print_table(results)
    return {"threads": torch.get_num_threads(), "quick": quick, "shapes": results}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.engine", description=__doc__[:60])
    parser.add_argument("--quick", action="store_true", help="fewer repeats, smallest shape")
    print(json.dumps({"bench": "engine", **run(parser.parse_args().quick)}))
