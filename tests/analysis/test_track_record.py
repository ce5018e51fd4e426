"""Scoring the ledger: hand-computed Brier, log score, CRPS and reliability tables."""

from __future__ import annotations

import math
from datetime import datetime, timezone

import pytest

from realpolitik.analysis.distribution import MixedDistribution
from realpolitik.analysis.questions import Question, distribution_to_dict
from realpolitik.analysis.track_record import binary_log_score, reliability_table, score_questions
from realpolitik.store.ledger import StoredForecast, StoredQuestion, StoredResolution

NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)
EVENT = Question("deal>=75", "binary", "deal", ">=", 75.0, 0.0, 100.0)
OUTCOME = Question("deal", "numeric", "deal", None, None, 0.0, 100.0)


def forecast(model, probability=None, distribution=None, role="model", superseded=False, number=0):
    document = distribution_to_dict(distribution or MixedDistribution.point(0.0))
    return StoredForecast(model, role, "by hand", probability, document, "hash", {}, None, "0", None,
                          id=number, created_at=NOW, superseded=superseded)


def question(kind, forecasts, outcome=None, happened=None, number=1):
    resolution = StoredResolution(outcome, happened, "2026-02-01", None, NOW)
    return StoredQuestion(number, NOW, "talks", EVENT if kind == "binary" else OUTCOME, "2026-12-31", forecasts,
                          resolution)


def test_brier_and_log_score_of_three_binary_questions():
    questions = [question("binary", [forecast("eum", 0.8)], happened=True),
                 question("binary", [forecast("eum", 0.3)], happened=False),
                 question("binary", [forecast("eum", 0.9, superseded=True), forecast("eum", 0.5)], happened=True)]
    [score] = score_questions(questions)
    # By hand: ((0.8-1)² + (0.3-0)² + (0.5-1)²) / 3 = (0.04 + 0.09 + 0.25) / 3; the superseded 0.9 is not scored.
    assert score.brier == pytest.approx(0.38 / 3)
    assert score.log_score == pytest.approx((math.log(0.8) + math.log(0.7) + math.log(0.5)) / 3)
    assert score.crps is None
    assert score.to_dict() == {"model": "eum", "role": "model", "n": 3, "n_binary": 3, "n_numeric": 0,
                               "brier": pytest.approx(0.38 / 3), "log_score": pytest.approx(score.log_score),
                               "crps": None}


def test_a_certainty_that_failed_costs_the_floor_not_infinity():
    assert binary_log_score(1.0, False) == pytest.approx(math.log(1e-3))
    assert binary_log_score(0.25, False) == pytest.approx(math.log(0.75))


def test_crps_of_a_point_and_of_two_draws():
    point = forecast("status-quo", distribution=MixedDistribution.point(40.0), role="baseline")
    draws = forecast("eum", distribution=MixedDistribution.from_draws([30.0, 70.0]))
    scores = score_questions([question("numeric", [draws, point], outcome=50.0)])
    assert [item.model for item in scores] == ["eum", "status-quo"]
    # By hand: a point at 40 scores |40 - 50| = 10; for draws 30 and 70, ∫(F - 1{x≥50})² dx =
    # 20·0.5² + 20·0.5² = 10.
    assert scores[0].crps == pytest.approx(10.0)
    assert scores[1].crps == pytest.approx(10.0)
    assert scores[1].role == "baseline"


def test_the_reliability_table_of_a_known_set():
    table = reliability_table([0.05, 0.15, 0.12, 0.95, 1.0, 0.55], [False, False, True, True, True, False])
    filled = [(item.low, item.high, item.count, item.mean_probability, item.observed_frequency)
              for item in table if item.count]
    assert filled == [(0.0, 0.1, 1, pytest.approx(0.05), 0.0), (0.1, 0.2, 2, pytest.approx(0.135), 0.5),
                      (0.5, 0.6, 1, pytest.approx(0.55), 0.0), (0.9, 1.0, 2, pytest.approx(0.975), 1.0)]
    assert len(table) == 10 and sum(item.count for item in table) == 6


def test_the_probability_of_an_event_from_a_distribution():
    draws = MixedDistribution.from_draws([10.0, 75.0, 80.0, 90.0])
    assert EVENT.probability(draws) == pytest.approx(0.75)  # 75 counts for >= 75
    assert Question("deal>75", "binary", "deal", ">", 75.0, 0, 100).probability(draws) == pytest.approx(0.5)
    assert Question("deal<=75", "binary", "deal", "<=", 75.0, 0, 100).probability(draws) == pytest.approx(0.5)
    assert Question("deal<75", "binary", "deal", "<", 75.0, 0, 100).probability(draws) == pytest.approx(0.25)


def test_an_issue_outcome_from_the_calibrated_distribution_p_agreement_or_the_draws():
    import numpy as np

    from realpolitik.analysis.ledger_forecasts import issue_outcome
    from realpolitik.analysis.montecarlo import IssueDistribution
    from realpolitik.scenario import Issue

    issue = Issue(name="deal", status_quo=20, veto_players=["A", "B"])
    draws = np.array([10.0, 80.0, 90.0, 95.0])
    agreed = np.array([False, False, True, True])
    with_deal = IssueDistribution(issue, 0.0, draws, [], agreed, np.ones((4, 2), dtype=bool))
    calibrated = MixedDistribution.from_draws([80.0, 90.0])
    # By hand: P(X >= 75) = 0.5 · 1 (the calibrated settlement) + 0.5 · 0 (the reversion point 20).
    mixed, basis = issue_outcome(with_deal, calibrated)
    assert EVENT.probability(mixed) == pytest.approx(0.5) and mixed.mass_between(20, 20) == pytest.approx(0.5)
    assert basis == "calibrated distribution, P(agreement) 0.50 (2 of 4 draws)"
    no_veto = IssueDistribution(Issue(name="deal", status_quo=20), 0.0, draws, [])
    assert issue_outcome(no_veto, calibrated) == (calibrated, "calibrated distribution")
    # Without a calibrated distribution, the draws of what happens: 20, 20, 90, 95 with veto players.
    assert EVENT.probability(issue_outcome(with_deal, None)[0]) == pytest.approx(0.5)
    assert EVENT.probability(issue_outcome(no_veto, None)[0]) == pytest.approx(0.75)


@pytest.mark.parametrize(("text", "words"), [
    ("maybe", "neither yes, no nor a number"), ("140", "outside the scale 0..100"), ("nan", "neither yes, no"),
])
def test_a_bad_outcome_is_refused(text, words):
    from realpolitik.analysis.expressions import ExpressionError

    with pytest.raises(ExpressionError, match=words):
        EVENT.resolution(text)


def test_outcomes_resolve_events_by_value_or_word():
    assert EVENT.resolution("yes") == (None, True)
    assert EVENT.resolution("80") == (80.0, True)
    assert EVENT.resolution("74.5") == (74.5, False)
    assert OUTCOME.resolution("33") == (33.0, None)
