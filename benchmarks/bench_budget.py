"""Each model's cost estimate (realpolitik.budget) beside what a forecast really takes.

For each model and size, one forecast of a random table (positions, saliences and
capabilities uniform, seeded) is run in a fresh child process, so that its peak memory
is its own: the peak of Python's allocations (tracemalloc, which numpy reports to) and
the processor time. Beside each: the estimate the budget check would use, and the ratio
measured / estimated. The budget refuses on the estimate, so a memory ratio above 1
would let a run through that exceeds its budget; the time ratio shows how far the
round limit (used for the estimate) overstates the rounds a model needs.

    python benchmarks/bench_budget.py [--quick]

Writes ``benchmarks/results/budget.json`` with the machine it ran on.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

from realpolitik import __version__

RESULTS = Path(__file__).parent / "results"
SIZES = {  # model -> (actors, issues) pairs
    "compromise": [(1000, 1), (4000, 3)],
    "nash": [(200, 1), (1000, 3)],
    "eum": [(200, 1), (800, 1), (400, 3)],
    "smp": [(40, 1), (80, 2), (160, 1)],
    "exchange": [(40, 3), (80, 3), (40, 6)],
}
QUICK = {model: sizes[:2] for model, sizes in SIZES.items()}


def measure(model: str, actors: int, issues: int, answer) -> None:
    """In a child process: the peak allocation and processor time of one forecast."""
    from realpolitik.forecast import resolve_options, run
    from realpolitik.scenario import load_scenario_dict
    from realpolitik.scenarios.synthetic import synthetic_table

    scenario = load_scenario_dict(synthetic_table(actors, issues))
    options = resolve_options(model)
    tracemalloc.start()
    started = time.process_time()
    forecast = run(scenario, model, options)
    seconds = time.process_time() - started
    peak = tracemalloc.get_traced_memory()[1]
    rounds = max(len(item.rounds) for item in forecast.issues) - 1
    answer.send({"peak_bytes": peak, "cpu_seconds": seconds, "rounds": rounds})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the two smallest sizes of each model")
    arguments = parser.parse_args()
    from realpolitik.budget import BASE_BYTES, estimate
    from realpolitik.forecast import resolve_options

    context = multiprocessing.get_context("spawn")
    rows = []
    for model, sizes in (QUICK if arguments.quick else SIZES).items():
        for actors, issues in sizes:
            receive, send = context.Pipe(duplex=False)
            process = context.Process(target=measure, args=(model, actors, issues, send))
            process.start()
            measured = receive.recv()
            process.join()
            cost = estimate(model, actors, issues, resolve_options(model))
            row = {"model": model, "actors": actors, "issues": issues, **measured,
                   "estimated_bytes": cost.memory_bytes, "estimated_array_bytes": cost.memory_bytes - BASE_BYTES,
                   "estimated_seconds": cost.seconds, "memory_ratio": measured["peak_bytes"] / cost.memory_bytes,
                   "array_memory_ratio": measured["peak_bytes"] / (cost.memory_bytes - BASE_BYTES),
                   "time_ratio": measured["cpu_seconds"] / cost.seconds}
            rows.append(row)
            print(f"{model:10} N={actors:5} K={issues}: peak {measured['peak_bytes'] / 2**20:8.1f} MiB "
                  f"(estimate {row['estimated_bytes'] / 2**20:8.1f}, ratio {row['memory_ratio']:.2f}; arrays alone "
                  f"{row['array_memory_ratio']:.2f}); "
                  f"{measured['cpu_seconds']:7.2f} s in {measured['rounds']} rounds "
                  f"(estimate {cost.seconds:7.2f}, ratio {row['time_ratio']:.2f})", flush=True)
    RESULTS.mkdir(exist_ok=True)
    document = {
        "benchmark": "budget estimates against measured forecasts",
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "version": __version__,
        "machine": {"system": platform.platform(), "processor": platform.processor() or platform.machine(),
                    "cpus": os.cpu_count(), "python": platform.python_version()},
        "command": "python benchmarks/bench_budget.py" + (" --quick" if arguments.quick else ""),
        "rows": rows,
        "largest_memory_ratio": max(row["memory_ratio"] for row in rows),
    }
    (RESULTS / "budget.json").write_text(json.dumps(document, indent=2) + "\n")
    print(f"largest memory ratio (measured / estimated): {document['largest_memory_ratio']:.2f}")


if __name__ == "__main__":
    main()
