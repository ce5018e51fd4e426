"""`realpolitik ledger`: recording, resolving and scoring forecasts on the command line."""

from __future__ import annotations

import datetime as dt
import json
import math
import shutil

import pytest

TODAY = dt.datetime.now(dt.timezone.utc).date().isoformat()
FAST = ("--model", "median", "--draws", "40", "--seed", "3")


def add(cli, *extra):
    result = cli("ledger", "add", "ukraine-2025-03", *extra, *FAST, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def ledger(cli):
    return json.loads(cli("ledger", "export").stdout)


def test_a_binary_question_records_the_model_and_both_baselines(cli):
    from realpolitik import __version__

    question = add(cli, "--question", "ceasefire>=75", "--by", "2025-12-31", "--note", "as of 18 March 2025")
    assert (question["question"], question["kind"], question["by"], question["status"]) == (
        "ceasefire>=75", "binary", "2025-12-31", "open")
    forecasts = {item["model"]: item for item in question["forecasts"]}
    assert [(item["model"], item["role"]) for item in question["forecasts"]] == [
        ("median", "model"), ("compromise", "baseline"), ("status-quo", "baseline")]
    assert forecasts["status-quo"]["probability"] == 0.0  # the status quo, 20, is not >= 75
    for item in question["forecasts"]:
        assert 0.0 <= item["probability"] <= 1.0
        assert len(item["scenario_hash"]) == 64 and item["package_version"] == __version__
        assert item["note"] == "as of 18 March 2025"
    assert forecasts["median"]["seed"] == 3 and forecasts["median"]["options"]["draws"] == 40


def test_a_question_whose_date_has_passed_says_so(cli):
    result = cli("ledger", "add", "ukraine-2025-03", "--question", "ceasefire>=75", "--by", "2025-12-31", *FAST)
    assert result.exit_code == 0 and "had passed when it was recorded" in " ".join(result.stderr.split())
    result = cli("ledger", "add", "ukraine-2025-03", "--question", "ceasefire>=75", "--by", "2999-12-31", *FAST)
    assert result.exit_code == 0 and "had passed" not in result.stderr


def test_uncalibrated_forecasts_come_from_the_draws(cli):
    question = add(cli, "--question", "ceasefire>=75", "--by", "2025-12-31", "--uncalibrated")
    median = question["forecasts"][0]
    assert median["basis"] == "Monte Carlo draws (40 draws)" and median["options"]["calibration"] is None
    assert sum(median["distribution"]["atom_masses"]) == pytest.approx(1.0)
    assert median["distribution"]["cell_masses"] == []
    calibrated = add(cli, "--question", "territory", "--by", "2025-12-31")["forecasts"][0]
    assert calibrated["basis"].startswith("calibrated distribution") and "DEU III" in calibrated["options"]["calibration"]


def test_a_numeric_question_records_the_whole_distribution(cli):
    question = add(cli, "--question", "territory", "--by", "2025-12-31")
    median = next(item for item in question["forecasts"] if item["model"] == "median")
    assert median["probability"] is None
    distribution = median["distribution"]
    assert math.isclose(sum(distribution["atom_masses"]) + sum(distribution["cell_masses"]), 1.0)
    assert all(0 <= value <= 100 for value in distribution["atom_values"] + distribution["cell_edges"])


def test_resolve_and_score(cli):
    binary = add(cli, "--question", "ceasefire>=75", "--by", "2025-12-31")
    again = add(cli, "--question", "ceasefire>=75", "--by", "2025-12-31")
    numeric = add(cli, "--question", "territory", "--by", "2025-12-31")
    assert again["id"] == binary["id"] and len(again["forecasts"]) == 6
    assert sum(item["superseded"] for item in again["forecasts"]) == 3
    assert cli("ledger", "resolve", str(binary["id"]), "--outcome", "no", "--on", TODAY).exit_code == 0
    assert cli("ledger", "resolve", str(numeric["id"]), "--outcome", "60", "--on", TODAY,
               "--source", "a report").exit_code == 0
    assert [item["id"] for item in json.loads(cli("ledger", "list", "--resolved", "--format", "json").stdout)] == [
        binary["id"], numeric["id"]]
    assert json.loads(cli("ledger", "list", "--open", "--format", "json").stdout) == []
    document = json.loads(cli("ledger", "score", "--format", "json").stdout)
    rows = {row["model"]: row for row in document["scores"]}
    assert set(rows) == {"median", "compromise", "status-quo"}
    assert all({"model", "n", "brier", "log_score", "crps"} <= set(row) for row in rows.values())
    latest = {item["model"]: item["probability"] for item in again["forecasts"] if not item["superseded"]}
    for model, probability in latest.items():  # the event did not happen: Brier p², log score log(1 - p)
        assert rows[model]["n"] == 2
        assert rows[model]["brier"] == pytest.approx(probability ** 2)
        assert rows[model]["log_score"] == pytest.approx(math.log(max(1 - probability, 1e-3)))
    assert rows["status-quo"]["crps"] == pytest.approx(10.0)  # the status quo, 50, for an outcome of 60
    assert rows["median"]["crps"] >= 0 and rows["compromise"]["crps"] >= 0
    reliability = {item["model"]: item["bins"] for item in document["reliability"]}
    assert sum(item["n"] for item in reliability["median"]) == 1
    table = cli("ledger", "score")
    assert table.exit_code == 0 and "status-quo" in table.stdout and "reliability" in table.stdout


def test_show_lists_superseded_forecasts(cli):
    question = add(cli, "--question", "ceasefire>=75", "--by", "2025-12-31")
    add(cli, "--question", "ceasefire>=75", "--by", "2025-12-31")
    shown = cli("ledger", "show", str(question["id"]))
    assert shown.exit_code == 0 and shown.stdout.count("(superseded)") == 3


@pytest.fixture(scope="module")
def two_questions(tmp_path_factory):
    """A store with question 1 (ceasefire>=75) and question 2 (territory), made once for the module."""
    from typer.testing import CliRunner

    from realpolitik.cli import app

    path = tmp_path_factory.mktemp("ledger") / "runs.sqlite"
    for question in ("ceasefire>=75", "territory"):
        result = CliRunner().invoke(app, ["ledger", "add", "ukraine-2025-03", "--question", question, "--by",
                                          "2025-12-31", *FAST, "--db", str(path)])
        assert result.exit_code == 0, result.stderr
    return path


@pytest.mark.parametrize(("arguments", "message"), [
    (("add", "ukraine-2025-03", "--question", "ceasefire=>75", "--by", "2025-12-31"), "question 'ceasefire=>75'"),
    (("add", "ukraine-2025-03", "--question", "peace>=75", "--by", "2025-12-31"), "unknown issue 'peace'"),
    (("add", "ukraine-2025-03", "--question", "ceasefire>=75", "--by", "31/12/2025"),
     "--by date '31/12/2025' is not a date of the form YYYY-MM-DD"),
    (("add", "ukraine-2025-03", "--question", "ceasefire>=75", "--by", "2025-12-31", "--model", "oracle"),
     "unknown model 'oracle'"),
    (("add", "ukraine-2025-03", "--question", "ceasefire>=75", "--by", "2025-12-31", "--calibration", "nowhere.json"),
     "nowhere.json: no such calibration file"),
    (("resolve", "99", "--outcome", "yes", "--on", TODAY), "no question 99 in the ledger"),
    (("resolve", "1", "--outcome", "140", "--on", TODAY), "outcome 140 lies outside the scale 0..100"),
    (("resolve", "1", "--outcome", "yes", "--on", "2020-01-01"), "a resolution on 2020-01-01, before it"),
    (("resolve", "1", "--outcome", "yes", "--on", "tomorrow"), "--on date 'tomorrow' is not a date"),
    (("resolve", "2", "--outcome", "yes", "--on", TODAY), "asks for a value on the scale"),
])
def test_bad_input_is_one_message_exit_2_and_nothing_written(cli, arguments, message, two_questions, run_store):
    for suffix in ("", "-wal", "-shm"):
        source = two_questions.with_name(two_questions.name + suffix)
        if source.exists():
            shutil.copy(source, run_store.with_name(run_store.name + suffix))
    before = ledger(cli)
    assert [question["question"] for question in before["questions"]] == ["ceasefire>=75", "territory"]
    result = cli("ledger", *arguments)
    assert result.exit_code == 2
    assert message in " ".join(result.stderr.split())
    assert result.stderr.count("error:") == 1 and "Traceback" not in result.stderr
    assert ledger(cli) == before


def test_a_second_resolution_is_refused(cli):
    question = add(cli, "--question", "ceasefire>=75", "--by", "2025-12-31")
    assert cli("ledger", "resolve", str(question["id"]), "--outcome", "yes", "--on", TODAY).exit_code == 0
    before = ledger(cli)
    result = cli("ledger", "resolve", str(question["id"]), "--outcome", "no", "--on", TODAY)
    assert result.exit_code == 2 and "already resolved" in result.stderr
    assert ledger(cli) == before


def test_an_event_with_an_unknown_actor_stops_the_ledger(cli, tmp_path):
    from realpolitik import load_scenario
    from realpolitik.io.native import scenario_to_dict

    data = scenario_to_dict(load_scenario("ukraine-2025-03"))
    data["events"].append({"date": "2025-03-20", "title": "a rumour", "shocks": ["Atlantis.salience[aid]+=5"]})
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    result = cli("ledger", "add", str(path), "--question", "ceasefire>=75", "--by", "2025-12-31", *FAST)
    assert result.exit_code == 2
    assert "events[11].shocks[0]" in result.stderr and "unknown actor 'Atlantis'" in result.stderr
    assert ledger(cli)["questions"] == []


def test_export_and_import_on_the_command_line(cli, tmp_path):
    add(cli, "--question", "ceasefire>=75", "--by", "2025-12-31")
    target = tmp_path / "ledger.json"
    assert cli("ledger", "export", "-o", str(target)).exit_code == 0
    other = str(tmp_path / "other.sqlite")
    result = cli("ledger", "import", str(target), "--db", other)
    assert result.exit_code == 0 and "imported 1 question(s), 3 forecast(s), 0 resolution(s)" in result.stdout
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({"format": "realpolitik-ledger", "version": 1, "questions": [{"kind": "x"}]}))
    result = cli("ledger", "import", str(broken), "--db", other)
    assert result.exit_code == 2 and "not an exported ledger: field 'questions.0." in result.stderr
