"""Accuracy on DEU III, beside the published figures, with timings and the machine.

Runs ``realpolitik.analysis.backtest.run_backtest`` on ``shared/data/deu3/deu3.tsv``
with every default model under each capability rule (``gdp``, ``council-votes``,
``equal``), then the interval calibration of the unfitted models (``--draws``
Monte Carlo draws per issue, seed 0, GDP rule), and writes
``benchmarks/results/deu3_backtest.json``: per rule and model the MAE, median
absolute error, share within 10 points and n; the calibration shares; the wall time
of each run; the published figures of ``data/deu3/NOTICE.md`` next to ours; the
data file's name and SHA-256; and the machine.

Run: ``python benchmarks/deu3_backtest.py [--draws 200]``. Not collected by pytest.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import time
from datetime import UTC, datetime
from pathlib import Path

from realpolitik import __version__
from realpolitik.analysis.backtest import BASE_MODELS, CAPABILITY_RULES, run_backtest
from realpolitik.io.deu3 import read_deu3
from realpolitik.io.files import write_atomically

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "deu3" / "deu3.tsv"
RESULTS = Path(__file__).resolve().parent / "results" / "deu3_backtest.json"
#: data/deu3/NOTICE.md: (model, capability rule, salience rule) -> published MAE.
PUBLISHED = {
    ("compromise", "gdp", "recorded"): 23.09,
    ("compromise", "equal", "equal"): 23.71,
    ("compromise", "equal", "recorded"): 23.61,
    ("median", "gdp", "recorded"): 27.32,
}


def timed(**arguments):
    start = time.perf_counter()
    result = run_backtest(**arguments)
    return result, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--draws", type=int, default=200)
    arguments = parser.parse_args()
    dataset = read_deu3(arguments.data)
    rules = []
    for rule in CAPABILITY_RULES:
        result, seconds = timed(dataset=dataset, capability_rule=rule)
        rules.append({"capability": rule, "salience": "recorded", "seconds": seconds,
                      "models": [{"model": model.model, **model.overall.to_dict(), "validation": model.validation}
                                 for model in result.models]})
    published = []
    for (model, capability, salience), figure in PUBLISHED.items():
        result, _ = timed(dataset=dataset, models=[model], capability_rule=capability, salience_rule=salience)
        published.append({"model": model, "capability": capability, "salience": salience, "published": figure,
                          "ours": result.model(model).overall.mae})
    calibrated, seconds = timed(dataset=dataset, models=BASE_MODELS, calibration_draws=arguments.draws)
    document = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "package_version": __version__,
        "data": arguments.data.name,
        "data_sha256": hashlib.sha256(arguments.data.read_bytes()).hexdigest(),
        "issues": len(dataset.issues),
        "dossiers": len(dataset.dossiers),
        "rules": rules,
        "published": published,
        "calibration": {**calibrated.calibration, "seconds": seconds},
        "machine": {"platform": platform.platform(), "processor": platform.processor() or platform.machine(),
                    "python": platform.python_version(), "cpu_count": os.cpu_count()},
    }
    write_atomically(RESULTS, (json.dumps(document, indent=2) + "\n").encode("utf-8"))
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
