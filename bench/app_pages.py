"""Page-switch latency measured in the browser: from the click on a sidebar link until the new
page's main chart has drawn (its Plotly SVG, or the Equations' first formula). Goal: <= 1.5 s
(median).

One session tours Home -> Train -> Inside the cell -> Equations -> Arena -> Home (each page's
main chart is one the page before does not have), ``rounds`` times; the first round is the
cold one (each page's first visit in the server) and is reported apart.

    python -m bench.app_pages [--quick]
"""

from __future__ import annotations

import argparse
import json
import os

from bench.browser import NO_STATUS, Costs, click_nav, drawn, judged, session, timed, wait_ready

TARGET_MS = 1500.0
# (sidebar label, JS condition "its main chart has drawn")
TOUR = (
    ("Train", drawn(".st-key-train_cell_chart")),
    ("Inside the cell", drawn(".st-key-inside_heatmaps")),
    ("Equations", "!!document.querySelector('[data-testid=\"stMain\"] .katex')"),
    ("Arena", drawn(".st-key-arena_loss_chart")),
    ("Home", drawn(".st-key-home_diagram")),
)


def tour(page, costs: Costs | None = None) -> dict[str, float]:
    """One round of the tour: ms per switch, by 'from -> to'."""
    out, here = {}, "Home"
    for label, condition in TOUR:
        go = lambda label=label: click_nav(page, label)  # noqa: E731
        out[f"{here} -> {label}"] = timed(page, go, condition, costs=costs)
        page.wait_for_function(f"() => {NO_STATUS}", timeout=120_000)  # the page is finished
        page.wait_for_timeout(500)
        here = label
    return out


def run(quick: bool = False) -> dict:
    rounds = 2 if quick else 4
    result: dict = {"target_ms": TARGET_MS, "load_1min": round(os.getloadavg()[0], 1)}
    with session() as (server, page):
        page.goto(f"{server.url}/?lang=en")
        wait_ready(page, ".st-key-home_diagram")
        cold = tour(page)  # every page's first visit: imports, first figures
        costs = Costs(page, server)
        warm = [tour(page, costs) for _ in range(rounds - 1)]
    result.update(costs.summary())
    result["cases"] = list(cold)
    judged(result, {name: [w[name] for w in warm] for name in cold}, TARGET_MS)
    result["cold_ms"] = {k: round(v) for k, v in cold.items()}
    print(json.dumps(result, indent=1))
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    run(parser.parse_args().quick)
    os._exit(0)  # playwright's threads must not hold the exit
