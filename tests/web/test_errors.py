"""Every 4xx in one shape with a message: hostile bodies, numbers, encodings and file names, framework errors."""

from __future__ import annotations

import copy
import re

import pytest
from fastapi.testclient import TestClient

from realpolitik.web import create_app
from realpolitik.web.schemas import ErrorOut
from tests.web.conftest import GOOD_CSV

TOKEN = "a-long-enough-test-token"
RUN = b'{"scenario_name": "emissions-1994"}'


def refused(response, status: int, message: str) -> ErrorOut:
    """The response is ``status`` in the one error shape, and its detail or a problem says ``message``."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    error = ErrorOut.model_validate(response.json())
    assert message in error.detail + " ".join(problem.text for problem in error.problems), error
    return error


@pytest.mark.parametrize("body, content_type, status, message", [
    (b"1e999", "application/json", 400, "the number 1e999 is too large"),
    (b'{"scenario": NaN}', "application/json", 400, "NaN is not a JSON number"),
    (b'{"scenario_name": "emissions-1994", "rounds": Infinity}', "application/json", 400,
     "Infinity is not a JSON number"),
    (b'{"scenario": {"name": -Infinity}}', "application/json", 400, "-Infinity is not a JSON number"),
    (b'{"scenario_name": "emissions-1994", "rounds": 1' + b"0" * 400 + b"}", "application/json", 400,
     "is too large"),
    (b'{"scenario_name": "emissions-1994", "rounds": 1' + b"0" * 5000 + b"}", "application/json", 400,
     "has too many digits"),
    (RUN.decode().encode("utf-16"), "application/json; charset=utf-16", 415, "declared as charset 'utf-16'"),
    ('{"scenario_name": "émissions"}'.encode("latin-1"), "application/json; charset=ISO-8859-1", 415,
     "declared as charset 'iso-8859-1'"),
    ('{"scenario_name": "émissions"}'.encode("latin-1"), "application/json", 400,
     "not UTF-8 text (byte 0xe9 at offset 19)"),
    (RUN.decode().encode("utf-16"), "application/json", 400, "not UTF-8 text (byte 0xff at offset 0)"),
    (b"[" * 5000 + b"]" * 5000, "application/json", 400, "deeper than 64 levels"),
    (b'{"scenario_name": ', "application/json", 400, "not valid JSON: Expecting value (line 1, column 19)"),
    (RUN, "text/plain", 415, "not 'text/plain'"),
    (RUN, None, 415, "not 'unlabelled data'"),
    (b"", "application/json", 422, "a request body is required"),
    (b'{"scenario_name": "emissions-1994", "rounds": 5000}', "application/json", 422,
     "body field 'rounds': Input should be less than or equal to 200"),
    (b'{"scenario_name": null}', "application/json", 422, "scenario_name is null"),
])
def test_a_body_the_api_cannot_use_gets_a_4xx_and_a_message(client, body, content_type, status, message):
    headers = {"Content-Type": content_type} if content_type else {}
    refused(client.post("/api/runs", content=body, headers=headers), status, message)
    assert client.get("/api/runs").json() == []


def test_non_finite_numbers_are_refused_in_every_body(client, ukraine):
    scenario = RUN.replace(b"}", b', "model": "eum", "preset": NaN}')
    for path, method in (("/api/scenarios/validate", "POST"), ("/api/scenarios/yaml", "POST"),
                         ("/api/scenarios/mine", "PUT"), ("/api/runs", "POST")):
        response = client.request(method, path, content=scenario, headers={"Content-Type": "application/json"})
        refused(response, 400, "NaN is not a JSON number")
    assert "mine" not in {entry["name"] for entry in client.get("/api/scenarios").json()}


@pytest.mark.parametrize("given, kept", [
    ("CON.yaml", "CON_.yaml"),
    ("..\\..\\evil.yaml", "evil.yaml"),
    ("../../evil.yaml", "evil.yaml"),
    ("nul.table.csv", "nul_.table.csv"),
    ("a" * 200 + ".yaml", "a" * 95 + ".yaml"),
])
def test_upload_names_are_only_ever_sanitised_labels(client, ukraine, given, kept):
    native = client.post("/api/scenarios/yaml", json={"scenario": ukraine}).content
    content = GOOD_CSV if given.endswith(".csv") else native
    imported = client.post("/api/scenarios/import", files={"file": (given, content)})
    assert imported.status_code == 200, imported.text
    assert imported.json()["source"] == kept
    broken = content.replace(b"B,2,60,80", b"B,2,60,140") if given.endswith(".csv") else b"name: [unclosed\n"
    error = refused(client.post("/api/scenarios/import", files={"file": (given, broken)}), 422, kept)
    assert all(given not in problem.text for problem in error.problems) or given == kept


def test_a_long_name_keeps_its_extension_and_so_its_reader(client):
    name = "x" * 300 + ".csv"
    response = client.post("/api/scenarios/import", files={"file": (name, GOOD_CSV)})
    assert response.status_code == 200, response.text
    assert response.json()["source"] == "x" * 96 + ".csv"
    refused(client.post("/api/scenarios/import", files={"file": ("x" * 300 + ".exe", b"MZ")}), 415,
            "cannot import '.exe' files")


def test_framework_errors_come_in_the_same_shape(client):
    missing = refused(client.get("/api/diff?a=1"), 422, "query parameter 'b': Field required")
    assert (missing.problems[0].location, missing.problems[0].field) == ("query", "b")
    refused(client.get("/api/runs/0"), 422, "path parameter 'run_id': Input should be greater than or equal to 1")
    refused(client.get("/api/runs?limit=abc"), 422, "query parameter 'limit': Input should be a valid integer")
    nested = refused(client.post("/api/runs", json={"scenario_name": "x", "colour": "red"}), 422,
                     "body field 'colour': Extra inputs are not permitted")
    assert nested.problems[0].location == "body"
    refused(client.post("/api/scenarios/import"), 422, "body field 'file': Field required")
    refused(client.post("/api/scenarios/import", json={"file": "x"}), 422, "body field 'file': Field required")
    refused(client.post("/api/scenarios/import", content=b"--x\r\nbroken", headers={
        "Content-Type": "multipart/form-data"}), 400, "Missing boundary in multipart")
    not_allowed = refused(client.patch("/api/runs"), 405, "Method Not Allowed")
    assert client.patch("/api/runs").headers["allow"] == "GET, POST"
    assert not_allowed.problems == []
    refused(client.get("/api/runs/99"), 404, "no run 99")
    refused(client.post("/api/scenarios/validate", content=b"x" * (6 * 2**20),
                        headers={"Content-Type": "application/json"}), 413, "larger than the 5 MiB accepted")


def test_type_and_range_problems_are_reported_together(client, ukraine):
    broken = copy.deepcopy(ukraine)
    broken["actors"][0]["stances"]["ceasefire"]["salience"] = "high"
    broken["actors"][1]["stances"]["ceasefire"]["salience"] = 140
    broken["actors"][2]["capability"] = True
    expected = {(broken["actors"][0]["name"], "ceasefire", "salience"), (broken["actors"][1]["name"], "ceasefire",
                                                                         "salience"),
                (broken["actors"][2]["name"], None, "capability")}
    checked = client.post("/api/scenarios/validate", json={"scenario": broken}).json()
    assert checked["valid"] is False
    assert {(problem["actor"], problem["issue"], problem["field"]) for problem in checked["problems"]} >= expected
    for response in (client.post("/api/runs", json={"scenario": broken}),
                     client.put(f"/api/scenarios/{broken['name']}x", json={"scenario": {**broken,
                                                                                        "name": broken["name"] + "x"}}),
                     client.post("/api/scenarios/yaml", json={"scenario": broken})):
        error = refused(response, 422, "salience 140 is outside 0..100")
        assert {(problem.actor, problem.issue, problem.field) for problem in error.problems} >= expected


def test_with_a_token_every_operation_needs_it_and_the_schema_says_so(run_store):
    with TestClient(create_app(str(run_store), token=TOKEN)) as client:
        schema = client.get("/api/openapi.json").json()
        assert schema["security"] == [{"bearer": []}, {"tokenHeader": []}]
        assert schema["components"]["securitySchemes"]["bearer"] == {
            "type": "http", "scheme": "bearer", "description": schema["components"]["securitySchemes"]["bearer"][
                "description"]}
        operations = [(template, method) for template, item in schema["paths"].items() for method in item]
        assert len(operations) >= 14
        for template, method in operations:
            assert "401" in schema["paths"][template][method]["responses"]
            path = re.sub(r"\{(run_id|question_id)\}", "1", template).replace("{name}", "x").replace("{issue}", "x")
            for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {TOKEN}"},
                            {"X-Realpolitik-Token": TOKEN[:-1]}):
                response = client.request(method.upper(), path, headers=headers, content=b"{" * 10,
                                          params={"a": "1", "b": "1"})
                refused(response, 401, "this server needs its token")
                assert response.headers["www-authenticate"] == "Bearer"
            for headers in ({"Authorization": f"Bearer {TOKEN}"}, {"X-Realpolitik-Token": TOKEN}):
                assert client.request(method.upper(), path, headers=headers).status_code != 401
        assert client.get("/").status_code == 200
        assert client.get("/static/common.js").status_code == 200
    with TestClient(create_app(str(run_store))) as client:
        schema = client.get("/api/openapi.json").json()
        assert "security" not in schema and "securitySchemes" not in schema.get("components", {})
        assert all("401" not in operation["responses"] for item in schema["paths"].values()
                   for operation in item.values())


def test_the_schema_documents_the_error_shape_on_every_operation(client):
    schema = client.get("/api/openapi.json").json()
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            failures = {status: response for status, response in operation["responses"].items()
                        if status.startswith("4") or status.startswith("5")}
            assert {"400", "413"} <= set(failures), (method, path)
            if "requestBody" in operation:
                assert {"415", "422"} <= set(failures), (method, path)
            for response in failures.values():
                assert response["content"] == error and response["description"], (method, path)
