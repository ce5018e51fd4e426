"""A run's analyses in the web app: computed in the background after the run answers, stored with
it, reported with their status and progress, and not serialised behind one another."""

from __future__ import annotations

import threading
import time

from fastapi.testclient import TestClient

from realpolitik.analysis import run_analyses
from realpolitik.analysis.montecarlo import simulate
from realpolitik.io import load_scenario
from realpolitik.web import create_app

STATUSES = {"pending", "running", "done", "failed"}


def _finished(client, run_id: int, within_s: float = 120) -> dict:
    deadline = time.monotonic() + within_s
    while True:
        answer = client.get(f"/api/runs/{run_id}/analyses")
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert body["status"] in STATUSES and 0 <= body["progress"] <= 1
        if body["status"] in ("done", "failed") or time.monotonic() > deadline:
            return body
        time.sleep(0.1)


def test_a_run_answers_with_its_forecasts_and_its_analyses_follow(client):
    made = client.post("/api/runs", json={"scenario_name": "ukraine-2025-03", "model": "compromise"})
    assert made.status_code == 201
    run_id = made.json()["id"]
    body = _finished(client, run_id)
    assert body["status"] == "done" and body["progress"] == 1
    assert [(item["name"], item["model"]) for item in body["analyses"]] == [
        ("sensitivity", "compromise"), ("levers", "compromise"), ("calibrated", "compromise"), ("outlook", None)]
    assert all(item["progress"]["done"] == item["progress"]["total"] for item in body["analyses"])
    one = client.get(f"/api/runs/{run_id}/analyses/sensitivity", params={"model": "compromise"}).json()
    oracle = simulate(load_scenario("ukraine-2025-03"), "compromise", draws=run_analyses.VIEW_DRAWS,
                      seed=run_analyses.VIEW_SEED).issue("ceasefire")
    ceasefire = next(item for item in one["result"]["issues"] if item["issue"] == "ceasefire")
    assert ceasefire["intervals"]["80"] == list(oracle.interval(80))
    assert ceasefire["agreement"]["probability"] == oracle.agreement_probability
    outlook = client.get(f"/api/runs/{run_id}/analyses/outlook").json()["result"]
    assert outlook[0]["issue"] == "ceasefire" and outlook[0]["sentences"][0].startswith("Most likely:")
    view = client.get(f"/api/runs/{run_id}/issues/ceasefire", params={"model": "compromise"}).json()
    assert view["analyses"] == {"sensitivity": "done", "levers": "done"}
    # the ceasefire has veto players: the view's band is the settlement's (the forecast it is drawn around)
    assert view["interval"] == oracle.agreement_to_dict()["settlement_intervals"]["80"]


def test_unknown_runs_and_analyses_are_404_in_the_one_error_shape(client):
    assert client.get("/api/runs/999/analyses").status_code == 404
    made = client.post("/api/runs", json={"scenario_name": "ukraine-2025-03", "model": "median"}).json()
    missing = client.get(f"/api/runs/{made['id']}/analyses/levers", params={"model": "smp"})
    assert missing.status_code == 404
    assert missing.json()["detail"] == f"run {made['id']} has no analysis 'levers' of model 'smp'"


def test_two_runs_analyses_proceed_side_by_side(run_store, monkeypatch):
    """The first run's analyses are held until the second run's are done: one lock over all such
    work (or one worker) would never finish the second."""
    release = threading.Event()
    compute = run_analyses.compute_analyses
    held = []

    def held_first(stored, db, **kwargs):
        if not held:
            held.append(stored.id)
            assert release.wait(60)
        compute(stored, db, **kwargs)

    monkeypatch.setattr(run_analyses, "compute_analyses", held_first)
    with TestClient(create_app(str(run_store))) as client:
        first = client.post("/api/runs", json={"scenario_name": "ukraine-2025-03", "model": "median"}).json()["id"]
        second = client.post("/api/runs", json={"scenario_name": "ukraine-2025-03", "model": "median"}).json()["id"]
        assert _finished(client, second, within_s=60)["status"] == "done"
        assert client.get(f"/api/runs/{first}/analyses").json()["status"] == "pending"
        release.set()
        assert _finished(client, first)["status"] == "done"


def test_a_run_made_elsewhere_gets_its_analyses_when_asked(client, run_store):
    from realpolitik.comparison import forecasts_document, run_models
    from realpolitik.store import record_run

    scenario = load_scenario("ukraine-2025-03")
    forecasts = run_models(scenario, "nash")
    run_id = record_run("forecast", scenario, {"nash": forecasts[0].options},
                        forecasts_document(forecasts, compared=False), db=str(run_store))
    first = client.get(f"/api/runs/{run_id}/analyses").json()
    assert {item["status"] for item in first["analyses"]} <= STATUSES and len(first["analyses"]) == 4
    assert _finished(client, run_id)["status"] == "done"
