"""The JSON API: library, validation, runs, per-issue views, diffs, reports and the schema."""

from __future__ import annotations

import copy
import re

import pytest

from realpolitik import MODELS, load_scenario, load_scenario_dict, run
from realpolitik.analysis.challenges import challenge_perspective
from realpolitik.comparison import run_models
from realpolitik.models.eum import EUMOptions
from realpolitik.store import get_run, record_run, reproduction_differences


def test_meta_names_the_models_and_limits(client):
    meta = client.get("/api/meta").json()
    assert {"eum", "compromise", "median", "nash"} <= {model["name"] for model in meta["models"]}
    assert "scholz2011" in next(model["presets"] for model in meta["models"] if model["name"] == "eum")
    assert meta["max_request_bytes"] == 5 * 2**20
    assert meta["token_required"] is False


def test_library_offers_the_built_ins_read_only(client, ukraine):
    names = {entry["name"]: entry for entry in client.get("/api/scenarios").json()}
    assert names["ukraine-2025-03"]["builtin"] is True
    assert names["ukraine-2025-03"]["actors"] == 13
    assert load_scenario_dict(ukraine) == load_scenario("ukraine-2025-03")
    refused = client.put("/api/scenarios/ukraine-2025-03", json={"scenario": ukraine})
    assert refused.status_code == 409
    assert "built-in scenario" in refused.json()["detail"]
    assert client.delete("/api/scenarios/ukraine-2025-03").status_code == 409
    assert client.get("/api/scenarios/no-such-thing").status_code == 404


def test_save_read_and_delete_a_scenario(store_client, ukraine):
    client = store_client
    mine = {**ukraine, "name": "mine"}
    assert client.put("/api/scenarios/mine", json={"scenario": mine}).status_code == 200
    entry = client.get("/api/scenarios/mine").json()
    assert entry["builtin"] is False
    assert entry["scenario"] == mine
    assert "mine" in {item["name"] for item in client.get("/api/scenarios").json()}
    renamed = client.put("/api/scenarios/other", json={"scenario": mine})
    assert renamed.status_code == 422
    assert "named 'mine' but is being saved as 'other'" in renamed.json()["problems"][0]["message"]
    assert client.delete("/api/scenarios/mine").status_code == 204
    assert client.get("/api/scenarios/mine").status_code == 404


def test_validation_locates_every_problem(client, ukraine):
    broken = copy.deepcopy(ukraine)
    russia = next(actor for actor in broken["actors"] if actor["name"] == "Russia")
    russia["stances"]["ceasefire"]["salience"] = 140
    russia["stances"]["territory"]["position"] = 150
    result = client.post("/api/scenarios/validate", json={"scenario": broken}).json()
    assert result["valid"] is False
    located = {(problem["actor"], problem["issue"], problem["field"]) for problem in result["problems"]}
    assert ("Russia", "ceasefire", "salience") in located
    assert ("Russia", "territory", "position") in located
    assert client.post("/api/scenarios/validate", json={"scenario": ukraine}).json() == {"valid": True,
                                                                                          "problems": []}


def test_a_run_by_name_is_stored_and_equals_the_direct_forecast(store_client):
    client = store_client
    response = client.post("/api/runs", json={"scenario_name": "ukraine-2025-03", "model": "eum",
                                              "preset": "scholz2011"})
    assert response.status_code == 201
    document = response.json()
    expected = run(load_scenario("ukraine-2025-03"), "eum", preset="scholz2011").to_dict()
    calibrated = {issue["issue"]: issue.pop("calibrated") for issue in document["result"]["issues"]}
    assert document["result"] == expected
    # Each issue also carries the calibrated forecast of the command line's forecast.
    (by_command_line,) = run_models(load_scenario("ukraine-2025-03"), "eum", "scholz2011")
    assert calibrated == {item.issue.name: item.calibrated.to_dict() for item in by_command_line.issues}
    for issue in document["result"]["issues"]:
        issue["calibrated"] = calibrated[issue["issue"]]
    assert document["kind"] == "forecast"
    assert document["seed"] is None
    assert client.get(f"/api/runs/{document['id']}").json() == document
    assert [entry["id"] for entry in client.get("/api/runs").json()] == [document["id"]]
    assert reproduction_differences(get_run(document["id"], client.app.state.db)) == []


