"""The command line's commands: build a run from the arguments, train it, save or export it.
``lstm_core.cli`` parses the arguments and calls one of ``COMMANDS``."""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

from tqdm import tqdm

from lstm_core.budget import FileTooBig, read_capped
from lstm_core.bundle import export_bundle, export_saved, import_bundle
from lstm_core.config import ModelConfig, OptimConfig, TrainConfig
from lstm_core.store import RunStore, dumps
from lstm_core.tasks import TASKS
from lstm_core.tasks.csv_loader import MAX_BYTES
from lstm_core.tasks.text import MAX_TEXT_BYTES
from lstm_core.train import Trainer

SUMMARY_KEYS = (
    "task",
    "cell",
    "variant",
    "steps",
    "train_loss",
    "val_loss",
    "metric",
    "metric_value",
    "solved",
    "baseline",
    "seconds",
    "steps_per_s",
)
CHUNK = 25  # steps between progress-bar updates


class CliError(ValueError):
    """A problem with what was asked: printed as one line, exit status 2."""


# --------------------------------------------------------------------------- building runs
def make_config(args, cell=None, variant=None) -> TrainConfig:
    """The TrainConfig the arguments ask for (``cell``/``variant`` override theirs)."""
    knobs = dict(args.knob)
    if args.seq_len is not None:
        knobs["seq_len"] = args.seq_len
    if args.direction is not None:
        knobs["direction"] = args.direction
    model = ModelConfig(
        cell=cell or args.cell,
        variant=variant or args.variant,
        hidden_size=args.hidden,
        num_layers=args.layers,
        engine=args.engine,
        dropout=args.dropout,
    )
    optim = OptimConfig(
        name=args.optimizer,
        lr=args.lr,
        momentum=args.momentum,
        clip=args.clip,
        batch_size=args.batch_size,
        schedule=args.schedule,
        weight_decay=args.weight_decay,
    )
    return TrainConfig(
        task=args.task,
        task_knobs=knobs,
        model=model,
        optim=optim,
        seed=args.seed,
        eval_every=args.eval_every,
        snapshot_every=max(args.steps // 20, 1),
        train_size=args.train_size,
        early_stop=args.early_stop,
    )


def task_data(args) -> dict:
    """What --file and --column mean for the task: the csv file and its column, or a text."""
    if args.file is None:
        if args.column is not None:
            raise CliError("--column needs --file (a CSV file)")
        return {}
    if args.task not in ("csv", "text"):
        raise CliError(f"--file is for the csv and text tasks, not {args.task!r}")
    path = Path(args.file)
    limit = MAX_BYTES if args.task == "csv" else MAX_TEXT_BYTES
    try:
        raw = read_capped(path, limit, f"the {args.task} file")
    except FileTooBig as e:
        raise CliError(str(e)) from None
    except OSError as e:
        raise CliError(f"cannot read {path}: {e.strerror}") from None
    if args.task == "text":
        if args.column is not None:
            raise CliError("--column is for the csv task; the text task reads the whole file")
        return {"text": raw}
    return {"data": raw, "target": args.column}


def train_one(tr, steps: int, quiet: bool, label: str = "") -> None:
    """Train ``steps`` steps with a tqdm bar on stderr."""
    with tqdm(total=steps, file=sys.stderr, disable=quiet, desc=label or None, leave=False) as bar:
        while tr.steps < steps and tr.status not in ("diverged", "stopped"):
            done = tr.step(min(CHUNK, steps - tr.steps))
            bar.update(done)
            if tr.history.loss:
                bar.set_postfix(loss=f"{tr.history.loss[-1]:.4f}", refresh=False)


def finish(tr) -> dict:
    """Evaluate at the end (if the last step did not) and return the summary."""
    if tr.history.val_step and tr.history.val_step[-1] != tr.steps:
        tr.evaluate()
    s = tr.summary()
    return {k: s[k] for k in SUMMARY_KEYS}


# --------------------------------------------------------------------------- commands
def cmd_tasks(args) -> int:
    width = max(len(n) for n in TASKS)
    for name, cls in TASKS.items():
        title = cls.title.get("en", "") if cls.title else ""
        text = cls.description.get("en", "") if cls.description else ""
        first = re.split(r"(?<=[^.][.!?])\s+(?=[A-Z])", text)[0]
        if len(first) > 110:
            first = first[:107].rsplit(" ", 1)[0] + "..."
        print(f"{name:<{width}}  {cls.kind:<14}  {title}: {first}")
    return 0


def cmd_train(args) -> int:
    cfg = make_config(args)
    tr = Trainer(cfg, task_data(args))
    start = time.perf_counter()
    train_one(tr, args.steps, args.quiet)
    summary = finish(tr)
    summary["seconds"] = round(time.perf_counter() - start, 3)
    for out in args.out:
        if out.lower().endswith(".zip"):
            path = export_bundle(tr, out, name=Path(out).stem)
            print(f"exported the run to {path}", file=sys.stderr)
        else:
            run_id = RunStore().save(tr, out)
            print(f"saved the run as {out!r} (id {run_id})", file=sys.stderr)
    if not args.json:
        for k, v in summary.items():
            print(f"{k:>13}: {v:.6g}" if isinstance(v, float) else f"{k:>13}: {v}")
    if tr.status == "diverged":
        print(tr.message, file=sys.stderr)
    if args.json:
        print(dumps(summary))
    return 1 if tr.status == "diverged" else 0


def cmd_compare(args) -> int:
    models = [(c, v) for c in args.cells for v in (args.variants if c == "lstm" else ["standard"])]
    models = list(dict.fromkeys(models))
    data = task_data(args)
    trainers = {
        f"{c}" + ("" if v == "standard" else f"-{v}"): Trainer(make_config(args, c, v), data)
        for c, v in models
    }
    # one after the other; each trainer draws task.train_batches(seed, batch_size) afresh, so
    # every model sees the identical batch stream
    for label, tr in trainers.items():
        train_one(tr, args.steps, args.quiet, label)
    rows = []
    for label, tr in trainers.items():
        s = finish(tr)
        solved_at = next(
            (st for st, ok in zip(tr.history.val_step, tr.history.solved, strict=True) if ok), None
        )
        rows.append(
            {
                "model": label,
                **s,
                "status": tr.status,
                "sequences_to_solve": None
                if solved_at is None
                else solved_at * tr.config.optim.batch_size,
            }
        )
    header = (
        "model",
        "steps",
        "train_loss",
        "val_loss",
        "metric_value",
        "solved",
        "sequences_to_solve",
        "steps_per_s",
    )
    print(f"task {args.task}, metric {rows[0]['metric']}, baseline {rows[0]['baseline']:.4g}")
    print("  ".join(f"{h:>18}" for h in header))
    for r in rows:
        print("  ".join(f"{_cell(r[h]):>18}" for h in header))
    if args.json:
        print(dumps(rows))
    return 0


def _cell(v) -> str:
    if v is None:
        return "-"
    return f"{v:.4g}" if isinstance(v, float) else str(v)


def cmd_runs(args) -> int:
    store = RunStore()
    runs = store.list()
    if not runs:
        print(f"no saved runs in {store.path}")
        return 0
    print(
        f"{'id':>5}  {'name':<24} {'created':<25} {'task':<15} {'model':<14} {'steps':>7} "
        f"{'metric':>8} solved"
    )
    for r in runs:
        s, m = r.summary, r.config.model
        model = m.cell + ("" if m.variant == "standard" else f"-{m.variant}")
        print(
            f"{r.id:>5}  {r.name[:24]:<24} {r.created:<25} {r.config.task:<15} {model:<14} "
            f"{s.get('steps', 0):>7} {_cell(s.get('metric_value')):>8} {s.get('solved')}"
        )
    return 0


def cmd_export(args) -> int:
    path = export_saved(RunStore().load(args.run_id), args.path)
    print(f"exported run {args.run_id} to {path}")
    return 0


def cmd_import(args) -> int:
    run_id = import_bundle(args.path, RunStore(), args.name)
    print(f"imported {args.path} as run {run_id}")
    return 0


COMMANDS = {
    "tasks": cmd_tasks,
    "train": cmd_train,
    "compare": cmd_compare,
    "runs": cmd_runs,
    "export": cmd_export,
    "import": cmd_import,
}
