"""The veto-player model: hand-derived winsets and outcomes, pivots of qualified majorities,
the EU procedures of DEU III, and the properties every model must have."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from realpolitik.io.native import parse_native
from realpolitik.models.veto import PRESETS, VetoOptions, majority_pivots, run_issue, unanimity_winset, veto_outcome
from realpolitik.models.veto.eu_procedures import council_period, eu_procedure_outcome


def winset(ideals, reversion):
    low, high = unanimity_winset(np.array([ideals], dtype=float), np.array([reversion], dtype=float))
    return float(low[0]), float(high[0])


# Hand-derived: a veto player at x accepts [x - |q - x|, x + |q - x|]; the winset is the intersection.
@pytest.mark.parametrize(("ideals", "reversion", "expected"), [
    ([60], 20, (20, 100)),            # one veto player: q reflected through its ideal
    ([60, 40], 20, (20, 60)),         # two on one side: the one nearer q binds
    ([60, 40, 30], 20, (20, 40)),     # three on one side
    ([10, 60], 20, (20, 20)),         # on both sides of q: only q
    ([20, 60], 20, (20, 20)),         # one at q: only q
    ([-5, -1], 3, (-5, 3)),           # below q: from 2 x - q up to q
])
def test_unanimity_winset(ideals, reversion, expected):
    assert winset(ideals, reversion) == pytest.approx(expected)


def test_without_veto_players_the_winset_is_the_line():
    assert winset([], 20) == (-np.inf, np.inf)


@pytest.mark.parametrize(("target", "expected"), [
    (80, 60),  # beyond the winset: its preferred end
    (45, 45),  # inside: the target itself
    (5, 20),   # on the other side of q: q
])
def test_outcome_is_the_point_of_the_winset_nearest_the_target(target, expected):
    low, high = unanimity_winset(np.array([[60.0, 40.0]]), np.array([20.0]))
    assert veto_outcome(low, high, np.array([target]))[0] == pytest.approx(expected)


def test_pivots_of_a_qualified_majority():
    # Five equal members at 0..40, four of five needed: from the left the fourth member (30),
    # from the right the fourth from the right (10); a point y > 0 beats 0 while the members at or
    # above y / 2 are four, i.e. up to 20 = 2 x 10 - 0.
    left, right = majority_pivots(np.array([[0.0, 10, 20, 30, 40]]), np.ones(5), np.array([0.8]))
    assert (left[0], right[0]) == (30, 10)
    assert winset([left[0], right[0]], 0) == (0, 20)
    # A member with 60% of the votes decides alone under a 60% quota.
    left, right = majority_pivots(np.array([[0.0, 50, 100]]), np.array([3.0, 1, 1]), np.array([0.6]))
    assert (left[0], right[0]) == (0, 0)


def test_pivots_under_two_criteria_and_a_blocking_minority_rule():
    # Members at 0, 10, 20, 30; counts and populations 10, 1, 1, 1; half the members and 65% of 13.
    position = np.array([[0.0, 10, 20, 30]])
    weights = np.array([[1, 10], [1, 1], [1, 1], [1, 1]], dtype=float)
    left, right = majority_pivots(position, weights, np.array([0.5, 0.65]))
    assert (left[0], right[0]) == (10, 0)  # from the right only all four reach 65% of the population
    # Unanimity, but a blocking minority needs two members: any three of four pass.
    left, right = majority_pivots(position, np.ones(4), np.array([1.0]), deemed_when_fewer_opponents_than=2)
    assert (left[0], right[0]) == (20, 10)


SCENARIO = """\
name: talks
issues:
  - name: truce
    status_quo: 20
    veto_players: [A, B]
  - name: deal
    status_quo: 20
    veto_players: [A, B, C]
    agenda_setter: D
  - name: stalemate
    status_quo: 20
    veto_players: [A, E]
  - name: consensus
    status_quo: 20
  - name: open
