"""Speed of the exchange model on a batch of tables: the compiled batch against the kernel run draw by draw.

Four parts, on ukraine-2025-03 (13 actors, 6 issues) with the model's default options:

1. **Monte Carlo** (``monte_carlo``): 1000 draws of the scenario's noise model (seed 0) through
   :meth:`realpolitik.analysis.montecarlo.ValueTable.forecasts`, the path ``simulate`` and the
   web app take (the tables, the batch, the stability of every draw), single-threaded, best of
   ``--repeats`` after one warm-up call. Beside it the reference, the kernel one table at a time
   (:func:`realpolitik.models.table_batch.draw_by_draw` with
   :func:`realpolitik.models.exchange.adapter.run_table`) on the first ``--kernel-draws`` of the
   same draws (its cost is linear in the draws; the result scales it to 1000 and says so), and
   the largest difference between the two on those draws. Beside it the same draws in two
   halves on two threads at once (``two_threads_s``: the compiled rounds release the GIL).
2. **Lever sweep** (``levers``): every issue's stepped tables (``1 + 6N`` per issue, built as
   :func:`realpolitik.analysis.levers.sweep_issues` builds them) through the batch, timed as
   ``sweep_issues`` over all issues; and the same tables through the kernel one by one. The
   flagship's own numbers give exchanges of exactly equal gain, so here many rounds meet ties
   and are run in the kernel's queue order.
3. **First call** (``first_call``): a fresh interpreter imports the package and forecasts the
   1000 draws of part 1 twice: the first call pays numba's start (its own set-up in the
   process, then loading the compiled rounds from its cache or compiling them), the second
   does not. Once with an empty numba cache (the compilation) and once more with that cache
   filled (what every later process pays).
4. **Before** (``numpy_batch_before``, ``--record-before``): the batch as it was at a given
   commit (the numpy batch in lockstep over draws, before the compiled path replaced it),
   parts 1 and 2 timed once. It is kept from the results file on later runs.

    python benchmarks/exchange_batch.py [--kernel-draws 100] [--repeats 3] [--record-before]

Writes ``benchmarks/results/exchange_batch.json`` with the machine it ran on. Wall times on a
machine shared with other work are inflated by the others' load (recorded before each part).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from batch_provenance import commit, load, machine  # beside this script
from realpolitik.analysis.levers import LeverSteps, _stepped_tables, sweep_issues
from realpolitik.analysis.montecarlo import ValueTable
from realpolitik.forecast import resolve_options
from realpolitik.io import load_scenario
from realpolitik.io.files import write_atomically
from realpolitik.models.exchange import run_table
from realpolitik.models.table_batch import draw_by_draw
from realpolitik.scenario import Uncertainty

SCENARIO = "ukraine-2025-03"
DRAWS = 1000
SEED = 0
RESULTS = Path(__file__).resolve().parent / "results" / "exchange_batch.json"

FIRST_CALL = """
import time
began = time.perf_counter()
import numpy as np
from realpolitik.analysis.montecarlo import ValueTable
from realpolitik.forecast import resolve_options
from realpolitik.io import load_scenario
from realpolitik.scenario import Uncertainty
imported = time.perf_counter()
scenario = load_scenario("ukraine-2025-03")
table = ValueTable.of(scenario, scenario.uncertainty or Uncertainty())
values = table.draw(np.random.default_rng(0), 1000)
options = resolve_options("exchange", None)
ready = time.perf_counter()
table.forecasts(values, "exchange", options)
first = time.perf_counter()
table.forecasts(values, "exchange", options)
print(imported - began, first - ready, time.perf_counter() - first)
"""


def timed(work, repeats: int) -> tuple[float, float, object]:
    """The shortest of ``repeats`` wall times of ``work()``, the shortest processor time of this thread
    (less inflated by other work on the machine), and the last result."""
    best, best_cpu, result = float("inf"), float("inf"), None
    for _ in range(repeats):
        began, began_cpu = time.perf_counter(), time.thread_time()
        result = work()
        best, best_cpu = min(best, time.perf_counter() - began), min(best_cpu, time.thread_time() - began_cpu)
    return best, best_cpu, result


def setting():
    scenario = load_scenario(SCENARIO)
    options = resolve_options("exchange", None)
    table = ValueTable.of(scenario, scenario.uncertainty or Uncertainty())
    values = table.draw(np.random.default_rng(SEED), DRAWS)
    return scenario, options, table, values


def lever_rows(scenario) -> tuple[ValueTable, np.ndarray]:
    table = ValueTable.of(scenario, Uncertainty())
    rows = np.concatenate([_stepped_tables(table, index, LeverSteps())[1] for index in range(len(scenario.issues))])
    return table, rows


def monte_carlo(repeats: int, kernel_draws: int) -> dict:
    scenario, options, table, values = setting()
    started_at = load()
    print(f"monte carlo: {DRAWS} draws, batch (load {started_at})", flush=True)
    table.forecasts(values[:2], "exchange", options)  # warm-up: numba's cache, imports
    seconds, cpu_seconds, forecast = timed(lambda: table.forecasts(values, "exchange", options), repeats)
    print(f"  batch {seconds:.3f} s; kernel on {kernel_draws} draws (load {load()})", flush=True)
    began = time.perf_counter()
    reference = draw_by_draw(table.table_batch(values[:kernel_draws]), run_table, options)
    kernel_seconds = time.perf_counter() - began
    print(f"  kernel {kernel_seconds:.3f} s", flush=True)
    halves = (values[:DRAWS // 2], values[DRAWS // 2:])
    with ThreadPoolExecutor(2) as pool:
        threaded, _, _ = timed(lambda: list(pool.map(lambda part: table.forecasts(part, "exchange", options), halves)),
                               repeats)
    print(f"  two threads {threaded:.3f} s", flush=True)
    return {
        "draws": DRAWS, "seed": SEED, "repeats": repeats, "load": started_at,
        "batch_s": round(seconds, 4), "batch_cpu_s": round(cpu_seconds, 4),
        "two_threads_s": round(threaded, 4),
        "kernel": {"draws": kernel_draws, "seconds": round(kernel_seconds, 3),
                   "per_draw_ms": round(1000 * kernel_seconds / kernel_draws, 3),
                   "scaled_to_draws_s": round(kernel_seconds * DRAWS / kernel_draws, 2)},
        "speedup_over_kernel": round(kernel_seconds * DRAWS / kernel_draws / seconds, 1),
        "largest_difference_from_kernel": float(np.max(np.abs(forecast[:kernel_draws] - reference.forecast))),
    }


def levers(repeats: int, kernel_tables: int | None) -> dict:
    scenario, options, _, _ = setting()
    table, rows = lever_rows(scenario)
    indices = list(range(len(scenario.issues)))
    started_at = load()
    print(f"levers: {len(rows)} tables, batch (load {started_at})", flush=True)
    sweep_issues(scenario, "exchange", options, LeverSteps(), indices[:1])  # warm-up
    seconds, cpu_seconds, _ = timed(lambda: sweep_issues(scenario, "exchange", options, LeverSteps(), indices),
                                    repeats)
    forecast = table.table_forecasts(rows, "exchange", options)
    count = len(rows) if kernel_tables is None else min(kernel_tables, len(rows))
    print(f"  batch {seconds:.3f} s; kernel on {count} tables (load {load()})", flush=True)
    began = time.perf_counter()
    reference = draw_by_draw(table.table_batch(rows[:count]), run_table, options)
    kernel_seconds = time.perf_counter() - began
    print(f"  kernel {kernel_seconds:.3f} s", flush=True)
    return {
        "tables": len(rows), "issues": len(indices), "repeats": repeats, "load": started_at,
        "batch_s": round(seconds, 4), "batch_cpu_s": round(cpu_seconds, 4),
        "kernel": {"tables": count, "seconds": round(kernel_seconds, 3),
                   "scaled_to_tables_s": round(kernel_seconds * len(rows) / count, 2)},
        "speedup_over_kernel": round(kernel_seconds * len(rows) / count / seconds, 1),
        "largest_difference_from_kernel": float(np.max(np.abs(forecast[:count] - reference.forecast))),
    }


def first_call() -> dict:
    """Import and the first two Monte Carlo runs in fresh interpreters: with an empty numba cache, then with
    it filled."""
    result = {}
    with tempfile.TemporaryDirectory() as cache:
        environment = {**os.environ, "NUMBA_CACHE_DIR": cache}
        for name in ("empty_cache", "filled_cache"):
            started_at = load()
            print(f"first call, {name} (load {started_at})", flush=True)
            began = time.perf_counter()
            out = subprocess.run([sys.executable, "-c", FIRST_CALL], env=environment, capture_output=True,
                                 text=True, check=True).stdout.split()
            result[name] = {"load": started_at, "process_s": round(time.perf_counter() - began, 3),
                            "import_s": round(float(out[0]), 3),
                            "first_1000_draws_s": round(float(out[1]), 3),
                            "second_1000_draws_s": round(float(out[2]), 3)}
    return result


def before(repeats: int) -> dict:
    """The batch at HEAD, timed once per part (run before the compiled path replaced it)."""
    scenario, options, table, values = setting()
    print(f"before: monte carlo (load {load()})", flush=True)
    table.forecasts(values[:2], "exchange", options)
    mc_seconds, _, _ = timed(lambda: table.forecasts(values, "exchange", options), repeats)
    print(f"  {mc_seconds:.3f} s; levers (load {load()})", flush=True)
    indices = list(range(len(scenario.issues)))
    lever_seconds, _, _ = timed(lambda: sweep_issues(scenario, "exchange", options, LeverSteps(), indices), repeats)
    print(f"  {lever_seconds:.3f} s", flush=True)
    return {"commit": commit(), "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "command": " ".join([Path(sys.executable).name, *sys.argv]), "machine": machine(), "load": load(),
            "monte_carlo_s": round(mc_seconds, 3), "draws": DRAWS, "levers_s": round(lever_seconds, 3),
            "lever_tables": int(len(lever_rows(scenario)[1])), "repeats": repeats}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kernel-draws", type=int, default=100, help="draws the kernel runs one by one")
    parser.add_argument("--kernel-lever-tables", type=int, default=None,
                        help="lever tables the kernel runs one by one (default: all)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--record-before", action="store_true",
                        help="only time the batch at HEAD and keep it as numpy_batch_before")
    arguments = parser.parse_args()
    previous = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    if arguments.record_before:
        record = {**previous, "numpy_batch_before": before(1)}
    else:
        record = {
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "command": " ".join([Path(sys.executable).name, *sys.argv]),
            "commit": commit(),
            "machine": machine(),
            "scenario": SCENARIO,
            "threads": "one (the batch runs in the calling thread), except monte_carlo.two_threads_s",
            "monte_carlo": monte_carlo(arguments.repeats, arguments.kernel_draws),
            "levers": levers(arguments.repeats, arguments.kernel_lever_tables),
            "first_call": first_call(),
        }
        if "numpy_batch_before" in previous:
            record["numpy_batch_before"] = previous["numpy_batch_before"]
            record["speedup_over_numpy_batch"] = {
                "monte_carlo": round(previous["numpy_batch_before"]["monte_carlo_s"]
                                     / record["monte_carlo"]["batch_s"], 1),
                "levers": round(previous["numpy_batch_before"]["levers_s"] / record["levers"]["batch_s"], 1)}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(RESULTS, (json.dumps(record, indent=2) + "\n").encode("utf-8"))
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
