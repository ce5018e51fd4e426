"""Compromise, weighted median and Nash bargaining on hand-derived cases."""

from __future__ import annotations

import numpy as np
import pytest

from realpolitik.models.compromise import compromise
from realpolitik.models.median import median_voter
from realpolitik.models.nash import NashOptions, nash_bargaining
from realpolitik.models.weighted import weighted_median


def test_compromise_is_the_capability_salience_weighted_mean():
    # (1*0.5*10 + 2*0.8*40 + 3*0.3*90) / (0.5 + 1.6 + 0.9) = (5 + 64 + 81) / 3 = 50
    assert compromise(np.array([[10.0, 40, 90]]), np.array([[0.5, 0.8, 0.3]]), np.array([[1.0, 2, 3]]))[0] == 50.0


def test_median_takes_the_position_where_half_the_weight_is_first_reached():
    # Weights 0.5, 1.6, 0.9 (total 3.0): cumulative 0.5, 2.1 -> 40 holds a majority.
    assert median_voter(np.array([[10.0, 40, 90]]), np.array([[0.5, 0.8, 0.3]]), np.array([[1.0, 2, 3]]))[0] == 40


def test_median_tie_takes_the_midpoint():
    # Two equal weights: neither position holds a strict majority.
    assert weighted_median(np.array([[20.0, 60.0]]), np.array([[1.0, 1.0]]))[0] == 40.0
    # A zero-weight actor between them does not count.
    assert weighted_median(np.array([[20.0, 30.0, 60.0]]), np.array([[1.0, 0.0, 1.0]]))[0] == 40.0
    # Just over half: that position wins outright.
    assert weighted_median(np.array([[20.0, 60.0]]), np.array([[1.0 + 1e-6, 1.0]]))[0] == 20.0


def test_median_of_the_emissions_example_is_seven():
    position = np.array([[4.0, 7, 4, 4, 10, 10, 10, 7, 4, 7]])
    weight = np.array([[0.064, 0.032, 0.006, 0.128, 0.096, 0.096, 0.144, 0.005, 0.05, 0.056]])
    # Cumulative weight at 4 is 0.248 of 0.677; at 7 it is 0.341 >= 0.3385.
    assert weighted_median(position, weight)[0] == 7.0


def test_nash_tends_to_the_weighted_mean_as_the_disagreement_point_recedes():
    """Achen (2006): quadratic utilities, disagreement point far from every position."""
    rng = np.random.default_rng(3)
    position = rng.uniform(0, 100, (1, 9))
    salience = rng.uniform(0.1, 1, (1, 9))
    capability = rng.uniform(1, 10, (1, 9))
    mean = compromise(position, salience, capability)[0]
    gaps = [abs(nash_bargaining(position, salience, capability, -1e7, 100, -distance)[0] - mean)
            for distance in (1e2, 1e3, 1e4, 1e5, 1e6)]
    assert all(later < earlier for earlier, later in zip(gaps, gaps[1:]))
    assert gaps[-1] < 1e-2


def test_nash_with_worst_points_lands_near_the_mean_pulled_to_the_middle():
    position = np.array([[10.0, 20.0, 30.0, 95.0]])
    salience = np.ones((1, 4))
    capability = np.ones((1, 4))
    mean = compromise(position, salience, capability)[0]  # 38.75
    value = nash_bargaining(position, salience, capability, 0.0, 100.0, None)[0]
    assert abs(value - mean) < 10
    assert value > mean  # toward 50, the middle of the scale


def test_nash_without_an_agreement_that_all_prefer_returns_the_status_quo():
    # Actors on both sides of the status quo 50: any move hurts one of them.
    position = np.array([[20.0, 80.0]])
    value = nash_bargaining(position, np.ones((1, 2)), np.ones((1, 2)), 0.0, 100.0, 50.0)
    assert value[0] == 50.0


def test_nash_with_everyone_on_one_side_of_the_status_quo():
    # q = 0, actors at 40 and 60, equal weights, quadratic: maximise
    # log(1600 - (o-40)^2) + log(3600 - (o-60)^2); the derivative vanishes where
    # (o-40)/(1600-(o-40)^2) + (o-60)/(3600-(o-60)^2) = 0, at o = 48.2 (by hand, bisection).
    value = nash_bargaining(np.array([[40.0, 60.0]]), np.ones((1, 2)), np.ones((1, 2)), 0.0, 100.0, 0.0)[0]
    lhs = (value - 40) / (1600 - (value - 40) ** 2) + (value - 60) / (3600 - (value - 60) ** 2)
    assert abs(lhs) < 1e-9
    assert 40 < value < 60


def test_linear_nash_with_worst_points():
    # Linear utilities, worst points: actor at 10 has worst point 100 (gain 90 - |o-10|), actors at 40 and
    # 90 likewise worst 100 / 0. Objective concave piecewise; check by brute force on a fine grid.
    position = np.array([[10.0, 40.0, 90.0]])
    salience = np.array([[0.5, 0.8, 0.3]])
    capability = np.array([[1.0, 2.0, 3.0]])
    value = nash_bargaining(position, salience, capability, 0.0, 100.0, None, NashOptions(utility="linear"))[0]
    grid = np.linspace(10, 90, 80001)
    weight = (salience * capability)[0]
    reach = np.array([90.0, 60.0, 90.0])
    objective = (weight * np.log(reach - np.abs(grid[:, None] - position[0]))).sum(axis=1)
    assert value == pytest.approx(grid[np.argmax(objective)], abs=1e-3)
