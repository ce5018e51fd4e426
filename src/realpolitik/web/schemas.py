"""Request and response bodies of the JSON API (they make its OpenAPI schema)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, SkipValidation, field_validator, model_validator

from realpolitik.comparison import ALL_MODELS
from realpolitik.forecast import MODELS
from realpolitik.scenario import Problem, Scenario

#: Largest scenario the web app runs a model on (the command line takes up to realpolitik.scenario.MAX_ACTORS).
MAX_WEB_ACTORS = 500
#: Largest number of rounds the web app runs.
MAX_WEB_ROUNDS = 200

#: What a run request may name as its model, and as its preset (which must also be one of that model's).
MODEL_NAMES = (*MODELS, ALL_MODELS)
PRESET_NAMES = tuple(sorted({preset for spec in MODELS.values() for preset in spec.presets}))

#: A scenario in a request body. The schema is the scenario's own; the handler checks it with
#: ``load_scenario_dict(..., json_types=True)`` instead of the framework, so that type, range
#: and cross-field problems (stances on declared issues, positions on the issue's scale,
#: unique names) are all reported at once, each located by actor, issue and field.
ScenarioDocument = Annotated[Scenario, SkipValidation]


class ProblemOut(BaseModel):
    """One problem with a scenario, located as precisely as the input allows."""

    message: str
    text: str = Field(description="The problem as one line: file, row, actor, issue, field and message.")
    file: str | None = None
    row: int | None = None
    actor: str | None = None
    issue: str | None = None
    field: str | None = Field(None, description="The field: for a scenario, within its actor or issue; otherwise "
                              "the path within the request location, e.g. 'rounds' or 'scenario.actors[0].name'.")
    location: str | None = Field(None, description="Where in the request: 'body', 'query', 'path' or 'header' "
                                 "(absent for problems within a scenario).")

    @classmethod
    def of(cls, problem: Problem) -> ProblemOut:
        return cls(message=problem.message, text=str(problem), file=problem.file, row=problem.row,
                   actor=problem.actor, issue=problem.issue, field=problem.field)


class ErrorOut(BaseModel):
    """Every 4xx answer: one readable message, and every problem found, each located."""

    model_config = ConfigDict(json_schema_extra={"example": {
        "detail": "body field 'rounds': Input should be less than or equal to 200",
        "problems": [{"message": "Input should be less than or equal to 200",
                      "text": "body field 'rounds': Input should be less than or equal to 200",
                      "file": None, "row": None, "actor": None, "issue": None, "field": "rounds",
                      "location": "body"}]}})
    detail: str = Field(description="What is wrong, in one line.")
    problems: list[ProblemOut] = Field(default_factory=list, description="Each problem found (empty when the "
                                       "message says it all, e.g. an unknown run).")


class ScenarioBody(BaseModel):
    """A scenario in the native layout (see ``realpolitik schema``)."""

    model_config = ConfigDict(extra="forbid")
    scenario: ScenarioDocument = Field(description="The scenario: name, issues, actors (native layout); an issue "
                                     "may name veto_players, a reversion point and an agenda_setter; events: "
                                     "[{date, title, source, shocks}], dated developments.")


class ScenarioToValidate(BaseModel):
    """Anything offered as a scenario: validation says what is wrong with it."""

    model_config = ConfigDict(extra="forbid")
    scenario: Any = Field(description="A scenario in the native layout (as in ScenarioBody), or any other JSON "
                          "value: every problem is listed.")


class ValidationOut(BaseModel):
    """Whether a scenario is valid, and every problem if not."""

    valid: bool
    problems: list[ProblemOut]


class ScenarioSummary(BaseModel):
    """A scenario of the library."""

    name: str
    title: str | None
    date: str | None
    actors: int
    issues: int
    builtin: bool = Field(description="Built-in scenarios are read-only.")
    updated_at: str | None


class ScenarioOut(BaseModel):
    """A scenario of the library, in full."""

    name: str
    builtin: bool
    scenario: dict[str, Any]


class ImportOut(BaseModel):
    """A scenario read from an uploaded file (not saved)."""

    source: str = Field(description="The uploaded file's base name, reduced to safe characters (a label only: "
                        "never used as a path).")
    scenario: dict[str, Any]


def _one_of_required(schema: dict[str, Any], *names: str) -> None:
    """Say in a model's JSON schema that exactly one of the fields ``names`` is given (none has a default)."""
    for name in names:
        schema["properties"][name].pop("default", None)
    schema["oneOf"] = [{"required": [name]} for name in names]


class RunRequest(BaseModel):
    """Run one model, or all of them, on a library scenario or on a scenario given inline."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=lambda schema: _one_of_required(
        schema, "scenario_name", "scenario"))
    scenario_name: str = Field(None, min_length=1, max_length=256,
                               description="A scenario of the library (built-in or saved); or give scenario.")
    scenario: ScenarioDocument = Field(None, description="A scenario given inline (native layout), e.g. the "
                                       "editor's unsaved table; or give scenario_name.")
    model: str = Field("eum", json_schema_extra={"enum": list(MODEL_NAMES)},
                       description="A model name, or 'all' to compare every model.")
    preset: str | None = Field(None, json_schema_extra={"anyOf": [{"type": "string", "enum": list(PRESET_NAMES)},
                                                                  {"type": "null"}]},
                               description="A preset of the model (see /api/meta).")
    rounds: int | None = Field(None, ge=0, le=MAX_WEB_ROUNDS)

    @field_validator("model")
    @classmethod
    def _known_model(cls, model: str) -> str:
        if model not in MODEL_NAMES:
            raise ValueError(f"unknown model '{model[:64]}' (models: {', '.join(MODEL_NAMES)})")
        return model

    @field_validator("preset")
    @classmethod
    def _known_preset(cls, preset: str | None) -> str | None:
        if preset is not None and preset not in PRESET_NAMES:
            raise ValueError(f"no model has a preset '{preset[:64]}' (presets: {', '.join(PRESET_NAMES)})")
        return preset

    @model_validator(mode="before")
    @classmethod
    def _one_scenario(cls, data: Any) -> Any:
        """Exactly one of ``scenario_name`` and ``scenario``, and not null."""
        if isinstance(data, dict):
            given = [key for key in ("scenario_name", "scenario") if key in data]
            if len(given) != 1:
                raise ValueError("give either scenario_name (a library scenario) or scenario (inline), not both")
            if data[given[0]] is None:
                raise ValueError(f"{given[0]} is null: give a value")
        return data


class RunSummary(BaseModel):
    """A stored run, without its inputs and results."""

    id: int
    kind: str
    created_at: str
    scenario: str | None
    models: list[str]
    preset: str | None
    seed: int | None
    package_version: str


class RunOut(RunSummary):
    """A stored run in full: provenance, inputs, options and result document."""

    scenario_data: dict[str, Any] | None
    options: dict[str, Any]
    parameters: dict[str, Any]
    result: dict[str, Any]


class ModelOut(BaseModel):
    """A model the app can run."""

    name: str
    title: str
    source: str
    presets: list[str]


class MetaOut(BaseModel):
    """What the app offers and the limits it enforces."""

    version: str
    models: list[ModelOut]
    max_request_bytes: int
    max_actors: int
    max_rounds: int
    upload_suffixes: list[str]
    token_required: bool
