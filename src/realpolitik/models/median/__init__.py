"""The weighted median (median voter) model: the kernel (:mod:`.kernel`) and the forecast layer's
adapter (:mod:`.adapter`)."""

from realpolitik.models.median.adapter import run_issue
from realpolitik.models.median.kernel import median_voter

__all__ = ["median_voter", "run_issue"]
