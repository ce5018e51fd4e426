"""Request and response bodies of the JSON API (they make its OpenAPI schema)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from realpolitik.scenario import Problem

#: Largest scenario the web app runs a model on (the command line takes up to realpolitik.scenario.MAX_ACTORS).
MAX_WEB_ACTORS = 500
#: Largest number of rounds the web app runs.
MAX_WEB_ROUNDS = 200


class ProblemOut(BaseModel):
    """One problem with a scenario, located as precisely as the input allows."""

    message: str
    text: str = Field(description="The problem as one line: file, row, actor, issue, field and message.")
    file: str | None = None
    row: int | None = None
    actor: str | None = None
    issue: str | None = None
    field: str | None = None

    @classmethod
    def of(cls, problem: Problem) -> ProblemOut:
        return cls(message=problem.message, text=str(problem), file=problem.file, row=problem.row,
                   actor=problem.actor, issue=problem.issue, field=problem.field)


class ErrorOut(BaseModel):
    """An error: one message, and for scenarios every problem found."""

    detail: str
    problems: list[ProblemOut] = Field(default_factory=list)


class ScenarioBody(BaseModel):
    """A scenario in the native layout (see ``realpolitik schema``)."""

    model_config = ConfigDict(extra="forbid")
    scenario: dict[str, Any] = Field(description="The scenario: name, issues, actors (native layout); an issue "
                                     "may name veto_players, a reversion point and an agenda_setter; events: "
                                     "[{date, title, source, shocks}], dated developments.")


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

    source: str = Field(description="The uploaded file's name.")
    scenario: dict[str, Any]


class RunRequest(BaseModel):
    """Run one model, or all of them, on a library scenario or on a scenario given inline."""

    model_config = ConfigDict(extra="forbid")
    scenario_name: str | None = Field(None, min_length=1, max_length=256,
                                      description="A scenario of the library (built-in or saved).")
    scenario: dict[str, Any] | None = Field(None, description="A scenario given inline (native layout), "
                                            "e.g. the editor's unsaved table.")
    model: str = Field("eum", max_length=64, description="A model name, or 'all' to compare every model.")
    preset: str | None = Field(None, max_length=128)
    rounds: int | None = Field(None, ge=0, le=MAX_WEB_ROUNDS)


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
