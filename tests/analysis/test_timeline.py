"""`realpolitik timeline`: the forecast at every event date."""

from __future__ import annotations

import json

import pytest

from realpolitik import load_scenario_dict
from realpolitik.io.native import dump_native

TABLE = {
    "name": "talks",
    "issues": [{"name": "deal", "status_quo": 20, "veto_players": ["A", "B"]}],
    "actors": [{"name": "A", "capability": 50, "stances": {"deal": {"position": 20, "salience": 80}}},
               {"name": "B", "capability": 50, "stances": {"deal": {"position": 80, "salience": 80}}}],
    "events": [{"date": "2025-04-01", "title": "B softens", "source": "a paper", "shocks": ["B.position[deal]-=40"]},
               {"date": "2025-05-01", "title": "A gives way", "shocks": ["A.position[deal]+=20"]}],
}


@pytest.fixture
def talks(tmp_path):
    path = tmp_path / "talks.yaml"
    path.write_text(dump_native(load_scenario_dict(TABLE)))
    return path


def test_the_timeline_forecasts_the_start_and_every_event_date(cli, talks):
    result = cli("timeline", str(talks), "--model", "compromise", "--format", "json")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert [point["date"] for point in document["points"]] == ["2025-03-31", "2025-04-01", "2025-05-01"]
    # By hand, equal weights: (20 + 80) / 2 = 50; B at 40: 30; A at 40 as well: 40.
    assert [point["issues"][0]["forecast"] for point in document["points"]] == pytest.approx([50, 30, 40])
    assert document["points"][1]["events"] == [{"title": "B softens", "source": "a paper",
                                                "shocks": ["B.position[deal]-=40"]}]
    assert document["points"][0]["events"] == []
    table = cli("timeline", str(talks), "--model", "compromise")
    assert "2025-04-01: B softens" in table.stdout


def test_the_timeline_carries_p_agreement_from_draws_and_reruns(cli, talks):
    result = cli("timeline", str(talks), "--model", "compromise", "--draws", "40", "--format", "json")
    document = json.loads(result.stdout)
    for point in document["points"]:
        item = point["issues"][0]
        assert item["median"] is not None and item["interval_80"][0] <= item["interval_80"][1]
    run_id = json.loads(cli("runs", "list", "--kind", "timeline", "--format", "json").stdout)[0]["id"]
    assert cli("runs", "rerun", str(run_id)).exit_code == 0


def test_a_scenario_without_events_has_no_timeline(cli):
    result = cli("timeline", "emissions-1994", "--model", "compromise")
    assert result.exit_code == 2
    assert "scenario 'emissions-1994' has no events" in result.stderr


def test_the_flagship_timeline_ends_at_its_table(cli):
    timeline = json.loads(cli("timeline", "ukraine-2025-03", "--model", "compromise", "--format", "json").stdout)
    forecast = json.loads(cli("forecast", "ukraine-2025-03", "--model", "compromise", "--format", "json").stdout)
    assert timeline["points"][-1]["date"] == "2025-03-18"
    assert [item["forecast"] for item in timeline["points"][-1]["issues"]] == pytest.approx(
        [item["forecast"] for item in forecast["issues"]])
    assert len(timeline["points"]) == 11
