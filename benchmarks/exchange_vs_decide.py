"""The exchange model side by side with PyPI ``decide-exchange-model`` 2022.1.28.

Runs the peer (in a virtualenv of its own: it pins numpy 1.23, pandas 1.5 and PyQt5)
and ``realpolitik.models.exchange`` on the peer's sample inputs (``cop21.csv``,
``copenhagen.csv``, ``sample_data.txt`` from ``shared/data/decide``) for 10 rounds, and
writes ``benchmarks/results/exchange_vs_decide.json``: per input and issue, both
outcomes after each round and their largest difference, both timings and their
ratio, and the machine.

The peer is driven through its Python API (``ModelFactory`` on ``InputDataFile.open``,
``EqualGainModel``, ``ModelLoop`` with a bare ``Observable``; its command line crashes
and its plotting observer needs Qt). Three comparisons:

* ``candidate_order``: the peer with exchanges of equal gain taken in list order (its
  ``sort_exchanges`` keyed on the gain rounded to 1e-18; otherwise unchanged) against
  the ``decide-2022`` preset. The arithmetic is the same; the runs part only where the
  peer meets an outcome lying exactly on a demander's position, which it decides by the
  sign of the rounding error in its 28-digit decimal arithmetic.
* ``shipped``: the peer as shipped with ``ALLOW_RANDOM = False``, where such ties are
  ordered by that same rounding error; agreement lasts until the first tie.
* ``coin_flip``: the peer's default, a coin for every exact tie between the two best
  exchanges, over ``--seeds`` seeds of ``random``, against ``decide-2022-coin`` over as
  many seeds: the distributions per issue (a draw-by-draw match is impossible, as the
  peer's order within a tie is again its rounding error). For cop21 the published
  figure from models.md is placed in both distributions. ``coin_flip_candidate_order``
  checks, for a few seeds, that with ties in list order the coins fall identically.

Timings are of the model alone (file reading and the peer's imports excluded), taken
one at a time before the parallel runs; ours is the best of five.

Run: ``python benchmarks/exchange_vs_decide.py [--seeds 20] [--venv /tmp/decide-venv]``.
Not collected by pytest; needs network access once, to install the peer.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from realpolitik.io.decide import read_decide
from realpolitik.io.files import write_atomically
from realpolitik.models.exchange import ExchangeOptions, run_exchange

PEER = "decide-exchange-model==2022.1.28"
ROUNDS = 10
INPUTS = ("cop21.csv", "copenhagen.csv", "sample_data.txt")
DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "decide"
RESULTS = Path(__file__).resolve().parent / "results" / "exchange_vs_decide.json"
#: models.md: the peer on cop21.csv after 10 rounds.
PUBLISHED = {"cop21.csv": {"differentiation": 49.15, "mrv": 63.05, "legal": 45.86}}
AGREEMENT = 1e-9

PEER_DRIVER = r'''
import json, random, sys, time
from decimal import Decimal
from decide.data.modelfactory import ModelFactory
from decide.data.reader import InputDataFile
from decide.model.equalgain import EqualGainModel
from decide.model.utils import ModelLoop
from decide.model.observers.observer import Observable

from decide.model import base

shipped_sort = EqualGainModel.sort_exchanges
shipped_check = base.AbstractExchangeActor.check_nbs
shipped_best = EqualGainModel.highest_gain
events = {"ties_by_rounding": [], "limits_by_rounding": []}


def sort_in_candidate_order(self):
    self.exchanges.sort(key=lambda exchange: Decimal(exchange.gain).quantize(Decimal("1e-18")), reverse=True)


def counting_check(self):
    # An outcome within 1e-9 of the demander's position, on one side only by rounding, and the
    # move would take it to the other side: the peer shortens it; in exact arithmetic it would not.
    target = self.opposite_actor.demand.position
    before, after = target - self.adjust_nbs(self.supply.position), target - self.adjust_nbs(self.y)
    if 0 < abs(before) < Decimal("1e-9") and before * after < 0:
        events["limits_by_rounding"][-1] += 1
    return shipped_check(self)


def counting_best(self):
    # Two best gains equal to 1e-20 (the peer's own tie test) but ordered by their rounding error.
    self.sort_exchanges()
    if not self.ALLOW_RANDOM and len(self.exchanges) > 1 and self.exchanges[0].gain != self.exchanges[1].gain \
            and abs(self.exchanges[0].gain - self.exchanges[1].gain) < Decimal("1e-20"):
        events["ties_by_rounding"][-1] += 1
    return shipped_best(self)


results = []
for job in json.load(sys.stdin):
    EqualGainModel.sort_exchanges = sort_in_candidate_order if job["candidate_order"] else shipped_sort
    EqualGainModel.ALLOW_RANDOM = job["seed"] is not None
    base.AbstractExchangeActor.check_nbs = counting_check if job["count_events"] else shipped_check
    EqualGainModel.highest_gain = counting_best if job["count_events"] else shipped_best
    for counts in events.values():
        counts.clear()
    if job["seed"] is not None:
        random.seed(job["seed"])
    data = InputDataFile.open(job["path"])
    started = time.perf_counter()
    model = ModelFactory(data).create(model_klass=EqualGainModel)
    loop = ModelLoop(model, Observable(model_ref=model, output_directory=None), 0)
    outcomes, exchanges = [], []
    for _ in range(job["rounds"]):
        for counts in events.values():
            counts.append(0)
        loop.loop()
        outcomes.append({issue.name: float(value / issue.step_size + issue.lower) for issue, value in model.nbs.items()})
    results.append({**job, "seconds": time.perf_counter() - started, "outcomes": outcomes, "ties": model.tie_count,
                    **({key: list(counts) for key, counts in events.items()} if job["count_events"] else {})})
json.dump(results, sys.stdout)
'''


def peer_python(venv: Path) -> Path:
    """The virtualenv's interpreter, with the peer installed (created on first use)."""
    python = venv / "bin" / "python"
    probe = [str(python), "-c", "import decide.model.equalgain"]
    if python.exists() and subprocess.run(probe, check=False, capture_output=True).returncode == 0:
        return python
    print(f"creating {venv} with {PEER} ...", file=sys.stderr)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", PEER], check=True)
    subprocess.run(probe, check=True)
    return python


