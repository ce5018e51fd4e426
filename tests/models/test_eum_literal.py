"""The vectorised EUM kernel against the literal loop implementation of docs/models.md section 4."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks.eum_literal import check_agreement, literal_probability
from realpolitik.models.eum import probability_of_success


def test_the_kernel_agrees_with_the_literal_loops_to_1e_9():
    assert check_agreement(seeds=range(3), tolerance=1e-9) == []


@pytest.mark.parametrize("rule", ["scholz", "pairwise"])
def test_probabilities_agree_on_ties_and_voters_on_midpoints(rule):
    rng = np.random.default_rng(8)
    position = rng.choice(np.linspace(0, 10, 11), 9)
    weight = rng.uniform(0.1, 1.0, 9)
    exponent = rng.uniform(0.5, 2.0, 9)
    delta = float(np.ptp(position))
    fast = probability_of_success(position[None], weight[None], exponent[None], np.array([delta]), rule)[0]
    slow = np.array(literal_probability(position.tolist(), weight.tolist(), exponent.tolist(), delta, rule))
    np.testing.assert_allclose(fast, slow, atol=1e-12, rtol=0)
