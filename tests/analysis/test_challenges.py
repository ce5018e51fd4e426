"""The "who challenges whom" perspective agrees with the offers the expected utility model accepts."""

from __future__ import annotations

import pytest

from realpolitik import load_scenario, run
from realpolitik.analysis.challenges import challenge_perspective
from realpolitik.forecast import ForecastRequestError
from realpolitik.models.eum import PRESETS, EUMOptions


def predicted_move(points: list[dict]) -> str | None:
    """The kind of offer an actor accepts, by step 6 of the model, from its own perspective."""
    kinds = set()
    for point in points:
        attack, defence = point["attack"], point["defence"]
        if defence > attack > 0:
            kinds.add("confrontation")
        elif defence > 0 > attack:
            kinds.add("compromise" if defence > abs(attack) else "capitulation")
    for kind in ("confrontation", "compromise", "capitulation"):
        if kind in kinds:
            return kind
    return None


@pytest.mark.parametrize("name, preset", [("ukraine-2025-03", None), ("emissions-1994", "scholz2011")])
def test_each_actors_view_predicts_the_move_it_makes(name, preset):
    scenario = load_scenario(name)
    options = PRESETS[preset] if preset else EUMOptions()
    forecast = run(scenario, "eum", options, preset)
    checked = 0
    for item in forecast.issues:
        for round_number in (0, 1):
            start, after = item.rounds[round_number], item.rounds[round_number + 1]
            moves = {move.actor: move.kind for move in after.moves}
            for actor, position in start.positions.items():
                others = [p for a, p in start.positions.items() if a != actor]
                if all(other == position for other in others):
                    continue
                view = challenge_perspective(scenario, item.issue.name, actor, options, start.positions).to_dict()
                assert predicted_move(view["points"]) == moves.get(actor), (item.issue.name, round_number, actor)
                checked += 1
    assert checked >= 20


def test_perspective_lists_every_other_participant():
    scenario = load_scenario("ukraine-2025-03")
    view = challenge_perspective(scenario, "ceasefire", "Russia", EUMOptions())
    participants = scenario.issue_arrays("ceasefire").actors
    assert view.others == [name for name in participants if name != "Russia"]
    assert len(view.attack) == len(view.defence) == len(view.others)


def test_unknown_issue_or_actor_is_refused():
    scenario = load_scenario("ukraine-2025-03")
    with pytest.raises(ForecastRequestError, match="has no issue 'peace'"):
        challenge_perspective(scenario, "peace", "Russia", EUMOptions())
    with pytest.raises(ForecastRequestError, match="takes no part in issue 'ceasefire'"):
        challenge_perspective(scenario, "ceasefire", "Mars", EUMOptions())
