"""The web app's background work: each forecast run's analyses, computed after the run answers.

A pool of worker threads (one per core) takes runs in the order they are made; each
run's analyses are computed by one worker (:func:`realpolitik.analysis.run_analyses.compute_analyses`)
and stored as they finish. Runs proceed side by side, one per worker: no lock serialises
them. A run whose analyses were never queued (made on the command line, or stored before
this existed) is queued when someone asks for them.
"""

from __future__ import annotations

import logging
import os
from concurrent.futures import ThreadPoolExecutor

from realpolitik.budget import Cancellation, RunCancelled, cancellable
from realpolitik.store import StoredRun
from realpolitik.store.analyses import queue_analyses

log = logging.getLogger(__name__)


class AnalysisWorkers:
    """Computes the analyses of forecast runs stored in ``db`` on ``workers`` threads."""

    def __init__(self, db: str, workers: int | None = None) -> None:
        self.db = db
        self.pool = ThreadPoolExecutor(max_workers=workers or max(1, os.cpu_count() or 1),
                                       thread_name_prefix="run-analyses")
        self.stopping = Cancellation()

    def close(self) -> None:
        """Stop: queued runs are dropped, running ones stop at their next round (and stay as they are
        in the store: an analysis that was running is recorded as stopped)."""
        self.stopping.cancel("the server is shutting down")
        self.pool.shutdown(wait=True, cancel_futures=True)

    def start(self, stored: StoredRun) -> bool:
        """Queue the analyses of the forecast run ``stored`` and start computing them, unless
        they were queued before; returns whether they were started now."""
        from realpolitik.analysis.run_analyses import plan

        if not queue_analyses(stored.id, plan(stored), self.db):
            return False
        self.pool.submit(self._compute, stored)
        return True

    def _compute(self, stored: StoredRun) -> None:
        from realpolitik.analysis.run_analyses import compute_analyses

        try:
            with cancellable(self.stopping):
                compute_analyses(stored, self.db)
        except RunCancelled:
            pass
        except Exception:  # noqa: BLE001 - a store that cannot be written: logged, the app goes on
            log.exception("the analyses of run %s could not be recorded", stored.id)


#: A small table every model runs at start-up (see :func:`warm_up`).
_WARM_UP_SCENARIO = {
    "name": "warm-up",
    "issues": [{"name": name, "anchors": {0: "no", 100: "yes"}, "veto_players": ["A"], "reversion": 0}
               for name in ("x", "y")],
    "actors": [{"name": name, "capability": capability,
                "stances": {"x": {"position": position, "salience": 60}, "y": {"position": 100 - position,
                                                                                "salience": 40}}}
               for name, capability, position in (("A", 3, 20), ("B", 2, 70), ("C", 1, 90))],
}


def warm_up() -> None:
    """Run every model, its Monte Carlo draws, lever sweep and calibrated forecast once on a
    three-actor table, so that a server's first run does not wait for imports and for
    compiled kernels to load (about a second on two cores, on a thread of its own at start-up)."""
    from realpolitik.analysis.calibration_file import read_calibration
    from realpolitik.analysis.distributed import IN_THIS_THREAD
    from realpolitik.analysis.levers import analyse_levers
    from realpolitik.analysis.montecarlo import simulate
    from realpolitik.analysis.scenario_calibration import calibrate_forecast
    from realpolitik.comparison import add_outlook  # noqa: F401 - imported for the first run's outlook
    from realpolitik.forecast import MODELS, run
    from realpolitik.scenario import load_scenario_dict

    scenario = load_scenario_dict(_WARM_UP_SCENARIO)
    calibration = read_calibration(None)
    for model in MODELS:
        calibrate_forecast(scenario, run(scenario, model), calibration)
        simulate(scenario, model, draws=2, client=IN_THIS_THREAD)
        analyse_levers(scenario, model, client=IN_THIS_THREAD)
