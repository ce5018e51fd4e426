"""API routes of the scenario library: list, read, validate, save, delete, import and export."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Path, Request, Response, UploadFile

from realpolitik.io.native import dump_native, scenario_to_dict
from realpolitik.scenario import Problem, ScenarioError, load_scenario_dict
from realpolitik.store import delete_saved_scenario, save_scenario
from realpolitik.web.errors import error_responses
from realpolitik.web.library import check_writable, find_scenario, library
from realpolitik.web.schemas import (
    ImportOut,
    ProblemOut,
    ScenarioBody,
    ScenarioOut,
    ScenarioSummary,
    ScenarioToValidate,
    ValidationOut,
)
from realpolitik.web.uploads import parse_upload, upload_name

router = APIRouter(prefix="/api/scenarios", tags=["scenarios"])

#: Where a saved scenario's name leads (OpenAPI links).
SAVED_LINKS = {"GetScenario": {"operationId": "get_scenario", "parameters": {"name": "$response.body#/name"}},
               "DeleteScenario": {"operationId": "delete_scenario", "parameters": {"name": "$response.body#/name"}}}

ScenarioName = Annotated[str, Path(min_length=1, max_length=256, description="A scenario's name.")]


@router.get("", response_model=list[ScenarioSummary], responses=error_responses(503))
def list_scenarios(request: Request) -> list[dict]:
    """The scenario library: built-in scenarios (read-only), then saved ones."""
    return [entry.summary() for entry in library(request.app.state.db)]


@router.post("/validate", response_model=ValidationOut)
def validate_scenario(body: ScenarioToValidate) -> ValidationOut:
    """Check a scenario and list every problem (for the editor's inline messages); saves nothing."""
    try:
        load_scenario_dict(body.scenario, json_types=True)
    except ScenarioError as error:
        return ValidationOut(valid=False, problems=[ProblemOut.of(problem) for problem in error.problems])
    return ValidationOut(valid=True, problems=[])


@router.post("/import", response_model=ImportOut)
def import_scenario(file: UploadFile = File(description="A .yaml, .yml, .json, .csv or .xlsx scenario file.")
                    ) -> ImportOut:
    """Read an uploaded scenario file and return it, validated, without saving it."""
    scenario = parse_upload(file.filename, file.file.read())
    return ImportOut(source=upload_name(file.filename), scenario=scenario_to_dict(scenario))


@router.post("/yaml", response_class=Response,
             responses={200: {"content": {"application/yaml": {"schema": {"type": "string"}}},
                              "description": "The scenario as native YAML."}})
def export_yaml(body: ScenarioBody) -> Response:
    """A valid scenario as a native YAML file to download."""
    scenario = load_scenario_dict(body.scenario, json_types=True)
    return Response(dump_native(scenario), media_type="application/yaml",
                    headers={"Content-Disposition": f'attachment; filename="{_file_name(scenario.name)}.yaml"'})


@router.get("/{name}", response_model=ScenarioOut, operation_id="get_scenario",
            responses=error_responses(404, 503))
def get_scenario(name: ScenarioName, request: Request) -> ScenarioOut:
    """A scenario of the library in the native layout."""
    entry = find_scenario(name, request.app.state.db)
    return ScenarioOut(name=name, builtin=entry.builtin, scenario=scenario_to_dict(entry.scenario))


@router.put("/{name}", response_model=ScenarioOut, responses={200: {"links": SAVED_LINKS},
                                                               **error_responses(409, 503)})
def put_scenario(name: ScenarioName, body: ScenarioBody, request: Request) -> ScenarioOut:
    """Save a valid scenario under ``name`` (its own name); built-in names are read-only.

    An invalid scenario is refused with every problem, and the saved version stays as it was.
    """
    check_writable(name)
    scenario = load_scenario_dict(body.scenario, json_types=True)
    if scenario.name != name:
        raise ScenarioError([Problem(f"the scenario is named '{scenario.name}' but is being saved as '{name}'",
                                     field="name")])
    save_scenario(scenario, request.app.state.db)
    return ScenarioOut(name=name, builtin=False, scenario=scenario_to_dict(scenario))


@router.delete("/{name}", status_code=204, response_class=Response, operation_id="delete_scenario",
               responses=error_responses(404, 409, 503))
def remove_scenario(name: ScenarioName, request: Request) -> Response:
    """Delete a saved scenario (built-ins cannot be deleted)."""
    check_writable(name)
    delete_saved_scenario(name, request.app.state.db)
    return Response(status_code=204)


def _file_name(name: str) -> str:
    """A scenario name made safe for a download's file name."""
    return "".join(character if character.isalnum() or character in "-_." else "_" for character in name)[:100]
