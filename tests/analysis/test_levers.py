"""Levers and shocks, checked against the compromise model's closed form ``Σ c s x / Σ c s``."""

from __future__ import annotations

import pytest

from realpolitik import load_scenario, load_scenario_dict, run
from realpolitik.analysis.levers import LeverSteps, analyse_levers, apply_shocks, sweep_issue
from realpolitik.analysis.expressions import parse_shock
from realpolitik.forecast import resolve_options

TABLE = {  # actor: (capability, position, salience) on issue x (scale 0..100)
    "A": (2.0, 10.0, 50.0),
    "B": (1.0, 60.0, 80.0),
    "C": (3.0, 95.0, 30.0),
}
SCENARIO = load_scenario_dict({
    "name": "t",
    "issues": [{"name": "x"}, {"name": "y", "scale_min": 0, "scale_max": 10}],
    "actors": [{"name": name, "capability": capability,
                "stances": {"x": {"position": position, "salience": salience},
                            "y": {"position": position / 10, "salience": salience}}}
               for name, (capability, position, salience) in TABLE.items()],
})


def weighted_mean(table: dict[str, tuple[float, float, float]]) -> float:
    weights = {name: capability * salience for name, (capability, _, salience) in table.items()}
    return sum(weights[name] * table[name][1] for name in table) / sum(weights.values())


def changed(name: str, attribute: str, value: float) -> dict[str, tuple[float, float, float]]:
    table = dict(TABLE)
    capability, position, salience = table[name]
    table[name] = {"capability": (value, position, salience), "position": (capability, value, salience),
                   "salience": (capability, position, value)}[attribute]
    return table


def test_moving_a_position_by_d_moves_the_compromise_by_d_w_over_sum_w():
    levers = sweep_issue(SCENARIO, "compromise", resolve_options("compromise"), LeverSteps(), 0)
    total = sum(capability * salience for capability, _, salience in TABLE.values())
    lever = next(item for item in levers.levers if item.actor == "B" and item.attribute == "position")
    share = TABLE["B"][0] * TABLE["B"][2] / total
    assert lever.down.value == 50.0 and lever.up.value == 70.0
    assert lever.down.change == pytest.approx(-10.0 * share, abs=1e-12)
    assert lever.up.change == pytest.approx(10.0 * share, abs=1e-12)


def test_every_lever_matches_the_closed_form_and_the_ranking_is_by_swing():
    levers = sweep_issue(SCENARIO, "compromise", resolve_options("compromise"), LeverSteps(), 0)
    assert levers.baseline == pytest.approx(weighted_mean(TABLE), abs=1e-12)
    expected_values = {"position": lambda v: (max(0.0, v - 10), min(100.0, v + 10)),
                       "salience": lambda v: (max(0.0, v - 10), min(100.0, v + 10)),
                       "capability": lambda v: (v / 1.25, v * 1.25)}
    assert len(levers.levers) == 3 * len(TABLE)
    for lever in levers.levers:
        current = TABLE[lever.actor][("capability", "position", "salience").index(lever.attribute)]
        down, up = expected_values[lever.attribute](current)
        assert (lever.current, lever.down.value, lever.up.value) == (current, down, up)
        assert lever.down.forecast == pytest.approx(weighted_mean(changed(lever.actor, lever.attribute, down)), abs=1e-12)
        assert lever.up.forecast == pytest.approx(weighted_mean(changed(lever.actor, lever.attribute, up)), abs=1e-12)
    swings = [lever.swing for lever in levers.levers]
    assert swings == sorted(swings, reverse=True)
    c_position = next(item for item in levers.levers if item.actor == "C" and item.attribute == "position")
    assert c_position.up.value == 100.0  # 95 + 10 is clipped to the end of the scale


def test_the_sentence_names_the_strongest_single_change():
    # Brute force over all 18 steps with the closed form, independently of the sweep.
    best = max(((name, attribute, value) for name in TABLE for attribute in ("position", "salience", "capability")
                for value in _steps(name, attribute)),
               key=lambda step: abs(weighted_mean(changed(*step)) - weighted_mean(TABLE)))
    levers = analyse_levers(SCENARIO, "compromise").issue("x")
    lever = levers.strongest()
    direction, step = lever.strongest()
    assert (lever.actor, lever.attribute, step.value) == best
    assert levers.sentence().startswith(f"The single change that moves the x forecast most is {best[0]}'s {best[1]} "
                                        f"{direction} from")


