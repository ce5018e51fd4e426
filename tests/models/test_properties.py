"""Properties every one-issue model must have (models.md, "Conventions shared by every model")."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from realpolitik.models.compromise import compromise
from realpolitik.models.eum import EUMOptions, run_eum
from realpolitik.models.median import median_voter
from realpolitik.models.nash import NashOptions, nash_bargaining
from tests.models.helpers import (
    check_affine_equivariance,
    check_deterministic,
    check_order_invariance,
    check_within_range,
    issue_tables,
)


def _eum(options: EUMOptions):
    def forecast(position, salience, capability, scale_min, scale_max):
        return run_eum(position, salience, capability, options).weighted_median[-1]

    return forecast


MODELS = {
    "compromise": lambda x, s, c, low, high: compromise(x, s, c),
    "median": lambda x, s, c, low, high: median_voter(x, s, c),
    "nash-quadratic": lambda x, s, c, low, high: nash_bargaining(x, s, c, low, high, None, NashOptions()),
    "nash-linear": lambda x, s, c, low, high: nash_bargaining(x, s, c, low, high, None,
                                                              NashOptions(utility="linear")),
    "eum-scholz": _eum(EUMOptions(rounds=6)),
    "eum-pairwise": _eum(EUMOptions(rounds=6, probability="pairwise", compromise_choice="least_movement")),
}

# Positions on a continuous scale: exact ties between different actors' offers have
# probability zero, so reordering actors cannot flip a tie-break.
continuous_tables = st.integers(2, 9).flatmap(
    lambda n: st.tuples(
        st.lists(st.floats(0, 100), min_size=n, max_size=n).map(np.array),
        st.lists(st.floats(0.05, 1.0), min_size=n, max_size=n).map(np.array),
        st.lists(st.floats(0.1, 100.0), min_size=n, max_size=n).map(np.array),
    )
)


@pytest.mark.parametrize("name", list(MODELS))
@settings(max_examples=40, deadline=None)
@given(table=continuous_tables, seed=st.integers(0, 2**32 - 1))
def test_actor_order_does_not_matter(name, table, seed):
    check_order_invariance(MODELS[name], table, seed)


@pytest.mark.parametrize("name", list(MODELS))
@settings(max_examples=40, deadline=None)
@given(table=continuous_tables, scale=st.floats(0.01, 100.0), shift=st.floats(-1000, 1000))
def test_affine_change_of_scale_carries_through(name, table, scale, shift):
    # Two positions a hair apart (under 1e-6 of the scale) put a round's move on the dynamic models'
    # convergence tolerance (1e-9 of the range), where the rounding of a shifted scale decides whether the
    # run stops: a knife-edge of floating point, not of the arithmetic under test.
    gaps = np.abs(np.subtract.outer(table[0], table[0]))
    assume(not np.any((gaps > 0) & (gaps < 1e-6)))
    check_affine_equivariance(MODELS[name], table, scale, shift)


@pytest.mark.parametrize("name", ["compromise", "median", "nash-quadratic", "nash-linear"])
@settings(max_examples=40, deadline=None)
@given(table=continuous_tables, scale=st.floats(-100.0, -0.01), shift=st.floats(-1000, 1000))
def test_reflected_scale_carries_through(name, table, scale, shift):
    check_affine_equivariance(MODELS[name], table, scale, shift)


@pytest.mark.parametrize("name", list(MODELS))
@settings(max_examples=60, deadline=None)
@given(table=issue_tables())
def test_forecast_lies_within_the_positions(name, table):
    check_within_range(MODELS[name], table)


@pytest.mark.parametrize("name", list(MODELS))
@settings(max_examples=20, deadline=None)
@given(table=issue_tables())
def test_same_input_same_output(name, table):
    check_deterministic(MODELS[name], table)
