"""Side by side: realpolitik's SMP kernel against KTAB's own compiled engine.

KTAB's engine ships, compiled, in the PyPI package ``pySMP`` 0.1.3
(``pySMP/lib/libsmpDyn.so``, built 2018-11-24). Its Python wrapper has no Linux
branch, so this script loads the library with ctypes, using the C entry points
the wrapper declares: ``configLogger``, ``dbLoginCredentials``, ``runSmpModel``
(returns the number of states), ``getActorCount``, ``getDimensionCount`` and
``getVPHistory`` (positions as float32, actor-major, then dimension, then
state). The nine model parameters go in KTAB's order (victory probability,
PCE, state transitions, voting rule, big-R adjust, big-R range, third-party
commit, bargain interpolation, bargain model), not the wrapper docstring's.

Set-up (once, as root on Debian):

    apt-get update && apt-get install -y libqt5core5a libqt5sql5 libqt5sql5-sqlite
    pip install --no-deps pySMP==0.1.3      # or run this script with --install

Run from the repository root:

    PYTHONPATH=src python benchmarks/smp_vs_ktab.py            # full run, about 20 minutes
    PYTHONPATH=src python benchmarks/smp_vs_ktab.py --quick    # reference inputs and a small sample

Cases: the three reference inputs (``dummyData_3Dim.csv``, ``SOE-Pol-Comp.csv``,
``smpExample.xml``), the scaling inputs ``dummyData-a040/a080.csv`` (and
``a160`` with this kernel alone), and seeded random scenarios of 5-30 actors and
1-4 dimensions under (a) every value of every parameter, the others at KTAB's
defaults, and (b) a uniform random sample of full parameter combinations (the
space has 5*3*2*6*5*3*3*3*3 = 72,900; sampling keeps the run near 20 minutes).
Each case runs both engines on the same file; they agree when they have the
same number of states and every position at every state is within 0.1. When
they disagree the engine is run again: if it then disagrees with itself, the
case is "engine not reproducible" (its threads order bargains and draws).
Stochastic runs that disagree are "stochastic, not comparable": KTAB draws in
the order its threads reach the generator, this kernel in actor order.

The engine runs in a worker process so that its crashes (it aborts on some
parameter values) are recorded instead of ending the benchmark. Times: KTAB's
is one ``runSmpModel`` call in the warm worker (including its CSV parsing and
SQLite set-up, all logging off; it uses threads); ours is the median of three
``run_smp`` calls on the parsed arrays (one call above 5 s). Results go to
``benchmarks/results/smp_vs_ktab.json`` with the machine they ran on.

This file is a script, not a test module: nothing runs on import.
"""

from __future__ import annotations

import argparse
import ctypes
import datetime as dt
import importlib.util
import json
import multiprocessing
import os
import platform
import queue
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPOSITORY = Path(__file__).resolve().parents[1]
KTAB_DATA = REPOSITORY.parent / "shared" / "data" / "ktab"
RESULTS = REPOSITORY / "benchmarks" / "results" / "smp_vs_ktab.json"
DEFAULT_CODES = (0, 0, 0, 2, 1, 1, 1, 1, 0)
TOLERANCE = 0.1
USE_XML_SEED = 2**64 - 1  # KTAB: a seed of -1 means "the seed in the XML file"
LOGGER_CONFIG = "* GLOBAL:\n   ENABLED = false\n   TO_FILE = false\n   TO_STANDARD_OUTPUT = false\n"


# --------------------------------------------------------------------------- KTAB's engine


def engine_library(install: bool) -> Path:
    """Path of pySMP's ``libsmpDyn.so``, installing pySMP 0.1.3 with pip if asked."""
    spec = importlib.util.find_spec("pySMP")
    if spec is None and install:
        subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "pySMP==0.1.3"], check=True)
        importlib.invalidate_caches()
        spec = importlib.util.find_spec("pySMP")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("pySMP is not installed: pip install --no-deps pySMP==0.1.3 (or pass --install)")
    library = Path(next(iter(spec.submodule_search_locations))) / "lib" / "libsmpDyn.so"
    if not library.exists():
        raise SystemExit(f"{library} is missing from the pySMP installation")
    return library


