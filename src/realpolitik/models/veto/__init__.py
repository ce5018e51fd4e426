"""The veto-player model (Tsebelis 2002): the kernel (:mod:`.kernel`), its options and presets
(:mod:`.options`), the forecast layer's adapter (:mod:`.adapter`) and the EU legislative
procedures of DEU III (:mod:`.eu_procedures`)."""

from realpolitik.models.veto.adapter import run_issue
from realpolitik.models.veto.kernel import majority_pivots, unanimity_winset, veto_outcome
from realpolitik.models.veto.options import PRESETS, VetoOptions

__all__ = ["PRESETS", "VetoOptions", "majority_pivots", "run_issue", "unanimity_winset", "veto_outcome"]
