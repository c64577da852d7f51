"""Reproduce the classic LSTM results with the Trainer (a script, not a test).

    python -m bench.papers            # every experiment (about 10 minutes on one idle core)
    python -m bench.papers --quick    # a third of the budgets, for a smoke run
    python -m bench.papers --only adding --json
    python -m bench.papers --only long-lags [--paper-regime]

Experiments (a model trains until its task's "solved" threshold or its budget runs out; models
compared on one task share the seed, so they see the identical batch stream):

  adding T=50        LSTM vs plain RNN, same budget and batches (H&S 1997, experiment 4)
  adding T=100       LSTM, sequences needed next to H&S's 74,000: directly, and by a curriculum
                     (the solved T=50 model, then the live seq_len knob to 100; no reset)
  long lags          adding T=100 with the recipes of lstm_core.long_lags, each within H&S's
                     74,000 sequences: chrono initialisation (Tallec & Ollivier 2018), seeds 0-2;
                     the default initialisation (forget bias 1); a curriculum T = 20 -> 50 -> 100;
                     with --paper-regime also online SGD (batch 1) as H&S trained (slow: ~17 min)
  temporal order     LSTM, T=50 directly, and T=100 by a curriculum (start at T=50, switch the
                     live seq_len knob to 100 once solved) (H&S 1997, experiment 6a)
  continual Reber    LSTM with forget gate vs no forget gate (NFG) (Gers et al. 2000), scored on
                     the training windows and on one 20,000-symbol stream without any reset;
                     trained with SGD (lr 0.5, momentum 0.9) and, for contrast, with Adam

"Sequences needed" = the first evaluation step at which the validation metric passes the
threshold, times the batch size. H&S trained online (one sequence per update) with plain
gradient descent; we use mini-batches (clip 1.0), so compare sequences seen, not updates.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import replace

import numpy as np
import torch

from lstm_core import long_lags
from lstm_core.config import ModelConfig, OptimConfig, TrainConfig
from lstm_core.tasks import Batch
from lstm_core.train import Trainer

LONG_LAGS = {  # experiment label -> (recipe of lstm_core.long_lags, seeds)
    "adding T=100 chrono": ("chrono", (0, 1, 2)),
    "adding T=100 default": ("default", (0,)),
    "adding T=100 20-50-100": ("curriculum", (0,)),
}
PAPER_REGIME = {"adding T=100 online SGD": ("online_sgd", (0,))}
HS_SEQUENCES = {  # Hochreiter & Schmidhuber 1997, experiment 4
    label: long_lags.HS_SEQUENCES
    for label in ("adding T=100", "adding T=100*", *LONG_LAGS, *PAPER_REGIME)
}
EVAL_EVERY = 50


def trainer(task, knobs, model, lr, batch, seed=0, optimizer="adam", momentum=0.9) -> Trainer:
    cfg = TrainConfig(
        task=task,
        task_knobs=knobs,
        model=model,
        optim=OptimConfig(optimizer, lr=lr, momentum=momentum, clip=1.0, batch_size=batch),
        seed=seed,
        eval_every=EVAL_EVERY,
        snapshot_every=10**9,  # no snapshots: this is a benchmark
        max_snapshots=2,
    )
    return Trainer(cfg)


def train_until_solved(tr: Trainer, max_steps: int) -> int | None:
    """Train until the validation metric passes or max_steps; the solving step, or None."""
    while tr.steps < max_steps and tr.status == "ready":
        tr.step(EVAL_EVERY - tr.steps % EVAL_EVERY)
        if tr.history.val_step[-1] == tr.steps and tr.history.solved[-1]:
            return tr.steps
    return None


def result(label, tr, solved_at, seconds, **extra) -> dict:
    m = tr.config.model
    better = max if tr.task.metric.higher_is_better else min
    r = {
        "experiment": label,
        "model": m.cell + ("" if m.variant == "standard" else f"-{m.variant}"),
        "hidden": m.hidden_size,
        "lr": tr.config.optim.lr,
        "batch": tr.config.optim.batch_size,
        "steps": tr.steps,
        "solved": solved_at is not None,
        "sequences_needed": None if solved_at is None else solved_at * tr.config.optim.batch_size,
        "metric": tr.task.metric.name,
        "best_metric": better(tr.history.metric),
        "baseline": tr.baseline["metric"],
        "seconds": round(seconds, 1),
        "status": tr.status,
        **extra,
    }
    print(_row(r), file=sys.stderr, flush=True)
    return r


def _row(r) -> str:
    need = "-" if r["sequences_needed"] is None else f"{r['sequences_needed']:,}"
    return (
        f"{_name(r):<32} {r['model']:<9} solved={str(r['solved']):<5} "
        f"sequences={need:>9} steps={r['steps']:>5} best {r['metric']}={r['best_metric']:.3f} "
        f"(baseline {r['baseline']:.3f}) {r['seconds']:.0f}s"
    )


def _name(r) -> str:
    """The experiment's label, with its seed when it was run at several."""
    return r["experiment"] + (f" (seed {r['seed']})" if "seed" in r else "")


