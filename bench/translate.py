"""Translation benchmark (a script): sequences needed to translate numbers, and speed.

    python -m bench.translate                 # en->zh, numbers up to 999, H = 64, seed 0
    python -m bench.translate --quick         # a smaller step budget, for a smoke run
    python -m bench.translate --json
    python -m bench.translate --long          # also attention vs none on numbers to 999,999

For every combination of reversed source (Sutskever et al. 2014) and Luong dot attention, a
model trains until its validation exact match (greedy decoding, held-out numbers never trained
on) reaches 0.95 or its budget runs out; "sequences needed" = the first evaluation step that
passed, times the batch size. All four share seed 0: the same numbers in the same order (the
reversed runs read each source backwards). Speed: median training-step time (teacher forcing)
of the translation model against the sine task at the same H, one thread.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

from lstm_core.config import ModelConfig, OptimConfig, TrainConfig
from lstm_core.runtime import single_thread
from lstm_core.train import Trainer

H, SEED, BATCH, LR = 64, 0, 32, 1e-2
EVAL_EVERY = 25  # the resolution of "sequences needed": 25 x 32 = 800 sequences


def translate_config(reverse: bool, attention: str, largest: int = 999) -> TrainConfig:
    return TrainConfig(
        task="translate",
        task_knobs={
            "direction": "en-zh",
            "largest": largest,
            "reverse": reverse,
            "attention": attention,
        },
        model=ModelConfig(hidden_size=H),
        optim=OptimConfig(lr=LR, batch_size=BATCH),
        seed=SEED,
        eval_every=EVAL_EVERY,
        snapshot_every=10**9,
    )


def sequences_to_solve(cfg: TrainConfig, max_steps: int) -> dict:
    """Train until solved or ``max_steps``; the sequences seen at the first solved eval."""
    tr = Trainer(cfg)
    start = time.perf_counter()
    while tr.steps < max_steps and not any(tr.history.solved):
        tr.step(EVAL_EVERY)
    h = tr.history
    solved = next((s for s, ok in zip(h.val_step, h.solved, strict=True) if ok), None)
    return {
        "reverse": cfg.task_knobs["reverse"],
        "attention": cfg.task_knobs["attention"],
        "solved_at_step": solved,
        "sequences_needed": None if solved is None else solved * BATCH,
        "best_exact": max(h.metric),
        "steps": tr.steps,
        "seconds": round(time.perf_counter() - start, 1),
    }


def ms_per_step(cfg: TrainConfig, steps: int = 30) -> float:
    """Median milliseconds per training step (forward, backward, Adam), after a warm-up."""
    tr = Trainer(cfg)
    tr.step(5)
    times = []
    for _ in range(steps):
        t0 = time.perf_counter()
        tr.step(1)
        times.append(time.perf_counter() - t0)
    return 1000 * statistics.median(times)


def speed() -> dict:
    sine = TrainConfig(task="sine", model=ModelConfig(hidden_size=H),
                       optim=OptimConfig(lr=LR, batch_size=BATCH), eval_every=10**9,
                       snapshot_every=10**9)  # fmt: skip
    rows = {"sine (T=100)": ms_per_step(sine)}
    for attention in ("none", "dot"):
        cfg = translate_config(False, attention)
        cfg.eval_every = 10**9
        rows[f"translate en-zh, attention {attention}"] = ms_per_step(cfg)
    return {n: {"ms": round(ms, 2), "steps_per_s": round(1000 / ms, 1)} for n, ms in rows.items()}


def run(quick: bool = False, long: bool = False) -> dict:
    single_thread()
    max_steps = 1500 if quick else 8000
    runs = [
        sequences_to_solve(translate_config(reverse, attention), max_steps)
        for reverse in (False, True)
        for attention in ("none", "dot")
    ]
    if long:  # long numbers: up to 999,999 (sources of up to 72 characters)
        runs += [
            {"largest": 999_999, **sequences_to_solve(translate_config(False, a, 999_999), 2000)}
            for a in ("none", "dot")
        ]
    result = {"setting": f"en-zh, largest 999, H={H}, batch {BATCH}, Adam lr {LR}, seed {SEED}",
              "max_steps": max_steps, "runs": runs, "speed": speed()}  # fmt: skip
    print(result["setting"])
    print(f"{'largest':>8} {'reverse':>8} {'attention':>9} {'solved at':>10} {'sequences':>10} "
          f"{'best exact':>10} {'steps':>6}")  # fmt: skip
    for r in runs:
        print(f"{r.get('largest', 999):>8} {r['reverse']!s:>8} {r['attention']:>9} "
              f"{r['solved_at_step']!s:>10} {r['sequences_needed']!s:>10} "
              f"{r['best_exact']:>10.3f} {r['steps']:>6}")  # fmt: skip
    for name, row in result["speed"].items():
        print(f"{name:<36} {row['ms']:>8.2f} ms/step {row['steps_per_s']:>8.1f} steps/s")
    return result


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true")
    p.add_argument("--json", action="store_true")
    p.add_argument("--long", action="store_true", help="also numbers up to 999,999 (slow)")
    args = p.parse_args(argv)
    result = run(args.quick, args.long)
    if args.json:
        print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
