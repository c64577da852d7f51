"""The command line: ``python -m lstm_core {tasks,train,compare,runs,export,import}``.

Bad arguments or data print one line to stderr and exit non-zero; never a traceback.
This module parses the arguments; the commands themselves are in ``lstm_core.commands``.

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
import sys

from lstm_core.config import CELLS, ENGINES, OPTIMIZERS, SCHEDULES, VARIANTS
from lstm_core.runtime import single_thread


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
    p.add_argument("--direction", help="sets the translate task's direction knob, e.g. en-zh")
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
    p.add_argument(
        "--train-size", type=int, default=0, help="N fixed training sequences (0: a stream)"
    )
    p.add_argument("--dropout", type=_number, default=0.0, help="dropout p on h_t (0: off)")
    p.add_argument("--weight-decay", type=_number, default=0.0, help="L2 / AdamW decay")
    p.add_argument("--early-stop", type=int, default=0, help="patience in evaluations (0: off)")
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


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    try:
        single_thread()  # one torch and one BLAS thread: fastest for these small models
        from lstm_core import commands  # lazy: torch loads after parsing, so --help answers at once

        return commands.COMMANDS[args.command](args)
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    except Exception as e:  # every failure is one plain line, never a traceback
        print(f"error: {one_line(e)}", file=sys.stderr)
        return 2 if isinstance(e, ValueError) else 1  # ValueError: also commands.CliError


def one_line(e: BaseException) -> str:
    text = str(e)  # a NeedsReset's text is its reasons, joined by "; "
    if isinstance(e, OSError) and e.strerror:
        text = f"{e.strerror}: {e.filename}" if e.filename else e.strerror
    return " ".join(text.split()) or type(e).__name__