def simple(label, task, knobs, model, max_steps, lr, batch=32) -> dict:
    tr = trainer(task, knobs, model, lr, batch)
    start = time.perf_counter()
    solved_at = train_until_solved(tr, max_steps)
    return result(label, tr, solved_at, time.perf_counter() - start)


def adding(scale: float) -> list[dict]:
    budget = int(6000 * scale)
    lstm, rnn = ModelConfig("lstm", hidden_size=32), ModelConfig("rnn", hidden_size=32)
    tr = trainer("adding", {"seq_len": 50}, lstm, 3e-3, 32)
    start = time.perf_counter()
    first = train_until_solved(tr, budget)
    seconds_50 = time.perf_counter() - start
    out = [result("adding T=50", tr, first, seconds_50)]
    out.append(simple("adding T=50", "adding", {"seq_len": 50}, rnn, budget, lr=3e-3))
    out.append(simple("adding T=100", "adding", {"seq_len": 100}, lstm, budget, lr=3e-3))
    if first is not None:  # the curriculum: the solved T=50 model, live knob to T=100
        start = time.perf_counter() - seconds_50  # count the T=50 phase too
        tr.apply(replace(tr.config, task_knobs={"seq_len": 100}))
        tr.evaluate()
        solved_at = tr.steps if tr.history.solved[-1] else train_until_solved(tr, first + budget)
        out.append(result("adding T=100*", tr, solved_at, time.perf_counter() - start,
                          note="curriculum: T=50 until solved, then T=100"))  # fmt: skip
    return out


def long_lag_recipes(scale: float, paper_regime: bool = False) -> list[dict]:
    """The recipes of lstm_core.long_lags at T = 100, each within H&S's 74,000 sequences."""
    out = []
    for label, (name, seeds) in (LONG_LAGS | (PAPER_REGIME if paper_regime else {})).items():
        for seed in seeds:
            tr = Trainer(long_lags.recipe(name, seed))
            max_steps = int(long_lags.budget_steps(tr.config) * scale)
            start = time.perf_counter()
            if name == "curriculum":
                reached = long_lags.curriculum(tr, long_lags.CURRICULUM, max_steps)
                solved_at = reached[-1][1] if reached[-1][0] == long_lags.T_LONG else None
                extra = {"note": f"curriculum (T, solved step): {reached}"}
            else:
                solved_at, extra = long_lags.train_until_solved(tr, max_steps), {}
            out.append(result(label, tr, solved_at, time.perf_counter() - start,
                              seed=seed, init=tr.config.model.gate_init, **extra))  # fmt: skip
    return out


