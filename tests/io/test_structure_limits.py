"""Native YAML and JSON files of hostile shape: refused at once, with one message and exit code 2."""

from __future__ import annotations

import json
import time

import pytest

from realpolitik.io import load_scenario
from realpolitik.scenario import ScenarioError

TABLE = "name: s\nissues: [{name: i}]\nactors: [{name: A, capability: %s, stances: {i: {position: 1, salience: 1}}}]\n"


@pytest.mark.parametrize("name, text, expected", [
    ("laughs.yaml", "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
                    + "".join(f"{chr(98 + k)}: &{chr(98 + k)} [{', '.join(['*' + chr(97 + k)] * 9)}]\n"
                              for k in range(9)),
     "row 2: uses a YAML alias (*name)"),
    ("cycle.yaml", "a: &a [*a]\n", "row 1: uses a YAML alias"),
    ("deep.yaml", "[" * 1000 + "]" * 1000, "row 1: is nested more than 64 levels deep"),
    ("deeper.yaml", "[" * 50_000 + "]" * 50_000, "row 1: is nested more than 64 levels deep"),
    ("deep.json", '{"a":' * 1000 + "1" + "}" * 1000, "row 1: is nested more than 64 levels deep"),
    ("long.yaml", TABLE % ("9" * 5000), "row 3: a number of 5000 characters is longer than the 100 accepted"),
    ("long.json", '{"name": ' + "9" * 5000 + "}", "a number of 5000 characters is longer than the 100 accepted"),
    ("separators.yaml", TABLE % "1_000", "row 3: '1_000': write numbers in decimal or scientific notation"),
    ("octal.yaml", TABLE % "012", "row 3: '012' would be read as an octal number"),
    ("sexagesimal.yaml", TABLE % "1:20", "row 3: '1:20': write numbers in decimal or scientific notation"),
    ("hex.yaml", TABLE % "0x1F", "row 3: '0x1F': write numbers in decimal or scientific notation"),
    ("duplicate.json", '{"name": "a", "name": "b"}', "key 'name' appears twice in one object"),
    ("nan.json", '{"name": NaN}', "NaN is not a number JSON allows"),
], ids=lambda value: value if isinstance(value, str) and len(value) < 20 else "")
def test_hostile_shapes_are_refused_quickly(cli, tmp_path, name, text, expected):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    started = time.monotonic()
    result = cli("validate", str(path))
    assert time.monotonic() - started < 5
    assert result.exit_code == 2
    assert f"{path}, {expected}" in result.stderr or f"{path}: {expected}" in result.stderr, result.stderr
    assert "Traceback" not in result.output


def test_a_100000_actor_json_is_refused_before_it_is_validated(tmp_path):
    path = tmp_path / "big.json"
    actor = {"capability": 1, "stances": {"i": {"position": 1, "salience": 1}}}
    path.write_text(json.dumps({"name": "s", "issues": [{"name": "i"}],
                                "actors": [{"name": f"a{n}", **actor} for n in range(100_000)]}))
    with pytest.raises(ScenarioError, match="100000 actors is more than the 20000 this tool accepts"):
        load_scenario(path)


def test_json_problems_still_name_their_line(tmp_path):
    path = tmp_path / "table.json"
    path.write_text('{"name": "s", "issues": [{"name": "i"}],\n "actors": [\n'
                    ' {"name": "A", "capability": 1, "stances": {"i": {"position": 1, "salience": 140}}}]}\n')
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert str(caught.value).startswith(f"{path}, row 3, actor 'A', issue 'i', field 'salience'")


def test_web_uploads_of_hostile_shapes_are_refused_in_linear_time(tmp_path):
    from fastapi.testclient import TestClient

    from realpolitik.web.app import create_app

    client = TestClient(create_app(str(tmp_path / "runs.sqlite")))
    for name, content, expected in [
        ("deep.yaml", b"[" * 50_000 + b"]" * 50_000, "deep.yaml, row 1: is nested more than 64 levels deep"),
        ("cycle.yaml", b"a: &a [*a]\n", "cycle.yaml, row 1: uses a YAML alias"),
    ]:
        started = time.monotonic()
        response = client.post("/api/scenarios/import", files={"file": (name, content)})
        assert time.monotonic() - started < 5
        assert response.status_code == 422
        assert response.json()["detail"].startswith(expected)


def test_a_workbook_that_unpacks_beyond_64_mib_is_refused(cli, tmp_path):
    import zipfile

    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (65 * 2**20))
    result = cli("validate", str(path))
    assert result.exit_code == 2
    assert "bomb.xlsx: unpacks to 68 MB, more than the 64 MiB accepted" in result.stderr
