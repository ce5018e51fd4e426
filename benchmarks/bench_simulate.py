"""Monte Carlo speed: 10,000 draws of ukraine-2025-03 with the EUM (all six issues, 20 rounds).

Runs what ``realpolitik simulate ukraine-2025-03 --draws 10000 --rounds 20`` runs, in one
process: the in-process Dask cluster (one thread per core) is started, the draws are
simulated, and the cluster is closed. Reports the wall time of all of that, and the
peak resident memory of the process (``resource.getrusage``: everything, the Python
interpreter and imported libraries included) next to its size before the run, and
the processor time used (all threads), which a machine shared with other work
inflates less than the wall time.
Target: at most 10 s on a 2-core machine, under 2 GB.

    python benchmarks/bench_simulate.py [--draws 10000] [--repeats 3]

Writes ``benchmarks/results/simulate.json`` with the machine it ran on.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from realpolitik import __version__, load_scenario
from realpolitik.analysis.distributed import dask_client
from realpolitik.analysis.montecarlo import simulate
from realpolitik.models.eum import EUMOptions

RESULTS = Path(__file__).parent / "results"


def peak_memory_bytes() -> int:
    """Peak resident memory of this process so far (Linux reports kilobytes, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if platform.system() == "Darwin" else peak * 1024


def cpu_seconds() -> float:
    """Processor time used by this process so far, every thread, user and system."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=3, help="runs; the fastest is reported, all are kept")
    arguments = parser.parse_args()

    scenario = load_scenario("ukraine-2025-03")
    options = EUMOptions(rounds=arguments.rounds)
    before = peak_memory_bytes()
    times, processor, medians = [], [], None
    for _ in range(arguments.repeats):
        start, start_cpu = time.perf_counter(), cpu_seconds()
        with dask_client() as client:
            result = simulate(scenario, "eum", options, draws=arguments.draws, seed=0,
                              thresholds=["ceasefire>=75"], client=client)
        times.append(time.perf_counter() - start)
        processor.append(cpu_seconds() - start_cpu)
        found = {item.issue.name: item.median for item in result.issues}
        assert medians is None or medians == found, "the same seed gave different numbers"
        medians = found
    record = {
        "benchmark": "simulate",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": f"python benchmarks/bench_simulate.py --draws {arguments.draws} --repeats {arguments.repeats}",
        "scenario": scenario.name, "model": "eum", "rounds": arguments.rounds, "draws": arguments.draws,
        "issues": len(scenario.issues), "actors": len(scenario.actors),
        "seconds_best": min(times), "seconds_all": times, "cpu_seconds_all": processor,
        "draws_per_second": arguments.draws / min(times),
        "peak_memory_bytes": peak_memory_bytes(), "memory_before_run_bytes": before,
        "medians": medians, "p_ceasefire_at_least_75": result.issue("ceasefire").to_dict()["thresholds"],
        "machine": {"platform": platform.platform(), "cpu_count": os.cpu_count(), "python": platform.python_version(),
                    "numpy": np.__version__, "load_average_1min": os.getloadavg()[0]},
        "realpolitik": __version__,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "simulate.json").write_text(json.dumps(record, indent=2) + "\n")
    print(f"{arguments.draws:,} draws x {len(scenario.issues)} issues x {arguments.rounds} rounds: "
          f"best {min(times):.2f} s of {[round(t, 2) for t in times]} (processor time "
          f"{[round(t, 1) for t in processor]} s); peak memory "
          f"{record['peak_memory_bytes'] / 2**30:.2f} GiB (before the run {before / 2**30:.2f} GiB); "
          f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
