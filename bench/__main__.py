"""Run every benchmark: ``python -m bench [--quick] [names...]``.

To add a benchmark, write a module with ``run(quick: bool) -> dict`` (print a table, return
the numbers) and add it to ``BENCHMARKS``. One JSON line per benchmark is printed at the end.
"""

from __future__ import annotations

import argparse
import importlib
import json

# name -> module with run(quick) -> dict
BENCHMARKS = {
    "engine": "bench.engine",
}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help=f"benchmarks to run (default: {list(BENCHMARKS)})")
    parser.add_argument("--quick", action="store_true", help="fewer repeats, smallest shape")
    args = parser.parse_args(argv)
    unknown = [n for n in args.names if n not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark(s) {unknown}; choose from {list(BENCHMARKS)}")
    results = {}
    for name in args.names or BENCHMARKS:
        print(f"== {name}")
        results[name] = importlib.import_module(BENCHMARKS[name]).run(args.quick)
    for name, result in results.items():
        print(json.dumps({"bench": name, **result}))


if __name__ == "__main__":
    main()
