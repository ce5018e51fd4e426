"""KTAB's Spatial Model of Politics: the turn loop with its options and presets (:mod:`.kernel`),
assessment (:mod:`.utility`, :mod:`.voting`), challenges (:mod:`.challenge`), bargains
(:mod:`.bargain`), KTAB's random numbers (:mod:`.generator`), the forecast layer's
adapter (:mod:`.adapter`) and its batch of tables at once (:mod:`.batch`, the turns compiled in
:mod:`.compiled`)."""

from realpolitik.models.smp.adapter import run_table
from realpolitik.models.smp.batch import run_tables
from realpolitik.models.smp.kernel import KTAB_PARAMETERS, PRESETS, SMPOptions, SMPResult, SMPTurn, run_smp

__all__ = ["KTAB_PARAMETERS", "PRESETS", "SMPOptions", "SMPResult", "SMPTurn", "run_smp", "run_table", "run_tables"]
