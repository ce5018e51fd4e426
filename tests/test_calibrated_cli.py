"""The calibrated forecast on the command line: calibrate (bad input, a fit on one's own cases) and
the ``calibrated`` block of forecast and backtest."""

from __future__ import annotations

import json

import numpy as np
import pytest

from tests.conftest import shared_file
from tests.io.deu3_table import HEADER, issue_row, write_deu3

STATES = ["de", "fr", "it", "es", "pl", "nl"]


def _resolved_issues(count: int, per_dossier: int = 3, seed: int = 0) -> list[dict[str, str]]:
    """``count`` issues, ``per_dossier`` to a dossier; the outcome is the Commission's position two times
    in three, else a value between the positions."""
    rng = np.random.default_rng(seed)
    rows = []
    for number in range(count):
        positions = {actor: int(value) for actor, value in zip(["com", "ep", *STATES],
                                                                 rng.choice(range(0, 101, 10), size=8))}
        outcome = positions["com"] if rng.uniform() < 2 / 3 else int(rng.integers(1, 100))
        rows.append(issue_row(f"d{number // per_dossier}", f"i{number}", positions,
                              {actor: 50 for actor in positions}, outcome=outcome,
                              procedure="COD" if number % 2 else "CNS"))
    return rows


@pytest.mark.parametrize("case, message", [
    ("no outcome column", "missing column(s) out"),
    ("too few issues", "12 usable issue(s) (with an outcome and a position); a calibration needs at least 20"),
    ("outcome not a number", "issue 'i4', field 'out': 'about half' is not a number"),
])
def test_bad_input_to_calibrate(cli, tmp_path, case, message):
    rows = _resolved_issues(30)
    header = HEADER
    if case == "no outcome column":
        header = [name for name in HEADER if name != "out"]
    elif case == "too few issues":
        rows = rows[:12]
    else:
        rows[4]["out"] = "about half"
    data = write_deu3(tmp_path / "cases.tsv", rows, header=header)
    output = tmp_path / "calibration.json"
    result = cli("calibrate", "deu3", "--data", str(data), "-o", str(output))
    assert result.exit_code == 2
    assert message in result.stderr
    assert str(data) in result.stderr
    assert "Traceback" not in result.output
    assert not output.exists() and list(tmp_path.iterdir()) == [data]


def test_the_calibrated_backtest_needs_three_dossiers(cli, tmp_path):
    data = write_deu3(tmp_path / "cases.tsv", _resolved_issues(6))
    result = cli("backtest", "deu3", "--data", str(data), "--models", "compromise,calibrated")
    assert result.exit_code == 2
    assert f"{data}: 2 dossier(s) ('prnr'); the calibrated forecast is fitted and scored by dossier and needs at " \
           "least 3" in result.stderr
    assert "Traceback" not in result.output


def test_calibrate_refuses_a_folder_as_output(cli, tmp_path):
    data = write_deu3(tmp_path / "cases.tsv", _resolved_issues(24))
    result = cli("calibrate", "deu3", "--data", str(data), "-o", str(tmp_path))
    assert result.exit_code == 2
    assert "is a folder; name the calibration file to write" in result.stderr


def test_a_calibration_file_without_every_level_is_refused(cli, tmp_path):
    from realpolitik.analysis.calibration_file import packaged_path

    document = json.loads(packaged_path().read_text())
    del document["models"]["eum"]["levels"]["80"]
    path = tmp_path / "calibration.json"
    path.write_text(json.dumps(document))
    result = cli("forecast", "ukraine-2025-03", "--model", "compromise", "--calibration", str(path))
    assert result.exit_code == 2
    assert f"{path}: model 'eum' has no level for 80% (field 'levels')" in result.stderr


def test_a_calibration_fitted_on_ones_own_cases_drives_the_forecast(cli, tmp_path):
    data = write_deu3(tmp_path / "cases.tsv", _resolved_issues(24))
    output = tmp_path / "mine.json"
    result = cli("calibrate", "deu3", "--data", str(data), "-o", str(output))
    assert result.exit_code == 0, result.output
    written = json.loads(output.read_text())
    assert written["fitted_on"]["issues"] == 24 and written["fitted_on"]["dossiers"] == 8
    assert set(written["models"]) >= {"compromise", "eum"}
    assert set(written["models"]["compromise"]["out_of_sample"]["overall"]["coverage"]) == {"50", "80", "95"}
    forecast = cli("forecast", "ukraine-2025-03", "--model", "compromise", "--format", "json",
                   "--calibration", str(output))
    assert forecast.exit_code == 0, forecast.output
    for issue in json.loads(forecast.stdout)["issues"]:
        assert "resolved issues in the DEU III layout: 24 issues in 8 dossiers" in issue["calibrated"]["fitted_on"]
        assert not any("EU legislation" in note for note in issue["calibrated"]["notes"])


@pytest.mark.parametrize("content, message", [
    (None, "no such calibration file"),
    ("{not json", "not a calibration file"),
    ('{"format": "something else"}', "field 'format' is not 'realpolitik-calibration/2'"),
    ('{"format": "realpolitik-calibration/1", "models": {}}', "written by an earlier version"),
    ('{"format": "realpolitik-calibration/2", "models": {"compromise": {"features": []}}}',
     "field 'models' is malformed"),
])
def test_a_bad_calibration_file_is_refused(cli, tmp_path, content, message):
    path = tmp_path / "calibration.json"
    if content is not None:
        path.write_text(content)
    result = cli("forecast", "ukraine-2025-03", "--model", "compromise", "--calibration", str(path))
    assert result.exit_code == 2
    assert message in result.stderr and str(path) in result.stderr
    assert "Traceback" not in result.output


