"""Variants of the calibrated forecast on DEU III that were scored and not kept, against the kept one.

Each variant is fitted and scored exactly as the kept forecast (leave-one-dossier-out:
candidate probabilities and conformal interval levels fitted on the other 136 dossiers,
``realpolitik.analysis.calibrated.leave_one_group_out``), and each is compared with
the kept forecast issue by issue through the paired dossier bootstrap
(``realpolitik.analysis.bootstrap``, seeded) of the differences in CRPS and in the
absolute error of the median. The variants:

* ``second_order``: the conditional logit on the features and every product of two of
  them, ``z_a z_b`` for ``a <= b`` (12 + 78 coefficients instead of 12), with the kept
  forecast's penalty (1.0, not tuned);
* ``second_order_council_votes``: the same with Council votes as capabilities.

The question is whether what they gain over the kept forecast can be told from noise,
and so whether the kept forecast should change; see the README ("Targets not met").
Writes ``benchmarks/results/calibration_variants.json`` with each variant's scores, its
targets (as ``benchmarks/calibration_deu3.py`` states them), the paired bootstraps and the
machine. Deterministic.

Run: ``python benchmarks/calibration_variants.py`` (about a minute). Not collected by pytest.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from calibration_deu3 import DATA, VARIANTS_TRIED, targets
from realpolitik import __version__
from realpolitik.analysis.backtest import forecast_issues
from realpolitik.analysis.bootstrap import paired_group_bootstrap
from realpolitik.analysis.calibrated import leave_one_group_out
from realpolitik.analysis.deu3_calibration import dataset_candidates, out_of_sample_scores
from realpolitik.analysis.predictive import Candidates
from realpolitik.analysis.scores import crps
from realpolitik.io.deu3 import read_deu3
from realpolitik.io.files import write_atomically

RESULTS = Path(__file__).resolve().parent / "results" / "calibration_variants.json"


def second_order(candidates: list[Candidates]) -> list[Candidates]:
    """The candidates with every product ``z_a z_b`` (``a <= b``) of their features appended."""
    expanded = []
    for issue in candidates:
        first, second = np.triu_indices(issue.features.shape[1])
        products = issue.features[:, first] * issue.features[:, second]
        expanded.append(replace(issue, features=np.hstack([issue.features, products])))
    return expanded


def scored(dataset, candidates: list[Candidates]) -> tuple[dict, np.ndarray, np.ndarray]:
    """The variant's scores and targets, and its per-issue CRPS and absolute error of the median."""
    outcome = np.array([issue.outcome for issue in dataset.issues])
    result = leave_one_group_out(candidates, outcome, [issue.dossier for issue in dataset.issues])
    scores = out_of_sample_scores(result, outcome, dataset)
    flat = dict(scores["overall"])
    for key in ("by_procedure", "by_voting_rule"):
        flat[f"coverage_{key}"] = {label: group["coverage"] for label, group in scores[key].items()}
    issue_crps = np.array([crps(d, o) for d, o in zip(result.distributions, outcome)])
    return {**scores, "targets": targets(flat)}, issue_crps, np.abs(result.medians - outcome)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    arguments = parser.parse_args()
    dataset = read_deu3(arguments.data)
    dossiers = [issue.dossier for issue in dataset.issues]

    def candidates(capability_rule: str) -> list[Candidates]:
        return dataset_candidates(dataset, forecast_issues(dataset, "compromise", capability_rule), capability_rule)

    kept, kept_crps, kept_error = scored(dataset, candidates("gdp"))
    variants = {}
    for name, capability_rule in (("second_order", "gdp"), ("second_order_council_votes", "council-votes")):
        scores, issue_crps, error = scored(dataset, second_order(candidates(capability_rule)))
        variants[name] = {
            "capability": capability_rule,
            **scores,
            "against_kept": {"crps": paired_group_bootstrap(issue_crps, kept_crps, dossiers),
                             "absolute_error": paired_group_bootstrap(error, kept_error, dossiers)},
        }
    document = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "package_version": __version__,
        "data": arguments.data.name,
        "validation": "leave-one-dossier-out: fit and conformal levels on the other dossiers only",
        "variants_tried_in_all": VARIANTS_TRIED,
        "kept": kept,
        "variants": variants,
        "machine": {"platform": platform.platform(), "python": platform.python_version(),
                    "cpu_count": os.cpu_count()},
    }
    write_atomically(RESULTS, (json.dumps(document, indent=2) + "\n").encode("utf-8"))
    print(f"wrote {RESULTS}")
    for name, scores in {"kept": kept, **variants}.items():
        overall = scores["overall"]
        missed = [row["target"] for row in scores["targets"] if not row["met"]]
        print(f"{name}: CRPS {overall['crps']:.2f}, MAE {overall['mae']:.2f}, median AE {overall['median_ae']:.2f}, "
              f"within 10 {100 * overall['within_10']:.1f}%; misses: {'; '.join(missed) or 'none'}")
        for score, bootstrap in scores.get("against_kept", {}).items():
            print(f"  {score} against the kept: {bootstrap['difference']:+.2f} "
                  f"[{bootstrap['low']:+.2f}, {bootstrap['high']:+.2f}]")


if __name__ == "__main__":
    main()