def _engine_worker(library: str, workdir: str, jobs, answers) -> None:
    """Runs in its own process: load the engine once, then run jobs until told to stop."""
    lib = ctypes.cdll.LoadLibrary(library)
    lib.configLogger.argtypes = [ctypes.c_char_p]
    lib.configLogger.restype = None
    lib.dbLoginCredentials.argtypes = [ctypes.c_char_p]
    lib.dbLoginCredentials.restype = None
    lib.runSmpModel.argtypes = [ctypes.c_char_p, ctypes.c_uint, ctypes.c_bool * 5, ctypes.c_char_p,
                                ctypes.c_uint64, ctypes.c_bool, ctypes.c_void_p]
    lib.runSmpModel.restype = ctypes.c_uint
    lib.getActorCount.restype = ctypes.c_uint
    lib.getDimensionCount.restype = ctypes.c_uint
    lib.getVPHistory.argtypes = [ctypes.c_void_p]
    lib.getVPHistory.restype = None
    config = Path(workdir) / "ktab-logger.conf"
    config.write_text(LOGGER_CONFIG)
    lib.configLogger(str(config).encode())
    lib.dbLoginCredentials(f"Driver=QSQLITE;Database={Path(workdir) / 'ktab-runs'};".encode())
    while True:
        job = jobs.get()
        if job is None:
            return
        path, codes, seed = job
        scenario_id = ctypes.create_string_buffer(512)
        flags = (ctypes.c_bool * 5)(False, False, False, False, False)
        parameters = None if codes is None else (ctypes.c_int * 9)(*codes)
        started = time.perf_counter()
        states = lib.runSmpModel(scenario_id, 512, flags, str(path).encode(), ctypes.c_uint64(seed), False,
                                 parameters)
        seconds = time.perf_counter() - started
        actors, dimensions = lib.getActorCount(), lib.getDimensionCount()
        history = (ctypes.c_float * (states * actors * dimensions))()
        lib.getVPHistory(history)
        positions = np.array(history, dtype=float).reshape(actors, dimensions, states).transpose(2, 0, 1)
        answers.put((positions, seconds))


class Engine:
    """KTAB's engine in a worker process that is restarted after a crash."""

    def __init__(self, library: Path, workdir: Path, timeout: float):
        self.library, self.workdir, self.timeout = str(library), str(workdir), timeout
        self.context = multiprocessing.get_context("spawn")
        self.process = None
        self._start()

    def _start(self) -> None:
        self.jobs, self.answers = self.context.Queue(), self.context.Queue()
        self.process = self.context.Process(target=_engine_worker,
                                            args=(self.library, self.workdir, self.jobs, self.answers), daemon=True)
        self.process.start()

    def run(self, path: Path, codes, seed: int = 1):
        """``(positions (T, N, D), seconds, None)`` or ``(None, seconds, failure)``."""
        self.jobs.put((str(path), None if codes is None else list(codes), seed))
        started = time.perf_counter()
        while True:
            try:
                positions, seconds = self.answers.get(timeout=1.0)
                return positions, seconds, None
            except queue.Empty:
                waited = time.perf_counter() - started
                if not self.process.is_alive() or waited > self.timeout:
                    code = self.process.exitcode
                    self.process.kill()
                    self.process.join()
                    self._start()
                    if waited > self.timeout:
                        return None, waited, f"timed out after {self.timeout:.0f} s"
                    signal = {-6: " (SIGABRT: a failed assertion or an uncaught KTAB exception)",
                              -11: " (SIGSEGV)"}.get(code, "")
                    return None, waited, f"engine process died, exit code {code}{signal}"

    def close(self) -> None:
        if self.process is not None and self.process.is_alive():
            self.jobs.put(None)
            self.process.join(timeout=10)
            if self.process.is_alive():
                self.process.kill()


# --------------------------------------------------------------------------- our kernel


def arrays(scenario):
    names = [issue.name for issue in scenario.issues]
    position = np.array([[actor.stances[n].position for n in names] for actor in scenario.actors])
    salience = np.array([[actor.stances[n].salience / 100 for n in names] for actor in scenario.actors])
    capability = np.array([actor.capability for actor in scenario.actors])
    return position, salience, capability


def run_ours(position, salience, capability, options, repeats: int = 3, **keywords):
    from realpolitik.models.smp import run_smp

    times = []
    result = None
    for _ in range(repeats):
        started = time.perf_counter()
        result = run_smp(position, salience, capability, options, **keywords)
        times.append(time.perf_counter() - started)
        if times[-1] > 5.0:
            break
    return result, statistics.median(times)