def temporal_order(scale: float) -> list[dict]:
    lstm = ModelConfig("lstm", hidden_size=32)
    out = [simple("temporal order T=50", "temporal-order", {"seq_len": 50}, lstm,
                  int(3000 * scale), lr=1e-2)]  # fmt: skip
    tr = trainer("temporal-order", {"seq_len": 50}, lstm, 1e-2, 32)
    start = time.perf_counter()
    first = train_until_solved(tr, int(3000 * scale))
    solved_at = None
    if first is not None:  # the curriculum: the live knob, no reset
        tr.apply(replace(tr.config, task_knobs={"seq_len": 100}))
        tr.evaluate()
        solved_at = tr.steps if tr.history.solved[-1] else train_until_solved(tr, 2 * first)
    out.append(result("temporal order T=100*", tr, solved_at, time.perf_counter() - start,
                      note="curriculum: T=50 until solved, then T=100"))  # fmt: skip
    return out


def continual_stream_score(tr: Trainer, T: int = 20_000, B: int = 4) -> float:
    """The Reber metric on B streams of T symbols read in one pass, never reset."""
    task, V = tr.task, len(tr.task.vocab)
    x, y = np.zeros((T, B), np.int64), np.zeros((T, B), np.int64)
    legal, sid = np.zeros((B, T, V), bool), np.full((B, T), -1, np.int64)
    rng = np.random.default_rng(12345)
    for b in range(B):
        task._fill(rng, T, x[:, b], y[:, b], legal[b], sid[b])  # the task's own stream maker
    batch = Batch(x, y, per_step=True, aux={"legal": legal, "string_id": sid})
    return float(task.score(tr.predict(x), batch))


def reber(scale: float) -> list[dict]:
    out = []
    # SGD with momentum is closest to the online gradient descent of Gers et al.; Adam for contrast
    for optimizer, lr in (("sgd", 0.5), ("adam", 1e-2)):
        for variant in ("standard", "nfg"):
            model = ModelConfig("lstm", variant, hidden_size=8)
            tr = trainer("reber", {}, model, lr, 16, optimizer=optimizer)
            start = time.perf_counter()
            solved_at = train_until_solved(tr, int(1500 * scale))
            stream = continual_stream_score(tr)
            out.append(result(f"continual Reber ({optimizer})", tr, solved_at,
                              time.perf_counter() - start, stream_20k=stream))  # fmt: skip
            print(f"  {variant}: 20,000-symbol stream = {stream:.4f}", file=sys.stderr)
    return out


EXPERIMENTS = {
    "adding": adding,
    "long-lags": long_lag_recipes,
    "temporal-order": temporal_order,
    "reber": reber,
}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true")
    p.add_argument("--only", choices=list(EXPERIMENTS))
    p.add_argument(
        "--paper-regime", action="store_true", help="long-lags: also online SGD, batch 1 (slow)"
    )
    p.add_argument("--json", action="store_true", help="print all results as one JSON line")
    args = p.parse_args(argv)
    torch.set_num_threads(1)
    results = []
    for name, experiment in EXPERIMENTS.items():
        if not args.only or name == args.only:
            scale = 0.3 if args.quick else 1.0
            if name == "long-lags":
                results += experiment(scale, args.paper_regime)
            else:
                results += experiment(scale)
    print(
        "\n| experiment | model | solved | sequences needed | H&S 1997 | steps | best metric "
        "| baseline | 20k-symbol stream | seconds |\n|---|---|---|---|---|---|---|---|---|---|"
    )
    for r in results:
        need = "-" if r["sequences_needed"] is None else f"{r['sequences_needed']:,}"
        hs = HS_SEQUENCES.get(r["experiment"])
        stream = f"{r['stream_20k']:.4f}" if "stream_20k" in r else "-"
        print(
            f"| {_name(r)} | {r['model']} | {'yes' if r['solved'] else 'no'} | {need} | "
            f"{'-' if hs is None else f'{hs:,}'} | {r['steps']} | "
            f"{r['metric']} {r['best_metric']:.3f} | {r['baseline']:.3f} | {stream} | "
            f"{r['seconds']:.0f} |"
        )
    if args.json:
        print(json.dumps(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
