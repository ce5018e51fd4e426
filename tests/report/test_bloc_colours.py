"""Colours by bloc: one colour per bloc in order of first appearance, grey for actors in none, the blocs named
in the legend; without blocs, one colour per actor as before. The same in the browser's charts (plotly JSON),
the report's and the PNG files (matplotlib)."""

from __future__ import annotations

from realpolitik.report.figures import ACTOR_COLOURS, positions_figure, quadrant_figure, trajectory_figure
from realpolitik.report.palette import BLOC_COLOURS, NO_BLOC_COLOUR, ActorPalette

PALETTE = ActorPalette.of([("A", "EU"), ("B", "Russia and allies"), ("C", None), ("D", "EU")])
ISSUE = {"title": "Ceasefire", "scale": [0, 100], "anchors": {"0": "none", "100": "full"}, "status_quo": 20,
         "forecast": 40.0, "rounds": [{"round": 0, "positions": {"A": 10.0, "B": 90.0, "C": 50.0, "D": 20.0}},
                                      {"round": 1, "positions": {"A": 15.0, "B": 80.0, "C": 50.0, "D": 25.0}}]}


def test_two_actors_of_one_bloc_share_its_colour_and_other_blocs_differ():
    assert PALETTE.colour("A") == PALETTE.colour("D") == BLOC_COLOURS[0] == ACTOR_COLOURS[0]
    assert PALETTE.colour("B") == BLOC_COLOURS[1] != PALETTE.colour("A")
    assert PALETTE.colour("C") == NO_BLOC_COLOUR not in BLOC_COLOURS
    assert PALETTE.legend() == [("EU", BLOC_COLOURS[0]), ("Russia and allies", BLOC_COLOURS[1]),
                                ("no bloc", NO_BLOC_COLOUR)]


def test_many_blocs_get_different_colours_and_never_the_grey_of_no_bloc():
    palette = ActorPalette.of([(f"actor {n}", f"bloc {n}") for n in range(19)])
    colours = [palette.colour(f"actor {n}") for n in range(19)]
    assert len(set(colours)) == 19 and NO_BLOC_COLOUR not in colours and "#848482" not in colours


def test_without_blocs_every_actor_keeps_its_own_colour_in_actor_order():
    palette = ActorPalette.of([("A", None), ("B", None), ("C", None)])
    assert not palette.by_bloc and palette.legend() == []
    assert [palette.colour(name) for name in "ABC"] == list(ACTOR_COLOURS[:3])


def test_the_trajectory_colours_by_bloc_and_groups_the_legend_under_each_bloc():
    traces = {trace["name"]: trace for trace in trajectory_figure(ISSUE, PALETTE, "EUM")["data"]}
    assert traces["A"]["line"]["color"] == traces["D"]["line"]["color"] == traces["A"]["marker"]["color"]
    assert traces["B"]["line"]["color"] != traces["A"]["line"]["color"]
    assert traces["C"]["line"]["color"] == NO_BLOC_COLOUR
    assert {name: trace["legendgroup"] for name, trace in traces.items()} == {
        "A": "EU", "B": "Russia and allies", "C": "no bloc", "D": "EU"}
    assert "EU" in traces["A"]["legendgrouptitle"]["text"]
    assert traces["A"]["line"]["dash"] != traces["D"]["line"]["dash"]  # one bloc, told apart by dash
    assert "(EU)" in traces["D"]["hovertemplate"]


def test_without_blocs_the_trajectory_is_drawn_as_before():
    figure = trajectory_figure(ISSUE, ["A", "B", "C", "D"], "EUM")
    assert [trace["line"]["color"] for trace in figure["data"]] == list(ACTOR_COLOURS[:4])
    assert not any("legendgroup" in trace for trace in figure["data"])


def test_the_quadrant_and_the_positions_chart_draw_one_named_series_per_bloc():
    points = [{"actor": name, "attack": attack, "defence": 0.1} for name, attack in
              (("B", 0.5), ("C", -0.3), ("D", 0.2))]
    quadrant = quadrant_figure({"actor": "A", "points": points}, PALETTE)["data"]
    assert [(trace["name"], trace["customdata"], trace["showlegend"]) for trace in quadrant] == [
        ("EU", ["D"], True), ("Russia and allies", ["B"], True), ("no bloc", ["C"], True)]
    assert [trace["marker"]["color"] for trace in quadrant] == [[BLOC_COLOURS[0]], [BLOC_COLOURS[1]], [NO_BLOC_COLOUR]]

    figure = positions_figure(ISSUE, PALETTE, {"A": 1.0, "B": 1.0, "C": 1.0, "D": 1.0}, "Weighted mean")
    series = {trace["name"]: trace for trace in figure["data"]}
    assert series["EU"]["y"] == ["A", "D"] and set(series["EU"]["marker"]["color"]) == {BLOC_COLOURS[0]}
    assert figure["layout"]["yaxis"]["categoryarray"] == ["A", "D", "C", "B"]  # still lowest position first


def test_the_png_charts_colour_by_bloc_and_name_the_blocs():
    from matplotlib.colors import to_hex

    from realpolitik.report import png

    view = {"interval": None, "status_quo": 20, "forecast": 40.0, "scale": [0, 100], "anchors": ISSUE["anchors"],
            "title": "Ceasefire", "model_title": "EUM", "perspective": "A",
            "challenges": {"points": [{"actor": "B", "attack": 0.5, "defence": 0.1},
                                      {"actor": "D", "attack": 0.2, "defence": 0.1}]}}
    lines = {line.get_label(): line for line in png._positions_chart(view, ISSUE, PALETTE).axes[0].get_lines()}
    assert to_hex(lines["A (EU)"].get_color()) == to_hex(lines["D (EU)"].get_color()) == BLOC_COLOURS[0]
    assert to_hex(lines["C (no bloc)"].get_color()) == NO_BLOC_COLOUR
    legend = png._challenges_chart(view, PALETTE).axes[0].get_legend()
    assert [text.get_text() for text in legend.get_texts()] == ["Russia and allies", "EU"]


def test_a_bloc_is_shown_as_text_not_markup():
    palette = ActorPalette.of([("A", "<img src=x onerror=alert(1)>"), ("B", None)])
    figures = [trajectory_figure(ISSUE | {"rounds": [{"round": 0, "positions": {"A": 1.0, "B": 2.0}}]}, palette, "m"),
               quadrant_figure({"actor": "B", "points": [{"actor": "A", "attack": 0.1, "defence": 0.1}]}, palette)]
    text = str(figures)
    assert "<img" not in text and "&lt;img src=x onerror=alert(1)&gt;" in text


def test_the_report_names_the_blocs_its_charts_colour_by(cli, tmp_path, run_store):
    for scenario, blocs in (("ukraine-2025-03", True), ("emissions-1994", False)):
        assert cli("forecast", scenario, "--model", "median").exit_code == 0
        target = tmp_path / f"{scenario}.html"
        assert cli("report", "1" if blocs else "2", "--html", str(target)).exit_code == 0
        html = target.read_text(encoding="utf-8")
        assert ("<th>actor</th><th>bloc</th><th>capability</th>" in html) is blocs
        if blocs:
            assert "<td>United States (Trump administration)</td><td>Mediators</td><td>100</td>" in html
            assert "<td>Hungary (Orbán)</td><td>–</td>" in html
