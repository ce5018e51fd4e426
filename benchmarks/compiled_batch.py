"""Speed of a compiled model batch (KTAB's SMP, the exchange model) against its kernel run draw by draw.

Four parts, on ukraine-2025-03 (13 actors, 6 issues) with the model's default options (SMP:
``ktab-default``, Deterministic transitions and InitOnlyInterp bargains), single-threaded:

1. **Monte Carlo** (``monte_carlo``): 1000 draws of the scenario's noise model (seed 0)
   through :meth:`realpolitik.analysis.montecarlo.ValueTable.forecasts`, the path ``simulate``
   and the web app take (the tables, the batch, the stability of every draw), best of
   ``--repeats`` after a warm-up call, its processor time beside its wall time (which the
   shared machine's load inflates), and the rounds the draws ran. Beside it the reference:
   the kernel one table at a time (:func:`realpolitik.models.table_batch.draw_by_draw` with
   the model's ``run_table``) on the first ``--kernel-draws`` of the same draws, scaled to
   1000 (its cost is linear in the draws; the result says so), and the largest difference
   between the two on those draws; and the 1000 draws split between two threads at once
   (``two_threads_s``: the compiled rounds release the GIL).
2. **Lever sweep** (``levers``): every issue's stepped tables (``1 + 6N`` per issue, as
   :func:`realpolitik.analysis.levers.sweep_issues` builds them), timed as ``sweep_issues``
   over all issues (one batch), and the first ``--kernel-lever-tables`` of the same tables
   through the kernel one by one, scaled to all of them. (The flagship's own numbers give
   exchanges of exactly equal gain, so there the exchange model meets ties and runs them in
   the kernel's queue order.)
3. **First call** (``first_call``): a fresh interpreter imports the package and forecasts the
   1000 draws of part 1 twice: the first call pays numba's start (its set-up in the process,
   then loading the compiled code from its cache or compiling it), the second does not. Once
   with an empty numba cache (the compilation) and once with that cache filled (what every
   later process pays).
4. **Before** (``numpy_batch_before``, ``--record-before``): the batch as it was at the
   commit recorded (the numpy batch in lockstep over draws, before the compiled path
   replaced it), parts 1 and 2 timed once each. Later runs keep it from the results file.

    python benchmarks/compiled_batch.py --model smp [--kernel-draws 100] [--kernel-lever-tables 100] [--repeats 3]
    python benchmarks/compiled_batch.py --model exchange
    python benchmarks/compiled_batch.py --model smp --record-before

Writes ``benchmarks/results/smp_batch.json`` or ``exchange_batch.json`` with the machine, the
commit and the 1-minute load average before each part (wall times on a machine shared with
other work are inflated by the others' load).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from realpolitik.analysis.levers import LeverSteps, _stepped_tables, sweep_issues
from realpolitik.analysis.montecarlo import ValueTable
from realpolitik.forecast import MODELS, resolve_options
from realpolitik.io import load_scenario
from realpolitik.io.files import write_atomically
from realpolitik.models.table_batch import draw_by_draw
from realpolitik.scenario import Uncertainty

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = "ukraine-2025-03"
DRAWS = 1000
SEED = 0
#: The compiled models, and what their default options are called.
COMPILED = {"smp": "ktab-default", "exchange": "default"}

FIRST_CALL = """
import sys, time
began = time.perf_counter()
import numpy as np
from realpolitik.analysis.montecarlo import ValueTable
from realpolitik.forecast import resolve_options
from realpolitik.io import load_scenario
from realpolitik.scenario import Uncertainty
imported = time.perf_counter()
model = sys.argv[1]
scenario = load_scenario("ukraine-2025-03")
table = ValueTable.of(scenario, scenario.uncertainty or Uncertainty())
values = table.draw(np.random.default_rng(0), 1000)
options = resolve_options(model, None)
ready = time.perf_counter()
table.forecasts(values, model, options)
first = time.perf_counter()
table.forecasts(values, model, options)
print(imported - began, first - ready, time.perf_counter() - first)
"""


def machine() -> dict:
    """Platform, processor, cores, Python, numpy and numba."""
    import numba

    return {"platform": platform.platform(), "processor": platform.processor() or platform.machine(),
            "cpus": os.cpu_count(), "python": platform.python_version(), "numpy": np.__version__,
            "numba": numba.__version__}


def load() -> float:
    """The one-minute load average, which inflates wall times on a shared machine."""
    return round(os.getloadavg()[0], 2)


def commit() -> str:
    """The commit of the code measured."""
    return subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                          check=True).stdout.strip()


def command() -> str:
    return " ".join([Path(sys.executable).name, *sys.argv])


def timed(work, repeats: int) -> tuple[float, float, object]:
    """The shortest of ``repeats`` wall times of ``work()``, the processor time of that repeat (this
    process, all threads), and the last result."""
    best, processor, result = float("inf"), float("inf"), None
    for _ in range(repeats):
        began, began_processor = time.perf_counter(), time.process_time()
        result = work()
        wall = time.perf_counter() - began
        if wall < best:
            best, processor = wall, time.process_time() - began_processor
    return best, processor, result


def setting(model: str):
    scenario = load_scenario(SCENARIO)
    options = resolve_options(model, None)
    table = ValueTable.of(scenario, scenario.uncertainty or Uncertainty())
    values = table.draw(np.random.default_rng(SEED), DRAWS)
    return scenario, options, table, values


def lever_rows(scenario) -> tuple[ValueTable, np.ndarray]:
    """The stepped tables of every issue, in the order ``sweep_issues`` runs them."""
    table = ValueTable.of(scenario, Uncertainty())
    rows = np.concatenate([_stepped_tables(table, index, LeverSteps())[1] for index in range(len(scenario.issues))])
    return table, rows


def kernel_one_by_one(model: str, table: ValueTable, rows: np.ndarray, options) -> tuple[float, np.ndarray]:
    """Seconds and forecasts ``(R, K)`` of the kernel run on ``rows`` one table at a time."""
    began = time.perf_counter()
    reference = draw_by_draw(table.table_batch(rows), MODELS[model].run_table, options)
    return time.perf_counter() - began, reference.forecast


def monte_carlo(model: str, repeats: int, kernel_draws: int) -> dict:
    _, options, table, values = setting(model)
    load_before = load()
    print(f"monte carlo: {DRAWS} draws, batch (load {load_before})", flush=True)
    table.forecasts(values[:2], model, options)  # warm-up: numba's cache, imports
    seconds, processor, forecast = timed(lambda: table.forecasts(values, model, options), repeats)
    rounds = MODELS[model].run_tables(table.table_batch(values), options).rounds_run
    halves = np.array_split(values, 2)
    with ThreadPoolExecutor(2) as pool:
        two_threads, _, _ = timed(lambda: list(pool.map(lambda part: table.forecasts(part, model, options), halves)),
                                  repeats)
    print(f"  batch {seconds:.3f} s; kernel on {kernel_draws} draws (load {load()})", flush=True)
    kernel_seconds, reference = kernel_one_by_one(model, table, values[:kernel_draws], options)
    print(f"  kernel {kernel_seconds:.3f} s", flush=True)
    scaled = kernel_seconds * DRAWS / kernel_draws
    return {
        "draws": DRAWS, "seed": SEED, "repeats": repeats, "load_before": load_before,
        "rounds": {"total": int(rounds.sum()), "median": float(np.median(rounds)), "most": int(rounds.max())},
        "batch_s": round(seconds, 4), "batch_processor_s": round(processor, 4),
        "two_threads_s": round(two_threads, 4),
        "kernel": {"draws": kernel_draws, "seconds": round(kernel_seconds, 3),
                   "per_draw_ms": round(1000 * kernel_seconds / kernel_draws, 3),
                   "scaled_to_draws_s": round(scaled, 2)},
        "speedup_over_kernel": round(scaled / seconds, 1),
        "largest_difference_from_kernel": float(np.max(np.abs(forecast[:kernel_draws] - reference))),
    }


def levers(model: str, repeats: int, kernel_tables: int | None) -> dict:
    scenario, options, _, _ = setting(model)
    table, rows = lever_rows(scenario)
    indices = list(range(len(scenario.issues)))
    load_before = load()
    print(f"levers: {len(rows)} tables, batch (load {load_before})", flush=True)
    sweep_issues(scenario, model, options, LeverSteps(), indices[:1])  # warm-up
    seconds, processor, _ = timed(lambda: sweep_issues(scenario, model, options, LeverSteps(), indices), repeats)
    forecast = table.table_forecasts(rows, model, options)
    count = len(rows) if kernel_tables is None else min(kernel_tables, len(rows))
    print(f"  batch {seconds:.3f} s; kernel on {count} tables (load {load()})", flush=True)
    kernel_seconds, reference = kernel_one_by_one(model, table, rows[:count], options)
    print(f"  kernel {kernel_seconds:.3f} s", flush=True)
    scaled = kernel_seconds * len(rows) / count
    return {
        "tables": len(rows), "issues": len(indices), "repeats": repeats, "load_before": load_before,
        "batch_s": round(seconds, 4), "batch_processor_s": round(processor, 4),
        "kernel": {"tables": count, "seconds": round(kernel_seconds, 3), "scaled_to_tables_s": round(scaled, 2)},
        "speedup_over_kernel": round(scaled / seconds, 1),
        "largest_difference_from_kernel": float(np.max(np.abs(forecast[:count] - reference))),
    }


def first_call(model: str) -> dict:
    """Import and the first two Monte Carlo runs in fresh interpreters: with an empty numba cache, then
    with it filled."""
    result = {}
    with tempfile.TemporaryDirectory() as cache:
        environment = {**os.environ, "NUMBA_CACHE_DIR": cache}
        for name in ("empty_cache", "filled_cache"):
            load_before = load()
            print(f"first call, {name} (load {load_before})", flush=True)
            began = time.perf_counter()
            out = subprocess.run([sys.executable, "-c", FIRST_CALL, model], env=environment, capture_output=True,
                                 text=True, check=True).stdout.split()
            result[name] = {"load_before": load_before, "process_s": round(time.perf_counter() - began, 3),
                            "import_s": round(float(out[0]), 3), "first_1000_draws_s": round(float(out[1]), 3),
                            "second_1000_draws_s": round(float(out[2]), 3)}
    return result


def before(model: str) -> dict:
    """The batch at this commit, each part timed once (run before the compiled path replaced it)."""
    scenario, options, table, values = setting(model)
    load_before = load()
    print(f"before: monte carlo (load {load_before})", flush=True)
    table.forecasts(values[:2], model, options)
    monte_carlo_seconds, _, _ = timed(lambda: table.forecasts(values, model, options), 1)
    print(f"  {monte_carlo_seconds:.3f} s; levers (load {load()})", flush=True)
    indices = list(range(len(scenario.issues)))
    lever_seconds, _, _ = timed(lambda: sweep_issues(scenario, model, options, LeverSteps(), indices), 1)
    print(f"  {lever_seconds:.3f} s", flush=True)
    return {"commit": commit(), "date": datetime.now(UTC).isoformat(timespec="seconds"), "command": command(),
            "machine": machine(), "load_before": load_before, "monte_carlo_s": round(monte_carlo_seconds, 3),
            "draws": DRAWS, "levers_s": round(lever_seconds, 3), "lever_tables": int(len(lever_rows(scenario)[1])),
            "repeats": 1}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", choices=sorted(COMPILED), required=True)
    parser.add_argument("--kernel-draws", type=int, default=100, help="draws the kernel runs one by one")
    parser.add_argument("--kernel-lever-tables", type=int, default=100,
                        help="lever tables the kernel runs one by one (0: all)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--record-before", action="store_true",
                        help="only time the batch at this commit and keep it as numpy_batch_before")
    arguments = parser.parse_args()
    model = arguments.model
    results = ROOT / "benchmarks" / "results" / f"{model}_batch.json"
    previous = json.loads(results.read_text()) if results.exists() else {}
    if arguments.record_before:
        record = {**previous, "numpy_batch_before": before(model)}
    else:
        record = {
            "benchmark": "compiled_batch",
            "model": model,
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "command": command(),
            "commit": commit(),
            "machine": machine(),
            "scenario": SCENARIO,
            "options": COMPILED[model],
            "threads": "one (the batch runs in the calling thread), except monte_carlo.two_threads_s",
            "monte_carlo": monte_carlo(model, arguments.repeats, arguments.kernel_draws),
            "levers": levers(model, arguments.repeats, arguments.kernel_lever_tables or None),
            "first_call": first_call(model),
        }
        if "numpy_batch_before" in previous:
            earlier = previous["numpy_batch_before"]
            record["numpy_batch_before"] = earlier
            record["speedup_over_numpy_batch"] = {
                "monte_carlo": round(earlier["monte_carlo_s"] / record["monte_carlo"]["batch_s"], 1),
                "levers": round(earlier["levers_s"] / record["levers"]["batch_s"], 1)}
    results.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(results, (json.dumps(record, indent=2) + "\n").encode("utf-8"))
    print(f"wrote {results}")


if __name__ == "__main__":
    main()
