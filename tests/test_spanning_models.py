"""Models that span issues (SMP, exchange) through the forecast layer and the CLI."""

from __future__ import annotations

import json

import numpy as np
import pytest

from realpolitik import load_scenario, run
from realpolitik.io.native import parse_native
from tests.conftest import shared_file
from tests.ktab_reference import parse_reference_log

TWO_ISSUES = """\
name: two
issues: [{name: x}, {name: y}]
actors:
  - {name: A, capability: 3, stances: {x: {position: 10, salience: 90}, y: {position: 80, salience: 10}}}
  - {name: B, capability: 1, stances: {x: {position: 90, salience: 10}, y: {position: 20, salience: 90}}}
  - {name: C, capability: 2, stances: {x: {position: 50, salience: 50}}}
"""


def test_smp_through_the_cli_matches_ktab_reference_run(cli):
    """`forecast --model smp` on a KTAB CSV gives the reference run's states, one issues entry per dimension."""
    path = shared_file("ktab", "dummyData_3Dim.csv")
    reference = parse_reference_log(shared_file("ktab", "20170530_ref-dummyData_3Dim.txt"))
    document = json.loads(cli("forecast", str(path), "--model", "smp", "--format", "json").stdout)
    assert len(document["issues"]) == 3
    assert reference.states == 11
    for issue, dimension in zip(document["issues"], reference.dimensions):
        assert len(issue["rounds"]) == reference.states
        for actor in reference.actors:
            ours = [round_["positions"][actor] for round_ in issue["rounds"]]
            np.testing.assert_allclose(ours, reference.positions[(actor, dimension)], atol=0.1)


def test_exchange_moves_both_traders_on_their_supply_issues():
    forecast = run(parse_native(TWO_ISSUES, "two"), "exchange")
    assert [issue.issue.name for issue in forecast.issues] == ["x", "y"]
    moves = [(move.actor, move.with_) for issue in forecast.issues for r in issue.rounds for move in r.moves]
    # A cares about x and B about y: they trade, A giving way on y and B on x.
    assert ("B", "A") in [(m.actor, m.with_) for r in forecast.issue("x").rounds for m in r.moves]
    assert ("A", "B") in [(m.actor, m.with_) for r in forecast.issue("y").rounds for m in r.moves]
    assert moves
    # C takes no part in y and never appears there.
    assert all("C" not in r.positions for r in forecast.issue("y").rounds)


def test_smp_gives_non_participants_no_say():
    """C takes no part in y: moving its (absent) stance cannot matter, and it is not reported there."""
    forecast = run(parse_native(TWO_ISSUES, "two"), "smp")
    assert set(forecast.issue("y").rounds[-1].positions) == {"A", "B"}
    low, high = 20.0, 80.0
    assert low <= forecast.issue("y").forecast <= high


def test_simulate_runs_spanning_models(cli):
    document = json.loads(cli("simulate", "emissions-1994", "--model", "smp", "--draws", "20", "--seed", "3",
                              "--format", "json").stdout)
    assert document["draws"] == 20
    low, high = document["issues"][0]["intervals"]["95"]
    assert 4.0 <= low <= high <= 10.0


def test_spanning_model_forecasts_equal_a_direct_run():
    scenario = load_scenario("ukraine-2025-03")
    for model in ("smp", "exchange"):
        first, second = run(scenario, model), run(scenario, model)
        np.testing.assert_array_equal([i.forecast for i in first.issues], [i.forecast for i in second.issues])
