"""Memory and time of hostile input: ``python -m bench.memory [--quick] [case ...]``.

Each case runs in a fresh Python process that first imports the engine and trains a tiny
warm-up run (what a server holds before a student arrives), then reads its peak resident
memory (``ru_maxrss``), does the one thing the case names, and reads the peak again. The
growth of the peak is what that action cost a server; the seconds are wall time.

``--budget`` compares, for a few runs, the estimate of ``lstm_core.budget`` with the growth
of the peak that building and running them costs (it must never be an underestimate).

Goals (``ok``): the default configuration costs <= 30 MB, no case costs more than 300 MB,
and every refusal comes in <= 5 s. Numbers on a busy machine are provisional: re-measure
on a quiet one.
"""

from __future__ import annotations

import argparse
import io
import json
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MB, CASE_MB, REFUSAL_S = 30.0, 300.0, 5.0


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --------------------------------------------------------------------------- the cases
# Each case: make() builds the input in the parent process (bytes, written to a file, or None);
# act(data) is what the server does with it, measured in a fresh child process.
def _default(_):
    from lstm_core.config import TrainConfig
    from lstm_core.train import Trainer

    tr = Trainer(TrainConfig())
    tr.step(100)
    return f"{tr.steps} steps, {len(tr.snapshots)} snapshots"


def _csv_bytes(columns: int, rows: int) -> bytes:
    header = ",".join(f"c{k}" for k in range(columns))
    body = "\n".join(",".join(str((r * 7 + k) % 10) for k in range(columns)) for r in range(rows))
    return f"{header}\n{body}\n".encode()


def _csv(data: bytes):
    from lstm_core.tasks import make_task

    task = make_task("csv", data=data, window=16)
    return f"{task.table.values.shape} accepted"


def _text_bytes(distinct: int) -> bytes:
    import numpy as np

    rng = np.random.default_rng(0)
    weights = 1.0 / np.arange(1, distinct + 1)
    chars = [chr(0x4E00 + k) for k in range(distinct)]
    return "".join(rng.choice(chars, size=200_000, p=weights / weights.sum())).encode()


def _text(data: bytes):
    from lstm_core.config import TrainConfig
    from lstm_core.train import Trainer

    tr = Trainer(TrainConfig(task="text", task_knobs={"source": "custom"}), data={"text": data})
    tr.step(5)
    tr.evaluate()
    return f"vocabulary {tr.spec.vocab_size}"


def _snapshots(_):
    from lstm_core.config import ModelConfig, TrainConfig
    from lstm_core.train import Trainer

    cfg = TrainConfig(
        model=ModelConfig(hidden_size=256, num_layers=3), snapshot_every=1, max_snapshots=200
    )
    tr = Trainer(cfg)
    for _ in range(60):  # what 60 steps with a snapshot each would keep
        tr.steps += 1
        tr.snapshot()
    held = sum(v.nbytes for s in tr.snapshots for layer in s.traces for v in layer.values())
    return f"{len(tr.snapshots)} snapshots kept, {held / 1e6:.1f} MB"


def _good_bundle_files() -> dict:
    from lstm_core.bundle import export_bundle
    from lstm_core.config import ModelConfig, OptimConfig, TrainConfig
    from lstm_core.train import Trainer

    tr = Trainer(TrainConfig(model=ModelConfig(hidden_size=4), optim=OptimConfig(batch_size=4)))
    tr.step(3)
    with tempfile.TemporaryDirectory() as folder:
        path = export_bundle(tr, Path(folder) / "run.zip", "x")
        with zipfile.ZipFile(path) as z:
            return {n: z.read(n) for n in z.namelist()}