def test_forecast_json_holds_the_calibrated_forecast_of_every_issue(cli):
    result = cli("forecast", "ukraine-2025-03", "--format", "json")
    assert result.exit_code == 0, result.output
    issues = json.loads(result.stdout)["issues"]
    assert len(issues) == 6
    for issue in issues:
        calibrated = issue["calibrated"]
        low, high = issue["scale"]
        assert low <= calibrated["median"] <= high
        (low50, high50), (low80, high80) = calibrated["intervals"]["50"], calibrated["intervals"]["80"]
        assert low80 <= low50 <= calibrated["median"] <= high50 <= high80
        assert {"value", "probability", "actors"} <= set(calibrated["candidates"][0])
        total = sum(candidate["probability"] for candidate in calibrated["candidates"])
        assert total + calibrated["between_candidates"] == pytest.approx(1.0)
        assert "DEU III" in calibrated["fitted_on"]
        assert any("borrowed from EU legislation" in note for note in calibrated["notes"])


def test_backtest_json_scores_every_model_and_lists_the_calibrated_forecast(cli, tmp_path):
    """On the first 40 dossiers of DEU III, so that the test stays quick."""
    lines = shared_file("deu3", "deu3.tsv").read_text(encoding="utf-8").splitlines()
    dossier = lines[0].split("\t").index('"prnr"')
    kept, seen = lines[:2], []
    for line in lines[2:]:
        name = line.split("\t")[dossier]
        if name not in seen:
            seen.append(name)
        if len(seen) <= 40:
            kept.append(line)
    subset = tmp_path / "deu3-subset.tsv"
    subset.write_text("\n".join(kept) + "\n", encoding="utf-8")
    result = cli("backtest", "deu3", "--data", str(subset), "--models", "compromise,median,calibrated",
                 "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    models = {model["model"]: model for model in document["models"]}
    assert set(models) == {"compromise", "median", "calibrated"}
    for model in models.values():
        assert model["crps"] > 0 and model["log_score"] <= 0
        assert set(model["coverage"]) == {"50", "80", "95"}
        assert all(0 <= share <= 1 for share in model["coverage"].values())
        assert set(model["bootstrap"]) >= {"difference", "low", "high"}
        assert model["bootstrap"]["low"] <= model["bootstrap"]["difference"] <= model["bootstrap"]["high"]
        assert sum(model["pit_histogram"]) == pytest.approx(1.0)
        assert model["interval_width"]["50"] <= model["interval_width"]["80"] <= model["interval_width"]["95"]
    assert models["compromise"]["bootstrap"]["difference"] == 0.0
    assert models["calibrated"]["validation"] == "leave-one-dossier-out"
    assert document["climatology"]["crps"] > 0


@pytest.mark.parametrize(("kind", "borrowed"), [
    (None, True),                      # no kind declared: another kind, as far as anyone knows
    ("ceasefire talks", True),
    ("EU legislation", False),
    ("eu   Legislation", False),       # compared ignoring case and spacing
])
def test_the_calibration_is_borrowed_unless_the_scenario_is_eu_legislation(cli, tmp_path, kind, borrowed):
    document = {"name": "council", "issues": [{"name": "x", "anchors": {0: "no", 100: "yes"}}],
                "actors": [{"name": name, "capability": capability, "stances": {"x": {"position": position,
                                                                                   "salience": 50}}}
                           for name, capability, position in (("A", 3, 20), ("B", 2, 70), ("C", 1, 90))]}
    if kind is not None:
        document["kind"] = kind
    path = tmp_path / "council.yaml"
    path.write_text(json.dumps(document), encoding="utf-8")
    result = cli("forecast", str(path), "--model", "compromise", "--format", "json", "--no-store")
    assert result.exit_code == 0, result.output
    notes = json.loads(result.stdout)["issues"][0]["calibrated"]["notes"]
    assert any("borrowed from EU legislation" in note for note in notes) is borrowed
    assert any("the kind of negotiation this scenario declares" in note for note in notes) is not borrowed


def test_a_kind_with_an_invisible_character_is_refused(cli, tmp_path):
    path = tmp_path / "odd.yaml"
    path.write_text(json.dumps({"name": "odd", "kind": "EU\u200blegislation", "issues": [{"name": "x"}],
                                "actors": [{"name": "A", "capability": 1, "stances": {"x": {"position": 50,
                                                                                          "salience": 50}}}]}),
                    encoding="utf-8")
    result = cli("validate", str(path))
    assert result.exit_code == 2
    assert "field 'kind'" in result.output


def test_a_calibration_file_with_malformed_conformity_scores_is_refused(cli, tmp_path):
    from realpolitik.analysis.calibration_file import packaged_path

    document = json.loads(packaged_path().read_text(encoding="utf-8"))
    document["models"]["compromise"]["conformity_scores"] = [0.2, 1.5]
    path = tmp_path / "calibration.json"
    path.write_text(json.dumps(document))
    result = cli("forecast", "ukraine-2025-03", "--model", "compromise", "--calibration", str(path))
    assert result.exit_code == 2
    assert "field 'models' is malformed" in result.stderr and "conformity_scores" in result.stderr
    assert "Traceback" not in result.output
