"""The real Chinese reviews: an LSTM's test accuracy next to a bag-of-characters baseline.

    python -m bench.reviews                   # 240 s of training, then the test split
    python -m bench.reviews --seconds 60 --json

Both read the same deterministic split (lstm_core.tasks.reviews: by a hash of the text). The
LSTM trains on the training split with the Trainer, evaluating on 256 validation reviews; it
keeps the weights of the best validation loss (restore best) and is then scored once on the
whole test split. The baseline is logistic regression on which characters a review contains.
Numbers measured on a busy machine are slower, not different: the run is seeded.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np

from lstm_core.config import ModelConfig, OptimConfig, TrainConfig
from lstm_core.runtime import single_thread
from lstm_core.tasks import reviews
from lstm_core.train import Trainer

KNOBS = {"source": "reviews", "tokens": "char", "vocab_size": 3000, "max_len": 150}


def config(
    seed: int = 0, hidden: int = 64, lr: float = 3e-3, batch: int = 32, max_len: int = 150
) -> TrainConfig:
    """The recipe: one LSTM layer on 32-wide character embeddings, dropout 0.2, Adam."""
    return TrainConfig(
        task="sentiment",
        task_knobs=dict(KNOBS, max_len=max_len),
        model=ModelConfig(hidden_size=hidden, embed_size=32, dropout=0.2),
        optim=OptimConfig(lr=lr, batch_size=batch, clip=1.0),
        eval_every=100,
        snapshot_every=10**6,
        seed=seed,
    )


def test_accuracy(tr: Trainer, chunk: int = 256) -> float:
    """Accuracy of the trainer's model on the whole test split."""
    n, hits = tr.task.corpus.size("test"), 0
    for start in range(0, n, chunk):
        batch = tr.task.split("test", np.arange(start, min(start + chunk, n)))
        hits += int((tr.predict(batch.x).argmax(-1) == batch.y).sum())
    return hits / n


def run(seconds: float, seed: int = 0, **recipe) -> dict:
    tr = Trainer(config(seed, **recipe))
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        tr.step(20)
    best_step = tr.restore_best()
    base = reviews.bag_of_tokens_baseline(tr.task.corpus)
    return {
        "steps": tr.steps,
        "epochs": round(tr.epoch, 2),
        "best_step": best_step,
        "best_val_loss": round(tr.best["val_loss"], 4),
        "test_accuracy": round(test_accuracy(tr), 4),
        "baseline_test_accuracy": round(base["accuracy"]["test"], 4),
        "baseline_train_accuracy": round(base["accuracy"]["train"], 4),
        "test_reviews": tr.task.corpus.size("test"),
        "seconds": round(time.perf_counter() - start, 1),
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seconds", type=float, default=240.0)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--hidden", type=int, default=64)
    p.add_argument("--lr", type=float, default=3e-3)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--max-len", type=int, default=150)
    p.add_argument("--json", action="store_true")
    args = p.parse_args()
    single_thread()
    recipe = {"hidden": args.hidden, "lr": args.lr, "batch": args.batch, "max_len": args.max_len}
    result = run(args.seconds, args.seed, **recipe)
    if args.json:
        print(json.dumps(result))
    else:
        for k, v in result.items():
            print(f"{k:>24}: {v}")


if __name__ == "__main__":
    main()
