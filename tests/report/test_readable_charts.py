"""Readable charts: distinct colours, whole anchor labels, values on the tornado bars, a positions chart
for one-shot models, the quadrant named as the expected utility model's view."""

from __future__ import annotations

from realpolitik.report.figures import (
    ACTOR_COLOURS,
    actor_colour,
    positions_figure,
    quadrant_figure,
    tornado_figure,
    trajectory_figure,
    wrapped_label,
)


def test_twenty_actors_get_twenty_different_colours():
    assert len({actor_colour(index) for index in range(20)}) == 20 == len(ACTOR_COLOURS)


def test_a_long_anchor_label_wraps_whole():
    label = "freeze on the current line with recognition of Russian control (at least Crimea de jure)"
    lines = wrapped_label(label)
    assert " ".join(lines) == label and all(len(line) <= 34 for line in lines)


ISSUE = {"title": "Ceasefire", "scale": [0, 100], "anchors": {"0": "no ceasefire", "100": "a comprehensive, "
         "lasting ceasefire along the whole front line"}, "status_quo": 20, "forecast": 60.0,
         "rounds": [{"round": 0, "positions": {"A": 20.0, "B": 80.0, "C": 70.0}}]}


def test_the_trajectory_axis_shows_every_word_of_each_anchor():
    layout = trajectory_figure(ISSUE, ["A", "B", "C"], "model")["layout"]
    assert layout["yaxis"]["ticktext"][1].replace("<br>", " ") == "100 " + ISSUE["anchors"]["100"]


def test_a_one_shot_model_shows_each_position_on_the_scale_weighted_and_the_settlement():
    figure = positions_figure(ISSUE, ["A", "B", "C"], {"A": 1.0, "B": 4.0, "C": 0.0}, "Weighted mean", (55, 65))
    trace = figure["data"][0]
    assert trace["y"] == ["A", "C", "B"] and trace["x"] == [20.0, 70.0, 80.0]  # lowest position first
    sizes = dict(zip(trace["y"], trace["marker"]["size"]))
    assert sizes["B"] == 30 and sizes["C"] == 8 and sizes["A"] == 19  # 8 + 22 * sqrt(weight / heaviest)
    assert any(shape["type"] == "line" and shape["x0"] == 60.0 for shape in figure["layout"]["shapes"])
    assert any(shape["type"] == "rect" and (shape["x0"], shape["x1"]) == (55, 65)
               for shape in figure["layout"]["shapes"])


def test_tornado_bars_say_the_step_and_where_the_forecast_goes():
    levers = [{"actor": "USA", "attribute": "position", "current": 80.0,
               "down": {"value": 70.0, "forecast": 61.4}, "up": {"value": 90.0, "forecast": 63.8}}]
    down, up = tornado_figure(levers, "Ceasefire", 63.8)["data"]
    assert down["text"] == ["80→70: 61.4"]
    assert up["text"] == [""]  # the step up leaves the forecast where it was


def test_the_quadrant_says_whose_view_it_is():
    figure = quadrant_figure({"actor": "USA", "points": [{"actor": "A", "attack": 0.5, "defence": -0.2}]}, ["USA", "A"])
    assert "the expected utility model's view" in figure["layout"]["title"]["text"]
    assert "as USA sees it" in figure["layout"]["title"]["text"]
