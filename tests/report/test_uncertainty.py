"""The forecast view's interval and levers: from the analysis modules where installed, a note where not."""

from __future__ import annotations

import socket

import pytest

from realpolitik import load_scenario
from realpolitik.comparison import forecasts_document, run_models
from realpolitik.report import uncertainty
from realpolitik.report.issue_view import issue_view
from realpolitik.store import get_run, record_run


@pytest.fixture
def stored():
    scenario = load_scenario("ukraine-2025-03")
    forecasts = run_models(scenario, "eum")
    run_id = record_run("forecast", scenario, {"eum": forecasts[0].options},
                        forecasts_document(forecasts, compared=False))
    return get_run(run_id)


def test_without_the_analysis_modules_the_view_says_so(stored, monkeypatch):
    monkeypatch.setattr(uncertainty, "_available", lambda module: False)
    view = issue_view(stored, "ceasefire")
    assert view["interval"] is None
    assert "interval not available" in view["interval_note"]
    assert view["tornado"] is None
    assert "levers not available" in view["tornado_note"]


def test_interval_is_the_monte_carlo_interval_of_the_run(stored, monkeypatch):
    montecarlo = pytest.importorskip("realpolitik.analysis.montecarlo", reason="Monte Carlo analysis not installed")
    bound = []
    original_bind = socket.socket.bind

    def recording_bind(self, address):
        bound.append(address)
        return original_bind(self, address)

    monkeypatch.setattr(socket.socket, "bind", recording_bind)
    view = issue_view(stored, "ceasefire")
    monkeypatch.undo()
    assert all(address[0] in ("127.0.0.1", "::1") for address in bound if isinstance(address, tuple)), bound
    simulation = montecarlo.simulate(load_scenario("ukraine-2025-03"), "eum", draws=uncertainty.VIEW_DRAWS,
                                     seed=uncertainty.VIEW_SEED)
    assert view["interval"] == tuple(simulation.issue("ceasefire").interval(80))
    assert view["interval_note"].startswith("sensitivity to the inputs, not a forecast interval: 80% of")
    shapes = view["trajectory"]["layout"]["shapes"]
    assert any(shape["type"] == "rect" and (shape["y0"], shape["y1"]) == view["interval"] for shape in shapes)
    assert issue_view(stored, "ceasefire")["interval"] == view["interval"]


def test_tornado_shows_the_strongest_levers_around_the_forecast(stored):
    levers = pytest.importorskip("realpolitik.analysis.levers", reason="levers analysis not installed")
    view = issue_view(stored, "ceasefire")
    analysis = levers.analyse_levers(load_scenario("ukraine-2025-03"), "eum").issue("ceasefire")
    down, up = view["tornado"]["data"]
    moving = [lever for lever in analysis.levers if lever.swing > 0]
    assert len(down["y"]) == min(uncertainty.TORNADO_LEVERS, len(moving))
    strongest = analysis.levers[0]
    assert down["y"][-1] == f"{strongest.actor} {strongest.attribute}"
    assert down["base"] == up["base"] == analysis.baseline == view["forecast"]
    assert down["customdata"][-1] == strongest.down.forecast
    assert view["tornado_note"] == analysis.sentence()