def _steps(name: str, attribute: str) -> tuple[float, float]:
    capability, position, salience = TABLE[name]
    if attribute == "capability":
        return capability / 1.25, capability * 1.25
    value = position if attribute == "position" else salience
    return max(0.0, value - 10), min(100.0, value + 10)


def test_step_sizes_follow_the_scale():
    levers = sweep_issue(SCENARIO, "compromise", resolve_options("compromise"),
                         LeverSteps(position_percent_of_scale=20, salience_points=5, capability_factor=2), 1)
    lever = {(item.actor, item.attribute): item for item in levers.levers}
    assert (lever["B", "position"].down.value, lever["B", "position"].up.value) == (4.0, 8.0)  # 20% of 0..10
    assert (lever["B", "salience"].down.value, lever["B", "salience"].up.value) == (75.0, 85.0)
    assert (lever["A", "capability"].down.value, lever["A", "capability"].up.value) == (1.0, 4.0)
    with pytest.raises(ValueError):
        LeverSteps(capability_factor=1.0)


def test_shocks_are_applied_in_order_and_reported():
    scenario = load_scenario_dict({
        "name": "s", "issues": [{"name": "x"}, {"name": "y"}],
        "actors": [{"name": "A", "capability": 10, "capability_by_issue": {"y": {"value": 4}},
                    "stances": {"x": {"position": 20, "salience": 50}, "y": {"position": 90, "salience": 60}}},
                   {"name": "B", "capability": 5, "stances": {"x": {"position": 70, "salience": 40}}}],
    })
    shocks = [parse_shock(text, scenario) for text in
              ("A.salience[x]=40", "A.capability*=2", "B.capability[x]+=1", "A.position+=15", "A.salience[x]-=30")]
    shocked, changes = apply_shocks(scenario, shocks)
    a, b = shocked.actor("A"), shocked.actor("B")
    assert a.stances["x"].salience == 10.0  # 50 → 40 → 10
    assert (a.capability, a.capability_by_issue["y"].value) == (20.0, 8.0)  # general and override doubled
    assert b.capability == 5.0 and b.capability_by_issue["x"].value == 6.0  # only issue x changes
    assert (a.stances["x"].position, a.stances["y"].position) == (35.0, 100.0)
    clipped = [change for change in changes if change.clipped]
    assert [(change.actor, change.attribute, change.issue, change.before, change.after) for change in clipped] == \
        [("A", "position", "y", 90.0, 100.0)]
    assert scenario.actor("A").stances["x"].salience == 50.0  # the original is untouched


def test_shock_outcome_is_baseline_vs_shocked_with_the_difference():
    analysis = analyse_levers(SCENARIO, "compromise", shocks=["B.salience[x]=40", "A.capability*=1.5"])
    shocked_table = dict(TABLE)
    shocked_table["B"] = (1.0, 60.0, 40.0)
    shocked_table["A"] = (3.0, 10.0, 50.0)
    x = next(item for item in analysis.shocks.issues if item[0].name == "x")
    assert x[1] == pytest.approx(weighted_mean(TABLE), abs=1e-12)
    assert x[2] == pytest.approx(weighted_mean(shocked_table), abs=1e-12)
    document = analysis.to_dict()["shocks"]
    assert document["issues"][0]["difference"] == pytest.approx(x[2] - x[1], abs=1e-12)
    assert [change["shock"] for change in document["changes"]] == ["B.salience[x]=40", "A.capability*=1.5"]


def test_the_lever_baseline_is_the_forecast():
    scenario = load_scenario("ukraine-2025-03")
    analysis = analyse_levers(scenario, "eum")
    forecast = run(scenario, "eum")
    for item in analysis.issues:
        assert item.baseline == pytest.approx(forecast.issue(item.issue.name).forecast, abs=1e-12)
    assert analysis.issue("ceasefire").sentence().startswith(
        "The single change that moves the ceasefire forecast most is")
