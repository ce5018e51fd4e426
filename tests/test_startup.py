"""The command line starts without importing the heavy libraries: they are imported where they are used."""

from __future__ import annotations

import subprocess
import sys

from realpolitik.choices import MODEL_NAMES

HEAVY = ("numpy", "scipy", "sqlalchemy", "pydantic", "pandas", "matplotlib", "plotly", "openpyxl", "distributed",
         "fastapi", "realpolitik.forecast", "realpolitik.scenario")

PROBE = """
import sys
sys.argv = ["realpolitik", *{arguments!r}]
from realpolitik.cli import run_cli
try:
    run_cli()
except SystemExit:
    pass
print("LOADED", *sorted(name for name in {heavy!r} if name in sys.modules))
"""


def loaded_after(*arguments: str) -> list[str]:
    """The heavy modules imported by running the command line with ``arguments`` in a fresh interpreter."""
    result = subprocess.run([sys.executable, "-c", PROBE.format(arguments=arguments, heavy=HEAVY)],
                            capture_output=True, text=True, check=True)
    line = next(line for line in result.stdout.splitlines() if line.startswith("LOADED"))
    return line.split()[1:]


def test_importing_the_package_imports_nothing_heavy():
    result = subprocess.run([sys.executable, "-c", f"import realpolitik, sys; print([m for m in {HEAVY!r} "
                                                   "if m in sys.modules])"], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_help_and_version_import_nothing_heavy():
    assert loaded_after("--help") == []
    assert loaded_after("--version") == []
    # typer itself imports pydantic to convert a command's parameters
    assert loaded_after("simulate", "--help") == ["pydantic"]


def test_the_public_names_still_resolve():
    import realpolitik

    assert realpolitik.load_scenario("emissions-1994").name == "emissions-1994"
    assert set(realpolitik.__all__) <= set(dir(realpolitik))


def test_the_command_lines_model_names_are_the_registrys():
    from realpolitik.forecast import MODELS

    assert MODEL_NAMES == tuple(MODELS)
