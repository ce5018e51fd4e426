"""The ledger page and its API: questions, scores, reliability chart and timelines."""

from __future__ import annotations

import datetime as dt

from realpolitik.analysis.distribution import MixedDistribution
from realpolitik.analysis.questions import Question, distribution_to_dict
from realpolitik.store import record_forecasts, resolve_question
from realpolitik.store.ledger import NewForecast

EVENT = Question("ceasefire>=75", "binary", "ceasefire", ">=", 75.0, 0.0, 100.0)


def _record(store, probability):
    forecast = NewForecast("eum", "model", "by hand", probability, distribution_to_dict(MixedDistribution.point(80)),
                           "0" * 64, {}, None, "0", None)
    return record_forecasts("ukraine-2025-03", EVENT, dt.date(2026, 12, 31), [forecast], str(store))


def test_the_ledger_api_lists_questions_scores_and_the_reliability_chart(client, run_store):
    question = _record(run_store, 0.3)
    resolve_question(question.id, "no", dt.datetime.now(dt.timezone.utc).date(), db=str(run_store))
    ledger = client.get("/api/ledger").json()
    assert [item["question"] for item in ledger["questions"]] == ["ceasefire>=75"]
    [score] = ledger["scores"]
    assert score["model"] == "eum" and score["n"] == 1 and abs(score["brier"] - 0.09) < 1e-12
    assert ledger["reliability_figure"]["data"][1]["x"] == [0.3]
    assert client.get(f"/api/ledger/questions/{question.id}").json()["status"] == "resolved"
    missing = client.get("/api/ledger/questions/99")
    assert missing.status_code == 404 and "no question 99" in missing.json()["detail"]


def test_a_timeline_is_drawn_stored_and_listed(client):
    created = client.post("/api/timelines", json={"scenario_name": "ukraine-2025-03", "model": "compromise"})
    assert created.status_code == 201
    entry = created.json()
    assert entry["run"]["kind"] == "timeline" and len(entry["timeline"]["points"]) == 11
    assert len(entry["figure"]["data"]) == 6
    assert [item["run"]["id"] for item in client.get("/api/timelines").json()] == [entry["run"]["id"]]
    no_events = client.post("/api/timelines", json={"scenario_name": "emissions-1994", "model": "compromise"})
    assert no_events.status_code == 422 and "has no events" in no_events.json()["detail"]
    unknown = client.post("/api/timelines", json={"scenario_name": "ukraine-2025-03", "model": "oracle"})
    assert unknown.status_code == 422


def test_the_ledger_page_is_served(client):
    page = client.get("/ledger")
    assert page.status_code == 200 and "/static/ledger.js" in page.text
    assert client.get("/static/ledger.js").status_code == 200
