"""The forecasts a ledger entry records: each chosen model, and two baselines to beat.

For each model the question's issue is simulated by Monte Carlo
(:func:`realpolitik.analysis.montecarlo.simulate`, the scenario's noise model, a seed)
and the question is answered from the issue's predictive distribution of the outcome,
built by :func:`issue_outcome` from whatever the run provides. The baselines:

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

from realpolitik.analysis.distribution import MixedDistribution
from realpolitik.analysis.montecarlo import IssueDistribution, simulate
from realpolitik.analysis.questions import Question, distribution_to_dict, outcome_distribution
from realpolitik.forecast import resolve_options
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


def issue_outcome(item: IssueDistribution) -> tuple[MixedDistribution, str]:
    """The predictive distribution of an issue's outcome from a Monte Carlo run, and its basis.

    The one place that turns what a run provides into the distribution a question is
    answered from: the draws of the settlement (each with mass 1/B), mixed with the
    reversion point by P(agreement) (:func:`realpolitik.analysis.questions.outcome_distribution`)
    where the run gives one for an issue with veto players.
    """
    settlement = MixedDistribution.from_draws(item.forecasts)
    basis = f"Monte Carlo draws ({len(item.forecasts):,})"
    agreement = getattr(item, "agreement_probability", None)
    if agreement is not None and item.issue.reversion_point is not None:
        return (outcome_distribution(settlement, float(agreement), item.issue.reversion_point),
                basis + f", P(agreement) {float(agreement):.2f}")
    return settlement, basis


def _answer(question: Question, distribution: MixedDistribution) -> tuple[float | None, dict[str, Any]]:
    probability = question.probability(distribution) if question.kind == "binary" else None
    return probability, distribution_to_dict(distribution)


def forecast_question(scenario: Scenario, question: Question, models: Sequence[str], *, draws: int, seed: int,
                      noise: Uncertainty | None = None, note: str | None = None,
                      client: Any = None) -> tuple[list[NewForecast], list[str]]:
    """The forecasts of ``question`` by ``models`` and the baselines, and notes on any left out."""
    from realpolitik import __version__

    digest = scenario_hash(scenario)
    noise = noise or scenario.uncertainty or Uncertainty()
    issue = scenario.issue(question.issue)
    forecasts: list[NewForecast] = []
    notes: list[str] = []
    names = list(dict.fromkeys([*models, COMPROMISE]))
    for name in names:
        options = resolve_options(name)
        result = simulate(scenario, name, options, draws=draws, seed=seed, noise=noise, client=client)
        distribution, basis = issue_outcome(result.issue(question.issue))
        probability, document = _answer(question, distribution)
        role = "model" if name in models else "baseline"
        forecasts.append(NewForecast(name, role, basis, probability, document, digest,
                                     {"options": options.model_dump(mode="json"), "draws": draws,
                                      "noise": noise.model_dump()}, seed, __version__, note))
    reversion = issue.reversion_point
    if reversion is None:
        notes.append(f"no {STATUS_QUO} baseline: issue '{issue.name}' has neither a status quo nor a reversion point")
    else:
        probability, document = _answer(question, MixedDistribution.point(reversion))
        forecasts.append(NewForecast(STATUS_QUO, "baseline", f"the status quo persists ({reversion:g})",
                                     probability, document, digest, {}, None, __version__, note))
    return forecasts, notes
