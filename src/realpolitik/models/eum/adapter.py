"""The expected utility model in the forecast layer: one issue, a batch of draws."""

from __future__ import annotations

import numpy as np

from realpolitik.models.eum.kernel import MOVE_KINDS, EUMTrajectory, run_eum
from realpolitik.models.eum.options import EUMOptions
from realpolitik.models.runs import ActorMove, History, IssueRun
from realpolitik.models.stability import classify
from realpolitik.scenario import Issue


def run_issue(issue: Issue, position, salience, capability, options: EUMOptions) -> IssueRun:
    """Run the model on ``position, salience, capability (B, N)``. The forecast is the weighted
    median (or mean, ``options.forecast``) of the last round, or its mean over one period where
    the positions cycle (:mod:`realpolitik.models.stability`; a state repeats within
    ``options.tolerance x Δ``, Δ the spread of the initial positions)."""
    trajectory = run_eum(position, salience, capability, options)
    series = trajectory.weighted_median if options.forecast == "median" else trajectory.weighted_mean
    start = trajectory.positions[0]
    spread = start.max(axis=1) - start.min(axis=1)
    stability = classify(trajectory.positions, series, options.tolerance * np.where(spread > 0, spread, 1.0),
                         trajectory.stopped)
    return IssueRun(stability.forecast, lambda: first_draw_history(trajectory), stability)


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
