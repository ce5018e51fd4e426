"""Names and defaults that the command line offers, in a module with no heavy imports.

``realpolitik --help`` shows these without importing numpy, SciPy, pydantic or the
models; the modules that use them (the forecast registry, Monte Carlo, the backtest)
import them from here, so each is written once.
"""

from __future__ import annotations

#: The models of :data:`realpolitik.forecast.MODELS`, in the same order (a test checks that they agree).
MODEL_NAMES = ("compromise", "median", "nash", "eum", "smp", "exchange", "veto")

#: Monte Carlo draws when none are asked for.
DEFAULT_DRAWS = 1000

#: Seconds to wait for a Dask scheduler before giving up.
CONNECT_TIMEOUT_S = 10.0

#: The models a backtest runs when none are named: every base model, the EU procedures, then the fitted ones.
BASE_MODELS = ("compromise", "median", "nash", "eum:scholz2011", "eum:bdm-pairwise")
#: Fitted backtest models, by name, with their titles.
FITTED_MODELS: dict[str, str] = {
    "ensemble": "Convex combination of " + ", ".join(BASE_MODELS) + " (weights minimise absolute error)",
    "compromise-snap": "Compromise model moved onto the nearest position within a fitted distance",
    "fitted-capability": "Compromise model with one capability per actor fitted to minimise absolute error",
    "fitted-capability-snap": "Fitted-capability compromise moved onto the nearest position within a fitted distance",
    "calibrated": "Calibrated distribution over candidate outcomes (positions, reference point, compromise); its median",
}
#: The veto-player model's EU procedures (read from each issue's record, so not simulated).
PROCEDURAL_MODELS = ("veto:eu-commission-setter", "veto:eu-conciliation", "veto:eu-council-unanimity")
DEFAULT_MODELS = (*BASE_MODELS, *PROCEDURAL_MODELS, *FITTED_MODELS)
