"""Proper scores on cases worked out by hand."""

import math

import numpy as np
import pytest

from realpolitik.analysis.distribution import MixedDistribution
from realpolitik.analysis.scores import (
    brier,
    central_level,
    coverage,
    crps,
    crps_of_draws,
    log_score,
    mean_width,
    pit_histogram,
    pit_range,
)


@pytest.mark.parametrize("value, outcome", [(30.0, 70.0), (70.0, 30.0), (42.0, 42.0)])
def test_crps_of_a_point_mass_is_the_absolute_error(value, outcome):
    assert crps(MixedDistribution.point(value), outcome) == pytest.approx(abs(value - outcome))
    assert crps_of_draws([value], outcome) == pytest.approx(abs(value - outcome))


def test_crps_of_a_two_point_distribution():
    # Half at 0, half at 10, outcome 0: E|X - o| = 5, E|X - X'| = 5, CRPS = 5 - 2.5 = 2.5;
    # by the integral: F = 1/2 on [0, 10) against the step 1, (1/2)^2 * 10 = 2.5.
    two_points = MixedDistribution.create([0.0, 10.0], [0.5, 0.5])
    assert crps(two_points, 0.0) == pytest.approx(2.5)
    assert crps_of_draws([0.0, 10.0], 0.0) == pytest.approx(2.5)
    # 0.2 at 0, 0.8 at 10, outcome 4: F = 0.2 on [0, 10); 0.2^2 * 4 + 0.8^2 * 6 = 0.16 + 3.84 = 4;
    # E|X - o| - E|X - X'| / 2 = (0.2 * 4 + 0.8 * 6) - (2 * 0.2 * 0.8 * 10) / 2 = 5.6 - 1.6 = 4.
    assert crps(MixedDistribution.create([0.0, 10.0], [0.2, 0.8]), 4.0) == pytest.approx(4.0)
    # Outside the support: 0.2 at 0, 0.8 at 10, outcome 20: 0.2^2*10 + 1^2*10 = 10.4 (= 0.2*20 + 0.8*10 - 0.16*10).
    assert crps(MixedDistribution.create([0.0, 10.0], [0.2, 0.8]), 20.0) == pytest.approx(10.4)


def test_crps_of_a_uniform_distribution():
    # Uniform on [0, 1], outcome 1/2: 2 * integral_0^1/2 x^2 dx = 1/12.
    uniform = MixedDistribution.create([], [], [0.0, 1.0], [1.0])
    assert crps(uniform, 0.5) == pytest.approx(1 / 12)
    # Outcome 0: integral_0^1 (x - 1)^2 dx = 1/3.
    assert crps(uniform, 0.0) == pytest.approx(1 / 3)


def test_crps_of_an_atom_with_a_continuous_part():
    # Half at 0 and half uniform on [0, 2], outcome 2: F = 1/2 + x/4 on [0, 2), step 0,
    # integral_0^2 (1/2 + x/4)^2 dx = [ (1/2 + x/4)^3 * 4/3 ]_0^2 = (1 - 1/8) * 4/3 = 7/6.
    mixed = MixedDistribution.create([0.0], [0.5], [0.0, 2.0], [0.5])
    assert crps(mixed, 2.0) == pytest.approx(7 / 6)


def test_quantiles_and_central_intervals():
    two_points = MixedDistribution.create([0.0, 10.0], [0.3, 0.7])
    assert two_points.median == 10.0
    assert two_points.central_interval(0.3) == (10.0, 10.0)  # Q(0.35) = Q(0.65) = 10
    assert two_points.central_interval(0.5) == (0.0, 10.0)  # Q(0.25) = 0 since F(0) = 0.3
    uniform = MixedDistribution.create([], [], [0.0, 100.0], [1.0])
    assert uniform.central_interval(0.8) == pytest.approx((10.0, 90.0))


def test_pit_of_an_atom_is_a_range_and_of_a_continuous_part_a_point():
    two_points = MixedDistribution.create([0.0, 10.0], [0.3, 0.7])
    assert pit_range(two_points, 10.0) == pytest.approx((0.3, 1.0))
    assert pit_range(two_points, 5.0) == pytest.approx((0.3, 0.3))
    uniform = MixedDistribution.create([], [], [0.0, 100.0], [1.0])
    assert pit_range(uniform, 25.0) == pytest.approx((0.25, 0.25))


def test_pit_histogram():
    # Points 0.05 and 0.95 put one outcome each in the first and last of ten bins;
    # the range [0, 1] spreads its unit evenly, 0.1 per bin. Mean over the three outcomes.
    histogram = pit_histogram([0.05, 0.95, 0.0], [0.05, 0.95, 1.0])
    expected = np.full(10, 0.1 / 3)
    expected[0] += 1 / 3
    expected[-1] += 1 / 3
    assert histogram == pytest.approx(expected)
    # The range [0.2, 0.4] covers the third and fourth bins, half each.
    assert pit_histogram([0.2], [0.4]) == pytest.approx([0, 0, 0.5, 0.5, 0, 0, 0, 0, 0, 0])


def test_central_level():
    uniform = MixedDistribution.create([], [], [0.0, 100.0], [1.0])
    assert central_level(uniform, 50.0) == pytest.approx(0.0)
    assert central_level(uniform, 10.0) == pytest.approx(0.8)
    assert central_level(uniform, 95.0) == pytest.approx(0.9)
    # Atom at 10 holding 0.7 of the mass above 0.3 at 0: 10 is inside every central interval.
    assert central_level(MixedDistribution.create([0.0, 10.0], [0.3, 0.7]), 10.0) == 0.0
    assert central_level(MixedDistribution.create([0.0, 10.0], [0.3, 0.7]), 0.0) == pytest.approx(0.4)


def test_coverage_and_width():
    low, high = [0.0, 10.0, 20.0, 30.0], [10.0, 20.0, 30.0, 40.0]
    # Bounds count as inside: 10 in [0, 10], 25 not in [10, 20], 20 in [20, 30], 41 not in [30, 40].
    assert coverage(low, high, [10.0, 25.0, 20.0, 41.0]) == 0.5
    assert mean_width(low, high) == 10.0


def test_log_score_and_brier():
    uniform = MixedDistribution.create([], [], [0.0, 100.0], [1.0])
    assert log_score(uniform, 37.0, 0.0, 100.0) == pytest.approx(math.log(0.05))
    assert log_score(uniform, 100.0, 0.0, 100.0) == pytest.approx(math.log(0.05))
    atom = MixedDistribution.create([50.0], [1.0])
    assert log_score(atom, 52.0, 0.0, 100.0) == pytest.approx(0.0)  # same bin [50, 55)
    assert log_score(atom, 45.0, 0.0, 100.0) == pytest.approx(math.log(1e-3))  # floored
    assert brier([0.8, 0.3], [1, 0]) == pytest.approx((0.04 + 0.09) / 2)
