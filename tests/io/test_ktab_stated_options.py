"""A KTAB XML file is read whole: its model parameters, seed and ideal adjustments become the
SMP options of the run, checked against KTAB's own reference log of that file."""

from __future__ import annotations

import json
import re

import pytest

from realpolitik.models.smp import SMPOptions
from tests import ktab_reference
from tests.conftest import shared_file

_ADJUSTMENT = re.compile(r"^\s*(\w+) \(\d+\) :\s+(\w+)\s+\(\d+\) = ([0-9.]+)\s*$")


def logged_adjustments(path) -> list[tuple[str, str, float]]:
    """The ``Reading IdealAdjustment matrix`` lines of a KTAB log: (adjusting, reference, adjust)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = lines.index("Reading IdealAdjustment matrix ") + 1
    found = []
    for line in lines[start:]:
        match = _ADJUSTMENT.match(line)
        if not match:
            break
        found.append((match.group(1), match.group(2), float(match.group(3))))
    return found


def run_json(cli, *args: str) -> tuple[dict, str]:
    result = cli("forecast", str(shared_file("ktab", "smpExample.xml")), "--model", "smp", "--format", "json",
                 "--draws", "0", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout), result.stderr


def test_forecast_runs_with_the_options_the_file_states(cli):
    log_path = shared_file("ktab", "20170530_ref-smpExample.txt")
    log = ktab_reference.parse_reference_log(log_path)
    document, said = run_json(cli)
    options = document["options"]
    logged = SMPOptions.from_ktab_names(log.parameters).model_dump()
    assert {key: options[key] for key in logged if key not in ("seed", "ideal_adjustment")} == \
        {key: value for key, value in logged.items() if key not in ("seed", "ideal_adjustment")}
    assert (options["pce_model"], options["state_transitions"], options["voting_rule"]) == \
        ("MarkovIncentive", "Stochastic", "PropCbc")
    assert options["seed"] == log.seed == 3507583219545544127
    assert [(entry["adjusting"], entry["reference"], entry["adjust"]) for entry in options["ideal_adjustment"]] \
        == logged_adjustments(log_path)
    assert "pce_model=MarkovIncentive" in said and "seed 3507583219545544127" in said
    assert "6 ideal adjustment(s)" in said
    # the stated seed makes the stochastic run reproducible
    assert run_json(cli)[0]["issues"] == document["issues"]


def test_the_command_line_overrides_what_the_file_states(cli):
    document, _ = run_json(cli, "--option", "seed=42", "--option", "state_transitions=Deterministic")
    assert document["options"]["seed"] == 42
    assert document["options"]["state_transitions"] == "Deterministic"
    assert document["options"]["pce_model"] == "MarkovIncentive"
    preset, said = run_json(cli, "--preset", "ktab-default")
    # a preset replaces the model parameters but keeps the scenario's seed and ideal adjustments
    assert preset["options"]["pce_model"] == "Conditional"
    assert preset["options"]["seed"] == 3507583219545544127
    assert len(preset["options"]["ideal_adjustment"]) == 6


@pytest.mark.parametrize("option, message", [("nonsense=1", "no model run has an option 'nonsense'"),
                                             ("seed", "--option 'seed': write NAME=VALUE"),
                                             ("seed=-1", "options for model 'smp'")])
def test_bad_options_are_refused(cli, option, message):
    result = cli("forecast", str(shared_file("ktab", "smpExample.xml")), "--model", "smp", "--option", option)
    assert result.exit_code == 2
    assert message in result.stderr


def test_a_stored_run_with_the_file_options_reruns_to_the_same_numbers(cli, run_store):
    from realpolitik.store import get_run
    from realpolitik.store.diff import changed_values
    from realpolitik.store.rerun import rerun_run

    document, _ = run_json(cli)
    stored = get_run(1)
    assert stored.options["smp"]["seed"] == 3507583219545544127
    again = rerun_run(stored)
    assert changed_values({"options": stored.result["options"], "issues": stored.result["issues"]},
                          {"options": again["options"], "issues": again["issues"]}) == []
