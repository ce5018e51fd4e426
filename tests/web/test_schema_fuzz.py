"""The API keeps its own OpenAPI schema: schemathesis with every check, in every phase, with and without a token.

Each run is ``schemathesis run URL/api/openapi.json --checks all`` against the app under
uvicorn on loopback, with the repository's ``schemathesis.toml`` (which operations may
refuse a schema-valid request for a cross-field rule), a fixed seed and a bounded number
of examples per operation. Any failure or error fails the test with schemathesis's report.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from realpolitik.web import create_app
from tests.web.conftest import serving

ROOT = Path(__file__).resolve().parents[2]
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
TOKEN = "a-long-enough-test-token"
#: Examples per operation in the fuzzing phase; the coverage phase draws the edges of every declared
#: constraint whatever this number. Three keeps both runs within a minute on a shared two-core machine.
EXAMPLES = 3


@pytest.mark.parametrize("token", [None, TOKEN], ids=["no token", "token"])
def test_every_response_matches_the_schema(tmp_path, token):
    app = create_app(str(tmp_path / "runs.sqlite"), token=token,
                     allowed_hosts=None if token else ["127.0.0.1", "localhost"])
    command = [str(SCHEMATHESIS), "--config-file", str(ROOT / "schemathesis.toml"), "--no-color", "run",
               "--checks", "all", "--phases", "examples,coverage,fuzzing,stateful", "--max-examples", str(EXAMPLES),
               "--seed", "1", "--workers", "1", "--request-timeout", "60"]
    if token:
        command += ["--header", f"Authorization: Bearer {token}"]
    with serving(app) as url:
        result = subprocess.run([*command, f"{url}/api/openapi.json"], cwd=tmp_path, capture_output=True, text=True,
                                timeout=300)
    report = result.stdout + result.stderr
    assert result.returncode == 0, report[-20_000:]
    assert "passed" in report and "Fuzzing" in report and "Stateful" in report, report[-5_000:]
