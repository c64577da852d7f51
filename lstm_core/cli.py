"""The command line: ``python -m lstm_core {tasks,train,compare,runs,export,import}``.

Bad arguments or data print one line to stderr and exit non-zero; never a traceback.

    python -m lstm_core tasks
    python -m lstm_core train --task adding --seq-len 50 --steps 2000 --json
    python -m lstm_core train --task csv --file data.csv --column temp --out mine.zip
    python -m lstm_core compare --task adding --cells lstm rnn --steps 500
    python -m lstm_core runs
    python -m lstm_core export 3 run3.zip
    python -m lstm_core import run3.zip
"""

from __future__ import annotations

import argparse
import math
import re
import sys
import time
from pathlib import Path

from lstm_core.budget import FileTooBig, read_capped
from lstm_core.config import CELLS, ENGINES, OPTIMIZERS, SCHEDULES, VARIANTS
from lstm_core.runtime import single_thread

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


class CliError(Exception):
    """A problem with what was asked: printed as one line, exit status 2."""


class Parser(argparse.ArgumentParser):
    """argparse, but an error is one line (no usage block) and exit status 2."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message}\n")


# --------------------------------------------------------------------------- arguments
def _positive_int(text):
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if v < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {v}")
    return v


def _number(text):
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not math.isfinite(v):
        raise argparse.ArgumentTypeError(f"must be a finite number, got {text!r}")
    return v


def _clip(text):
    if text.lower() in ("off", "none", "0"):
        return None
    v = _number(text)
    if v <= 0:
        raise argparse.ArgumentTypeError("must be positive, or 'off'")
    return v


def _knob(text):
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise argparse.ArgumentTypeError(f"expected name=value, got {text!r}")
    return name.strip(), parse_value(value.strip())


def parse_value(text: str):
    """A knob value from the command line: true/false, a whole number, a number, or text."""
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def add_model_args(p, several=False):
    p.add_argument("--task", default="adding", help="task name (see `tasks`)")
    if several:
        p.add_argument("--cells", nargs="+", default=["lstm", "gru", "rnn"], choices=CELLS)
        p.add_argument("--variants", nargs="+", default=["standard"], choices=VARIANTS)
    else:
        p.add_argument("--cell", default="lstm", choices=CELLS)
        p.add_argument("--variant", default="standard", choices=VARIANTS)
    p.add_argument("--hidden", type=_positive_int, default=32, help="hidden units per layer")
    p.add_argument("--layers", type=_positive_int, default=1)
    p.add_argument("--engine", default="torch", choices=ENGINES)
    p.add_argument("--seq-len", type=_positive_int, help="sets the task's seq_len knob")
    p.add_argument("--knob", type=_knob, action="append", default=[], metavar="NAME=VALUE")
    p.add_argument("--file", help="data file for the csv and text tasks")
    p.add_argument("--column", help="column to forecast (csv task)")
    p.add_argument("--batch-size", type=_positive_int, default=32)
    p.add_argument("--lr", type=_number, default=1e-2, help="learning rate")
    p.add_argument("--optimizer", default="adam", choices=OPTIMIZERS)
    p.add_argument("--momentum", type=_number, default=0.9)
    p.add_argument("--clip", type=_clip, default=1.0, help="global gradient-norm clip, or off")
    p.add_argument("--schedule", default="constant", choices=SCHEDULES)
    p.add_argument("--steps", type=_positive_int, default=500)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--eval-every", type=_positive_int, default=25)
    p.add_argument("--json", action="store_true", help="print a one-line JSON summary last")
    p.add_argument("--quiet", action="store_true", help="no progress bar")


def build_parser() -> Parser:
    p = Parser(prog="python -m lstm_core", description="LSTM Playground from the command line.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=Parser)
    sub.add_parser("tasks", help="list the tasks")
    t = sub.add_parser("train", help="train one model")
    add_model_args(t)
    t.add_argument(
        "--out",
        action="append",
        default=[],
        metavar="NAME|PATH.zip",
        help="save to the run store under NAME, or export a bundle to PATH.zip",
    )
    c = sub.add_parser("compare", help="several cells/variants on the identical batch stream")
    add_model_args(c, several=True)
    sub.add_parser("runs", help="list the saved runs")
    e = sub.add_parser("export", help="export a saved run to a .zip bundle")
    e.add_argument("run_id", type=int)
    e.add_argument("path")
    i = sub.add_parser("import", help="import a .zip bundle into the run store")
    i.add_argument("path")
    i.add_argument("--name", help="name for the imported run")
    return p


# --------------------------------------------------------------------------- building runs
def make_config(args, cell=None, variant=None):
    from lstm_core.config import ModelConfig, OptimConfig, TrainConfig

    knobs = dict(args.knob)
    if args.seq_len is not None:
        knobs["seq_len"] = args.seq_len
    model = ModelConfig(
        cell=cell or args.cell,
        variant=variant or args.variant,
        hidden_size=args.hidden,
        num_layers=args.layers,
        engine=args.engine,
    )
    optim = OptimConfig(
        name=args.optimizer,
        lr=args.lr,
        momentum=args.momentum,
        clip=args.clip,
        batch_size=args.batch_size,
        schedule=args.schedule,
    )
    return TrainConfig(
        task=args.task,
        task_knobs=knobs,
        model=model,
        optim=optim,
        seed=args.seed,
        eval_every=args.eval_every,
        snapshot_every=max(args.steps // 20, 1),
    )


def task_data(args) -> dict:
    """What --file and --column mean for the task: the csv file and its column, or a text."""
    if args.file is None:
        if args.column is not None:
            raise CliError("--column needs --file (a CSV file)")
        return {}
    if args.task not in ("csv", "text"):
        raise CliError(f"--file is for the csv and text tasks, not {args.task!r}")
    from lstm_core.tasks.csv_loader import MAX_BYTES
    from lstm_core.tasks.text import MAX_TEXT_BYTES

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
    from tqdm import tqdm

    with tqdm(total=steps, file=sys.stderr, disable=quiet, desc=label or None, leave=False) as bar:
        while tr.steps < steps and tr.status != "diverged":
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


def _json_line(d) -> str:
    from lstm_core.store import dumps

    return dumps(d)


# --------------------------------------------------------------------------- commands
def cmd_tasks(args) -> int:
    from lstm_core.tasks import TASKS

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
    from lstm_core.bundle import export_bundle
    from lstm_core.store import RunStore
    from lstm_core.train import Trainer

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
        print(_json_line(summary))
    return 1 if tr.status == "diverged" else 0


def cmd_compare(args) -> int:
    from lstm_core.train import Trainer

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
        print(_json_line(rows))
    return 0


def _cell(v) -> str:
    if v is None:
        return "-"
    return f"{v:.4g}" if isinstance(v, float) else str(v)


def cmd_runs(args) -> int:
    from lstm_core.store import RunStore

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
    from lstm_core.bundle import export_saved
    from lstm_core.store import RunStore

    path = export_saved(RunStore().load(args.run_id), args.path)
    print(f"exported run {args.run_id} to {path}")
    return 0


def cmd_import(args) -> int:
    from lstm_core.bundle import import_bundle
    from lstm_core.store import RunStore

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


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command != "tasks":
            single_thread()  # one torch and one BLAS thread: fastest for these small models
        return COMMANDS[args.command](args)
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    except Exception as e:  # every failure is one plain line, never a traceback
        print(f"error: {one_line(e)}", file=sys.stderr)
        return 2 if isinstance(e, CliError | ValueError) else 1


def one_line(e: BaseException) -> str:
    from lstm_core.train import NeedsReset

    text = "; ".join(e.reasons) if isinstance(e, NeedsReset) else str(e)
    if isinstance(e, OSError) and e.strerror:
        text = f"{e.strerror}: {e.filename}" if e.filename else e.strerror
    return " ".join(text.split()) or type(e).__name__
