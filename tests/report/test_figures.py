"""Chart specifications: the numbers of the run, and names that cannot inject markup."""

from __future__ import annotations

from realpolitik import load_scenario, run
from realpolitik.report.figures import plotly_javascript, quadrant_figure, trajectory_figure


def test_trajectory_draws_each_actor_by_round_and_the_forecast():
    scenario = load_scenario("emissions-1994")
    issue = run(scenario, "eum", preset="scholz2011").to_dict()["issues"][0]
    figure = trajectory_figure(issue, [actor.name for actor in scenario.actors], "EUM", interval=(6.5, 7.5))
    for trace in figure["data"]:
        assert trace["y"] == [state["positions"][trace["name"]] for state in issue["rounds"]]
        assert trace["x"] == list(range(len(issue["rounds"])))
    forecast_lines = [shape for shape in figure["layout"]["shapes"] if shape["type"] == "line"
                      and shape["y0"] == shape["y1"] == issue["forecast"]]
    assert forecast_lines
    band = next(shape for shape in figure["layout"]["shapes"] if shape["type"] == "rect")
    assert (band["y0"], band["y1"]) == (6.5, 7.5)


def test_names_are_shown_as_text_not_markup():
    perspective = {"issue": "x", "actor": "<img src=x onerror=alert(1)>",
                   "points": [{"actor": "<b>B</b>", "attack": 0.5, "defence": -0.2}]}
    figure = quadrant_figure(perspective, ["<b>B</b>"])
    assert figure["data"][0]["text"] == ["&lt;b&gt;B&lt;/b&gt;"]
    assert "<img" not in figure["layout"]["title"]["text"]
    assert "&lt;img" in figure["layout"]["title"]["text"]


def test_plotly_comes_from_the_installed_package():
    assert plotly_javascript().lstrip().startswith("/**\n* plotly.js v")
