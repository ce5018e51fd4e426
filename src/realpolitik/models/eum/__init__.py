"""Bueno de Mesquita's expected utility model: the kernel (:mod:`.kernel`), the
probability of success (:mod:`.votes`), options and presets (:mod:`.options`) and the
forecast layer's adapter (:mod:`.adapter`)."""

from realpolitik.models.eum.adapter import run_issue
from realpolitik.models.eum.kernel import (
    CAPITULATION,
    COMPROMISE,
    CONFRONTATION,
    MOVE_KINDS,
    NO_MOVE,
    EUMTrajectory,
    challenge_grids,
    eum_round,
    risk_exponents,
    run_eum,
)
from realpolitik.models.eum.options import PRESETS, EUMOptions
from realpolitik.models.eum.votes import probability_of_success

__all__ = ["CAPITULATION", "COMPROMISE", "CONFRONTATION", "MOVE_KINDS", "NO_MOVE", "PRESETS", "EUMOptions",
           "EUMTrajectory", "challenge_grids", "eum_round", "probability_of_success", "risk_exponents", "run_eum",
           "run_issue"]
