"""The expected utility model in the forecast layer: one issue, a batch of draws."""

from __future__ import annotations

import numpy as np

from realpolitik.models.eum.kernel import MOVE_KINDS, EUMTrajectory, run_eum
from realpolitik.models.eum.options import EUMOptions
from realpolitik.models.runs import ActorMove, History, IssueRun
from realpolitik.scenario import Issue


def run_issue(issue: Issue, position, salience, capability, options: EUMOptions) -> IssueRun:
    """Run the model on ``position, salience, capability (B, N)``; the forecast is the weighted
    median (or mean, ``options.forecast``) of the last round."""
    trajectory = run_eum(position, salience, capability, options)
    final = trajectory.weighted_median if options.forecast == "median" else trajectory.weighted_mean
    return IssueRun(final[-1], lambda: first_draw_history(trajectory))


def first_draw_history(trajectory: EUMTrajectory) -> History:
    """The rounds of the first draw, with each round's risk exponents and accepted offers."""
    positions = trajectory.positions[:, 0]
    moves: list[list[ActorMove]] = [[]]
    for t in range(trajectory.rounds_run):
        moves.append([ActorMove(index, MOVE_KINDS[kind], int(trajectory.move_partner[t, 0, index]),
                                float(positions[t + 1, index]))
                      for index, kind in enumerate(trajectory.move_kind[t, 0].tolist()) if kind])
    return History(np.arange(positions.shape[1]), positions, trajectory.weighted_mean[:, 0],
                   trajectory.weighted_median[:, 0], moves, trajectory.stop_reason, trajectory.risk_exponents[:, 0])