def _zip(files: dict, method: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as z:
        for n, d in files.items():
            z.writestr(n, d)
    return out.getvalue()


def _npz_bomb(name: str) -> bytes:
    """An .npz whose one array is 255 MB of zeros: about 250 KB packed."""
    import numpy as np

    head = io.BytesIO()
    shape = ((255 << 20) // 8,)
    np.lib.format.write_array_header_1_0(head, {"descr": "<f8", "fortran_order": False,
                                                "shape": shape})  # fmt: skip
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z, z.open(name, "w") as f:
        f.write(head.getvalue())
        for _ in range(255):
            f.write(b"\0" * (1 << 20))
    return buf.getvalue()


def _bombs() -> bytes:
    files = _good_bundle_files()
    files["traces.npz"] = _npz_bomb("count.npy")
    files["task_data.npz"] = _npz_bomb("bytes__data.npy")
    return _zip(files, zipfile.ZIP_STORED)  # stored: only the inner archives are bombs


def _long_history() -> bytes:
    files = _good_bundle_files()
    head, first = files["history.csv"].decode().splitlines()[:2]
    rows = "\n".join(f"{k + 1},0.5,0.1,0,0.01,,," for k in range(2_000_000))
    files["history.csv"] = f"{head}\n{first}\n{rows}\n".encode()
    return _zip(files)


def _bundle(data: bytes):
    from lstm_core.bundle import load_bundle

    load_bundle(data)
    return "accepted"


def _over_budget(_):
    from lstm_core.config import ModelConfig, OptimConfig, TrainConfig
    from lstm_core.train import Trainer

    cfg = TrainConfig(
        task_knobs={"seq_len": 500},
        model=ModelConfig(hidden_size=256, num_layers=3),
        optim=OptimConfig(batch_size=256),
    )
    Trainer(cfg)
    return "accepted"


CASES = {  # name -> (make the input, act on it, refusal expected)
    "default run": (None, _default, False),
    "CSV 100,000 columns": (lambda: _csv_bytes(100_000, 5), _csv, True),
    "CSV 10,000 columns": (lambda: _csv_bytes(10_000, 30), _csv, True),
    "CSV 20,000 rows x 10": (lambda: _csv_bytes(10, 20_000), _csv, False),
    "text, 3,000 characters": (lambda: _text_bytes(3000), _text, False),
    "snapshots 256x3, 60": (None, _snapshots, False),
    "bundle, nested npz bombs": (_bombs, _bundle, True),
    "bundle, 2M-row history": (_long_history, _bundle, True),
    "over budget 256x3, B 256": (None, _over_budget, True),
}
QUICK = (
    "default run",
    "CSV 100,000 columns",
    "bundle, nested npz bombs",
    "over budget 256x3, B 256",
)


# --------------------------------------------------------------------------- the budget
# Configurations whose estimate (lstm_core.budget) is compared with what a run really holds:
# name -> (TrainConfig keyword arguments, model, optimizer, the user's text or None).
BUDGET_RUNS = {
    "default": ({}, {}, {}, None),
    "sine 128x2, B 64, T 200": ({"task_knobs": {"seq_len": 200}}, {"hidden_size": 128,
                                "num_layers": 2}, {"batch_size": 64}, None),
    "sine 256x3, B 32, 200 snapshots": ({"snapshot_every": 1, "max_snapshots": 200},
                                        {"hidden_size": 256, "num_layers": 3}, {}, None),
    "sine 512, B 16": ({}, {"hidden_size": 512}, {"batch_size": 16}, None),
    "GRU 256, B 128, T 200": ({"task_knobs": {"seq_len": 200}}, {"cell": "gru",
                              "hidden_size": 256}, {"batch_size": 128}, None),
    "text, 3,000 characters, 128, B 64": ({"task": "text", "task_knobs": {"source": "custom"}},
                                          {"hidden_size": 128}, {"batch_size": 64}, 3000),
}  # fmt: skip
BUDGET_STEPS = 10  # training steps; then every snapshot the run may keep, and an evaluation


def budget_child(name: str) -> dict:
    """Build and run ``BUDGET_RUNS[name]`` in this process: its estimate and the growth of the
    peak resident memory (weights, a training step's activations, snapshots, evaluation).
    The session's limit is lifted here, so runs the estimate refuses can be measured too."""
    from lstm_core.config import MEMORY_LIMITS

    MEMORY_LIMITS["session_bytes"] = 1 << 40  # before lstm_core.budget reads it
    from lstm_core import budget
    from lstm_core.config import ModelConfig, OptimConfig, TrainConfig
    from lstm_core.train import Trainer

    _warm_up()
    top, model, optim, distinct = BUDGET_RUNS[name]
    cfg = TrainConfig(**top, model=ModelConfig(**model), optim=OptimConfig(**optim))
    data = {"text": _text_bytes(distinct)} if distinct else None
    before = peak_mb()
    tr = Trainer(cfg, data=data)
    tr.step(BUDGET_STEPS)
    for _ in range(cfg.max_snapshots):  # what a long run keeps
        tr.steps += 1
        tr.snapshot()
    tr.evaluate()
    estimate = budget.estimate(cfg, tr.spec, tr.val_batch.T).total / 2**20
    return {"run": name, "estimate_mb": estimate, "measured_mb": peak_mb() - before}


def budget_table(rows: list[dict]) -> str:
    lines = [f"{'run':<36} {'estimate MB':>11} {'measured MB':>11} {'ratio':>6}"]
    for r in rows:
        ratio = r["estimate_mb"] / max(r["measured_mb"], 1e-9)
        lines.append(f"{r['run']:<36} {r['estimate_mb']:>11.1f} {r['measured_mb']:>11.1f} "
                     f"{ratio:>6.2f}")  # fmt: skip
    return "\n".join(lines)


def measure_budget(name: str, timeout: float = 600) -> dict:
    cmd = [sys.executable, "-m", "bench.memory", "--budget-child", name]
    out = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _warm_up() -> None:
    from lstm_core.config import ModelConfig, OptimConfig, TrainConfig
    from lstm_core.runtime import single_thread
    from lstm_core.train import Trainer

    single_thread()
    import lstm_core.bundle  # noqa: F401  (what a server has imported already)

    tr = Trainer(TrainConfig(model=ModelConfig(hidden_size=4), optim=OptimConfig(batch_size=2)))
    tr.step(2)


def child(name: str, path: str | None) -> dict:
    """Run one case in this process on the input in ``path``; its cost in peak memory and
    seconds (reading the input included: an upload is held in memory too)."""
    _warm_up()
    act = CASES[name][1]
    before = peak_mb()
    start = time.perf_counter()
    try:
        data = Path(path).read_bytes() if path else None
        outcome, refused = act(data), False
    except Exception as e:  # noqa: BLE001 -- a refusal is what many cases expect
        outcome, refused = f"{type(e).__name__}: {e}"[:160], True
    return {
        "case": name,
        "seconds": time.perf_counter() - start,
        "mb": peak_mb() - before,
        "refused": refused,
        "outcome": outcome,
    }


def measure(name: str, timeout: float = 600) -> dict:
    make, _, expect_refusal = CASES[name]
    with tempfile.TemporaryDirectory() as folder:
        cmd = [sys.executable, "-m", "bench.memory", "--child", name]
        if make is not None:
            path = Path(folder) / "input"
            path.write_bytes(make())
            cmd += ["--input", str(path)]
        result = _run_child(name, cmd, timeout)
    limit = DEFAULT_MB if name == "default run" else CASE_MB
    result["ok"] = (
        result["mb"] <= limit
        and result["refused"] == expect_refusal
        and (not expect_refusal or result["seconds"] <= REFUSAL_S)
    )
    return result


def _run_child(name: str, cmd: list[str], timeout: float) -> dict:
    try:
        out = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
        return json.loads(out.stdout.strip().splitlines()[-1])
    except (subprocess.TimeoutExpired, ValueError, IndexError) as e:
        return {"case": name, "seconds": float("inf"), "mb": float("nan"), "refused": False,
                "outcome": f"no result ({type(e).__name__})"}  # fmt: skip


def table(results: list[dict]) -> str:
    rows = [("case", "MB", "s", "refused", "ok", "outcome")]
    for r in results:
        rows.append((r["case"], f"{r['mb']:.1f}", f"{r['seconds']:.2f}", str(r["refused"]),
                     str(r["ok"]), r["outcome"][:70]))  # fmt: skip
    widths = [max(len(row[k]) for row in rows) for k in range(5)]
    return "\n".join(
        "  ".join(f"{c:<{w}}" for c, w in zip(row[:5], widths, strict=True)) + "  " + row[5]
        for row in rows
    )


def run(quick: bool = False) -> dict:
    """For ``python -m bench``: every case (the four quickest with ``quick``)."""
    results = [measure(name) for name in (QUICK if quick else CASES)]
    print(table(results))
    return {"cases": results, "ok": all(r["ok"] for r in results)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.memory", description=__doc__.splitlines()[0])
    ap.add_argument("cases", nargs="*", help=f"cases to run (default: all): {list(CASES)}")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--budget", action="store_true", help="estimate against measured, per run")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--budget-child", help=argparse.SUPPRESS)
    ap.add_argument("--input", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.budget_child:
        print(json.dumps(budget_child(args.budget_child)))
        return 0
    if args.budget:
        rows = [measure_budget(name) for name in BUDGET_RUNS]
        print(budget_table(rows))
        ok = all(r["estimate_mb"] >= r["measured_mb"] for r in rows)  # never an underestimate
        print(json.dumps({"bench": "memory.budget", "runs": rows, "ok": ok}))
        return 0 if ok else 1
    if args.child:
        print(json.dumps(child(args.child, args.input)))
        return 0
    unknown = [c for c in args.cases if c not in CASES]
    if unknown:
        ap.error(f"unknown case(s) {unknown}")
    if args.cases:
        results = [measure(c) for c in args.cases]
        print(table(results))
        result = {"cases": results, "ok": all(r["ok"] for r in results)}
    else:
        result = run(args.quick)
    print(json.dumps({"bench": "memory", **result}))
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
