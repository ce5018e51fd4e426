"""Start-up cost: processor time of ``realpolitik --help`` and ``--version`` next to ``python -c pass``.

Every command pays the interpreter's start and the command line's imports before it
does anything; the target is at most 0.3 s of processor time for ``--help`` and
``--version`` on the development machine. Processor time (user + system, of the child
process, from ``resource.getrusage(RUSAGE_CHILDREN)``) is reported rather than wall
time alone, because this machine is shared and wall time counts other people's work.
The console script is the one installed next to this interpreter (not a shell shim in
front of it), so both rows start the same Python.

    python benchmarks/bench_startup.py [--repeats 15]

Writes ``benchmarks/results/startup.json`` with the machine it ran on; each row gives
the minimum and median over the repeats.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

RESULTS = Path(__file__).parent / "results"
TARGET_CPU_SECONDS = 0.3


def console_script() -> str:
    """The ``realpolitik`` script installed beside this interpreter, else the one on the PATH."""
    beside = Path(sys.executable).parent / "realpolitik"
    found = str(beside) if beside.exists() else shutil.which("realpolitik")
    if found is None:
        raise SystemExit("realpolitik is not installed (pip install -e .)")
    return found


def measure(command: list[str], repeats: int) -> dict[str, object]:
    """Processor and wall seconds of ``command`` run ``repeats`` times (output discarded)."""
    processor, wall = [], []
    for _ in range(repeats):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        wall.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        processor.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return {"command": " ".join(command), "cpu_seconds_min": min(processor),
            "cpu_seconds_median": statistics.median(processor), "wall_seconds_min": min(wall),
            "wall_seconds_median": statistics.median(wall), "cpu_seconds_all": processor}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    arguments = parser.parse_args()
    script = console_script()
    rows = {
        "python -c pass": measure([sys.executable, "-c", "pass"], arguments.repeats),
        "realpolitik --help": measure([script, "--help"], arguments.repeats),
        "realpolitik --version": measure([script, "--version"], arguments.repeats),
    }
    version = subprocess.run([script, "--version"], capture_output=True, text=True, check=True).stdout.split()[-1]
    record = {
        "benchmark": "startup",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": f"python benchmarks/bench_startup.py --repeats {arguments.repeats}",
        "target_cpu_seconds": TARGET_CPU_SECONDS,
        "rows": rows,
        "machine": {"platform": platform.platform(), "cpu_count": os.cpu_count(), "python": platform.python_version(),
                    "load_average_1min": os.getloadavg()[0]},
        "realpolitik": version,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "startup.json").write_text(json.dumps(record, indent=2) + "\n")
    for name, row in rows.items():
        print(f"{name:24} processor {row['cpu_seconds_min']:.3f} s min, {row['cpu_seconds_median']:.3f} s median; "
              f"wall {row['wall_seconds_median']:.3f} s median")
    print(f"{arguments.repeats} runs each; {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
