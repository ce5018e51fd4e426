"""Scenario timelines: dated events, the table as of a date, and their checks."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from realpolitik import load_scenario, load_scenario_dict
from realpolitik.analysis.events import event_dates, scenario_as_of
from realpolitik.analysis.levers import apply_shocks
from realpolitik.io.native import dump_native, parse_native, scenario_to_dict
from realpolitik.scenario import ScenarioError

TABLE = {
    "name": "talks",
    "issues": [{"name": "deal", "status_quo": 20}],
    "actors": [{"name": "A", "capability": 50, "stances": {"deal": {"position": 20, "salience": 80}}},
               {"name": "B", "capability": 50, "stances": {"deal": {"position": 80, "salience": 60}}}],
}


def table(**changes) -> dict:
    return json.loads(json.dumps({**TABLE, **changes}))


def without_date(scenario):
    return scenario.model_copy(update={"date": None, "title": None, "events": []})


FUTURE = [{"date": "2025-05-01", "title": "B softens", "shocks": ["B.position[deal]-=20"]},
          {"date": "2025-04-01", "title": "A hardens", "source": "a paper", "shocks": ["A.salience*=0.5"]}]


def test_as_of_a_date_before_every_event_is_the_table_as_written():
    scenario = load_scenario_dict(table(events=FUTURE))
    assert without_date(scenario_as_of(scenario, dt.date(2025, 1, 1))) == without_date(scenario)


def test_as_of_the_last_event_every_event_holds_in_date_order():
    scenario = load_scenario_dict(table(events=FUTURE))
    after = scenario_as_of(scenario, dt.date(2025, 6, 1))
    # By hand: A's salience 80 * 0.5 = 40 (1 April), B's position 80 - 20 = 60 (1 May).
    assert after.actor("A").stances["deal"].salience == 40
    assert after.actor("B").stances["deal"].position == 60
    between = scenario_as_of(scenario, dt.date(2025, 4, 15))
    assert between.actor("A").stances["deal"].salience == 40
    assert between.actor("B").stances["deal"].position == 80
    assert after.date == "2025-06-01" and after.events == [] and "as of 2025-06-01" in after.title


def test_events_before_the_scenario_date_led_to_the_table():
    past = [{"date": "2025-02-01", "title": "B moves", "shocks": ["B.position[deal]+=30"]},
            {"date": "2025-03-01", "title": "A cares more", "shocks": ["A.salience[deal]*=2"]}]
    scenario = load_scenario_dict(table(date="2025-03-18", events=past))
    start = scenario_as_of(scenario, dt.date(2025, 1, 1))
    # Undone by hand: B 80 - 30 = 50, A 80 / 2 = 40.
    assert start.actor("B").stances["deal"].position == 50
    assert start.actor("A").stances["deal"].salience == 40
    assert without_date(scenario_as_of(scenario, dt.date(2025, 3, 18))) == without_date(scenario)
    middle = scenario_as_of(scenario, dt.date(2025, 2, 15))
    assert (middle.actor("B").stances["deal"].position, middle.actor("A").stances["deal"].salience) == (80, 40)


def test_the_flagship_arrives_at_its_table_from_the_start_of_its_events():
    scenario = load_scenario("ukraine-2025-03")
    dates = event_dates(scenario)
    assert dates[0] == dt.date(2025, 2, 12) and dates[-1] == dt.date(2025, 3, 18)
    assert all(event.source for event in scenario.events)
    start = scenario_as_of(scenario, dates[0] - dt.timedelta(days=1))
    replayed, _ = apply_shocks(start, [shock for event in sorted(scenario.events, key=lambda e: e.date)
                                       for shock in _parsed(event, start)])
    for actor in scenario.actors:
        for issue, stance in actor.stances.items():
            assert replayed.actor(actor.name).stances[issue].position == pytest.approx(stance.position)
            assert replayed.actor(actor.name).stances[issue].salience == pytest.approx(stance.salience)
            assert replayed.actor(actor.name).capability_on(issue) == pytest.approx(actor.capability_on(issue))
    assert without_date(scenario_as_of(scenario, dt.date(2025, 3, 18))) == without_date(scenario)
    # The aid pause of 3-11 March 2025: the US position on aid at 0 in between, 50 before 12 February.
    assert scenario_as_of(scenario, dt.date(2025, 3, 5)).actor("USA").stances["aid"].position == 0
    assert start.actor("USA").stances["aid"].position == 50


def _parsed(event, scenario):
    from realpolitik.analysis.expressions import parse_shock

    return [parse_shock(text, scenario) for text in event.shocks]


@pytest.mark.parametrize(("event", "field", "words"), [
    ({"date": "2025-13-01", "title": "x", "shocks": []}, "events[0].date", "not a date of the form YYYY-MM-DD"),
    ({"date": "2025-04-01", "title": "x", "shocks": ["Rusia.salience[deal]-=20"]}, "events[0].shocks[0]",
     "unknown actor 'Rusia'"),
    ({"date": "2025-04-01", "title": "x", "shocks": ["A.salience[peace]-=20"]}, "events[0].shocks[0]",
     "unknown issue 'peace'"),
    ({"date": "2025-04-01", "title": "x", "shocks": ["A.salience[deal]=-20"]}, "events[0].shocks[0]",
     "outside 0..100"),
    ({"date": "2025-03-01", "title": "x", "shocks": ["A.salience[deal]=20"]}, "events[0].shocks[0]",
     "sets a value with '='"),
    ({"date": "2025-03-01", "title": "x", "shocks": ["A.salience[deal]-=90"]}, "events[0].shocks",
     "outside its valid range"),
])
def test_a_bad_event_is_one_precise_problem(event, field, words):
    with pytest.raises(ScenarioError) as raised:
        load_scenario_dict(table(date="2025-03-18", events=[event]))
    [problem] = raised.value.problems
    assert problem.field == field
    assert words in problem.message


def test_events_survive_yaml_json_and_xlsx(tmp_path):
    from realpolitik.io.xlsx import read_xlsx, write_xlsx

    small = load_scenario_dict(table(events=FUTURE))
    assert parse_native(dump_native(small), "x.yaml") == small
    scenario = load_scenario("ukraine-2025-03")
    assert load_scenario_dict(json.loads(json.dumps(scenario_to_dict(scenario)))) == scenario
    write_xlsx(scenario, tmp_path / "u.xlsx")
    assert read_xlsx(tmp_path / "u.xlsx").events == scenario.events


def test_an_unquoted_yaml_date_reads_as_text():
    text = dump_native(load_scenario_dict(table())) + "events:\n  - date: 2025-04-01\n    title: x\n"
    assert parse_native(text, "x.yaml").events[0].date == "2025-04-01"


def test_the_schema_describes_events():
    from realpolitik.scenario import Scenario

    schema = Scenario.model_json_schema()
    assert schema["$defs"]["Event"]["required"] == ["date", "title"]
    assert "events" in schema["properties"]


def test_forecast_as_of_on_the_command_line(cli, tmp_path):
    path = tmp_path / "talks.yaml"
    path.write_text(dump_native(load_scenario_dict(table(events=FUTURE))))
    base = json.loads(cli("forecast", str(path), "--model", "compromise", "--format", "json").stdout)
    early = json.loads(cli("forecast", str(path), "--model", "compromise", "--format", "json",
                           "--as-of", "2025-01-01").stdout)
    late = json.loads(cli("forecast", str(path), "--model", "compromise", "--format", "json",
                          "--as-of", "2025-12-31").stdout)
    assert early["issues"] == base["issues"]
    # By hand: weights c*s: A 50*40, B 50*60; positions 20 and 60: (2000*20 + 3000*60) / 5000 = 44.
    assert late["issues"][0]["forecast"] == pytest.approx(44.0)
    result = cli("forecast", str(path), "--as-of", "1 April")
    assert result.exit_code == 2
    assert "--as-of date '1 April' is not a date of the form YYYY-MM-DD" in result.stderr


def test_validate_names_an_event_with_an_unknown_actor(cli, tmp_path):
    path = tmp_path / "talks.yaml"
    bad = table(events=[{"date": "2025-04-01", "title": "C joins", "shocks": ["C.position[deal]+=5"]}])
    path.write_text(json.dumps(bad))
    result = cli("validate", str(path))
    assert result.exit_code == 2
    assert "field 'events[0].shocks[0]': event 'C joins': shock 'C.position[deal]+=5': unknown actor 'C'" \
        in result.stderr.replace("\n", " ")
