"""A draw's EUM run does not depend on the other draws of its batch, to the last bit."""

from __future__ import annotations

import numpy as np

from realpolitik.models.eum import EUMOptions, run_eum


def test_each_draw_of_a_batch_equals_its_run_alone():
    rng = np.random.default_rng(21)
    position = rng.choice(np.linspace(0, 100, 41), (30, 9))  # ties and voters on midpoints happen
    salience = rng.uniform(0.05, 1.0, (30, 9))
    capability = rng.uniform(1, 100, (30, 9))
    for options in (EUMOptions(rounds=6), EUMOptions(rounds=6, probability="pairwise", status_quo_probability=0.5)):
        batch = run_eum(position, salience, capability, options)
        for draw in range(30):
            alone = run_eum(position[draw], salience[draw], capability[draw], options)
            rounds = alone.rounds_run + 1
            np.testing.assert_array_equal(batch.positions[:rounds, draw], alone.positions[:, 0])
            np.testing.assert_array_equal(batch.positions[rounds:, draw],
                                          np.broadcast_to(alone.positions[-1, 0], batch.positions[rounds:, draw].shape))
            np.testing.assert_array_equal(batch.weighted_median[:rounds, draw], alone.weighted_median[:, 0])
