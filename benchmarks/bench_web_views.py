"""Speed of what an analyst waits for: the forecast view of a run, and simulate and levers, for every model.

1. **Forecast view** (target: at most 3 s). ``realpolitik serve`` runs on 127.0.0.1 with a
   temporary store; for each model, ``POST /api/runs`` makes a run of ukraine-2025-03, the
   run's analyses (sensitivity with P(agreement), levers, calibrated forecast, outlook) are
   polled at ``GET /api/runs/{id}/analyses`` until done, and then the forecast page and the
   view of every issue (``GET /api/runs/{id}/issues/{issue}``) are fetched: the view is fully
   loaded when every analysis is present. Timed from the POST: the point forecasts' answer,
   the analyses, and the whole view.
2. **Command line** (target: at most 5 s each). ``realpolitik simulate ukraine-2025-03 --model M
   --draws 1000`` and ``realpolitik levers ukraine-2025-03 --model M``, each as a child process
   (start-up, imports and the Dask cluster included), wall and processor time.
3. **Baseline**: the same Monte Carlo draws and lever sweep in this process, the models that
   span issues run draw by draw (:func:`realpolitik.models.table_batch.draw_by_draw`, the path
   before batching). The draw-by-draw cost is linear in the tables run, so by default it is
   measured on ``--baseline-draws`` draws and one issue's sweep and scaled (said so in the
   results); ``--full-baseline`` runs it whole.

Wall times on a machine shared with other work are inflated by the others' load (the load
average before each part is recorded); processor times less so.

    python benchmarks/bench_web_views.py [--models smp,exchange] [--full-baseline] [--skip views,commands,baseline]

Writes ``benchmarks/results/web_views.json`` with the machine it ran on; parts skipped keep
the results an earlier run wrote (each part carries its date and command). The forecast
view's server processor time is recorded beside its wall time.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import resource
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

from realpolitik import __version__, load_scenario
from realpolitik.forecast import MODELS, resolve_options
from realpolitik.io.files import write_atomically

SCENARIO = "ukraine-2025-03"
DRAWS = 1000
VIEW_TARGET_S = 3.0
COMMAND_TARGET_S = 5.0
HOST = "127.0.0.1"
RESULTS = Path(__file__).resolve().parent / "results" / "web_views.json"
ANALYSES_TIMEOUT_S = 900.0


def machine() -> dict:
    return {"platform": platform.platform(), "processor": platform.processor() or platform.machine(),
            "cpus": os.cpu_count(), "python": platform.python_version()}


def load() -> float:
    return round(os.getloadavg()[0], 2)


def children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def process_cpu_seconds(pid: int) -> float | None:
    """Processor time (user and system) a running process has used so far (Linux /proc; None elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def views(models: list[str]) -> list[dict]:
    """Per model: seconds from the POST to its answer, to every analysis done, and to the whole view loaded."""
    issues = [issue.name for issue in load_scenario(SCENARIO).issues]
    results = []
    with tempfile.TemporaryDirectory() as folder:
        port = free_port()
        base = f"http://{HOST}:{port}"
        server = subprocess.Popen([sys.executable, "-c", "from realpolitik.cli import run_cli; run_cli()", "serve",
                                   "--host", HOST, "--port", str(port), "--db", str(Path(folder) / "runs.sqlite")],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                  env={**os.environ, "REALPOLITIK_TOKEN": ""})
        try:
            with httpx.Client(base_url=base, timeout=ANALYSES_TIMEOUT_S) as client:
                deadline = time.monotonic() + 60
                while True:
                    try:
                        if client.get("/api/meta").status_code == 200:
                            break
                    except httpx.TransportError:
                        if time.monotonic() > deadline or server.poll() is not None:
                            raise SystemExit("the server did not start") from None
                        time.sleep(0.2)
                for model in models:
                    before, server_cpu = load(), process_cpu_seconds(server.pid)
                    started = time.perf_counter()
                    made = client.post("/api/runs", json={"scenario_name": SCENARIO, "model": model})
                    made.raise_for_status()
                    answered = time.perf_counter() - started
                    run_id = made.json()["id"]
                    while True:
                        state = client.get(f"/api/runs/{run_id}/analyses").json()
                        if state["status"] in ("done", "failed") or time.perf_counter() - started > ANALYSES_TIMEOUT_S:
                            break
                        time.sleep(0.05)
                    analysed = time.perf_counter() - started
                    page = client.get(f"/runs/{run_id}")
                    shown = [client.get(f"/api/runs/{run_id}/issues/{issue}", params={"model": model}).json()
                             for issue in issues]
                    loaded = time.perf_counter() - started
                    server_cpu_after = process_cpu_seconds(server.pid)
                    complete = (state["status"] == "done"
                                and all(view.get("analyses") == {"sensitivity": "done", "levers": "done"}
                                        for view in shown))
                    results.append({
                        "model": model, "run": run_id, "load_average_1min_before": before,
                        "point_forecasts_s": round(answered, 3), "analyses_done_s": round(analysed, 3),
                        "view_loaded_s": round(loaded, 3),
                        "server_cpu_s": None if server_cpu is None else round(server_cpu_after - server_cpu, 3),
                        "page_status": page.status_code,
                        "analyses": {f"{item['name']}/{item['model']}": item["status"] for item in state["analyses"]},
                        "fully_loaded": complete, "target_s": VIEW_TARGET_S,
                        "target_met": complete and loaded <= VIEW_TARGET_S})
                    print(f"view {model}: forecasts {answered:.2f} s, analyses {analysed:.2f} s, loaded "
                          f"{loaded:.2f} s ({'complete' if complete else 'INCOMPLETE'}; server processor "
                          f"{results[-1]['server_cpu_s']} s)", flush=True)
        finally:
            server.terminate()
            server.wait(timeout=60)
    return results


def commands(models: list[str]) -> list[dict]:
    """Per model and command: wall and processor seconds of the command as a child process."""
    results = []
    for model in models:
        for name, arguments in (("simulate", ["--draws", str(DRAWS)]), ("levers", [])):
            command = ["realpolitik", name, SCENARIO, "--model", model, *arguments, "--no-store", "--format", "json"]
            before, cpu = load(), children_cpu_seconds()
            started = time.perf_counter()
            done = subprocess.run([sys.executable, "-c", "from realpolitik.cli import run_cli; run_cli()",
                                   *command[1:]], capture_output=True)
            wall = time.perf_counter() - started
            results.append({"command": " ".join(command), "model": model, "kind": name, "exit_code": done.returncode,
                            "load_average_1min_before": before, "wall_s": round(wall, 3),
                            "cpu_s": round(children_cpu_seconds() - cpu, 3), "target_s": COMMAND_TARGET_S,
                            "target_met": done.returncode == 0 and wall <= COMMAND_TARGET_S})
            print(f"{' '.join(command)}: {wall:.2f} s wall, {results[-1]['cpu_s']:.2f} s processor", flush=True)
    return results


def baseline(models: list[str], draws: int, full: bool) -> list[dict]:
    """The same work in this process, batched and draw by draw (the models that span issues)."""
    from realpolitik.analysis.distributed import IN_THIS_THREAD
    from realpolitik.analysis.levers import LeverSteps, sweep_issues
    from realpolitik.analysis.montecarlo import simulate

    scenario = load_scenario(SCENARIO)
    results = []
    for model in models:
        spec = MODELS[model]
        if spec.run_tables is None:
            continue
        options = resolve_options(model)
        entry = {"model": model}
        for path in ("batched", "draw_by_draw"):
            if path == "draw_by_draw":
                MODELS[model] = dataclasses.replace(spec, run_tables=None)
            try:
                measured_draws = DRAWS if full or path == "batched" else draws
                started = time.perf_counter()
                simulate(scenario, model, options, draws=measured_draws, seed=0, client=IN_THIS_THREAD)
                simulate_s = (time.perf_counter() - started) * DRAWS / measured_draws
                swept = range(len(scenario.issues)) if full or path == "batched" else range(1)
                started = time.perf_counter()
                sweep_issues(scenario, model, options, LeverSteps(), list(swept))
                levers_s = (time.perf_counter() - started) * len(scenario.issues) / len(swept)
            finally:
                MODELS[model] = spec
            entry[path] = {"simulate_1000_draws_s": round(simulate_s, 3), "levers_all_issues_s": round(levers_s, 3),
                           "measured_on": {"draws": measured_draws, "issues_swept": len(swept)},
                           "scaled": measured_draws != DRAWS or len(swept) != len(scenario.issues)}
        entry["speed_up"] = {
            "simulate": round(entry["draw_by_draw"]["simulate_1000_draws_s"] / entry["batched"]["simulate_1000_draws_s"],
                              1),
            "levers": round(entry["draw_by_draw"]["levers_all_issues_s"] / entry["batched"]["levers_all_issues_s"], 1)}
        print(f"baseline {model}: {entry}", flush=True)
        results.append(entry)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", default=",".join(MODELS), help="comma-separated models (default: all)")
    parser.add_argument("--baseline-draws", type=int, default=100)
    parser.add_argument("--full-baseline", action="store_true")
    parser.add_argument("--skip", default="", help="parts to skip: views, commands, baseline (comma-separated)")
    arguments = parser.parse_args()
    models = [name for name in arguments.models.split(",") if name]
    skip = set(arguments.skip.split(","))
    # Parts skipped keep what an earlier run wrote (each part records its own date and command).
    record = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    record.update({"benchmark": "web_views", "realpolitik": __version__, "machine": machine(),
                   "scenario": SCENARIO})
    stamp = {"date": datetime.now(UTC).isoformat(timespec="seconds"),
             "command": "python benchmarks/bench_web_views.py " + " ".join(sys.argv[1:])}
    if "views" not in skip:
        record["views"] = {**stamp, "results": views(models)}
    if "commands" not in skip:
        record["commands"] = {**stamp, "results": commands(models)}
    if "baseline" not in skip:
        record["baseline"] = {**stamp, "results": baseline(models, arguments.baseline_draws, arguments.full_baseline)}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(RESULTS, (json.dumps(record, indent=2) + "\n").encode("utf-8"))
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
