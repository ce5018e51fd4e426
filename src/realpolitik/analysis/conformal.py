"""Conformal calibration of interval levels, with folds by group.

A predictive distribution F's central interval at level p,
``[Q((1-p)/2), Q((1+p)/2)]``, holds about p of the outcomes only if F is calibrated.
Split conformal prediction (Vovk, Gammerman & Shafer 2005; Lei et al. 2018, *JASA*
113) fixes the level instead of trusting it: on n calibration cases not used to fit F,
take the conformity score ``s_i`` = the smallest level whose central interval holds
outcome i (:func:`realpolitik.analysis.scores.central_level`); then the central
interval at level ``q = s_(⌈(n+1)p⌉)`` (the ⌈(n+1)p⌉-th smallest score, 1 when that
exceeds n) holds a new outcome with probability at least p, when cases are
exchangeable.

Cases decided together are not exchangeable one by one (a legislative proposal's
issues are negotiated together), so calibration cases get their scores from fits
that left out their whole group: :func:`out_of_fold` splits the groups into folds
and scores each fold from a fit on the others.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

#: The nominal levels reported, in percent.
LEVELS = (50, 80, 95)
#: Folds of groups for the calibration scores.
FOLDS = 5


def conformal_level(scores, level: float) -> float:
    """``s_(⌈(n+1)p⌉)``: the level to use for nominal ``level`` (0..1), from calibration ``scores``."""
    ordered = np.sort(np.asarray(scores, dtype=float))
    rank = math.ceil((ordered.size + 1) * level)
    return 1.0 if rank > ordered.size else float(ordered[rank - 1])


def group_folds(groups, folds: int = FOLDS) -> np.ndarray:
    """The fold (0..folds-1) of each row: groups in order of first appearance, dealt in turn."""
    groups = np.asarray(groups)
    order = {group: number % folds for number, group in enumerate(dict.fromkeys(groups.tolist()))}
    return np.array([order[group] for group in groups.tolist()], dtype=int)


def out_of_fold(groups, score_fold: Callable[[np.ndarray, np.ndarray], np.ndarray], folds: int = FOLDS) -> np.ndarray:
    """Scores ``(I,)`` of every row from fits that left out its fold of groups:
    ``score_fold(training, held_out)`` (boolean masks) returns the held-out rows' scores."""
    fold = group_folds(groups, folds)
    scores = np.full(fold.shape, np.nan)
    for number in range(min(folds, int(fold.max()) + 1)):
        held_out = fold == number
        scores[held_out] = score_fold(~held_out, held_out)
    return scores
