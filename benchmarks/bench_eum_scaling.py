"""How one EUM round grows with the number of actors, and how it compares with the literal loops.

For each N, one round (``run_eum(..., rounds=1)``) on a random issue (positions, saliences
and capabilities uniform, seeded), the best of a few runs after one warm-up. The growth
exponent is the least-squares slope of log(time) on log(N): an all-triples round would
give 3, the prefix-sum round about 2 (times a log). At N = 200 the literal loop
implementation (``benchmarks/eum_literal.py``, written from docs/models.md with Python
loops) runs the same round; the ratio of the two times is reported and the resulting
positions compared. Before timing, both implementations are checked to agree to 1e-9 on
several seeded scenarios of 4 to 13 actors, every option included.

    python benchmarks/bench_eum_scaling.py [--sizes 100 200 400 800 1600 3200 5000] [--skip-literal]

Writes ``benchmarks/results/eum_scaling.json`` with the machine it ran on.
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
from eum_literal import check_agreement, literal_round  # beside this script

from realpolitik import __version__
from realpolitik.models.eum import EUMOptions, run_eum

RESULTS = Path(__file__).parent / "results"
LITERAL_SIZE = 200


def peak_memory_bytes() -> int:
    """Peak resident memory of this process so far (Linux reports kilobytes, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if platform.system() == "Darwin" else peak * 1024


def random_issue(count: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.uniform(0, 100, count), rng.uniform(0.05, 1.0, count), rng.uniform(1, 100, count)


def one_round(count: int, repeats: int) -> tuple[float, np.ndarray]:
    """Best wall time of one round, and the positions after it."""
    position, salience, capability = random_issue(count)
    options = EUMOptions(rounds=1, tolerance=0)
    trajectory = run_eum(position, salience, capability, options)  # warm-up
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        trajectory = run_eum(position, salience, capability, options)
        best = min(best, time.perf_counter() - start)
    return best, trajectory.positions[1, 0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 200, 400, 800, 1600, 3200, 5000])
    parser.add_argument("--skip-literal", action="store_true", help="skip the minute-long literal loop round")
    arguments = parser.parse_args()

    disagreements = check_agreement()
    print("literal loops and kernel agree to 1e-9 on 18 small runs" if not disagreements else disagreements)
    rounds = []
    for count in arguments.sizes:
        seconds, _ = one_round(count, repeats=3 if count <= 1600 else 2)
        rounds.append({"actors": count, "seconds": seconds})
        print(f"N = {count:5d}: one round in {seconds:.4f} s")
    sizes = np.array([item["actors"] for item in rounds], dtype=float)
    seconds = np.array([item["seconds"] for item in rounds])
    exponent = float(np.polyfit(np.log(sizes), np.log(seconds), 1)[0])
    print(f"growth exponent over N = {int(sizes.min())}..{int(sizes.max())}: {exponent:.2f}; peak memory "
          f"{peak_memory_bytes() / 2**30:.2f} GiB")

    literal = None
    if not arguments.skip_literal:
        position, salience, capability = random_issue(LITERAL_SIZE)
        options = EUMOptions(rounds=1, tolerance=0)
        kernel_seconds, kernel_positions = one_round(LITERAL_SIZE, repeats=5)
        start = time.perf_counter()
        literal_positions, _, _, _ = literal_round(position.tolist(), salience.tolist(), capability.tolist(),
                                                   float(np.ptp(position)), options)
        literal_seconds = time.perf_counter() - start
        difference = float(np.abs(np.array(literal_positions) - kernel_positions).max())
        literal = {"actors": LITERAL_SIZE, "literal_seconds": literal_seconds, "kernel_seconds": kernel_seconds,
                   "ratio": literal_seconds / kernel_seconds, "largest_position_difference": difference}
        print(f"N = {LITERAL_SIZE}: literal loops {literal_seconds:.1f} s, kernel {kernel_seconds * 1000:.1f} ms: "
              f"{literal['ratio']:,.0f}x; positions differ by at most {difference:.1e}")

    record = {
        "benchmark": "eum_scaling",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": "python benchmarks/bench_eum_scaling.py --sizes " + " ".join(map(str, arguments.sizes)),
        "agreement_with_literal_loops": {"tolerance": 1e-9, "disagreements": disagreements},
        "rounds": rounds, "growth_exponent": exponent, "literal_loop": literal,
        "peak_memory_bytes": peak_memory_bytes(),
        "machine": {"platform": platform.platform(), "cpu_count": os.cpu_count(), "python": platform.python_version(),
                    "numpy": np.__version__, "load_average_1min": os.getloadavg()[0]},
        "realpolitik": __version__,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "eum_scaling.json").write_text(json.dumps(record, indent=2) + "\n")


if __name__ == "__main__":
    main()
