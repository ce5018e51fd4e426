"""Bad uploads get a message and a 4xx, never a 500, and the saved scenario stays as it was."""

from __future__ import annotations

import copy
import io
import zipfile

import pytest
from openpyxl import Workbook

from realpolitik.web.uploads import upload_name
from tests.web.conftest import BAD_UPLOADS, GOOD_CSV


@pytest.fixture
def saved(client, ukraine) -> dict:
    """A scenario saved in the library, as stored before anything is attempted."""
    mine = {**ukraine, "name": "mine"}
    assert client.put("/api/scenarios/mine", json={"scenario": mine}).status_code == 200
    return client.get("/api/scenarios/mine").json()


@pytest.mark.parametrize("case", BAD_UPLOADS, ids=list(BAD_UPLOADS))
def test_bad_upload_is_refused_with_a_message_and_nothing_changes(client, saved, case):
    name, content, status, message = BAD_UPLOADS[case]
    response = client.post("/api/scenarios/import", files={"file": (name, content)})
    assert response.status_code == status
    document = response.json()
    assert message in document["detail"] + " ".join(problem["text"] for problem in document.get("problems", []))
    assert client.get("/api/scenarios/mine").json() == saved


def test_saving_an_invalid_table_leaves_the_saved_one(client, saved):
    broken = copy.deepcopy(saved["scenario"])
    broken["actors"][0]["stances"]["ceasefire"]["salience"] = 140
    response = client.put("/api/scenarios/mine", json={"scenario": broken})
    assert response.status_code == 422
    assert "salience 140 is outside 0..100" in response.json()["problems"][0]["text"]
    assert client.get("/api/scenarios/mine").json() == saved


def test_good_uploads_of_each_format_are_read(client, ukraine):
    csv = client.post("/api/scenarios/import", files={"file": ("table.csv", GOOD_CSV)})
    assert csv.status_code == 200
    assert [actor["name"] for actor in csv.json()["scenario"]["actors"]] == ["A", "B", "C"]
    yaml_text = client.post("/api/scenarios/yaml", json={"scenario": ukraine}).content
    assert client.post("/api/scenarios/import", files={"file": ("u.yaml", yaml_text)}).json()["scenario"] == ukraine
    from realpolitik import load_scenario
    from realpolitik.io.xlsx import workbook_bytes

    workbook = workbook_bytes(load_scenario("ukraine-2025-03"))
    imported = client.post("/api/scenarios/import", files={"file": ("u.xlsx", workbook)}).json()["scenario"]
    assert imported == ukraine


def test_unsupported_types_aliases_and_empty_files(client):
    executable = client.post("/api/scenarios/import", files={"file": ("run.py", b"import os\n")})
    assert executable.status_code == 415
    assert "cannot import '.py' files" in executable.json()["detail"]
    aliases = b"name: &a x\nissues: [&i {name: x}, *i, *i]\nactors: []\n"
    refused = client.post("/api/scenarios/import", files={"file": ("bomb.yaml", aliases)})
    assert refused.status_code == 422
    assert "YAML alias" in refused.json()["problems"][0]["message"]
    assert client.post("/api/scenarios/import", files={"file": ("empty.csv", b"")}).status_code == 422
    workbook = Workbook()
    workbook.active.append(["nothing", "here"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    sheets = client.post("/api/scenarios/import", files={"file": ("w.xlsx", buffer.getvalue())})
    assert sheets.status_code == 422
    assert "has no sheet 'Issues'" in sheets.json()["problems"][0]["text"]


def test_a_workbook_that_unpacks_to_too_much_is_refused(client):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings.xml", b"A" * (65 * 2**20))
    assert len(buffer.getvalue()) < 2**20
    response = client.post("/api/scenarios/import", files={"file": ("bomb.xlsx", buffer.getvalue())})
    assert response.status_code == 422
    assert "unpacks to 68 MB, more than the 64 MiB accepted" in response.json()["problems"][0]["text"]


@pytest.mark.parametrize("given, kept", [
    ("../../etc/passwd.csv", "passwd.csv"),
    ("C:\\Users\\me\\table.xlsx", "table.xlsx"),
    ("<script>.yaml", "_script_.yaml"),
    ("", "upload"),
])
def test_upload_names_never_carry_a_path(given, kept):
    assert upload_name(given) == kept
