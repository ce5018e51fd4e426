"""The veto-player model in the forecast layer, with the roles an issue declares.

Veto players: the issue's ``veto_players``; an issue that declares none is decided by
consensus, every participant a veto player (any party can walk away, as in the feasible
set of the Nash solution, :mod:`realpolitik.models.nash`).
Reversion point: the issue's ``reversion``, else its status quo. An issue with neither
(it then declares no roles, which validation ensures) has no winset to speak of: no
outcome is worse for everyone than no agreement, and the forecast is the target itself,
the compromise model's weighted mean. The target is the agenda setter's ideal where the
issue declares one, else the capability x salience weighted mean of every participant.
The run's stop reason says which of these applied and gives the first draw's winset.
"""

from __future__ import annotations

import numpy as np

from realpolitik.models.runs import IssueRun, initial_history
from realpolitik.models.veto.kernel import unanimity_winset, veto_outcome
from realpolitik.models.veto.options import VetoOptions
from realpolitik.models.weighted import weighted_mean
from realpolitik.scenario import Issue


def run_issue(issue: Issue, position, salience, capability, options: VetoOptions) -> IssueRun:
    """The outcome for ``position, salience, capability (B, N)`` (the issue's participants, in
    the scenario's order)."""
    if options.roles != "declared":
        from realpolitik.forecast import ForecastRequestError

        raise ForecastRequestError("the veto model's EU presets read the procedure DEU III records for each "
                                   "issue; run them with 'realpolitik backtest deu3', or use preset tsebelis2002")
    position = np.atleast_2d(np.asarray(position, dtype=float))
    weight = np.broadcast_to(np.asarray(capability, dtype=float) * np.asarray(salience, dtype=float), position.shape)
    setter = issue.agenda_setter_index()
    target = position[:, setter] if setter is not None else weighted_mean(position, weight)
    reversion = issue.reversion_point
    if reversion is None:
        return IssueRun(target, lambda: _history(position, weight, "no reversion point or status quo: no winset "
                                                                   "binds; the weighted mean"))
    veto = issue.veto_player_indices() if issue.veto_players else np.arange(position.shape[1])
    low, high = unanimity_winset(position[:, veto], np.full(position.shape[0], reversion))
    outcome = veto_outcome(low, high, target)
    players = ", ".join(issue.veto_players) if issue.veto_players else "every participant (none declared)"
    chooser = f"agenda setter {issue.agenda_setter}" if setter is not None else "nearest the weighted mean"
    winset = (f"winset {{{reversion:.1f}}}: nothing beats the reversion point" if high[0] - low[0] <= 0
              else f"winset {low[0]:.1f}..{high[0]:.1f} against reversion {reversion:.1f}; {chooser}")
    return IssueRun(outcome, lambda: _history(position, weight, f"{winset} (veto players: {players})"))


def _history(position: np.ndarray, weight: np.ndarray, reason: str):
    history = initial_history(position, weight)
    history.stop_reason = reason
    return history
