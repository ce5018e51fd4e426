"""The Nash bargaining solution: the kernel with its options and presets (:mod:`.kernel`) and the
forecast layer's adapter (:mod:`.adapter`)."""

from realpolitik.models.nash.adapter import run_issue
from realpolitik.models.nash.kernel import PRESETS, NashOptions, nash_bargaining

__all__ = ["PRESETS", "NashOptions", "nash_bargaining", "run_issue"]