actors:
  - {name: A, capability: 1, stances: {truce: {position: 60, salience: 100}, deal: {position: 60, salience: 100},
                                       stalemate: {position: 60, salience: 100}, consensus: {position: 60, salience: 100},
                                       open: {position: 60, salience: 100}}}
  - {name: B, capability: 1, stances: {truce: {position: 40, salience: 100}, deal: {position: 40, salience: 100},
                                       consensus: {position: 40, salience: 100}, open: {position: 40, salience: 100}}}
  - {name: C, capability: 1, stances: {truce: {position: 100, salience: 100}, deal: {position: 30, salience: 100},
                                       consensus: {position: 100, salience: 100}}}
  - {name: D, capability: 1, stances: {deal: {position: 90, salience: 100}}}
  - {name: E, capability: 1, stances: {stalemate: {position: 10, salience: 100}}}
"""


@pytest.mark.parametrize(("issue", "expected"), [
    ("truce", 60),      # winset [20, 60]; the weighted mean (60 + 40 + 100) / 3 = 66.7 lies beyond: 60
    ("deal", 40),       # winset [20, 40] (C at 30 binds); the agenda setter D at 90 gets its nearest point, 40
    ("stalemate", 20),  # A above and E below the status quo: the winset is {20}
    ("consensus", 60),  # none declared: every participant vetoes, B at 40 binds [20, 60]; mean 66.7 -> 60
    ("open", 50),       # no status quo, no roles: the weighted mean
])
def test_declared_roles_on_a_scenario(issue, expected):
    scenario = parse_native(SCENARIO, "talks.yaml")
    arrays = scenario.issue_arrays(issue)
    run = run_issue(scenario.issue(issue), arrays.position[None], arrays.salience[None], arrays.capability[None],
                    VetoOptions())
    assert run.forecast[0] == pytest.approx(expected)
    assert run.history().stop_reason


def test_reversion_point_overrides_the_status_quo():
    scenario = parse_native(SCENARIO.replace("    veto_players: [A, B]\n", "    veto_players: [A, B]\n"
                                             "    reversion: 50\n", 1), "talks.yaml")
    arrays = scenario.issue_arrays("truce")
    run = run_issue(scenario.issue("truce"), arrays.position[None], arrays.salience[None], arrays.capability[None],
                    VetoOptions())
    assert run.forecast[0] == pytest.approx(50)  # A at 60 and B at 40 on both sides of 50


def test_eu_presets_refuse_a_plain_scenario():
    from realpolitik.forecast import ForecastRequestError

    scenario = parse_native(SCENARIO, "talks.yaml")
    arrays = scenario.issue_arrays("truce")
    with pytest.raises(ForecastRequestError, match="backtest deu3"):
        run_issue(scenario.issue("truce"), arrays.position[None], arrays.salience[None], arrays.capability[None],
                  PRESETS["eu-commission-setter"])


# An EU-15 issue (Amsterdam weights) by hand: members de 10, fr 10, it 10, uk 10, es 8, nl 5 are recorded
# (53 votes; the quota 62/87 of them is 37.77). From the right nl 90 (5), de 80 (15), fr 60 (25), it 50 (35),
# es 40 (43): right pivot 40; from the left uk 20 (10), es 40 (18), it 50 (28), fr 60 (38): left pivot 60.
EU_ACTORS = ["com", "ep", "de", "fr", "it", "uk", "es", "nl"]
EU_POSITIONS = [100.0, 30, 80, 60, 50, 20, 40, 90]


def eu(procedure, voting_rule, preset, reference_point=0.0, positions=EU_POSITIONS):
    ones = np.ones((1, len(EU_ACTORS)))
    return eu_procedure_outcome(EU_ACTORS, np.array([positions]), ones, ones, reference_point, procedure,
                                voting_rule, PRESETS[preset])[0]


@pytest.mark.parametrize(("procedure", "voting_rule", "preset", "expected"), [
    ("CNS", "QMV", "eu-commission-setter", 80),    # Council winset [0, 2 x 40]; the Commission at 100 takes 80
    ("COD", "QMV", "eu-commission-setter", 60),    # the Parliament at 30 adds [0, 60]
    ("CNS", "Unan", "eu-commission-setter", 40),   # every member vetoes: uk at 20 binds [0, 40]
    ("CNS", "QMV", "eu-council-unanimity", 40),    # unanimity whatever the record
    ("COD", "QMV", "eu-conciliation", 58.75),      # no setter under COD: mean 470 / 8 = 58.75 inside [0, 60]
    ("CNS", "QMV", "eu-conciliation", 80),         # consultation keeps the Commission as setter
])
def test_eu_procedures_by_hand(procedure, voting_rule, preset, expected):
    assert eu(procedure, voting_rule, preset) == pytest.approx(expected)


def test_eu_reference_point_assumed_at_the_end_away_from_the_commission():
    assert eu("CNS", "QMV", "eu-commission-setter", None) == pytest.approx(80)  # Commission at 100: q = 0
    reflected = [100 - x for x in EU_POSITIONS]  # Commission at 0: q = 100, everything mirrored
    assert eu("CNS", "QMV", "eu-commission-setter", None, reflected) == pytest.approx(20)


def test_council_periods():
    assert council_period(["de", "fr"], "QMV") == "EU-15"
    assert council_period(["de", "fr"], "QMV(10)") == "EU-15, 10 members"
    assert council_period(["de", "pl"], "QMV") == "EU-25"
    assert council_period(["de", "pl", "ro"], "QMV") == "EU-27"
    assert council_period(["de", "cr"], "QMV") == "EU-28"


# Properties: order of actors, affine change of scale (reflections included), and consent of every veto player.
tables = st.integers(2, 8).flatmap(lambda n: st.tuples(
    st.lists(st.floats(0, 100), min_size=n, max_size=n).map(np.array),
    st.lists(st.floats(0.05, 1.0), min_size=n, max_size=n).map(np.array),
    st.lists(st.floats(0.1, 100.0), min_size=n, max_size=n).map(np.array),
    st.lists(st.booleans(), min_size=n, max_size=n).map(np.array),
    st.floats(0, 100),
    st.one_of(st.none(), st.integers(0, n - 1)),
))


def outcome(position, salience, capability, veto, reversion, setter):
    low, high = unanimity_winset(position[None, veto], np.array([reversion]))
    target = position[setter] if setter is not None else (capability * salience * position).sum() / (
        capability * salience).sum()
    return veto_outcome(low, high, np.array([target]))[0]


@settings(max_examples=60, deadline=None)
@given(table=tables, seed=st.integers(0, 2**32 - 1))
def test_order_of_actors_does_not_matter(table, seed):
    position, salience, capability, veto, reversion, setter = table
    order = np.random.default_rng(seed).permutation(len(position))
    moved_setter = None if setter is None else int(np.flatnonzero(order == setter)[0])
    assert outcome(position[order], salience[order], capability[order], veto[order], reversion, moved_setter) == \
        pytest.approx(outcome(position, salience, capability, veto, reversion, setter), abs=1e-9)


@settings(max_examples=60, deadline=None)
@given(table=tables, scale=st.one_of(st.floats(0.01, 100), st.floats(-100, -0.01)), shift=st.floats(-1000, 1000))
def test_affine_change_of_scale_carries_through(table, scale, shift):
    position, salience, capability, veto, reversion, setter = table
    plain = outcome(position, salience, capability, veto, reversion, setter)
    moved = outcome(scale * position + shift, salience, capability, veto, scale * reversion + shift, setter)
    assert moved == pytest.approx(scale * plain + shift, abs=1e-7 * max(1.0, abs(scale) * 100))


@settings(max_examples=60, deadline=None)
@given(table=tables)
def test_every_veto_player_accepts_the_outcome(table):
    position, salience, capability, veto, reversion, setter = table
    result = outcome(position, salience, capability, veto, reversion, setter)
    distance_to_q = np.abs(reversion - position[veto])
    assert np.all(np.abs(result - position[veto]) <= distance_to_q + 1e-9)


def test_draws_are_independent():
    position = np.array([[60.0, 40.0], [10.0, 60.0], [30.0, 90.0]])
    low, high = unanimity_winset(position, np.array([20.0, 20.0, 20.0]))
    np.testing.assert_allclose(low, [20, 20, 20])
    np.testing.assert_allclose(high, [60, 20, 40])


def test_forecast_with_an_eu_preset_is_refused_in_one_line(cli):
    result = cli("forecast", "ukraine-2025-03", "--model", "veto", "--preset", "eu-commission-setter")
    assert result.exit_code == 2
    assert "run them with 'realpolitik backtest deu3'" in result.stderr
    assert "Traceback" not in result.output


def test_the_flagship_ceasefire_stays_at_the_reversion_point(cli):
    """Russia, a veto player, sits at the reversion point 20: nothing else is in the winset."""
    import json

    result = cli("forecast", "ukraine-2025-03", "--model", "veto", "--format", "json")
    assert result.exit_code == 0, result.output
    issues = {issue["issue"]: issue for issue in json.loads(result.stdout)["issues"]}
    assert issues["ceasefire"]["forecast"] == 20
    assert "veto players: Russia, Ukraine" in issues["ceasefire"]["stop_reason"]


def test_backtest_scores_the_eu_procedures_beside_the_compromise_model(cli):
    """Published comparisons (Thomson et al. 2006) find the procedural models less accurate than the
    compromise model on EU legislative data; the backtest lists each preset with its MAE."""
    import json

    from realpolitik.analysis.backtest import DEFAULT_MODELS
    from tests.conftest import shared_file

    procedural = ["veto:eu-commission-setter", "veto:eu-conciliation", "veto:eu-council-unanimity"]
    assert set(procedural) <= set(DEFAULT_MODELS)
    result = cli("backtest", "deu3", "--data", str(shared_file("deu3", "deu3.tsv")), "--models",
                 ",".join(["compromise", *procedural]), "--format", "json")
    assert result.exit_code == 0, result.output
    scores = {model["model"]: model for model in json.loads(result.stdout)["models"]}
    assert list(scores) == ["compromise", *procedural]
    for name in procedural:
        assert scores[name]["n"] == 353
        assert scores[name]["mae"] > scores["compromise"]["mae"]
        assert scores[name]["options"]["roles"] == "eu_procedure"


EU_CODES = ["com", "ep", "de", "fr", "it", "uk", "es", "nl", "pl", "ro", "cr", "mt", "se"]


@settings(max_examples=40, deadline=None)
@given(data=st.data(), preset=st.sampled_from(["eu-commission-setter", "eu-conciliation", "eu-council-unanimity"]),
       procedure=st.sampled_from(["COD", "CNS"]), voting_rule=st.sampled_from(["QMV", "Unan"]))
def test_eu_procedures_ignore_order_and_carry_a_reflection(data, preset, procedure, voting_rule):
    """Shuffling the actors changes nothing; mirroring the scale (x -> 100 - x, rp too) mirrors the outcome."""
    actors = data.draw(st.lists(st.sampled_from(EU_CODES), min_size=3, max_size=len(EU_CODES), unique=True))
    position = np.array(data.draw(st.lists(st.floats(0, 100), min_size=len(actors), max_size=len(actors))))
    salience = np.array(data.draw(st.lists(st.floats(0.05, 1), min_size=len(actors), max_size=len(actors))))
    reference = data.draw(st.floats(0, 100))
    order = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1))).permutation(len(actors))

    def run(codes, x, s, q):
        return eu_procedure_outcome(list(codes), x[None], s[None], np.ones((1, len(codes))), q, procedure,
                                    voting_rule, PRESETS[preset])[0]

    plain = run(actors, position, salience, reference)
    assert run([actors[i] for i in order], position[order], salience[order], reference) == \
        pytest.approx(plain, abs=1e-9)
    assert run(actors, 100 - position, salience, 100 - reference) == pytest.approx(100 - plain, abs=1e-9)
