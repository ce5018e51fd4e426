"""Threshold and shock expressions: what they mean, and one precise message for each kind of mistake."""

from __future__ import annotations

import numpy as np
import pytest

from realpolitik import load_scenario_dict
from realpolitik.analysis.expressions import ExpressionError, parse_shock, parse_threshold, read_shock_file

SCENARIO = load_scenario_dict({
    "name": "t",
    "issues": [{"name": "ceasefire"}, {"name": "aid", "scale_min": -5, "scale_max": 5}],
    "actors": [
        {"name": "Russia", "capability": 90, "stances": {"ceasefire": {"position": 20, "salience": 85}}},
        {"name": "North Korea", "capability": 5, "stances": {"aid": {"position": 1, "salience": 10}}},
        {"name": "St. Lucia", "capability": 1, "stances": {}},
    ],
})


@pytest.mark.parametrize(("text", "issue", "operator", "value"), [
    ("ceasefire>=75", "ceasefire", ">=", 75.0),
    (" ceasefire  <  20.5 ", "ceasefire", "<", 20.5),
    ("aid>-2.5", "aid", ">", -2.5),
    ("aid<=5", "aid", "<=", 5.0),
])
def test_thresholds_parse(text, issue, operator, value):
    threshold = parse_threshold(text, SCENARIO)
    assert (threshold.issue, threshold.operator, threshold.value) == (issue, operator, value)


def test_threshold_events_follow_their_operator():
    forecast = np.array([74.0, 75.0, 76.0])
    assert parse_threshold("ceasefire>=75", SCENARIO).holds(forecast).tolist() == [False, True, True]
    assert parse_threshold("ceasefire>75", SCENARIO).holds(forecast).tolist() == [False, False, True]
    assert parse_threshold("ceasefire<=75", SCENARIO).holds(forecast).tolist() == [True, True, False]
    assert parse_threshold("ceasefire<75", SCENARIO).holds(forecast).tolist() == [True, False, False]


@pytest.mark.parametrize(("text", "message"), [
    ("ceasefire=>75", "threshold 'ceasefire=>75': expected ISSUE OP NUMBER with OP one of >=, >, <=, <"),
    ("ceasefire>=", "expected ISSUE OP NUMBER"),
    ("ceasefire>=high", "expected ISSUE OP NUMBER"),
    ("ceasfire>=75", "threshold 'ceasfire>=75': unknown issue 'ceasfire'; did you mean 'ceasefire'?"),
    ("peace>=75", "unknown issue 'peace' (issues: ceasefire, aid)"),
    ("ceasefire>=150", "150 lies outside the scale 0..100 of issue 'ceasefire'"),
])
def test_bad_thresholds_are_named(text, message):
    with pytest.raises(ExpressionError) as caught:
        parse_threshold(text, SCENARIO)
    assert message in str(caught.value)


@pytest.mark.parametrize(("text", "actor", "attribute", "issue", "operator", "value"), [
    ("Russia.salience[ceasefire]=40", "Russia", "salience", "ceasefire", "=", 40.0),
    ("Russia.capability*=1.5", "Russia", "capability", None, "*=", 1.5),
    ("North Korea.position[aid]+=1", "North Korea", "position", "aid", "+=", 1.0),
    ("  Russia . position [ ceasefire ] -= 2.5 ", "Russia", "position", "ceasefire", "-=", 2.5),
])
def test_shocks_parse(text, actor, attribute, issue, operator, value):
    shock = parse_shock(text, SCENARIO)
    assert (shock.actor, shock.attribute, shock.issue, shock.operator, shock.value) == \
        (actor, attribute, issue, operator, value)


def test_shock_operators_compute_the_new_value():
    assert parse_shock("Russia.salience=40", SCENARIO).applied_to(85.0) == 40.0
    assert parse_shock("Russia.salience*=0.5", SCENARIO).applied_to(85.0) == 42.5
    assert parse_shock("Russia.salience+=10", SCENARIO).applied_to(85.0) == 95.0
    assert parse_shock("Russia.salience-=10", SCENARIO).applied_to(85.0) == 75.0