def test_comparing_all_models_and_running_an_edited_table(client, ukraine):
    compared = client.post("/api/runs", json={"scenario_name": "ukraine-2025-03", "model": "all"}).json()
    assert [document["model"] for document in compared["result"]["results"]] == list(MODELS)
    edited = copy.deepcopy(ukraine)
    usa = next(actor for actor in edited["actors"] if actor["name"] == "USA")
    usa["stances"]["ceasefire"]["salience"] = 50
    changed = client.post("/api/runs", json={"scenario": edited, "model": "eum"}).json()
    before = next(d for d in compared["result"]["results"] if d["model"] == "eum")["issues"][0]["forecast"]
    after = changed["result"]["issues"][0]["forecast"]
    assert before == run(load_scenario("ukraine-2025-03"), "eum").issue("ceasefire").forecast
    assert after == run(load_scenario_dict(edited), "eum").issue("ceasefire").forecast
    assert after != before
    difference = client.get(f"/api/diff?a={compared['id']}&b={changed['id']}").json()
    assert difference["inputs"] == [{"field": "actors[USA].stances.ceasefire.salience", "a": 90, "b": 50}]
    eum_ceasefire = next(row for row in difference["forecasts"] if (row["model"], row["issue"]) == ("eum", "ceasefire"))
    assert eum_ceasefire["change"] == pytest.approx(after - before)


@pytest.mark.parametrize("request_body, message", [
    ({"model": "eum"}, "give either scenario_name"),
    ({"scenario_name": "ukraine-2025-03", "model": "oracle"}, "unknown model 'oracle'"),
    ({"scenario_name": "ukraine-2025-03", "preset": "nonsense"}, "no model has a preset 'nonsense'"),
    ({"scenario_name": "ukraine-2025-03", "model": "median", "preset": "scholz2011"},
     "model 'median' has no preset 'scholz2011'"),
    ({"scenario_name": "nowhere"}, "no saved scenario 'nowhere'"),
    ({"scenario": {"name": "x"}}, "problem(s) found"),
])
def test_bad_run_requests_get_one_message_and_a_4xx(client, request_body, message):
    response = client.post("/api/runs", json=request_body)
    assert 400 <= response.status_code < 500
    assert message in response.json()["detail"]
    assert client.get("/api/runs").json() == []


def test_rounds_are_bounded(client):
    response = client.post("/api/runs", json={"scenario_name": "emissions-1994", "rounds": 5000})
    assert response.status_code == 422


def test_issue_view_charts_the_stored_numbers(client):
    stored = client.post("/api/runs", json={"scenario_name": "ukraine-2025-03", "model": "all"}).json()
    view = client.get(f"/api/runs/{stored['id']}/issues/ceasefire?perspective=Russia&round=2").json()
    eum = next(document for document in stored["result"]["results"] if document["model"] == "eum")
    ceasefire = eum["issues"][0]
    assert view["model"] == "eum"
    assert view["forecast"] == ceasefire["forecast"]
    traces = {trace["name"]: trace for trace in view["trajectory"]["data"]}
    assert set(traces) == set(ceasefire["rounds"][0]["positions"])
    assert traces["Russia"]["y"] == [state["positions"]["Russia"] for state in ceasefire["rounds"]]
    expected = challenge_perspective(load_scenario("ukraine-2025-03"), "ceasefire", "Russia", EUMOptions(),
                                     ceasefire["rounds"][2]["positions"]).to_dict()
    assert view["challenges"] == expected
    # The flagship's actors have blocs: one series per bloc, every actor in one of them.
    attacks = {name: x for trace in view["quadrant"]["data"] for name, x in zip(trace["customdata"], trace["x"])}
    assert attacks == {point["actor"]: point["attack"] for point in expected["points"]}
    assert [trace["name"] for trace in view["quadrant"]["data"]] == [
        "Mediators", "Russia and partners", "Ukraine and European backers", "no bloc"]
    assert [row["model"] for row in view["comparison"]] == [d["model"] for d in stored["result"]["results"]]
    # The interval comes from the run's analyses, computed in the background after the run answers.
    if view["analyses"]["sensitivity"] == "done":
        low, high = view["interval"]
        assert 0 <= low <= high <= 100 and view["interval_note"].startswith("sensitivity to the inputs")
    else:
        assert view["interval"] is None
        assert view["interval_note"].startswith(("interval pending", "interval being computed"))
    median = client.get(f"/api/runs/{stored['id']}/issues/territory?model=median").json()
    assert median["model"] == "median" and median["moves"] == []