def compare(ours: np.ndarray, theirs: np.ndarray) -> dict:
    """State-by-state agreement of two (T, N, D) histories."""
    states = min(len(ours), len(theirs))
    deviation = np.abs(ours[:states] - theirs[:states]).max(axis=(1, 2))
    beyond = np.flatnonzero(deviation > TOLERANCE)
    return {
        "states_ours": len(ours),
        "states_ktab": len(theirs),
        "max_deviation": float(deviation.max()),
        "first_state_beyond_tolerance": int(beyond[0]) if beyond.size else None,
        "agree": bool(len(ours) == len(theirs) and beyond.size == 0),
    }


def write_ktab_csv(path: Path, position, salience_points, capability) -> None:
    actors, dimensions = position.shape
    lines = [f"Random,Seeded random scenario,{actors},{dimensions},",
             "Actor,Description,Power," + ",".join(f"Pos{d},Sal{d}" for d in range(dimensions)) + ","]
    for i in range(actors):
        cells = ",".join(f"{position[i, d]:.2f},{salience_points[i, d]:.2f}" for d in range(dimensions))
        lines.append(f"A{i:02d},Random actor,{capability[i]:.2f},{cells},")
    path.write_text("\n".join(lines) + "\n")


def random_scenario(rng: np.random.Generator, folder: Path, name: str) -> Path:
    actors, dimensions = int(rng.integers(5, 31)), int(rng.integers(1, 5))
    position = rng.uniform(0, 100, (actors, dimensions))
    raw = rng.uniform(0.1, 1.0, (actors, dimensions))
    salience = raw / raw.sum(axis=1, keepdims=True) * rng.uniform(50, 99, (actors, 1))
    capability = rng.uniform(10, 200, actors)
    path = folder / f"{name}.csv"
    write_ktab_csv(path, position, np.floor(salience * 100) / 100, capability)
    return path


# --------------------------------------------------------------------------- cases


def one_case(engine: Engine, name: str, path: Path, codes, *, group: str) -> dict:
    """Run both engines on a KTAB CSV with the given parameter codes and compare."""
    from realpolitik.io.ktab import read_ktab_csv
    from realpolitik.models.smp import SMPOptions

    scenario = read_ktab_csv(path)
    position, salience, capability = arrays(scenario)
    options = SMPOptions.from_ktab_codes(codes)
    record = {"case": name, "group": group, "file": path.name, "actors": len(scenario.actors),
              "dimensions": len(scenario.issues), "codes": list(codes), "options": options.as_dict()}
    keywords = {"seed": 1} if options.state_transitions == "Stochastic" else {}
    ours, seconds_ours = run_ours(position, salience, capability, options, **keywords)
    theirs, seconds_ktab, failure = engine.run(path, codes, seed=1)
    record.update(seconds_ours=seconds_ours, seconds_ktab=seconds_ktab)
    if failure:
        record.update(outcome="engine failed", failure=failure, states_ours=ours.n_states,
                      input_csv=path.read_text() if group != "scaling" else None)
        return record
    record.update(compare(ours.positions, theirs))
    record["speedup"] = seconds_ktab / seconds_ours if seconds_ours > 0 else None
    if record["agree"]:
        record["outcome"] = "agree"
    else:
        again, _, failure = engine.run(path, codes, seed=1)
        reproducible = again is not None and again.shape == theirs.shape and np.array_equal(again, theirs)
        record["ktab_repeat_identical"] = bool(reproducible)
        if options.state_transitions == "Stochastic":
            # KTAB draws in the order its threads reach the generator; ours in actor order.
            record["outcome"] = "stochastic, not comparable"
        elif reproducible:
            record["outcome"] = "disagree"
            record["input_csv"] = path.read_text()
        else:
            record["outcome"] = "engine not reproducible"
    return record


