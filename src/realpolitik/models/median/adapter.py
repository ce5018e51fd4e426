"""The weighted median (median voter) model in the forecast layer: it reads the initial positions once."""

from realpolitik.models.median.kernel import median_voter
from realpolitik.models.runs import static_run

run_issue = static_run(median_voter)
