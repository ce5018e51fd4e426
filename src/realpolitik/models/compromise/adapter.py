"""The compromise model (weighted mean) in the forecast layer: it reads the initial positions once."""

from realpolitik.models.compromise.kernel import compromise
from realpolitik.models.runs import static_run

run_issue = static_run(compromise)
