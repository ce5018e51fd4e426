"""GET /api/runs/{id}/threshold: P(outcome ≥ at) read from the run's stored calibrated distribution.

Hand-made analyses give hand-derived probabilities; bad input is a 422 that says what is wrong;
and a run's own analyses store the very distribution its calibrated forecast describes."""

from __future__ import annotations

import time

import pytest

from realpolitik.analysis.distribution import MixedDistribution
from realpolitik.analysis.questions import distribution_from_dict, distribution_to_dict
from realpolitik.analysis.run_analyses import plan
from realpolitik.comparison import forecasts_document, run_models
from realpolitik.io import load_scenario
from realpolitik.store import get_run, record_run
from realpolitik.store.analyses import queue_analyses, update_analysis

#: On the 0..10 scale of emissions-1994: half the probability at 2, 0.3 at 8, and 0.2 spread evenly over
#: 0..10 (0.1 on each half). P(X ≥ 7.5) = 0.3 + 0.2 * 2.5/10 = 0.35; P(X ≥ 8) = 0.3 + 0.2 * 2/10 = 0.34
#: (the atom at 8 reaches 8); P(X ≥ 2) = 0.5 + 0.3 + 0.2 * 8/10 = 0.96; P(X ≥ 0) = 1; P(X ≥ 10) = 0.
HAND_MADE = MixedDistribution.create([2.0, 8.0], [0.5, 0.3], [0.0, 5.0, 10.0], [0.1, 0.1])
NOTES = ["calibration borrowed from EU legislation (DEU III); its intervals hold as promised there, out of sample, "
         "and are a guide, not a guarantee, for a negotiation that is not EU legislation"]


def stored_run(db: str, model: str = "eum") -> int:
    """emissions-1994 run by ``model``, with its analyses queued but not computed (the test writes them)."""
    scenario = load_scenario("emissions-1994")
    forecasts = run_models(scenario, model)
    run_id = record_run("forecast", scenario, {model: forecasts[0].options},
                        forecasts_document(forecasts, compared=False), db=db)
    assert queue_analyses(run_id, plan(get_run(run_id, db)), db)
    return run_id


def store_calibrated(db: str, run_id: int, distribution: MixedDistribution | None, agreement: float | None = None,
                     model: str = "eum") -> None:
    issue = {"issue": "emissions", "calibrated": {"median": distribution.median if distribution else 2.0,
                                                  "fitted_on": "DEU III", "notes": NOTES},
             "agreement": {"probability": agreement} if agreement is not None else None,
             "distribution": distribution_to_dict(distribution) if distribution else None}
    update_analysis(run_id, "calibrated", model, db, status="done",
                    result={"issues": [issue], "calibration": {"summary": "DEU III", "kind": "EU legislation"}})


@pytest.fixture
def hand_made(client, run_store) -> int:
    run_id = stored_run(str(run_store))
    store_calibrated(str(run_store), run_id, HAND_MADE, agreement=0.4)
    return run_id


@pytest.mark.parametrize(("at", "probability"), [(7.5, 0.35), (8, 0.34), (2, 0.96), (0, 1.0), (10, 0.0), (1, 0.98)])
def test_the_probability_is_read_off_the_stored_distribution(client, hand_made, at, probability):
    answer = client.get(f"/api/runs/{hand_made}/threshold", params={"issue": "emissions", "at": at})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["probability"] == pytest.approx(probability, abs=1e-12)
    assert (body["status"], body["model"], body["issue"], body["at"], body["scale"]) == (
        "done", "eum", "emissions", at, [0, 10])


def test_the_answer_says_it_is_the_calibrated_distribution_borrowed_and_mixed_with_p_agreement(client, hand_made):
    body = client.get(f"/api/runs/{hand_made}/threshold", params={"issue": "emissions", "at": 7.5}).json()
    assert body["borrowed_from"] == "EU legislation" and body["agreement_probability"] == 0.4
    assert body["basis"].startswith("P(outcome ≥ 7.5) under the calibrated distribution of the outcome: the "
                                    "settlement mixed with the reversion point by P(agreement) 40%")
    assert "calibration borrowed from EU legislation: a guide, not a guarantee" in body["basis"]
    assert body["notes"] == NOTES


def test_until_the_calibrated_analysis_is_done_there_is_no_probability_and_the_words_say_why(client, run_store):
    run_id = stored_run(str(run_store))
    body = client.get(f"/api/runs/{run_id}/threshold", params={"issue": "emissions", "at": 5}).json()
    assert (body["status"], body["probability"]) == ("pending", None)
    assert "the calibrated analysis is pending" in body["basis"]
    update_analysis(run_id, "calibrated", "eum", str(run_store), status="failed", message="no calibration")
    body = client.get(f"/api/runs/{run_id}/threshold", params={"issue": "emissions", "at": 5}).json()
    assert (body["status"], body["probability"]) == ("failed", None)
    assert "the calibrated analysis failed (no calibration)" in body["basis"]


