"""The forecast view's interval and levers: read from the run's stored analyses, never computed by the view."""

from __future__ import annotations

import pytest

from realpolitik import load_scenario
from realpolitik.analysis import run_analyses
from realpolitik.analysis.levers import analyse_levers
from realpolitik.analysis.montecarlo import simulate
from realpolitik.comparison import forecasts_document, run_models
from realpolitik.report import uncertainty
from realpolitik.report.issue_view import issue_view
from realpolitik.store import get_run, record_run
from realpolitik.store.analyses import queue_analyses


@pytest.fixture
def stored(run_store):
    scenario = load_scenario("ukraine-2025-03")
    forecasts = run_models(scenario, "eum")
    run_id = record_run("forecast", scenario, {"eum": forecasts[0].options},
                        forecasts_document(forecasts, compared=False), db=str(run_store))
    return get_run(run_id, str(run_store))


def test_a_run_whose_analyses_are_pending_shows_the_point_forecast_and_says_so(stored, run_store, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the view computed an analysis")

    monkeypatch.setattr("realpolitik.analysis.montecarlo.simulate", refuse)
    monkeypatch.setattr("realpolitik.analysis.levers.analyse_levers", refuse)
    view = issue_view(stored, "ceasefire", db=str(run_store))
    assert view["interval"] is None and view["tornado"] is None
    assert view["interval_note"] == "interval not computed for this run"
    assert view["analyses"] == {"sensitivity": "absent", "levers": "absent"}
    queue_analyses(stored.id, run_analyses.plan(stored), str(run_store))
    view = issue_view(stored, "ceasefire", db=str(run_store))
    assert view["interval"] is None
    assert view["interval_note"] == "interval pending: computed after the run"
    assert view["tornado_note"] == "levers pending: computed after the run"
    assert view["analyses"] == {"sensitivity": "pending", "levers": "pending"}


def test_interval_and_tornado_are_those_of_the_stored_analyses(stored, run_store):
    queue_analyses(stored.id, run_analyses.plan(stored), str(run_store))
    run_analyses.compute_analyses(stored, str(run_store))
    view = issue_view(stored, "ceasefire", db=str(run_store))
    scenario = load_scenario("ukraine-2025-03")
    simulation = simulate(scenario, "eum", draws=run_analyses.VIEW_DRAWS, seed=run_analyses.VIEW_SEED)
    assert view["analyses"] == {"sensitivity": "done", "levers": "done"}
    # The ceasefire has veto players: the band is the settlement's, the number the chart draws.
    agreement = simulation.issue("ceasefire").agreement_to_dict()
    assert view["interval"] == tuple(agreement["settlement_intervals"]["80"])
    low, high = view["interval"]
    assert view["interval_note"].startswith("sensitivity to the inputs of the settlement, not a forecast interval: "
                                            + ("80% of 500" if high > low else "every one of 500 Monte Carlo draws"))
    assert view["interval_note"].endswith(f"the reversion point {agreement['reversion']:g} holds")
    assert view["agreement"]["probability"] == agreement["probability"]
    assert "without a deal the reversion point 20 holds" in view["agreement_note"]
    if agreement["probability"] == 0.0:  # no deal in any draw: the calibrated outcome is the reversion point
        assert view["calibrated"]["median"] == pytest.approx(agreement["reversion"])
    shapes = view["trajectory"]["layout"]["shapes"]
    assert any(shape["type"] == "rect" and (shape["y0"], shape["y1"]) == view["interval"] for shape in shapes)
    analysis = analyse_levers(scenario, "eum").issue("ceasefire")
    down, up = view["tornado"]["data"]
    moving = [lever for lever in analysis.levers if lever.swing > 0]
    assert len(down["y"]) == min(uncertainty.TORNADO_LEVERS, len(moving))
    strongest = analysis.levers[0]
    assert down["y"][-1] == f"{strongest.actor} {strongest.attribute}"
    assert down["base"] == up["base"] == analysis.baseline == view["forecast"]
    assert down["customdata"][-1] == strongest.down.forecast
    assert view["tornado_note"] == analysis.sentence()


def test_a_failed_analysis_is_named_with_its_message_and_those_needing_it_fail_too(stored, run_store, monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("the draws could not be made")

    monkeypatch.setattr("realpolitik.analysis.montecarlo.simulate", broken)
    queue_analyses(stored.id, run_analyses.plan(stored), str(run_store))
    run_analyses.compute_analyses(stored, str(run_store))
    analyses = uncertainty.stored_analyses(stored, str(run_store))
    assert analyses[("sensitivity", "eum")]["message"] == "ValueError: the draws could not be made"
    assert analyses[("levers", "eum")]["status"] == "done"
    assert analyses[("calibrated", "eum")]["message"] == "needs the sensitivity of the eum model, which failed"
    assert analyses[("outlook", None)]["status"] == "failed"
    view = issue_view(stored, "ceasefire", db=str(run_store))
    assert view["interval_note"] == ("interval not available: its analysis failed (ValueError: the draws could not "
                                     "be made)")
    assert view["tornado"] is not None