@pytest.mark.parametrize("query, message", [
    ("issues/nowhere", "has no issue 'nowhere'"),
    ("issues/ceasefire?perspective=Atlantis", "actor 'Atlantis' takes no part in issue 'ceasefire'"),
    ("issues/ceasefire?model=nash", "did not run model 'nash'"),
])
def test_issue_view_refuses_what_the_run_does_not_have(client, query, message):
    stored = client.post("/api/runs", json={"scenario_name": "ukraine-2025-03"}).json()
    response = client.get(f"/api/runs/{stored['id']}/{query}")
    assert response.status_code == 422
    assert message in response.json()["detail"]


def test_runs_of_other_kinds_are_listed_and_compared_but_not_charted(client):
    scenario = load_scenario("emissions-1994")
    for draws in (100, 200):
        document = {"model": "eum", "draws": draws, "issues": [{"issue": "emissions", "point_forecast": 7.0,
                                                                 "median": 7.0 + draws / 1000}]}
        record_run("simulate", scenario, {"eum": EUMOptions()}, document, seed=1, parameters={"draws": draws},
                   db=client.app.state.db)
    assert [run["kind"] for run in client.get("/api/runs").json()] == ["simulate", "simulate"]
    refused = client.get("/api/runs/1/issues/emissions")
    assert refused.status_code == 422
    assert "run 1 is a simulate run, not a forecast" in refused.json()["detail"]
    difference = client.get("/api/diff?a=1&b=2").json()
    assert difference["forecasts"] == []
    assert difference["parameters"] == [{"field": "draws", "a": 100, "b": 200}]
    assert {change["field"] for change in difference["results"]} == {"draws", "issues[emissions].median"}


def test_missing_runs_are_404(client):
    assert client.get("/api/runs/99").status_code == 404
    assert client.get("/api/diff?a=1&b=2").status_code == 404
    assert client.get(f"/api/runs/{2**70}").status_code == 422


def test_report_download_is_self_contained(client):
    stored = client.post("/api/runs", json={"scenario_name": "emissions-1994", "model": "all"}).json()
    response = client.get(f"/api/runs/{stored['id']}/report")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=\"https?://", response.text)
    assert "EC car emission standards" in response.text


def test_yaml_export_round_trips(client, ukraine):
    response = client.post("/api/scenarios/yaml", json={"scenario": ukraine})
    assert response.status_code == 200
    assert 'filename="ukraine-2025-03.yaml"' in response.headers["content-disposition"]
    from realpolitik.io.native import parse_native

    assert parse_native(response.text, "export") == load_scenario("ukraine-2025-03")


def test_schema_covers_every_api_route(client):
    schema = client.get("/api/openapi.json").json()
    assert set(schema["paths"]) == {
        "/api/meta", "/api/scenarios", "/api/scenarios/validate", "/api/scenarios/import", "/api/scenarios/yaml",
        "/api/scenarios/{name}", "/api/runs", "/api/runs/{run_id}", "/api/runs/{run_id}/issues/{issue}",
        "/api/runs/{run_id}/report", "/api/diff", "/api/ledger", "/api/ledger/questions/{question_id}",
        "/api/timelines", "/api/runs/{run_id}/analyses", "/api/runs/{run_id}/analyses/{name}",
        "/api/runs/{run_id}/overview", "/api/runs/{run_id}/threshold"}


def test_pages_and_assets_are_served_by_the_app(client):
    for page in ("/", "/editor", "/runs", "/runs/1", "/diff"):
        response = client.get(page)
        assert response.status_code == 200, page
        assert "default-src 'self'" in response.headers["content-security-policy"]
        for asset in re.findall(r'(?:src|href)="([^"#][^"]*)"', response.text):
            assert asset.startswith("/"), (page, asset)
            assert client.get(asset).status_code == 200, asset
    assert "plotly" in client.get("/static/vendor/plotly.min.js").text[:200].lower()
    assert client.get("/docs").status_code == 404
