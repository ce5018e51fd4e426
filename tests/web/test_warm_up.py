"""The server's warm-up runs every model, its draws, levers and calibrated forecast without error."""

from __future__ import annotations

from realpolitik.forecast import MODELS
from realpolitik.web import analysis_workers


def test_the_warm_up_runs_every_model_through_every_analysis(monkeypatch):
    ran = []
    from realpolitik.analysis import levers

    original = levers.sweep_issues

    def counting(scenario, model, *arguments, **keywords):
        ran.append(model)
        return original(scenario, model, *arguments, **keywords)

    monkeypatch.setattr(levers, "sweep_issues", counting)
    analysis_workers.warm_up()
    assert set(ran) == set(MODELS)
