"""Scenarios saved from the web editor."""

from __future__ import annotations

import pytest

from realpolitik import load_scenario
from realpolitik.store import (
    ScenarioNotFound,
    delete_saved_scenario,
    get_saved_scenario,
    list_saved_scenarios,
    save_scenario,
)


def test_save_replace_list_and_delete(store_url):
    scenario = load_scenario("emissions-1994").model_copy(update={"name": "mine"}, deep=True)
    save_scenario(scenario)
    assert get_saved_scenario("mine") == scenario
    scenario.actors[0].capability = 1.0
    save_scenario(scenario)
    assert get_saved_scenario("mine").actors[0].capability == 1.0
    assert [saved.scenario.name for saved in list_saved_scenarios()] == ["mine"]
    delete_saved_scenario("mine")
    assert list_saved_scenarios() == []
    with pytest.raises(ScenarioNotFound, match="no saved scenario 'mine'"):
        get_saved_scenario("mine")
