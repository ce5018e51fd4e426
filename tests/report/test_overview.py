"""The overview reads the run and its stored analyses: hand-made analyses give hand-derived answers."""

from __future__ import annotations

import pytest

from realpolitik import load_scenario
from realpolitik.comparison import forecasts_document, run_models
from realpolitik.report.overview import run_overview
from realpolitik.store import get_run, record_run


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    return str(tmp_path_factory.mktemp("store") / "runs.sqlite")


@pytest.fixture(scope="module")
def stored(database):
    db = database
    scenario = load_scenario("emissions-1994")  # one issue, scale 0..10
    forecasts = run_models(scenario, "eum")
    run_id = record_run("forecast", scenario, {"eum": forecasts[0].options},
                        forecasts_document(forecasts, compared=False), db=db)
    return get_run(run_id, db)


def done(result):
    return {"status": "done", "progress": {"done": 1, "total": 1, "unit": "issues"}, "message": None,
            "result": result}


def sensitivity(low, high):
    return done({"issues": [{"issue": "emissions", "intervals": {"80": [low, high]}, "agreement": None}]})


def lever(actor, down, up, baseline=7.0):
    return {"actor": actor, "attribute": "position", "current": 5.0, "swing": max(abs(down), abs(up)),
            "down": {"value": 4.0, "forecast": baseline + down, "change": down},
            "up": {"value": 6.0, "forecast": baseline + up, "change": up}}


def levers(*entries):
    return done({"issues": [{"issue": "emissions", "baseline": 7.0, "levers": list(entries)}]})


def test_before_the_analyses_the_point_forecast_is_the_answer_and_the_rest_is_pending(stored):
    issue = run_overview(stored, analyses={})["issues"][0]
    forecast = stored.result["issues"][0]["forecast"] if "issues" in stored.result else None
    assert issue["answer"]["pending"] is True
    assert issue["answer"]["most_likely"] == forecast
    assert issue["fragility"]["level"] == "fragile"  # its trajectory is still moving at the round limit
    assert issue["fragility"]["reasons"] == ["the trajectory is still moving between 7 and 10 at its round limit"]
    assert issue["levers"] == [] and issue["levers_pending"] is True
    assert issue["models_agree"] is None  # one model


@pytest.mark.parametrize(("low", "high", "reason"), [(6.8, 7.3, "80% of the input draws give 7–7 (5% of the scale)"),
                                                     (6.0, 7.5, "80% of the input draws give 6–8 (15% of the scale)"),
                                                     (5.0, 8.5, "80% of the input draws give 5–8 (35% of the scale)")])
def test_the_sensitivity_band_is_a_reason(stored, low, high, reason):
    issue = run_overview(stored, analyses={("sensitivity", "eum"): sensitivity(low, high)})["issues"][0]
    assert issue["fragility"]["reasons"][0] == reason
    assert issue["cells"]["eum"]["sensitivity_interval"] == [low, high]


def test_a_settled_forecast_is_steady_sensitive_or_fragile_by_its_band(stored):
    settled = stored.result["issues"][0]["stability"] | {"status": "converged"}
    stored.result["issues"][0]["stability"], before = settled, stored.result["issues"][0]["stability"]
    try:
        levels = [run_overview(stored, analyses={("sensitivity", "eum"): sensitivity(low, high)})["issues"][0]
                  ["fragility"]["level"] for low, high in ((6.8, 7.3), (6.0, 7.5), (5.0, 8.5))]
    finally:
        stored.result["issues"][0]["stability"] = before
    assert levels == ["steady", "sensitive", "fragile"]


def test_three_strongest_levers_each_with_its_bigger_step_and_one_big_step_is_fragile(stored):
    analyses = {("sensitivity", "eum"): sensitivity(6.9, 7.1),
                ("levers", "eum"): levers(lever("A", -3.5, 1.0), lever("B", 0.5, -1.5), lever("C", 0.2, 0.4),
                                          lever("D", 0.1, 0.0))}
    issue = run_overview(stored, analyses=analyses)["issues"][0]
    assert [(item["actor"], item["to"], item["forecast_to"]) for item in issue["levers"]] == [
        ("A", 4.0, 3.5), ("B", 6.0, 5.5), ("C", 6.0, 7.4)]
    # A's step moves it by 3.5 of the scale's 10 (35%): fragile however narrow the band
    assert issue["fragility"]["level"] == "fragile"
    assert "one step of A's position moves it by 4 (35% of the scale)" in issue["fragility"]["reasons"]


def test_the_html_report_opens_with_the_answer(stored, database):
    from realpolitik.report.html import html_report

    html = html_report(stored, database)
    assert html.index("<h2>The answer first</h2>") < html.index('<div class="chart"')
    assert "(point forecast; analyses pending)" in html  # nothing computed for this run: said, not computed
    assert "the trajectory is still moving between 7 and 10 at its round limit" in html