@pytest.mark.parametrize(("text", "message"), [
    ("Russia.salience(ceasefire)=40", "expected ACTOR.ATTRIBUTE[ISSUE] OP NUMBER"),
    ("Russia.charm=3", "expected ACTOR.ATTRIBUTE[ISSUE] OP NUMBER with ATTRIBUTE one of position, salience, capability"),
    ("Russia.salience==40", "expected ACTOR.ATTRIBUTE[ISSUE] OP NUMBER"),
    ("Russia.salience/=2", "OP one of =, *=, +=, -="),
    ("Rusia.salience[ceasefire]=40", "shock 'Rusia.salience[ceasefire]=40': unknown actor 'Rusia'; did you mean "
                                     "'Russia'?"),
    ("Russia.salience[ceasfire]=40", "unknown issue 'ceasfire'; did you mean 'ceasefire'?"),
    ("Russia.position[aid]=1", "actor 'Russia' takes no part in issue 'aid'"),
    ("St. Lucia.capability*=2", "actor 'St. Lucia' takes no part in any issue"),
    ("Russia.salience[ceasefire]=140", "salience 140 is outside 0..100"),
    ("North Korea.position=7", "position 7 is outside -5..5 on issue 'aid'"),
    ("Russia.capability=-1", "capability -1 is outside >= 0"),
    ("Russia.capability*=-2", "a negative factor would flip the capability"),
])
def test_bad_shocks_are_named(text, message):
    with pytest.raises(ExpressionError) as caught:
        parse_shock(text, SCENARIO)
    assert message in str(caught.value)


def test_shock_files_skip_comments_and_name_their_lines(tmp_path):
    path = tmp_path / "shocks.txt"
    path.write_text("# pressure on Moscow\nRussia.salience[ceasefire]=40\n\nRussia.capability*=1.5  # sanctions\n")
    found = read_shock_file(path)
    assert found == [(f"{path}, line 2", "Russia.salience[ceasefire]=40"), (f"{path}, line 4", "Russia.capability*=1.5")]
    with pytest.raises(ExpressionError, match=f"{path}, line 4: shock 'Rusia.capability=1': unknown actor"):
        parse_shock("Rusia.capability=1", SCENARIO, origin=f"{path}, line 4")


@pytest.mark.parametrize("parse", [parse_threshold, parse_shock])
@pytest.mark.parametrize("character", ["a", " ", ".", "=", "<", "[", "1", "-"])
def test_a_long_run_of_one_character_is_refused_by_its_length(parse, character):
    text = character * 100_000
    with pytest.raises(ExpressionError, match="is 100,000 characters long; at most 500 are accepted"):
        parse(text, SCENARIO)


@pytest.mark.parametrize("text", [
    "a" * 499 + ">",
    " " * 250 + "x" + " " * 248,
    "." * 499,
    "R" + " " * 497 + "=",
    "[" * 250 + "]" * 249,
])
def test_malformed_expressions_just_under_the_limit_are_refused_as_malformed(text):
    with pytest.raises(ExpressionError, match="expected ISSUE OP NUMBER"):
        parse_threshold(text, SCENARIO)
    with pytest.raises(ExpressionError, match="expected ACTOR.ATTRIBUTE"):
        parse_shock(text, SCENARIO)


@pytest.mark.parametrize("text", ["ceasefire>=1e999", "ceasefire>=nan", "ceasefire>=inf", "ceasefire>=7_5"])
def test_thresholds_refuse_numbers_that_are_not_plain_finite_numbers(text):
    with pytest.raises(ExpressionError, match="expected ISSUE OP NUMBER"):
        parse_threshold(text, SCENARIO)


def test_shocks_keep_names_with_brackets_dots_and_signed_values():
    shock = parse_shock("North Korea.position[aid]-=-2.5", SCENARIO)
    assert (shock.actor, shock.issue, shock.operator, shock.value) == ("North Korea", "aid", "-=", -2.5)
    with pytest.raises(ExpressionError, match="expected ACTOR.ATTRIBUTE"):
        parse_shock("Russia.capability*=1e999", SCENARIO)
