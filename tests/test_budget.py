"""Work bounded before it starts, stopped when its client leaves or its time runs out, and
numbers too large to compute with refused as problems with the input."""

from __future__ import annotations

import asyncio
import json
import time

import pytest

from realpolitik import budget
from realpolitik.budget import Budget, BudgetExceeded, Cancellation, RunCancelled, estimate, parse_size
from realpolitik.scenarios.synthetic import synthetic_table


def test_the_smp_estimate_covers_its_largest_array():
    # the SMP holds every actor's utility of every pair of actors' positions: N³ float64 numbers
    for actors in (10, 100, 2000):
        assert estimate("smp", actors, 3).memory_bytes >= 8 * actors**3
    # the expected utility model holds N² challenge matrices per issue
    assert estimate("eum", 2000, 1).memory_bytes >= 8 * 2000**2
    assert estimate("smp", 2000, 3, draws=10).seconds == pytest.approx(10 * estimate("smp", 2000, 3).seconds)


def test_a_2000_actor_smp_scenario_is_refused_up_front(cli, tmp_path):
    path = tmp_path / "big.json"
    path.write_text(json.dumps(synthetic_table(2000, 3)))
    started = time.monotonic()
    result = cli("forecast", str(path), "--model", "smp")
    assert time.monotonic() - started < 10
    assert result.exit_code == 2
    assert "the smp forecast (smp on 2000 actors x 3 issues) would take about" in result.stderr
    assert "GiB of memory" in result.stderr and "more than the budget of 4 GiB of memory" in result.stderr


def test_max_memory_is_settable(cli, tmp_path):
    path = tmp_path / "small.json"
    path.write_text(json.dumps(synthetic_table(12, 2)))
    refused = cli("forecast", str(path), "--model", "smp", "--max-memory", "10MiB")
    assert refused.exit_code == 2 and "more than the budget of 10 MiB of memory" in refused.stderr
    assert cli("forecast", str(path), "--model", "smp", "--max-memory", "1GiB").exit_code == 0
    bad = cli("forecast", str(path), "--max-memory", "lots")
    assert bad.exit_code == 2 and "--max-memory: 'lots' is not a size" in bad.stderr
    simulate = cli("simulate", str(path), "--model", "compromise", "--draws", "100", "--max-memory", "1MiB")
    assert simulate.exit_code == 2 and "the simulation" in simulate.stderr
    levers = cli("levers", str(path), "--model", "compromise", "--max-memory", "1MiB")
    assert levers.exit_code == 2 and "the lever sweep" in levers.stderr


@pytest.mark.parametrize("text, size", [("4GiB", 4 * 2**30), ("512 MB", 512 * 2**20), ("2g", 2 * 2**30),
                                        ("1000", 1000)])
def test_sizes(text, size):
    assert parse_size(text) == size


def test_the_web_refuses_an_over_budget_run_with_the_estimate(tmp_path):
    from fastapi.testclient import TestClient

    from realpolitik.web.app import create_app

    client = TestClient(create_app(str(tmp_path / "runs.sqlite")))
    started = time.monotonic()
    response = client.post("/api/runs", json={"scenario": synthetic_table(500), "model": "smp"})
    assert time.monotonic() - started < 10
    assert response.status_code == 422
    assert "(smp on 500 actors x 1 issues) would take about" in response.json()["detail"]
    assert "more than the budget of 1 GiB of memory and 1 minutes" in response.json()["detail"]


def test_the_web_stops_a_run_at_its_time_limit(tmp_path, monkeypatch):
    from fastapi.testclient import TestClient

    from realpolitik.web.app import create_app

    # an estimate far too low lets the run start; the time limit must then stop it
    monkeypatch.setattr(budget, "SECONDS_PER_OPERATION", 1e-15)
    client = TestClient(create_app(str(tmp_path / "runs.sqlite"), budget=Budget(max_seconds=0.5)))
    started = time.monotonic()
    response = client.post("/api/runs", json={"scenario": synthetic_table(120), "model": "smp"})
    assert response.status_code == 408
    assert "ran past its time limit of 0.5 seconds" in response.json()["detail"]
    assert time.monotonic() - started < 5
    assert client.get("/api/runs").json() == []  # nothing half-stored


