"""Requests that run a model: sized for the web app, under the server's budget, and stopped
when their client leaves or their time limit passes (:mod:`realpolitik.budget`).

A run whose estimated cost exceeds the budget is refused before any work (422, with the
estimate); one that runs past its time limit or loses its client stops at the model's
next round (408) and stores nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import Request

from realpolitik.budget import WEB_BUDGET, Cancellation, budget_in_force, run_until_done
from realpolitik.forecast import ForecastRequestError
from realpolitik.scenario import Scenario
from realpolitik.web.schemas import MAX_WEB_ACTORS


async def run_bounded(request: Request, work: Callable[[], Any]) -> Any:
    """``work()`` in a worker thread under the app's budget, cancelled on disconnect or time limit."""
    budget = getattr(request.app.state, "budget", WEB_BUDGET)

    def bounded() -> Any:
        with budget_in_force(budget):
            return work()

    return await run_until_done(bounded, Cancellation(budget.max_seconds), request.is_disconnected)


def check_web_size(scenario: Scenario) -> None:
    """Refuse a scenario with more actors than the web app runs."""
    if len(scenario.actors) > MAX_WEB_ACTORS:
        raise ForecastRequestError(f"{len(scenario.actors)} actors is more than the {MAX_WEB_ACTORS} the web app "
                                   "runs; use the command line")
