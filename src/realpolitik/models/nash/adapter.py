"""The Nash bargaining solution in the forecast layer: the issue's scale and status quo set the feasible set."""

from __future__ import annotations

import numpy as np

from realpolitik.models.nash.kernel import NashOptions, nash_bargaining
from realpolitik.models.runs import IssueRun, initial_history
from realpolitik.scenario import Issue


def run_issue(issue: Issue, position, salience, capability, options: NashOptions) -> IssueRun:
    """The solution for ``position, salience, capability (B, N)`` on the issue's scale."""
    forecast = nash_bargaining(position, salience, capability, issue.scale_min, issue.scale_max, issue.status_quo,
                               options)
    return IssueRun(forecast, lambda: initial_history(position, np.asarray(capability) * np.asarray(salience)))
