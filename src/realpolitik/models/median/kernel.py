"""The weighted median (median voter) model.

In one dimension with distance-based preferences, the position that beats every
other in pairwise votes weighted by ``w_i = c_i s_i`` is the weighted median: with
actors sorted by position, the first position at which the cumulative weight reaches
half the total (Black, D. (1948). "On the rationale of group decision-making".
*Journal of Political Economy* 56(1)). Tie rule: see
:func:`realpolitik.models.weighted.weighted_median`.
"""

from __future__ import annotations

import numpy as np

from realpolitik.models.weighted import weighted_median


def median_voter(position: np.ndarray, salience: np.ndarray, capability: np.ndarray) -> np.ndarray:
    """The weighted median. ``position, salience, capability: (B, N)``; returns ``(B,)``."""
    return weighted_median(position, np.asarray(capability) * np.asarray(salience))