def reference_cases(engine: Engine) -> list[dict]:
    from realpolitik.io.ktab import read_ktab_xml_run
    from realpolitik.models.smp import SMPOptions

    records = [one_case(engine, name, KTAB_DATA / f"{name}.csv", DEFAULT_CODES, group="reference")
               for name in ("dummyData_3Dim", "SOE-Pol-Comp")]

    # smpExample.xml: the engine reads the ideal adjustments from the XML; with the default
    # (deterministic) parameters both runs must agree.
    xml = KTAB_DATA / "smpExample.xml"
    run = read_ktab_xml_run(xml)
    position, salience, capability = arrays(run.scenario)
    options = SMPOptions.from_ktab_codes(DEFAULT_CODES)
    ours, seconds_ours = run_ours(position, salience, capability, options, accommodation=run.accommodation)
    theirs, seconds_ktab, failure = engine.run(xml, DEFAULT_CODES, seed=USE_XML_SEED)
    record = {"case": "smpExample (KTAB defaults, the XML's ideal adjustments)", "group": "reference",
              "file": xml.name, "actors": len(run.scenario.actors), "dimensions": len(run.scenario.issues),
              "codes": list(DEFAULT_CODES), "options": options.as_dict(),
              "seconds_ours": seconds_ours, "seconds_ktab": seconds_ktab}
    if failure:
        record.update(outcome="engine failed", failure=failure)
    else:
        record.update(compare(ours.positions, theirs))
        record["outcome"] = "agree" if record["agree"] else "disagree"
        record["speedup"] = seconds_ktab / seconds_ours
    records.append(record)

    # With its own parameters (Stochastic, MarkovIncentive, PropCbc, seed in the XML) the engine
    # is not reproducible: its threads order the bargains and the draws.
    states = []
    for _ in range(4):
        theirs, _, failure = engine.run(xml, None, seed=USE_XML_SEED)
        states.append(None if failure else len(theirs))
    ours = run_ours(position, salience, capability, run.options, repeats=1, accommodation=run.accommodation,
                    seed=run.seed)[0]
    records.append({"case": "smpExample (the XML's own stochastic parameters and seed)", "group": "reference",
                    "file": xml.name, "codes": list(run.options.ktab_codes()), "options": run.options.as_dict(),
                    "outcome": "engine not reproducible", "ktab_states_over_4_runs": states,
                    "states_ours": ours.n_states,
                    "note": "the 2017 reference log of this run is replayed exactly in tests/models/test_smp.py, "
                            "using the bargain and draw order the log records"})
    return records


def scaling_cases(engine: Engine, include_80: bool) -> list[dict]:
    from realpolitik.io.ktab import read_ktab_csv

    records = []
    for size in ("040", "080") if include_80 else ("040",):
        records.append(one_case(engine, f"dummyData-a{size}", KTAB_DATA / f"dummyData-a{size}.csv", DEFAULT_CODES,
                                group="scaling"))
    scenario = read_ktab_csv(KTAB_DATA / "dummyData-a160.csv")
    ours, seconds = run_ours(*arrays(scenario), "ktab-default", repeats=1)
    records.append({"case": "dummyData-a160 (this kernel alone)", "group": "scaling", "file": "dummyData-a160.csv",
                    "actors": 160, "dimensions": 1, "codes": list(DEFAULT_CODES), "states_ours": ours.n_states,
                    "seconds_ours": seconds, "outcome": "ours only"})
    return records


def option_cases(engine: Engine, folder: Path, rng: np.random.Generator, per_value: int, sample: int) -> list[dict]:
    from realpolitik.models.smp import KTAB_PARAMETERS

    combinations = []
    for index, (name, values) in enumerate(KTAB_PARAMETERS):
        for code in range(len(values)):
            if code == DEFAULT_CODES[index]:
                continue
            codes = list(DEFAULT_CODES)
            codes[index] = code
            combinations += [("one parameter changed", tuple(codes))] * per_value
    combinations += [("defaults", DEFAULT_CODES)] * per_value
    for _ in range(sample):
        combinations.append(("random combination",
                             tuple(int(rng.integers(0, len(values))) for _, values in KTAB_PARAMETERS)))
    records = []
    for number, (group, codes) in enumerate(combinations):
        path = random_scenario(rng, folder, f"random-{number:03d}")
        record = one_case(engine, path.stem, path, codes, group=group)
        records.append(record)
        print(f"  {record['case']} {''.join(map(str, codes))} N={record['actors']} D={record['dimensions']}: "
              f"{record['outcome']}", flush=True)
    return records


# --------------------------------------------------------------------------- summary


def summarise(records: list[dict]) -> dict:
    from realpolitik.models.smp import KTAB_PARAMETERS

    compared = [r for r in records if r.get("outcome") in ("agree", "disagree", "engine not reproducible",
                                                           "stochastic, not comparable", "engine failed")]
    by_outcome: dict[str, int] = {}
    for record in compared:
        by_outcome[record["outcome"]] = by_outcome.get(record["outcome"], 0) + 1
    by_value: dict[str, dict[str, dict[str, int]]] = {}
    for record in compared:
        for (name, values), code in zip(KTAB_PARAMETERS, record["codes"]):
            counts = by_value.setdefault(name, {}).setdefault(values[code], {})
            counts[record["outcome"]] = counts.get(record["outcome"], 0) + 1
    timings = {r["case"]: {"seconds_ktab": r.get("seconds_ktab"), "seconds_ours": r.get("seconds_ours"),
                           "speedup": r.get("speedup"), "states": r.get("states_ours")}
               for r in records if r["group"] in ("scaling", "reference") and r.get("seconds_ours") is not None}
    agreeing = [r for r in compared if r["outcome"] == "agree"]
    return {
        "cases_compared": len(compared),
        "outcomes": by_outcome,
        "outcomes_by_parameter_value": by_value,
        "agreeing_max_deviation": max((r["max_deviation"] for r in agreeing), default=None),
        "timings": timings,
    }