def run_peer(python: Path, jobs: list[dict]) -> list[dict]:
    with tempfile.TemporaryDirectory() as scratch:
        driver = Path(scratch) / "drive_decide.py"
        driver.write_text(PEER_DRIVER)
        done = subprocess.run([str(python), str(driver)], check=False, input=json.dumps(jobs), capture_output=True,
                              text=True, cwd=scratch,
                              env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "MPLBACKEND": "Agg"})
    if done.returncode != 0:
        raise SystemExit(f"the peer failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout)


def job(path: Path, seed: int | None = None, candidate_order: bool = False, count_events: bool = False) -> dict:
    return {"path": str(path), "rounds": ROUNDS, "seed": seed, "candidate_order": candidate_order,
            "count_events": count_events}


def ours(arrays, options: ExchangeOptions | str):
    started = time.perf_counter()
    result = run_exchange(arrays.position, arrays.salience, arrays.capability, arrays.scale_min, arrays.scale_max,
                          options)
    return result, time.perf_counter() - started


def round_by_round(arrays, peer_outcomes: list[dict], our_outcomes: np.ndarray) -> dict:
    """Both outcomes per issue after each round, the largest difference, and where they part."""
    peer = np.array([[outcome[issue] for issue in arrays.issues] for outcome in peer_outcomes])
    difference = np.abs(peer - our_outcomes[1:])
    per_round = difference.max(axis=1)
    parted = np.flatnonzero(per_round > AGREEMENT)
    return {
        "max_difference": float(difference.max()),
        "max_difference_per_round": [float(value) for value in per_round],
        "rounds_in_agreement": int(parted[0]) if len(parted) else ROUNDS,
        "per_issue": {issue: {"peer": [round(float(value), 10) for value in peer[:, k]],
                              "ours": [round(float(value), 10) for value in our_outcomes[1:, k]],
                              "max_difference": float(difference[:, k].max())}
                      for k, issue in enumerate(arrays.issues)},
    }


def summary(values) -> dict:
    values = [float(value) for value in values]
    return {"mean": statistics.fmean(values), "sd": statistics.stdev(values) if len(values) > 1 else 0.0,
            "min": min(values), "max": max(values)}


def distributions(arrays, peer_runs: list[dict], our_runs: list[np.ndarray], published: dict) -> dict:
    per_issue = {}
    for k, issue in enumerate(arrays.issues):
        peer = summary(run["outcomes"][-1][issue] for run in peer_runs)
        mine = summary(outcomes[-1, k] for outcomes in our_runs)
        error = (peer["sd"] ** 2 / len(peer_runs) + mine["sd"] ** 2 / len(our_runs)) ** 0.5
        entry = {"peer": peer, "ours": mine, "mean_difference": mine["mean"] - peer["mean"],
                 "standard_error_of_difference": error}
        if issue in published:
            value = published[issue]
            entry["published"] = {"value": value,
                                  "z_in_peer_draws": (value - peer["mean"]) / peer["sd"] if peer["sd"] else None,
                                  "z_in_our_draws": (value - mine["mean"]) / mine["sd"] if mine["sd"] else None}
        per_issue[issue] = entry
    return {"seeds": len(peer_runs), "peer_ties_per_run": summary(run["ties"] for run in peer_runs),
            "per_issue": per_issue}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=20, help="coin-flip seeds per input, for each side")
    parser.add_argument("--venv", type=Path, default=Path(tempfile.gettempdir()) / "realpolitik-decide-venv")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    arguments = parser.parse_args()
    python = peer_python(arguments.venv)
    paths = {name: DATA / name for name in INPUTS}
    missing = [str(path) for path in paths.values() if not path.exists()]
    if missing:
        raise SystemExit(f"missing inputs: {', '.join(missing)}")
    arrays = {name: read_decide(path).table_arrays() for name, path in paths.items()}
    report = {
        "peer": PEER, "rounds": ROUNDS, "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"platform": platform.platform(), "processor": platform.processor() or platform.machine(),
                    "python": platform.python_version(), "cpu_count": os.cpu_count()},
        "command": "python benchmarks/exchange_vs_decide.py " + " ".join(sys.argv[1:]),
        "inputs": {},
    }
    # Timed runs first, one at a time.
    for name, path in paths.items():
        (shipped,) = run_peer(python, [job(path)])
        timings = [ours(arrays[name], "decide-2022") for _ in range(5)]
        result = timings[0][0]
        ours_seconds = min(seconds for _, seconds in timings)
        peer_seconds = shipped["seconds"]
        candidate, counted = run_peer(python, [job(path, candidate_order=True, count_events=True),
                                               job(path, count_events=True)])
        report["inputs"][name] = {
            "actors": len(arrays[name].actors), "issues": arrays[name].issues,
            "exchanges_per_round": [len(made) for made in result.exchanges],
            "timing": {"peer_seconds": peer_seconds, "ours_seconds": ours_seconds,
                       "ratio": peer_seconds / ours_seconds},
            "candidate_order": {**round_by_round(arrays[name], candidate["outcomes"], result.outcomes),
                                "peer_limits_decided_by_rounding_per_round": candidate["limits_by_rounding"]},
            "shipped": {**round_by_round(arrays[name], shipped["outcomes"], result.outcomes),
                        "peer_ties_ordered_by_rounding_per_round": counted["ties_by_rounding"]},
        }
        print(f"{name}: peer {peer_seconds:.2f} s, ours {ours_seconds:.3f} s; candidate order agrees for "
              f"{report['inputs'][name]['candidate_order']['rounds_in_agreement']} rounds", file=sys.stderr)
    # Coin flips, in parallel.
    seeds = list(range(arguments.seeds))
    checked = seeds[:3]
    jobs = [job(paths[name], seed) for name in INPUTS for seed in seeds]  # the slow ones are spread first
    jobs += [job(paths[name], seed, candidate_order=True) for name in INPUTS for seed in checked]
    chunks = [jobs[index::arguments.workers] for index in range(arguments.workers)]
    with ThreadPoolExecutor(arguments.workers) as pool:
        finished = [run for runs in pool.map(lambda chunk: run_peer(python, chunk) if chunk else [], chunks)
                    for run in runs]
    for name in INPUTS:
        peer_runs = [run for run in finished if run["path"] == str(paths[name]) and not run["candidate_order"]]
        our_runs = {seed: ours(arrays[name], ExchangeOptions(outcome_limit="decide_2022", tie_break="coin_flip",
                                                             seed=seed))[0].outcomes for seed in seeds}
        entry = report["inputs"][name]
        entry["coin_flip"] = distributions(arrays[name], peer_runs, list(our_runs.values()),
                                           PUBLISHED.get(name, {}))
        entry["coin_flip_candidate_order"] = {
            str(run["seed"]): {key: value for key, value in round_by_round(arrays[name], run["outcomes"],
                                                                           our_runs[run["seed"]]).items()
                               if key != "per_issue"}
            for run in finished if run["path"] == str(paths[name]) and run["candidate_order"]}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(RESULTS, (json.dumps(report, indent=1) + "\n").encode())
    print(f"wrote {RESULTS}", file=sys.stderr)


if __name__ == "__main__":
    main()
