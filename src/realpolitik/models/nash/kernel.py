"""The asymmetric Nash bargaining solution with a disagreement point.

The forecast maximises ``Σ_i w_i log(u_i(o) - u_i(d_i))`` (``w_i = c_i s_i``) over the
outcomes ``o`` at which every participating actor gains over its disagreement
point ``d_i``, with utilities ``u_i(o) = -|o - x_i|`` ("linear") or
``u_i(o) = -(o - x_i)^2`` ("quadratic").

Disagreement point: the issue's reference point (status quo) ``q`` when it has one
(``d_i = q`` for all), otherwise each actor's worst point on the scale (the end of
the scale farthest from its position). Actor i gains exactly when
``|o - x_i| < |d_i - x_i|``, so the outcomes where all gain form the interval
``(max_i(x_i - g_i), min_i(x_i + g_i))`` with ``g_i = |d_i - x_i|`` (actors of zero
weight impose nothing). When it is empty (actors on both sides of the status quo,
or one actor sitting on it) no agreement beats disagreement, and the forecast is
the status quo itself.

The objective is concave, so its derivative ``Σ w_i u_i'(o) / (u_i(o) - u_i(d_i))``
falls monotonically from +∞ to -∞ across the interval; the maximiser is found by
bisection on its sign, batched over draws (within both the interval and the range
of positions, where the maximiser always lies).

Sources: Nash, J. F. (1950). "The bargaining problem". *Econometrica* 18(2);
Achen, C. H. (2006), in *The European Union Decides* (Cambridge University Press),
who shows that with quadratic utilities and a disagreement point far from every
position the solution tends to the compromise model's weighted mean.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

BISECTION_STEPS = 200


class NashOptions(BaseModel):
    """Options of the Nash bargaining solution."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    utility: Literal["quadratic", "linear"] = Field(
        "quadratic", description="u_i(o) = -(o - x_i)^2 ('quadratic') or -|o - x_i| ('linear')."
    )
    disagreement: Literal["status_quo", "worst_point"] = Field(
        "status_quo",
        description="'status_quo': the issue's reference point where it has one, else each actor's "
        "worst point on the scale; 'worst_point': always the worst points.",
    )


PRESETS: dict[str, NashOptions] = {
    "achen2006": NashOptions(utility="quadratic", disagreement="status_quo"),
    "linear": NashOptions(utility="linear", disagreement="status_quo"),
}


def nash_bargaining(
    position: np.ndarray,
    salience: np.ndarray,
    capability: np.ndarray,
    scale_min: float,
    scale_max: float,
    status_quo: np.ndarray | float | None = None,
    options: NashOptions | None = None,
) -> np.ndarray:
    """The Nash bargaining solution per draw.

    ``position, salience, capability: (B, N)``; ``status_quo``: ``(B,)``, a float, or
    None (then worst points are used). Returns ``(B,)``.
    """
    options = options or NashOptions()
    position = np.atleast_2d(np.asarray(position, dtype=float))
    weight = np.broadcast_to(np.asarray(capability, dtype=float) * np.asarray(salience, dtype=float), position.shape)
    active = weight > 0
    if status_quo is None or options.disagreement == "worst_point":
        disagreement = np.where(position - scale_min >= scale_max - position, scale_min, scale_max)
        reference = None
    else:
        reference = np.broadcast_to(np.asarray(status_quo, dtype=float), position.shape[:1])
        disagreement = np.broadcast_to(reference[:, None], position.shape)
    reach = np.abs(disagreement - position)
    lower = np.where(active, position - reach, -np.inf).max(axis=1)
    upper = np.where(active, position + reach, np.inf).min(axis=1)
    lowest = np.where(active, position, np.inf).min(axis=1)
    highest = np.where(active, position, -np.inf).max(axis=1)
    feasible = lower < upper
    low = np.maximum(lower, lowest)
    high = np.minimum(upper, highest)

    def slope(outcome: np.ndarray) -> np.ndarray:
        offset = outcome[:, None] - position
        if options.utility == "quadratic":
            gain = reach**2 - offset**2
            derivative = -2.0 * offset
        else:
            gain = reach - np.abs(offset)
            derivative = -np.sign(offset)
        terms = np.where(active, weight * derivative / gain, 0.0)
        return terms.sum(axis=1)

    with np.errstate(divide="ignore", invalid="ignore"):
        for _ in range(BISECTION_STEPS):
            middle = (low + high) / 2.0
            rising = slope(middle) > 0
            low = np.where(rising, middle, low)
            high = np.where(rising, high, middle)
            if np.all(high - low <= 1e-15 * np.maximum(np.abs(high), 1.0)):
                break
    solution = (low + high) / 2.0
    if reference is not None:
        return np.where(feasible, solution, reference)
    return solution
