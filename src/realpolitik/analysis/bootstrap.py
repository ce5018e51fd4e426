"""Paired bootstrap over groups of the difference between two forecasters' mean scores.

Issues of one group (a legislative proposal) are decided together, so their errors are
not independent; resampling issues would understate the noise. Following models.md
(section 8), whole groups are drawn with replacement, G of G, and both forecasters'
mean scores are recomputed on the same resample (Efron & Tibshirani 1993, ch. 6, on
the cluster bootstrap). The interval is the percentile interval of the resampled
differences.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from realpolitik.analysis.scores import central_interval

RESAMPLES = 2000
CONFIDENCE = 0.95


def paired_group_bootstrap(scores, baseline_scores, groups, resamples: int = RESAMPLES, seed: int = 0,
                           confidence: float = CONFIDENCE) -> dict[str, Any]:
    """``difference`` = mean(scores) - mean(baseline_scores) over all issues, and the ``low``, ``high``
    percentile interval of that difference over ``resamples`` resamples of whole groups (seeded)."""
    difference = np.asarray(scores, dtype=float) - np.asarray(baseline_scores, dtype=float)
    labels, group = np.unique(np.asarray(groups), return_inverse=True)
    sums = np.bincount(group, weights=difference, minlength=labels.size)
    counts = np.bincount(group, minlength=labels.size).astype(float)
    drawn = np.random.default_rng(seed).integers(0, labels.size, size=(resamples, labels.size))
    resampled = sums[drawn].sum(axis=1) / counts[drawn].sum(axis=1)
    low, high = central_interval(resampled, 100.0 * confidence)
    return {"difference": float(difference.mean()), "low": low, "high": high,
            "resamples": resamples, "seed": seed, "confidence": confidence}
