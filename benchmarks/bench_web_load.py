"""Load test of the web app on loopback: 50 concurrent forecast requests, each checked for correctness.

Starts ``realpolitik serve`` on 127.0.0.1 and a free port with a temporary run store,
fires ``REQUESTS`` forecast requests at once with httpx (async), checks that every
response is 201 and that its result equals the direct ``run(...)`` of the same
scenario and model, and writes the latencies, the wall time and the machine to
``benchmarks/results/web_load.json``. Bounded: a fixed number of requests, each with
a time limit, and the server is stopped at the end. Loopback only.

Run: ``python benchmarks/bench_web_load.py``.
"""

from __future__ import annotations

import asyncio
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import httpx

from realpolitik import __version__, load_scenario, run
from realpolitik.io.files import write_atomically

REQUESTS = 50
REQUEST_TIMEOUT_S = 120.0
STARTUP_TIMEOUT_S = 60.0
HOST = "127.0.0.1"
#: The requests cycle through these (scenario, model) pairs.
WORKLOAD = [(scenario, model) for scenario in ("ukraine-2025-03", "emissions-1994")
            for model in ("eum", "compromise", "median", "nash")]
RESULTS = Path(__file__).resolve().parent / "results" / "web_load.json"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def start_server(port: int, store: Path) -> subprocess.Popen:
    command = [sys.executable, "-c", "from realpolitik.cli import run_cli; run_cli()",
               "serve", "--host", HOST, "--port", str(port), "--db", str(store)]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env={**os.environ, "REALPOLITIK_TOKEN": ""})


def wait_until_up(base: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server exited: {server.stderr.read().decode()}")
        try:
            if httpx.get(f"{base}/api/meta", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise SystemExit(f"the server did not answer within {STARTUP_TIMEOUT_S:.0f} s")


async def fire(base: str) -> list[dict]:
    """Send every request at once; returns per request its pair, status, latency and result."""
    limits = httpx.Limits(max_connections=REQUESTS, max_keepalive_connections=REQUESTS)
    async with httpx.AsyncClient(base_url=base, timeout=REQUEST_TIMEOUT_S, limits=limits) as client:
        async def one(index: int) -> dict:
            scenario, model = WORKLOAD[index % len(WORKLOAD)]
            started = time.perf_counter()
            response = await client.post("/api/runs", json={"scenario_name": scenario, "model": model})
            latency = time.perf_counter() - started
            result = response.json().get("result") if response.status_code == 201 else None
            return {"scenario": scenario, "model": model, "status": response.status_code, "latency_s": latency,
                    "result": result}

        return await asyncio.gather(*(one(index) for index in range(REQUESTS)))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> int:
    expected = {(scenario, model): run(load_scenario(scenario), model).to_dict() for scenario, model in WORKLOAD}
    load_before = round(os.getloadavg()[0], 2)
    with tempfile.TemporaryDirectory() as folder:
        port = free_port()
        base = f"http://{HOST}:{port}"
        server = start_server(port, Path(folder) / "runs.sqlite")
        try:
            wait_until_up(base, server)
            started = time.perf_counter()
            responses = asyncio.run(fire(base))
            wall = time.perf_counter() - started
            stored = httpx.get(f"{base}/api/runs?limit=1000", timeout=30).json()
        finally:
            server.terminate()
            server.wait(timeout=30)
    correct = [r["status"] == 201 and r["result"] == expected[(r["scenario"], r["model"])] for r in responses]
    latencies = [r["latency_s"] for r in responses]
    report = {
        "benchmark": "web_load",
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "realpolitik": __version__,
        "machine": {"platform": platform.platform(), "processor": platform.processor() or platform.machine(),
                    "cpus": os.cpu_count(), "python": platform.python_version(),
                    "load_average_1min_before": load_before},
        "setup": f"realpolitik serve on {HOST} in a child process (uvicorn, one worker), SQLite run store; "
                 "httpx async client in the benchmark process on the same machine",
        "requests": REQUESTS,
        "workload": [f"{scenario}/{model}" for scenario, model in WORKLOAD],
        "succeeded": sum(r["status"] == 201 for r in responses),
        "correct": sum(correct),
        "runs_stored": len(stored),
        "wall_s": round(wall, 3),
        "throughput_per_s": round(REQUESTS / wall, 2),
        "latency_s": {"min": round(min(latencies), 4), "median": round(statistics.median(latencies), 4),
                      "p90": round(percentile(latencies, 0.9), 4), "p99": round(percentile(latencies, 0.99), 4),
                      "max": round(max(latencies), 4), "mean": round(statistics.fmean(latencies), 4)},
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(RESULTS, (json.dumps(report, indent=2) + "\n").encode("utf-8"))
    print(json.dumps(report, indent=2))
    return 0 if all(correct) and len(stored) == REQUESTS else 1


if __name__ == "__main__":
    sys.exit(main())