def test_an_analysis_stored_without_its_distribution_says_so(client, run_store):
    run_id = stored_run(str(run_store))
    store_calibrated(str(run_store), run_id, None)
    body = client.get(f"/api/runs/{run_id}/threshold", params={"issue": "emissions", "at": 5}).json()
    assert body["probability"] is None and "stored without its distribution" in body["basis"]


@pytest.mark.parametrize(("params", "message"), [
    ({"issue": "tariffs", "at": 5}, "has no issue 'tariffs' (issues: emissions)"),
    ({"issue": "emissions", "at": 10.5}, "threshold 10.5 lies outside the scale 0..10 of issue 'emissions'"),
    ({"issue": "emissions", "at": -1}, "threshold -1 lies outside the scale 0..10 of issue 'emissions'"),
    ({"issue": "emissions", "at": "seventy"}, "query parameter 'at': Input should be a valid number"),
    ({"issue": "emissions", "at": "nan"}, "query parameter 'at': Input should be a finite number"),
    ({"issue": "emissions", "at": "inf"}, "query parameter 'at': Input should be a finite number"),
    ({"issue": "emissions"}, "query parameter 'at': Field required"),
    ({"at": 5}, "query parameter 'issue': Field required"),
    ({"issue": "emissions", "at": 5, "model": "smp"}, "did not run model 'smp' (it ran eum)"),
])
def test_bad_input_is_a_422_that_says_what_is_wrong(client, hand_made, params, message):
    answer = client.get(f"/api/runs/{hand_made}/threshold", params=params)
    assert answer.status_code == 422, answer.text
    assert message in answer.json()["detail"]


def test_an_unknown_run_is_a_404(client):
    answer = client.get("/api/runs/999/threshold", params={"issue": "emissions", "at": 5})
    assert answer.status_code == 404 and answer.json()["detail"]


def test_a_run_stores_the_distribution_its_calibrated_forecast_describes(client):
    made = client.post("/api/runs", json={"scenario_name": "emissions-1994", "model": "compromise"}).json()
    deadline = time.monotonic() + 120
    while client.get(f"/api/runs/{made['id']}/analyses").json()["status"] not in ("done", "failed"):
        assert time.monotonic() < deadline, "the run's analyses did not finish"
        time.sleep(0.1)
    stored = client.get(f"/api/runs/{made['id']}/analyses/calibrated", params={"model": "compromise"}).json()
    [issue] = stored["result"]["issues"]
    distribution = distribution_from_dict(issue["distribution"])
    assert distribution.median == pytest.approx(issue["calibrated"]["median"], abs=1e-9)
    assert [(item["value"], item["probability"]) for item in issue["calibrated"]["candidates"]] == pytest.approx(
        sorted(zip(distribution.atom_values, distribution.atom_masses), key=lambda pair: -pair[1]))
    answer = client.get(f"/api/runs/{made['id']}/threshold", params={"issue": "emissions", "at": 7}).json()
    assert answer["status"] == "done"
    assert answer["probability"] == pytest.approx(1 - float(distribution.cdf_left(7.0)), abs=1e-12)
    # emissions-1994 declares kind "EU legislation", the kind the shipped calibration was fitted on: not borrowed
    assert answer["borrowed_from"] is None and answer["agreement_probability"] is None
    assert "calibrated on DEU III" in answer["basis"]
    flagship = client.post("/api/runs", json={"scenario_name": "ukraine-2025-03", "model": "compromise"}).json()
    while client.get(f"/api/runs/{flagship['id']}/analyses").json()["status"] not in ("done", "failed"):
        assert time.monotonic() < deadline + 120, "the run's analyses did not finish"
        time.sleep(0.1)
    answer = client.get(f"/api/runs/{flagship['id']}/threshold", params={"issue": "ceasefire", "at": 75}).json()
    assert answer["borrowed_from"] == "EU legislation"  # ceasefire talks


def test_a_p_agreement_near_zero_makes_the_probability_conditional_on_the_table(client, run_store):
    run_id = stored_run(str(run_store))
    store_calibrated(str(run_store), run_id, MixedDistribution.point(4.0), agreement=0.002)
    body = client.get(f"/api/runs/{run_id}/threshold", params={"issue": "emissions", "at": 4}).json()
    assert body["probability"] == 1.0
    assert "P(agreement) <1%" in body["basis"]
    assert "read the probability as conditional on the table" in body["basis"]