def test_a_timeline_is_costed_as_a_forecast_at_every_date(cli):
    from realpolitik.analysis.timeline import scenario_timeline
    from realpolitik.forecast import resolve_options
    from realpolitik.io import load_scenario

    scenario = load_scenario("ukraine-2025-03")  # 10 event dates: 11 points
    one = estimate("eum", 13, 6, resolve_options("eum"), draws=50)
    # A budget that one date's 50 draws fit in, and eleven dates' do not: refused before any work.
    with budget.budget_in_force(Budget(max_seconds=3 * one.seconds)):
        with pytest.raises(BudgetExceeded,
                           match=r"the timeline \(11 dates\) \(eum on 13 actors x 6 issues x 550 forecasts\)"):
            scenario_timeline(scenario, "eum", resolve_options("eum"), draws=50)
    refused = cli("timeline", "ukraine-2025-03", "--model", "compromise", "--draws", "100", "--max-memory", "1MiB")
    assert refused.exit_code == 2 and "the timeline (11 dates)" in refused.stderr
    assert "more than the budget of 1 MiB of memory" in refused.stderr
    assert "timeline" not in cli("runs", "list").stdout  # nothing stored


def test_the_web_bounds_a_timeline_like_a_run(tmp_path, monkeypatch):
    from fastapi.testclient import TestClient

    from realpolitik.web.app import create_app

    small = TestClient(create_app(str(tmp_path / "small.sqlite"), budget=Budget(max_memory_bytes=2**20)))
    refused = small.post("/api/timelines", json={"scenario_name": "ukraine-2025-03", "model": "compromise"})
    assert refused.status_code == 422
    assert "the timeline (11 dates) (compromise on 13 actors x 6 issues x 11 forecasts)" in refused.json()["detail"]
    # An estimate far too low lets the timeline start; its time limit must then stop it.
    monkeypatch.setattr(budget, "SECONDS_PER_OPERATION", 1e-15)
    client = TestClient(create_app(str(tmp_path / "runs.sqlite"), budget=Budget(max_seconds=0.5)))
    started = time.monotonic()
    response = client.post("/api/timelines", json={"scenario_name": "ukraine-2025-03", "model": "eum", "draws": 200})
    assert response.status_code == 408
    assert "ran past its time limit of 0.5 seconds" in response.json()["detail"]
    assert time.monotonic() - started < 10
    assert client.get("/api/timelines").json() == []  # nothing half-stored


def test_a_run_stops_when_its_client_disconnects():
    from realpolitik.comparison import run_models
    from realpolitik.scenario import load_scenario_dict

    scenario = load_scenario_dict(synthetic_table(120))
    asked = 0

    async def disconnected() -> bool:
        nonlocal asked
        asked += 1
        return asked >= 2

    started = time.monotonic()
    with pytest.raises(RunCancelled, match="its client disconnected"):
        asyncio.run(budget.run_until_done(lambda: run_models(scenario, "smp"), Cancellation(), disconnected, 0.1))
    assert time.monotonic() - started < 5


def test_checkpoint_is_free_without_a_cancellation():
    budget.checkpoint()
    with budget.cancellable(Cancellation()) as cancellation:
        budget.checkpoint()
        cancellation.cancel("told to")
        with pytest.raises(RunCancelled, match="told to"):
            budget.checkpoint()


def test_budget_exceeded_names_what_to_change():
    with budget.budget_in_force(Budget(max_memory_bytes=2**40, max_seconds=1.0)):
        with pytest.raises(BudgetExceeded, match="more than the budget of 1 TiB of memory and 1 seconds"):
            budget.check("exchange", 200, 20)


@pytest.mark.parametrize("model, change, message", [
    ("smp", {"capability": 1e308}, "capability 1e+308 is too large to compute with"),
    ("exchange", {"scale": 5e-324}, "the scale 0..4.94066e-324 cannot be computed with"),
])
def test_numbers_a_kernel_cannot_compute_with_are_input_problems(cli, tmp_path, model, change, message):
    data = synthetic_table(5, 2)
    if "capability" in change:
        data["actors"][0]["capability"] = change["capability"]
    else:
        data["issues"][0]["scale_max"] = change["scale"]
        for actor in data["actors"]:
            actor["stances"]["issue-0"]["position"] = 0
    path = tmp_path / "extreme.json"
    path.write_text(json.dumps(data))
    result = cli("forecast", str(path), "--model", model)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output and "Warning" not in result.output
