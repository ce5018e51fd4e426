"""The compromise model (weighted mean): the kernel (:mod:`.kernel`) and the forecast layer's
adapter (:mod:`.adapter`)."""

from realpolitik.models.compromise.adapter import run_issue
from realpolitik.models.compromise.kernel import compromise

__all__ = ["compromise", "run_issue"]
