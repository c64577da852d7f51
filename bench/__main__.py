"""Run every benchmark: ``python -m bench [--quick] [--papers] [names...]``.

Each benchmark is a module with ``run(quick: bool) -> dict`` (it prints its own table and
returns its numbers). They run one after another in this one process, so their ratios come
from one run on one machine; a combined table of the headline numbers, each with its bar or
its reference, is printed at the end, then one JSON line per benchmark.

    engine       ms per training step of every engine and LSTM variant, x nn.LSTM (fused)
    app_train    live training on the Train page: steps/s vs headless, chart updates/s
    app_sandbox  server time of a slider move in the cell sandbox (<= 100 ms)
    app_inside   server time of a cursor / snapshot move on Inside the cell (< 1 s)
    app_cursor   in Chromium: cursor / unit change on the live cell and Inside until redrawn
    app_equations  in Chromium: an Equations picker or slider change until redrawn
    app_pages    in Chromium: sidebar page switch until the page's main chart has drawn
    app_buttons  in Chromium: long buttons, the longest gap between visible updates
    load         a class of 30 sessions on one server: health p99, MB per session, release;
                 its burst phase: 30 first visits at once (first paint p95)
    memory       hostile input, each in a fresh process: MB it adds, seconds to refuse
    papers       (slow, only with --papers) the 1997 experiments: sequences needed to solve
    translate    (slow, only with --papers) en->zh numbers: sequences needed, steps/s vs sine

To add a benchmark: write the module, add it to BENCHMARKS (or SLOW), and, for the combined
table, a function in HEADLINES that picks its numbers.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json

# name -> module with run(quick) -> dict; run by default, in this order
BENCHMARKS = {
    "engine": "bench.engine",
    "app_train": "bench.app_train",
    "app_sandbox": "bench.app_sandbox",
    "app_inside": "bench.app_inside",
    "app_cursor": "bench.app_cursor",
    "app_equations": "bench.app_equations",
    "app_pages": "bench.app_pages",
    "app_buttons": "bench.app_buttons",
    "load": "bench.load",  # memory per session is measured here, with the class open
    "memory": "bench.memory",
}
SLOW = {"papers": "bench.papers", "translate": "bench.translate"}  # only with --papers or by name


def available(table: dict[str, str]) -> dict[str, str]:
    """The entries whose module exists in this checkout."""
    return {n: m for n, m in table.items() if importlib.util.find_spec(m) is not None}


def run_one(module_name: str, quick: bool) -> dict:
    module = importlib.import_module(module_name)
    if hasattr(module, "run"):
        return module.run(quick)
    code = module.main(["--quick"] if quick else [])  # a script-style benchmark
    return {"exit_code": code}


# ----- the combined table: (benchmark, measure, value, bar or reference)
def _engine(r: dict) -> list[tuple]:
    rows = []
    for shape, table in r.get("shapes", {}).items():
        for name in ("nn.LSTM", "standard", "fastest variant", "slowest variant",
                     "numpy float32", "trace B=1"):  # fmt: skip
            if name in table and table[name]["ms"] is not None:
                row = table[name]
                rows.append((f"engine {shape}", name, f"{row['ms']:.2f} ms",
                             f"x{row['ratio']:.2f} nn.LSTM"))  # fmt: skip
    return rows


def _app_train(r: dict) -> list[tuple]:
    rows = [("app_train", "headless steps/s", f"{r.get('headless_steps_per_s', 0):.1f}", "")]
    if "live_share_of_headless" in r:
        rows.append(("app_train", "live / headless", f"{r['live_share_of_headless']:.2f}",
                     ">= 0.80"))  # fmt: skip
    if "server_share_of_headless" in r:
        rows.append(("app_train", "server's own steps / headless",
                     f"{r['server_share_of_headless']:.2f}", ""))  # fmt: skip
    if "chart_updates_per_s" in r:
        rows.append(("app_train", "chart updates/s", f"{r['chart_updates_per_s']:.1f}", ">= 2"))
    if "render_s_median" in r:
        rows.append(("app_train", "page render", f"{r['render_s_median']:.2f} s", "< 1 s"))
    return rows


def _app_sandbox(r: dict) -> list[tuple]:
    return [
        ("app_sandbox", "slider move, worst median",
         f"{r.get('worst_server_median_ms', float('nan')):.1f} ms", "<= 100 ms"),
        ("app_sandbox", "same, CPU time",
         f"{r.get('worst_server_cpu_median_ms', float('nan')):.1f} ms", "<= 100 ms"),
    ]  # fmt: skip


def _app_inside(r: dict) -> list[tuple]:
    return [
        ("app_inside", "cursor / snapshot move, worst median",
         f"{r.get('worst_median_ms', float('nan')):.1f} ms", "< 1000 ms"),
    ]  # fmt: skip


def _browser_ms(name: str, bar: str, r: dict, cases: dict[str, str]) -> list[tuple]:
    """One row per measured case: its median (max) ms in the browser."""
    return [
        (name, label, f"{r[k]['median_ms']:.0f} ms (max {r[k]['max_ms']:.0f})", bar)
        for k, label in cases.items()
        if isinstance(r.get(k), dict)
    ]


def _app_cursor(r: dict) -> list[tuple]:
    cases = {"train_live_cell_cursor": "live cell cursor", "train_live_cell_unit": "live cell unit",
             "inside_cursor": "Inside cursor", "inside_unit": "Inside units"}  # fmt: skip
    return _browser_ms("app_cursor", "<= 300 ms", r, cases)


def _app_equations(r: dict) -> list[tuple]:
    return _browser_ms("app_equations", "<= 500 ms", r, {k: k for k in r.get("cases", [])})


def _app_pages(r: dict) -> list[tuple]:
    return _browser_ms("app_pages", "<= 1500 ms", r, {k: k for k in r.get("cases", [])})


def _app_buttons(r: dict) -> list[tuple]:
    return [
        ("app_buttons", f"{name}: longest gap ({row['seconds']:.1f} s run)",
         f"{row['longest_gap_ms']:.0f} ms", "<= 1000 ms")
        for name, row in r.get("buttons", {}).items()
    ]  # fmt: skip


def _load(r: dict) -> list[tuple]:
    n = f"{r.get('sessions')} sessions"
    return [
        ("load", f"health p99, {n}", f"{r.get('health_p99_s', float('nan')) * 1000:.0f} ms",
         "<= 1000 ms"),
        ("load", "memory per session", f"{r.get('mb_per_session', float('nan')):.1f} MB",
         "<= 30 MB"),
        ("load", "released after close", str(r.get("released")), "True"),
        ("load", "trained / waited in line", f"{r.get('trained')} / {r.get('queued_seen')}",
         f"limit {r.get('max_trainers')}"),
        ("load", "all requirements met", str(r.get("ok")), "True"),
    ] + [
        ("load", f"burst of {b['sessions']}, {phase} first paint p95",
         f"{b[phase]['first_paint_p95_s']:.1f} s", "<= 5 s")
        for b in [r["burst"]] if "burst" in r for phase in ("cold", "warm")
    ]  # fmt: skip


def _memory(r: dict) -> list[tuple]:
    rows = []
    for c in r.get("cases", []):
        bar = "<= 30 MB" if c["case"] == "default run" else "<= 300 MB"
        bar += ", <= 5 s" if c["refused"] else ""
        rows.append(("memory", c["case"], f"{c['mb']:.0f} MB, {c['seconds']:.1f} s", bar))
    return rows


def _papers(r: dict) -> list[tuple]:
    return [("papers", "exit code", str(r.get("exit_code")), "0")]


def _translate(r: dict) -> list[tuple]:
    rows = [
        ("translate", f"en-zh to {run.get('largest', 999)}, reverse {run['reverse']}, "
         f"attention {run['attention']}", f"{run['sequences_needed'] or '-'} sequences",
         "solved at 0.95 exact")
        for run in r.get("runs", [])
    ]  # fmt: skip
    speed = r.get("speed", {})
    for name, row in speed.items():
        rows.append(("translate", name, f"{row['steps_per_s']} steps/s", "vs sine"))
    return rows


HEADLINES = {
    "engine": _engine,
    "app_train": _app_train,
    "app_sandbox": _app_sandbox,
    "app_inside": _app_inside,
    "app_cursor": _app_cursor,
    "app_equations": _app_equations,
    "app_pages": _app_pages,
    "app_buttons": _app_buttons,
    "load": _load,
    "memory": _memory,
    "papers": _papers,
    "translate": _translate,
}


def combined_table(results: dict[str, dict]) -> str:
    rows = [("benchmark", "measure", "value", "bar / reference")]
    for name, result in results.items():
        pick = HEADLINES.get(name)
        if "error" in result:
            rows.append((name, "failed", result["error"][:60], ""))
        elif pick is not None:
            rows += pick(result)
    widths = [max(len(str(row[k])) for row in rows) for k in range(4)]
    lines = ["  ".join(f"{str(c):<{w}}" for c, w in zip(row, widths, strict=True)) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main(argv=None) -> int:
    known = {**BENCHMARKS, **SLOW}
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help=f"benchmarks to run (default: {list(BENCHMARKS)})")
    parser.add_argument("--quick", action="store_true", help="a smoke run: fewer repeats, less")
    parser.add_argument("--papers", action="store_true", help="also run the slow paper results")
    args = parser.parse_args(argv)
    unknown = [n for n in args.names if n not in known]
    if unknown:
        parser.error(f"unknown benchmark(s) {unknown}; choose from {list(known)}")
    chosen = args.names or list(available(BENCHMARKS)) + (list(SLOW) if args.papers else [])
    results = {}
    for name in chosen:
        print(f"== {name}", flush=True)
        try:
            results[name] = run_one(known[name], args.quick)
        except Exception as e:  # noqa: BLE001 -- one failed benchmark must not hide the rest
            results[name] = {"error": f"{type(e).__name__}: {e}"}
            print(f"{name} failed: {results[name]['error']}")
    print("\n== summary (measured in this one run)")
    print(combined_table(results))
    for name, result in results.items():
        print(json.dumps({"bench": name, **result}, default=str))
    return 1 if any("error" in r for r in results.values()) else 0


if __name__ == "__main__":
    raise SystemExit(main())
