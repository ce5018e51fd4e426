"""The forecasts a ledger entry records: each chosen model, and two baselines to beat.

For each model the question is answered from the predictive distribution of the issue's
outcome, built by :func:`issue_outcome` from whatever the run provides: the model's
calibrated distribution (:mod:`realpolitik.analysis.scenario_calibration`; by default the
packaged calibration, fitted on EU legislation and so borrowed for any other negotiation) mixed with the reversion point by P(agreement) where the issue has veto
players, P(agreement) from a Monte Carlo run (:func:`realpolitik.analysis.montecarlo.simulate`,
the scenario's noise model, a seed); without a calibration (``ledger add --uncalibrated``),
the Monte Carlo draws of the outcome. The baselines:

* ``status-quo``: the status quo persists, all the probability at the issue's reversion
  point (its status quo unless a reversion point is declared); a naive forecast that
  every model should beat. Not recorded for an issue with neither.
* ``compromise``: the compromise model (capability x salience weighted mean; Achen
  2006), simulated like the models.

Every forecast keeps what is needed to make it again: the scenario's content hash
(SHA-256 of its canonical JSON), the model's options, the draws and noise, the seed and
the package version.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any

from realpolitik.analysis.calibrated import settlement_or_reversion
from realpolitik.analysis.distribution import MixedDistribution
from realpolitik.analysis.montecarlo import IssueDistribution, simulate
from realpolitik.analysis.questions import Question, distribution_to_dict
from realpolitik.forecast import resolve_options, run
from realpolitik.scenario import Scenario, Uncertainty
from realpolitik.store.ledger import NewForecast

STATUS_QUO = "status-quo"
COMPROMISE = "compromise"
BASELINES = (STATUS_QUO, COMPROMISE)


def scenario_hash(scenario: Scenario) -> str:
    """SHA-256 of the scenario's canonical JSON (keys sorted): equal for equal tables and events."""
    from realpolitik.io.native import scenario_to_dict

    text = json.dumps(scenario_to_dict(scenario), sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def issue_outcome(item: IssueDistribution, calibrated: MixedDistribution | None) -> tuple[MixedDistribution, str]:
    """The predictive distribution of an issue's outcome, and its basis, from what the run provides.

    ``item`` is the issue in a Monte Carlo run, ``calibrated`` the model's calibrated
    distribution of the settlement (None where there is none). With veto players, what
    happens is the settlement with probability P(agreement) and the reversion point
    otherwise (:func:`realpolitik.analysis.calibrated.settlement_or_reversion`); the draws
    already hold that mixture, draw by draw.
    """
    agreement = item.agreement_probability
    count = len(item.forecasts)
    draws = f"{count:,} draws"
    if calibrated is None:
        return (MixedDistribution.from_draws(item.outcomes),
                f"Monte Carlo draws ({draws})")
    if agreement is None or item.issue.reversion_point is None:
        return calibrated, "calibrated distribution"
    return (settlement_or_reversion(calibrated, agreement, item.issue.reversion_point),
            f"calibrated distribution, P(agreement) {agreement:.2f} ({round(agreement * count):,} of {draws})")


def _answer(question: Question, distribution: MixedDistribution) -> tuple[float | None, dict[str, Any]]:
    probability = question.probability(distribution) if question.kind == "binary" else None
    return probability, distribution_to_dict(distribution)


def forecast_question(scenario: Scenario, question: Question, models: Sequence[str], *, draws: int, seed: int,
                      calibration: Any = None, noise: Uncertainty | None = None, note: str | None = None,
                      client: Any = None) -> tuple[list[NewForecast], list[str]]:
    """The forecasts of ``question`` by ``models`` and the baselines, and notes on any left out.

    ``calibration`` is a :class:`realpolitik.analysis.calibration_file.CalibrationFile`; without
    one the forecasts come from the Monte Carlo draws alone.
    """
    from realpolitik import __version__

    from realpolitik.analysis.scenario_calibration import calibrate_forecast

    digest = scenario_hash(scenario)
    noise = noise or scenario.uncertainty or Uncertainty()
    issue = scenario.issue(question.issue)
    forecasts: list[NewForecast] = []
    notes: list[str] = []
    names = list(dict.fromkeys([*models, COMPROMISE]))
    for name in names:
        options = resolve_options(name)
        result = simulate(scenario, name, options, draws=draws, seed=seed, noise=noise, client=client)
        settlement = None
        if calibration is not None:
            forecast = run(scenario, name, options)
            calibrate_forecast(scenario, forecast, calibration)
            settlement = next(item.calibrated.distribution for item in forecast.issues
                              if item.issue.name == question.issue)
        distribution, basis = issue_outcome(result.issue(question.issue), settlement)
        probability, document = _answer(question, distribution)
        role = "model" if name in models else "baseline"
        forecasts.append(NewForecast(name, role, basis, probability, document, digest,
                                     {"options": options.model_dump(mode="json"), "draws": draws,
                                      "noise": noise.model_dump(),
                                      "calibration": None if calibration is None else calibration.summary},
                                     seed, __version__, note))
    reversion = issue.reversion_point
    if reversion is None:
        notes.append(f"no {STATUS_QUO} baseline: issue '{issue.name}' has neither a status quo nor a reversion point")
    else:
        probability, document = _answer(question, MixedDistribution.point(reversion))
        forecasts.append(NewForecast(STATUS_QUO, "baseline", f"the status quo persists ({reversion:g})",
                                     probability, document, digest, {}, None, __version__, note))
    return forecasts, notes
