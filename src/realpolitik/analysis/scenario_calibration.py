"""The calibrated distribution of each issue of a scenario forecast.

For each issue, the candidates (:func:`realpolitik.analysis.predictive.issue_candidates`)
are the actors' positions, the status quo, the compromise forecast, the weighted
median and the model's forecast, weighted by capability x salience; the model's own
calibration applies where the file has one, the compromise model's otherwise (its
candidates then hold the compromise forecast as the model's).

A calibration fitted on EU legislation is borrowed when it is applied to any other kind
of negotiation (a scenario's ``kind``, none declared counting as another kind); every
calibrated forecast says where it was fitted, and :func:`transfer_note` says whether it
is borrowed. :func:`with_agreement` mixes an issue's
calibrated settlement with its reversion point when a probability of agreement is known.
"""

from __future__ import annotations

from realpolitik.analysis.calibrated import (
    Calibration,
    CalibratedForecast,
    agreement_intervals,
    calibrated_forecast,
    describe,
    settlement_or_reversion,
)
from realpolitik.analysis.calibration_file import CalibrationFile
from realpolitik.analysis.distribution import MixedDistribution
from realpolitik.analysis.outlook import share
from realpolitik.analysis.predictive import issue_candidates
from realpolitik.forecast import Forecast
from realpolitik.scenario import Issue, Scenario


#: How the intervals of a settlement mixed with its reversion point are drawn (said once for all issues).
AGREEMENT_INTERVALS_NOTE = ("where P(agreement) is known, each interval is the reversion point alone, the settlement's "
                            "interval at a higher level, or the settlement's with the reversion point added, whichever "
                            "is narrowest of those that hold the interval's level if P(agreement) is right")


def transfer_note(calibration: CalibrationFile, scenario_kind: str | None = None) -> str:
    """Whether the calibration is borrowed (fitted on another kind of negotiation than
    ``scenario_kind``, the scenario's ``kind``) and so may not hold here. What it was fitted on
    is said beside it (``fitted_on``), not repeated here."""
    kind = calibration.fitted_on.get("kind")
    if not kind:
        return ("its intervals hold as promised on the cases the calibration was fitted on, out of sample, and are "
                "a guide, not a guarantee, for negotiations unlike them")
    if calibration.borrowed_for(scenario_kind) is None:
        return (f"calibration fitted on {kind}, the kind of negotiation this scenario declares: its intervals held "
                "as promised there, out of sample")
    return (f"calibration borrowed from {kind}: its intervals hold as promised there, out of sample, and are a "
            f"guide, not a guarantee, for a negotiation that is not {kind}")


def anchor_probabilities(distribution: MixedDistribution, issue: Issue) -> dict[str, float]:
    """The probability that the outcome lies nearest each anchor of ``issue`` (ties at a midpoint go to
    the upper anchor), by anchor point as in the forecast JSON (``"75"``)."""
    points = sorted(issue.anchors)
    if not points:
        return {}
    bounds = [issue.scale_min, *((low + high) / 2 for low, high in zip(points, points[1:])), issue.scale_max]
    below = [float(distribution.cdf_left(bound)) for bound in bounds[:-1]] + [1.0]
    return {f"{point:g}": below[number + 1] - below[number] for number, point in enumerate(points)}


def calibrate_forecast(scenario: Scenario, forecast: Forecast, calibration: CalibrationFile) -> None:
    """Set ``calibrated`` on every issue of ``forecast`` (a forecast of ``scenario``)."""
    used, fitted = calibration.for_model(forecast.model)
    notes = [transfer_note(calibration, scenario.kind)]
    if used != forecast.model:
        notes.append(f"no calibration for model '{forecast.model}' in {calibration.label}: the '{used}' model's "
                     "is used, with the compromise forecast in place of this model's")
    for item in forecast.issues:
        arrays = scenario.issue_arrays(item.issue.name)
        candidates = issue_candidates(arrays.actors, arrays.position, arrays.salience, arrays.capability,
                                      item.issue.scale_min,
                                      item.issue.scale_max, item.issue.status_quo,
                                      item.forecast if used == forecast.model else None)
        item.calibrated = calibrated_forecast(fitted, candidates, calibration.summary, notes)
        item.calibrated.anchor_probabilities = anchor_probabilities(item.calibrated.distribution, item.issue)


def with_agreement(calibrated: CalibratedForecast, calibration: Calibration, probability_of_agreement: float,
                   reversion: float, issue: str) -> CalibratedForecast:
    """The calibrated forecast of what happens when the settlement needs agreement: the settlement's
    calibrated distribution with weight P(agreement), the reversion point with the rest
    (:func:`realpolitik.analysis.calibrated.settlement_or_reversion`), with intervals that hold their
    level if P(agreement) is right (:func:`realpolitik.analysis.calibrated.agreement_intervals`)."""
    mixed = settlement_or_reversion(calibrated.distribution, probability_of_agreement, reversion)
    note = (f"{issue}: P(agreement) {share(probability_of_agreement)}, so the settlement's distribution is mixed with "
            f"the reversion point {reversion:g} (weight {share(1 - probability_of_agreement)})")
    intervals = agreement_intervals(calibration, calibrated.distribution, probability_of_agreement, reversion)
    result = describe(mixed, calibration, None, calibrated.fitted_on,
                      [*calibrated.notes, note, AGREEMENT_INTERVALS_NOTE], intervals)
    actors = {candidate["value"]: candidate for candidate in calibrated.candidates}
    for candidate in result.candidates:
        known = actors.get(candidate["value"])
        if known is not None:
            candidate["actors"], candidate["also"] = known["actors"], known["also"]
        elif candidate["value"] == reversion:
            candidate["also"] = ["reversion point"]
    return result


def calibrate_simulation(document: dict, simulation, scenario: Scenario, model: str, options, preset: str | None,
                         calibration: str | None) -> Forecast:
    """Put each issue's calibrated forecast into a simulation's ``document`` (mixed with the reversion
    point where the simulation gives P(agreement)) and say that the draws' bands are the sensitivity to
    the inputs; ``calibration`` is a calibration file (None: the one shipped). Returns the model's
    forecast with its calibrated issues."""
    from realpolitik.analysis.calibration_file import read_calibration
    from realpolitik.calibrated_text import SENSITIVITY_NOTE
    from realpolitik.comparison import mix_with_reversion
    from realpolitik.forecast import run

    forecast = run(scenario, model, options, preset)
    calibrate_forecast(scenario, forecast, read_calibration(calibration))
    for item, issue_forecast in zip(simulation.issues, forecast.issues):
        if item.agreement_probability is not None:
            mix_with_reversion(issue_forecast, model, item.agreement_probability, calibration)
    document["intervals_are"] = SENSITIVITY_NOTE
    for issue_document, item in zip(document["issues"], forecast.issues):
        issue_document["calibrated"] = item.calibrated.to_dict()
    return forecast
