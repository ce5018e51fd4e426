"""The analyses of a stored forecast run, computed once after the run and stored with it.

Per model of the run: ``sensitivity`` (Monte Carlo of the inputs, :data:`VIEW_DRAWS` draws
with seed :data:`VIEW_SEED`, carrying P(agreement) on issues with veto players),
``levers`` (the sweep of every issue) and ``calibrated`` (each issue's calibrated
forecast, mixed with the reversion point by P(agreement) where there are veto players,
with its whole distribution, from which threshold probabilities are read);
per run, ``outlook`` (the answer first, :mod:`realpolitik.analysis.outlook`, for the
headline model: the expected utility model when it ran, else the first). The contract
of what is stored, and of the web API that reports it, is ``docs/run-analyses.md``.

:func:`compute_analyses` works through a run's queued analyses in order (each model's lever
sweep beside its Monte Carlo draws, on a second thread), recording each
one's status, progress and result in the store (:mod:`realpolitik.store.analyses`); an
analysis that fails is recorded with its message, and those that need it fail with a
message naming it. Nothing here renders: pages and reports read what is stored.
"""

from __future__ import annotations

import contextvars
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from realpolitik.analysis.distributed import IN_THIS_THREAD
from realpolitik.budget import RunCancelled
from realpolitik.comparison import documents_of
from realpolitik.forecast import MODELS
from realpolitik.scenario import load_scenario_dict
from realpolitik.store import StoredRun
from realpolitik.store.analyses import PlannedAnalysis, update_analysis

#: Monte Carlo draws behind a run's sensitivity (and P(agreement)), and their seed.
VIEW_DRAWS = 500
VIEW_SEED = 0
#: Progress is written to the store at most this often, in seconds.
PROGRESS_INTERVAL_S = 0.25


class AnalysisFailed(Exception):
    """An analysis could not be computed; the message says why in one sentence."""


def headline_model(models: list[str]) -> str:
    """The model whose outlook a run shows first: the expected utility model when it ran, else the first."""
    return "eum" if "eum" in models else models[0]


def plan(stored: StoredRun) -> list[PlannedAnalysis]:
    """The analyses of a forecast run, in the order they are computed."""
    issues = len(stored.scenario["issues"]) if stored.scenario else 0
    planned = []
    for document in documents_of(stored.result):
        model = document["model"]
        planned += [PlannedAnalysis("sensitivity", model, VIEW_DRAWS, "draws"),
                    PlannedAnalysis("levers", model, issues, "issues"),
                    PlannedAnalysis("calibrated", model, issues, "issues")]
    return planned + [PlannedAnalysis("outlook", None, issues, "issues")]


def _reporter(stored: StoredRun, name: str, model: str | None, db: str | None) -> Callable[[int], None]:
    """``progress(done)`` writing to the store at most every :data:`PROGRESS_INTERVAL_S` seconds."""
    last = [0.0]

    def progress(done: int) -> None:
        now = time.monotonic()
        if now - last[0] >= PROGRESS_INTERVAL_S:
            last[0] = now
            update_analysis(stored.id, name, model, db, done=done)

    return progress


def compute_analyses(stored: StoredRun, db: str | None = None, client: Any = IN_THIS_THREAD,
                     finished: Callable[[int], None] | None = None) -> None:
    """Compute every analysis of ``stored`` (queued with :func:`realpolitik.store.analyses.queue_analyses`)
    and record each in the store ``db``; ``client`` runs the draws (default: in this thread);
    ``finished(n)`` is called with the number of analyses finished so far."""
    from realpolitik.analysis.levers import analyse_levers
    from realpolitik.analysis.montecarlo import simulate
    from realpolitik.analysis.calibration_file import read_calibration
    from realpolitik.analysis.questions import distribution_to_dict
    from realpolitik.analysis.scenario_calibration import calibrate_forecast
    from realpolitik.comparison import add_outlook, agreement_from
    from realpolitik.forecast import run

    scenario = load_scenario_dict(stored.scenario)
    documents = documents_of(stored.result)
    models = [document["model"] for document in documents]
    simulations: dict[str, Any] = {}
    levers: dict[str, Any] = {}
    forecasts: dict[str, Any] = {}
    agreed: dict[str, dict[str, Any]] = {}

    count = [0]
    counting = threading.Lock()

    def step(name: str, model: str | None, compute: Callable[[Callable[[int], None]], Any]) -> None:
        step_once(name, model, compute)
        with counting:
            count[0] += 1
            if finished is not None:
                finished(count[0])

    def step_once(name: str, model: str | None, compute: Callable[[Callable[[int], None]], Any]) -> None:
        update_analysis(stored.id, name, model, db, status="running")
        try:
            result = compute(_reporter(stored, name, model, db))
        except RunCancelled as error:
            update_analysis(stored.id, name, model, db, status="failed", message=str(error))
            raise
        except AnalysisFailed as error:
            update_analysis(stored.id, name, model, db, status="failed", message=str(error))
        except Exception as error:  # noqa: BLE001 - any failure of one analysis is recorded, the others go on
            update_analysis(stored.id, name, model, db, status="failed",
                            message=f"{type(error).__name__}: {error}".splitlines()[0][:1000])
        else:
            update_analysis(stored.id, name, model, db, status="done", result=result)

    def needs(kept: dict[str, Any], model: str, what: str) -> Any:
        if model not in kept:
            raise AnalysisFailed(f"needs the {what} of the {model} model, which failed")
        return kept[model]

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="run-analyses-levers") as side:
        for document in documents:
            model = document["model"]
            options = MODELS[model].options_type.model_validate(stored.options[model])
            preset = document.get("preset")

            def sensitivity(progress, model=model, options=options, preset=preset):
                simulations[model] = simulate(scenario, model, options, preset=preset, draws=VIEW_DRAWS,
                                              seed=VIEW_SEED, client=client, progress=progress)
                return simulations[model].to_dict()

            def swept(progress, model=model, options=options, preset=preset):
                levers[model] = analyse_levers(scenario, model, options, preset=preset, client=client,
                                               progress=progress)
                return levers[model].to_dict()

            def calibrated(progress, model=model, options=options, preset=preset):
                simulation = needs(simulations, model, "sensitivity")
                forecast = run(scenario, model, options, preset)
                calibration = read_calibration(None)
                calibrate_forecast(scenario, forecast, calibration)
                agreed[model] = forecast.to_dict()
                agreement_from(simulation, forecast, agreed[model], None)
                forecasts[model] = forecast
                return {"issues": [{"issue": item["issue"], "calibrated": item.get("calibrated"),
                                    "agreement": item.get("agreement"),
                                    "distribution": distribution_to_dict(issue.calibrated.distribution)
                                    if issue.calibrated is not None else None}
                                   for item, issue in zip(agreed[model]["issues"], forecast.issues)],
                        "calibration": {"summary": calibration.summary, "kind": calibration.fitted_on.get("kind"),
                                        "borrowed_from": calibration.borrowed_for(scenario.kind)}}

            # The lever sweep runs beside the draws, on a thread of its own (the same cancellation applies).
            sweeping = side.submit(contextvars.copy_context().run, step, "levers", model, swept)
            step("sensitivity", model, sensitivity)
            sweeping.result()
            step("calibrated", model, calibrated)

    def outlook(progress):
        headline = headline_model(models)
        sentences = {item.issue.name: item.sentence() for item in needs(levers, headline, "levers").issues}
        ordered = [needs(forecasts, model, "calibrated forecast") for model in models]
        return add_outlook(scenario, ordered, [agreed[model] for model in models], sentences)

    step("outlook", None, outlook)
