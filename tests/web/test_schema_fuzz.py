"""Property-based requests generated from the OpenAPI schema: no request may cause a server error."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from realpolitik.web import create_app

#: Examples per API operation: enough to reach every status branch, small enough for a quick suite.
EXAMPLES_PER_OPERATION = 30


@pytest.fixture
def api_schema(run_store):
    """The app's schema, with a run and a saved scenario in its store so that ids and names can hit."""
    app = create_app(str(run_store))
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app)
    from fastapi.testclient import TestClient

    with TestClient(app) as client:
        client.post("/api/runs", json={"scenario_name": "emissions-1994", "model": "all"})
        scenario = client.get("/api/scenarios/emissions-1994").json()["scenario"]
        client.put("/api/scenarios/mine", json={"scenario": {**scenario, "name": "mine"}})
    return schema


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                 HealthCheck.function_scoped_fixture])
def test_no_request_causes_a_server_error(case):
    case.call_and_validate(checks=[not_a_server_error])
