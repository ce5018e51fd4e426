"""The compromise model: the capability-and-salience weighted mean of positions.

``forecast = Σ w_i x_i / Σ w_i`` with ``w_i = c_i s_i``.

Source: Achen, C. H. (2006). "Evaluating political decision-making models". In
R. Thomson, F. N. Stokman, C. H. Achen & T. König (eds.), *The European Union
Decides*. Cambridge University Press. Achen derives it as a simple variant of the
Nash bargaining solution; on EU legislative data it is the baseline most models
fail to beat.
"""

from __future__ import annotations

import numpy as np

from realpolitik.models.weighted import weighted_mean


def compromise(position: np.ndarray, salience: np.ndarray, capability: np.ndarray) -> np.ndarray:
    """The weighted mean. ``position, salience, capability: (B, N)``; returns ``(B,)``."""
    return weighted_mean(position, np.asarray(capability) * np.asarray(salience))
