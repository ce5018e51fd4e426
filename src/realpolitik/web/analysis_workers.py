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
