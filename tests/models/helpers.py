"""One property suite that every one-issue model's kernel must pass.

Each model is wrapped as ``forecast(position, salience, capability, scale_min, scale_max)``
on ``(B, N)`` arrays returning ``(B,)``; the properties come from models.md:
invariance to the order of actors, equivariance to an affine change of the scale,
forecast within the range of positions, and the same output for the same input.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays


@st.composite
def issue_tables(draw, min_actors: int = 2, max_actors: int = 9):
    """A random one-issue table on 0..100: positions on a 0.5 grid (ties happen), saliences, capabilities."""
    count = draw(st.integers(min_actors, max_actors))
    position = draw(arrays(float, count, elements=st.integers(0, 200).map(lambda v: v / 2.0)))
    salience = draw(arrays(float, count, elements=st.floats(0.05, 1.0)))
    capability = draw(arrays(float, count, elements=st.floats(0.1, 100.0)))
    return position, salience, capability


def check_order_invariance(forecast, table, permutation_seed: int) -> None:
    position, salience, capability = table
    order = np.random.default_rng(permutation_seed).permutation(len(position))
    plain = forecast(position[None], salience[None], capability[None], 0.0, 100.0)
    shuffled = forecast(position[order][None], salience[order][None], capability[order][None], 0.0, 100.0)
    np.testing.assert_allclose(shuffled, plain, rtol=0, atol=1e-7)


def check_affine_equivariance(forecast, table, scale: float, shift: float) -> None:
    position, salience, capability = table
    plain = forecast(position[None], salience[None], capability[None], 0.0, 100.0)
    low, high = sorted((shift, 100.0 * scale + shift))
    moved = forecast((scale * position + shift)[None], salience[None], capability[None], low, high)
    np.testing.assert_allclose(moved, scale * plain + shift, rtol=0, atol=1e-7 * max(1.0, abs(scale) * 100))


def check_within_range(forecast, table) -> None:
    position, salience, capability = table
    value = forecast(position[None], salience[None], capability[None], 0.0, 100.0)[0]
    assert position.min() - 1e-9 <= value <= position.max() + 1e-9


def check_deterministic(forecast, table) -> None:
    position, salience, capability = table
    first = forecast(position[None], salience[None], capability[None], 0.0, 100.0)
    second = forecast(position.copy()[None], salience.copy()[None], capability.copy()[None], 0.0, 100.0)
    np.testing.assert_array_equal(first, second)