def machine() -> dict:
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        model = next((line.split(":", 1)[1].strip() for line in cpuinfo.read_text().splitlines()
                      if line.startswith("model name")), "")
    return {"platform": platform.platform(), "processor": model or platform.processor(),
            "cpu_count": os.cpu_count(), "usable_cpus": usable, "python": platform.python_version(),
            "numpy": np.__version__, "load_average_at_start": list(os.getloadavg())}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="reference inputs, a040 and a small sample only")
    parser.add_argument("--per-value", type=int, default=2, help="random scenarios per single-parameter change")
    parser.add_argument("--sample", type=int, default=60, help="random full parameter combinations")
    parser.add_argument("--seed", type=int, default=20170530, help="seed of the random scenarios and combinations")
    parser.add_argument("--engine-timeout", type=float, default=1800.0, help="seconds before a KTAB run is abandoned")
    parser.add_argument("--install", action="store_true", help="pip install pySMP 0.1.3 if it is missing")
    parser.add_argument("--out", type=Path, default=RESULTS)
    arguments = parser.parse_args(argv)
    if not KTAB_DATA.is_dir():
        raise SystemExit(f"{KTAB_DATA} (KTAB's reference data) is not present")
    if arguments.quick:
        arguments.per_value, arguments.sample = min(arguments.per_value, 1), min(arguments.sample, 10)

    library = engine_library(arguments.install)
    started = dt.datetime.now(dt.UTC)
    rng = np.random.default_rng(arguments.seed)
    with tempfile.TemporaryDirectory(prefix="smp-vs-ktab-") as workdir:
        folder = Path(workdir)
        engine = Engine(library, folder, arguments.engine_timeout)
        try:
            print("reference inputs", flush=True)
            records = reference_cases(engine)
            print("scaling inputs", flush=True)
            records += scaling_cases(engine, include_80=not arguments.quick)
            print("option combinations on random scenarios", flush=True)
            records += option_cases(engine, folder, rng, arguments.per_value, arguments.sample)
        finally:
            engine.close()
    host = machine()
    host["load_average_at_end"] = list(os.getloadavg())
    report = {
        "benchmark": "realpolitik SMP kernel vs KTAB's compiled engine (PyPI pySMP 0.1.3, libsmpDyn.so)",
        "command": "PYTHONPATH=src python benchmarks/smp_vs_ktab.py" + (" --quick" if arguments.quick else ""),
        "started_utc": started.isoformat(timespec="seconds"),
        "seconds_total": (dt.datetime.now(dt.UTC) - started).total_seconds(),
        "machine": host,
        "engine": {"package": "pySMP 0.1.3", "library": str(library)},
        "method": {
            "agreement": f"same number of states and every position at every state within {TOLERANCE}",
            "timing": "KTAB: one runSmpModel call in a warm worker process (CSV parsing and SQLite set-up "
                      "included, logging off, KTAB's own threads); ours: median of 3 run_smp calls on parsed "
                      "arrays (1 call above 5 s), single-threaded numpy",
            "random_scenarios": "5-30 actors, 1-4 dimensions, positions U(0,100), saliences summing to "
                                "U(50,99), capabilities U(10,200), written to KTAB CSV with 2 decimals",
            "sample": f"each non-default value of each parameter on {arguments.per_value} scenario(s), the "
                      f"defaults on {arguments.per_value}, and {arguments.sample} uniformly drawn full "
                      "combinations (of 72,900), seed " + str(arguments.seed),
        },
        "summary": summarise(records),
        "cases": records,
    }
    arguments.out.parent.mkdir(parents=True, exist_ok=True)
    temporary = arguments.out.with_suffix(".json.tmp")
    temporary.write_text(json.dumps(report, indent=1, default=float) + "\n")
    os.replace(temporary, arguments.out)
    print(json.dumps(report["summary"], indent=1, default=float))
    print(f"written to {arguments.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
